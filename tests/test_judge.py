"""Judging: known deviations are asserted both ways, unknown failures name the check."""

from harness.cases import Case, Toggles
from harness.judge import judge
from harness.payloads import Payload
from harness.report import report_from
from harness.runner import Channel, Result


def result_of(case, lines, status=1):
    timed = [(i, text) for i, text in enumerate(lines)]
    return Result(case.id, [], status, False, "", 1000, Channel("console"),
                  Channel("debugcon"), Channel("stderr"), report_from(timed))


def probe_case(fw):
    return Case("qemu-tcg", fw, Payload("probe", "pvh"), Toggles.parse("pit1-pic1-rtc1-ser1"))


QBOOT_KNOWN = ['probe: FAIL check=e820-no-empty what="an empty entry"',
               'probe: FAIL check=mptable-entry-count what="count 0"']


def test_known_deviation_passes():
    c = probe_case("qboot")
    v = judge(c, result_of(c, QBOOT_KNOWN + ["probe: done passed=40 failed=2 skipped=0"], 3))
    assert v.passed, v.problems


def test_known_deviation_that_no_longer_occurs_fails():
    c = probe_case("qboot")
    lines = QBOOT_KNOWN[:1] + ['probe: PASS check=mptable-entry-count what="ok"',
                               "probe: done passed=41 failed=1 skipped=0"]
    v = judge(c, result_of(c, lines, 3))
    assert not v.passed and "mptable-entry-count" in v.message()


def test_unknown_failure_names_the_check():
    c = probe_case("qboot")
    lines = QBOOT_KNOWN + ['probe: FAIL check=initrd-bytes what="byte 7 differs"',
                           "probe: done passed=39 failed=3 skipped=0"]
    v = judge(c, result_of(c, lines, 3))
    assert v.problems == ["probe check initrd-bytes failed: byte 7 differs"]


def test_exit_status_must_agree_with_the_done_line():
    c = probe_case("seabios")
    v = judge(c, result_of(c, ["probe: done passed=40 failed=0 skipped=0"], 3))
    assert not v.passed and "disagrees" in v.message()


def test_linux_deviation_is_asserted_by_toggles():
    c = Case("qemu-tcg", "seabios", Payload("linux", "bz"), Toggles.parse("pit1-pic0-rtc1-ser0"))
    assert judge(c, result_of(c, [], None)).passed
    other = Case("qemu-tcg", "seabios", Payload("linux", "bz"), Toggles.parse("pit1-pic1-rtc1-ser0"))
    assert not judge(other, result_of(other, [], None)).passed


def test_engine_comparison_accepts_listed_differences_only():
    from harness.deviations import compare_engines
    same = {"uart-scratch": "PASS", "kvmclock-cpuid": "PASS"}
    problems, seen = compare_engines({"qemu-tcg": {"uart-scratch": "PASS", "kvmclock-cpuid": "SKIP"},
                                      "nested-mvm": same, "nested-qemu-kvm": same})
    assert problems == [] and seen == {"kvmclock-cpuid"}
    problems, _ = compare_engines({"qemu-tcg": {"uart-scratch": "FAIL"},
                                   "nested-mvm": {"uart-scratch": "PASS"}})
    assert problems == ["uart-scratch: engines disagree: nested-mvm PASS, qemu-tcg FAIL"]
