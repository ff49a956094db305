# The benchmarks (bench/): one round on hvx and on KVM, only to see that
# each runs and reports a sane figure.  The figures themselves are for
# `make bench`; no number here passes or fails the suite.
. /tests/lib.sh

check "insmod hvx enable_at_load=0" insmod $HVX_KO enable_at_load=0
check "kvm_intel loads" modprobe kvm_intel
# Without the Linux boots (vmctl's and QEMU's): 94-linux.sh and
# 94-qemu.sh boot the same guest, and here they would triple the time.
HVX_BENCH_LINUX=0 bench.sh /tests/guests/bench.elf 1 >/tmp/bench.raw
st=$?
cat /tmp/bench.raw
check "bench.sh: every benchmark ran on both devices" [ $st = 0 ]

# figure DEVICE NAME: its value, empty when there is none
figure() { awk -v d=$1 -v n=$2 '$2 == d && $4 == n { print $5 }' /tmp/bench.raw; }
for dev in hvx kvm; do
	bad=
	for name in loop cpuid vmcall rdmsr wrmsr out in mmio_wr mmio_rd touch \
		access startup_us churn_per_s ipi eoi_mmio irq_line irqfd \
		tpr_mmio cr8; do
		v=$(figure $dev $name)
		[ "${v:-0}" -gt 0 ] || bad="$bad $name=${v:-none}"
	done
	check "bench on $dev: every figure is there and non-zero${bad:+ (not:$bad)}" \
		[ -z "$bad" ]
	loop=$(figure $dev loop)
	dearer=0
	for name in cpuid vmcall rdmsr wrmsr out in mmio_wr mmio_rd touch; do
		[ "$(figure $dev $name)" -gt "${loop:-0}" ] 2>/dev/null &&
			dearer=$((dearer + 1))
	done
	check "bench on $dev: every exit costs more than the no-exit loop ($loop)" \
		[ $dearer = 9 ]
	check "bench on $dev: an exit to the VMM costs more than one in the kernel" \
		[ "$(figure $dev out)" -gt "$(figure $dev cpuid)" ]
done

# The introspection benchmarks (bench/introbench.c): hvx's own.
bad=
for name in intro_cpuid intro_int3 intro_vmcall intro_page_write intro_read_mib_s; do
	v=$(figure hvx $name)
	[ "${v:-0}" -gt 0 ] || bad="$bad $name=${v:-none}"
done
check "bench on hvx: the introspection figures are there${bad:+ (not:$bad)}" [ -z "$bad" ]
check "bench on hvx: an event to the introspector costs more than CPUID in the kernel" \
	[ "$(figure hvx intro_cpuid)" -gt "$(figure hvx cpuid)" ]
check "bench on hvx: a page's write let through costs more than an INT3 event" \
	[ "$(figure hvx intro_page_write)" -gt "$(figure hvx intro_int3)" ]
check "bench on kvm: the introspection benchmarks are absent" \
	sh -c "grep -q '^absent kvm 1 intro_cpuid\$' /tmp/bench.raw &&
		grep -q '^absent kvm 1 intro_page_write\$' /tmp/bench.raw &&
		grep -q '^absent kvm 1 intro_read_mib_s\$' /tmp/bench.raw"

check "rmmod kvm_intel" rmmod kvm_intel
check "rmmod hvx" rmmod hvx
