// SPDX-License-Identifier: GPL-2.0
/*
 * An introspector's writes that hvx takes back when the channel closes
 * (HVX_INTRO_MEM_UNDO, uapi/hvx.h): the breakpoints it puts in the guest,
 * above all, which must not outlive it.  An introspector that exits in
 * good order removes them itself; one that is killed cannot, and the
 * guest would then take a #BP in code that has none.
 *
 * hvx keeps each range's bytes from before the first such write and the
 * bytes written, and at close writes the old ones back where the guest
 * still holds the new: memory the guest (or the introspector) has since
 * changed is left alone.
 */
#include <linux/list.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../vm.h"
#include "intro.h"

struct hvx_intro_undo {
	struct list_head node;
	u64 gpa;
	u32 size;
	u8 old[HVX_INTRO_UNDO_MAX];
	u8 new[HVX_INTRO_UNDO_MAX];
};

/* The record of exactly @gpa and @size, under intro_lock. */
static struct hvx_intro_undo *hvx_intro_undo_find(struct hvx_intro *intro,
						  u64 gpa, u32 size)
{
	struct hvx_intro_undo *u;

	list_for_each_entry(u, &intro->undo, node)
		if (u->gpa == gpa && u->size == size)
			return u;
	return NULL;
}

/**
 * hvx_intro_write_undoable - HVX_INTRO_WRITE_MEM with HVX_INTRO_MEM_UNDO
 * @intro: the channel
 * @gpa: where, in address space 0
 * @buf: the bytes, in the kernel
 * @size: how many, 1 to HVX_INTRO_UNDO_MAX (hvx_intro_mem() checks it)
 *
 * Return: 0, -ENOSPC past HVX_INTRO_UNDOS_MAX
 * ranges, -ENOMEM, or hvx_read_guest()'s and hvx_write_guest()'s errors;
 * the guest's memory is unchanged on any failure.
 */
int hvx_intro_write_undoable(struct hvx_intro *intro, u64 gpa,
			     const void *buf, u32 size)
{
	struct hvx_vm *vm = intro->vm;
	struct hvx_intro_undo *u, *fresh;
	int r;

	fresh = kzalloc(sizeof(*fresh), GFP_KERNEL_ACCOUNT);
	if (!fresh)
		return -ENOMEM;
	fresh->gpa = gpa;
	fresh->size = size;
	memcpy(fresh->new, buf, size);
	r = hvx_read_guest(vm, 0, gpa, fresh->old, size);
	if (r)
		goto free;

	mutex_lock(&vm->intro_lock);
	u = hvx_intro_undo_find(intro, gpa, size);
	if (u) {
		/* The first write's old bytes stay; the new ones are these. */
		memcpy(u->new, buf, size);
	} else if (intro->nr_undo >= HVX_INTRO_UNDOS_MAX) {
		r = -ENOSPC;
	} else {
		list_add(&fresh->node, &intro->undo);
		intro->nr_undo++;
		fresh = NULL;
	}
	mutex_unlock(&vm->intro_lock);
	if (!r)
		r = hvx_write_guest(vm, 0, gpa, buf, size);
free:
	kfree(fresh);
	return r;
}

/*
 * The channel closes: each range back as it was, newest first, where the
 * guest still holds what the introspector wrote.  No command can run any
 * more; vCPUs may, and a vCPU's store between the comparison and the
 * write back is lost, as it would be to a debugger's breakpoint removal.
 */
void hvx_intro_undo_all(struct hvx_intro *intro)
{
	struct hvx_intro_undo *u, *next;
	u8 now[HVX_INTRO_UNDO_MAX];

	list_for_each_entry_safe(u, next, &intro->undo, node) {
		if (!hvx_read_guest(intro->vm, 0, u->gpa, now, u->size) &&
		    !memcmp(now, u->new, u->size))
			hvx_write_guest(intro->vm, 0, u->gpa, u->old, u->size);
		list_del(&u->node);
		kfree(u);
	}
	intro->nr_undo = 0;
}
