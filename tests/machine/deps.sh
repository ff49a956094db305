#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what building, checking and testing hvx needs on Debian 12, if it
# is missing.  Runs apt-get as root (directly, or through sudo).
set -euo pipefail

pkgs=(build-essential bc bison flex libelf-dev libssl-dev cpio kmod
      pkg-config python3 rsync xz-utils zstd
      bochs bochsbios vgabios isolinux syslinux-common xorriso
      busybox-static libnl-3-dev libnl-genl-3-dev sparse
      linux-source-6.1 linux-headers-amd64 qemu-system-x86)

sudo=
[ "$(id -u)" = 0 ] || sudo=sudo

installed() {
	dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep -q '^install ok installed'
}

# The 6.12 headers come from the bookworm security archive as one
# versioned package per release; take the newest.  Its meta package would
# pull in the kernel image too.
updated=0
apt_update() {
	[ $updated = 1 ] && return
	$sudo apt-get update -q >/dev/null
	updated=1
}

missing=()
for p in "${pkgs[@]}"; do
	installed "$p" || missing+=("$p")
done
if ! ls -d /usr/src/linux-headers-6.12.*-amd64 >/dev/null 2>&1; then
	apt_update
	h612=$(apt-cache search --names-only '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' |
	       awk '{print $1}' | sort -V | tail -1)
	[ -n "$h612" ] || { echo "deps.sh: no 6.12 headers package found" >&2; exit 1; }
	missing+=("$h612")
fi
if [ ${#missing[@]} -gt 0 ]; then
	echo "deps.sh: installing ${missing[*]}" >&2
	apt_update
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q \
		--no-install-recommends "${missing[@]}" >/dev/null
fi
