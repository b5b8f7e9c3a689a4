"""selftest.py: prove the L1 sandbox works and measure it (what `make l1-check` runs).

    /usr/bin/python3 guest/l1/selftest.py [--linux-boots N] [--rtc] [--kernel K --initrd I]

One L1 boot runs: QEMU -accel kvm with qboot and a tiny PVH payload (writes a debugcon line
and exits through port 0xf4), then N inner Linux boots to `init: start`, and with --rtc the
same Linux boot with rtc=on and rtc=off (the rtc_cmos retry finding). Inner Linux: the
project's guest kernel and initramfs when built, else Debian's cloud kernel with hello.c as
init. Prints one line per job and the timings.
"""

import argparse
import glob
import os
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)
import cpio  # noqa: E402
import l1build  # noqa: E402
from harness import nested  # noqa: E402

PVH_LOAD = 0x100000            # physical load address of the payload
XEN_ELFNOTE_PHYS32_ENTRY = 18  # PVH entry note type (Xen public/elfnote.h)
PVH_MSG = b"pvh: hello from the inner guest\n"
QBOOT = "/usr/share/qemu/qboot.rom"
MVM_CANDIDATES = [os.path.join(ROOT, "build", "mvm.static"), "/work/wt/vmm/build/mvm.static"]


def pvh_payload():
    """A 32-bit ELF with a PVH note whose code writes PVH_MSG to debugcon, then 0 to the
    exit port (host status 1)."""
    ehdr_size, phdr_size, note_size = 52, 32, 20
    code_off = ehdr_size + 2 * phdr_size + note_size
    entry = PVH_LOAD + code_off
    code_len = 4 + 5 + 5 + 2 + 4 + 2 + 1 + 1 + 2
    msg_addr = entry + code_len
    code = (b"\x66\xba\x02\x04"                               # mov dx, 0x402 (debugcon)
            + b"\xbe" + struct.pack("<I", msg_addr)           # mov esi, msg
            + b"\xb9" + struct.pack("<I", len(PVH_MSG))       # mov ecx, len
            + b"\xf3\x6e"                                     # rep outsb
            + b"\x66\xba\xf4\x00"                             # mov dx, 0xf4 (debug exit)
            + b"\x31\xc0\xef"                                 # xor eax, eax; out dx, eax
            + b"\xf4\xeb\xfd")                                # hlt; jmp hlt
    assert len(code) == code_len
    size = code_off + len(code) + len(PVH_MSG)
    ehdr = (b"\x7fELF\x01\x01\x01" + b"\0" * 9
            + struct.pack("<HHIIIIIHHHHHH", 2, 3, 1, entry, ehdr_size, 0, 0,
                          ehdr_size, phdr_size, 2, 40, 0, 0))
    load = struct.pack("<8I", 1, 0, PVH_LOAD, PVH_LOAD, size, size, 5, 0x1000)
    note = struct.pack("<8I", 4, ehdr_size + 2 * phdr_size, 0, 0, note_size, note_size, 4, 4)
    pvh_note = struct.pack("<III", 4, 4, XEN_ELFNOTE_PHYS32_ENTRY) + b"Xen\0" \
        + struct.pack("<I", entry)
    return ehdr + load + note + pvh_note + code + PVH_MSG


def hello_initramfs(path):
    """A gzip-free initramfs whose /init is hello.c."""
    init = path + ".init"
    subprocess.run(["cc", "-O2", "-static", "-o", init, os.path.join(HERE, "hello.c")],
                   check=True, timeout=120)
    with open(path, "wb") as out:
        w = cpio.Writer(out)
        w.chardev("dev/console", 5, 1)
        w.host_file("init", init)
        w.close()


def project_linux():
    """(kernel, initrd) of the project's Linux guest when built, else (None, None)."""
    kernels = sorted(glob.glob(os.path.join(l1build.cache_root(), "linux-*", "bzImage")),
                     key=os.path.getmtime)
    initrd = os.path.join(ROOT, "build", "guest", "initramfs.cpio.gz")
    for cand in (os.path.join(ROOT, "build", "guest", "linux", "bzImage"),) + tuple(kernels[::-1]):
        if os.path.isfile(cand) and os.path.isfile(initrd):
            return cand, initrd
    return None, None


def pvh_argv(prog, pvh, tmp, name):
    dbg = os.path.join(tmp, "%s-pvh-debugcon.log" % name)
    return [prog, "-M", "microvm", "-accel", "kvm", "-cpu", "host,-xsave", "-m", "32m",
            "-nodefaults", "-display", "none", "-bios", QBOOT, "-kernel", pvh,
            "-chardev", "file,id=dbg,path=" + dbg,
            "-device", "isa-debugcon,iobase=0x402,chardev=dbg",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=4"]


def linux_argv(prog, kernel, initrd, rtc, quiet=True, extra_append=""):
    append = "console=ttyS0 panic=-1 reboot=t" + (" quiet" if quiet else "") + extra_append
    return [prog, "-M", "microvm,rtc=%s" % rtc, "-accel", "kvm",
            "-cpu", "host,-xsave", "-m", "256m", "-smp", "1", "-nodefaults",
            "-no-user-config", "-display", "none", "-no-reboot", "-serial", "stdio",
            "-kernel", kernel, "-initrd", initrd, "-append", append,
            "-device", "isa-debug-exit,iobase=0xf4,iosize=4"]


def summarize(results):
    """Spawn-to-`init: start` (L1 ms) per VMM over the plain Linux boots."""
    by_vmm = {}
    for r in results:
        name, _, rest = r.id.partition("-linux-")
        if rest.isdigit() and r.first_ms("init: start") is not None:
            by_vmm.setdefault(name, []).append((r.first_ms("init: start"), r.cpu_ms or 0))
    for name, runs in sorted(by_vmm.items()):
        for what, values in (("init_ms", sorted(t for t, _ in runs)),
                             ("cpu_ms", sorted(c for _, c in runs))):
            print("selftest: %s linux boots=%d %s min=%d median=%d max=%d sum=%d" % (
                name, len(values), what, values[0], values[len(values) // 2], values[-1],
                sum(values)))
    if results:
        print("selftest: l1_boot_ms=%s l1_boot_cpu_ms=%s l1_uptime_ms=%s" % (
            results[0].l1_boot_ms, results[0].l1_boot_cpu_ms, results[0].l1_uptime_ms))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--linux-boots", type=int, default=1)
    ap.add_argument("--rtc", action="store_true", help="also boot with rtc=on and rtc=off")
    ap.add_argument("--kernel")
    ap.add_argument("--initrd")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--vmm", choices=("qemu", "mvm", "both"), default="both")
    ap.add_argument("--mvm", help="mvm.static to run beside QEMU (default: build/mvm.static)")
    args = ap.parse_args()
    ok, why = nested.available()
    if not ok:
        sys.exit("selftest: sandbox unavailable: " + why)
    with tempfile.TemporaryDirectory(prefix="microrig-l1-selftest-") as tmp:
        return run(args, tmp)


def run(args, tmp):
    pvh = os.path.join(tmp, "pvh.elf")
    with open(pvh, "wb") as f:
        f.write(pvh_payload())
    vmms = [("qemu", "qemu-system-x86_64")] if args.vmm in ("qemu", "both") else []
    mvm = args.mvm or next((p for p in MVM_CANDIDATES if os.path.isfile(p)), None)
    if mvm and args.vmm in ("mvm", "both"):
        vmms.append(("mvm", mvm))
    jobs = []
    for name, prog in vmms:
        jobs.append(("%s-qboot-pvh" % name, pvh_argv(prog, pvh, tmp, name)))
    kernel, initrd = args.kernel, args.initrd
    if not kernel:
        kernel, initrd = project_linux()
    if not kernel:
        kernel = glob.glob(os.path.join(l1build.cache_root(), "l1-kernel-*", "vmlinuz"))[0]
        initrd = os.path.join(tmp, "hello.cpio")
        hello_initramfs(initrd)
    print("selftest: inner Linux %s + %s" % (kernel, initrd))
    for name, prog in vmms:
        for i in range(args.linux_boots):
            jobs.append(("%s-linux-%d" % (name, i), linux_argv(prog, kernel, initrd, "on")))
        if args.rtc:
            jobs.append(("%s-linux-rtc-on" % name,
                         linux_argv(prog, kernel, initrd, "on", False)))
            jobs.append(("%s-linux-rtc-off" % name,
                         linux_argv(prog, kernel, initrd, "off", False)))
    results = nested.run_batch(jobs, timeout_s=args.timeout, on_result=lambda r: print(
        "selftest: ... %s status=%s ms=%s" % (r.id, r.status, r.elapsed_ms), flush=True))
    failed = 0
    for r in results:
        init_ms = r.first_ms("init: start")
        print("selftest: job=%s status=%s ms=%s cpu_ms=%s init_ms=%s%s" % (
            r.id, r.status, r.elapsed_ms, r.cpu_ms, init_ms,
            " error=%r" % r.error if r.error else ""))
        for ms, line in r.debugcon_events[:3]:
            print("  debugcon at %d ms: %s" % (ms, line))
        if "-rtc-" in r.id:
            for ms, _, text in r.events:
                if "rtc" in text.lower() or "init: start" in text:
                    print("  %6d ms %s" % (ms, text))
        if r.error or r.status != 1:
            failed += 1
            for line in (r.stderr + r.console)[-10:]:
                print("  | " + line)
            if r.l1_log:
                print("  L1 log tail:\n" + r.l1_log)
    summarize(results)
    print("selftest: %d of %d jobs failed" % (failed, len(results)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
