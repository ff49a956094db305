#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge a test-machine run from its TAP output and serial log.

Fails on any failed test, on a run that did not reach its end, and on any
kernel report of trouble in the serial log (oops, WARN, BUG, lockdep,
sleeping in atomic context, kmemleak).  Prints one line per result and a
final "N passed, N failed" line.
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
    trouble = [l for l in serial
               if TROUBLE_RE.search(l) and not BENIGN_RE.search(l)]
    results.append((not trouble,
                    "kernel log: no oops, WARN, BUG, lockdep or kmemleak report"))

    if done:
        results.append((any("VMX turned off on all CPUs for reboot" in l
                            for l in serial),
                        "reboot: hvx turned VMX off on every CPU before the reboot"))
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
    if failed:
        print(f"# see {args.serial} and the Bochs log beside it")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
