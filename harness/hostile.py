"""Hostile guests and data safety against mvm, in the nested sandbox (harness/nested.py).

One L1 boot runs every job of `all_jobs()`:
- each hostile variant of guest/hostile (fwcfg, virtq, ports, mmio) under the ASan+UBSan
  mvm (build/guest/hostile/mvm.asan) and the plain static one (build/mvm.static);
- blk-readonly: writes to a read-only drive must get an error status;
- blk-flush: the guest writes a pattern, flushes and stops; a bash script inside L1 kills
  mvm with SIGKILL as soon as the guest says "flushed" and copies the image back through an
  output file (nested.py only returns chardev/serial outputs, so the script names the copy
  as a `-serial file:` argument of its own command line).

`verdict(job_kind, result)` turns a nested Result into (ok, why).
"""
import os
import pathlib
import re
import shutil

ROOT = pathlib.Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
PAYLOAD = BUILD / "guest" / "hostile" / "hostile.pvh"
MVM_ASAN = BUILD / "guest" / "hostile" / "mvm.asan"
MVM_STATIC = BUILD / "mvm.static"
ROM = BUILD / "microrig.rom"
VARIANTS = ("fwcfg", "virtq", "ports", "mmio")
# Inside L1 (TCG, nested KVM) an exit costs ~100 us: the port sweep makes ~150k of them.
TIMEOUT_S = {"ports": 120, "mmio": 90}
DEFAULT_TIMEOUT_S = 60
DISK_BYTES = 1 << 20
SECTORS = 8                     # guest/hostile/blk.c PATTERN_SECTORS
SANITIZER = re.compile(r"ERROR: (Address|Leak|UndefinedBehavior)Sanitizer|runtime error:")
RESULT = re.compile(r"hostile: result variant=(\S+) outcome=(\S+) ?(.*)")

# Bash inside L1: run mvm, wait for the guest's "flushed" line, SIGKILL, copy the image.
# nested.py makes a `-chardev file` path an output FIFO that init drains, which the script
# cannot read back; so the debugcon argument arrives as "xfile,..." (batch.py leaves it
# alone), the script turns it into a plain file in L1's root and prints its lines at the end.
KILL_SCRIPT = " ".join("""
out=${2#file:}; img=$3; cat=$4; mvm=$5; shift 5; args=();
for a in "$@"; do case $a in xfile,*) a=${a#x}; dbg=${a##*=};; esac; args+=("$a"); done;
"$mvm" "${args[@]}" & pid=$!;
seen=no;
for ((i = 0; i < 400000; i++)); do
  if [[ -s $dbg && $(< "$dbg") == *"hostile: flushed"*" end"* ]]; then seen=yes; break; fi;
  kill -0 $pid || break;
done;
kill -KILL $pid; wait $pid; st=$?;
while IFS= read -r l; do echo "debugcon: $l"; done < "$dbg";
echo "data-safety: flushed_seen=$seen mvm_status=$st";
"$cat" "$img" > "$out"
""".split())       # one line: nested.py refuses arguments with newlines


def missing():
    """What is not built, or None."""
    for p in (PAYLOAD, MVM_ASAN, MVM_STATIC, ROM):
        if not p.exists():
            return f"{p.relative_to(ROOT)} is not built (make all)"
    if not shutil.which("bash") or not shutil.which("cat"):
        return "bash and cat are needed on the host"
    return None


def mvm_argv(mvm, variant, workdir, disk, readonly=False):
    drive = f"id=d0,file={disk},format=raw,if=none" + (",readonly=on" if readonly else "")
    return [str(mvm), "-M", "microvm,x-option-roms=off,pit=off,pic=off,rtc=off,isa-serial=off",
            "-accel", "kvm", "-cpu", "host,-xsave", "-m", "128m", "-smp", "1",
            "-nodefaults", "-no-reboot", "-bios", str(ROM), "-kernel", str(PAYLOAD),
            "-append", f"hostile={variant}", "-global", "virtio-mmio.force-legacy=off",
            "-drive", drive, "-device", "virtio-blk-device,drive=d0",
            "-chardev", f"file,id=dbg,path={workdir / (variant + '.debugcon')}",
            "-device", "isa-debugcon,iobase=0x402,chardev=dbg",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=4"]


def all_jobs(workdir):
    """[(kind, Job tuple)]: kind is "hostile", "readonly" or "flush"."""
    workdir = pathlib.Path(workdir)
    jobs = []
    for mvm, tag in ((MVM_ASAN, "asan"), (MVM_STATIC, "static")):
        for v in VARIANTS:
            disk = workdir / f"{tag}-{v}.img"
            disk.write_bytes(b"\0" * DISK_BYTES)
            sub = workdir / f"{tag}-{v}"
            sub.mkdir(exist_ok=True)
            jobs.append(("hostile", (f"{v}-{tag}", mvm_argv(mvm, v, sub, disk),
                                     TIMEOUT_S.get(v, DEFAULT_TIMEOUT_S))))
    ro = workdir / "readonly.img"
    ro.write_bytes(b"\0" * DISK_BYTES)
    rodir = workdir / "readonly"
    rodir.mkdir(exist_ok=True)
    jobs.append(("readonly", ("blk-readonly-asan",
                              mvm_argv(MVM_ASAN, "blk-readonly", rodir, ro, readonly=True),
                              DEFAULT_TIMEOUT_S)))
    img = workdir / "flush.img"
    img.write_bytes(b"\0" * DISK_BYTES)
    fdir = workdir / "flush"
    fdir.mkdir(exist_ok=True)
    back = workdir / "flush-after-kill.img"
    inner = mvm_argv(MVM_STATIC, "blk-flush", fdir, img)
    inner[inner.index("-chardev") + 1] = "xfile,id=dbg,path=/hostile-flush.debugcon"
    argv = [shutil.which("bash"), "-c", KILL_SCRIPT, "bash", "-serial", f"file:{back}",
            str(img), shutil.which("cat"), *inner]
    # mvm_argv starts with mvm itself: it becomes $5 of the script, the rest its arguments.
    jobs.append(("flush", ("blk-flush-sigkill", argv, DEFAULT_TIMEOUT_S)))
    return jobs


def expected_sector(n):
    text = f"microrig-data-safety sector={n}".encode()
    return text + b"\0" * (512 - len(text))


def result_line(res):
    for line in res.debugcon:
        m = RESULT.search(line)
        if m:
            return m.group(1), m.group(2), dict(re.findall(r'(\w+)=("[^"]*"|\S+)', m.group(3)))
    return None


def verdict(kind, res, flush_copy=None):
    """(ok, why) for one job's nested Result."""
    text = "\n".join(res.stderr)
    if res.error:
        return False, f"no result: {res.error}"
    if SANITIZER.search(text):
        return False, "sanitizer report:\n" + text[-3000:]
    if kind == "flush":
        data = res.files.get(str(flush_copy), b"") if flush_copy else b""
        line = " ".join(res.console)
        if "flushed_seen=yes" not in line:
            return False, f"the guest never said flushed: {line} {res.debugcon[-3:]}"
        bad = [n for n in range(SECTORS) if data[512 * n:512 * (n + 1)] != expected_sector(n)]
        if len(data) != DISK_BYTES or bad:
            return False, f"image after SIGKILL: {len(data)} bytes, sectors {bad} lost"
        return True, line
    found = result_line(res)
    if res.status == 1 and found and found[1] == "survived":
        variant, _, kv = found
        if kind == "readonly":
            ws = kv.get("write_status")
            if ws in (None, "0", "255"):
                return False, f"a write to a read-only drive returned status {ws}"
            return True, f"write_status={ws}"
        if kv.get("sane_read_after", "ok") != "ok":
            return False, f"{variant}: the device no longer works after the hostile cases: {kv}"
        # A DMA into the BIOS region may change it: QEMU's microvm maps the BIOS as RAM
        # (x86_bios_rom_init with isapc_ram_fw = true, never read-only), and so does mvm;
        # it is guest memory, which is all a DMA may touch.
        if "accepted" in kv:
            return False, f"{variant}: fw_cfg DMA accepted a bad request: {found[2]}"
        return True, " ".join(f"{k}={v}" for k, v in kv.items())
    # Not survived: acceptable only as a clean stop with mvm's own device error message.
    if res.status is not None and 1 < res.status < 128 and re.search(r"^mvm: ", text, re.M):
        return True, f"stopped with a device error: {text.strip()[-300:]}"
    return False, (f"status {res.status}, result line {found}, stderr tail:\n{text[-1500:]}\n"
                   f"debugcon tail: {res.debugcon[-5:]}")


_cache = {}


def run_all(workdir=None):
    """Runs every job in one L1 boot (once per process); {job id: (kind, Job, Result)}."""
    if "results" in _cache:
        return _cache["results"]
    from harness import nested
    workdir = pathlib.Path(workdir or BUILD / "hostile-run")
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    jobs = all_jobs(workdir)
    only = os.environ.get("MICRORIG_HOSTILE_ONLY")     # comma-separated job ids, for debugging
    if only:
        jobs = [j for j in jobs if j[1][0] in only.split(",")]
    results = nested.run_batch([j for _, j in jobs], timeout_s=DEFAULT_TIMEOUT_S)
    _cache["results"] = {j[0]: (kind, j, r) for (kind, j), r in zip(jobs, results)}
    _cache["flush_copy"] = workdir / "flush-after-kill.img"
    with open(workdir / "results.txt", "w") as out:      # what each job did, for the record
        for (kind, j), r in zip(jobs, results):
            ok, why = verdict(kind, r, _cache["flush_copy"])
            out.write(f"{j[0]} status={r.status} error={r.error} elapsed_ms={r.elapsed_ms} "
                      f"ok={ok}\n  {why[:600]}\n  debugcon: {str(r.debugcon[-2:])[:300]}\n"
                      f"  console: {r.console[-2:]}\n  stderr: {r.stderr[-3:]}\n")
    return _cache["results"]


def flush_copy():
    return _cache.get("flush_copy")
