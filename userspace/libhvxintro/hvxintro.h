/* SPDX-License-Identifier: LGPL-2.1 OR GPL-2.0 */
/*
 * libhvxintro: a small C library over hvx's introspection channel
 * (uapi/hvx.h, HVX_INTROSPECT): attach to a VM, send commands, and run an
 * event loop that calls a handler for each event and replies with what
 * the handler decided.
 *
 * Every function returns 0 (or a count) on success and -1 with errno set
 * on failure, as the system calls under it do; the errnos are hvx's,
 * documented in uapi/hvx.h.  A channel is not thread-safe: one thread
 * uses it at a time.
 *
 *	struct hvxi *h = hvxi_attach("/dev/hvx", vm_id);
 *	hvxi_control(h, HVX_INTRO_ALL_VCPUS, 1 << HVX_INTRO_EV_CPUID, 0);
 *	hvxi_on(h, HVX_INTRO_EV_CPUID, on_cpuid, &state);
 *	hvxi_loop(h, -1);
 *	hvxi_detach(h);
 */
#ifndef HVXINTRO_H
#define HVXINTRO_H

#include <stddef.h>
#include <stdint.h>

#include "../../uapi/hvx.h"

struct hvxi;

/*
 * What an event handler decides: the reply's action (CONTINUE when the
 * handler leaves it), and registers or a value to set with it.
 */
struct hvxi_reply {
	uint32_t action;
	uint32_t flags;		/* HVX_INTRO_REPLY_* */
	uint64_t value;
	struct kvm_regs regs;
};

/*
 * An event handler: @ev is the event, @reply what to answer.  Return 0
 * to go on with the loop, anything else to end hvxi_loop() with that
 * value once the reply is sent.
 */
typedef int (*hvxi_handler)(struct hvxi *h, const struct hvx_intro_event *ev,
			    struct hvxi_reply *reply, void *arg);

struct hvxi *hvxi_attach(const char *device, uint32_t vm_id);
void hvxi_detach(struct hvxi *h);
int hvxi_fd(const struct hvxi *h);

int hvxi_info(struct hvxi *h, struct hvx_intro_info *info);
int hvxi_control(struct hvxi *h, uint32_t vcpu, uint64_t events,
		 uint32_t crs);
int hvxi_watch_msr(struct hvxi *h, uint32_t vcpu, uint32_t msr, int enable);
/* @access: HVX_INTRO_ACCESS_* bits left to the guest; RWX lifts. */
int hvxi_set_page_access(struct hvxi *h, uint64_t gpa, uint32_t count,
			 uint8_t access);
int hvxi_pause(struct hvxi *h, uint32_t vcpu);
int hvxi_read_mem(struct hvxi *h, uint64_t gpa, void *buf, size_t len);
int hvxi_write_mem(struct hvxi *h, uint64_t gpa, const void *buf,
		   size_t len);
/*
 * A write hvx takes back when the channel closes, if the guest still holds
 * it (a breakpoint's INT3): at most HVX_INTRO_UNDO_MAX bytes.
 */
int hvxi_write_mem_undo(struct hvxi *h, uint64_t gpa, const void *buf,
			size_t len);
int hvxi_get_regs(struct hvxi *h, uint32_t vcpu, struct kvm_regs *regs);
int hvxi_set_regs(struct hvxi *h, uint32_t vcpu,
		  const struct kvm_regs *regs);
int hvxi_get_sregs(struct hvxi *h, uint32_t vcpu, struct kvm_sregs *sregs);
int hvxi_set_sregs(struct hvxi *h, uint32_t vcpu,
		   const struct kvm_sregs *sregs);
/* One MSR, with the VMM's rights (KVM_GET/SET_MSRS). */
int hvxi_get_msr(struct hvxi *h, uint32_t vcpu, uint32_t index,
		 uint64_t *value);
int hvxi_set_msr(struct hvxi *h, uint32_t vcpu, uint32_t index,
		 uint64_t value);
/*
 * Several at once (HVX_INTRO_GET/SET_MSRS): the number done, which stops
 * short at the first MSR hvx lacks or refuses, or -1.
 */
int hvxi_get_msrs(struct hvxi *h, uint32_t vcpu, struct kvm_msr_entry *e,
		  uint32_t n);
int hvxi_set_msrs(struct hvxi *h, uint32_t vcpu,
		  const struct kvm_msr_entry *e, uint32_t n);
/* 0 with *gpa, 1 when nothing maps @gva, or -1. */
int hvxi_translate(struct hvxi *h, uint32_t vcpu, uint64_t gva,
		   uint64_t *gpa);
int hvxi_cpuid(struct hvxi *h, uint32_t vcpu, uint32_t function,
	       uint32_t index, uint32_t out[4]);
int hvxi_inject(struct hvxi *h, uint32_t vcpu, uint8_t vector,
		int has_error, uint32_t error_code, uint64_t address);

/* The next event, waiting up to @timeout_ms (-1: for ever); 0 on time-out. */
int hvxi_next_event(struct hvxi *h, struct hvx_intro_event *ev,
		    int timeout_ms);
int hvxi_reply(struct hvxi *h, const struct hvx_intro_event *ev,
	       const struct hvxi_reply *reply);
/*
 * Wait until vCPU @vcpu's PAUSE event (after hvxi_pause()); events of
 * other kinds that come first are answered with CONTINUE.
 */
int hvxi_wait_paused(struct hvxi *h, uint32_t vcpu,
		     struct hvx_intro_event *ev, int timeout_ms);

/* The event loop: @fn for @event's events (NULL: answer CONTINUE). */
int hvxi_on(struct hvxi *h, unsigned int event, hvxi_handler fn, void *arg);
/*
 * Read, dispatch and answer events until a handler ends the loop (its
 * value), an error (-1), or no event for @idle_ms (0; -1: never).
 */
int hvxi_loop(struct hvxi *h, int idle_ms);

/* "cr", "breakpoint", ...: the event's name, or NULL. */
const char *hvxi_event_name(unsigned int event);
/* The event whose name is @name, or -1. */
int hvxi_event_by_name(const char *name);

#endif /* HVXINTRO_H */
