"""Fixtures shared by test modules."""

import pytest

from harness import hostile, nested


@pytest.fixture(scope="session")
def hostile_results():
    """Every hostile-guest and data-safety job (harness/hostile.py), in one L1 boot that
    test_hostile.py and test_data_safety.py share (both are in the "nested" xdist group,
    so one worker runs them and the fixture once)."""
    why = hostile.missing()
    if why:
        pytest.fail(f"{why}: make all should have built it")
    ok, reason = nested.available()
    if not ok:
        pytest.skip(f"nested sandbox unavailable: {reason}")
    return hostile.run_all()
