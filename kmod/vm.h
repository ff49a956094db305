/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMs and vCPUs: the objects behind the VM and vCPU fds.
 *
 * A VM owns its memory slots, its EPT and its vCPUs.  It is reference
 * counted: the VM fd holds one reference and every vCPU fd another, so a
 * VM lives until the last of its fds is closed.  vCPUs are freed with the
 * VM, as in KVM.
 *
 * Locking, outermost first:
 *   vcpu->mutex	one ioctl at a time on a vCPU (KVM_RUN holds it)
 *   vm->lock		vCPU creation: the writers of vcpus[] and nr_vcpus
 *   vm->intro_lock	the introspection channel and the vCPUs' state for
 *			it (kmod/intro/intro.h); its commands work on a
 *			stopped vCPU under it
 *   vm->mmu_lock	the memory slots and the EPT
 *   mmap_lock		taken inside mmu_lock when pinning guest memory and when
 *			copying to or from it (a page fault)
 *
 * and apart from those, never held with another lock of hvx's nor while
 * waiting for anything a VM's owner controls:
 *   hvx_vms_lock	(kmod/netlink.c) the writers of the list of VMs
 *   vm->pause_lock	one VM_PAUSE or VM_RESUME at a time
 *
 * The netlink family takes none of the first three.  A vCPU holds them
 * while it sleeps on the VMM's memory: KVM_RUN pins guest pages and reads
 * and writes guest memory, and a page fault there may wait as long as the
 * VMM likes (a userfaultfd that never answers).  A request that took them
 * would wait as long, and anyone may send requests.  So netlink finds VMs
 * under RCU, keeps one alive with a reference, and reads its figures
 * without locks, as KVM reads its vCPUs' statistics: each is a word that
 * one writer at a time changes, read whole with READ_ONCE(), perhaps a
 * moment old; a vCPU is published with smp_store_release().
 */
#ifndef HVX_VM_H
#define HVX_VM_H

#include <linux/kref.h>
#include <linux/kvm.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/rcuwait.h>
#include <linux/sched.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/wait.h>
#include <linux/xarray.h>

#include "ept/ept.h"
#include "ept/memslot.h"
#include "intro/intro.h"
#include "irq/irqchip.h"
#include "irq/pitdev.h"
#include "vmx/vcpu.h"
#include "x86/events.h"
#include "x86/kvmclock.h"
#include "x86/mce.h"
#include "x86/mtrr.h"
#include "x86/regs.h"
#include "x86/smm.h"
#include "x86/tsc.h"
#include "../uapi/hvx.h"

struct dentry;
struct hvx_msr_filter;
struct pid;

/* VM exit reasons counted one by one; the basic reasons end below 80. */
#define HVX_NR_EXIT_REASONS	80

/* KVM_CAP_MAX_VCPUS and KVM_CAP_MAX_VCPU_ID: ids 0 to 63. */
#define HVX_MAX_VCPUS		64

/* The vCPU mmap: struct kvm_run, then the data page of port I/O. */
#define HVX_VCPU_MMAP_PAGES	2
#define HVX_PIO_PAGE_OFFSET	1

/* The largest CPUID table userspace may set (as KVM's). */
#define HVX_MAX_CPUID_ENTRIES	256

struct hvx_vm {
	struct kref ref;
	/* Freed after a grace period: netlink walks hvx_vms under RCU. */
	struct rcu_head rcu;
	/* The process that created the VM; its fds work only there. */
	struct mm_struct *mm;

	/*
	 * Serialises the writers of vcpus[] and nr_vcpus.  A vCPU is
	 * published complete and stays until the VM goes: readers use
	 * hvx_vm_vcpu() and READ_ONCE() without the lock.
	 */
	struct mutex lock;
	struct hvx_vcpu *vcpus[HVX_MAX_VCPUS];
	unsigned int nr_vcpus;
	/*
	 * KVM_CAP_MAX_VCPU_ID: vCPU ids are below it; 0 until the VMM sets
	 * it or the first vCPU fixes it at HVX_MAX_VCPUS.
	 */
	unsigned int max_vcpu_ids;
	/* KVM_SET_BOOT_CPU_ID: the bootstrap processor's vCPU id (0). */
	unsigned int boot_cpu_id;
	/* KVM_CAP_MSR_PLATFORM_INFO off: the guest's RDMSR of it faults. */
	bool platform_info_hidden;
	/* KVM_CAP_DISABLE_QUIRKS2: KVM_X86_QUIRK_* bits; see hvx_quirk(). */
	u64 disabled_quirks;

	/*
	 * Guards slots and ept.  The vCPUs' fault paths hold it across page
	 * faults on the VMM's memory, which is why netlink never takes it.
	 *
	 * Two address spaces, as KVM's (KVM_CAP_MULTI_ADDRESS_SPACE): the
	 * high 16 bits of a slot's id say which.  A vCPU sees the first
	 * normally and the second in SMM (kmod/x86/smm.c), where the VMM
	 * maps SMRAM over what the rest of the machine sees.  Each has its
	 * own slots and its own EPT, which the vCPU's EPTP names.
	 */
	struct mutex mmu_lock;
	struct hvx_memslots slots[HVX_NR_ADDRESS_SPACES];
	/* An introspector's rights on pages of the first (ept/access.c). */
	struct xarray access;
	struct hvx_ept ept[HVX_NR_ADDRESS_SPACES];
	u64 eptp[HVX_NR_ADDRESS_SPACES];
	/* Mapped at the APIC's address (hvx_mmu_apic_access_page()), or NULL. */
	struct page *apic_access_page;
	/*
	 * What the slots add up to, for netlink, which must not wait for
	 * mmu_lock: written under it after every change of a slot.
	 */
	unsigned int nr_slots;
	u64 mem_size;

	/* /sys/kernel/debug/hvx/<pid>-<fd>/ */
	struct dentry *debugfs;

	/* What the netlink family shows (kmod/netlink.c). */
	u32 id;			/* never reused while hvx is loaded */
	struct list_head node;	/* on hvx_vms (RCU; hvx_vms_lock to change) */
	struct pid *owner;	/* the creator's thread group */
	kuid_t uid;		/* the creator's effective uid */
	char comm[TASK_COMM_LEN];
	u64 created_ns;		/* CLOCK_REALTIME */

	/*
	 * VM_PAUSE: while set, no vCPU enters the guest; each waits on
	 * pause_wq in KVM_RUN (see hvx_vm_pause()).
	 */
	bool paused;
	wait_queue_head_t pause_wq;
	struct mutex pause_lock;	/* VM_PAUSE and VM_RESUME; no vCPU takes it */

	/* KVM_CREATE_IRQCHIP's devices (kmod/irq/irqchip.c), or NULL. */
	struct hvx_irqchip *irqchip;
	/* KVM_CREATE_PIT2's (kmod/irq/pitdev.c), or NULL. */
	struct hvx_pitdev *pit;
	/* The clock its vCPUs' TSCs count (kmod/x86/tsc.c). */
	struct hvx_vm_tsc tsc;
	/* Its paravirtual clock (kmod/x86/kvmclock.c). */
	struct hvx_vm_kvmclock kvmclock;
	/*
	 * kmod/x86/msr_filter.c: KVM_X86_SET_MSR_FILTER's filter (RCU;
	 * written under lock), and the KVM_MSR_EXIT_REASON_* bits of
	 * KVM_CAP_X86_USER_SPACE_MSR.
	 */
	struct hvx_msr_filter __rcu *msr_filter;
	u32 user_space_msrs;

	/*
	 * kmod/eventfd.c: the irqfds (the lock is taken in their eventfds'
	 * wake-ups) and the ioeventfds (read under RCU by the vCPUs).
	 */
	spinlock_t irqfds_lock;
	struct list_head irqfds;
	struct mutex ioeventfds_lock;	/* their writers */
	struct list_head ioeventfds;

	/*
	 * kmod/intro/: the introspection channel attached, or NULL; the
	 * lock guards it and the vCPUs' intro state (intro/intro.h).
	 * introspected mirrors it for netlink, which takes no lock.
	 */
	struct mutex intro_lock;
	struct hvx_intro *intro;
	u32 introspected;
};

/* The VM's irqchip, or NULL.  Pairs with hvx_irqchip_create()'s release. */
static inline struct hvx_irqchip *hvx_irqchip(struct hvx_vm *vm)
{
	/* A chip seen is seen initialised (hvx_irqchip_create()). */
	return smp_load_acquire(&vm->irqchip);
}

/*
 * The quirks of KVM's that hvx has, and a VMM may turn off
 * (KVM_CAP_DISABLE_QUIRKS2); each is on until it does:
 * MISC_ENABLE_NO_MWAIT: IA32_MISC_ENABLE's MWAIT bit leaves CPUID alone;
 *	off, CPUID.1:ECX.MWAIT follows it (kmod/x86/cpuid.c, msr.c).
 * FIX_HYPERCALL_INSN: AMD's VMMCALL is rewritten into VMCALL and run
 *	again; off, it is the #UD it is on Intel (kmod/x86/x86.c).
 * MWAIT_NEVER_UD_FAULTS: MONITOR and MWAIT are no-ops; off, they are #UD
 *	unless CPUID offers MWAIT (kmod/x86/x86.c).
 * KVM's others are not offered: LINT0_REENABLED, CD_NW_CLEARED,
 * LAPIC_MMIO_HOLE and OUT_7E_INC_RIP; hvx has no way to turn them off.
 */
#define HVX_QUIRKS	(KVM_X86_QUIRK_MISC_ENABLE_NO_MWAIT |	\
			 KVM_X86_QUIRK_FIX_HYPERCALL_INSN |	\
			 KVM_X86_QUIRK_MWAIT_NEVER_UD_FAULTS)

/* Is KVM_X86_QUIRK_* @quirk in force in @vm? */
static inline bool hvx_quirk(struct hvx_vm *vm, u64 quirk)
{
	return !(READ_ONCE(vm->disabled_quirks) & quirk);
}

/* vm->vcpus[@id] without vm->lock.  The caller keeps the VM alive. */
static inline struct hvx_vcpu *hvx_vm_vcpu(struct hvx_vm *vm, unsigned int id)
{
	/*
	 * Pairs with the release in hvx_vm_create_vcpu(): a vCPU seen is
	 * seen initialised.
	 */
	return smp_load_acquire(&vm->vcpus[id]);
}

/* Port I/O that went to userspace and may need finishing on return. */
struct hvx_pio {
	bool pending;
	bool in;
	bool string;
	bool rep;
	u8 size;
	u8 addr_size;		/* string: 2, 4 or 8 bytes */
	u8 seg;			/* string: the segment (VMX encoding) */
	u16 port;
	u32 count;		/* elements transferred by this exit */
	unsigned long rip;	/* of the instruction, to notice a new RIP */
};

/*
 * An MMIO load that went to userspace: where its data goes on return (a
 * register, or for MOVS the destination in guest memory at ES:rDI).
 */
struct hvx_mmio {
	bool pending;
	bool string;		/* MOVS: an element into guest memory */
	bool sign_extend;
	bool high_byte;		/* AH, CH, DH or BH */
	bool rep;
	u8 reg;
	u8 size;		/* bytes read */
	u8 reg_size;		/* bytes of the register written */
	u8 addr_size;		/* MOVS */
	u8 len;			/* of the instruction */
	unsigned long rip;	/* of the instruction, to notice a new RIP */
};

/* An RDMSR or WRMSR that went to userspace (kmod/x86/msr_filter.c). */
struct hvx_msr_exit {
	bool pending;
	bool write;
	unsigned long rip;	/* of the instruction, to notice a new RIP */
};

/*
 * A vCPU's counters.  Only the vCPU's own thread writes them, in KVM_RUN;
 * netlink readers read them unlocked, as a snapshot that may be an exit
 * behind.  They live in the vCPU's own allocation, so counting shares no
 * cache line with another vCPU.
 */
struct hvx_vcpu_stats {
	u64 exits[HVX_NR_EXIT_REASONS];	/* by basic exit reason */
	u64 guest_tsc;			/* TSC cycles from entry to exit */
	/* KVM_HC_SCHED_YIELD: asked, and given to the other vCPU. */
	u64 yields_attempted;
	u64 yields_successful;
	int last_cpu;			/* -1 until the first entry */
};

/*
 * Whether a vCPU is between the last check before VM entry and the VM
 * exit: there, only an interrupt gets it out, so VM_PAUSE sends one (see
 * hvx_vcpu_enter_guest_mode()).
 */
enum hvx_vcpu_mode {
	HVX_OUTSIDE_GUEST,
	HVX_IN_GUEST,
};

struct hvx_vcpu {
	struct hvx_vm *vm;
	u32 id;
	/* enum hvx_vcpu_state (uapi/hvx.h), for netlink readers. */
	u32 state;
	enum hvx_vcpu_mode mode;
	struct hvx_vcpu_stats stats;
	/* One ioctl at a time on the vCPU; KVM_RUN holds it throughout. */
	struct mutex mutex;
	/* The thread of the last KVM_RUN, for a directed yield to it. */
	struct pid __rcu *pid;
	struct kvm_run *run;
	void *pio_data;
	struct hvx_pio pio;
	struct hvx_mmio mmio;
	struct hvx_msr_exit msr_exit;
	struct hvx_events events;
	/* KVM_SET_GUEST_DEBUG's KVM_GUESTDBG_* bits (kmod/vmx/debug.c). */
	u32 guest_debug;

	/*
	 * With an in-kernel irqchip: the local APIC; HVX_REQ_* bits others
	 * set before they kick the vCPU (hvx_vcpu_kick()); where a halted
	 * or stopped vCPU sleeps.
	 */
	struct hvx_vcpu_apic *apic;
	unsigned long requests;
	struct rcuwait wait;
	/*
	 * kmod/x86/mp_state.c: KVM_MP_STATE_*; INIT and start-up IPIs not
	 * yet acted on, and the start-up vector; whether HLT left IF set.
	 */
	u32 mp_state;
	unsigned long apic_events;
	u8 sipi_vector;
	bool halt_if;
	/* kmod/x86/smm.c: system management mode. */
	struct hvx_smm smm;
	/* kmod/intro/: the events an introspector watches; its stops. */
	struct hvx_vcpu_intro intro;

	/*
	 * The guest's registers that live in memory rather than in the VMCS
	 * (kmod/x86/ keeps them; kmod/vmx/ moves them in and out of the CPU
	 * around VM entry and exit).
	 */
	unsigned long regs[HVX_NR_GPRS];	/* not RSP: the VMCS has it */
	unsigned long cr2;
	u64 efer;		/* as the guest set it (LMA follows CR0.PG) */
	u64 syscall_msrs[HVX_NR_URET_MSRS];	/* see vmx/isolation.c */
	u64 kernel_gs_base;
	u64 spec_ctrl;
	u64 misc_enable;
	u64 power_ctl;		/* MSR_IA32_POWER_CTL: held, not acted on */
	u64 platform_info;	/* MSR_PLATFORM_INFO, as the VMM set it */
	/* MSR_IA32_UCODE_REV; until the VMM sets it, revision 1 (as KVM) */
	u64 microcode_version;
#define HVX_MICROCODE_VERSION	0x100000000ULL
	/* IA32_ARCH_CAPABILITIES: hvx's, or fewer bits if the VMM says so */
	u64 arch_capabilities;
	struct hvx_mtrrs mtrr;
	struct hvx_mce mce;
	u64 pat;
	struct hvx_vcpu_tsc tsc;
	struct hvx_vcpu_kvmclock kvmclock;
	/*
	 * The guest's x87, SSE and AVX registers, in a page in XSAVE's
	 * standard format (FXSAVE's for the first 512 bytes), and its XCR0
	 * (0 where the host has no XSAVE).  See kmod/x86/fpu.c.
	 */
	void *fpu;
	u64 xcr0;

	/* The guest's CPUID table: KVM_SET_CPUID2's, or the default. */
	struct kvm_cpuid_entry2 *cpuid;
	unsigned int cpuid_nent;
	/*
	 * What the table allows: CR4 and EFER bits of features it does not
	 * offer (reserved for this guest, as on a CPU without them), and the
	 * XCR0 bits XSETBV may set (0: no XSAVE).
	 */
	unsigned long cr4_reserved;
	u64 efer_reserved;
	u64 xcr0_allowed;
	/*
	 * KVM's paravirtual features the table offers (the EAX of the leaf
	 * after KVM's or hvx's signature, KVM_FEATURE_* bits), and whether
	 * the guest is held to them (KVM_CAP_ENFORCE_PV_FEATURE_CPUID); see
	 * hvx_guest_pv_has().
	 */
	u32 pv_features;
	bool pv_enforce;

	struct hvx_vmx_vcpu vmx;
};

/* Before an entry, not loaded: an SMI to take?  (kmod/x86/smm.c) */
static inline void hvx_smm_check(struct hvx_vcpu *vcpu)
{
	if (unlikely(READ_ONCE(vcpu->smm.queued) || vcpu->smm.pending))
		hvx_smm_take_smi(vcpu);
}

/* The address space the vCPU sees (struct hvx_vm's slots): 1 in SMM. */
static inline int hvx_vcpu_as(const struct hvx_vcpu *vcpu)
{
	return vcpu->smm.active;
}

/* The bootstrap processor: it starts running, the others wait for IPIs. */
static inline bool hvx_vcpu_is_bsp(const struct hvx_vcpu *vcpu)
{
	return vcpu->id == vcpu->vm->boot_cpu_id;
}

/* kmod/main.c */
long hvx_check_extension(struct hvx_vm *vm, long ext);

/*
 * hvx_vcpu->requests: look again at what the guest can take; write the
 * vCPU's kvmclock structure, the VM's wall clock, its steal time
 * (kmod/x86/kvmclock.c).
 */
#define HVX_REQ_EVENT		0
#define HVX_REQ_CLOCK		1
#define HVX_REQ_WALL_CLOCK	2
#define HVX_REQ_STEAL		3
/* The VM's MSR filter changed (kmod/x86/msr_filter.c). */
#define HVX_REQ_MSR_FILTER	4
/* An introspector changed the events, or asks a pause (kmod/intro/). */
#define HVX_REQ_INTRO		5

/* kmod/vm.c */
void hvx_vm_put(struct hvx_vm *vm);
bool hvx_vcpu_enter_guest_mode(struct hvx_vcpu *vcpu);
void hvx_vcpu_kick(struct hvx_vcpu *vcpu);
void hvx_vm_request_all(struct hvx_vm *vm, unsigned int req);
int hvx_vm_pause(struct hvx_vm *vm, bool pause);
int hvx_vcpu_wait_resume(struct hvx_vcpu *vcpu);

/* kmod/eventfd.c */
int hvx_eventfd_init(void);
void hvx_eventfd_exit(void);
void hvx_vm_eventfd_init(struct hvx_vm *vm);
void hvx_vm_eventfd_free(struct hvx_vm *vm);
int hvx_irqfd(struct hvx_vm *vm, const struct kvm_irqfd *args);
void hvx_irqfd_resampled(struct hvx_vm *vm, u32 gsi);
int hvx_ioeventfd(struct hvx_vm *vm, const struct kvm_ioeventfd *args);
bool hvx_ioeventfd_write(struct hvx_vm *vm, bool pio, u64 addr,
			 unsigned int len, const void *val);

/* kmod/netlink.c */
struct hvx_vm *hvx_vm_get(u32 id);
int hvx_vm_list_add(struct hvx_vm *vm);
void hvx_vm_list_del(struct hvx_vm *vm);
void hvx_notify(u32 event, struct hvx_vm *vm, const struct hvx_vcpu *vcpu,
		u32 reason);

/* kmod/debugfs.c */
void hvx_vm_debugfs_add(struct hvx_vm *vm, int fd);
void hvx_vm_debugfs_remove(struct hvx_vm *vm);

/*
 * kmod/ept/mmu.c: guest-physical memory in address space @as (0, or 1
 * for a vCPU in SMM: hvx_vcpu_as()), in the VMM's context.
 */
int hvx_read_guest(struct hvx_vm *vm, int as, u64 gpa, void *buf,
		   size_t len);
int hvx_write_guest(struct hvx_vm *vm, int as, u64 gpa, const void *buf,
		    size_t len);
int __hvx_read_guest(struct hvx_vm *vm, int as, u64 gpa, void *buf,
		     size_t len);
int __hvx_write_guest(struct hvx_vm *vm, int as, u64 gpa, const void *buf,
		      size_t len);
/* kmod/ept/remote.c: the same from another process (an introspector). */
int hvx_remote_copy(struct hvx_vm *vm, unsigned long hva, void *buf,
		    size_t len, bool write);

/* kmod/stats.c */
int hvx_stats_fd(struct hvx_vm *vm, struct hvx_vcpu *vcpu);

/* kmod/vcpu.c */
struct hvx_vcpu *hvx_vcpu_create(struct hvx_vm *vm, u32 id);
void hvx_vcpu_free(struct hvx_vcpu *vcpu);
struct file *hvx_vcpu_file(struct hvx_vcpu *vcpu);

int hvx_mmu_init(struct hvx_vm *vm);
void hvx_mmu_destroy(struct hvx_vm *vm);
int hvx_mmu_set_slot(struct hvx_vm *vm,
		     const struct hvx_memslot_request *req);
int hvx_mmu_fault(struct hvx_vm *vm, int as, u64 gpa, u64 access);
struct page *hvx_mmu_apic_access_page(struct hvx_vm *vm);
/* Make every CPU forget the VM's EPT translations (INVEPT). */
void hvx_mmu_flush(struct hvx_vm *vm);
void hvx_mmu_totals(const struct hvx_vm *vm, struct hvx_ept *sum);
void hvx_mmu_unmap(struct hvx_vm *vm, int as, u64 start, u64 end);

/* kmod/ept/access.c */
u64 hvx_access_of(struct hvx_vm *vm, int as, u64 gfn);
bool hvx_access_in_2m(struct hvx_vm *vm, int as, u64 gfn);
int hvx_access_set(struct hvx_vm *vm, u64 gpa, u64 count, u64 access);
void hvx_access_clear(struct hvx_vm *vm);

/* kmod/ept/dirty.c */
unsigned long *hvx_dirty_bitmap_alloc(u64 npages);
int hvx_get_dirty_log(struct hvx_vm *vm, struct kvm_dirty_log __user *argp);

/* kmod/x86/cpuid.c */
int hvx_supported_cpuid(struct kvm_cpuid_entry2 *entries, unsigned int max);
void hvx_cpuid_lookup(struct hvx_vcpu *vcpu, u32 function, u32 index,
		      u32 *eax, u32 *ebx, u32 *ecx, u32 *edx);
bool hvx_guest_has_mwait(struct hvx_vcpu *vcpu);
bool hvx_guest_has_rtm(struct hvx_vcpu *vcpu);
bool hvx_guest_has_lm(struct hvx_vcpu *vcpu);
bool hvx_guest_pv_has(struct hvx_vcpu *vcpu, unsigned int feature);
int hvx_vcpu_set_cpuid(struct hvx_vcpu *vcpu,
		       const struct kvm_cpuid_entry2 *entries,
		       unsigned int nent);
unsigned int hvx_guest_maxphyaddr(struct hvx_vcpu *vcpu);
void hvx_cpuid_apic_features(struct hvx_vcpu *vcpu, bool *x2apic,
			     bool *tsc_deadline);

#endif /* HVX_VM_H */
