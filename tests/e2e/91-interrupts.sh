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

compare_devices irq_test irq

check "rmmod kvm_intel" rmmod kvm_intel
check "rmmod hvx" rmmod hvx
