"""Payloads: the kernels the firmware hands off to, in each of their forms."""

from dataclasses import dataclass
from pathlib import Path

from .paths import BUILD

# Form -> file name, per payload kind.
_LINUX = {"bz": "bzImage", "pvh": "vmlinux"}
_PROBE = {"bz": "probe.bzImage", "pvh": "probe.pvh", "mb": "probe.mb"}
# "devices" is the probe too, with its device suite switched on (probe.suite=devices).


@dataclass(frozen=True)
class Payload:
    kind: str   # "linux", "probe" (hand-off checks) or "devices" (the device suite too)
    form: str   # "bz", "pvh" or "mb"
    # Another file in this form (a bad-input variant, a kernel under test); None = ours.
    file: Path = None
    initrd_file: Path = None

    @property
    def path(self) -> Path:
        if self.file is not None:
            return Path(self.file)
        if self.kind == "linux":
            return BUILD / "guest" / "linux" / _LINUX[self.form]
        return BUILD / "guest" / "probe" / _PROBE[self.form]

    @property
    def initrd(self):
        """The Linux guest's initramfs; probe initrds are made per run (runner)."""
        if self.initrd_file is not None:
            return Path(self.initrd_file)
        if self.kind == "linux":
            return BUILD / "guest" / "initramfs.cpio.gz"
        return None

    def available(self):
        for f in (self.path, self.initrd):
            if f is not None and not f.exists():
                return False, f"{f} has not been built"
        return True, ""


LINUX_FORMS = ("bz", "pvh")
PROBE_FORMS = ("bz", "pvh", "mb")
