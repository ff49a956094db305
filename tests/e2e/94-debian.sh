# SPDX-License-Identifier: GPL-2.0
# Debian's own kernel boots on hvx under vmctl: the vmlinuz of the
# package linux-image-amd64 depends on, unmodified
# (tests/linux-guest/debian-kernel.sh), with the small guest's initramfs
# and two vCPUs, to show that nothing about the guest was tailored to
# hvx.  Its init checks what 94-linux.sh's does, and then it powers off:
# the kernel has ACPI, so it finds vmctl's ACPI tables, and the machine's
# power-off (PM1_CNT's \_S5) ends the run.
#
# One boot costs about 580 s of the machine's time, nearly all of it the
# kernel's own work under emulation (README, "Debian's own kernel"), so
# it runs once, on hvx: 94-linux.sh compares the small kernel's boots
# with kvm_intel's.  Two options keep it to that:
#   watchdog_thresh=60  the kernel's W+X check walks its page tables for
#                       about 25 s of emulated time without scheduling,
#                       which its soft-lockup watchdog (20 s by default)
#                       reports;
#   cryptomgr.notests   the self-tests of its crypto algorithms took
#                       135 s of the boot's 683 (initcall_debug).
. /tests/lib.sh
. /tests/lib-linux.sh

check "insmod hvx" insmod $HVX_KO
KERNEL=/tests/debian/vmlinuz
MEM=256M
BOOT_LIMIT=1400
boot /dev/hvx debian 2 watchdog_thresh=60 cryptomgr.notests hvxguest=poweroff
check_guest debian 2 /dev/hvx "ACPI S5"
check "rmmod hvx" rmmod hvx
