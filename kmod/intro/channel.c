// SPDX-License-Identifier: GPL-2.0
/*
 * The introspection channel: attaching to a VM (HVX_INTROSPECT), the
 * events a vCPU stops for and their replies, and detaching when the fd
 * is closed.  The commands are in commands.c, the events' hooks in
 * events.c; the model is in intro.h and uapi/hvx.h.
 */
#include <linux/anon_inodes.h>
#include <linux/bitmap.h>
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "../vm.h"
#include "../x86/guest.h"
#include "intro.h"

void hvx_vcpu_intro_init(struct hvx_vcpu *vcpu)
{
	INIT_LIST_HEAD(&vcpu->intro.node);
	init_waitqueue_head(&vcpu->intro.wq);
}

void hvx_vcpu_intro_free(struct hvx_vcpu *vcpu)
{
	bitmap_free(vcpu->intro.msrs);
}

/* What every event tells of its vCPU, which is loaded. */
static void hvx_intro_fill(struct hvx_vcpu *vcpu, struct hvx_intro_event *ev)
{
	ev->size = sizeof(*ev);
	ev->vcpu = vcpu->id;
	hvx_vmx_get_regs(vcpu, &ev->regs);
	ev->cr0 = hvx_guest_cr0(vcpu);
	ev->cr3 = hvx_guest_cr3(vcpu);
	ev->cr4 = hvx_guest_cr4(vcpu);
	ev->efer = vcpu->efer;
	ev->cpl = hvx_cpl(vcpu);
	ev->mode = hvx_code_size(vcpu) / 8;
}

/*
 * A BREAKPOINT event whose INT3 is no longer there when no introspector
 * answers it (the introspector's own, taken out by it before it went, or
 * by hvx_intro_undo_all()): the vCPU runs the instruction now there
 * rather than take a #BP the guest never set.
 */
static bool hvx_intro_orphan_bp(struct hvx_vm *vm,
				const struct hvx_intro_event *ev)
{
	u8 byte;

	return ev->event == HVX_INTRO_EV_BREAKPOINT &&
	       ev->breakpoint.gpa != ~0ULL &&
	       !hvx_read_guest(vm, 0, ev->breakpoint.gpa, &byte, 1) &&
	       byte != 0xcc;
}

/**
 * hvx_intro_event - send an event and stop the vCPU until its reply
 * @vcpu: the vCPU, loaded (and loaded again on return)
 * @ev: the event's id and payload; the rest is filled in here
 *
 * The vCPU is put while it waits, so the introspector's commands can
 * work on it.  Registers the reply gives are set before this returns.
 *
 * Return: the reply's enum hvx_intro_action; %HVX_INTRO_CONTINUE at once
 * when nobody wants the event (any more), or %HVX_INTRO_RETRY for an
 * INT3 gone meanwhile (hvx_intro_orphan_bp()); -EINTR when the thread took a
 * signal first: the event is withdrawn, and whatever raised it must leave
 * the guest where it was, so that it comes again.
 */
int hvx_intro_event(struct hvx_vcpu *vcpu, struct hvx_intro_event *ev)
{
	struct hvx_vcpu_intro *vi = &vcpu->intro;
	struct hvx_vm *vm = vcpu->vm;
	struct kvm_regs *regs = NULL;
	struct hvx_intro *intro;
	int action;

	hvx_intro_fill(vcpu, ev);
	hvx_vcpu_put(vcpu);

	mutex_lock(&vm->intro_lock);
	vi->reply.flags = 0;
	intro = vm->intro;
	/* PAUSE and PF are always on; the others as switched. */
	if (!intro || (ev->event != HVX_INTRO_EV_PAUSE &&
		       ev->event != HVX_INTRO_EV_PF &&
		       !(vi->events & BIT(ev->event)))) {
		mutex_unlock(&vm->intro_lock);
		action = hvx_intro_orphan_bp(vm, ev) ? HVX_INTRO_RETRY :
						       HVX_INTRO_CONTINUE;
		hvx_vcpu_load(vcpu);
		return action;
	}
	ev->seq = ++intro->seq;
	vi->ev = *ev;
	vi->state = HVX_INTRO_WAITS;
	vi->queued = true;
	list_add_tail(&vi->node, &intro->queue);
	wake_up_interruptible(&intro->readers);
	mutex_unlock(&vm->intro_lock);

	wait_event_interruptible(vi->wq,
				 READ_ONCE(vi->state) == HVX_INTRO_REPLIED);

	mutex_lock(&vm->intro_lock);
	if (vi->state == HVX_INTRO_REPLIED) {
		action = vi->reply.action;
		if (vi->reply.flags & HVX_INTRO_REPLY_REGS)
			regs = &vi->reply.regs;
	} else {
		if (vi->queued)
			list_del_init(&vi->node);
		vi->queued = false;
		vi->reply.flags = 0;
		action = -EINTR;
	}
	vi->state = HVX_INTRO_RUNS;
	mutex_unlock(&vm->intro_lock);

	/* No reply can come now: the reply is the vCPU's to read. */
	if (regs)
		hvx_vmx_set_regs(vcpu, regs);
	hvx_vcpu_load(vcpu);
	return action;
}

/* A CRASH reply: the guest ends as with a triple fault.  Return: 0. */
static int hvx_intro_crash(struct hvx_vcpu *vcpu)
{
	vcpu->run->exit_reason = KVM_EXIT_SHUTDOWN;
	return 0;
}

/*
 * An event after which the vCPU goes on whatever the reply, but CRASH
 * (or a signal): what the exit handler returns, 1 or 0.
 */
int hvx_intro_event_go_on(struct hvx_vcpu *vcpu, struct hvx_intro_event *ev)
{
	if (hvx_intro_event(vcpu, ev) == HVX_INTRO_CRASH)
		return hvx_intro_crash(vcpu);
	return 1;
}

/**
 * hvx_intro_insn_event - an event raised by an instruction the guest ran
 * @vcpu: the vCPU, loaded, in the exit for the instruction
 * @ev: the event
 *
 * Return: %HVX_INTRO_GO to carry the instruction out, or what the exit
 * handler returns: 1 to enter again (RETRY, SKIP, or a signal, which
 * leaves the guest before the instruction), 0 with KVM_EXIT_SHUTDOWN for
 * CRASH.
 */
int hvx_intro_insn_event(struct hvx_vcpu *vcpu, struct hvx_intro_event *ev)
{
	ev->insn_len = hvx_exit_insn_len(vcpu);
	switch (hvx_intro_event(vcpu, ev)) {
	case HVX_INTRO_CONTINUE:
		return HVX_INTRO_GO;
	case HVX_INTRO_SKIP:
		hvx_skip_instruction(vcpu);
		return 1;
	case HVX_INTRO_CRASH:
		return hvx_intro_crash(vcpu);
	default:	/* RETRY, or -EINTR */
		return 1;
	}
}

/* The value a CONTINUE reply gave for a CR or XSETBV event's write. */
bool hvx_intro_value(struct hvx_vcpu *vcpu, u64 *value)
{
	if (!(vcpu->intro.reply.flags & HVX_INTRO_REPLY_VALUE))
		return false;
	*value = vcpu->intro.reply.value;
	return true;
}

/**
 * hvx_intro_pause - the vCPU stops for HVX_INTRO_PAUSE
 * @vcpu: the vCPU, loaded, in the run loop before an entry
 *
 * Return: 1 to go round the run loop (resumed, or for a signal, after
 * which the pause waits for the next KVM_RUN), 0 for a CRASH reply.
 */
int hvx_intro_pause(struct hvx_vcpu *vcpu)
{
	struct hvx_intro_event ev = { .event = HVX_INTRO_EV_PAUSE };
	int action = hvx_intro_event(vcpu, &ev);

	if (action == -EINTR)
		return 1;
	WRITE_ONCE(vcpu->intro.pause, false);
	if (action == HVX_INTRO_CRASH)
		return hvx_intro_crash(vcpu);
	return 1;
}

/* HVX_INTRO_REPLY: wake the vCPU that waits for it. */
static long hvx_intro_reply(struct hvx_intro *intro, void __user *argp)
{
	struct hvx_vm *vm = intro->vm;
	struct hvx_intro_reply reply;
	struct hvx_vcpu_intro *vi;
	struct hvx_vcpu *vcpu;
	u32 event;
	long r = 0;

	if (copy_from_user(&reply, argp, sizeof(reply)))
		return -EFAULT;
	if (reply.action > HVX_INTRO_CRASH ||
	    reply.flags & ~(HVX_INTRO_REPLY_REGS | HVX_INTRO_REPLY_VALUE))
		return -EINVAL;
	vcpu = reply.vcpu < HVX_MAX_VCPUS ? hvx_vm_vcpu(vm, reply.vcpu) : NULL;
	if (!vcpu)
		return -ENOENT;
	vi = &vcpu->intro;

	mutex_lock(&vm->intro_lock);
	event = vi->ev.event;
	if (vi->state != HVX_INTRO_WAITS || vi->ev.seq != reply.seq) {
		r = -ENOENT;
	} else if ((reply.flags & HVX_INTRO_REPLY_VALUE) &&
		   event != HVX_INTRO_EV_CR && event != HVX_INTRO_EV_XSETBV &&
		   event != HVX_INTRO_EV_MSR) {
		r = -EINVAL;
	} else if (event == HVX_INTRO_EV_PF &&
		   reply.action != HVX_INTRO_RETRY &&
		   reply.action != HVX_INTRO_CRASH) {
		r = -EINVAL;	/* no emulator to carry it out or step over */
	} else {
		if (vi->queued)
			list_del_init(&vi->node);
		vi->queued = false;
		vi->reply = reply;
		WRITE_ONCE(vi->state, HVX_INTRO_REPLIED);
		wake_up(&vi->wq);
	}
	mutex_unlock(&vm->intro_lock);
	return r;
}

/* read(): the oldest event not yet read, whole. */
static ssize_t hvx_intro_read(struct file *filp, char __user *buf,
			      size_t len, loff_t *off)
{
	struct hvx_intro *intro = filp->private_data;
	struct hvx_vm *vm = intro->vm;
	struct hvx_vcpu_intro *vi;
	struct hvx_intro_event ev;
	int r;

	if (len < sizeof(ev))
		return -EINVAL;
	for (;;) {
		mutex_lock(&vm->intro_lock);
		vi = list_first_entry_or_null(&intro->queue,
					      struct hvx_vcpu_intro, node);
		if (vi) {
			list_del_init(&vi->node);
			vi->queued = false;
			ev = vi->ev;
		}
		mutex_unlock(&vm->intro_lock);
		if (vi)
			break;
		if (filp->f_flags & O_NONBLOCK)
			return -EAGAIN;
		r = wait_event_interruptible(intro->readers,
					     !list_empty_careful(&intro->queue));
		if (r)
			return r;
	}
	/* Lost to a bad buffer, the event still waits for its reply. */
	if (copy_to_user(buf, &ev, sizeof(ev)))
		return -EFAULT;
	return sizeof(ev);
}

static __poll_t hvx_intro_poll(struct file *filp, poll_table *wait)
{
	struct hvx_intro *intro = filp->private_data;

	poll_wait(filp, &intro->readers, wait);
	return list_empty_careful(&intro->queue) ? 0 : EPOLLIN | EPOLLRDNORM;
}

static long hvx_intro_ioctl(struct file *filp, unsigned int ioctl,
			    unsigned long arg)
{
	struct hvx_intro *intro = filp->private_data;
	void __user *argp = (void __user *)arg;

	if (ioctl == HVX_INTRO_REPLY)
		return hvx_intro_reply(intro, argp);
	return hvx_intro_command(intro, ioctl, argp);
}

/*
 * The introspector is gone: everything it set is lifted, and every vCPU
 * it held goes on as if told to CONTINUE.
 */
static int hvx_intro_release(struct inode *inode, struct file *filp)
{
	struct hvx_intro *intro = filp->private_data;
	struct hvx_vm *vm = intro->vm;
	struct hvx_vcpu *vcpu;
	unsigned int i;

	/* First its breakpoints go, so a vCPU stopped at one runs on. */
	hvx_intro_undo_all(intro);
	mutex_lock(&vm->intro_lock);
	vm->intro = NULL;
	WRITE_ONCE(vm->introspected, 0);
	for (i = 0; i < HVX_MAX_VCPUS; i++) {
		struct hvx_vcpu_intro *vi;

		vcpu = hvx_vm_vcpu(vm, i);
		if (!vcpu)
			continue;
		vi = &vcpu->intro;
		WRITE_ONCE(vi->events, 0);
		WRITE_ONCE(vi->crs, 0);
		if (vi->msrs)
			bitmap_zero(vi->msrs, HVX_INTRO_NR_MSR_BITS);
		WRITE_ONCE(vi->pause, false);
		if (vi->queued)
			list_del_init(&vi->node);
		vi->queued = false;
		if (vi->state == HVX_INTRO_WAITS) {
			memset(&vi->reply, 0, sizeof(vi->reply));
			vi->reply.action = hvx_intro_orphan_bp(vm, &vi->ev) ?
					   HVX_INTRO_RETRY : HVX_INTRO_CONTINUE;
			WRITE_ONCE(vi->state, HVX_INTRO_REPLIED);
			wake_up(&vi->wq);
		}
	}
	mutex_unlock(&vm->intro_lock);
	/* Each vCPU drops the exits the events needed (hvx_intro_request()). */
	hvx_vm_request_all(vm, HVX_REQ_INTRO);
	hvx_access_clear(vm);
	kfree(intro);
	hvx_vm_put(vm);
	return 0;
}

static const struct file_operations hvx_intro_fops = {
	.owner		= THIS_MODULE,
	.read		= hvx_intro_read,
	.poll		= hvx_intro_poll,
	.unlocked_ioctl	= hvx_intro_ioctl,
	.release	= hvx_intro_release,
	.llseek		= noop_llseek,
};

/**
 * hvx_introspect - HVX_INTROSPECT on /dev/hvx
 * @argp: the struct hvx_introspect
 *
 * Return: the channel's fd, or a negative errno (see uapi/hvx.h).
 */
int hvx_introspect(void __user *argp)
{
	struct hvx_introspect req;
	struct hvx_intro *intro;
	struct hvx_vm *vm;
	struct file *file;
	int fd, r;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.flags)
		return -EINVAL;
	vm = hvx_vm_get(req.vm_id);
	if (!vm)
		return -ENOENT;

	r = -ENOMEM;
	intro = kzalloc(sizeof(*intro), GFP_KERNEL_ACCOUNT);
	if (!intro)
		goto put_vm;
	intro->vm = vm;
	INIT_LIST_HEAD(&intro->queue);
	init_waitqueue_head(&intro->readers);
	INIT_LIST_HEAD(&intro->undo);

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		r = fd;
		goto free;
	}
	mutex_lock(&vm->intro_lock);
	r = -EBUSY;
	if (vm->intro)
		goto unlock;
	file = anon_inode_getfile("hvx-introspect", &hvx_intro_fops, intro,
				  O_RDWR);
	r = PTR_ERR(file);
	if (IS_ERR(file))
		goto unlock;
	vm->intro = intro;
	WRITE_ONCE(vm->introspected, 1);
	mutex_unlock(&vm->intro_lock);
	fd_install(fd, file);
	return fd;

unlock:
	mutex_unlock(&vm->intro_lock);
	put_unused_fd(fd);
free:
	kfree(intro);
put_vm:
	hvx_vm_put(vm);
	return r;
}
