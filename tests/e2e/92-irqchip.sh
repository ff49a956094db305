# KVM's in-kernel irqchip (KVM_CREATE_IRQCHIP): the 8259A PICs, the IOAPIC,
# GSI routing and MSIs, the local APIC with KVM_GET/SET_LAPIC, its IPIs and
# timer, and HLT waiting in the kernel (tests/e2e/progs/irqchip_test.c,
# with the guest tests/guests/irqchip.S), on hvx and then on kvm_intel in
# the same boot.  Every check must pass on both, and the transcripts (the
# "# | " lines: each exit, what the ioctls returned, the chips' registers)
# must be the same, line for line.
. /tests/lib.sh

check "insmod hvx enable_at_load=0" insmod $HVX_KO enable_at_load=0
# preemption_timer=0: with its APIC timer on Bochs' VMX preemption timer,
# KVM's periodic mode never fires again after the guest's first HLT (the
# one-shot mode works); on an hrtimer, as hvx's, it does.
check "kvm_intel loads" modprobe kvm_intel preemption_timer=0

compare_devices irqchip_test irqchip

check "rmmod kvm_intel" rmmod kvm_intel
check "rmmod hvx" rmmod hvx
