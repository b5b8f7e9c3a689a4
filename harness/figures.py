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
    "mvm_spawn_to_exec_ms": "spawn (harness or L1 runner clock) to mvm's exec stamp: fork,"
                            " exec and the C runtime's start",
    "mvm_create_vm_ms": "mvm -stage-times: opening /dev/kvm and KVM_CREATE_VM (the kernel's"
                        " work; a helper thread runs the steps that need no VM meanwhile)",
    "mvm_guest_ms": "mvm -stage-times: first KVM_RUN to the exit request (the guest's run"
                    " with its exits)",
    "mvm_exit_to_reaped_ms": "mvm's exit stamp to the harness reaping it (spawn + spawn to"
                             " exit): the process's end, KVM destroying the VM",
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
    fig.update(_mvm_stages(dict(rep.mvm_times()), result))
    return fig


def _mvm_stages(stages, result):
    """mvm's spawn to exit, split at its own stamps (docs/protocol.md)."""
    fig = {}
    ms = lambda a, b: (stages[b] - stages[a]) / 1e6 if a in stages and b in stages else None
    # mvm makes the VM while a helper thread runs the steps that need none (vmm/main.c):
    # from the toggles stamp to vm-created. An older mvm made it between bios and create-vm.
    create = ("toggles", "vm-created") if "vm-created" in stages else ("bios", "create-vm")
    for name, a, b in (("mvm_exec_to_first_run_ms", "exec", "first-run"),
                       ("mvm_exec_to_vm_ready_ms", "exec", "vm-ready"),
                       ("mvm_create_vm_ms", *create),
                       ("mvm_guest_ms", "first-run", "exit")):
        if ms(a, b) is not None:
            fig[name] = ms(a, b)
    if result.spawn_ns is not None and "exec" in stages:
        fig["mvm_spawn_to_exec_ms"] = (stages["exec"] - result.spawn_ns) / 1e6
        if result.status is not None and "exit" in stages:
            fig["mvm_exit_to_reaped_ms"] = (result.spawn_ns + result.elapsed_ns
                                            - stages["exit"]) / 1e6
    return fig
