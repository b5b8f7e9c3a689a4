"""Judging a run: did the case do what the expected-device model says it must."""

import re
from dataclasses import dataclass, field

from . import deviations, expect, figures, probeargs, tap

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
    skipped: str = ""     # why the case could not run after all (then passed is False)

    @property
    def t_init_ms(self):
        return self.figures.get("spawn_to_init_ms")

    def message(self):
        return "; ".join(self.problems) if self.problems else "ok"


def judge(case, result):
    why = unavailable(case, result)
    if why:
        return Verdict(case.id, False, [f"skipped: {why}"], skipped=why)
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


def unavailable(case, result):
    """Why a case that started could not run here after all, or '': inside the sandbox
    only the run itself can tell that no tap can be made (tapns's reason)."""
    if "net" not in case.virtio_devices():
        return ""
    return tap.no_tap_reason(result.status, [text for _, text in result.stderr.lines])


VIRTIO_CONSOLE_LINE = "probe: virtio-console hello"
# The device suite's check per virtio device (guest/probe/README.md), virtio<slot>-<check>.
DEVICE_CHECK = {"blk": "blk-read", "console": "console-write", "net": "net-send"}


def _judge_device_outputs(case, result):
    """What the device suite's virtio checks must have left on the host side: a check
    that passed in the guest only counts when the host saw its effect."""
    problems = []
    devices = case.virtio_devices()
    checks = [check for _, check, _ in result.report.probe_results()]
    for dev in devices:
        # A failed check is reported as such; one that never ran means the suite missed
        # the device.
        if not any(re.fullmatch(rf"virtio\d+-{DEVICE_CHECK[dev]}", c) for c in checks):
            problems.append(f"virtio-{dev}: the device suite never ran its"
                            f" {DEVICE_CHECK[dev]} check")
    if not devices and any(re.match(r"virtio\d+-", c) for c in checks):
        problems.append("virtio: the device suite found a slot although the case names no"
                        " virtio device")
    if "console" in devices:
        said = (result.console.text() if not case.toggles.serial
                else result.files.get("vcon", b"").decode("ascii", "replace"))
        if VIRTIO_CONSOLE_LINE not in said:
            problems.append("the harness did not receive the probe's line on the virtio console")
    image = result.files.get(f"disk{devices.index('blk')}.img") if "blk" in devices else None
    if image is not None and not probeargs.blk_written_by_probe(image):
        problems.append("virtio-blk: sector 1 of the disk image does not hold the probe's write")
    if "net" in devices:
        problem = tap.capture_problem(result.files.get(tap.CAPTURE_FILE))
        if problem:
            problems.append(problem)
    return problems
