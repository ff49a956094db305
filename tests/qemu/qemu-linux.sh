#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# qemu-linux.sh DEVICE [QEMU ARGS...]: in the test machine, boot the Linux
# guest of tests/linux-guest (in /tests/linux) under Debian's QEMU, with
# DEVICE (/dev/hvx or /dev/kvm) as QEMU's /dev/kvm: a bind mount in a
# mount namespace of QEMU's own, so that QEMU, unmodified, opens the
# device it always opens.  The console is stdout; -no-reboot makes the
# guest's final reboot end QEMU, whose status is this script's.  Used by
# tests/e2e/94-qemu.sh and bench/bench.sh.  POSIX sh, for busybox.
dev=${1:?usage: qemu-linux.sh DEVICE [QEMU ARGS...]}
shift
# shellcheck disable=SC2016 # the inner shell expands its own arguments
unshare -m sh -c '
	dev=$1; shift
	if [ "$dev" != /dev/kvm ]; then
		[ -e /dev/kvm ] || touch /dev/kvm
		mount --bind "$dev" /dev/kvm || exit 99
	fi
	exec timeout 900 /usr/bin/qemu-system-x86_64 -accel kvm -nographic \
		-no-reboot -kernel /tests/linux/bzImage \
		-initrd /tests/linux/initrd.gz \
		-append "console=ttyS0 quiet" "$@"' sh "$dev" "$@"
st=$?
# A mount point the namespace made is a plain file in the shared /dev.
[ -c /dev/kvm ] || rm -f /dev/kvm
exit $st
