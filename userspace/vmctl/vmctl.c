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
	{ "run", "[OPTIONS] FILE", "run a guest image in a new VM (see 'vmctl run --help')",
	  cmd_run },
};

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: vmctl COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-8s %-12s %s\n", commands[i].name,
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
		if (argc > 2 && c->run != cmd_run &&
		    (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"))) {
			printf("usage: vmctl %s %s\n\n%s\n", c->name, c->args,
			       c->help);
			return 0;
		}
		return c->run(argc - 1, argv + 1);
	}
	fprintf(stderr, "vmctl: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return 2;
}
