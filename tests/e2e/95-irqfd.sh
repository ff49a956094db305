# Eventfds wired to a VM: KVM_IRQFD on an edge-triggered IOAPIC pin (a
# second thread's write ending a HLT, then deassigned) and with a
# resamplefd on a level-triggered one, taken through the IOAPIC and
# through the 8259As alone, KVM_IOEVENTFD on ports and at MMIO,
# the refusals of both ioctls and their capabilities
# (tests/e2e/progs/irqfd_test.c, with the guest tests/guests/irqfd.S), on
# hvx and then on kvm_intel in the same boot.  Every check must pass on
# both, and the transcripts (the "# | " lines: each exit, what the ioctls
# returned, the eventfds' counts, the IOAPIC's registers) must be the
# same, line for line.
. /tests/lib.sh

check "insmod hvx enable_at_load=0" insmod $HVX_KO enable_at_load=0
# preemption_timer=0: with its APIC timer on Bochs' VMX preemption timer,
# KVM's periodic mode never fires again after the guest's first HLT (the
# one-shot mode works); on an hrtimer, as hvx's, it does.
check "kvm_intel loads" modprobe kvm_intel preemption_timer=0

compare_devices irqfd_test irqfd

check "rmmod kvm_intel" rmmod kvm_intel
check "rmmod hvx" rmmod hvx
