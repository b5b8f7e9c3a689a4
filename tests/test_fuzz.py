"""The libFuzzer targets of tests/fuzz/, a short bounded pass each (`make fuzz` runs 10^6
executions of each on demand).

For each target: first every kept input runs once (the seed corpus in
tests/fuzz/corpus/<target>/ and the reproducers of past findings in
tests/fuzz/findings/<target>/: a finding fails here until it is fixed), then the fuzzer runs
for FUZZ_SECONDS from the corpus. Any crash, sanitizer report, leak or abort fails the test
with the reproducer's path and the report's first lines. New inputs go to build/fuzz/work/,
never into the repository.
"""
import os
import pathlib
import re
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
FUZZ = ROOT / "tests" / "fuzz"
OUT = ROOT / "build" / "fuzz"
TARGETS = ("fw_cfg", "virtqueue", "options", "fw_cmdline", "fw_kernel")
# 5 targets x (20 s of fuzzing + start-up and the kept inputs): under 2 minutes in all.
FUZZ_SECONDS = int(os.environ.get("MICRORIG_FUZZ_SECONDS", "20"))
# The bounded run in `make test` is reproducible: a fixed seed, from a fresh work folder,
# so a red CI run can be replayed exactly; `make fuzz` and MICRORIG_FUZZ_SEED=0 explore.
FUZZ_SEED = int(os.environ.get("MICRORIG_FUZZ_SEED", "1"))
REPLAY_TIMEOUT_S = 60
FUZZ_TIMEOUT_S = FUZZ_SECONDS + 60     # libFuzzer stops itself; this only guards a hang


def _clang():
    return shutil.which("clang")


@pytest.fixture(scope="module")
def built():
    if not _clang():
        pytest.skip("clang is not installed (Debian: clang, libclang-rt-14-dev)")
    r = subprocess.run(["make", "--no-print-directory", "fuzz-build"], cwd=ROOT,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, f"make fuzz-build failed:\n{r.stdout[-2000:]}{r.stderr[-3000:]}"
    return True


def _report(log):
    """The sanitizer's or libFuzzer's verdict: the first lines that say what happened."""
    keep = [line for line in log.splitlines()
            if re.search(r"ERROR|SUMMARY|runtime error|fw_shim:|virtqueue:|options:|"
                         r"Test unit written|Running: ", line)
            or re.search(r"#\d+ 0x\w+ in .* (vmm|firmware|tests/fuzz)/", line)]
    return "\n".join(keep[:25])


def _findings(target):
    d = FUZZ / "findings" / target
    return sorted(p for p in d.iterdir() if p.is_file()) if d.is_dir() else []


@pytest.mark.parametrize("target", TARGETS)
def test_kept_inputs(built, target):
    """The seed corpus runs clean (one process: -runs=0 executes each input once), and so
    does each past finding's reproducer (one process each, to name every one that fails)."""
    failed = []
    corpus = FUZZ / "corpus" / target
    r = subprocess.run([str(OUT / f"fuzz_{target}"), "-runs=0", str(corpus)], cwd=ROOT,
                       capture_output=True, text=True, timeout=REPLAY_TIMEOUT_S)
    if r.returncode != 0:
        failed.append(f"{corpus.relative_to(ROOT)} (an input of the corpus):\n{_report(r.stderr)}")
    for path in _findings(target):
        r = subprocess.run([str(OUT / f"fuzz_{target}"), str(path)], cwd=ROOT,
                           capture_output=True, text=True, timeout=REPLAY_TIMEOUT_S)
        if r.returncode != 0:
            failed.append(f"{path.relative_to(ROOT)}:\n{_report(r.stderr)}")
    assert not failed, f"fuzz_{target}: {len(failed)} kept input(s) fail:\n" + "\n\n".join(failed)


@pytest.mark.parametrize("target", TARGETS)
def test_fuzz_bounded(built, target, tmp_path):
    """FUZZ_SECONDS of fuzzing from the corpus find nothing."""
    work = tmp_path / "work"
    work.mkdir()
    prefix = OUT / f"crash-{target}-"
    r = subprocess.run([str(OUT / f"fuzz_{target}"), f"-max_total_time={FUZZ_SECONDS}",
                        f"-seed={FUZZ_SEED}",
                        "-print_final_stats=1", f"-artifact_prefix={prefix}", "-timeout=10",
                        str(work), str(FUZZ / "corpus" / target)],
                       cwd=ROOT, capture_output=True, text=True, timeout=FUZZ_TIMEOUT_S)
    m = re.search(r"Test unit written to (\S+)", r.stderr)
    where = f"reproducer: {m.group(1)}" if m else "no reproducer written"
    assert r.returncode == 0, (f"fuzz_{target} found a problem ({where}; rerun it with "
                               f"build/fuzz/fuzz_{target} <file>):\n{_report(r.stderr)}")
    runs = re.search(r"stat::number_of_executed_units:\s*(\d+)", r.stderr)
    assert runs and int(runs.group(1)) > 0, f"fuzz_{target} ran nothing:\n{r.stderr[-2000:]}"
