/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations shared across hvx's layers: the module core (device, VM
 * lifetime) and the VMX layer that owns the CPUs' VMX operation.
 */
#ifndef HVX_HVX_H
#define HVX_HVX_H

#include <linux/cpumask.h>
#include <linux/types.h>

#define HVX_MODULE_VERSION	"0.1"

/* kmod/vmx/vmx.c: VMX operation on every CPU. */
int hvx_vmx_init(void);
void hvx_vmx_exit(void);
int hvx_vmx_get(void);
void hvx_vmx_put(void);
void hvx_vmx_cpus(struct cpumask *mask);
int hvx_vmx_format_flags(char *buf, size_t size);
u32 hvx_vmx_revision_id(void);

/* kmod/debugfs.c */
void hvx_debugfs_init(void);
void hvx_debugfs_exit(void);

/* kmod/netlink.c */
int hvx_netlink_init(void);
void hvx_netlink_exit(void);

/* kmod/vm.c */
int hvx_create_vm(unsigned long type);

#endif /* HVX_HVX_H */
