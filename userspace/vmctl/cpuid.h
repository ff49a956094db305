/* SPDX-License-Identifier: GPL-2.0 */
/* A vCPU's CPUID (cpuid.c). */
#ifndef VMCTL_CPUID_H
#define VMCTL_CPUID_H

#include <linux/kvm.h>

#include "machine.h"

int cpuid_setup(struct vcpu *v, struct kvm_cpuid_entry2 *leaf1);
void cpuid_tsc_leaf(uint32_t tsc_khz, struct kvm_cpuid_entry2 *e);

#endif /* VMCTL_CPUID_H */
