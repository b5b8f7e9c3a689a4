"""Hostile guests against mvm (issue 6), inside the nested sandbox: each variant of
guest/hostile programs devices badly (fw_cfg DMA outside RAM and wrapping, broken
virtqueues, every port, the MMIO hole with odd sizes) under mvm built with ASan+UBSan and
under the plain static mvm. mvm must keep running (the guest prints its result line and
exits through port 0xf4) or stop with its own device error; never crash, never a
sanitizer report. One L1 boot serves all jobs (harness/hostile.py)."""
import pytest

from harness import hostile

JOB_IDS = [f"{v}-{tag}" for tag in ("asan", "static") for v in hostile.VARIANTS] + \
    ["blk-readonly-asan"]


pytestmark = pytest.mark.xdist_group("nested")


@pytest.mark.parametrize("job_id", JOB_IDS)
def test_mvm_survives(hostile_results, job_id):
    kind, _, res = hostile_results[job_id]
    ok, why = hostile.verdict(kind, res)
    assert ok, f"{job_id}: {why}"
