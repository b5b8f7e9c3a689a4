"""mvm's command line, end to end: every unsupported or malformed option is a clear error
naming it, with exit status 1, before mvm touches KVM. Runs on any machine."""
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
MVM = ROOT / "build" / "mvm"

BAD = [
    ("unknown-option", ["-foo"], "mvm: -foo: invalid option"),
    ("machine-type", ["-M", "q35"], "unsupported machine type 'q35'"),
    ("machine-prop", ["-M", "microvm,pcie=on"], "unsupported property 'pcie'"),
    ("acpi-on", ["-M", "microvm,acpi=on"], "only acpi=off is supported"),
    ("accel-tcg", ["-accel", "tcg"], "only kvm is supported"),
    ("cpu-model", ["-cpu", "Skylake-Client"], "unsupported CPU model"),
    ("cpu-feature", ["-cpu", "host,+nosuch"], "unsupported CPU feature 'nosuch'"),
    ("mem-zero", ["-m", "0"], "-m 0: memory size must be at least 1 MiB"),
    ("mem-garbage", ["-m", "lots"], "-m lots: cannot parse memory size"),
    ("smp-zero", ["-smp", "0"], "cpus must be a number"),
    ("drive-qcow2", ["-drive", "id=d,file=x,format=qcow2,if=none"], "only format=raw"),
    ("netdev-user", ["-netdev", "user,id=n"], "only tap"),
    ("device-unknown", ["-device", "e1000"], "unsupported device 'e1000'"),
    ("display-gtk", ["-display", "gtk"], "only -display none"),
    ("missing-arg", ["-kernel"], "-kernel: requires an argument"),
    ("kernel-missing", ["-kernel", "/nonexistent/k"],
     "-kernel /nonexistent/k: could not open kernel file: No such file or directory"),
    ("bios-missing", ["-bios", "/nonexistent/bios.rom"],
     "-bios /nonexistent/bios.rom: could not load PC BIOS: No such file or directory"),
    ("initrd-missing", ["-kernel", "/dev/null", "-initrd", "/nonexistent/i"],
     "-initrd /nonexistent/i: could not open"),
    ("drive-missing", ["-drive", "id=d,file=/nonexistent/d.img,format=raw,if=none",
                       "-device", "virtio-blk-device,drive=d"], "-drive id=d,file=/nonexistent/d.img"),
    ("fw-cfg-file-missing", ["-fw_cfg", "name=opt/x,file=/nonexistent/f"], "-fw_cfg name=opt/x"),
]


@pytest.mark.parametrize("name,args,message", BAD, ids=[f"mvm-cli-{b[0]}" for b in BAD])
def test_bad_command_line(name, args, message):
    assert MVM.exists(), "build/mvm was not built (run make all)"
    r = subprocess.run([str(MVM), *args], capture_output=True, text=True, timeout=10)
    assert r.returncode == 1, f"exit status {r.returncode}, stderr: {r.stderr}"
    assert r.stderr.startswith("mvm: "), r.stderr
    if message:
        assert message in r.stderr, r.stderr


def test_help_lists_options():
    r = subprocess.run([str(MVM), "-help"], capture_output=True, text=True, timeout=10)
    assert r.returncode == 0
    for opt in ("-M microvm", "-cpu host", "-drive", "-netdev tap", "-fw_cfg", "-stage-times"):
        assert opt in r.stdout
