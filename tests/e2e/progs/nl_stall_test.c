// SPDX-License-Identifier: GPL-2.0
/*
 * No netlink request waits for a VM's vCPUs.  Prints TAP.
 *
 *   nl_stall_test [VMCTL]
 *
 * VM A's vCPU is held inside KVM_RUN, in a page fault on the VMM's memory,
 * for as long as this test likes: its guest runs OUTSB from a page of a
 * slot whose memory is registered with userfaultfd (missing mode) and
 * never touched, so hvx's read of that byte, on the vCPU's thread, faults
 * and waits for this program to answer.  While it waits, every request of
 * the hvx family (GET_INFO, VM_GET and its dump, VCPU_GET and its dump,
 * VM_PAUSE, VM_RESUME) about A and about a second VM, B, the controller's
 * lookup of the family, and `VMCTL list` and `VMCTL stats` when VMCTL is
 * given, must be answered within a bound (BOUND_S), with figures that say
 * what the guests did.  Then the fault is answered (UFFDIO_COPY) and A's
 * guest must finish, having sent out the byte the copy put there.
 *
 * A request's doit runs in the requester's sendmsg(), where a wait for a
 * lock cannot be interrupted: each request runs on a thread of its own,
 * so that one that hangs fails its own check and no other, and is let go
 * when the fault is answered at the end.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/genetlink.h>
#include <linux/kvm.h>
#include <linux/netlink.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"
#include "../../../uapi/hvx.h"

/*
 * How long a request may take, in the test machine's time, which Bochs
 * counts in emulated instructions (20 million to the second).  A request
 * costs a few milliseconds of it, but lockdep and kmemleak multiply the
 * instructions of every kernel path, and a new thread, the scheduler and
 * the other CPU add theirs: a thousandfold margin keeps a kernel that
 * works from ever failing here.  A request that stalls waits until the
 * fault is answered, which happens only after the checks, so any bound
 * tells the two apart.
 */
#define BOUND_S		5
/* A run of vmctl also starts a process, which costs more there. */
#define VMCTL_BOUND_S	(3 * BOUND_S)

#define MB		(1UL << 20)
#define PAGE		4096
#define CODE		0x1000		/* guest code, in slot 0 */
#define UFFD_GPA	MB		/* slot 1: one page, never touched */
#define PORT		0x10
#define BYTE		0x5a		/* what UFFDIO_COPY puts there */
#define EXIT_REASON_IO	30		/* VMX basic exit reason */
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* A: mov esi, UFFD_GPA; mov dx, PORT; outsb; hlt */
static const uint8_t code_a[] = {
	0xbe, 0x00, 0x00, 0x10, 0x00, 0x66, 0xba, PORT, 0x00, 0x6e, 0xf4,
};

/* B: mov al, 0x42; out PORT, al; hlt */
static const uint8_t code_b[] = { 0xb0, 0x42, 0xe6, PORT, 0xf4 };

struct vm {
	int fd, vcpu;
	uint32_t id;
	struct kvm_run *run;
	uint8_t *low;
};

static int sys_fd, family;
static long run_size;

/* What one message of the family says. */
struct info {
	uint32_t vm_id, pid, state, nr_vcpus, nr_slots, vm_count;
	uint32_t vcpu_id, vcpu_state, last_exit;
	uint64_t mem_size, io_exits;
};

/* One request, made on a thread of its own, and its answer. */
struct call {
	struct {
		struct nlmsghdr nh;
		struct genlmsghdr gh;
		char attrs[64];
	} m;
	int err;		/* 0, or the kernel's negative errno */
	char extack[200];
	int n;			/* messages of the family */
	struct info info[8];
	uint16_t family;	/* the controller's answer */
	long ms;
	pthread_t thread;
	bool joined;
};

static struct call calls[32];
static int nr_calls;

static void *nla_data(struct nlattr *a)
{
	return (char *)a + NLA_HDRLEN;
}

static uint32_t nla_u32(struct nlattr *a)
{
	uint32_t v;

	memcpy(&v, nla_data(a), sizeof(v));
	return v;
}

static uint64_t nla_u64(struct nlattr *a)
{
	uint64_t v;

	memcpy(&v, nla_data(a), sizeof(v));
	return v;
}

static bool nla_fits(const struct nlattr *a, int len)
{
	return len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= len;
}

#define nla_for_each(a, start, len)					\
	for (a = (struct nlattr *)(start); nla_fits(a, len);		\
	     len -= NLA_ALIGN(a->nla_len),				\
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))

/* One HVX_A_EXIT: only the count of IO_INSTRUCTION is of interest. */
static void parse_exit(struct info *in, struct nlattr *start, int len)
{
	uint32_t reason = ~0u;
	uint64_t count = 0;
	struct nlattr *a;

	nla_for_each(a, start, len) {
		if ((a->nla_type & NLA_TYPE_MASK) == HVX_EXIT_A_REASON)
			reason = nla_u32(a);
		else if ((a->nla_type & NLA_TYPE_MASK) == HVX_EXIT_A_COUNT)
			count = nla_u64(a);
	}
	if (reason == EXIT_REASON_IO)
		in->io_exits = count;
}

/* Where each attribute of interest goes in struct info, and its size. */
#define FIELD(attr, field) \
	{ attr, offsetof(struct info, field), sizeof(((struct info *)0)->field) }
static const struct {
	int type;
	size_t off, size;
} fields[] = {
	FIELD(HVX_A_VM_COUNT, vm_count),
	FIELD(HVX_A_VM_ID, vm_id),
	FIELD(HVX_A_VM_PID, pid),
	FIELD(HVX_A_VM_STATE, state),
	FIELD(HVX_A_VM_NR_VCPUS, nr_vcpus),
	FIELD(HVX_A_VM_NR_SLOTS, nr_slots),
	FIELD(HVX_A_VM_MEM_SIZE, mem_size),
	FIELD(HVX_A_VCPU_ID, vcpu_id),
	FIELD(HVX_A_VCPU_STATE, vcpu_state),
	FIELD(HVX_A_VCPU_LAST_EXIT_REASON, last_exit),
};

static void parse(struct info *in, void *start, int len)
{
	struct nlattr *a;
	size_t i;

	nla_for_each(a, start, len) {
		int type = a->nla_type & NLA_TYPE_MASK;
		int inner = a->nla_len - NLA_HDRLEN;

		if (type == HVX_A_EXITS)
			parse(in, nla_data(a), inner);
		else if (type == HVX_A_EXIT)
			parse_exit(in, nla_data(a), inner);
		for (i = 0; i < ARRAY_SIZE(fields); i++)
			if (fields[i].type == type &&
			    inner >= (int)fields[i].size)
				memcpy((char *)in + fields[i].off, nla_data(a),
				       fields[i].size);
	}
}

static void parse_ctrl(struct call *c, void *start, int len)
{
	struct nlattr *a;

	nla_for_each(a, start, len)
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			memcpy(&c->family, nla_data(a), sizeof(c->family));
}

static void parse_ack(struct call *c, struct nlmsghdr *nh)
{
	int off = nh->nlmsg_type == NLMSG_ERROR ? sizeof(struct nlmsgerr) :
						  sizeof(int);
	int len = nh->nlmsg_len - NLMSG_HDRLEN - off;
	struct nlattr *a;

	memcpy(&c->err, NLMSG_DATA(nh), sizeof(int));
	nla_for_each(a, (char *)NLMSG_DATA(nh) + off, len)
		if (a->nla_type == NLMSGERR_ATTR_MSG)
			snprintf(c->extack, sizeof(c->extack), "%s",
				 (char *)nla_data(a));
}

/* Send the request on a fresh socket and read its answer to the end. */
static void *call_thread(void *arg)
{
	struct call *c = arg;
	int one = 1, done = 0, s;
	struct timespec t0, t1;
	char *buf = malloc(65536);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	setsockopt(s, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(s, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (!buf || send(s, &c->m, c->m.nh.nlmsg_len, 0) < 0) {
		c->err = -errno;
		done = 1;
	}
	while (!done) {
		int len = recv(s, buf, 65536, 0);
		struct nlmsghdr *nh = (struct nlmsghdr *)buf;

		if (len <= 0) {
			c->err = -EIO;
			break;
		}
		for (; NLMSG_OK(nh, len) && !done; nh = NLMSG_NEXT(nh, len)) {
			void *attrs = (char *)NLMSG_DATA(nh) + GENL_HDRLEN;
			int alen = nh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;

			if (nh->nlmsg_type == NLMSG_ERROR ||
			    nh->nlmsg_type == NLMSG_DONE) {
				parse_ack(c, nh);
				done = 1;
			} else if (nh->nlmsg_type == GENL_ID_CTRL) {
				parse_ctrl(c, attrs, alen);
			} else if (c->n < 8) {
				parse(&c->info[c->n++], attrs, alen);
			}
		}
	}
	close(s);
	free(buf);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	c->ms = (t1.tv_sec - t0.tv_sec) * 1000 +
		(t1.tv_nsec - t0.tv_nsec) / 1000000;
	return NULL;
}

static struct call *new_call(uint16_t type, uint8_t cmd, uint16_t flags)
{
	struct call *c = &calls[nr_calls++];

	c->m.nh.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN;
	c->m.nh.nlmsg_type = type;
	c->m.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	c->m.nh.nlmsg_seq = nr_calls;
	c->m.gh.cmd = cmd;
	c->m.gh.version = type == GENL_ID_CTRL ? 2 : HVX_GENL_VERSION;
	return c;
}

static void put_attr(struct call *c, uint16_t type, const void *data,
		     uint16_t len)
{
	struct nlattr *a = (struct nlattr *)((char *)&c->m + c->m.nh.nlmsg_len);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy(nla_data(a), data, len);
	c->m.nh.nlmsg_len += NLA_ALIGN(a->nla_len);
}

/*
 * Make the request on a thread of its own and wait for it, at most
 * BOUND_S seconds.  Return: the answered call, or NULL after a failed
 * check that names @what; the thread is then left to finish once the
 * fault is answered.
 */
static struct call *ask(struct call *c, const char *what)
{
	struct timespec deadline;

	if (pthread_create(&c->thread, NULL, call_thread, c)) {
		tap_result(0, "%s: a thread of its own", what);
		c->joined = true;
		return NULL;
	}
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += BOUND_S;
	if (!pthread_timedjoin_np(c->thread, NULL, &deadline)) {
		c->joined = true;
		return c;
	}
	tap_result(0, "%s: answered within %d s", what, BOUND_S);
	printf("#   no answer yet: the request waits in the kernel\n");
	return NULL;
}

static struct call *ask_vm(uint8_t cmd, uint16_t flags, uint32_t vm,
			   const char *what)
{
	struct call *c = new_call(family, cmd, flags);

	put_attr(c, HVX_A_VM_ID, &vm, sizeof(vm));
	return ask(c, what);
}

static void show(const struct call *c)
{
	int i;

	printf("#   %ld ms, error %d %s, %d messages\n", c->ms, c->err,
	       c->extack, c->n);
	for (i = 0; i < c->n; i++) {
		const struct info *in = &c->info[i];

		printf("#   vm %u pid %u state %u vcpus %u slots %u mem %llu;",
		       in->vm_id, in->pid, in->state, in->nr_vcpus,
		       in->nr_slots, (unsigned long long)in->mem_size);
		printf(" vcpu %u state %u last exit %u; io exits %llu; vm count %u\n",
		       in->vcpu_id, in->vcpu_state, in->last_exit,
		       (unsigned long long)in->io_exits, in->vm_count);
	}
}

static void expect(const struct call *c, bool ok, const char *what)
{
	if (!c)
		return;
	tap_result(!c->err && ok, "%s (in %ld ms)", what, c->ms);
	if (c->err || !ok)
		show(c);
}

/*
 * Does @in describe @vm as the guests left it: running or paused as
 * @state says, one vCPU, @nr_slots slots of @mem bytes, one IO exit?
 */
static bool vm_is(const struct info *in, const struct vm *vm, uint32_t state,
		  uint32_t nr_slots, uint64_t mem)
{
	return in->vm_id == vm->id && in->pid == (uint32_t)getpid() &&
	       in->state == state && in->nr_vcpus == 1 &&
	       in->nr_slots == nr_slots && in->mem_size == mem &&
	       in->io_exits == 1;
}

static bool vcpu_is(const struct info *in, const struct vm *vm, uint32_t state)
{
	return in->vm_id == vm->id && in->vcpu_id == 0 &&
	       in->vcpu_state == state && in->last_exit == EXIT_REASON_IO &&
	       in->io_exits == 1;
}

/* Run `@vmctl @args...`; true if it exits with 0 within VMCTL_BOUND_S. */
static bool vmctl_answers(const char *vmctl, char *const argv[])
{
	struct timespec t0, t;
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		execv(vmctl, argv);
		_exit(127);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) && !WEXITSTATUS(status);
		usleep(10000);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (t.tv_sec - t0.tv_sec < VMCTL_BOUND_S);
	/* Left behind, as a stalled request is; reaped at exit. */
	kill(pid, SIGKILL);
	return false;
}

/* Slot 0 (the first megabyte, with @code at CODE) and one vCPU there. */
static int make_vm(struct vm *v, const uint8_t *code, size_t len)
{
	struct kvm_userspace_memory_region r = { .memory_size = MB };
	struct kvm_regs regs = { .rip = CODE, .rflags = 2 };
	struct kvm_sregs s;

	v->fd = ioctl(sys_fd, KVM_CREATE_VM, 0);
	v->low = mmap(NULL, MB, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (v->fd < 0 || v->low == MAP_FAILED)
		return -1;
	memcpy(v->low + CODE, code, len);
	r.userspace_addr = (uintptr_t)v->low;
	v->vcpu = ioctl(v->fd, KVM_CREATE_VCPU, 0);
	if (ioctl(v->fd, KVM_SET_USER_MEMORY_REGION, &r) || v->vcpu < 0)
		return -1;
	v->run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      v->vcpu, 0);
	if (v->run == MAP_FAILED || ioctl(v->vcpu, KVM_GET_SREGS, &s))
		return -1;
	/* Flat 32-bit protected mode without paging. */
	s.cs.base = 0;
	s.cs.limit = 0xffffffff;
	s.cs.selector = 8;
	s.cs.type = 11;
	s.cs.s = 1;
	s.cs.present = 1;
	s.cs.db = 1;
	s.cs.g = 1;
	s.cs.l = 0;
	s.ds = s.cs;
	s.ds.type = 3;
	s.ds.selector = 0x10;
	s.es = s.ss = s.fs = s.gs = s.ds;
	s.tr.type = 11;
	s.cr0 = 0x11;
	s.cr4 = 0;
	s.efer = 0;
	if (ioctl(v->vcpu, KVM_SET_SREGS, &s) ||
	    ioctl(v->vcpu, KVM_SET_REGS, &regs))
		return -1;
	return 0;
}

/* A's vCPU thread: what its two KVM_RUNs ended with. */
static struct {
	int r1, exit1, r2, exit2;
	struct kvm_run io;
	uint8_t data;
	int out;		/* the first KVM_RUN returned */
} ra;

static void *run_a(void *arg)
{
	struct vm *a = arg;

	ra.r1 = ioctl(a->vcpu, KVM_RUN, 0);
	ra.exit1 = a->run->exit_reason;
	ra.io = *a->run;
	if (ra.exit1 == KVM_EXIT_IO && a->run->io.data_offset < (uint64_t)run_size)
		ra.data = *((uint8_t *)a->run + a->run->io.data_offset);
	__atomic_store_n(&ra.out, 1, __ATOMIC_RELEASE);
	if (!ra.r1 && ra.exit1 == KVM_EXIT_IO) {
		ra.r2 = ioctl(a->vcpu, KVM_RUN, 0);
		ra.exit2 = a->run->exit_reason;
	}
	return NULL;
}

/* Anonymous memory, registered with a userfaultfd for missing pages. */
static int uffd_page(void **page)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	int uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);

	*page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (uffd < 0 || *page == MAP_FAILED || ioctl(uffd, UFFDIO_API, &api))
		return -1;
	reg.range.start = (uintptr_t)*page;
	reg.range.len = PAGE;
	return ioctl(uffd, UFFDIO_REGISTER, &reg) ? -1 : uffd;
}

/* Wait for the fault on @page; true once the vCPU is waiting in it. */
static bool uffd_faulted(int uffd, void *page)
{
	struct pollfd p = { .fd = uffd, .events = POLLIN };
	struct uffd_msg msg;

	/* Entering the guest and mapping its code take a moment first. */
	return poll(&p, 1, 6 * BOUND_S * 1000) == 1 &&
	       read(uffd, &msg, sizeof(msg)) == sizeof(msg) &&
	       msg.event == UFFD_EVENT_PAGEFAULT &&
	       msg.arg.pagefault.address == (uintptr_t)page;
}

/* Every request, while A's vCPU waits in its fault. */
static void ask_everything(const struct vm *a, const struct vm *b,
			   const char *vmctl)
{
	const uint64_t mem_a = MB + PAGE, mem_b = MB;
	struct call *c;
	bool ordered;
	char id[16];
	int i, seen;

	c = ask(new_call(family, HVX_CMD_GET_INFO, 0), "GET_INFO");
	expect(c, c && c->n == 1 && c->info[0].vm_count >= 2,
	       "GET_INFO answers: at least A and B exist");

	c = ask_vm(HVX_CMD_VM_GET, 0, a->id, "VM_GET of A");
	expect(c, c && c->n == 1 && vm_is(&c->info[0], a, HVX_VM_RUNNING, 2, mem_a),
	       "VM_GET of A answers: running, 1 vCPU, 2 slots, 1 MiB + 4 KiB, 1 IO exit");

	c = ask(new_call(family, HVX_CMD_VM_GET, NLM_F_DUMP), "the VM dump");
	for (i = 0, seen = 0, ordered = true; c && i < c->n; i++) {
		seen |= vm_is(&c->info[i], a, HVX_VM_RUNNING, 2, mem_a);
		seen |= vm_is(&c->info[i], b, HVX_VM_RUNNING, 1, mem_b) << 1;
		ordered &= !i || c->info[i].vm_id > c->info[i - 1].vm_id;
	}
	expect(c, seen == 3 && ordered,
	       "the VM dump answers: A and B as VM_GET says, in order of id");

	c = new_call(family, HVX_CMD_VCPU_GET, 0);
	put_attr(c, HVX_A_VM_ID, &a->id, sizeof(a->id));
	put_attr(c, HVX_A_VCPU_ID, &(uint32_t){ 0 }, sizeof(uint32_t));
	c = ask(c, "VCPU_GET of A's vCPU");
	expect(c, c && c->n == 1 && vcpu_is(&c->info[0], a, HVX_VCPU_RUNNING),
	       "VCPU_GET of A's vCPU answers: in KVM_RUN, last exit IO_INSTRUCTION");

	c = ask_vm(HVX_CMD_VCPU_GET, NLM_F_DUMP, a->id, "the vCPU dump of A");
	expect(c, c && c->n == 1 && vcpu_is(&c->info[0], a, HVX_VCPU_RUNNING),
	       "the vCPU dump of A answers: its one vCPU, as VCPU_GET says");

	c = ask_vm(HVX_CMD_VM_GET, 0, b->id, "VM_GET of B");
	expect(c, c && c->n == 1 && vm_is(&c->info[0], b, HVX_VM_RUNNING, 1, mem_b),
	       "VM_GET of B answers: running, 1 vCPU, 1 slot of 1 MiB, 1 IO exit");

	c = ask_vm(HVX_CMD_VCPU_GET, NLM_F_DUMP, b->id, "the vCPU dump of B");
	expect(c, c && c->n == 1 && vcpu_is(&c->info[0], b, HVX_VCPU_IDLE),
	       "the vCPU dump of B answers: idle, last exit IO_INSTRUCTION");

	c = new_call(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	put_attr(c, CTRL_ATTR_FAMILY_NAME, HVX_GENL_NAME, sizeof(HVX_GENL_NAME));
	c = ask(c, "the controller's lookup of \"hvx\"");
	expect(c, c && c->family == family,
	       "the controller still finds the family (every genetlink client's first request)");

	c = ask_vm(HVX_CMD_VM_PAUSE, 0, a->id, "VM_PAUSE of A");
	expect(c, true, "VM_PAUSE of A answers");
	c = ask_vm(HVX_CMD_VM_GET, 0, a->id, "VM_GET of A, paused");
	expect(c, c && c->n == 1 && vm_is(&c->info[0], a, HVX_VM_PAUSED, 2, mem_a),
	       "VM_GET of A answers: paused");
	c = ask_vm(HVX_CMD_VM_RESUME, 0, a->id, "VM_RESUME of A");
	expect(c, true, "VM_RESUME of A answers");
	c = ask_vm(HVX_CMD_VM_GET, 0, a->id, "VM_GET of A, resumed");
	expect(c, c && c->n == 1 && vm_is(&c->info[0], a, HVX_VM_RUNNING, 2, mem_a),
	       "VM_GET of A answers: running again");

	c = ask_vm(HVX_CMD_VM_PAUSE, 0, b->id, "VM_PAUSE of B");
	expect(c, true, "VM_PAUSE of B answers");
	c = ask_vm(HVX_CMD_VM_GET, 0, b->id, "VM_GET of B, paused");
	expect(c, c && c->n == 1 && vm_is(&c->info[0], b, HVX_VM_PAUSED, 1, mem_b),
	       "VM_GET of B answers: paused");
	c = ask_vm(HVX_CMD_VM_RESUME, 0, b->id, "VM_RESUME of B");
	expect(c, true, "VM_RESUME of B answers");

	if (!vmctl)
		return;
	snprintf(id, sizeof(id), "%u", a->id);
	tap_result(vmctl_answers(vmctl, (char *[]){ "vmctl", "list", NULL }),
		   "vmctl list answers within %d s", VMCTL_BOUND_S);
	tap_result(vmctl_answers(vmctl, (char *[]){ "vmctl", "stats", id, NULL }),
		   "vmctl stats %s answers within %d s", id, VMCTL_BOUND_S);
}

/* The ids of A and B: the two VMs of this process, B made first. */
static bool find_ids(struct vm *a, struct vm *b)
{
	struct call *c = ask(new_call(family, HVX_CMD_VM_GET, NLM_F_DUMP),
			     "the VM dump before the fault");
	uint32_t ids[2];
	int i, n = 0;

	for (i = 0; c && i < c->n; i++)
		if (c->info[i].pid == (uint32_t)getpid() && n < 2)
			ids[n++] = c->info[i].vm_id;
	if (n != 2)
		return false;
	b->id = ids[0];
	a->id = ids[1];
	return true;
}

static void resolve_family(void)
{
	struct call *c = new_call(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);

	put_attr(c, CTRL_ATTR_FAMILY_NAME, HVX_GENL_NAME, sizeof(HVX_GENL_NAME));
	c = ask(c, "the controller's lookup of \"hvx\"");
	family = c ? c->family : 0;
}

int main(int argc, char **argv)
{
	const char *vmctl = argc > 1 ? argv[1] : NULL;
	struct uffdio_copy copy = { .len = PAGE };
	struct kvm_userspace_memory_region r1 = {
		.slot = 1, .guest_phys_addr = UFFD_GPA, .memory_size = PAGE,
	};
	struct vm a = { 0 }, b = { 0 };
	struct timespec deadline;
	pthread_t vcpu;
	void *page, *src;
	bool faulted;
	int uffd, i, left = 0;

	resolve_family();
	sys_fd = open("/dev/hvx", O_RDWR | O_CLOEXEC);
	run_size = sys_fd < 0 ? -1 : ioctl(sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (family <= 0 || run_size <= 0) {
		printf("not ok - the hvx family (%d) and /dev/hvx are there\n",
		       family);
		return 1;
	}

	/* B: one OUT, after which its vCPU stays out of KVM_RUN. */
	tap_result(!make_vm(&b, code_b, sizeof(code_b)) &&
		   !ioctl(b.vcpu, KVM_RUN, 0) &&
		   b.run->exit_reason == KVM_EXIT_IO && b.run->io.port == PORT,
		   "VM B runs its guest to its OUT");

	uffd = uffd_page(&page);
	r1.userspace_addr = (uintptr_t)page;
	tap_result(uffd >= 0, "a page registered with userfaultfd, missing mode");
	tap_result(!make_vm(&a, code_a, sizeof(code_a)) && uffd >= 0 &&
		   !ioctl(a.fd, KVM_SET_USER_MEMORY_REGION, &r1),
		   "VM A, with that page as slot 1 at %#lx", UFFD_GPA);
	tap_result(find_ids(&a, &b), "A (id %u) and B (id %u) are listed",
		   a.id, b.id);
	if (uffd < 0 || !a.id)
		return 1;

	pthread_create(&vcpu, NULL, run_a, &a);
	faulted = uffd_faulted(uffd, page);
	tap_result(faulted,
		   "A's guest reads the page with OUTSB: its vCPU waits in the fault, inside KVM_RUN");
	if (faulted)
		ask_everything(&a, &b, vmctl);
	tap_result(faulted && !__atomic_load_n(&ra.out, __ATOMIC_ACQUIRE),
		   "A's vCPU was in its fault throughout");

	/* Answer the fault: the byte the guest sends out. */
	src = malloc(PAGE);
	memset(src, BYTE, PAGE);
	copy.src = (uintptr_t)src;
	copy.dst = (uintptr_t)page;
	tap_result(!ioctl(uffd, UFFDIO_COPY, &copy), "UFFDIO_COPY answers the fault");
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 6 * BOUND_S;
	tap_result(!pthread_timedjoin_np(vcpu, NULL, &deadline) && !ra.r1 &&
		   ra.exit1 == KVM_EXIT_IO &&
		   ra.io.io.direction == KVM_EXIT_IO_OUT &&
		   ra.io.io.port == PORT && ra.io.io.size == 1 &&
		   ra.io.io.count == 1 && ra.data == BYTE &&
		   !ra.r2 && ra.exit2 == KVM_EXIT_HLT,
		   "A's guest finishes: OUTSB sends %#x out, then HLT", BYTE);
	if (ra.data != BYTE || ra.exit2 != KVM_EXIT_HLT)
		printf("#   KVM_RUN %d exit %d port %#x data %#x; then %d exit %d\n",
		       ra.r1, ra.exit1, ra.io.io.port, ra.data, ra.r2,
		       ra.exit2);

	/* Requests that stalled go on now that the fault is answered. */
	for (i = 0; i < nr_calls; i++) {
		if (calls[i].joined)
			continue;
		clock_gettime(CLOCK_REALTIME, &deadline);
		deadline.tv_sec += 6 * BOUND_S;
		left += !!pthread_timedjoin_np(calls[i].thread, NULL, &deadline);
	}
	tap_result(!left, "no request is left waiting once the fault is answered (%d are)",
		   left);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;

	close(a.vcpu);
	close(a.fd);
	close(b.vcpu);
	close(b.fd);
	close(uffd);
	return tap_failed;
}
