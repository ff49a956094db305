// SPDX-License-Identifier: GPL-2.0
/*
 * The machine as a kernel with ACPI reads it, beside the MP table that
 * kernels without ACPI read (mptable.c): the few ACPI tables a PC needs to
 * describe its CPUs and interrupts and to power off, and the fixed
 * hardware that powers it off.
 *
 *   RSDP   at 0xe0000, where Linux looks for it without EFI, pointing at
 *   XSDT   which lists the
 *   FADT   fixed hardware: the PM1 event and control registers at 0x600
 *          and 0x604 (below), the SCI on IRQ 9 (never raised: there are
 *          no ACPI events), no SMI command port (the machine is in ACPI
 *          mode from the start), no PM timer, no 8042 (IAPC_BOOT_ARCH),
 *          so Linux's i8042 driver does not wait for one, and reset by
 *          port 0xcf9 (resetctl.c); with the FACS and the
 *   DSDT   one AML object: \_S5, the value PM1_CNT.SLP_TYP takes for
 *          power-off;
 *   MADT   the local APICs, the IOAPIC and the NMI on LINT1, as the MP
 *          table says them.
 *
 * Power-off is ACPI's: Linux writes SLP_TYP 5 with SLP_EN to PM1_CNT,
 * and the run ends (STATUS_POWEROFF).  That is all the fixed hardware
 * does.  Why full ACPI rather than hardware-reduced (a sleep control
 * register, no PM1 blocks): Linux's hardware-reduced mode also drops the
 * legacy PIC and the PIT, which this machine has.  (ACPI 6.5, chapter 5.)
 */
#include <string.h>

#include "boot.h"
#include "devices.h"
#include "layout.h"

struct acpi_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	char creator_id[4];
	uint32_t creator_revision;
} __attribute__((packed));

struct acpi_rsdp {
	char signature[8];		/* "RSD PTR " */
	uint8_t checksum;		/* of the first 20 bytes */
	char oem_id[6];
	uint8_t revision;		/* 2: there is an XSDT */
	uint32_t rsdt;
	uint32_t length;
	uint64_t xsdt;
	uint8_t ext_checksum;		/* of all 36 bytes */
	uint8_t reserved[3];
} __attribute__((packed));

/* A Generic Address Structure: here always a port (space 1). */
struct acpi_gas {
	uint8_t space, bit_width, bit_offset, access_size;
	uint64_t address;
} __attribute__((packed));

struct acpi_fadt {
	struct acpi_header h;
	uint32_t facs, dsdt;
	uint8_t reserved0, pm_profile;
	uint16_t sci_int;
	uint32_t smi_cmd;
	uint8_t acpi_enable, acpi_disable, s4bios_req, pstate_cnt;
	uint32_t pm1a_evt_blk, pm1b_evt_blk, pm1a_cnt_blk, pm1b_cnt_blk;
	uint32_t pm2_cnt_blk, pm_tmr_blk, gpe0_blk, gpe1_blk;
	uint8_t pm1_evt_len, pm1_cnt_len, pm2_cnt_len, pm_tmr_len;
	uint8_t gpe0_blk_len, gpe1_blk_len, gpe1_base, cst_cnt;
	uint16_t p_lvl2_lat, p_lvl3_lat, flush_size, flush_stride;
	uint8_t duty_offset, duty_width, day_alrm, mon_alrm, century;
	uint16_t iapc_boot_arch;
	uint8_t reserved1;
	uint32_t flags;
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	uint16_t arm_boot_arch;
	uint8_t minor_version;
	uint64_t x_facs, x_dsdt;
	struct acpi_gas x_pm1a_evt_blk, x_pm1b_evt_blk;
	struct acpi_gas x_pm1a_cnt_blk, x_pm1b_cnt_blk;
	struct acpi_gas x_pm2_cnt_blk, x_pm_tmr_blk;
	struct acpi_gas x_gpe0_blk, x_gpe1_blk;
	struct acpi_gas sleep_control, sleep_status;
	uint64_t hypervisor_id;
} __attribute__((packed));

struct acpi_facs {
	char signature[4];
	uint32_t length;
	uint32_t hardware_signature, waking_vector, global_lock, flags;
	uint64_t x_waking_vector;
	uint8_t version, reserved[3];
	uint32_t ospm_flags;
	uint8_t reserved2[24];
} __attribute__((packed));

/* The MADT's header; its entries follow. */
struct acpi_madt {
	struct acpi_header h;
	uint32_t lapic_addr;
	uint32_t flags;
} __attribute__((packed));

struct madt_lapic {
	uint8_t type, length, uid, apic_id;
	uint32_t flags;
} __attribute__((packed));

struct madt_ioapic {
	uint8_t type, length, id, reserved;
	uint32_t address, gsi_base;
} __attribute__((packed));

struct madt_lapic_nmi {
	uint8_t type, length, uid;
	uint16_t flags;
	uint8_t lint;
} __attribute__((packed));

enum { MADT_LAPIC, MADT_IOAPIC, MADT_LAPIC_NMI = 4 };

#define FADT_WBINVD		(1u << 0)
#define FADT_PWR_BUTTON		(1u << 4)	/* none as fixed hardware */
#define FADT_SLP_BUTTON		(1u << 5)
#define FADT_RESET_REG_SUP	(1u << 10)
#define MADT_PCAT_COMPAT	(1u << 0)	/* the 8259A PICs are there */
#define ACPI_SCI_IRQ		9
#define ACPI_SPACE_IO		1
#define CF9_RESET		0x06		/* system and CPU reset */

/*
 * DSDT's AML: Name (_S5, Package () { 5, 5, 0, 0 }): NameOp, the name,
 * PackageOp, its length (8 bytes from here), 4 elements, two BytePrefix
 * constants and two ZeroOps.
 */
static const uint8_t dsdt_aml[] = {
	0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04,
	0x0a, ACPI_S5_TYPE, 0x0a, ACPI_S5_TYPE, 0x00, 0x00,
};

static void header(struct acpi_header *h, const char *sig, uint32_t len,
		   uint8_t rev)
{
	memcpy(h->signature, sig, 4);
	h->checksum = 0;
	h->length = len;
	h->revision = rev;
	memcpy(h->oem_id, "HVX   ", 6);
	memcpy(h->oem_table_id, "VMCTL   ", 8);
	h->oem_revision = 1;
	memcpy(h->creator_id, "HVX ", 4);
	h->creator_revision = 1;
	h->checksum = table_checksum(h, len);
}

static struct acpi_gas port(uint16_t addr, uint8_t bytes)
{
	return (struct acpi_gas){ .space = ACPI_SPACE_IO,
				  .bit_width = bytes * 8, .address = addr };
}

static void fadt_write(struct acpi_fadt *f, uint32_t facs, uint32_t dsdt)
{
	memset(f, 0, sizeof(*f));
	/* FIRMWARE_CTRL must be 0 where X_FIRMWARE_CTRL is set. */
	f->x_facs = facs;
	f->dsdt = dsdt;
	f->x_dsdt = dsdt;
	f->sci_int = ACPI_SCI_IRQ;
	f->pm1a_evt_blk = ACPI_PM1_EVT_PORT;
	f->pm1_evt_len = ACPI_PM1_EVT_LEN;
	f->x_pm1a_evt_blk = port(ACPI_PM1_EVT_PORT, ACPI_PM1_EVT_LEN);
	f->pm1a_cnt_blk = ACPI_PM1_CNT_PORT;
	f->pm1_cnt_len = ACPI_PM1_CNT_LEN;
	f->x_pm1a_cnt_blk = port(ACPI_PM1_CNT_PORT, ACPI_PM1_CNT_LEN);
	/* No C2 or C3: latencies above their limits say so. */
	f->p_lvl2_lat = 101;
	f->p_lvl3_lat = 1001;
	f->century = 0x32;		/* the CMOS clock's century byte */
	f->flags = FADT_WBINVD | FADT_PWR_BUTTON | FADT_SLP_BUTTON |
		   FADT_RESET_REG_SUP;
	f->reset_reg = port(RESET_CONTROL_PORT, 1);
	f->reset_value = CF9_RESET;
	header(&f->h, "FACP", sizeof(*f), 6);
}

static size_t madt_write(struct acpi_madt *m, int nr_cpus)
{
	uint8_t *p = (uint8_t *)(m + 1);
	struct madt_ioapic io = {
		.type = MADT_IOAPIC, .length = sizeof(io),
		/* Its ID follows the CPUs', as in the MP table. */
		.id = nr_cpus, .address = IOAPIC_ADDR,
	};
	struct madt_lapic_nmi nmi = {
		.type = MADT_LAPIC_NMI, .length = sizeof(nmi),
		.uid = 0xff, .lint = 1,		/* every CPU's LINT1 */
	};
	int i;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < nr_cpus; i++) {
		struct madt_lapic l = {
			.type = MADT_LAPIC, .length = sizeof(l), .uid = i,
			.apic_id = i, .flags = 1,	/* enabled */
		};

		memcpy(p, &l, sizeof(l));
		p += sizeof(l);
	}
	memcpy(p, &io, sizeof(io));
	p += sizeof(io);
	memcpy(p, &nmi, sizeof(nmi));
	p += sizeof(nmi);

	m->lapic_addr = LAPIC_ADDR;
	m->flags = MADT_PCAT_COMPAT;
	header(&m->h, "APIC", p - (uint8_t *)m, 4);
	return m->h.length;
}

/* Round @x up to a multiple of @a, a power of two. */
static uint32_t align(uint32_t x, uint32_t a)
{
	return (x + a - 1) & ~(a - 1);
}

/*
 * Write the tables for nr_cpus vCPUs (APIC IDs 0 to nr_cpus - 1) from
 * ACPI_ADDR up.  Returns the bytes written, at most ACPI_MAX.
 */
size_t acpi_write(uint8_t *mem, int nr_cpus)
{
	uint32_t rsdp = ACPI_ADDR, xsdt, fadt, facs, dsdt, madt, end;
	struct acpi_rsdp *r = (void *)(mem + rsdp);
	struct acpi_header *x, *d;
	uint64_t entries[2];

	xsdt = align(rsdp + sizeof(*r), 16);
	fadt = align(xsdt + sizeof(*x) + sizeof(entries), 16);
	facs = align(fadt + sizeof(struct acpi_fadt), 64);
	dsdt = align(facs + sizeof(struct acpi_facs), 16);
	madt = align(dsdt + sizeof(*d) + sizeof(dsdt_aml), 16);

	/* The FACS: the firmware's side of the OS's wake-up; no checksum. */
	memset(mem + facs, 0, sizeof(struct acpi_facs));
	memcpy(mem + facs, "FACS", 4);
	((struct acpi_facs *)(mem + facs))->length = sizeof(struct acpi_facs);
	((struct acpi_facs *)(mem + facs))->version = 2;

	d = (void *)(mem + dsdt);
	memcpy(d + 1, dsdt_aml, sizeof(dsdt_aml));
	header(d, "DSDT", sizeof(*d) + sizeof(dsdt_aml), 2);

	fadt_write((void *)(mem + fadt), facs, dsdt);
	end = madt + madt_write((void *)(mem + madt), nr_cpus);

	x = (void *)(mem + xsdt);
	entries[0] = fadt;
	entries[1] = madt;
	memcpy(x + 1, entries, sizeof(entries));
	header(x, "XSDT", sizeof(*x) + sizeof(entries), 1);

	memset(r, 0, sizeof(*r));
	memcpy(r->signature, "RSD PTR ", 8);
	memcpy(r->oem_id, "HVX   ", 6);
	r->revision = 2;
	r->length = sizeof(*r);
	r->xsdt = xsdt;
	r->checksum = table_checksum(r, 20);
	r->ext_checksum = table_checksum(r, sizeof(*r));
	return end - rsdp;
}

/*
 * The PM1 registers at ACPI_PM1_EVT_PORT: status and enable (2 bytes
 * each; nothing ever sets a status bit), then control, whose SCI_EN reads
 * 1.  A write of control with SLP_EN and SLP_TYP 5 (\_S5) powers off; no
 * other sleep state is offered.
 */
int acpi_pm_io(struct vcpu *v, void *dev, uint64_t addr, uint8_t *data,
	       unsigned int len, bool write)
{
	struct acpi_pm *pm = dev;
	unsigned int off = addr - ACPI_PM1_EVT_PORT;
	uint16_t cnt;

	if (off + len > sizeof(pm->regs)) {
		if (!write)
			memset(data, 0xff, len);
		return -1;
	}
	if (!write) {
		memcpy(data, pm->regs + off, len);
		return -1;
	}
	if (off < 2)		/* status: write 1 to clear, all clear */
		return -1;
	memcpy(pm->regs + off, data, len);
	memcpy(&cnt, pm->regs + 4, 2);
	cnt |= ACPI_PM1_SCI_EN;
	if ((cnt & ACPI_PM1_SLP_EN) &&
	    ((cnt >> ACPI_PM1_SLP_TYP_SHIFT) & 7) == ACPI_S5_TYPE)
		pm->power_off(pm->ctx);
	cnt &= ~ACPI_PM1_SLP_EN;	/* it reads 0 */
	memcpy(pm->regs + 4, &cnt, 2);
	return -1;
}

void acpi_pm_init(struct acpi_pm *pm, void (*power_off)(void *ctx),
		  void *ctx)
{
	uint16_t cnt = ACPI_PM1_SCI_EN;

	memset(pm, 0, sizeof(*pm));
	memcpy(pm->regs + 4, &cnt, 2);
	pm->power_off = power_off;
	pm->ctx = ctx;
}
