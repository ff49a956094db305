/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The id hvx gives a VM (netlink's, HVX_INTROSPECT's), as the VM fd's
 * /proc/self/fdinfo names it ("hvx-vm-id:").  For the test programs that
 * introspect their own VMs.
 */
#ifndef HVX_TESTS_VM_ID_H
#define HVX_TESTS_VM_ID_H

#include <stdint.h>
#include <stdio.h>

/* The id of the VM behind @vm_fd, or ~0 where its fdinfo names none. */
static inline uint32_t hvx_vm_id_of(int vm_fd)
{
	char path[64], line[128];
	unsigned int id = ~0u;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", vm_fd);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		sscanf(line, "hvx-vm-id: %u", &id);
	if (f)
		fclose(f);
	return id;
}

#endif /* HVX_TESTS_VM_ID_H */
