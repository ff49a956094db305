// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "hvx": the control plane between processes.
 *
 * A VM's ioctl fds belong to the process that runs it.  Through this family
 * any process may list the VMs, read their counters and watch their events,
 * and an administrator may pause and resume them.  uapi/hvx.h documents
 * every message; vmctl (userspace/vmctl/nl.c) is the client.
 *
 * No request waits for a VM's vCPUs, nor for anything else a VM's owner
 * controls.  A vCPU in KVM_RUN holds vcpu->mutex, and while it maps guest
 * memory vm->mmu_lock, across page faults on the VMM's memory that may
 * never end (a userfaultfd nobody answers): a request that took those
 * locks would hang, and since anyone may send requests, anyone's VM could
 * hang everyone's tools.  So requests take none of them, nor vm->lock
 * (kmod/vm.h): what they show is read without locks, from fields that
 * have one writer each (a vCPU's counters, its thread; the slot and page
 * counts, whoever holds mmu_lock), and may be a moment old.  VM_PAUSE
 * waits only for the VM exits it forces (hvx_vm_pause()).  For the same
 * reason the family has parallel_ops: a request that is slow for any
 * reason holds up no other, as genl_mutex would.
 *
 * Every VM is on hvx_vms, in order of id, from just before its fd exists
 * until its last reference is gone.  Readers walk the list under RCU and
 * take a reference with kref_get_unless_zero() on a VM they use beyond
 * that, since a VM whose last reference just went stays listed until
 * hvx_vm_list_del(); the VM itself is freed only after a grace period.
 * hvx_vms_lock serialises the writers alone.  A dump carries on after the
 * last id it sent, and is flagged NLM_F_DUMP_INTR when VMs came or went
 * between its parts, so a client can ask again.
 */
#define pr_fmt(fmt) "hvx: " fmt

#include <linux/cpumask.h>
#include <linux/kvm.h>
#include <linux/math64.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/rculist.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include <asm/tsc.h>

#include "compat.h"
#include "hvx.h"
#include "vm.h"
#include "../uapi/hvx.h"

/*
 * Serialises the writers of hvx_vms and the counters below it; readers
 * use RCU and READ_ONCE().
 */
static DEFINE_SPINLOCK(hvx_vms_lock);
static LIST_HEAD(hvx_vms);
static u32 hvx_next_vm_id = 1;
static unsigned int hvx_nr_vms;
/* Bumped whenever a VM comes or goes: a dump's consistency check. */
static unsigned int hvx_vms_seq = 1;

static struct genl_family hvx_genl_family;

enum hvx_mcgrp {
	HVX_MCGRP_EVENTS,
};

/* Events name every user's VMs: only an administrator may listen. */
static const struct genl_multicast_group hvx_mcgrps[] = {
	[HVX_MCGRP_EVENTS] = { .name = HVX_GENL_MCGRP_EVENTS,
			       .flags = GENL_MCAST_CAP_SYS_ADMIN },
};

/**
 * hvx_vm_list_add - give a new VM its id and make it visible
 * @vm: the VM, complete but for its fd
 *
 * Return: 0, or -ENOSPC once 2^32 - 1 VMs have existed (ids are never
 * reused while hvx is loaded).
 */
int hvx_vm_list_add(struct hvx_vm *vm)
{
	spin_lock(&hvx_vms_lock);
	if (!hvx_next_vm_id) {
		spin_unlock(&hvx_vms_lock);
		return -ENOSPC;
	}
	vm->id = hvx_next_vm_id++;
	list_add_tail_rcu(&vm->node, &hvx_vms);
	WRITE_ONCE(hvx_nr_vms, hvx_nr_vms + 1);
	WRITE_ONCE(hvx_vms_seq, hvx_vms_seq + 1);
	spin_unlock(&hvx_vms_lock);

	hvx_notify(HVX_EVENT_VM_CREATED, vm, NULL, 0);
	return 0;
}

/* The VM's memory must outlive an RCU grace period from here. */
void hvx_vm_list_del(struct hvx_vm *vm)
{
	spin_lock(&hvx_vms_lock);
	list_del_rcu(&vm->node);
	WRITE_ONCE(hvx_nr_vms, hvx_nr_vms - 1);
	WRITE_ONCE(hvx_vms_seq, hvx_vms_seq + 1);
	spin_unlock(&hvx_vms_lock);

	hvx_notify(HVX_EVENT_VM_DESTROYED, vm, NULL, 0);
}

/*
 * The requester may read @vm if it runs as the VM's owner or has
 * CAP_SYS_ADMIN.  Both are the credentials of the socket's opener, as
 * netlink_capable() uses, not of whichever task reads a dump.
 */
static bool hvx_nl_may_read(struct sk_buff *skb, const struct hvx_vm *vm)
{
	const struct socket *sock = NETLINK_CB(skb).sk->sk_socket;

	if (sock && sock->file && uid_eq(sock->file->f_cred->euid, vm->uid))
		return true;
	return netlink_capable(skb, CAP_SYS_ADMIN);
}

static bool hvx_vm_is_dead(const struct hvx_vm *vm)
{
	return !atomic_read(&vm->mm->mm_users);
}

/* The creator's pid as @ns sees it; 0 once it has exited. */
static u32 hvx_vm_pid(const struct hvx_vm *vm, struct pid_namespace *ns)
{
	u32 nr = 0;

	rcu_read_lock();
	if (pid_task(vm->owner, PIDTYPE_TGID))
		nr = pid_nr_ns(vm->owner, ns);
	rcu_read_unlock();
	return nr;
}

/*
 * HVX_A_EXITS: the exit counts of @vcpu, or with @vcpu NULL of all of
 * @vm's vCPUs, summed per reason; reasons never seen are left out.  Each
 * count is read as its vCPU's thread left it a moment ago.
 */
static int hvx_nl_put_exits(struct sk_buff *msg, struct hvx_vm *vm,
			    const struct hvx_vcpu *vcpu)
{
	struct nlattr *all, *one;
	unsigned int reason, i;

	all = nla_nest_start(msg, HVX_A_EXITS);
	if (!all)
		return -EMSGSIZE;
	for (reason = 0; reason < HVX_NR_EXIT_REASONS; reason++) {
		u64 count = 0;

		for (i = 0; i < HVX_MAX_VCPUS; i++) {
			const struct hvx_vcpu *v = vcpu ?: hvx_vm_vcpu(vm, i);

			if (v)
				count += READ_ONCE(v->stats.exits[reason]);
			if (vcpu)
				break;
		}
		if (!count)
			continue;
		one = nla_nest_start(msg, HVX_A_EXIT);
		if (!one || nla_put_u32(msg, HVX_EXIT_A_REASON, reason) ||
		    nla_put_u64_64bit(msg, HVX_EXIT_A_COUNT, count,
				      HVX_EXIT_A_PAD)) {
			nla_nest_cancel(msg, all);
			return -EMSGSIZE;
		}
		nla_nest_end(msg, one);
	}
	nla_nest_end(msg, all);
	return 0;
}

static u32 hvx_vm_state(const struct hvx_vm *vm)
{
	if (hvx_vm_is_dead(vm))
		return HVX_VM_DEAD;
	return READ_ONCE(vm->paused) ? HVX_VM_PAUSED : HVX_VM_RUNNING;
}

/*
 * One VM_GET message for @vm.  The caller keeps @vm alive.  No lock: the
 * page counts change under mmu_lock and the vCPU count under vm->lock,
 * and either may be held by a vCPU that waits on the VMM (kmod/vm.h).
 */
static int hvx_nl_fill_vm(struct sk_buff *msg, struct hvx_vm *vm,
			  u32 portid, u32 seq, int flags,
			  struct netlink_callback *cb)
{
	struct hvx_ept ept;
	void *hdr;

	hvx_mmu_totals(vm, &ept);
	hdr = genlmsg_put(msg, portid, seq, &hvx_genl_family, flags,
			  HVX_CMD_VM_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);

	if (nla_put_u32(msg, HVX_A_VM_ID, vm->id) ||
	    nla_put_u32(msg, HVX_A_VM_PID,
			hvx_vm_pid(vm, task_active_pid_ns(current))) ||
	    nla_put_u32(msg, HVX_A_VM_UID,
			from_kuid_munged(current_user_ns(), vm->uid)) ||
	    nla_put_string(msg, HVX_A_VM_COMM, vm->comm) ||
	    nla_put_u32(msg, HVX_A_VM_STATE, hvx_vm_state(vm)) ||
	    nla_put_u32(msg, HVX_A_VM_NR_SLOTS, READ_ONCE(vm->nr_slots)) ||
	    nla_put_u64_64bit(msg, HVX_A_VM_MEM_SIZE, READ_ONCE(vm->mem_size),
			      HVX_A_PAD) ||
	    nla_put_u64_64bit(msg, HVX_A_VM_EPT_4K, ept.nr_4k, HVX_A_PAD) ||
	    nla_put_u64_64bit(msg, HVX_A_VM_EPT_2M, ept.nr_2m, HVX_A_PAD) ||
	    nla_put_u64_64bit(msg, HVX_A_VM_CREATED, vm->created_ns,
			      HVX_A_PAD) ||
	    nla_put_u32(msg, HVX_A_VM_NR_VCPUS, READ_ONCE(vm->nr_vcpus)) ||
	    nla_put_u32(msg, HVX_A_VM_INTROSPECTED,
			READ_ONCE(vm->introspected)) ||
	    hvx_nl_put_exits(msg, vm, NULL)) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return 0;
}

/* One VCPU_GET message, read without locks as hvx_nl_fill_vm() reads. */
static int hvx_nl_fill_vcpu(struct sk_buff *msg, struct hvx_vcpu *vcpu,
			    u32 portid, u32 seq, int flags)
{
	const struct hvx_vcpu_stats *st = &vcpu->stats;
	int cpu = READ_ONCE(st->last_cpu);
	u64 ns = 0;
	void *hdr;

	hdr = genlmsg_put(msg, portid, seq, &hvx_genl_family, flags,
			  HVX_CMD_VCPU_GET);
	if (!hdr)
		return -EMSGSIZE;

	/* The TSC counts at tsc_khz; 0 only if the kernel has no TSC. */
	if (tsc_khz)
		ns = mul_u64_u32_div(READ_ONCE(st->guest_tsc), USEC_PER_SEC,
				     tsc_khz);

	if (nla_put_u32(msg, HVX_A_VM_ID, vcpu->vm->id) ||
	    nla_put_u32(msg, HVX_A_VCPU_ID, vcpu->id) ||
	    nla_put_u32(msg, HVX_A_VCPU_STATE, READ_ONCE(vcpu->state)) ||
	    (cpu >= 0 && nla_put_u32(msg, HVX_A_VCPU_CPU, cpu)) ||
	    nla_put_u64_64bit(msg, HVX_A_VCPU_GUEST_NS, ns, HVX_A_PAD) ||
	    nla_put_u32(msg, HVX_A_VCPU_LAST_EXIT_REASON,
			READ_ONCE(vcpu->vmx.exit_reason)) ||
	    nla_put_u64_64bit(msg, HVX_A_VCPU_LAST_EXIT_QUAL,
			      READ_ONCE(vcpu->vmx.exit_qual), HVX_A_PAD) ||
	    hvx_nl_put_exits(msg, vcpu->vm, vcpu)) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return 0;
}

/* The VM with @id, with a reference for hvx_vm_put(), or NULL. */
struct hvx_vm *hvx_vm_get(u32 id)
{
	struct hvx_vm *vm, *found = NULL;

	rcu_read_lock();
	list_for_each_entry_rcu(vm, &hvx_vms, node) {
		if (vm->id == id) {
			if (kref_get_unless_zero(&vm->ref))
				found = vm;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

/*
 * The VM a request names in HVX_A_VM_ID, with a reference the caller puts
 * with hvx_vm_put(); or an ERR_PTR, with the extended ack saying why.
 */
static struct hvx_vm *hvx_nl_get_vm(struct sk_buff *skb,
				    struct nlattr **attrs,
				    struct netlink_ext_ack *extack)
{
	struct nlattr *attr = attrs[HVX_A_VM_ID];
	struct hvx_vm *found;

	if (!attr) {
		NL_SET_ERR_MSG(extack, "the VM id (HVX_A_VM_ID) is missing");
		NL_SET_ERR_ATTR_MISS(extack, NULL, HVX_A_VM_ID);
		return ERR_PTR(-EINVAL);
	}
	found = hvx_vm_get(nla_get_u32(attr));
	if (!found) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "no VM has this id");
		return ERR_PTR(-ENOENT);
	}
	if (!hvx_nl_may_read(skb, found)) {
		hvx_vm_put(found);
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "the VM belongs to another user; reading it needs CAP_SYS_ADMIN");
		return ERR_PTR(-EPERM);
	}
	return found;
}

/* For a doit: the VM the request names, and a message for the reply. */
static struct hvx_vm *hvx_nl_get_vm_reply(struct sk_buff *skb,
					  struct genl_info *info,
					  struct sk_buff **msg)
{
	struct hvx_vm *vm = hvx_nl_get_vm(skb, info->attrs, info->extack);

	if (IS_ERR(vm))
		return vm;
	*msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!*msg) {
		hvx_vm_put(vm);
		return ERR_PTR(-ENOMEM);
	}
	return vm;
}

static int hvx_nl_reply(struct genl_info *info, struct sk_buff *msg, int r)
{
	if (r) {
		nlmsg_free(msg);
		return r;
	}
	return genlmsg_reply(msg, info);
}

static int hvx_nl_get_info(struct sk_buff *skb, struct genl_info *info)
{
	cpumask_var_t cpus;
	struct sk_buff *msg;
	char *buf;
	void *hdr;
	int r = -EMSGSIZE;

	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	msg = genlmsg_new(2 * PAGE_SIZE, GFP_KERNEL);
	if (!buf || !msg || !zalloc_cpumask_var(&cpus, GFP_KERNEL)) {
		kfree(buf);
		nlmsg_free(msg);
		return -ENOMEM;
	}

	hdr = genlmsg_put_reply(msg, info, &hvx_genl_family, 0,
				HVX_CMD_GET_INFO);
	if (!hdr)
		goto out;
	if (nla_put_string(msg, HVX_A_MODULE_VERSION, HVX_MODULE_VERSION) ||
	    nla_put_u32(msg, HVX_A_API_VERSION, KVM_API_VERSION) ||
	    nla_put_u32(msg, HVX_A_VM_COUNT, READ_ONCE(hvx_nr_vms)))
		goto out;
	hvx_vmx_format_flags(buf, PAGE_SIZE);
	if (nla_put_string(msg, HVX_A_VMX_FLAGS, buf))
		goto out;
	hvx_vmx_cpus(cpus);
	scnprintf(buf, PAGE_SIZE, "%*pbl", cpumask_pr_args(cpus));
	if (nla_put_string(msg, HVX_A_VMX_CPUS, buf))
		goto out;
	genlmsg_end(msg, hdr);
	r = 0;
out:
	free_cpumask_var(cpus);
	kfree(buf);
	return hvx_nl_reply(info, msg, r);
}

static int hvx_nl_vm_get(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	struct hvx_vm *vm;
	int r;

	vm = hvx_nl_get_vm_reply(skb, info, &msg);
	if (IS_ERR(vm))
		return PTR_ERR(vm);
	r = hvx_nl_fill_vm(msg, vm, info->snd_portid, info->snd_seq, 0, NULL);
	hvx_vm_put(vm);
	return hvx_nl_reply(info, msg, r);
}

/*
 * The first VM after @prev on the list (from the start with @prev NULL)
 * whose id is above @after, with a reference; NULL past the last one.
 * @prev's reference is put, which may be the last: that is why the walk
 * does not stay under rcu_read_lock() (a VM's end sleeps).  @prev is
 * still on the list while its reference is held, so the walk goes on
 * from there.
 */
static struct hvx_vm *hvx_vm_get_next(struct hvx_vm *prev, u32 after)
{
	struct hvx_vm *vm = prev ?: list_entry(&hvx_vms, struct hvx_vm, node);
	struct hvx_vm *found = NULL;

	rcu_read_lock();
	list_for_each_entry_continue_rcu(vm, &hvx_vms, node) {
		if (vm->id > after && kref_get_unless_zero(&vm->ref)) {
			found = vm;
			break;
		}
	}
	rcu_read_unlock();
	if (prev)
		hvx_vm_put(prev);
	return found;
}

/* cb->args[0]: the last VM id sent. */
static int hvx_nl_vm_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct hvx_vm *vm;

	cb->seq = READ_ONCE(hvx_vms_seq);
	for (vm = hvx_vm_get_next(NULL, cb->args[0]); vm;
	     vm = hvx_vm_get_next(vm, 0)) {
		if (!hvx_nl_may_read(cb->skb, vm))
			continue;
		if (hvx_nl_fill_vm(skb, vm, NETLINK_CB(cb->skb).portid,
				   cb->nlh->nlmsg_seq, NLM_F_MULTI, cb)) {
			hvx_vm_put(vm);
			break;
		}
		cb->args[0] = vm->id;
	}
	return skb->len;
}

static int hvx_nl_vcpu_get(struct sk_buff *skb, struct genl_info *info)
{
	struct hvx_vcpu *vcpu = NULL;
	struct sk_buff *msg;
	struct hvx_vm *vm;
	u32 id;
	int r;

	if (!info->attrs[HVX_A_VCPU_ID]) {
		NL_SET_ERR_MSG(info->extack,
			       "the vCPU id (HVX_A_VCPU_ID) is missing");
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, HVX_A_VCPU_ID);
		return -EINVAL;
	}
	vm = hvx_nl_get_vm_reply(skb, info, &msg);
	if (IS_ERR(vm))
		return PTR_ERR(vm);

	id = nla_get_u32(info->attrs[HVX_A_VCPU_ID]);
	if (id < HVX_MAX_VCPUS)
		vcpu = hvx_vm_vcpu(vm, id);
	if (vcpu)
		r = hvx_nl_fill_vcpu(msg, vcpu, info->snd_portid,
				     info->snd_seq, 0);
	hvx_vm_put(vm);
	if (!vcpu) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[HVX_A_VCPU_ID],
				    "the VM has no vCPU with this id");
		r = -ENOENT;
	}
	return hvx_nl_reply(info, msg, r);
}

/* cb->args[0]: the next vCPU id to send. */
static int hvx_nl_vcpu_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr **attrs = hvx_genl_dump_attrs(cb);
	struct hvx_vm *vm;
	unsigned int i;

	vm = hvx_nl_get_vm(cb->skb, attrs, cb->extack);
	if (IS_ERR(vm))
		return PTR_ERR(vm);
	for (i = cb->args[0]; i < HVX_MAX_VCPUS; i++) {
		struct hvx_vcpu *vcpu = hvx_vm_vcpu(vm, i);

		if (vcpu && hvx_nl_fill_vcpu(skb, vcpu,
					     NETLINK_CB(cb->skb).portid,
					     cb->nlh->nlmsg_seq, NLM_F_MULTI))
			break;
	}
	cb->args[0] = i;
	hvx_vm_put(vm);
	return skb->len;
}

static int hvx_nl_vm_pause(struct sk_buff *skb, struct genl_info *info)
{
	bool pause = info->genlhdr->cmd == HVX_CMD_VM_PAUSE;
	struct hvx_vm *vm;
	int r;

	if (!netlink_capable(skb, CAP_SYS_ADMIN)) {
		NL_SET_ERR_MSG(info->extack,
			       "pausing and resuming VMs needs CAP_SYS_ADMIN");
		return -EPERM;
	}
	vm = hvx_nl_get_vm(skb, info->attrs, info->extack);
	if (IS_ERR(vm))
		return PTR_ERR(vm);
	r = hvx_vm_pause(vm, pause);
	hvx_vm_put(vm);
	return r;
}

static const struct nla_policy hvx_vm_policy[HVX_A_MAX + 1] = {
	[HVX_A_VM_ID] = { .type = NLA_U32 },
};

static const struct nla_policy hvx_vcpu_policy[HVX_A_MAX + 1] = {
	[HVX_A_VM_ID] = { .type = NLA_U32 },
	[HVX_A_VCPU_ID] = { .type = NLA_U32 },
};

/*
 * Every command validates strictly (resv_start_op below): an attribute
 * not in its policy, of the wrong size or type, is rejected with an
 * extended ack.  GET_INFO has no policy, so it takes no attributes.
 */
static const struct genl_ops hvx_genl_ops[] = {
	{
		.cmd	= HVX_CMD_GET_INFO,
		.doit	= hvx_nl_get_info,
	},
	{
		.cmd	= HVX_CMD_VM_GET,
		.doit	= hvx_nl_vm_get,
		.dumpit	= hvx_nl_vm_dump,
		.policy	= hvx_vm_policy,
		.maxattr = HVX_A_MAX,
	},
	{
		.cmd	= HVX_CMD_VCPU_GET,
		.doit	= hvx_nl_vcpu_get,
		.dumpit	= hvx_nl_vcpu_dump,
		.policy	= hvx_vcpu_policy,
		.maxattr = HVX_A_MAX,
	},
	{
		.cmd	= HVX_CMD_VM_PAUSE,
		.doit	= hvx_nl_vm_pause,
		.policy	= hvx_vm_policy,
		.maxattr = HVX_A_MAX,
	},
	{
		.cmd	= HVX_CMD_VM_RESUME,
		.doit	= hvx_nl_vm_pause,
		.policy	= hvx_vm_policy,
		.maxattr = HVX_A_MAX,
	},
};

static struct genl_family hvx_genl_family __ro_after_init = {
	.name		= HVX_GENL_NAME,
	.version	= HVX_GENL_VERSION,
	.maxattr	= HVX_A_MAX,
	.module		= THIS_MODULE,
	.ops		= hvx_genl_ops,
	.n_ops		= ARRAY_SIZE(hvx_genl_ops),
	.resv_start_op	= HVX_CMD_GET_INFO,
	/* No genl_mutex: each request looks after itself (see the top). */
	.parallel_ops	= true,
	.mcgrps		= hvx_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(hvx_mcgrps),
};

/**
 * hvx_notify - multicast an event to the events group
 * @event: enum hvx_event
 * @vm: the VM
 * @vcpu: the vCPU, or NULL
 * @reason: %HVX_A_EVENT_REASON for the events that have one
 *
 * Costs nothing when nobody listens.  Process context.
 */
void hvx_notify(u32 event, struct hvx_vm *vm, const struct hvx_vcpu *vcpu,
		u32 reason)
{
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&hvx_genl_family, &init_net, HVX_MCGRP_EVENTS))
		return;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &hvx_genl_family, 0, HVX_CMD_EVENT);
	if (!hdr ||
	    nla_put_u32(msg, HVX_A_EVENT, event) ||
	    nla_put_u32(msg, HVX_A_VM_ID, vm->id) ||
	    (vcpu && nla_put_u32(msg, HVX_A_VCPU_ID, vcpu->id)) ||
	    ((event == HVX_EVENT_FAILED_ENTRY ||
	      event == HVX_EVENT_INTERNAL_ERROR) &&
	     nla_put_u32(msg, HVX_A_EVENT_REASON, reason)) ||
	    (event == HVX_EVENT_VM_CREATED &&
	     (nla_put_u32(msg, HVX_A_VM_PID, hvx_vm_pid(vm, &init_pid_ns)) ||
	      nla_put_string(msg, HVX_A_VM_COMM, vm->comm)))) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&hvx_genl_family, msg, 0, HVX_MCGRP_EVENTS,
			  GFP_KERNEL);
}

int __init hvx_netlink_init(void)
{
	return genl_register_family(&hvx_genl_family);
}

void hvx_netlink_exit(void)
{
	genl_unregister_family(&hvx_genl_family);
}
