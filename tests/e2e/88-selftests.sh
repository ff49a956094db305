# SPDX-License-Identifier: GPL-2.0
# KVM's own selftests, from Debian's linux-source-6.1: the few that make
# test runs (tests/selftests/subset.txt), on hvx and then on kvm_intel in
# the same boot (tests/selftests/run-in-machine.sh, with list.txt's time
# limits).  One TAP line per test and device: each must pass on both, on
# kvm_intel to show that the test means something in this machine.  The
# whole table, every x86_64 selftest on both, is make conformance's.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. /tests/lib.sh

check "insmod hvx enable_at_load=0" insmod "$HVX_KO" enable_at_load=0
# preemption_timer=0: as in 92-irqchip.sh, KVM's APIC timer on an hrtimer.
check "kvm_intel loads" modprobe kvm_intel preemption_timer=0

tests=$(sed 's/#.*//' /selftests/subset.txt)
# shellcheck disable=SC2086 # one argument per test
sh /selftests/run-in-machine.sh /selftests/list.txt $tests >/tmp/selftests.out
st=$?
cat /tmp/selftests.out
if [ $st = 0 ] && grep -q '^selftest-done: ' /tmp/selftests.out; then
	ok "run-in-machine.sh ran to its end"
else
	not_ok "run-in-machine.sh ran to its end (exit status $st)"
fi

for t in $tests; do
	for dev in hvx kvm_intel; do
		# selftest-result: TEST DEVICE RESULT SECONDS STATUS
		# shellcheck disable=SC2046 # its fields
		set -- $(grep "^selftest-result: $t $dev " /tmp/selftests.out)
		if [ "$4" = pass ]; then
			ok "selftest $t on $dev: passed in $5 s"
		else
			not_ok "selftest $t on $dev: ${4:-no result}${5:+ after $5 s}${6:+, exit status $6}"
			grep "^selftest-output: $t $dev " /tmp/selftests.out |
				sed 's/^selftest-output: [^|]*| /#   /'
		fi
	done
done

# A VM that outlives its process keeps VMX, and kvm_intel out of it.
if grep '^selftest-note: ' /tmp/selftests.out; then
	not_ok "every hvx VM went with its selftest's process"
else
	ok "every hvx VM went with its selftest's process"
fi

check "rmmod kvm_intel" rmmod kvm_intel
check "rmmod hvx" rmmod hvx
