# Guests in every mode, every mode switch and every exit, each run on hvx
# and then on kvm_intel in the same boot: the output, the exit status and
# the final registers must be the same on both.  hvx is loaded with
# enable_at_load=0 so the two take turns on VMX (the 2 MiB pages' tests
# load it again with nx_huge_pages=off and =force, then as before).
. /tests/lib.sh

G=/tests/guests

check "insmod hvx enable_at_load=0" insmod $HVX_KO enable_at_load=0
check "kvm_intel loads" modprobe kvm_intel

# run_both NAME STATUS EXPECTED-LINE VMCTL-ARGS...: run guest NAME on hvx
# and on KVM; check hvx's status and output, then that KVM agrees.
run_both() {
	name=$1 want=$2 line=$3
	shift 3
	vmctl run --regs "$@" $G/$name.bin >/tmp/$name.hvx 2>&1
	st_hvx=$?
	vmctl run --device /dev/kvm --regs "$@" $G/$name.bin >/tmp/$name.kvm 2>&1
	st_kvm=$?
	echo "--- $name on hvx (status $st_hvx)"
	cat /tmp/$name.hvx
	check "$name: exits with status $want on hvx" [ "$st_hvx" = "$want" ]
	check "$name: prints '$line' on hvx" grep -q "$line" /tmp/$name.hvx
	if [ "$st_kvm" = "$st_hvx" ] && cmp -s /tmp/$name.hvx /tmp/$name.kvm; then
		ok "$name: KVM gives the same output, status and registers"
	else
		not_ok "$name: KVM gives the same output, status and registers"
		echo "--- $name on KVM (status $st_kvm)"
		diff /tmp/$name.hvx /tmp/$name.kvm
	fi
}

# same_on_kvm NAME [WHAT]: guest NAME printed the same on hvx and on KVM
# (/tmp/NAME.hvx, /tmp/NAME.kvm), for guests run_both cannot run.
same_on_kvm() {
	what="$1: KVM gives the same output${2:+ $2}"
	if cmp -s /tmp/$1.hvx /tmp/$1.kvm; then
		ok "$what"
	else
		not_ok "$what"
		diff /tmp/$1.hvx /tmp/$1.kvm
	fi
}

run_both real 0 "real mode: hello" --mode real
run_both protected 0 "protected mode: hello" --mode protected
run_both paged 0 "an alias mapping sees the same memory" --mode paged
run_both long 0 "long mode: hello" --mode long
run_both modes 0 "modes: real mode again" --mode real
run_both exits 0 "in: nothing behind port 0x2f0" --mode long
check "exits: #GP for an unknown MSR" grep -q "exception: #GP" /tmp/exits.hvx
check "exits: #UD for VMXON" grep -q "exception: #UD" /tmp/exits.hvx
check "exits: CPUID hides VMX and sets the hypervisor bit" \
	sh -c 'grep -q "VMX hidden" /tmp/exits.hvx && grep -q "hypervisor bit set" /tmp/exits.hvx'
check "exits: HLT ended the run with R12 as the guest left it" \
	grep -q "r12=00000000600dcafe" /tmp/exits.hvx
run_both triple 125 "exit SHUTDOWN" --mode long
run_both triple16 125 "exit SHUTDOWN" --mode real
run_both triple32 125 "exit SHUTDOWN" --mode protected
run_both triple32 125 "exit SHUTDOWN" --mode paged

# A hostile guest: VMX instructions, CR and MSR writes no CPU takes, a
# storm of single-step #DBs through hvx's intercept.
run_both hostile 0 "hostile: done" --mode long
check "hostile: each of the 11 VMX instructions was #UD" \
	[ "$(grep -c 'exception: #UD' /tmp/hostile.hvx)" = 11 ]
check "hostile: each of the 16 bad CR and MSR writes was #GP" \
	[ "$(grep -c 'exception: #GP' /tmp/hostile.hvx)" = 16 ]
check "hostile: one #DB for each of the 1000 single-stepped instructions" \
	grep -q "#DB traps: 00000000000003e8" /tmp/hostile.hvx
# Code that runs from RAM into MMIO cannot be fetched: INTERNAL_ERROR on
# both (the data words of that exit differ, so only the verdict compares).
for dev in hvx kvm; do
	vmctl run --device /dev/$dev --mode long $G/straddle.bin \
		>/tmp/straddle.$dev 2>&1
	st=$?
	cat /tmp/straddle.$dev
	check "straddle on $dev: a fetch from MMIO ends the run with INTERNAL_ERROR" \
		sh -c "[ $st = 125 ] && grep -q 'exit INTERNAL_ERROR' /tmp/straddle.$dev"
	check "straddle on $dev: ...and the bytes that were in RAM" \
		grep -q "could not emulate the instruction: b8 44$" /tmp/straddle.$dev
done
run_both xsave 0 "xsave: done" --mode long
check "xsave: each bad XSETBV was a #GP" \
	[ "$(grep -c 'exception: #GP' /tmp/xsave.hvx)" = 6 ]
check "xsave: the YMM registers survived the exits" \
	grep -q "ymm0-ymm15 kept" /tmp/xsave.hvx
run_both mmio 0 "every load saw what the guest stored" --mode long --trace-mmio
run_both mmio32 0 "every load saw what the guest stored" --mode protected \
	--trace-mmio
check "mmio: the scratch device saw 16-bit stores as 2-byte writes" \
	grep -q "mmio: write 2 at 0xd0000022: 0x8001" /tmp/mmio.hvx

# String I/O and MOVS with MMIO across page boundaries, through guest
# pages whose physical pages are not adjacent (see strings.S).
run_both strings 0 "strings: done" --mode long
check "strings: OUTSL of an element across two pages sends both halves" \
	grep -q "OUTSL across A|B sent 0000000064636261" /tmp/strings.hvx
check "strings: INSL and MOVSL write both halves where the guest's tables say" \
	sh -c 'grep -q "INSL across A|B wrote 0000000068676665" /tmp/strings.hvx &&
		grep -q "MOVSL from MMIO across A|B wrote 00000000706f6e6d" /tmp/strings.hvx'
check "strings: nothing reached the page after the first one's translation" \
	sh -c '[ "$(grep -c "page between A and B holds 0000000000000000" /tmp/strings.hvx)" = 3 ]'
check "strings: each access into the missing page is a #PF at its first byte" \
	[ "$(grep -c '#PF at 0000000000402000' /tmp/strings.hvx)" = 5 ]
if grep -qw smap /proc/cpuinfo; then
	check "strings: under SMAP a supervisor OUTSB from a user page faults, with AC it runs" \
		sh -c 'grep -q "#PF at 0000000000403000" /tmp/strings.hvx &&
			grep -q "with AC, OUTSB from the user page sent 000000000000005a" /tmp/strings.hvx'
fi

# ADD to MMIO is not emulated: the run stops and says which instruction.
# (KVM's emulator runs it, so there is no comparison here.)
vmctl run --mode long $G/mmio-add.bin >/tmp/mmio-add.hvx 2>&1
st=$?
cat /tmp/mmio-add.hvx
check "mmio: an instruction hvx does not emulate fails the run" [ $st = 125 ]
check "mmio: ...with INTERNAL_ERROR and the instruction's bytes" \
	sh -c 'grep -q "exit INTERNAL_ERROR, suberror 1" /tmp/mmio-add.hvx &&
		grep -q "could not emulate the instruction: 01 43 10" /tmp/mmio-add.hvx'
run_both sparse 0 "every touched page kept its value" --mode long --mem 6G

# 2 MiB EPT pages.  The guest writes and reads back 16 MiB from 16 MiB
# (eight 2 MiB ranges), copies a function into the sixth range and calls
# it there, then spins; while it does, `vmctl stats` says how hvx mapped
# it.  vmctl aligns guest memory to 2 MiB and asks for transparent huge
# pages (MADV_HUGEPAGE); the kernel only gives them with THP set to
# "madvise" or "always" (this machine, under 512 MiB, starts at "never").
# huge_run DEVICE THP: run it there with THP set so, leave it spinning.
THP=/sys/kernel/mm/transparent_hugepage/enabled
ept_pages() { sed -n "s/.*\"ept_$1_pages\":\([0-9]*\).*/\1/p" /tmp/huge.stats; }
huge_run() {
	echo $2 >$THP
	vmctl run --device $1 --mode long --mem 64M $G/huge.bin \
		>/tmp/huge.$(basename $1) 2>&1 &
	pid=$!
	wait_for 120 file_has /tmp/huge.$(basename $1) "code copied among them ran"
}
huge_stop() {
	kill -TERM $pid
	wait $pid
	echo never >$THP
}
# huge_stats: the running guest's page counts into /tmp/huge.stats.
huge_stats() {
	vmctl stats --json $(vm_of $pid) >/tmp/huge.stats
	cat /tmp/huge.stats
}
nx_param() { cat /sys/module/hvx/parameters/nx_huge_pages; }
# hvx_reload ARGS...: hvx again, as at the top, with ARGS added.
hvx_reload() { rmmod hvx && insmod $HVX_KO enable_at_load=0 "$@"; }

# The iTLB multihit mitigation (nx_huge_pages) makes 2 MiB EPT pages
# non-executable: the guest's fetch from the sixth range splits that one
# into 512 pages of 4 KiB, and only that one of the eight.  The first
# 2 MiB of guest memory, where the guest's own code runs, is split too
# where the host backs it with a huge page, so the count to expect is
# exactly 7 with the mitigation, at least 8 without.  hvx is loaded with
# nx_huge_pages=auto here, which follows the host kernel: on where the
# CPU has the erratum (anything but "Not affected" below), unless the
# kernel runs with mitigations=off.
multihit=$(cat /sys/devices/system/cpu/vulnerabilities/itlb_multihit 2>/dev/null)
echo "itlb_multihit: ${multihit:-(no such file)}"
if [ -n "$multihit" ] && [ "$multihit" != "Not affected" ] &&
   ! grep -qw "mitigations=off" /proc/cmdline; then
	auto=Y
else
	auto=N
fi
check "huge: nx_huge_pages=auto is $auto on this host ($(nx_param))" \
	[ "$(nx_param)" = $auto ]
huge_run /dev/hvx madvise
anon=$(awk '/^AnonHugePages:/ { print $2 }' /proc/meminfo)
huge_stats
check "huge: the host backs the madvised guest memory with huge pages (${anon:-0} kB)" \
	[ "${anon:-0}" -ge 16384 ]
if [ $auto = Y ]; then
	check "huge: with the mitigation on (auto), 7 of the 8 ranges stay 2 MiB pages ($(ept_pages 2m))" \
		[ "$(ept_pages 2m)" = 7 ]
else
	check "huge: with the mitigation off (auto), hvx maps the 8 touched 2 MiB ranges with 2 MiB pages ($(ept_pages 2m))" \
		[ "$(ept_pages 2m)" -ge 8 ]
fi
huge_stop
huge_run /dev/hvx never
huge_stats
check "huge: without huge pages, 4 KiB pages only ($(ept_pages 4k) of them)" \
	[ "$(ept_pages 2m)" = 0 -a "$(ept_pages 4k)" -ge 4096 ]
huge_stop

check "huge: hvx reloads with nx_huge_pages=off" hvx_reload nx_huge_pages=off
check "huge: nx_huge_pages=off reads N ($(nx_param))" [ "$(nx_param)" = N ]
huge_run /dev/hvx madvise
huge_stats
off_2m=$(ept_pages 2m) off_4k=$(ept_pages 4k)
check "huge: with nx_huge_pages=off, all 8 ranges stay 2 MiB pages, the executed one too ($off_2m)" \
	[ "${off_2m:-0}" -ge 8 ]
huge_stop
check "huge: hvx reloads with nx_huge_pages=force" hvx_reload nx_huge_pages=force
check "huge: nx_huge_pages=force reads Y ($(nx_param))" [ "$(nx_param)" = Y ]
huge_run /dev/hvx madvise
huge_stats
check "huge: with nx_huge_pages=force, exactly the executed range is split: 7 of 8 stay 2 MiB ($(ept_pages 2m))" \
	[ "$(ept_pages 2m)" = 7 ]
check "huge: ...into 512 pages of 4 KiB ($off_4k pages of 4 KiB without, $(ept_pages 4k) with)" \
	[ "$(ept_pages 4k)" -ge $((${off_4k:-0} + 512)) ]
huge_stop
check "huge: hvx reloads as it was" hvx_reload

huge_run /dev/kvm madvise
huge_stop
cat /tmp/huge.hvx
same_on_kvm huge

# MSRs the guest reaches without exits (the VMCS or hvx switches them on
# every entry): 5000 writes and as many reads of them must not show in the
# VM's exit counts, while the 10 writes of STAR do.  The guest spins at
# the end, for `vmctl stats` to read it.
msrs_run() {
	vmctl run --device $1 --mode long $G/msrs.bin \
		>/tmp/msrs.$(basename $1) 2>&1 &
	pid=$!
	wait_for 120 file_has /tmp/msrs.$(basename $1) "spinning"
}
msr_exits() { sed -n "s/^{.*\"exits\":{[^}]*\"$1\":\([0-9]*\).*/\1/p" /tmp/msrs.stats; }
msrs_run /dev/hvx
vmctl stats --json $(vm_of $pid) >/tmp/msrs.stats
kill -TERM $pid
wait $pid
cat /tmp/msrs.hvx /tmp/msrs.stats
check "msrs: the guest's 5000 reads of pass-through MSRs did not exit ($(msr_exits RDMSR) RDMSR exits)" \
	[ "$(msr_exits RDMSR)" -ge 10 -a "$(msr_exits RDMSR)" -lt 100 ]
check "msrs: nor its writes; STAR's did ($(msr_exits WRMSR) WRMSR exits)" \
	[ "$(msr_exits WRMSR)" -ge 10 -a "$(msr_exits WRMSR)" -lt 100 ]
msrs_run /dev/kvm
kill -TERM $pid
wait $pid
same_on_kvm msrs

# A guest that spins with interrupts off (spin.S), pinned to CPU 1: hvx
# takes the CPU back at least every two host ticks (its VMX preemption
# timer backstop), so a thread pinned there still runs, and a signal
# stops the guest at once.  Bochs' VT-x takes no external-interrupt exit
# from such a guest: without the backstop CPU 1 stays lost until an RCU
# stall report's NMI, 21 s or more.  Not run on KVM, whose own timer,
# armed at its largest count, comes back every 215 s in this machine.
taskset -c 1 vmctl run --mode long $G/spin.bin >/tmp/spin.out 2>&1 &
pid=$!
wait_for 60 file_has /tmp/spin.out "spinning"
sleep 1
check "spin: a thread pinned to the CPU of a guest spinning with interrupts off still runs" \
	timeout 10 taskset -c 1 true
vmctl stats --json $(vm_of $pid) >/tmp/spin.stats
spins=$(sed -n 's/^{.*"exits":{[^}]*"PREEMPTION_TIMER":\([0-9]*\).*/\1/p' /tmp/spin.stats)
cat /tmp/spin.out /tmp/spin.stats
check "spin: the backstop's preemption timer took the guest out (${spins:-0} times)" \
	[ "${spins:-0}" -gt 0 ]
kill -TERM $pid
(sleep 20; kill -KILL $pid 2>/dev/null) &
dog=$!
wait $pid
st=$?
kill $dog 2>/dev/null
check "spin: SIGTERM stops the guest (vmctl's status $st, not SIGKILL's 137)" \
	sh -c "[ $st != 137 ] && grep -q 'stopped by a signal' /tmp/spin.out"

# What a guest gets of its own and never of the host's (isolate.S):
# SYSCALL with zeroed syscall MSRs lands in the guest, its DR0 watchpoint
# fires on each of its writes, and each WBINVD is an exit, counted.
isolate_run() {
	vmctl run --device $1 --mode long $G/isolate.bin \
		>/tmp/isolate.$(basename $1) 2>&1 &
	pid=$!
	wait_for 120 file_has /tmp/isolate.$(basename $1) "spinning"
}
isolate_run /dev/hvx
vmctl stats --json $(vm_of $pid) >/tmp/isolate.stats
kill -TERM $pid
wait $pid
cat /tmp/isolate.hvx
check "isolate: SYSCALL with zeroed STAR/LSTAR/CSTAR/SFMASK lands where the guest said" \
	grep -q "landed where the guest said" /tmp/isolate.hvx
check "isolate: the guest's DR0 watchpoint fired on each of its 100 writes, B0 in DR6" \
	grep -q "watchpoint hits: 0000000000000064 DR6 00000000ffff0ff1" /tmp/isolate.hvx
wbinvd=$(sed -n 's/^{.*"exits":{[^}]*"WBINVD":\([0-9]*\).*/\1/p' /tmp/isolate.stats)
check "isolate: each of the 100 WBINVDs was an exit (${wbinvd:-none})" \
	[ "${wbinvd:-0}" = 100 ]
isolate_run /dev/kvm
kill -TERM $pid
wait $pid
same_on_kvm isolate "(incl. CPUID's defences and ARCH_CAPABILITIES)"

# Two vCPUs on their own threads run the same guest and both print all
# of it (the two outputs interleave character by character).
vmctl run --vcpus 2 $G/long.bin >/tmp/two.out 2>&1
st=$?
cat /tmp/two.out
check "two vCPUs: both print and the run succeeds" \
	sh -c "[ $st = 0 ] && [ \$(wc -c </tmp/two.out) = 34 ]"
run_both meet 0 "meet: both vCPUs arrived" --vcpus 2 --mode long

# A guest that computes until it is stopped, interrupted by signals: each
# SIGUSR1 makes KVM_RUN return EINTR and the guest carries on where it was,
# its registers intact, so its lines (round, LCG state, SSE sum) are the
# ones KVM's run prints.  loop_run DEVICE: run it, signal it 20 times, let
# it finish three more rounds, stop it with SIGTERM.
rounds() { grep -cE '^[0-9a-f]{16} ' "$1"; }
has_rounds() { [ "$(rounds $1)" -ge $2 ]; }
ran_on_and_stopped() { has_rounds $1 4 && grep -q 'stopped by a signal' $1; }
loop_run() {
	out=/tmp/loop.$(basename $1)
	vmctl run --stats --device $1 --mode long $G/loop.bin >$out 2>&1 &
	pid=$!
	wait_for 120 has_rounds $out 1
	for n in $(seq 20); do
		kill -USR1 $pid
		sleep 0.1
	done
	r=$(rounds $out)
	wait_for 120 has_rounds $out $((r + 3))
	kill -TERM $pid
	wait $pid
	cat $out
}
loop_run /dev/hvx
loop_run /dev/kvm
for dev in hvx kvm; do
	n=$(sed -n 's/.*KVM_RUN interrupted \([0-9]*\) times/\1/p' /tmp/loop.$dev)
	check "loop on $dev: KVM_RUN returned EINTR for the signals (${n:-no} times of 21)" \
		[ "${n:-0}" -ge 10 ]
	check "loop on $dev: the guest ran on after them and stopped on SIGTERM" \
		ran_on_and_stopped /tmp/loop.$dev
done
n=$(rounds /tmp/loop.hvx)
[ "$(rounds /tmp/loop.kvm)" -lt "$n" ] && n=$(rounds /tmp/loop.kvm)
if [ "$(grep -E '^[0-9a-f]{16} ' /tmp/loop.hvx | head -n $n)" = \
     "$(grep -E '^[0-9a-f]{16} ' /tmp/loop.kvm | head -n $n)" ]; then
	ok "loop: its $n common rounds compute the same on hvx and KVM"
else
	not_ok "loop: its $n common rounds compute the same on hvx and KVM"
fi

check "rmmod kvm_intel" rmmod kvm_intel
check "rmmod hvx" rmmod hvx
