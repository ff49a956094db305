/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VMCTL_H
#define VMCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nlattr;

#define HVX_DEVICE	"/dev/hvx"
#define HVX_SYSFS	"/sys/class/misc/hvx"

struct vmctl_cmd {
	const char *name;
	const char *args;
	const char *help;
	int (*run)(int argc, char **argv);
};

/* Commands: each returns the process exit status. */
int cmd_info(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_bench(int argc, char **argv);

int cmd_list(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_pause(int argc, char **argv);
int cmd_resume(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_trace(int argc, char **argv);

/* introspect.c: attach to VM @id for vmctl @cmd, or NULL after saying why. */
struct hvxi;
struct hvxi *vmctl_introspect(const char *cmd, long id);
/* introspect.c: @s as an unsigned number (C's bases), all of it. */
bool parse_u64(const char *s, uint64_t *v);

/* vms.c: a VM id from the command line, or -1 after saying why. */
long parse_vm_id(const char *cmd, const char *s);

/* nl.c: one exchange with hvx's generic netlink family. */
struct hvx_nl_call {
	const char *what;	/* names the request in error messages */
	uint8_t cmd;		/* enum hvx_cmd */
	bool dump;		/* NLM_F_DUMP */
	bool listen;		/* join the events group instead of asking */
	bool has_vm, has_vcpu;
	uint32_t vm_id, vcpu_id;
	/*
	 * Called for each message with its attributes (indexed by enum
	 * hvx_attr).  Returning non-zero stops the exchange: negative as an
	 * error hvx_nl() returns, positive as success.
	 */
	int (*parse)(uint8_t cmd, struct nlattr **tb, void *arg);
	/* A dump is about to be asked again from the start. */
	void (*restart)(void *arg);
	void *arg;
};
int hvx_nl(const struct hvx_nl_call *call);

/* names.c */
const char *vmx_exit_name(unsigned int reason);
const char *hvx_event_name(unsigned int event);

/* cpulist.c */
int cpulist_count(const char *list);

/* Helpers return 0 or -errno; only the command layer prints and exits. */
int read_text_file(const char *path, char *buf, size_t size);

#endif /* VMCTL_H */
