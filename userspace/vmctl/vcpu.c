// SPDX-License-Identifier: GPL-2.0
/*
 * A vCPU's thread: the one run loop of vmctl run.  It calls KVM_RUN and
 * hands each exit to the device that owns the address, on the port I/O or
 * the MMIO bus; the few exits that are not device accesses (HLT, a triple
 * fault, a failed entry) end the vCPU or the machine here.
 *
 * Stopping: a signal that interrupts KVM_RUN makes it return EINTR.  One
 * that lands while the thread is between two KVM_RUNs would be lost, so
 * the handler also sets kvm_run.immediate_exit, which makes the next
 * KVM_RUN return EINTR at once (the pattern KVM's API documentation
 * gives).  machine_stop() sends SIGUSR1 to every vCPU thread that way.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "machine.h"

static volatile sig_atomic_t stop_requested;
static __thread struct kvm_run *thread_run;

static void on_signal(int sig)
{
	if (sig != SIGUSR1)
		stop_requested = 1;
	if (thread_run)
		thread_run->immediate_exit = 1;
}

/* SIGUSR1 only interrupts KVM_RUN; SIGINT and SIGTERM stop the run. */
void vcpu_install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* Block or unblock the signals that interrupt or stop a run. */
void vcpu_signals(int how)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(how, &set, NULL);
}

/* Interrupt every started vCPU's KVM_RUN but the caller's. */
static void kick_vcpus(struct machine *m)
{
	int i;

	for (i = 0; i < m->nr_started; i++)
		if (!pthread_equal(m->vcpus[i].thread, pthread_self()))
			pthread_kill(m->vcpus[i].thread, SIGUSR1);
}

/*
 * End the whole run with this status.  The first caller wins and says
 * why on stderr; later calls (the other vCPUs on their way out) are
 * ignored.
 */
void machine_stop(struct machine *m, int status, const char *why)
{
	pthread_mutex_lock(&m->stop_lock);
	if (!m->stopping) {
		m->stopping = 1;
		m->stop_status = status;
		if (why)
			fprintf(stderr, "vmctl run: %s\n", why);
		kick_vcpus(m);
	}
	pthread_mutex_unlock(&m->stop_lock);
}

void machine_output(struct machine *m, const uint8_t *data, size_t len)
{
	pthread_mutex_lock(&m->out_lock);
	fwrite(data, 1, len, stdout);
	fflush(stdout);
	pthread_mutex_unlock(&m->out_lock);
}

void vcpu_print_regs(struct vcpu *v, FILE *out)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	if (ioctl(v->fd, KVM_GET_REGS, &r) < 0 ||
	    ioctl(v->fd, KVM_GET_SREGS, &s) < 0) {
		fprintf(out, "vcpu%d: cannot read registers: %s\n", v->id,
			strerror(errno));
		return;
	}
	fprintf(out, "vcpu%d: rax=%016llx rbx=%016llx rcx=%016llx rdx=%016llx\n",
		v->id, r.rax, r.rbx, r.rcx, r.rdx);
	fprintf(out, "vcpu%d: rsi=%016llx rdi=%016llx rsp=%016llx rbp=%016llx\n",
		v->id, r.rsi, r.rdi, r.rsp, r.rbp);
	fprintf(out, "vcpu%d: r8=%016llx r9=%016llx r10=%016llx r11=%016llx\n",
		v->id, r.r8, r.r9, r.r10, r.r11);
	fprintf(out, "vcpu%d: r12=%016llx r13=%016llx r14=%016llx r15=%016llx\n",
		v->id, r.r12, r.r13, r.r14, r.r15);
	fprintf(out, "vcpu%d: rip=%016llx rflags=%08llx\n", v->id, r.rip,
		r.rflags);
	fprintf(out, "vcpu%d: cr0=%08llx cr3=%08llx cr4=%08llx efer=%llx\n",
		v->id, s.cr0, s.cr3, s.cr4, s.efer);
	fprintf(out, "vcpu%d: cs=%04x base=%llx l=%d db=%d ss=%04x ds=%04x\n",
		v->id, s.cs.selector, s.cs.base, s.cs.l, s.cs.db,
		s.ss.selector, s.ds.selector);
}

static const char *exit_name(uint32_t reason)
{
	switch (reason) {
	case KVM_EXIT_IO: return "IO";
	case KVM_EXIT_HLT: return "HLT";
	case KVM_EXIT_MMIO: return "MMIO";
	case KVM_EXIT_SHUTDOWN: return "SHUTDOWN (triple fault)";
	case KVM_EXIT_FAIL_ENTRY: return "FAIL_ENTRY";
	case KVM_EXIT_INTERNAL_ERROR: return "INTERNAL_ERROR";
	case KVM_EXIT_INTR: return "INTR";
	case KVM_EXIT_SYSTEM_EVENT: return "SYSTEM_EVENT";
	default: return "unknown";
	}
}

/* KVM_EXIT_INTERNAL_ERROR, with the instruction bytes when there are some. */
static void print_internal_error(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	uint32_t i;

	fprintf(stderr, "vmctl run: vcpu%d: exit INTERNAL_ERROR, suberror %u, data",
		v->id, run->internal.suberror);
	for (i = 0; i < run->internal.ndata && i < 16; i++)
		fprintf(stderr, " %#llx", run->internal.data[i]);
	fprintf(stderr, "\n");
	if (run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION &&
	    run->emulation_failure.ndata >= 3 &&
	    (run->emulation_failure.flags &
	     KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES)) {
		fprintf(stderr, "vmctl run: vcpu%d: could not emulate the instruction:",
			v->id);
		for (i = 0; i < run->emulation_failure.insn_size && i < 15; i++)
			fprintf(stderr, " %02x", run->emulation_failure.insn_bytes[i]);
		fprintf(stderr, "\n");
	}
}

/*
 * Port I/O, one element at a time (a string instruction brings several).
 * A port no device claims is an empty bus: reads float to all ones and
 * writes go nowhere.
 */
static int handle_io(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	bool write = run->io.direction == KVM_EXIT_IO_OUT;
	unsigned int size = run->io.size;
	uint32_t i;

	for (i = 0; i < run->io.count; i++, data += size) {
		bool claimed;
		int r = bus_access(&v->m->pio, v, run->io.port, data, size,
				   write, &claimed);

		if (!claimed && !write)
			memset(data, 0xff, size);
		if (r >= 0)
			return r;
	}
	return -1;
}

/*
 * MMIO.  For a Linux guest an address nothing claims is an empty bus, as
 * on a PC.  A test image has a fixed world, so an access outside it is a
 * bug in the image and ends the run.
 */
static int handle_mmio(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	bool claimed;
	int r;

	r = bus_access(&v->m->mmio, v, run->mmio.phys_addr, run->mmio.data,
		       run->mmio.len, run->mmio.is_write, &claimed);
	if (claimed)
		return r;
	if (v->m->linux_guest) {
		if (!run->mmio.is_write)
			memset(run->mmio.data, 0xff, run->mmio.len);
		return -1;
	}
	fprintf(stderr, "vmctl run: vcpu%d: MMIO %s of %u bytes at %#llx, where there is no device\n",
		v->id, run->mmio.is_write ? "write" : "read", run->mmio.len,
		(unsigned long long)run->mmio.phys_addr);
	return STATUS_GUEST_FAILED;
}

/*
 * An exit that is not a device access.  Returns -1 to go on, or the
 * status that ends this vCPU.
 */
static int handle_other_exit(struct vcpu *v)
{
	struct machine *m = v->m;
	struct kvm_run *run = v->run;
	struct kvm_regs regs;

	switch (run->exit_reason) {
	case KVM_EXIT_HLT:
		/* Only without an in-kernel irqchip: a test image is done. */
		if (!ioctl(v->fd, KVM_GET_REGS, &regs) &&
		    (regs.rflags & 0x200))
			fprintf(stderr, "vmctl run: vcpu%d halted with interrupts on; nothing can wake it, so the run ends\n",
				v->id);
		return 0;
	case KVM_EXIT_SHUTDOWN:
		/* A PC resets on a triple fault; Linux uses it to reboot. */
		if (m->linux_guest) {
			machine_stop(m, STATUS_REBOOT,
				     "the guest rebooted (triple fault)");
			return STATUS_REBOOT;
		}
		break;
	case KVM_EXIT_SYSTEM_EVENT:
		if (m->linux_guest &&
		    run->system_event.type == KVM_SYSTEM_EVENT_RESET) {
			machine_stop(m, STATUS_REBOOT, "the guest rebooted");
			return STATUS_REBOOT;
		}
		break;
	case KVM_EXIT_FAIL_ENTRY:
		fprintf(stderr, "vmctl run: vcpu%d: exit FAIL_ENTRY, hardware reason %#llx on CPU %u\n",
			v->id, run->fail_entry.hardware_entry_failure_reason,
			run->fail_entry.cpu);
		vcpu_print_regs(v, stderr);
		return STATUS_GUEST_FAILED;
	case KVM_EXIT_INTERNAL_ERROR:
		print_internal_error(v);
		vcpu_print_regs(v, stderr);
		return STATUS_GUEST_FAILED;
	}
	fprintf(stderr, "vmctl run: vcpu%d: exit %s (%u)\n", v->id,
		exit_name(run->exit_reason), run->exit_reason);
	vcpu_print_regs(v, stderr);
	return STATUS_GUEST_FAILED;
}

/* One KVM_RUN and its exit: -1 to go on, or the vCPU's status. */
static int run_once(struct vcpu *v)
{
	struct machine *m = v->m;
	int r, err;

	r = ioctl(v->fd, KVM_RUN, 0);
	if (r < 0 && errno == EINTR) {
		v->run->immediate_exit = 0;
		v->intr++;
		if (stop_requested) {
			fprintf(stderr, "vmctl run: vcpu%d stopped by a signal\n",
				v->id);
			return STATUS_GUEST_FAILED;
		}
		return m->stopping ? m->stop_status : -1;
	}
	/*
	 * An AP that waited in KVM_RUN for its INIT or start-up IPI comes
	 * back with EAGAIN once it has one: run it again, now started.
	 */
	if (r < 0 && errno == EAGAIN)
		return m->stopping ? m->stop_status : -1;
	if (r < 0) {
		err = errno;
		fprintf(stderr, "vmctl run: vcpu%d: KVM_RUN: %s\n", v->id,
			strerror(err));
		/* hvx pins what the guest touches (see the README). */
		if (err == ENOMEM)
			fprintf(stderr, "vmctl run: hvx pins the guest memory the guest touches, as locked memory: raise the limit (ulimit -l) or run with CAP_IPC_LOCK\n");
		vcpu_print_regs(v, stderr);
		return STATUS_GUEST_FAILED;
	}
	v->exits++;
	switch (v->run->exit_reason) {
	case KVM_EXIT_IO:
		r = handle_io(v);
		break;
	case KVM_EXIT_MMIO:
		r = handle_mmio(v);
		break;
	default:
		return handle_other_exit(v);
	}
	if (r < 0 && m->stopping)
		return m->stop_status;
	return r;
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	struct machine *m = v->m;
	int status;

	thread_run = v->run;
	vcpu_signals(SIG_UNBLOCK);
	do
		status = m->stopping ? m->stop_status : run_once(v);
	while (status < 0);
	v->status = status;

	/*
	 * A Linux guest is one machine: whatever ends a vCPU ends the run.
	 * The vCPUs of a test image each run to their own end, unless a
	 * signal stops them all.
	 */
	if (m->linux_guest || stop_requested)
		machine_stop(m, status, NULL);
	return NULL;
}

/*
 * Start the vCPU threads.  Under the stop lock, so that machine_stop()
 * kicks exactly the threads that exist; one that starts after a stop sees
 * it before its first KVM_RUN.
 */
int vcpus_start(struct machine *m)
{
	int i, r = 0;

	for (i = 0; i < m->nr_vcpus && !r; i++) {
		pthread_mutex_lock(&m->stop_lock);
		r = pthread_create(&m->vcpus[i].thread, NULL, vcpu_thread,
				   &m->vcpus[i]);
		if (!r)
			m->nr_started++;
		pthread_mutex_unlock(&m->stop_lock);
	}
	if (r) {
		fprintf(stderr, "vmctl run: cannot start vcpu %d: %s\n", i - 1,
			strerror(r));
		machine_stop(m, STATUS_GUEST_FAILED, NULL);
	}
	for (i = 0; i < m->nr_started; i++)
		pthread_join(m->vcpus[i].thread, NULL);
	return r ? -r : 0;
}

/* The guest's serial output, for serial.c. */
void machine_serial_output(void *ctx, const uint8_t *data, size_t len)
{
	machine_output(ctx, data, len);
}
