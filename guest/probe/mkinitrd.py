#!/usr/bin/python3
"""Write a probe test initrd and print the command-line key that describes it.

Usage: mkinitrd.py OUT SIZE
Prints: probe.initrd=<SIZE>:<crc32 as 8 hex digits>
The same file serves as the virtio-blk image of the device suite (sector 0
is read and checked). After the run:

Usage: mkinitrd.py --check-blk IMAGE
Exits 0 if sector 1 holds sector 0's pattern inverted (the probe wrote it),
1 otherwise, with a message.

The bytes follow a fixed pattern (guest/probe/README.md): a 32-bit LCG
state = state * 1103515245 + 12345 (mod 2**32) from the seed 0x6d726967
("mrig"), stepped before each byte; the byte is the state's top 8 bits. The
probe recomputes it, so it can say where a corrupted initrd goes wrong.
"""
import sys
import zlib

SEED = 0x6D726967
MUL = 1103515245
ADD = 12345
MAX_SIZE = 1 << 30
SECTOR = 512


def pattern(size):
    out = bytearray(size)
    state = SEED
    for i in range(size):
        state = (state * MUL + ADD) & 0xFFFFFFFF
        out[i] = state >> 24
    return bytes(out)


def check_blk(path):
    data = open(path, "rb").read(2 * SECTOR)
    want = bytes(b ^ 0xFF for b in pattern(SECTOR))
    if len(data) < 2 * SECTOR:
        sys.exit("mkinitrd: %s is shorter than two sectors" % path)
    if data[SECTOR:2 * SECTOR] != want:
        print("mkinitrd: %s: sector 1 was not written by the probe" % path)
        sys.exit(1)
    print("mkinitrd: %s: sector 1 holds the probe's write" % path)


def main(argv):
    if len(argv) == 3 and argv[1] == "--check-blk":
        check_blk(argv[2])
        return
    if len(argv) != 3:
        sys.exit("usage: mkinitrd.py OUT SIZE")
    try:
        size = int(argv[2], 0)
    except ValueError:
        sys.exit("mkinitrd: SIZE %r is not a number" % argv[2])
    if not 0 < size <= MAX_SIZE:
        sys.exit("mkinitrd: SIZE must be between 1 and %d bytes" % MAX_SIZE)
    data = pattern(size)
    with open(argv[1], "wb") as f:
        f.write(data)
    print("probe.initrd=%d:%08x" % (size, zlib.crc32(data)))


if __name__ == "__main__":
    main(sys.argv)
