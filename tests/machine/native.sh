# SPDX-License-Identifier: GPL-2.0
#
# Sourced by `make demo` (tests/machine/demo.sh) and `make bench`
# (bench/run.sh): can hvx run on this machine itself, rather than in the
# emulated one?  Its CPU must have VT-x, its kernel must load modules
# (modules_disabled 0, no "nomodule" on the command line), and the
# kernel's build tree must be there to build hvx against ($kdir).

kdir=/lib/modules/$(uname -r)/build

can_run_here() {
	grep -qw vmx /proc/cpuinfo || return 1
	[ "$(cat /proc/sys/kernel/modules_disabled 2>/dev/null)" = 0 ] || return 1
	! grep -qw nomodule /proc/cmdline || return 1
	[ -d "$kdir" ]
}
