// SPDX-License-Identifier: GPL-2.0
/*
 * The machine as a Linux guest reads it: an Intel MultiProcessor
 * Specification 1.4 table naming each vCPU and its local APIC, the IOAPIC,
 * and how the sixteen ISA interrupts reach it.
 *
 * Why the MP table and not ACPI's MADT: it is a pointer and a few fixed
 * records, where ACPI needs an RSDP, an XSDT, a MADT, a FADT and an AML
 * DSDT, and a kernel built without ACPI boots much sooner under an
 * emulated CPU.  Linux reads it when it finds no ACPI tables (on x86-64
 * X86_MPPARSE is on whenever ACPI is off), as kvmtool's guests do.  What
 * it cannot say: power off (guests reboot to end a run), and APIC IDs
 * above 254.
 *
 * The floating pointer sits in the last KiB below 640 KiB, one of the
 * places Linux scans for "_MP_", and the table follows it.  The wiring is
 * hvx's and KVM's default routing: ISA IRQ n is IOAPIC pin n (the PIT on
 * pin 0, the UART's IRQ 4 on pin 4), the PIC is the virtual wire on LINT0
 * of the boot CPU, and NMIs come in on every CPU's LINT1.
 */
#include <string.h>

#include "boot.h"
#include "layout.h"

#define MP_APIC_VERSION		0x14	/* an integrated (xAPIC) local APIC */
#define MP_IOAPIC_VERSION	0x11	/* hvx's and KVM's IOAPIC */
#define ISA_IRQS		16

enum { MP_PROCESSOR, MP_BUS, MP_IOAPIC, MP_INTSRC, MP_LINTSRC };
enum { MP_INT, MP_NMI = 1, MP_EXTINT = 3 };

#define CPU_ENABLED		0x01
#define CPU_BOOT		0x02

struct mpf_intel {
	char signature[4];		/* "_MP_" */
	uint32_t physptr;		/* the configuration table */
	uint8_t length;			/* in 16-byte units: 1 */
	uint8_t specification;		/* 4: version 1.4 */
	uint8_t checksum;
	uint8_t feature1;		/* 0: there is a table, no default config */
	uint8_t feature2;		/* bit 7 clear: virtual wire, no IMCR */
	uint8_t feature3, feature4, feature5;
} __attribute__((packed));

struct mpc_table {
	char signature[4];		/* "PCMP" */
	uint16_t length;
	uint8_t spec;
	uint8_t checksum;
	char oem[8];
	char productid[12];
	uint32_t oemptr;
	uint16_t oemsize;
	uint16_t oemcount;		/* number of entries */
	uint32_t lapic;			/* the local APICs' address */
	uint16_t extlength;
	uint8_t extchecksum;
	uint8_t reserved;
} __attribute__((packed));

struct mpc_cpu {
	uint8_t type;
	uint8_t apicid;
	uint8_t apicver;
	uint8_t cpuflag;
	uint32_t cpufeature;		/* CPUID.1:EAX */
	uint32_t featureflag;		/* CPUID.1:EDX */
	uint32_t reserved[2];
} __attribute__((packed));

struct mpc_bus {
	uint8_t type;
	uint8_t busid;
	char bustype[6];
} __attribute__((packed));

struct mpc_ioapic {
	uint8_t type;
	uint8_t apicid;
	uint8_t apicver;
	uint8_t flags;
	uint32_t apicaddr;
} __attribute__((packed));

/* An interrupt source, to an IOAPIC pin (MP_INTSRC) or a LINT (MP_LINTSRC). */
struct mpc_intsrc {
	uint8_t type;
	uint8_t irqtype;
	uint16_t irqflag;		/* 0: the bus's polarity and trigger */
	uint8_t srcbus;
	uint8_t srcbusirq;
	uint8_t dstapic;
	uint8_t dstirq;
} __attribute__((packed));

static void intsrc(uint8_t **p, uint8_t type, uint8_t irqtype,
		   uint8_t srcbusirq, uint8_t dstapic, uint8_t dstirq)
{
	struct mpc_intsrc e = {
		.type = type, .irqtype = irqtype, .srcbus = 0,
		.srcbusirq = srcbusirq, .dstapic = dstapic, .dstirq = dstirq,
	};

	memcpy(*p, &e, sizeof(e));
	*p += sizeof(e);
}

/*
 * Write the floating pointer and the table for nr_cpus vCPUs (APIC IDs
 * 0 to nr_cpus - 1, vCPU 0 the boot CPU).  Returns the bytes written.
 */
size_t mptable_write(uint8_t *mem, int nr_cpus, uint32_t cpu_signature,
		     uint32_t cpu_features)
{
	struct mpf_intel *mpf = (void *)(mem + MPTABLE_ADDR);
	struct mpc_table *mpc = (void *)(mpf + 1);
	uint8_t *p = (uint8_t *)(mpc + 1), ioapic_id = nr_cpus;
	struct mpc_bus bus = { .type = MP_BUS, .busid = 0 };
	/* The IOAPIC's ID follows the CPUs', as kvmtool and Firecracker do. */
	struct mpc_ioapic ioapic = {
		.type = MP_IOAPIC, .apicid = ioapic_id,
		.apicver = MP_IOAPIC_VERSION, .flags = 1,
		.apicaddr = IOAPIC_ADDR,
	};
	unsigned int count = 0;
	int i;

	memset(mpf, 0, sizeof(*mpf) + sizeof(*mpc));
	for (i = 0; i < nr_cpus; i++) {
		struct mpc_cpu cpu = {
			.type = MP_PROCESSOR, .apicid = i,
			.apicver = MP_APIC_VERSION,
			.cpuflag = CPU_ENABLED | (i == 0 ? CPU_BOOT : 0),
			.cpufeature = cpu_signature, .featureflag = cpu_features,
		};

		memcpy(p, &cpu, sizeof(cpu));
		p += sizeof(cpu);
		count++;
	}

	memcpy(bus.bustype, "ISA   ", 6);
	memcpy(p, &bus, sizeof(bus));
	p += sizeof(bus);
	count++;

	memcpy(p, &ioapic, sizeof(ioapic));
	p += sizeof(ioapic);
	count++;

	for (i = 0; i < ISA_IRQS; i++, count++)
		intsrc(&p, MP_INTSRC, MP_INT, i, ioapic_id, i);
	/* The PIC on the boot CPU's LINT0; NMIs on every CPU's LINT1. */
	intsrc(&p, MP_LINTSRC, MP_EXTINT, 0, 0, 0);
	intsrc(&p, MP_LINTSRC, MP_NMI, 0, 0xff, 1);
	count += 2;

	memcpy(mpc->signature, "PCMP", 4);
	mpc->length = p - (uint8_t *)mpc;
	mpc->spec = 4;
	memcpy(mpc->oem, "HVX     ", 8);
	memcpy(mpc->productid, "VMCTL       ", 12);
	mpc->oemcount = count;
	mpc->lapic = LAPIC_ADDR;
	mpc->checksum = table_checksum(mpc, mpc->length);

	memcpy(mpf->signature, "_MP_", 4);
	mpf->physptr = MPTABLE_ADDR + sizeof(*mpf);
	mpf->length = 1;
	mpf->specification = 4;
	mpf->checksum = table_checksum(mpf, sizeof(*mpf));
	return p - (uint8_t *)mpf;
}
