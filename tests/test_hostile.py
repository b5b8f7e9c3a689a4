"""Hostile guests against mvm (issue 6), inside the nested sandbox: each variant of
guest/hostile programs devices badly (fw_cfg DMA outside RAM and wrapping, broken
virtqueues, every port, the MMIO hole with odd sizes) under mvm built with ASan+UBSan and
under the plain static mvm. mvm must keep running (the guest prints its result line and
exits through port 0xf4) or stop with its own device error; never crash, never a
sanitizer report. One L1 boot serves all jobs (harness/hostile.py)."""
import subprocess

import pytest

from harness import hostile, nested

JOB_IDS = [f"{v}-{tag}" for tag in ("asan", "static") for v in hostile.VARIANTS] + \
    ["blk-readonly-asan"]


@pytest.fixture(scope="module")
def results():
    subprocess.run(["make", "--no-print-directory", "hostile"], cwd=hostile.ROOT,
                   capture_output=True, timeout=600)
    why = hostile.missing()
    if why:
        pytest.skip(why)
    ok, reason = nested.available()
    if not ok:
        pytest.skip(f"nested sandbox unavailable: {reason}")
    return hostile.run_all()


@pytest.mark.parametrize("job_id", JOB_IDS)
def test_mvm_survives(results, job_id):
    kind, _, res = results[job_id]
    ok, why = hostile.verdict(kind, res)
    assert ok, f"{job_id}: {why}"
