# SPDX-License-Identifier: GPL-2.0
# kdump with hvx holding VMX on every CPU, the last step of a run, in two
# halves.  Each check is a TAP line on the second serial port at once:
# the first half never returns.
#
#   kdump.sh crash   in the test machine's kernel (run-tests.sh): load a
#                    crash kernel, hand the emergency slot to KVM and take
#                    it back, hold VMX on both CPUs with a guest running on
#                    CPU1, and crash on CPU0 on purpose
#   kdump.sh check   in the crash kernel (the same kernel and init, with
#                    hvxtest=crashkernel): it booted, CPU1 came back, hvx
#                    loads and runs a guest; then init reboots with hvx
#                    holding VMX, so the orderly reboot path is checked
#                    there
#
# Only hvx's emergency callback can turn VMX off on this path (kvm.ko is
# not loaded, so KVM's is not registered).  Without it the crash kernel
# never starts: the jump to it clears CR4.VMXE on CPU0, which faults in
# VMX operation (Bochs logs "attempt to clear CR4.VMXE in vmx mode" and
# stops on the triple fault), and CPU1, left in VMX operation, ignores
# the INIT that would start it again.  tests/machine/judge.py requires
# the marker below, the crash kernel's boot after it, and these checks.
TAP=/dev/ttyS1
stty -F $TAP 115200 raw 2>/dev/null

. /tests/lib.sh

ok() {
	echo "ok - kdump: $*"
	echo "ok - kdump: $*" >$TAP
}

not_ok() {
	echo "not ok - kdump: $*"
	echo "not ok - kdump: $*" >$TAP
}

crash() {
	check "a crash kernel is loaded with kexec_file_load()" \
		kdump_load /kdump/bzImage /kdump/initrd.gz "$(cat /kdump/cmdline)"
	check "the kernel has a crash kernel" \
		grep -qx 1 /sys/kernel/kexec_crash_loaded
	check "insmod hvx" insmod "$HVX_KO"
	# kvm.ko's arrival takes the emergency slot from hvx before
	# kvm_intel registers its own callback there, and its departure
	# gives it back: a mistake is a WARN, which fails the run, or a
	# crash kernel that never starts.
	check "kvm_intel loads beside hvx" modprobe kvm_intel
	check "kvm_intel and kvm.ko unload" rmmod kvm_intel kvm irqbypass
	check "kvm.ko is not loaded: only hvx's callback can turn VMX off" \
		sh -c '! grep -q "^kvm " /proc/modules'
	check "both CPUs are in VMX operation" probe_all 1 1
	# A guest on CPU1 when the NMI comes: its VMCS is active there.
	taskset 2 vmctl run --mode long /tests/guests/counter.bin \
		>/tmp/counter.out 2>&1 &
	check "a guest runs on CPU1" wait_for 60 grep -q 00000002 /tmp/counter.out
	echo "hvx-machine: kdump: crashing on purpose with hvx holding VMX"
	tap_line "HVX-KDUMP-CRASH"
	# sysrq's crash runs on the writer's CPU: CPU0, the boot CPU, so
	# that the crash kernel starts there and wakes CPU1 with INIT (a 6.1
	# crash kernel started on CPU1 would send INIT to the boot CPU,
	# which does not survive it).
	taskset 1 sh -c 'echo c >/proc/sysrq-trigger'
	not_ok "the crash started the crash kernel"
	tap_line "HVX-DONE"
}

check_crash_kernel() {
	ok "the crash kernel booted: CPU0 had left VMX operation"
	check "it is a crash kernel: /proc/vmcore holds the crashed kernel" \
		test -s /proc/vmcore
	cat /sys/devices/system/cpu/online
	check "CPU1 came back: it had left VMX operation, so INIT reached it" \
		grep -qx 0-1 /sys/devices/system/cpu/online
	insmod /tests/vmxprobe.ko
	check "both CPUs start out of VMX operation" probe_all 0 0
	check "insmod hvx" insmod "$HVX_KO"
	check "both CPUs are in VMX operation" probe_all 1 1
	vmctl run --mode long /tests/guests/long.bin >/tmp/long.out 2>&1
	cat /tmp/long.out
	check "a guest runs" file_has /tmp/long.out "long mode: hello"
	# Left loaded: init reboots, and hvx's reboot notifier must turn
	# VMX off first (judge.py looks for its message).
	echo "hvx-machine: hvx loaded for the reboot check"
	tap_line "HVX-DONE"
}

tap_line() {
	echo "$*" >$TAP
}

case "$1" in
crash) crash ;;
check) check_crash_kernel ;;
*) echo "usage: kdump.sh crash|check" >&2; exit 2 ;;
esac
