// SPDX-License-Identifier: GPL-2.0
/*
 * The two ways a PC guest resets itself through a port, as Linux's
 * reboot= option names them:
 *
 *   reboot=k  the keyboard controller (an i8042): command 0xfe written to
 *             port 0x64 pulses the CPU's reset line.  Linux waits for the
 *             controller's input buffer to be empty first, so the status
 *             register reads 0 (nothing buffered either way).  The
 *             controller has no keyboard behind it: every other command
 *             is ignored and port 0x60 reads 0.
 *   reboot=pci  the reset control register at 0xcf9: a write with bit 2
 *             (reset CPU) set resets.  Linux first writes the register
 *             with bit 1 (system reset) alone, which must not, then sets
 *             bit 2.
 *
 * The third, a triple fault, is the vCPU loop's (vcpu.c).  vmctl ends the
 * run on a reset rather than restarting the guest.
 */
#include <string.h>

#include "devices.h"

#define I8042_CMD_RESET		0xfe
#define CF9_RESET_CPU		0x04

int i8042_io(struct vcpu *v, void *dev, uint64_t addr, uint8_t *data,
	     unsigned int len, bool write)
{
	struct resetctl *rc = dev;

	if (!write)
		memset(data, 0, len);
	else if (addr == I8042_CMD_PORT && data[0] == I8042_CMD_RESET)
		rc->reset(rc->ctx, "keyboard controller");
	return -1;
}

int cf9_io(struct vcpu *v, void *dev, uint64_t addr, uint8_t *data,
	   unsigned int len, bool write)
{
	struct resetctl *rc = dev;

	if (!write) {
		memset(data, 0xff, len);
		data[0] = rc->cf9;
		return -1;
	}
	rc->cf9 = data[0] & ~CF9_RESET_CPU;
	if (data[0] & CF9_RESET_CPU)
		rc->reset(rc->ctx, "port 0xcf9");
	return -1;
}
