/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzz_test's introspection channel (uapi/hvx.h, HVX_INTROSPECT): one
 * channel at a time on one of the fuzzer's own VMs (or on an id that
 * names none), random commands with random arguments, and the channel
 * closed now and then with vCPUs paused or events on.  A vCPU's event
 * waits inside the fuzzer's own KVM_RUN, so a thread of its own reads
 * the events and gives them random replies meanwhile (mostly right,
 * sometimes for the wrong vCPU or event); the fuzzer's timer signal,
 * which only the main thread takes, ends any wait nobody answers, as it
 * ends every KVM_RUN.  Included by fuzz_test.c after its helpers (rnd(),
 * below(), pick(), bufs[]).
 */
#ifndef HVX_TESTS_FUZZ_INTRO_H
#define HVX_TESTS_FUZZ_INTRO_H

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>

#include "../../../uapi/hvx.h"
#include "vm_id.h"

static int intro_fd = -1;
static unsigned long intro_events;
/* Held while the channel is replaced, and by the responder using it. */
static pthread_mutex_t intro_lock = PTHREAD_MUTEX_INITIALIZER;

/* Random bytes, with the fields that name things often sensible. */
static void fuzz_intro_arg(uint8_t *arg, size_t size)
{
	size_t i;

	for (i = 0; i < size; i++)
		arg[i] = below(4) ? 0 : rnd();
	if (size >= 4)		/* every command but GET_INFO: a vCPU first */
		*(uint32_t *)arg = below(4) ? below(NR_VCPUS + 1) :
				   below(2) ? HVX_INTRO_ALL_VCPUS : pick();
}

/* A memory command: a place in or near guest memory, a real buffer. */
static void fuzz_intro_mem(struct hvx_intro_mem *m)
{
	m->gpa = below(2) ? below(BUF_SIZE) : pick();
	m->size = below(4) ? below(8192) : pick();
	m->buf = below(8) ? (uintptr_t)bufs[below(NR_BUFS)] : pick();
	m->flags = below(8) ? 0 : below(2) ? pick() : HVX_INTRO_MEM_UNDO;
	if (m->flags == HVX_INTRO_MEM_UNDO && below(2))	/* undoable sizes */
		m->size = below(HVX_INTRO_UNDO_MAX + 2);
}

/* The responder's own xorshift: rnd() is the main thread's. */
static uint64_t reply_rng = 88172645463325252ULL;

static uint64_t reply_rnd(void)
{
	reply_rng ^= reply_rng << 13;
	reply_rng ^= reply_rng >> 7;
	reply_rng ^= reply_rng << 17;
	return reply_rng;
}

/* Every event on the channel, answered at random. */
static void *fuzz_intro_responder(void *unused)
{
	struct hvx_intro_event ev;
	struct hvx_intro_reply r;
	sigset_t alrm;

	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &alrm, NULL);
	for (;;) {
		pthread_mutex_lock(&intro_lock);
		while (intro_fd >= 0 &&
		       read(intro_fd, &ev, sizeof(ev)) == sizeof(ev)) {
			uint64_t x = reply_rnd();

			intro_events++;
			r = (struct hvx_intro_reply){
				.vcpu = x % 8 ? ev.vcpu : (uint32_t)reply_rnd(),
				.seq = x % 7 ? ev.seq : (uint32_t)reply_rnd(),
				.action = x % 5 ? (x >> 8) % 4 : (uint32_t)reply_rnd(),
				.flags = x % 3 ? 0 : (x >> 16) % 4,
				.value = reply_rnd(), .regs = ev.regs,
			};
			if (!(x % 4))
				((uint64_t *)&r.regs)[(x >> 24) % 18] = reply_rnd();
			ioctl(intro_fd, HVX_INTRO_REPLY, &r);
		}
		pthread_mutex_unlock(&intro_lock);
		poll(NULL, 0, 1);
	}
	return NULL;
}

/* Detach: whatever the channel held goes on. */
static void fuzz_intro_close(void)
{
	pthread_mutex_lock(&intro_lock);
	if (intro_fd >= 0)
		close(intro_fd);
	intro_fd = -1;
	pthread_mutex_unlock(&intro_lock);
}

/* One operation on the channel of @vm_fd's VM. */
static void fuzz_intro(int sys_fd, int vm_fd)
{
	static const unsigned long cmds[] = {
		HVX_INTRO_GET_INFO, HVX_INTRO_PAUSE, HVX_INTRO_CONTROL_EVENTS,
		HVX_INTRO_READ_MEM, HVX_INTRO_WRITE_MEM, HVX_INTRO_GET_REGS,
		HVX_INTRO_SET_REGS, HVX_INTRO_GET_SREGS, HVX_INTRO_SET_SREGS,
		HVX_INTRO_TRANSLATE, HVX_INTRO_GET_CPUID,
		HVX_INTRO_INJECT_EXCEPTION, HVX_INTRO_REPLY,
		HVX_INTRO_CONTROL_MSR, HVX_INTRO_SET_PAGE_ACCESS,
		HVX_INTRO_GET_MSRS, HVX_INTRO_SET_MSRS,
	};
	static uint8_t arg[sizeof(struct kvm_sregs) + 64];
	unsigned long cmd = cmds[below(sizeof(cmds) / sizeof(cmds[0]))];

	static pthread_t responder;
	int fd;

	if (!responder)
		pthread_create(&responder, NULL, fuzz_intro_responder, NULL);
	if (intro_fd < 0 || !below(6)) {
		struct hvx_introspect req = {
			.vm_id = below(8) ? hvx_vm_id_of(vm_fd) : rnd(),
			.flags = below(16) ? 0 : pick(),
		};

		fuzz_intro_close();
		fd = ioctl(below(16) ? sys_fd : vm_fd, HVX_INTROSPECT, &req);
		if (fd >= 0)
			fcntl(fd, F_SETFL, O_NONBLOCK);
		pthread_mutex_lock(&intro_lock);
		intro_fd = fd;
		pthread_mutex_unlock(&intro_lock);
		return;
	}
	if (!below(3)) {
		/* Most often, and valid, what makes events come. */
		struct hvx_intro_control c = {
			.vcpu = below(2) ? HVX_INTRO_ALL_VCPUS : below(NR_VCPUS),
			.events = below(1 << HVX_INTRO_EV_COUNT),
			.crs = below(2) ? 0x19 : 0,
		};
		struct hvx_intro_vcpu p = { .vcpu = c.vcpu };

		if (below(2))
			ioctl(intro_fd, HVX_INTRO_PAUSE, &p);
		else
			ioctl(intro_fd, HVX_INTRO_CONTROL_EVENTS, &c);
		return;
	}
	if (!below(16))		/* a command that does not exist */
		cmd = _IOC(below(4), HVXIO, below(256), below(sizeof(arg)));
	fuzz_intro_arg(arg, _IOC_SIZE(cmd) < sizeof(arg) ? _IOC_SIZE(cmd) :
							   sizeof(arg));
	if (cmd == HVX_INTRO_READ_MEM || cmd == HVX_INTRO_WRITE_MEM)
		fuzz_intro_mem((struct hvx_intro_mem *)arg);
	if (cmd == HVX_INTRO_SET_PAGE_ACCESS && below(2)) {
		struct hvx_intro_page_access *a = (void *)arg;

		a->gpa = below(BUF_SIZE >> 12) << 12;
		a->count = below(64) + 1;
		a->access = below(8);
		memset(a->pad, 0, sizeof(a->pad));
	}
	if ((cmd == HVX_INTRO_GET_MSRS || cmd == HVX_INTRO_SET_MSRS) && below(2)) {
		struct hvx_intro_msrs *m = (void *)arg;
		struct kvm_msr_entry *e = (void *)bufs[below(NR_BUFS)];

		m->nmsrs = below(8);
		m->entries = (uintptr_t)e;
		for (unsigned int i = 0; i < m->nmsrs; i++)
			e[i] = (struct kvm_msr_entry){ .index = below(2) ?
				below(0x200) : 0xc0000080 + below(0x110),
				.data = pick() };
	}
	ioctl(intro_fd, cmd, below(32) ? (void *)arg : (void *)(uintptr_t)pick());
}

#endif /* HVX_TESTS_FUZZ_INTRO_H */
