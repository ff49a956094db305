#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once) the test machine's kernel from Debian's linux-source-6.1 and
# print the path of the build tree.  The build is cached outside the
# repository, keyed by the source package version, the config fragments and
# this script, so a fresh checkout reuses it and any change rebuilds it.
#
#   kernel.sh [FRAGMENT]   FRAGMENT is merged over kernel.fragment (the
#                          benchmarks' kernel: bench/kernel.fragment)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${HVX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hvx}
tarball=/usr/src/linux-source-6.1.tar.xz
fragment=$here/kernel.fragment
extra=${1:-}
fragments=$fragment
[ -n "$extra" ] && fragments="$fragment $extra"

if [ ! -f "$tarball" ]; then
	echo "kernel.sh: $tarball missing: run tests/machine/deps.sh" >&2
	exit 1
fi

srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
# shellcheck disable=SC2086
key=$( { echo "$srcver"; cat $fragments "$0"; } | sha256sum | cut -c1-16)
dir=$cache/kernel-$key

mkdir -p "$cache"
exec 9>"$cache/kernel.lock"
flock 9

if [ -f "$dir/.built" ]; then
	echo "$dir"
	exit 0
fi

log=$cache/kernel-$key.log
echo "kernel.sh: building kernel $key (linux-source $srcver), log in $log" >&2
rm -rf "$dir" "$dir.tmp"
mkdir -p "$dir.tmp"
{
	tar -C "$dir.tmp" --strip-components=1 -xf "$tarball"
	cd "$dir.tmp"
	make tinyconfig
	# shellcheck disable=SC2086
	scripts/kconfig/merge_config.sh -m .config $fragments
	make olddefconfig
} >"$log" 2>&1

# merge_config.sh only warns when Kconfig drops a request; make it fatal so
# the machine never silently lacks a debug option the harness relies on.
# With an extra fragment, its own lines are the ones checked: it may turn
# off what kernel.fragment's other lines depend on.
check=$fragment
[ -n "$extra" ] && check=$extra
"$here/kconfig-check.sh" kernel.sh "$check" "$dir.tmp/.config"

if ! make -C "$dir.tmp" -j"$(nproc)" bzImage modules >>"$log" 2>&1; then
	tail -30 "$log" >&2
	exit 1
fi
make -C "$dir.tmp" INSTALL_MOD_PATH="$dir.tmp/modroot" modules_install >>"$log" 2>&1
touch "$dir.tmp/.built"
mv "$dir.tmp" "$dir"
# Keep only the newest few builds.
ls -dt "$cache"/kernel-*/ 2>/dev/null | tail -n +4 | xargs -r rm -rf
echo "$dir"
