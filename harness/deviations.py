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
    payload: str = "probe"
    toggles: tuple = None

    def applies(self, case):
        parts = case.toggles.id.split("-")
        return (case.firmware == self.firmware and case.payload.kind == self.payload
                and (self.engines is None or case.engine in self.engines)
                and (self.forms is None or case.payload.form in self.forms)
                and (self.toggles is None or all(p in parts for p in self.toggles)))


KNOWN = (
    Deviation("qboot", "e820-no-empty",
              "qboot appends an all-zero entry to its e820 map (also from its int 15h E820)"),
    Deviation("qboot", "mptable-entry-count",
              "qboot's MP table header says 0 entries while 20 follow within its length"),
    # SeaBIOS's MP table leaves out the ISA IRQs it keeps for PCI (among them 11): without a
    # PIC to fall back on, Linux cannot route the second virtio slot's IRQ 11, the virtio
    # console's driver fails to bind (-EINVAL) and hvc0 never appears.
    Deviation("seabios", "init-start",
              "SeaBIOS's MP table has no entry for IRQ 11: with pic=off the virtio console"
              " on slot 6 cannot bind, so Linux has no console", payload="linux",
              toggles=("pic0", "ser0")),
)


def expected_failures(case):
    """{check: reason} of the checks this case is known to fail."""
    return {d.check: d.reason for d in KNOWN if d.applies(case)}
