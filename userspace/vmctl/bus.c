// SPDX-License-Identifier: GPL-2.0
/*
 * The port I/O and MMIO buses: which device answers an address.
 *
 * A bus is a short table of address ranges, filled before the vCPUs start
 * and then only read, as kvmtool's ioport and MMIO buses are (it keeps a
 * tree; vmctl's few devices fit a table).  What no range claims is the
 * vCPU loop's to decide: an empty bus for a Linux guest, an error for a
 * test image.
 */
#include <errno.h>

#include "machine.h"

int bus_add(struct bus *bus, uint64_t base, uint64_t len, bus_fn *fn,
	    void *dev)
{
	int i;

	if (bus->nr == BUS_MAX_RANGES)
		return -ENOSPC;
	for (i = 0; i < bus->nr; i++) {
		const struct bus_range *r = &bus->ranges[i];

		if (base < r->base + r->len && r->base < base + len)
			return -EEXIST;
	}
	bus->ranges[bus->nr++] = (struct bus_range) {
		.base = base, .len = len, .fn = fn, .dev = dev,
	};
	return 0;
}

/*
 * One access, to the device whose range holds its first byte (on the MMIO
 * bus, all of it: an access that straddles two devices reaches neither).
 * A port device decodes wider accesses itself, as an ISA device does.
 * Returns the
 * handler's answer (-1 to go on), or -1 with *claimed false when no
 * device has the address.
 */
int bus_access(struct bus *bus, struct vcpu *v, uint64_t addr,
	       uint8_t *data, unsigned int len, bool write, bool *claimed)
{
	int i;

	for (i = 0; i < bus->nr; i++) {
		const struct bus_range *r = &bus->ranges[i];

		if (addr >= r->base && addr - r->base < r->len &&
		    (!bus->whole || addr - r->base + len <= r->len)) {
			*claimed = true;
			return r->fn(v, r->dev, addr, data, len, write);
		}
	}
	*claimed = false;
	return -1;
}
