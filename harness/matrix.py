"""Running many cases in parallel, repeated N times, with progress lines.

Direct cases run one engine process each, `jobs` at a time. Nested cases (inside the L1
sandbox) run in batches, one L1 boot per batch, so that the sandbox's boot is paid once per
batch rather than once per case; each batch takes one of the `jobs` slots.
"""

import concurrent.futures
import os
import sys
import threading
import time

from . import judge as judging
from . import results, runner

# Cases per L1 boot: enough to amortise its boot (about 15 s under TCG), few enough that a
# lost L1 costs little and that progress lines keep coming.
NESTED_BATCH = 24


def default_jobs():
    """Parallel slots: one per core. Each TCG or KVM guest keeps one core busy."""
    return os.cpu_count() or 1


class _Progress:
    def __init__(self, total, out):
        self.total, self.out, self.k = total, out, 0
        self.t0 = time.monotonic()
        self.lock = threading.Lock()

    def done(self, case, verdict):
        if not self.out:
            return
        with self.lock:
            self.k += 1
            elapsed = time.monotonic() - self.t0
            eta = elapsed / self.k * (self.total - self.k)
            print(f"[{self.k}/{self.total} {elapsed:4.0f}s elapsed, ~{eta:.0f}s left] "
                  f"{_word(verdict)} {case.id}"
                  + ("" if verdict.passed else f": {verdict.message()}"),
                  file=self.out, flush=True)


def _word(verdict):
    return "SKIP" if verdict.skipped else "PASS" if verdict.passed else "FAIL"


def run_cases(cases, jobs=None, runs=1, progress=sys.stderr):
    """Run every case that can run here `runs` times; returns result records (dicts)."""
    jobs = jobs or default_jobs()
    skips = {c.id: c.skip_reason() for c in cases}
    runnable = [c for c in cases if not skips[c.id]]
    direct = [c for c in runnable if not c.engine_def.nested]
    nested = [c for c in runnable if c.engine_def.nested]
    verdicts = {c.id: [] for c in cases}
    prog = _Progress(len(runnable) * runs, progress)

    def one(case):
        v = judging.judge(case, runner.run(case))
        prog.done(case, v)
        return [(case, v)]

    def batch(group):
        out = []
        for case, result in zip(group, runner.run_nested(group)):
            v = judging.judge(case, result)
            prog.done(case, v)
            out.append((case, v))
        return out

    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = []
        for _ in range(runs):
            for i in range(0, len(nested), NESTED_BATCH):
                futures.append(pool.submit(batch, nested[i:i + NESTED_BATCH]))
            futures += [pool.submit(one, c) for c in direct]
        for fut in concurrent.futures.as_completed(futures):
            for case, v in fut.result():
                if v.skipped:       # it could not run here after all (no tap in L1)
                    skips[case.id] = v.skipped
                else:
                    verdicts[case.id].append(v)
    return [results.record(c, verdicts[c.id], skips[c.id]) for c in cases]
