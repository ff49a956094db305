# With enable_at_load=0, hvx holds VMX only while one of its VMs exists,
# so hvx and KVM take turns in one boot without unloading either.
. /tests/lib.sh

modprobe kvm_intel
check "insmod hvx enable_at_load=0" insmod $HVX_KO enable_at_load=0
check "no CPU in VMX operation while hvx has no VM" vmx_cpus_are ""
check "the CPUs agree" probe_all 0 0
check "KVM runs a guest beside an idle hvx" /tests/bin/kvm_guest --exits 500

/tests/bin/kvm_guest --device /dev/hvx --create-only --hold >/tmp/hvx.out &
hvx_pid=$!
check "an hvx VM is created" wait_for 20 file_has /tmp/hvx.out created
check "the hvx VM puts CPUs 0-1 in VMX operation" vmx_cpus_are 0-1
check "the CPUs agree" probe_all 1 1
check "KVM cannot run while hvx holds VMX" \
	sh -c '! /tests/bin/kvm_guest --exits 10'
kill $hvx_pid
wait $hvx_pid
check "VMX is off when the last hvx VM is gone" vmx_cpus_are ""
check "the CPUs agree" probe_all 0 0
check "KVM runs a guest again" /tests/bin/kvm_guest --exits 500

rm -f /tmp/kvm.progress
/tests/bin/kvm_guest --hold --progress /tmp/kvm.progress &
kvm_pid=$!
check "a KVM guest is running" wait_for 30 test -s /tmp/kvm.progress
/tests/bin/kvm_guest --device /dev/hvx --create-only 2>/tmp/create.err
rc=$?
cat /tmp/create.err
check "hvx cannot create a VM while KVM holds VMX" [ $rc != 0 ]
check "KVM_CREATE_VM on hvx fails with EBUSY" file_has /tmp/create.err busy
check "hvx left no CPU marked in VMX operation" vmx_cpus_are ""
kill $kvm_pid
wait $kvm_pid
check "the KVM guest ends cleanly" [ $? = 0 ]
check "hvx creates a VM once KVM let go" \
	/tests/bin/kvm_guest --device /dev/hvx --create-only
check "rmmod hvx" rmmod hvx
