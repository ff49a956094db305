# The randomized exerciser (tests/e2e/progs/fuzz_test.c): random ioctls,
# arguments, register states and guests on /dev/hvx for a bounded time,
# with two fixed seeds so that a failure can be replayed.  Passing means:
# the process ran to the end, no VM is left, hvx unloads, and the run's
# kernel log has no oops, WARN, BUG, lockdep or kmemleak report.
. /tests/lib.sh

check "insmod hvx" insmod $HVX_KO
/tests/bin/fuzz_test /dev/hvx 1 30
/tests/bin/fuzz_test /dev/hvx 2 30
vmctl info >/tmp/info.out 2>&1
check "fuzz: no VM is left behind" grep -qE "^VMs: +0$" /tmp/info.out
check "fuzz: rmmod hvx" rmmod hvx
