#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge a test-machine run from its TAP output and serial log.

Fails on any failed test, on a run that did not reach its end, and on any
kernel report of trouble in the serial log (oops, WARN, BUG, lockdep,
sleeping in atomic context, kmemleak).  Prints one line per result and a
final "N passed, N failed" line.

A run with --kdump 1 ends with a deliberate crash (tests/machine/kdump.sh):
the serial log is then the first kernel's, up to the marker the test
prints just before it crashes, then that crash, then the crash kernel's
boot and run.  The crash must be the one the test caused (sysrq's), with
no other report of trouble, the crash kernel must boot after it, and the
orderly reboot must be the crash kernel's.  A panic anywhere else is a
failure as before.
"""
import argparse
import re
import sys

# Kernel messages that mean something is wrong, whatever the tests said.
KERNEL_TROUBLE = [
    r"------------\[ cut here \]------------",
    r"\bWARNING: ",
    r"\bBUG: ",
    r"\bOops\b",
    r"general protection fault",
    r"Kernel panic",
    r"possible circular locking dependency",
    r"possible recursive locking",
    r"inconsistent lock state",
    r"suspicious RCU usage",
    r"DEBUG_LOCKS_WARN_ON",
    r"lockdep",
    r"sleeping function called from invalid context",
    r"unreferenced object 0x",
    r"Call Trace:",
    r"\bstack-protector\b",
    r"segfault at",
]
TROUBLE_RE = re.compile("|".join(KERNEL_TROUBLE))
# lockdep's own boot banner is not a report, nor the boot-time summary
# of the CPU's vulnerabilities (the emulated CPU has no IBRS to stop
# RETBleed with).
BENIGN_RE = re.compile(r"Lock dependency validator|lockdep: fixing up|"
                       r"RCU lockdep checking is enabled|"
                       r"\.\.\. MAX_LOCKDEP|per task-struct memory footprint|"
                       r"in-use lockdep|lockdep_map|"
                       r"RETBleed: WARNING: Spectre v2 mitigation leaves CPU")


# kdump.sh's line just before it crashes the machine.
KDUMP_MARKER = "hvx-machine: kdump: crashing on purpose"
# The crash the test causes: sysrq "c" panics with this.
KDUMP_PANIC = "Kernel panic - not syncing: sysrq triggered crash"
# The crash kernel's first message.
KERNEL_BANNER_RE = re.compile(r"\] Linux version \d")
# What the crashing kernel prints of its own panic: the panic line and
# its stack, whose frames may name anything ("? lockdep_softirqs_on+0xf0"
# is a stale frame, not a lockdep report).  Anything else in the crash (a
# WARN, an oops in a callback on the way to the crash kernel) is trouble:
# those print their own header lines, which are not frames.
KDUMP_CRASH_RE = re.compile(re.escape(KDUMP_PANIC) + r"|Call Trace:|"
                            r"^\[[ \d.]+\]\s+(\? )?[\w.]+\+0x[0-9a-f]+/0x[0-9a-f]+")
# Why a crash kernel did not start, in Bochs' words.
BOCHS_VMX_RE = re.compile(r"CR4\.VMXE|exception with no resolution")


def read_lines(path):
    try:
        with open(path, errors="replace") as f:
            return [line.rstrip("\r\n").replace("\r", "") for line in f]
    except FileNotFoundError:
        return []


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--serial", required=True)
    ap.add_argument("--tap", required=True)
    ap.add_argument("--bochs-status", type=int, default=0)
    ap.add_argument("--timed-out", type=int, default=0)
    ap.add_argument("--kdump", type=int, default=0,
                    help="the run ends with kdump.sh's deliberate crash")
    ap.add_argument("--bochs-log")
    args = ap.parse_args()

    results = []  # (passed, description)
    done = False
    for line in read_lines(args.tap):
        m = re.match(r"^(not )?ok - (.*)$", line)
        if m:
            results.append((m.group(1) is None, m.group(2)))
        elif line.strip() == "HVX-DONE":
            done = True

    serial = read_lines(args.serial)
    # first: the test machine's kernel up to the marker; crash: the marker
    # up to the crash kernel's banner; second: the crash kernel.
    first, crash, second = serial, [], []
    marker = next((i for i, l in enumerate(serial) if KDUMP_MARKER in l),
                  None)
    if args.kdump and marker is not None:
        banner = next((i for i in range(marker, len(serial))
                       if KERNEL_BANNER_RE.search(serial[i])), len(serial))
        first, crash, second = (serial[:marker], serial[marker:banner],
                                serial[banner:])
    trouble = [l for l in first + second
               if TROUBLE_RE.search(l) and not BENIGN_RE.search(l)]
    trouble += [l for l in crash
                if TROUBLE_RE.search(l) and not BENIGN_RE.search(l) and
                not KDUMP_CRASH_RE.search(l)]
    results.append((not trouble,
                    "kernel log: no oops, WARN, BUG, lockdep or kmemleak report"))

    bochs_why = []
    if args.kdump:
        results.append((marker is not None and
                        any(KDUMP_PANIC in l for l in crash),
                        "kdump: the machine crashed where kdump.sh crashed it, "
                        "with hvx holding VMX"))
        booted = bool(second)
        results.append((booted,
                        "kdump: the crash kernel started after the crash"))
        if marker is not None and not booted and args.bochs_log:
            bochs_why = [l for l in read_lines(args.bochs_log)
                         if BOCHS_VMX_RE.search(l)]

    if done:
        results.append((any("VMX turned off on all CPUs for reboot" in l
                            for l in (second if args.kdump else serial)),
                        "reboot: hvx turned VMX off on every CPU before the reboot" +
                        (" (in the crash kernel)" if args.kdump else "")))
    results.append((done and not args.timed_out,
                    "the machine ran to the end" +
                    (" (timed out)" if args.timed_out else "")))

    passed = sum(1 for ok, _ in results if ok)
    failed = len(results) - passed
    print("TAP version 13")
    print(f"1..{len(results)}")
    for i, (ok, desc) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {desc}")
    if trouble:
        print("# kernel trouble in the serial log:")
        for line in trouble[:40]:
            print(f"#   {line}")
    if bochs_why:
        print("# no crash kernel; Bochs says:")
        for line in bochs_why[:10]:
            print(f"#   {line}")
    if failed:
        print(f"# see {args.serial} and the Bochs log beside it")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
