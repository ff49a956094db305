/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * hvx's own additions to the KVM ABI.
 *
 * /dev/hvx speaks KVM's ABI, as <linux/kvm.h> defines it, for everything
 * KVM has.  What hvx adds lives here: a capability that tells a client it
 * is talking to hvx and which of hvx's extensions it has, and the generic
 * netlink family "hvx", through which any process on the host (not only a
 * VM's owner) lists, watches, pauses and resumes VMs; and introspection,
 * through which one process of the host's administrator watches and
 * steers a running guest (HVX_INTROSPECT, at the end).
 */
#ifndef _UAPI_HVX_H
#define _UAPI_HVX_H

#include <linux/const.h>
#include <linux/ioctl.h>
#include <linux/kvm.h>
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

/**
 * HVX_CAP_INTROSPECT - HVX_INTROSPECT works
 *
 * KVM_CHECK_EXTENSION(HVX_CAP_INTROSPECT) returns the channel's
 * %HVX_INTRO_VERSION.
 */
#define HVX_CAP_INTROSPECT	(HVX_CAP_BASE + 1)

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
 *	%HVX_A_VM_NR_SLOTS, %HVX_A_VM_MEM_SIZE, %HVX_A_VM_CREATED,
 *	%HVX_A_VM_INTROSPECTED, and %HVX_A_EXITS summed over the vCPUs.
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
 * @HVX_A_VM_INTROSPECTED: u32, 1 while an introspection channel is
 *	attached to the VM (HVX_INTROSPECT), else 0
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
	HVX_A_VM_INTROSPECTED,
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

/*
 * Introspection: another process watches and steers a running guest.
 *
 * The introspector opens /dev/hvx and asks HVX_INTROSPECT for a VM by its
 * id (the netlink family's HVX_A_VM_ID).  It gets a file descriptor of its
 * own, the channel, on which:
 *
 *  - commands are ioctls (HVX_INTRO_*), each answered when it returns;
 *  - events are read(): one struct hvx_intro_event per read, blocking
 *    unless the fd is O_NONBLOCK, and poll() says when one waits;
 *  - each event stops its vCPU until HVX_INTRO_REPLY answers it.
 *
 * The vocabulary is KVMI's (Bitdefender's KVM introspection): its events,
 * its reply actions and KVM's own register structs, so that tools written
 * for it map onto this.  An fd rather than a socket: a command is one
 * system call with no message to build or parse, and an event costs one
 * read() and one ioctl() on top of the vCPU's own exit.
 *
 * Who may attach: a process with CAP_SYS_ADMIN in the initial user
 * namespace, the host's administrator, who may read any VMM's memory
 * anyway.  The VM's owner is not asked, as a debugger does not ask the
 * process it attaches to; the owner, and anyone who may read the VM over
 * netlink, sees HVX_A_VM_INTROSPECTED while a channel is attached.  One
 * channel per VM at a time: a second HVX_INTROSPECT fails with EBUSY.
 *
 * Closing the channel (the introspector exiting, however it ends) detaches
 * it: every event is switched off, every vCPU that waits for a reply or is
 * paused goes on as if the reply were CONTINUE, and the guest runs on.  A
 * VM with no channel pays nothing but a test of a word per watched exit.
 *
 * A command for every vCPU (%HVX_INTRO_ALL_VCPUS) acts on those the VM
 * has when it runs; a vCPU made later starts with no event switched on.
 *
 * Commands about one vCPU's state (registers, translation, CPUID,
 * injection) need that vCPU stopped: waiting for the reply to an event,
 * the PAUSE event included.  Otherwise they fail with EBUSY; pause the
 * vCPU and read its PAUSE event first.  A vCPU id hvx does not have is
 * ENOENT.  Every command leaves nothing changed when it fails.
 */
#define HVXIO			0xAF

/**
 * struct hvx_introspect - HVX_INTROSPECT's argument
 * @vm_id: the VM, by its netlink id
 * @flags: 0
 */
struct hvx_introspect {
	__u32 vm_id;
	__u32 flags;
};

/*
 * On /dev/hvx: attach to a VM.  Returns the channel's fd (O_CLOEXEC).
 * EPERM without CAP_SYS_ADMIN, ENOENT for no such VM, EBUSY while another
 * channel is attached, EINVAL for flags.
 */
#define HVX_INTROSPECT		_IOW(HVXIO, 0x01, struct hvx_introspect)

/* The version of the channel's ABI, HVX_INTRO_GET_INFO's @version. */
#define HVX_INTRO_VERSION	1

/* A command's @vcpu that means every vCPU of the VM. */
#define HVX_INTRO_ALL_VCPUS	0xffffffffu

/**
 * enum hvx_intro_event_id - the events, as numbers and as bits of
 *	HVX_INTRO_CONTROL_EVENTS's mask (1 << id)
 * @HVX_INTRO_EV_PAUSE: the vCPU stopped for HVX_INTRO_PAUSE.  Always on.
 * @HVX_INTRO_EV_CR: the guest writes a control register the control's
 *	@crs names (MOV to CR0, CR3 or CR4; CLTS and LMSW are writes of
 *	CR0): @cr, before the write
 * @HVX_INTRO_EV_BREAKPOINT: the guest ran INT3: @breakpoint, before the
 *	#BP is delivered
 * @HVX_INTRO_EV_CPUID: the guest ran CPUID: @cpuid, before hvx answers
 * @HVX_INTRO_EV_HYPERCALL: the guest ran VMCALL: the registers carry the
 *	call (KVM's convention: number in RAX), before hvx handles it
 * @HVX_INTRO_EV_XSETBV: the guest writes an extended control register:
 *	@xsetbv, before the write
 * @HVX_INTRO_EV_MSR: the guest writes (WRMSR) an MSR that
 *	HVX_INTRO_CONTROL_MSR watches: @msr, before the write
 * @HVX_INTRO_EV_PF: the guest's access to a page whose rights
 *	HVX_INTRO_SET_PAGE_ACCESS took away: @pf, before the access.  Always
 *	on, as PAUSE: a page's rights are the introspector's to lift.  The
 *	reply is RETRY or CRASH: hvx has no instruction emulator to carry
 *	the access out, so CONTINUE and SKIP are EINVAL.  To let one access
 *	through, give the right back, switch SINGLESTEP on for the vCPU and
 *	reply RETRY; at the step's event, take the right again.
 * @HVX_INTRO_EV_SINGLESTEP: the vCPU ran one more instruction, while the
 *	event is on: after it, with the registers it left.  hvx steps the
 *	guest with RFLAGS.TF, as KVM_SET_GUEST_DEBUG does (the test
 *	machine's CPU has no monitor trap flag), hidden from the registers
 *	the VMM and the introspector read, not from the guest's own PUSHF.
 *	An instruction hvx carries out (CPUID, an MSR, port I/O, ...) is a
 *	step too.  Interrupts and NMIs wait while the vCPU is stepped (as
 *	with KVM_GUESTDBG_BLOCKIRQ); an exception the guest raises enters
 *	its handler without TF, as the CPU clears it, so the handler is not
 *	stepped until its IRET; a guest that clears TF itself (POPF) ends
 *	the steps.  A debugger's steps (KVM_SET_GUEST_DEBUG) come first.
 *	Any reply but CRASH goes on to the next instruction.
 * @HVX_INTRO_EV_DESC: the guest loads or stores a descriptor-table
 *	register (LGDT, LIDT, LLDT, LTR, SGDT, SIDT, SLDT, STR): @desc,
 *	before the instruction.  CONTINUE has the guest carry it out (hvx
 *	steps it over that one instruction with the exit off, so a fault
 *	it raises is the guest's own, as without the event).  Where the CPU
 *	cannot exit for them (VT-x's descriptor-table exiting),
 *	HVX_INTRO_GET_INFO's @events lacks the bit and switching it on is
 *	EOPNOTSUPP.
 * @HVX_INTRO_EV_COUNT: one past the last event
 */
enum hvx_intro_event_id {
	HVX_INTRO_EV_PAUSE,
	HVX_INTRO_EV_CR,
	HVX_INTRO_EV_BREAKPOINT,
	HVX_INTRO_EV_CPUID,
	HVX_INTRO_EV_HYPERCALL,
	HVX_INTRO_EV_XSETBV,
	HVX_INTRO_EV_MSR,
	HVX_INTRO_EV_PF,
	HVX_INTRO_EV_SINGLESTEP,
	HVX_INTRO_EV_DESC,
	HVX_INTRO_EV_COUNT,
};

/* %HVX_INTRO_EV_DESC's @descriptor: the register, numbered as KVMI does. */
#define HVX_INTRO_DESC_IDTR	1
#define HVX_INTRO_DESC_GDTR	2
#define HVX_INTRO_DESC_LDTR	3
#define HVX_INTRO_DESC_TR	4

/**
 * enum hvx_intro_action - what the reply to an event does
 * @HVX_INTRO_CONTINUE: carry on as without the introspector: the
 *	instruction is carried out (with the reply's value, if it gives one);
 *	a breakpoint's #BP goes to the guest, as one that is not the
 *	introspector's must
 * @HVX_INTRO_RETRY: enter the guest again at its RIP, the instruction
 *	not done (after the introspector took its breakpoint out, say)
 * @HVX_INTRO_SKIP: step over the instruction without carrying it out
 * @HVX_INTRO_CRASH: end the guest: KVM_RUN returns KVM_EXIT_SHUTDOWN to
 *	its VMM, as for a triple fault
 *
 * Registers the reply sets (%HVX_INTRO_REPLY_REGS) are set first, so
 * CONTINUE carries the instruction out with them, and SKIP steps over it
 * from their RIP.  The reply to a PAUSE event resumes the vCPU whatever
 * its action, but for CRASH.
 */
enum hvx_intro_action {
	HVX_INTRO_CONTINUE,
	HVX_INTRO_RETRY,
	HVX_INTRO_SKIP,
	HVX_INTRO_CRASH,
};

/**
 * struct hvx_intro_info - HVX_INTRO_GET_INFO
 * @version: %HVX_INTRO_VERSION
 * @vm_id: the VM's id
 * @nr_vcpus: its vCPUs now
 * @max_vcpu_id: one past the highest vCPU id it may have
 * @max_gfn: the highest guest frame number of its memory (address
 *	space 0), 0 with no memory
 * @events: the events this hvx has, as bits (1 << enum hvx_intro_event_id)
 */
struct hvx_intro_info {
	__u32 version;
	__u32 vm_id;
	__u32 nr_vcpus;
	__u32 max_vcpu_id;
	__u64 max_gfn;
	__u64 events;
};

/**
 * struct hvx_intro_vcpu - HVX_INTRO_PAUSE's argument
 * @vcpu: a vCPU id or %HVX_INTRO_ALL_VCPUS
 * @flags: 0
 */
struct hvx_intro_vcpu {
	__u32 vcpu;
	__u32 flags;
};

/**
 * struct hvx_intro_control - HVX_INTRO_CONTROL_EVENTS's argument
 * @vcpu: a vCPU id or %HVX_INTRO_ALL_VCPUS
 * @crs: for %HVX_INTRO_EV_CR, the control registers watched, as bits
 *	(1 << 0, 1 << 3, 1 << 4); others are EINVAL
 * @events: the events switched on, as bits; those not set are switched
 *	off.  The bits of %HVX_INTRO_EV_PAUSE and %HVX_INTRO_EV_PF are
 *	ignored (they are always on); an unknown bit is EINVAL, one this
 *	CPU cannot give (not in HVX_INTRO_GET_INFO's @events) EOPNOTSUPP.
 *	%HVX_INTRO_EV_MSR needs MSRs watched too (HVX_INTRO_CONTROL_MSR).
 */
struct hvx_intro_control {
	__u32 vcpu;
	__u32 crs;
	__u64 events;
};

/**
 * struct hvx_intro_msr - HVX_INTRO_CONTROL_MSR's argument
 * @vcpu: a vCPU id or %HVX_INTRO_ALL_VCPUS
 * @msr: the MSR whose writes %HVX_INTRO_EV_MSR reports: in 0-0x1fff or
 *	0xc0000000-0xc0001fff (EINVAL otherwise), as VT-x's MSR bitmaps
 * @enable: 1 to watch it, 0 to stop
 * @pad: 0
 */
struct hvx_intro_msr {
	__u32 vcpu;
	__u32 msr;
	__u8 enable;
	__u8 pad[7];
};

/* What a guest may do to a page: HVX_INTRO_SET_PAGE_ACCESS, the PF event. */
#define HVX_INTRO_ACCESS_R	_BITUL(0)
#define HVX_INTRO_ACCESS_W	_BITUL(1)
#define HVX_INTRO_ACCESS_X	_BITUL(2)
#define HVX_INTRO_ACCESS_RWX	(HVX_INTRO_ACCESS_R | HVX_INTRO_ACCESS_W | \
				 HVX_INTRO_ACCESS_X)

/* HVX_INTRO_SET_PAGE_ACCESS: at most this many pages at once. */
#define HVX_INTRO_PAGES_MAX	4096

/**
 * struct hvx_intro_page_access - HVX_INTRO_SET_PAGE_ACCESS's argument
 * @gpa: the first page, guest-physical, 4 KiB aligned (EINVAL otherwise),
 *	in address space 0 (SMRAM's is not restricted)
 * @count: pages, 1 to %HVX_INTRO_PAGES_MAX
 * @access: what the guest may still do there, %HVX_INTRO_ACCESS_* bits;
 *	%HVX_INTRO_ACCESS_RWX lifts the restriction.  EPT cannot let a page
 *	be written and not read: W without R is EINVAL; X alone needs
 *	execute-only EPT pages (EOPNOTSUPP on a CPU without them).
 * @pad: 0
 *
 * The rights bind the guest's own accesses, every vCPU's, from when the
 * command returns (each vCPU's cached translations are flushed); an
 * access they forbid is a PF event.  They do not bind hvx's accesses on
 * the guest's behalf (port I/O strings, the memory side of an MMIO
 * string, kvmclock), nor the VMM's or an introspector's.  Pages outside
 * guest memory are MMIO, which has no rights to take.
 */
struct hvx_intro_page_access {
	__u64 gpa;
	__u32 count;
	__u8 access;
	__u8 pad[3];
};

/**
 * struct hvx_intro_mem - HVX_INTRO_READ_MEM and HVX_INTRO_WRITE_MEM
 * @gpa: the guest-physical address, in address space 0
 * @size: bytes, at most 1 MiB
 * @buf: the introspector's buffer
 * @flags: 0, or for a write %HVX_INTRO_MEM_UNDO
 * @pad: 0
 *
 * Guest memory as the guest's own accesses see it, whether or not a vCPU
 * has touched it yet.  EFAULT for @buf, ENOENT where no memory slot maps
 * @gpa (nothing is copied then).  Writes to a read-only slot are dropped,
 * as the guest's own are.
 *
 * %HVX_INTRO_MEM_UNDO: hvx keeps the bytes the write replaces (at most
 * %HVX_INTRO_UNDO_MAX; EINVAL for more) and puts them back when the
 * channel closes, however the introspector ends, wherever the guest
 * still holds what the write put there: a breakpoint's INT3, say, which
 * must not outlive the introspector.  Writes back are in the reverse
 * order; a second such write of the same range keeps the first one's
 * bytes.  At most %HVX_INTRO_UNDOS_MAX ranges per channel (ENOSPC).  A
 * vCPU stopped for a BREAKPOINT event when the channel closes runs its
 * instruction again if the INT3 is gone by then, and takes the #BP
 * otherwise (the INT3 is the guest's own).
 */
struct hvx_intro_mem {
	__u64 gpa;
	__u64 size;
	__u64 buf;
	__u32 flags;
	__u32 pad;
};

/* HVX_INTRO_READ_MEM and HVX_INTRO_WRITE_MEM: at most this many bytes. */
#define HVX_INTRO_MEM_MAX	(1u << 20)

/* struct hvx_intro_mem's @flags: undo the write when the channel closes. */
#define HVX_INTRO_MEM_UNDO	_BITUL(0)
#define HVX_INTRO_UNDO_MAX	16	/* bytes per write */
#define HVX_INTRO_UNDOS_MAX	4096	/* ranges per channel */

/**
 * struct hvx_intro_regs - HVX_INTRO_GET_REGS and HVX_INTRO_SET_REGS
 * @vcpu: the vCPU, stopped
 * @pad: 0
 * @regs: as KVM_GET_REGS and KVM_SET_REGS
 */
struct hvx_intro_regs {
	__u32 vcpu;
	__u32 pad;
	struct kvm_regs regs;
};

/**
 * struct hvx_intro_sregs - HVX_INTRO_GET_SREGS and HVX_INTRO_SET_SREGS
 * @vcpu: the vCPU, stopped
 * @pad: 0
 * @sregs: as KVM_GET_SREGS and KVM_SET_SREGS, with their checks
 */
struct hvx_intro_sregs {
	__u32 vcpu;
	__u32 pad;
	struct kvm_sregs sregs;
};

/* HVX_INTRO_GET_MSRS and HVX_INTRO_SET_MSRS: at most this many at once. */
#define HVX_INTRO_MSRS_MAX	256

/**
 * struct hvx_intro_msrs - HVX_INTRO_GET_MSRS and HVX_INTRO_SET_MSRS
 * @vcpu: the vCPU, stopped
 * @nmsrs: the entries at @entries, at most %HVX_INTRO_MSRS_MAX
 * @entries: the introspector's array of struct kvm_msr_entry
 *
 * As KVM_GET_MSRS and KVM_SET_MSRS, with the VMM's rights: the entries
 * in order until one is refused; the return value is how many were done.
 */
struct hvx_intro_msrs {
	__u32 vcpu;
	__u32 nmsrs;
	__u64 entries;
};

/**
 * struct hvx_intro_translate - HVX_INTRO_TRANSLATE
 * @vcpu: the vCPU, stopped, whose paging translates
 * @valid: out: 1 when @gva is mapped, 0 when not
 * @gva: the guest-linear address
 * @gpa: out: where it is, with @valid
 */
struct hvx_intro_translate {
	__u32 vcpu;
	__u32 valid;
	__u64 gva;
	__u64 gpa;
};

/**
 * struct hvx_intro_cpuid - HVX_INTRO_GET_CPUID
 * @vcpu: the vCPU, stopped
 * @function: in: the leaf (EAX)
 * @index: in: the subleaf (ECX)
 * @eax: out
 * @ebx: out
 * @ecx: out
 * @edx: out
 * @pad: 0
 *
 * What the guest's CPUID gets: its VMM's table (KVM_SET_CPUID2).
 */
struct hvx_intro_cpuid {
	__u32 vcpu;
	__u32 function;
	__u32 index;
	__u32 eax;
	__u32 ebx;
	__u32 ecx;
	__u32 edx;
	__u32 pad;
};

/**
 * struct hvx_intro_exception - HVX_INTRO_INJECT_EXCEPTION
 * @vcpu: the vCPU, stopped
 * @vector: an exception vector, 0-31 but 2 (NMI), 15 and 22-27
 * @has_error: the exception pushes @error_code (EINVAL for a vector
 *	that does not, or the reverse)
 * @pad: 0
 * @error_code: its error code
 * @address: for #PF (14), the faulting address, which goes into CR2
 *
 * The guest takes it on its next entry.  Reply RETRY to the event the
 * vCPU stopped for to have it instead of the instruction there (a fault's
 * handler returns to that instruction, which runs again); CONTINUE or
 * SKIP first carry the instruction out or step over it.  EBUSY while
 * another exception waits.
 */
struct hvx_intro_exception {
	__u32 vcpu;
	__u8 vector;
	__u8 has_error;
	__u16 pad;
	__u32 error_code;
	__u32 pad2;
	__u64 address;
};

/**
 * struct hvx_intro_event - what read() returns
 * @size: sizeof(struct hvx_intro_event), for a reader built with another
 *	version of this header
 * @event: enum hvx_intro_event_id
 * @vcpu: the vCPU, which waits for the reply
 * @seq: the event's number on this channel, which the reply repeats
 * @pad: 0
 * @regs: the vCPU's registers when it stopped
 * @cr0: its CR0
 * @cr3: its CR3
 * @cr4: its CR4
 * @efer: its EFER
 * @cpl: its privilege level (0-3)
 * @mode: the size of its code: 2, 4 or 8 bytes (16-bit, 32-bit or
 *	64-bit)
 * @insn_len: the length of the instruction it stopped on (0 for PAUSE)
 * @pad2: 0
 * @cr: %HVX_INTRO_EV_CR: which register (0, 3 or 4), its value now and
 *	the value the guest writes
 * @breakpoint: %HVX_INTRO_EV_BREAKPOINT: the INT3's guest-linear and
 *	guest-physical address (all ones when unmapped)
 * @cpuid: %HVX_INTRO_EV_CPUID: the leaf and subleaf asked
 * @xsetbv: %HVX_INTRO_EV_XSETBV: the register (0 for XCR0), its value now
 *	and the value the guest writes
 * @msr: %HVX_INTRO_EV_MSR: the MSR, its value now (0 if hvx cannot read
 *	it) and the value the guest writes
 * @pf: %HVX_INTRO_EV_PF: the guest-physical address accessed, the
 *	guest-linear one where the CPU says (@gva_valid), and the access,
 *	%HVX_INTRO_ACCESS_* bits (a write is R and W where the CPU reads
 *	first)
 * @desc: %HVX_INTRO_EV_DESC: the register (%HVX_INTRO_DESC_*), and
 *	whether the instruction loads it (@write 1: LGDT, LIDT, LLDT, LTR)
 *	or stores it (0)
 * @payload: room for later events' payloads
 */
struct hvx_intro_event {
	__u16 size;
	__u16 event;
	__u32 vcpu;
	__u32 seq;
	__u32 pad;
	struct kvm_regs regs;
	__u64 cr0;
	__u64 cr3;
	__u64 cr4;
	__u64 efer;
	__u8 cpl;
	__u8 mode;
	__u8 insn_len;
	__u8 pad2[5];
	union {
		struct {
			__u32 cr;
			__u32 pad;
			__u64 old_value;
			__u64 new_value;
		} cr;
		struct {
			__u64 gva;
			__u64 gpa;
		} breakpoint;
		struct {
			__u32 function;
			__u32 index;
		} cpuid;
		struct {
			__u32 xcr;
			__u32 pad;
			__u64 old_value;
			__u64 new_value;
		} xsetbv;
		struct {
			__u32 msr;
			__u32 pad;
			__u64 old_value;
			__u64 new_value;
		} msr;
		struct {
			__u64 gpa;
			__u64 gva;
			__u8 access;
			__u8 gva_valid;
			__u8 pad[6];
		} pf;
		struct {
			__u8 descriptor;
			__u8 write;
			__u8 pad[6];
		} desc;
		__u64 payload[8];
	};
};

/* struct hvx_intro_reply's @flags. */
#define HVX_INTRO_REPLY_REGS	_BITUL(0)	/* set @regs first */
#define HVX_INTRO_REPLY_VALUE	_BITUL(1)	/* CR, XSETBV, MSR: @value */

/**
 * struct hvx_intro_reply - HVX_INTRO_REPLY's argument
 * @vcpu: the event's vCPU
 * @seq: the event's @seq
 * @action: enum hvx_intro_action
 * @flags: %HVX_INTRO_REPLY_REGS, %HVX_INTRO_REPLY_VALUE
 * @value: with %HVX_INTRO_REPLY_VALUE and %HVX_INTRO_CONTINUE, what a CR,
 *	XSETBV or MSR event's instruction writes instead of the guest's value
 *	(with the checks the guest's own value would get: #GP if refused)
 * @regs: with %HVX_INTRO_REPLY_REGS, the vCPU's registers
 *
 * ENOENT when the vCPU waits for no event with that @seq (it was
 * answered, or its thread took a signal: the vCPU then runs the
 * instruction again when its VMM lets it, and the event comes again).
 * EINVAL for an unknown action or flag, or a value for another event.
 */
struct hvx_intro_reply {
	__u32 vcpu;
	__u32 seq;
	__u32 action;
	__u32 flags;
	__u64 value;
	struct kvm_regs regs;
};

/* On the channel. */
#define HVX_INTRO_GET_INFO	_IOR(HVXIO, 0x10, struct hvx_intro_info)
/*
 * Stop the vCPU (or each): it sends a PAUSE event when it next comes out
 * of the guest, or when its VMM next runs it, and waits for the reply.
 * A vCPU already asked to pause, or stopped, is asked no more.
 */
#define HVX_INTRO_PAUSE		_IOW(HVXIO, 0x11, struct hvx_intro_vcpu)
#define HVX_INTRO_CONTROL_EVENTS _IOW(HVXIO, 0x12, struct hvx_intro_control)
#define HVX_INTRO_READ_MEM	_IOW(HVXIO, 0x13, struct hvx_intro_mem)
#define HVX_INTRO_WRITE_MEM	_IOW(HVXIO, 0x14, struct hvx_intro_mem)
#define HVX_INTRO_GET_REGS	_IOWR(HVXIO, 0x15, struct hvx_intro_regs)
#define HVX_INTRO_SET_REGS	_IOW(HVXIO, 0x16, struct hvx_intro_regs)
#define HVX_INTRO_GET_SREGS	_IOWR(HVXIO, 0x17, struct hvx_intro_sregs)
#define HVX_INTRO_SET_SREGS	_IOW(HVXIO, 0x18, struct hvx_intro_sregs)
#define HVX_INTRO_TRANSLATE	_IOWR(HVXIO, 0x19, struct hvx_intro_translate)
#define HVX_INTRO_GET_CPUID	_IOWR(HVXIO, 0x1a, struct hvx_intro_cpuid)
#define HVX_INTRO_INJECT_EXCEPTION _IOW(HVXIO, 0x1b, struct hvx_intro_exception)
#define HVX_INTRO_REPLY		_IOW(HVXIO, 0x1c, struct hvx_intro_reply)
#define HVX_INTRO_CONTROL_MSR	_IOW(HVXIO, 0x1d, struct hvx_intro_msr)
#define HVX_INTRO_SET_PAGE_ACCESS _IOW(HVXIO, 0x1e, struct hvx_intro_page_access)
#define HVX_INTRO_GET_MSRS	_IOW(HVXIO, 0x1f, struct hvx_intro_msrs)
#define HVX_INTRO_SET_MSRS	_IOW(HVXIO, 0x20, struct hvx_intro_msrs)

#endif /* _UAPI_HVX_H */
