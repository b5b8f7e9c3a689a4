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


def net_case():
    return Case("qemu-tcg", "microrig", Payload("devices", "pvh"),
                Toggles.parse("pit1-pic1-rtc1-ser1"), virtio=("net",), cpus=2)


def pcap_of(*frames):
    import struct
    out = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65536, 1)
    for f in frames:
        out += struct.pack("<IIII", 0, 0, len(f), len(f)) + f
    return out


PROBE_FRAME = b"\xff" * 6 + b"RT\x00mrg" + b"\x88\xb5" + b"microrig-probe".ljust(46, b"\0")
NET_LINES = ['probe: PASS check=virtio0-net-send what="sent"',
             "probe: done passed=1 failed=0 skipped=0"]


def net_problems(files):
    c = net_case()
    r = result_of(c, NET_LINES)
    r.files = files
    # Only the net verdict matters here: the firmware's report lines are not in the fake.
    return [p for p in judge(c, r).problems if "firmware" not in p]


def test_net_passes_only_when_the_tap_side_got_the_probes_frame():
    assert net_problems({"net.pcap": pcap_of(PROBE_FRAME)}) == []
    assert "no capture came back" in net_problems({})[0]
    other = PROBE_FRAME.replace(b"microrig-probe", b"something-else")
    assert "none of them the probe's" in net_problems({"net.pcap": pcap_of(other)})[0]


def test_net_without_a_tap_is_skipped_with_tapns_reason():
    c = net_case()
    r = result_of(c, [], 77)
    r.stderr.lines = [(0, "tapns: tap not permitted: open /dev/net/tun: No such file")]
    v = judge(c, r)
    assert not v.passed and v.skipped == "no tap here: open /dev/net/tun: No such file"


def test_a_device_the_suite_never_drove_fails():
    c = Case("qemu-tcg", "microrig", Payload("devices", "pvh"),
             Toggles.parse("pit1-pic1-rtc1-ser1"), virtio=("blk",), cpus=2)
    problems = judge(c, result_of(c, ["probe: done passed=1 failed=0 skipped=0"])).problems
    assert "virtio-blk: the device suite never ran its blk-read check" in problems


def test_engine_comparison_knows_a_firmwares_engine_limited_deviation():
    # qboot's e820 is unsorted only under KVM (deviations.KNOWN): the matrix of 8c11a3b
    # reported this as an engine disagreement 64 times and exited 1 with every case passing.
    from harness.deviations import compare_engines
    by_engine = {"qemu-tcg": {"e820-sorted": "PASS"}, "nested-mvm": {"e820-sorted": "FAIL"},
                 "nested-qemu-kvm": {"e820-sorted": "FAIL"}}
    assert compare_engines(by_engine, "qboot") == ([], {"e820-sorted"})
    problems, _ = compare_engines(by_engine, "microrig")
    assert problems == ["e820-sorted: engines disagree: nested-mvm FAIL, nested-qemu-kvm FAIL,"
                        " qemu-tcg PASS"]
    by_engine["nested-mvm"]["e820-sorted"] = "PASS"    # the KVM side must still agree
    problems, _ = compare_engines(by_engine, "qboot")
    assert problems == ["e820-sorted: engines disagree: nested-mvm PASS, nested-qemu-kvm FAIL"]
