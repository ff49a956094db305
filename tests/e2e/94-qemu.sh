# SPDX-License-Identifier: GPL-2.0
# Debian's QEMU, unmodified, on /dev/hvx: qemu-system-x86_64 -accel kvm
# boots the small guest kernel of tests/linux-guest (QEMU's default pc
# machine and qemu64 CPU, SeaBIOS, its default VGA and NIC) with the
# in-kernel irqchip, QEMU's default, and with kernel-irqchip=off, where
# QEMU's own PIC, IOAPIC, PIT and local APIC take the interrupts.  Then
# on kvm_intel, in the same boot: the guest's init says the same on all
# three.  QEMU sees /dev/hvx as /dev/kvm through a bind mount in a mount
# namespace of its own, and -no-reboot makes the guest's final reboot end
# it.  Its files (tests/qemu/bundle.sh) are in the machine's root.
#
# QEMU's qemu64 CPU offers neither the TSC-deadline timer nor the TSC's
# rate, so the guest calibrates its TSC against the PIT, which fails in
# the test machine (the kernel then marks the TSC unstable and keeps
# jiffies): on kvm_intel as on hvx, so the kernel's
# warnings are compared with kvm_intel's rather than required to be none.
#
# As in 94-linux.sh, guest output never reaches this test's output raw:
# only the init's "hvx-guest:" lines, and on failure the console's end,
# defanged.
. /tests/lib.sh

echo madvise >/sys/kernel/mm/transparent_hugepage/enabled

# qemu DEVICE NAME ARGS...: QEMU with DEVICE as its /dev/kvm and ARGS
# added; the console into /tmp/NAME.out, stderr /tmp/NAME.err, its
# status /tmp/NAME.st.
qemu() {
	dev=$1 name=$2
	shift 2
	echo "# qemu-system-x86_64 -accel kvm -nographic -no-reboot -kernel ... $* ($dev)"
	qemu-linux.sh "$dev" "$@" </dev/null >/tmp/$name.out 2>/tmp/$name.err
	echo $? >/tmp/$name.st
	tr -d '\r' </tmp/$name.out >/tmp/$name.txt
	grep -o 'hvx-guest: .*' /tmp/$name.txt | sed 's/^/# /'
	sed 's/^/#   qemu: /' /tmp/$name.err
}

has() { grep -q "hvx-guest: $2\$" /tmp/$1.txt; }


check_qemu() {
	name=$1 what=$2
	check "$what: the guest reached its init" has $name up
	check "$what: nproc says 1" has $name "cpus 1"
	check "$what: a file written and read back" has $name "file ok"
	check "$what: processes ran and were waited for" has $name "procs ok"
	check "$what: no MSR access faulted" has $name "msr-errors 0"
	check "$what: init finished" has $name done
	check "$what: QEMU exited with status 0 at the guest's reboot ($(cat /tmp/$name.st))" \
		[ "$(cat /tmp/$name.st)" = 0 ]
	if ! has $name done || [ "$(cat /tmp/$name.st)" != 0 ]; then
		tail -n 40 /tmp/$name.txt | defang
	fi
}

# The first boot is QEMU's defaults.  The other two go without the VGA
# and the NIC, which cost about 40 s of the machine's time per boot
# (their option ROMs, and the VGA memory QEMU maps and logs): the guest's
# init sees neither.
check "insmod hvx enable_at_load=0" insmod $HVX_KO enable_at_load=0
qemu /dev/hvx hvx-on
check_qemu hvx-on "QEMU on /dev/hvx, in-kernel irqchip"
qemu /dev/hvx hvx-off -machine kernel-irqchip=off -vga none -nic none
check_qemu hvx-off "QEMU on /dev/hvx, kernel-irqchip=off"
check "rmmod hvx" rmmod hvx

# pml=0: QEMU logs the VGA memory's dirty pages, and Bochs' page-
# modification log makes kvm_intel WARN (95-vm-api.sh says why).
check "kvm_intel loads" modprobe kvm_intel pml=0
qemu /dev/kvm kvm-on -vga none -nic none
check_qemu kvm-on "QEMU on kvm_intel, in-kernel irqchip"
check "rmmod kvm_intel" rmmod kvm_intel

stable_lines /tmp/kvm-on.txt >/tmp/kvm-on.lines
for name in hvx-on hvx-off; do
	stable_lines /tmp/$name.txt >/tmp/$name.lines
	check "$name: the guest says the same as on kvm_intel" \
		cmp -s /tmp/$name.lines /tmp/kvm-on.lines
	diff /tmp/$name.lines /tmp/kvm-on.lines | sed 's/^/#   /'
done
