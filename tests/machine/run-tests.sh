# SPDX-License-Identifier: GPL-2.0
# Inside the test machine: run the end-to-end tests (all, or those named
# in $1, separated by commas), send their TAP lines to the second serial
# port for the host, and check for leaks.  Then the reboot paths: a full
# run (or one that names "kdump") ends with kdump.sh, which crashes the
# machine with hvx holding VMX and leaves the orderly reboot to the crash
# kernel; any other run leaves hvx loaded for the orderly reboot here.
TAP=/dev/ttyS1
stty -F $TAP 115200 raw 2>/dev/null

tap() {
	echo "$*" >$TAP
}

insmod /tests/vmxprobe.ko
# What the kernel mitigates on this CPU decides what hvx does at entry
# and exit (README, Security): keep it in the log.
grep . /sys/devices/system/cpu/vulnerabilities/* 2>/dev/null
[ -f /sys/kernel/debug/kmemleak ] && echo clear >/sys/kernel/debug/kmemleak

for t in /tests/[0-9]*.sh; do
	name=${t##*/}
	name=${name%.sh}
	case ",$1," in
	,all, | ,,) ;;
	*",$name,"* | *",${name#*-},"*) ;;
	*) continue ;;
	esac
	echo "=== $name"
	t0=$(cut -d. -f1 /proc/uptime)
	rm -f /tmp/rc /tmp/results
	(timeout -s KILL 1500 sh "$t" </dev/null; echo $? >/tmp/rc) 2>&1 |
	while IFS= read -r line; do
		echo "$line"
		# Shell only, no sed per line: a fork costs a lot in Bochs,
		# and the tests print hundreds of lines.
		case "$line" in
		"ok - "*)
			echo "ok - $name: ${line#ok - }" >>/tmp/results
			;;
		"not ok - "*)
			echo "not ok - $name: ${line#not ok - }" >>/tmp/results
			;;
		esac
	done
	[ -f /tmp/results ] && cat /tmp/results >$TAP
	rc=$(cat /tmp/rc 2>/dev/null || echo killed)
	[ "$rc" = 0 ] || tap "not ok - $name: the test script ended with status $rc"
	[ -s /tmp/results ] || tap "not ok - $name: reported no results"
	echo "=== $name took $(($(cut -d. -f1 /proc/uptime) - t0)) s of machine time"
	# Leave the next test a clean machine whatever this one did.
	rmmod hvx 2>/dev/null
	rmmod kvm_intel kvm irqbypass 2>/dev/null
	echo 1 >/sys/devices/system/cpu/cpu1/online 2>/dev/null
done

if [ -f /sys/kernel/debug/kmemleak ]; then
	t0=$(cut -d. -f1 /proc/uptime)
	echo scan >/sys/kernel/debug/kmemleak
	sleep 1
	echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak >/tmp/leaks
	echo "=== kmemleak scans took $(($(cut -d. -f1 /proc/uptime) - t0)) s of machine time"
	if [ -s /tmp/leaks ]; then
		cat /tmp/leaks
		tap "not ok - kmemleak: $(grep -c unreferenced /tmp/leaks) unreferenced objects (see the serial log)"
	else
		tap "ok - kmemleak: no unreferenced objects after the tests"
	fi
else
	tap "not ok - kmemleak: /sys/kernel/debug/kmemleak is missing"
fi

case ",$1," in
,all, | ,, | *,kdump,*)
	exec sh /tests/kdump.sh crash
	;;
esac

# The host checks the reboot notifier's message in the serial log.
insmod /hvx/hvx.ko && echo "hvx-machine: hvx loaded for the reboot check"
tap "HVX-DONE"
