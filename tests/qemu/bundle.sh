#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the path of a directory holding Debian 12's own qemu-system-x86_64,
# unmodified, with all it needs to run on the test machine, whose root is
# a static busybox and little else:
#
#   qemu-system-x86_64 -accel kvm -nographic -m 128M \
#           -kernel bzImage -initrd initrd.gz -append console=ttyS0
#
# The directory mirrors absolute paths: usr/bin/qemu-system-x86_64, each
# library at the path ldd names it by (lib/x86_64-linux-gnu/..., the
# loader at lib64/ld-linux-x86-64.so.2) and the firmware at the paths QEMU
# opens.  It holds only real directories and files, so "cp -a DIR/. root/"
# works onto a root with no /lib as well as onto one with a /lib of its
# own (the machine's lib/modules).  The directory is built once and
# cached outside the repository, keyed by the versions of the packages its
# files come from and by this script.  The path goes to stdout, messages
# to stderr.
set -euo pipefail

cache=${HVX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hvx}
qemu=/usr/bin/qemu-system-x86_64
# TCG is a module that QEMU loads only for -accel tcg.  It is 22 KB and
# needs only libc: with it, the same bundle also runs where there is no
# KVM, or to compare a guest's behaviour with KVM's.
tcg=/usr/lib/x86_64-linux-gnu/qemu/accel-tcg-x86_64.so
# What QEMU 7.2 opens for the command line above (strace -e openat, under
# -accel kvm and -accel tcg alike): SeaBIOS and the default std VGA's BIOS
# (package seabios), the default e1000 NIC's option ROM (ipxe-qemu), the
# option ROMs for -kernel and for patching the guest's TPR accesses
# (qemu-system-data).  QEMU looks for them next to its own binary
# (/usr/bin/../share/seabios/...), so they keep their paths.  All else it
# opens is optional (/etc/localtime) or in /proc, /sys and /dev, and it
# loads no other module.
firmware=(
	/usr/share/seabios/bios-256k.bin
	/usr/share/seabios/vgabios-stdvga.bin
	/usr/lib/ipxe/qemu/efi-e1000.rom
	/usr/share/qemu/linuxboot_dma.bin
	/usr/share/qemu/kvmvapic.bin
)

# tests/machine/deps.sh installs qemu-system-x86 (seabios, ipxe-qemu and
# qemu-system-data come with it).
if [ ! -x "$qemu" ]; then
	echo "bundle.sh: no $qemu: run tests/machine/deps.sh" >&2
	exit 1
fi

# ldd gives the whole closure; the loader is the line with no "=>".
deps=$(ldd "$qemu" "$tcg")
if grep 'not found' <<<"$deps" >&2; then
	echo "bundle.sh: $qemu is missing libraries" >&2
	exit 1
fi
mapfile -t files < <({
	printf '%s\n' "$qemu" "$tcg" "${firmware[@]}"
	awk '$2 == "=>" && $3 ~ /^\// { print $3 }
	     NF == 2 && $1 ~ /^\// { print $1 }' <<<"$deps"
} | sort -u)

# Merged /usr: dpkg knows some files by their /lib path and some by their
# /usr/lib path, so ask for both and let it skip the one it does not know.
mapfile -t pkgs < <(for f in "${files[@]}"; do echo "$f"; echo "/usr$f"; done |
	xargs dpkg-query -S 2>/dev/null | sed 's/: .*//' | sort -u)
key=$( { dpkg-query -W -f='${Package}:${Architecture} ${Version}\n' "${pkgs[@]}"
	 cat "$0"; } | sha256sum | cut -c1-16)
dir=$cache/qemu-$key

mkdir -p "$cache"
exec 9>"$cache/qemu.lock"
flock 9
if [ ! -d "$dir" ]; then
	echo "bundle.sh: bundling qemu-system-x86" \
	     "$(dpkg-query -W -f='${Version}' qemu-system-x86)" >&2
	# Older bundles, and a half-built one, go.
	rm -rf "$cache"/qemu-*
	mkdir "$dir.tmp"
	# -L puts the content of what a link points to at the path that is
	# opened (libpixman-1.so.0 -> libpixman-1.so.0.42.2; the loader is
	# an absolute link).  --parents makes real directories even where the
	# host has links (/lib -> usr/lib).
	cp -L --parents "${files[@]}" "$dir.tmp/"
	mv "$dir.tmp" "$dir"
fi
echo "$dir"
