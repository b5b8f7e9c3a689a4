"""l1_image.py: build and cache the L1 sandbox: Debian's cloud kernel (extracted from its
.deb, never installed) and a base initramfs with the L1 init, the KVM modules, and QEMU with
its libraries and x86 firmware files.

The cache entry is $MICRORIG_CACHE/l1-<key>/ (vmlinuz, base.cpio, modules), where <key>
hashes the kernel package version, the QEMU package version and the sources of this
directory; it is built in a temporary directory and renamed into place when complete.
"""
import fcntl
import glob
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

import l1_cpio

HERE = os.path.dirname(os.path.abspath(__file__))
CLOUD_META_PACKAGE = "linux-image-cloud-amd64"
QEMU_PACKAGE = "qemu-system-x86"
QEMU_BINARY = "/usr/bin/qemu-system-x86_64"
# KVM on AMD (the CPU that QEMU TCG `-cpu max` emulates with SVM); deps come from modules.dep
KVM_MODULE = "kvm-amd"
# x86 firmware QEMU may load inside L1: the BIOS images and the option ROMs it adds itself
QEMU_FIRMWARE = ["bios-microvm.bin", "qboot.rom", "bios-256k.bin", "bios.bin",
                 "linuxboot.bin", "linuxboot_dma.bin", "multiboot.bin",
                 "multiboot_dma.bin", "pvh.bin", "kvmvapic.bin"]
FIRMWARE_DIRS = ["/usr/share/qemu", "/usr/share/seabios"]


class L1Error(RuntimeError):
    pass


def cache_dir():
    return os.environ.get("MICRORIG_CACHE") or os.path.expanduser("~/.cache/microrig")


def log(msg):
    print(f"l1: {msg}", file=sys.stderr, flush=True)


def _run(args, **kw):
    try:
        return subprocess.run(args, check=True, capture_output=True, text=True, **kw).stdout
    except FileNotFoundError:
        raise L1Error(f"{args[0]} not found")
    except subprocess.CalledProcessError as e:
        raise L1Error(f"{' '.join(args)} failed: {e.stderr.strip()[-500:]}")


def package_version(name):
    try:
        return _run(["dpkg-query", "-W", "-f=${Version}", name])
    except L1Error:
        return ""


def cloud_kernel_package():
    """The cloud kernel the archive's meta-package currently points to."""
    out = _run(["apt-cache", "depends", CLOUD_META_PACKAGE])
    m = re.search(r"Depends: (linux-image-[0-9.]+-[0-9]+-cloud-amd64)\s*$", out, re.M)
    if not m:
        raise L1Error(f"apt-cache knows no {CLOUD_META_PACKAGE}; run apt-get update")
    return m.group(1)


def _sources_hash():
    h = hashlib.sha256()
    for path in sorted(glob.glob(os.path.join(HERE, "init", "*")) +
                       [os.path.join(HERE, "l1_image.py"), os.path.join(HERE, "l1_cpio.py")]):
        with open(path, "rb") as f:
            h.update(path.encode() + f.read())
    return h.hexdigest()


def _download_kernel(package, debs):
    os.makedirs(debs, exist_ok=True)
    found = glob.glob(os.path.join(debs, f"{package}_*.deb"))
    if found:
        return found[0]
    log(f"downloading {package} with apt-get download")
    _run(["apt-get", "download", package], cwd=debs)
    found = glob.glob(os.path.join(debs, f"{package}_*.deb"))
    if not found:
        raise L1Error(f"apt-get download {package} left no .deb in {debs}")
    return found[0]


def _module_order(root, release):
    """Paths (inside L1) of KVM_MODULE and its dependencies, dependencies first."""
    moddir = f"/lib/modules/{release}"
    # the .deb ships no modules.dep (dpkg's postinst makes it): make it in the extracted tree
    _run([shutil.which("depmod") or "/sbin/depmod", "-b", root, release])
    deps = {}
    with open(os.path.join(root + moddir, "modules.dep")) as f:
        for line in f:
            mod, _, rest = line.partition(":")
            deps[mod] = rest.split()
    target = next((m for m in deps if os.path.basename(m) == f"{KVM_MODULE}.ko"), None)
    if not target:
        raise L1Error(f"{KVM_MODULE}.ko not in {moddir}/modules.dep")
    order = []

    def visit(mod):
        for dep in deps.get(mod, []):
            visit(dep)
        if mod not in order:
            order.append(mod)
    visit(target)
    return [f"{moddir}/{m}" for m in order]


def _shared_libraries(binary):
    """Absolute paths of every library the dynamic loader maps for binary (ldd)."""
    libs = []
    for line in _run(["ldd", binary]).splitlines():
        m = re.search(r"(?:=> )?(/\S+) \(0x", line)
        if m:
            libs.append(m.group(1))
    return libs


def _compile_init(out):
    sources = sorted(glob.glob(os.path.join(HERE, "init", "*.c")))
    _run(["cc", "-std=c11", "-D_GNU_SOURCE", "-O2", "-Wall", "-static", "-o", out] + sources)


def _write_base_cpio(path, init, root, modules):
    with open(path, "wb") as f:
        w = l1_cpio.Writer(f)
        for d in ["/dev", "/proc", "/sys", "/tmp", "/job"]:
            w.directory(d)
        w.char_device("/dev/console", 5, 1)
        w.copy("/init", init)
        w.file("/l1/modules", "".join(m + "\n" for m in modules).encode())
        for m in modules:
            w.copy(m, root + m)
        w.copy(QEMU_BINARY, QEMU_BINARY)
        for lib in _shared_libraries(QEMU_BINARY):
            w.copy(lib, lib)
        for d in FIRMWARE_DIRS:
            for name in QEMU_FIRMWARE:
                if os.path.exists(os.path.join(d, name)):
                    w.copy(os.path.join(d, name), os.path.join(d, name))
        w.finish()


def ensure():
    """Return the cache entry directory with vmlinuz and base.cpio, building it if needed."""
    package = cloud_kernel_package()
    key_src = f"{package}\n{package_version(QEMU_PACKAGE)}\n{_sources_hash()}"
    key = hashlib.sha256(key_src.encode()).hexdigest()[:16]
    entry = os.path.join(cache_dir(), f"l1-{key}")
    if os.path.exists(os.path.join(entry, "base.cpio")):
        return entry

    os.makedirs(cache_dir(), exist_ok=True)
    # one builder per key: a concurrent caller waits here, then finds the entry
    with open(entry + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.exists(os.path.join(entry, "base.cpio")):
            _build(package, key, entry)
    return entry


def _build(package, key, entry):
    deb = _download_kernel(package, os.path.join(cache_dir(), "debs"))
    work = tempfile.mkdtemp(prefix=f"l1-{key}.tmp.", dir=cache_dir())
    try:
        log(f"extracting {os.path.basename(deb)}")
        root = os.path.join(work, "root")
        _run(["dpkg-deb", "-x", deb, root])
        vmlinuz = glob.glob(os.path.join(root, "boot", "vmlinuz-*"))
        if not vmlinuz:
            raise L1Error(f"{deb} holds no /boot/vmlinuz-*")
        release = os.path.basename(vmlinuz[0])[len("vmlinuz-"):]
        modules = _module_order(root, release)
        log(f"building the L1 initramfs (init, {len(modules)} modules, QEMU and libraries)")
        out = os.path.join(work, "out")
        os.makedirs(out)
        shutil.copy(vmlinuz[0], os.path.join(out, "vmlinuz"))
        _compile_init(os.path.join(out, "init"))
        _write_base_cpio(os.path.join(out, "base.cpio"), os.path.join(out, "init"), root,
                         modules)
        with open(os.path.join(out, "release"), "w") as f:
            f.write(release + "\n")
        shutil.rmtree(entry, ignore_errors=True)
        os.rename(out, entry)
        log(f"built {entry}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
