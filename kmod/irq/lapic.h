/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The local APIC of one vCPU, in xAPIC and x2APIC mode, as pure logic: its
 * register page (the 1 KiB that KVM_GET/SET_LAPIC carry), the interrupts
 * it accepts, their priority, the IPIs its ICR sends, its LVT and its
 * timer, and IA32_APIC_BASE (SDM "Advanced Programmable Interrupt
 * Controller (APIC)").
 *
 * Nothing here sleeps, takes a lock, reads the clock, arms a timer or
 * touches a vCPU.  Locking contract: the caller holds the VM's irq lock
 * around every call, on every vCPU's APIC (an IPI or an IOAPIC message
 * reaches other vCPUs' APICs), and passes ktime_get() in nanoseconds as
 * @now_ns.  What a call asks of the caller comes back in its result:
 *
 * - struct hvx_lapic_action, from the register writes: an IPI to deliver
 *   (to every APIC hvx_lapic_matches(), or to the one of them that
 *   hvx_lapic_compare_prio() puts first for lowest priority), the EOI of
 *   a level-triggered vector for hvx_ioapic_eoi(), a timer to re-arm.
 * - enum hvx_lapic_delivery, from everything that raises an interrupt:
 *   whether to kick the vCPU, and the NMI, INIT, SIPI, SMI and ExtINT
 *   events this APIC leaves to the caller.
 *
 * Before each entry the vCPU takes, in this order: its pending INIT,
 * SIPI or NMI (its own state); the vector hvx_lapic_pending() gives, when
 * the guest can take an interrupt, with hvx_lapic_acknowledge(); else,
 * if hvx_lapic_accepts_pic(), the PIC's.  MOV to and from CR8 go to
 * hvx_lapic_set_cr8() and hvx_lapic_get_cr8().
 *
 * The timer: one hrtimer per vCPU.  After a call that changes it (an
 * action with HVX_LAPIC_ACT_TIMER, hvx_lapic_set_tsc_deadline() returning
 * true, hvx_lapic_reset(), hvx_lapic_set_state()) the caller re-arms it
 * from hvx_lapic_timer(), or cancels it, without waiting for a running
 * callback (hrtimer_try_to_cancel(), hrtimer_start()): the callback takes
 * the lock, calls hvx_lapic_timer_fired(), which ignores a call before the
 * expiry it last reported, and re-arms from hvx_lapic_timer().
 */
#ifndef HVX_IRQ_LAPIC_H
#define HVX_IRQ_LAPIC_H

#include <linux/bits.h>
#include <linux/kvm.h>
#include <linux/time64.h>
#include <linux/types.h>
#include <asm/apicdef.h>

#include "irq.h"

#define HVX_LAPIC_BASE		APIC_DEFAULT_PHYS_BASE	/* 0xfee00000 */
#define HVX_LAPIC_MMIO_SIZE	0x1000
#define HVX_LAPIC_MSR_FIRST	APIC_BASE_MSR		/* 0x800 */
#define HVX_LAPIC_MSR_LAST	(APIC_BASE_MSR + 0xff)

/*
 * The version register, as KVM's: version 0x14 (an xAPIC), six LVT entries
 * (timer, thermal, performance, LINT0, LINT1, error: the register says 5,
 * one less), a seventh for CMCI where the vCPU has it (hvx_lapic_set_cmci()),
 * no EOI-broadcast suppression.
 */
#define HVX_LAPIC_VERSION	0x50014
#define HVX_LAPIC_VERSION_CMCI	0x60014

/*
 * The APIC timer counts the bus clock divided by the divide configuration;
 * KVM's bus runs at 1 GHz (APIC_BUS_CYCLE_NS = 1), and so does hvx's.
 */
#define HVX_LAPIC_BUS_CYCLE_NS	1

/*
 * The shortest period of a periodic timer, as KVM's min_timer_period_us:
 * the host's hrtimers are not throttled by its scheduler, and a count of 1
 * would ask for an interrupt every nanosecond.  Reads of the current count
 * keep to the guest's count.
 */
#define HVX_LAPIC_MIN_PERIOD_NS	(200 * NSEC_PER_USEC)

/* What a register write asks of the caller: struct hvx_lapic_action. */
#define HVX_LAPIC_ACT_IPI	BIT(0)	/* deliver @ipi */
#define HVX_LAPIC_ACT_EOI	BIT(1)	/* an EOI of @eoi_vector */
#define HVX_LAPIC_ACT_TIMER	BIT(2)	/* re-arm from hvx_lapic_timer() */
#define HVX_LAPIC_ACT_MOVED	BIT(3)	/* the guest moved the base (below) */

/**
 * struct hvx_lapic_action - what a write to the APIC asks of the caller
 * @flags: HVX_LAPIC_ACT_*
 * @ipi: the interrupt the ICR or SELF IPI sent: the caller hands it to
 *	hvx_lapic_accept() of every APIC that hvx_lapic_matches() (this one
 *	as the source), or for lowest priority to the first of them by
 *	hvx_lapic_compare_prio(), and kicks the vCPUs that took it
 * @eoi_vector: the vector an EOI took out of service
 * @eoi_level: it was level-triggered (its TMR bit was set): the caller
 *	passes the EOI on to the IOAPIC, hvx_ioapic_eoi()
 *
 * HVX_LAPIC_ACT_MOVED: IA32_APIC_BASE now names another base address.
 * hvx takes the value, which reads back, but keeps the registers at
 * HVX_LAPIC_BASE, where the VT-x APIC-access page is: the caller says so,
 * once.  (KVM before 5.19 did the same and warned once, "APIC base
 * relocation is unsupported"; 6.1 moves its emulated page and turns
 * APICv off.  Linux never moves it.)
 */
struct hvx_lapic_action {
	u32 flags;
	struct hvx_irq ipi;
	u8 eoi_vector;
	bool eoi_level;
};

/**
 * enum hvx_lapic_delivery - what became of an interrupt sent to an APIC
 * @HVX_LAPIC_DROPPED: nothing: the APIC is disabled, the LVT entry
 *	masked, a level de-asserted, or the delivery mode is one no local
 *	APIC takes
 * @HVX_LAPIC_ILLEGAL: a vector below 16: refused, and the error was
 *	logged in the ESR, which may have raised the error interrupt (kick)
 * @HVX_LAPIC_COALESCED: fixed or lowest priority, already in the IRR
 * @HVX_LAPIC_IRR: fixed or lowest priority, now in the IRR (kick)
 * @HVX_LAPIC_NMI: an NMI: the caller injects it
 * @HVX_LAPIC_INIT: an INIT: the caller resets the vCPU (INIT_RECEIVED
 *	but for the BSP) and calls hvx_lapic_reset(@init = true)
 * @HVX_LAPIC_SIPI: a start-up IPI with the vector of the message: the
 *	caller starts a vCPU in INIT_RECEIVED at vector << 12
 * @HVX_LAPIC_SMI: an SMI: the caller raises it (kmod/x86/smm.c)
 * @HVX_LAPIC_EXTINT: ExtINT: the vector comes from the PIC
 *
 * For the IOAPIC's deliver() count, > COALESCED is accepted.
 */
enum hvx_lapic_delivery {
	HVX_LAPIC_DROPPED,
	HVX_LAPIC_ILLEGAL,
	HVX_LAPIC_COALESCED,
	HVX_LAPIC_IRR,
	HVX_LAPIC_NMI,
	HVX_LAPIC_INIT,
	HVX_LAPIC_SIPI,
	HVX_LAPIC_SMI,
	HVX_LAPIC_EXTINT,
};

/**
 * struct hvx_lapic_timer - what the vCPU's timer hrtimer must do
 * @armed: an interrupt is coming; if clear, the hrtimer is cancelled
 * @periodic: after @expires_ns, every @period_ns
 * @clamped: @period_ns is HVX_LAPIC_MIN_PERIOD_NS, longer than the
 *	guest's count asks for (the caller may say so, rate-limited)
 * @expires_ns: the next expiry, on the caller's clock; it may have passed
 *	(a TSC deadline in the past): an hrtimer armed then fires at once
 * @period_ns: the time between interrupts of a periodic timer
 */
struct hvx_lapic_timer {
	bool armed;
	bool periodic;
	bool clamped;
	s64 expires_ns;
	u64 period_ns;
};

/**
 * struct hvx_lapic - one local APIC
 * @regs: the register page, laid out as the xAPIC's MMIO page and struct
 *	kvm_lapic_state: register n at byte 16n.  In x2APIC mode ID holds
 *	the 32-bit x2APIC ID, and ICR2 the ICR's bits 63:32.
 * @vcpu_id: the vCPU's id: its x2APIC ID, and its xAPIC ID at reset
 * @base: IA32_APIC_BASE
 * @phys_bits: the guest's MAXPHYADDR: the base's bits above are reserved
 * @cpuid_x2apic: the guest's CPUID offers x2APIC (IA32_APIC_BASE.EXTD)
 * @cpuid_tsc_deadline: ... and the TSC-deadline timer mode
 * @cmci: the vCPU signals corrected machine checks: LVT CMCI is there
 * @esr_pending: errors seen since the guest last wrote the ESR
 * @lowest_taken: lowest-priority interrupts this APIC took, to break ties
 * @tmr: the timer: counting since @tmr.start_ns from @tmr.count_ns (the
 *	initial count times the divider, in ns), the next expiry, the
 *	period, and IA32_TSC_DEADLINE as the guest wrote it
 */
struct hvx_lapic {
	u32 regs[KVM_APIC_REG_SIZE / sizeof(u32)];
	u32 vcpu_id;
	u64 base;
	u8 phys_bits;
	bool cpuid_x2apic;
	bool cpuid_tsc_deadline;
	bool cmci;
	u32 esr_pending;
	u32 lowest_taken;
	struct {
		s64 start_ns;
		u64 count_ns;
		bool armed;
		s64 expires_ns;
		u64 period_ns;
		u64 tsc_deadline;
	} tmr;
};

void hvx_lapic_init(struct hvx_lapic *apic, u32 vcpu_id, u8 phys_bits,
		    bool bsp);
void hvx_lapic_set_cpuid(struct hvx_lapic *apic, bool x2apic,
			 bool tsc_deadline);
void hvx_lapic_reset(struct hvx_lapic *apic, bool init, bool bsp);
int hvx_lapic_set_base(struct hvx_lapic *apic, u64 value, bool from_host,
		       struct hvx_lapic_action *act);
bool hvx_lapic_x2apic_mode(const struct hvx_lapic *apic);
u32 hvx_lapic_id(const struct hvx_lapic *apic);
void hvx_lapic_set_cmci(struct hvx_lapic *apic, bool on);
enum hvx_lapic_delivery hvx_lapic_cmci(struct hvx_lapic *apic);

int hvx_lapic_read(struct hvx_lapic *apic, u32 offset, unsigned int len,
		   void *val, s64 now_ns);
int hvx_lapic_write(struct hvx_lapic *apic, u32 offset, unsigned int len,
		    const void *val, s64 now_ns, struct hvx_lapic_action *act);
int hvx_lapic_rdmsr(struct hvx_lapic *apic, u32 msr, u64 *val, s64 now_ns);
int hvx_lapic_wrmsr(struct hvx_lapic *apic, u32 msr, u64 val, s64 now_ns,
		    struct hvx_lapic_action *act);

bool hvx_lapic_matches(const struct hvx_lapic *apic, const struct hvx_irq *irq,
		       const struct hvx_lapic *source);
int hvx_lapic_compare_prio(const struct hvx_lapic *a,
			   const struct hvx_lapic *b);
enum hvx_lapic_delivery hvx_lapic_accept(struct hvx_lapic *apic,
					 const struct hvx_irq *irq);
enum hvx_lapic_delivery hvx_lapic_local_irq(struct hvx_lapic *apic,
					    unsigned int lint, bool level);
bool hvx_lapic_accepts_pic(const struct hvx_lapic *apic);

int hvx_lapic_next(const struct hvx_lapic *apic, u8 *threshold);
bool hvx_lapic_acknowledge(struct hvx_lapic *apic, u8 vector);
int hvx_lapic_set_cr8(struct hvx_lapic *apic, u64 cr8);
u64 hvx_lapic_get_cr8(const struct hvx_lapic *apic);
u8 hvx_lapic_get_tpr(const struct hvx_lapic *apic);
void hvx_lapic_set_tpr(struct hvx_lapic *apic, u8 tpr);

/* The interrupt the vCPU should take next, or -1 (hvx_lapic_next()). */
static inline int hvx_lapic_pending(const struct hvx_lapic *apic)
{
	return hvx_lapic_next(apic, NULL);
}

void hvx_lapic_timer(const struct hvx_lapic *apic, struct hvx_lapic_timer *t);
enum hvx_lapic_delivery hvx_lapic_timer_fired(struct hvx_lapic *apic,
					      s64 now_ns);
bool hvx_lapic_set_tsc_deadline(struct hvx_lapic *apic, u64 tsc,
				s64 expires_ns);
u64 hvx_lapic_tsc_deadline(const struct hvx_lapic *apic);

void hvx_lapic_get_state(const struct hvx_lapic *apic,
			 struct kvm_lapic_state *s, s64 now_ns);
int hvx_lapic_set_state(struct hvx_lapic *apic,
			const struct kvm_lapic_state *s, s64 now_ns);

#endif /* HVX_IRQ_LAPIC_H */
