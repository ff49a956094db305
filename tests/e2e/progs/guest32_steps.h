/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The steps of a test that runs vCPU 0 of a 32-bit test guest exit by
 * exit (guest32.h): each program defines next_exit(), which runs the vCPU
 * to its next exit and puts that into ex and the transcript as the
 * program wants it; these helpers follow the guest's reports with it.
 */
#ifndef HVX_TESTS_GUEST32_STEPS_H
#define HVX_TESTS_GUEST32_STEPS_H

#include "guest32.h"

/* What guest_value() gives when the guest announces none. */
#ifndef NO_VALUE
#define NO_VALUE	ANY
#endif

static void next_exit(void);

/* Run to the next exit: is it that OUT? */
static inline bool step(uint16_t port, uint32_t value)
{
	next_exit();
	return was(port, value);
}

/* The value the guest announces next on P_VAL (NO_VALUE if it does not). */
static inline uint32_t guest_value(void)
{
	return step(P_VAL, ANY) ? ex.value : NO_VALUE;
}

/* The handler that reported its vector goes on to its IRET. */
static inline bool handler_done(uint8_t vector, uint32_t *ret)
{
	if (!step(P_RET, ANY))
		return false;
	if (ret)
		*ret = ex.value;
	return step(P_IRET, vector);
}

/*
 * The guest's handler for @vector runs next, from entry to IRET; *@ret
 * gets the address it returns to.
 */
static inline bool handler_ran(uint8_t vector, uint32_t *ret)
{
	return step(P_VEC, vector) && handler_done(vector, ret);
}

/*
 * Run until the guest announces step @mark: at once, unless a failed
 * check left the guest somewhere before it.  No interrupt window is asked
 * for on the way; a failed VM entry, which only a next_exit() that does
 * not bail out on it returns, ends the wait.
 */
static inline void sync_to(uint8_t mark)
{
	run->request_interrupt_window = 0;
	for (int i = 0; i < 100; i++) {
		next_exit();
		if (is_out(P_MARK, mark))
			return;
		if (ex.reason == KVM_EXIT_FAIL_ENTRY)
			break;
	}
	printf("#   waiting for step %#x\n", mark);
	bail("the guest never reached the step");
}

#endif /* HVX_TESTS_GUEST32_STEPS_H */
