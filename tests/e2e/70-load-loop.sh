# Five rounds of insmod and rmmod leave nothing behind; the runner's
# kmemleak scan and log checks catch leaks and warnings.  (Anything a load
# leaves behind breaks the next load or shows in those checks at once; a
# round costs about 2 s of the machine's time, so more rounds only cost.)
. /tests/lib.sh

fails=0
i=0
while [ $i -lt 5 ]; do
	insmod $HVX_KO || fails=$((fails + 1))
	rmmod hvx || fails=$((fails + 1))
	i=$((i + 1))
done
check "5 rounds of insmod and rmmod succeed" [ $fails = 0 ]
check "no CPU is left in VMX operation" probe_all 0 0
check "kvm_intel still runs a guest" \
	sh -c 'modprobe kvm_intel && /tests/bin/kvm_guest --exits 200'
