// SPDX-License-Identifier: GPL-2.0
/* Unit tests for cpulist_count(). */
#include <errno.h>
#include <stdio.h>

#include "../vmctl.h"

static void print_escaped(const char *s)
{
	for (; *s; s++)
		fputs(*s == '\n' ? "\\n" : (char[]){ *s, 0 }, stdout);
}

int main(void)
{
	static const struct {
		const char *list;
		int want;
	} cases[] = {
		{ "", 0 }, { "\n", 0 }, { "0", 1 }, { "0\n", 1 },
		{ "0-1", 2 }, { "0-1\n", 2 }, { "0,2-3,7", 4 }, { "5-5", 1 },
		{ "1-0", -EINVAL }, { "0,0", -EINVAL }, { "2,1", -EINVAL },
		{ "0-", -EINVAL }, { "-1", -EINVAL }, { "0,", -EINVAL },
		{ "a", -EINVAL }, { "0 1", -EINVAL }, { "0\n1", -EINVAL },
		{ "\n\n", -EINVAL },
	};
	int passed = 0, failed = 0;

	(void)passed;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = cpulist_count(cases[i].list);

		if (got == cases[i].want)
			passed++;
		else
			failed++;
		printf("%s - unit: cpulist_count(\"", got == cases[i].want ?
		       "ok" : "not ok");
		print_escaped(cases[i].list);
		printf("\") is %d", cases[i].want);
		if (got != cases[i].want)
			printf(" (got %d)", got);
		printf("\n");
	}
	return failed != 0;
}
