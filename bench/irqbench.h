/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the interrupt benchmarks' guest (guest.c) and their VMM
 * (irqbench.c) agree on: how the guest knows it runs under irqbench, the
 * ports it talks on, and the IOAPIC pins the VMM raises.  Included by
 * both, so it holds plain constants only.
 */
#ifndef HVX_BENCH_IRQBENCH_H
#define HVX_BENCH_IRQBENCH_H

/* In RDX at _start (vmctl run leaves RDX 0): run the interrupt benchmarks. */
#define IRQ_MAGIC	0x49525142UL	/* "IRQB" */

/*
 * Ports, each OUT an exit to irqbench.  The VMM times from a READY exit
 * to the next DONE exit with its own TSC: READY's value says what it
 * raises in between (RAISE_*).
 */
#define PORT_READY	0x500	/* dword: RAISE_* */
#define PORT_DONE	0x501	/* the handler (or, RAISE_NONE, the guest) */
#define PORT_START_AP	0x502	/* vCPU 0 is set up: start vCPU 1's thread */
#define PORT_DEAD	0x503	/* an interrupt or exception not expected, */
#define DEAD_CR8	1	/* ... or CR8 not acting as the TPR */

#define RAISE_NONE	0	/* nothing: the bare round trip */
#define RAISE_LINE	1	/* KVM_IRQ_LINE of GSI_LINE to 1 */
#define RAISE_IRQFD	2	/* a write to the eventfd of GSI_IRQFD */

/* IOAPIC pins (GSIs), edge-triggered, and the vectors the guest gives them. */
#define GSI_LINE	10
#define GSI_IRQFD	11
#define VEC_LINE	0x3a
#define VEC_IRQFD	0x3b

#endif
