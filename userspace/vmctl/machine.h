/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The machine vmctl run builds: its VM and memory, its vCPUs, the two
 * buses its devices sit on, and how a run stops.
 *
 * Everything here is set up by run.c before the first vCPU thread starts
 * and only read afterwards, so the buses need no locks; each device locks
 * its own state.
 */
#ifndef VMCTL_MACHINE_H
#define VMCTL_MACHINE_H

#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* vmctl run's exit status when the guest or vmctl failed. */
#define STATUS_GUEST_FAILED	125
/* A Linux guest rebooted, or powered off (ACPI, acpi.c). */
#define STATUS_REBOOT		0
#define STATUS_POWEROFF		4

struct machine;
struct vcpu;

/*
 * A device's handler for one access of len (1, 2, 4 or 8) bytes at addr.
 * A read fills data.  Returns -1 to let the vCPU go on, or an exit status
 * that ends this vCPU's thread (the test devices' port 0xf4).
 */
typedef int bus_fn(struct vcpu *v, void *dev, uint64_t addr, uint8_t *data,
		   unsigned int len, bool write);

#define BUS_MAX_RANGES	16

struct bus_range {
	uint64_t base, len;
	bus_fn *fn;
	void *dev;
};

struct bus {
	bool whole;		/* accesses must fit in one range (MMIO) */
	int nr;
	struct bus_range ranges[BUS_MAX_RANGES];
};

struct vcpu {
	struct machine *m;
	int id, fd;
	struct kvm_run *run;
	pthread_t thread;
	int status;
	unsigned long exits, intr;
};

struct machine {
	int sys_fd, vm_fd;
	uint8_t *mem;
	uint64_t mem_size;
	int nr_vcpus;
	struct vcpu *vcpus;
	/* A Linux guest (--kernel): in-kernel irqchip, and any stop ends all. */
	bool linux_guest;
	struct bus pio, mmio;
	/* Serializes what the guest and vmctl write to stdout. */
	pthread_mutex_t out_lock;

	/* The first stop_machine() wins; the vCPU threads see stopping. */
	pthread_mutex_t stop_lock;
	volatile sig_atomic_t stopping;
	int stop_status;
	int nr_started;		/* vCPU threads started */
};

/* bus.c */
int bus_add(struct bus *bus, uint64_t base, uint64_t len, bus_fn *fn,
	    void *dev);
int bus_access(struct bus *bus, struct vcpu *v, uint64_t addr,
	       uint8_t *data, unsigned int len, bool write, bool *claimed);

/* statsfd.c */
int vcpu_print_stats(struct vcpu *v, FILE *out);

/* vcpu.c */
int vcpus_start(struct machine *m);
void machine_serial_output(void *ctx, const uint8_t *data, size_t len);
void vcpu_print_regs(struct vcpu *v, FILE *out);
void machine_stop(struct machine *m, int status, const char *why);
void machine_output(struct machine *m, const uint8_t *data, size_t len);
void vcpu_signals(int how);
void vcpu_install_signals(void);

#endif /* VMCTL_MACHINE_H */
