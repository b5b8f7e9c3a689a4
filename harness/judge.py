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
    problems = []
    if result.report.init_started() is None:
        problems.append("Linux never reached init (no `init: start` on the console)")
        return problems
    problems += expect.check_linux_report(case, result.report.init_report())
    if result.exit_value != 0:
        problems.append(f"init did not exit through port 0xf4 with 0 (status {result.status})")
    return problems


def _judge_probe(case, result):
    problems = []
    known = deviations.expected_failures(case)
    verdicts = {}
    for verdict, check, what in result.report.probe_results():
        verdicts[check] = verdict
        if verdict == "FAIL" and check not in known:
            problems.append(f"probe check {check} failed: {what}")
    done = result.report.probe_done()
    if done is None:
        problems.append("the probe never finished (no `probe: done`)")
        return problems
    for check, reason in known.items():
        if verdicts.get(check) == "PASS":
            problems.append(f"known deviation no longer occurs, update harness/deviations.py:"
                            f" {check} passed ({reason})")
    if result.exit_value != (1 if int(done.get("failed", "0")) else 0):
        problems.append(f"probe exit status {result.status} disagrees with its done line {done}")
    return problems
