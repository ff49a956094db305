/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where a Linux guest's boot data sits in guest-physical memory.
 *
 * Everything the loader writes below 1 MiB is in memory Linux keeps to
 * itself from the start (it reserves the first megabyte and copies the
 * zero page and the command line out before it uses any of it).  Above
 * that the kernel loads at 1 MiB, and the initrd goes as high in low
 * memory as the kernel's header allows.
 *
 * The e820 map the guest gets:
 *
 *   [0, 0x9fc00)            RAM: the first 639 KiB, where Linux also puts
 *                           its AP start-up trampoline
 *   [0x9fc00, 0x100000)     reserved: the MP table, then the PC's VGA and
 *                           ROM hole, where only the ACPI tables are
 *   [0x100000, --mem)       RAM, up to GUEST_MMIO_START
 *   [4 GiB, ...)            RAM: what --mem has beyond GUEST_MMIO_START
 *
 * From GUEST_MMIO_START to 4 GiB is for devices (the IOAPIC at
 * 0xfec00000, the LAPICs at 0xfee00000, and the three pages of the TSS
 * KVM_SET_TSS_ADDR wants, below them), so memory beyond it is a second
 * memory slot at 4 GiB.
 */
#ifndef VMCTL_LAYOUT_H
#define VMCTL_LAYOUT_H

#define BOOT_GDT_ADDR		0x1000
#define BOOT_ZERO_PAGE		0x7000	/* struct boot_params; RSI at entry */
#define BOOT_STACK_TOP		0x8ff0
#define BOOT_PML4		0x9000	/* identity map of the low 4 GiB: */
#define BOOT_PDPT		0xa000	/* one PDPT and */
#define BOOT_PD			0xb000	/* four page directories of 2 MiB pages */
#define BOOT_CMDLINE		0x20000
#define BOOT_CMDLINE_MAX	0x10000

#define MPTABLE_ADDR		0x9fc00	/* in the last KiB below 640 KiB */
#define ACPI_ADDR		0xe0000	/* the RSDP, then the tables */
#define ACPI_MAX		0x1000
#define LOW_RAM_END		MPTABLE_ADDR
#define HIGH_RAM_START		0x100000

#define KERNEL_LOAD_ADDR	0x100000
/* The 64-bit entry point is 0x200 into the protected-mode kernel. */
#define KERNEL_ENTRY64		(KERNEL_LOAD_ADDR + 0x200)

#define GUEST_MMIO_START	0xd0000000ULL
#define GUEST_HIGH_RAM		0x100000000ULL
#define TSS_ADDR		0xfffbd000ULL
#define IOAPIC_ADDR		0xfec00000U
#define LAPIC_ADDR		0xfee00000U

/* The boot GDT's selectors, the ones the boot protocol names. */
#define BOOT_CS			0x10
#define BOOT_DS			0x18

#endif /* VMCTL_LAYOUT_H */
