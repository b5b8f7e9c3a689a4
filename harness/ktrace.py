"""`python3 -m harness ktrace CASE`: where a nested boot's time went in L1's kernel.

The case runs in the sandbox under ktrace (harness/tools/ktrace.c), which records every
context switch and a kernel stack whenever a task blocks uninterruptibly. This module turns
that trace into what a VMM engineer asks first: which kernel waits the engine's threads sat
in (KVM_CREATE_VM's RCU grace period, the VM's tear-down), how long, in which of mvm's
start-up stages, and how long L1's CPU was idle meanwhile. The special id `kvm-floor` traces
make bench's floor program instead of a case.
"""

import re
from dataclasses import dataclass, field

from . import runner
from .bench import floor_command
from .paths import BUILD

KTRACE = BUILD / "ktrace.static"
PREFIX = "ktrace: "
TOP_WAITS = 12
STACK_FRAMES = 7

_EVENT = re.compile(r"^\s*(?P<task>.+?)-(?P<pid>\d+)\s+\[(?P<cpu>\d+)\]\s+\S+\s+"
                    r"(?P<ts>\d+\.\d+):\s+(?P<event><stack trace>|[\w:]+)(?::\s*(?P<rest>.*))?$")
_SWITCH = re.compile(r"prev_comm=(?P<prev_comm>.*?) prev_pid=(?P<prev_pid>\d+) .*?"
                     r"prev_state=(?P<state>\S+) ==> next_comm=(?P<next_comm>.*?) "
                     r"next_pid=(?P<next_pid>\d+)")
_FORK = re.compile(r"pid=(?P<parent>\d+) child_comm=.*? child_pid=(?P<child>\d+)")
_PROGRAM = re.compile(r"^program pid=(?P<pid>\d+) start_ns=(?P<start>\d+) end_ns=(?P<end>\d+)$")
_STAGE = re.compile(r"^mvm: time stage=(?P<name>\S+) ns=(?P<ns>\d+)$")
# Frames above the one that decided to wait, and the syscall entry below everything.
_SCHED_FRAMES = {"trace_event_raw_event_sched_switch", "__traceiter_sched_switch",
                 "__schedule", "schedule", "schedule_timeout", "schedule_preempt_disabled",
                 "io_schedule", "__wait_for_common", "wait_for_completion",
                 "wait_for_completion_killable", "wait_for_completion_state"}
_ENTRY_FRAMES = {"do_syscall_64", "entry_SYSCALL_64_after_hwframe", "ret_from_fork"}


@dataclass
class Wait:
    pid: int
    task: str
    start_ns: int
    end_ns: int = None
    stack: list = field(default_factory=list)     # innermost first, scheduler frames dropped
    stage: str = ""

    @property
    def ms(self):
        return (self.end_ns - self.start_ns) / 1e6


@dataclass
class Summary:
    pid: int = None
    start_ns: int = None
    end_ns: int = None
    waits: list = field(default_factory=list)     # the program's, longest first
    # CPU time while the program ran, from the switches: its own threads, the idle task,
    # and everything else by task name (kernel threads, workqueues, the job runner).
    program_cpu_ns: int = 0
    idle_ns: int = 0
    idle_stretches: int = 0
    others_ns: dict = field(default_factory=dict)   # comm -> ns
    switches: int = 0
    messages: list = field(default_factory=list)    # ktrace's and the sandbox's own words

    @property
    def ran_ms(self):
        return (self.end_ns - self.start_ns) / 1e6 if self.end_ns else None


def _ns(ts):
    whole, frac = ts.split(".")
    return int(whole) * 1_000_000_000 + int(frac.ljust(9, "0")[:9])


def _kept_frames(frames):
    i = 0
    while i < len(frames) and frames[i] in _SCHED_FRAMES:
        i += 1
    return [f for f in frames[i:] if f not in _ENTRY_FRAMES]


def parse(lines):
    """Summary of ktrace's stderr lines (the prefix already removed or not)."""
    s = Summary()
    forks = []                      # (parent, child): the program's threads and children
    open_waits, waits = {}, []
    on_cpu, last_switch = [], {}    # (pid, comm, from, to) between switches; cpu -> time
    stack_of = None
    for raw in lines:
        line = raw[len(PREFIX):] if raw.startswith(PREFIX) else raw
        if stack_of is not None and line.lstrip().startswith("=> "):
            stack_of.stack.append(line.split("=> ", 1)[1].strip())
            continue
        if stack_of is not None:
            stack_of.stack = _kept_frames(stack_of.stack)
            stack_of = None
        m = _PROGRAM.match(line)
        if m:
            s.pid, s.start_ns, s.end_ns = int(m["pid"]), int(m["start"]), int(m["end"])
            continue
        m = _EVENT.match(line)
        if not m:
            if raw.startswith((PREFIX, "nested: ")) and len(s.messages) < 10:
                s.messages.append(raw)
            continue
        t, cpu, event = _ns(m["ts"]), m["cpu"], m["event"]
        if event == "<stack trace>":
            w = open_waits.get(int(m["pid"]))
            if w is not None and not w.stack:
                stack_of = w
        elif event == "sched_process_fork":
            f = _FORK.search(m["rest"] or "")
            if f:
                forks.append((int(f["parent"]), int(f["child"])))
        elif event == "sched_switch":
            sw = _SWITCH.search(m["rest"] or "")
            if not sw:
                continue
            s.switches += 1
            prev, nxt = int(sw["prev_pid"]), int(sw["next_pid"])
            if cpu in last_switch:
                on_cpu.append((prev, sw["prev_comm"], last_switch[cpu], t))
            last_switch[cpu] = t
            if sw["state"].startswith("D"):
                open_waits[prev] = Wait(prev, f"{sw['prev_comm']}-{prev}", t)
            w = open_waits.pop(nxt, None)
            if w is not None:
                w.end_ns = t
                waits.append(w)
    if stack_of is not None:
        stack_of.stack = _kept_frames(stack_of.stack)
    ours = _descendants(forks, s.pid)
    s.waits = sorted((w for w in waits if w.pid in ours),
                     key=lambda w: w.end_ns - w.start_ns, reverse=True)
    if s.pid is not None:
        _account_cpu(s, on_cpu, ours)
    return s


def _account_cpu(s, on_cpu, ours):
    """Split the CPU time inside the program's run among its threads, idle and the rest."""
    for pid, comm, a, b in on_cpu:
        ns = min(b, s.end_ns) - max(a, s.start_ns)
        if ns <= 0:
            continue
        if pid in ours:
            s.program_cpu_ns += ns
        elif pid == 0:
            s.idle_ns += ns
            s.idle_stretches += 1
        else:
            name = re.sub(r"/u?\d+(:\d+)?$", "", comm)   # kworker/u2:1 -> kworker
            s.others_ns[name] = s.others_ns.get(name, 0) + ns


def _descendants(forks, root):
    """The root pid and every pid forked from it or from its forks, at any depth."""
    found, grew = {root}, True
    while grew:
        grew = False
        for parent, child in forks:
            if parent in found and child not in found:
                found.add(child)
                grew = True
    return found


# Steps mvm's helper thread runs while the main thread waits in KVM_CREATE_VM (vmm/main.c):
# their stamps say nothing about where the main thread was.
_HELPER_STAGES = {"bios", "ram", "devices", "kernel"}
# A stamp ends its step; these read better under the name of what ran up to them.
_STAGE_NAMES = {"exec": "spawn", "vm-created": "create-vm", "exit": "guest"}


def mark_stages(summary, stderr_lines):
    """Name each wait after the mvm -stage-times step it began in; after the last stamp
    (`exit`) it is the tear-down. No stamps (QEMU, kvm-floor): left blank."""
    stamps = []
    for line in stderr_lines:
        m = _STAGE.match(line)
        if m and m["name"] not in _HELPER_STAGES:
            stamps.append((int(m["ns"]), m["name"]))
    stamps.sort()
    if not stamps:
        return
    for w in summary.waits:
        later = [name for ns, name in stamps if ns >= w.start_ns]
        w.stage = _STAGE_NAMES.get(later[0], later[0]) if later else "tear-down"


def render(title, result, summary):
    lines = [f"{title}: exit status {result.status}"]
    if summary.pid is None:
        lines.append("no trace came back" + (":" if summary.messages else ""))
        return "\n".join(lines + summary.messages)
    waited = sum(w.ms for w in summary.waits)
    others = sorted(summary.others_ns.items(), key=lambda kv: kv[1], reverse=True)
    lines += [f"ran {summary.ran_ms:.1f} ms on L1's clock (TCG-emulated: compare runs of one"
              f" L1 boot only); {summary.switches} context switches traced",
              f"CPU time meanwhile: the program {summary.program_cpu_ns / 1e6:.1f} ms, idle"
              f" {summary.idle_ns / 1e6:.1f} ms in {summary.idle_stretches} stretches, other"
              f" tasks {sum(summary.others_ns.values()) / 1e6:.1f} ms"
              + (" (" + ", ".join(f"{c} {ns / 1e6:.1f}" for c, ns in others[:4]) + ")"
                 if others else ""),
              f"blocked in the kernel (uninterruptible): {waited:.1f} ms in"
              f" {len(summary.waits)} waits", "",
              f"longest waits (at = ms after the program started; stack innermost first):",
              f"{'ms':>7} {'at':>7}  {'stage':<10} {'thread':<22} kernel stack"]
    for w in summary.waits[:TOP_WAITS]:
        at = (w.start_ns - summary.start_ns) / 1e6
        stack = " < ".join(w.stack[:STACK_FRAMES]) or "(no stack recorded)"
        lines.append(f"{w.ms:7.1f} {at:7.1f}  {w.stage or '-':<10} {w.task:<22} {stack}")
    if len(summary.waits) > TOP_WAITS:
        rest = summary.waits[TOP_WAITS:]
        lines.append(f"... and {len(rest)} shorter waits, {sum(w.ms for w in rest):.1f} ms")
    return "\n".join(lines)


def wrap(argv, events=None):
    return [str(KTRACE)] + (["--events", events] if events else []) + ["--"] + list(argv)


def trace(case_or_floor, events=None):
    """(Result, Summary) of one traced run in the sandbox. It runs twice in the same L1
    boot and the second run is the one summarised: the first VM an L1 makes pays for its
    KVM's cold start (about 150 ms more here), which no later VM does."""
    item = case_or_floor
    if item == "kvm-floor":
        item = floor_command("nested-mvm")
    _, result = runner.run_nested([item, item], wrap=lambda argv: wrap(argv, events))
    stderr = [t for _, t in result.stderr.lines]
    summary = parse(stderr)
    mark_stages(summary, stderr)
    return result, summary
