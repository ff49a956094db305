# insmod puts every CPU in VMX operation; rmmod takes every CPU out.
. /tests/lib.sh

check "both CPUs start out of VMX operation" probe_all 0 0
check "insmod hvx" insmod $HVX_KO
check "/dev/hvx is a character device only root may open" \
	sh -c 'ls -l /dev/hvx | grep -q "^crw------- "'
check "sysfs lists CPUs 0-1 in VMX operation" vmx_cpus_are 0-1
check "both CPUs have CR4.VMXE set and are in VMX operation" probe_all 1 1
check "vmx_flags names EPT and unrestricted guest" \
	sh -c "grep -w ept $HVX_SYSFS/vmx_flags | grep -qw unrestricted_guest"
vmctl info >/tmp/info.out 2>&1
cat /tmp/info.out
check "vmctl info reports the API version" file_has /tmp/info.out "API version 12"
check "vmctl info reports the CPUs in VMX operation" \
	file_has /tmp/info.out "in VMX operation: *0-1"
check "vmctl info names the VMX flags" file_has /tmp/info.out "unrestricted_guest"

/tests/bin/dev_api_test

exec 3<>/dev/hvx
check "rmmod fails while /dev/hvx is open" sh -c '! rmmod hvx'
exec 3<&-
/tests/bin/kvm_guest --device /dev/hvx --create-only --hold >/tmp/vm.out &
pid=$!
check "an hvx VM is created" wait_for 20 file_has /tmp/vm.out created
check "rmmod fails while a VM fd is open" sh -c '! rmmod hvx'
kill $pid
wait $pid
check "rmmod hvx" rmmod hvx
check "both CPUs have CR4.VMXE clear and are out of VMX operation" probe_all 0 0
