"""The probe payload's command line (its expectations) and its test initrd.

The keys and the initrd pattern are the probe's (guest/probe/README.md); the pattern
generator is guest/probe/mkinitrd.py, imported here so that both sides share one definition.
"""

import importlib.util
import zlib

from .paths import ROOT

INITRD_BYTES = 64 * 1024

# The hand-off each firmware takes by itself for a bzImage: microrig the fastest the kernel
# offers (the 64-bit entry, XLF_KERNEL_64), qboot and SeaBIOS the 16-bit setup entry.
DEFAULT_BZ_ENTRY = {"microrig": "bzimage64", "qboot": "bzimage16", "seabios": "bzimage16"}
FORCED_ENTRY = {"16": "bzimage16", "32": "bzimage32", "64": "bzimage64", "pvh": "pvh"}
FORM_ENTRY = {"pvh": "pvh", "mb": "multiboot"}


def _mkinitrd():
    spec = importlib.util.spec_from_file_location("mkinitrd", ROOT / "guest/probe/mkinitrd.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_PATTERN = _mkinitrd().pattern(INITRD_BYTES)


def expected_entry(case):
    if case.handoff:
        return FORCED_ENTRY[case.handoff]
    if case.payload.form == "bz":
        return DEFAULT_BZ_ENTRY.get(case.firmware)
    return FORM_ENTRY[case.payload.form]


def cmdline(case):
    args = [f"probe.mem={case.mem_mb << 20}", f"probe.cpus={case.cpus}",
            f"probe.initrd={len(_PATTERN)}:{zlib.crc32(_PATTERN):08x}"]
    entry = expected_entry(case)
    if entry:
        args.append(f"probe.entry={entry}")
    if case.extra_append:
        args.append(case.extra_append)
    text = " ".join(args)
    # The CRC covers everything before it: what an engine appends after it does not count.
    return f"{text} probe.crc={zlib.crc32(text.encode()):08x}"


def initrd(case, workdir):
    path = workdir / "probe-initrd.bin"
    path.write_bytes(_PATTERN)
    return path
