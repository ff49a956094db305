# SPDX-License-Identifier: GPL-2.0
# The local APIC beyond 92-irqchip.sh's TPR and self IPI, with the
# in-kernel irqchip and two vCPUs: an NMI IPI, the all-excluding-self and
# all-including-self shorthands and the physical broadcast, logical
# destinations in the flat and the cluster model, the timer in
# TSC-deadline mode, and x2APIC mode: IA32_APIC_BASE.EXTD, the ID, LDR,
# ICR, SELF IPI and EOI MSRs and x2APIC destinations
# (tests/e2e/progs/apic_test.c, with the guest tests/guests/apic.S), on
# hvx and then on kvm_intel in the same boot.  Every check must pass on
# both, and the transcripts (the "# | " lines: each vCPU's reports in
# order, its APIC and IA32_APIC_BASE at the end) must be the same, line
# for line.
. /tests/lib.sh

check "insmod hvx enable_at_load=0" insmod $HVX_KO enable_at_load=0
# preemption_timer=0: KVM would run the TSC-deadline timer on Bochs' VMX
# preemption timer, which misbehaves after the guest's HLT (92-irqchip.sh);
# on an hrtimer, as hvx's, it does not.
check "kvm_intel loads" modprobe kvm_intel preemption_timer=0

compare_devices apic_test apic

check "rmmod kvm_intel" rmmod kvm_intel
check "rmmod hvx" rmmod hvx
