#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once) the Linux guest that vmctl boots on hvx, and print the path
# of the one directory holding it:
#
#   DIR/bzImage     the kernel: tinyconfig of Debian's linux-source-6.1
#                   with kernel.fragment merged over it
#   DIR/initrd.gz   its initramfs: the host's static busybox, ./init and
#                   /bin/getpids (./getpids.c, built here, freestanding)
#   DIR/config, DIR/System.map, DIR/vmlinux
#                   the kernel's configuration and symbols, to make sense
#                   of a guest RIP in a failure report
#
#   build.sh        prints DIR; messages go to stderr
#
# e.g. vmctl run --kernel "$DIR/bzImage" --initrd "$DIR/initrd.gz".
#
# The builds are cached outside the repository, as tests/machine/kernel.sh
# caches the test machine's kernel: the kernel in guest-kernel-KEY, keyed
# by the source package version, kernel.fragment and this script; the
# directory this script prints in guest-boot-KEY, keyed by the kernel's
# key, ./init, ./getpids.c and the busybox binary.  Editing init or
# getpids.c therefore rebuilds only the initramfs, which takes a second,
# not the kernel, which takes minutes (editing this script rebuilds
# both).  (kernel.sh prunes kernel-*, which these names do not match.)
# Only the kernel's products are kept, not its build tree.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${HVX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hvx}
tarball=/usr/src/linux-source-6.1.tar.xz
fragment=$here/kernel.fragment
init=$here/init
getpids=$here/getpids.c
busybox=/bin/busybox

if [ ! -f "$tarball" ] || [ ! -x "$busybox" ]; then
	echo "build.sh: $tarball or $busybox missing: run tests/machine/deps.sh" >&2
	exit 1
fi

srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
kkey=$( { echo "$srcver"; cat "$fragment" "$0"; } | sha256sum | cut -c1-16)
kdir=$cache/guest-kernel-$kkey
key=$( { echo "$kkey"; cat "$init" "$getpids" "$busybox"; } | sha256sum | cut -c1-16)
dir=$cache/guest-boot-$key

mkdir -p "$cache"
exec 9>"$cache/guest-kernel.lock"
flock 9

if [ -f "$dir/.built" ]; then
	echo "$dir"
	exit 0
fi

# Keep the newest few of the directories matching $1 (only finished ones,
# named by a whole key) and their logs.
prune() {
	# shellcheck disable=SC2012 # the names are ours: a prefix and a key
	ls -dt "$cache/$1"-????????????????/ 2>/dev/null | tail -n +"$2" |
	while read -r old; do
		rm -rf "$old" "${old%/}.log"
	done
}

log=$cache/guest-kernel-$kkey.log
# Run a step of the kernel's build, its output to the log; on failure
# show the end of the log and stop.
step() {
	if ! "$@" >>"$log" 2>&1; then
		echo "build.sh: '$*' failed; the end of $log:" >&2
		tail -30 "$log" >&2
		exit 1
	fi
}

if [ ! -f "$kdir/.built" ]; then
	echo "build.sh: building guest kernel $kkey (linux-source $srcver), log in $log" >&2
	rm -rf "$kdir" "$kdir.tmp"
	mkdir -p "$kdir.tmp/src"
	: >"$log"
	src=$kdir.tmp/src
	step tar -C "$src" --strip-components=1 -xf "$tarball"
	# ARCH=x86_64, not the default ARCH=x86: tinyconfig then starts from
	# a 64-bit kernel with everything off, rather than from a 32-bit one
	# whose 64-bit-only options would all take their defaults when the
	# fragment turns 64BIT on.
	step make -C "$src" ARCH=x86_64 tinyconfig
	# (merge_config.sh keeps its temporary files in the current directory.)
	(cd "$src" && step scripts/kconfig/merge_config.sh -m .config "$fragment")
	step make -C "$src" ARCH=x86_64 olddefconfig

	# merge_config.sh only warns when Kconfig drops a request; make it
	# fatal, as kernel.sh does.
	"$here/../machine/kconfig-check.sh" build.sh "$fragment" "$src/.config"

	# No modules (tinyconfig has MODULES off): the kernel is all there is.
	step make -C "$src" ARCH=x86_64 -j"$(nproc)" bzImage
	cp "$src/arch/x86/boot/bzImage" "$src/System.map" "$src/vmlinux" \
		"$src/usr/gen_init_cpio" "$kdir.tmp/"
	cp "$src/.config" "$kdir.tmp/config"
	rm -rf "$src"
	touch "$kdir.tmp/.built"
	mv "$kdir.tmp" "$kdir"
	prune guest-kernel 4
fi

# The initramfs, made by the kernel's own gen_init_cpio, which needs no
# root to give its files to root and to make /dev/console: the kernel
# opens that for /init's output before /init mounts devtmpfs on /dev.
# /init installs busybox's applets as symbolic links in /bin.
rm -rf "$dir" "$dir.tmp"
mkdir -p "$dir.tmp"
gcc -static -nostdlib -O2 -Wall -Werror -fno-stack-protector -fno-pie \
	-no-pie -fcf-protection=none -o "$dir.tmp/getpids" "$getpids"
cat >"$dir.tmp/initramfs.list" <<EOF
dir /bin 0755 0 0
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
dir /proc 0755 0 0
dir /sys 0755 0 0
dir /tmp 1777 0 0
file /bin/busybox $busybox 0755 0 0
file /init $init 0755 0 0
file /bin/getpids $dir.tmp/getpids 0755 0 0
EOF
"$kdir/gen_init_cpio" -t 0 "$dir.tmp/initramfs.list" | gzip -9 -n >"$dir.tmp/initrd.gz"
rm "$dir.tmp/initramfs.list" "$dir.tmp/getpids"
for f in bzImage config System.map vmlinux; do
	ln "$kdir/$f" "$dir.tmp/$f" 2>/dev/null || cp "$kdir/$f" "$dir.tmp/$f"
done
touch "$dir.tmp/.built"
mv "$dir.tmp" "$dir"
prune guest-boot 5
echo "$dir"
