/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A VM's in-kernel irqchip (KVM_CREATE_IRQCHIP): the PICs, the IOAPIC, the
 * GSI routing and a local APIC per vCPU, wired to each other and to the
 * vCPUs; the ports and MMIO they answer; the ioctls that reach them.
 */
#ifndef HVX_IRQ_IRQCHIP_H
#define HVX_IRQ_IRQCHIP_H

#include <linux/hrtimer.h>
#include <linux/kvm.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <asm/msr-index.h>

#include "ioapic.h"
#include "lapic.h"
#include "pic.h"
#include "routing.h"

struct hvx_vm;
struct hvx_vcpu;

/*
 * Who drives a line: each has its own level, and a pin sees them ORed
 * (KVM's irq_source_id), so that the VMM lowering GSI 0 does not lower
 * the PIT's.
 */
enum hvx_irq_source {
	HVX_IRQ_SOURCE_VMM,
	HVX_IRQ_SOURCE_PIT,
	HVX_IRQ_SOURCE_RESAMPLE,	/* level irqfds: up until the EOI */
	HVX_NR_IRQ_SOURCES,
};

/**
 * struct hvx_irqchip - a VM's interrupt controllers
 * @vm: the VM
 * @lock: the devices' state: the PICs, the IOAPIC, the line levels and
 *	every vCPU's local APIC.  A raw spinlock taken with interrupts off:
 *	the APIC timers' hrtimers take it in hard interrupt context.
 * @pic: the two 8259As
 * @ioapic: the IOAPIC
 * @pic_lines: per source, the levels of the PIC's 16 inputs
 * @ioapic_lines: per source, the levels of the IOAPIC's 24 pins
 * @storm: redelivers a level interrupt the IOAPIC's storm guard held back
 * @routing: the GSI routing, read under RCU
 * @routing_lock: serialises KVM_SET_GSI_ROUTING
 */
struct hvx_irqchip {
	struct hvx_vm *vm;
	raw_spinlock_t lock;
	struct hvx_pic pic;
	struct hvx_ioapic ioapic;
	u16 pic_lines[HVX_NR_IRQ_SOURCES];
	u32 ioapic_lines[HVX_NR_IRQ_SOURCES];
	struct hrtimer storm;
	/* GSIs whose level irqfds' EOI came: their resamplefds to signal. */
	DECLARE_BITMAP(resample, KVM_IOAPIC_NUM_PINS);
	struct hvx_routing __rcu *routing;
	struct mutex routing_lock;	/* KVM_SET_GSI_ROUTING */
};

/**
 * struct hvx_vcpu_apic - a vCPU's local APIC and its timer
 * @lapic: the registers and their logic (lapic*.c), under the irqchip's lock
 * @timer: the APIC timer
 * @vcpu: the vCPU
 */
struct hvx_vcpu_apic {
	struct hvx_lapic lapic;
	struct hrtimer timer;
	struct hvx_vcpu *vcpu;
};

int hvx_irqchip_create(struct hvx_vm *vm);
void hvx_irqchip_free(struct hvx_vm *vm);
int hvx_irqchip_vcpu_create(struct hvx_vcpu *vcpu);
void hvx_irqchip_vcpu_free(struct hvx_vcpu *vcpu);
void hvx_irqchip_init_apic(struct hvx_vcpu *vcpu);

/* Inside kmod/irq/: irqchip.c's, for irqchip_ioctl.c (lock held). */
int hvx_irqchip_set_gsi(struct hvx_irqchip *chip,
			enum hvx_irq_source source, u32 gsi, bool level);
int hvx_irqchip_deliver(struct hvx_irqchip *chip, const struct hvx_irq *irq,
			const struct hvx_lapic *source);
void hvx_irqchip_pic_update(struct hvx_irqchip *chip);
void hvx_apic_timer_update(struct hvx_vcpu_apic *apic);

/* VM ioctls (irqchip_ioctl.c) */
long hvx_irqchip_ioctl(struct hvx_vm *vm, unsigned int ioctl,
		       void __user *argp);
int hvx_irqchip_line(struct hvx_vm *vm, struct kvm_irq_level *line);
int hvx_irqchip_signal_msi(struct hvx_vm *vm, const struct kvm_msi *msi);
int hvx_irqchip_set_routing(struct hvx_vm *vm,
			    struct kvm_irq_routing __user *argp);
int hvx_irqchip_get(struct hvx_vm *vm, struct kvm_irqchip *chip);
int hvx_irqchip_set(struct hvx_vm *vm, const struct kvm_irqchip *chip);

/* IA32_APIC_BASE.EN, for CPUID.1:EDX.APIC; a racy read is as good. */
static inline bool hvx_irqchip_apic_enabled(struct hvx_vcpu_apic *apic)
{
	return READ_ONCE(apic->lapic.base) & MSR_IA32_APICBASE_ENABLE;
}

/* vCPU ioctls */
int hvx_irqchip_get_lapic(struct hvx_vcpu *vcpu, struct kvm_lapic_state *s);
int hvx_irqchip_set_lapic(struct hvx_vcpu *vcpu,
			  const struct kvm_lapic_state *s);

/* The PIT's channel 0: a pulse on GSI 0; an irqfd's.  Any context. */
void hvx_irqchip_pit_tick(struct hvx_vm *vm);
void hvx_irqchip_pulse_gsi(struct hvx_vm *vm, u32 gsi);
void hvx_irqchip_resample_raise(struct hvx_vm *vm, u32 gsi);
void hvx_irqchip_resample_lower(struct hvx_vm *vm, u32 gsi);
void hvx_irqchip_resample_done(struct hvx_irqchip *chip);

/* Between irqchip.c and irqchip_vcpu.c (the lock held). */
void hvx_irqchip_act(struct hvx_vcpu *vcpu,
		     const struct hvx_lapic_action *act);
bool hvx_irqchip_resample_pending(struct hvx_irqchip *chip);

/*
 * What VT-x's TPR shadow (kmod/vmx/apic.c) needs before each entry: the
 * TPR, and the class the guest must lower it below for an interrupt the
 * TPR holds back (hvx_lapic_next(); 0 for none).
 */
struct hvx_tpr_state {
	u8 tpr;
	u8 threshold;
};

/* The vCPU's side (irqchip_vcpu.c): what it takes, reads and writes. */
int hvx_irqchip_take_interrupt(struct hvx_vcpu *vcpu, bool *more,
			       struct hvx_tpr_state *tpr);
bool hvx_irqchip_has_interrupt(struct hvx_vcpu *vcpu,
			       struct hvx_tpr_state *tpr);
void hvx_irqchip_set_tpr(struct hvx_vcpu *vcpu, u8 tpr);
bool hvx_irqchip_pio(struct hvx_vcpu *vcpu, u16 port, unsigned int size,
		     unsigned int count, bool in, void *data);
bool hvx_irqchip_mmio(struct hvx_vcpu *vcpu, u64 gpa, unsigned int len,
		      bool write, void *data);
int hvx_irqchip_rdmsr(struct hvx_vcpu *vcpu, u32 msr, u64 *val);
int hvx_irqchip_wrmsr(struct hvx_vcpu *vcpu, u32 msr, u64 val, bool host);
u64 hvx_irqchip_get_cr8(struct hvx_vcpu *vcpu);
int hvx_irqchip_set_cr8(struct hvx_vcpu *vcpu, u64 cr8);
u64 hvx_irqchip_get_tsc_deadline(struct hvx_vcpu *vcpu);
void hvx_irqchip_set_tsc_deadline(struct hvx_vcpu *vcpu, u64 tsc);
void hvx_irqchip_set_cpuid(struct hvx_vcpu *vcpu);
struct hvx_vcpu *hvx_irqchip_vcpu_by_apic_id(struct hvx_vm *vm, u32 id);
void hvx_irqchip_set_cmci(struct hvx_vcpu *vcpu, bool on);
void hvx_irqchip_cmci(struct hvx_vcpu *vcpu);

#endif /* HVX_IRQ_IRQCHIP_H */
