# Only root may use /dev/hvx by default.
. /tests/lib.sh

check "insmod hvx" insmod $HVX_KO
/tests/bin/dev_api_test --unprivileged
check "rmmod hvx" rmmod hvx
