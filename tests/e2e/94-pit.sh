# KVM's in-kernel PIT (KVM_CREATE_PIT2) with the 8259A PICs: a real-mode
# guest counting counter 0's ticks on IRQ 0 with HLT, the counters latched
# and read back, counter 2 and port 0x61 as Linux calibrates its TSC, and
# KVM_GET/SET_PIT2 (tests/e2e/progs/pit_test.c, with the guest
# tests/guests/pit.S), on hvx and then on kvm_intel in the same boot.
# Every check must pass on both, and the transcripts (the "# | " lines:
# each exit, what the ioctls returned, the PIT's state) must be the same,
# line for line; what depends on time and where hvx differs from KVM on
# purpose are "#   " lines, checked per device.
. /tests/lib.sh

check "insmod hvx enable_at_load=0" insmod $HVX_KO enable_at_load=0
# preemption_timer=0, as in 92-irqchip.sh: with the VMX preemption timer
# under Bochs, KVM's periodic timers misbehave (its periodic APIC timer
# never fires again after the guest's first HLT), and this guest's HLTs
# wait for a periodic timer too, the PIT's.
check "kvm_intel loads" modprobe kvm_intel preemption_timer=0

compare_devices pit_test pit

check "rmmod kvm_intel" rmmod kvm_intel
check "rmmod hvx" rmmod hvx
