#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make test: the static checks, the userspace unit tests, then the
# emulated VT-x machine's tests in two machines at once, one per host core
# (tests/machine/run.sh --part 1 and 2); every result is a TAP line, and
# the last line counts them: "N passed, N failed".
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$repo/build"
log=$repo/build/test-all.log

run_part() {
	local name=$1
	shift
	echo "== $name"
	"$@"
	local rc=$?
	# A part that failed without saying which test failed still fails.
	[ $rc = 0 ] || echo "not ok - $name: exited with status $rc"
}

{
	start=$(date +%s)
	run_part "static checks" "$repo/tests/check.sh"
	run_part "userspace unit tests" make -s -C "$repo/userspace/vmctl" test
	# Each machine's output goes to a file of its own, shown whole when
	# both have ended: interleaved, neither would be readable.
	for n in 1 2; do
		run_part "test machine $n" "$repo/tests/machine/run.sh" --part $n \
			>"$repo/build/test-machine-$n.log" 2>&1 &
	done
	wait
	cat "$repo/build/test-machine-1.log" "$repo/build/test-machine-2.log"
	echo "== took $(($(date +%s) - start)) s"
} 2>&1 | tee "$log"

passed=$(grep -cE '^ok( [0-9]+)? - ' "$log")
failed=$(grep -cE '^not ok( [0-9]+)? - ' "$log")
# judge.py counts its own summary lines once more: do not count twice.
echo
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
