#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn a conformance run's results into the table of KVM's selftests.

    report.py --raw RAW --serial LOG --list LIST --progs PROGS --why WHY
              --md FILE [--readme FILE] [--only TEST,...] [--source VER]

RAW holds run-in-machine.sh's lines (tests/machine/run.sh --conformance
leaves them in build/machine/conformance.raw); LOG is the machine's
serial log; PROGS the tarball's x86_64 programs (tests/selftests/build.sh's
progs.txt); LIST is tests/selftests/list.txt and WHY tests/selftests/why.txt
("TEST reason", why a test fails on hvx).

Writes FILE (Markdown: the table, the kernel's reports by test, and the
output of each failure) and, when the run is complete and not limited to
some tests (--only), the table into the README between its
"conformance:begin" and "conformance:end" markers.  Exits non-zero when
the run is incomplete, when LIST and PROGS disagree, or when the kernel
reported trouble (an oops, a WARN, a lockdep report...) while a test ran
on hvx or a test left a VM of hvx behind.  A hvx failure that WHY does
not explain is shown as "(not yet explained)".
"""
import argparse
import datetime
import os
import re
import subprocess
import sys

# Import judge.py from the tree without leaving a __pycache__ in it.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "machine"))
import judge  # noqa: E402  the serial log's idea of kernel trouble

DEVICES = ("hvx", "kvm_intel")
BEGIN, END = "<!-- conformance:begin -->\n", "<!-- conformance:end -->"
RESULT_RE = re.compile(
    r"^selftest-result: (\S+) (hvx|kvm_intel) (\w+) (\d+) (\S+)$")
OUTPUT_RE = re.compile(
    r"^selftest-(output|note): (\S+) (hvx|kvm_intel) \| ?(.*)$")
MARK_RE = re.compile(r"hvx-selftest: (\S+) on (hvx|kvm_intel): (start|end)")
# What a skipping selftest says last: kselftest's "1..0 # SKIP - why" or
# the library's "why, skipping test".
SKIP_RE = re.compile(r"# SKIP -? ?(.*)$|^(.*), skipping test$")


def read_lines(path):
    try:
        with open(path, errors="replace") as f:
            return [line.rstrip("\r\n") for line in f]
    except FileNotFoundError:
        return []


def read_table(path, min_fields):
    """A list.txt-like file: (first field, the rest split once more)."""
    rows = []
    for line in read_lines(path):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        fields = line.split(None, min_fields)
        if len(fields) < min_fields:
            raise SystemExit(f"report.py: {path}: too few fields: {line}")
        rows.append(fields)
    return rows


def parse_raw(path):
    results, outputs, notes, done = {}, {}, {}, False
    for line in read_lines(path):
        m = RESULT_RE.match(line)
        if m:
            t, dev, res, secs, status = m.groups()
            results[(t, dev)] = (res, int(secs), status)
            continue
        m = OUTPUT_RE.match(line)
        if m:
            kind, t, dev, text = m.groups()
            (outputs if kind == "output" else notes).setdefault(
                (t, dev), []).append(text)
            continue
        if line.startswith("selftest-done:"):
            done = True
    return results, outputs, notes, done


def kernel_reports(path):
    """Kernel trouble in the serial log, by the (test, device) running
    then (None when none was), and the run that started last."""
    reports, current, last = {}, None, None
    for line in read_lines(path):
        line = line.replace("\r", "")
        m = MARK_RE.search(line)
        if m:
            t, dev, what = m.groups()
            current = (t, dev) if what == "start" else None
            last = (t, dev)
            continue
        if judge.TROUBLE_RE.search(line) and not judge.BENIGN_RE.search(line):
            reports.setdefault(current, []).append(line)
    return reports, last


def git_describe():
    """The commit measured; "-dirty" when sources differ from it (the
    files this report writes do not count)."""
    def git(*args):
        return subprocess.run(["git", *args], capture_output=True, text=True,
                              check=True).stdout.strip()
    try:
        commit = git("describe", "--always")
        changed = git("status", "--porcelain", "--untracked-files=no", "--",
                      ".", ":!README.md", ":!tests/selftests/why.txt")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("-dirty" if changed else "")


def md_escape(text):
    return text.replace("|", "\\|")


def skip_reason(lines):
    for line in reversed(lines or []):
        m = SKIP_RE.search(line)
        if m:
            return (m.group(1) or m.group(2)).strip()
    return ""


def main():
    ap = argparse.ArgumentParser()
    for arg in ("raw", "serial", "list", "progs", "why", "md"):
        ap.add_argument("--" + arg, required=True)
    ap.add_argument("--readme")
    ap.add_argument("--only", default="")
    ap.add_argument("--source", default="")
    a = ap.parse_args()

    progs = [r[0] for r in read_table(a.progs, 1)]
    listed = {r[0]: r for r in read_table(a.list, 3)}
    why = {r[0]: r[1] if len(r) > 1 else "" for r in read_table(a.why, 1)}
    results, outputs, notes, done = parse_raw(a.raw)
    reports, last = kernel_reports(a.serial)
    problems = []

    for t in progs:
        if t not in listed:
            problems.append(f"{t}, a test of the tarball, is not in {a.list}")
    for t in listed:
        if t not in progs:
            problems.append(f"{t} is in {a.list}, not a test of the tarball")
    only = [t for t in a.only.split(",") if t]
    tests = [t for t in progs if not only or t in only]

    rows, counts, unexplained, hvx_trouble, missing = [], {}, [], [], []
    for t in tests:
        fields = listed.get(t, [t, "-", "-", "not in list.txt"])
        reason = fields[3] if len(fields) > 3 else ""
        cells, whys = [], []
        for dev in DEVICES:
            res = results.get((t, dev))
            if res is None:
                cell, kind = "no result", "no result"
                missing.append(f"{t} on {dev}")
            else:
                kind, secs, _ = res
                cell = {"pass": f"pass, {secs} s",
                        "fail": f"**fail**, {secs} s",
                        "timeout": f"**timeout**, {secs} s",
                        "skip": "skip", "notrun": "not run"}.get(kind, kind)
            if reports.get((t, dev)):
                cell += ", kernel report"
                if dev == "hvx":
                    hvx_trouble.append(t)
            if notes.get((t, dev)):
                cell += ", VM left behind"
                hvx_trouble.append(t)
            counts.setdefault(dev, {}).setdefault(kind, 0)
            counts[dev][kind] += 1
            cells.append(cell)

            # list.txt's reason names the device when only one skips it;
            # why.txt explains hvx's failures (and kvm_intel's, if any);
            # a skip explains itself.
            if kind == "notrun" and reason:
                whys.append(reason)
            elif kind in ("fail", "timeout") and t in why:
                whys.append(why[t])
            elif kind in ("fail", "timeout") and dev == "hvx":
                whys.append("(not yet explained)")
                unexplained.append(t)
            elif kind == "skip" and dev == "hvx":
                whys.append(why.get(t) or
                            "skips: " + (skip_reason(outputs.get((t, dev)))
                                         or "(no reason given)"))
        # Each reason once, in order.
        rows.append(f"| `{t}` | {cells[0]} | {cells[1]} | "
                    f"{md_escape('; '.join(dict.fromkeys(whys)))} |")

    if not done:
        where = f" during {last[0]} on {last[1]}" if last else ""
        problems.append(f"the run did not reach its end{where}: "
                        f"{len(missing)} results missing")
    elif missing:
        problems.append("no result for " + ", ".join(missing))
    incomplete = bool(problems)

    def summary(dev):
        c = counts.get(dev, {})
        order = ("pass", "skip", "fail", "timeout", "notrun", "no result")
        return ", ".join(f"{c[k]} {'not run' if k == 'notrun' else k}"
                         for k in order if c.get(k))

    meta = (f"Run {datetime.date.today().isoformat()} at {git_describe()}, "
            f"in Bochs' emulated VT-x (tests/machine: 2 CPUs, 512 MiB), "
            f"with the selftests of Debian's linux-source-6.1"
            f"{' ' + a.source if a.source else ''}; hvx and kvm_intel "
            f"loaded together, each test run on one and then the other.")
    table = [meta, "",
             f"hvx: {summary('hvx')}.  kvm_intel: {summary('kvm_intel')}.", "",
             "| test | hvx | kvm_intel | why |", "|---|---|---|---|"] + rows
    table = "\n".join(table) + "\n"

    doc = ["# KVM's selftests on hvx and kvm_intel", ""]
    if problems:
        doc += ["Incomplete:", ""] + [f"- {p}" for p in problems] + [""]
    doc += [table]
    if reports:
        doc += ["## Kernel reports", "",
                "Trouble in the serial log, by the test that was running:", ""]
        for key, lines in reports.items():
            name = f"{key[0]} on {key[1]}" if key else "outside any test"
            doc += [f"### {name}", "", "```"] + lines[:40] + ["```", ""]
    if notes:
        doc += ["## Notes", ""] + [f"- `{t}` on {d}: {n}"
                                   for (t, d), ns in notes.items() for n in ns]
        doc += [""]
    failed = [(t, d) for t in tests for d in DEVICES
              if results.get((t, d), ("",))[0] in ("fail", "timeout")]
    if failed:
        doc += ["## The end of each failure's output", ""]
        for t, d in failed:
            doc += [f"### {t} on {d}", "", "```"] + outputs.get((t, d), []) + \
                   ["```", ""]
    with open(a.md, "w") as f:
        f.write("\n".join(doc).rstrip("\n") + "\n")
    print(table)
    print(f"report.py: wrote {a.md}")

    for p in problems:
        print(f"report.py: {p}", file=sys.stderr)
    if unexplained:
        print(f"report.py: hvx failures not yet explained in {a.why}: "
              + " ".join(unexplained), file=sys.stderr)
    if hvx_trouble:
        print("report.py: the kernel reported trouble while these ran on hvx, "
              f"or they left a VM behind (see {a.md}): "
              + " ".join(dict.fromkeys(hvx_trouble)), file=sys.stderr)

    if a.readme:
        if incomplete or only:
            print(f"report.py: {a.readme} left as it was: "
                  + ("the run is incomplete" if incomplete else
                     "only some tests ran"), file=sys.stderr)
        else:
            with open(a.readme) as f:
                text = f.read()
            i, j = text.find(BEGIN), text.find(END)
            if i < 0 or j < i:
                print(f"report.py: no conformance markers in {a.readme}",
                      file=sys.stderr)
                return 1
            with open(a.readme, "w") as f:
                f.write(text[:i + len(BEGIN)] + table + text[j:])
            print(f"report.py: updated the table in {a.readme}")
    return 1 if incomplete or hvx_trouble else 0


if __name__ == "__main__":
    sys.exit(main())
