"""Linux under real KVM, in the nested sandbox: an L1 Linux under QEMU TCG with emulated SVM
runs mvm and QEMU KVM (guest/l1/README.md). One L1 boot runs every case of this module;
the cases are judged exactly as the direct engines' are.

Skipped, with the reason, where the sandbox cannot run (no QEMU, no cloud kernel package).
"""

import pytest

from harness import runner
from harness.cases import nested_subset
from harness.judge import judge

CASES = nested_subset()
pytestmark = pytest.mark.xdist_group("nested")


@pytest.fixture(scope="module")
def nested_results():
    ok, why = CASES[0].engine_def.available()
    if not ok:
        pytest.skip(f"nested sandbox: {why}")
    missing = {c.missing_artifact() for c in CASES} - {""}
    if missing:
        pytest.fail(f"build outputs missing (make all should have built them): {missing}")
    return runner.run_nested(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_nested_case(case, nested_results):
    result = nested_results[case.id]
    verdict = judge(case, result)
    assert verdict.passed, f"{case.id}: {verdict.message()}\n{' '.join(result.argv)}\n{result.tail()}"
