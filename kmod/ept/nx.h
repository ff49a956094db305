/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The iTLB multihit mitigation (KVM's nx_huge_pages): which EPT leaves
 * may be executable.
 *
 * On CPUs with the erratum (X86_BUG_ITLB_MULTIHIT), an instruction fetch
 * may raise a machine check, which takes the whole host down, when it
 * hits two iTLB entries for one address: a 4 KiB one cached before the
 * page's size changed, and a larger one, to another physical address or
 * with another memory type, after (the kernel's hw-vuln/multihit.rst).
 * A guest changes the sizes of its own pages at will, and need not
 * invalidate in between; what the CPU caches for it is no larger than
 * the guest's page and the EPT's leaf both.  So while the mitigation is
 * on, no 2 MiB leaf is executable, and every translation a guest can
 * fetch through is 4 KiB, whatever the guest does: its first instruction
 * fetch from a 2 MiB leaf exits with an EPT violation, and hvx maps that
 * 2 MiB again with 4 KiB leaves, executable, over the same memory
 * (kmod/ept/mmu.c).  Data keeps its 2 MiB leaves.
 *
 * KVM takes such split ranges out again, a few at a time
 * (nx_huge_pages_recovery_ratio), so that one where no code runs any more
 * is mapped 2 MiB on its next data access.  hvx does not, yet: a 2 MiB
 * range that the guest once executed stays split until its slot changes
 * or the VM goes.
 *
 * Pure logic, so that KUnit can check it (tests/kunit/ept_test.c).
 */
#ifndef HVX_EPT_NX_H
#define HVX_EPT_NX_H

#include <linux/errno.h>
#include <linux/kstrtox.h>
#include <linux/string.h>

#include "ept.h"

/* nx_huge_pages as given: KVM's words. */
enum hvx_nx_mode {
	HVX_NX_AUTO,		/* on iff the CPU has the erratum */
	HVX_NX_OFF,
	HVX_NX_FORCE,
};

/*
 * "auto", "off", "force", and what kstrtobool() takes ("on", "y", "1",
 * "n", "0", ...), as KVM does; KVM's "never" is "off" here, as hvx's
 * choice never changes after load anyway.  Return: an hvx_nx_mode, or
 * -EINVAL.
 */
static inline int hvx_nx_parse(const char *val)
{
	bool on;

	if (sysfs_streq(val, "auto"))
		return HVX_NX_AUTO;
	if (sysfs_streq(val, "force"))
		return HVX_NX_FORCE;
	if (sysfs_streq(val, "never"))
		return HVX_NX_OFF;
	if (kstrtobool(val, &on))
		return -EINVAL;
	return on ? HVX_NX_FORCE : HVX_NX_OFF;
}

/*
 * Whether the mitigation is on.  "auto" follows the host kernel: the CPU
 * has the erratum and mitigations=off was not given.
 */
static inline bool hvx_nx_decide(enum hvx_nx_mode mode, bool has_bug,
				 bool mitigations_off)
{
	if (mode == HVX_NX_AUTO)
		return has_bug && !mitigations_off;
	return mode == HVX_NX_FORCE;
}

/* The permissions of a 2 MiB leaf that would otherwise have @prot. */
static inline u64 hvx_nx_huge_prot(u64 prot, bool nx)
{
	return nx ? prot & ~HVX_EPT_EXEC : prot;
}

/*
 * The largest leaf (1: 4 KiB, 2: 2 MiB) for a guest access with @access
 * (HVX_EPT_READ, _WRITE, _EXEC): a fetch needs an executable leaf, which
 * under the mitigation is a 4 KiB one.
 */
static inline int hvx_nx_max_level(u64 access, bool nx)
{
	return nx && (access & HVX_EPT_EXEC) ? 1 : 2;
}

#endif /* HVX_EPT_NX_H */
