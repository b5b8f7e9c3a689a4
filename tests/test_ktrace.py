"""`python3 -m harness ktrace`: reading a scheduler trace into the kernel waits of one
program (harness/ktrace.py), ktrace's own command line (harness/tools/ktrace.c), and one
traced run of make bench's kvm-floor in the sandbox."""
import subprocess

import pytest

from harness import ktrace, nested

P = ktrace.PREFIX
PID = 81


def switch(task, pid, ts, state, next_comm, next_pid, prev_comm=None):
    return (f"{P} {task}-{pid} [000] d..2. {ts}: sched_switch: prev_comm={prev_comm or task} "
            f"prev_pid={pid} prev_prio=120 prev_state={state} ==> next_comm={next_comm} "
            f"next_pid={next_pid} next_prio=120")


def stack(task, pid, ts, *frames):
    return [f"{P} {task}-{pid} [000] d..2. {ts}: <stack trace>"] + [f"{P} => {f}" for f in frames]


SCHED = ("trace_event_raw_event_sched_switch", "__traceiter_sched_switch", "__schedule",
         "schedule", "schedule_timeout", "__wait_for_common")
# The floor's life in L1, cut down: KVM_CREATE_VM waits 9 ms, its forked thread's exit
# 11.5 ms, a kworker that is not the program blocks too (left out), the CPU idles, and the
# last stretch on the CPU runs past the program's end (cut at it).
TRACE = [
    f"{P}program pid={PID} start_ns=2000000000 end_ns=2060000000",
    f"{P} ktrace.static-80 [000] ..... 2.000100: sched_process_fork: comm=ktrace.static "
    f"pid=80 child_comm=ktrace.static child_pid={PID}",
    f"{P} kvm-floor-{PID} [000] ..... 2.001000: sched_process_fork: comm=kvm-floor "
    f"pid={PID} child_comm=kvm-floor child_pid=82",
    switch("kvm-floor", PID, "2.010000", "D", "swapper/0", 0),
    *stack("kvm-floor", PID, "2.010001", *SCHED, "kvm_vm_create_worker_thread",
           "kvm_mmu_post_init_vm", "kvm_dev_ioctl", "__x64_sys_ioctl", "do_syscall_64",
           "entry_SYSCALL_64_after_hwframe"),
    switch("<idle>", 0, "2.019000", "R", "kvm-floor", PID, prev_comm="swapper/0"),
    switch("kvm-floor", PID, "2.025000", "R+", "kworker/0:2", 45),
    switch("kworker/0:2", 45, "2.030000", "D", "kvm-floor", 82),
    *stack("kworker/0:2", 45, "2.030001", *SCHED, "irqfd_shutdown", "process_one_work"),
    switch("kvm-floor", 82, "2.031000", "D", "swapper/0", 0),
    *stack("kvm-floor", 82, "2.031001", *SCHED, "rcu_barrier", "kvm_mmu_uninit_vm"),
    switch("<idle>", 0, "2.042000", "R", "kworker/0:2", 45, prev_comm="swapper/0"),
    switch("kworker/0:2", 45, "2.042500", "I", "kvm-floor", 82),
    switch("kvm-floor", 82, "2.070000", "Z", "ktrace.static", 80),
]


def test_waits_are_the_programs_longest_first_with_the_deciding_frames():
    s = ktrace.parse(TRACE)
    assert s.pid == PID and s.ran_ms == 60.0
    assert [(w.pid, round(w.ms, 1)) for w in s.waits] == [(82, 11.5), (PID, 9.0)], \
        "the kworker's wait is not the program's; its forked thread's is"
    assert s.waits[1].stack == ["kvm_vm_create_worker_thread", "kvm_mmu_post_init_vm",
                                "kvm_dev_ioctl", "__x64_sys_ioctl"], \
        "scheduler frames above and the syscall entry below are left out"
    assert s.idle_stretches == 2 and s.idle_ns == 9_000_000 + 11_000_000


def test_cpu_time_inside_the_run_is_split_among_program_idle_and_the_rest():
    s = ktrace.parse(TRACE)
    assert s.program_cpu_ns == 6_000_000 + 1_000_000 + 17_500_000, \
        "both of the program's threads count, and only up to its end"
    assert s.others_ns == {"kworker": 5_500_000}, "kworkers are named without their CPU"


def test_waits_are_named_after_the_mvm_stage_they_began_in():
    s = ktrace.parse(TRACE)
    ms = lambda t: f"mvm: time stage={t[0]} ns={int(t[1] * 1e6)}"
    stamps = [("exec", 2005.0), ("toggles", 2006.0), ("bios", 2012.0),
              ("vm-created", 2019.5), ("first-run", 2022.0), ("exit", 2025.0)]
    ktrace.mark_stages(s, [ms(t) for t in stamps])
    assert [w.stage for w in s.waits] == ["tear-down", "create-vm"], \
        "the helper's bios stamp does not name the main thread's KVM_CREATE_VM wait"
    text = ktrace.render("kvm-floor", type("R", (), {"status": 0})(), s)
    assert "create-vm" in text and "kvm_vm_create_worker_thread < kvm_mmu_post_init_vm" in text


def test_no_program_line_says_no_trace_came_back():
    why = f"{P}cannot mount tracefs on /sys/kernel/tracing: Permission denied"
    s = ktrace.parse([why, "mvm: time stage=exec ns=1"])
    assert s.pid is None
    text = ktrace.render("x", type("R", (), {"status": 70})(), s)
    assert "no trace came back" in text and why in text, "ktrace's reason is shown"
    assert "stage=exec" not in text, "the program's own lines are not ktrace's words"


@pytest.mark.parametrize("argv,why", [
    ([], "no program"),
    (["true"], "no -- before the program"),
    (["--", ], "nothing after --"),
    (["--events", "nocolon", "--", "true"], "an event that is not SYSTEM:EVENT"),
    (["--events", "../x:y", "--", "true"], "an event that climbs out of events/"),
])
def test_ktrace_refuses_a_bad_command_line(argv, why):
    if not ktrace.KTRACE.exists():
        pytest.fail("build/ktrace.static is not built (make all builds it)")
    out = subprocess.run([str(ktrace.KTRACE)] + argv, capture_output=True, text=True, timeout=10)
    said = out.stderr.startswith("ktrace: --events:") or out.stderr.startswith("usage: ktrace")
    assert out.returncode == 64 and said, f"{why}: status {out.returncode}, {out.stderr!r}"


# One L1 boot of its own; kept with the other nested tests on one xdist worker.
@pytest.mark.xdist_group("nested")
def test_the_floor_traced_in_the_sandbox_waits_in_kvm():
    ok, why = nested.available()
    if not ok:
        pytest.skip(f"nested sandbox: {why}")
    result, s = ktrace.trace("kvm-floor")
    assert result.status == 0, f"kvm-floor under ktrace exited {result.status}"
    assert s.pid is not None, "ktrace's trace did not come back"
    kvm_waits = [w for w in s.waits if any(f.startswith("kvm_") for f in w.stack)]
    assert kvm_waits, ("creating and destroying a VM blocks in KVM's code on Linux 6.1; "
                       f"the waits were {[w.stack[:3] for w in s.waits]}")
