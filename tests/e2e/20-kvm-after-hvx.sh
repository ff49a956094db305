# After hvx is unloaded, KVM finds VMX free and runs a guest.
. /tests/lib.sh

check "insmod and rmmod hvx" sh -c "insmod $HVX_KO && rmmod hvx"
check "kvm_intel loads" modprobe kvm_intel
check "a KVM guest runs 1000 exits after hvx unloaded" \
	/tests/bin/kvm_guest --exits 1000
