"""Running many cases, in parallel, and presenting them as the conformance matrix."""

import concurrent.futures
import json
import os
import sys
import time

from . import judge as judging
from . import runner


def run_cases(cases, jobs=None, progress=sys.stderr):
    """Run every case that can run here; returns [(case, verdict or None, skip_reason)]."""
    jobs = jobs or os.cpu_count() or 1
    todo = [(c, c.skip_reason()) for c in cases]
    runnable = [c for c, why in todo if not why]
    verdicts = {}
    t0 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(_run_one, c): c for c in runnable}
        for k, fut in enumerate(concurrent.futures.as_completed(futures), 1):
            case = futures[fut]
            verdicts[case.id] = fut.result()
            elapsed = time.monotonic() - t0
            eta = elapsed / k * (len(runnable) - k)
            if progress:
                v = verdicts[case.id]
                print(f"[{k}/{len(runnable)} {elapsed:5.0f}s, ~{eta:.0f}s left] "
                      f"{'PASS' if v.passed else 'FAIL'} {case.id}"
                      + ("" if v.passed else f": {v.message()}"), file=progress, flush=True)
    return [(c, verdicts.get(c.id), why) for c, why in todo]


def _run_one(case):
    return judging.judge(case, runner.run(case))


def column_of(case):
    form = case.payload.form
    if case.handoff:
        form = case.handoff if case.handoff == "pvh" else f"{form}{case.handoff}"
    return f"{case.engine}/{case.firmware}/{form}"


def table(results):
    """Markdown table: rows = toggle sets, columns = engine/firmware/format."""
    cols, rows, cells = [], [], {}
    for case, verdict, why in results:
        col, row = column_of(case), case.toggles.id
        if col not in cols:
            cols.append(col)
        if row not in rows:
            rows.append(row)
        if verdict is None:
            cells[row, col] = "skip"
        elif verdict.passed:
            cells[row, col] = f"ok {verdict.t_init_ms:.0f}" if verdict.t_init_ms else "ok"
        else:
            cells[row, col] = "FAIL"
    out = ["| toggles | " + " | ".join(cols) + " |",
           "| --- |" + " --- |" * len(cols)]
    for row in rows:
        out.append(f"| {row} | " + " | ".join(cells.get((row, c), "") for c in cols) + " |")
    return "\n".join(out)


def summary(results):
    passed = sum(1 for _, v, _ in results if v and v.passed)
    failed = sum(1 for _, v, _ in results if v and not v.passed)
    skipped = sum(1 for _, v, _ in results if v is None)
    return passed, failed, skipped


def to_json(results):
    out = []
    for case, verdict, why in results:
        entry = {"id": case.id, "engine": case.engine, "firmware": case.firmware,
                 "payload": case.payload.kind, "form": case.payload.form,
                 "handoff": case.handoff, "toggles": case.toggles.id}
        if verdict is None:
            entry.update(result="skip", reason=why)
        else:
            entry.update(result="pass" if verdict.passed else "fail",
                         problems=verdict.problems, t_init_ms=verdict.t_init_ms,
                         elapsed_ms=verdict.elapsed_ms, linux=verdict.linux)
        out.append(entry)
    return json.dumps(out, indent=1)
