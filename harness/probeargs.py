"""The probe payload's command line (its expectations) and its test initrd.

The keys and the initrd pattern are the probe's (guest/probe/README.md); the pattern
generator is guest/probe/mkinitrd.py, imported here so that both sides share one definition.
"""

import importlib.util
import time
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


_MKINITRD = _mkinitrd()
_PATTERN = _MKINITRD.pattern(INITRD_BYTES)


def pattern(size):
    """The probe's test pattern (guest/probe/README.md), for initrds and disk images."""
    return _MKINITRD.pattern(size)


SECTOR = 512
# Under nested KVM on TCG the guest's view of time is off by 10-50% against the PIT
# (guest/probe/README.md): rate checks there get this tolerance, in percent.
NESTED_RATE_TOLERANCE = 60


def blk_written_by_probe(image):
    """The device suite writes sector 1 as the inverted pattern (guest/probe/README.md)."""
    want = bytes(b ^ 0xFF for b in pattern(SECTOR))
    return image[SECTOR:2 * SECTOR] == want


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
    if case.payload.kind == "devices":
        args += device_suite_args(case)
    if case.extra_append:
        args.append(case.extra_append)
    text = " ".join(args)
    # The CRC covers everything before it: what an engine appends after it does not count.
    return f"{text} probe.crc={zlib.crc32(text.encode()):08x}"


def device_suite_args(case):
    t = case.toggles
    args = ["probe.suite=devices", f"probe.pit={t.pit:d}", f"probe.pic={t.pic:d}",
            f"probe.rtc={t.rtc:d}", f"probe.serial={t.serial:d}", "probe.ioapic=1"]
    if case.engine_def.nested:
        # A batch's jobs start minutes after their command lines are written, so the
        # host's time at launch is not known: rtc-host-time skips there.
        args.append(f"probe.rate_tolerance={NESTED_RATE_TOLERANCE}")
    else:
        args.append(f"probe.epoch={int(time.time())}")
    return args


def initrd(case, workdir):
    path = workdir / "probe-initrd.bin"
    path.write_bytes(_PATTERN)
    return path
