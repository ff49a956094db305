/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * hvx's own additions to the KVM ABI.
 *
 * /dev/hvx speaks KVM's ABI, as <linux/kvm.h> defines it, for everything
 * KVM has.  What hvx adds lives here: a capability that tells a client it
 * is talking to hvx and which of hvx's extensions it has.
 */
#ifndef _UAPI_HVX_H
#define _UAPI_HVX_H

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

#endif /* _UAPI_HVX_H */
