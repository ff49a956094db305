# Concurrency and teardown (tests/e2e/progs/stress_test.c): VMs with
# several vCPUs running at once, their threads moved between CPUs and
# CPU 1 taken offline under them; fds closed by another thread while
# vCPUs run; VMMs killed with SIGKILL mid-run.  Afterwards no VM may be
# left and hvx must unload (the run's kmemleak scan sees any leak).  KVM
# goes through the same program.
. /tests/lib.sh

check "insmod hvx enable_at_load=0" insmod $HVX_KO enable_at_load=0
check "kvm_intel loads" modprobe kvm_intel
/tests/bin/stress_test --hotplug /dev/hvx
vmctl info >/tmp/info.out 2>&1
check "no VM is left behind" grep -qE "^VMs: +0$" /tmp/info.out
check "VMX is off again: no VM holds it" vmx_cpus_are ""
/tests/bin/stress_test --hotplug /dev/kvm | sed 's/^\(not \)\{0,1\}ok - /&kvm: /'
check "rmmod kvm_intel" rmmod kvm_intel
check "rmmod hvx: nothing holds the module" rmmod hvx
