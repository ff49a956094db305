# SPDX-License-Identifier: GPL-2.0
# Inside the test machine (busybox sh): run KVM's selftests on hvx and on
# kvm_intel, each under its time limit, and print what each did.
#
#   run-in-machine.sh LIST [TEST...]
#
# LIST has the format of tests/selftests/list.txt; the TESTs, when given,
# pick some of its tests (run in LIST's order).  The programs are where
# tests/machine/run.sh puts them: beside this script, at their paths in the
# selftests' tree (/selftests/x86_64/cpuid_test).  hvx and kvm_intel must
# both be loaded (hvx with enable_at_load=0: each takes VMX only while one
# of its VMs exists, so they take turns).  A selftest opens /dev/kvm: for
# hvx it runs in a mount namespace of its own where /dev/hvx is bound over
# /dev/kvm, and sees nothing else different.
#
# Output, one line per test and device (the host's report.py and
# tests/e2e/88-selftests.sh read it):
#
#   selftest-result: TEST DEVICE RESULT SECONDS STATUS
#
# DEVICE is hvx or kvm_intel; RESULT is pass (exit status 0), skip (4,
# kselftest's KSFT_SKIP), fail (any other status), timeout (killed at its
# limit), notrun (LIST says "-" for that device) or missing (not in
# LIST); SECONDS is machine time; STATUS is the exit status.  For anything
# but a pass the last lines of the test's output follow, as
#
#   selftest-output: TEST DEVICE | LINE
#
# and "selftest-note: TEST DEVICE | ..." says when hvx still held VMX
# after a test had ended (a VM outlived its process).  The last line is
# "selftest-done: N", N the number of runs (of a test on a device).  Each
# run is also marked in the kernel log ("hvx-selftest: TEST on DEVICE:
# start", and "end"), so that a kernel report can be told apart by the
# test that caused it.

case "$0" in
/*) self=$0 ;;
*) self=$PWD/$0 ;;
esac
dir=${self%/*}

# The test's own process, which run() below starts: it makes itself the
# first to go when memory runs out (the runner must survive to report it),
# then becomes the test, on its device.
if [ "$1" = --exec ]; then
	echo 1000 2>/dev/null >/proc/self/oom_score_adj
	if [ "$2" = hvx ]; then
		# shellcheck disable=SC2016
		exec unshare -m sh -c 'mount --bind /dev/hvx /dev/kvm && exec "$0"' "$3"
	fi
	exec "$3"
fi

list=$1
shift
[ -f "$list" ] || { echo "run-in-machine.sh: no list '$list'" >&2; exit 2; }
for node in /dev/hvx /dev/kvm; do
	[ -c $node ] || { echo "run-in-machine.sh: $node is missing: load hvx and kvm_intel" >&2; exit 2; }
done

echo -1000 2>/dev/null >/proc/self/oom_score_adj
# hardware_disable_test's semaphore lives in /dev/shm; without it the test
# crashes and leaves children that hold VMX.
if ! grep -q ' /dev/shm ' /proc/mounts; then
	mkdir -p /dev/shm && mount -t tmpfs -o size=64m shm /dev/shm
fi
cd /tmp || exit 2

# These two set a variable rather than print, to be called without $(...):
# a fork costs much in Bochs.
# now: $now, whole seconds since boot.
now() {
	read -r now _ </proc/uptime
	now=${now%.*}
}

# hvx_vmx: $cpus, hvx's CPUs in VMX operation, empty when none.
hvx_vmx() {
	cpus=
	read -r cpus 2>/dev/null </sys/class/misc/hvx/vmx_cpus
}

# group_alive PGID: is a process of the group still there, not a zombie
# (a zombie has closed its fds, and its VMs are gone)?
group_alive() {
	pg=$1
	kill -0 -"$pg" 2>/dev/null || return 1
	for stat in /proc/[0-9]*/stat; do
		read -r line <"$stat" 2>/dev/null || continue
		# After "(comm) ": state, ppid, pgrp.
		# shellcheck disable=SC2086
		set -- ${line##*) }
		[ "${3:-}" = "$pg" ] && [ "$1" != Z ] && return 0
	done
	return 1
}

# run TEST DEVICE LIMIT: run one test on one device, print its lines.
run() {
	t=$1 dev=$2 limit=$3 out=/tmp/selftest.out flag=/tmp/selftest.timeout

	rm -f $flag
	echo "hvx-selftest: $t on $dev: start" >/dev/kmsg
	now
	t0=$now
	# A session of its own, so that the whole of it (hardware_disable_test
	# forks children) can be killed.  The runner is not a process group
	# leader, so setsid execs rather than forking: $! is the group.
	setsid sh "$self" --exec "$dev" "$dir/$t" </dev/null >$out 2>&1 &
	pid=$!
	# shellcheck disable=SC2016
	setsid sh -c 'sleep "$1"; : >"$2"; kill -KILL -"$3"' sh \
		"$limit" $flag $pid </dev/null >/dev/null 2>&1 &
	watchdog=$!
	# (2>/dev/null: the shell's own word on a job killed by a signal.)
	wait $pid 2>/dev/null
	st=$?
	# Its group, and itself in case it has not made the group yet (then
	# it has not started its sleep either).
	kill -KILL -$watchdog $watchdog 2>/dev/null
	# Whatever it left behind holds a VM, and maybe VMX.
	kill -KILL -$pid 2>/dev/null
	wait $watchdog 2>/dev/null
	now
	secs=$((now - t0))
	# Killed processes take a while to go, and their VMs with them: the
	# next test must not find VMX still taken (hardware_disable_test's
	# 512 children on kvm_intel kept hvx's next KVM_CREATE_VM at EBUSY).
	n=600
	while group_alive $pid && [ $n -gt 0 ]; do
		sleep 0.1
		n=$((n - 1))
	done
	! group_alive $pid ||
		echo "selftest-note: $t $dev | its processes were still there 60 s after it ended"
	echo "hvx-selftest: $t on $dev: end" >/dev/kmsg

	if [ -e $flag ]; then
		res=timeout
	elif [ $st = 0 ]; then
		res=pass
	elif [ $st = 4 ]; then
		res=skip
	else
		res=fail
	fi
	echo "selftest-result: $t $dev $res $secs $st"
	if [ $res != pass ]; then
		# A skip says why in its last line; a failure's assertion and
		# message come last too, after the stack dump.
		lines=15
		[ $res = skip ] && lines=3
		tail -n $lines $out | while IFS= read -r line; do
			echo "selftest-output: $t $dev | $line"
		done
	fi

	if [ "$dev" = hvx ]; then
		# Teardown may finish a moment after the process is gone.
		n=50
		hvx_vmx
		while [ -n "$cpus" ] && [ $n -gt 0 ]; do
			sleep 0.1
			n=$((n - 1))
			hvx_vmx
		done
		[ -z "$cpus" ] ||
			echo "selftest-note: $t hvx | hvx still holds VMX on CPUs $cpus 5 s after the test ended"
	fi
}

ran=0
seen=" "
while read -r t hvx kvm _; do
	case "$t" in
	"" | "#"*) continue ;;
	esac
	if [ $# -gt 0 ]; then
		case " $* " in
		*" $t "*) ;;
		*) continue ;;
		esac
	fi
	seen="$seen$t "
	for dev in hvx kvm_intel; do
		limit=$hvx
		[ $dev = kvm_intel ] && limit=$kvm
		if [ "$limit" = - ]; then
			echo "selftest-result: $t $dev notrun 0 -"
			continue
		fi
		run "$t" $dev "$limit"
		ran=$((ran + 1))
	done
done <"$list"

for t in "$@"; do
	case "$seen" in
	*" $t "*) ;;
	*)
		echo "selftest-result: $t hvx missing 0 -"
		echo "selftest-result: $t kvm_intel missing 0 -"
		;;
	esac
done
echo "selftest-done: $ran"
