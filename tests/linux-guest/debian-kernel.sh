#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the path of Debian's own kernel, unmodified: the vmlinuz of the
# package linux-image-amd64 depends on (linux-image-6.1.0-N-amd64 on
# Debian 12), downloaded once with apt-get and cached outside the
# repository, keyed by that package's name and version.  Nothing is
# installed: the package is only unpacked into the cache.  The tests boot
# it with the project's initramfs, to show that nothing about the guest
# kernel was tailored to hvx.
set -euo pipefail

cache=${HVX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hvx}
pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
	awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }')
if [ -z "$pkg" ]; then
	echo "debian-kernel.sh: apt knows no linux-image-amd64 (run apt-get update)" >&2
	exit 1
fi
ver=$(apt-cache policy "$pkg" | awk '$1 == "Candidate:" { print $2 }')
dir=$cache/debian-kernel-$pkg-$ver
if [ ! -f "$dir/vmlinuz" ]; then
	echo "debian-kernel.sh: downloading $pkg $ver" >&2
	# Older versions go.
	rm -rf "$cache"/debian-kernel-linux-image-*
	mkdir -p "$dir.tmp"
	# (apt warns that it downloads as root where _apt cannot write.)
	(cd "$dir.tmp" && apt-get download -q "$pkg=$ver" 2>&1 >/dev/null |
		grep -v 'unsandboxed as root' >&2 || true)
	dpkg-deb --fsys-tarfile "$dir.tmp"/*.deb |
		tar -x -C "$dir.tmp" --wildcards './boot/vmlinuz-*'
	mv "$dir.tmp"/boot/vmlinuz-* "$dir.tmp/vmlinuz"
	rm -rf "$dir.tmp/boot" "$dir.tmp"/*.deb
	mv "$dir.tmp" "$dir"
fi
echo "$dir/vmlinuz"
