"""The one parser of the report lines every part writes (docs/protocol.md).

A report line is `<source>: <topic> key=value key="a value" ...`. Sources are
`microrig` (firmware), `probe` (bare-metal payload), `init` (Linux PID 1) and `mvm`
(the VMM's stage times). Anything else on a channel is plain log text.
"""

import re
from dataclasses import dataclass, field

SOURCES = ("microrig", "probe", "init", "mvm")

_LINE = re.compile(r"^(?P<source>[a-z0-9]+): (?P<topic>[A-Za-z_][A-Za-z0-9_-]*)(?P<rest>.*)$")
_PAIR = re.compile(r'\s*([A-Za-z_][A-Za-z0-9_.-]*)=("([^"]*)"|([^\s"]\S*)?)')


@dataclass(frozen=True)
class Line:
    """One parsed report line, with the host time (ns since spawn) it arrived at."""

    source: str
    topic: str
    fields: dict
    t_ns: int = 0

    def get(self, key, default=None):
        return self.fields.get(key, default)

    def int(self, key, default=None):
        """A numeric field: decimal or 0x-hexadecimal."""
        value = self.fields.get(key)
        if value is None:
            return default
        return int(value, 0)


class ReportError(ValueError):
    """A line claims to be a report line but does not follow the grammar."""


def parse_line(text, t_ns=0):
    """Parse one line. Returns a Line, or None for text that is not a report line.

    Raises ReportError when a known source's line has trailing text that is not a
    key=value list: a malformed report must not be silently half-read.
    """
    text = text.rstrip("\r\n")
    # A console may prefix a line with a kernel timestamp or stray bytes: the report
    # starts at the first known source tag.
    start = _find_source(text)
    if start < 0:
        return None
    m = _LINE.match(text[start:])
    if not m:
        return None
    rest = m.group("rest")
    fields = {}
    pos = 0
    while pos < len(rest):
        if rest[pos:].strip() == "":
            break
        p = _PAIR.match(rest, pos)
        if not p:
            raise ReportError(f"malformed report line (at {rest[pos:]!r}): {text!r}")
        value = p.group(3) if p.group(3) is not None else (p.group(4) or "")
        fields[p.group(1)] = value
        pos = p.end()
    return Line(m.group("source"), m.group("topic"), fields, t_ns)


def _find_source(text):
    best = -1
    for source in SOURCES:
        i = text.find(source + ": ")
        if i >= 0 and (i == 0 or not text[i - 1].isalnum()) and (best < 0 or i < best):
            best = i
    return best


def parse_lines(timed_lines):
    """Parse (t_ns, text) pairs; keeps only report lines, in arrival order."""
    out = []
    for t_ns, text in timed_lines:
        line = parse_line(text, t_ns)
        if line is not None:
            out.append(line)
    return out


@dataclass
class Report:
    """All the report lines of one run, grouped for the checks."""

    lines: list = field(default_factory=list)
    malformed: list = field(default_factory=list)   # texts that broke the grammar

    def of(self, source, topic=None):
        return [l for l in self.lines if l.source == source and (topic is None or l.topic == topic)]

    def first(self, source, topic):
        found = self.of(source, topic)
        return found[0] if found else None

    # Firmware view -----------------------------------------------------------
    def firmware_devices(self):
        """{'pit': 'present', ...} from `microrig: device` lines."""
        return {l.get("name"): l.get("state") for l in self.of("microrig", "device")}

    def firmware_virtio(self):
        return [l.fields for l in self.of("microrig", "virtio")]

    def firmware_errors(self):
        return [l.fields for l in self.of("microrig", "error")]

    def firmware_boot(self):
        line = self.first("microrig", "boot")
        return line.fields if line else None

    def firmware_times(self):
        """{stage: tsc} from `microrig: time` lines."""
        return {l.get("stage"): l.int("tsc") for l in self.of("microrig", "time")}

    # Probe view --------------------------------------------------------------
    def probe_results(self):
        """[(verdict, check, what)] for PASS/FAIL/SKIP lines; `what` carries the line's
        detail (what was seen) when it has one."""
        return [(l.topic, l.get("check"),
                 l.get("what", "") + (f" ({l.get('detail')})" if l.get("detail") else ""))
                for l in self.lines if l.source == "probe" and l.topic in ("PASS", "FAIL", "SKIP")]

    def probe_done(self):
        line = self.first("probe", "done")
        return line.fields if line else None

    # Linux view --------------------------------------------------------------
    def init_started(self):
        return self.first("init", "start")

    def init_report(self):
        line = self.first("init", "report")
        return line.fields if line else None

    # VMM view ----------------------------------------------------------------
    def mvm_times(self):
        """[(stage, ns)] from `mvm: time` lines, in order."""
        return [(l.get("stage"), l.int("ns")) for l in self.of("mvm", "time")]


def report_from(timed_lines):
    return Report(parse_lines(timed_lines))
