// SPDX-License-Identifier: GPL-2.0
/*
 * CPUID: what hvx can offer a guest (KVM_GET_SUPPORTED_CPUID), the table
 * a vCPU answers from (KVM_SET_CPUID2), and the answer to a guest's CPUID.
 *
 * The supported set is the host's CPUID with every feature hvx does not
 * virtualise taken out: VMX itself, XSAVE and the AVX family (the guest's
 * XCR0 is not switched yet), PCID, the local APIC's x2APIC and TSC
 * deadline modes (no APIC model yet), MONITOR/MWAIT, RDTSCP and INVPCID
 * (their VM-execution controls stay off), performance monitoring, and the
 * host's topology.  Feature words are filtered through allow-lists, so a
 * feature hvx has never heard of is never offered.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/cpufeatures.h>
#include <asm/processor.h>

#include "vm.h"

#define F(x)	BIT(X86_FEATURE_##x & 31)

/* CPUID.1:EDX */
#define HVX_1_EDX	(F(FPU) | F(VME) | F(DE) | F(PSE) | F(TSC) | F(MSR) | \
			 F(PAE) | F(CX8) | F(SEP) | F(PGE) | F(CMOV) |	       \
			 F(PAT) | F(PSE36) | F(CLFLUSH) | F(MMX) | F(FXSR) |   \
			 F(XMM) | F(XMM2))
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

static void hvx_cpuid_filter(struct kvm_cpuid_entry2 *e)
{
	switch (e->function) {
	case 0:
		e->eax = min_t(u32, e->eax, HVX_MAX_BASIC_LEAF);
		break;
	case 1:
		/* The APIC ID is the VMM's to fill in, per vCPU. */
		e->ebx &= 0x00ffffff;
		e->ecx = (e->ecx & HVX_1_ECX) | BIT(31);
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
	case 7:
		if (e->index == 0) {
			e->eax = 0;
			e->ebx &= HVX_7_EBX;
			e->ecx = 0;
			e->edx = 0;
		} else {
			hvx_cpuid_zero(e);
		}
		break;
	case 0x80000000:
		e->eax = min_t(u32, e->eax, HVX_MAX_EXT_LEAF);
		break;
	case 0x80000001:
		e->ecx &= HVX_8_1_ECX;
		e->edx &= HVX_8_1_EDX;
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
		} else if (f == 0xb || f == 0xd) {
			e = hvx_cpuid_add(&b, f, 0, true);
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
	return b.n;
}

/* What hvx cannot give a guest, whatever the VMM asks for. */
static void hvx_cpuid_mask(struct kvm_cpuid_entry2 *e)
{
	if (e->function == 1) {
		e->ecx &= ~(F(VMX) | F(SMX) | F(XSAVE) | F(OSXSAVE) | F(AVX) |
			    F(FMA) | F(F16C) | F(PCID) | F(X2APIC) |
			    F(TSC_DEADLINE_TIMER) | F(MWAIT));
	} else if (e->function == 7 && e->index == 0) {
		e->ebx &= ~(F(INVPCID) | F(AVX2) | F(AVX512F));
		e->ecx &= ~F(PKU);
	} else if (e->function == 0x80000001) {
		e->edx &= ~F(RDTSCP);
	}
}

/**
 * hvx_vcpu_set_cpuid - give a vCPU its CPUID table
 * @vcpu: the vCPU
 * @entries: the table
 * @nent: its length, at most HVX_MAX_CPUID_ENTRIES
 *
 * Return: 0, -E2BIG, or -ENOMEM.
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
	kfree(vcpu->cpuid);
	vcpu->cpuid = copy;
	vcpu->cpuid_nent = nent;
	return 0;
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
	}
}
