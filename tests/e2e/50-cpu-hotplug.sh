# VMX follows a CPU that goes offline and comes back.
. /tests/lib.sh

online=/sys/devices/system/cpu/cpu1/online

check "insmod hvx" insmod $HVX_KO
check "CPU1 goes offline" sh -c "echo 0 > $online"
check "only CPU0 is in VMX operation" vmx_cpus_are 0
check "CPU0 is in VMX operation" probe_cpu 0 1 1
check "CPU1 comes back online" sh -c "echo 1 > $online"
check "CPU1 is back in VMX operation" vmx_cpus_are 0-1
check "the CPUs agree" probe_all 1 1
check "rmmod hvx" rmmod hvx
check "no CPU is left in VMX operation" probe_all 0 0

check "insmod hvx enable_at_load=0" insmod $HVX_KO enable_at_load=0
check "CPU1 goes offline and online with no VM" \
	sh -c "echo 0 > $online && echo 1 > $online"
check "no CPU entered VMX operation" probe_all 0 0
/tests/bin/kvm_guest --device /dev/hvx --create-only --hold >/tmp/hvx.out &
pid=$!
check "an hvx VM is created" wait_for 20 file_has /tmp/hvx.out created
check "CPU1 goes offline with a VM" sh -c "echo 0 > $online"
check "only CPU0 is in VMX operation" vmx_cpus_are 0
check "CPU1 comes back online with a VM" sh -c "echo 1 > $online"
check "CPU1 is back in VMX operation" vmx_cpus_are 0-1
check "the CPUs agree" probe_all 1 1
kill $pid
wait $pid
check "VMX is off when the VM is gone" probe_all 0 0
check "rmmod hvx" rmmod hvx
