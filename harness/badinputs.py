"""The bad-input corpus: kernels, command lines and options that must be refused clearly.

Each entry mutates a valid probe payload (or passes a bad option) and says who must refuse
it and with what words: the firmware (an `error` line with a stable code and an exit value
of 0x20 + n) or QEMU itself, before any firmware runs (its message on stderr). Either way the
run must end within seconds with a non-zero status; the test asserts the message, not just
the status.
"""

import struct
from dataclasses import dataclass, field

# Linux boot protocol (Documentation/x86/boot.rst): offsets in the bzImage's setup header.
HDR_SETUP_SECTS = 0x1F1
HDR_SYSSIZE = 0x1F4
HDR_MAGIC = 0x202            # "HdrS"
HDR_VERSION = 0x206
HDR_XLOADFLAGS = 0x236
HDR_CMDLINE_SIZE = 0x238
HDR_INIT_SIZE = 0x260
XLF_KERNEL_64 = 1 << 0

# ELF64 header fields used to break a PVH image.
ELF_E_PHOFF = 0x20
ELF_E_PHNUM = 0x38
ELF_PHDR_SIZE = 56
PHDR_P_PADDR = 0x18
PT_NOTE = 4
XEN_ELFNOTE_PHYS32_ENTRY = 18

MULTIBOOT_MAGIC = 0x1BADB002


def _put(data, offset, fmt, value):
    out = bytearray(data)
    struct.pack_into(fmt, out, offset, value)
    return bytes(out)


def _pvh_note_offset(elf):
    """File offset of the PVH entry note's value in an ELF64 image."""
    phoff, = struct.unpack_from("<Q", elf, ELF_E_PHOFF)
    phnum, = struct.unpack_from("<H", elf, ELF_E_PHNUM)
    for i in range(phnum):
        ph = phoff + i * ELF_PHDR_SIZE
        p_type, = struct.unpack_from("<I", elf, ph)
        if p_type != PT_NOTE:
            continue
        off, size = struct.unpack_from("<QQ", elf, ph + 8)[0], struct.unpack_from("<Q", elf, ph + 32)[0]
        pos = off
        while pos < off + size:
            namesz, descsz, ntype = struct.unpack_from("<III", elf, pos)
            desc = pos + 12 + ((namesz + 3) & ~3)
            if ntype == XEN_ELFNOTE_PHYS32_ENTRY:
                return desc
            pos = desc + ((descsz + 3) & ~3)
    raise ValueError("no PVH note in the image")


def _first_load_paddr_offset(elf):
    phoff, = struct.unpack_from("<Q", elf, ELF_E_PHOFF)
    phnum, = struct.unpack_from("<H", elf, ELF_E_PHNUM)
    for i in range(phnum):
        ph = phoff + i * ELF_PHDR_SIZE
        if struct.unpack_from("<I", elf, ph)[0] == 1:   # PT_LOAD
            return ph + PHDR_P_PADDR
    raise ValueError("no PT_LOAD segment")


def _multiboot_header_offset(image):
    for off in range(0, min(len(image), 8192) - 12, 4):
        if struct.unpack_from("<I", image, off)[0] == MULTIBOOT_MAGIC:
            return off
    raise ValueError("no Multiboot header in the first 8 KiB")


@dataclass(frozen=True)
class BadInput:
    name: str
    base: str                     # probe form that is mutated: "bz", "pvh", "mb"
    mutate: object = None         # bytes -> bytes; None = the valid image
    append: str = ""              # extra kernel command line
    fw_cfg: tuple = ()            # extra (name, string) fw_cfg items
    handoff: str = None           # forced hand-off
    initrd: bool = True           # False: no -initrd (QEMU refuses an initrd for a zImage)
    # Who refuses it: ("firmware", ERROR_CODE) or ("qemu", "substring of QEMU's message").
    expect: tuple = field(default=("firmware", ""))
    # A second acceptable refusal, where the refuser depends on bytes the test does not set.
    alternative: tuple = None

    def refusals(self):
        return (self.expect,) + ((self.alternative,) if self.alternative else ())


def _truncate(n):
    return lambda b: b[:n]


CORPUS = (
    BadInput("zero-length", "bz", lambda b: b"", expect=("qemu", "could not load kernel")),
    BadInput("truncated-in-boot-sector", "bz", _truncate(0x100), initrd=False,
             expect=("qemu", "invalid kernel header")),
    BadInput("truncated-in-setup-header", "bz", _truncate(0x240),
             expect=("qemu", "invalid kernel header")),
    BadInput("truncated-after-setup", "bz", lambda b: b[:(b[HDR_SETUP_SECTS] + 1) * 512 + 64],
             expect=("firmware", "KERNEL_TRUNCATED")),
    BadInput("truncated-half", "bz", lambda b: b[:len(b) // 2],
             expect=("firmware", "KERNEL_TRUNCATED")),
    # Without "HdrS" QEMU takes the file for a pre-2.00 zImage and refuses an initrd for it;
    # without an initrd it hands the image over and the firmware must refuse it.
    BadInput("wrong-magic-with-initrd", "bz", lambda b: b[:HDR_MAGIC] + b"HdrX" + b[HDR_MAGIC + 4:],
             expect=("qemu", "too old to load a ram disk")),
    BadInput("wrong-magic", "bz", lambda b: b[:HDR_MAGIC] + b"HdrX" + b[HDR_MAGIC + 4:],
             initrd=False, expect=("firmware", "KERNEL_MAGIC")),
    BadInput("syssize-lies", "bz", lambda b: _put(b, HDR_SYSSIZE, "<I", 0x0FFFFFFF),
             expect=("firmware", "KERNEL_TRUNCATED")),
    BadInput("init-size-beyond-ram", "bz", lambda b: _put(b, HDR_INIT_SIZE, "<I", 0xF0000000),
             expect=("firmware", "NO_MEMORY")),
    BadInput("no-64bit-entry-forced-64", "bz",
             lambda b: _put(b, HDR_XLOADFLAGS, "<H",
                            struct.unpack_from("<H", b, HDR_XLOADFLAGS)[0] & ~XLF_KERNEL_64),
             handoff="64", expect=("firmware", "BOOT_UNSUPPORTED")),
    BadInput("cmdline-longer-than-kernel-allows", "bz",
             lambda b: _put(b, HDR_CMDLINE_SIZE, "<I", 16),
             append="x" * 200, expect=("firmware", "CMDLINE_TOO_LONG")),
    BadInput("forced-pvh-on-bzimage", "bz", handoff="pvh",
             expect=("firmware", "BOOT_UNSUPPORTED")),
    BadInput("unknown-boot-option", "bz", fw_cfg=(("opt/microrig/boot", "17"),),
             expect=("firmware", "BOOT_OPTION")),
    BadInput("pvh-entry-outside-ram", "pvh",
             lambda b: _put(b, _pvh_note_offset(b), "<I", 0xFFFF0000),
             expect=("firmware", "KERNEL_HEADER")),
    BadInput("multiboot-bad-checksum", "mb",
             lambda b: _put(b, _multiboot_header_offset(b) + 8, "<I", 0x12345678),
             expect=("qemu", "too old to load a ram disk")),
    # QEMU then reads whatever byte lies at 0x1f1 as setup_sects: by its value QEMU refuses
    # the file, or hands it over as a zImage and the firmware must refuse it.
    BadInput("multiboot-bad-checksum-no-initrd", "mb",
             lambda b: _put(b, _multiboot_header_offset(b) + 8, "<I", 0x12345678),
             initrd=False, expect=("qemu", "invalid kernel header"),
             alternative=("firmware", "KERNEL_MAGIC")),
    BadInput("virtio-no-irq", "pvh", append="virtio_mmio.device=512@0xfeb00000",
             expect=("firmware", "VIRTIO_SYNTAX")),
    BadInput("virtio-bad-base", "pvh", append="virtio_mmio.device=512@0xzz:5",
             expect=("firmware", "VIRTIO_SYNTAX")),
    BadInput("virtio-no-size", "pvh", append="virtio_mmio.device=@0xfeb00000:5",
             expect=("firmware", "VIRTIO_SYNTAX")),
    BadInput("virtio-zero-size", "pvh", append="virtio_mmio.device=0@0xfeb00000:5",
             expect=("firmware", "VIRTIO_SYNTAX")),
    BadInput("virtio-bad-suffix", "pvh", append="virtio_mmio.device=512Q@0xfeb00000:5",
             expect=("firmware", "VIRTIO_SYNTAX")),
    BadInput("virtio-trailing-junk", "pvh", append="virtio_mmio.device=512@0xfeb00000:5:2:9",
             expect=("firmware", "VIRTIO_SYNTAX")),
)


def make_case(bad, engine, workdir):
    """The case that boots `bad` through microrig on `engine`; writes the mutated image."""
    from .cases import DEFAULT_TOGGLES, Case
    from .payloads import Payload
    image = Payload("probe", bad.base).path.read_bytes()
    path = workdir / f"{bad.name}.img"
    path.write_bytes(bad.mutate(image) if bad.mutate else image)
    return Case(engine, "microrig", Payload("probe", bad.base, file=path), DEFAULT_TOGGLES,
                handoff=bad.handoff, extra_append=bad.append, fw_cfg=bad.fw_cfg,
                initrd=bad.initrd)
