"""`make bench`: latency figures measured side by side in one run, with their ratios.

1. Firmware cost in guest instructions: QEMU TCG with `-icount shift=0,align=off,sleep=off`
   makes the guest TSC count executed instructions, repeatably (without sleep=off idle time
   leaks in and runs differ by 2x). The PVH probe prints its TSC first thing at entry: that
   is the firmware's work from reset to the hand-off, for any firmware.
2. Engine cost on the host clock: spawn to the probe's exit, and peak RSS, for each engine
   with the same firmware and payload, medians over --runs.
3. Spawn to Linux init per engine, firmware and format, medians over --runs.
"""

import platform
import statistics
import time

from . import figures, runner
from .cases import DEFAULT_TOGGLES, Case
from .paths import ROOT
from .payloads import Payload

ICOUNT = ("-icount", "shift=0,align=off,sleep=off")
QUIET = (("opt/microrig/quiet", "1"),)

# (label, firmware, fw_cfg extras)
FIRMWARE_VARIANTS = (
    ("microrig (quiet)", "microrig", QUIET),
    ("microrig (full report)", "microrig", ()),
    ("qboot", "qboot", ()),
    ("seabios", "seabios", ()),
)


def _runs(case, n, extra_args=()):
    """n runs of a case; None when it cannot run here (the reason is returned instead)."""
    why = case.skip_reason()
    if why:
        return None, why
    out = []
    for _ in range(n):
        result = runner.run(case, extra_args=extra_args)
        out.append((result, figures.of(result)))
    return out, ""


def firmware_instructions():
    """{label: instructions from reset to the PVH entry, or a skip reason}."""
    rows = {}
    for label, fw, extra in FIRMWARE_VARIANTS:
        case = Case("qemu-tcg", fw, Payload("probe", "pvh"), DEFAULT_TOGGLES, fw_cfg=extra)
        runs, why = _runs(case, 2, ICOUNT)
        if runs is None:
            rows[label] = why
            continue
        counts = {f.get("probe_entry_tsc") for _, f in runs}
        if None in counts:
            rows[label] = "the probe printed no entry TSC"
        elif len(counts) != 1:
            rows[label] = f"not repeatable: {sorted(counts)}"
        else:
            rows[label] = counts.pop()
    return rows


def engine_costs(runs):
    """{engine: {figure: median}} for the PVH probe through qboot on each engine."""
    rows = {}
    for engine in ("qemu-tcg", "qemu-kvm", "mvm"):
        case = Case(engine, "qboot", Payload("probe", "pvh"), DEFAULT_TOGGLES)
        got, why = _runs(case, runs)
        if got is None:
            rows[engine] = why
            continue
        rows[engine] = {
            "spawn_to_exit_ms": statistics.median(f["elapsed_ms"] for _, f in got),
            "peak_rss_kib": statistics.median(f.get("peak_rss_kib", 0) for _, f in got)}
    return rows


def linux_latency(runs):
    rows = {}
    for fw in ("microrig", "qboot", "seabios"):
        for form in ("bz", "pvh"):
            case = Case("qemu-tcg", fw, Payload("linux", form), DEFAULT_TOGGLES)
            got, why = _runs(case, runs)
            if got is None:
                rows[f"{fw}/{form}"] = why
                continue
            t = [f["spawn_to_init_ms"] for _, f in got if "spawn_to_init_ms" in f]
            rows[f"{fw}/{form}"] = ({"median": statistics.median(t), "min": min(t),
                                     "max": max(t), "n": len(t)} if t else "never reached init")
    return rows


def ratio(a, b):
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b:
        return f"{a / b:.3f}x"
    return "n/a"


def render(fw, eng, lin, runs, command):
    lines = ["# microrig benchmarks", "",
             f"Command: `{command}` ({runs} runs per figure; medians).",
             f"Machine: {platform.node()}, {platform.machine()}, Linux {platform.release()},"
             f" measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.", "",
             "## Firmware: guest instructions from reset to the PVH hand-off", "",
             "QEMU TCG, `-icount shift=0,align=off,sleep=off`, the probe's TSC at its PVH entry.",
             "", "| firmware | instructions |", "| --- | --- |"]
    for label, v in fw.items():
        lines.append(f"| {label} | {v if isinstance(v, int) else 'n/a: ' + str(v)} |")
    q = fw.get("qboot")
    lines += ["", f"- microrig quiet / qboot: {ratio(fw.get('microrig (quiet)'), q)} (target <= 0.5x)",
              f"- microrig full report / qboot: {ratio(fw.get('microrig (full report)'), q)}"
              " (target <= 2x)",
              f"- microrig full report / SeaBIOS: {ratio(fw.get('microrig (full report)'), fw.get('seabios'))}",
              "", "## Engines: spawn to the probe's exit, peak RSS", "",
              "qboot, PVH probe, 256 MiB, host clock.", "",
              "| engine | spawn to exit (ms) | peak RSS (KiB) |", "| --- | --- | --- |"]
    for engine, v in eng.items():
        if isinstance(v, dict):
            lines.append(f"| {engine} | {v['spawn_to_exit_ms']:.1f} | {v['peak_rss_kib']:.0f} |")
        else:
            lines.append(f"| {engine} | n/a: {v} | |")
    m, qk = eng.get("mvm"), eng.get("qemu-kvm")
    if isinstance(m, dict) and isinstance(qk, dict):
        lines += ["", f"- mvm / QEMU KVM spawn to exit: {ratio(m['spawn_to_exit_ms'], qk['spawn_to_exit_ms'])}"
                  " (target <= 0.1x)",
                  f"- mvm / QEMU KVM peak RSS: {ratio(m['peak_rss_kib'], qk['peak_rss_kib'])}"
                  " (target <= 0.1x)"]
    lines += ["", "## Linux: spawn to init under QEMU TCG", "",
              "All toggles on, host clock, spawn to `init: start`.", "",
              "| firmware/format | median ms | min | max |", "| --- | --- | --- | --- |"]
    for key, v in lin.items():
        if isinstance(v, dict):
            lines.append(f"| {key} | {v['median']:.0f} | {v['min']:.0f} | {v['max']:.0f} |")
        else:
            lines.append(f"| {key} | n/a: {v} | | |")
    return "\n".join(lines) + "\n"


def main(runs=5, write=True, command="make bench"):
    fw = firmware_instructions()
    eng = engine_costs(runs)
    lin = linux_latency(runs)
    text = render(fw, eng, lin, runs, command)
    print(text)
    if write:
        (ROOT / "BENCHMARKS.md").write_text(text)
    return 0
