# KVM's userspace interrupt model, without KVM_CREATE_IRQCHIP: KVM_INTERRUPT,
# KVM_NMI, interrupt windows, HLT exits, KVM_GET/SET_VCPU_EVENTS and
# KVM_GET/SET_DEBUGREGS (tests/e2e/progs/irq_test.c, with the guest
# tests/guests/irq.S), on hvx and then on kvm_intel in the same boot.
# Every check must pass on both, and the transcripts (the "# | " lines:
# each exit with its RIP, if_flag and ready_for_interrupt_injection, and
# what the state ioctls returned) must be the same, line for line.
. /tests/lib.sh

check "insmod hvx enable_at_load=0" insmod $HVX_KO enable_at_load=0
check "kvm_intel loads" modprobe kvm_intel

for dev in hvx kvm; do
	/tests/bin/irq_test /dev/$dev /tests/guests/irq.bin >/tmp/irq.$dev
	st=$?
	sed "s/^\(not \)\{0,1\}ok - /&$dev: /" /tmp/irq.$dev
	check "irq_test on $dev: every check passed" [ $st = 0 ]
	grep '^# | ' /tmp/irq.$dev >/tmp/irq.$dev.trace
done
# A run cut short on both would compare equal: KVM's must have reached
# its end.
what="irq_test: hvx's transcript is KVM's"
if grep -qx '# | end' /tmp/irq.kvm.trace &&
   cmp -s /tmp/irq.hvx.trace /tmp/irq.kvm.trace; then
	ok "$what"
else
	not_ok "$what"
	diff /tmp/irq.hvx.trace /tmp/irq.kvm.trace
fi

check "rmmod kvm_intel" rmmod kvm_intel
check "rmmod hvx" rmmod hvx
