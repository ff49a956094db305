/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What kmod/ and kmod/vmx/ call in the x86 layer (kmod/x86/).
 */
#ifndef HVX_X86_X86_H
#define HVX_X86_X86_H

#include <linux/types.h>
#include <asm/trapnr.h>

#include "events.h"

struct hvx_vm;
struct hvx_vcpu;
struct kvm_vcpu_events;

/* kmod/x86/x86.c */
int hvx_emulate_cpuid(struct hvx_vcpu *vcpu);
int hvx_emulate_vmcall(struct hvx_vcpu *vcpu);
int hvx_emulate_xsetbv(struct hvx_vcpu *vcpu);
int hvx_emulate_monitor_mwait(struct hvx_vcpu *vcpu);
int hvx_handle_ud(struct hvx_vcpu *vcpu);

/* kmod/x86/events.c */
bool hvx_exception_has_error(u8 vector);
void hvx_events_reset(struct hvx_vcpu *vcpu);
void hvx_inject_exception(struct hvx_vcpu *vcpu, u8 vector, bool has_error,
			  u32 error_code);
void hvx_inject_soft_exception(struct hvx_vcpu *vcpu, u8 vector,
			       u32 instr_len);
bool hvx_exception_waiting(struct hvx_vcpu *vcpu);
void hvx_event_requeue(struct hvx_vcpu *vcpu, enum hvx_event_type type,
		       u8 vector, bool has_error, u32 error_code,
		       u32 instr_len);
void hvx_events_entered(struct hvx_vcpu *vcpu);
bool hvx_event_in_delivery(struct hvx_vcpu *vcpu);
int hvx_inject_events(struct hvx_vcpu *vcpu);
bool hvx_irq_window_exit(struct hvx_vcpu *vcpu);
int hvx_load_run_state(struct hvx_vcpu *vcpu);
unsigned long hvx_cr8_read(struct hvx_vcpu *vcpu);
int hvx_cr8_write(struct hvx_vcpu *vcpu, unsigned long val);

/* kmod/x86/mp_state.c */
struct kvm_mp_state;
void hvx_mp_state_init(struct hvx_vcpu *vcpu);
void hvx_vcpu_apic_event(struct hvx_vcpu *vcpu, bool init, u8 vector);
int hvx_emulate_hlt(struct hvx_vcpu *vcpu);
int hvx_vcpu_wait_runnable(struct hvx_vcpu *vcpu);
int hvx_vcpu_wait_started(struct hvx_vcpu *vcpu);
int hvx_get_mp_state(struct hvx_vcpu *vcpu, struct kvm_mp_state *mp);
int hvx_set_mp_state(struct hvx_vcpu *vcpu, const struct kvm_mp_state *mp);
void hvx_set_sipi_vector(struct hvx_vcpu *vcpu, u8 vector);
void hvx_save_run_state(struct hvx_vcpu *vcpu);
int hvx_vcpu_interrupt(struct hvx_vcpu *vcpu, u32 vector);
void hvx_vcpu_nmi(struct hvx_vcpu *vcpu);
void hvx_get_vcpu_events(struct hvx_vcpu *vcpu, struct kvm_vcpu_events *e);
int hvx_set_vcpu_events(struct hvx_vcpu *vcpu,
			const struct kvm_vcpu_events *e);
void hvx_events_get_interrupt_bitmap(struct hvx_vcpu *vcpu, u64 *bitmap);
void hvx_events_set_interrupt_bitmap(struct hvx_vcpu *vcpu,
				     const u64 *bitmap);

/* #GP(0) and #UD, for a handler to return (1: enter the guest again). */
static inline int hvx_inject_gp(struct hvx_vcpu *vcpu)
{
	hvx_inject_exception(vcpu, GP_VECTOR, true, 0);
	return 1;
}

static inline int hvx_inject_ud(struct hvx_vcpu *vcpu)
{
	hvx_inject_exception(vcpu, UD_VECTOR, false, 0);
	return 1;
}

/* kmod/x86/msr_filter.c */
int hvx_msr_filter_set(struct hvx_vm *vm, const void __user *argp);
void hvx_msr_filter_free(struct hvx_vm *vm);
void hvx_msr_filter_vcpu_init(struct hvx_vcpu *vcpu);
void hvx_msr_filter_reload(struct hvx_vcpu *vcpu);
bool hvx_msr_allowed(struct hvx_vcpu *vcpu, u32 index, bool write);
int hvx_user_space_msr_enable(struct hvx_vm *vm, u64 reasons);
int hvx_msr_refused(struct hvx_vcpu *vcpu, bool write, u32 index, u64 data,
		    u32 reason);
int hvx_complete_msr(struct hvx_vcpu *vcpu);

/* kmod/x86/msr.c.  As KVM's MAX_IO_MSRS: a KVM_GET/SET_MSRS this long fails. */
#define HVX_MAX_IO_MSRS	256
int hvx_get_msr(struct hvx_vcpu *vcpu, u32 index, u64 *val);
int hvx_set_msr(struct hvx_vcpu *vcpu, u32 index, u64 val);
extern const u32 hvx_feature_msrs[];
extern const unsigned int hvx_nr_feature_msrs;
int hvx_get_feature_msr(u32 index, u64 *val);
struct kvm_msr_entry *hvx_msrs_copy_in(struct kvm_msrs __user *argp, u32 *n);
int hvx_emulate_rdmsr(struct hvx_vcpu *vcpu);
int hvx_emulate_wrmsr(struct hvx_vcpu *vcpu);

/* kmod/x86/pio.c: vcpu->pio holds the instruction, as the exit told it. */
int hvx_emulate_pio(struct hvx_vcpu *vcpu);
int hvx_complete_pio(struct hvx_vcpu *vcpu);

/*
 * kmod/x86/mmio.c: an access to MMIO at @gpa, linear address @gla; @data
 * when it is the guest's data access to that address and nothing else
 * (not a fetch, a page-table walk or an event's delivery), @write when it
 * writes.
 */
int hvx_emulate_mmio(struct hvx_vcpu *vcpu, u64 gpa, u64 gla, bool data,
		     bool write);
int hvx_complete_mmio(struct hvx_vcpu *vcpu);

#endif /* HVX_X86_X86_H */
