/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMCS field encodings (SDM appendix "Field Encoding in VMCS").  A field's
 * encoding says how wide it is and what kind of state it holds:
 *
 *   bit  0      access type: 0 full, 1 the high 32 bits of a 64-bit field
 *   bits 9:1    index
 *   bits 11:10  type: control, VM-exit information, guest state, host state
 *   bits 14:13  width: 16-bit, 64-bit, 32-bit, natural width
 *
 * The width-typed accessors built on these refuse, at compile time, a
 * field of the wrong width.
 */
#ifndef HVX_VMX_VMCS_H
#define HVX_VMX_VMCS_H

#include <linux/bits.h>
#include <linux/types.h>

enum hvx_vmcs_field_width {
	HVX_VMCS_FIELD_WIDTH_U16 = 0,
	HVX_VMCS_FIELD_WIDTH_U64 = 1,
	HVX_VMCS_FIELD_WIDTH_U32 = 2,
	HVX_VMCS_FIELD_WIDTH_NATURAL = 3,
};

enum hvx_vmcs_field_type {
	HVX_VMCS_FIELD_TYPE_CONTROL = 0,
	HVX_VMCS_FIELD_TYPE_EXIT_INFO = 1,
	HVX_VMCS_FIELD_TYPE_GUEST = 2,
	HVX_VMCS_FIELD_TYPE_HOST = 3,
};

#define HVX_VMCS_FIELD_HIGH		BIT(0)
#define HVX_VMCS_FIELD_INDEX_MASK	GENMASK(9, 1)
#define HVX_VMCS_FIELD_TYPE_SHIFT	10
#define HVX_VMCS_FIELD_WIDTH_SHIFT	13
#define HVX_VMCS_FIELD_RESERVED_MASK	(BIT(12) | GENMASK(31, 15))

static __always_inline enum hvx_vmcs_field_width
vmcs_field_width(unsigned long field)
{
	/* The high half of a 64-bit field is read and written as 32 bits. */
	if ((field & HVX_VMCS_FIELD_HIGH) &&
	    ((field >> HVX_VMCS_FIELD_WIDTH_SHIFT) & 3) ==
	    HVX_VMCS_FIELD_WIDTH_U64)
		return HVX_VMCS_FIELD_WIDTH_U32;
	return (field >> HVX_VMCS_FIELD_WIDTH_SHIFT) & 3;
}

static __always_inline enum hvx_vmcs_field_type
vmcs_field_type(unsigned long field)
{
	return (field >> HVX_VMCS_FIELD_TYPE_SHIFT) & 3;
}

static __always_inline unsigned int vmcs_field_index(unsigned long field)
{
	return (field & HVX_VMCS_FIELD_INDEX_MASK) >> 1;
}

/*
 * A field userspace or a guest names must be well formed before it is
 * used: the reserved bits clear, and only 64-bit fields have a high half.
 */
static __always_inline bool vmcs_field_valid(unsigned long field)
{
	if (field & HVX_VMCS_FIELD_RESERVED_MASK)
		return false;
	if ((field & HVX_VMCS_FIELD_HIGH) &&
	    ((field >> HVX_VMCS_FIELD_WIDTH_SHIFT) & 3) !=
	    HVX_VMCS_FIELD_WIDTH_U64)
		return false;
	return true;
}

/* Writes to the VM-exit information fields fail: they are read-only. */
static __always_inline bool vmcs_field_readonly(unsigned long field)
{
	return vmcs_field_type(field) == HVX_VMCS_FIELD_TYPE_EXIT_INFO;
}

#endif /* HVX_VMX_VMCS_H */
