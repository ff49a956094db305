#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Static checks: hvx.ko builds with no warning under W=1 against Debian 12's
# 6.1 and 6.12 headers; sparse (C=2) and checkpatch --strict are clean over
# kmod/, uapi/ and tests/kunit/; vmctl and libhvxintro build with -Werror.
# One TAP line per check.
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
out=$repo/build/check
failed=0

result() {
	if [ "$1" = 0 ]; then
		echo "ok - check: $2"
	else
		echo "not ok - check: $2"
		failed=1
	fi
}

# A fresh copy of the module sources for each build.
copy_src() {
	rm -rf "$1"
	mkdir -p "$1"
	rsync -a --include '/Kbuild' --include '/kmod/***' --include '/uapi/***' \
		--include '/tests/' --include '/tests/kunit/***' --exclude '*' \
		"$repo/" "$1/"
}

for kdir in /usr/src/linux-headers-6.1.*-amd64 /usr/src/linux-headers-6.12.*-amd64; do
	[ -d "$kdir" ] || continue
	ver=${kdir#/usr/src/linux-headers-}
	copy_src "$out/$ver"
	make -C "$kdir" M="$out/$ver" W=1 modules >"$out/$ver.log" 2>&1
	rc=$?
	if grep -E 'warning:|error:' "$out/$ver.log"; then
		rc=1
	fi
	[ $rc = 0 ] && [ -f "$out/$ver/hvx.ko" ] || rc=1
	result $rc "hvx.ko builds with W=1 and no warning against $ver"
	if [ "$ver" = "$(basename /usr/src/linux-headers-6.1.*-amd64 | sed 's/linux-headers-//')" ]; then
		copy_src "$out/sparse"
		make -C "$kdir" M="$out/sparse" C=2 modules >"$out/sparse.log" 2>&1
		rc=$?
		if grep -E 'warning:|error:' "$out/sparse.log"; then
			rc=1
		fi
		result $rc "sparse (C=2) is clean against $ver"
	fi
done
[ -d /usr/src/linux-headers-6.12.*-amd64 ] 2>/dev/null ||
	ls -d /usr/src/linux-headers-6.12.*-amd64 >/dev/null 2>&1 ||
	result 1 "Debian's 6.12 headers are installed (run make deps)"

# checkpatch.pl comes with the kernel source the test machine is built from.
kdir=$("$repo/tests/machine/kernel.sh")
files=$(cd "$repo" && git ls-files -co --exclude-standard \
	'kmod/*.[ch]' 'kmod/**/*.[ch]' 'kmod/**/*.S' 'uapi/*.h' \
	'tests/kunit/*.[ch]' | sort -u)
(cd "$repo" && "$kdir/scripts/checkpatch.pl" --strict --no-tree --quiet \
	--show-types -f $files) >"$out.checkpatch.log" 2>&1
"$repo/tests/checkpatch-filter.py" "$out.checkpatch.log"
rc=$?
result $rc "checkpatch --strict is clean over kmod/, uapi/ and tests/kunit/"

make -s -C "$repo/userspace/vmctl" clean >/dev/null
make -s -C "$repo/userspace/vmctl" >"$out.vmctl.log" 2>&1
rc=$?
cat "$out.vmctl.log"
result $rc "vmctl builds with -Wall -Wextra -Werror"

make -s -C "$repo/userspace/libhvxintro" clean >/dev/null
make -s -C "$repo/userspace/libhvxintro" >"$out.libhvxintro.log" 2>&1 &&
	[ -f "$repo/userspace/libhvxintro/libhvxintro.a" ] &&
	[ -f "$repo/userspace/libhvxintro/libhvxintro.so" ]
rc=$?
cat "$out.libhvxintro.log"
result $rc "libhvxintro builds, static and shared, with -Wall -Wextra -Werror"

exit $failed
