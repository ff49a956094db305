# SPDX-License-Identifier: GPL-2.0
# Inside the test machine: hvx's main job, as a user would run it.
echo "hvx-demo: insmod /hvx/hvx.ko"
if insmod /hvx/hvx.ko && vmctl info; then
	echo "hvx-demo: success"
else
	echo "hvx-demo: failed"
fi
