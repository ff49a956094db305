/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Booting Linux: the boot loader (bzimage.c), the machine description
 * (mptable.c, acpi.c) and the vCPUs' set-up (linux.c).  The first three
 * only write guest memory, so the unit tests run them on a buffer.
 */
#ifndef VMCTL_BOOT_H
#define VMCTL_BOOT_H

#include <linux/kvm.h>
#include <stddef.h>
#include <stdint.h>

#include "machine.h"

struct linux_image {
	const uint8_t *kernel;
	size_t kernel_len;
	const uint8_t *initrd;		/* NULL for none */
	size_t initrd_len;
	const char *cmdline;
};

/* bzimage.c */
int bzimage_load(uint8_t *mem, uint64_t mem_size, const struct linux_image *li,
		 char *err, size_t errlen);
void bzimage_entry_state(struct kvm_sregs *sregs, struct kvm_regs *regs);

/*
 * The byte that makes @len bytes at @p sum to 0, as the MP table's and
 * ACPI's tables ask.
 */
static inline uint8_t table_checksum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (len--)
		sum += *b++;
	return -sum;
}

/* mptable.c */
size_t mptable_write(uint8_t *mem, int nr_cpus, uint32_t cpu_signature,
		     uint32_t cpu_features);

/* acpi.c */
size_t acpi_write(uint8_t *mem, int nr_cpus);

/* linux.c */
#define LINUX_DEFAULT_CMDLINE \
	"console=ttyS0 reboot=k panic=-1 io_delay=none 8250.nr_uarts=1"

int linux_machine_setup(struct machine *m, const struct linux_image *li);
int linux_vcpu_setup(struct vcpu *v);
int linux_start_devices(struct machine *m);

#endif /* VMCTL_BOOT_H */
