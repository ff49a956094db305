// SPDX-License-Identifier: GPL-2.0
/*
 * The machine a Linux guest gets (vmctl run --kernel): a PC without PCI.
 *
 *   in the kernel   PIC, IOAPIC, a local APIC per vCPU (KVM_CREATE_IRQCHIP)
 *                   and the PIT (KVM_CREATE_PIT2), the default routing of
 *                   ISA IRQ n to PIC line n and IOAPIC pin n
 *   in vmctl        the 16550A UART at 0x3f8 on IRQ 4 (serial.c, with the
 *                   console on stdin and stdout, console.c), the CMOS clock
 *                   (rtc.c), the reset ports (resetctl.c), ACPI's PM1
 *                   registers for power-off (acpi.c); every other port and
 *                   MMIO address is an empty bus
 *   described by    the MP table (mptable.c) and ACPI's tables (acpi.c),
 *                   for kernels without ACPI and with it
 *   booted by       the 64-bit boot protocol (bzimage.c)
 *
 * The order follows what the device checks: the irqchip before the vCPUs
 * (their LAPICs are created with them), the TSS before any vCPU runs.
 * Each vCPU gets CPUID (cpuid.c), the MSRs and FPU state of a CPU after
 * reset, and LINT0 and LINT1 wired as on a PC: the PIC's output on LINT0
 * (ExtINT) and NMI on LINT1.  Only the boot vCPU gets registers; the
 * others wait in the kernel, as on hardware, for the INIT and SIPIs that
 * Linux sends through the boot vCPU's LAPIC.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "boot.h"
#include "console.h"
#include "cpuid.h"
#include "devices.h"
#include "layout.h"

/* APIC registers, as offsets into struct kvm_lapic_state. */
#define APIC_LVT0		0x350
#define APIC_LVT1		0x360
#define APIC_DELIVERY_MASK	0x700
#define APIC_DM_NMI		0x400
#define APIC_DM_EXTINT		0x700

#define MSR_IA32_TSC		0x10
#define MSR_IA32_SYSENTER_CS	0x174
#define MSR_IA32_SYSENTER_ESP	0x175
#define MSR_IA32_SYSENTER_EIP	0x176
#define MSR_IA32_MISC_ENABLE	0x1a0
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_CSTAR		0xc0000083
#define MSR_SYSCALL_MASK	0xc0000084
#define MSR_KERNEL_GS_BASE	0xc0000102

#define MISC_ENABLE_FAST_STRING	0x1

static struct linux_devices {
	struct serial serial;
	struct rtc rtc;
	struct resetctl reset;
	struct acpi_pm pm;
	struct kvm_cpuid_entry2 leaf1;
} devs;

/* The UART's line, to ISA IRQ 4: the PIC's line 4 and the IOAPIC's pin 4. */
static void serial_set_irq(void *ctx, bool level)
{
	struct machine *m = ctx;
	struct kvm_irq_level irq = { .irq = SERIAL_IRQ, .level = level };

	if (ioctl(m->vm_fd, KVM_IRQ_LINE, &irq) < 0)
		machine_stop(m, STATUS_GUEST_FAILED,
			     "KVM_IRQ_LINE for the UART failed");
}

static void guest_reset(void *ctx, const char *how)
{
	char why[80];

	snprintf(why, sizeof(why), "the guest rebooted (%s)", how);
	machine_stop(ctx, STATUS_REBOOT, why);
}

static void guest_power_off(void *ctx)
{
	machine_stop(ctx, STATUS_POWEROFF, "the guest powered off (ACPI S5)");
}

/*
 * The VM-wide part, before any vCPU exists.  Returns 0 or -errno; the
 * caller names the step from errno.
 */
int linux_machine_setup(struct machine *m, const struct linux_image *li)
{
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };
	char err[160];
	int r;

	if (ioctl(m->vm_fd, KVM_SET_TSS_ADDR, (unsigned long)TSS_ADDR) < 0) {
		fprintf(stderr, "vmctl run: KVM_SET_TSS_ADDR: %s\n", strerror(errno));
		return -errno;
	}
	if (ioctl(m->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0) {
		fprintf(stderr, "vmctl run: KVM_CREATE_IRQCHIP: %s\n", strerror(errno));
		return -errno;
	}
	if (ioctl(m->vm_fd, KVM_CREATE_PIT2, &pit) < 0) {
		fprintf(stderr, "vmctl run: KVM_CREATE_PIT2: %s\n", strerror(errno));
		return -errno;
	}
	r = bzimage_load(m->mem, m->mem_size, li, err, sizeof(err));
	if (r) {
		fprintf(stderr, "vmctl run: %s\n", err);
		return r;
	}

	serial_init(&devs.serial, machine_serial_output, serial_set_irq, m);
	rtc_init(&devs.rtc);
	devs.reset = (struct resetctl) { .reset = guest_reset, .ctx = m };
	acpi_pm_init(&devs.pm, guest_power_off, m);
	r = bus_add(&m->pio, SERIAL_PORT, 8, serial_io, &devs.serial) ?:
	    bus_add(&m->pio, RTC_PORT, 2, rtc_io, &devs.rtc) ?:
	    bus_add(&m->pio, I8042_DATA_PORT, 1, i8042_io, &devs.reset) ?:
	    bus_add(&m->pio, I8042_CMD_PORT, 1, i8042_io, &devs.reset) ?:
	    bus_add(&m->pio, RESET_CONTROL_PORT, 1, cf9_io, &devs.reset) ?:
	    bus_add(&m->pio, ACPI_PM1_EVT_PORT,
		    ACPI_PM1_EVT_LEN + ACPI_PM1_CNT_LEN, acpi_pm_io, &devs.pm);
	if (r)
		fprintf(stderr, "vmctl run: cannot place the devices: %s\n",
			strerror(-r));
	return r;
}

static int set_msrs(struct vcpu *v)
{
	static const uint32_t zeroed[] = {
		MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP,
		MSR_IA32_SYSENTER_EIP, MSR_STAR, MSR_LSTAR, MSR_CSTAR,
		MSR_SYSCALL_MASK, MSR_KERNEL_GS_BASE,
		/* TSC 0 on every vCPU: their TSCs start in step. */
		MSR_IA32_TSC,
	};
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e[16];
	} msrs = { 0 };
	unsigned int i, n = 0;
	int r;

	for (i = 0; i < sizeof(zeroed) / sizeof(zeroed[0]); i++)
		msrs.e[n++].index = zeroed[i];
	msrs.e[n].index = MSR_IA32_MISC_ENABLE;
	msrs.e[n++].data = MISC_ENABLE_FAST_STRING;
	msrs.hdr.nmsrs = n;
	r = ioctl(v->fd, KVM_SET_MSRS, &msrs);
	if (r < 0)
		return -errno;
	/* KVM_SET_MSRS stops at the first MSR it refuses. */
	if ((unsigned int)r != n) {
		fprintf(stderr, "vmctl run: vcpu%d: the device refused MSR %#x\n",
			v->id, msrs.e[r].index);
		return -EINVAL;
	}
	return 0;
}

/* x87 and SSE control words as after a reset (FNINIT, MXCSR default). */
static int set_fpu(struct vcpu *v)
{
	struct kvm_fpu fpu = { .fcw = 0x37f, .mxcsr = 0x1f80 };

	return ioctl(v->fd, KVM_SET_FPU, &fpu) < 0 ? -errno : 0;
}

static int set_lint(struct vcpu *v)
{
	struct kvm_lapic_state lapic;
	uint32_t *lvt0 = (uint32_t *)&lapic.regs[APIC_LVT0];
	uint32_t *lvt1 = (uint32_t *)&lapic.regs[APIC_LVT1];

	if (ioctl(v->fd, KVM_GET_LAPIC, &lapic) < 0)
		return -errno;
	*lvt0 = (*lvt0 & ~APIC_DELIVERY_MASK) | APIC_DM_EXTINT;
	*lvt1 = (*lvt1 & ~APIC_DELIVERY_MASK) | APIC_DM_NMI;
	return ioctl(v->fd, KVM_SET_LAPIC, &lapic) < 0 ? -errno : 0;
}

static int set_boot_regs(struct vcpu *v)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (ioctl(v->fd, KVM_GET_SREGS, &sregs) < 0)
		return -errno;
	bzimage_entry_state(&sregs, &regs);
	if (ioctl(v->fd, KVM_SET_SREGS, &sregs) < 0 ||
	    ioctl(v->fd, KVM_SET_REGS, &regs) < 0)
		return -errno;
	return 0;
}

/*
 * One vCPU; vCPU 0 also writes the MP table and ACPI's tables and gets
 * the entry state.
 */
int linux_vcpu_setup(struct vcpu *v)
{
	int r;

	r = cpuid_setup(v, &devs.leaf1);
	if (!r)
		r = set_msrs(v);
	if (!r)
		r = set_fpu(v);
	if (!r)
		r = set_lint(v);
	if (!r && v->id == 0) {
		mptable_write(v->m->mem, v->m->nr_vcpus, devs.leaf1.eax,
			      devs.leaf1.edx);
		acpi_write(v->m->mem, v->m->nr_vcpus);
		r = set_boot_regs(v);
	}
	return r;
}

/* What must run beside the vCPUs: the console's input. */
int linux_start_devices(struct machine *m)
{
	return console_start(m, &devs.serial);
}
