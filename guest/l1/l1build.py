"""l1build.py: build the parts of the L1 sandbox that do not change from batch to batch.

    /usr/bin/python3 guest/l1/l1build.py      (what `make l1` runs)

Steps, each cached under $MICRORIG_CACHE (default ~/.cache/microrig):
1. the L1 kernel: Debian's linux-image-6.1.0-N-cloud-amd64 .deb, fetched with
   `apt-get download` and unpacked with `dpkg-deb -x` (never installed), into
   l1-kernel-<package>/ (vmlinuz + the KVM modules and the modules they depend on);
2. the L1 init: guest/l1/*.c built static;
3. the initramfs parts, l1-<hash>/base.cpio (init, modules) and l1-<hash>/qemu.cpio (QEMU
   with the shared libraries ldd names and its firmware files), uncompressed: that boots
   faster than gzip under TCG. A batch appends its own archive to them.
The hash covers every input, so a changed init or a QEMU upgrade gives a new archive.
"""

import fcntl
import glob
import hashlib
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cpio  # noqa: E402

PACKAGE_RE = r"^linux-image-6\.1\.0-[0-9]+-cloud-amd64$"
KVM_MODULES = ["kvm-amd"]          # what L1 must load; dependencies are found in .modinfo
# /dev/net/tun for the virtio-net cases' taps (harness/tools/tapns.c). The AF_PACKET socket
# of their capture needs no module: Debian's cloud kernel has CONFIG_PACKET=y.
NET_MODULES = ["tun"]
L1_MODULES = KVM_MODULES + NET_MODULES
# halt_poll_ns=0: with one L1 vCPU, polling after an inner HLT only keeps the inner VMM's
# I/O thread (which would wake the vCPU) from running. vgif=0: inner guests do not nest, so
# virtual GIF buys nothing, and it keeps one more of TCG's young SVM features out of play
# (an L1 once went idle for good with it on; not proven to be the cause).
MODULE_PARAMS = {"kvm.ko": "halt_poll_ns=0", "kvm-amd.ko": "vgif=0"}
INIT_SOURCES = ["init.c", "jobs.c", "channel.c", "scrub.c", "l1init.h"]
QEMU_NAME = "qemu-system-x86_64"
# Firmware and option ROMs that x86 machines open (qboot is microvm's default BIOS); mvm
# looks for them in the same place, so they go into the base archive.
FIRMWARE_GLOBS = [
    "/usr/share/qemu/qboot.rom", "/usr/share/qemu/bios-microvm.bin", "/usr/share/qemu/bios*.bin",
    "/usr/share/qemu/linuxboot*.bin", "/usr/share/qemu/multiboot*.bin", "/usr/share/qemu/pvh.bin",
    "/usr/share/qemu/kvmvapic.bin", "/usr/share/qemu/sgabios.bin", "/usr/share/seabios/*.bin",
]
QEMU_DATA_GLOBS = ["/usr/share/qemu/keymaps/*"]   # QEMU opens a keymap even with -display none
MERGED_USR_LINKS = ["bin", "sbin", "lib", "lib64"]   # kept as symlinks when the host has them


def log(msg):
    print("l1: " + msg, file=sys.stderr, flush=True)


def cache_root():
    return os.environ.get("MICRORIG_CACHE") or os.path.expanduser("~/.cache/microrig")


def _run(argv, **kw):
    return subprocess.run(argv, check=True, capture_output=True, text=True, timeout=600, **kw)


# --- step 1: the L1 kernel ---------------------------------------------------------------

def cached_kernels():
    return sorted(glob.glob(os.path.join(cache_root(), "l1-kernel-*", "vmlinuz")))


def choose_package():
    """The newest linux-image-6.1.0-N-cloud-amd64 that apt knows, or None."""
    try:
        out = _run(["apt-cache", "search", "--names-only", PACKAGE_RE]).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    names = [line.split()[0] for line in out.splitlines() if line.strip()]
    names = [n for n in names if re.match(PACKAGE_RE, n)]
    return max(names, key=lambda n: int(n.split("-")[3])) if names else None


def _module_deps(ko_path):
    """Names in the `depends=` field of a module's .modinfo section."""
    with open(ko_path, "rb") as f:
        data = f.read()
    m = re.search(rb"\0depends=([^\0]*)\0", data)
    return [d for d in m.group(1).decode().split(",") if d] if m else []


def _module_order(moddir, wanted):
    """Module files in load order (dependencies first). The .deb carries no modules.dep
    (depmod writes it at install time), so the order comes from .modinfo."""
    paths = {}
    for p in glob.glob(os.path.join(moddir, "**", "*.ko"), recursive=True):
        paths[os.path.basename(p)[:-3].replace("_", "-")] = p
    order = []

    def visit(name):
        key = name.replace("_", "-")
        if key not in paths:
            raise RuntimeError("module %s not found in the L1 kernel package" % name)
        if paths[key] in order:
            return
        for dep in _module_deps(paths[key]):
            visit(dep)
        order.append(paths[key])
    for name in wanted:
        visit(name)
    return order


def fetch_kernel():
    """Directory with vmlinuz, modules/*.ko and modules.list. A cached kernel is used as is
    (asking apt costs a second per batch); remove l1-kernel-* from the cache to upgrade."""
    cached = [k for k in cached_kernels()
              if os.path.exists(os.path.join(os.path.dirname(k), "modules.list"))]
    if cached:
        kdir = os.path.dirname(max(cached, key=os.path.getmtime))
        _add_missing_modules(kdir)
        return kdir
    pkg = choose_package()
    if pkg is None:
        raise RuntimeError("apt knows no package matching %s and none is cached" % PACKAGE_RE)
    kdir = os.path.join(cache_root(), "l1-kernel-" + pkg)
    if os.path.exists(os.path.join(kdir, "modules.list")):
        return kdir
    os.makedirs(cache_root(), exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache_root(), prefix="l1-tmp-") as tmp:
        x = _unpack(pkg, tmp)
        stage = os.path.join(tmp, "kernel")
        os.makedirs(os.path.join(stage, "modules"))
        shutil.copy(glob.glob(os.path.join(x, "boot", "vmlinuz-*"))[0],
                    os.path.join(stage, "vmlinuz"))
        _copy_modules(x, stage)
        shutil.rmtree(kdir, ignore_errors=True)
        os.rename(stage, kdir)   # atomic: a half-built directory is never seen
    log("L1 kernel ready in %s" % kdir)
    return kdir


def _unpack(pkg, tmp):
    """Unpack the package's .deb (fetched with apt-get download) into tmp/x."""
    log("downloading %s (about 27 MB)" % pkg)
    _run(["apt-get", "download", pkg], cwd=tmp)
    deb = glob.glob(os.path.join(tmp, "*.deb"))[0]
    log("unpacking %s" % os.path.basename(deb))
    _run(["dpkg-deb", "-x", deb, os.path.join(tmp, "x")])
    return os.path.join(tmp, "x")


def _copy_modules(x, kdir):
    """L1_MODULES and their dependencies from an unpacked package into kdir, in load order;
    files already there are kept (another worktree's L1 may be reading them)."""
    order = _module_order(glob.glob(os.path.join(x, "lib", "modules", "*"))[0], L1_MODULES)
    for p in order:
        dest = os.path.join(kdir, "modules", os.path.basename(p))
        if not os.path.exists(dest):
            shutil.copy(p, dest + ".tmp")
            os.rename(dest + ".tmp", dest)
    listing = os.path.join(kdir, "modules.list")
    with open(listing + ".tmp", "w") as f:
        f.write("".join(os.path.basename(p) + "\n" for p in order))
    os.rename(listing + ".tmp", listing)


def _add_missing_modules(kdir):
    """A kernel cached before a module joined L1_MODULES gets it from the same package."""
    with open(os.path.join(kdir, "modules.list")) as f:
        have = {m[:-3].replace("_", "-") for m in f.read().split()}
    if all(m.replace("_", "-") in have for m in L1_MODULES):
        return
    pkg = os.path.basename(kdir)[len("l1-kernel-"):]
    log("adding %s to the cached L1 kernel" % ", ".join(sorted(set(L1_MODULES) - have)))
    with tempfile.TemporaryDirectory(dir=cache_root(), prefix="l1-tmp-") as tmp:
        _copy_modules(_unpack(pkg, tmp), kdir)


LZ4_LEGACY_MAGIC = b"\x02\x21\x4c\x18"   # the kernel's LZ4 payload (lz4 -l) starts so
ELF_MAGIC = b"\x7fELF"
XEN_ELFNOTE_PHYS32_ENTRY = 18             # the PVH entry note: QEMU can boot the ELF itself


def extract_vmlinux(vmlinuz, out):
    """Unpack the LZ4-compressed ELF inside Debian's bzImage so that L1 boots through PVH:
    decompressing 53 MB under TCG costs about a second of every L1 boot. False (and no
    file) when the payload is not LZ4, lz4(1) is missing or the result has no PVH note."""
    with open(vmlinuz, "rb") as f:
        data = f.read()
    off = data.find(LZ4_LEGACY_MAGIC)
    if off < 0 or not shutil.which("lz4"):
        return False
    res = subprocess.run(["lz4", "-dc"], input=data[off:], capture_output=True, timeout=300)
    elf = res.stdout   # lz4 complains about the size word after the payload; the ELF is whole
    # namesz 4 ("Xen"), descsz 4 or 8 (a 32-bit address, padded in 64-bit builds), type
    note = re.compile(re.escape(struct.pack("<I", 4)) + b"[\x04\x08]\0\0\0"
                      + re.escape(struct.pack("<I", XEN_ELFNOTE_PHYS32_ENTRY)) + b"Xen\0")
    if not elf.startswith(ELF_MAGIC) or not note.search(elf):
        return False
    with open(out + ".tmp", "wb") as f:
        f.write(elf)
    os.rename(out + ".tmp", out)
    return True


# --- step 2: the init ---------------------------------------------------------------------

def build_init(out_path):
    cc = os.environ.get("CC", "cc")
    srcs = [os.path.join(HERE, s) for s in INIT_SOURCES if s.endswith(".c")]
    _run([cc, "-std=gnu11", "-O2", "-Wall", "-Wextra", "-static", "-o", out_path] + srcs)


# --- step 3: QEMU and its files -----------------------------------------------------------

def shared_libs(binary):
    """Absolute paths of the shared libraries (and loader) `binary` needs, per ldd; empty
    for a static binary."""
    res = subprocess.run(["ldd", binary], capture_output=True, text=True, timeout=30)
    libs = []
    for line in res.stdout.splitlines():
        m = re.search(r"(/\S+)\s+\(0x", line)
        if m:
            libs.append(m.group(1))
    return libs


def inner_path(host_path):
    """Where a host system file goes inside L1: its real directory (so merged-/usr links
    resolve), under its own name (so sonames stay)."""
    return os.path.join(os.path.realpath(os.path.dirname(host_path)),
                        os.path.basename(host_path))


def _globbed(patterns):
    return [(p, p) for pattern in patterns for p in sorted(glob.glob(pattern))
            if os.path.isfile(p)]


def firmware_files():
    return dict(_globbed(FIRMWARE_GLOBS))


def qemu_files():
    """(inner path, host path) for the QEMU binary, its libraries and its data files."""
    qemu = shutil.which(QEMU_NAME)
    if not qemu:
        raise RuntimeError("%s not found on PATH" % QEMU_NAME)
    files = [(inner_path(qemu), qemu)] + [(inner_path(p), p) for p in shared_libs(qemu)]
    return dict(files + _globbed(QEMU_DATA_GLOBS))


def _digest(paths_and_extra):
    h = hashlib.sha256()
    for item in paths_and_extra:
        if isinstance(item, str) and os.path.isfile(item):
            st = os.stat(item)
            h.update(("%s:%d:%d\n" % (item, st.st_size, st.st_mtime_ns)).encode())
        else:
            h.update(("%s\n" % (item,)).encode())
    return h.hexdigest()[:16]


def _write_archive(path, fill):
    """Write an archive through fill(writer) into a temporary name of its own, then rename
    it: a reader never sees half an archive."""
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=os.path.basename(path) + ".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            w = cpio.Writer(out)
            fill(w)
            w.close()
        os.rename(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _fill_base(w, init, kdir):
    w.chardev("dev/console", 5, 1)
    w.chardev("dev/null", 1, 3, 0o666)
    for d in ("proc", "sys", "tmp", "nested", "etc/l1"):
        w.mkdir(d)
    for link in MERGED_USR_LINKS:
        if os.path.islink("/" + link):
            w.symlink(link, os.readlink("/" + link))
    w.host_file("init", init)
    for inner, host in sorted(firmware_files().items()):
        w.host_file(inner, host)
    with open(os.path.join(kdir, "modules.list")) as f:
        mods = f.read()
    lines = ["%s %s" % (m, MODULE_PARAMS.get(m, "")) for m in mods.split()]
    w.file("etc/l1/modules", "".join(line.strip() + "\n" for line in lines).encode())
    for name in mods.split():
        w.host_file("lib/modules/l1/" + name, os.path.join(kdir, "modules", name))


PRUNE_AFTER_S = 2 * 86400   # archives unused this long are removed


def _prune_old(keep):
    """Remove archives of this layout that nobody has used for PRUNE_AFTER_S. Not at once:
    several worktrees with different versions of these sources share the cache, and one
    must not delete the archive another is about to copy."""
    now = time.time()
    for d in glob.glob(os.path.join(cache_root(), "l1-" + "?" * 16)):
        try:
            stale = now - os.stat(d).st_mtime > PRUNE_AFTER_S
        except OSError:
            continue
        if d != keep and stale and os.path.exists(os.path.join(d, "qemu.cpio")):
            shutil.rmtree(d, ignore_errors=True)


def build_base(kdir):
    """The cached archives: base.cpio (init and modules, about 2 MB) and qemu.cpio (QEMU,
    its libraries and data files, about 50 MB, appended only for batches that run QEMU:
    unpacking it is a large part of L1's boot). Returns {"kernel", "base", "qemu"}."""
    files = qemu_files()
    key = _digest([os.path.join(HERE, s) for s in INIT_SOURCES + ["cpio.py", "l1build.py"]]
                  + [kdir, os.path.join(kdir, "modules.list")] + sorted(files.items()) + sorted(firmware_files().items()))
    bdir = os.path.join(cache_root(), "l1-" + key)
    vmlinux = os.path.join(kdir, "vmlinux")
    no_pvh = os.path.join(kdir, "vmlinux.unavailable")   # tried once, boots the bzImage
    if not os.path.exists(vmlinux) and not os.path.exists(no_pvh):
        if not extract_vmlinux(os.path.join(kdir, "vmlinuz"), vmlinux):
            open(no_pvh, "w").close()
    parts = {"kernel": vmlinux if os.path.exists(vmlinux) else os.path.join(kdir, "vmlinuz"),
             "base": os.path.join(bdir, "base.cpio"), "qemu": os.path.join(bdir, "qemu.cpio")}
    if os.path.exists(parts["base"]) and os.path.exists(parts["qemu"]):
        os.utime(bdir)   # in use: keeps _prune_old away
        return parts
    log("building the L1 initramfs in %s" % bdir)
    os.makedirs(bdir, exist_ok=True)
    init = os.path.join(bdir, "init")
    build_init(init)
    _write_archive(parts["base"], lambda w: _fill_base(w, init, kdir))
    _write_archive(parts["qemu"], lambda w: [w.host_file(inner, host)
                                             for inner, host in sorted(files.items())])
    _prune_old(bdir)
    log("initramfs: base %d KB, qemu %d MB" % (os.path.getsize(parts["base"]) >> 10,
                                                os.path.getsize(parts["qemu"]) >> 20))
    return parts


# make matrix starts several L1 batches at once, each from its own thread, and several
# harness processes may share the cache: one build at a time, the others wait and then find
# it done. A thread lock for this process (flock does not order threads that share it).
_BUILD_THREADS = threading.Lock()


def build():
    """Everything the sandbox needs before a batch: {"kernel", "base", "qemu"} paths."""
    os.makedirs(cache_root(), exist_ok=True)
    with _BUILD_THREADS, open(os.path.join(cache_root(), "l1-build.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return build_base(fetch_kernel())


if __name__ == "__main__":
    try:
        parts = build()
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        detail = getattr(e, "stderr", "") or ""
        sys.exit("l1: build failed: %s %s" % (e, detail.strip()))
    for name, path in sorted(parts.items()):
        print("l1: %s %s" % (name, path))
