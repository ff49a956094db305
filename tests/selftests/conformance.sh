#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make conformance: every x86_64 test of KVM's own selftests (Debian's
# linux-source-6.1) on hvx and on kvm_intel, in one boot of the emulated
# VT-x machine, and the table of what each did on each: pass, skip, fail
# or time-out, and why hvx fails (tests/selftests/why.txt).  The table goes
# to build/conformance.md, with the kernel's reports by test and the end
# of each failure's output, and, from a complete run of every test, to the
# README.  It takes long: most tests take seconds, some minutes (the
# limits are in tests/selftests/list.txt).
#
#   conformance.sh [TEST,...]   only these tests (as list.txt names them);
#                               the table then goes to build/ only
#
# Fails when the run is incomplete or the kernel reported trouble while a
# test ran on hvx.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
only=${1:-}
machine=$repo/build/machine
cd "$repo"

st=$("$repo/tests/selftests/build.sh")
rc=0
# Never a table from an older run's results.
rm -f "$machine/conformance.raw"
"$repo/tests/machine/run.sh" --conformance ${only:+"$only"} || rc=$?

args=(--raw "$machine/conformance.raw" --serial "$machine/serial.log"
      --list "$repo/tests/selftests/list.txt" --progs "$st/progs.txt"
      --why "$repo/tests/selftests/why.txt" --md "$repo/build/conformance.md"
      --source "$(dpkg-query -W -f='${Version}' linux-source-6.1)")
if [ -n "$only" ]; then
	args+=(--only "$only")
else
	args+=(--readme "$repo/README.md")
fi
# run.sh leaves the results when the machine stopped early, too: the
# table then says how far it got.
if [ -f "$machine/conformance.raw" ]; then
	python3 "$repo/tests/selftests/report.py" "${args[@]}" || rc=1
fi
exit $rc
