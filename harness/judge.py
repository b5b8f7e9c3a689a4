"""Judging a run: did the case do what the expected-device model says it must."""

from dataclasses import dataclass, field

from . import deviations, expect, figures, probeargs

# Firmwares that write microrig's report lines; the references print nothing.
REPORTING_FIRMWARES = ("microrig",)


@dataclass
class Verdict:
    case_id: str
    passed: bool
    problems: list = field(default_factory=list)
    figures: dict = field(default_factory=dict)
    linux: dict = None
    checks: dict = field(default_factory=dict)    # probe check id -> PASS/FAIL/SKIP

    @property
    def t_init_ms(self):
        return self.figures.get("spawn_to_init_ms")

    def message(self):
        return "; ".join(self.problems) if self.problems else "ok"


def judge(case, result):
    problems = []
    if result.timed_out:
        problems.append(f"killed: {result.killed_why}")
    for text in result.report.malformed:
        problems.append(f"malformed report line: {text!r}")
    if case.firmware in REPORTING_FIRMWARES:
        for err in result.report.firmware_errors():
            problems.append(f"firmware error {err.get('code')}: {err.get('what')}")
        problems += expect.check_firmware_report(case, result.report)
    if case.payload.kind == "linux":
        problems += _judge_linux(case, result)
    else:
        problems += _judge_probe(case, result)
    if case.payload.kind == "devices":
        problems += _judge_device_outputs(case, result)
    checks = {check: verdict for verdict, check, _ in result.report.probe_results()}
    return Verdict(case.id, not problems, problems, figures.of(result),
                   result.report.init_report(), checks)


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


VIRTIO_CONSOLE_LINE = "probe: virtio-console hello"


def _judge_device_outputs(case, result):
    """What the device suite's virtio checks must have left on the host side."""
    problems = []
    said = (result.console.text() if not case.toggles.serial
            else result.files.get("vcon", b"").decode("ascii", "replace"))
    if VIRTIO_CONSOLE_LINE not in said:
        problems.append("the harness did not receive the probe's line on the virtio console")
    image = result.files.get("disk0.img")
    if image is not None and not probeargs.blk_written_by_probe(image):
        problems.append("virtio-blk: sector 1 of the disk image does not hold the probe's write")
    return problems
