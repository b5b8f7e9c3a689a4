"""python3 -m harness: the command-line face of the harness.

  run CASE-ID          boot one case and print its command line, output and verdict
  list                 list the case ids of a selection
  matrix               boot a selection, print the table, write results/
  merge FILE...        merge shards' JSON into one report
  bench                firmware instructions, engine costs, Linux latency; writes BENCHMARKS.md
  ktrace CASE-ID       a nested case under L1's scheduler tracing: its kernel waits
"""

import argparse
import json
import platform
import sys
import time

from . import cases as casemod
from . import judge as judging
from . import deviations, figures, matrix, results, runner
from .cases import Case, Toggles
from .engines import ENGINES
from .firmware import FIRMWARES
from .paths import RESULTS
from .payloads import Payload


def parse_case_id(text):
    """'qemu-tcg-qboot-linux-pvh-pit1-pic1-rtc1-ser1' -> Case; a devices case names its
    virtio set after the form: 'qemu-tcg-qboot-devices-pvh-blk+console-pit1-...'."""
    for engine in sorted(ENGINES, key=len, reverse=True):
        if text.startswith(engine + "-"):
            rest = text[len(engine) + 1:].split("-")
            break
    else:
        raise SystemExit(f"harness: case {text!r}: unknown engine (known: {', '.join(ENGINES)})")
    devices = len(rest) > 1 and rest[1] == "devices"
    if len(rest) != (8 if devices else 7):
        raise SystemExit(f"harness: case {text!r}: expected ENGINE-FIRMWARE-PAYLOAD-FORM-"
                         "pitN-picN-rtcN-serN (devices: ENGINE-FIRMWARE-devices-FORM-SET-"
                         "pitN-picN-rtcN-serN, SET e.g. blk+console or none)")
    fw, kind, form = rest[0], rest[1], rest[2]
    if fw not in FIRMWARES:
        raise SystemExit(f"harness: case {text!r}: unknown firmware {fw!r}")
    handoff = None
    if form.startswith("bz") and form != "bz":
        form, handoff = "bz", form[2:]
    try:
        toggles = Toggles.parse("-".join(rest[-4:]))
        if devices:
            virtio = casemod.parse_device_set(rest[3])
    except ValueError as e:
        raise SystemExit(f"harness: case {text!r}: {e}") from None
    if devices:
        return Case(engine, fw, Payload(kind, form), toggles, virtio=virtio,
                    cpus=casemod.DEVICE_CPUS)
    return Case(engine, fw, Payload(kind, form), toggles, handoff=handoff)


def select(args):
    cases = []
    if "linux" in args.payloads:
        cases += casemod.linux_cases(engines=args.engines, firmwares=args.firmwares)
    if "probe" in args.payloads:
        cases += casemod.probe_cases(engines=args.engines, firmwares=args.firmwares)
    if "devices" in args.payloads:
        cases += casemod.devices_cases(engines=args.engines, firmwares=args.firmwares,
                                       sets=args.device_sets)
    if args.shard:
        cases = results.select_shard(cases, args.shard)
    return cases


def cmd_run(args):
    case = parse_case_id(args.case)
    why = case.skip_reason()
    if why:
        print(f"skip {case.id}: {why}")
        return 0
    result = runner.run(case)
    print(" ".join(result.argv))
    print(result.tail(200))
    verdict = judging.judge(case, result)
    for name, value in sorted(verdict.figures.items()):
        print(f"  {name} = {value:.3f}")
    print(f"{'PASS' if verdict.passed else 'FAIL'} {case.id}: {verdict.message()}")
    return 0 if verdict.passed else 1


def cmd_list(args):
    for case in select(args):
        why = case.skip_reason()
        print(case.id + (f"  (skip: {why})" if why else ""))
    return 0


def cmd_matrix(args):
    cases = select(args)
    records = matrix.run_cases(cases, jobs=args.jobs, runs=args.runs)
    records_by = {}
    for rec in records:
        if rec["payload"] == "devices" and rec["result"] != "skip":
            key = (rec["firmware"], rec["virtio"], rec["toggles"])
            records_by.setdefault(key, {})[rec["engine"]] = rec["checks"]
    differences = []
    for (fw, virtio, toggles), by_engine in sorted(records_by.items()):
        if len(by_engine) > 1:
            found, _ = deviations.compare_engines(by_engine, fw)
            differences += [f"{fw} {virtio} {toggles}: {p}" for p in found]
    for line in differences:
        print(f"ENGINES DISAGREE {line}")
    meta = {"machine": platform.node(), "kernel": platform.release(), "runs": args.runs,
            "figure_sources": figures.SOURCES,
            "engine_disagreements": differences,
            "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "shard": "/".join(map(str, args.shard)) if args.shard else None}
    status = write_and_print(results.document(records, meta), args.out)
    return status or (1 if differences else 0)


def cmd_merge(args):
    docs = [json.loads(open(f).read()) for f in args.files]
    try:
        doc = results.merge(docs)
    except ValueError as e:
        print(f"harness: {e}", file=sys.stderr)
        return 2
    return write_and_print(doc, args.out)


def write_and_print(doc, out):
    out.mkdir(parents=True, exist_ok=True)
    (out / "matrix.json").write_text(results.dumps(doc))
    (out / "matrix.md").write_text(results.markdown(doc))
    (out / "junit.xml").write_text(results.junit(doc))
    try:
        from . import plot   # matplotlib is slow to import: only where a plot is made
        plotted = plot.latency_png(doc, out / "latency.png")
    except ImportError as e:
        # The results are written; a missing plot must not cost the run's verdict.
        print(f"harness: no latency.png: {sys.executable} cannot import matplotlib ({e});"
              " `make matrix` installs python3-matplotlib and uses /usr/bin/python3",
              file=sys.stderr)
        plotted = False
    print(results.markdown(doc))
    for rec in doc["cases"]:
        if rec["result"] == "fail":
            flaky = f" (FLAKY: passed {rec['passed_runs']} of {rec['runs']} runs)" \
                if rec.get("flaky") else ""
            print(f"FAIL {rec['id']}{flaky}: {'; '.join(rec['problems'])}")
    reasons = {}
    for rec in doc["cases"]:
        if rec["result"] == "skip":
            reasons[rec["reason"]] = reasons.get(rec["reason"], 0) + 1
    for why, n in sorted(reasons.items()):
        print(f"skipped {n} cases: {why}")
    c = results.counts(doc)
    print(f"\n{c['pass']} passed, {c['fail']} failed ({c['flaky']} of them flaky),"
          f" {c['skip']} skipped;"
          f" results in {out}/ (matrix.json, matrix.md, junit.xml"
          f"{', latency.png' if plotted else ''})")
    return 1 if c["fail"] else 0


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m harness", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="boot one case by its id and print what it did")
    r.add_argument("case")
    for name, helptext in (("list", "list the cases of a selection"),
                           ("matrix", "boot a selection, print the table, write results/")):
        m = sub.add_parser(name, help=helptext)
        m.add_argument("--engines", nargs="+", default=list(ENGINES), choices=list(ENGINES))
        m.add_argument("--firmwares", nargs="+", default=list(FIRMWARES),
                       choices=list(FIRMWARES))
        m.add_argument("--payloads", nargs="+", default=["linux", "probe", "devices"],
                       choices=["linux", "probe", "devices"])
        m.add_argument("--device-sets", nargs="+", type=_device_set,
                       default=list(casemod.DEVICE_SETS), metavar="SET",
                       help="the device suite's virtio sets (default: "
                       + " ".join(casemod.device_set_name(s) for s in casemod.DEVICE_SETS)
                       + ")")
        m.add_argument("--shard", type=_shard, default=None, metavar="K/N",
                       help="run only the K-th of N stable shares of the cases")
        if name == "matrix":
            m.add_argument("--jobs", type=int, default=None, help="cases run at once")
            m.add_argument("--runs", type=int, default=1, help="boots per case (medians)")
            m.add_argument("--out", type=_path, default=RESULTS)
    g = sub.add_parser("merge", help="merge shards' matrix.json files into one report")
    g.add_argument("files", nargs="+")
    g.add_argument("--out", type=_path, default=RESULTS)
    k = sub.add_parser("ktrace", help="boot one nested case under L1's scheduler tracing and"
                       " say which kernel waits its time went to")
    k.add_argument("case", help="a nested-* case id, or kvm-floor (make bench's floor)")
    k.add_argument("--events", default=None,
                   help="more tracepoints to record, \"SYSTEM:EVENT ...\" (for --raw)")
    k.add_argument("--raw", type=_path, default=None, help="write the whole trace here")
    b = sub.add_parser("bench", help="measure latency side by side; write BENCHMARKS.md")
    b.add_argument("--runs", type=int, default=5)
    b.add_argument("--no-write", action="store_true", help="print only")
    b.add_argument("--baseline-rom", type=_path, default=None,
                   help="an earlier microrig.rom to measure beside the current one")
    b.add_argument("--baseline-mvm", type=_path, default=None,
                   help="an earlier static mvm (build/mvm.static) to measure beside the"
                   " current one in the nested sandbox")
    b.add_argument("--baseline-note", default="",
                   help="a sentence for BENCHMARKS.md saying what the baselines are")
    args = ap.parse_args(argv)
    return {"run": cmd_run, "list": cmd_list, "matrix": cmd_matrix,
            "merge": cmd_merge, "bench": cmd_bench, "ktrace": cmd_ktrace}[args.cmd](args)


def cmd_ktrace(args):
    from . import ktrace, nested
    if args.case == "kvm-floor":
        item, title = "kvm-floor", "kvm-floor"
    else:
        item = parse_case_id(args.case)
        title = item.id
        if not item.engine_def.nested:
            print(f"ktrace: {item.id}: ktrace runs in the nested sandbox; use a nested-* engine",
                  file=sys.stderr)
            return 2
        why = item.skip_reason()
        if why:
            print(f"skip {item.id}: {why}")
            return 0
    ok, why = nested.available()
    if not ok:
        print(f"skip {title}: nested sandbox: {why}")
        return 0
    result, summary = ktrace.trace(item, args.events)
    if args.raw:
        args.raw.write_text("\n".join(t for _, t in result.stderr.lines) + "\n")
    print(ktrace.render(title, result, summary))
    return 0 if summary.pid is not None else 1


def cmd_bench(args):
    from . import bench
    command = f"python3 -m harness bench --runs {args.runs}"
    if args.baseline_rom:
        command += f" --baseline-rom {args.baseline_rom}"
    if args.baseline_mvm:
        command += f" --baseline-mvm {args.baseline_mvm}"
    return bench.main(runs=args.runs, write=not args.no_write, command=command,
                      baseline=args.baseline_rom, baseline_note=args.baseline_note,
                      baseline_mvm=args.baseline_mvm)


def _device_set(text):
    try:
        return casemod.parse_device_set(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _shard(text):
    try:
        return results.parse_shard(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _path(text):
    from pathlib import Path
    return Path(text)


if __name__ == "__main__":
    sys.exit(main())
