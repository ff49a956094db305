/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * hvx's own additions to the KVM ABI.
 *
 * /dev/hvx speaks KVM's ABI, as <linux/kvm.h> defines it, for everything
 * KVM has.  What hvx adds lives here: a capability that tells a client it
 * is talking to hvx and which of hvx's extensions it has, and the generic
 * netlink family "hvx", through which any process on the host (not only a
 * VM's owner) lists, watches, pauses and resumes VMs.
 */
#ifndef _UAPI_HVX_H
#define _UAPI_HVX_H

#include <linux/types.h>

/*
 * hvx's capabilities, asked with KVM_CHECK_EXTENSION.  They are numbered
 * far above KVM's own so the two never meet.
 */
#define HVX_CAP_BASE		0x48560000

/**
 * HVX_CAP_HVX - the device is hvx
 *
 * KVM_CHECK_EXTENSION(HVX_CAP_HVX) returns 1 on /dev/hvx and 0 on KVM.
 */
#define HVX_CAP_HVX		(HVX_CAP_BASE + 0)

/*
 * The generic netlink family.
 *
 * Requests carry the attributes of enum hvx_attr; each command accepts only
 * the attributes listed with it, in the types given, and rejects anything
 * else with an extended ack saying what was wrong.  VMs are named by their
 * id, a number that stays the same for the VM's life and is never reused
 * while the module is loaded.  Nothing here carries a kernel pointer.
 *
 * Who may do what: anyone may ask GET_INFO and read their own VMs and
 * vCPUs (those whose owner has the caller's effective uid); reading other
 * users' VMs, VM_PAUSE, VM_RESUME and joining the events group need
 * CAP_SYS_ADMIN.
 *
 * No request waits for a VM's vCPUs, even one that sleeps in the kernel
 * for as long as its VMM likes (in a page fault on the VMM's memory): the
 * figures are read while the vCPUs run, and each may be a moment old.
 */
#define HVX_GENL_NAME		"hvx"
#define HVX_GENL_VERSION	1
/* The multicast group of enum hvx_event notifications. */
#define HVX_GENL_MCGRP_EVENTS	"events"

/**
 * enum hvx_cmd - the family's commands
 * @HVX_CMD_UNSPEC: unused
 * @HVX_CMD_GET_INFO: the module: %HVX_A_MODULE_VERSION, %HVX_A_API_VERSION,
 *	%HVX_A_VMX_FLAGS, %HVX_A_VMX_CPUS, %HVX_A_VM_COUNT.  No attributes.
 * @HVX_CMD_VM_GET: with %HVX_A_VM_ID, that VM; as a dump, every VM the
 *	caller may see, one message each: %HVX_A_VM_ID, %HVX_A_VM_PID,
 *	%HVX_A_VM_UID, %HVX_A_VM_COMM, %HVX_A_VM_STATE, %HVX_A_VM_NR_VCPUS,
 *	%HVX_A_VM_NR_SLOTS, %HVX_A_VM_MEM_SIZE, %HVX_A_VM_CREATED, and
 *	%HVX_A_EXITS summed over the vCPUs.
 * @HVX_CMD_VCPU_GET: %HVX_A_VM_ID and %HVX_A_VCPU_ID, that vCPU; as a dump
 *	with %HVX_A_VM_ID, each vCPU of the VM: %HVX_A_VM_ID, %HVX_A_VCPU_ID,
 *	%HVX_A_VCPU_STATE, %HVX_A_VCPU_CPU (once it has run),
 *	%HVX_A_VCPU_GUEST_NS, %HVX_A_VCPU_LAST_EXIT_REASON,
 *	%HVX_A_VCPU_LAST_EXIT_QUAL, %HVX_A_EXITS.
 * @HVX_CMD_VM_PAUSE: %HVX_A_VM_ID.  Kicks every vCPU out of the guest and
 *	holds it in the kernel until VM_RESUME; returns once none is in the
 *	guest (a vCPU busy in the kernel stops before it enters again).
 *	The owner's KVM_RUN does not fail because of it, but a signal still
 *	ends the wait with -EINTR, as always.  Pausing a paused VM is no
 *	error.
 * @HVX_CMD_VM_RESUME: %HVX_A_VM_ID.  Lets the vCPUs enter the guest again.
 * @HVX_CMD_EVENT: a notification on %HVX_GENL_MCGRP_EVENTS: %HVX_A_EVENT,
 *	%HVX_A_VM_ID, and where they apply %HVX_A_VCPU_ID,
 *	%HVX_A_EVENT_REASON, %HVX_A_VM_PID and %HVX_A_VM_COMM.
 * @__HVX_CMD_MAX: one past the last command
 */
enum hvx_cmd {
	HVX_CMD_UNSPEC,
	HVX_CMD_GET_INFO,
	HVX_CMD_VM_GET,
	HVX_CMD_VCPU_GET,
	HVX_CMD_VM_PAUSE,
	HVX_CMD_VM_RESUME,
	HVX_CMD_EVENT,
	__HVX_CMD_MAX,
};

#define HVX_CMD_MAX	(__HVX_CMD_MAX - 1)

/**
 * enum hvx_attr - the family's attributes
 * @HVX_A_UNSPEC: unused
 * @HVX_A_PAD: padding for 64-bit attributes
 * @HVX_A_MODULE_VERSION: string, hvx's version
 * @HVX_A_API_VERSION: u32, what KVM_GET_API_VERSION returns
 * @HVX_A_VMX_FLAGS: string, the CPUs' VMX features in the words of
 *	/proc/cpuinfo's "vmx flags"
 * @HVX_A_VMX_CPUS: string, the CPUs in VMX operation now, as a CPU list
 *	("0-3,5"), empty when none
 * @HVX_A_VM_COUNT: u32, VMs that exist now
 * @HVX_A_VM_ID: u32, a VM's id
 * @HVX_A_VM_PID: u32, the process that created the VM, in the reader's
 *	pid namespace (0 when it is not visible there or has exited)
 * @HVX_A_VM_UID: u32, the creator's effective uid
 * @HVX_A_VM_COMM: string, the creator's command name at creation
 * @HVX_A_VM_STATE: u32, enum hvx_vm_state
 * @HVX_A_VM_NR_VCPUS: u32
 * @HVX_A_VM_NR_SLOTS: u32, memory slots in use
 * @HVX_A_VM_MEM_SIZE: u64, bytes of guest memory in those slots
 * @HVX_A_VM_CREATED: u64, creation time in ns since the epoch
 * @HVX_A_EXITS: nest of %HVX_A_EXIT, one per VM exit reason seen
 * @HVX_A_EXIT: nest of enum hvx_exit_attr
 * @HVX_A_VCPU_ID: u32, a vCPU's id within its VM
 * @HVX_A_VCPU_STATE: u32, enum hvx_vcpu_state
 * @HVX_A_VCPU_CPU: u32, the host CPU it last ran the guest on
 * @HVX_A_VCPU_GUEST_NS: u64, time spent in the guest, in ns
 * @HVX_A_VCPU_LAST_EXIT_REASON: u32, the VMX exit reason of the last exit
 *	(bit 31 set for a failed VM entry)
 * @HVX_A_VCPU_LAST_EXIT_QUAL: u64, its exit qualification
 * @HVX_A_EVENT: u32, enum hvx_event
 * @HVX_A_EVENT_REASON: u32, the event's reason: the hardware entry failure
 *	reason for %HVX_EVENT_FAILED_ENTRY, the suberror for
 *	%HVX_EVENT_INTERNAL_ERROR
 * @HVX_A_VM_EPT_4K: u64, guest memory mapped now with 4 KiB EPT leaves,
 *	in 4 KiB pages
 * @HVX_A_VM_EPT_2M: u64, guest memory mapped now with 2 MiB EPT leaves,
 *	in 2 MiB pages (where the host backs guest memory with huge pages)
 * @__HVX_A_MAX: one past the last attribute
 */
enum hvx_attr {
	HVX_A_UNSPEC,
	HVX_A_PAD,
	HVX_A_MODULE_VERSION,
	HVX_A_API_VERSION,
	HVX_A_VMX_FLAGS,
	HVX_A_VMX_CPUS,
	HVX_A_VM_COUNT,
	HVX_A_VM_ID,
	HVX_A_VM_PID,
	HVX_A_VM_UID,
	HVX_A_VM_COMM,
	HVX_A_VM_STATE,
	HVX_A_VM_NR_VCPUS,
	HVX_A_VM_NR_SLOTS,
	HVX_A_VM_MEM_SIZE,
	HVX_A_VM_CREATED,
	HVX_A_EXITS,
	HVX_A_EXIT,
	HVX_A_VCPU_ID,
	HVX_A_VCPU_STATE,
	HVX_A_VCPU_CPU,
	HVX_A_VCPU_GUEST_NS,
	HVX_A_VCPU_LAST_EXIT_REASON,
	HVX_A_VCPU_LAST_EXIT_QUAL,
	HVX_A_EVENT,
	HVX_A_EVENT_REASON,
	HVX_A_VM_EPT_4K,
	HVX_A_VM_EPT_2M,
	__HVX_A_MAX,
};

#define HVX_A_MAX	(__HVX_A_MAX - 1)

/**
 * enum hvx_exit_attr - one VM exit reason's count, in %HVX_A_EXIT
 * @HVX_EXIT_A_UNSPEC: unused
 * @HVX_EXIT_A_PAD: padding
 * @HVX_EXIT_A_REASON: u32, the basic VMX exit reason (SDM appendix C)
 * @HVX_EXIT_A_COUNT: u64, exits for that reason
 * @__HVX_EXIT_A_MAX: one past the last attribute
 */
enum hvx_exit_attr {
	HVX_EXIT_A_UNSPEC,
	HVX_EXIT_A_PAD,
	HVX_EXIT_A_REASON,
	HVX_EXIT_A_COUNT,
	__HVX_EXIT_A_MAX,
};

#define HVX_EXIT_A_MAX	(__HVX_EXIT_A_MAX - 1)

/**
 * enum hvx_vm_state - %HVX_A_VM_STATE
 * @HVX_VM_RUNNING: its vCPUs may run
 * @HVX_VM_PAUSED: held by VM_PAUSE
 * @HVX_VM_DEAD: its creator's address space is gone, so nothing can run
 *	it again; it lasts until the last fd on it is closed
 */
enum hvx_vm_state {
	HVX_VM_RUNNING,
	HVX_VM_PAUSED,
	HVX_VM_DEAD,
};

/**
 * enum hvx_vcpu_state - %HVX_A_VCPU_STATE
 * @HVX_VCPU_IDLE: not in KVM_RUN (before its first run, or while the VMM
 *	handles an exit)
 * @HVX_VCPU_RUNNING: in KVM_RUN: in the guest or about to enter it
 * @HVX_VCPU_PAUSED: in KVM_RUN, held by VM_PAUSE
 * @HVX_VCPU_HALTED: in KVM_RUN, asleep after HLT until an interrupt (with
 *	an in-kernel irqchip)
 */
enum hvx_vcpu_state {
	HVX_VCPU_IDLE,
	HVX_VCPU_RUNNING,
	HVX_VCPU_PAUSED,
	HVX_VCPU_HALTED,
};

/**
 * enum hvx_event - %HVX_A_EVENT
 * @HVX_EVENT_VM_CREATED: with the creator's pid and comm
 * @HVX_EVENT_VM_DESTROYED: the last fd on the VM was closed
 * @HVX_EVENT_VCPU_CREATED: with the vCPU id
 * @HVX_EVENT_FAILED_ENTRY: KVM_EXIT_FAIL_ENTRY, with the vCPU id and the
 *	hardware entry failure reason
 * @HVX_EVENT_SHUTDOWN: the guest triple faulted (KVM_EXIT_SHUTDOWN)
 * @HVX_EVENT_INTERNAL_ERROR: KVM_EXIT_INTERNAL_ERROR, with the suberror
 * @HVX_EVENT_VM_PAUSED: VM_PAUSE took effect
 * @HVX_EVENT_VM_RESUMED: VM_RESUME took effect
 */
enum hvx_event {
	HVX_EVENT_VM_CREATED = 1,
	HVX_EVENT_VM_DESTROYED,
	HVX_EVENT_VCPU_CREATED,
	HVX_EVENT_FAILED_ENTRY,
	HVX_EVENT_SHUTDOWN,
	HVX_EVENT_INTERNAL_ERROR,
	HVX_EVENT_VM_PAUSED,
	HVX_EVENT_VM_RESUMED,
};

#endif /* _UAPI_HVX_H */
