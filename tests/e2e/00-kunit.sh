# KUnit suites (tests/kunit), one TAP line per test case.
. /tests/lib.sh

check "load the KUnit module" insmod /hvx/hvx_kunit.ko
found=0
for dir in /sys/kernel/debug/kunit/hvx_*; do
	[ -f "$dir/results" ] || continue
	suite=${dir##*/}
	found=1
	cat "$dir/results"
	# Test-case lines are indented four spaces below the suite's own
	# result line (a parameterised case's own lines, eight).
	sed -n 's/^ \{4\}\(not \)\{0,1\}ok [0-9]\{1,\} \(- \)\{0,1\}\([^ #]*\).*/\1ok - '"$suite"': \3/p' \
		"$dir/results"
	grep -q "^ok [0-9]* $suite" "$dir/results" ||
		not_ok "$suite: the suite as a whole passes"
done
check "KUnit suites found" [ $found = 1 ]
rmmod hvx_kunit
