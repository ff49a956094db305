// SPDX-License-Identifier: GPL-2.0
/*
 * smi_test: system management mode as firmware uses it, through a guest
 * (tests/guests/smm.S) whose SMI handler moves SMBASE, as SeaBIOS's does.
 *
 *   smi_test DEVICE GUEST.bin
 *
 * SMRAM is 0x30000-0x4ffff of address space 1 (slot ids 1 << 16 and up),
 * which maps the guest's RAM around it, as QEMU's SMRAM view does; address
 * space 0 has plain RAM there.  Run twice: with long mode in the guest's
 * CPUID (the 64-bit state save map) and without (the 32-bit one).  Each
 * time four SMIs: the guest's own through its APIC; one the VMM sends
 * while the handler runs, which waits for RSM; KVM_SMI; and
 * KVM_SET_VCPU_EVENTS' smi.pending.  An NMI sent in SMM waits for RSM too.
 *
 * In SMM the VMM reads the vCPU's state, its events, MSR_IA32_SMBASE and
 * the state save map the SMI wrote.  Everything goes into the transcript,
 * which 95-vm-api.sh compares between hvx and kvm_intel; the checks here
 * are the SDM's and KVM's documentation's.
 */
#include "guest32.h"

#define MSR_IA32_SMBASE	0x9e

#define RUN_TIMEOUT	20
#define P_SMM		0x90
#define SMBASE		0x30000
#define NEW_SMBASE	0x40000
#define SMRAM_SIZE	0x20000		/* both SMBASEs' 64 KiB */
#define SMRAM_MARK	0x5353aa00	/* + which 64 KiB, at its start */
#define RAM_MARK	0x11110000	/* address space 0's at SMBASE */
#define SMM_REV_32	0x00020000
#define SMM_REV_64	0x00020064

static uint8_t *mem, *smram;
static int smm_exits;

/* A slot of address space @as. */
static int set_slot(int as, int id, uint64_t gpa, uint64_t size, void *hva)
{
	struct kvm_userspace_memory_region m = {
		.slot = (uint32_t)as << 16 | id, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = (uintptr_t)hva,
	};

	return ioctl(vm, KVM_SET_USER_MEMORY_REGION, &m);
}

/* The supported CPUID, without long mode unless @lm, for vCPU 0. */
static void set_cpuid(bool lm)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + 256 * sizeof(c->entries[0]));
	unsigned int i;

	c->nent = 256;
	if (ioctl(sys, KVM_GET_SUPPORTED_CPUID, c) < 0)
		bail_errno("KVM_GET_SUPPORTED_CPUID");
	for (i = 0; i < c->nent; i++)
		if (c->entries[i].function == 0x80000001 && !lm)
			c->entries[i].edx &= ~(1u << 29);
	if (ioctl(vcpu, KVM_SET_CPUID2, c) < 0)
		bail_errno("KVM_SET_CPUID2");
	free(c);
}

static uint64_t get_smbase_msr(void)
{
	struct {
		struct kvm_msrs h;
		struct kvm_msr_entry e;
	} m = { .h.nmsrs = 1, .e.index = MSR_IA32_SMBASE };

	if (ioctl(vcpu, KVM_GET_MSRS, &m) != 1)
		bail_errno("KVM_GET_MSRS of MSR_IA32_SMBASE");
	return m.e.data;
}

static uint32_t map32(uint32_t smbase, unsigned int at)
{
	uint32_t v;

	memcpy(&v, smram + smbase - SMBASE + 0x8000 + at, sizeof(v));
	return v;
}

static uint64_t map64(uint32_t smbase, unsigned int at)
{
	uint64_t v;

	memcpy(&v, smram + smbase - SMBASE + 0x8000 + at, sizeof(v));
	return v;
}

/* Run to the next exit, into ex and the transcript, with kvm_run's SMM flag. */
static void step(void)
{
	struct kvm_regs r;
	char what[64];

	run_timed(RUN_TIMEOUT, now_ms, "KVM_RUN did not come back in time", &r);
	record_exit(&r, what, sizeof(what));
	trace("exit %s rip %#llx smm %d", what, (unsigned long long)ex.rip,
	      !!(run->flags & KVM_RUN_X86_SMM));
	bail_if_stuck(true);
}

static uint32_t expect_out(uint16_t port, const char *what)
{
	step();
	if (!is_out(port, ANY)) {
		tap_result(0, "%s", what);
		bail("the guest went elsewhere");
	}
	if (port != P_SMM)
		tap_result(!(run->flags & KVM_RUN_X86_SMM),
			   "%s: out of SMM (kvm_run.flags)", what);
	return ex.value;
}

/*
 * The handler's report, in SMM at @smbase: the vCPU's state there, its
 * events and MSR_IA32_SMBASE, and what the map the SMI wrote saved.
 */
static void in_smm(uint32_t smbase, bool lm, const char *what)
{
	struct kvm_vcpu_events e;
	struct kvm_sregs s;
	uint32_t rev, mapped_smbase, esi, rip;
	uint64_t efer = 0;

	tap_result(expect_out(P_SMM, what) ==
		   SMRAM_MARK + (smbase - SMBASE) / 0x10000,
		   "%s: the handler reads SMRAM at SMBASE", what);
	smm_exits++;
	tap_result(run->flags & KVM_RUN_X86_SMM, "%s: kvm_run.flags says SMM",
		   what);
	if (ioctl(vcpu, KVM_GET_SREGS, &s) < 0 ||
	    ioctl(vcpu, KVM_GET_VCPU_EVENTS, &e) < 0)
		bail_errno("KVM_GET_SREGS or KVM_GET_VCPU_EVENTS");
	trace("sregs cs %#x base %#llx limit %#x type %u cr0 %#llx cr4 %#llx efer %#llx idt %#llx/%#x",
	      s.cs.selector, (unsigned long long)s.cs.base, s.cs.limit,
	      s.cs.type, (unsigned long long)s.cr0, (unsigned long long)s.cr4,
	      (unsigned long long)s.efer, (unsigned long long)s.idt.base,
	      s.idt.limit);
	trace("events smm %u pending %u inside_nmi %u nmi.masked %u flags has smm %d",
	      e.smi.smm, e.smi.pending, e.smi.smm_inside_nmi, e.nmi.masked,
	      !!(e.flags & KVM_VCPUEVENT_VALID_SMM));
	tap_result(s.cs.base == smbase && !(s.cr0 & 1) && e.smi.smm &&
		   e.nmi.masked, "%s: in SMM at SMBASE %#x, real mode, NMIs blocked",
		   what, smbase);
	tap_result(get_smbase_msr() == smbase, "%s: MSR_IA32_SMBASE is %#x",
		   what, smbase);

	rev = map32(smbase, 0x7efc);
	if (lm) {
		mapped_smbase = map32(smbase, 0x7f00);
		esi = map64(smbase, 0x7fc8);
		rip = map64(smbase, 0x7f78);
		efer = map64(smbase, 0x7ed0);
	} else {
		mapped_smbase = map32(smbase, 0x7ef8);
		esi = map32(smbase, 0x7fe8);
		rip = map32(smbase, 0x7ff0);
	}
	trace("map revision %#x smbase %#x rip %#x esi %#x efer %#llx cr0 %#x",
	      rev, mapped_smbase, rip, esi, (unsigned long long)efer,
	      map32(smbase, lm ? 0x7f58 : 0x7ffc));
	tap_result(rev == (lm ? SMM_REV_64 : SMM_REV_32),
		   "%s: the state save map is the %d-bit one", what,
		   lm ? 64 : 32);
}

static void one_run(const char *path, bool lm)
{
	const char *m = lm ? "64-bit map" : "32-bit map";
	uint32_t handler, end, v;
	struct kvm_vcpu_events e;
	struct kvm_sregs s;
	char what[64];

	trace("run: %s", m);
	smm_exits = 0;
	mem = create_guest_vm(path, true);
	smram = mmap(NULL, SMRAM_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (smram == MAP_FAILED)
		bail("mmap failed");
	memcpy(smram, &(uint32_t){ SMRAM_MARK }, 4);
	memcpy(smram + 0x10000, &(uint32_t){ SMRAM_MARK + 1 }, 4);
	memcpy(mem + SMBASE, &(uint32_t){ RAM_MARK }, 4);
	/* Address space 1: the RAM around SMRAM, and SMRAM. */
	if (logged("slot 0 of address space 1", set_slot(1, 0, 0, SMBASE, mem)) ||
	    logged("SMRAM, slot 1 of address space 1",
		   set_slot(1, 1, SMBASE, SMRAM_SIZE, smram)) ||
	    logged("slot 2 of address space 1",
		   set_slot(1, 2, SMBASE + SMRAM_SIZE,
			    MEM_SIZE - SMBASE - SMRAM_SIZE,
			    mem + SMBASE + SMRAM_SIZE)))
		bail("cannot map SMRAM");
	tap_result(set_slot(2, 0, 0, 0x1000, mem) < 0 && errno == EINVAL,
		   "%s: a slot of address space 2 is EINVAL", m);
	create_vcpu0(&s);
	set_cpuid(lm);
	start_flat32(&s);
	tap_result(get_smbase_msr() == SMBASE, "%s: SMBASE after RESET", m);

	/* 1: the handler goes to both SMBASEs' SMBASE + 0x8000. */
	tap_result(expect_out(P_MARK, "1") == 1, "%s: step 1", m);
	handler = expect_out(P_VAL, "the handler's address");
	end = expect_out(P_VAL, "the handler's end");
	if (end <= handler || end - handler > 0x100)
		bail("the guest reported no handler");
	memcpy(smram + 0x8000, mem + handler, end - handler);
	memcpy(smram + 0x18000, mem + handler, end - handler);
	tap_result(expect_out(P_VAL, "0x30000") == RAM_MARK,
		   "%s: out of SMM, SMBASE's page is address space 0's RAM", m);

	/*
	 * 2: the guest's SMI; the VMM's, sent in SMM, waits for RSM (and
	 * finds the new SMBASE); then an NMI, which waits for RSM too.
	 */
	tap_result(expect_out(P_MARK, "2") == 2, "%s: step 2", m);
	snprintf(what, sizeof(what), "%s: the APIC's SMI", m);
	in_smm(SMBASE, lm, what);
	logged("KVM_SMI in SMM", ioctl(vcpu, KVM_SMI, 0));
	if (ioctl(vcpu, KVM_GET_VCPU_EVENTS, &e) < 0)
		bail_errno("KVM_GET_VCPU_EVENTS");
	tap_result(e.smi.smm && e.smi.pending,
		   "%s: an SMI sent in SMM waits (smi.pending)", m);
	snprintf(what, sizeof(what), "%s: the SMI that waited for RSM", m);
	in_smm(NEW_SMBASE, lm, what);
	logged("KVM_NMI in SMM", ioctl(vcpu, KVM_NMI, 0));
	tap_result(expect_out(P_VEC, "the NMI") == 2,
		   "%s: the NMI sent in SMM comes after RSM", m);
	expect_out(P_RET, "the NMI's return");
	expect_out(P_IRET, "its IRET");
	v = expect_out(P_VAL, "ESI");
	tap_result(v == 0x12345678 && expect_out(P_VAL, "EDI") == 0x9abcdef0,
		   "%s: RSM restored ESI and EDI", m);

	/* 3 and 4: KVM_SMI, and smi.pending from KVM_SET_VCPU_EVENTS. */
	tap_result(expect_out(P_MARK, "3") == 3, "%s: step 3", m);
	logged("KVM_SMI", ioctl(vcpu, KVM_SMI, 0));
	snprintf(what, sizeof(what), "%s: KVM_SMI", m);
	in_smm(NEW_SMBASE, lm, what);
	/* Nothing else in flight at an OUT's exit: NMIs unblocked. */
	tap_result(expect_out(P_MARK, "4") == 4, "%s: step 4", m);
	memset(&e, 0, sizeof(e));
	e.flags = KVM_VCPUEVENT_VALID_SMM;
	e.smi.pending = 1;
	logged("KVM_SET_VCPU_EVENTS smi.pending", ioctl(vcpu,
							KVM_SET_VCPU_EVENTS,
							&e));
	snprintf(what, sizeof(what), "%s: smi.pending", m);
	in_smm(NEW_SMBASE, lm, what);
	tap_result(expect_out(P_MARK, "5") == 5, "%s: step 5, the end", m);
	tap_result(smm_exits == 4, "%s: four SMIs, four runs of the handler",
		   m);

	close(vcpu);
	close(vm);
	munmap(run, ioctl(sys, KVM_GET_VCPU_MMAP_SIZE, 0));
	munmap(mem, MEM_SIZE);
	munmap(smram, SMRAM_SIZE);
}

int main(int argc, char **argv)
{
	sys = open_device(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	catch_alarm();
	logged("KVM_CAP_X86_SMM", ioctl(sys, KVM_CHECK_EXTENSION,
					KVM_CAP_X86_SMM));
	logged("KVM_CAP_MULTI_ADDRESS_SPACE",
	       ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_MULTI_ADDRESS_SPACE));
	one_run(argv[2], false);
	one_run(argv[2], true);
	trace("end");
	return tap_failed;
}
