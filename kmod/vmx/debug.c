// SPDX-License-Identifier: GPL-2.0
/*
 * Debug registers, the guest's and a debugger's: MOV to and from DR0-DR7,
 * KVM_GET/SET_DEBUGREGS, and KVM_SET_GUEST_DEBUG, with which the VMM sets
 * breakpoints and single-steps the guest without the guest seeing it.
 *
 * Every MOV DR exits, so hvx always holds the guest's own DR0-DR3, DR6
 * and DR7 (vmx->db, dr6, dr7).  What the CPU runs the guest with can be a
 * debugger's instead:
 *
 *   KVM_GUESTDBG_USE_HW_BP    the VMM's DR0-DR3 and DR7 (debug_db,
 *                             debug_dr7) go into the CPU and GUEST_DR7;
 *                             the guest still reads and writes its own.
 *   KVM_GUESTDBG_USE_SW_BP    #BP exits: an INT3 is the VMM's breakpoint.
 *   KVM_GUESTDBG_SINGLESTEP   RFLAGS.TF is set in the guest, hidden from
 *                             KVM_GET_REGS; each instruction ends in
 *                             KVM_EXIT_DEBUG.
 *   KVM_GUESTDBG_BLOCKIRQ     no interrupt or NMI is given to the guest
 *                             while it is stepped (x86/events.c).
 *
 * A #DB while the VMM debugs with breakpoints or single steps, and a #BP
 * with software breakpoints, is KVM_EXIT_DEBUG for the VMM, which may
 * hand it to the guest with KVM_GUESTDBG_INJECT_DB or _INJECT_BP.
 *
 * Two things a CPU does by itself hvx must do by hand, as KVM does.  An
 * instruction hvx emulates (CPUID, port I/O, MSRs, MMIO: every exit that
 * steps over one) never reaches the guest's TF, so its single-step trap
 * comes from hvx_debug_step_trap().  And the MOV DR exit takes priority
 * over DR7.GD's #DB, so hvx_handle_dr() raises that one.
 */
#include <linux/kvm.h>
#include <linux/sched.h>
#include <asm/debugreg.h>
#include <asm/vmx.h>

#include "../vm.h"
#include "../x86/guest.h"
#include "../x86/x86.h"
#include "capabilities.h"
#include "vmx_ops.h"

#define HVX_GUESTDBG_VALID	(KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP | \
				 KVM_GUESTDBG_USE_SW_BP | KVM_GUESTDBG_USE_HW_BP | \
				 KVM_GUESTDBG_INJECT_DB | KVM_GUESTDBG_INJECT_BP | \
				 KVM_GUESTDBG_BLOCKIRQ)

/* What KVM_CAP_SET_GUEST_DEBUG2 says hvx takes. */
u32 hvx_guest_debug_flags(void)
{
	return HVX_GUESTDBG_VALID;
}

static bool hvx_debugger_has_drs(struct hvx_vcpu *vcpu)
{
	return vcpu->guest_debug & KVM_GUESTDBG_USE_HW_BP;
}

/* DR7 for the CPU, the debugger's or the guest's, and its copy. */
static void hvx_debug_load_dr7(struct hvx_vcpu *vcpu)
{
	struct hvx_vmx_vcpu *vmx = &vcpu->vmx;

	vmx->eff_dr7 = hvx_debugger_has_drs(vcpu) ? vmx->debug_dr7 : vmx->dr7;
	vmcs_writel(GUEST_DR7, vmx->eff_dr7);
}

/* The guest's MOV to DR7: the VMCS takes it unless a debugger has DR7. */
void hvx_set_dr7(struct hvx_vcpu *vcpu, unsigned long val)
{
	vcpu->vmx.dr7 = (val & ~HVX_DR7_FIXED_0) | HVX_DR7_FIXED_1;
	hvx_debug_load_dr7(vcpu);
}

/* The guest's DR7: with no debugger, the CPU may have changed GD in it. */
static unsigned long hvx_guest_dr7(struct hvx_vcpu *vcpu)
{
	if (!hvx_debugger_has_drs(vcpu))
		vcpu->vmx.dr7 = vmcs_readl(GUEST_DR7);
	return vcpu->vmx.dr7;
}

/**
 * hvx_debug_regs - the DR0-DR3 the CPU must hold in the guest
 * @vcpu: the vCPU, loaded
 *
 * Return: the debugger's or the guest's, or NULL when the DR7 the guest
 * runs with enables no breakpoint (hvx_isolation_enter()).
 */
const unsigned long *hvx_debug_regs(struct hvx_vcpu *vcpu)
{
	struct hvx_vmx_vcpu *vmx = &vcpu->vmx;

	if (!(vmx->eff_dr7 & (DR_LOCAL_ENABLE_MASK | DR_GLOBAL_ENABLE_MASK)))
		return NULL;
	return hvx_debugger_has_drs(vcpu) ? vmx->debug_db : vmx->db;
}

/* KVM_EXIT_DEBUG: the vector, and for #DB what DR6 and DR7 said. */
static int hvx_debug_exit(struct hvx_vcpu *vcpu, u8 vector,
			  unsigned long dr6)
{
	struct kvm_run *run = vcpu->run;

	run->exit_reason = KVM_EXIT_DEBUG;
	run->debug.arch.exception = vector;
	run->debug.arch.pad = 0;
	run->debug.arch.pc = hvx_guest_linear_rip(vcpu);
	run->debug.arch.dr6 = vector == DB_VECTOR ? dr6 : 0;
	run->debug.arch.dr7 = vector == DB_VECTOR ? vcpu->vmx.eff_dr7 : 0;
	return 0;
}

/**
 * hvx_debug_exception - a #DB or #BP exit: the debugger's?
 * @vcpu: the vCPU, loaded
 * @vector: DB_VECTOR or BP_VECTOR
 *
 * Return: 0 with KVM_EXIT_DEBUG in vcpu->run when it goes to the VMM, 1
 * when the guest takes it as before.
 */
int hvx_debug_exception(struct hvx_vcpu *vcpu, u8 vector)
{
	struct hvx_vmx_vcpu *vmx = &vcpu->vmx;

	if (vector == BP_VECTOR) {
		/* For KVM_GUESTDBG_INJECT_BP: the INT3's length. */
		vmx->bp_len = vmcs_read32(VM_EXIT_INSTRUCTION_LEN);
		return hvx_debug_exit(vcpu, BP_VECTOR, 0);
	}
	if (!(vcpu->guest_debug &
	      (KVM_GUESTDBG_SINGLESTEP | KVM_GUESTDBG_USE_HW_BP)))
		return 1;
	return hvx_debug_exit(vcpu, DB_VECTOR,
			      vmx->exit_qual | HVX_DR6_ACTIVE_LOW);
}

/* A #DB for the guest, with @bits (B0-B3, BD, BS) in its DR6. */
static void hvx_guest_db(struct hvx_vcpu *vcpu, unsigned long bits)
{
	vcpu->vmx.dr6 = HVX_DR6_ACTIVE_LOW | bits;
	hvx_inject_exception(vcpu, DB_VECTOR, false, 0);
}

/**
 * hvx_debug_step_trap - the single-step trap of an emulated instruction
 * @vcpu: the vCPU, loaded, just stepped past an instruction that ran
 *	with RFLAGS.TF set
 *
 * The debugger's single step ends in KVM_EXIT_DEBUG before the next
 * entry; the guest's own is a #DB with DR6.BS.  This is that
 * instruction's one trap: a single step the exit left pending in the VMCS
 * goes (Bochs leaves BS there after a CPUID or RDMSR exit, and the entry
 * would deliver a second #DB without the guest moving on).
 */
void hvx_debug_step_trap(struct hvx_vcpu *vcpu)
{
	unsigned long pending = vmcs_readl(GUEST_PENDING_DBG_EXCEPTIONS);

	if (pending & DR_STEP)
		vmcs_writel(GUEST_PENDING_DBG_EXCEPTIONS, pending & ~DR_STEP);
	if ((vcpu->guest_debug & KVM_GUESTDBG_SINGLESTEP) || vcpu->intro.step_tf)
		vcpu->vmx.step_exit = true;
	else
		hvx_guest_db(vcpu, DR_STEP);
}

/*
 * A single step hvx carried out (vcpu->vmx.step_exit) ends here, before
 * the next entry, in the KVM_EXIT_DEBUG the VMM must see first
 * (hvx_vmx_run()), or in an introspector's SINGLESTEP event.  Return: 0,
 * or the event's.
 */
int hvx_debug_step_exit(struct hvx_vcpu *vcpu)
{
	vcpu->vmx.step_exit = false;
	if (!(vcpu->guest_debug & KVM_GUESTDBG_SINGLESTEP))
		return hvx_intro_singlestep(vcpu);
	return hvx_debug_exit(vcpu, DB_VECTOR, DR_STEP | HVX_DR6_ACTIVE_LOW);
}

/*
 * An introspector's single steps (kmod/intro/): RFLAGS.TF, which hvx
 * sets where the guest had it clear and hides as a debugger's.  The vCPU
 * is loaded.
 */
void hvx_vmx_intro_step(struct hvx_vcpu *vcpu, bool on)
{
	unsigned long rflags = vmcs_readl(GUEST_RFLAGS);

	if (on && !vcpu->intro.step_tf && !(rflags & X86_EFLAGS_TF)) {
		vcpu->intro.step_tf = true;
		vmcs_writel(GUEST_RFLAGS, rflags | X86_EFLAGS_TF);
	} else if (!on && vcpu->intro.step_tf) {
		vcpu->intro.step_tf = false;
		vmcs_writel(GUEST_RFLAGS, rflags & ~X86_EFLAGS_TF);
	}
}

/* A #DB exit: the end of an introspector's single step? */
bool hvx_debug_intro_step(struct hvx_vcpu *vcpu)
{
	return vcpu->intro.step_tf && (vcpu->vmx.exit_qual & DR_STEP) &&
	       !(vcpu->guest_debug & KVM_GUESTDBG_SINGLESTEP);
}

/*
 * DR6's bits that read 1 whatever the guest writes: RTM's bit 16 too
 * where its CPUID has no RTM, as on a CPU without it.
 */
static unsigned long hvx_dr6_fixed(struct hvx_vcpu *vcpu)
{
	return HVX_DR6_FIXED_1 | (hvx_guest_has_rtm(vcpu) ? 0 : BIT(16));
}

/*
 * MOV to and from debug registers.  DR4 and DR5 are DR6 and DR7 unless
 * CR4.DE makes them #UD.  With DR7.GD set, the access is a #DB fault
 * (DR6.BD) instead, for the debugger if the DR7 is its, else for the
 * guest, whose handler then finds GD clear, as the CPU leaves it.
 */
int hvx_handle_dr(struct hvx_vcpu *vcpu)
{
	struct hvx_vmx_vcpu *vmx = &vcpu->vmx;
	unsigned long qual = vmx->exit_qual;
	int dr = qual & 7, reg = (qual >> 8) & 15;
	bool from_dr = qual & BIT(4);
	unsigned long val;

	if (dr == 4 || dr == 5) {
		if (hvx_guest_cr4(vcpu) & X86_CR4_DE)
			return hvx_inject_ud(vcpu);
		dr += 2;
	}
	/* The CPU clears GD as it delivers a #DB: the VMCS has it right. */
	vmx->eff_dr7 = vmcs_readl(GUEST_DR7);
	if (vmx->eff_dr7 & HVX_DR7_GD) {
		if (hvx_debugger_has_drs(vcpu))
			return hvx_debug_exit(vcpu, DB_VECTOR,
					      HVX_DR6_BD | HVX_DR6_ACTIVE_LOW);
		hvx_set_dr7(vcpu, hvx_guest_dr7(vcpu) & ~HVX_DR7_GD);
		hvx_guest_db(vcpu, HVX_DR6_BD);
		return 1;
	}
	if (from_dr) {
		if (dr < 4)
			val = vmx->db[dr];
		else if (dr == 6)
			val = vmx->dr6;
		else
			val = hvx_guest_dr7(vcpu);
		hvx_reg_write(vcpu, reg, val);
	} else {
		val = hvx_reg_read(vcpu, reg);
		if (!hvx_64bit_code(vcpu))
			val = (u32)val;
		if (dr < 4) {
			vmx->db[dr] = val;
		} else {
			if (val >> 32)
				return hvx_inject_gp(vcpu);
			if (dr == 6)
				vmx->dr6 = (val & HVX_DR6_VOLATILE) |
					   hvx_dr6_fixed(vcpu);
			else
				hvx_set_dr7(vcpu, val);
		}
	}
	hvx_skip_instruction(vcpu);
	return 1;
}

/* KVM_GET_DEBUGREGS: DR0-DR3, DR6 and DR7 as the guest last set them. */
void hvx_vmx_get_debugregs(struct hvx_vcpu *vcpu, struct kvm_debugregs *d)
{
	memset(d, 0, sizeof(*d));
	memcpy(d->db, vcpu->vmx.db, sizeof(d->db));
	d->dr6 = vcpu->vmx.dr6;
	hvx_vcpu_load(vcpu);
	d->dr7 = hvx_guest_dr7(vcpu);
	hvx_vcpu_put(vcpu);
}

/*
 * KVM_SET_DEBUGREGS.  As KVM: no flags, DR6 and DR7 are 32-bit registers,
 * and the values are taken as they are (VM entry needs no more of DR7).
 */
int hvx_vmx_set_debugregs(struct hvx_vcpu *vcpu, const struct kvm_debugregs *d)
{
	if (d->flags || d->dr6 >> 32 || d->dr7 >> 32)
		return -EINVAL;
	memcpy(vcpu->vmx.db, d->db, sizeof(vcpu->vmx.db));
	vcpu->vmx.dr6 = d->dr6;
	vcpu->vmx.dr7 = d->dr7;
	hvx_vcpu_load(vcpu);
	hvx_debug_load_dr7(vcpu);
	hvx_vcpu_put(vcpu);
	return 0;
}

/*
 * The guest's RFLAGS as the VMM sees it (KVM_GET_REGS): without the TF
 * hvx sets to single-step it.  And as the VMM sets it: TF goes back on
 * while the guest still stands where stepping began, as in KVM, so a
 * KVM_SET_REGS that moves RIP ends the stepping until the next
 * KVM_SET_GUEST_DEBUG; an introspector's steps keep TF on wherever.
 */
unsigned long hvx_debug_rflags_out(struct hvx_vcpu *vcpu, unsigned long rflags)
{
	if ((vcpu->guest_debug & KVM_GUESTDBG_SINGLESTEP) ||
	    hvx_intro_tf(&vcpu->intro))
		rflags &= ~X86_EFLAGS_TF;
	return rflags;
}

unsigned long hvx_debug_rflags_in(struct hvx_vcpu *vcpu, unsigned long rflags)
{
	if (((vcpu->guest_debug & KVM_GUESTDBG_SINGLESTEP) &&
	     hvx_guest_linear_rip(vcpu) == vcpu->vmx.step_rip) ||
	    hvx_intro_tf(&vcpu->intro))
		rflags |= X86_EFLAGS_TF;
	return rflags;
}

/*
 * #BP exits only while the VMM sets software breakpoints, or an
 * introspector watches INT3 (kmod/intro/).
 */
static void hvx_debug_load_exceptions(struct hvx_vcpu *vcpu)
{
	u32 eb = HVX_EXCEPTION_BITMAP;

	if ((vcpu->guest_debug & KVM_GUESTDBG_USE_SW_BP) ||
	    hvx_intro_wants(vcpu, HVX_INTRO_EV_BREAKPOINT))
		eb |= BIT(BP_VECTOR);
	vmcs_write32(EXCEPTION_BITMAP, eb);
}

/* Exits for LGDT, LIDT, LLDT, LTR and their stores, on or off. */
static void hvx_vmx_desc_exits(bool on)
{
	u32 cpu2 = vmcs_read32(SECONDARY_VM_EXEC_CONTROL);

	if (on)
		cpu2 |= SECONDARY_EXEC_DESC;
	else
		cpu2 &= ~SECONDARY_EXEC_DESC;
	vmcs_write32(SECONDARY_VM_EXEC_CONTROL, cpu2);
}

bool hvx_vmx_has_desc_exits(void)
{
	return cpu_has_vmx_desc_exits();
}

/**
 * hvx_vmx_desc_step - let the guest carry out the descriptor-table
 *	instruction it exited for
 * @vcpu: the vCPU, loaded, at the instruction
 *
 * hvx does not emulate LGDT and the rest: the guest runs the one
 * instruction itself, with its exit off and RFLAGS.TF set (where it was
 * not already), and the #DB trap after it turns the exit back on
 * (hvx_vmx_desc_step_done()).  Interrupts wait meanwhile, as for any of
 * hvx's steps, so the instruction is the next the guest runs.  Should it
 * fault instead, its handler runs without TF and the exit stays off until
 * the trap that comes when the instruction at last completes, after the
 * handler's IRET.
 */
void hvx_vmx_desc_step(struct hvx_vcpu *vcpu)
{
	unsigned long rflags = vmcs_readl(GUEST_RFLAGS);

	hvx_vmx_desc_exits(false);
	vcpu->intro.desc_step = true;
	if (!(rflags & X86_EFLAGS_TF)) {
		vcpu->intro.desc_tf = true;
		vmcs_writel(GUEST_RFLAGS, rflags | X86_EFLAGS_TF);
	}
}

/**
 * hvx_vmx_desc_step_done - a #DB exit, while a descriptor-table
 *	instruction was stepped
 * @vcpu: the vCPU, loaded
 *
 * The exit goes back on if the introspector still wants it.
 *
 * Return: true if the #DB was only hvx's step, for no one else to see.
 */
bool hvx_vmx_desc_step_done(struct hvx_vcpu *vcpu)
{
	struct hvx_vmx_vcpu *vmx = &vcpu->vmx;
	bool own = vcpu->intro.desc_tf;

	vcpu->intro.desc_step = false;
	if (own) {
		vcpu->intro.desc_tf = false;
		vmcs_writel(GUEST_RFLAGS,
			    vmcs_readl(GUEST_RFLAGS) & ~X86_EFLAGS_TF);
	}
	hvx_vmx_desc_exits(hvx_intro_wants(vcpu, HVX_INTRO_EV_DESC));
	if (!own)
		return false;
	/* A data breakpoint the instruction hit is still the guest's. */
	vmx->exit_qual &= ~DR_STEP;
	return !(vmx->exit_qual & DR_TRAP_BITS);
}

/**
 * hvx_vmx_intro_exits - the exits an introspector's events need
 * @vcpu: the vCPU, loaded
 * @crs: the control registers its CR event watches (1 << 0, 3, 4)
 *
 * Otherwise the guest owns most of CR0 and CR4 (its writes of those bits
 * do not exit), nothing needs MOV to CR3 with EPT, and only a debugger
 * #BP.  A watched CR0 or CR4 becomes the host's in every bit, so that
 * every write exits, as KVMI does it; what the guest reads stays the
 * same, as the read shadow gets the bits it owned.
 */
void hvx_vmx_intro_exits(struct hvx_vcpu *vcpu, u32 crs)
{
	struct hvx_vmx_vcpu *vmx = &vcpu->vmx;
	unsigned long cr0 = hvx_guest_cr0(vcpu), cr4 = hvx_guest_cr4(vcpu);

	vmcs_writel(CR0_READ_SHADOW, cr0);
	vmcs_writel(CR0_GUEST_HOST_MASK,
		    crs & BIT(0) ? ~0UL : HVX_CR0_HOST_OWNED);
	vmcs_writel(CR4_READ_SHADOW, cr4);
	vmcs_writel(CR4_GUEST_HOST_MASK, crs & BIT(4) ? ~0UL :
		    ~(HVX_CR4_GUEST_OWNED & hvx_cr4_guest_bits));

	hvx_debug_load_exceptions(vcpu);
	if (cpu_has_vmx_desc_exits() && !vcpu->intro.desc_step)
		hvx_vmx_desc_exits(hvx_intro_wants(vcpu, HVX_INTRO_EV_DESC));
	if (crs & BIT(3))
		vmx->cpu_based |= CPU_BASED_CR3_LOAD_EXITING;
	else
		vmx->cpu_based &= ~CPU_BASED_CR3_LOAD_EXITING;
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL, vmx->cpu_based | vmx->windows);
}

/*
 * KVM_SET_GUEST_DEBUG, as KVM does it.  INJECT_DB and INJECT_BP give the
 * guest a #DB or #BP (the #BP as its INT3 would have: the return address
 * after the instruction), if no exception waits already (EBUSY).  The
 * rest takes effect without KVM_GUESTDBG_ENABLE only in turning
 * everything off.  Unlike KVM, hvx refuses control bits it does not know
 * and a DR7 VM entry would refuse (bits 63:32), with EINVAL.
 */
static int __hvx_set_guest_debug(struct hvx_vcpu *vcpu,
				 const struct kvm_guest_debug *dbg)
{
	struct hvx_vmx_vcpu *vmx = &vcpu->vmx;
	u32 control = dbg->control;
	unsigned long rflags;
	int i;

	if (control & (KVM_GUESTDBG_INJECT_DB | KVM_GUESTDBG_INJECT_BP)) {
		if (hvx_exception_waiting(vcpu))
			return -EBUSY;
		if (control & KVM_GUESTDBG_INJECT_DB)
			hvx_inject_exception(vcpu, DB_VECTOR, false, 0);
		else
			hvx_inject_soft_exception(vcpu, BP_VECTOR, vmx->bp_len);
	}

	/* Read before the change, while hvx's own TF is still hidden. */
	rflags = hvx_debug_rflags_out(vcpu, hvx_guest_rflags(vcpu));

	vcpu->guest_debug = control & KVM_GUESTDBG_ENABLE ? control : 0;
	if (vcpu->guest_debug & KVM_GUESTDBG_USE_HW_BP) {
		for (i = 0; i < 4; i++)
			vmx->debug_db[i] = dbg->arch.debugreg[i];
		vmx->debug_dr7 = (dbg->arch.debugreg[7] & ~HVX_DR7_FIXED_0) |
				 HVX_DR7_FIXED_1;
	}
	hvx_debug_load_dr7(vcpu);
	vmx->step_exit = false;
	if (vcpu->guest_debug & KVM_GUESTDBG_SINGLESTEP)
		vmx->step_rip = hvx_guest_linear_rip(vcpu);
	vmcs_writel(GUEST_RFLAGS, hvx_debug_rflags_in(vcpu, rflags));
	hvx_debug_load_exceptions(vcpu);
	return 0;
}

int hvx_set_guest_debug(struct hvx_vcpu *vcpu,
			const struct kvm_guest_debug *dbg)
{
	int r;

	if (dbg->control & ~HVX_GUESTDBG_VALID ||
	    ((dbg->control & (KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_HW_BP)) ==
	     (KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_HW_BP) &&
	     dbg->arch.debugreg[7] >> 32))
		return -EINVAL;
	hvx_vcpu_load(vcpu);
	r = __hvx_set_guest_debug(vcpu, dbg);
	hvx_vcpu_put(vcpu);
	return r;
}
