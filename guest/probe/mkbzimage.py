#!/usr/bin/python3
"""Join the probe's real-mode setup and protected-mode image into a bzImage.

Usage: mkbzimage.py SETUP.bin PM.bin INIT_SIZE OUT

Patches the two header fields the assembler cannot know: syssize (the
protected-mode size in 16-byte units) and init_size (the bytes the image needs
from code32_start, bss and stack included). Offsets: Linux boot.rst.
"""
import struct
import sys

SETUP_SECTS_OFF = 0x1F1
SYSSIZE_OFF = 0x1F4
HDRS_OFF = 0x202
INIT_SIZE_OFF = 0x260


def main(argv):
    if len(argv) != 5:
        sys.exit("usage: mkbzimage.py SETUP.bin PM.bin INIT_SIZE OUT")
    setup = bytearray(open(argv[1], "rb").read())
    pm = open(argv[2], "rb").read()
    init_size = int(argv[3], 0)
    if setup[HDRS_OFF:HDRS_OFF + 4] != b"HdrS":
        sys.exit("mkbzimage: %s has no HdrS header" % argv[1])
    want = (setup[SETUP_SECTS_OFF] + 1) * 512
    if len(setup) != want:
        sys.exit("mkbzimage: setup is %d bytes, setup_sects says %d" % (len(setup), want))
    if init_size < len(pm):
        sys.exit("mkbzimage: init_size %d is below the image size %d" % (init_size, len(pm)))
    struct.pack_into("<I", setup, SYSSIZE_OFF, (len(pm) + 15) // 16)
    struct.pack_into("<I", setup, INIT_SIZE_OFF, init_size)
    with open(argv[4], "wb") as out:
        out.write(setup + pm)


if __name__ == "__main__":
    main(sys.argv)
