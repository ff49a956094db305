#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: every benchmark on hvx and on kvm_intel, in turns, in one
# boot; then the table (bench/results.md, bench/results.json and the
# README's copy).  On a host whose CPU has VT-x and whose kernel loads
# modules, here (real cycles); otherwise inside the emulated VT-x machine
# on one CPU, where the TSC counts instructions.
#
#   HVX_BENCH_ROUNDS=N   rounds per device (default 5)
#   HVX_BENCH_PARAMS=P   hvx's module parameters for the run, comma
#                        separated (vmentry_l1d_flush=always, say); the
#                        table then goes to build/bench-P.md only, and the
#                        README keeps the default's
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/tests/machine/native.sh"
rounds=${HVX_BENCH_ROUNDS:-5}
raw=$repo/build/bench.raw
params=${HVX_BENCH_PARAMS:-}
mkdir -p "$repo/build"
out=(--md "$repo/bench/results.md" --json "$repo/bench/results.json"
     --readme "$repo/README.md")
if [ -n "$params" ]; then
	where_params=" with hvx's $params"
	out=(--md "$repo/build/bench-$params.md")
fi

if can_run_here; then
	where="on this host's $(grep -m1 '^model name' /proc/cpuinfo |
		sed 's/.*: //') (TSC ticks are cycles)"
	echo "bench: VT-x here: $where"
	make -C "$repo" modules vmctl
	make -C "$repo/bench" O="$repo/build"
	[ "$(id -u)" = 0 ] || { echo "bench: needs root (insmod)" >&2; exit 1; }
	insmod "$repo/hvx.ko" enable_at_load=0 ${params//,/ }
	modprobe kvm_intel
	trap 'rmmod hvx' EXIT
	# One CPU, as in the machine: the same path, no migration between runs.
	PATH=$repo/userspace/vmctl:$PATH taskset -c 0 \
		sh "$repo/bench/bench.sh" "$repo/build/bench.elf" "$rounds" >"$raw"
else
	where="in Bochs' emulated VT-x (one CPU; TSC ticks are emulated instructions, so figures are path lengths)"
	echo "bench: no VT-x here: running in the emulated machine (about $((rounds * 40)) s, once its kernel is built)"
	HVX_BENCH_ROUNDS=$rounds HVX_MACHINE_CMDLINE="${HVX_MACHINE_CMDLINE:-}${params:+ hvxparams=$params}" \
		"$repo/tests/machine/run.sh" --bench
	cp "$repo/build/machine/bench.raw" "$raw"
fi
python3 "$repo/bench/report.py" --where "$where${where_params:-}" "$raw" "${out[@]}"
