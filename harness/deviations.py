"""Known deviations: the one table of checks that are expected to fail, and why.

A deviation is asserted, not hidden: a listed check that passes fails the case ("no longer
deviates: update the table"), and a check that fails without an entry here fails it too.
`engines` and `forms` of None mean every engine / payload form.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Deviation:
    firmware: str
    check: str
    reason: str
    engines: tuple = None
    forms: tuple = None

    def applies(self, case):
        return (case.firmware == self.firmware
                and (self.engines is None or case.engine in self.engines)
                and (self.forms is None or case.payload.form in self.forms))


KNOWN = (
    Deviation("qboot", "e820-no-empty",
              "qboot appends an all-zero entry to its e820 map (also from its int 15h E820)"),
    Deviation("qboot", "mptable-entry-count",
              "qboot's MP table header says 0 entries while 20 follow within its length"),
)


def expected_failures(case):
    """{check: reason} of the checks this case is known to fail."""
    return {d.check: d.reason for d in KNOWN if d.applies(case)}
