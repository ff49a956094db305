# SPDX-License-Identifier: GPL-2.0
# Introspection (uapi/hvx.h, HVX_INTROSPECT): another process watches and
# steers a running guest (tests/e2e/progs/intro_test.c with
# tests/guests/intro.S), and dies in the middle of a breakpoint storm; the
# guest finishes as if never watched, and hvx unloads; vmctl inspect,
# watch and trace, on guests that vmctl run runs.  hvx's own: KVM has no
# introspection to compare with.
. /tests/lib.sh

check "insmod hvx" insmod $HVX_KO
/tests/bin/intro_test /dev/hvx /tests/guests/intro.bin >/tmp/intro.tap
st=$?
cat /tmp/intro.tap
check "intro_test: every check passed" [ $st = 0 ]

# vmctl inspect and vmctl watch, on a guest that vmctl run runs
# (tests/guests/watched.S: a round of computing, CPUID 0x4856 with the
# round in EBX, VMCALL 0x4856 and a line with the round, for ever).
G=/tests/guests
lines() { grep -c '^[0-9a-f]\{8\}$' "$1"; }
has_lines() { [ "$(lines "$1")" -ge "$2" ]; }
vmctl run --mode long $G/watched.bin >/tmp/watched.out 2>&1 &
run=$!
check "watched: the guest runs" wait_for 60 has_lines /tmp/watched.out 2
id=$(vm_of $run)
vmctl watch --cpuid --vmcall --count 4 --json $id >/tmp/watch.json
st=$?
cat /tmp/watch.json
check "vmctl watch --count 4 ends by itself" [ $st = 0 ]
check "vmctl watch: CPUID and VMCALL in turn, leaf and number 0x4856" \
	awk '/"event": "cpuid".*"leaf": 18518,/ { e = "c" }
	     /"event": "hypercall".*"nr": 18518}/ { e = "h" }
	     { if (e == "" || e == last) bad = 1; last = e; e = "" }
	     END { exit !(NR == 4 && !bad) }' /tmp/watch.json
vmctl watch --cpuid --count 3 $id >/tmp/watch.out
cat /tmp/watch.out
check "vmctl watch: each line names the vCPU, the event and its RIP" \
	sh -c "[ \$(grep -cE '^vcpu 0 cpuid +rip 0x0000000000010[0-9a-f]{3} cr3 0x[0-9a-f]+ leaf 0x4856 subleaf 0x0\$' /tmp/watch.out) = 3 ]"
vmctl watch --msr sysenter_eip --count 2 $id >/tmp/watch.msr
cat /tmp/watch.msr
# Its fields: old and new value of two WRMSRs, rounds r and r + 1.
msr_rounds() {
	set -- $(awk '$3 == "msr" && $9 == "0x176" { print $10, $12 }' /tmp/watch.msr)
	[ $# = 4 ] && [ $(($2)) = $(($1 + 1)) ] && [ $(($3)) = $(($2)) ] &&
		[ $(($4)) = $(($2 + 1)) ]
}
check "vmctl watch --msr: the guest's WRMSRs of its round, old and new values" \
	msr_rounds
vmctl watch --desc --count 2 $id >/tmp/watch.desc
cat /tmp/watch.desc
check "vmctl watch --desc: the SIDT of each round, a store of IDTR" \
	sh -c "[ \$(grep -cE '^vcpu 0 desc +rip 0x0000000000010[0-9a-f]{3} cr3 0x[0-9a-f]+ idtr store\$' /tmp/watch.desc) = 2 ]"
vmctl watch --page 0x10000:x --count 3 $id >/tmp/watch.page
cat /tmp/watch.page
# Each fetch is stepped over and the right taken again: three in a row,
# from more than one instruction (the guest's loop is two).
check "vmctl watch --page: three fetches from the guest's code page, in turn" \
	sh -c "[ \$(grep -cE '^vcpu 0 pf +rip 0x0000000000010[0-9a-f]{3} cr3 0x[0-9a-f]+ gpa 0x10[0-9a-f]{3} x gva 0x10[0-9a-f]{3}$' /tmp/watch.page) = 3 ] &&
	       [ \$(awk '{ print \$9 }' /tmp/watch.page | sort -u | wc -l) -ge 2 ]"
vmctl watch --single-step 4 --count 4 $id >/tmp/watch.step
cat /tmp/watch.step
check "vmctl watch --single-step 4: four steps in the guest's code" \
	sh -c "[ \$(grep -cE '^vcpu 0 singlestep +rip 0x0000000000010[0-9a-f]{3} ' /tmp/watch.step) = 4 ]"
a=$(lines /tmp/watched.out)
check "watched: the guest goes on after the watch" wait_for 60 has_lines /tmp/watched.out $((a + 2))
vmctl inspect $id regs >/tmp/regs.out
st=$?
cat /tmp/regs.out
check "vmctl inspect regs: RIP in the guest's code" \
	sh -c "[ $st = 0 ] && grep -qE '^rip +0x0000000000010[0-9a-f]{3}\$' /tmp/regs.out"
vmctl inspect $id sregs >/tmp/sregs.out
cat /tmp/sregs.out
efer=$(awk '$1 == "efer" { print $2 }' /tmp/sregs.out)
check "vmctl inspect sregs: long mode (EFER.LMA $efer) and a 64-bit CS" \
	sh -c "[ \$(($efer & 0x400)) != 0 ] && grep -qE '^cs .* L\$' /tmp/sregs.out"
vmctl inspect --json $id regs >/tmp/regs.json
check "vmctl inspect --json regs: one object, RIP in the guest's code" \
	grep -qE '^\{"rax": [0-9]+, .*"rip": 6[5-9][0-9]{3}, "rflags": [0-9]+\}$' /tmp/regs.json
vmctl inspect $id mem 0x10000 16 >/tmp/mem.out
cat /tmp/mem.out
want=$(od -An -tx1 -N16 $G/watched.bin | tr -s ' ' | sed 's/^ //')
check "vmctl inspect mem: the guest's first 16 bytes, as loaded" \
	sh -c "[ \"\$(cut -c19-65 /tmp/mem.out)\" = '$want' ]"
vmctl inspect $id translate 0x10010 >/tmp/tr.out
cat /tmp/tr.out
check "vmctl inspect translate: vmctl's identity map" \
	grep -qx '0x10010 -> 0x10010' /tmp/tr.out
vmctl inspect $id mem 0x40000000 16 2>/tmp/mem.err
st=$?
cat /tmp/mem.err
check "vmctl inspect mem where there is none: status 1 and why" \
	sh -c "[ $st = 1 ] && grep -q 'no guest memory there' /tmp/mem.err"
kill -TERM $run
wait $run

# vmctl trace --syscalls on tests/guests/syscalls.S, attached before the
# guest sets LSTAR: it waits, sets its breakpoint, carries out each call's
# SWAPGS (the guest checks its GS bases) and hides the breakpoint from the
# guest's reads of that page (the guest checks the byte), then lets go at
# its count (past the guest's 256th call, after which it reads that
# page); the guest runs on.
vmctl run --mode long $G/syscalls.bin >/tmp/sys.out 2>&1 &
run=$!
wait_for 60 sh -c "vmctl list | awk -v p=$run '\$2 == p { f = 1 } END { exit !f }'"
id=$(vm_of $run)
vmctl trace --syscalls --count 300 $id >/tmp/trace.out 2>/tmp/trace.err
st=$?
cat /tmp/trace.err
head -2 /tmp/trace.out
check "vmctl trace --syscalls: attached before LSTAR was set, waited for it" \
	sh -c "[ $st = 0 ] && grep -q 'LSTAR is not set yet' /tmp/trace.err &&
	       grep -q 'tracing VM $id' /tmp/trace.err"
check "vmctl trace --syscalls --count 300: 300 calls, each RAX 39, getpid" \
	sh -c "[ \$(grep -cE '^vcpu 0 syscall  39 getpid +cr3 0x[0-9a-f]+ rip 0x10[0-9a-f]{3}\$' /tmp/trace.out) = 300 ] &&
	       [ \$(grep -c . /tmp/trace.out) = 300 ]"
a=$(lines /tmp/sys.out)
check "syscalls: the guest's calls go on after trace, its checks passed" \
	wait_for 60 has_lines /tmp/sys.out $((a + 1))
# A wrong GS base or the INT3 seen would have ended its run (status 3).
check "syscalls: the guest never saw a wrong GS base or the breakpoint" \
	kill -0 $run
kill -TERM $run
wait $run
# awk ends a last line cut short by the kill, so no TAP line follows it.
tail -3 /tmp/sys.out | awk '{ print "# " $0 }'
check "rmmod hvx after the introspector's death" rmmod hvx
