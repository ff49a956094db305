#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kconfig-check.sh WHO FRAGMENT CONFIG: fail, naming each line, when a
# line of the config fragment FRAGMENT did not survive into CONFIG.
# merge_config.sh only warns when Kconfig drops a request (a dependency
# missing, an option that does not exist); the kernel builds
# (tests/machine/kernel.sh, tests/linux-guest/build.sh) make that fatal,
# so that a kernel never silently lacks what its fragment asks for.  WHO
# prefixes the messages.
set -euo pipefail

who=$1 fragment=$2 config=$3
missing=0
while read -r line; do
	case "$line" in
	CONFIG_*=*)
		grep -qx "$line" "$config" || {
			echo "$who: $line did not survive olddefconfig" >&2
			missing=1
		} ;;
	"# CONFIG_"*" is not set")
		opt=${line#"# "}
		opt=${opt%" is not set"}
		! grep -q "^$opt=" "$config" || {
			echo "$who: '$line' did not survive olddefconfig" >&2
			missing=1
		} ;;
	esac
done <"$fragment"
exit $missing
