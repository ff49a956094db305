/* SPDX-License-Identifier: GPL-2.0 */
/* Test images: loading and entry state (image.c). */
#ifndef VMCTL_IMAGE_H
#define VMCTL_IMAGE_H

#include <stdint.h>

#include "machine.h"

/* Where a flat image is loaded and entered. */
#define LOAD_ADDR	0x10000

enum image_mode { MODE_REAL, MODE_PROTECTED, MODE_PAGED, MODE_LONG };

extern const char *const image_mode_names[];

struct image {
	uint8_t *mem;
	uint64_t mem_size;
	enum image_mode mode;
	uint64_t entry;
};

int image_load(struct image *im, const char *path);
void image_build_tables(const struct image *im);
int image_vcpu_setup(const struct image *im, struct vcpu *v);

#endif /* VMCTL_IMAGE_H */
