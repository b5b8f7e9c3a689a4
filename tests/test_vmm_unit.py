"""mvm's host-side C unit tests (vmm/tests/test_*.c), each built plain and with
AddressSanitizer + UndefinedBehaviorSanitizer by `make all`. One pytest id per binary:
`vmm-unit-<test>-plain` / `vmm-unit-<test>-asan-ubsan`. A sanitizer finding fails."""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "vmm" / "tests").glob("test_*.c"))
BUILD = ROOT / "build" / "vmm" / "tests"

CASES = [(src.stem, flavour) for src in SOURCES for flavour in ("plain", "asan-ubsan")]


@pytest.mark.parametrize(
    "name,flavour", CASES, ids=[f"vmm-unit-{n}-{f}" for n, f in CASES])
def test_vmm_unit(name, flavour):
    binary = BUILD / (name if flavour == "plain" else f"san-{name}")
    assert binary.exists(), f"{binary} was not built (run make all)"
    env = dict(os.environ,
               ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=99",
               UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=98")
    r = subprocess.run([str(binary)], capture_output=True, text=True, timeout=60, env=env,
                       cwd=ROOT)
    failures = [line for line in r.stdout.splitlines() if line.startswith("FAIL")]
    assert r.returncode == 0, (
        f"{name} ({flavour}) exited {r.returncode}\n" + "\n".join(failures) +
        f"\n--- stderr ---\n{r.stderr[-4000:]}")
    assert "runtime error" not in r.stderr, r.stderr[-4000:]
