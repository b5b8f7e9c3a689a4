"""Judging a run: did the case do what the expected-device model says it must."""

from dataclasses import dataclass, field

from . import deviations, expect, figures

# Firmwares that write microrig's report lines; the references print nothing.
REPORTING_FIRMWARES = ("microrig",)


@dataclass
class Verdict:
    case_id: str
    passed: bool
    problems: list = field(default_factory=list)
    figures: dict = field(default_factory=dict)
    linux: dict = None

    @property
    def t_init_ms(self):
        return self.figures.get("spawn_to_init_ms")

    def message(self):
        return "; ".join(self.problems) if self.problems else "ok"


def judge(case, result):
    problems = []
    if result.timed_out:
        problems.append(f"killed: {result.killed_why}")
    if case.firmware in REPORTING_FIRMWARES:
        for err in result.report.firmware_errors():
            problems.append(f"firmware error {err.get('code')}: {err.get('what')}")
        problems += expect.check_firmware_report(case, result.report)
    if case.payload.kind == "linux":
        problems += _judge_linux(case, result)
    else:
        problems += _judge_probe(case, result)
    return Verdict(case.id, not problems, problems, figures.of(result),
                   result.report.init_report())


def _judge_linux(case, result):
    known = deviations.expected_failures(case)
    found = []       # (check, sentence)
    if result.report.init_started() is None:
        found.append(("init-start", "Linux never reached init (no `init: start` on the console)"))
    else:
        found += expect.linux_mismatches(case, result.report.init_report())
        if result.exit_value != 0:
            found.append(("exit", "init did not exit through port 0xf4 with 0"
                                  f" (status {result.status})"))
    return _against_known(found, known)


def _against_known(found, known):
    """Problems left after the known deviations: unknown failures, and known ones that
    did not happen."""
    problems = [text for check, text in found if check not in known]
    seen = {check for check, _ in found}
    for check, reason in known.items():
        if check not in seen:
            problems.append(f"known deviation no longer occurs, update harness/deviations.py:"
                            f" {check} ({reason})")
    return problems


def _judge_probe(case, result):
    known = deviations.expected_failures(case)
    found = [(check, f"probe check {check} failed: {what}")
             for verdict, check, what in result.report.probe_results() if verdict == "FAIL"]
    done = result.report.probe_done()
    if done is None:
        return [text for _, text in found] + ["the probe never finished (no `probe: done`)"]
    problems = _against_known(found, known)
    if result.exit_value != (1 if int(done.get("failed", "0")) else 0):
        problems.append(f"probe exit status {result.status} disagrees with its done line {done}")
    return problems
