// SPDX-License-Identifier: GPL-2.0
/*
 * A vCPU's statistics through KVM_GET_STATS_FD, the binary format both
 * KVM and hvx give (Documentation/virt/kvm/api.rst, "KVM_GET_STATS_FD"):
 * a header, then a descriptor per statistic (its name and where its
 * values are), then the values, read with pread() at the offsets the
 * header names.  vmctl run --stats prints the counters that are not 0,
 * so the same run can be compared between the two devices: hvx counts
 * exits by VMX exit reason ("exit_IO_INSTRUCTION"), KVM by kind
 * ("io_exits"); both have "exits".
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "machine.h"

/* Print "vcpuN: stat NAME VALUE" for each non-zero single-value statistic. */
int vcpu_print_stats(struct vcpu *v, FILE *out)
{
	struct kvm_stats_header h;
	struct kvm_stats_desc *d;
	size_t desc_size;
	char *descs = NULL;
	int fd, r = 0;
	uint32_t i;

	fd = ioctl(v->fd, KVM_GET_STATS_FD, NULL);
	if (fd < 0)
		return -errno;
	if (pread(fd, &h, sizeof(h), 0) != sizeof(h)) {
		r = -EIO;
		goto out;
	}
	desc_size = sizeof(*d) + h.name_size;
	descs = calloc(h.num_desc, desc_size);
	if (!descs) {
		r = -ENOMEM;
		goto out;
	}
	if (pread(fd, descs, h.num_desc * desc_size, h.desc_offset) !=
	    (ssize_t)(h.num_desc * desc_size)) {
		r = -EIO;
		goto out;
	}
	for (i = 0; i < h.num_desc; i++) {
		uint64_t val;

		d = (struct kvm_stats_desc *)(descs + i * desc_size);
		if (d->size != 1 ||
		    pread(fd, &val, sizeof(val), h.data_offset + d->offset) !=
		    sizeof(val) || !val)
			continue;
		fprintf(out, "vcpu%d: stat %.*s %llu\n", v->id, (int)h.name_size,
			d->name, (unsigned long long)val);
	}
out:
	free(descs);
	close(fd);
	return r;
}
