/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels hvx builds against, detected from the
 * kernel's own headers by Kbuild rather than guessed from version numbers:
 * distributions backport interface changes.
 */
#ifndef HVX_COMPAT_H
#define HVX_COMPAT_H

#include <linux/compiler.h>
#include <linux/syscore_ops.h>

/*
 * Newer kernels pass syscore callbacks a data pointer and register a
 * struct syscore that points at the ops.
 */
#ifdef HVX_HAVE_SYSCORE_DATA
#define HVX_SYSCORE_ARGS void *data
#define DEFINE_HVX_SYSCORE(name, callbacks)					\
	static struct syscore name##_syscore = { .ops = &(callbacks) };	\
	static struct syscore *const name = &name##_syscore
#define hvx_register_syscore(s)		register_syscore(s)
#define hvx_unregister_syscore(s)	unregister_syscore(s)
#else
#define HVX_SYSCORE_ARGS void
#define DEFINE_HVX_SYSCORE(name, callbacks)					\
	static struct syscore_ops *const name = &(callbacks)
#define hvx_register_syscore(s)		register_syscore_ops(s)
#define hvx_unregister_syscore(s)	unregister_syscore_ops(s)
#endif

/*
 * Linux 6.12 renamed kvm_run's immediate_exit inside the kernel (the
 * field itself, and the ABI, are unchanged).
 */
#ifdef HVX_HAVE_IMMEDIATE_EXIT_UNSAFE
#define hvx_run_immediate_exit(run)	READ_ONCE((run)->immediate_exit__unsafe)
#else
#define hvx_run_immediate_exit(run)	READ_ONCE((run)->immediate_exit)
#endif

/*
 * A dump's parsed request attributes: Linux 6.6 moved them into a struct
 * genl_info of the dump's own.
 */
#ifdef HVX_HAVE_GENL_INFO_DUMP
#define hvx_genl_dump_attrs(cb)	(genl_info_dump(cb)->attrs)
#else
#define hvx_genl_dump_attrs(cb)	(genl_dumpit_info(cb)->attrs)
#endif

/*
 * The emergency reboot path's one callback slot for turning VMX off
 * (kmod/vmx/vmx.c).  Kernels before it (Linux 6.6, and 6.1 before the
 * stable backport) turned VMX off on that path themselves, on every CPU
 * with CR4.VMXE set, so there is nothing to register.  A 6.12 kernel
 * built without KVM declares empty stubs and leaves VMX alone there; hvx
 * has no other way in.
 */
#ifdef HVX_HAVE_EMERGENCY_VIRT_CB
#include <asm/reboot.h>
#define hvx_emergency_register(cb)	cpu_emergency_register_virt_callback(cb)
#define hvx_emergency_unregister(cb)	cpu_emergency_unregister_virt_callback(cb)
#else
static inline void hvx_emergency_register(void (*cb)(void)) { }
static inline void hvx_emergency_unregister(void (*cb)(void)) { }
#endif

/* eventfd_signal() lost its count argument in 6.8. */
#ifdef HVX_HAVE_EVENTFD_SIGNAL_1
#define hvx_eventfd_signal(ctx)		eventfd_signal(ctx)
#else
#define hvx_eventfd_signal(ctx)		eventfd_signal(ctx, 1)
#endif

#endif /* HVX_COMPAT_H */
