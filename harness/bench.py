"""`make bench`: latency figures measured side by side in one run, with their ratios.

1. Firmware cost in guest instructions: QEMU TCG with `-icount shift=0,align=off,sleep=off`
   makes the guest TSC count executed instructions, repeatably (without sleep=off idle time
   leaks in and runs differ by 2x). The PVH probe prints its TSC first thing at entry: that
   is the firmware's work from reset to the hand-off, for any firmware.
2. Engine cost on the host clock: spawn to the probe's exit, and peak RSS, for each engine
   with the same firmware and payload, medians over --runs; once with a boot that exits at
   the probe's entry (the VMM's own cost) and once with the probe's full checks.
3. Spawn to Linux init per firmware and format under QEMU TCG, and through microrig under
   KVM in the nested sandbox (mvm and QEMU KVM, and a baseline mvm), medians over --runs.
"""

import platform
import statistics
import time

from . import figures, runner
from .cases import DEFAULT_TOGGLES, Case
from .paths import BUILD, ROOT
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


def firmware_instructions(baseline=None):
    """{label: instructions from reset to the PVH entry, or a skip reason}.

    baseline: another microrig ROM (an earlier build) measured beside the current one.
    """
    rows = {}
    variants = list(FIRMWARE_VARIANTS)
    if baseline:
        variants += [(f"{label} baseline", fw, extra, baseline)
                     for label, fw, extra in FIRMWARE_VARIANTS if fw == "microrig"]
    for label, fw, extra, *rom in variants:
        case = Case("qemu-tcg", fw, Payload("probe", "pvh"), DEFAULT_TOGGLES, fw_cfg=extra,
                    rom=rom[0] if rom else None)
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


ENGINE_COST_ENGINES = ("qemu-tcg", "qemu-kvm", "mvm", "nested-qemu-kvm", "nested-mvm")

# What each engine boots for its cost figures: (key, description, fw_cfg extras, append).
# "entry" is the VMM's own cost: the quiet firmware and a probe that exits at its entry
# without a word, so spawn to exit is the VMM's start-up, the firmware's few exits
# (fw_cfg, device probes) and the tear-down. "probe" adds the full report and every hand-off check.
ENGINE_VARIANTS = (
    ("entry", "quiet microrig, the PVH probe exiting at its entry (`probe.exit=entry`)",
     QUIET, "probe.exit=entry"),
    ("probe", "microrig with its report, the PVH probe with all its checks", (), ""),
)


def _variant_case(engine, variant, vmm=None):
    _, _, extra, append = variant
    return Case(engine, "microrig", Payload("probe", "pvh"), DEFAULT_TOGGLES, fw_cfg=extra,
                extra_append=append, vmm=vmm)


# The label of rows measured with the baseline mvm (--baseline-mvm).
BASELINE_MVM = "nested-mvm baseline"


def _row_label(case):
    return BASELINE_MVM if case.vmm else case.engine


# probe.exit=entry ends the VM with debug-exit value 0x10 (guest/probe/probe.h); a probe
# that ran all its checks and passed exits with value 0.
EXIT_STATUS_AT_ENTRY = (0x10 << 1) | 1
EXIT_STATUS_PASSED = 1


# The host's share of any VMM's spawn to exit (harness/tools/kvm_floor.c: create a one-page
# VM, run three instructions, exit), measured beside the engines it is the floor of, the
# same way (on the host, or in the sandbox interleaved with them), for the `entry` boot.
FLOOR_ROWS = {"mvm": "kvm-floor", "nested-mvm": "nested kvm-floor"}


def floor_command(engine):
    """kvm-floor as a Command, run the way engine runs (on the host, or nested)."""
    nested = engine.startswith("nested-")
    binary = BUILD / ("kvm-floor.static" if nested else "kvm-floor")
    return runner.Command(FLOOR_ROWS[engine], [str(binary)], nested=nested)


def _cost_figures(variant, result):
    """The figures of one run, or None when the run did not end as the variant must."""
    if variant is None:			# kvm-floor: exit status 0 when its guest ran
        ended = result.status == 0
    elif variant[0] == "entry":
        ended = result.status == EXIT_STATUS_AT_ENTRY
    else:
        ended = result.status == EXIT_STATUS_PASSED and result.report.first("probe", "done")
    return figures.of(result) if ended else None


def _interleaved(items, runs, case_of):
    """[(item, result)]: runs rounds of every item's case in one L1 boot, after a discarded
    warm-up round (the first VM an L1 creates pays for its KVM's cold start, and whichever
    engine ran first would carry it). Every other round runs in reverse order: a run right
    after another mvm run shares L1's only CPU with the kernel still tearing that VM down,
    which would otherwise fall on the same row every time."""
    rounds = [list(items) if r % 2 == 0 else list(reversed(items)) for r in range(runs + 1)]
    order = [item for rnd in rounds for item in rnd]
    results = runner.run_nested([case_of(item) for item in order])
    return list(zip(order, results))[len(items):]


def engine_costs(runs, baseline_mvm=None):
    """{(variant key, engine): {figure: median} or a skip reason}.

    baseline_mvm: an earlier static mvm build, run in the same L1 boot as the current one
    (rows labelled BASELINE_MVM), for before/after figures.

    Nested engines run in one L1 boot, mvm and QEMU KVM interleaved, so that they share
    the same conditions; their times are L1's clock (TCG-emulated: ratios only). Beside
    each mvm row of the `entry` boot runs kvm-floor (FLOOR_ROWS), the same way.
    """
    rows, nested = {}, []
    for variant in ENGINE_VARIANTS:
        for engine in ENGINE_COST_ENGINES:
            case = _variant_case(engine, variant)
            why = case.skip_reason()
            floor = engine in FLOOR_ROWS and variant[0] == "entry"
            if why:
                rows[variant[0], engine] = why
                if floor:
                    rows[variant[0], FLOOR_ROWS[engine]] = why
            elif case.engine_def.nested:
                nested.append((variant, case))
                if baseline_mvm and engine == "nested-mvm":
                    nested.append((variant, _variant_case(engine, variant, baseline_mvm)))
                if floor:
                    nested.append((None, floor_command(engine)))
            else:
                got = [_cost_figures(variant, runner.run(case)) for _ in range(runs)]
                rows[variant[0], engine] = _medians(got)
                if floor:
                    got = [_cost_figures(None, runner.run_command(floor_command(engine)))
                           for _ in range(runs)]
                    rows[variant[0], FLOOR_ROWS[engine]] = _medians(got)
    if nested:
        label = lambda c: c.id if isinstance(c, runner.Command) else _row_label(c)
        boot_of = lambda v: v[0] if v else "entry"      # kvm-floor sits with `entry`
        got = {(boot_of(v), label(c)): [] for v, c in nested}
        for (variant, case), result in _interleaved(nested, runs, lambda pair: pair[1]):
            got[boot_of(variant), label(case)].append(_cost_figures(variant, result))
        for key, figs in got.items():
            rows[key] = _medians(figs)
    return rows


COST_FIGURES = ("spawn_to_firmware_ms", "mvm_exec_to_first_run_ms", "spawn_to_exit_ms",
                "peak_rss_kib", "mvm_spawn_to_exec_ms", "mvm_create_vm_ms", "mvm_guest_ms",
                "mvm_exit_to_reaped_ms")
# mvm's spawn to exit, stage by stage (figures.py): (figure, column heading).
MVM_STAGES = (("mvm_spawn_to_exec_ms", "spawn to exec"),
              ("mvm_exec_to_first_run_ms", "exec to first KVM_RUN"),
              ("mvm_create_vm_ms", "KVM_CREATE_VM (start-up steps run alongside)"),
              ("mvm_guest_ms", "first KVM_RUN to exit (guest)"),
              ("mvm_exit_to_reaped_ms", "exit to reaped (tear-down)"))
# Kept from the BENCHMARKS.md that make bench overwrites: the hand-written reading of a run.
NOTES_HEADING = "## Reading these figures"


def _medians(figure_dicts):
    """Medians of each figure; a run that did not end as it must counts as failed."""
    failed = sum(f is None for f in figure_dicts)
    if failed:
        return f"{failed} of {len(figure_dicts)} runs did not exit as expected"
    out = {}
    for name in COST_FIGURES:
        values = [f[name] for f in figure_dicts if f.get(name) is not None]
        out[name] = statistics.median(values) if values else None
    return out


def linux_latency(runs):
    rows = {}
    for fw in ("microrig", "qboot", "seabios"):
        for form in ("bz", "pvh"):
            case = Case("qemu-tcg", fw, Payload("linux", form), DEFAULT_TOGGLES)
            got, why = _runs(case, runs)
            if got is None:
                rows[f"{fw}/{form}"] = why
                continue
            rows[f"{fw}/{form}"] = _spread([f["spawn_to_init_ms"] for _, f in got
                                            if "spawn_to_init_ms" in f])
    return rows


NESTED_LINUX_ENGINES = ("nested-mvm", "nested-qemu-kvm")


def _spread(times):
    return ({"median": statistics.median(times), "min": min(times), "max": max(times),
             "n": len(times)} if times else "never reached init")


def linux_nested_latency(runs, baseline_mvm=None):
    """{engine label: spawn to init spread, or a skip reason}: the project's Linux through
    microrig (bzImage) under real KVM in the sandbox, mvm and QEMU KVM interleaved in one
    L1 boot (_interleaved)."""
    cases = []
    for engine in NESTED_LINUX_ENGINES:
        case = Case(engine, "microrig", Payload("linux", "bz"), DEFAULT_TOGGLES)
        why = case.skip_reason()
        if why:
            return {engine: why for engine in NESTED_LINUX_ENGINES}
        cases.append(case)
        if baseline_mvm and engine == "nested-mvm":
            cases.append(Case(engine, "microrig", Payload("linux", "bz"), DEFAULT_TOGGLES,
                              vmm=baseline_mvm))
    got = {_row_label(c): [] for c in cases}
    for case, result in _interleaved(cases, runs, lambda c: c):
        t = figures.of(result).get("spawn_to_init_ms")
        if t is not None:
            got[_row_label(case)].append(t)
    return {label: _spread(t) for label, t in got.items()}


def ratio(a, b):
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b:
        return f"{a / b:.3f}x"
    return "n/a"


def _spread_rows(rows):
    """Table rows of {label: median/min/max, or why there is none}."""
    return [f"| {key} | {v['median']:.0f} | {v['min']:.0f} | {v['max']:.0f} |"
            if isinstance(v, dict) else f"| {key} | n/a: {v} | | |" for key, v in rows.items()]


def render(fw, eng, lin, runs, command, baseline_note="", lin_nested=None):
    lines = ["# microrig benchmarks", "",
             f"Command: `{command}` ({runs} runs per figure; medians).",
             f"Machine: {platform.node()}, {platform.machine()}, Linux {platform.release()},"
             f" measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.", "",
             "## Firmware: guest instructions from reset to the PVH hand-off", "",
             "QEMU TCG, `-icount shift=0,align=off,sleep=off`, the probe's TSC at its PVH entry.",
             baseline_note,
             "", "| firmware | instructions |", "| --- | --- |"]
    for label, v in fw.items():
        lines.append(f"| {label} | {v if isinstance(v, int) else 'n/a: ' + str(v)} |")
    q = fw.get("qboot")
    for label in ("microrig (quiet)", "microrig (full report)"):
        if f"{label} baseline" in fw:
            lines.append(f"| before/after ({label}) | {ratio(fw[label], fw[f'{label} baseline'])} |")
    lines += ["", f"- microrig quiet / qboot: {ratio(fw.get('microrig (quiet)'), q)} (target <= 0.5x)",
              f"- microrig full report / qboot: {ratio(fw.get('microrig (full report)'), q)}"
              " (target <= 2x)",
              f"- microrig full report / SeaBIOS: {ratio(fw.get('microrig (full report)'), fw.get('seabios'))}",
              "", "## Engines: spawn to first firmware output and to the probe's exit, peak RSS",
              "", "256 MiB, all toggles on. Direct engines: host clock. Nested engines: L1's"
              " clock inside the sandbox (TCG-emulated SVM: compare them with each other"
              " only). First output = microrig's first debugcon line, a few dozen"
              " instructions after reset (the quiet firmware prints none). `kvm-floor`"
              " rows: a program that only creates a one-page VM, runs three instructions and"
              " exits (harness/tools/kvm_floor.c), the host's share of any VMM's spawn to"
              " exit, run beside the engines. What boots:", ""]
    lines += [f"- `{key}`: {desc}" for key, desc, _, _ in ENGINE_VARIANTS]
    lines += ["", "| boot | engine | spawn to first output (ms) | mvm exec to first KVM_RUN (ms)"
              " | spawn to exit (ms) | peak RSS (KiB) |", "| --- | --- | --- | --- | --- | --- |"]
    fmt = lambda v, f: "n/a" if v is None else f.format(v)
    for (key, engine), v in eng.items():
        if isinstance(v, dict):
            lines.append(f"| {key} | {engine} | {fmt(v['spawn_to_firmware_ms'], '{:.1f}')} |"
                         f" {fmt(v['mvm_exec_to_first_run_ms'], '{:.1f}')} |"
                         f" {fmt(v['spawn_to_exit_ms'], '{:.1f}')} |"
                         f" {fmt(v['peak_rss_kib'], '{:.0f}')} |")
        else:
            lines.append(f"| {key} | {engine} | n/a: {v} | | | |")
    for mvm, qemu in (("mvm", "qemu-kvm"), ("nested-mvm", "nested-qemu-kvm")):
        for key, _, _, _ in ENGINE_VARIANTS:
            m, q = eng.get((key, mvm)), eng.get((key, qemu))
            if not (isinstance(m, dict) and isinstance(q, dict)):
                continue
            target = " (target <= 0.1x)" if key == "entry" else ""
            lines += ["", f"- `{key}`: {mvm} / {qemu}, spawn to exit: "
                      f"{ratio(m['spawn_to_exit_ms'], q['spawn_to_exit_ms'])}{target}",
                      f"- `{key}`: {mvm} / {qemu}, peak RSS: "
                      f"{ratio(m['peak_rss_kib'], q['peak_rss_kib'])}{target}"]
            if key == "probe":
                lines.append(f"- `{key}`: {mvm} / {qemu}, spawn to first output: "
                             f"{ratio(m['spawn_to_firmware_ms'], q['spawn_to_firmware_ms'])}")
            f = eng.get((key, FLOOR_ROWS[mvm]))
            if key == "entry" and isinstance(f, dict):
                above = lambda v: v["spawn_to_exit_ms"] - f["spawn_to_exit_ms"]
                lines.append(f"- `{key}`: above the host's floor ({FLOOR_ROWS[mvm]}, "
                             f"{f['spawn_to_exit_ms']:.1f} ms = "
                             f"{ratio(f['spawn_to_exit_ms'], q['spawn_to_exit_ms'])} of {qemu}): "
                             f"{mvm} {above(m):.1f} ms, {qemu} {above(q):.1f} ms: "
                             f"{ratio(above(m), above(q))}")
    lines += ["", "mvm's spawn to exit, stage by stage (ms, medians; `docs/protocol.md` names"
              " the stamps; the start and the end are the runner's clock, the same as mvm's):",
              "", "| boot | engine | " + " | ".join(h for _, h in MVM_STAGES) + " |",
              "| --- | --- |" + " --- |" * len(MVM_STAGES)]
    for (key, engine), v in eng.items():
        if isinstance(v, dict) and "mvm" in engine and "qemu" not in engine:
            lines.append(f"| {key} | {engine} | " + " | ".join(
                fmt(v.get(name), "{:.1f}") for name, _ in MVM_STAGES) + " |")
    for key, _, _, _ in ENGINE_VARIANTS:
        m, b = eng.get((key, "nested-mvm")), eng.get((key, BASELINE_MVM))
        if isinstance(m, dict) and isinstance(b, dict):
            lines.append(f"- `{key}`: nested-mvm before/after (this build / baseline), spawn to"
                         f" exit: {ratio(m['spawn_to_exit_ms'], b['spawn_to_exit_ms'])}")
    lines += ["", "## Linux: spawn to init under QEMU TCG", "",
              "All toggles on, host clock, spawn to `init: start`.", "",
              "| firmware/format | median ms | min | max |", "| --- | --- | --- | --- |"]
    lines += _spread_rows(lin)
    if lin_nested:
        lines += ["", "## Linux: spawn to init under KVM, nested", "",
                  "The project's Linux through microrig (bzImage), all toggles on, in the"
                  " sandbox (L1's clock; ratios only), engines interleaved in one L1 boot.", "",
                  "| engine | median ms | min | max |", "| --- | --- | --- | --- |"]
        lines += _spread_rows(lin_nested)
        med = lambda k: lin_nested[k]["median"] if isinstance(lin_nested.get(k), dict) else None
        lines += ["", "- nested-mvm / nested-qemu-kvm, spawn to init: "
                  f"{ratio(med('nested-mvm'), med('nested-qemu-kvm'))}"]
        if BASELINE_MVM in lin_nested:
            lines.append("- nested-mvm before/after (this build / baseline), spawn to init: "
                         f"{ratio(med('nested-mvm'), med(BASELINE_MVM))}")
    return "\n".join(lines) + "\n"


def main(runs=5, write=True, command="make bench", baseline=None, baseline_note="",
         baseline_mvm=None):
    fw = firmware_instructions(baseline)
    eng = engine_costs(runs, baseline_mvm)
    lin = linux_latency(runs)
    lin_nested = linux_nested_latency(runs, baseline_mvm)
    text = render(fw, eng, lin, runs, command, baseline_note, lin_nested)
    print(text)
    if write:
        path = ROOT / "BENCHMARKS.md"
        path.write_text(with_kept_notes(text, path.read_text() if path.exists() else ""))
    return 0


def with_kept_notes(text, old):
    """The new figures followed by the hand-written notes of the file they replace."""
    return text + ("\n" + old[old.index(NOTES_HEADING):] if NOTES_HEADING in old else "")
