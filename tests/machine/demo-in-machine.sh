# SPDX-License-Identifier: GPL-2.0
# Inside the test machine: hvx's main job, as a user would run it.  Load
# hvx, run a test guest, then boot Linux with two vCPUs, type uname -a and
# nproc into its shell, and look at its VM from outside with vmctl list
# and vmctl stats while it runs.
L=/tests/linux

demo() {
	echo "hvx-demo: insmod /hvx/hvx.ko" &&
	insmod /hvx/hvx.ko && vmctl info &&
	echo "hvx-demo: vmctl run --mode long /tests/guests/long.bin" &&
	vmctl run --mode long /tests/guests/long.bin || return 1

	echo "hvx-demo: vmctl run --kernel bzImage --initrd initrd.gz --vcpus 2 --append hvxguest=shell"
	echo "hvx-demo: (its shell is fed: uname -a; nproc; sleep 8; reboot -f)"
	printf 'uname -a\nnproc\nsleep 8\nreboot -f\n' |
		vmctl run --kernel $L/bzImage --initrd $L/initrd.gz --vcpus 2 \
			--mem 64M --append "quiet hvxguest=shell" >/tmp/linux.out 2>&1 &
	run=$!
	# From outside, once the guest's shell has run nproc.
	n=0
	until grep -q '# sleep 8' /tmp/linux.out 2>/dev/null; do
		n=$((n + 1))
		[ $n -lt 600 ] || break
		sleep 1
	done
	echo "hvx-demo: vmctl list"
	vmctl list
	id=$(vmctl list | awk -v p=$run '$2 == p { print $1 }')
	echo "hvx-demo: vmctl stats $id"
	vmctl stats "$id"
	wait $run
	st=$?
	tr -d '\r' </tmp/linux.out >/tmp/linux.txt
	echo "hvx-demo: the Linux guest's console:"
	cat /tmp/linux.txt
	echo "hvx-demo: vmctl run ended with status $st"
	[ $st = 0 ] && grep -q '^Linux .* x86_64' /tmp/linux.txt && grep -qx 2 /tmp/linux.txt
}

if demo; then
	echo "hvx-demo: success"
else
	echo "hvx-demo: failed"
fi
