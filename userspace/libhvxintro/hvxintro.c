// SPDX-License-Identifier: LGPL-2.1 OR GPL-2.0
/*
 * libhvxintro: hvx's introspection channel (uapi/hvx.h) for C programs.
 * Each command is one ioctl on the channel's fd; the event loop reads
 * events with poll() and read(), and answers each with HVX_INTRO_REPLY.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "hvxintro.h"

struct hvxi {
	int fd;
	struct {
		hvxi_handler fn;
		void *arg;
	} on[HVX_INTRO_EV_COUNT];
};

static const char *const hvxi_names[HVX_INTRO_EV_COUNT] = {
	[HVX_INTRO_EV_PAUSE] = "pause",
	[HVX_INTRO_EV_CR] = "cr",
	[HVX_INTRO_EV_BREAKPOINT] = "breakpoint",
	[HVX_INTRO_EV_CPUID] = "cpuid",
	[HVX_INTRO_EV_HYPERCALL] = "hypercall",
	[HVX_INTRO_EV_XSETBV] = "xsetbv",
	[HVX_INTRO_EV_MSR] = "msr",
	[HVX_INTRO_EV_PF] = "pf",
	[HVX_INTRO_EV_SINGLESTEP] = "singlestep",
	[HVX_INTRO_EV_DESC] = "desc",
};

const char *hvxi_event_name(unsigned int event)
{
	return event < HVX_INTRO_EV_COUNT ? hvxi_names[event] : NULL;
}

int hvxi_event_by_name(const char *name)
{
	int i;

	for (i = 0; i < HVX_INTRO_EV_COUNT; i++)
		if (!strcmp(name, hvxi_names[i]))
			return i;
	return -1;
}

struct hvxi *hvxi_attach(const char *device, uint32_t vm_id)
{
	struct hvx_introspect req = { .vm_id = vm_id };
	struct hvxi *h;
	int dev, e;

	h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	dev = open(device ? device : "/dev/hvx", O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		free(h);
		return NULL;
	}
	h->fd = ioctl(dev, HVX_INTROSPECT, &req);
	e = errno;
	close(dev);
	if (h->fd < 0) {
		free(h);
		errno = e;
		return NULL;
	}
	return h;
}

/* Closing the channel lets every vCPU it holds go on (uapi/hvx.h). */
void hvxi_detach(struct hvxi *h)
{
	if (!h)
		return;
	close(h->fd);
	free(h);
}

int hvxi_fd(const struct hvxi *h)
{
	return h->fd;
}

int hvxi_info(struct hvxi *h, struct hvx_intro_info *info)
{
	return ioctl(h->fd, HVX_INTRO_GET_INFO, info);
}

int hvxi_control(struct hvxi *h, uint32_t vcpu, uint64_t events,
		 uint32_t crs)
{
	struct hvx_intro_control c = { .vcpu = vcpu, .crs = crs,
				       .events = events };

	return ioctl(h->fd, HVX_INTRO_CONTROL_EVENTS, &c);
}

int hvxi_watch_msr(struct hvxi *h, uint32_t vcpu, uint32_t msr, int enable)
{
	struct hvx_intro_msr m = { .vcpu = vcpu, .msr = msr, .enable = !!enable };

	return ioctl(h->fd, HVX_INTRO_CONTROL_MSR, &m);
}

int hvxi_set_page_access(struct hvxi *h, uint64_t gpa, uint32_t count,
			 uint8_t access)
{
	struct hvx_intro_page_access a = { .gpa = gpa, .count = count,
					   .access = access };

	return ioctl(h->fd, HVX_INTRO_SET_PAGE_ACCESS, &a);
}

int hvxi_pause(struct hvxi *h, uint32_t vcpu)
{
	struct hvx_intro_vcpu p = { .vcpu = vcpu };

	return ioctl(h->fd, HVX_INTRO_PAUSE, &p);
}

/* Any length: in pieces of at most HVX_INTRO_MEM_MAX. */
static int hvxi_mem(struct hvxi *h, unsigned long cmd, uint64_t gpa,
		    void *buf, size_t len)
{
	while (len) {
		size_t n = len < HVX_INTRO_MEM_MAX ? len : HVX_INTRO_MEM_MAX;
		struct hvx_intro_mem m = { .gpa = gpa, .size = n,
					   .buf = (uintptr_t)buf };

		if (ioctl(h->fd, cmd, &m) < 0)
			return -1;
		gpa += n;
		buf = (char *)buf + n;
		len -= n;
	}
	return 0;
}

int hvxi_read_mem(struct hvxi *h, uint64_t gpa, void *buf, size_t len)
{
	return hvxi_mem(h, HVX_INTRO_READ_MEM, gpa, buf, len);
}

int hvxi_write_mem(struct hvxi *h, uint64_t gpa, const void *buf,
		   size_t len)
{
	return hvxi_mem(h, HVX_INTRO_WRITE_MEM, gpa, (void *)buf, len);
}

int hvxi_write_mem_undo(struct hvxi *h, uint64_t gpa, const void *buf,
			size_t len)
{
	struct hvx_intro_mem m = { .gpa = gpa, .size = len,
				   .buf = (uintptr_t)buf,
				   .flags = HVX_INTRO_MEM_UNDO };

	return ioctl(h->fd, HVX_INTRO_WRITE_MEM, &m) < 0 ? -1 : 0;
}

int hvxi_get_regs(struct hvxi *h, uint32_t vcpu, struct kvm_regs *regs)
{
	struct hvx_intro_regs r = { .vcpu = vcpu };

	if (ioctl(h->fd, HVX_INTRO_GET_REGS, &r) < 0)
		return -1;
	*regs = r.regs;
	return 0;
}

int hvxi_set_regs(struct hvxi *h, uint32_t vcpu,
		  const struct kvm_regs *regs)
{
	struct hvx_intro_regs r = { .vcpu = vcpu, .regs = *regs };

	return ioctl(h->fd, HVX_INTRO_SET_REGS, &r);
}

int hvxi_get_sregs(struct hvxi *h, uint32_t vcpu, struct kvm_sregs *sregs)
{
	struct hvx_intro_sregs s = { .vcpu = vcpu };

	if (ioctl(h->fd, HVX_INTRO_GET_SREGS, &s) < 0)
		return -1;
	*sregs = s.sregs;
	return 0;
}

int hvxi_set_sregs(struct hvxi *h, uint32_t vcpu,
		   const struct kvm_sregs *sregs)
{
	struct hvx_intro_sregs s = { .vcpu = vcpu, .sregs = *sregs };

	return ioctl(h->fd, HVX_INTRO_SET_SREGS, &s);
}

int hvxi_get_msr(struct hvxi *h, uint32_t vcpu, uint32_t index,
		 uint64_t *value)
{
	struct kvm_msr_entry e = { .index = index };
	struct hvx_intro_msrs m = { .vcpu = vcpu, .nmsrs = 1,
				    .entries = (uintptr_t)&e };
	int r = ioctl(h->fd, HVX_INTRO_GET_MSRS, &m);

	if (r == 0)
		errno = ENOENT;		/* hvx has no such MSR */
	if (r != 1)
		return -1;
	*value = e.data;
	return 0;
}

int hvxi_set_msr(struct hvxi *h, uint32_t vcpu, uint32_t index,
		 uint64_t value)
{
	struct kvm_msr_entry e = { .index = index, .data = value };
	struct hvx_intro_msrs m = { .vcpu = vcpu, .nmsrs = 1,
				    .entries = (uintptr_t)&e };
	int r = ioctl(h->fd, HVX_INTRO_SET_MSRS, &m);

	if (r == 0)
		errno = EINVAL;		/* refused, as the guest's WRMSR */
	return r == 1 ? 0 : -1;
}

int hvxi_get_msrs(struct hvxi *h, uint32_t vcpu, struct kvm_msr_entry *e,
		  uint32_t n)
{
	struct hvx_intro_msrs m = { .vcpu = vcpu, .nmsrs = n,
				    .entries = (uintptr_t)e };

	return ioctl(h->fd, HVX_INTRO_GET_MSRS, &m);
}

int hvxi_set_msrs(struct hvxi *h, uint32_t vcpu,
		  const struct kvm_msr_entry *e, uint32_t n)
{
	struct hvx_intro_msrs m = { .vcpu = vcpu, .nmsrs = n,
				    .entries = (uintptr_t)e };

	return ioctl(h->fd, HVX_INTRO_SET_MSRS, &m);
}

int hvxi_translate(struct hvxi *h, uint32_t vcpu, uint64_t gva,
		   uint64_t *gpa)
{
	struct hvx_intro_translate t = { .vcpu = vcpu, .gva = gva };

	if (ioctl(h->fd, HVX_INTRO_TRANSLATE, &t) < 0)
		return -1;
	*gpa = t.gpa;
	return !t.valid;
}

int hvxi_cpuid(struct hvxi *h, uint32_t vcpu, uint32_t function,
	       uint32_t index, uint32_t out[4])
{
	struct hvx_intro_cpuid c = { .vcpu = vcpu, .function = function,
				     .index = index };

	if (ioctl(h->fd, HVX_INTRO_GET_CPUID, &c) < 0)
		return -1;
	out[0] = c.eax;
	out[1] = c.ebx;
	out[2] = c.ecx;
	out[3] = c.edx;
	return 0;
}

int hvxi_inject(struct hvxi *h, uint32_t vcpu, uint8_t vector,
		int has_error, uint32_t error_code, uint64_t address)
{
	struct hvx_intro_exception e = {
		.vcpu = vcpu, .vector = vector, .has_error = !!has_error,
		.error_code = error_code, .address = address,
	};

	return ioctl(h->fd, HVX_INTRO_INJECT_EXCEPTION, &e);
}

int hvxi_next_event(struct hvxi *h, struct hvx_intro_event *ev,
		    int timeout_ms)
{
	struct pollfd p = { .fd = h->fd, .events = POLLIN };
	ssize_t n;
	int r;

	for (;;) {
		r = poll(&p, 1, timeout_ms);
		if (r <= 0)
			return r;
		n = read(h->fd, ev, sizeof(*ev));
		if (n == sizeof(*ev))
			return 1;
		/* Another reader took it, or the event went with a signal. */
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -1;
	}
}

int hvxi_reply(struct hvxi *h, const struct hvx_intro_event *ev,
	       const struct hvxi_reply *reply)
{
	struct hvx_intro_reply r = {
		.vcpu = ev->vcpu, .seq = ev->seq, .action = reply->action,
		.flags = reply->flags, .value = reply->value,
		.regs = reply->regs,
	};

	return ioctl(h->fd, HVX_INTRO_REPLY, &r);
}

static int hvxi_continue(struct hvxi *h, const struct hvx_intro_event *ev)
{
	struct hvxi_reply r = { .action = HVX_INTRO_CONTINUE };

	return hvxi_reply(h, ev, &r);
}

int hvxi_wait_paused(struct hvxi *h, uint32_t vcpu,
		     struct hvx_intro_event *ev, int timeout_ms)
{
	int r;

	for (;;) {
		r = hvxi_next_event(h, ev, timeout_ms);
		if (r <= 0) {
			if (!r)
				errno = ETIMEDOUT;
			return -1;
		}
		if (ev->event == HVX_INTRO_EV_PAUSE && ev->vcpu == vcpu)
			return 0;
		if (hvxi_continue(h, ev) < 0 && errno != ENOENT)
			return -1;
	}
}

int hvxi_on(struct hvxi *h, unsigned int event, hvxi_handler fn, void *arg)
{
	if (event >= HVX_INTRO_EV_COUNT) {
		errno = EINVAL;
		return -1;
	}
	h->on[event].fn = fn;
	h->on[event].arg = arg;
	return 0;
}

int hvxi_loop(struct hvxi *h, int idle_ms)
{
	struct hvx_intro_event ev;
	int r, end;

	for (;;) {
		struct hvxi_reply reply = { .action = HVX_INTRO_CONTINUE };

		r = hvxi_next_event(h, &ev, idle_ms);
		if (r <= 0)
			return r;
		end = 0;
		if (ev.event < HVX_INTRO_EV_COUNT && h->on[ev.event].fn)
			end = h->on[ev.event].fn(h, &ev, &reply,
						 h->on[ev.event].arg);
		/* ENOENT: the vCPU's thread took a signal; the event comes again. */
		if (hvxi_reply(h, &ev, &reply) < 0 && errno != ENOENT)
			return -1;
		if (end)
			return end;
	}
}
