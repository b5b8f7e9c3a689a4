"""The expected-device model and its checks: a wrong device fails and names the device."""

from harness.cases import ALL_TOGGLES, Case, Toggles
from harness.expect import (check_firmware_report, check_linux_report, firmware_devices,
                            linux_devices, virtio_slots)
from harness.payloads import Payload
from harness.report import report_from

LINUX_BZ = Payload("linux", "bz")


def case(toggles="pit1-pic1-rtc1-ser1", engine="qemu-tcg", **kw):
    return Case(engine, "qboot", LINUX_BZ, Toggles.parse(toggles), **kw)


def linux_line_for(c, **override):
    """The report a correct Linux would print for case c."""
    fields = dict(linux_devices(c), mem_kb=str(c.mem_mb * 1024 * 9 // 10))
    fields["irq0"] = "120" if fields.pop("irq0_ticks", "no") == "yes" else "0"
    fields.update(override)
    return fields


def test_sixteen_distinct_toggle_sets():
    assert len({t.id for t in ALL_TOGGLES}) == 16


def test_toggle_id_round_trips():
    for t in ALL_TOGGLES:
        assert Toggles.parse(t.id) == t


def test_absent_uart_gets_a_virtio_console():
    assert case("pit1-pic1-rtc1-ser0").virtio_devices() == ("blk", "console")
    assert case("pit1-pic1-rtc1-ser1").virtio_devices() == ("blk",)


def test_virtio_slots_fill_from_the_top():
    slots = virtio_slots(case("pit1-pic1-rtc1-ser0"))
    assert [(hex(s.base), s.irq, s.device_id) for s in slots] == [
        ("0xfeb00e00", 12, 2), ("0xfeb00c00", 11, 3)]


def test_firmware_devices_follow_toggles():
    assert firmware_devices(case("pit0-pic1-rtc0-ser1")) == {
        "pit": "absent", "pic": "present", "rtc": "absent", "serial": "present"}


def test_correct_linux_report_passes():
    for t in ALL_TOGGLES:
        c = case(t.id)
        assert check_linux_report(c, linux_line_for(c)) == []


def test_uart_seen_when_absent_fails_naming_the_uart():
    c = case("pit1-pic1-rtc1-ser0")
    problems = check_linux_report(c, linux_line_for(c, serial="16550A"))
    assert problems == ["Linux sees serial=16550A, expected serial=none"]


def test_rtc_missing_fails_naming_the_rtc():
    c = case("pit1-pic1-rtc1-ser1")
    problems = check_linux_report(c, linux_line_for(c, rtc="none"))
    assert any("rtc" in p for p in problems)


def test_no_report_is_a_failure():
    assert check_linux_report(case(), None)


def test_memory_far_below_ram_fails():
    c = case()
    assert check_linux_report(c, linux_line_for(c, mem_kb="1000"))


def test_kvm_engines_expect_kvmclock():
    assert linux_devices(case(engine="qemu-kvm"))["kvmclock"] == "1"
    assert linux_devices(case(engine="nested-mvm"))["kvmclock"] == "1"
    assert "kvmclock" not in linux_devices(case(engine="qemu-tcg"))


def test_firmware_report_must_name_every_device_and_slot():
    c = case("pit0-pic1-rtc1-ser0")
    good = [(0, "microrig: device name=pit state=absent"),
            (0, "microrig: device name=pic state=present"),
            (0, "microrig: device name=rtc state=present"),
            (0, "microrig: device name=serial state=absent"),
            (0, "microrig: virtio slot=0 base=0xfeb00e00 irq=12 magic=ok version=1 id=2"),
            (0, "microrig: virtio slot=1 base=0xfeb00c00 irq=11 magic=ok version=1 id=3")]
    assert check_firmware_report(c, report_from(good)) == []
    wrong = good[:3] + [(0, "microrig: device name=serial state=present")] + good[4:5]
    problems = check_firmware_report(c, report_from(wrong))
    assert "firmware reports serial present, expected absent" in problems
    assert any("0xfeb00c00" in p for p in problems)


def test_a_pit_that_ticks_without_a_pic_fails_naming_irq0():
    c = case("pit1-pic0-rtc1-ser1")
    problems = check_linux_report(c, linux_line_for(c, irq0="500"))
    assert problems == ["Linux sees irq0_ticks=yes, expected irq0_ticks=no"]
