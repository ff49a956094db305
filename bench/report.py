#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn bench.sh's "result DEVICE ROUND NAME VALUE" lines into a table.

    report.py --where WHERE RAW [--md FILE] [--json FILE] [--readme FILE]

Medians over the rounds for each device and benchmark, and hvx's median
over KVM's.  Writes a Markdown table and a JSON file, and replaces the
table in the README between its "bench:begin" and "bench:end" markers.
Fails when a benchmark is missing on a device or a figure is not sane
(zero, or the no-exit loop not the cheapest guest operation).  Only a
benchmark that needs a CPUID feature (OPTIONAL) may be missing, and only
where the guest said so ("absent DEVICE ROUND NAME" in every round): the
table shows it as n/a.
"""
import argparse
import datetime
import json
import re
import statistics
import subprocess
import sys

# name: (what it measures, unit, lower is better)
BENCHES = {
    "loop": ("an ADD in a loop, no exit (baseline)", "ticks/op", True),
    "cpuid": ("CPUID, in the kernel", "ticks/op", True),
    "vmcall": ("VMCALL, an unknown hypercall", "ticks/op", True),
    "rdmsr": ("RDMSR of IA32_STAR, in the kernel", "ticks/op", True),
    "wrmsr": ("WRMSR of IA32_STAR, in the kernel", "ticks/op", True),
    "out": ("OUT to a port, to the VMM and back", "ticks/op", True),
    "in": ("IN from a port, to the VMM and back", "ticks/op", True),
    "mmio_wr": ("MMIO store, to the VMM and back", "ticks/op", True),
    "mmio_rd": ("MMIO load, to the VMM and back", "ticks/op", True),
    "touch": ("first write to a 4 KiB page (EPT violation)", "ticks/page", True),
    "access": ("the same write, page mapped", "ticks/page", True),
    "intro_cpuid": ("CPUID as an introspection event: to the introspector's "
                    "reply and back", "ticks/op", True),
    "intro_int3": ("INT3 as an introspection event, skipped: to the "
                   "introspector's reply and the next instruction",
                   "ticks/op", True),
    "intro_vmcall": ("VMCALL with an introspector attached, not watching it",
                     "ticks/op", True),
    "intro_page_write": ("store to a write-watched page, let through: two "
                         "events, the right given and taken", "ticks/op",
                         True),
    "intro_read_mib_s": ("guest memory read by an introspector "
                         "(HVX_INTRO_READ_MEM)", "MiB/s", False),
    "ipi": ("IPI to another vCPU and its IPI back; one host CPU, so two "
            "thread switches", "ticks/trip", True),
    "eoi_mmio": ("EOI by xAPIC MMIO, in a handler", "ticks/op", True),
    "eoi_msr": ("EOI by x2APIC WRMSR, in a handler", "ticks/op", True),
    "hlt_timer": ("HLT woken by a one-shot APIC timer, beyond its time",
                  "ticks/wake", True),
    "tscdeadline": ("WRMSR IA32_TSC_DEADLINE, 4 ms ahead", "ticks/op", True),
    "tpr_mmio": ("TPR write by xAPIC MMIO, nothing waiting", "ticks/op", True),
    "cr8": ("MOV to CR8, nothing waiting", "ticks/op", True),
    "irq_line": ("KVM_IRQ_LINE (IOAPIC edge) to the handler, timed by the "
                 "VMM", "ticks/irq", True),
    "irqfd": ("irqfd write to the handler of a vCPU in HLT, timed by the "
              "VMM", "ticks/irq", True),
    "startup_us": ("open() to the guest's first instruction", "us", True),
    "linux_boot_ms": ("Linux (tests/linux-guest, 1 vCPU): vmctl's start to "
                      "its init", "ms", True),
    "linux_exits": ("exits during that Linux run, to its reboot", "exits",
                    True),
    "qemu_boot_ms": ("the same Linux under Debian's QEMU (-vga none -nic "
                     "none): QEMU's start to its init", "ms", True),
    "churn_per_s": ("VMs created and destroyed", "per s", False),
}
GUEST_OPS = [n for n, b in BENCHES.items() if b[1].startswith("ticks")]
DEVICES = ("hvx", "kvm")
# What may take no exit at all: the baseline, a mapped page, and the TPR
# where the CPU shadows it (VT-x's TPR shadow; KVM without APICv exits on
# the xAPIC page's TPR).
NO_EXIT = ("loop", "access", "tpr_mmio", "cr8")
# name: what the device must offer for it: a CPUID.1:ECX feature in the
# guest's CPUID, or hvx's own introspection
OPTIONAL = {"eoi_msr": "x2APIC", "tscdeadline": "TSC_DEADLINE",
            "intro_cpuid": "introspection", "intro_int3": "introspection",
            "intro_vmcall": "introspection",
            "intro_page_write": "introspection",
            "intro_read_mib_s": "introspection"}


def exits_table(stats):
    """The Linux run's exits by the devices' own statistics, medians."""
    if not stats:
        return ""
    out = ["", "Exits during the Linux run (`linux_exits`), by each device's "
           "own statistics (`KVM_GET_STATS_FD`): hvx counts them by VMX exit "
           "reason, KVM by kind; medians, — where the device has no such "
           "statistic or it stayed 0.", "",
           "| statistic | hvx | KVM |", "|---|---:|---:|"]
    for name in sorted(stats, key=lambda n: (n != "exits", n)):
        cells = [fmt(statistics.median(stats[name][d]))
                 if stats[name].get(d) else "—" for d in DEVICES]
        out.append(f"| `{name}` | {cells[0]} | {cells[1]} |")
    return "\n".join(out) + "\n"


def parse(path):
    """The figures, {name: {dev: [values]}}; the benchmarks the guest said
    were absent, {name: {dev: rounds}}; and the Linux run's exit
    statistics, {name: {dev: [values]}}, in each device's own names
    (hvx's by VMX exit reason, KVM's by kind)."""
    runs, absent, exits = {}, {}, {}
    pat = re.compile(r"result (hvx|kvm) (\d+) ([a-z0-9_]+) (\d+)\s*$")
    pat_absent = re.compile(r"absent (hvx|kvm) (\d+) ([a-z0-9_]+)\s*$")
    pat_exit = re.compile(r"exitstat (hvx|kvm) (\d+) ([A-Za-z0-9_]+) (\d+)\s*$")
    with open(path, errors="replace") as f:
        for line in f:
            m = pat.search(line)
            if m:
                dev, _, name, val = m.groups()
                runs.setdefault(name, {}).setdefault(dev, []).append(int(val))
                continue
            m = pat_absent.search(line)
            if m:
                dev, _, name = m.groups()
                d = absent.setdefault(name, {})
                d[dev] = d.get(dev, 0) + 1
                continue
            m = pat_exit.search(line)
            if m:
                dev, _, name, val = m.groups()
                exits.setdefault(name, {}).setdefault(dev, []).append(int(val))
    return runs, absent, exits


def rounds_of(runs):
    return max(len(v) for d in runs.values() for v in d.values())


def is_absent(absent, runs, name, dev):
    """True if @name may be, and is, missing on @dev: OPTIONAL, no figure,
    and "absent" in every round."""
    return (name in OPTIONAL and not runs.get(name, {}).get(dev) and
            absent.get(name, {}).get(dev, 0) == rounds_of(runs))


def check(runs, absent):
    problems = []
    for name in BENCHES:
        for dev in DEVICES:
            vals = runs.get(name, {}).get(dev)
            if is_absent(absent, runs, name, dev):
                continue
            if not vals:
                problems.append(f"{name}: no figure from {dev}")
            elif min(vals) <= 0:
                problems.append(f"{name}: {dev} reported {min(vals)}")
            elif absent.get(name, {}).get(dev):
                problems.append(f"{name}: {dev} both reported it and said "
                                f"it was absent")
    for dev in DEVICES:
        med = {n: statistics.median(runs[n][dev]) for n in GUEST_OPS
               if runs.get(n, {}).get(dev)}
        if "loop" in med and any(v <= med["loop"] for n, v in med.items()
                                 if n not in NO_EXIT):
            problems.append(f"{dev}: an exit was no dearer than the no-exit loop")
    return problems


def git_describe():
    """The commit measured; "-dirty" when sources differ from it (the
    files this script writes do not count)."""
    def git(*args):
        return subprocess.run(["git", *args], capture_output=True, text=True,
                              check=True).stdout.strip()
    try:
        commit = git("describe", "--always")
        changed = git("status", "--porcelain", "--untracked-files=no", "--",
                      ".", ":!README.md", ":!bench/results.md",
                      ":!bench/results.json")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("-dirty" if changed else "")


def fmt(v):
    if v is None:
        return "n/a"
    return f"{v:,.0f}" if v >= 100 else f"{v:.1f}"


def table(rows, meta):
    out = [f"Measured {meta['date']} at {meta['commit']}, {meta['where']}; "
           f"medians of {meta['rounds']} rounds, hvx and KVM in turns.",
           "",
           "| benchmark | what | unit | hvx | KVM | hvx/KVM |",
           "|---|---|---|---:|---:|---:|"]
    for r in rows:
        ratio = "—" if r["ratio"] is None else f"{r['ratio']:.2f}"
        out.append(f"| `{r['name']}` | {r['what']} | {r['unit']} | "
                   f"{fmt(r['hvx'])} | {fmt(r['kvm'])} | {ratio} |")
    out.append("")
    out.append("hvx/KVM below 1 is hvx ahead, except for `churn_per_s`, "
               "where higher is better.")
    na = [f"`{r['name']}` ({OPTIONAL[r['name']]})" for r in rows
          if r["hvx"] is None or r["kvm"] is None]
    if na:
        out.append("n/a: the device does not offer what the benchmark needs "
                   "(in the guest's CPUID, or hvx's own): " + ", ".join(na) +
                   ".")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("raw")
    ap.add_argument("--where", required=True)
    ap.add_argument("--md")
    ap.add_argument("--json")
    ap.add_argument("--readme")
    a = ap.parse_args()

    runs, absent, exits = parse(a.raw)
    problems = check(runs, absent)
    for p in problems:
        print(f"report.py: {p}", file=sys.stderr)
    if problems:
        return 1

    meta = {
        "date": datetime.date.today().isoformat(),
        "commit": git_describe(),
        "where": a.where,
        "rounds": min(len(v) for d in runs.values() for v in d.values()),
    }
    rows = []
    for name, (what, unit, _) in BENCHES.items():
        vals = {dev: runs.get(name, {}).get(dev, []) for dev in DEVICES}
        h, k = (statistics.median(vals[d]) if vals[d] else None
                for d in DEVICES)
        rows.append({"name": name, "what": what, "unit": unit,
                     "hvx": h, "kvm": k,
                     "ratio": h / k if h is not None and k else None,
                     "hvx_runs": vals["hvx"], "kvm_runs": vals["kvm"]})
    md = table(rows, meta) + exits_table(exits)
    print(md)
    if a.md:
        with open(a.md, "w") as f:
            f.write("# hvx against KVM\n\n" + md)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"meta": meta, "results": rows}, f, indent=1)
            f.write("\n")
    if a.readme:
        with open(a.readme) as f:
            text = f.read()
        begin, end = "<!-- bench:begin -->\n", "<!-- bench:end -->"
        i, j = text.find(begin), text.find(end)
        if i < 0 or j < i:
            print(f"report.py: no bench markers in {a.readme}", file=sys.stderr)
            return 1
        with open(a.readme, "w") as f:
            f.write(text[:i + len(begin)] + md + text[j:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
