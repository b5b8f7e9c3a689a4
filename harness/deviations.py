"""Known deviations: the one table of checks that are expected to fail, and why.

A deviation is asserted, not hidden: a listed check that passes fails the case ("no longer
deviates: update the table"), and a check that fails without an entry here fails it too.
A check is a probe check id (`e820-no-empty`) or, for Linux, a key of the init's report
(`virtio`) or `init-start` (Linux never printed its start marker). `engines`, `forms`,
`payload` and `toggles` of None mean every engine, form, payload and toggle set; `toggles`
lists parts of the toggle id that must all be in it (("pic0", "ser0")).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Deviation:
    firmware: str
    check: str
    reason: str
    engines: tuple = None
    forms: tuple = None
    payloads: tuple = ("probe", "devices")
    toggles: tuple = None
    min_cpus: int = 1

    def applies(self, case):
        parts = case.toggles.id.split("-")
        return (case.firmware == self.firmware and case.payload.kind in self.payloads
                and case.cpus >= self.min_cpus
                and (self.engines is None or case.engine in self.engines)
                and (self.forms is None or case.payload.form in self.forms)
                and (self.toggles is None or all(p in parts for p in self.toggles)))


KNOWN = (
    Deviation("qboot", "e820-no-empty",
              "qboot appends an all-zero entry to its e820 map (also from its int 15h E820)"),
    Deviation("qboot", "mptable-entry-count",
              "qboot's MP table header says 0 entries while 20 follow within its length"),
    Deviation("qboot", "e820-sorted",
              "under KVM, QEMU's etc/e820 has a reserved entry at 0xfeffc000 (identity map and"
              " TSS) that qboot copies after its own entries without sorting",
              engines=("qemu-kvm", "mvm", "nested-qemu-kvm", "nested-mvm")),
    Deviation("seabios", "mptable-cpus",
              "SeaBIOS's MP table lists one processor whatever -smp says", min_cpus=2),
    # SeaBIOS's MP table leaves out the ISA IRQs it keeps for PCI (among them 11): without a
    # PIC to fall back on, Linux cannot route the second virtio slot's IRQ 11, the virtio
    # console's driver fails to bind (-EINVAL) and hvc0 never appears.
    Deviation("seabios", "init-start",
              "SeaBIOS's MP table has no entry for IRQ 11: with pic=off the virtio console"
              " on slot 6 cannot bind, so Linux has no console", payloads=("linux",),
              toggles=("pic0", "ser0")),
)


def expected_failures(case):
    """{check: reason} of the checks this case is known to fail."""
    return {d.check: d.reason for d in KNOWN if d.applies(case)}


# Engine differences: checks whose verdict differs between engines for the same firmware,
# payload and toggle set, by design of the engines. `engines` is the side that differs from
# the rest; within each side the verdict must be the same. A difference not listed here
# fails the comparison; a listed one that never shows up in a comparison that covers both
# sides fails it too ("no longer differs").
@dataclass(frozen=True)
class EngineDifference:
    check: str
    engines: tuple
    reason: str


QEMU_TCG_ONLY = ("qemu-tcg",)
MVM_ENGINES = ("mvm", "nested-mvm")
NESTED = ("nested-qemu-kvm", "nested-mvm")

ENGINE_DIFFERENCES = (
    EngineDifference("kvmclock-cpuid", QEMU_TCG_ONLY, "TCG offers no KVM CPUID leaves"),
    EngineDifference("kvmclock-advances", QEMU_TCG_ONLY, "TCG offers no kvmclock"),
    EngineDifference("kvmclock-rate", QEMU_TCG_ONLY, "TCG offers no kvmclock"),
    EngineDifference("lapic-tsc-deadline", QEMU_TCG_ONLY,
                     "QEMU's default TCG CPU model does not offer the TSC-deadline timer"),
    EngineDifference("rtc-host-time", NESTED,
                     "a sandbox batch's jobs start minutes after their command lines are"
                     " written, so the harness cannot give the host's time at launch"),
    EngineDifference("pit-gate", MVM_ENGINES,
                     "mvm emulates port 0x61 (PIT channel 2 gate and output, which Linux uses"
                     " to calibrate the TSC); QEMU's microvm has no port 0x61, so it floats"),
    EngineDifference("pit-mode3-rate", MVM_ENGINES,
                     "channel 2's square wave is read through port 0x61, which only mvm has"),
)


# Checks that can only pass when an event happens by chance in the run, and skip otherwise:
# across engines their PASS and SKIP are the same answer.
OPPORTUNISTIC = {
    "pic-spurious": "passes only on runs where a spurious IRQ 7/15 happens to be raised",
    "rtc-uip": "skips when the polls came further apart than the 244 us update window",
}


def _firmware_differences(firmware):
    """A firmware's known deviations limited to some engines, for every toggle set and form:
    between those engines and the others the verdicts differ by that firmware's design."""
    return [EngineDifference(d.check, d.engines, d.reason) for d in KNOWN
            if d.firmware == firmware and d.engines and "devices" in d.payloads
            and d.toggles is None and d.forms is None and d.min_cpus == 1]


def compare_engines(checks_by_engine, firmware=None):
    """checks_by_engine: {engine: {check: verdict}} for one firmware, payload and toggles.

    Returns (problems, differences seen). A check missing on an engine counts as its own
    verdict ("none"): a probe that skips a check silently is a difference too. With the
    firmware named, its engine-limited deviations (qboot's unsorted e820 under KVM) count
    as known differences too.
    """
    known = {d.check: d for d in list(ENGINE_DIFFERENCES) + _firmware_differences(firmware)}
    problems, seen = [], set()
    engines = sorted(checks_by_engine)
    for check in sorted({c for checks in checks_by_engine.values() for c in checks}):
        got = {e: checks_by_engine[e].get(check, "none") for e in engines}
        if check in OPPORTUNISTIC:
            got = {e: "PASS" if v == "SKIP" else v for e, v in got.items()}
        diff = known.get(check)
        sides = ([[e for e in engines if e in diff.engines],
                  [e for e in engines if e not in diff.engines]] if diff else [engines])
        for side in sides:
            if len({got[e] for e in side}) > 1:
                problems.append(f"{check}: engines disagree: "
                                + ", ".join(f"{e} {got[e]}" for e in side))
        if diff and all(sides) and got[sides[0][0]] != got[sides[1][0]]:
            seen.add(check)
    return problems, seen


def differences_for(engines):
    """The listed differences that a comparison of these engines covers (both sides)."""
    return {d.check for d in ENGINE_DIFFERENCES
            if any(e in d.engines for e in engines) and any(e not in d.engines for e in engines)}
