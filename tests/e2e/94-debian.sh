# SPDX-License-Identifier: GPL-2.0
# Debian's own kernel boots on hvx under vmctl: the vmlinuz of the
# package linux-image-amd64 depends on, unmodified
# (tests/linux-guest/debian-kernel.sh), with the small guest's initramfs
# and two vCPUs, to show that nothing about the guest was tailored to
# hvx.  Its init checks what 94-linux.sh's does, and then it powers off:
# the kernel has ACPI, so it finds vmctl's ACPI tables, and the machine's
# power-off (PM1_CNT's \_S5) ends the run.
#
# One boot costs about 500 s of the machine's time, nearly all of it the
# kernel's own work under emulation (README, "Debian's own kernel"), so
# it runs once, on hvx: 94-linux.sh compares the small kernel's boots
# with kvm_intel's.  Four options keep it to that:
#   rodata=off pti=off  no W+X checks: they walk the kernel's page tables,
#                       and with PTI the user ones too, for 75-105 s each
#                       of emulated time (the console's timestamps, at
#                       065cb0d and at c2fa544 alike), without scheduling.
#                       rodata=off skips the kernel's check, pti=off the
#                       user tables' (pti_finalize()), which would find
#                       rodata=off's writable kernel text and warn;
#   watchdog_thresh=60  against the soft-lockup watchdog (20 s by
#                       default) for whatever else runs that long;
#   cryptomgr.notests   the self-tests of its crypto algorithms took
#                       135 s of the boot's 683 (initcall_debug).
# Before the kernel's first line, its decompressor takes about 275 s.
. /tests/lib.sh
. /tests/lib-linux.sh

check "insmod hvx" insmod $HVX_KO
KERNEL=/tests/debian/vmlinuz
MEM=256M
BOOT_LIMIT=1400
boot /dev/hvx debian 2 rodata=off pti=off watchdog_thresh=60 cryptomgr.notests \
	hvxguest=poweroff
check_guest debian 2 /dev/hvx "ACPI S5"
check "rmmod hvx" rmmod hvx
