"""Engines: the programs that run a microvm machine, and what this host lets them do."""

import functools
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .paths import BUILD

QEMU = "qemu-system-x86_64"

# Why KVM here cannot run Linux: the README's "KVM on this machine" says more.
KVM_PVM_REASON = ("/dev/kvm is kvm_pvm (software virtualisation, no vmx/svm): unmodified "
                  "Linux dies on emulation failures under it; run the nested sandbox instead")


@dataclass(frozen=True)
class Engine:
    name: str
    binary: str
    accel: tuple          # accelerator arguments
    kvm: bool
    # Per-engine timeout scale. TCG is slow per instruction; the nested sandbox runs its
    # inner guests with real KVM on an emulated CPU, where every exit costs about 100 us
    # and an inner Linux boot takes several seconds; rtc=off adds 10 s on an idle host and
    # up to 50 s on a loaded one (rtc_cmos retries while the absent RTC reads 0xff, and
    # every read is an exit).
    timeout_scale: float
    # Runs inside the L1 sandbox (guest/l1/, harness/nested.py) instead of on this host.
    nested: bool = False

    def available(self):
        """(True, '') or (False, reason)."""
        if self.nested:
            from . import nested
            return nested.available()
        if self.kvm:
            return kvm_usable()
        return True, ""

    def runs_linux(self):
        """(True, '') or (False, reason): can this engine boot an unmodified Linux here?"""
        ok, why = self.available()
        if not ok:
            return ok, why
        if self.kvm and not self.nested and kvm_is_software():
            return False, KVM_PVM_REASON
        return True, ""

    def cpu_args(self):
        if not self.kvm:
            return ()
        if self.nested:
            # L1's emulated SVM does not intercept XSETBV: the inner guest's XSAVE state
            # would be inconsistent, so XSAVE is hidden from it.
            return ("-cpu", "host,-xsave")
        if self.name == "mvm":
            return ("-cpu", "host")
        return ("-cpu", qemu_kvm_cpu_model())


ENGINES = {
    "qemu-tcg": Engine("qemu-tcg", QEMU, ("-accel", "tcg"), False, 1.0),
    "qemu-kvm": Engine("qemu-kvm", QEMU, ("-accel", "kvm"), True, 1.0),
    "mvm": Engine("mvm", str(BUILD / "mvm"), ("-enable-kvm",), True, 1.0),
    "nested-qemu-kvm": Engine("nested-qemu-kvm", QEMU, ("-accel", "kvm"), True, 4.0, True),
    "nested-mvm": Engine("nested-mvm", str(BUILD / "mvm.static"), ("-enable-kvm",), True,
                         4.0, True),
}
DIRECT_ENGINES = ("qemu-tcg", "qemu-kvm", "mvm")
NESTED_ENGINES = ("nested-qemu-kvm", "nested-mvm")


@functools.lru_cache(maxsize=None)
def kvm_usable():
    try:
        fd = os.open("/dev/kvm", os.O_RDWR)
    except OSError as e:
        return False, f"/dev/kvm cannot be opened: {e.strerror}"
    os.close(fd)
    return True, ""


@functools.lru_cache(maxsize=None)
def kvm_is_software():
    """True when /dev/kvm is a software layer that cannot run Linux (kvm_pvm)."""
    if Path("/sys/module/kvm_pvm").exists():
        return True
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return True
    return " vmx" not in flags and " svm" not in flags


EXIT_ROM_VALUE = 0x2A   # an exit value no failing QEMU start can fake


def _exit_rom():
    """A 64 KiB ROM whose reset vector writes EXIT_ROM_VALUE to the exit port."""
    rom = bytearray(b"\xf4" * 0x10000)
    # mov dx,0xf4 ; mov eax,EXIT_ROM_VALUE ; out dx,eax ; hlt
    rom[0xFFF0:0xFFF0 + 12] = bytes([0xBA, 0xF4, 0x00, 0x66, 0xB8, EXIT_ROM_VALUE, 0, 0, 0,
                                     0x66, 0xEF, 0xF4])
    return bytes(rom)


@functools.lru_cache(maxsize=None)
def qemu_kvm_cpu_model():
    """The best -cpu for QEMU KVM that starts on this host.

    `-cpu host` aborts on some hosts (kvm_pvm rejects MSR 0x10a,
    IA32_ARCH_CAPABILITIES); probing finds the form that works instead of hard-coding it.
    """
    with tempfile.NamedTemporaryFile(suffix=".rom") as rom:
        rom.write(_exit_rom())
        rom.flush()
        for model in ("host", "host,-arch-capabilities", "max"):
            argv = [QEMU, "-M", "microvm,acpi=off", "-accel", "kvm", "-cpu", model,
                    "-nodefaults", "-display", "none", "-m", "16m", "-bios", rom.name,
                    "-device", "isa-debug-exit,iobase=0xf4,iosize=4"]
            try:
                p = subprocess.run(argv, capture_output=True, timeout=20)
            except subprocess.TimeoutExpired:
                continue
            if p.returncode == (EXIT_ROM_VALUE << 1) | 1:
                return model
    return "qemu64"
