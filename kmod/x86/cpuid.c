// SPDX-License-Identifier: GPL-2.0
/*
 * CPUID: what hvx can offer a guest (KVM_GET_SUPPORTED_CPUID), the table
 * a vCPU answers from (KVM_SET_CPUID2), and the answer to a guest's CPUID.
 *
 * The supported set is the host's CPUID with every feature hvx does not
 * virtualise taken out: VMX itself, PCID, MONITOR/MWAIT, RDTSCP and
 * INVPCID (their VM-execution controls stay off), performance monitoring, the
 * host's topology, and of the XSAVE family everything beyond AVX state
 * and XSAVEOPT (fpu.c says why).  XSAVE, AVX, AVX2, FMA and F16C are
 * offered where the host has enabled AVX state for itself.  Feature words
 * are filtered through allow-lists, so a feature hvx has never heard of is
 * never offered.
 *
 * A table from KVM_SET_CPUID2 is the guest's answer as it stands, with the
 * same features masked out; what the table leaves out the guest cannot
 * turn on either (CR4.OSXSAVE, SMEP, SMAP and FSGSBASE, EFER.LME and NX,
 * XCR0's bits), as with KVM.
 * As KVM, hvx offers x2APIC, IA32_TSC_ADJUST and ARAT whatever the host
 * has (all three are emulated), the invariant TSC where the host has it,
 * and leaves the TSC-deadline timer out of the
 * supported set: a VMM that finds KVM_CAP_TSC_DEADLINE_TIMER sets it in
 * the vCPU's table, and the in-kernel APIC then offers the mode.
 * Three answers follow the guest's state, as on a CPU: CPUID.1:ECX.OSXSAVE
 * mirrors CR4.OSXSAVE, CPUID.1:EDX.APIC IA32_APIC_BASE.EN, and
 * CPUID.(0DH,0):EBX is the XSAVE area size for the current XCR0.  A fourth
 * follows it as in KVM once a VMM turns KVM_X86_QUIRK_MISC_ENABLE_NO_MWAIT
 * off: CPUID.1:ECX.MWAIT mirrors IA32_MISC_ENABLE.MWAIT (MONITOR and MWAIT
 * are then no-ops the guest was told of, kmod/x86/x86.c).
 */
#include <linux/kernel.h>
#include <linux/kvm_para.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/cpufeatures.h>
#include <asm/processor.h>

#include "../vm.h"
#include "fpu.h"
#include "guest.h"

#define F(x)	BIT(X86_FEATURE_##x & 31)

/*
 * The first of the leaves a hypervisor answers for itself, where a guest
 * looks for a signature every 0x100 leaves up to HVX_CPUID_HYPERVISOR_END
 * (KVM's rule), and hvx's signature.
 */
#define HVX_CPUID_HYPERVISOR	0x40000000
#define HVX_CPUID_HYPERVISOR_END 0x40010000
#define HVX_SIGNATURE		"hvxhvxhvxhvx"

/*
 * CPUID.1:EDX.  MCE, MCA and MTRR are the guest's own machine-check banks
 * and memory-type registers (mce.c, mtrr.c), not the host's.
 */
#define HVX_1_EDX	(F(FPU) | F(VME) | F(DE) | F(PSE) | F(TSC) | F(MSR) | \
			 F(PAE) | F(MCE) | F(CX8) | F(APIC) | F(SEP) |	       \
			 F(MTRR) | F(PGE) | F(MCA) | F(CMOV) | F(PAT) |	       \
			 F(PSE36) | F(CLFLUSH) | F(MMX) | F(FXSR) | F(XMM) |    \
			 F(XMM2))
/* CPUID.1:ECX; bit 31 (hypervisor present) is set on top. */
#define HVX_1_ECX	(F(XMM3) | F(PCLMULQDQ) | F(SSSE3) | F(CX16) |	       \
			 F(XMM4_1) | F(XMM4_2) | F(MOVBE) | F(POPCNT) |	       \
			 F(AES) | F(RDRAND))
/* CPUID.(7,0):EBX */
#define HVX_7_EBX	(F(FSGSBASE) | F(BMI1) | F(SMEP) | F(BMI2) | F(ERMS) | \
			 F(ADX) | F(SMAP) | F(CLFLUSHOPT) | F(SHA_NI) |	       \
			 F(RDSEED))
/* CPUID.80000001H:EDX and ECX */
#define HVX_8_1_EDX	(F(SYSCALL) | F(NX) | F(GBPAGES) | F(LM))
#define HVX_8_1_ECX	(F(LAHF_LM) | F(ABM) | F(3DNOWPREFETCH))
/* Offered with AVX state in XCR0: CPUID.1:ECX and CPUID.(7,0):EBX. */
#define HVX_1_ECX_AVX	(F(AVX) | F(FMA) | F(F16C))
#define HVX_7_EBX_AVX	F(AVX2)
/* CPUID.(0DH,1):EAX */
#define HVX_D_1_EAX	F(XSAVEOPT)

/*
 * CPUID.(7,0):EDX: the guest's own defences against speculative execution
 * attacks, where the host's CPU has them (the MSRs behind them are in
 * kmod/x86/msr.c), and IA32_ARCH_CAPABILITIES, which hvx always
 * answers (kmod/vmx/isolation.c), as KVM does.
 */
static u32 hvx_7_edx(void)
{
	u32 edx = F(ARCH_CAPABILITIES);

	if (boot_cpu_has(X86_FEATURE_MD_CLEAR))
		edx |= F(MD_CLEAR);
	if (boot_cpu_has(X86_FEATURE_MSR_SPEC_CTRL) &&
	    boot_cpu_has(X86_FEATURE_SPEC_CTRL) && boot_cpu_has(X86_FEATURE_IBPB))
		edx |= F(SPEC_CTRL);
	if (boot_cpu_has(X86_FEATURE_MSR_SPEC_CTRL) &&
	    boot_cpu_has(X86_FEATURE_INTEL_STIBP))
		edx |= F(INTEL_STIBP);
	if (boot_cpu_has(X86_FEATURE_MSR_SPEC_CTRL) &&
	    boot_cpu_has(X86_FEATURE_SPEC_CTRL_SSBD))
		edx |= F(SPEC_CTRL_SSBD);
	if (boot_cpu_has(X86_FEATURE_FLUSH_L1D))
		edx |= F(FLUSH_L1D);
	return edx;
}

#define HVX_MAX_BASIC_LEAF	0xd
#define HVX_MAX_EXT_LEAF	0x80000008

struct hvx_cpuid_builder {
	struct kvm_cpuid_entry2 *e;
	unsigned int n, max;
};

static struct kvm_cpuid_entry2 *hvx_cpuid_add(struct hvx_cpuid_builder *b,
					      u32 function, u32 index,
					      bool indexed)
{
	struct kvm_cpuid_entry2 *e;

	if (b->n == b->max)
		return NULL;
	e = &b->e[b->n++];
	memset(e, 0, sizeof(*e));
	e->function = function;
	e->index = index;
	e->flags = indexed ? KVM_CPUID_FLAG_SIGNIFCANT_INDEX : 0;
	cpuid_count(function, index, &e->eax, &e->ebx, &e->ecx, &e->edx);
	return e;
}

static void hvx_cpuid_zero(struct kvm_cpuid_entry2 *e)
{
	e->eax = 0;
	e->ebx = 0;
	e->ecx = 0;
	e->edx = 0;
}

/* The XSAVE family's bits, where the host lets guests have them. */
static u32 hvx_1_ecx_xsave(void)
{
	u32 ecx = 0;

	if (hvx_xcr0_supported)
		ecx |= F(XSAVE);
	if (hvx_xcr0_supported & XFEATURE_MASK_YMM)
		ecx |= HVX_1_ECX_AVX;
	return ecx;
}

static u32 hvx_7_ebx_xsave(void)
{
	return hvx_xcr0_supported & XFEATURE_MASK_YMM ? HVX_7_EBX_AVX : 0;
}

/*
 * Leaf 0DH: subleaf 0 lists the XCR0 bits and the area's size, subleaf 1
 * the XSAVE variants, subleaf 2 where AVX state sits in the area.
 */
static void hvx_cpuid_filter_xsave(struct kvm_cpuid_entry2 *e)
{
	if (!hvx_xcr0_supported) {
		hvx_cpuid_zero(e);
		return;
	}
	switch (e->index) {
	case 0:
		e->eax = lower_32_bits(hvx_xcr0_supported);
		e->ebx = hvx_xsave_size(XFEATURE_MASK_FP | XFEATURE_MASK_SSE);
		e->ecx = hvx_xsave_size(hvx_xcr0_supported);
		e->edx = upper_32_bits(hvx_xcr0_supported);
		break;
	case 1:
		e->eax &= HVX_D_1_EAX;
		e->ebx = 0;
		e->ecx = 0;
		e->edx = 0;
		break;
	default:
		if (!(hvx_xcr0_supported & BIT_ULL(e->index)))
			hvx_cpuid_zero(e);
		break;
	}
}

static void hvx_cpuid_filter(struct kvm_cpuid_entry2 *e)
{
	switch (e->function) {
	case 0:
		e->eax = min_t(u32, e->eax, HVX_MAX_BASIC_LEAF);
		break;
	case 1:
		/* The APIC ID is the VMM's to fill in, per vCPU. */
		e->ebx &= 0x00ffffff;
		e->ecx = (e->ecx & (HVX_1_ECX | hvx_1_ecx_xsave())) |
			 F(X2APIC) | BIT(31);
		e->edx &= HVX_1_EDX;
		break;
	case 2:
	case 0x80000002 ... 0x80000004:
	case 0x80000006:
		break;		/* cache descriptors and the brand string */
	case 4:
		/* Cache parameters, without the host's core counts. */
		e->eax &= 0x3ff;
		break;
	case 6:
		/*
		 * Thermal and power management: only ARAT, "the APIC timer
		 * always runs", true of hvx's LAPIC timer, which no C-state
		 * stops (KVM offers it for the same reason).  With it and
		 * the TSC-deadline timer, Linux needs no PIT.
		 */
		e->eax = F(ARAT);
		e->ebx = 0;
		e->ecx = 0;
		e->edx = 0;
		break;
	case 7:
		if (e->index == 0) {
			e->eax = 0;
			e->ebx = (e->ebx & (HVX_7_EBX | hvx_7_ebx_xsave())) |
				 F(TSC_ADJUST);
			e->ecx = 0;
			e->edx = hvx_7_edx();
		} else {
			hvx_cpuid_zero(e);
		}
		break;
	case 0xd:
		hvx_cpuid_filter_xsave(e);
		break;
	case 0x80000000:
		e->eax = min_t(u32, e->eax, HVX_MAX_EXT_LEAF);
		break;
	case 0x80000001:
		e->ecx &= HVX_8_1_ECX;
		e->edx &= HVX_8_1_EDX;
		break;
	case 0x80000007:
		/*
		 * Only the invariant TSC: a guest's TSC is the host's plus an
		 * offset, so it runs at a constant rate through every C- and
		 * P-state exactly when the host's does (as KVM offers it).
		 */
		e->eax = 0;
		e->ebx = 0;
		e->ecx = 0;
		e->edx &= BIT(8);
		break;
	case 0x80000008:
		/* The address sizes. */
		e->eax &= 0xffff;
		e->ebx = 0;
		e->ecx = 0;
		e->edx = 0;
		break;
	default:
		hvx_cpuid_zero(e);
		break;
	}
}

/**
 * hvx_supported_cpuid - the CPUID leaves hvx offers a guest
 * @entries: filled with the leaves
 * @max: room in @entries
 *
 * Return: the number of entries, or -E2BIG when @max is too small.
 */
int hvx_supported_cpuid(struct kvm_cpuid_entry2 *entries, unsigned int max)
{
	struct hvx_cpuid_builder b = { entries, 0, max };
	struct kvm_cpuid_entry2 *e;
	u32 basic, ext, f, i;

	basic = min_t(u32, cpuid_eax(0), HVX_MAX_BASIC_LEAF);
	for (f = 0; f <= basic; f++) {
		if (f == 4 || f == 7) {
			for (i = 0; ; i++) {
				e = hvx_cpuid_add(&b, f, i, true);
				if (!e)
					return -E2BIG;
				/* Leaf 4 ends with a null cache type. */
				if (f == 7 || !(e->eax & 0x1f))
					break;
			}
		} else if (f == 0xb) {
			e = hvx_cpuid_add(&b, f, 0, true);
		} else if (f == 0xd) {
			/* The area, the XSAVE variants, then AVX state. */
			for (i = 0; i <= XFEATURE_YMM; i++) {
				e = hvx_cpuid_add(&b, f, i, true);
				if (!e)
					return -E2BIG;
			}
		} else {
			e = hvx_cpuid_add(&b, f, 0, false);
		}
		if (!e)
			return -E2BIG;
	}
	ext = min_t(u32, cpuid_eax(0x80000000), HVX_MAX_EXT_LEAF);
	for (f = 0x80000000; f <= ext; f++)
		if (!hvx_cpuid_add(&b, f, 0, false))
			return -E2BIG;
	for (i = 0; i < b.n; i++)
		hvx_cpuid_filter(&entries[i]);

	/*
	 * The hypervisor's leaves, where CPUID.1:ECX bit 31 sends a guest:
	 * the highest of them and hvx's name, then the paravirtual features
	 * of KVM's it offers (kvmclock and steal time, kmod/x86/kvmclock.c).
	 * A guest that knows only KVM's name uses none of them; a VMM that
	 * gives its guest KVM's name takes the features from here, as QEMU
	 * does.
	 */
	e = hvx_cpuid_add(&b, HVX_CPUID_HYPERVISOR, 0, false);
	if (!e)
		return -E2BIG;
	e->eax = HVX_CPUID_HYPERVISOR + 1;
	memcpy(&e->ebx, HVX_SIGNATURE, 4);
	memcpy(&e->ecx, HVX_SIGNATURE + 4, 4);
	memcpy(&e->edx, HVX_SIGNATURE + 8, 4);
	e = hvx_cpuid_add(&b, HVX_CPUID_HYPERVISOR + 1, 0, false);
	if (!e)
		return -E2BIG;
	hvx_cpuid_zero(e);
	e->eax = hvx_kvmclock_features();
	return b.n;
}

/* What hvx cannot give a guest, whatever the VMM asks for. */
static void hvx_cpuid_mask(struct kvm_cpuid_entry2 *e)
{
	u32 no_xsave = ~hvx_1_ecx_xsave() & (F(XSAVE) | HVX_1_ECX_AVX);

	if (e->function == 1) {
		/* OSXSAVE follows the guest's CR4 (hvx_cpuid_lookup()). */
		e->ecx &= ~(F(VMX) | F(SMX) | F(OSXSAVE) | F(PCID) | F(MWAIT) |
			    no_xsave);
	} else if (e->function == 7 && e->index == 0) {
		e->ebx &= ~(F(INVPCID) | F(AVX512F) |
			    (~hvx_7_ebx_xsave() & HVX_7_EBX_AVX));
		e->ecx &= ~F(PKU);
	} else if (e->function == 0xd && e->index == 0) {
		e->eax &= lower_32_bits(hvx_xcr0_supported);
		e->edx &= upper_32_bits(hvx_xcr0_supported);
	} else if (e->function == 0xd && e->index == 1) {
		e->eax &= HVX_D_1_EAX;
	} else if (e->function == 0x80000001) {
		e->edx &= ~F(RDTSCP);
	}
}

static const struct kvm_cpuid_entry2 *
hvx_cpuid_find(const struct hvx_vcpu *vcpu, u32 function, u32 index)
{
	unsigned int i;

	for (i = 0; i < vcpu->cpuid_nent; i++) {
		const struct kvm_cpuid_entry2 *e = &vcpu->cpuid[i];

		if (e->function == function &&
		    (!(e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) ||
		     e->index == index))
			return e;
	}
	return NULL;
}

/* Does hypervisor leaf @e carry the signature @sig (12 bytes)? */
static bool hvx_cpuid_signed(const struct kvm_cpuid_entry2 *e,
			     const char *sig)
{
	return !memcmp(&e->ebx, sig, 4) && !memcmp(&e->ecx, sig + 4, 4) &&
	       !memcmp(&e->edx, sig + 8, 4);
}

/*
 * The paravirtual features a table offers: as KVM does, find the first
 * hypervisor leaf with KVM's signature and take the EAX of the leaf after
 * it.  hvx's signature, which its own supported table carries, counts
 * too: its next leaf has KVM's feature bits.  No signature, no features.
 */
static u32 hvx_cpuid_pv_features(const struct hvx_vcpu *vcpu)
{
	const struct kvm_cpuid_entry2 *e;
	u32 base = HVX_CPUID_HYPERVISOR_END;
	unsigned int i;

	for (i = 0; i < vcpu->cpuid_nent; i++) {
		e = &vcpu->cpuid[i];
		if (e->function < HVX_CPUID_HYPERVISOR || e->function >= base ||
		    (e->function & 0xff))
			continue;
		if (hvx_cpuid_signed(e, KVM_SIGNATURE) ||
		    hvx_cpuid_signed(e, HVX_SIGNATURE))
			base = e->function;
	}
	if (base == HVX_CPUID_HYPERVISOR_END)
		return 0;
	e = hvx_cpuid_find(vcpu, base + 1, 0);
	return e ? e->eax : 0;
}

/* What a vCPU's table lets the guest turn on. */
static void hvx_cpuid_limits(struct hvx_vcpu *vcpu)
{
	const struct kvm_cpuid_entry2 *e1 = hvx_cpuid_find(vcpu, 1, 0);
	const struct kvm_cpuid_entry2 *e7 = hvx_cpuid_find(vcpu, 7, 0);
	const struct kvm_cpuid_entry2 *ed = hvx_cpuid_find(vcpu, 0xd, 0);
	const struct kvm_cpuid_entry2 *e81 = hvx_cpuid_find(vcpu, 0x80000001, 0);
	u32 ebx7 = e7 ? e7->ebx : 0, edx81 = e81 ? e81->edx : 0;
	unsigned long reserved = 0;

	vcpu->xcr0_allowed = 0;
	if (e1 && (e1->ecx & F(XSAVE)) && ed)
		vcpu->xcr0_allowed = (ed->eax | (u64)ed->edx << 32) &
				     hvx_xcr0_supported;
	/* XSAVE without x87 state in XCR0 is not XSAVE. */
	if (!(vcpu->xcr0_allowed & XFEATURE_MASK_FP))
		vcpu->xcr0_allowed = 0;
	if (!vcpu->xcr0_allowed)
		reserved |= X86_CR4_OSXSAVE;
	vcpu->tsc.cpuid_adjust = ebx7 & F(TSC_ADJUST);
	if (!(ebx7 & F(FSGSBASE)))
		reserved |= X86_CR4_FSGSBASE;
	if (!(ebx7 & F(SMEP)))
		reserved |= X86_CR4_SMEP;
	if (!(ebx7 & F(SMAP)))
		reserved |= X86_CR4_SMAP;
	vcpu->cr4_reserved = reserved;

	vcpu->efer_reserved = 0;
	if (!(edx81 & F(LM)))
		vcpu->efer_reserved |= EFER_LME | EFER_LMA;
	if (!(edx81 & F(NX)))
		vcpu->efer_reserved |= EFER_NX;

	vcpu->pv_features = hvx_cpuid_pv_features(vcpu);
}

/* Is @copy the vCPU's table, entry for entry (padding aside)? */
static bool hvx_cpuid_same(const struct hvx_vcpu *vcpu,
			   const struct kvm_cpuid_entry2 *copy,
			   unsigned int nent)
{
	unsigned int i;

	if (nent != vcpu->cpuid_nent)
		return false;
	for (i = 0; i < nent; i++) {
		const struct kvm_cpuid_entry2 *a = &copy[i], *b = &vcpu->cpuid[i];

		if (a->function != b->function || a->index != b->index ||
		    a->flags != b->flags || a->eax != b->eax ||
		    a->ebx != b->ebx || a->ecx != b->ecx || a->edx != b->edx)
			return false;
	}
	return true;
}

/**
 * hvx_vcpu_set_cpuid - give a vCPU its CPUID table
 * @vcpu: the vCPU
 * @entries: the table
 * @nent: its length, at most HVX_MAX_CPUID_ENTRIES
 *
 * Once the vCPU has run, its table stays: a guest that has looked at its
 * features and turned some on must not see them vanish.  Setting the same
 * table again is allowed (VMMs do, when they restore a vCPU); another is
 * -EINVAL, as in KVM.
 *
 * Return: 0, -E2BIG, -EINVAL or -ENOMEM.
 */
int hvx_vcpu_set_cpuid(struct hvx_vcpu *vcpu,
		       const struct kvm_cpuid_entry2 *entries,
		       unsigned int nent)
{
	struct kvm_cpuid_entry2 *copy;
	unsigned int i;

	if (nent > HVX_MAX_CPUID_ENTRIES)
		return -E2BIG;
	copy = kmemdup(entries, nent * sizeof(*entries) ?: 1,
		       GFP_KERNEL_ACCOUNT);
	if (!copy)
		return -ENOMEM;
	for (i = 0; i < nent; i++)
		hvx_cpuid_mask(&copy[i]);
	if (READ_ONCE(vcpu->stats.last_cpu) >= 0) {
		bool same = hvx_cpuid_same(vcpu, copy, nent);

		kfree(copy);
		return same ? 0 : -EINVAL;
	}
	kfree(vcpu->cpuid);
	vcpu->cpuid = copy;
	vcpu->cpuid_nent = nent;
	hvx_cpuid_limits(vcpu);
	return 0;
}

/* What the vCPU's table offers its local APIC: x2APIC, the TSC deadline. */
void hvx_cpuid_apic_features(struct hvx_vcpu *vcpu, bool *x2apic,
			     bool *tsc_deadline)
{
	const struct kvm_cpuid_entry2 *e1 = hvx_cpuid_find(vcpu, 1, 0);

	*x2apic = e1 && (e1->ecx & F(X2APIC));
	*tsc_deadline = e1 && (e1->ecx & F(TSC_DEADLINE_TIMER));
}

/*
 * The guest's MAXPHYADDR, from CPUID.80000008H:EAX[7:0], or 36 where its
 * table has no such leaf (as KVM), within the architecture's 32 to 52.
 */
unsigned int hvx_guest_maxphyaddr(struct hvx_vcpu *vcpu)
{
	const struct kvm_cpuid_entry2 *e = hvx_cpuid_find(vcpu, 0x80000000, 0);

	if (!e || e->eax < 0x80000008)
		return 36;
	e = hvx_cpuid_find(vcpu, 0x80000008, 0);
	return e ? clamp(e->eax & 0xff, 32U, 52U) : 36;
}

/* RTM in the guest's CPUID (leaf 7 EBX): DR6 bit 16 is then its to use. */
bool hvx_guest_has_rtm(struct hvx_vcpu *vcpu)
{
	const struct kvm_cpuid_entry2 *e = hvx_cpuid_find(vcpu, 7, 0);

	return e && (e->ebx & F(RTM));
}

/* Long mode in the guest's CPUID: its SMM state save map is the 64-bit one. */
bool hvx_guest_has_lm(struct hvx_vcpu *vcpu)
{
	const struct kvm_cpuid_entry2 *e = hvx_cpuid_find(vcpu, 0x80000001, 0);

	return e && (e->edx & F(LM));
}

/**
 * hvx_guest_has_mwait - does the guest's CPUID offer MONITOR and MWAIT?
 * @vcpu: the vCPU
 *
 * Only where the VMM turned KVM_X86_QUIRK_MISC_ENABLE_NO_MWAIT off and the
 * guest set IA32_MISC_ENABLE.MWAIT: hvx's tables never offer it.
 */
bool hvx_guest_has_mwait(struct hvx_vcpu *vcpu)
{
	return !hvx_quirk(vcpu->vm, KVM_X86_QUIRK_MISC_ENABLE_NO_MWAIT) &&
	       (vcpu->misc_enable & MSR_IA32_MISC_ENABLE_MWAIT);
}

/**
 * hvx_guest_pv_has - may the guest use one of KVM's paravirtual features?
 * @vcpu: the vCPU
 * @feature: a KVM_FEATURE_* bit number
 *
 * As in KVM, a guest may use every paravirtual feature hvx has, offered
 * or not, until the VMM enables KVM_CAP_ENFORCE_PV_FEATURE_CPUID on the
 * vCPU; from then on only those its CPUID table offers.
 */
bool hvx_guest_pv_has(struct hvx_vcpu *vcpu, unsigned int feature)
{
	return !vcpu->pv_enforce || (vcpu->pv_features & BIT(feature));
}

/**
 * hvx_cpuid_lookup - answer a guest's CPUID from the vCPU's table
 * @vcpu: the vCPU
 * @function: EAX
 * @index: ECX
 * @eax: result
 * @ebx: result
 * @ecx: result
 * @edx: result
 *
 * A leaf above the highest one in its range answers as the highest basic
 * leaf does, as Intel CPUs do; a missing leaf below it answers zeros.
 */
void hvx_cpuid_lookup(struct hvx_vcpu *vcpu, u32 function, u32 index,
		      u32 *eax, u32 *ebx, u32 *ecx, u32 *edx)
{
	const struct kvm_cpuid_entry2 *e = hvx_cpuid_find(vcpu, function, index);

	if (!e) {
		const struct kvm_cpuid_entry2 *max;

		max = hvx_cpuid_find(vcpu, function & 0x80000000, 0);
		if (max && function > max->eax) {
			max = hvx_cpuid_find(vcpu, 0, 0);
			if (max)
				e = hvx_cpuid_find(vcpu, max->eax, index);
		}
	}
	if (e) {
		*eax = e->eax;
		*ebx = e->ebx;
		*ecx = e->ecx;
		*edx = e->edx;
	} else {
		*eax = 0;
		*ebx = 0;
		*ecx = 0;
		*edx = 0;
		return;
	}
	if (e->function == 1) {
		if ((e->ecx & F(XSAVE)) &&
		    (hvx_guest_cr4(vcpu) & X86_CR4_OSXSAVE))
			*ecx |= F(OSXSAVE);
		/* A disabled local APIC is not there (IA32_APIC_BASE.EN). */
		if (vcpu->apic && !hvx_irqchip_apic_enabled(vcpu->apic))
			*edx &= ~F(APIC);
		if (hvx_guest_has_mwait(vcpu))
			*ecx |= F(MWAIT);
	} else if (e->function == 0xd && e->index == 0 && vcpu->xcr0_allowed) {
		*ebx = hvx_xsave_size(vcpu->xcr0);
	}
}
