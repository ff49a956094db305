// SPDX-License-Identifier: GPL-2.0
/*
 * vmctl inspect and vmctl watch: a running VM looked at and watched from
 * outside, through hvx's introspection channel (uapi/hvx.h) by way of
 * libhvxintro.  Both need CAP_SYS_ADMIN.  Both detach when they end,
 * however they end (the kernel lifts everything when the channel's fd
 * closes), and the guest goes on.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "vmctl.h"
#include "../libhvxintro/hvxintro.h"

#define PAUSE_TIMEOUT_MS	10000

static const char *attach_hint(int e)
{
	switch (e) {
	case EPERM:
		return " (introspection needs CAP_SYS_ADMIN: run as root)";
	case EBUSY:
		return " (another introspector is attached to it)";
	case ENOENT:
		return " (no VM has this id: see 'vmctl list')";
	default:
		return "";
	}
}

struct hvxi *vmctl_introspect(const char *cmd, long id)
{
	struct hvxi *h;

	if (access(HVX_DEVICE, F_OK)) {
		fprintf(stderr, "vmctl %s: %s: %s (is hvx loaded?)\n", cmd,
			HVX_DEVICE, strerror(errno));
		return NULL;
	}
	h = hvxi_attach(HVX_DEVICE, (uint32_t)id);
	if (!h)
		fprintf(stderr, "vmctl %s: cannot introspect VM %ld: %s%s\n", cmd,
			id, strerror(errno), attach_hint(errno));
	return h;
}

bool parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return *s && !*end && !errno && *s != '-';
}

static void print_regs(const struct kvm_regs *r, bool json)
{
	static const char *const names[] = {
		"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rsp", "rbp",
		"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
		"rip", "rflags",
	};
	const uint64_t *v = (const uint64_t *)r;	/* kvm_regs' order */
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (json)
			printf("%s\"%s\": %" PRIu64, i ? ", " : "{", names[i], v[i]);
		else
			printf("%-6s 0x%016" PRIx64 "\n", names[i], v[i]);
	}
	if (json)
		printf("}\n");
}

static void print_seg(const char *name, const struct kvm_segment *s, bool json,
		      bool first)
{
	if (json)
		printf("%s\"%s\": {\"selector\": %u, \"base\": %llu, \"limit\": %u, \"type\": %u, \"dpl\": %u, \"l\": %u, \"db\": %u}",
		       first ? "" : ", ", name, s->selector,
		       (unsigned long long)s->base, s->limit, s->type, s->dpl,
		       s->l, s->db);
	else
		printf("%-4s sel 0x%04x base 0x%016llx limit 0x%08x type %u dpl %u%s%s\n",
		       name, s->selector, (unsigned long long)s->base, s->limit,
		       s->type, s->dpl, s->l ? " L" : "", s->db ? " D" : "");
}

static void print_sregs(const struct kvm_sregs *s, bool json)
{
	const struct kvm_segment *seg[] = { &s->cs, &s->ds, &s->es, &s->fs,
					    &s->gs, &s->ss, &s->tr, &s->ldt };
	static const char *const names[] = { "cs", "ds", "es", "fs", "gs",
					     "ss", "tr", "ldt" };
	size_t i;

	if (json)
		printf("{\"cr0\": %llu, \"cr2\": %llu, \"cr3\": %llu, \"cr4\": %llu, \"efer\": %llu, ",
		       (unsigned long long)s->cr0, (unsigned long long)s->cr2,
		       (unsigned long long)s->cr3, (unsigned long long)s->cr4,
		       (unsigned long long)s->efer);
	else
		printf("cr0  0x%016llx\ncr2  0x%016llx\ncr3  0x%016llx\ncr4  0x%016llx\nefer 0x%016llx\n",
		       (unsigned long long)s->cr0, (unsigned long long)s->cr2,
		       (unsigned long long)s->cr3, (unsigned long long)s->cr4,
		       (unsigned long long)s->efer);
	for (i = 0; i < 8; i++)
		print_seg(names[i], seg[i], json, i == 0);
	if (json)
		printf(", \"gdt\": {\"base\": %llu, \"limit\": %u}, \"idt\": {\"base\": %llu, \"limit\": %u}}\n",
		       (unsigned long long)s->gdt.base, s->gdt.limit,
		       (unsigned long long)s->idt.base, s->idt.limit);
	else
		printf("gdt  base 0x%016llx limit 0x%04x\nidt  base 0x%016llx limit 0x%04x\n",
		       (unsigned long long)s->gdt.base, s->gdt.limit,
		       (unsigned long long)s->idt.base, s->idt.limit);
}

/* xxd's layout: the address, 16 bytes in hex, and them as text. */
static void hexdump(uint64_t gpa, const uint8_t *buf, size_t len)
{
	size_t i, j;

	for (i = 0; i < len; i += 16) {
		printf("%016" PRIx64 ":", gpa + i);
		for (j = i; j < i + 16; j++)
			if (j < len)
				printf(" %02x", buf[j]);
			else
				printf("   ");
		printf("  ");
		for (j = i; j < i + 16 && j < len; j++)
			putchar(buf[j] >= 0x20 && buf[j] < 0x7f ? buf[j] : '.');
		printf("\n");
	}
}

static int inspect_mem(struct hvxi *h, char **args, int nargs)
{
	uint64_t gpa, len;
	uint8_t *buf;

	if (nargs != 2 || !parse_u64(args[0], &gpa) || !parse_u64(args[1], &len) ||
	    !len || len > (64 << 20)) {
		fprintf(stderr, "vmctl inspect: mem takes GPA and LEN (1 byte to 64 MiB)\n");
		return 2;
	}
	buf = malloc(len);
	if (!buf || hvxi_read_mem(h, gpa, buf, len) < 0) {
		fprintf(stderr, "vmctl inspect: reading %" PRIu64 " bytes at 0x%" PRIx64 ": %s%s\n",
			len, gpa, strerror(errno),
			errno == ENOENT ? " (no guest memory there)" : "");
		free(buf);
		return 1;
	}
	hexdump(gpa, buf, len);
	free(buf);
	return 0;
}

/* With the vCPU paused: regs, sregs or translate. */
static int inspect_vcpu(struct hvxi *h, uint32_t vcpu, const char *what,
			char **args, int nargs, bool json)
{
	struct hvx_intro_event ev;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	uint64_t gva, gpa;
	int r = 0;

	if (!strcmp(what, "translate") &&
	    (nargs != 1 || !parse_u64(args[0], &gva))) {
		fprintf(stderr, "vmctl inspect: translate takes a GVA\n");
		return 2;
	}
	if ((strcmp(what, "translate") && nargs) ||
	    (strcmp(what, "regs") && strcmp(what, "sregs") &&
	     strcmp(what, "translate"))) {
		fprintf(stderr, "vmctl inspect: '%s': say regs, sregs, mem GPA LEN or translate GVA\n",
			what);
		return 2;
	}
	if (hvxi_pause(h, vcpu) < 0 ||
	    hvxi_wait_paused(h, vcpu, &ev, PAUSE_TIMEOUT_MS) < 0) {
		fprintf(stderr, "vmctl inspect: pausing vCPU %u: %s%s\n", vcpu,
			strerror(errno),
			errno == ETIMEDOUT ? " (its VMM does not run it)" :
			errno == ENOENT ? " (the VM has no such vCPU)" : "");
		return 1;
	}
	if (!strcmp(what, "regs")) {
		r = hvxi_get_regs(h, vcpu, &regs);
		if (!r)
			print_regs(&regs, json);
	} else if (!strcmp(what, "sregs")) {
		r = hvxi_get_sregs(h, vcpu, &sregs);
		if (!r)
			print_sregs(&sregs, json);
	} else {
		r = hvxi_translate(h, vcpu, gva, &gpa);
		if (r == 0 && json)
			printf("{\"gva\": %" PRIu64 ", \"gpa\": %" PRIu64 "}\n", gva, gpa);
		else if (r == 0)
			printf("0x%" PRIx64 " -> 0x%" PRIx64 "\n", gva, gpa);
		else if (r == 1)
			printf(json ? "{\"gva\": %" PRIu64 ", \"gpa\": null}\n" :
			       "0x%" PRIx64 ": not mapped\n", gva);
	}
	if (r < 0)
		fprintf(stderr, "vmctl inspect: %s of vCPU %u: %s\n", what, vcpu,
			strerror(errno));
	return r < 0 ? 1 : r;
}

int cmd_inspect(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "vcpu", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	uint64_t vcpu = 0;
	bool json = false;
	struct hvxi *h;
	long id;
	int c, r;

	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (!parse_u64(optarg, &vcpu) || vcpu > UINT32_MAX) {
				fprintf(stderr, "vmctl inspect: '%s' is not a vCPU id\n", optarg);
				return 2;
			}
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			printf("usage: vmctl inspect [--vcpu N] [--json] VM regs|sregs|mem GPA LEN|translate GVA\n\n"
			       "Look at a running VM from outside (needs CAP_SYS_ADMIN).  regs, sregs\n"
			       "and translate pause the vCPU (0 unless --vcpu) for as long as they\n"
			       "take; mem reads guest-physical memory while the guest runs.\n");
			return 0;
		default:
			return 2;
		}
	}
	if (argc - optind < 2) {
		fprintf(stderr, "usage: vmctl inspect [--vcpu N] [--json] VM regs|sregs|mem GPA LEN|translate GVA\n");
		return 2;
	}
	id = parse_vm_id("inspect", argv[optind]);
	if (id < 0)
		return 2;
	h = vmctl_introspect("inspect", id);
	if (!h)
		return 1;
	if (!strcmp(argv[optind + 1], "mem"))
		r = inspect_mem(h, argv + optind + 2, argc - optind - 2);
	else
		r = inspect_vcpu(h, (uint32_t)vcpu, argv[optind + 1],
				 argv + optind + 2, argc - optind - 2, json);
	hvxi_detach(h);
	return r;
}

/* --msr's names for the MSRs an introspector most often watches. */
static const struct {
	const char *name;
	uint32_t msr;
} msr_names[] = {
	{ "efer", 0xc0000080 }, { "star", 0xc0000081 },
	{ "lstar", 0xc0000082 }, { "cstar", 0xc0000083 },
	{ "fs_base", 0xc0000100 }, { "gs_base", 0xc0000101 },
	{ "kernel_gs_base", 0xc0000102 }, { "sysenter_cs", 0x174 },
	{ "sysenter_esp", 0x175 }, { "sysenter_eip", 0x176 },
};

/* An MSR by number or by one of msr_names (any case), or -1. */
static int64_t parse_msr(const char *s)
{
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(msr_names) / sizeof(msr_names[0]); i++)
		if (!strcasecmp(s, msr_names[i].name))
			return msr_names[i].msr;
	if (parse_u64(s, &v) && v <= UINT32_MAX)
		return v;
	return -1;
}

#define MAX_MSRS	16
#define MAX_PAGES	16

/* --page GPA:ACCESSES: a page, and the rights the guest keeps there. */
struct watched_page {
	uint64_t gpa;
	uint8_t rights;
};

/*
 * "GPA:w", "0x1000:rx", ...: the accesses to watch, taken from the rights.
 * EPT cannot let a page be written and not read, so watching reads
 * watches writes too.
 */
static bool parse_page(const char *s, struct watched_page *p)
{
	uint8_t watch = 0;
	char *colon, *end;

	errno = 0;
	p->gpa = strtoull(s, &end, 0);
	colon = end;
	if (end == s || *colon != ':' || errno || p->gpa & 0xfff)
		return false;
	for (s = colon + 1; *s; s++) {
		if (*s == 'r')
			watch |= HVX_INTRO_ACCESS_R | HVX_INTRO_ACCESS_W;
		else if (*s == 'w')
			watch |= HVX_INTRO_ACCESS_W;
		else if (*s == 'x')
			watch |= HVX_INTRO_ACCESS_X;
		else
			return false;
	}
	p->rights = HVX_INTRO_ACCESS_RWX & ~watch;
	return watch;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

#define MAX_VCPUS	64

struct watch {
	bool json;
	uint64_t count, seen;
	uint64_t events;	/* as asked, single steps aside */
	uint32_t crs;
	uint64_t steps;		/* --single-step N: left to print */
	struct watched_page pages[MAX_PAGES];
	unsigned int npages;
	/* Per vCPU: the page whose right it has back for one step, + 1. */
	unsigned int stepping_over[MAX_VCPUS];
};

/* vCPU @vcpu's events: as asked, with single steps when it needs them. */
static void watch_control(struct hvxi *h, struct watch *w, uint32_t vcpu)
{
	uint64_t events = w->events;

	if (w->steps || (vcpu < MAX_VCPUS && w->stepping_over[vcpu]))
		events |= 1u << HVX_INTRO_EV_SINGLESTEP;
	if (hvxi_control(h, vcpu, events, w->crs) < 0)
		fprintf(stderr, "vmctl watch: vCPU %u's events: %s\n", vcpu,
			strerror(errno));
}

static void page_rights(struct hvxi *h, const struct watched_page *p,
			uint8_t rights)
{
	if (hvxi_set_page_access(h, p->gpa, 1, rights) < 0)
		fprintf(stderr, "vmctl watch: page 0x%llx: %s\n",
			(unsigned long long)p->gpa, strerror(errno));
}

/* A DESC event's register, by HVX_INTRO_DESC_*. */
static const char *desc_name(unsigned int descriptor)
{
	static const char *const names[] = {
		[HVX_INTRO_DESC_IDTR] = "idtr", [HVX_INTRO_DESC_GDTR] = "gdtr",
		[HVX_INTRO_DESC_LDTR] = "ldtr", [HVX_INTRO_DESC_TR] = "tr",
	};

	if (descriptor < sizeof(names) / sizeof(names[0]) && names[descriptor])
		return names[descriptor];
	return "?";
}

static void print_event(const struct hvx_intro_event *ev, bool json)
{
	const char *name = hvxi_event_name(ev->event);

	if (json)
		printf("{\"vcpu\": %u, \"event\": \"%s\", \"rip\": %llu, \"cr3\": %llu",
		       ev->vcpu, name, (unsigned long long)ev->regs.rip,
		       (unsigned long long)ev->cr3);
	else
		printf("vcpu %u %-10s rip 0x%016llx cr3 0x%llx", ev->vcpu, name,
		       (unsigned long long)ev->regs.rip,
		       (unsigned long long)ev->cr3);
	switch (ev->event) {
	case HVX_INTRO_EV_CR:
		printf(json ? ", \"cr\": %u, \"old\": %llu, \"new\": %llu" :
		       " cr%u 0x%llx -> 0x%llx", ev->cr.cr,
		       (unsigned long long)ev->cr.old_value,
		       (unsigned long long)ev->cr.new_value);
		break;
	case HVX_INTRO_EV_BREAKPOINT:
		printf(json ? ", \"gva\": %llu, \"gpa\": %llu" :
		       " at 0x%llx (gpa 0x%llx)",
		       (unsigned long long)ev->breakpoint.gva,
		       (unsigned long long)ev->breakpoint.gpa);
		break;
	case HVX_INTRO_EV_CPUID:
		printf(json ? ", \"leaf\": %u, \"subleaf\": %u" :
		       " leaf 0x%x subleaf 0x%x", ev->cpuid.function,
		       ev->cpuid.index);
		break;
	case HVX_INTRO_EV_HYPERCALL:
		printf(json ? ", \"nr\": %llu" : " nr 0x%llx",
		       (unsigned long long)ev->regs.rax);
		break;
	case HVX_INTRO_EV_XSETBV:
		printf(json ? ", \"xcr\": %u, \"old\": %llu, \"new\": %llu" :
		       " xcr%u 0x%llx -> 0x%llx", ev->xsetbv.xcr,
		       (unsigned long long)ev->xsetbv.old_value,
		       (unsigned long long)ev->xsetbv.new_value);
		break;
	case HVX_INTRO_EV_PF:
		printf(json ? ", \"gpa\": %llu, \"access\": \"%s%s%s\"" :
		       " gpa 0x%llx %s%s%s", (unsigned long long)ev->pf.gpa,
		       ev->pf.access & HVX_INTRO_ACCESS_R ? "r" : "",
		       ev->pf.access & HVX_INTRO_ACCESS_W ? "w" : "",
		       ev->pf.access & HVX_INTRO_ACCESS_X ? "x" : "");
		if (ev->pf.gva_valid)
			printf(json ? ", \"gva\": %llu" : " gva 0x%llx",
			       (unsigned long long)ev->pf.gva);
		break;
	case HVX_INTRO_EV_DESC:
		printf(json ? ", \"table\": \"%s\", \"load\": %s" : " %s %s",
		       desc_name(ev->desc.descriptor),
		       json ? (ev->desc.write ? "true" : "false") :
		       (ev->desc.write ? "load" : "store"));
		break;
	case HVX_INTRO_EV_MSR:
		printf(json ? ", \"msr\": %u, \"old\": %llu, \"new\": %llu" :
		       " msr 0x%x 0x%llx -> 0x%llx", ev->msr.msr,
		       (unsigned long long)ev->msr.old_value,
		       (unsigned long long)ev->msr.new_value);
		break;
	}
	printf(json ? "}\n" : "\n");
	fflush(stdout);
}

/*
 * A watched page's access: the page gets every right back while its vCPU
 * runs the one instruction, single-stepped, and the access goes again;
 * after the step, the rights are taken again (page_stepped()).  Another
 * vCPU's access meanwhile goes unseen.
 */
static void page_access(struct hvxi *h, struct watch *w,
			const struct hvx_intro_event *ev,
			struct hvxi_reply *reply)
{
	unsigned int i;

	reply->action = HVX_INTRO_RETRY;
	for (i = 0; i < w->npages; i++) {
		if (w->pages[i].gpa != (ev->pf.gpa & ~0xfffULL))
			continue;
		page_rights(h, &w->pages[i], HVX_INTRO_ACCESS_RWX);
		if (ev->vcpu < MAX_VCPUS) {
			w->stepping_over[ev->vcpu] = i + 1;
			watch_control(h, w, ev->vcpu);
		}
	}
}

/* The step over a watched page's access is done: its rights go again. */
static bool page_stepped(struct hvxi *h, struct watch *w,
			 const struct hvx_intro_event *ev)
{
	unsigned int i;

	if (ev->vcpu >= MAX_VCPUS || !w->stepping_over[ev->vcpu])
		return false;
	i = w->stepping_over[ev->vcpu] - 1;
	w->stepping_over[ev->vcpu] = 0;
	page_rights(h, &w->pages[i], w->pages[i].rights);
	watch_control(h, w, ev->vcpu);
	return true;
}

/* Every event: printed, and let through as if nobody watched. */
static int on_event(struct hvxi *h, const struct hvx_intro_event *ev,
		    struct hvxi_reply *reply, void *arg)
{
	struct watch *w = arg;

	if (ev->event == HVX_INTRO_EV_SINGLESTEP) {
		if (page_stepped(h, w, ev) && !w->steps)
			return 0;	/* hvx's own step, not asked for */
		if (w->steps && !--w->steps)
			watch_control(h, w, HVX_INTRO_ALL_VCPUS);
	}
	print_event(ev, w->json);
	if (ev->event == HVX_INTRO_EV_PF)
		page_access(h, w, ev, reply);
	return ++w->seen == w->count;
}

int cmd_watch(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cr0", no_argument, NULL, '0' },
		{ "cr3", no_argument, NULL, '3' },
		{ "cr4", no_argument, NULL, '4' },
		{ "int3", no_argument, NULL, 'b' },
		{ "cpuid", no_argument, NULL, 'c' },
		{ "vmcall", no_argument, NULL, 'v' },
		{ "xsetbv", no_argument, NULL, 'x' },
		{ "desc", no_argument, NULL, 'd' },
		{ "msr", required_argument, NULL, 'm' },
		{ "page", required_argument, NULL, 'p' },
		{ "single-step", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct sigaction sa = { .sa_handler = on_signal };
	struct watch w = { 0 };
	uint32_t msrs[MAX_MSRS];
	unsigned int e, nmsrs = 0;
	uint64_t events = 0;
	uint32_t crs = 0;
	struct hvxi *h;
	int64_t msr;
	long id;
	int c, r;

	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case '0': case '3': case '4':
			crs |= 1u << (c - '0');
			events |= 1u << HVX_INTRO_EV_CR;
			break;
		case 'b':
			events |= 1u << HVX_INTRO_EV_BREAKPOINT;
			break;
		case 'c':
			events |= 1u << HVX_INTRO_EV_CPUID;
			break;
		case 'v':
			events |= 1u << HVX_INTRO_EV_HYPERCALL;
			break;
		case 'x':
			events |= 1u << HVX_INTRO_EV_XSETBV;
			break;
		case 'd':
			events |= 1u << HVX_INTRO_EV_DESC;
			break;
		case 'm':
			msr = parse_msr(optarg);
			if (msr < 0 || nmsrs == MAX_MSRS) {
				fprintf(stderr, "vmctl watch: --msr takes an MSR's number or name (lstar, sysenter_eip, ...), %d at most\n",
					MAX_MSRS);
				return 2;
			}
			msrs[nmsrs++] = msr;
			events |= 1u << HVX_INTRO_EV_MSR;
			break;
		case 'p':
			if (w.npages == MAX_PAGES ||
			    !parse_page(optarg, &w.pages[w.npages])) {
				fprintf(stderr, "vmctl watch: --page takes GPA:ACCESSES, a page-aligned address and any of r, w, x (0x1000:w), %d at most\n",
					MAX_PAGES);
				return 2;
			}
			w.npages++;
			break;
		case 's':
			if (!parse_u64(optarg, &w.steps) || !w.steps) {
				fprintf(stderr, "vmctl watch: --single-step takes a number above 0\n");
				return 2;
			}
			break;
		case 'n':
			if (!parse_u64(optarg, &w.count) || !w.count) {
				fprintf(stderr, "vmctl watch: --count takes a number above 0\n");
				return 2;
			}
			break;
		case 'j':
			w.json = true;
			break;
		case 'h':
			printf("usage: vmctl watch [--cr0] [--cr3] [--cr4] [--int3] [--cpuid] [--vmcall]\n"
			       "                  [--xsetbv] [--desc] [--msr MSR]... [--page GPA:ACCESSES]...\n"
			       "                  [--single-step N] [--count N] [--json] VM\n\n"
			       "Print the events a running VM's vCPUs raise, one line each, until\n"
			       "Ctrl-C or N events (needs CAP_SYS_ADMIN).  Each event stops its vCPU\n"
			       "until it is printed; the guest then goes on as if unwatched (an INT3\n"
			       "goes to the guest's own handler).  --msr watches the guest's writes\n"
			       "of an MSR, by number or name: efer, star, lstar, cstar, fs_base,\n"
			       "gs_base, kernel_gs_base, sysenter_cs, sysenter_esp, sysenter_eip.\n"
			       "--desc watches loads and stores of GDTR, IDTR, LDTR and TR.\n"
			       "--page watches the guest's accesses (r, w, x) of a guest-physical page:\n"
			       "each is stepped over with the page's rights back, and they are taken\n"
			       "again (another vCPU's access meanwhile goes unseen).  --single-step\n"
			       "prints the next N instructions the vCPUs run.\n");
			return 0;
		default:
			return 2;
		}
	}
	if (argc - optind != 1 || (!events && !w.npages && !w.steps)) {
		fprintf(stderr, "usage: vmctl watch EVENTS... [--count N] [--json] VM (see --help)\n");
		return 2;
	}
	id = parse_vm_id("watch", argv[optind]);
	if (id < 0)
		return 2;
	h = vmctl_introspect("watch", id);
	if (!h)
		return 1;
	for (e = 0; e < nmsrs; e++)
		if (hvxi_watch_msr(h, HVX_INTRO_ALL_VCPUS, msrs[e], 1) < 0) {
			fprintf(stderr, "vmctl watch: watching MSR %#x: %s%s\n",
				msrs[e], strerror(errno), errno == EINVAL ?
				" (VT-x watches 0-0x1fff and 0xc0000000-0xc0001fff)" : "");
			hvxi_detach(h);
			return 1;
		}
	w.events = events;
	w.crs = crs;
	if (hvxi_control(h, HVX_INTRO_ALL_VCPUS, events |
			 (w.steps ? 1u << HVX_INTRO_EV_SINGLESTEP : 0), crs) < 0) {
		fprintf(stderr, "vmctl watch: switching the events on: %s\n",
			strerror(errno));
		hvxi_detach(h);
		return 1;
	}
	for (e = 0; e < w.npages; e++)
		if (hvxi_set_page_access(h, w.pages[e].gpa, 1,
					 w.pages[e].rights) < 0) {
			fprintf(stderr, "vmctl watch: page 0x%llx: %s%s\n",
				(unsigned long long)w.pages[e].gpa,
				strerror(errno), errno == EOPNOTSUPP ?
				" (this CPU has no execute-only EPT pages: watch w, not r)" : "");
			hvxi_detach(h);
			return 1;
		}
	for (e = 0; e < HVX_INTRO_EV_COUNT; e++)
		hvxi_on(h, e, on_event, &w);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	do
		r = hvxi_loop(h, 200);
	while (!r && !stop);
	if (r < 0 && errno != EINTR)
		fprintf(stderr, "vmctl watch: %s\n", strerror(errno));
	hvxi_detach(h);
	return r < 0 && errno != EINTR ? 1 : 0;
}
