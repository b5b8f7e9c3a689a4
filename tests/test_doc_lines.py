"""The two command lines of QEMU's microvm documentation (docs/system/i386/microvm.rst,
"Running a microvm-based VM"), run with mvm instead of qemu-system-x86_64.

Each runs with a tap of its own (tapns: a network namespace of the test's own, so nothing
touches the host's network), with the project's Linux guest as the kernel and a test disk
image; the guest must reach its init and report the virtio devices bound. mvm runs on this
host's KVM where it can boot Linux, else in the nested sandbox (guest/l1). Where no tap can
be made, tapns's clear error is asserted instead.

What differs from the documentation, and why: the guest's root is its initramfs (-initrd;
the project's kernel has no disk file system, so root=/dev/vda is never mounted); the
debug-exit port (docs/protocol.md), through which the guest's init ends the run after its
report: without it init's reboot boots the guest again (and in the sandbox L1 stopped
responding right after the inner guest's "reboot: machine restart", in the one run tried,
2026-11-26); and in the sandbox `-cpu host,-xsave` for `-cpu host`, as for every nested
case (harness/engines.py: L1's emulated SVM does not intercept XSETBV; with XSAVE, L1
stopped responding before either guest reached init, after "i8042: No controller found").
"""

import shutil
import subprocess

import pytest

from harness import nested, tap
from harness.engines import ENGINES
from harness.paths import BUILD
from harness.report import ReportError, parse_line

KERNEL = BUILD / "guest" / "linux" / "bzImage"
INITRD = BUILD / "guest" / "initramfs.cpio.gz"
TEST_IMAGE_BYTES = 1 << 20
# An inner Linux boot is 5-15 s in the sandbox on a loaded host; rtc=off (the second
# line) costs nothing extra under KVM, where Linux takes its clock from kvmclock.
TIMEOUT_S = 120

# The documentation's lines, word for word after the program name: "vmlinux" and
# "test.img" are replaced with the project's files. Both end with the same disk and network.
DOC_DISK_AND_NET = [
    "-drive", "id=test,file=test.img,format=raw,if=none",
    "-device", "virtio-blk-device,drive=test",
    "-netdev", "tap,id=tap0,script=no,downscript=no",
    "-device", "virtio-net-device,netdev=tap0"]
DOC_LINES = {
    "legacy-devices": [
        "-M", "microvm",
        "-enable-kvm", "-cpu", "host", "-m", "512m", "-smp", "2",
        "-kernel", "vmlinux", "-append", "earlyprintk=ttyS0 console=ttyS0 root=/dev/vda",
        "-nodefaults", "-no-user-config", "-nographic",
        "-serial", "stdio",
        *DOC_DISK_AND_NET],
    "no-legacy-devices": [
        "-M", "microvm,x-option-roms=off,pit=off,pic=off,isa-serial=off,rtc=off",
        "-enable-kvm", "-cpu", "host", "-m", "512m", "-smp", "2",
        "-kernel", "vmlinux", "-append", "console=hvc0 root=/dev/vda",
        "-nodefaults", "-no-user-config", "-nographic",
        "-chardev", "stdio,id=virtiocon0",
        "-device", "virtio-serial-device",
        "-device", "virtconsole,chardev=virtiocon0",
        *DOC_DISK_AND_NET],
}
# mvm's status when init has reported and left through the debug-exit port with 0.
STATUS_REPORTED = 1
# virtio device ids Linux must have bound (virtio spec 5): net 1, block 2, console 3.
EXPECTED_VIRTIO = {"legacy-devices": {"1", "2"}, "no-legacy-devices": {"1", "2", "3"}}


def mvm_argv(name, mvm, image, nested=False):
    argv = [str(mvm)]
    for arg in DOC_LINES[name]:
        if arg == "vmlinux":
            arg = str(KERNEL)
        elif arg == "host" and nested:
            arg = ENGINES["nested-mvm"].cpu_args()[1]
        argv.append(arg.replace("file=test.img", f"file={image}"))
    argv += ["-initrd", str(INITRD), "-device", "isa-debug-exit,iobase=0xf4,iosize=4"]
    # The tap is mvm's own ("tap%d", as QEMU names one without ifname=): tapns's own tap
    # only gives the namespace, with a name the VMM's cannot take.
    return tap.wrap(argv, image.parent / tap.CAPTURE_FILE, nested=nested)


def where_mvm_runs():
    """('direct' | 'nested', mvm binary), or pytest.skip with both reasons."""
    ok, why_direct = ENGINES["mvm"].runs_linux()
    if ok:
        return "direct", BUILD / "mvm"
    ok, why_nested = ENGINES["nested-mvm"].available()
    if ok:
        return "nested", BUILD / "mvm.static"
    pytest.skip(f"mvm cannot run Linux here: {why_direct}; nested: {why_nested}")


def run_direct(argv):
    res = subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT_S)
    return res.returncode, res.stdout.splitlines(), res.stderr.splitlines()


@pytest.fixture(scope="module")
def doc_runs(tmp_path_factory):
    """{line name: (status, console lines, stderr lines)}: both lines, one sandbox boot."""
    for built in (KERNEL, INITRD, tap.TAPNS, tap.TAPNS_STATIC, BUILD / "mvm.static"):
        if not built.exists():
            pytest.fail(f"{built} has not been built (make all)")
    mode, mvm = where_mvm_runs()
    if mode == "direct":
        ok, why = tap.available()
        if not ok:
            pytest.skip(why)
    argvs = {}
    for name in DOC_LINES:
        folder = tmp_path_factory.mktemp(name)
        image = folder / "test.img"
        image.write_bytes(bytes(TEST_IMAGE_BYTES))
        argvs[name] = mvm_argv(name, mvm, image, nested=mode == "nested")
    if mode == "direct":
        return {name: run_direct(argv) for name, argv in argvs.items()}
    # An L1 that hangs as an inner guest ends (guest/l1/README.md) is the sandbox's failure:
    # run_batch reruns that line once in a fresh L1; a guest that fails fails again.
    results = dict(zip(argvs, nested.run_batch([(n, a, TIMEOUT_S) for n, a in argvs.items()])))
    return {name: (r.status, r.console, r.stderr + ([f"nested: {r.error}"] if r.error else []))
            for name, r in results.items()}


@pytest.mark.parametrize("name", list(DOC_LINES))
def test_documentation_line_boots_linux_with_mvm(name, doc_runs):
    status, console, stderr = doc_runs[name]
    why = tap.no_tap_reason(status, stderr)
    if why:
        # Inside the sandbox only the run can tell: tapns said why, and that is all.
        pytest.skip(why)
    report = None
    for text in console:
        try:
            line = parse_line(text)
        except ReportError:
            continue        # kernel messages cut into the line: it is judged by the next
        if line is not None and line.source == "init" and line.topic == "report":
            report = line.fields
    tail = "\n".join(console[-15:] + stderr[-15:])
    assert report is not None, f"{name}: Linux never reached init's report\n{tail}"
    assert report.get("complete") == "1", f"{name}: init's report is incomplete: {report}"
    seen = set(report.get("virtio", "").split(","))
    assert EXPECTED_VIRTIO[name] <= seen, \
        f"{name}: Linux sees virtio ids {sorted(seen)}, expected {sorted(EXPECTED_VIRTIO[name])}"
    assert report.get("virtio_unbound", "none") == "none", \
        f"{name}: virtio devices without a driver: {report['virtio_unbound']}"
    assert status == STATUS_REPORTED, f"{name}: mvm exited with {status}, expected" \
        f" {STATUS_REPORTED} (init's exit through port 0xf4 with 0)\n{tail}"


@pytest.mark.skipif(not shutil.which("setpriv"), reason="setpriv(1) is not installed")
@pytest.mark.parametrize("capability", ["net_admin", "sys_admin"])
def test_without_tap_permission_the_error_says_so(capability, tmp_path):
    """Without the capability tapns refuses before the VMM starts, with its own status and
    a line that names the step and the capability; it never hangs."""
    if not tap.TAPNS.exists():
        pytest.fail(f"{tap.TAPNS} has not been built (make all)")
    image = tmp_path / "test.img"
    image.write_bytes(bytes(TEST_IMAGE_BYTES))
    argv = ["setpriv", f"--bounding-set=-{capability}"] + mvm_argv(
        "legacy-devices", BUILD / "mvm", image)
    res = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    assert res.returncode == tap.TAPNS_EXIT_NO_TAP, res.stderr
    reason = tap.no_tap_reason(res.returncode, res.stderr.splitlines())
    assert reason and f"CAP_{capability.upper()}" in reason, res.stderr
