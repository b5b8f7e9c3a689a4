"""Linux under real KVM, in the nested sandbox: an L1 Linux under QEMU TCG with emulated SVM
runs mvm and QEMU KVM (guest/l1/README.md). One L1 boot runs every case of this module;
the cases are judged exactly as the direct engines' are.

Skipped, with the reason, where the sandbox cannot run (no QEMU, no cloud kernel package).
"""

import dataclasses

import pytest

from harness import deviations, runner
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
    return {case.id: result for case, result in zip(CASES, runner.run_nested(CASES))}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_nested_case(case, nested_results):
    result = nested_results[case.id]
    verdict = judge(case, result)
    if verdict.skipped:
        pytest.skip(verdict.skipped)
    assert verdict.passed, f"{case.id}: {verdict.message()}\n{' '.join(result.argv)}\n{result.tail()}"


def test_engines_agree_on_every_device_check(nested_results):
    """The device suite gives the same verdict per check on TCG, QEMU KVM and mvm, but for
    the differences listed (with their reasons) in harness/deviations.py: for every virtio
    set and toggle set the sandbox ran, beside the same case under TCG."""
    problems, seen = [], set()
    groups = {}
    for case in CASES:
        if case.payload.kind == "devices":
            groups.setdefault((case.device_set, case.toggles), []).append(case)
    for (device_set, t), cases in groups.items():
        twin = dataclasses.replace(cases[0], engine="qemu-tcg")
        verdicts = {c.engine: judge(c, nested_results[c.id]) for c in cases}
        verdicts[twin.engine] = judge(twin, runner.run(twin))
        if any(v.skipped for v in verdicts.values()):
            continue        # no tap on one side: nothing to compare
        found, differed = deviations.compare_engines(
            {engine: v.checks for engine, v in verdicts.items()})
        problems += [f"{device_set} {t.id}: {p}" for p in found]
        seen |= differed
    gone = deviations.differences_for(("qemu-tcg", "nested-qemu-kvm", "nested-mvm")) - seen
    problems += [f"listed engine difference no longer occurs: {c}" for c in sorted(gone)]
    assert not problems, "\n".join(problems)


def test_mvm_and_qemu_kvm_agree_on_the_hand_off(nested_results):
    """mvm hands the same machine to qboot and microrig as QEMU KVM does: the probe's
    verdicts match check for check on every toggle set."""
    problems = []
    for case in CASES:
        if case.engine != "nested-mvm" or case.payload.kind != "probe":
            continue
        twin = dataclasses.replace(case, engine="nested-qemu-kvm")
        by_engine = {c.engine: judge(c, nested_results[c.id]).checks for c in (case, twin)}
        found, _ = deviations.compare_engines(by_engine)
        problems += [f"{case.firmware} {case.toggles.id}: {p}" for p in found]
    assert not problems, "\n".join(problems)
