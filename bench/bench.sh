#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run every benchmark on hvx and on kvm_intel, in turns, and print one
# line per figure: "result DEVICE ROUND NAME VALUE".  Runs where both
# /dev/hvx and /dev/kvm work (hvx loaded with enable_at_load=0, so that the
# two take turns on VMX): inside the test machine (run.sh --bench) or on a
# host with VT-x (bench/run.sh).  POSIX sh, for the machine's busybox.
#
#   bench.sh GUEST [ROUNDS]
#
# Each round runs the guest benchmarks (GUEST, bench/guest.c), the
# interrupt benchmarks (irqbench, built beside GUEST, running GUEST with
# the in-kernel irqchip) and `vmctl bench` once per device, hvx first in
# odd rounds and KVM first in even ones, so that neither always runs on a
# machine the other warmed.  A benchmark the guest's CPUID rules out on a
# device prints "absent DEVICE ROUND NAME" instead of a figure.
guest=${1:?usage: bench.sh GUEST [ROUNDS]}
rounds=${2:-5}
irqbench=$(dirname "$guest")/irqbench
status=0

one() {
	dev=$1 round=$2
	vmctl run --device /dev/$dev --mode long --mem 64M "$guest" \
		>/tmp/bench.out 2>&1 || {
		echo "bench.sh: the guest failed on /dev/$dev:" >&2
		cat /tmp/bench.out >&2
		status=1
	}
	"$irqbench" /dev/$dev "$guest" >>/tmp/bench.out 2>&1 || {
		echo "bench.sh: irqbench failed on /dev/$dev:" >&2
		cat /tmp/bench.out >&2
		status=1
	}
	vmctl bench --device /dev/$dev --runs 10 >>/tmp/bench.out 2>&1 || {
		echo "bench.sh: vmctl bench failed on /dev/$dev:" >&2
		cat /tmp/bench.out >&2
		status=1
	}
	sed -n -e "s/^bench \([a-z0-9_]*\) \([0-9]*\)$/result $dev $round \1 \2/p" \
		-e "s/^absent \([a-z0-9_]*\)$/absent $dev $round \1/p" /tmp/bench.out
}

round=1
while [ $round -le $rounds ]; do
	if [ $((round % 2)) = 1 ]; then
		one hvx $round
		one kvm $round
	else
		one kvm $round
		one hvx $round
	fi
	round=$((round + 1))
done
exit $status
