"""Latency figures of one run, and where each comes from.

Host-clock figures (ms since spawn) come from the time each line reached the harness;
firmware figures come from the firmware's own TSC stamps (`microrig: time`), converted with
the TSC rate it reports; VMM figures come from mvm's `-stage-times` (CLOCK_MONOTONIC,
the same clock as the harness, so they are comparable).
"""

SOURCES = {
    "spawn_to_init_ms": "host clock: spawn to the `init: start` line on the console",
    "spawn_to_firmware_ms": "host clock: spawn to the firmware's first debugcon line",
    "spawn_to_exit_ms": "host clock: spawn to the engine's exit",
    "elapsed_ms": "host clock: spawn to the engine's exit (or kill)",
    "firmware_cycles": "firmware TSC: reset stamp to jump stamp",
    "firmware_ms": "firmware TSC: reset to jump, at the TSC rate the firmware reports",
    "kernel_to_init_ms": "host clock: the firmware's `boot` line to `init: start`",
    "probe_entry_tsc": "probe payload: TSC at its entry (instructions under -icount)",
    "peak_rss_kib": "the engine's peak resident set (wait4 rusage)",
    "mvm_exec_to_first_run_ms": "mvm -stage-times: exec to the first KVM_RUN",
    "mvm_exec_to_vm_ready_ms": "mvm -stage-times: exec to the VM being ready to run",
}


def of(result):
    rep = result.report
    fig = {"elapsed_ms": result.elapsed_ns / 1e6}
    if result.peak_rss_kib:
        fig["peak_rss_kib"] = result.peak_rss_kib
    if result.status is not None:
        fig["spawn_to_exit_ms"] = result.elapsed_ns / 1e6
    init = rep.init_started()
    if init:
        fig["spawn_to_init_ms"] = init.t_ns / 1e6
    fw_lines = rep.of("microrig")
    if fw_lines:
        fig["spawn_to_firmware_ms"] = fw_lines[0].t_ns / 1e6
    times = rep.firmware_times()
    if "reset" in times and "jump" in times:
        fig["firmware_cycles"] = times["jump"] - times["reset"]
        tsc = rep.first("microrig", "tsc")
        khz = tsc.int("khz", 0) if tsc else 0
        if khz:
            fig["firmware_ms"] = fig["firmware_cycles"] / khz
    boot = rep.first("microrig", "boot")
    if boot and init:
        fig["kernel_to_init_ms"] = (init.t_ns - boot.t_ns) / 1e6
    entry = rep.first("probe", "time")
    if entry and entry.get("stage") == "entry":
        fig["probe_entry_tsc"] = entry.int("tsc")
    stages = dict(rep.mvm_times())
    for stage, name in (("first-run", "mvm_exec_to_first_run_ms"),
                        ("vm-ready", "mvm_exec_to_vm_ready_ms")):
        if "exec" in stages and stage in stages:
            fig[name] = (stages[stage] - stages["exec"]) / 1e6
    return fig
