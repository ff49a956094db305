# Starting vCPUs with the in-kernel irqchip: a second vCPU starts
# UNINITIALIZED and waits inside KVM_RUN until vCPU 0's INIT and start-up
# IPIs start it in real mode at the vector's page; the two meet by IPI;
# HLT sleeps in the kernel (tests/e2e/progs/smp_test.c, with the guest
# tests/guests/smp.S), on hvx and then on kvm_intel in the same boot.
# Every check must pass on both, and each vCPU's exits (the "# | " lines)
# must be the same on both.  Then KVM's directed yield: a vCPU's hypercall
# gives its host CPU to the vCPU it waits on (tests/e2e/progs/yield_test.c,
# guest tests/guests/yield.S), as its statistics count.
. /tests/lib.sh

check "insmod hvx enable_at_load=0" insmod $HVX_KO enable_at_load=0
check "kvm_intel loads" modprobe kvm_intel

compare_devices smp_test smp "hvx's exits are KVM's"
compare_devices yield_test yield

check "rmmod kvm_intel" rmmod kvm_intel
check "rmmod hvx" rmmod hvx
