#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: hvx's main job.  Build hvx.ko and vmctl, load hvx, show what
# it found and run guests with vmctl: on this machine when its CPU has VT-x and its kernel
# loads modules, otherwise inside the emulated VT-x machine.
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
else
	echo "demo: no VT-x here (or no module loading): running hvx inside the emulated VT-x machine (Bochs; about two minutes)"
	"$repo/tests/machine/run.sh" --demo
fi
