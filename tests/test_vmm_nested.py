"""mvm under real KVM, inside the L1 sandbox (harness/nested.py, guest/l1/README.md): ROMs
that exercise interrupts, a hostile ROM, a triple fault, stage times and peak RSS, the
exits a quiet boot costs (coalesced index and selector writes), the device suite with
virtio interrupts through KVM_IRQFD (vmm/irqfd.c), and make bench's kvm-floor. One L1
boot runs every case in sequence; each case is one pytest id (`mvm-nested-<case>`).
Skipped, with the reason, where the sandbox cannot run."""
import pathlib
import re

import pytest

from harness import bench, nested, runner
from harness.cases import DEFAULT_DEVICE_SET, DEFAULT_TOGGLES, DEVICE_CPUS, Case, Toggles
from harness.payloads import Payload
from harness.report import ReportError, parse_line

ROOT = pathlib.Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
GUEST = BUILD / "vmm" / "guest"
MVM = str(BUILD / "mvm.static")
QBOOT = "/usr/share/qemu/qboot.rom"
PROBE = BUILD / "guest" / "probe" / "probe.pvh"
MICRORIG = BUILD / "microrig.rom"

DEBUG = ["-chardev", "stdio,id=dbg", "-device", "isa-debugcon,iobase=0x402,chardev=dbg"]
EXIT = ["-device", "isa-debug-exit,iobase=0xf4,iosize=4"]
BASE = [MVM, "-M", "microvm,acpi=off,pit=on,pic=on,rtc=on,isa-serial=on", "-enable-kvm",
        "-m", "128m", "-nodefaults", "-nographic", "-no-reboot"]


def triple_fault_rom(path):
    """A ROM whose first instructions load an empty IDT and execute int3: a triple fault."""
    rom = bytearray(b"\xff" * 65536)
    code = bytes([0x2e, 0x0f, 0x01, 0x1e, 0x20, 0xe0, 0xcc, 0xf4])  # lidt cs:[0xe020]; int3
    rom[0xe000:0xe000 + len(code)] = code
    rom[0xe020:0xe026] = bytes(6)
    rom[0xfff0:0xfff5] = bytes([0xea, 0x00, 0xe0, 0x00, 0xf0])      # jmp f000:e000
    path.write_bytes(bytes(rom))


IRQFD_LINE = re.compile(r"mvm: irqfd lines=(\d+) eventfd=(\d+) ioapic=(\d+)")


# Without a PIC the device suite takes the virtio lines through the IOAPIC (with one, through
# the PIC, which irqfd does not concern); the UART keeps its report on the console.
IRQFD_TOGGLES = Toggles(pit=True, pic=False, rtc=True, serial=True)


def devices_irqfd_argv(workdir):
    """The harness's device-suite case (virtio-blk and a virtio console, 2 vCPUs) as it
    runs it nested: with -stage-times, so mvm reports its irqfd use at exit."""
    case = Case("nested-mvm", "microrig", Payload("devices", "pvh"), IRQFD_TOGGLES,
                virtio=DEFAULT_DEVICE_SET, cpus=DEVICE_CPUS)
    return runner.build_command(case, workdir)


def check_devices_irqfd(rc, out, rss):
    """The suite's virtio interrupt checks pass and every virtio interrupt went through an
    eventfd: the guest routes the lines edge-triggered, so the user-space IOAPIC path must
    not be needed for them. (The suite's other verdicts are the harness matrix's business:
    its timing checks can miss under a loaded host, which says nothing about irqfd.)"""
    virtio_fails = re.findall(r"probe: FAIL check=virtio.*", out)
    irq_passes = re.findall(r"probe: PASS check=virtio\d-irq ", out)
    if rc not in (1, 3) or "probe: done" not in out or virtio_fails or \
            len(irq_passes) != len(DEFAULT_DEVICE_SET):
        return (f"rc={rc}, {len(irq_passes)} of {len(DEFAULT_DEVICE_SET)} virtio interrupt checks "
                f"passed: {virtio_fails or out[-600:]}")
    m = IRQFD_LINE.search(out)
    if not m:
        return "no `mvm: irqfd` line at exit"
    lines, eventfd, ioapic = map(int, m.groups())
    if lines != len(DEFAULT_DEVICE_SET) or eventfd == 0 or ioapic != 0:
        return (f"irqfd lines={lines} eventfd={eventfd} ioapic={ioapic}: expected "
                f"{len(DEFAULT_DEVICE_SET)} lines, every interrupt through the eventfd")
    return None


# mvm's start-up steps, stamped in this order (vmm/main.c, docs/protocol.md).
# bios to kernel run on a helper thread while this one makes the VM (vm-created, which may
# come anywhere among them); create-vm is stamped once both are done.
START_STEPS = ("exec", "files", "toggles", "bios", "ram", "devices", "kernel", "create-vm",
               "irqchip", "memory", "cpuid", "connect", "vcpus", "coalesced", "iothread",
               "vm-ready", "first-run")
# Ports whose writes KVM queues in the coalesced ring (fw_cfg selector, RTC index, UART LCR);
# the quiet firmware only writes them, so none may show up as an exit.
QUEUED_PORTS = (0x510, 0x70, 0x3fb)
# With every ISA device absent, their ports' writes are queued too (they have no effect):
# the firmware's probes then exit only for their reads (vmm/coalesced_io.h).
NO_ISA = Toggles(pit=False, pic=False, rtc=False, serial=False)
QUEUED_PORTS_NO_ISA = (0x510, 0x43, 0x70)
READ_ONCE_NO_ISA = (0x21, 0xa1, 0x3ff)      # PIC masks and UART scratch: test pattern read back
# The quiet firmware's exits through mvm with every ISA device and one virtio slot: 50
# measured (vmm/README.md); 68 before the index and selector writes were queued, and
# fewer since every fw_cfg item is read by DMA (104 VM exits in all, 51 of them port I/O).
QUIET_EXITS_MAX = 55


def quiet_entry_argv(workdir, toggles=DEFAULT_TOGGLES):
    """The bench's `entry` boot: quiet microrig, the PVH probe exiting at its entry."""
    case = Case("nested-mvm", "microrig", Payload("probe", "pvh"), toggles,
                fw_cfg=bench.QUIET, extra_append="probe.exit=entry")
    where = workdir / f"quiet-{toggles.id}"
    where.mkdir(exist_ok=True)
    return runner.build_command(case, where)


def check_quiet_exits_no_isa(rc, out, rss):
    """As check_quiet_exits, every ISA device absent: their writes never exit."""
    problem = check_quiet_exits(rc, out, rss, QUEUED_PORTS_NO_ISA, QUIET_EXITS_MAX)
    if problem:
        return problem
    ports = _port_exits(out)
    if any(ports.get(p) != 1 for p in READ_ONCE_NO_ISA):
        return (f"ports {[hex(p) for p in READ_ONCE_NO_ISA]} must exit once each (the read"
                f" of the probe's test pattern), got { {hex(p): n for p, n in ports.items()} }")
    return None


def _port_exits(out):
    line = re.search(r"mvm: port-exits.*", out)
    return {int(p, 16): int(n) for p, n in re.findall(r" p0x([0-9a-f]+)=(\d+)",
                                                       line.group(0) if line else "")}


def check_quiet_exits(rc, out, rss, queued_ports=QUEUED_PORTS, exits_max=QUIET_EXITS_MAX):
    """Every start-up step stamped in order; fw_cfg's DMA trigger (0x518) exits (each item
    is read by DMA, synchronously: the probe was loaded and ran), the queued ports never
    do, and the boot's exits stay few."""
    if rc != bench.EXIT_STATUS_AT_ENTRY:
        return f"rc={rc}, expected {bench.EXIT_STATUS_AT_ENTRY} (the probe exiting at its entry)"
    for text in re.findall(r"^mvm: .*$", out, re.M):   # the harness's one parser takes them all
        try:
            parse_line(text)
        except ReportError as e:
            return f"mvm's -stage-times line breaks the report grammar: {e}"
    stages = re.findall(r"mvm: time stage=([a-z-]+)", out)
    if [s for s in stages if s in START_STEPS] != list(START_STEPS):
        return f"start-up stamps {stages}, expected {list(START_STEPS)} in order"
    ports = _port_exits(out)
    exits = re.search(r"mvm: exits io=(\d+) mmio=(\d+)", out)
    if not ports or not exits:
        return "no `mvm: exits` / `mvm: port-exits` lines at exit"
    queued = [hex(p) for p in queued_ports if p in ports]
    total = int(exits.group(1)) + int(exits.group(2))
    if queued or not ports.get(0x518) or total > exits_max:
        return (f"port exits { {hex(p): n for p, n in ports.items()} }: queued ports {queued}"
                f" must not exit, fw_cfg's DMA trigger must, and at most {exits_max} exits in"
                f" all (got {total})")
    # KVM's own count (L1 runs Linux 6.1, which has binary stats) includes every exit
    # that reached mvm, and the queued writes besides.
    kvm = re.search(r"mvm: kvm-exits exits=(\d+) io_exits=(\d+)", out)
    if not kvm or int(kvm.group(1)) < total or int(kvm.group(2)) < int(exits.group(1)) + 1:
        return f"KVM's exit counters missing or below mvm's {total} exits: {kvm and kvm.group(0)}"
    return None


def cases(tf_rom, workdir=None):
    """(id, timeout s, argv, check(rc, output, maxrss_kb) -> message or None); without a
    work folder (for the ids only) no argv that writes files there is made."""
    c = [
        ("qboot-pvh-hello", 60,
         BASE + ["-bios", QBOOT, "-kernel", str(GUEST / "pvh_hello.elf"), "-append", "hello"]
         + DEBUG + EXIT,
         lambda rc, out, rss: None if rc == 1 and "cmdline=hello" in out
         else f"rc={rc}, expected 1 and the PVH start_info command line"),
        ("irq-pit-pic-rtc-uart", 60,
         BASE + ["-serial", "null", "-bios", str(GUEST / "irq.rom")] + DEBUG + EXIT,
         lambda rc, out, rss: None if rc == 1 and out.count("irq_rom:") == 3
         else f"rc={rc}: PIT/PIC ExtINT, RTC IRQ 8 and UART IRQ 4 must all arrive"),
        ("hostile-fw-cfg-dma-and-ports", 60,
         BASE + ["-bios", str(GUEST / "hostile.rom")] + DEBUG + EXIT,
         lambda rc, out, rss: None if rc == 1 and "hostile: done" in out and "FAIL" not in out
         else f"rc={rc}: {out[-400:]}"),
        ("triple-fault-no-reboot", 30, BASE + ["-bios", str(tf_rom)],
         lambda rc, out, rss: None if rc == 0 else f"rc={rc}, a triple fault with -no-reboot exits 0"),
        ("stage-times-and-rss", 30,
         BASE + ["-serial", "null", "-bios", str(GUEST / "irq.rom")] + EXIT + ["-stage-times"],
         lambda rc, out, rss: None if re.search(
             r"stage=exec.*\n(.*\n)*.*stage=vm-ready.*\n.*stage=first-run.*\n(.*\n)*.*stage=exit", out)
         and rss and rss < 3277 else f"stage lines missing or peak RSS {rss} KiB >= 3.2 MiB"),
        ("microrig-probe-pvh", 90,
         BASE + ["-bios", str(MICRORIG), "-kernel", str(PROBE), "-append", "console=ttyS0"]
         + DEBUG + EXIT,
         lambda rc, out, rss: None if rc in (1, 3) and "probe: done" in out
         else f"rc={rc}, the probe did not finish"),
        ("microrig-devices-irqfd", 120, devices_irqfd_argv(workdir) if workdir else [],
         check_devices_irqfd),
        ("quiet-microrig-exits", 60, quiet_entry_argv(workdir) if workdir else [],
         check_quiet_exits),
        ("quiet-microrig-exits-no-isa", 60,
         quiet_entry_argv(workdir, NO_ISA) if workdir else [], check_quiet_exits_no_isa),
        # make bench's reference (harness/tools/kvm_floor.c): its guest must really run.
        ("kvm-floor", 30, [str(BUILD / "kvm-floor.static")],
         lambda rc, out, rss: None if rc == 0 and "kvm-floor: guest wrote 0x2a to port 0xf4"
         in out else f"rc={rc}: the floor's one-page guest did not reach its OUT"),
    ]
    return c


CASE_IDS = [c[0] for c in cases(pathlib.Path("tf.rom"))]


@pytest.fixture(scope="module")
def nested_results(tmp_path_factory):
    ok, why = nested.available()
    if not ok:
        pytest.skip(f"nested sandbox: {why}")
    needed = [BUILD / "mvm.static", BUILD / "kvm-floor.static", GUEST / "irq.rom",
              GUEST / "hostile.rom", GUEST / "pvh_hello.elf", PROBE, MICRORIG]
    missing = [str(p) for p in needed if not p.exists()]
    if missing:
        pytest.fail(f"not built (make all should have built them): {', '.join(missing)}")
    tmp = tmp_path_factory.mktemp("vmm-nested")
    tf_rom = tmp / "tf.rom"
    triple_fault_rom(tf_rom)
    all_cases = cases(tf_rom, tmp)
    jobs = [nested.Job(name, argv, timeout) for name, timeout, argv, _ in all_cases]
    done = nested.run_batch(jobs)
    return {name: (res, check) for (name, _, _, check), res in zip(all_cases, done)}


# One L1 boot serves every case: keep them on one xdist worker (make test runs -n JOBS).
@pytest.mark.xdist_group("nested")
@pytest.mark.parametrize("name", CASE_IDS, ids=[f"mvm-nested-{n}" for n in CASE_IDS])
def test_mvm_nested(nested_results, name):
    res, check = nested_results[name]
    assert res.status is not None, f"{name}: {res.error}"
    out = "\n".join(res.console + res.stderr) + "\n"
    problem = check(res.status, out, res.peak_rss_kib)
    assert problem is None, problem
