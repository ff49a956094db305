// SPDX-License-Identifier: GPL-2.0
/*
 * Dirty page logging: KVM_MEM_LOG_DIRTY_PAGES on a slot, and
 * KVM_GET_DIRTY_LOG, which names the pages the guest wrote since the last
 * call and starts the log afresh.  What QEMU's VGA does to redraw, and
 * what live migration does to copy a running guest.
 *
 *   dirty_log_test DEVICE GUEST.bin      (tests/guests/probe.S)
 *
 * The guest stores and loads on request (probe.h) in a logged slot of
 * 2 MiB at 2 MiB, backed by memory that may be one huge page: a write
 * anywhere in it must still show, page by page.  Each log goes into the
 * transcript as the list of its pages, which 95-vm-api.sh compares
 * between hvx and kvm_intel.
 */
#include "probe.h"

#define LOG_SLOT	1
#define LOG_GPA		0x200000
#define LOG_SIZE	0x200000
#define LOG_PAGES	(LOG_SIZE / 4096)

static uint8_t *watched;
static bool own;

static int set_logged_slot(uint32_t flags)
{
	struct kvm_userspace_memory_region r = {
		.slot = LOG_SLOT, .flags = flags, .guest_phys_addr = LOG_GPA,
		.memory_size = LOG_SIZE, .userspace_addr = (uintptr_t)watched,
	};

	return ioctl(vm, KVM_SET_USER_MEMORY_REGION, &r);
}

/* KVM_GET_DIRTY_LOG of @slot into @bitmap; the ioctl's result. */
static int get_log(uint32_t slot, uint64_t *bitmap)
{
	struct kvm_dirty_log log = { .slot = slot, .dirty_bitmap = bitmap };

	return ioctl(vm, KVM_GET_DIRTY_LOG, &log);
}

/*
 * The logged slot's dirty pages, as "N N ..." into @s (and the
 * transcript): what KVM_GET_DIRTY_LOG names.
 */
static const char *dirty_pages(const char *when)
{
	static char s[256];
	uint64_t bitmap[LOG_PAGES / 64];
	size_t n = 0;
	int i;

	memset(bitmap, 0xa5, sizeof(bitmap));
	if (get_log(LOG_SLOT, bitmap) < 0) {
		snprintf(s, sizeof(s), "error %s", strerror(errno));
	} else {
		s[0] = 0;
		for (i = 0; i < LOG_PAGES && n < sizeof(s) - 8; i++)
			if (bitmap[i / 64] >> (i % 64) & 1)
				n += snprintf(s + n, sizeof(s) - n, "%s%d",
					      n ? " " : "", i);
		if (!n)
			snprintf(s, sizeof(s), "none");
	}
	trace("dirty %s: %s", when, s);
	return s;
}

static void store(uint32_t page, uint32_t off, uint32_t val)
{
	int r = probe(OP_STORE, 0, val, LOG_GPA + page * 4096 + off, NULL);

	if (r != DONE)
		trace("store to page %u: %s", page, outcome(r, 0));
}

static uint32_t load(uint32_t page)
{
	uint64_t v = 0;

	probe(OP_LOAD, 0, 0, LOG_GPA + page * 4096, &v);
	return v;
}

static void expect_dirty(const char *when, const char *want)
{
	const char *got = dirty_pages(when);

	tap_result(!strcmp(got, want), "dirty log %s: %s (%s)", when, want,
		   got);
}

int main(int argc, char **argv)
{
	uint64_t bitmap[LOG_PAGES / 64];
	uint8_t *area;
	uint32_t v;

	probe_start(argc, argv);
	own = strstr(argv[1], "hvx") != NULL;
	/* 2 MiB-aligned, as a huge page would be. */
	area = mmap(NULL, 2 * LOG_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	watched = (uint8_t *)(((uintptr_t)area + LOG_SIZE - 1) &
			     ~(uintptr_t)(LOG_SIZE - 1));
	madvise(watched, LOG_SIZE, MADV_HUGEPAGE);
	memset(watched, 0, LOG_SIZE);

	TAP_EXPECT_RET(set_logged_slot(KVM_MEM_LOG_DIRTY_PAGES), 0,
		       "a slot with KVM_MEM_LOG_DIRTY_PAGES");
	expect_dirty("at first", "none");
	store(0, 0, 0x11);
	store(5, 8, 0x55);
	store(511, 4092, 0x5ff);
	store(5, 16, 0x56);
	expect_dirty("after writes to pages 0, 5, 511 and 5",
		     "0 5 511");
	expect_dirty("again, with no write since", "none");
	tap_result(*(uint32_t *)(watched + 5 * 4096 + 8) == 0x55,
		   "the VMM sees the guest's write to page 5");

	/* Pages already watched once are watched again. */
	store(5, 8, 0x57);
	store(6, 0, 0x66);
	tap_result(*(uint32_t *)(watched + 5 * 4096 + 8) == 0x57,
		   "the VMM sees the guest's next write to page 5");
	expect_dirty("after writes to pages 5 and 6", "5 6");

	/* Errors, and a failed copy loses nothing. */
	TAP_EXPECT_ERRNO(get_log(0, bitmap), ENOENT,
			 "KVM_GET_DIRTY_LOG of a slot without logging");
	TAP_EXPECT_ERRNO(get_log(7, bitmap), ENOENT,
			 "KVM_GET_DIRTY_LOG of an empty slot");
	store(9, 0, 0x99);
	TAP_EXPECT_ERRNO(get_log(LOG_SLOT, (uint64_t *)8), EFAULT,
			 "KVM_GET_DIRTY_LOG to a bad address");
	if (own) {
		in_transcript = false;
		expect_dirty("after the failed call (hvx keeps it)", "9");
		in_transcript = true;
		TAP_EXPECT_ERRNO(get_log(1000, bitmap), EINVAL,
				 "KVM_GET_DIRTY_LOG of slot 1000");
	} else {
		get_log(LOG_SLOT, bitmap);
	}

	/* Logging off: the log goes; on again: it starts empty. */
	TAP_EXPECT_RET(set_logged_slot(0), 0, "dirty logging off");
	TAP_EXPECT_ERRNO(get_log(LOG_SLOT, bitmap), ENOENT,
			 "KVM_GET_DIRTY_LOG once logging is off");
	store(3, 0, 0x33);
	v = load(3);
	tap_result(v == 0x33, "the guest writes and reads without the log (%#x)",
		   v);
	TAP_EXPECT_RET(set_logged_slot(KVM_MEM_LOG_DIRTY_PAGES), 0,
		       "dirty logging on again");
	expect_dirty("when logging starts again", "none");
	store(200, 0, 0x200);
	expect_dirty("after a write to page 200", "200");

	/*
	 * Reads: KVM maps a page writable on a read where the VMM's memory
	 * is writable, and logs it then; hvx logs only pages written.
	 */
	tap_result(load(3) == 0x33 && load(6) == 0x66,
		   "the guest's memory is as it left it");
	if (own) {
		in_transcript = false;
		expect_dirty("after reads only (hvx)", "none");
		in_transcript = true;
	}
	trace("end");
	return tap_failed;
}
