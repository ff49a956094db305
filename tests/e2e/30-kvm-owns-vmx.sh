# While a KVM VM holds VMX, hvx refuses to load, says why, and leaves
# KVM's guest running.
. /tests/lib.sh

modprobe kvm_intel
rm -f /tmp/kvm.progress
/tests/bin/kvm_guest --hold --progress /tmp/kvm.progress &
pid=$!
check "a KVM guest is running" wait_for 30 test -s /tmp/kvm.progress
check "KVM holds VMX on both CPUs" probe_all 1 1
dmesg -c >/dev/null
insmod $HVX_KO 2>/tmp/insmod.err
rc=$?
cat /tmp/insmod.err
check "insmod hvx fails" [ $rc != 0 ]
check "insmod reports EBUSY" file_has /tmp/insmod.err "busy"
dmesg >/tmp/dmesg.out
cat /tmp/dmesg.out
check "the kernel log says another hypervisor owns VMX" \
	file_has /tmp/dmesg.out "another hypervisor owns VMX"
check "the kernel log says what to do" file_has /tmp/dmesg.out "enable_at_load=0"
check "hvx is not loaded" sh -c '! grep -q "^hvx " /proc/modules'
check "KVM still holds VMX on both CPUs" probe_all 1 1
before=$(cat /tmp/kvm.progress)
sleep 2
after=$(cat /tmp/kvm.progress)
echo "KVM guest exits: $before, then $after"
check "the KVM guest keeps running" [ "$after" -gt "$before" ]
kill $pid
wait $pid
check "the KVM guest ends cleanly" [ $? = 0 ]
check "VMX is off once KVM's VM is gone" probe_all 0 0
