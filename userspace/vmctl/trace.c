// SPDX-License-Identifier: GPL-2.0
/*
 * vmctl trace --syscalls: the system calls a running 64-bit Linux guest
 * makes, one line each (the vCPU, the call's number and name, the CR3 of
 * the process that made it, the user RIP it returns to), seen from
 * outside through hvx's introspection channel, with nothing in the guest.
 *
 * SYSCALL enters the guest's kernel at the address in its LSTAR.  trace
 * puts an INT3 over the first byte there, so that each system call stops
 * its vCPU in a BREAKPOINT event, with the call's number in RAX.  The
 * instruction the INT3 covers (the kernel's SWAPGS, or ENDBR64 where it
 * is built with IBT) trace carries out itself, and the vCPU resumes after
 * it: nothing is single-stepped, so every vCPU's calls are seen.
 *
 * The guest must not see the INT3.  Its page is made execute-only, so a
 * read or write there (the kernel patching its own text, say) stops the
 * vCPU instead: trace puts the guest's byte back and the page's rights,
 * lets the vCPU run that one instruction single-stepped, and then puts
 * the INT3 and the restriction back.  A system call on another vCPU in
 * that instruction's time goes unseen; the kernel rarely touches its
 * entry code.  The INT3 is written with HVX_INTRO_MEM_UNDO, so that if
 * trace is killed, hvx takes it out, and a vCPU stopped on it runs the
 * kernel's instruction instead.
 *
 * A guest that has yet to set LSTAR (one still booting): trace waits for
 * its WRMSR of LSTAR first.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmctl.h"
#include "../libhvxintro/hvxintro.h"

#define MSR_LSTAR		0xc0000082
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102
#define INT3			0xcc
#define PAUSE_TIMEOUT_MS	10000

/* x86-64's system calls by number, from the C library's kernel headers. */
static const char *const syscall_names[] = {
#include "syscalls.h"
};

struct trace {
	struct hvxi *h;
	long vm;
	uint64_t lstar;		/* the entry point, guest-virtual; 0: unset */
	uint64_t gpa;		/* and guest-physical, once armed */
	uint8_t orig;		/* the guest's byte under the INT3 */
	uint8_t len;		/* the length of its instruction */
	bool swapgs;		/* that instruction is SWAPGS (else ENDBR64) */
	bool armed;		/* the INT3 is in (or being stepped around) */
	uint32_t hiding;	/* vCPU + 1 running over the guest's own byte */
	bool json;
	uint64_t count;		/* --count: calls to print, 0 for no end */
	uint64_t seen;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static uint64_t page_of(uint64_t gpa)
{
	return gpa & ~0xfffULL;
}

/* The INT3 in, and its page execute-only, so the guest cannot read it. */
static int place(struct trace *t)
{
	static const uint8_t int3 = INT3;

	if (hvxi_set_page_access(t->h, page_of(t->gpa), 1,
				 HVX_INTRO_ACCESS_X) < 0) {
		fprintf(stderr, "vmctl trace: making the entry's page execute-only: %s%s\n",
			strerror(errno), errno == EOPNOTSUPP ?
			" (this CPU has no execute-only EPT pages to hide the breakpoint with)" : "");
		return -1;
	}
	if (hvxi_write_mem_undo(t->h, t->gpa, &int3, 1) < 0) {
		fprintf(stderr, "vmctl trace: writing the breakpoint: %s\n",
			strerror(errno));
		return -1;
	}
	return 0;
}

/* The guest's byte back, and every right on its page. */
static void unplace(struct trace *t)
{
	if (hvxi_write_mem(t->h, t->gpa, &t->orig, 1) < 0 ||
	    hvxi_set_page_access(t->h, page_of(t->gpa), 1,
				 HVX_INTRO_ACCESS_RWX) < 0)
		fprintf(stderr, "vmctl trace: taking the breakpoint out: %s (hvx does when trace exits)\n",
			strerror(errno));
}

/*
 * Set the breakpoint at LSTAR, from @vcpu (stopped) and its paging, after
 * learning what instruction it covers.
 */
static int arm(struct trace *t, uint32_t vcpu)
{
	static const uint8_t swapgs[] = { 0x0f, 0x01, 0xf8 };
	static const uint8_t endbr64[] = { 0xf3, 0x0f, 0x1e, 0xfa };
	uint8_t code[4];
	int r;

	r = hvxi_translate(t->h, vcpu, t->lstar, &t->gpa);
	if (r) {
		fprintf(stderr, "vmctl trace: LSTAR 0x%llx is not mapped in vCPU %u's paging%s%s\n",
			(unsigned long long)t->lstar, vcpu, r < 0 ? ": " : "",
			r < 0 ? strerror(errno) : "");
		return -1;
	}
	if (hvxi_read_mem(t->h, t->gpa, code, sizeof(code)) < 0) {
		fprintf(stderr, "vmctl trace: reading the entry code at 0x%llx: %s\n",
			(unsigned long long)t->gpa, strerror(errno));
		return -1;
	}
	if (!memcmp(code, swapgs, sizeof(swapgs))) {
		t->swapgs = true;
		t->len = sizeof(swapgs);
	} else if (!memcmp(code, endbr64, sizeof(endbr64))) {
		t->swapgs = false;
		t->len = sizeof(endbr64);
	} else {
		fprintf(stderr, "vmctl trace: the system call entry at 0x%llx begins %02x %02x %02x %02x, neither SWAPGS nor ENDBR64, which trace would carry out (is the guest a 64-bit Linux?)\n",
			(unsigned long long)t->lstar, code[0], code[1], code[2],
			code[3]);
		return -1;
	}
	t->orig = code[0];
	if (hvxi_control(t->h, HVX_INTRO_ALL_VCPUS,
			 1u << HVX_INTRO_EV_BREAKPOINT, 0) < 0) {
		fprintf(stderr, "vmctl trace: switching the breakpoint event on: %s\n",
			strerror(errno));
		return -1;
	}
	if (place(t) < 0)
		return -1;
	t->armed = true;
	fprintf(stderr, "vmctl trace: tracing VM %ld's system calls (entry 0x%llx, guest-physical 0x%llx)\n",
		t->vm, (unsigned long long)t->lstar,
		(unsigned long long)t->gpa);
	return 0;
}

static void print_call(const struct trace *t, const struct hvx_intro_event *ev)
{
	uint64_t nr = ev->regs.rax;
	const char *name = nr < sizeof(syscall_names) / sizeof(syscall_names[0]) ?
			   syscall_names[nr] : NULL;

	if (t->json)
		printf("{\"vcpu\": %u, \"nr\": %llu, \"name\": \"%s\", \"cr3\": %llu, \"rip\": %llu}\n",
		       ev->vcpu, (unsigned long long)nr, name ? name : "",
		       (unsigned long long)ev->cr3,
		       (unsigned long long)ev->regs.rcx);
	else
		printf("vcpu %u syscall %3llu %-16s cr3 0x%llx rip 0x%llx\n",
		       ev->vcpu, (unsigned long long)nr, name ? name : "?",
		       (unsigned long long)ev->cr3,
		       (unsigned long long)ev->regs.rcx);
	fflush(stdout);
}

/* SWAPGS, carried out: GS_BASE and KERNEL_GS_BASE exchanged. */
static int swap_gs(struct trace *t, uint32_t vcpu)
{
	struct kvm_msr_entry gs[2] = {
		{ .index = MSR_GS_BASE }, { .index = MSR_KERNEL_GS_BASE },
	};
	uint64_t base;
	int r;

	r = hvxi_get_msrs(t->h, vcpu, gs, 2);
	if (r == 2) {
		base = gs[0].data;
		gs[0].data = gs[1].data;
		gs[1].data = base;
		r = hvxi_set_msrs(t->h, vcpu, gs, 2);
	}
	if (r == 2)
		return 0;
	if (r >= 0)
		errno = EINVAL;		/* an MSR hvx lacks, or refused */
	return -1;
}

/*
 * A system call, stopped at the INT3: printed, and the instruction under
 * the INT3 carried out here, so that the vCPU goes on after it.
 */
static int syscall_entry(struct trace *t, const struct hvx_intro_event *ev,
			 struct hvxi_reply *reply)
{
	print_call(t, ev);
	t->seen++;
	reply->action = HVX_INTRO_RETRY;
	if (t->swapgs && swap_gs(t, ev->vcpu) < 0) {
		/* The guest's SWAPGS runs instead, and trace ends. */
		fprintf(stderr, "vmctl trace: carrying out SWAPGS: %s\n",
			strerror(errno));
		unplace(t);
		t->armed = false;
		return -1;
	}
	reply->flags = HVX_INTRO_REPLY_REGS;
	reply->regs = ev->regs;
	reply->regs.rip += t->len;
	return 0;
}

static int on_event(struct trace *t, const struct hvx_intro_event *ev)
{
	struct hvxi_reply reply = { .action = HVX_INTRO_CONTINUE };
	int r = 0;

	switch (ev->event) {
	case HVX_INTRO_EV_MSR:
		/* LSTAR set at last: the breakpoint goes in before the write. */
		if (!t->armed && ev->msr.msr == MSR_LSTAR && ev->msr.new_value) {
			t->lstar = ev->msr.new_value;
			r = arm(t, ev->vcpu);
			if (!r && hvxi_watch_msr(t->h, HVX_INTRO_ALL_VCPUS,
						 MSR_LSTAR, 0) < 0)
				r = -1;
		}
		break;
	case HVX_INTRO_EV_BREAKPOINT:
		/* Another INT3 is the guest's own, and goes to it. */
		if (!t->gpa || ev->breakpoint.gpa != t->gpa)
			break;
		if (t->armed)
			r = syscall_entry(t, ev, &reply);
		else	/* taken out meanwhile: the kernel's byte is back */
			reply.action = HVX_INTRO_RETRY;
		break;
	case HVX_INTRO_EV_PF:
		/* Only the entry's page is restricted: the guest touched it. */
		reply.action = HVX_INTRO_RETRY;
		if (t->armed && !t->hiding &&
		    page_of(ev->pf.gpa) == page_of(t->gpa)) {
			unplace(t);
			t->hiding = ev->vcpu + 1;
			if (hvxi_control(t->h, ev->vcpu,
					 1u << HVX_INTRO_EV_BREAKPOINT |
					 1u << HVX_INTRO_EV_SINGLESTEP, 0) < 0)
				r = -1;
		}
		break;
	case HVX_INTRO_EV_SINGLESTEP:
		if (t->hiding == ev->vcpu + 1) {
			t->hiding = 0;
			if (place(t) < 0 ||
			    hvxi_control(t->h, ev->vcpu,
					 1u << HVX_INTRO_EV_BREAKPOINT, 0) < 0)
				r = -1;
		}
		break;
	}
	if (hvxi_reply(t->h, ev, &reply) < 0 && !r) {
		fprintf(stderr, "vmctl trace: replying to an event: %s\n",
			strerror(errno));
		r = -1;
	}
	return r;
}

/*
 * Read LSTAR from vCPU 0, paused for it.  Return: 0 with the breakpoint
 * set or (LSTAR still 0) the wait for its WRMSR begun, or -1.
 */
static int start(struct trace *t)
{
	struct hvx_intro_event ev;
	int r = 0;

	if (hvxi_pause(t->h, 0) < 0 ||
	    hvxi_wait_paused(t->h, 0, &ev, PAUSE_TIMEOUT_MS) < 0) {
		fprintf(stderr, "vmctl trace: pausing vCPU 0: %s%s\n",
			strerror(errno), errno == ETIMEDOUT ?
			" (is its VMM running it?)" : "");
		return -1;
	}
	if (hvxi_get_msr(t->h, 0, MSR_LSTAR, &t->lstar) < 0) {
		fprintf(stderr, "vmctl trace: reading LSTAR: %s\n", strerror(errno));
		r = -1;
	} else if (t->lstar) {
		r = arm(t, 0);
	} else {
		fprintf(stderr, "vmctl trace: LSTAR is not set yet: waiting for the guest to set it\n");
		if (hvxi_watch_msr(t->h, HVX_INTRO_ALL_VCPUS, MSR_LSTAR, 1) < 0 ||
		    hvxi_control(t->h, HVX_INTRO_ALL_VCPUS,
				 1u << HVX_INTRO_EV_MSR, 0) < 0) {
			fprintf(stderr, "vmctl trace: watching LSTAR: %s\n",
				strerror(errno));
			r = -1;
		}
	}
	if (hvxi_reply(t->h, &ev, &(struct hvxi_reply){ 0 }) < 0)
		r = -1;
	return r;
}

int cmd_trace(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "syscalls", no_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct sigaction sa = { .sa_handler = on_signal };
	struct trace t = { 0 };
	struct hvx_intro_event ev;
	bool syscalls = false;
	int c, r;

	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			syscalls = true;
			break;
		case 'n':
			if (!parse_u64(optarg, &t.count) || !t.count) {
				fprintf(stderr, "vmctl trace: --count takes a number above 0\n");
				return 2;
			}
			break;
		case 'j':
			t.json = true;
			break;
		case 'h':
			printf("usage: vmctl trace --syscalls [--count N] [--json] VM\n\n"
			       "Print each system call a running 64-bit Linux guest makes, one line\n"
			       "each: the vCPU, the call's number and name, the CR3 of the process\n"
			       "that made it and the user RIP it returns to, until Ctrl-C or N calls\n"
			       "(needs CAP_SYS_ADMIN).  Nothing runs in the guest: a breakpoint at\n"
			       "its kernel's entry point (LSTAR), hidden from the guest's reads by an\n"
			       "execute-only page, stops each call, and the guest goes on at once.\n");
			return 0;
		default:
			return 2;
		}
	}
	if (argc - optind != 1 || !syscalls) {
		fprintf(stderr, "usage: vmctl trace --syscalls [--count N] [--json] VM (see --help)\n");
		return 2;
	}
	t.vm = parse_vm_id("trace", argv[optind]);
	if (t.vm < 0)
		return 2;
	t.h = vmctl_introspect("trace", t.vm);
	if (!t.h)
		return 1;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	r = start(&t);
	while (!r && !stop && (!t.count || t.seen < t.count)) {
		r = hvxi_next_event(t.h, &ev, 200);
		if (r > 0)
			r = on_event(&t, &ev);
		else if (r < 0 && errno == EINTR)
			r = 0;
		else if (r < 0)
			fprintf(stderr, "vmctl trace: %s\n", strerror(errno));
	}
	/* The kernel's byte back; hvx lets any vCPU stopped on it run on. */
	if (t.armed && !t.hiding)
		unplace(&t);
	hvxi_detach(t.h);
	return r < 0 ? 1 : 0;
}
