"""A case: one boot of one payload by one firmware on one engine with one toggle set."""

import itertools
from pathlib import Path
from dataclasses import dataclass, field

from . import tap
from .engines import ENGINES
from .expect import VIRTIO_ID
from .firmware import FIRMWARES
from .payloads import Payload

TOGGLE_NAMES = ("pit", "pic", "rtc", "isa-serial")


@dataclass(frozen=True)
class Toggles:
    pit: bool
    pic: bool
    rtc: bool
    serial: bool

    @property
    def id(self):
        return f"pit{self.pit:d}-pic{self.pic:d}-rtc{self.rtc:d}-ser{self.serial:d}"

    def machine_options(self):
        onoff = lambda b: "on" if b else "off"
        return (f"pit={onoff(self.pit)},pic={onoff(self.pic)},rtc={onoff(self.rtc)},"
                f"isa-serial={onoff(self.serial)}")

    @classmethod
    def parse(cls, text):
        """'pit0-pic1-rtc1-ser0' -> Toggles."""
        parts = dict((p[:-1], p[-1] == "1") for p in text.split("-"))
        try:
            return cls(parts["pit"], parts["pic"], parts["rtc"], parts["ser"])
        except KeyError as e:
            raise ValueError(f"toggle set {text!r} lacks {e.args[0]}") from None


ALL_TOGGLES = tuple(Toggles(*bits) for bits in itertools.product((True, False), repeat=4))
DEFAULT_TOGGLES = Toggles(True, True, True, True)


@dataclass(frozen=True)
class Case:
    engine: str
    firmware: str
    payload: Payload
    toggles: Toggles
    # Forced hand-off (microrig's opt/microrig/boot): None = the firmware's choice.
    handoff: str = None
    cpus: int = 1
    mem_mb: int = 256
    # virtio-mmio devices on the command line, in order ("blk", "console", "net").
    virtio: tuple = ("blk",)
    extra_append: str = ""
    fw_cfg: tuple = field(default=())   # (name, string) pairs
    initrd: bool = True
    rom: Path = None      # another build of the firmware (a baseline to compare with)
    vmm: Path = None      # another build of mvm (a baseline to compare with)

    @property
    def id(self):
        form = self.payload.form
        if self.handoff:
            form = self.handoff if self.handoff == "pvh" else f"{form}{self.handoff}"
        if self.payload.kind == "devices":
            # The device suite's virtio set is an axis of its own: the id names it.
            form = f"{form}-{self.device_set}"
        return f"{self.engine}-{self.firmware}-{self.payload.kind}-{form}-{self.toggles.id}"

    @property
    def device_set(self):
        """The virtio devices as the id names them: 'blk+console', 'net', 'none'."""
        return device_set_name(self.virtio_devices())

    @property
    def engine_def(self):
        return ENGINES[self.engine]

    @property
    def firmware_def(self):
        return FIRMWARES[self.firmware]

    def virtio_devices(self):
        """The virtio devices on the command line: the console when there is no UART
        (Linux's console; the device suite's set is exactly the one it names)."""
        devs = list(self.virtio)
        if (self.payload.kind != "devices" and not self.toggles.serial
                and "console" not in devs):
            devs.append("console")
        return tuple(devs)

    def skip_reason(self):
        """Why this case cannot run here, or '' when it can."""
        engine = self.engine_def
        ok, why = engine.runs_linux() if self.payload.kind == "linux" else engine.available()
        if not ok:
            return f"{self.engine}: {why}"
        ok, why = self.firmware_def.available(self.engine)
        if not ok:
            return f"{self.firmware}: {why}"
        if "net" in self.virtio_devices() and not engine.nested:
            # Inside the sandbox tapns runs in L1: a missing tap shows in the run instead.
            ok, why = tap.available()
            if not ok:
                return f"virtio-net: {why}"
        return self.missing_artifact()

    def missing_artifact(self):
        """A build output this case needs that does not exist, or ''.

        After `make all` nothing may be missing: the test suite fails such a case instead
        of skipping it, so that a broken build can never look like a skipped one.
        """
        outputs = [self.rom or self.firmware_def.path, self.vmm or self.engine_def.binary]
        if "net" in self.virtio_devices():
            outputs.append(tap.TAPNS_STATIC if self.engine_def.nested else tap.TAPNS)
        for built in outputs:
            if "/" in str(built) and not Path(built).exists():
                return f"{built} has not been built"
        ok, why = self.payload.available()
        return "" if ok else why


def linux_cases(engines=("qemu-tcg", "qemu-kvm", "mvm"),
                firmwares=("microrig", "qboot", "seabios"), toggles=ALL_TOGGLES):
    """Linux bzImage and PVH across firmwares and toggles; microrig also per hand-off."""
    for engine, fw, t in itertools.product(engines, firmwares, toggles):
        for form in ("bz", "pvh"):
            payload = Payload("linux", form)
            if fw == "microrig" and form == "bz":
                for handoff in ("16", "32", "64"):
                    yield Case(engine, fw, payload, t, handoff=handoff)
            else:
                yield Case(engine, fw, payload, t)


# Hand-offs per firmware for a bzImage: microrig can be forced to each entry; the others
# choose for themselves (qboot always takes the 16-bit setup entry).
BZ_HANDOFFS = {"microrig": (None, "16", "32", "64")}


def probe_cases(engines=("qemu-tcg", "qemu-kvm", "mvm"),
                firmwares=("microrig", "qboot", "seabios"), toggles=ALL_TOGGLES):
    """The probe payload in every form, per firmware, engine and toggle set."""
    for engine, fw, t in itertools.product(engines, firmwares, toggles):
        for handoff in BZ_HANDOFFS.get(fw, (None,)):
            yield Case(engine, fw, Payload("probe", "bz"), t, handoff=handoff)
        yield Case(engine, fw, Payload("probe", "pvh"), t)
        yield Case(engine, fw, Payload("probe", "mb"), t)


def nested_subset():
    """The nested cases `make test` runs (the full set is `make matrix`'s): every toggle set
    once for mvm with microrig, bzImage and PVH in turn; QEMU KVM beside it on two sets;
    the probe's hand-off checks through microrig and qboot on every toggle set on both
    engines; the device suite on two sets, and with all three virtio devices (net through
    tapns inside L1) on one."""
    out = []
    for i, t in enumerate(ALL_TOGGLES):
        out.append(Case("nested-mvm", "microrig", Payload("linux", ("bz", "pvh")[i % 2]), t))
    for t in (ALL_TOGGLES[0], ALL_TOGGLES[-1]):
        out.append(Case("nested-qemu-kvm", "microrig", Payload("linux", "pvh"), t))
    for engine in ("nested-mvm", "nested-qemu-kvm"):
        # The VMM issue's check: both ROMs boot the probe on every toggle set, as on QEMU.
        for fw, t in itertools.product(("microrig", "qboot"), ALL_TOGGLES):
            out.append(Case(engine, fw, Payload("probe", "pvh"), t))
        out += devices_cases(engines=(engine,), firmwares=("microrig",),
                             toggles=ENGINE_COMPARISON_TOGGLES, sets=(DEFAULT_DEVICE_SET,))
        out += devices_cases(engines=(engine,), firmwares=("microrig",),
                             toggles=ENGINE_COMPARISON_TOGGLES[:1], sets=(NESTED_NET_SET,))
    return out


# Toggle sets on which the device suite's verdicts are compared across engines.
ENGINE_COMPARISON_TOGGLES = (ALL_TOGGLES[0], ALL_TOGGLES[-1])


# The device suite's cases: every device the machine has, two vCPUs (application-processor
# start and IPIs), and one of the virtio device sets, in slot order from the top: the
# issue's blk and console; net alone (its frame must reach the tap side); all three; and
# none, where no slot is named and every slot must look empty (virtio-unnamed-empty).
VIRTIO_DEVICES = tuple(VIRTIO_ID)     # the devices the harness can put on a command line
DEVICE_SETS = (("blk", "console"), ("net",), ("blk", "console", "net"), ())
DEFAULT_DEVICE_SET = DEVICE_SETS[0]
NESTED_NET_SET = DEVICE_SETS[2]     # the one set `make test` boots with net in the sandbox
DEVICE_CPUS = 2


def device_set_name(devices):
    return "+".join(devices) or "none"


def parse_device_set(name):
    """'blk+console' -> ('blk', 'console'); 'none' -> ()."""
    devices = () if name == "none" else tuple(name.split("+"))
    unknown = [d for d in devices if d not in VIRTIO_DEVICES]
    if unknown or not name:
        raise ValueError(f"virtio device set {name!r}: expected 'none' or devices from"
                         f" {', '.join(VIRTIO_DEVICES)} joined by '+'")
    return devices



def devices_cases(engines=("qemu-tcg", "qemu-kvm", "mvm"),
                  firmwares=("microrig", "qboot", "seabios"), toggles=ALL_TOGGLES,
                  sets=DEVICE_SETS):
    for engine, fw, devices, t in itertools.product(engines, firmwares, sets, toggles):
        yield Case(engine, fw, Payload("devices", "pvh"), t, virtio=devices, cpus=DEVICE_CPUS)


# The device sets `make test` boots on every toggle set; the others run on
# ENGINE_COMPARISON_TOGGLES only (make matrix runs every set on every toggle set).
TEST_DEVICE_SETS = (DEFAULT_DEVICE_SET,)


def devices_test_subset(engines=("qemu-tcg", "qemu-kvm", "mvm"),
                        firmwares=("microrig", "qboot", "seabios")):
    """The device suite's cases in `make test`: the default set on all 16 toggle sets, the
    other sets on the two comparison sets (all devices on, all off)."""
    yield from devices_cases(engines, firmwares, sets=TEST_DEVICE_SETS)
    others = tuple(s for s in DEVICE_SETS if s not in TEST_DEVICE_SETS)
    yield from devices_cases(engines, firmwares, toggles=ENGINE_COMPARISON_TOGGLES, sets=others)
