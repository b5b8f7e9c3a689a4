"""Runs one case: builds the command line, spawns the engine, captures its channels.

Every line from the console (stdout), debugcon (a FIFO) and the engine's stderr is
stamped with the host's monotonic clock, in ns since spawn, as it arrives: latency is
measured, not guessed. A guest that neither exits nor prints within the timeout is killed,
and so is an engine that reports a KVM internal error (QEMU pauses the VM then and would
wait forever).
"""

import contextlib
import ctypes
import os
import selectors
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import linuxargs, probeargs, tap
from .report import Report, ReportError, parse_line

DEBUGCON_PORT = "0x402"
EXIT_PORT = "0xf4"
BLK_IMAGE_BYTES = 64 * 1024

# Lines on the engine's stderr after which the guest can make no more progress.
_FATAL_STDERR = ("KVM internal error", "emulation failure")

# Base timeouts in seconds per payload kind, scaled per engine (engines.timeout_scale).
# Linux under TCG reaches init in about 1.5 s; rtc=off costs about 1 s more (rtc_cmos
# retries while the absent RTC reads 0xff) and the machine may be loaded by parallel cases.
TIMEOUT_S = {"linux": 30.0, "probe": 20.0, "devices": 40.0}


@dataclass
class Channel:
    name: str
    lines: list = field(default_factory=list)   # [(t_ns, text)]
    _partial: bytes = b""

    def feed(self, data, t_ns):
        self._partial += data
        *complete, self._partial = self._partial.split(b"\n")
        for raw in complete:
            self.lines.append((t_ns, raw.decode("utf-8", "replace").rstrip("\r")))

    def close(self, t_ns):
        if self._partial:
            self.lines.append((t_ns, self._partial.decode("utf-8", "replace")))
            self._partial = b""

    def text(self):
        return "\n".join(t for _, t in self.lines)


@dataclass
class Result:
    case_id: str
    argv: list
    status: int             # exit status; None when killed
    timed_out: bool
    killed_why: str
    elapsed_ns: int
    console: Channel
    debugcon: Channel
    stderr: Channel
    report: Report
    peak_rss_kib: int = 0
    files: dict = field(default_factory=dict)   # RETURNED_FILES: name -> bytes
    # CLOCK_MONOTONIC at the spawn, on the clock the engine's own stamps use (the host's;
    # L1's for nested runs), so that mvm's -stage-times can be set against the spawn.
    spawn_ns: int = None

    @property
    def exit_value(self):
        """The value the guest wrote to the exit port, or None if it did not exit that way."""
        if self.status is None or self.status % 2 == 0:
            return None
        return self.status >> 1

    def t_init_ns(self):
        line = self.report.init_started()
        return line.t_ns if line else None

    def tail(self, n=25):
        """The end of every channel, for a failure message."""
        parts = []
        for ch in (self.console, self.debugcon, self.stderr):
            lines = [t for _, t in ch.lines[-n:]]
            if lines:
                parts.append(f"--- {ch.name} (last {len(lines)} lines) ---\n" + "\n".join(lines))
        return "\n".join(parts) or "(no output)"


def build_command(case, workdir, binary=None):
    """The engine's argv for a case: QEMU's syntax, which mvm takes as well."""
    engine = case.engine_def
    t = case.toggles
    argv = [str(binary or case.vmm or engine.binary),
            "-M", f"microvm,acpi=off,{t.machine_options()},auto-kernel-cmdline=on",
            *engine.accel, *engine.cpu_args(),
            "-m", f"{case.mem_mb}m", "-smp", str(case.cpus),
            "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
            "-bios", str(case.rom or case.firmware_def.path),
            "-chardev", "stdio,id=con0",
            "-chardev", f"file,id=dbg,path={workdir / 'debugcon'}",
            "-device", f"isa-debugcon,iobase={DEBUGCON_PORT},chardev=dbg",
            "-device", f"isa-debug-exit,iobase={EXIT_PORT},iosize=4"]
    if engine.name.endswith("mvm"):
        argv += ["-stage-times"]    # mvm's host-clock stage stamps, on stderr
    if t.serial:
        argv += ["-serial", "chardev:con0"]
    devices = case.virtio_devices()
    if devices.count("net") > 1:
        raise ValueError(f"{case.id}: tapns makes one tap per run, the case names"
                         f" {devices.count('net')} virtio-net devices")
    for i, dev in enumerate(devices):
        argv += _virtio_args(dev, i, workdir, case)
    if case.handoff:
        argv += ["-fw_cfg", f"name=opt/microrig/boot,string={case.handoff}"]
    for name, value in case.fw_cfg:
        argv += ["-fw_cfg", f"name={name},string={value}"]
    argv += ["-kernel", str(case.payload.path), "-append", kernel_cmdline(case)]
    initrd = initrd_for(case, workdir)
    if initrd:
        argv += ["-initrd", str(initrd)]
    if "net" in devices:
        # The engine runs with a tap of its own, and the frames it sends come back.
        argv = tap.wrap(argv, workdir / tap.CAPTURE_FILE, nested=engine.nested)
    return argv


# Files of a run's work folder that come back in Result.files: disk images (a guest may
# have written them), the virtio console's output when the UART holds the console, and
# what the tap side received from virtio-net.
RETURNED_FILES = ("disk*.img", "vcon", tap.CAPTURE_FILE)
# Of those, what comes back from the nested sandbox: its outputs (a disk image's writes
# stay in L1).
NESTED_RETURNED_FILES = ("vcon", tap.CAPTURE_FILE)


def _virtio_args(dev, index, workdir, case):
    if dev == "blk":
        image = workdir / f"disk{index}.img"
        if not image.exists():
            # The probe's test pattern: its device suite reads sector 0 and writes sector 1.
            image.write_bytes(probeargs.pattern(BLK_IMAGE_BYTES))
        return ["-drive", f"id=blk{index},file={image},format=raw,if=none",
                "-device", f"virtio-blk-device,drive=blk{index}"]
    if dev == "net":
        return tap.netdev_args(index)
    if dev == "console":
        # The console when there is no UART; else a second console to a file.
        chardev = "con0"
        extra = []
        if case.toggles.serial:
            chardev = "vcon"
            extra = ["-chardev", f"file,id=vcon,path={workdir / 'vcon'}"]
        # One port and no control queue: with QEMU's default of 31 ports the guest drops
        # console output until the control-queue handshake, which under TCG can come after
        # init has started (guest/linux/README.md).
        return extra + ["-device", "virtio-serial-device,max_ports=1",
                        "-device", f"virtconsole,chardev={chardev}"]
    raise ValueError(f"unknown virtio device {dev!r}")


def _returned_files(workdir):
    return {f.name: f.read_bytes() for pattern in RETURNED_FILES for f in workdir.glob(pattern)}


def kernel_cmdline(case):
    if case.payload.kind == "linux":
        return f"{linuxargs.cmdline(case)} {case.extra_append}".strip()
    return probeargs.cmdline(case)


def initrd_for(case, workdir):
    if not case.initrd:
        return None
    if case.payload.kind == "linux":
        return case.payload.initrd
    return probeargs.initrd(case, workdir)


def timeout_for(case):
    if isinstance(case, Command):
        return case.timeout_s
    return TIMEOUT_S[case.payload.kind] * case.engine_def.timeout_scale


@dataclass
class Command:
    """A program timed as an engine is, with no case behind it (make bench's kvm-floor):
    its own argv, run on the host or, when nested, in the sandbox beside nested cases
    (run_nested takes it in their list)."""
    id: str
    argv: list
    nested: bool = False
    timeout_s: float = 30.0


def run_command(cmd):
    """Run a Command once and return its Result, timed as run() times an engine."""
    if cmd.nested:
        return run_nested([cmd])[0]
    with tempfile.TemporaryDirectory(prefix="microrig-") as tmp:
        with _debugcon_fifo(Path(tmp)) as dbg_fd:      # the collector reads one; none writes
            return _spawn_and_collect(cmd, list(cmd.argv), dbg_fd, cmd.timeout_s)


def run(case, timeout=None, binary=None, extra_args=()):
    """Boot one case and return its Result (never raises for a guest failure)."""
    timeout = timeout or timeout_for(case)
    if case.engine_def.nested:
        return run_nested([case], timeout=timeout)[0]
    with tempfile.TemporaryDirectory(prefix="microrig-") as tmp:
        workdir = Path(tmp)
        argv = build_command(case, workdir, binary) + list(extra_args)
        with _debugcon_fifo(workdir) as dbg_fd:
            result = _spawn_and_collect(case, argv, dbg_fd, timeout)
        result.files = _returned_files(workdir)
        return result


@contextlib.contextmanager
def _debugcon_fifo(workdir):
    """workdir/debugcon as a FIFO, and the fd its lines are read from."""
    fifo = workdir / "debugcon"
    os.mkfifo(fifo)
    # Open the reading end first, non-blocking, so the engine's open does not block, and
    # hold a writer of our own so that the reader never sees end-of-file while the engine
    # has not opened the FIFO yet (or has closed it).
    dbg_fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    keep_fd = os.open(fifo, os.O_WRONLY)
    try:
        yield dbg_fd
    finally:
        os.close(keep_fd)
        os.close(dbg_fd)


def _spawn_and_collect(case, argv, dbg_fd, timeout):
    console, debugcon, stderr = Channel("console"), Channel("debugcon"), Channel("stderr")
    t0 = time.monotonic_ns()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True,
                            preexec_fn=_die_with_parent)
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ, console)
    sel.register(proc.stderr, selectors.EVENT_READ, stderr)
    sel.register(dbg_fd, selectors.EVENT_READ, debugcon)
    deadline = t0 + int(timeout * 1e9)
    killed_why = ""
    open_pipes = 2
    while open_pipes > 0:
        now = time.monotonic_ns()
        if now >= deadline:
            killed_why = f"no exit within {timeout:.0f} s"
            break
        for key, _ in sel.select(timeout=min(0.2, (deadline - now) / 1e9)):
            try:
                data = os.read(key.fd, 65536)
            except BlockingIOError:
                continue
            t = time.monotonic_ns() - t0
            if not data:
                sel.unregister(key.fd)
                open_pipes -= 1
                continue
            key.data.feed(data, t)
        if not killed_why and any(s in text for _, text in stderr.lines for s in _FATAL_STDERR):
            killed_why = "the engine reported a KVM internal error"
            break
    if killed_why:
        _kill(proc)
    status, rss_kib = _reap(proc)
    elapsed = time.monotonic_ns() - t0
    _drain(dbg_fd, debugcon, elapsed)
    for ch in (console, debugcon, stderr):
        ch.close(elapsed)
    sel.close()
    report = _report_of(console, debugcon, stderr)
    return Result(case.id, argv, None if killed_why else status, bool(killed_why),
                  killed_why, elapsed, console, debugcon, stderr, report, rss_kib,
                  spawn_ns=t0)


def _reap(proc, grace_s=5.0):
    """Wait for the engine with wait4, for its exit status and its peak RSS (KiB)."""
    deadline = time.monotonic() + grace_s
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            _kill(proc)
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.005)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_maxrss


def run_nested(cases, timeout=None, on_result=None, wrap=None):
    """Boot cases inside one L1 sandbox boot (guest/l1/README.md); [Result], in order.
    (A list, not a map by id: bad-input variants share their case's id.)

    The inner command line is the one build_command makes for the host (a Command's own
    argv for a Command among the cases), run under wrap(argv) when wrap is given (ktrace);
    the sandbox maps its files into L1 and brings the debugcon file back. Times are L1's
    clock from the inner spawn: good for correctness and same-run ratios, not for absolute
    latency.
    """
    from . import nested
    with tempfile.TemporaryDirectory(prefix="microrig-nested-") as tmp:
        jobs = []
        for i, case in enumerate(cases):
            workdir = Path(tmp) / str(i)
            workdir.mkdir()
            argv = list(case.argv) if isinstance(case, Command) else build_command(case, workdir)
            argv = wrap(argv) if wrap else argv
            jobs.append(nested.Job(f"{i}-{case.id}", argv, timeout or timeout_for(case)))
        done = nested.run_batch(jobs, on_result=on_result)
        return [_from_nested(case, job.argv, res) for case, job, res in zip(cases, jobs, done)]


def _from_nested(case, argv, res):
    console, debugcon, stderr = Channel("console"), Channel("debugcon"), Channel("stderr")
    for ms, kind, text in res.events:
        (console if kind == "o" else stderr).lines.append((int(ms * 1e6), text))
    elapsed = int((res.elapsed_ms or 0) * 1e6)
    # L1 reads the debugcon file as it grows and stamps each line with its arrival.
    debugcon.lines = [(int(ms * 1e6), text) for ms, text in res.debugcon_events]
    if res.error:
        stderr.lines.append((elapsed, f"nested: {res.error}"))
        if res.l1_log:
            stderr.lines += [(elapsed, f"L1: {t}") for t in res.l1_log.splitlines()[-20:]]
    report = _report_of(console, debugcon, stderr)
    killed = res.status is None
    files = {Path(p).name: data for p, data in res.files.items()
             if Path(p).name in NESTED_RETURNED_FILES}
    return Result(case.id, argv, res.status, killed, res.error or "" if killed else "",
                  elapsed, console, debugcon, stderr, report, res.peak_rss_kib or 0, files,
                  spawn_ns=res.spawn_ns)


# Which channel is authoritative for each source: the firmware and the probe write the
# same lines to the UART as to debugcon, and must be counted once.
_SOURCE_CHANNEL = {"microrig": "debugcon", "probe": "debugcon", "init": "console",
                   "mvm": "stderr"}


def _report_of(*channels):
    """The run's Report: each source's lines from its own channel, in arrival order.
    A line that breaks the grammar on its source's channel is kept as malformed (the
    judge fails the case on it); elsewhere (a payload's free text) it is ignored."""
    lines, malformed = [], []
    for ch in channels:
        for t_ns, text in ch.lines:
            try:
                line = parse_line(text, t_ns)
            except ReportError:
                if ch.name == "debugcon" or text.startswith(("init:", "mvm:")):
                    malformed.append(text)
                continue
            if line is not None and _SOURCE_CHANNEL.get(line.source) == ch.name:
                lines.append(line)
    return Report(sorted(lines, key=lambda l: l.t_ns), malformed)


def _drain(fd, channel, t_ns):
    while True:
        try:
            data = os.read(fd, 65536)
        except BlockingIOError:
            return
        if not data:
            return
        channel.feed(data, t_ns)


PR_SET_PDEATHSIG = 1     # prctl(2): signal to get when the parent thread dies


def _die_with_parent():
    """In the child, before exec: a harness that is killed must not leave engines behind
    (they run in their own session, out of reach of the terminal's signals)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _kill(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
