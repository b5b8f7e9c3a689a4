"""The expected-device model: what a guest must see for a case, and the comparisons.

One function says what each observer (the firmware's report, the Linux init's report)
must see for a case; the check functions compare and return one sentence per mismatch,
naming the device, so that a red case says what was wrong.
"""

from dataclasses import dataclass

# microvm's virtio-mmio transports: 512 bytes per slot from 0xFEB00000, IRQ 5 + slot;
# QEMU fills slots from the highest down (docs: ../shared/notes, qemu-microvm.md).
VIRTIO_MMIO_BASE = 0xFEB00000
VIRTIO_MMIO_SLOT_SIZE = 512
VIRTIO_MMIO_SLOTS = 8
VIRTIO_MMIO_FIRST_IRQ = 5

# virtio device ids (virtio spec 1.1, section 5).
VIRTIO_ID = {"net": 1, "blk": 2, "console": 3}


@dataclass(frozen=True)
class VirtioSlot:
    base: int
    irq: int
    device_id: int


def virtio_slots(case):
    """The slots the engine fills for a case's virtio devices, highest first."""
    slots = []
    for n, dev in enumerate(case.virtio_devices()):
        i = VIRTIO_MMIO_SLOTS - 1 - n
        slots.append(VirtioSlot(VIRTIO_MMIO_BASE + i * VIRTIO_MMIO_SLOT_SIZE,
                                VIRTIO_MMIO_FIRST_IRQ + i, VIRTIO_ID[dev]))
    return slots


def firmware_devices(case):
    """ISA devices the firmware must report, by the toggles (absent ports float)."""
    t = case.toggles
    state = lambda on: "present" if on else "absent"
    return {"pit": state(t.pit), "pic": state(t.pic), "rtc": state(t.rtc),
            "serial": state(t.serial)}


def linux_devices(case):
    """What the Linux init's report must say, key by key.

    Keys that an observer cannot know on an engine are left out, with the reason in
    LINUX_UNJUDGED, rather than guessed.
    """
    t = case.toggles
    exp = {
        "serial": "16550A" if t.serial else "none",
        "rtc": "rtc_cmos" if t.rtc else "none",
        "pic": "1" if t.pic else "0",
        "ioapic": "1",
        "cpus": str(case.cpus),
        "virtio": ",".join(str(s.device_id) for s in sorted(virtio_slots(case),
                                                            key=lambda s: s.device_id)),
    }
    if case.engine_def.kvm:
        # With kvmclock and the TSC-deadline LAPIC timer Linux never sets up the PIT, so
        # it cannot tell whether one is there: only the firmware's report judges it.
        exp["kvmclock"] = "1"
        exp["pit"] = "absent"
    else:
        # Linux never probes for a PIT: a present one shows as IRQ 0 ticking (at least
        # through the IO-APIC timer check), which needs the PIC's IRQ descriptors too
        # (guest/linux/README.md). Which clock event device Linux ends up on is not stable
        # under TCG, so the count is judged.
        exp["irq0_ticks"] = "yes" if t.pit and t.pic else "no"
    return exp


def derived(fields):
    """Report fields plus the ones the model judges that are computed from them."""
    out = dict(fields)
    try:
        out["irq0_ticks"] = "yes" if int(fields.get("irq0", "0")) > 0 else "no"
    except ValueError:
        out["irq0_ticks"] = None
    if out.get("virtio"):
        # Linux numbers virtio devices in probe order, not slot order: compare as sets.
        out["virtio"] = ",".join(sorted(out["virtio"].split(","), key=lambda x: (len(x), x)))
    return out


def check_firmware_report(case, report):
    """Mismatches between the firmware's `device`/`virtio` lines and the case."""
    problems = []
    seen = report.firmware_devices()
    for dev, want in firmware_devices(case).items():
        got = seen.get(dev)
        if got != want:
            problems.append(f"firmware reports {dev} {got or 'nothing'}, expected {want}")
    want_slots = {(s.base, s.irq): s.device_id for s in virtio_slots(case)}
    got_slots = {}
    for v in report.firmware_virtio():
        try:
            got_slots[(int(v["base"], 0), int(v["irq"], 0))] = int(v.get("id", "-1"), 0)
        except (KeyError, ValueError):
            problems.append(f"firmware virtio line is incomplete: {v}")
    for key, dev_id in want_slots.items():
        if key not in got_slots:
            problems.append(f"firmware did not report the virtio slot at {key[0]:#x} irq {key[1]}")
        elif got_slots[key] != dev_id:
            problems.append(f"virtio slot {key[0]:#x}: firmware saw device id {got_slots[key]},"
                            f" expected {dev_id}")
    for key in got_slots.keys() - want_slots.keys():
        problems.append(f"firmware reported a virtio slot at {key[0]:#x} irq {key[1]} that"
                        " the command line did not name")
    return problems


def check_linux_report(case, fields):
    """Mismatches between Linux's `init: report` line and the case, as sentences."""
    return [text for _, text in linux_mismatches(case, fields)]


def linux_mismatches(case, fields):
    """[(report key, sentence)] of what Linux sees differently from the model."""
    if fields is None:
        return [("report", "Linux's init printed no report line")]
    problems = []
    fields = derived(fields)
    for key, want in linux_devices(case).items():
        got = fields.get(key)
        if got != want:
            problems.append((key, f"Linux sees {key}={got}, expected {key}={want}"))
    try:
        mem_kb = int(fields.get("mem_kb", "0"))
    except ValueError:
        mem_kb = 0
    ram_kb = case.mem_mb * 1024
    # MemTotal excludes the kernel image and reserved memory, but not more than half.
    if not ram_kb // 2 <= mem_kb <= ram_kb:
        problems.append(("mem_kb", f"Linux sees {mem_kb} KiB of memory, expected between"
                                   f" {ram_kb // 2} and {ram_kb}"))
    if fields.get("virtio_unbound", "none") != "none":
        problems.append(("virtio_unbound", "Linux has virtio devices whose driver did not"
                                           f" bind: ids {fields['virtio_unbound']}"))
    return problems
