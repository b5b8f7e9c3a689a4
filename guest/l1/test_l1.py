"""Host-side unit tests of the sandbox's archive writer and argv mapping (no L1 boot).

    /usr/bin/python3 -m pytest -q guest/l1/test_l1.py
"""

import os
import shutil
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(os.path.dirname(HERE)))   # the repository root
import batch  # noqa: E402
import cpio  # noqa: E402
import l1build  # noqa: E402
from harness import nested  # noqa: E402


@pytest.fixture
def files(tmp_path):
    kernel = tmp_path / "bzImage"
    kernel.write_bytes(b"K" * 1000)
    disk = tmp_path / "disk.img"
    disk.write_bytes(b"\0" * 512)
    return tmp_path, str(kernel), str(disk)


@pytest.mark.skipif(not shutil.which("cpio"), reason="cpio(1) is not installed")
def test_archive_is_read_back_by_cpio(tmp_path):
    path = tmp_path / "a.cpio"
    with open(path, "wb") as out:
        w = cpio.Writer(out)
        w.chardev("dev/console", 5, 1)
        w.file("etc/l1/modules", b"kvm.ko\n")
        w.symlink("lib", "usr/lib")
        w.close()
    listing = subprocess.run(["cpio", "-itv"], stdin=open(path, "rb"), capture_output=True,
                             text=True, check=True).stdout
    assert "dev/console" in listing, "the console device node must be in the archive"
    assert "etc/l1/modules" in listing and "lib -> usr/lib" in listing
    assert os.path.getsize(path) % 512 == 0, "archives are padded for concatenation"


def test_input_files_are_mapped_once(files):
    _, kernel, disk = files
    b = batch.Batch()
    b.add("a", ["qemu-system-x86_64", "-kernel", kernel, "-drive",
                "id=b,file=%s,format=raw,if=none" % disk], 1000)
    b.add("b", ["qemu-system-x86_64", "-kernel", kernel], 1000)
    argv_a, argv_b = b.jobs[0][3], b.jobs[1][3]
    assert argv_a[0] == batch.QEMU_INNER and b.uses_qemu
    assert argv_a[2] == argv_b[2] == "/nested/f/0/bzImage", "one copy of a shared kernel"
    assert argv_a[4] == "id=b,file=/nested/f/1/disk.img,format=raw,if=none"
    assert len(b.inputs) == 2


def test_outputs_become_l1_files(files):
    tmp, kernel, _ = files
    b = batch.Batch()
    b.add("a", ["qemu-system-x86_64", "-chardev", "file,id=dbg,path=%s/dbg.log" % tmp,
                "-serial", "file:%s/ser.log" % tmp, "-kernel", kernel], 1000)
    argv, outs = b.jobs[0][3], b.jobs[0][4]
    assert argv[2] == "file,id=dbg,path=/nested/o/0/0-dbg.log"
    assert argv[4] == "file:/nested/o/0/1-ser.log"
    assert [h for _, h in outs] == [str(tmp / "dbg.log"), str(tmp / "ser.log")]
    assert "out /nested/o/0/0-dbg.log" in b.job_file()


def test_append_and_options_are_left_alone(files):
    _, kernel, _ = files
    b = batch.Batch()
    append = "console=ttyS0 root=/dev/vda quiet"
    b.add("a", ["qemu-system-x86_64", "-M", "microvm,rtc=off", "-append", append,
                "-device", "isa-debugcon,iobase=0x402,chardev=dbg"], 1000)
    assert b.jobs[0][3][1:] == ["-M", "microvm,rtc=off", "-append", append,
                                "-device", "isa-debugcon,iobase=0x402,chardev=dbg"]


@pytest.mark.parametrize("argv, why", [
    ([], "empty argv"),
    (["/no/such/vmm"], "not found"),
    (["qemu-system-x86_64", "-append", "a\nb"], "newline"),
    (["qemu-system-x86_64", "-append", "x" * 9000], "longer than"),
    (["qemu-system-x86_64", "-kernel", "/no/bzImage"], "-kernel /no/bzImage: no such file"),
    (["qemu-system-x86_64", "-drive", "id=d,file=/no/disk.img"], "/no/disk.img: no such"),
    (["qemu-system-x86_64"] + ["-S"] * 600, "more than 512"),
])
def test_bad_jobs_are_refused_with_a_reason(argv, why):
    with pytest.raises(batch.BatchError, match=why):
        batch.Batch().add("x", argv, 1000)


def test_static_program_is_copied_without_libraries(tmp_path):
    prog = tmp_path / "mvm.static"
    prog.write_bytes(b"\x7fELF not really")
    prog.chmod(0o755)
    b = batch.Batch()
    b.add("a", [str(prog), "-version"], 1000)
    assert b.jobs[0][3][0] == "/nested/f/0/mvm.static" and not b.uses_qemu
    assert list(b.inputs.values()) == [str(prog)]


def test_result_channel_is_parsed_into_results(tmp_path):
    from harness import nested
    dbg = str(tmp_path / "dbg.log")
    job = nested.Job("case-1", ["qemu-system-x86_64", "-chardev", "file,id=d,path=" + dbg,
                                "-device", "isa-debugcon,iobase=0x402,chardev=d"])
    res = nested.Result(job.id)
    run = nested._Run([job], [res], 0.0)
    run.by_inner["0"] = (job, res, [("/nested/o/0/0-dbg.log", dbg)])
    for line in ["nested: ready uptime_ms=2500",
                 "nested: begin id=0 name=case-1 timeout_ms=60000",
                 "nested: o id=0 ms=812 | init: start",
                 "nested: e id=0 ms=900 | qemu: warning | with a bar",
                 "nested: dx id=0 n=0 ms=700 | " + b"probe: entry pro".hex(),
                 "nested: dx id=0 n=0 ms=750 | " + b"tocol=pvh\nprobe: done\n".hex(),
                 "nested: end id=0 status=exit exit=1 ms=950"]:
        run.line(line)
    assert res.status == 1 and res.error is None and res.elapsed_ms == 950
    assert res.console == ["init: start"] and res.first_ms("init: start") == 812
    assert res.stderr == ["qemu: warning | with a bar"], "only the first ' | ' frames"
    assert res.debugcon_events == [(750, "probe: entry protocol=pvh"), (750, "probe: done")]
    assert open(dbg, "rb").read() == b"probe: entry protocol=pvh\nprobe: done\n", \
        "output files are written back exactly"
    assert run.ready and run.l1_uptime_ms == 2500


def test_write_back_to_a_fifo_without_reader_does_not_block(tmp_path):
    from harness import nested
    fifo = tmp_path / "debugcon"
    os.mkfifo(fifo)
    res = nested.Result("x")
    nested._write_back(str(fifo), b"line\n", res)
    assert res.stderr and "cannot write" in res.stderr[0]


def test_a_file_sent_after_the_job_gets_the_end_time():
    from harness import nested
    chunks = [(-1, b"a\nb".hex())]
    assert nested._timed_lines(chunks, 900) == [(900, "a"), (900, "b")]


def test_concurrent_archive_writers_do_not_collide(tmp_path):
    """make matrix starts L1 batches from several threads of one process: two writers of
    the same archive must not share a temporary name (they once did: name.tmp<pid>)."""
    import threading
    target = str(tmp_path / "qemu.cpio")
    errors = []

    def fill(w):
        w.file("a", b"x" * 100000)

    def writer():
        try:
            l1build._write_archive(target, fill)
        except Exception as e:  # noqa: BLE001 - the test reports any failure
            errors.append(e)

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert os.path.getsize(target) > 100000
    assert [p.name for p in tmp_path.iterdir()] == ["qemu.cpio"], "temporary files left"


def test_a_wrapper_runs_the_program_after_its_double_dash(files):
    tmp, kernel, _ = files
    tapns = tmp / "tapns.static"
    tapns.write_bytes(b"\x7fELF not really")
    b = batch.Batch()
    b.add("a", [str(tapns), "--capture", "%s/net.pcap" % tmp, "--ethertype", "0x88b5",
                "mrtap0", "--", "qemu-system-x86_64", "-kernel", kernel], 1000)
    argv, outs = b.jobs[0][3], b.jobs[0][4]
    assert argv[:7] == ["/nested/f/0/tapns.static", "--capture", "/nested/o/0/0-net.pcap",
                        "--ethertype", "0x88b5", "mrtap0", "--"]
    assert argv[7] == batch.QEMU_INNER and b.uses_qemu, "the wrapped QEMU is L1's copy"
    assert argv[9] == "/nested/f/1/bzImage"
    assert [h for _, h in outs] == [str(tmp / "net.pcap")]


def test_wrappers_nest_and_each_runs_the_program_after_its_double_dash(files):
    tmp, kernel, _ = files
    for name in ("ktrace.static", "tapns.static"):
        (tmp / name).write_bytes(b"\x7fELF not really")
    b = batch.Batch()
    b.add("a", [str(tmp / "ktrace.static"), "--events", "sched:sched_wakeup", "--",
                str(tmp / "tapns.static"), "--capture", "%s/net.pcap" % tmp, "mrtap0", "--",
                "qemu-system-x86_64", "-kernel", kernel], 1000)
    argv, outs = b.jobs[0][3], b.jobs[0][4]
    assert argv[:5] == ["/nested/f/0/ktrace.static", "--events", "sched:sched_wakeup", "--",
                        "/nested/f/1/tapns.static"]
    assert argv[6] == "/nested/o/0/0-net.pcap", "the inner wrapper's output is still mapped"
    assert argv[9] == batch.QEMU_INNER and b.uses_qemu, "the innermost QEMU is L1's copy"
    assert [h for _, h in outs] == [str(tmp / "net.pcap")]


def test_a_job_running_when_l1_hangs_runs_again_in_a_fresh_l1(monkeypatch):
    """An L1 that stops responding fails the sandbox, not the job: the job it was running
    and those it had not started run once more in a new L1 boot, and say so."""
    from harness import nested
    calls = []

    def fake_run_once(jobs, *_):
        calls.append([j.id for j in jobs])
        out = [nested.Result(j.id) for j in jobs]
        for r in out:
            r.l1_boot_ms = 5000
        if len(calls) == 1:
            out[0].status, out[0].began, out[0].elapsed_ms = 1, True, 10
            out[1].began = True
            out[1].error = "L1 stopped responding (no result line within the job's timeout + 30 s)"
            out[2].error = "L1 stopped responding (no result line within the job's timeout + 30 s)"
        else:
            for r in out:
                r.status, r.began, r.elapsed_ms = 1, True, 10
        return out

    monkeypatch.setattr(nested, "_run_once", fake_run_once)
    res = nested.run_batch([("a", ["x"]), ("b", ["x"]), ("c", ["x"])])
    assert calls == [["a", "b", "c"], ["b", "c"]]
    assert [r.status for r in res] == [1, 1, 1] and not res[0].rerun
    assert res[1].rerun and res[2].rerun
    assert any("first L1 failed during this job" in t for t in res[1].stderr)
    assert not any("first L1 failed" in t for t in res[2].stderr), "c never began"


def test_l1_kernel_parameters_for_experiments_come_only_from_the_environment(monkeypatch,
                                                                           tmp_path):
    initrd = tmp_path / "initrd"
    initrd.write_bytes(b"\0" * 4096)
    monkeypatch.delenv(nested.L1_APPEND_ENV, raising=False)
    argv = nested.l1_argv("/k", str(initrd), "/log")
    plain = argv[argv.index("-append") + 1]
    assert "rcu_expedited" not in plain
    monkeypatch.setenv(nested.L1_APPEND_ENV, "rcupdate.rcu_expedited=1  foo=2")
    argv = nested.l1_argv("/k", str(initrd), "/log")
    tuned = argv[argv.index("-append") + 1]
    assert tuned.endswith(" rcupdate.rcu_expedited=1 foo=2")
    assert len(tuned.split()) == len(plain.split()) + 2
