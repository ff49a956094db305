# SPDX-License-Identifier: GPL-2.0
# Inside the test machine: hvx's main job, as a user would run it.
echo "hvx-demo: insmod /hvx/hvx.ko"
if insmod /hvx/hvx.ko && vmctl info &&
   echo "hvx-demo: vmctl run --mode long /tests/guests/long.bin" &&
   vmctl run --mode long /tests/guests/long.bin &&
   echo "hvx-demo: vmctl run --mode real /tests/guests/real.bin" &&
   vmctl run --mode real /tests/guests/real.bin; then
	echo "hvx-demo: success"
else
	echo "hvx-demo: failed"
fi
