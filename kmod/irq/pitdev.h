/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A VM's in-kernel PIT (KVM_CREATE_PIT2), kmod/irq/pitdev.c.
 */
#ifndef HVX_IRQ_PITDEV_H
#define HVX_IRQ_PITDEV_H

#include <linux/types.h>

#include "pit.h"

struct hvx_vm;
struct hvx_vcpu;
struct hvx_pitdev;

int hvx_pit_create(struct hvx_vm *vm, void __user *argp);
void hvx_pit_free(struct hvx_vm *vm);
bool hvx_pit_pio(struct hvx_vcpu *vcpu, u16 port, unsigned int size,
		 unsigned int count, bool in, void *data);
int hvx_pit_ioctl(struct hvx_vm *vm, bool set, void __user *argp);

#endif /* HVX_IRQ_PITDEV_H */
