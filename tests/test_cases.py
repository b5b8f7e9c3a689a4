"""Case ids and the engine command line the harness builds from a case."""

from pathlib import Path

from harness.__main__ import parse_case_id
from harness.cases import Case, Toggles, devices_cases, linux_cases, probe_cases
from harness.payloads import Payload
from harness.runner import build_command


def test_case_id_reads_like_the_case():
    c = Case("qemu-tcg", "qboot", Payload("linux", "pvh"), Toggles.parse("pit0-pic1-rtc1-ser0"))
    assert c.id == "qemu-tcg-qboot-linux-pvh-pit0-pic1-rtc1-ser0"
    forced = Case("mvm", "microrig", Payload("linux", "bz"), Toggles.parse("pit1-pic1-rtc1-ser1"),
                  handoff="32")
    assert forced.id == "mvm-microrig-linux-bz32-pit1-pic1-rtc1-ser1"


def test_device_suite_ids_name_the_virtio_set():
    c = Case("qemu-tcg", "qboot", Payload("devices", "pvh"), Toggles.parse("pit1-pic1-rtc1-ser0"),
             virtio=("blk", "console", "net"), cpus=2)
    assert c.id == "qemu-tcg-qboot-devices-pvh-blk+console+net-pit1-pic1-rtc1-ser0"
    none = Case("mvm", "microrig", Payload("devices", "pvh"), Toggles.parse("pit0-pic0-rtc0-ser0"),
                virtio=(), cpus=2)
    # The device set is exact: no console is added for a missing UART.
    assert none.id == "mvm-microrig-devices-pvh-none-pit0-pic0-rtc0-ser0"
    assert none.virtio_devices() == ()


def test_case_ids_parse_back():
    for c in [*linux_cases(), *probe_cases(), *devices_cases()]:
        assert parse_case_id(c.id) == c


def test_ids_are_unique():
    ids = [c.id for c in [*linux_cases(), *probe_cases(), *devices_cases()]]
    assert len(ids) == len(set(ids))


def test_net_runs_in_tapns_with_the_same_tap_for_qemu_and_mvm(tmp_path):
    for engine, tapns in (("qemu-tcg", "build/tapns"), ("nested-mvm", "build/tapns.static")):
        c = Case(engine, "microrig", Payload("devices", "pvh"),
                 Toggles.parse("pit1-pic1-rtc1-ser1"), virtio=("net",), cpus=2)
        argv = build_command(c, tmp_path)
        assert argv[0].endswith(tapns)
        assert argv[1:7] == ["--capture", str(tmp_path / "net.pcap"), "--ethertype", "0x88b5",
                             "mrtap0", "--"]
        i = argv.index("-netdev")
        assert argv[i + 1:i + 4] == ["tap,id=net0,ifname=mrtap0,script=no,downscript=no",
                                     "-device", "virtio-net-device,netdev=net0"]


def test_command_line_is_explicit_about_every_toggle(tmp_path):
    c = Case("qemu-tcg", "qboot", Payload("linux", "bz"), Toggles.parse("pit0-pic1-rtc0-ser0"))
    argv = build_command(c, tmp_path)
    machine = argv[argv.index("-M") + 1]
    # QEMU's rtc=auto means on under TCG and off under KVM: never leave it to auto.
    assert machine == ("microvm,acpi=off,pit=off,pic=on,rtc=off,isa-serial=off,"
                       "auto-kernel-cmdline=on")
    assert "virtconsole,chardev=con0" in argv and "-serial" not in argv
    assert "virtio-serial-device,max_ports=1" in argv
    assert "console=hvc0" in argv[argv.index("-append") + 1]


def test_serial_case_uses_the_uart_console(tmp_path):
    c = Case("qemu-tcg", "qboot", Payload("linux", "bz"), Toggles.parse("pit1-pic1-rtc1-ser1"))
    argv = build_command(c, tmp_path)
    assert argv[argv.index("-serial") + 1] == "chardev:con0"
    assert "console=ttyS0" in argv[argv.index("-append") + 1]


def append_of(engine, toggles, tmp_path):
    c = Case(engine, "qboot", Payload("linux", "bz"), Toggles.parse(toggles))
    argv = build_command(c, tmp_path)
    return argv[argv.index("-append") + 1]


def test_silent_irq0_under_tcg_gets_the_tsc_rate(tmp_path):
    for toggles in ("pit0-pic0-rtc1-ser1", "pit1-pic0-rtc1-ser1", "pit0-pic1-rtc1-ser1"):
        assert "tsc_early_khz=" in append_of("qemu-tcg", toggles, tmp_path)
    assert "tsc_early_khz=" not in append_of("qemu-tcg", "pit1-pic1-rtc1-ser1", tmp_path)
    assert "tsc_early_khz=" not in append_of("nested-mvm", "pit0-pic0-rtc1-ser1", tmp_path)


def test_no_pit_skips_the_timer_check(tmp_path):
    assert "no_timer_check" in append_of("qemu-tcg", "pit0-pic1-rtc1-ser1", tmp_path)
    assert "no_timer_check" in append_of("nested-qemu-kvm", "pit0-pic1-rtc1-ser1", tmp_path)
    assert "no_timer_check" not in append_of("qemu-tcg", "pit1-pic1-rtc1-ser1", tmp_path)
