// SPDX-License-Identifier: GPL-2.0
/* Parsing the kernel's CPU list format ("0-3,5,7-8"). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

#include "vmctl.h"

/*
 * Count the CPUs in a list as sysfs prints it.  An empty list (or a lone
 * newline) has none.  Returns the count, or -EINVAL for anything that is
 * not a well-formed list of increasing ranges.
 */
int cpulist_count(const char *list)
{
	const char *p = list;
	long count = 0, last = -1;

	if (*p == '\n' || !*p)
		return *p && p[1] ? -EINVAL : 0;
	for (;;) {
		char *end;
		long lo, hi;

		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		lo = strtol(p, &end, 10);
		hi = lo;
		p = end;
		if (*p == '-') {
			if (!isdigit((unsigned char)p[1]))
				return -EINVAL;
			hi = strtol(p + 1, &end, 10);
			p = end;
		}
		if (lo <= last || hi < lo || hi > 1 << 20)
			return -EINVAL;
		count += hi - lo + 1;
		last = hi;
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p == '\n')
			p++;
		return *p ? -EINVAL : (int)count;
	}
}
