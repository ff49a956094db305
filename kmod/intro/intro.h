/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Introspection (uapi/hvx.h, HVX_INTROSPECT): the channel through which
 * one process watches and steers a VM it does not own, and the hooks by
 * which a vCPU stops for the channel's events.
 *
 * An event stops its vCPU inside KVM_RUN, on the vCPU's own thread, with
 * the vCPU put: the thread sleeps until the reply, holding vcpu->mutex,
 * so its VMM can do nothing to the vCPU meanwhile.  While it sleeps the
 * introspector's commands work on the vCPU from the introspector's thread
 * (loading its VMCS there, as a migrated vCPU thread would), under
 * vm->intro_lock, which the vCPU takes before it runs on.  So a command
 * sees a vCPU that is either stopped for all of the command or refused
 * with EBUSY; never one that moves under it.
 *
 * vm->intro_lock guards vm->intro and every vCPU's struct hvx_vcpu_intro
 * but ->events and ->crs, which the exit handlers read without it: a
 * vCPU may see a change an exit late, which an introspector cannot tell
 * from the guest being an instruction further on.
 */
#ifndef HVX_INTRO_H
#define HVX_INTRO_H

#include <linux/bitops.h>
#include <linux/bits.h>
#include <linux/compiler.h>
#include <linux/list.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "../../uapi/hvx.h"

struct hvx_vcpu;
struct hvx_vm;

/* Where a vCPU is with the channel's events. */
enum hvx_intro_state {
	HVX_INTRO_RUNS,		/* not stopped */
	HVX_INTRO_WAITS,	/* stopped for an event, until the reply */
	HVX_INTRO_REPLIED,	/* the reply came; the vCPU has yet to wake */
};

struct hvx_vcpu_intro {
	unsigned long events;	/* 1 << enum hvx_intro_event_id */
	u32 crs;		/* HVX_INTRO_EV_CR: 1 << 0, 3, 4 */
	/*
	 * HVX_INTRO_EV_MSR: the MSRs watched, a bit each (hvx_intro_msr_bit());
	 * made on the first HVX_INTRO_CONTROL_MSR, kept until the vCPU goes.
	 */
	unsigned long *msrs;
	bool pause;		/* HVX_INTRO_PAUSE asked; until its reply */
	bool step_tf;		/* hvx set RFLAGS.TF for SINGLESTEP events */
	/*
	 * A descriptor-table instruction runs with its exit off, until the
	 * #DB of its step (kmod/vmx/debug.c); desc_tf: hvx set TF for it.
	 */
	bool desc_step;
	bool desc_tf;
	enum hvx_intro_state state;
	bool queued;		/* its event is on the channel, unread */
	struct list_head node;	/* on the channel's queue */
	struct hvx_intro_event ev;
	struct hvx_intro_reply reply;
	wait_queue_head_t wq;	/* the vCPU, for the reply */
};

/*
 * The channel (the file behind the introspector's fd): the events read()
 * has yet to return, each on the queue in the order it came, and the
 * number of the last.  It holds a reference to the VM.
 */
struct hvx_intro {
	struct hvx_vm *vm;
	struct list_head queue;		/* of struct hvx_vcpu_intro */
	wait_queue_head_t readers;
	u32 seq;
	/* HVX_INTRO_MEM_UNDO's writes, newest first (undo.c), under intro_lock */
	struct list_head undo;
	unsigned int nr_undo;
};

/* hvx_intro_insn_event(): carry the instruction out. */
#define HVX_INTRO_GO	2

/* Does an introspector want @event of @vcpu?  All an unwatched VM pays. */
#define hvx_intro_wants(vcpu, event) \
	unlikely(READ_ONCE((vcpu)->intro.events) & BIT(event))

/* Did hvx set the guest's RFLAGS.TF, for a step of the introspector's? */
static inline bool hvx_intro_tf(const struct hvx_vcpu_intro *vi)
{
	return vi->step_tf || vi->desc_tf;
}

/* The MSRs an MSR bitmap covers, a bit each: 0-1fffH, C0000000H-C0001fffH. */
#define HVX_INTRO_NR_MSR_BITS	0x4000

/* @msr's bit in hvx_vcpu_intro's msrs, or -1 for an MSR outside them. */
static inline int hvx_intro_msr_bit(u32 msr)
{
	if (msr < 0x2000)
		return msr;
	if (msr >= 0xc0000000 && msr < 0xc0002000)
		return 0x2000 + (msr - 0xc0000000);
	return -1;
}

/* Does the introspector watch the guest's writes of @msr? */
static inline bool hvx_intro_msr_watched(const struct hvx_vcpu_intro *vi,
					 u32 msr)
{
	const unsigned long *msrs = READ_ONCE(vi->msrs);
	int bit = hvx_intro_msr_bit(msr);

	return msrs && bit >= 0 && test_bit(bit, msrs);
}

/* kmod/intro/channel.c */
void hvx_vcpu_intro_init(struct hvx_vcpu *vcpu);
void hvx_vcpu_intro_free(struct hvx_vcpu *vcpu);
int hvx_introspect(void __user *argp);
int hvx_intro_event(struct hvx_vcpu *vcpu, struct hvx_intro_event *ev);
int hvx_intro_insn_event(struct hvx_vcpu *vcpu, struct hvx_intro_event *ev);
int hvx_intro_event_go_on(struct hvx_vcpu *vcpu, struct hvx_intro_event *ev);
bool hvx_intro_value(struct hvx_vcpu *vcpu, u64 *value);
int hvx_intro_pause(struct hvx_vcpu *vcpu);

/* kmod/intro/events.c: each event's hook, from its exit handler. */
int hvx_intro_cpuid(struct hvx_vcpu *vcpu);
int hvx_intro_hypercall(struct hvx_vcpu *vcpu);
int hvx_intro_breakpoint(struct hvx_vcpu *vcpu);
int hvx_intro_cr(struct hvx_vcpu *vcpu, int cr, unsigned long *val);
int hvx_intro_xsetbv(struct hvx_vcpu *vcpu, u64 *val);
int hvx_intro_msr(struct hvx_vcpu *vcpu, u32 msr, u64 *val);
int hvx_intro_page_fault(struct hvx_vcpu *vcpu, u64 gpa, u64 gva,
			 u32 access);
int hvx_intro_singlestep(struct hvx_vcpu *vcpu);
int hvx_intro_desc(struct hvx_vcpu *vcpu, u8 descriptor, bool write);
int hvx_intro_request(struct hvx_vcpu *vcpu);

/* kmod/intro/undo.c */
int hvx_intro_write_undoable(struct hvx_intro *intro, u64 gpa,
			     const void *buf, u32 size);
void hvx_intro_undo_all(struct hvx_intro *intro);

/* kmod/intro/commands.c */
struct hvx_intro;
long hvx_intro_command(struct hvx_intro *intro, unsigned int ioctl,
		       void __user *argp);

#endif /* HVX_INTRO_H */
