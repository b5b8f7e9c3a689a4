"""The conformance matrix with the Linux guest: every engine x firmware x format x toggles.

Each case boots the guest to its init, which reports what Linux sees; the report must
match the expected-device model (harness/expect.py). A case that cannot run here is
skipped with its reason (no KVM that can run Linux, firmware not built, ...).
"""

import pytest

from harness import runner
from harness.cases import linux_cases
from harness.judge import judge

CASES = list(linux_cases())


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_linux_reaches_init_and_sees_the_toggles(case):
    why = case.skip_reason()
    if why:
        pytest.skip(why)
    result = runner.run(case)
    verdict = judge(case, result)
    assert verdict.passed, f"{case.id}: {verdict.message()}\n{' '.join(result.argv)}\n{result.tail()}"
