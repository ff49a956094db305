#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once) KVM's own x86_64 selftests from Debian's linux-source-6.1
# and print the directory that holds them, ready to be copied into the test
# machine's initramfs:
#
#   DIR/root/selftests/x86_64/cpuid_test, ...   static, stripped
#   DIR/progs.txt     the tarball's TEST_GEN_PROGS_x86_64, one a line
#
# Linked statically (lib.mk's USERLDFLAGS), so that they need nothing of
# the machine's: its initramfs has busybox and hvx's own static programs,
# no libc.
#
# The build is cached outside the repository (like tests/machine/kernel.sh's
# kernel), keyed by the tarball (path, size, mtime and package version),
# the libc it links against, this script and its shim, compat.h; any change
# to one of them builds afresh.  Only the parts of the tarball the
# selftests need are extracted: the uapi headers (installed with
# headers_install, as the selftests' Makefile expects them in usr/include)
# and tools/.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${HVX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hvx}
tarball=/usr/src/linux-source-6.1.tar.xz
shim=$here/compat.h

die() {
	echo "selftests/build.sh: $*" >&2
	exit 1
}

[ -f "$tarball" ] || die "$tarball is missing: run tests/machine/deps.sh"
for tool in gcc make tar xz strip flock sha256sum; do
	command -v $tool >/dev/null ||
		die "'$tool' is missing: run tests/machine/deps.sh"
done
[ -e /usr/lib/x86_64-linux-gnu/libc.a ] ||
	die "glibc's static library is missing: run tests/machine/deps.sh"

srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null) ||
	die "package linux-source-6.1 is not installed: run tests/machine/deps.sh"
libcver=$(dpkg-query -W -f='${Version}' libc6 2>/dev/null || echo unknown)
key=$( {
	echo "$tarball $(stat -c '%s %Y' "$tarball") $srcver libc6 $libcver"
	cat "$here/build.sh" "$shim"
} | sha256sum | cut -c1-16)
dir=$cache/selftests-$key

mkdir -p "$cache"
exec 9>"$cache/selftests.lock"
flock 9

if [ -f "$dir/.built" ]; then
	echo "$dir"
	exit 0
fi

log=$cache/selftests-$key.log
echo "selftests/build.sh: building KVM's selftests $key (linux-source $srcver), log in $log" >&2
rm -rf "$dir" "$dir.tmp"
src=$dir.tmp/src
out=$dir.tmp/out
mkdir -p "$src" "$out"

# What headers_install needs (the top Makefile, scripts/, the uapi
# headers and x86's generated ones) and what the selftests build from.
# The tarball's one top directory is named as the tarball is.
top=$(basename "$tarball" .tar.xz)
members=(Makefile scripts include/uapi arch/x86/Makefile arch/x86/include/uapi
	arch/x86/entry/syscalls arch/x86/tools tools/include tools/arch/x86/include
	tools/build tools/scripts tools/testing/selftests/lib.mk
	tools/testing/selftests/kselftest.h
	tools/testing/selftests/kselftest_harness.h tools/testing/selftests/kvm
	tools/testing/selftests/rseq tools/lib/rbtree.c)
tar -C "$src" --strip-components=1 -xf "$tarball" "${members[@]/#/$top/}" \
	>"$log" 2>&1 || { tail -20 "$log" >&2; die "extracting $tarball failed"; }

kvm=$src/tools/testing/selftests/kvm
# The selftests' own Makefile, plus the shim for the two programs that
# need it ("private": not for the library objects they depend on, which
# every program shares) and a target that lists the programs.
cat >"$out/selftests.mk" <<'MK'
include Makefile
$(OUTPUT)/steal_time $(OUTPUT)/dirty_log_test: private EXTRA_CFLAGS += -include $(HVX_SHIM)
print-progs:
	@echo $(patsubst $(OUTPUT)/%,%,$(TEST_GEN_PROGS))
MK
sm() {
	make -C "$kvm" -f "$out/selftests.mk" ARCH=x86 OUTPUT="$out" \
		HVX_SHIM="$shim" "$@"
}
if ! { make -C "$src" ARCH=x86 headers_install &&
       sm -j"$(nproc)" USERLDFLAGS=-static all; } >>"$log" 2>&1; then
	grep -E 'error|Error' "$log" | head -20 >&2
	die "building the selftests failed: see $log"
fi
progs=$(sm -s --no-print-directory print-progs)
[ -n "$progs" ] || die "the selftests' Makefile lists no x86_64 programs"

root=$dir.tmp/root
mkdir -p "$root/selftests"
for p in $progs; do
	mkdir -p "$root/selftests/$(dirname "$p")"
	strip -o "$root/selftests/$p" "$out/$p"
	echo "$p"
done >"$dir.tmp/progs.txt"
# The sources and objects are 120 MB and nothing reads them again.
rm -rf "$src" "$out"
touch "$dir.tmp/.built"
mv "$dir.tmp" "$dir"
# Keep only the newest few builds (the names are ours: no odd characters).
# shellcheck disable=SC2012
ls -dt "$cache"/selftests-*/ 2>/dev/null | tail -n +3 | xargs -r rm -rf
echo "$dir"
