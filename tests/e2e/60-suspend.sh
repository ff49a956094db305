# A system sleep cycle leaves every CPU in VMX operation.  Hibernation
# with pm_test=core runs the syscore suspend and resume hooks and takes
# CPU1 down and up, without writing an image; the machine has no ACPI, so
# suspend-to-RAM is not on offer.
. /tests/lib.sh

check "insmod hvx" insmod $HVX_KO
echo "/sys/power/state: $(cat /sys/power/state)"
if grep -qw disk /sys/power/state; then
	echo core > /sys/power/pm_test
	# An image_size above what memory holds: the kernel then sets aside
	# the snapshot's pages without first shrinking memory to its default
	# target (2/5 of RAM), a reclaim that costs a minute under Bochs.
	echo $((1 << 30)) > /sys/power/image_size
	check "a hibernation cycle (pm_test=core) completes" \
		sh -c 'echo disk > /sys/power/state'
	echo none > /sys/power/pm_test
	dmesg | grep -e 'PM:' | tail -10
else
	not_ok "the machine offers hibernation to test the sleep path"
fi
check "both CPUs are in VMX operation after resume" vmx_cpus_are 0-1
check "the CPUs agree" probe_all 1 1
check "rmmod hvx" rmmod hvx
check "no CPU is left in VMX operation" probe_all 0 0
