# No netlink request waits for a VM's vCPUs (tests/e2e/progs/nl_stall_test.c):
# a vCPU is held in a page fault on its VMM's memory, through userfaultfd,
# while every request about its VM and about another one is made, raw and
# through vmctl; then the fault is answered and the guest finishes.
. /tests/lib.sh

check "insmod hvx" insmod $HVX_KO
/tests/bin/nl_stall_test /bin/vmctl
st=$?
check "nl_stall_test ran to its end and every check passed" [ $st = 0 ]
vmctl info >/tmp/info.out 2>&1
check "no VM is left" grep -qE "^VMs: +0$" /tmp/info.out
check "rmmod hvx" rmmod hvx
