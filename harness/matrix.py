"""Running many cases in parallel, repeated N times, with progress lines."""

import concurrent.futures
import os
import sys
import time

from . import judge as judging
from . import results, runner


def default_jobs():
    """Parallel cases: one per core. Each TCG or KVM guest keeps one core busy."""
    return os.cpu_count() or 1


def run_cases(cases, jobs=None, runs=1, progress=sys.stderr):
    """Run every case that can run here `runs` times; returns result records (dicts)."""
    jobs = jobs or default_jobs()
    skips = {c.id: c.skip_reason() for c in cases}
    work = [(c, n) for n in range(runs) for c in cases if not skips[c.id]]
    verdicts = {c.id: [] for c in cases}
    t0 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(_run_one, c): c for c, _ in work}
        for k, fut in enumerate(concurrent.futures.as_completed(futures), 1):
            case = futures[fut]
            v = fut.result()
            verdicts[case.id].append(v)
            if progress:
                elapsed = time.monotonic() - t0
                eta = elapsed / k * (len(work) - k)
                print(f"[{k}/{len(work)} {elapsed:4.0f}s elapsed, ~{eta:.0f}s left] "
                      f"{'PASS' if v.passed else 'FAIL'} {case.id}"
                      + ("" if v.passed else f": {v.message()}"), file=progress, flush=True)
    return [results.record(c, verdicts[c.id], skips[c.id]) for c in cases]


def _run_one(case):
    return judging.judge(case, runner.run(case))
