// SPDX-License-Identifier: GPL-2.0
/*
 * The commands that see and steer every VM on the host, over hvx's
 * generic netlink family: list, stats, monitor, pause, resume.  They work
 * from any process, not only the one that runs the VM.
 */
#include <errno.h>
#include <getopt.h>
#include <netlink/attr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "uapi/hvx.h"
#include "vmctl.h"

#define MAX_REASONS	80

struct vm_info {
	uint32_t id, pid, uid, state, nr_vcpus, nr_slots;
	uint64_t mem, created_ns, ept_4k, ept_2m;
	char comm[32];
	uint64_t exits[MAX_REASONS];
};

struct vcpu_info {
	uint32_t id, state, cpu, last_reason;
	int has_cpu;
	uint64_t guest_ns, last_qual, exits[MAX_REASONS];
};

struct vm_list {
	struct vm_info *vms;
	size_t n;
};

struct vcpu_list {
	struct vcpu_info *vcpus;
	size_t n;
};

static const char *const vm_states[] = { "running", "paused", "dead" };
static const char *const vcpu_states[] = { "idle", "running", "paused", "halted" };

static const char *state_name(const char *const *names, size_t n, uint32_t s)
{
	return s < n ? names[s] : "unknown";
}
#define VM_STATE(s)	state_name(vm_states, 3, s)
#define VCPU_STATE(s)	state_name(vcpu_states, 4, s)

static uint32_t get_u32(struct nlattr **tb, int type)
{
	return tb[type] ? nla_get_u32(tb[type]) : 0;
}

static uint64_t get_u64(struct nlattr **tb, int type)
{
	return tb[type] ? nla_get_u64(tb[type]) : 0;
}

/* HVX_A_EXITS into @exits, indexed by reason. */
static void get_exits(struct nlattr **tb, uint64_t *exits)
{
	struct nlattr *e, *etb[HVX_EXIT_A_MAX + 1];
	int rem;

	memset(exits, 0, MAX_REASONS * sizeof(*exits));
	if (!tb[HVX_A_EXITS])
		return;
	nla_for_each_nested(e, tb[HVX_A_EXITS], rem) {
		uint32_t reason;

		if (nla_parse_nested(etb, HVX_EXIT_A_MAX, e, NULL) ||
		    !etb[HVX_EXIT_A_REASON] || !etb[HVX_EXIT_A_COUNT])
			continue;
		reason = nla_get_u32(etb[HVX_EXIT_A_REASON]);
		if (reason < MAX_REASONS)
			exits[reason] = nla_get_u64(etb[HVX_EXIT_A_COUNT]);
	}
}

static uint64_t total(const uint64_t *exits)
{
	uint64_t t = 0;
	int i;

	for (i = 0; i < MAX_REASONS; i++)
		t += exits[i];
	return t;
}

/* A zeroed new last element of the array *@arr of *@n, or NULL. */
static void *append(void *arr, size_t *n, size_t size)
{
	void **p = arr;
	char *more = realloc(*p, (*n + 1) * size);

	if (!more)
		return NULL;
	*p = more;
	memset(more + *n * size, 0, size);
	return more + (*n)++ * size;
}

static int parse_vm(uint8_t cmd, struct nlattr **tb, void *arg)
{
	struct vm_list *l = arg;
	struct vm_info *vm;

	if (cmd != HVX_CMD_VM_GET)
		return 0;
	vm = append(&l->vms, &l->n, sizeof(*vm));
	if (!vm)
		return -ENOMEM;
	vm->id = get_u32(tb, HVX_A_VM_ID);
	vm->pid = get_u32(tb, HVX_A_VM_PID);
	vm->uid = get_u32(tb, HVX_A_VM_UID);
	vm->state = get_u32(tb, HVX_A_VM_STATE);
	vm->nr_vcpus = get_u32(tb, HVX_A_VM_NR_VCPUS);
	vm->nr_slots = get_u32(tb, HVX_A_VM_NR_SLOTS);
	vm->mem = get_u64(tb, HVX_A_VM_MEM_SIZE);
	vm->created_ns = get_u64(tb, HVX_A_VM_CREATED);
	vm->ept_4k = get_u64(tb, HVX_A_VM_EPT_4K);
	vm->ept_2m = get_u64(tb, HVX_A_VM_EPT_2M);
	if (tb[HVX_A_VM_COMM])
		snprintf(vm->comm, sizeof(vm->comm), "%s",
			 nla_get_string(tb[HVX_A_VM_COMM]));
	get_exits(tb, vm->exits);
	return 0;
}

static int parse_vcpu(uint8_t cmd, struct nlattr **tb, void *arg)
{
	struct vcpu_list *l = arg;
	struct vcpu_info *v;

	if (cmd != HVX_CMD_VCPU_GET)
		return 0;
	v = append(&l->vcpus, &l->n, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->id = get_u32(tb, HVX_A_VCPU_ID);
	v->state = get_u32(tb, HVX_A_VCPU_STATE);
	v->has_cpu = !!tb[HVX_A_VCPU_CPU];
	v->cpu = get_u32(tb, HVX_A_VCPU_CPU);
	v->guest_ns = get_u64(tb, HVX_A_VCPU_GUEST_NS);
	v->last_reason = get_u32(tb, HVX_A_VCPU_LAST_EXIT_REASON);
	v->last_qual = get_u64(tb, HVX_A_VCPU_LAST_EXIT_QUAL);
	get_exits(tb, v->exits);
	return 0;
}

static void restart_vms(void *arg)
{
	struct vm_list *l = arg;

	l->n = 0;
}

static void restart_vcpus(void *arg)
{
	struct vcpu_list *l = arg;

	l->n = 0;
}

/* A VM id from the command line, or -1 after saying what is wrong. */
long parse_vm_id(const char *cmd, const char *s)
{
	unsigned long id;
	char *end;

	errno = 0;
	id = strtoul(s, &end, 10);
	if (!*s || *end || errno || !id || id > UINT32_MAX || *s == '-') {
		fprintf(stderr, "vmctl %s: '%s' is not a VM id (see 'vmctl list')\n",
			cmd, s);
		return -1;
	}
	return (long)id;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double age_s(const struct vm_info *vm)
{
	double age = (now_ns() - (double)vm->created_ns) / 1e9;

	return age > 0 ? age : 0;
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void json_exits(const uint64_t *exits)
{
	const char *sep = "";
	int i;

	putchar('{');
	for (i = 0; i < MAX_REASONS; i++) {
		if (!exits[i])
			continue;
		printf("%s\"%s\":%llu", sep, vmx_exit_name(i),
		       (unsigned long long)exits[i]);
		sep = ",";
	}
	putchar('}');
}

static void json_vm(const struct vm_info *vm)
{
	printf("{\"id\":%u,\"pid\":%u,\"uid\":%u,\"comm\":", vm->id, vm->pid,
	       vm->uid);
	json_string(vm->comm);
	printf(",\"state\":\"%s\",\"vcpus\":%u,\"slots\":%u,\"memory_bytes\":%llu,\"created_ns\":%llu,\"exits\":",
	       VM_STATE(vm->state), vm->nr_vcpus, vm->nr_slots,
	       (unsigned long long)vm->mem,
	       (unsigned long long)vm->created_ns);
	json_exits(vm->exits);
	printf(",\"ept_4k_pages\":%llu,\"ept_2m_pages\":%llu",
	       (unsigned long long)vm->ept_4k, (unsigned long long)vm->ept_2m);
	putchar('}');
}

/* 1536 -> "1.5K": sizes as ls -h and free -h show them. */
static const char *human(uint64_t bytes, char *buf, size_t size)
{
	const char *units = "BKMGTP";
	double v = (double)bytes;

	while (v >= 1024 && units[1]) {
		v /= 1024;
		units++;
	}
	if (*units == 'B')
		snprintf(buf, size, "%llu", (unsigned long long)bytes);
	else
		snprintf(buf, size, v < 10 ? "%.1f%c" : "%.0f%c", v, *units);
	return buf;
}

static int get_vms(struct vm_list *l, const char *what, long id)
{
	struct hvx_nl_call call = {
		.what = what, .cmd = HVX_CMD_VM_GET, .dump = id < 0,
		.has_vm = id >= 0, .vm_id = (uint32_t)id,
		.parse = parse_vm, .restart = restart_vms, .arg = l,
	};

	return hvx_nl(&call);
}

static int get_vcpus(struct vcpu_list *l, const char *what, uint32_t id)
{
	struct hvx_nl_call call = {
		.what = what, .cmd = HVX_CMD_VCPU_GET, .dump = true,
		.has_vm = true, .vm_id = id,
		.parse = parse_vcpu, .restart = restart_vcpus, .arg = l,
	};

	return hvx_nl(&call);
}

static const char list_usage[] =
	"usage: vmctl list [--json]\n\n"
	"List the VMs on this host: id, owner pid, uid and command, state\n"
	"(running, paused, or dead once its owner is gone), vCPUs, memory\n"
	"slots and size, exits so far and age.  Without CAP_SYS_ADMIN, only\n"
	"your own VMs.\n\n"
	"  --json   one JSON array, a VM per object, exits by reason\n";

static int want_help(int argc, char **argv, const char *usage)
{
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(usage, stdout);
		return 1;
	}
	return 0;
}

static int bad_usage(const char *usage)
{
	fputs(usage, stderr);
	return 2;
}

int cmd_list(int argc, char **argv)
{
	struct vm_list l = { 0 };
	bool json = false;
	size_t i;

	if (want_help(argc, argv, list_usage))
		return 0;
	if (argc > 2 || (argc == 2 && strcmp(argv[1], "--json")))
		return bad_usage(list_usage);
	json = argc == 2;
	if (get_vms(&l, "list", -1)) {
		free(l.vms);
		return 1;
	}
	if (json) {
		putchar('[');
		for (i = 0; i < l.n; i++) {
			if (i)
				putchar(',');
			json_vm(&l.vms[i]);
		}
		printf("]\n");
	} else {
		printf("%5s %7s %6s %-16s %-8s %5s %5s %7s %10s %8s\n", "ID",
		       "PID", "UID", "COMMAND", "STATE", "VCPUS", "SLOTS",
		       "MEMORY", "EXITS", "AGE");
		for (i = 0; i < l.n; i++) {
			const struct vm_info *vm = &l.vms[i];
			char mem[16];

			printf("%5u %7u %6u %-16s %-8s %5u %5u %7s %10llu %7.0fs\n",
			       vm->id, vm->pid, vm->uid, vm->comm,
			       VM_STATE(vm->state), vm->nr_vcpus, vm->nr_slots,
			       human(vm->mem, mem, sizeof(mem)),
			       (unsigned long long)total(vm->exits), age_s(vm));
		}
	}
	free(l.vms);
	return 0;
}

static const char stats_usage[] =
	"usage: vmctl stats [--json] [--watch[=SECONDS]] VM\n\n"
	"Show a VM's memory (and how much of it is mapped now, with 4 KiB\n"
	"and 2 MiB EPT pages), its exits by reason with their rate, and each\n"
	"vCPU's state, host CPU, time in the guest and last exit.  VM is an id from\n"
	"'vmctl list'.  The rate is over the VM's life, or with --watch over\n"
	"the last interval.\n\n"
	"  --watch[=SECONDS]  refresh every SECONDS (default 1) until the VM\n"
	"                     is gone or vmctl is interrupted\n"
	"  --json             one JSON object: the VM, its exits, its vCPUs\n";

static void print_stats(const struct vm_info *vm, const struct vcpu_list *vl,
			const uint64_t *prev, double interval, bool json)
{
	double secs = interval > 0 ? interval : age_s(vm);
	size_t i;
	int r;

	if (json) {
		printf("{\"vm\":");
		json_vm(vm);
		printf(",\"vcpus\":[");
		for (i = 0; i < vl->n; i++) {
			const struct vcpu_info *v = &vl->vcpus[i];

			printf("%s{\"id\":%u,\"state\":\"%s\",", i ? "," : "",
			       v->id, VCPU_STATE(v->state));
			if (v->has_cpu)
				printf("\"cpu\":%u,", v->cpu);
			printf("\"guest_ns\":%llu,\"last_exit\":{\"reason\":%u,\"name\":\"%s%s\",\"qualification\":%llu},\"exits\":",
			       (unsigned long long)v->guest_ns, v->last_reason,
			       v->last_reason & 0x80000000u ? "FAILED_ENTRY:" : "",
			       vmx_exit_name(v->last_reason & 0xffff),
			       (unsigned long long)v->last_qual);
			json_exits(v->exits);
			putchar('}');
		}
		printf("]}\n");
		return;
	}

	printf("VM %u (%s, pid %u): %s, %u vCPU%s, up %.1f s\n", vm->id,
	       vm->comm, vm->pid, VM_STATE(vm->state), vm->nr_vcpus,
	       vm->nr_vcpus == 1 ? "" : "s", age_s(vm));
	printf("memory: %.1f MiB in %u slot%s, %.1f MiB mapped: %llu 4 KiB pages, %llu 2 MiB pages\n\n",
	       vm->mem / 1048576.0, vm->nr_slots, vm->nr_slots == 1 ? "" : "s",
	       (vm->ept_4k * 4096 + vm->ept_2m * 2097152) / 1048576.0,
	       (unsigned long long)vm->ept_4k, (unsigned long long)vm->ept_2m);
	printf("%-24s %12s %12s\n", "EXIT REASON", "COUNT", "PER SECOND");
	for (r = 0; r < MAX_REASONS; r++) {
		uint64_t delta = vm->exits[r] - (prev ? prev[r] : 0);

		if (!vm->exits[r])
			continue;
		printf("%-24s %12llu %12.1f\n", vmx_exit_name(r),
		       (unsigned long long)vm->exits[r],
		       secs > 0 ? delta / secs : 0.0);
	}
	printf("%-24s %12llu %12.1f\n", "total",
	       (unsigned long long)total(vm->exits),
	       secs > 0 ? (total(vm->exits) - (prev ? total(prev) : 0)) / secs : 0.0);
	printf("\n%4s %-8s %4s %12s  %s\n", "VCPU", "STATE", "CPU",
	       "GUEST TIME", "LAST EXIT");
	for (i = 0; i < vl->n; i++) {
		const struct vcpu_info *v = &vl->vcpus[i];
		char cpu[12] = "-";

		if (v->has_cpu)
			snprintf(cpu, sizeof(cpu), "%u", v->cpu);
		printf("%4u %-8s %4s %10.3f s  %s%s, qualification %#llx\n",
		       v->id, VCPU_STATE(v->state), cpu, v->guest_ns / 1e9,
		       v->last_reason & 0x80000000u ? "failed entry: " : "",
		       vmx_exit_name(v->last_reason & 0xffff),
		       (unsigned long long)v->last_qual);
	}
}

int cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "watch", optional_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t prev[MAX_REASONS];
	double interval = 0;
	bool json = false, have_prev = false;
	char what[48];
	long id;
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'w':
			interval = optarg ? atof(optarg) : 1;
			if (interval <= 0) {
				fprintf(stderr, "vmctl stats: --watch wants a positive number of seconds\n");
				return 2;
			}
			break;
		case 'h':
			fputs(stats_usage, stdout);
			return 0;
		default:
			return bad_usage(stats_usage);
		}
	}
	if (optind != argc - 1)
		return bad_usage(stats_usage);
	id = parse_vm_id("stats", argv[optind]);
	if (id < 0)
		return 2;
	snprintf(what, sizeof(what), "stats of VM %ld", id);

	for (;;) {
		struct vm_list l = { 0 };
		struct vcpu_list vl = { 0 };
		int r = get_vms(&l, what, id);

		if (!r)
			r = get_vcpus(&vl, what, (uint32_t)id);
		if (r || l.n != 1) {
			free(l.vms);
			free(vl.vcpus);
			/* A VM watched to its end is no failure. */
			if (have_prev && r == -ENOENT) {
				printf("VM %ld is gone\n", id);
				return 0;
			}
			return 1;
		}
		if (interval > 0 && !json && isatty(STDOUT_FILENO))
			printf("\033[H\033[2J");
		print_stats(&l.vms[0], &vl, have_prev ? prev : NULL,
			    have_prev ? interval : 0, json);
		fflush(stdout);
		memcpy(prev, l.vms[0].exits, sizeof(prev));
		have_prev = true;
		free(l.vms);
		free(vl.vcpus);
		if (interval <= 0)
			return 0;
		usleep((useconds_t)(interval * 1e6));
		if (!json)
			putchar('\n');
	}
}

static const char monitor_usage[] =
	"usage: vmctl monitor [--json]\n\n"
	"Print hvx's events as they happen, one line each, until interrupted:\n"
	"vm-created, vm-destroyed, vcpu-created, failed-entry, shutdown,\n"
	"internal-error, vm-paused, vm-resumed.  Needs CAP_SYS_ADMIN.\n\n"
	"  --json   one JSON object per line\n";

static int print_event(uint8_t cmd, struct nlattr **tb, void *arg)
{
	bool json = *(bool *)arg;
	uint32_t event = get_u32(tb, HVX_A_EVENT);
	struct timespec ts;
	struct tm tm;
	char when[32];

	if (cmd != HVX_CMD_EVENT)
		return 0;
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);

	if (json) {
		printf("{\"time_ns\":%lld,\"event\":\"%s\",\"vm\":%u",
		       (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec,
		       hvx_event_name(event), get_u32(tb, HVX_A_VM_ID));
		if (tb[HVX_A_VCPU_ID])
			printf(",\"vcpu\":%u", get_u32(tb, HVX_A_VCPU_ID));
		if (tb[HVX_A_EVENT_REASON])
			printf(",\"reason\":%u", get_u32(tb, HVX_A_EVENT_REASON));
		if (tb[HVX_A_VM_PID])
			printf(",\"pid\":%u", get_u32(tb, HVX_A_VM_PID));
		if (tb[HVX_A_VM_COMM]) {
			printf(",\"comm\":");
			json_string(nla_get_string(tb[HVX_A_VM_COMM]));
		}
		printf("}\n");
	} else {
		printf("%s.%03ld %-14s vm %u", when, ts.tv_nsec / 1000000,
		       hvx_event_name(event), get_u32(tb, HVX_A_VM_ID));
		if (tb[HVX_A_VCPU_ID])
			printf(" vcpu %u", get_u32(tb, HVX_A_VCPU_ID));
		if (tb[HVX_A_EVENT_REASON])
			printf(" reason %#x", get_u32(tb, HVX_A_EVENT_REASON));
		if (tb[HVX_A_VM_PID])
			printf(" pid %u", get_u32(tb, HVX_A_VM_PID));
		if (tb[HVX_A_VM_COMM])
			printf(" comm %s", nla_get_string(tb[HVX_A_VM_COMM]));
		putchar('\n');
	}
	fflush(stdout);
	return 0;
}

int cmd_monitor(int argc, char **argv)
{
	bool json;
	struct hvx_nl_call call = {
		.what = "monitor", .listen = true, .parse = print_event,
		.arg = &json,
	};

	if (want_help(argc, argv, monitor_usage))
		return 0;
	if (argc > 2 || (argc == 2 && strcmp(argv[1], "--json")))
		return bad_usage(monitor_usage);
	json = argc == 2;
	return hvx_nl(&call) ? 1 : 0;
}

static const char pause_usage[] =
	"usage: vmctl pause VM\n\n"
	"Stop a VM's vCPUs: each leaves the guest and waits in the kernel\n"
	"until 'vmctl resume VM'.  The VM's own process sees no error; a\n"
	"signal still interrupts its KVM_RUN.  Needs CAP_SYS_ADMIN.\n";

static const char resume_usage[] =
	"usage: vmctl resume VM\n\n"
	"Let a paused VM's vCPUs run again, from where they were.  Needs\n"
	"CAP_SYS_ADMIN.\n";

static int pause_or_resume(int argc, char **argv, bool pause)
{
	const char *usage = pause ? pause_usage : resume_usage;
	const char *name = pause ? "pause" : "resume";
	struct hvx_nl_call call = {
		.cmd = pause ? HVX_CMD_VM_PAUSE : HVX_CMD_VM_RESUME,
		.has_vm = true,
	};
	char what[32];
	long id;

	if (want_help(argc, argv, usage))
		return 0;
	if (argc != 2)
		return bad_usage(usage);
	id = parse_vm_id(name, argv[1]);
	if (id < 0)
		return 2;
	snprintf(what, sizeof(what), "%s VM %ld", name, id);
	call.what = what;
	call.vm_id = (uint32_t)id;
	if (hvx_nl(&call))
		return 1;
	printf("VM %ld %s\n", id, pause ? "paused" : "resumed");
	return 0;
}

int cmd_pause(int argc, char **argv)
{
	return pause_or_resume(argc, argv, true);
}

int cmd_resume(int argc, char **argv)
{
	return pause_or_resume(argc, argv, false);
}
