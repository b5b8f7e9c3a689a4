"""batch.py: turn jobs written with host paths into the per-batch part of L1's initramfs.

A job's argv names host files (a kernel, an initrd, a disk image, a firmware ROM) and
host output files (a debugcon log). L1 has no file system shared with the host, so every
input file is copied into the batch archive and every output file becomes a file in L1's
RAM whose contents init.c sends back after the job. This module finds those paths in the
argv, rewrites them to L1 paths, and writes the archive with the job file (its format is in
jobs.c and README.md).

Which arguments are paths: a plain argument containing "/" that names an existing file;
`file=` and `path=` inside comma-separated options (`-drive`, `-device loader`, `-fw_cfg`),
where `path=` of a `-chardev file` backend is an output; `file:` after `-serial`,
`-debugcon` and `-monitor`, an output; and argv[0], the program (QEMU is the copy already
in the base archive; anything else, such as mvm.static, is copied with the libraries ldd
names). A wrapper program (WRAPPERS: tapns, ktrace) runs the program after its `--`, which
is mapped like argv[0] and may be a wrapper itself; tapns's `--capture FILE` is an output.
"""

import os
import re
import shutil

import cpio
import l1build

QEMU_INNER = "/usr/bin/qemu-system-x86_64"
OUTPUT_PREFIX_OPTIONS = ("-serial", "-debugcon", "-monitor")   # take "file:<path>" outputs
FILE_OPTIONS = ("-kernel", "-initrd", "-bios", "-pflash", "-dtb")  # a path even without "/"
COMMA_PATH_KEYS = ("file", "path")
# Programs that run the program named after their "--": tapns (a tap of the job's own) and
# ktrace (the job under the kernel's scheduler tracing, harness/tools/ktrace.c).
WRAPPERS = ("tapns", "tapns.static", "ktrace.static")
OUTPUT_PATH_OPTIONS = ("--capture",)      # a wrapper's option whose argument is an output
MAX_ARG_BYTES = 8000   # jobs.c reads the job file in lines of JOB_LINE_MAX (8192) bytes
MAX_ARGS = 512         # jobs.c MAX_ARGS


class BatchError(ValueError):
    """A job that cannot be run in L1, with the reason."""


class Batch:
    def __init__(self):
        self.inputs = {}        # L1 path -> host path
        self.by_host = {}       # real host path -> L1 path (one copy per file)
        self.jobs = []          # (inner id, name, timeout ms, inner argv, [(L1 out, host out)])
        self.uses_qemu = False  # does the batch need the QEMU archive?

    # --- files -------------------------------------------------------------------------

    def _input(self, host):
        real = os.path.realpath(host)
        if real not in self.by_host:
            inner = "/nested/f/%d/%s" % (len(self.by_host), os.path.basename(host))
            self.by_host[real] = inner
            self.inputs[inner] = real
        return self.by_host[real]

    def _program(self, prog):
        if os.path.basename(prog) == "qemu-system-x86_64":
            self.uses_qemu = True
            return QEMU_INNER
        host = prog if "/" in prog else shutil.which(prog)
        if not host or not os.path.isfile(host):
            raise BatchError("program %s not found on the host" % prog)
        for lib in l1build.shared_libs(host):     # empty for a static binary
            self.inputs[l1build.inner_path(lib)] = lib
        return self._input(host)

    # --- argv --------------------------------------------------------------------------

    def _map_comma(self, value, outs, job_no):
        """Map `file=`/`path=` inside a comma option; `path=` of a file chardev is output."""
        parts = re.split(r"(?<!,),(?!,)", value)
        is_file_chardev = parts[0] == "file"
        changed = False
        for i, part in enumerate(parts):
            key, sep, path = part.partition("=")
            if not sep or key not in COMMA_PATH_KEYS or not path:
                continue
            if key == "path" and is_file_chardev:
                parts[i] = "path=" + self._output(path, outs, job_no)
                changed = True
            elif os.path.isfile(path):
                parts[i] = key + "=" + self._input(path)
                changed = True
            elif key == "file":
                raise BatchError("%s: no such file on the host" % path)
        return ",".join(parts) if changed else value

    def _output(self, host, outs, job_no):
        inner = "/nested/o/%d/%d-%s" % (job_no, len(outs), os.path.basename(host))
        outs.append((inner, os.path.abspath(host)))
        return inner

    def add(self, name, argv, timeout_ms):
        """Add one job; returns its inner id (its index). Raises BatchError."""
        if not argv:
            raise BatchError("empty argv")
        if any("\n" in a for a in argv):
            raise BatchError("an argument contains a newline")
        if any(len(a.encode()) > MAX_ARG_BYTES for a in argv):
            raise BatchError("an argument is longer than %d bytes" % MAX_ARG_BYTES)
        if len(argv) > MAX_ARGS:
            raise BatchError("more than %d arguments" % MAX_ARGS)
        job_no = len(self.jobs)
        outs = []
        inner = [self._program(argv[0])]
        prev = argv[0]
        wrapper = os.path.basename(argv[0]) in WRAPPERS
        for arg in argv[1:]:
            if wrapper and prev == "--":
                wrapper = os.path.basename(arg) in WRAPPERS    # ktrace -- tapns -- mvm
                arg = self._program(arg)
            elif wrapper and prev in OUTPUT_PATH_OPTIONS:
                arg = self._output(arg, outs, job_no)
            elif prev in OUTPUT_PREFIX_OPTIONS and arg.startswith("file:"):
                arg = "file:" + self._output(arg[5:], outs, job_no)
            elif "=" in arg and prev.startswith("-") and prev != "-append":
                arg = self._map_comma(arg, outs, job_no)
            elif (("/" in arg and prev != "-append") or prev in FILE_OPTIONS) \
                    and os.path.isfile(arg):
                arg = self._input(arg)
            elif prev in FILE_OPTIONS:
                # QEMU would exit with status 1, which reads like debug-exit value 0
                raise BatchError("%s %s: no such file on the host" % (prev, arg))
            inner.append(arg)
            prev = arg if arg.startswith("-") else ""
        if len(outs) > 8:
            raise BatchError("more than 8 output files in one job")
        safe = re.sub(r"[^A-Za-z0-9_.,:+-]", "_", str(name))[:100] or "job"
        self.jobs.append((str(job_no), safe, int(timeout_ms), inner, outs))
        return str(job_no)

    # --- the archive -------------------------------------------------------------------

    def job_file(self):
        lines = []
        for jid, name, timeout_ms, argv, outs in self.jobs:
            lines.append("job %s %d %s" % (jid, timeout_ms, name))
            lines += ["arg " + a for a in argv]
            lines += ["out " + inner for inner, _ in outs]
            lines.append("run")
        return "\n".join(lines) + "\n"

    def write(self, path):
        with open(path, "wb") as out:
            w = cpio.Writer(out)
            w.file("nested/jobs", self.job_file().encode())
            for inner, host in sorted(self.inputs.items()):
                w.host_file(inner, host)
            for _, _, _, _, outs in self.jobs:
                for inner, _ in outs:
                    w.mkdir(os.path.dirname(inner))
            w.close()

    def input_bytes(self):
        return sum(os.path.getsize(h) for h in self.inputs.values())
