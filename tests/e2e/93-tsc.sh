# SPDX-License-Identifier: GPL-2.0
# The guest's TSC (tests/e2e/progs/tsc_test.c, with the guest
# tests/guests/tsc.S), on hvx and then on kvm_intel in the same boot: it
# starts near 0 with the VM, a VM's vCPUs read one clock, the VMM's writes
# of IA32_TSC synchronise them, the guest's writes of IA32_TSC and
# IA32_TSC_ADJUST move its own vCPU and add up in IA32_TSC_ADJUST,
# KVM_GET/SET_TSC_KHZ give the rate the TSC runs at, and the TSC MSRs are
# in KVM_GET_MSR_INDEX_LIST.  Every check must pass on both, and the
# transcripts (the "# | " lines: what each relation came to, what the
# ioctls returned, the guest's exits; never a TSC value) must be the same.
. /tests/lib.sh

check "insmod hvx enable_at_load=0" insmod $HVX_KO enable_at_load=0
check "kvm_intel loads" modprobe kvm_intel

compare_devices tsc_test tsc

check "rmmod kvm_intel" rmmod kvm_intel
check "rmmod hvx" rmmod hvx
