/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest of tests/e2e/progs/smi_test.c: system management mode.  Its
 * VMM maps SMRAM over 0x30000-0x4ffff in address space 1 only, copies
 * smm_handler (16-bit code) to SMBASE + 0x8000 for both SMBASEs the test
 * uses, and sends SMIs; each one runs the handler, which reports from SMM
 * and moves SMBASE to NEW_SMBASE before its RSM.
 *
 *   1  where the handler is; what 0x30000 holds outside SMM (RAM, not
 *      SMRAM)
 *   2  an SMI the guest sends itself through its APIC (ICR, delivery mode
 *      SMI), with values in ESI and EDI that must be there after RSM
 *   3  nothing: the VMM sends an SMI (KVM_SMI)
 *   4  nothing: the VMM makes one pending (KVM_SET_VCPU_EVENTS)
 *
 * An NMI reports its vector on P_VEC and returns.  Entry: at 0x10000
 * (linked there), in 32-bit protected mode without paging, IF=0.
 */
#define NVEC 3
#include "pm32.h"

#define APIC		0xfee00000
#define APIC_SVR	0xf0
#define APIC_ICR	0x300
#define ICR_SELF_SMI	0x40200		/* shorthand self, delivery mode SMI */
#define P_SMM		0x90		/* dword: the handler, in SMM */
#define NEW_SMBASE	0x40000
#define SMM_REV_64	0x00020064

	PM32_START
	IDT32_LOAD

	MARK	1
	VAL	$smm_handler
	VAL	$smm_end
	VAL	0x30000

	/*
	 * Every page the guest uses from here on mapped (the APIC's too),
	 * then an IRET: NMIs unblocked, whatever came before.  In the test
	 * machine an EPT violation can report "NMI unblocking due to IRET"
	 * for no IRET of the guest's, and the hypervisor then blocks NMIs
	 * until the guest's next IRET (seen on hvx and kvm_intel alike).
	 */
	movl	$0x1ff, APIC + APIC_SVR		/* software-enabled */
	pushf
	push	%cs
	push	$1f
	iret
1:
	MARK	2
	mov	$0x12345678, %esi
	mov	$0x9abcdef0, %edi
	movl	$ICR_SELF_SMI, APIC + APIC_ICR
	VAL	%esi
	VAL	%edi

	MARK	3
	MARK	4
	MARK	5
	HALT

	IDT32_STUBS
	out	%al, $P_VEC
	cmp	$2, %al
	je	1f
	out	%al, $P_DEAD
	HALT
1:	IRET32_REPORT

	PM32_TABLES
	IDT32

/*
 * The SMI handler, which the VMM copies to SMBASE + 0x8000: real mode
 * with CS.base = SMBASE, so %cs:N is SMBASE + N.  It reports the first
 * dword of its SMRAM (which only address space 1 has), then writes
 * NEW_SMBASE into the state save map, where the map's format (its
 * revision, at SMBASE + 0xfefc) keeps SMBASE, and returns.
 */
	.code16
smm_handler:
	movl	%cs:0, %eax
	out	%eax, $P_SMM
	movl	%cs:0xfefc, %eax
	cmpl	$SMM_REV_64, %eax
	je	1f
	movl	$NEW_SMBASE, %cs:0xfef8		/* the 32-bit map's */
	jmp	2f
1:	movl	$NEW_SMBASE, %cs:0xff00		/* the 64-bit map's */
2:	rsm
smm_end:
	.code32
