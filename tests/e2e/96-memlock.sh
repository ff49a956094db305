# Guest memory as locked memory (tests/e2e/progs/memlock_test.c): pinned
# pages charged to RLIMIT_MEMLOCK, KVM_RUN failing with ENOMEM at the limit
# and going on above it, the charge given back; the mappings hvx will not
# pin refused with EOPNOTSUPP; the kernel's and vmctl's words for both.
# KVM pins nothing and charges nothing: it runs only the mappings, and
# takes every one.
. /tests/lib.sh

check "insmod hvx enable_at_load=0" insmod $HVX_KO enable_at_load=0
check "kvm_intel loads" modprobe kvm_intel
# Huge pages where asked for, so that a 2 MiB page's charge shows.
thp=/sys/kernel/mm/transparent_hugepage/enabled
thp_was=$(sed 's/.*\[\(.*\)\].*/\1/' $thp)
echo madvise >$thp
dmesg -c >/dev/null

for dev in hvx kvm; do
	/tests/bin/memlock_test /dev/$dev >/tmp/memlock.tap
	st=$?
	sed "s/^\(not \)\{0,1\}ok - /&$dev: /" /tmp/memlock.tap
	check "memlock_test on $dev: every check passed" [ $st = 0 ]
done
dmesg | grep "hvx: memlock_test"
check "the kernel log names RLIMIT_MEMLOCK and ulimit -l" \
	sh -c 'dmesg | grep "RLIMIT_MEMLOCK" | grep -q "ulimit -l"'
check "the kernel log says why the shared file mapping was refused" \
	sh -c 'dmesg | grep "EOPNOTSUPP" | grep -q "MAP_PRIVATE"'

# vmctl, with 8 KiB of locked memory and no way to CAP_IPC_LOCK.
/tests/bin/memlock_test --limit 8 vmctl run --mode long \
	/tests/guests/long.bin >/tmp/vmctl.out 2>&1
st=$?
cat /tmp/vmctl.out
check "vmctl run past the limit: the guest failed (status 125)" [ $st = 125 ]
check "vmctl run past the limit: KVM_RUN's ENOMEM, and what to do" \
	sh -c 'grep -q "KVM_RUN: Cannot allocate memory" /tmp/vmctl.out &&
		grep -q "ulimit -l" /tmp/vmctl.out'
check "vmctl run within the limit runs the guest" \
	/tests/bin/memlock_test --limit 65536 vmctl run --mode long \
	/tests/guests/long.bin

echo "$thp_was" >$thp
check "rmmod kvm_intel" rmmod kvm_intel
check "rmmod hvx" rmmod hvx
