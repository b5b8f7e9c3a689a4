"""The Linux guest's kernel command line for a case, and why each argument is there."""

import functools
import re
from pathlib import Path


@functools.lru_cache(maxsize=None)
def host_tsc_khz():
    """The host TSC rate in kHz, from /proc/cpuinfo's 'cpu MHz' (0 when unknown)."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return 0
    m = re.search(r"^cpu MHz\s*:\s*([0-9.]+)", text, re.M)
    return int(float(m.group(1)) * 1000) if m else 0


def needs_tsc_khz(case):
    """Linux without ACPI calibrates the TSC against the PIT through IRQ 0. Without the PIT,
    or without the PIC (no 8259: IRQ 0 is never set up), nothing ticks under TCG and the
    delay-loop calibration waits for jiffies forever. `tsc_early_khz=` is the documented
    way a user gives the rate; QEMU TCG's TSC runs at the host's TSC rate. Under KVM,
    kvmclock gives the rate and nothing is needed (guest/linux/README.md)."""
    return not case.engine_def.kvm and not (case.toggles.pit and case.toggles.pic)


def needs_no_timer_check(case):
    """Without a PIT the IO-APIC timer check finds IRQ 0 dead on every route and panics
    ("IO-APIC + timer doesn't work!"); `no_timer_check` skips that check."""
    return not case.toggles.pit


def cmdline(case):
    args = ["console=ttyS0" if case.toggles.serial else "console=hvc0",
            # A panic ends the run at once (-no-reboot turns the reboot into an exit)
            # instead of leaving a guest that never exits.
            "panic=-1",
            # Every console character is an exit: keep the log short so that spawn-to-init
            # measures the boot, not the UART.
            "quiet"]
    if needs_tsc_khz(case) and host_tsc_khz():
        args.append(f"tsc_early_khz={host_tsc_khz()}")
    if needs_no_timer_check(case):
        args.append("no_timer_check")
    return " ".join(args)
