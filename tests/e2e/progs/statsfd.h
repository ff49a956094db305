/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading KVM_GET_STATS_FD's binary format (Documentation/virt/kvm/api.rst)
 * in the test programs.
 */
#ifndef HVX_TESTS_STATSFD_H
#define HVX_TESTS_STATSFD_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * A statistic of a KVM_GET_STATS_FD fd, by name, read with pread() at the
 * offsets its header gives; *@found says whether it is there.
 */
static inline uint64_t stat_of(int fd, const char *name, bool *found)
{
	struct kvm_stats_header h;
	size_t one;
	uint64_t v = 0;
	char *d;

	*found = false;
	if (pread(fd, &h, sizeof(h), 0) != sizeof(h) || h.num_desc > 4096)
		return 0;
	one = sizeof(struct kvm_stats_desc) + h.name_size;
	d = calloc(h.num_desc, one);
	if (d && pread(fd, d, h.num_desc * one, h.desc_offset) ==
		 (ssize_t)(h.num_desc * one)) {
		for (unsigned int i = 0; i < h.num_desc && !*found; i++) {
			struct kvm_stats_desc *s = (void *)(d + i * one);

			if (strncmp(s->name, name, h.name_size))
				continue;
			*found = pread(fd, &v, sizeof(v),
				       h.data_offset + s->offset) == sizeof(v);
		}
	}
	free(d);
	return v;
}

#endif /* HVX_TESTS_STATSFD_H */
