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
# Each round runs the guest benchmarks (GUEST, bench/guest.c; on hvx,
# introbench introspects it for the first of them), the
# interrupt benchmarks (irqbench, built beside GUEST, running GUEST with
# the in-kernel irqchip), `vmctl bench`, a Linux boot (the guest of
# tests/linux-guest, in /tests/linux) and the same boot under Debian's
# QEMU (HVX_BENCH_LINUX=0 leaves both out) once per device, hvx first in
# odd rounds and KVM first in even ones, so that neither always runs on a
# machine the other warmed.  A benchmark the guest's CPUID rules out on a
# device prints "absent DEVICE ROUND NAME" instead of a figure.
guest=${1:?usage: bench.sh GUEST [ROUNDS]}
rounds=${2:-5}
irqbench=$(dirname "$guest")/irqbench
introbench=$(dirname "$guest")/introbench
status=0

one() {
	dev=$1 round=$2
	# On hvx, introbench introspects the guest for its first benchmarks.
	vmctl run --device /dev/$dev --mode long --mem 64M "$guest" \
		>/tmp/bench.out 2>&1 &
	run=$!
	if [ $dev = hvx ]; then
		"$introbench" $run >/tmp/intro.out 2>&1 &
		intro=$!
	else
		echo "absent intro_read_mib_s" >/tmp/intro.out
		intro=
	fi
	wait $run || {
		echo "bench.sh: the guest failed on /dev/$dev:" >&2
		cat /tmp/bench.out >&2
		status=1
	}
	[ -z "$intro" ] || wait $intro || {
		echo "bench.sh: introbench failed on /dev/$dev:" >&2
		cat /tmp/intro.out >&2
		status=1
	}
	cat /tmp/intro.out >>/tmp/bench.out
	grep -v '^bench \|^absent ' /tmp/intro.out | sed 's/^/# introbench: /'
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
	if [ "${HVX_BENCH_LINUX:-1}" != 0 ]; then
		linux_boot $dev >>/tmp/bench.out
		grep -q '^linux done' /tmp/bench.out || {
			echo "bench.sh: the Linux guest did not finish on /dev/$dev:" >&2
			cat /tmp/linux.err >&2
			status=1
		}
		qemu_boot $dev >>/tmp/bench.out
		grep -q '^qemu done' /tmp/bench.out || {
			echo "bench.sh: QEMU's Linux guest did not finish on /dev/$dev:" >&2
			cat /tmp/qemu.err >&2
			status=1
		}
	fi
	sed -n -e "s/^bench \([a-z0-9_]*\) \([0-9]*\)$/result $dev $round \1 \2/p" \
		-e "s/^absent \([a-z0-9_]*\)$/absent $dev $round \1/p" \
		-e "s/^vcpu0: stat \([a-zA-Z0-9_]*exit[a-zA-Z0-9_]*\) \([0-9]*\)$/exitstat $dev $round \1 \2/p" \
		/tmp/bench.out
}

# Hundredths of a second of the machine's time.
cs() {
	read -r up _ </proc/uptime
	echo "${up%.*}${up#*.}"
}

# The Linux guest (tests/linux-guest, one vCPU): from vmctl's start to its
# init's first line, in milliseconds of the machine's time, and the exits
# of the whole run, to its reboot, from the vCPU's statistics
# (KVM_GET_STATS_FD: hvx's by exit reason, KVM's by kind).  The lines
# are timed as they come, straight from vmctl (the guest's end in \r).
linux_boot() {
	dev=$1
	t0=$(cs)
	vmctl run --stats --device /dev/$dev --kernel /tests/linux/bzImage \
		--initrd /tests/linux/initrd.gz --mem 64M --append quiet \
		</dev/null 2>/tmp/linux.err |
	while IFS= read -r line; do
		case "$line" in
		*"hvx-guest: up"*)
			echo "bench linux_boot_ms $((($(cs) - t0) * 10))" ;;
		"vcpu0: stat exits "*)
			echo "bench linux_exits ${line##* }" ;;
		"vcpu0: stat "*)
			echo "$line" ;;
		"hvx-guest: done"*)
			echo "linux done" ;;
		esac
	done
}

# The same guest under QEMU (qemu-system-x86_64 -accel kvm, /dev/$dev
# bind-mounted over /dev/kvm), without the VGA and the NIC: from QEMU's
# start to the init's first line, in milliseconds of the machine's time.
qemu_boot() {
	dev=$1
	t0=$(cs)
	qemu-linux.sh /dev/$dev -vga none -nic none </dev/null 2>/tmp/qemu.err |
	while IFS= read -r line; do
		case "$line" in
		*"hvx-guest: up"*)
			echo "bench qemu_boot_ms $((($(cs) - t0) * 10))" ;;
		*"hvx-guest: done"*)
			echo "qemu done" ;;
		esac
	done
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
