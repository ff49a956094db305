// SPDX-License-Identifier: GPL-2.0
/*
 * hvx's generic netlink family, spoken byte by byte (no libnl, so that the
 * test does not share vmctl's client code and can send what no client
 * would).  Prints TAP.
 *
 *   nl_api_test malformed     rejections: each with its errno and an
 *                             extended ack, and nothing changed
 *   nl_api_test churn         dumps while 50 VMs come and go on other
 *                             threads; ids never reused
 *   nl_api_test unpriv VM     as uid 65534: another user's VM is hidden
 *                             and cannot be read or paused; events are
 *                             closed; one's own VM is visible
 *   nl_api_test failentry     a VM entry that fails (for vmctl monitor)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/genetlink.h>
#include <linux/kvm.h>
#include <linux/netlink.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tap.h"
#include "../../../uapi/hvx.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

static int family, events_grp;

struct reply {
	int err;		/* 0, or the kernel's negative errno */
	char extack[256];
	int n;			/* messages of the family */
	uint32_t id[512], state[512], pid[512];
};

struct msg {
	struct nlmsghdr nh;
	struct genlmsghdr gh;
	char attrs[8192];
};

static void put_attr(struct msg *m, uint16_t type, const void *data,
		     uint16_t len)
{
	struct nlattr *a = (struct nlattr *)((char *)m + m->nh.nlmsg_len);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	m->nh.nlmsg_len += NLA_ALIGN(a->nla_len);
}

static void start(struct msg *m, uint16_t type, uint8_t cmd, uint16_t flags)
{
	memset(m, 0, sizeof(*m));
	m->nh.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN;
	m->nh.nlmsg_type = type;
	m->nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	m->nh.nlmsg_seq = 1;
	m->gh.cmd = cmd;
	m->gh.version = 1;
}

static int nl_open(void)
{
	int one = 1, s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
				NETLINK_GENERIC);

	setsockopt(s, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(s, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	return s;
}

/* Walk the attributes of one message, calling @fn on each. */
static void each_attr(void *start, int len,
		      void (*fn)(struct nlattr *a, void *arg), void *arg)
{
	struct nlattr *a = start;

	while (len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= len) {
		fn(a, arg);
		len -= NLA_ALIGN(a->nla_len);
		a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
	}
}

static void on_extack(struct nlattr *a, void *arg)
{
	struct reply *r = arg;

	if (a->nla_type == NLMSGERR_ATTR_MSG)
		snprintf(r->extack, sizeof(r->extack), "%s",
			 (char *)a + NLA_HDRLEN);
}

static void on_vm_attr(struct nlattr *a, void *arg)
{
	struct reply *r = arg;
	uint32_t v;

	memcpy(&v, (char *)a + NLA_HDRLEN, 4);
	if (a->nla_type == HVX_A_VM_ID)
		r->id[r->n] = v;
	else if (a->nla_type == HVX_A_VM_STATE)
		r->state[r->n] = v;
	else if (a->nla_type == HVX_A_VM_PID)
		r->pid[r->n] = v;
}

/* The controller's answer: the family id, and the events group's id. */
static void on_mcast_grp_attr(struct nlattr *a, void *arg)
{
	int *id = arg;

	if (a->nla_type == CTRL_ATTR_MCAST_GRP_ID)
		memcpy(id, (char *)a + NLA_HDRLEN, 4);
}

static void on_mcast_grp(struct nlattr *a, void *arg)
{
	(void)arg;
	each_attr((char *)a + NLA_HDRLEN, a->nla_len - NLA_HDRLEN,
		  on_mcast_grp_attr, &events_grp);
}

static void on_ctrl_attr(struct nlattr *a, void *arg)
{
	uint16_t id;

	(void)arg;
	if (a->nla_type == CTRL_ATTR_FAMILY_ID) {
		memcpy(&id, (char *)a + NLA_HDRLEN, 2);
		family = id;
	} else if (a->nla_type == CTRL_ATTR_MCAST_GROUPS) {
		/* hvx has one group: events */
		each_attr((char *)a + NLA_HDRLEN, a->nla_len - NLA_HDRLEN,
			  on_mcast_grp, NULL);
	}
}

/*
 * Send @m on a fresh socket and read everything up to its end, handing
 * each attribute of each message to @fn.
 */
static void request_fn(struct msg *m, struct reply *r,
		       void (*fn)(struct nlattr *a, void *arg))
{
	static char buf[65536];
	int s = nl_open(), done = 0;

	memset(r, 0, sizeof(*r));
	if (send(s, m, m->nh.nlmsg_len, 0) < 0) {
		r->err = -errno;
		close(s);
		return;
	}
	while (!done) {
		int len = recv(s, buf, sizeof(buf), 0);
		struct nlmsghdr *nh = (struct nlmsghdr *)buf;

		if (len <= 0) {
			r->err = -EIO;
			break;
		}
		for (; NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
			if (nh->nlmsg_type == NLMSG_ERROR ||
			    nh->nlmsg_type == NLMSG_DONE) {
				int off = nh->nlmsg_type == NLMSG_ERROR ?
					  sizeof(struct nlmsgerr) : sizeof(int);

				memcpy(&r->err, NLMSG_DATA(nh), sizeof(int));
				each_attr((char *)NLMSG_DATA(nh) + off,
					  nh->nlmsg_len - NLMSG_HDRLEN - off,
					  on_extack, r);
				done = 1;
				break;
			}
			if (r->n >= 511)
				continue;
			each_attr((char *)NLMSG_DATA(nh) + GENL_HDRLEN,
				  nh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN,
				  fn, r);
			if (nh->nlmsg_flags & NLM_F_DUMP_INTR)
				r->state[r->n] = 0xdead;
			r->n++;
		}
	}
	close(s);
}

static void request(struct msg *m, struct reply *r)
{
	request_fn(m, r, on_vm_attr);
}

static void resolve_family(void)
{
	struct msg m;
	struct reply r;

	start(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	put_attr(&m, CTRL_ATTR_FAMILY_NAME, HVX_GENL_NAME,
		 sizeof(HVX_GENL_NAME));
	request_fn(&m, &r, on_ctrl_attr);
}

/* One request with at most one attribute; the reply in *r. */
static void ask(uint8_t cmd, uint16_t flags, uint16_t type, const void *data,
		uint16_t len, struct reply *r)
{
	struct msg m;

	start(&m, family, cmd, flags);
	if (type)
		put_attr(&m, type, data, len);
	request(&m, r);
}

static void ask_vm(uint8_t cmd, uint32_t id, struct reply *r)
{
	ask(cmd, 0, HVX_A_VM_ID, &id, 4, r);
}

static void expect_err(const struct reply *r, int err, const char *what)
{
	tap_result(r->err == -err && r->extack[0], "%s: %s, with an extended ack",
		   what, strerror(err));
	if (r->err != -err || !r->extack[0])
		printf("#   errno %d, extack \"%s\"\n", -r->err, r->extack);
	else
		printf("#   kernel reports: %s\n", r->extack);
}

/* A VM with one vCPU, in this process; returns the VM fd. */
static int make_vm(int *vcpu)
{
	int sys = open("/dev/hvx", O_RDWR | O_CLOEXEC);
	int vm = sys < 0 ? -1 : ioctl(sys, KVM_CREATE_VM, 0);

	if (sys >= 0)
		close(sys);
	if (vm >= 0 && vcpu)
		*vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	return vm;
}

/* The id of the only VM this process can see, or 0. */
static uint32_t only_vm(void)
{
	struct reply r;

	ask(HVX_CMD_VM_GET, NLM_F_DUMP, 0, NULL, 0, &r);
	return r.err || r.n != 1 ? 0 : r.id[0];
}

static void test_malformed(void)
{
	uint64_t big = 1;
	uint32_t id, bogus = 0xfffffff0;
	uint16_t small = 1;
	static char huge[4000];
	struct reply r;
	int vcpu, vm = make_vm(&vcpu);

	id = only_vm();
	tap_result(vm >= 0 && id, "a VM, visible in a dump (id %u)", id);

	ask(HVX_CMD_GET_INFO, 0, 0, NULL, 0, &r);
	tap_result(!r.err && r.n == 1, "GET_INFO answers");
	ask(HVX_CMD_GET_INFO, 0, HVX_A_VM_ID, &id, 4, &r);
	expect_err(&r, EINVAL, "GET_INFO with an attribute it does not take");
	ask(HVX_CMD_VM_GET, 0, 0, NULL, 0, &r);
	expect_err(&r, EINVAL, "VM_GET without a VM id");
	ask(HVX_CMD_VM_GET, 0, HVX_A_VM_ID, &big, 8, &r);
	expect_err(&r, EINVAL, "VM_GET with an 8-byte VM id");
	ask(HVX_CMD_VM_GET, 0, HVX_A_VM_ID, &small, 2, &r);
	expect_err(&r, EINVAL, "VM_GET with a 2-byte VM id");
	ask(HVX_CMD_VM_GET, 0, HVX_A_VM_ID, huge, sizeof(huge), &r);
	expect_err(&r, EINVAL, "VM_GET with a 4000-byte VM id");
	ask(HVX_CMD_VM_GET, 0, 200, &id, 4, &r);
	expect_err(&r, EINVAL, "VM_GET with an unknown attribute");
	ask(HVX_CMD_VM_GET, 0, HVX_A_VM_COMM, "x", 2, &r);
	expect_err(&r, EINVAL, "VM_GET with an attribute of another command");
	ask_vm(HVX_CMD_VM_GET, bogus, &r);
	expect_err(&r, ENOENT, "VM_GET of an unknown VM id");
	ask(99, 0, 0, NULL, 0, &r);
	tap_result(r.err == -EOPNOTSUPP, "an unknown command: EOPNOTSUPP");
	ask(HVX_CMD_VCPU_GET, NLM_F_DUMP, 0, NULL, 0, &r);
	expect_err(&r, EINVAL, "a VCPU_GET dump without a VM id");
	ask(HVX_CMD_VCPU_GET, NLM_F_DUMP, HVX_A_VM_ID, &bogus, 4, &r);
	expect_err(&r, ENOENT, "a VCPU_GET dump of an unknown VM");
	ask_vm(HVX_CMD_VCPU_GET, id, &r);
	expect_err(&r, EINVAL, "VCPU_GET without a vCPU id");
	{
		struct msg m;

		start(&m, family, HVX_CMD_VCPU_GET, 0);
		put_attr(&m, HVX_A_VM_ID, &id, 4);
		put_attr(&m, HVX_A_VCPU_ID, &bogus, 4);
		request(&m, &r);
		expect_err(&r, ENOENT, "VCPU_GET of a vCPU the VM does not have");
		start(&m, family, HVX_CMD_VCPU_GET, 0);
		put_attr(&m, HVX_A_VM_ID, &id, 4);
		put_attr(&m, HVX_A_VCPU_ID, &small, 2);
		request(&m, &r);
		expect_err(&r, EINVAL, "VCPU_GET with a 2-byte vCPU id");
	}

	ask(HVX_CMD_VM_PAUSE, 0, HVX_A_VM_ID, &big, 8, &r);
	expect_err(&r, EINVAL, "VM_PAUSE with an 8-byte VM id");
	ask_vm(HVX_CMD_VM_PAUSE, bogus, &r);
	expect_err(&r, ENOENT, "VM_PAUSE of an unknown VM");
	ask(HVX_CMD_VM_PAUSE, 0, 0, NULL, 0, &r);
	expect_err(&r, EINVAL, "VM_PAUSE without a VM id");
	ask_vm(HVX_CMD_VM_GET, id, &r);
	tap_result(!r.err && r.n == 1 && r.state[0] == HVX_VM_RUNNING,
		   "after all that, the VM is still there and running");

	ask_vm(HVX_CMD_VM_PAUSE, id, &r);
	tap_result(!r.err, "VM_PAUSE of the VM");
	ask_vm(HVX_CMD_VM_PAUSE, id, &r);
	tap_result(!r.err, "VM_PAUSE again is no error");
	ask_vm(HVX_CMD_VM_GET, id, &r);
	tap_result(r.n == 1 && r.state[0] == HVX_VM_PAUSED, "the VM says paused");
	ask_vm(HVX_CMD_VM_RESUME, id, &r);
	ask_vm(HVX_CMD_VM_GET, id, &r);
	tap_result(r.n == 1 && r.state[0] == HVX_VM_RUNNING,
		   "VM_RESUME: running again");
	close(vcpu);
	close(vm);
	ask_vm(HVX_CMD_VM_GET, id, &r);
	tap_result(r.err == -ENOENT, "closing its fds ends the VM's listing");
}

static void *churn(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 10; i++) {
		int vcpu, vm = make_vm(&vcpu);

		if (vm < 0)
			return (void *)1L;
		usleep(1000 * (rand() % 10));
		close(vcpu);
		close(vm);
	}
	return NULL;
}

static void test_churn(void)
{
	pthread_t t[5];
	int joined[5] = { 0 };
	long failed = 0;
	int i, dumps = 0, bad = 0, intr = 0, j;
	uint32_t a, b;
	struct reply r;

	for (i = 0; i < 5; i++)
		pthread_create(&t[i], NULL, churn, NULL);
	for (;;) {
		int alive = 0;

		ask(HVX_CMD_VM_GET, NLM_F_DUMP, 0, NULL, 0, &r);
		dumps++;
		if (r.err)
			bad++;
		for (j = 0; j < r.n; j++) {
			if (j && r.id[j] <= r.id[j - 1])
				bad++;
			if (r.state[j] == 0xdead)
				intr++;
		}
		for (i = 0; i < 5; i++) {
			void *ret = NULL;

			if (!joined[i] && !pthread_tryjoin_np(t[i], &ret)) {
				joined[i] = 1;
				failed += (long)ret;
			}
			alive += !joined[i];
		}
		if (!alive)
			break;
	}
	tap_result(!failed, "5 threads create and destroy 50 VMs");
	tap_result(!bad, "%d dumps meanwhile, each whole and in id order (%d flagged as interrupted)",
		   dumps, intr);
	ask(HVX_CMD_VM_GET, NLM_F_DUMP, 0, NULL, 0, &r);
	tap_result(!r.err && r.n == 0, "no stale entry once they are gone (%d listed)",
		   r.n);

	i = make_vm(NULL);
	a = only_vm();
	close(i);
	i = make_vm(NULL);
	b = only_vm();
	close(i);
	tap_result(a && b > a, "a new VM gets a new id (%u, then %u)", a, b);
}

static void test_unpriv(uint32_t root_vm)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct reply r;
	int s, grp = 0, vm, i, found = 0;

	if (setgid(65534) || setuid(65534)) {
		tap_result(0, "become uid 65534");
		return;
	}
	ask(HVX_CMD_GET_INFO, 0, 0, NULL, 0, &r);
	tap_result(!r.err && r.n == 1, "unprivileged: GET_INFO answers");
	ask(HVX_CMD_VM_GET, NLM_F_DUMP, 0, NULL, 0, &r);
	for (i = 0; i < r.n; i++)
		found |= r.id[i] == root_vm;
	tap_result(!r.err && !found, "unprivileged: root's VM %u is not in the dump (%d VMs listed)",
		   root_vm, r.n);
	ask_vm(HVX_CMD_VM_GET, root_vm, &r);
	expect_err(&r, EPERM, "unprivileged: VM_GET of root's VM");
	ask_vm(HVX_CMD_VM_PAUSE, root_vm, &r);
	expect_err(&r, EPERM, "unprivileged: VM_PAUSE");
	ask_vm(HVX_CMD_VM_RESUME, root_vm, &r);
	expect_err(&r, EPERM, "unprivileged: VM_RESUME");

	s = nl_open();
	bind(s, (struct sockaddr *)&sa, sizeof(sa));
	grp = events_grp;
	errno = 0;
	tap_result(grp > 0 && setsockopt(s, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
					 &grp, sizeof(grp)) < 0 && errno == EPERM,
		   "unprivileged: joining the events group (%d) fails with EPERM",
		   grp);
	close(s);

	vm = make_vm(NULL);
	ask(HVX_CMD_VM_GET, NLM_F_DUMP, 0, NULL, 0, &r);
	tap_result(vm >= 0 && !r.err && r.n == 1 && r.id[0] != root_vm &&
		   r.pid[0] == (uint32_t)getpid(),
		   "unprivileged: its own VM is the one it sees");
	if (r.n == 1) {
		ask_vm(HVX_CMD_VM_GET, r.id[0], &r);
		tap_result(!r.err && r.n == 1, "unprivileged: VM_GET of its own VM");
	}
	close(vm);
}

/* KVM_RUN with a busy 16-bit TSS in TR: the entry fails. */
static void fail_entry(void)
{
	int vcpu, vm = make_vm(&vcpu);
	struct kvm_sregs s;
	struct kvm_run *run;
	void *mem = calloc(1, 1 << 20);
	struct kvm_userspace_memory_region region = {
		.memory_size = 1 << 20,
		.userspace_addr = (uintptr_t)mem,
	};

	ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region);
	run = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	ioctl(vcpu, KVM_GET_SREGS, &s);
	s.tr.type = 1;
	ioctl(vcpu, KVM_SET_SREGS, &s);
	tap_result(ioctl(vcpu, KVM_RUN, 0) == 0 &&
		   run->exit_reason == KVM_EXIT_FAIL_ENTRY,
		   "a VM entry with a bad TR fails");
	close(vcpu);
	close(vm);
}

int main(int argc, char **argv)
{
	resolve_family();
	if (family <= 0) {
		printf("not ok - the hvx netlink family is registered\n");
		return 1;
	}
	if (argc > 1 && !strcmp(argv[1], "malformed"))
		test_malformed();
	else if (argc > 1 && !strcmp(argv[1], "churn"))
		test_churn();
	else if (argc > 2 && !strcmp(argv[1], "unpriv"))
		test_unpriv(strtoul(argv[2], NULL, 0));
	else if (argc > 1 && !strcmp(argv[1], "failentry"))
		fail_entry();
	else
		return 2;
	return tap_failed;
}
