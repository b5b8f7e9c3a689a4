"""virtio-net's host side: a tap of the case's own, made by tapns, and what the guest sent.

tapns (harness/tools/tapns.c) runs the engine in a network namespace of its own with a tap
it made there and writes the frames the guest transmitted to a pcap file. The harness
reading that file is the real check of the device suite's `net-send`: the probe can only
see that the device took its buffer. Where no tap can be made (not root, no CAP_NET_ADMIN,
no /dev/net/tun), tapns exits with TAPNS_EXIT_NO_TAP and says why, and the case is skipped
with that reason, never passed.
"""

import functools
import struct
import subprocess

from .paths import BUILD

TAPNS = BUILD / "tapns"
TAPNS_STATIC = BUILD / "tapns.static"   # for the nested sandbox, which has no host libraries
TAPNS_EXIT_NO_TAP = 77
NO_TAP_PREFIX = "tapns: tap not permitted: "
# The name is the case's alone: every tapns has a network namespace of its own.
IFNAME = "mrtap0"
CAPTURE_FILE = "net.pcap"

# The frame the device suite sends (guest/conformance/virtio_dev.c): broadcast, the IEEE 802
# local experimental EtherType, then the payload.
PROBE_ETHERTYPE = 0x88B5
PROBE_PAYLOAD = b"microrig-probe"
BROADCAST = b"\xff" * 6
ETH_HEADER = 14

PCAP_MAGIC_LE = 0xA1B2C3D4
PCAP_FILE_HEADER = struct.Struct("<IHHiIII")
PCAP_RECORD_HEADER = struct.Struct("<IIII")


def wrap(argv, capture, nested=False):
    """argv run by tapns, with the probe's frames captured to `capture`."""
    tapns = TAPNS_STATIC if nested else TAPNS
    return [str(tapns), "--capture", str(capture), "--ethertype", f"{PROBE_ETHERTYPE:#06x}",
            IFNAME, "--", *argv]


def netdev_args(index):
    """The same for QEMU and mvm: the tap tapns made, attached by name."""
    return ["-netdev", f"tap,id=net{index},ifname={IFNAME},script=no,downscript=no",
            "-device", f"virtio-net-device,netdev=net{index}"]


@functools.lru_cache(maxsize=None)
def available():
    """(True, '') when tapns can make a tap on this host, else (False, its reason)."""
    if not TAPNS.exists():
        return False, f"{TAPNS} has not been built"
    res = subprocess.run([str(TAPNS), "--check", IFNAME], capture_output=True, text=True,
                         timeout=30)
    if res.returncode == 0:
        return True, ""
    return False, no_tap_reason(res.returncode, res.stderr.splitlines()) or \
        f"tapns --check exited with {res.returncode}: {res.stderr.strip()}"


def no_tap_reason(status, stderr_lines):
    """tapns's reason when it could not make the tap (status and its line agree), else ''."""
    if status != TAPNS_EXIT_NO_TAP:
        return ""
    for line in stderr_lines:
        if line.startswith(NO_TAP_PREFIX):
            return "no tap here: " + line[len(NO_TAP_PREFIX):]
    return ""


def frames(pcap):
    """The frames of a pcap file tapns wrote (little-endian, microseconds)."""
    if len(pcap) < PCAP_FILE_HEADER.size:
        raise ValueError(f"capture of {len(pcap)} bytes has no pcap header")
    if PCAP_FILE_HEADER.unpack_from(pcap)[0] != PCAP_MAGIC_LE:
        raise ValueError("capture is not a little-endian pcap file")
    out, off = [], PCAP_FILE_HEADER.size
    while off + PCAP_RECORD_HEADER.size <= len(pcap):
        _, _, caplen, _ = PCAP_RECORD_HEADER.unpack_from(pcap, off)
        off += PCAP_RECORD_HEADER.size
        out.append(pcap[off:off + caplen])
        off += caplen
    return out


def is_probe_frame(frame):
    return (frame[:6] == BROADCAST
            and frame[12:ETH_HEADER] == PROBE_ETHERTYPE.to_bytes(2, "big")
            and frame[ETH_HEADER:].startswith(PROBE_PAYLOAD))


def capture_problem(pcap):
    """'' when the capture holds the probe's frame, else what is wrong, as a sentence."""
    if pcap is None:
        return "virtio-net: no capture came back from the tap side"
    try:
        got = frames(pcap)
    except ValueError as e:
        return f"virtio-net: {e}"
    if not any(is_probe_frame(f) for f in got):
        return (f"virtio-net: the tap side received {len(got)} frame(s) of EtherType"
                f" {PROBE_ETHERTYPE:#06x}, none of them the probe's broadcast"
                f" with payload {PROBE_PAYLOAD.decode()}")
    return ""
