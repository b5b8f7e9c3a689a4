"""No data lost (issue 6): a guest writes a pattern to virtio-blk, flushes, and mvm is
killed with SIGKILL right after the guest says so; the image must hold every sector.
Read-only drives refuse writes with an error status (tests/test_hostile.py's
blk-readonly job checks the status; here the image of a read-only run is left as is).
Runs inside the nested sandbox, in the same L1 boot as the hostile guests."""
import pytest

from harness import hostile

pytestmark = pytest.mark.xdist_group("nested")


def test_flushed_data_survives_sigkill(hostile_results):
    kind, _, res = hostile_results["blk-flush-sigkill"]
    ok, why = hostile.verdict(kind, res, hostile.flush_copy())
    assert ok, why


def test_readonly_drive_refuses_writes(hostile_results):
    kind, _, res = hostile_results["blk-readonly-asan"]
    ok, why = hostile.verdict(kind, res)
    assert ok, why
    assert "write_status=0" not in why
