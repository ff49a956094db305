/* SPDX-License-Identifier: GPL-2.0 */
/* The guest's console on vmctl's stdin and stdout (console.c). */
#ifndef VMCTL_CONSOLE_H
#define VMCTL_CONSOLE_H

#include "devices.h"

int console_start(struct machine *m, struct serial *s);

#endif /* VMCTL_CONSOLE_H */
