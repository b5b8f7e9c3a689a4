"""nested.py: run KVM jobs inside the L1 sandbox (engines nested-qemu-kvm and nested-mvm).

This host has no usable /dev/kvm, so KVM runs one level down: an L1 Linux (Debian's cloud
kernel) under QEMU TCG with an emulated SVM CPU loads kvm_amd and runs the jobs with a real
/dev/kvm. One L1 boot runs a whole batch of jobs in sequence. guest/l1/README.md describes
the sandbox, the framing protocol and what the timings mean.

    available() -> (bool, reason)
    run_batch(jobs, timeout_s=60) -> [Result, ...]    (one per job, in order)

A job is a Job, an (id, argv) or (id, argv, timeout_s) tuple, or a dict with those keys.
argv is written as for the host (host paths); files are copied into L1 and output files
(debugcon logs) are written back to their host paths when the batch ends.
"""

import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "guest" / "l1"))
import batch as l1batch  # noqa: E402
import l1build  # noqa: E402

QEMU = "qemu-system-x86_64"


def _env_int(name, default):
    value = os.environ.get(name, str(default))
    if not value.isdigit() or int(value) == 0:
        raise ValueError("%s=%s: must be a positive whole number" % (name, value))
    return int(value)


L1_MEM_MB = _env_int("MICRORIG_L1_MEM", 1536)   # MiB
L1_MEM_MAX_MB = 8192       # a batch needing more is refused rather than risking the host
L1_SMP = _env_int("MICRORIG_L1_SMP", 1)
L1_BOOT_TIMEOUT_S = 120     # spawn to "nested: ready"; about 4 s on an idle host
JOB_GRACE_S = 30            # per job on top of its own timeout: framing, file transfer
L1_EXIT_NO_KVM = 3          # L1 QEMU status when init found no /dev/kvm (init.c)


@dataclass
class Job:
    id: str
    argv: list
    timeout_s: float = 60.0


@dataclass
class Result:
    id: str
    status: int = None            # the inner program's exit status; None when it did not exit
    error: str = None             # why the job has no status (timeout, L1 failure, bad job)
    console: list = field(default_factory=list)    # inner stdout lines (guest serial)
    stderr: list = field(default_factory=list)
    debugcon: list = field(default_factory=list)   # lines of the job's debugcon file
    debugcon_events: list = field(default_factory=list)   # (L1 ms of arrival, line)
    files: dict = field(default_factory=dict)      # host output path -> bytes
    events: list = field(default_factory=list)     # (L1 ms since spawn, "o"/"e", line)
    elapsed_ms: float = None      # L1-side spawn to exit of the inner program
    spawn_ns: int = None          # L1's CLOCK_MONOTONIC at the spawn (mvm stamps this clock)
    l1_boot_ms: int = None        # host: L1 QEMU spawn to L1 init ready (same for a batch)
    l1_uptime_ms: int = None      # L1 kernel uptime when init was ready
    # Host CPU time L1's QEMU used: for the job (begin to end line) and for L1's boot. On a
    # loaded host these stay put while the wall-clock times above stretch.
    cpu_ms: int = None
    peak_rss_kib: int = None      # the inner program's peak RSS (wait4), when it exited
    l1_boot_cpu_ms: int = None
    l1_log: str = ""              # tail of L1's kernel console, on L1 failures
    nested: bool = True
    rerun: bool = False           # ran in a second L1 boot after the first one hung or died
    began: bool = False           # L1 started it (a begin line arrived)

    def first_ms(self, prefix):
        """L1 ms from spawn to the first console or stderr line starting with prefix."""
        for ms, _, text in self.events:
            if text.startswith(prefix):
                return ms
        return None


def log(msg):
    print("nested: " + msg, file=sys.stderr, flush=True)


def available():
    """(True, '') when the sandbox can run here, else (False, reason). Never downloads."""
    if not shutil.which(QEMU):
        return False, "%s is not installed" % QEMU
    if not shutil.which(os.environ.get("CC", "cc")):
        return False, "no C compiler to build the L1 init"
    if l1build.cached_kernels():
        return True, ""
    if not shutil.which("apt-get") or not shutil.which("dpkg-deb"):
        return False, "no cached L1 kernel and no apt-get/dpkg-deb to fetch one"
    if l1build.choose_package() is None:
        return False, "apt knows no linux-image-6.1.0-*-cloud-amd64 package"
    return True, ""


def _host_tsc_khz():
    """TSC rate for L1's tsc_early_khz=: under TCG Linux cannot calibrate on microvm."""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("cpu MHz"):
                return int(float(line.split(":")[1]) * 1000)
    except (OSError, ValueError):
        pass
    return None


def l1_mem_mb(initrd):
    """L1's RAM: the initrd is in memory twice while it is unpacked (archive and tmpfs),
    then the inner guests need theirs (-m 256m each, one at a time) and their VMM."""
    archive_mb = os.path.getsize(initrd) >> 20
    return max(L1_MEM_MB, 2 * archive_mb + 768)


L1_APPEND_ENV = "MICRORIG_L1_APPEND"


def l1_argv(kernel, initrd, console_log):
    # tsc=reliable: TCG's TSC is the host's, but the clocksource watchdog compares it with
    # jiffies that lag under load and marks it unstable; L1 then times jobs in 4 ms jiffies
    # and inner guests lose the stable-kvmclock bit. mitigations=off: nothing to protect.
    # cryptomgr.notests and small TCP/UDP hash tables: the crypto self-tests (about 0.7 s)
    # and hash tables sized for 1.5 GiB (about 0.3 s) were L1's slowest initcalls.
    cmdline = ["console=ttyS0", "rdinit=/init", "panic=-1", "mitigations=off",
               "tsc=reliable", "cryptomgr.notests", "thash_entries=2048",
               "uhash_entries=2048",
               # L1 has no RTC driver: its init sets the clock from this (init.c).
               "l1.epoch=%d" % int(time.time())]
    khz = _host_tsc_khz()
    if khz:
        cmdline.append("tsc_early_khz=%d" % khz)
    # For experiments on the sandbox's own kernel (guest/l1/README.md); the harness never
    # sets it, and results measured with it say so.
    cmdline += os.environ.get(L1_APPEND_ENV, "").split()
    # -la57: with 5-level paging every TCG page walk (L1's and the nested one) is longer.
    return [QEMU, "-M", "microvm", "-accel", "tcg", "-cpu", "max,-la57",
            "-smp", str(L1_SMP), "-m", "%dM" % l1_mem_mb(initrd),
            "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
            "-kernel", kernel, "-initrd", initrd, "-append", " ".join(cmdline),
            "-serial", "file:" + console_log,
            "-chardev", "stdio,id=res,signal=off",
            "-device", "isa-debugcon,iobase=0x402,chardev=res",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=4"]


def _as_job(j, timeout_s):
    if isinstance(j, Job):
        return j
    if isinstance(j, dict):
        return Job(str(j["id"]), list(j["argv"]), float(j.get("timeout_s", timeout_s)))
    return Job(str(j[0]), list(j[1]), float(j[2]) if len(j) > 2 else timeout_s)


def _debugcon_path(argv):
    """The host file a job's debugcon writes to, if it names one."""
    chardevs, dev_id = {}, None
    for opt, val in zip(argv, argv[1:]):
        if opt == "-debugcon" and val.startswith("file:"):
            return os.path.abspath(val[5:])
        kv = dict(p.partition("=")[::2] for p in val.split(","))
        if opt == "-chardev" and val.startswith("file,"):
            chardevs[kv.get("id")] = os.path.abspath(kv.get("path", ""))
        if opt == "-device" and val.startswith("isa-debugcon"):
            dev_id = kv.get("chardev")
    return chardevs.get(dev_id)


class _Run:
    """Parser of L1's result channel for one batch."""

    def __init__(self, jobs, results, t_spawn, on_result=None):
        self.jobs, self.results, self.t_spawn = jobs, results, t_spawn
        self.on_result = on_result
        self.by_inner = {}        # inner id -> (Job, Result, [(L1 out, host out)])
        self.hex = {}             # (inner id, n) -> [hex chunks]
        self.ready = self.halted = self.done = False
        self.problems = []        # module / kvm failures reported by L1
        self.current = None
        self.l1_boot_ms = self.l1_uptime_ms = self.l1_boot_cpu_ms = None
        self.pid = self.cpu_at_begin = None
        self.last_step = 0.0      # host time of the last ready/begin/end line

    def step_deadline(self):
        """When L1 must have said something next: a job gets its own timeout (enforced
        inside L1) plus grace; between jobs, the grace alone. Silence beyond it means L1
        itself hangs (seen once: an idle L1 under TCG that never woke up again)."""
        ent = self.by_inner.get(self.current)
        return self.last_step + (ent[0].timeout_s if ent else 0) + JOB_GRACE_S

    def cpu_ms(self):
        """User + system CPU ms of L1's QEMU so far (/proc/PID/stat fields 14 and 15)."""
        try:
            with open("/proc/%d/stat" % self.pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) * 1000 // os.sysconf("SC_CLK_TCK")
        except (OSError, TypeError, IndexError, ValueError):
            return None

    def line(self, text):
        if not text.startswith("nested: "):
            return
        head, _, body = text[8:].partition(" | ")
        words = head.split()
        if not words:
            return
        topic = words[0]
        kv = dict(w.partition("=")[::2] for w in words[1:])
        ent = self.by_inner.get(kv.get("id"))
        if topic in ("o", "e") and ent:
            ent[1].events.append((int(kv.get("ms", 0)), topic, body))
            (ent[1].console if topic == "o" else ent[1].stderr).append(body)
        elif topic in ("fx", "dx") and ent:   # whole file after the job / live FIFO chunk
            ms = int(kv.get("ms", -1))
            self.hex.setdefault((kv["id"], int(kv["n"])), []).append((ms, body.strip()))
        elif topic == "begin" and ent:
            self.current = kv["id"]
            self.last_step = time.monotonic()
            ent[1].began = True
            self.cpu_at_begin = self.cpu_ms()
        elif topic == "end" and ent:
            self._end(ent, kv)
        elif topic == "ready":
            self.ready = True
            self.last_step = time.monotonic()
            self.l1_boot_ms = int((time.monotonic() - self.t_spawn) * 1000)
            self.l1_uptime_ms = int(kv.get("uptime_ms", 0))
            self.l1_boot_cpu_ms = self.cpu_ms()
        elif topic == "module" and kv.get("state") != "loaded":
            self.problems.append("module %s %s: %s" % (kv.get("name"), kv.get("state"),
                                                       head.partition("what=")[2]))
        elif topic == "kvm" and kv.get("state") != "ok":
            self.problems.append("/dev/kvm " + head.partition("state=")[2])
        elif topic == "halt":
            self.halted = True
        elif topic == "done":
            self.done = True

    def _end(self, ent, kv):
        job, res, outs = ent
        self.current = None
        self.last_step = time.monotonic()
        res.elapsed_ms = int(kv.get("ms", 0))
        cpu = self.cpu_ms()
        if cpu is not None and self.cpu_at_begin is not None:
            res.cpu_ms = cpu - self.cpu_at_begin
        status = kv.get("status")
        if status == "exit":
            res.status = int(kv["exit"])
            res.peak_rss_kib = int(kv.get("rss_kib", 0)) or None
            if kv.get("t0_ns", "").isdigit() and kv.get("end_ns", "").isdigit():
                res.spawn_ns = int(kv["t0_ns"])
                res.elapsed_ms = (int(kv["end_ns"]) - res.spawn_ns) / 1e6   # ns, not ms, resolution
        elif status == "timeout":
            res.error = "timed out after %g s inside L1" % job.timeout_s
        elif status == "signal":
            res.error = "killed by signal %s inside L1" % kv.get("signal")
        else:
            res.error = "L1 init could not start the job"
        dbg = _debugcon_path(job.argv)
        for n, (_, host) in enumerate(outs):
            chunks = self.hex.pop((kv["id"], n), None)
            if chunks is None:
                continue
            data = bytes.fromhex("".join(h for _, h in chunks))
            res.files[host] = data
            _write_back(host, data, res)
            if host == dbg or (dbg is None and n == 0):
                res.debugcon_events = _timed_lines(chunks, res.elapsed_ms)
                res.debugcon = [text for _, text in res.debugcon_events]
        if self.on_result:
            self.on_result(res)


def _timed_lines(chunks, end_ms):
    """Lines of a stream of (ms, hex) chunks, each stamped with the arrival of its end;
    chunks without a time (a file sent whole after the job) get the job's end."""
    events, partial = [], b""
    for ms, hexdata in chunks:
        ms = ms if ms >= 0 else (end_ms or 0)
        *lines, partial = (partial + bytes.fromhex(hexdata)).split(b"\n")
        events += [(ms, line.decode("latin-1").rstrip("\r")) for line in lines]
    if partial:
        events.append((end_ms or 0, partial.decode("latin-1").rstrip("\r")))
    return events


def _write_back(host, data, res):
    """Put an output file's bytes at its host path. A FIFO there (a reader waiting for a
    stream) gets them only if someone reads it now: writing must never block the batch."""
    try:
        if os.path.exists(host) and not os.path.isfile(host):
            fd = os.open(host, os.O_WRONLY | os.O_NONBLOCK)
            try:
                os.write(fd, data)
            finally:
                os.close(fd)
        else:
            Path(host).write_bytes(data)
    except OSError as e:
        res.stderr.append("nested: cannot write %s back: %s" % (host, e))


def _read_lines(proc, run, deadline_fn):
    """Feed L1's result lines to run until L1 exits or the deadline passes; True on time."""
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    buf = b""
    while True:
        left = deadline_fn() - time.monotonic()
        if left <= 0:
            return False
        if not sel.select(timeout=min(left, 1.0)):
            if proc.poll() is not None:
                return True
            continue
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            return True
        buf += chunk
        *lines, buf = buf.split(b"\n")
        for line in lines:
            run.line(line.decode("utf-8", "replace"))


def _tail(path, n=40):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return ""


# What _finish says of a job that was running when L1 hung or died: the sandbox's failure,
# which a fresh L1 retries once (a job that hangs L1 again fails with the same words).
L1_STOPPED = "L1 stopped responding"
L1_ENDED = "L1 ended before this job finished"
L1_LOST_DURING_JOB = (L1_STOPPED, L1_ENDED)


def run_batch(jobs, timeout_s=60, boot_timeout_s=L1_BOOT_TIMEOUT_S, on_result=None):
    """Run jobs in one L1 boot; one Result per job, in order. Never hangs: L1 is killed
    when it does not boot within boot_timeout_s, or falls silent longer than the current
    job's timeout plus a grace period. If L1 hangs or dies after booting, the jobs it had
    not started yet, and the one it was running, run in one more L1 boot (their results
    say rerun=True; the one that was running also says so on its stderr).
    on_result(result), if given, is called as each job ends inside L1 (for progress)."""
    jobs = [_as_job(j, timeout_s) for j in jobs]
    results = _run_once(jobs, timeout_s, boot_timeout_s, on_result)
    booted = [r.l1_boot_ms is not None for r in results]
    again = [i for i, r in enumerate(results) if r.error and booted[i] and
             (not r.began or r.error.startswith(L1_LOST_DURING_JOB))]
    if again and any(r.began for r in results):
        log("L1 failed after %d of %d jobs; running the other %d in a new L1 boot" % (
            len(results) - len(again), len(results), len(again)))
        for i, res in zip(again, _run_once([jobs[i] for i in again], timeout_s,
                                            boot_timeout_s, on_result)):
            if results[i].began:
                note = "nested: the first L1 failed during this job (%s); this is its" \
                       " run in a fresh L1" % results[i].error
                res.events.insert(0, (0, "e", note))
                res.stderr.insert(0, note)
            res.rerun = True
            results[i] = res
    return results


def _run_once(jobs, timeout_s, boot_timeout_s, on_result):
    results = [Result(j.id) for j in jobs]
    if not jobs:
        return results
    ok, why = available()
    if not ok:
        for r in results:
            r.error = "nested sandbox unavailable: " + why
        return results
    try:
        parts = l1build.build()
    except Exception as e:   # a build failure must become a per-job reason, not a crash
        for r in results:
            r.error = "L1 build failed: %s %s" % (e, getattr(e, "stderr", "") or "")
        return results
    with tempfile.TemporaryDirectory(prefix="microrig-l1-") as tmp:
        b = l1batch.Batch()
        run = _Run(jobs, results, 0.0, on_result)
        for job, res in zip(jobs, results):
            try:
                inner = b.add(job.id, job.argv, job.timeout_s * 1000)
            except (l1batch.BatchError, OSError) as e:
                res.error = "job cannot run in L1: %s" % e
                continue
            run.by_inner[inner] = (job, res, b.jobs[-1][4])
        if not run.by_inner:
            return results
        initrd = os.path.join(tmp, "initrd.cpio")
        try:
            _assemble_initrd(initrd, parts, b)
        except OSError as e:
            for _, res, _ in run.by_inner.values():
                res.error = "cannot assemble L1's initrd: %s" % e
            return results
        if l1_mem_mb(initrd) > L1_MEM_MAX_MB:
            for _, res, _ in run.by_inner.values():
                res.error = "L1 would need %d MiB of RAM for this batch (%d MB of files);" \
                    " the limit is %d MiB" % (l1_mem_mb(initrd), os.path.getsize(initrd) >> 20,
                                             L1_MEM_MAX_MB)
            return results
        console = os.path.join(tmp, "l1-console.log")
        _boot_and_run(l1_argv(parts["kernel"], initrd, console), run, jobs, boot_timeout_s,
                      os.path.join(tmp, "l1-qemu.stderr"))
        _finish(run, results, console)
        if os.environ.get("MICRORIG_L1_LOG") and os.path.exists(console):   # for diagnosis
            shutil.copyfile(console, os.environ["MICRORIG_L1_LOG"])
    return results


def _assemble_initrd(initrd, parts, b):
    """base + (qemu) + this batch: the kernel unpacks concatenated archives in order."""
    b.write(initrd + ".batch")
    pieces = [parts["base"]] + ([parts["qemu"]] if b.uses_qemu else []) + [initrd + ".batch"]
    with open(initrd, "wb") as out:
        for piece in pieces:
            with open(piece, "rb") as inp:
                shutil.copyfileobj(inp, out, 1 << 20)


PR_SET_PDEATHSIG = 1   # prctl(2): signal sent to the child when its parent thread dies


def _die_with_parent():
    """In the child before exec: if the harness is killed outright (SIGKILL, no finally),
    L1's QEMU must not run on alone."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def _boot_and_run(argv, run, jobs, boot_timeout_s, stderr_path):
    # L1 QEMU's stderr goes to a file: a pipe nobody reads during the run could fill up.
    with open(stderr_path, "wb") as err:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=err, start_new_session=True,
                                preexec_fn=_die_with_parent)
    run.t_spawn = t0 = time.monotonic()
    run.pid = proc.pid
    total = boot_timeout_s + sum(j.timeout_s + JOB_GRACE_S for j in jobs)

    def deadline():
        if not run.ready:
            return t0 + boot_timeout_s
        return min(t0 + total, run.step_deadline())
    try:
        run.finished_in_time = _read_lines(proc, run, deadline)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        run.qemu_status = proc.returncode
        run.qemu_stderr = Path(stderr_path).read_text(errors="replace").strip()
        proc.stdout.close()


def _finish(run, results, console):
    """Give every job without an end line a reason, and every result the L1 timings."""
    if run.problems:
        why = "no KVM in L1: " + "; ".join(run.problems)
    elif not run.ready and not run.finished_in_time:
        why = "L1 did not boot to its init within the timeout"
    elif not run.ready:
        why = "L1 exited before its init was ready"
    elif not run.finished_in_time:
        why = "%s (no result line within the job's timeout + %d s)" % (L1_STOPPED, JOB_GRACE_S)
    else:
        why = L1_ENDED
    if run.qemu_stderr:
        why += " (L1 QEMU: %s)" % run.qemu_stderr.splitlines()[-1]
    for job, res, _ in run.by_inner.values():
        res.l1_boot_ms, res.l1_uptime_ms = run.l1_boot_ms, run.l1_uptime_ms
        res.l1_boot_cpu_ms = run.l1_boot_cpu_ms
        if res.elapsed_ms is None and res.error is None:
            res.error = why
            res.l1_log = _tail(console)


def main(argv):
    """python3 -m harness.nested [--timeout S] [--repeat N] -- PROGRAM ARGS...: run one
    command (N times) inside L1 and print what it wrote; exits with its status."""
    import argparse
    ap = argparse.ArgumentParser(prog="python3 -m harness.nested", description=main.__doc__)
    ap.add_argument("--timeout", type=float, default=60, help="per run, seconds")
    ap.add_argument("--repeat", type=int, default=1, help="runs in the same L1 boot")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args(argv)
    cmd = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not cmd:
        ap.error("no command given")
    results = run_batch([("run-%d" % i, cmd) for i in range(args.repeat)], args.timeout,
                        on_result=lambda r: log("%s ended: status=%s elapsed_ms=%s" % (
                            r.id, r.status, r.elapsed_ms)))
    for r in results:
        for ms, tag, text in r.events:
            print("%7d %s %s" % (ms, "|" if tag == "o" else "!", text))
        for ms, line in r.debugcon_events:
            print("%7d d %s" % (ms, line))
        print("nested: id=%s status=%s elapsed_ms=%s cpu_ms=%s l1_boot_ms=%s l1_boot_cpu_ms=%s%s"
              % (r.id, r.status, r.elapsed_ms, r.cpu_ms, r.l1_boot_ms, r.l1_boot_cpu_ms,
                 " error=%s" % r.error if r.error else ""))
        if r.l1_log:
            print(r.l1_log)
    last = results[-1]
    return last.status if last.status is not None else 125


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
