"""The report-line parser (harness/report.py) reads docs/protocol.md's grammar exactly."""

import pytest

from harness.report import ReportError, parse_line, report_from


def test_plain_fields_are_read():
    line = parse_line("microrig: device name=pit state=present")
    assert (line.source, line.topic) == ("microrig", "device")
    assert line.fields == {"name": "pit", "state": "present"}


def test_quoted_value_keeps_its_spaces():
    line = parse_line('microrig: error code=KERNEL_MAGIC what="setup header signature is not HdrS"')
    assert line.get("what") == "setup header signature is not HdrS"


def test_hex_and_decimal_numbers():
    line = parse_line("microrig: virtio slot=0 base=0xfeb00e00 irq=12")
    assert line.int("base") == 0xFEB00E00 and line.int("irq") == 12


def test_kernel_timestamp_prefix_is_skipped():
    line = parse_line("[    1.234567] init: start")
    assert (line.source, line.topic) == ("init", "start")


def test_plain_log_text_is_not_a_report():
    assert parse_line("Linux version 6.1.0 (gcc) #1 SMP") is None
    assert parse_line("reprobe: something") is None


def test_malformed_fields_are_an_error_not_a_half_read():
    with pytest.raises(ReportError):
        parse_line('microrig: error code=X what="unterminated')


def test_report_groups_lines():
    rep = report_from([(1, "microrig: device name=pit state=absent"),
                       (2, "microrig: device name=serial state=present base=0x3f8"),
                       (3, "probe: PASS check=e820-sorted what=\"e820 is sorted\""),
                       (4, "probe: done passed=1 failed=0 skipped=0"),
                       (5, "init: start"),
                       (6, "init: report serial=16550A cpus=1")])
    assert rep.firmware_devices() == {"pit": "absent", "serial": "present"}
    assert rep.probe_results() == [("PASS", "e820-sorted", "e820 is sorted")]
    assert rep.probe_done()["failed"] == "0"
    assert rep.init_started().t_ns == 5
    assert rep.init_report()["serial"] == "16550A"
