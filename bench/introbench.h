/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the introspection benchmarks' guest (guest.c) and their
 * introspector (introbench.c) agree on.  The guest announces itself by
 * writing INTRO_HELLO to IA32_SYSENTER_EIP, over and over (a write that
 * exits only for an introspector watching it), until it reads back
 * INTRO_GO, which the introspector's reply wrote instead.  Later it
 * writes the guest-physical address of a page (4 KiB-aligned) for the
 * introspector to take the page's write right, and it ends the phase
 * with INTRO_BYE.  Plain constants, for both.
 */
#ifndef HVX_BENCH_INTROBENCH_H
#define HVX_BENCH_INTROBENCH_H

#define INTRO_MSR	0x176		/* IA32_SYSENTER_EIP */
#define INTRO_HELLO	0x48454c4fUL	/* "HELO" */
#define INTRO_GO	0x21474f21UL	/* "!GO!" */
#define INTRO_BYE	0x21455942UL	/* "BYE!" */
/* The guest's wait for the introspector, in its TSC's ticks. */
#define INTRO_WAIT	(1UL << 28)

#endif
