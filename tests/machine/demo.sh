#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: hvx's main job.  Build hvx.ko and vmctl, load hvx, show what
# it found, run test guests and boot Linux with vmctl: on this machine when
# its CPU has VT-x and its kernel loads modules, otherwise inside the
# emulated VT-x machine.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
. "$repo/tests/machine/native.sh"

if can_run_here; then
	echo "demo: this CPU has VT-x: building and loading hvx here"
	make -C "$repo" modules vmctl
	make -C "$repo/tests/guests"
	sudo=
	[ "$(id -u)" = 0 ] || sudo=sudo
	$sudo insmod "$repo/hvx.ko"
	trap '$sudo rmmod hvx' EXIT
	$sudo "$repo/userspace/vmctl/vmctl" info
	$sudo "$repo/userspace/vmctl/vmctl" run --mode long "$repo/tests/guests/long.bin"
	$sudo "$repo/userspace/vmctl/vmctl" run --mode real "$repo/tests/guests/modes.bin"
	# Linux with two vCPUs, its shell fed uname -a and nproc, and its VM
	# seen from outside while it runs.
	lg=$("$repo/tests/linux-guest/build.sh")
	vmctl=$repo/userspace/vmctl/vmctl
	echo "demo: vmctl run --kernel $lg/bzImage --initrd $lg/initrd.gz --vcpus 2"
	printf 'uname -a\nnproc\nsleep 5\nreboot -f\n' |
		$sudo "$vmctl" run --kernel "$lg/bzImage" --initrd "$lg/initrd.gz" \
			--vcpus 2 --append "quiet hvxguest=shell" &
	run=$!
	sleep 4
	$sudo "$vmctl" list
	id=$($sudo "$vmctl" list | awk 'NR > 1 && $4 == "vmctl" { print $1 }' | tail -n 1)
	[ -z "$id" ] || $sudo "$vmctl" stats "$id"
	wait $run
else
	echo "demo: no VT-x here (or no module loading): running hvx inside the emulated VT-x machine (Bochs; about two minutes)"
	"$repo/tests/machine/run.sh" --demo
fi
