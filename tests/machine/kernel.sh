#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once) the test machine's kernel from Debian's linux-source-6.1 and
# print the path of the build tree.  The build is cached outside the
# repository, keyed by the source package version, the config fragment and
# this script, so a fresh checkout reuses it and any change rebuilds it.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${HVX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hvx}
tarball=/usr/src/linux-source-6.1.tar.xz
fragment=$here/kernel.fragment

if [ ! -f "$tarball" ]; then
	echo "kernel.sh: $tarball missing: run tests/machine/deps.sh" >&2
	exit 1
fi

srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
key=$( { echo "$srcver"; cat "$fragment" "$0"; } | sha256sum | cut -c1-16)
dir=$cache/kernel-$key

mkdir -p "$cache"
exec 9>"$cache/kernel.lock"
flock 9

if [ -f "$dir/.built" ]; then
	echo "$dir"
	exit 0
fi

log=$cache/kernel-$key.log
echo "kernel.sh: building test kernel $key (linux-source $srcver), log in $log" >&2
rm -rf "$dir" "$dir.tmp"
mkdir -p "$dir.tmp"
{
	tar -C "$dir.tmp" --strip-components=1 -xf "$tarball"
	cd "$dir.tmp"
	make tinyconfig
	scripts/kconfig/merge_config.sh -m .config "$fragment"
	make olddefconfig
} >"$log" 2>&1

# merge_config.sh only warns when Kconfig drops a request; make it fatal so
# the machine never silently lacks a debug option the harness relies on.
missing=0
while read -r line; do
	case "$line" in
	CONFIG_*=*)
		grep -qx "$line" "$dir.tmp/.config" || {
			echo "kernel.sh: $line did not survive olddefconfig" >&2
			missing=1
		} ;;
	"# CONFIG_"*" is not set")
		grep -qx "$line" "$dir.tmp/.config" || {
			echo "kernel.sh: '$line' did not survive olddefconfig" >&2
			missing=1
		} ;;
	esac
done <"$fragment"
[ "$missing" = 0 ] || exit 1

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
