# SPDX-License-Identifier: GPL-2.0
# Helpers for the tests that boot a Linux guest under vmctl (94-linux.sh,
# 94-debian.sh): the boot itself, and the checks every good boot passes,
# read from the "hvx-guest:" lines of the guest's init
# (tests/linux-guest/init).  Sourced after lib.sh.

L=/tests/linux
# Without huge pages every first touch of guest memory costs an exit.
echo madvise >/sys/kernel/mm/transparent_hugepage/enabled

# boot DEVICE NAME VCPUS ARGS...: boot the guest (the kernel $KERNEL, by
# default the small one, in $MEM of memory) with ARGS added to its
# command line, /tmp/NAME.in (if there is one: a file, or a FIFO the
# test writes to as it goes) as its console input; its
# console, each line prefixed with the machine's uptime, goes to
# /tmp/NAME.out, vmctl's stderr to /tmp/NAME.err, its status to
# /tmp/NAME.st.  vmctl is given $BOOT_LIMIT seconds (900 by default).
boot() {
	dev=$1 name=$2 n=$3
	shift 3
	in=/tmp/$name.in
	[ -e $in ] || in=/dev/null
	rm -f /tmp/$name.st
	echo "# vmctl run --device $dev --vcpus $n --kernel ... --append 'quiet $*'"
	{
		timeout "${BOOT_LIMIT:-900}" vmctl run --device "$dev" \
			--kernel "${KERNEL:-$L/bzImage}" --initrd $L/initrd.gz \
			--vcpus "$n" --mem "${MEM:-64M}" \
			--append "quiet $*" <$in 2>/tmp/$name.err
		echo $? >/tmp/$name.st
	} | while IFS= read -r line; do
		read -r up _ </proc/uptime
		echo "$up $line"
	done | tr -d '\r' >/tmp/$name.out
	grep -o 'hvx-guest: .*' /tmp/$name.out | sed 's/^/# /'
}

# has NAME LINE: the guest's init printed "hvx-guest: LINE".
has() { grep -q "hvx-guest: $2\$" /tmp/$1.out; }

# sleep_secs NAME: the seconds (host) from "sleep1 start" to "sleep1 end".
sleep_secs() {
	awk '/hvx-guest: sleep1 start/ { s = $1 } /hvx-guest: sleep1 end/ { e = $1 }
	     END { printf "%.2f", e - s }' /tmp/$1.out
}

has_vm() { [ -n "$(vm_of "$1")" ]; }

# exits_of VM: its total exits so far.
exits_of() { vmctl stats $1 | awk '$1 == "total" { print $2 }'; }

# check_guest NAME VCPUS DEVICE HOW: what every good boot shows, ending
# with a reboot through HOW, or with ACPI's power-off if HOW is "ACPI S5"
# (vmctl's status 4).
check_guest() {
	name=$1 n=$2 dev=$3 how=$4
	st=$(cat /tmp/$name.st)
	end=rebooted want=0
	if [ "$how" = "ACPI S5" ]; then
		end="powered off" want=4
	fi
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
	check "$dev, $n vCPU(s): the guest $end: the run ended with status $want ($st)" \
		[ "$st" = $want ]
	check "$dev, $n vCPU(s): vmctl says the guest $end ($how)" \
		grep -q "the guest $end ($how)" /tmp/$name.err
	if ! has $name done || [ "$st" != $want ]; then
		sed 's/^/#   vmctl: /' /tmp/$name.err
		tail -n 40 /tmp/$name.out | defang
	fi
}
