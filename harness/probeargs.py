"""The probe payload's command line (its expectations) and its test initrd."""

import zlib

INITRD_BYTES = 64 * 1024

ENTRY_OF = {
    # (payload form, forced hand-off) -> the protocol the probe must see at entry.
    ("bz", None): None,       # the firmware's choice; judged from its boot line
    ("bz", "16"): "bzimage16",
    ("bz", "32"): "bzimage32",
    ("bz", "64"): "bzimage64",
    ("pvh", None): "pvh",
    ("pvh", "pvh"): "pvh",
    ("mb", None): "multiboot",
}


def initrd_bytes(size=INITRD_BYTES):
    """Deterministic initrd contents: a counter pattern no loader would make by chance."""
    return bytes((i * 7 + (i >> 8)) & 0xFF for i in range(size))


def cmdline(case):
    data = initrd_bytes()
    args = [f"probe.mem={case.mem_mb << 20}", f"probe.cpus={case.cpus}",
            f"probe.initrd={len(data)}:{zlib.crc32(data):#010x}"]
    entry = ENTRY_OF.get((case.payload.form, case.handoff))
    if entry:
        args.append(f"probe.entry={entry}")
    return " ".join(args)


def initrd(case, workdir):
    path = workdir / "probe-initrd.bin"
    path.write_bytes(initrd_bytes())
    return path
