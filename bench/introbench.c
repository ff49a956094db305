// SPDX-License-Identifier: GPL-2.0
/*
 * introbench: the introspector of the introspection benchmarks, hvx's own
 * (KVM has no introspection).  It attaches, through libhvxintro, to the
 * VM that process PID runs (the benchmark guest under vmctl run), once
 * the VM has its vCPU (a command for every vCPU acts on those there
 * are), watches the guest's hello (introbench.h), and answers it: first
 * it times HVX_INTRO_READ_MEM of 4 MiB of the guest's memory and prints
 * "bench intro_read_mib_s N"; then it switches the CPUID and INT3 events
 * on and lets the guest go.  The guest times its CPUIDs (each an event,
 * answered here with CONTINUE), INT3s (answered with SKIP) and VMCALLs
 * (not watched); then it names a page, whose write right introbench
 * takes, and times its stores there, each let through here as vmctl
 * watch --page does: the right given back for one single-stepped
 * instruction, then taken again.  Its goodbye switches every event off,
 * and introbench ends with the VM's process.
 *
 *   introbench PID
 *
 * Exit status: 0, or 1 with a message (no VM found in time, a command
 * failed).  The read's rate is in the machine's time where it runs.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../userspace/libhvxintro/hvxintro.h"
#include "introbench.h"

#define READ_SIZE	(4 << 20)
#define FIND_TRIES	2000		/* 10 ms apart */

static pid_t vmm;

static void fail(const char *what)
{
	fprintf(stderr, "introbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* The VM of process @pid, by its fds' fdinfo, or ~0 while it has none. */
static uint32_t find_vm(pid_t pid)
{
	char path[64], line[128];
	unsigned int id = ~0u;
	int fd;

	for (fd = 3; fd < 64 && id == ~0u; fd++) {
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", pid, fd);
		f = fopen(path, "r");
		while (f && fgets(line, sizeof(line), f))
			sscanf(line, "hvx-vm-id: %u", &id);
		if (f)
			fclose(f);
	}
	return id;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* Guest memory through the channel: MiB per second. */
static void bench_read(struct hvxi *h)
{
	void *buf = malloc(READ_SIZE);
	double t0;

	if (!buf)
		fail("malloc");
	t0 = now_s();
	if (hvxi_read_mem(h, 0, buf, READ_SIZE) < 0)
		fail("HVX_INTRO_READ_MEM");
	printf("bench intro_read_mib_s %.0f\n",
	       (READ_SIZE >> 20) / (now_s() - t0));
	fflush(stdout);
	free(buf);
}

/* The page of intro_page_write, once the guest names it. */
static uint64_t page = ~0ULL;

static void set_rights(struct hvxi *h, uint8_t access)
{
	if (hvxi_set_page_access(h, page, 1, access) < 0)
		fail("HVX_INTRO_SET_PAGE_ACCESS");
}

static void set_events(struct hvxi *h, uint32_t vcpu, uint64_t events)
{
	if (hvxi_control(h, vcpu, events, 0) < 0)
		fail("HVX_INTRO_CONTROL_EVENTS");
}

/* The hello, the page and the goodbye, on the guest's WRMSR of INTRO_MSR. */
static int on_msr(struct hvxi *h, const struct hvx_intro_event *ev,
		  struct hvxi_reply *reply, void *arg)
{
	uint64_t events = 1u << HVX_INTRO_EV_MSR;

	(void)arg;
	if (ev->msr.msr != INTRO_MSR)
		return 0;
	if (ev->msr.new_value == INTRO_HELLO) {
		bench_read(h);
		events |= 1u << HVX_INTRO_EV_CPUID |
			  1u << HVX_INTRO_EV_BREAKPOINT;
		reply->flags = HVX_INTRO_REPLY_VALUE;
		reply->value = INTRO_GO;
	} else if (ev->msr.new_value == INTRO_BYE) {
		events = 0;
		if (page != ~0ULL)
			set_rights(h, HVX_INTRO_ACCESS_RWX);
	} else if (!(ev->msr.new_value & 0xfff)) {
		page = ev->msr.new_value;
		set_rights(h, HVX_INTRO_ACCESS_R | HVX_INTRO_ACCESS_X);
	}
	set_events(h, HVX_INTRO_ALL_VCPUS, events);
	return 0;
}

/* The guest's INT3s are the benchmark's: each skipped. */
static int on_breakpoint(struct hvxi *h, const struct hvx_intro_event *ev,
			 struct hvxi_reply *reply, void *arg)
{
	(void)h, (void)ev, (void)arg;
	reply->action = HVX_INTRO_SKIP;
	return 0;
}

/* A store to the page: its right back for one single-stepped instruction. */
static int on_pf(struct hvxi *h, const struct hvx_intro_event *ev,
		 struct hvxi_reply *reply, void *arg)
{
	(void)arg;
	set_rights(h, HVX_INTRO_ACCESS_RWX);
	set_events(h, ev->vcpu, 1u << HVX_INTRO_EV_MSR |
				1u << HVX_INTRO_EV_SINGLESTEP);
	reply->action = HVX_INTRO_RETRY;
	return 0;
}

/* ...after which the right goes again. */
static int on_step(struct hvxi *h, const struct hvx_intro_event *ev,
		   struct hvxi_reply *reply, void *arg)
{
	(void)reply, (void)arg;
	set_rights(h, HVX_INTRO_ACCESS_R | HVX_INTRO_ACCESS_X);
	set_events(h, ev->vcpu, 1u << HVX_INTRO_EV_MSR);
	return 0;
}

int main(int argc, char **argv)
{
	struct hvx_intro_info info = { 0 };
	struct hvxi *h = NULL;
	uint32_t id = ~0u;
	int i, r;

	if (argc != 2) {
		fprintf(stderr, "usage: introbench PID\n");
		return 2;
	}
	vmm = atoi(argv[1]);
	for (i = 0; i < FIND_TRIES && id == ~0u; i++) {
		id = find_vm(vmm);
		if (id == ~0u)
			usleep(10000);
	}
	if (id == ~0u) {
		fprintf(stderr, "introbench: process %d made no VM in %d s\n",
			vmm, FIND_TRIES / 100);
		return 1;
	}
	h = hvxi_attach("/dev/hvx", id);
	if (!h)
		fail("HVX_INTROSPECT");
	for (i = 0; i < FIND_TRIES && !info.nr_vcpus; i++) {
		if (hvxi_info(h, &info) < 0)
			fail("HVX_INTRO_GET_INFO");
		if (!info.nr_vcpus)
			usleep(10000);
	}
	if (hvxi_watch_msr(h, HVX_INTRO_ALL_VCPUS, INTRO_MSR, 1) < 0 ||
	    hvxi_control(h, HVX_INTRO_ALL_VCPUS, 1u << HVX_INTRO_EV_MSR, 0) < 0)
		fail("watching the guest's hello");
	hvxi_on(h, HVX_INTRO_EV_MSR, on_msr, NULL);
	hvxi_on(h, HVX_INTRO_EV_BREAKPOINT, on_breakpoint, NULL);
	hvxi_on(h, HVX_INTRO_EV_PF, on_pf, NULL);
	hvxi_on(h, HVX_INTRO_EV_SINGLESTEP, on_step, NULL);
	/* CPUID's events are answered CONTINUE, as hvxi_loop() does. */
	do
		r = hvxi_loop(h, 200);
	while (r >= 0 && !kill(vmm, 0));
	if (r < 0)
		fail("the event loop");
	hvxi_detach(h);
	return 0;
}
