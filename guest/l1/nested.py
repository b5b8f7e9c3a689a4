"""nested.py: run commands under real KVM, inside an L1 Linux that QEMU TCG runs with
emulated SVM (see guest/l1/README.md for the interface and the console protocol).

    import sys; sys.path.insert(0, "guest/l1"); import nested
    results = nested.run([nested.Case("boot", ["qemu-system-x86_64", "-enable-kvm", ...],
                                      timeout=60)],
                         files=["build/guest/linux/bzImage", "build/guest/initramfs.cpio.gz"])
    results.cases["boot"].status, results.cases["boot"].stdout

Files are placed inside L1 at their absolute host paths (symlinks followed), so an inner
command line can be the same as on the host.
"""
import dataclasses
import io
import os
import re
import selectors
import subprocess
import tempfile
import time

import l1_cpio
import l1_image

L1_MEMORY = "2G"
L1_BOOT_ALLOWANCE_S = 60   # L1 boot and module loading under TCG take about 5-10 s
L1_CMDLINE = "console=ttyS0 quiet loglevel=1 panic=-1 rdinit=/init"
# L1's own exit values through isa-debug-exit (guest/l1/init/main.c), as QEMU reports them
L1_STATUS_OK = 1      # 0x00: every case ran
L1_STATUS_SETUP = 3   # 0x01: no /dev/kvm or a bad job file
CASE_NAME = re.compile(r"^[A-Za-z0-9_.+-]{1,63}$")
LINE = re.compile(r"^l1: (out|err) name=(\S+) t_ms=(\d+) \| (.*)$")
CASE_END = re.compile(r"^l1: case name=(\S+) end status=(-?\d+) signal=(\d+) timeout=(\d) "
                      r"elapsed_ms=(\d+)")


class NestedError(RuntimeError):
    pass


@dataclasses.dataclass
class Case:
    name: str                # letters, digits, `_.+-`; unique within a run
    argv: list               # the inner command; argv[0] is looked up in L1's PATH
    timeout: float = 60.0    # seconds; the inner command is killed after it


@dataclasses.dataclass
class CaseResult:
    name: str
    status: int = -1         # the inner command's exit status (-1: killed or not run)
    signal: int = 0
    timed_out: bool = False
    elapsed_ms: int = 0      # measured in L1, from spawn to exit
    ran: bool = False
    stdout: list = dataclasses.field(default_factory=list)   # [(t_ms in L1, line), ...]
    stderr: list = dataclasses.field(default_factory=list)

    def stdout_text(self):
        return "".join(line + "\n" for _, line in self.stdout)


@dataclasses.dataclass
class Result:
    cases: dict              # name -> CaseResult, in the order given
    l1_status: int           # QEMU's exit status for L1 (1 = fine)
    l1_console: str          # everything L1 printed, for diagnosis
    kvm_ready: bool
    errors: list             # `l1: error` sentences
    wall_s: float            # host time from the start of run() to L1's exit
    l1_lines: list           # [(host seconds since run() started, line), ...]
    l1_start_s: float        # host time of `l1: start` (L1 boot time), None if never seen


def host_tsc_khz():
    """The host TSC frequency: Linux under TCG sees the host's TSC and needs it given."""
    with open("/proc/cpuinfo") as f:
        m = re.search(r"^cpu MHz\s*:\s*([0-9.]+)", f.read(), re.M)
    if not m:
        raise NestedError("no `cpu MHz` in /proc/cpuinfo")
    return int(float(m.group(1)) * 1000)


def _job_cpio(cases, files):
    buf = io.BytesIO()
    w = l1_cpio.Writer(buf)
    for path in files:
        if not os.path.isfile(path):
            raise NestedError(f"{path}: no such file")
        w.copy(os.path.abspath(path), os.path.realpath(path))
    job = []
    for c in cases:
        job.append(f"case {c.name} {int(c.timeout * 1000)}")
        job += [f"arg {a}" for a in c.argv]
        job.append("end")
    w.file("/job/cases", ("\n".join(job) + "\n").encode())
    w.finish()
    return buf.getvalue()


def _check(cases):
    names = set()
    for c in cases:
        if not CASE_NAME.match(c.name) or c.name in names:
            raise NestedError(f"case name {c.name!r}: must be unique, [A-Za-z0-9_.+-]{{1,63}}")
        if not c.argv or any("\n" in a for a in c.argv):
            raise NestedError(f"case {c.name}: argv must be non-empty, without newlines")
        names.add(c.name)


def l1_command(entry, initrd, memory=L1_MEMORY, extra_cmdline=""):
    """The QEMU command line of the L1 machine."""
    cmdline = f"{L1_CMDLINE} tsc_early_khz={host_tsc_khz()} {extra_cmdline}".strip()
    return ["qemu-system-x86_64",
            "-M", "microvm,acpi=on,pit=on,pic=on,rtc=on,isa-serial=on",
            "-accel", "tcg", "-cpu", "max", "-m", memory, "-smp", "1",
            "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
            "-bios", "/usr/share/qemu/qboot.rom",
            "-serial", "stdio",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
            "-kernel", os.path.join(entry, "vmlinuz"), "-initrd", initrd,
            "-append", cmdline]


def _parse(console, cases):
    results = {c.name: CaseResult(c.name) for c in cases}
    errors, kvm_ready = [], False
    for line in console.splitlines():
        line = line.rstrip("\r")
        m = LINE.match(line)
        if m and m.group(2) in results:
            stream = results[m.group(2)].stdout if m.group(1) == "out" else \
                results[m.group(2)].stderr
            stream.append((int(m.group(3)), m.group(4)))
            continue
        m = CASE_END.match(line)
        if m and m.group(1) in results:
            r = results[m.group(1)]
            r.status, r.signal = int(m.group(2)), int(m.group(3))
            r.timed_out, r.elapsed_ms, r.ran = m.group(4) == "1", int(m.group(5)), True
        elif line.startswith("l1: kvm ready=1"):
            kvm_ready = True
        elif line.startswith("l1: error what="):
            errors.append(line[len("l1: error what="):].strip('"'))
    return results, errors, kvm_ready


def run(cases, files=(), memory=L1_MEMORY, extra_cmdline=""):
    """Boot L1 once, run every case in order, return a Result. Raises NestedError when L1
    itself cannot be built or started; a case that failed is reported in its CaseResult."""
    _check(cases)
    entry = l1_image.ensure()
    job = _job_cpio(cases, files)
    timeout = L1_BOOT_ALLOWANCE_S + sum(c.timeout for c in cases)
    start = time.monotonic()
    with tempfile.NamedTemporaryFile(prefix="microrig-l1-", suffix=".cpio") as initrd:
        with open(os.path.join(entry, "base.cpio"), "rb") as base:
            initrd.write(base.read())
        initrd.write(job)
        initrd.flush()
        status, lines = _boot(l1_command(entry, initrd.name, memory, extra_cmdline),
                              timeout, start)
    console = "".join(line + "\n" for _, line in lines)
    results, errors, kvm_ready = _parse(console, cases)
    l1_start = next((t for t, line in lines if line.startswith("l1: start")), None)
    if status == -1:
        errors.append(f"L1 did not finish within {timeout:.0f} s and was killed")
    elif status != L1_STATUS_OK:
        errors.append(f"L1 ended with QEMU status {status}")
    return Result(results, status, console, kvm_ready, errors, time.monotonic() - start,
                  lines, l1_start)


def _boot(cmd, timeout, start):
    """Run L1's QEMU; return its status (-1 when killed at the timeout) and its console as
    [(host seconds since start, line), ...]."""
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    lines, partial = [], b""
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    deadline = start + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not sel.select(timeout=left):
                proc.kill()
                break
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            now = time.monotonic() - start
            partial += chunk
            *done, partial = partial.split(b"\n")
            lines += [(now, d.decode("utf-8", "replace").rstrip("\r")) for d in done]
    finally:
        if proc.poll() is None:
            proc.kill()
        status = proc.wait()
        sel.close()
    if partial:
        lines.append((time.monotonic() - start, partial.decode("utf-8", "replace")))
    return (-1 if status < 0 else status), lines
