// SPDX-License-Identifier: GPL-2.0
/*
 * vmctl: drive hvx.  One table of commands; each command parses its own
 * arguments and returns the exit status.
 */
#include <stdio.h>
#include <string.h>

#include "vmctl.h"

static const struct vmctl_cmd commands[] = {
	{ "info", "", "show hvx's version, the VMX capabilities and the CPUs in VMX operation",
	  cmd_info },
	{ "run", "[OPTIONS] FILE", "run a guest image in a new VM",
	  cmd_run },
	{ "list", "[--json]", "list the VMs on this host",
	  cmd_list },
	{ "stats", "[OPTIONS] VM", "show a VM's exits, their rates and its vCPUs",
	  cmd_stats },
	{ "monitor", "[--json]", "print hvx's events as they happen",
	  cmd_monitor },
	{ "pause", "VM", "hold a VM's vCPUs out of the guest",
	  cmd_pause },
	{ "resume", "VM", "let a paused VM run again",
	  cmd_resume },
	{ "inspect", "VM WHAT", "show a running VM's registers, memory or translations",
	  cmd_inspect },
	{ "watch", "EVENTS VM", "print a running VM's events: CR writes, INT3, CPUID, ...",
	  cmd_watch },
	{ "trace", "--syscalls VM", "print a running Linux guest's system calls",
	  cmd_trace },
	{ "bench", "[OPTIONS]", "time VM start-up and VM creation on the host side",
	  cmd_bench },
};

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: vmctl COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-8s %-15s %s\n", commands[i].name,
			commands[i].args, commands[i].help);
	fprintf(out, "\n'vmctl COMMAND --help' describes a command.\n");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		const struct vmctl_cmd *c = &commands[i];

		if (strcmp(argv[1], c->name))
			continue;
		/* Each command answers --help itself. */
		return c->run(argc - 1, argv + 1);
	}
	fprintf(stderr, "vmctl: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return 2;
}
