// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: decoding VMCS field encodings, checked against the encodings the
 * kernel's <asm/vmx.h> gives for real fields.
 */
#include <kunit/test.h>
#include <asm/vmx.h>

#include "../../kmod/vmx/vmcs.h"

struct field_case {
	unsigned long field;
	enum hvx_vmcs_field_width width;
	enum hvx_vmcs_field_type type;
	unsigned int index;
};

static const struct field_case fields[] = {
	{ VIRTUAL_PROCESSOR_ID, HVX_VMCS_FIELD_WIDTH_U16, HVX_VMCS_FIELD_TYPE_CONTROL, 0 },
	{ GUEST_ES_SELECTOR, HVX_VMCS_FIELD_WIDTH_U16, HVX_VMCS_FIELD_TYPE_GUEST, 0 },
	{ GUEST_CS_SELECTOR, HVX_VMCS_FIELD_WIDTH_U16, HVX_VMCS_FIELD_TYPE_GUEST, 1 },
	{ HOST_TR_SELECTOR, HVX_VMCS_FIELD_WIDTH_U16, HVX_VMCS_FIELD_TYPE_HOST, 6 },
	{ EPT_POINTER, HVX_VMCS_FIELD_WIDTH_U64, HVX_VMCS_FIELD_TYPE_CONTROL, 13 },
	{ EPT_POINTER_HIGH, HVX_VMCS_FIELD_WIDTH_U32, HVX_VMCS_FIELD_TYPE_CONTROL, 13 },
	{ GUEST_PHYSICAL_ADDRESS, HVX_VMCS_FIELD_WIDTH_U64, HVX_VMCS_FIELD_TYPE_EXIT_INFO, 0 },
	{ VMCS_LINK_POINTER, HVX_VMCS_FIELD_WIDTH_U64, HVX_VMCS_FIELD_TYPE_GUEST, 0 },
	{ HOST_IA32_EFER, HVX_VMCS_FIELD_WIDTH_U64, HVX_VMCS_FIELD_TYPE_HOST, 1 },
	{ PIN_BASED_VM_EXEC_CONTROL, HVX_VMCS_FIELD_WIDTH_U32, HVX_VMCS_FIELD_TYPE_CONTROL, 0 },
	{ VM_EXIT_REASON, HVX_VMCS_FIELD_WIDTH_U32, HVX_VMCS_FIELD_TYPE_EXIT_INFO, 1 },
	{ GUEST_ES_LIMIT, HVX_VMCS_FIELD_WIDTH_U32, HVX_VMCS_FIELD_TYPE_GUEST, 0 },
	{ HOST_IA32_SYSENTER_CS, HVX_VMCS_FIELD_WIDTH_U32, HVX_VMCS_FIELD_TYPE_HOST, 0 },
	{ CR0_GUEST_HOST_MASK, HVX_VMCS_FIELD_WIDTH_NATURAL, HVX_VMCS_FIELD_TYPE_CONTROL, 0 },
	{ EXIT_QUALIFICATION, HVX_VMCS_FIELD_WIDTH_NATURAL, HVX_VMCS_FIELD_TYPE_EXIT_INFO, 0 },
	{ GUEST_RIP, HVX_VMCS_FIELD_WIDTH_NATURAL, HVX_VMCS_FIELD_TYPE_GUEST, 15 },
	{ HOST_RSP, HVX_VMCS_FIELD_WIDTH_NATURAL, HVX_VMCS_FIELD_TYPE_HOST, 10 },
};

static void vmcs_field_decodes_width_type_and_index(struct kunit *test)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		const struct field_case *c = &fields[i];

		KUNIT_EXPECT_EQ_MSG(test, vmcs_field_width(c->field), c->width,
				    "width of field %#lx", c->field);
		KUNIT_EXPECT_EQ_MSG(test, vmcs_field_type(c->field), c->type,
				    "type of field %#lx", c->field);
		KUNIT_EXPECT_EQ_MSG(test, vmcs_field_index(c->field), c->index,
				    "index of field %#lx", c->field);
		KUNIT_EXPECT_TRUE_MSG(test, vmcs_field_valid(c->field),
				      "field %#lx is valid", c->field);
	}
}

static void vmcs_field_rejects_reserved_bits(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, vmcs_field_valid(GUEST_RIP | BIT(12)));
	KUNIT_EXPECT_FALSE(test, vmcs_field_valid(GUEST_RIP | BIT(15)));
	KUNIT_EXPECT_FALSE(test, vmcs_field_valid(0x80000000UL | GUEST_RIP));
}

static void vmcs_field_rejects_high_half_of_non_64bit_field(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, vmcs_field_valid(GUEST_RIP | 1));
	KUNIT_EXPECT_FALSE(test, vmcs_field_valid(VM_EXIT_REASON | 1));
	KUNIT_EXPECT_FALSE(test, vmcs_field_valid(GUEST_CS_SELECTOR | 1));
	KUNIT_EXPECT_TRUE(test, vmcs_field_valid(VMCS_LINK_POINTER_HIGH));
}

static void vmcs_field_exit_information_is_readonly(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, vmcs_field_readonly(VM_EXIT_REASON));
	KUNIT_EXPECT_TRUE(test, vmcs_field_readonly(EXIT_QUALIFICATION));
	KUNIT_EXPECT_TRUE(test, vmcs_field_readonly(VM_INSTRUCTION_ERROR));
	KUNIT_EXPECT_FALSE(test, vmcs_field_readonly(GUEST_RIP));
	KUNIT_EXPECT_FALSE(test, vmcs_field_readonly(EPT_POINTER));
}

static struct kunit_case vmcs_field_cases[] = {
	KUNIT_CASE(vmcs_field_decodes_width_type_and_index),
	KUNIT_CASE(vmcs_field_rejects_reserved_bits),
	KUNIT_CASE(vmcs_field_rejects_high_half_of_non_64bit_field),
	KUNIT_CASE(vmcs_field_exit_information_is_readonly),
	{}
};

static struct kunit_suite vmcs_field_suite = {
	.name = "hvx_vmcs_field",
	.test_cases = vmcs_field_cases,
};

kunit_test_suite(vmcs_field_suite);
