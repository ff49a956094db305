# The VM and vCPU ioctls (tests/e2e/progs/vm_api_test.c; its MSR and FPU
# parts on KVM as well), a failed entry's log line, an unmodified KVM client on
# /dev/hvx, the CPU model's MSRs, dirty logging, guest debugging and SMM
# against KVM's, and VMX released when the last fd of the last VM is closed.
. /tests/lib.sh

check "insmod hvx enable_at_load=0" insmod $HVX_KO enable_at_load=0
dmesg -c >/dev/null
/tests/bin/vm_api_test
check "the failed entry is explained in the kernel log" \
	sh -c 'dmesg | grep "VM entry failed" | grep -q "TR"'
dmesg | grep "VM entry failed"
check "VMX is off again once the VM's fds are closed" vmx_cpus_are ""

# A KVM client that knows only /dev/kvm, pointed at /dev/hvx.
check "an unmodified KVM client runs on /dev/hvx through a bind mount" \
	unshare -m sh -c 'mount --bind /dev/hvx /dev/kvm 2>/dev/null ||
		{ touch /dev/kvm && mount --bind /dev/hvx /dev/kvm; } &&
		/tests/bin/kvm_guest --exits 200'
# The mount point made for that is a plain file in the shared /dev: gone,
# so that kvm_intel's own node can appear there for later tests.
[ -c /dev/kvm ] || rm -f /dev/kvm

# KVM_GET/SET_MSRS and KVM_GET/SET_FPU answer as KVM's do.  Without
# page-modification logging: Bochs logs the written byte's address where
# the SDM has the page's, and kvm_intel WARNs at every such entry when a
# guest writes a dirty-logged page (dirty_log_test below).
check "kvm_intel loads" modprobe kvm_intel pml=0
/tests/bin/vm_api_test /dev/kvm state | sed 's/^\(not \)\{0,1\}ok - /&kvm: /'

# The guest's AVX state and XCR0, bad calls to every ioctl, and a VMM's
# own hardware watchpoint across guest runs, on hvx and then KVM: the same
# checks (a program's status also catches a crash before its last line).
for prog in xsave_test api_errors_test hostdbg_test; do
	for dev in hvx kvm; do
		/tests/bin/$prog /dev/$dev >/tmp/$prog.tap
		st=$?
		sed "s/^\(not \)\{0,1\}ok - /&$dev: /" /tmp/$prog.tap
		check "$prog on $dev: every check passed" [ $st = 0 ]
	done
done
# The CPU model's MSRs (IA32_ARCH_CAPABILITIES, kvmclock's, the MTRRs,
# machine checks) and dirty page logging, through a guest that does what
# its VMM asks, and a VMM that debugs its guest (KVM_SET_GUEST_DEBUG):
# the same transcript on both.
compare_devices msr_model_test probe
compare_devices dirty_log_test probe
compare_devices guestdbg_test debug
# System management mode as firmware uses it: SMIs from the APIC and the
# VMM, SMRAM in address space 1, SMBASE moved, both state save maps.
compare_devices smi_test smm
check "rmmod kvm_intel" rmmod kvm_intel
check "rmmod hvx" rmmod hvx
