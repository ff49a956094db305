# SPDX-License-Identifier: GPL-2.0
# An unmodified Linux boots on vmctl run --kernel: the small guest kernel
# of tests/linux-guest with one vCPU and with two, on hvx and then on
# kvm_intel in the same boot.  Its /init checks what a real system needs
# (the CPUs, the clock, the timer and UART interrupts on every CPU, a
# file, processes, one second of sleep) and prints "hvx-guest:" lines,
# which must say the same on both devices, and then reboots, which ends
# the run with status 0.  Each boot takes another of the PC's reset
# paths; vmctl stats, pause and trace --syscalls reach the running guest
# from outside.
#
# Guest output is never copied raw into this test's output: the serial
# log's judge would take a guest's kernel report for the machine's.  Only
# the "hvx-guest:" lines are shown (the init defangs what it quotes), and
# on failure the end of the console, defanged.
. /tests/lib.sh
. /tests/lib-linux.sh

check "insmod hvx enable_at_load=0" insmod $HVX_KO enable_at_load=0

# One vCPU, the init's shell at the end, fed from stdin (a FIFO) through
# the UART's receive interrupts; reboot=t: the reboot is a triple fault.
# At the shell, vmctl trace --syscalls watches the guest from outside
# while the guest's getpids makes 300 getpid calls, and then lets go.
rm -f /tmp/hvx1.in
mkfifo /tmp/hvx1.in
boot /dev/hvx hvx1 1 reboot=t hvxguest=shell &
exec 3>/tmp/hvx1.in
wait_for 600 has hvx1 done
id=$(vm_of "$(pidof vmctl)")
vmctl trace --syscalls "$id" >/tmp/trace.out 2>/tmp/trace.err &
trace=$!
wait_for 60 file_has /tmp/trace.err "tracing VM"
echo 'getpids 300' >&3
wait_for 300 file_has /tmp/hvx1.out "getpids: 300 calls"
kill -INT $trace
wait $trace
st=$?
sed 's/^/# /' /tmp/trace.err
printf 'echo $((6 * 7))\nreboot -f\n' >&3
exec 3>&-
wait
check_guest hvx1 1 /dev/hvx "triple fault"
check "/dev/hvx: the guest's shell read stdin and answered 42" grep -q ' 42$' /tmp/hvx1.out
check "vmctl trace --syscalls: set its breakpoint at the guest's LSTAR, ended with status 0 ($st)" \
	sh -c "grep -q 'tracing VM $id' /tmp/trace.err && [ $st = 0 ]"
# One process (one CR3) made the 300 calls, and printed (write) and
# exited (exit_group) in the same address space; fields: vcpu N syscall
# NR NAME cr3 CR3 rip RIP.
grep -c . /tmp/trace.out | sed 's/^/# system calls traced: /'
grep -m1 ' getpid ' /tmp/trace.out | sed 's/^/# the first getpid: /'
awk '$5 == "getpid" { n[$7]++ } END { for (c in n) print "# getpid from cr3 " c ": " n[c] }' /tmp/trace.out
traced() {
	awk '$5 == "getpid" { n[$7]++ } END { for (c in n) if (n[c] == 300) print c }' /tmp/trace.out
}
cr3=$(traced)
check "vmctl trace --syscalls: 300 getpid calls from one process" [ -n "$cr3" ]
check "vmctl trace --syscalls: the same process's write and exit_group" \
	sh -c "grep -q ' write .* cr3 $cr3 ' /tmp/trace.out && grep -q ' exit_group .* cr3 $cr3 ' /tmp/trace.out"

# Two vCPUs; reboot=pci: the reboot is a write to port 0xcf9.  While the
# guest boots, another process reads its exits and pauses it for 3 s.
boot /dev/hvx hvx2 2 reboot=pci &
wait_for 60 pidof vmctl >/dev/null
pid=$(pidof vmctl)
wait_for 60 has_vm "$pid"
id=$(vm_of "$pid")
check "vmctl list shows the Linux guest's VM ($id)" [ -n "$id" ]
sleep 5
vmctl stats $id >/tmp/stats.out 2>&1
sed 's/^/# /' /tmp/stats.out
check "vmctl stats: the running guest's exits by reason" \
	sh -c "grep -qE '^(IO_INSTRUCTION|EPT_VIOLATION) +[1-9]' /tmp/stats.out &&
		grep -qE '^total +[1-9]' /tmp/stats.out"
check "vmctl pause $id" vmctl pause $id
sleep 1
a=$(exits_of $id)
sleep 3
b=$(exits_of $id)
check "paused: no exits in 3 s ($a, then $b)" [ "$a" = "$b" ]
check "vmctl resume $id" vmctl resume $id
wait
check_guest hvx2 2 /dev/hvx "port 0xcf9"

check "rmmod hvx" rmmod hvx

# preemption_timer=0: see 92-irqchip.sh.
check "kvm_intel loads" modprobe kvm_intel preemption_timer=0
boot /dev/kvm kvm2 2 reboot=pci
check_guest kvm2 2 /dev/kvm "port 0xcf9"
check "rmmod kvm_intel" rmmod kvm_intel

stable_lines /tmp/hvx2.out >/tmp/hvx2.lines
stable_lines /tmp/kvm2.out >/tmp/kvm2.lines
check "the guest says the same on hvx and on kvm_intel" \
	cmp -s /tmp/hvx2.lines /tmp/kvm2.lines
diff /tmp/hvx2.lines /tmp/kvm2.lines | sed 's/^/#   /'
