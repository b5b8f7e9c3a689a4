"""mvm under real KVM, inside the L1 sandbox (QEMU TCG with emulated SVM; see
vmm/tests/nested/run.sh). One L1 boot runs every case in sequence; each case is one pytest
id (`mvm-nested-<case>`). Skipped, with the reason, where the sandbox cannot be built."""
import os
import pathlib
import re
import shutil
import subprocess
import tempfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
GUEST = BUILD / "vmm" / "guest"
RUN = ROOT / "vmm" / "tests" / "nested" / "run.sh"
QBOOT = pathlib.Path("/usr/share/qemu/qboot.rom")
PROBE = BUILD / "guest" / "probe" / "probe.pvh"
MICRORIG = BUILD / "microrig.rom"

DEBUG = "-chardev stdio,id=dbg -device isa-debugcon,iobase=0x402,chardev=dbg"
EXIT = "-device isa-debug-exit,iobase=0xf4,iosize=4"
BASE = "/mvm -M microvm,acpi=off,pit=on,pic=on,rtc=on,isa-serial=on -enable-kvm -m 128m " \
       "-nodefaults -nographic -no-reboot"


def triple_fault_rom(path):
    """A ROM whose first instructions load an empty IDT and execute int3: a triple fault."""
    rom = bytearray(b"\xff" * 65536)
    code = bytes([0x2e, 0x0f, 0x01, 0x1e, 0x20, 0xe0, 0xcc, 0xf4])  # lidt cs:[0xe020]; int3
    rom[0xe000:0xe000 + len(code)] = code
    rom[0xe020:0xe026] = bytes(6)
    rom[0xfff0:0xfff5] = bytes([0xea, 0x00, 0xe0, 0x00, 0xf0])      # jmp f000:e000
    path.write_bytes(bytes(rom))


def cases():
    """(id, command line, check(rc, output, maxrss_kb) -> message or None)"""
    c = [
        ("qboot-pvh-hello",
         f"@60 {BASE} -bios /qboot.rom -kernel /pvh_hello.elf -append hello {DEBUG} {EXIT}",
         lambda rc, out, rss: None if rc == 1 and "cmdline=hello" in out
         else f"rc={rc}, expected 1 and the PVH start_info command line"),
        ("irq-pit-pic-rtc-uart",
         f"@60 {BASE} -serial null -bios /irq.rom {DEBUG} {EXIT}",
         lambda rc, out, rss: None if rc == 1 and out.count("irq_rom:") == 3
         else f"rc={rc}: PIT/PIC ExtINT, RTC IRQ 8 and UART IRQ 4 must all arrive"),
        ("hostile-fw-cfg-dma-and-ports",
         f"@60 {BASE} -bios /hostile.rom {DEBUG} {EXIT}",
         lambda rc, out, rss: None if rc == 1 and "hostile: done" in out and "FAIL" not in out
         else f"rc={rc}: {out[-400:]}"),
        ("triple-fault-no-reboot",
         f"@30 {BASE} -bios /tf.rom",
         lambda rc, out, rss: None if rc == 0 else f"rc={rc}, a triple fault with -no-reboot exits 0"),
        ("stage-times-and-rss",
         f"@30 {BASE} -serial null -bios /irq.rom {EXIT} -stage-times",
         lambda rc, out, rss: None if re.search(
             r"stage=exec.*\n.*stage=vm-ready.*\n.*stage=first-run.*\n(.*\n)*.*stage=exit", out)
         and rss < 3277 else f"stage lines missing or peak RSS {rss} KiB >= 3.2 MiB"),
    ]
    if PROBE.exists() and MICRORIG.exists():
        c.append(("microrig-probe-pvh",
                  f"@90 {BASE} -bios /microrig.rom -kernel /probe.pvh -append console=ttyS0 "
                  f"{DEBUG} {EXIT}",
                  lambda rc, out, rss: None if rc in (1, 3) and "probe: done" in out
                  else f"rc={rc}, the probe did not finish"))
    return c


@pytest.fixture(scope="session")
def nested_results():
    if os.environ.get("MVM_SKIP_NESTED"):
        pytest.skip("MVM_SKIP_NESTED is set")
    for tool in ("qemu-system-x86_64", "cpio", "dpkg-deb"):
        if not shutil.which(tool):
            pytest.skip(f"{tool} is not installed: no L1 sandbox")
    needed = [BUILD / "mvm.static", GUEST / "irq.rom", GUEST / "hostile.rom",
              GUEST / "pvh_hello.elf", QBOOT]
    missing = [str(p) for p in needed if not p.exists()]
    if missing:
        pytest.skip(f"not built: {', '.join(missing)}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        triple_fault_rom(tmp / "tf.rom")
        (tmp / "cmds").write_text("".join(line + "\n" for _, line, _ in cases()))
        files = [f"{BUILD / 'mvm.static'}:/mvm", f"{QBOOT}:/qboot.rom", str(tmp / "tf.rom"),
                 str(GUEST / "irq.rom"), str(GUEST / "hostile.rom"), str(GUEST / "pvh_hello.elf")]
        if PROBE.exists() and MICRORIG.exists():
            files += [str(PROBE), str(MICRORIG)]
        r = subprocess.run([str(RUN), str(tmp / "cmds"), *files], capture_output=True,
                           text=True, timeout=600, env=dict(os.environ, L1_TIMEOUT="500"))
    out = r.stdout
    if "l1: kvm=yes" not in out:
        pytest.skip("the L1 sandbox did not get /dev/kvm: " + (out + r.stderr)[-300:])
    results, start = [], 0
    for m in re.finditer(r"l1: rc=(\d+) wall_us=(\d+) maxrss_kb=(\d+) cmd=.*\n", out):
        results.append((int(m.group(1)), out[start:m.start()], int(m.group(3))))
        start = m.end()
    return results


@pytest.mark.parametrize("index,case", list(enumerate(cases())),
                         ids=[f"mvm-nested-{c[0]}" for c in cases()])
def test_mvm_nested(nested_results, index, case):
    assert index < len(nested_results), "L1 ended before this case ran"
    rc, out, rss = nested_results[index]
    problem = case[2](rc, out, rss)
    assert problem is None, problem
