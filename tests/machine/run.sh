#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the emulated VT-x machine (Bochs, corei7_skylake_x, 2 CPUs) with the
# cached test kernel, hvx.ko, the KUnit module, a static vmctl and the
# end-to-end tests, and judge the run.
#
#   run.sh                 every test; prints "N passed, N failed"
#   run.sh --only NAME[,NAME...]  some tests (tests/e2e/NAME.sh, with or without
#                          its number), for debugging
#   run.sh --part 1|2      one half of every test, in a machine of its own
#                          (build/machine-N): make test runs both at once
#   run.sh --demo          load hvx and run vmctl in the machine
#   run.sh --bench         the benchmarks, hvx against KVM, on one CPU
#                          (bench/run.sh turns their output into tables)
#   run.sh --shell         an interactive shell in the machine
#   run.sh --conformance [TEST,...]  KVM's own selftests on hvx and on
#                          kvm_intel (tests/selftests; all of list.txt, or
#                          the TESTs); tests/selftests/conformance.sh turns
#                          their results into a table
#
# The run fails on any failed test, on an oops, WARN, BUG, lockdep or
# kmemleak report in the serial log, and on a time-out.  The serial log,
# the TAP output and Bochs' own log stay in build/machine/ for the reader.
# A full run, part 1 (and --only kdump) end with kdump: the machine
# crashes on purpose with hvx holding VMX, and a crash kernel must boot
# and run hvx (tests/machine/kdump.sh).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
out=$repo/build/machine
mode=all
only=
# A test run is stopped once no result has come for stall_s seconds (each
# test runs under a 1,500 s limit inside the machine, and reports when it
# ends) or, at the latest, after timeout_s: how fast Bochs runs depends on
# the host, by 30% between two of ours, so a fixed budget for the whole
# run would fail a slow host's good run.
timeout_s=${HVX_MACHINE_TIMEOUT:-3600}
stall_s=1800

# make test runs the end-to-end tests in two machines at once
# (tests/run-all.sh), one for each of the host's two cores: Bochs
# emulates a whole machine, all its CPUs, in one thread, so one machine
# leaves a core idle.  Part 1 runs these tests and ends with kdump; part 2
# runs every other one, with Debian's kernel.  The split balances the
# time each machine takes, by the wall clock: its tests' machine time
# ("=== NAME took N s" in the serial log), its boot and kmemleak scans,
# and part 1's kdump, which Bochs runs slower than the tests (at b2e1ec6
# part 1's tests and scans ran 1,282 s of machine time, part 2's 1,674 s,
# and the whole run took 1,935 s; with 98-bench, 134 s, moved to part 1,
# at 0fece42 part 1 ended after 1,801 s and part 2 after 1,674 s).
# It also keeps the initramfs small where it can (each MB of it costs the
# boot about a second): only part 1 carries the selftests and QEMU, only
# part 2 Debian's kernel.
part1="00-kunit 10-vmx-on-off 20-kvm-after-hvx 30-kvm-owns-vmx 40-take-turns
	60-suspend 80-unprivileged 88-selftests 94-linux 94-pit 94-qemu
	98-bench"
# part_tests N: the comma-separated tests of part N.
part_tests() {
	local t name list=
	for t in "$repo"/tests/e2e/[0-9]*.sh; do
		name=$(basename "$t" .sh)
		case " $(echo $part1) " in
		*" $name "*) [ "$1" = 1 ] && list=$list,$name ;;
		*) [ "$1" = 2 ] && list=$list,$name ;;
		esac
	done
	[ "$1" = 1 ] && list=$list,kdump
	echo "${list#,}"
}

case "${1:-}" in
--only) mode=only; only=${2:?run.sh --only NAME} ;;
--part)
	case "${2:-}" in
	1 | 2) ;;
	*) echo "usage: run.sh --part 1|2" >&2; exit 2 ;;
	esac
	mode=only
	only=$(part_tests "$2")
	out=$repo/build/machine-$2
	;;
--demo) mode=demo ;;
--bench) mode=bench ;;
--shell) mode=shell ;;
--conformance) mode=conformance; only=${2:-} ;;
"") ;;
*) echo "usage: run.sh [--only NAME | --part 1|2 | --demo | --bench | --shell |" \
	"--conformance [TEST,...]]" >&2
   exit 2 ;;
esac

log() { echo "machine: $*" >&2; }

# The conformance run lasts as long as its tests: at most the sum of their
# time limits in tests/selftests/list.txt, and the boot.  A machine that
# hangs (not a test: the runner stops those) gives no result for longer
# than the longest limit.
if [ "$mode" = conformance ]; then
	read -r limits_sum limits_max < <(sed 's/#.*//' "$repo/tests/selftests/list.txt" |
		awk -v only=",$only," 'NF && (only == ",," || index(only, "," $1 ",")) {
			for (i = 2; i <= 3; i++)
				if ($i != "-") { sum += $i; if ($i > max) max = $i }
		} END { print sum + 0, max + 0 }')
	timeout_s=${HVX_MACHINE_TIMEOUT:-$((limits_sum + 1200))}
	stall_s=$((limits_max + 900))
fi

# The benchmarks run on a kernel without lock and leak checking.
if [ "$mode" = bench ]; then
	kdir=$("$repo/tests/machine/kernel.sh" "$repo/bench/kernel.fragment")
else
	kdir=$("$repo/tests/machine/kernel.sh")
fi
kver=$(make -s -C "$kdir" kernelrelease)

# Build everything for the machine's kernel in a copy of the sources, so
# the work tree's own build (against another KDIR) is left alone.
log "building hvx for the test kernel $kver"
rm -rf "$out/src" "$out/root"
mkdir -p "$out/src" "$out/root"
rsync -a --exclude build --exclude .git "$repo/" "$out/src/"
make -s -C "$kdir" M="$out/src" modules >"$out/build.log" 2>&1 ||
	{ cat "$out/build.log" >&2; exit 1; }
make -s -C "$kdir" M="$out/src/tests/e2e/vmxprobe" modules >>"$out/build.log" 2>&1 ||
	{ cat "$out/build.log" >&2; exit 1; }
make -s -C "$out/src/userspace/vmctl" static >>"$out/build.log" 2>&1 ||
	{ cat "$out/build.log" >&2; exit 1; }

root=$out/root
mkdir -p "$root"/{bin,dev,proc,sys,tmp,hvx,tests/bin,lib/modules}
cp /bin/busybox "$root/bin/busybox"
cp "$repo/tests/machine/init" "$root/init"
cp "$out/src/hvx.ko" "$out/src/tests/kunit/hvx_kunit.ko" "$root/hvx/"
cp "$out/src/tests/e2e/vmxprobe/vmxprobe.ko" "$root/tests/"
cp "$out/src/userspace/vmctl/vmctl-static" "$root/bin/vmctl"
cp "$repo"/tests/e2e/*.sh "$repo/tests/machine/run-tests.sh" \
   "$repo/tests/machine/kdump.sh" "$root/tests/"
cp "$repo/tests/machine/demo-in-machine.sh" "$root/tests/demo.sh"
mkdir -p "$root/tests/guests"
make -s -C "$out/src/tests/guests" O="$root/tests/guests" >>"$out/build.log" 2>&1 ||
	{ cat "$out/build.log" >&2; exit 1; }
rm -f "$root"/tests/guests/*.o
make -s -C "$out/src/bench" O="$root/tests/guests" >>"$out/build.log" 2>&1 ||
	{ cat "$out/build.log" >&2; exit 1; }
cp "$repo/bench/bench.sh" "$repo/tests/qemu/qemu-linux.sh" "$root/tests/bin/"
for prog in "$repo"/tests/e2e/progs/*.c; do
	name=$(basename "$prog" .c)
	# Stripped: every MB of the initramfs costs the boot about a second.
	gcc -static -s -O2 -Wall -Werror -o "$root/tests/bin/$name" "$prog"
done
# KVM's own selftests (tests/selftests), built once and cached like the
# kernel, with the runner and its lists in /selftests: every one for
# --conformance, and make test's subset (subset.txt) for the runs that
# include tests/e2e/88-selftests.sh.  Other runs go without them: all of
# them are 30 MB more of initramfs for Bochs to unpack.
selftests=
case "$mode,$only," in
conformance,*) selftests=all ;;
all,* | only,*selftests,*) selftests=subset ;;
esac
if [ -n "$selftests" ]; then
	st=$("$repo/tests/selftests/build.sh")
	mkdir -p "$root/selftests"
	cp "$repo/tests/selftests/run-in-machine.sh" "$repo/tests/selftests/list.txt" \
	   "$repo/tests/selftests/subset.txt" "$root/selftests/"
	if [ "$selftests" = all ]; then
		cp -a "$st/root/." "$root/"
	else
		# Only the subset's programs.
		mapfile -t subset < <(sed 's/#.*//' "$repo/tests/selftests/subset.txt" |
			awk 'NF { print "selftests/" $1 }')
		(cd "$st/root" && cp -a --parents "${subset[@]}" "$root/")
	fi
fi
# The Linux guest (tests/linux-guest), built once and cached like the
# kernel, in /tests/linux for the runs that boot it: all of them, the
# demo, the shell, the benchmarks, and --only runs that name a test with
# "linux", "qemu" or "debian" in its name.
case "$mode,$only," in
all,* | demo,* | shell,* | bench,* | only,*linux* | only,*qemu* | only,*debian*)
	guest=linux ;;
*) guest= ;;
esac
if [ -n "$guest" ]; then
	lg=$("$repo/tests/linux-guest/build.sh")
	mkdir -p "$root/tests/linux"
	cp "$lg/bzImage" "$lg/initrd.gz" "$root/tests/linux/"
fi
# Debian's own kernel, unmodified, in /tests/debian for 94-debian.sh.
case "$mode,$only," in
all,* | shell,* | only,*debian*)
	mkdir -p "$root/tests/debian"
	cp "$("$repo/tests/linux-guest/debian-kernel.sh")" "$root/tests/debian/vmlinuz"
	;;
esac
# Debian's QEMU with its libraries and firmware (tests/qemu/bundle.sh),
# at their own paths, for the runs that include tests/e2e/94-qemu.sh and
# for the benchmarks.
case "$mode,$only," in
all,* | bench,* | only,*qemu*)
	qb=$("$repo/tests/qemu/bundle.sh")
	cp -a "$qb/." "$root/"
	;;
esac
# acpi=off: switching the Bochs BIOS's ACPI into ACPI mode stalls the boot
# for minutes.  clearcpuid=avx512f: corei7_skylake_x reports an XSAVE area
# size for AVX-512 that disagrees with its own component sizes, which makes
# the kernel WARN at boot.  xsaves,xsavec: Bochs' compacted-format
# XSAVES/XRSTORS go wrong under interrupt load ("Bad FPU state detected at
# os_xrstor" WARNs in threads that never ran a guest, under KVM alone as
# well, and memory corruption with them); without them the kernel uses
# XSAVEOPT and the standard format, which hold up, and the machine keeps
# XSAVE and AVX for guests.
#
# Time: with "clock: sync=none" Bochs counts ticks, one per instruction,
# and its timers (PIT, RTC, local APIC) treat $ips ticks as one second.
# The TSC advances with the same ticks, but the kernel would take its
# frequency from CPUID (3.5 GHz), making one guest second of busy time
# cost minutes of wall time: every "sleep" beside a running guest, and
# each mdelay() (hibernation's pm_test waits 5 s).  tsc_early_khz gives
# the kernel the TSC's real rate, so all of the machine's clocks agree
# and a guest second is about a wall second on the machines we run on.
ips=20000000
cmdline="console=ttyS0,115200 reboot=t panic=-1 acpi=off"
cmdline="$cmdline clearcpuid=avx512f,xsaves,xsavec"
cmdline="$cmdline tsc_early_khz=$((ips / 1000))"
crash_cmdline="$cmdline kmemleak=off"
# Freed pages are poisoned and checked when next allocated: a guest or
# hvx writing through a stale EPT translation or a freed table shows.
cmdline="$cmdline page_poison=1"
# The crash kernel that kdump.sh loads and the tests' last step boots:
# the same kernel, with an initramfs of its own that holds only what it
# needs to load hvx and run one guest, and a command line without the
# first kernel's leak and poison checks (kmemleak would cost it minutes
# and memory it does not have).  crashkernel= sets aside the memory it
# runs in; the machine gets that much more, so that the first kernel
# keeps the memory it always had.
megs=512
# Which runs end with kdump: as run-tests.sh decides.  Only they, and the
# shell, have a crash kernel.
kdump=0
case "$mode,$only," in
all,* | only,kdump,* | only,*,kdump,*) kdump=1 ;;
esac
if [ "$kdump" = 1 ] || [ "$mode" = shell ]; then
	crash_megs=96
	megs=$((megs + crash_megs))
	cmdline="$cmdline crashkernel=${crash_megs}M"
	kroot=$out/kdump-root
	rm -rf "$kroot"
	mkdir -p "$kroot"/{bin,dev,proc,sys,tmp,hvx,tests/guests} "$root/kdump"
	cp /bin/busybox "$kroot/bin/busybox"
	cp "$repo/tests/machine/init" "$kroot/init"
	cp "$out/src/hvx.ko" "$kroot/hvx/"
	cp "$out/src/tests/e2e/vmxprobe/vmxprobe.ko" "$kroot/tests/"
	cp "$out/src/userspace/vmctl/vmctl-static" "$kroot/bin/vmctl"
	cp "$repo/tests/e2e/lib.sh" "$repo/tests/machine/kdump.sh" "$kroot/tests/"
	cp "$root/tests/guests/long.bin" "$kroot/tests/guests/"
	(cd "$kroot" && find . | cpio -o -H newc --quiet | gzip -9) \
		>"$root/kdump/initrd.gz"
	cp "$kdir/arch/x86/boot/bzImage" "$root/kdump/bzImage"
	echo "$crash_cmdline hvxtest=crashkernel" >"$root/kdump/cmdline"
fi
# kvm_intel and what it needs, as the reference hypervisor.
(cd "$kdir/modroot" && find lib/modules -name '*.ko' -o -name 'modules.*' |
	cpio -pdm --quiet "$root")
# zstd: the kernel unpacks it in a sixth of the time gzip's takes (most of
# the machine's boot went to that), and the file is smaller for isolinux.
(cd "$root" && find . | cpio -o -H newc --quiet | zstd -q -T0 -9) >"$out/initrd.zst"

# A CD image with isolinux: Bochs has no direct kernel boot.
iso=$out/iso
rm -rf "$iso"
mkdir -p "$iso/isolinux"
cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 \
   "$iso/isolinux/"
cp "$kdir/arch/x86/boot/bzImage" "$iso/bzImage"
cp "$out/initrd.zst" "$iso/initrd.zst"
arg=$mode
[ "$mode" = only ] && arg=$only
[ "$mode" = bench ] && arg="bench hvxbench=${HVX_BENCH_ROUNDS:-5}"
[ "$mode" = conformance ] && arg="conformance${only:+ hvxselftests=$only}"
# The benchmarks compare path lengths on one CPU: nothing runs beside them.
cpus=2
[ "$mode" = bench ] && cpus=1
cat >"$iso/isolinux/isolinux.cfg" <<CFG
default hvx
prompt 0
label hvx
  kernel /bzImage
  initrd /initrd.zst
  append $cmdline ${HVX_MACHINE_CMDLINE:-} hvxtest=$arg
CFG
xorriso -as mkisofs -quiet -o "$out/hvx.iso" -b isolinux/isolinux.bin \
	-c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table \
	"$iso" 2>/dev/null

serial=$out/serial.log
tapout=$out/tap.out
rm -f "$serial" "$tapout" "$out/bochs.log"
com1="enabled=1, mode=file, dev=$serial"
if [ "$mode" = shell ]; then
	com1="enabled=1, mode=term, dev=$(tty)"
fi
cat >"$out/bochsrc" <<RC
megs: $megs
cpu: count=$cpus, ips=$ips, model=corei7_skylake_x, reset_on_triple_fault=0
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/bochs/VGABIOS-lgpl-latest
display_library: rfb, options="timeout=0"
clock: sync=none, time0=local
ata0-master: type=cdrom, path=$out/hvx.iso, status=inserted
boot: cdrom
com1: $com1
com2: enabled=1, mode=file, dev=$tapout
log: $out/bochs.log
panic: action=fatal
error: action=report
info: action=report
debug: action=ignore
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
RC

if [ "$mode" = shell ]; then
	stty_save=$(stty -g)
	stty raw -echo
	# Bochs' debugger reads stdin; the serial console has the terminal.
	(echo c; sleep infinity) | bochs -q -f "$out/bochsrc" >/dev/null 2>&1 || true
	stty "$stty_save"
	exit 0
fi

log "booting Bochs ($mode${only:+ $only}); serial log in $serial"
start=$(date +%s)
set +e
hung=
# Debian's Bochs stops in its debugger first: tell it to continue.
case $mode in
demo | bench | shell)
	echo c | timeout "$timeout_s" bochs -q -f "$out/bochsrc" >"$out/bochs.out" 2>&1
	brc=$?
	;;
*)
	log "the run may take up to $timeout_s s; it is stopped if no result comes for $stall_s s"
	echo c | timeout -k 30 "$timeout_s" bochs -q -f "$out/bochsrc" \
		>"$out/bochs.out" 2>&1 &
	bochs_pid=$!
	while kill -0 $bochs_pid 2>/dev/null; do
		sleep 5
		# Bochs writes each byte of the second serial port through.
		last=$(stat -c %Y "$tapout" 2>/dev/null || echo "$start")
		if [ $(($(date +%s) - last)) -gt "$stall_s" ]; then
			log "no result for $stall_s s: the machine hangs; stopping it"
			hung=1
			# timeout passes it on to Bochs (and KILLs it 30 s later).
			kill $bochs_pid
			break
		fi
	done
	wait $bochs_pid
	brc=$?
	;;
esac
set -e
log "Bochs ended after $(($(date +%s) - start)) s"

if [ "$mode" = conformance ]; then
	tr -d '\r' <"$tapout" >"$out/conformance.raw" 2>/dev/null || : >"$out/conformance.raw"
	grep -q '^selftest-done:' "$out/conformance.raw" || {
		log "the selftests did not finish${hung:+ (the machine hung)}: see $serial"
		exit 1
	}
	exit 0
fi

if [ "$mode" = bench ]; then
	tr -d '\r' <"$tapout" >"$out/bench.raw"
	grep -q '^bench-machine: done$' "$out/bench.raw" ||
		{ log "the benchmarks did not finish: see $serial"; exit 1; }
	exit 0
fi

if [ "$mode" = demo ]; then
	tr -d '\r' <"$serial" | sed -n '/^hvx-demo:/,$p' | grep -v '^\[' || true
	grep -q '^hvx-demo: success' "$serial" || { log "the demo failed"; exit 1; }
	exit 0
fi

exec python3 "$repo/tests/machine/judge.py" --serial "$serial" --tap "$tapout" \
	--bochs-log "$out/bochs.log" --kdump "$kdump" \
	--bochs-status "$brc" --timed-out "$([ $brc = 124 ] || [ -n "$hung" ] && echo 1 || echo 0)"
