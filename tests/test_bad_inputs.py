"""Bad inputs end with a clear error and a non-zero status within seconds.

Each entry of harness/badinputs.py is booted through microrig. Who must refuse it is part of
the entry: QEMU's own loader (its message on stderr, before any firmware runs) or the
firmware (an `error` line with the entry's stable code, and exit value 0x20 + n).
"""

import pytest

from harness import badinputs, runner

DEADLINE_S = 10
ENGINES = ("qemu-tcg", "qemu-kvm", "nested-qemu-kvm")
PARAMS = [pytest.param(bad, engine, id=f"{engine}-{bad.name}",
                       marks=[pytest.mark.xdist_group("nested")] if engine.startswith("nested")
                       else [])
          for engine in ENGINES for bad in badinputs.CORPUS]


@pytest.fixture(scope="module")
def nested_refusals(tmp_path_factory):
    """Every bad input under nested QEMU KVM, in one L1 boot: {name: Result}."""
    workdir = tmp_path_factory.mktemp("bad-nested")
    cases = {bad.name: badinputs.make_case(bad, "nested-qemu-kvm", workdir)
             for bad in badinputs.CORPUS}
    why = next(iter(cases.values())).skip_reason()
    if why:
        pytest.skip(why)
    done = runner.run_nested(list(cases.values()), timeout=DEADLINE_S)
    return dict(zip(cases, done))


@pytest.mark.parametrize("bad,engine", PARAMS)
def test_bad_input_is_refused_clearly(bad, engine, tmp_path, request):
    case = badinputs.make_case(bad, engine, tmp_path)
    why = case.skip_reason()
    if why:
        pytest.skip(why)
    if case.engine_def.nested:
        result = request.getfixturevalue("nested_refusals")[bad.name]
    else:
        result = runner.run(case, timeout=DEADLINE_S)
    assert not result.timed_out, f"{bad.name}: no exit within {DEADLINE_S} s\n{result.tail()}"
    refusals = bad.refusals()
    if len(refusals) > 1 and not result.report.of("microrig"):
        refusals = [r for r in refusals if r[0] == "qemu"]     # the firmware never ran
    who, words = refusals[-1] if len(refusals) > 1 else refusals[0]
    if who == "qemu":
        assert f"qemu: " in result.stderr.text() and words in result.stderr.text(), (
            f"{bad.name}: QEMU should refuse it with '{words}'\n{result.tail()}")
        assert result.status != 0 and result.report.probe_done() is None
        return
    errors = result.report.firmware_errors()
    assert errors, f"{bad.name}: the firmware printed no error line\n{result.tail()}"
    assert errors[0].get("code") == words, (
        f"{bad.name}: firmware error {errors[0]}, expected code {words}")
    assert errors[0].get("what"), f"{bad.name}: the error line has no sentence"
    assert result.exit_value is not None and result.exit_value >= 0x20, (
        f"{bad.name}: exit status {result.status} is not a firmware error (0x20 + n)")
    assert result.report.probe_done() is None, f"{bad.name}: the payload ran anyway"
