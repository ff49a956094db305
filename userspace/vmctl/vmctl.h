/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VMCTL_H
#define VMCTL_H

#include <stddef.h>

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

/* cpulist.c */
int cpulist_count(const char *list);

/* Helpers return 0 or -errno; only the command layer prints and exits. */
int read_text_file(const char *path, char *buf, size_t size);

#endif /* VMCTL_H */
