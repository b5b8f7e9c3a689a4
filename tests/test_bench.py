"""`make bench`'s pieces that can be checked without timing anything: the probe's silent
exit at its entry (the boot the VMM cost figures use) and the rendering of the ratios."""
import pytest

from harness import bench, figures, runner
from harness.report import Report


def test_probe_exit_at_entry_is_silent_with_its_own_status():
    case = bench._variant_case("qemu-tcg", bench.ENGINE_VARIANTS[0])
    why = case.skip_reason()
    if why:
        pytest.skip(why)
    result = runner.run(case)
    assert result.status == bench.EXIT_STATUS_AT_ENTRY, \
        f"status {result.status}: the probe did not exit at its entry"
    assert not result.report.of("probe"), "probe.exit=entry must print nothing"
    assert not result.report.of("microrig"), "the quiet firmware must print nothing"


def test_render_names_targets_ratios_and_skips():
    eng = {("entry", "nested-mvm"): {"spawn_to_firmware_ms": None,
                                     "mvm_exec_to_first_run_ms": 30.0,
                                     "spawn_to_exit_ms": 80.0, "peak_rss_kib": 1500},
           ("entry", "nested-qemu-kvm"): {"spawn_to_firmware_ms": None,
                                          "mvm_exec_to_first_run_ms": None,
                                          "spawn_to_exit_ms": 800.0, "peak_rss_kib": 37500},
           ("entry", "mvm"): "mvm: /dev/kvm cannot be opened"}
    fw = {"microrig (quiet)": 2000, "microrig (full report)": 8000, "qboot": 4000,
          "seabios": 6000000}
    text = bench.render(fw, eng, {}, 3, "make bench")
    assert "- `entry`: nested-mvm / nested-qemu-kvm, spawn to exit: 0.100x (target <= 0.1x)" in text
    assert "- `entry`: nested-mvm / nested-qemu-kvm, peak RSS: 0.040x (target <= 0.1x)" in text
    assert "| entry | mvm | n/a: mvm: /dev/kvm cannot be opened |" in text
    assert "- microrig quiet / qboot: 0.500x (target <= 0.5x)" in text


def test_a_run_that_did_not_exit_as_expected_is_no_figure():
    assert bench._medians([{"spawn_to_exit_ms": 1.0}, None]) == \
        "1 of 2 runs did not exit as expected"


def test_render_sets_each_engine_against_the_hosts_kvm_floor():
    row = lambda ms: {"spawn_to_firmware_ms": None, "mvm_exec_to_first_run_ms": None,
                      "spawn_to_exit_ms": ms, "peak_rss_kib": 1500}
    eng = {("entry", "nested-qemu-kvm"): row(600.0), ("entry", "nested-mvm"): row(75.0),
           ("entry", "nested kvm-floor"): row(60.0)}
    text = bench.render({}, eng, {}, 3, "make bench")
    assert "| entry | nested kvm-floor | n/a | n/a | 60.0 | 1500 |" in text
    assert ("- `entry`: above the host's floor (nested kvm-floor, 60.0 ms = 0.100x of"
            " nested-qemu-kvm): nested-mvm 15.0 ms, nested-qemu-kvm 540.0 ms: 0.028x") in text
    without = bench.render({}, {**eng, ("entry", "nested kvm-floor"): "no sandbox"}, {}, 3,
                           "make bench")
    assert "above the host's floor" not in without, "a floor that did not run is no floor"


def test_the_kvm_floor_runs_interleaved_with_the_nested_engines(monkeypatch):
    ran = []

    def fake_run_nested(items):
        ran.extend(items)
        return [runner.Result(i.id, [], 0 if isinstance(i, runner.Command)
                              else bench.EXIT_STATUS_AT_ENTRY if "entry" in str(i.extra_append)
                              else bench.EXIT_STATUS_PASSED, False, "", 50_000_000,
                              None, None, None, Report([]), 700) for i in items]
    monkeypatch.setattr(runner, "run_nested", fake_run_nested)
    monkeypatch.setattr(bench, "ENGINE_COST_ENGINES", ("nested-qemu-kvm", "nested-mvm"))
    monkeypatch.setattr(bench, "ENGINE_VARIANTS", bench.ENGINE_VARIANTS[:1])
    if bench._variant_case("nested-mvm", bench.ENGINE_VARIANTS[0]).skip_reason():
        pytest.skip("the nested engines are not available here")
    rows = bench.engine_costs(2)
    floors = [i for i in ran if isinstance(i, runner.Command)]
    assert len(floors) == 3, "one floor run per round, the warm-up round included"
    assert floors[0].nested and floors[0].argv[0].endswith("kvm-floor.static")
    assert rows["entry", "nested kvm-floor"]["spawn_to_exit_ms"] == 50.0


def test_a_command_runs_on_the_host_timed_as_an_engine_is():
    """The host-side floor rows (where mvm can run here) take this path."""
    result = runner.run_command(runner.Command("echo", ["/bin/sh", "-c", "echo floor; exit 3"]))
    assert result.status == 3 and result.console.text() == "floor"
    assert result.elapsed_ns > 0 and result.peak_rss_kib > 0
    assert bench._cost_figures(None, result) is None, "a floor that did not exit 0 is no figure"


def test_kvm_floor_says_which_step_failed_or_runs_its_guest():
    floor = bench.BUILD / "kvm-floor"
    if not floor.exists():
        pytest.fail("build/kvm-floor is not built (make all builds it)")
    import subprocess
    bad = subprocess.run([str(floor), "x"], capture_output=True, text=True, timeout=10)
    assert bad.returncode == 64 and "usage: kvm-floor" in bad.stderr, "arguments are refused"
    out = subprocess.run([str(floor)], capture_output=True, text=True, timeout=30)
    if out.returncode == 0:
        assert "kvm-floor: guest wrote 0x2a to port 0xf4" in out.stdout
    else:
        assert out.returncode == 2 and out.stderr.startswith("kvm-floor: "), \
            f"status {out.returncode}, stderr {out.stderr!r}: a failure must name its step"


def test_render_gives_nested_linux_with_its_ratios():
    spread = lambda ms: {"median": ms, "min": ms - 100, "max": ms + 100, "n": 3}
    lin = {"nested-mvm": spread(4500.0), "nested-qemu-kvm": spread(6000.0),
           bench.BASELINE_MVM: spread(5000.0)}
    text = bench.render({}, {}, {}, 3, "make bench", lin_nested=lin)
    assert "| nested-mvm | 4500 | 4400 | 4600 |" in text
    assert "- nested-mvm / nested-qemu-kvm, spawn to init: 0.750x" in text
    assert "- nested-mvm before/after (this build / baseline), spawn to init: 0.900x" in text
    skipped = bench.render({}, {}, {}, 3, "make bench",
                           lin_nested={"nested-mvm": "no sandbox", "nested-qemu-kvm": "no sandbox"})
    assert "| nested-mvm | n/a: no sandbox | | |" in skipped and "spawn to init: n/a" in skipped


def test_render_gives_the_before_and_after_of_a_baseline_mvm():
    row = lambda ms: {"spawn_to_firmware_ms": 50.0, "mvm_exec_to_first_run_ms": 30.0,
                      "spawn_to_exit_ms": ms, "peak_rss_kib": 1500}
    eng = {("probe", "nested-mvm"): row(2000.0), ("probe", bench.BASELINE_MVM): row(4000.0)}
    text = bench.render({}, eng, {}, 3, "make bench")
    assert ("- `probe`: nested-mvm before/after (this build / baseline), spawn to exit: 0.500x"
            in text)
    assert f"| probe | {bench.BASELINE_MVM} |" in text


def test_render_splits_mvm_spawn_to_exit_into_its_stages():
    row = {"spawn_to_firmware_ms": None, "mvm_exec_to_first_run_ms": 25.0,
           "spawn_to_exit_ms": 80.0, "peak_rss_kib": 1500, "mvm_spawn_to_exec_ms": 6.0,
           "mvm_create_vm_ms": 12.0, "mvm_guest_ms": 17.0, "mvm_exit_to_reaped_ms": 30.0}
    text = bench.render({}, {("entry", "nested-mvm"): row}, {}, 3, "make bench")
    assert "| entry | nested-mvm | 6.0 | 25.0 | 12.0 | 17.0 | 30.0 |" in text


def test_mvm_stages_are_set_against_the_spawn():
    ms = 1_000_000
    stamps = {"exec": 106 * ms, "bios": 109 * ms, "create-vm": 121 * ms,
              "first-run": 131 * ms, "exit": 148 * ms}
    result = runner.Result("x", [], 33, False, "", 80 * ms, None, None, None, Report([]),
                           spawn_ns=100 * ms)
    fig = figures._mvm_stages(stamps, result)
    assert fig == {"mvm_exec_to_first_run_ms": 25.0, "mvm_create_vm_ms": 12.0,
                   "mvm_guest_ms": 17.0, "mvm_spawn_to_exec_ms": 6.0,
                   "mvm_exit_to_reaped_ms": 32.0}
    # Since mvm makes the VM while a helper thread prepares the rest: toggles to vm-created.
    overlapped = dict(stamps, **{"toggles": 107 * ms, "vm-created": 118 * ms,
                                 "kernel": 112 * ms, "create-vm": 119 * ms})
    assert figures._mvm_stages(overlapped, result)["mvm_create_vm_ms"] == 11.0
    killed = runner.Result("x", [], None, True, "t", 80 * ms, None, None, None, Report([]),
                           spawn_ns=100 * ms)
    assert "mvm_exit_to_reaped_ms" not in figures._mvm_stages(stamps, killed)


def test_make_bench_keeps_the_hand_written_notes():
    old = "# microrig benchmarks\n\nold figures\n\n" + bench.NOTES_HEADING + "\n\n- a note\n"
    new = bench.with_kept_notes("# microrig benchmarks\n\nnew figures\n", old)
    assert "new figures" in new and "old figures" not in new
    assert new.endswith(bench.NOTES_HEADING + "\n\n- a note\n")
    assert bench.with_kept_notes("x\n", "no notes here") == "x\n"
