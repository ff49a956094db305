// SPDX-License-Identifier: GPL-2.0
/*
 * The devices of vmctl's test images (tests/guests), which a Linux guest
 * does not get:
 *
 *   port 0xe9    debug output: bytes written go to stdout
 *   port 0xf4    a write ends the vCPU with the value as its exit status
 *   port 0xe0    a byte FIFO for guests that test port I/O: OUT (any
 *                size, and OUTS) appends bytes, IN (and INS) takes the
 *                oldest, all ones when it is empty
 *   0xd0000000   4 KiB of MMIO scratch registers that read back what was
 *                last written; --trace-mmio prints every access
 */
#include <string.h>

#include "devices.h"

static int debug_io(struct vcpu *v, void *dev, uint64_t addr, uint8_t *data,
		    unsigned int len, bool write)
{
	if (write && len == 1)
		machine_output(v->m, data, len);
	else if (!write)
		memset(data, 0xff, len);
	return -1;
}

static int exit_io(struct vcpu *v, void *dev, uint64_t addr, uint8_t *data,
		   unsigned int len, bool write)
{
	if (!write) {
		memset(data, 0xff, len);
		return -1;
	}
	return data[0];
}

static int fifo_io(struct vcpu *v, void *dev, uint64_t addr, uint8_t *data,
		   unsigned int len, bool write)
{
	struct testdev *t = dev;
	unsigned int i;

	pthread_mutex_lock(&t->lock);
	for (i = 0; i < len; i++) {
		if (write && t->fifo_len < TESTDEV_FIFO_SIZE) {
			t->fifo[(t->fifo_head + t->fifo_len++) % TESTDEV_FIFO_SIZE] = data[i];
		} else if (!write && t->fifo_len) {
			data[i] = t->fifo[t->fifo_head];
			t->fifo_head = (t->fifo_head + 1) % TESTDEV_FIFO_SIZE;
			t->fifo_len--;
		} else if (!write) {
			data[i] = 0xff;
		}
	}
	pthread_mutex_unlock(&t->lock);
	return -1;
}

static int scratch_io(struct vcpu *v, void *dev, uint64_t addr, uint8_t *data,
		      unsigned int len, bool write)
{
	struct testdev *t = dev;
	uint64_t off = addr - TESTDEV_SCRATCH, val = 0;

	pthread_mutex_lock(&t->lock);
	if (write)
		memcpy(t->scratch + off, data, len);
	else
		memcpy(data, t->scratch + off, len);
	if (t->trace_mmio) {
		memcpy(&val, data, len);
		pthread_mutex_lock(&v->m->out_lock);
		printf("mmio: %s %u at %#llx: %#llx\n", write ? "write" : "read",
		       len, (unsigned long long)addr, (unsigned long long)val);
		fflush(stdout);
		pthread_mutex_unlock(&v->m->out_lock);
	}
	pthread_mutex_unlock(&t->lock);
	return -1;
}

int testdev_add(struct machine *m, struct testdev *t)
{
	pthread_mutex_init(&t->lock, NULL);
	return bus_add(&m->pio, TESTDEV_DEBUG_PORT, 1, debug_io, t) ?:
	       bus_add(&m->pio, TESTDEV_EXIT_PORT, 1, exit_io, t) ?:
	       bus_add(&m->pio, TESTDEV_FIFO_PORT, 1, fifo_io, t) ?:
	       bus_add(&m->mmio, TESTDEV_SCRATCH, TESTDEV_SCRATCH_SIZE,
		       scratch_io, t);
}
