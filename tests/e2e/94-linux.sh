# SPDX-License-Identifier: GPL-2.0
# An unmodified Linux boots on vmctl run --kernel: the small guest kernel
# of tests/linux-guest with one vCPU and with two, on hvx and then on
# kvm_intel in the same boot.  Its /init checks what a real system needs
# (the CPUs, the clock, the timer and UART interrupts on every CPU, a
# file, processes, one second of sleep) and prints "hvx-guest:" lines,
# which must say the same on both devices, and then reboots, which ends
# the run with status 0.  Each boot takes another of the PC's reset
# paths; vmctl stats and pause reach the running guest from outside.
#
# Guest output is never copied raw into this test's output: the serial
# log's judge would take a guest's kernel report for the machine's.  Only
# the "hvx-guest:" lines are shown (the init defangs what it quotes), and
# on failure the end of the console, defanged.
. /tests/lib.sh

L=/tests/linux
# Without huge pages every first touch of guest memory costs an exit.
echo madvise >/sys/kernel/mm/transparent_hugepage/enabled

# boot DEVICE NAME VCPUS ARGS...: boot the guest (the kernel $KERNEL, by
# default the small one, in $MEM of memory) with ARGS added to its
# command line, /tmp/NAME.in (if there is one) as its console input; its
# console, each line prefixed with the machine's uptime, goes to
# /tmp/NAME.out, vmctl's stderr to /tmp/NAME.err, its status to
# /tmp/NAME.st.
boot() {
	dev=$1 name=$2 n=$3
	shift 3
	in=/tmp/$name.in
	[ -f $in ] || in=/dev/null
	rm -f /tmp/$name.st
	echo "# vmctl run --device $dev --vcpus $n --kernel ... --append 'quiet $*'"
	{
		timeout 900 vmctl run --device "$dev" --kernel "${KERNEL:-$L/bzImage}" \
			--initrd $L/initrd.gz --vcpus "$n" --mem "${MEM:-64M}" \
			--append "quiet $*" <$in 2>/tmp/$name.err
		echo $? >/tmp/$name.st
	} | while IFS= read -r line; do
		read -r up _ </proc/uptime
		echo "$up $line"
	done | tr -d '\r' >/tmp/$name.out
	grep -o 'hvx-guest: .*' /tmp/$name.out | sed 's/^/# /'
}


has() { grep -q "hvx-guest: $2\$" /tmp/$1.out; }

# up_to NAME: the seconds (host) from "sleep1 start" to "sleep1 end".
sleep_secs() {
	awk '/hvx-guest: sleep1 start/ { s = $1 } /hvx-guest: sleep1 end/ { e = $1 }
	     END { printf "%.2f", e - s }' /tmp/$1.out
}

has_vm() { [ -n "$(vm_of "$1")" ]; }

# exits_of VM: its total exits so far.
exits_of() { vmctl stats $1 | awk '$1 == "total" { print $2 }'; }

# check_guest NAME VCPUS DEVICE HOW: what every good boot shows, ending
# with a reboot through HOW.
check_guest() {
	name=$1 n=$2 dev=$3 how=$4
	st=$(cat /tmp/$name.st)
	check "$dev, $n vCPU(s): the guest reached its init" has $name up
	check "$dev, $n vCPU(s): nproc says $n" has $name "cpus $n"
	check "$dev, $n vCPU(s): the clocksource is the TSC" has $name "clocksource tsc"
	check "$dev, $n vCPU(s): the CMOS clock gives this year" has $name "year $(date -u +%Y)"
	check "$dev, $n vCPU(s): a file written and read back" has $name "file ok"
	check "$dev, $n vCPU(s): processes ran and were waited for" has $name "procs ok"
	all=$(printf ' 1%.0s' $(seq $n))
	check "$dev, $n vCPU(s): the UART's IRQ 4 came through the IOAPIC to every CPU" \
		has $name "irq4 IO-APIC 4-edge ttyS0 nonzero$all"
	check "$dev, $n vCPU(s): the TSC-deadline LAPIC timer needs no PIT: no IRQ 0" \
		has $name "irq0 missing"
	check "$dev, $n vCPU(s): the LAPIC timer ticked on every CPU" \
		has $name "LOC counting on every cpu: yes"
	check "$dev, $n vCPU(s): no MSR access faulted" has $name "msr-errors 0"
	check "$dev, $n vCPU(s): no kernel warnings and nothing unstable" has $name "warnings 0"
	check "$dev, $n vCPU(s): init finished" has $name done
	s=$(sleep_secs $name)
	echo "# sleep 1 in the guest took $s s of the machine's time"
	check "$dev, $n vCPU(s): sleep 1 takes about a second ($s s)" \
		awk -v s="$s" 'BEGIN { exit !(s >= 0.95 && s < 3) }'
	check "$dev, $n vCPU(s): the reboot ended the run with status 0 ($st)" [ "$st" = 0 ]
	check "$dev, $n vCPU(s): vmctl says the guest rebooted ($how)" \
		grep -q "the guest rebooted ($how)" /tmp/$name.err
	if ! has $name done || [ "$st" != 0 ]; then
		sed 's/^/#   vmctl: /' /tmp/$name.err
		tail -n 40 /tmp/$name.out | defang
	fi
}

check "insmod hvx enable_at_load=0" insmod $HVX_KO enable_at_load=0

# One vCPU, the init's shell at the end, fed from stdin through the UART's
# receive interrupts; reboot=t: the reboot is a triple fault.
printf 'echo $((6 * 7))\nreboot -f\n' >/tmp/hvx1.in
boot /dev/hvx hvx1 1 reboot=t hvxguest=shell
check_guest hvx1 1 /dev/hvx "triple fault"
check "/dev/hvx: the guest's shell read stdin and answered 42" grep -q ' 42$' /tmp/hvx1.out

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
