"""python3 -m harness: the command-line face of the harness."""

import argparse
import sys

from . import cases as casemod
from . import judge as judging
from . import matrix, runner
from .cases import ALL_TOGGLES, Case, Toggles
from .engines import ENGINES
from .firmware import FIRMWARES
from .paths import RESULTS
from .payloads import Payload


def parse_case_id(text):
    """'qemu-tcg-qboot-linux-pvh-pit1-pic1-rtc1-ser1' -> Case."""
    for engine in sorted(ENGINES, key=len, reverse=True):
        if text.startswith(engine + "-"):
            rest = text[len(engine) + 1:].split("-")
            break
    else:
        raise SystemExit(f"harness: case {text!r}: unknown engine (known: {', '.join(ENGINES)})")
    if len(rest) != 7:
        raise SystemExit(f"harness: case {text!r}: expected ENGINE-FIRMWARE-PAYLOAD-FORM-"
                         "pitN-picN-rtcN-serN")
    fw, kind, form = rest[0], rest[1], rest[2]
    if fw not in FIRMWARES:
        raise SystemExit(f"harness: case {text!r}: unknown firmware {fw!r}")
    handoff = None
    if form.startswith("bz") and form != "bz":
        form, handoff = "bz", form[2:]
    return Case(engine, fw, Payload(kind, form), Toggles.parse("-".join(rest[3:])),
                handoff=handoff)


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
    print(f"{'PASS' if verdict.passed else 'FAIL'} {case.id}: {verdict.message()}")
    return 0 if verdict.passed else 1


def cmd_matrix(args):
    cases = list(casemod.linux_cases(engines=args.engines, firmwares=args.firmwares))
    results = matrix.run_cases(cases, jobs=args.jobs)
    print(matrix.table(results))
    p, f, s = matrix.summary(results)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "matrix.json").write_text(matrix.to_json(results))
    (RESULTS / "matrix.md").write_text(matrix.table(results) + "\n")
    print(f"\n{p} passed, {f} failed, {s} skipped; results in {RESULTS}/matrix.json")
    for case, v, why in results:
        if v is None:
            print(f"skipped {case.id}: {why}")
    return 1 if f else 0


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m harness", description=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="boot one case by its id and print what it did")
    r.add_argument("case")
    m = sub.add_parser("matrix", help="boot the conformance matrix and print the table")
    m.add_argument("--engines", nargs="+", default=list(ENGINES), choices=list(ENGINES))
    m.add_argument("--firmwares", nargs="+", default=list(FIRMWARES), choices=list(FIRMWARES))
    m.add_argument("--jobs", type=int, default=None)
    args = ap.parse_args(argv)
    return {"run": cmd_run, "matrix": cmd_matrix}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
