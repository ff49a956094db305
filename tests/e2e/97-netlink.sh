# The netlink control plane, across processes: one vmctl runs a guest,
# others list it, read its exit counts, watch its events, pause and resume
# it; what they show is checked against what the guest did.  Then the
# family's rejections, dumps under churn, and an unprivileged user
# (tests/e2e/progs/nl_api_test.c).
. /tests/lib.sh

G=/tests/guests
lines() { wc -l <"$1"; }
has_lines() { [ "$(lines $1)" -ge "$2" ]; }

check "insmod hvx" insmod $HVX_KO
vmctl info >/tmp/info.out 2>&1
cat /tmp/info.out
check "info: over netlink, no VMs yet" grep -qE "^VMs: +0$" /tmp/info.out

vmctl monitor >/tmp/monitor.out 2>&1 &
monitor=$!
vmctl monitor --json >/tmp/monitor.json 2>&1 &
monitor_json=$!
sleep 1

# A guest that does exactly 1001 port writes and then spins.
vmctl run --mode long $G/outs.bin >/tmp/outs.out 2>&1 &
run=$!
check "outs: the guest has written its dots" wait_for 60 has_lines /tmp/outs.out 1
id=$(vm_of $run)
vmctl list
check "list: the VM of vmctl run (pid $run) is there, id ${id:-none}" [ -n "$id" ]
vmctl list --json >/tmp/list.json
cat /tmp/list.json
check "list --json: the same VM, one vCPU, running" \
	grep -q "{\"id\":$id,\"pid\":$run,\"uid\":0,\"comm\":\"vmctl\",\"state\":\"running\",\"vcpus\":1," /tmp/list.json
vmctl stats $id >/tmp/stats.out 2>&1
cat /tmp/stats.out
dots=$(tr -cd . </tmp/outs.out | wc -c)
check "stats: IO_INSTRUCTION is the guest's $dots dots and its newline" \
	grep -qE "^IO_INSTRUCTION +$((dots + 1)) " /tmp/stats.out
check "stats: ...which are 1000 dots" [ "$dots" = 1000 ]
check "stats: vCPU 0 is running" grep -qE "^ +0 running " /tmp/stats.out
vmctl stats --json $id >/tmp/stats.json 2>&1
check "stats --json: IO_INSTRUCTION 1001" grep -q '"IO_INSTRUCTION":1001' /tmp/stats.json
vmctl stats --watch=1 $id >/tmp/watch.out 2>&1 &
watch=$!
sleep 3
kill $watch
check "stats --watch: refreshes, and a spinning guest does no I/O" \
	sh -c "[ \$(grep -c '^EXIT REASON' /tmp/watch.out) -ge 2 ] &&
		grep -E '^IO_INSTRUCTION +1001 +0.0$' /tmp/watch.out"
kill -TERM $run
wait $run

# A guest that counts: paused, it makes no progress; a signal to its
# owner still interrupts KVM_RUN; resumed, it carries on from where it was.
vmctl run --stats --mode long $G/counter.bin >/tmp/count.out 2>&1 &
run=$!
check "counter: the guest counts" wait_for 60 has_lines /tmp/count.out 3
id=$(vm_of $run)
check "pause: vmctl pause $id" vmctl pause $id
sleep 1
a=$(lines /tmp/count.out)
sleep 3
b=$(lines /tmp/count.out)
check "pause: the paused guest makes no progress ($a lines, 3 s later $b)" [ "$a" = "$b" ]
check "pause: list says paused" sh -c "vmctl list | grep -qE '^ +$id .* paused '"
vmctl stats $id >/tmp/stats.out 2>&1
check "pause: its vCPU waits, paused" grep -qE "^ +0 paused " /tmp/stats.out
kill -USR1 $run
sleep 1
check "pause: after a signal to its owner, still no progress" [ "$(lines /tmp/count.out)" = "$b" ]
check "pause: vmctl pause again is no error" vmctl pause $id
check "resume: vmctl resume $id" vmctl resume $id
check "resume: the guest counts again" wait_for 60 has_lines /tmp/count.out $((b + 3))
kill -TERM $run
wait $run
cat /tmp/count.out | tail -3
check "resume: the count went on where it was, no number lost or repeated" \
	awk 'NF == 1 && /^[0-9a-f]+$/ { n++; if ($1 != sprintf("%08x", n)) exit 1 } END { exit n < 5 }' /tmp/count.out
check "a signal while paused returned from KVM_RUN" \
	sh -c "grep -qE 'KVM_RUN interrupted ([2-9]|[1-9][0-9]+) times' /tmp/count.out"

# Events of a triple fault and an internal error.
vmctl run --mode long $G/triple.bin >/dev/null 2>&1
vmctl run --mode long $G/mmio-add.bin >/dev/null 2>&1
/tests/bin/nl_api_test failentry

# Who may do what.
vmctl run --mode long $G/outs.bin >/tmp/outs.out 2>&1 &
run=$!
wait_for 60 has_lines /tmp/outs.out 1
id=$(vm_of $run)
chmod 0666 /dev/hvx
/tests/bin/nl_api_test unpriv $id
chmod 0600 /dev/hvx
kill -TERM $run
wait $run

sleep 1
kill $monitor $monitor_json
cat /tmp/monitor.out
for e in vm-created vcpu-created vm-destroyed vm-paused vm-resumed shutdown \
	 internal-error failed-entry; do
	check "monitor: saw $e" grep -q " $e " /tmp/monitor.out
done
check "monitor: failed-entry says why (invalid guest state)" \
	grep -q "failed-entry .* reason 0x80000021" /tmp/monitor.out
check "monitor --json: the same events" \
	sh -c "[ \$(wc -l </tmp/monitor.json) = \$(wc -l </tmp/monitor.out) ] &&
		grep -q '\"event\":\"vm-paused\"' /tmp/monitor.json"

/tests/bin/nl_api_test malformed
/tests/bin/nl_api_test churn
check "rmmod hvx" rmmod hvx
