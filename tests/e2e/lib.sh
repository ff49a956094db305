# SPDX-License-Identifier: GPL-2.0
# Helpers for the end-to-end tests, run by busybox sh inside the test
# machine.  Each check prints one TAP line; the runner collects them.

HVX_KO=/hvx/hvx.ko
PROBE=/sys/kernel/debug/vmxprobe/cpus
HVX_SYSFS=/sys/class/misc/hvx

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; }

# check DESCRIPTION COMMAND...: one TAP line for whether COMMAND succeeds.
check() {
	desc=$1
	shift
	if "$@"; then
		ok "$desc"
	else
		not_ok "$desc"
		echo "#   failed: $*"
	fi
}

# probe_all VMXE VMX: every online CPU reports exactly this, as the CPU
# itself sees it (tests/e2e/vmxprobe).
probe_all() {
	cat $PROBE
	! grep -v "vmxe=$1 vmx=$2\$" $PROBE | grep -q .
}

# probe_cpu CPU VMXE VMX
probe_cpu() {
	grep -qx "cpu$1 vmxe=$2 vmx=$3" $PROBE
}

vmx_cpus_are() {
	got=$(cat $HVX_SYSFS/vmx_cpus)
	echo "vmx_cpus: '$got', expected '$1'"
	[ "$got" = "$1" ]
}

# wait_for SECONDS COMMAND...: poll until COMMAND succeeds.
wait_for() {
	n=$(($1 * 10))
	shift
	while ! "$@" 2>/dev/null; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		sleep 0.1
	done
}

file_has() { grep -q "$2" "$1"; }

# stable_lines FILE: the Linux guest's "hvx-guest:" lines in FILE that
# must be the same from run to run and device to device (not its dmesg
# quotes, nor its own count of a second).
stable_lines() {
	grep -o 'hvx-guest: .*' "$1" |
		grep -v -e 'hvx-guest: dmesg' -e 'sleep1 guest-ms'
}

# defang: a guest kernel's console, as comments the serial log's judge
# does not take for this machine's own kernel reports.
defang() {
	sed -e 's/WARNING/W-ARNING/g' -e 's/BUG/B-UG/g' -e 's/Oops/0ops/g' \
	    -e 's/Call Trace/Call-Trace/g' -e 's/Kernel panic/Kernel-panic/g' \
	    -e 's/cut here/cut-here/g' -e 's/lockdep/lock-dep/g' \
	    -e 's/general protection/general-protection/g' \
	    -e 's/segfault at/segfault-at/g' -e 's/^/#   | /'
}

# vm_of PID: the id of the VM that process PID created, from `vmctl list`.
vm_of() { vmctl list | awk -v p="$1" '$2 == p { print $1 }'; }

# compare_devices PROG GUEST [WHAT]: run /tests/bin/PROG DEVICE
# /tests/guests/GUEST.bin on hvx and then on kvm_intel (both loaded), its
# TAP lines marked with the device, with one TAP line each for its exit
# status, and one, WHAT ("hvx's transcript is KVM's" unless given), for
# the transcripts (its "# | " lines) being the same on both.  A run cut
# short on both would compare equal: KVM's must have reached its end.
compare_devices() {
	local prog=$1 out=/tmp/$2 what="hvx's transcript is KVM's" dev st

	[ $# -lt 3 ] || what=$3
	for dev in hvx kvm; do
		/tests/bin/$prog /dev/$dev /tests/guests/$2.bin >$out.$dev
		st=$?
		sed "s/^\(not \)\{0,1\}ok - /&$dev: /" $out.$dev
		check "$prog on $dev: every check passed" [ $st = 0 ]
		grep '^# | ' $out.$dev >$out.$dev.trace
	done
	if grep -qx '# | end' $out.kvm.trace &&
	   cmp -s $out.hvx.trace $out.kvm.trace; then
		ok "$prog: $what"
	else
		not_ok "$prog: $what"
		diff $out.hvx.trace $out.kvm.trace
	fi
}
