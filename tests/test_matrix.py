"""The conformance matrix: every engine x firmware x payload form x toggle set.

Linux cases boot the guest to its init, which reports what Linux sees; probe cases boot the
bare-metal probe, which checks the hand-off line by line; devices cases run the probe's
device suite, which drives every microvm device like a driver. Both are judged against the
expected-device model (harness/expect.py), microrig's own report included, with the known
deviations of harness/deviations.py asserted. A case that cannot run here is skipped with
its reason (no KVM that can run Linux, an engine that cannot start, no tap for virtio-net,
...).
"""

import pytest

from harness import runner
from harness.cases import devices_test_subset, linux_cases, probe_cases
from harness.judge import judge

# The device suite: its default virtio set on every toggle set, the other sets on two
# (make matrix boots every set on every toggle set).
CASES = [*linux_cases(), *probe_cases(), *devices_test_subset()]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case):
    missing = case.missing_artifact()
    if missing:
        pytest.fail(f"{case.id}: {missing} (make all should have built it)")
    why = case.skip_reason()
    if why:
        pytest.skip(why)
    result = runner.run(case)
    verdict = judge(case, result)
    if verdict.skipped:
        pytest.skip(verdict.skipped)
    assert verdict.passed, f"{case.id}: {verdict.message()}\n{' '.join(result.argv)}\n{result.tail()}"
