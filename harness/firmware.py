"""Firmware images the rig boots, and what each is known to do differently."""

from dataclasses import dataclass
from pathlib import Path

from .paths import BUILD


@dataclass(frozen=True)
class Firmware:
    name: str
    path: Path
    # Hand-offs it can force (None = its own default choice only).
    handoffs: tuple
    # Engines it does not run on, with the reason.
    unsupported: tuple = ()

    def available(self, engine_name):
        for name, why in self.unsupported:
            if name == engine_name:
                return False, why
        return True, ""


FIRMWARES = {
    "microrig": Firmware("microrig", BUILD / "microrig.rom", ("16", "32", "64", "pvh")),
    "qboot": Firmware("qboot", Path("/usr/share/qemu/qboot.rom"), ()),
    "seabios": Firmware("seabios", Path("/usr/share/seabios/bios-microvm.bin"), ()),
}
