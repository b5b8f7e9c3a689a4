"""l1_cpio.py: a newc cpio writer (the initramfs format, Linux's
Documentation/driver-api/early-userspace/buffer-format.rst), so the sandbox's initramfs is
built without root: device nodes are just headers.

Linux unpacks several archives concatenated back to back, which is how a run adds its job
files to the cached base archive without rewriting it.
"""
import os
import stat

NEWC_MAGIC = b"070701"
TRAILER = "TRAILER!!!"
ALIGN = 4  # newc pads names and file data to 4 bytes


def _pad(n):
    return (-n) % ALIGN


class Writer:
    """Write entries to a binary file object; parent directories are added once, on demand."""

    def __init__(self, out):
        self.out = out
        self.ino = 1
        self.dirs = set()

    def _entry(self, name, mode, data=b"", rdev=(0, 0)):
        name_bytes = name.lstrip("/").encode() + b"\0"
        fields = [self.ino, mode, 0, 0, 2 if stat.S_ISDIR(mode) else 1, 0, len(data),
                  0, 0, rdev[0], rdev[1], len(name_bytes), 0]
        self.ino += 1
        header = NEWC_MAGIC + b"".join(b"%08X" % f for f in fields)
        self.out.write(header + name_bytes + b"\0" * _pad(len(header) + len(name_bytes)))
        self.out.write(data + b"\0" * _pad(len(data)))

    def directory(self, path):
        path = "/" + path.strip("/")
        if path == "/" or path in self.dirs:
            return
        self.directory(os.path.dirname(path))
        self.dirs.add(path)
        self._entry(path, stat.S_IFDIR | 0o755)

    def file(self, path, data, mode=0o644):
        self.directory(os.path.dirname(path))
        self._entry(path, stat.S_IFREG | mode, data)

    def copy(self, path, host_path):
        """Add a host file's content (symlinks followed) at path, keeping its exec bit."""
        with open(host_path, "rb") as f:
            data = f.read()
        mode = 0o755 if os.access(host_path, os.X_OK) else 0o644
        self.file(path, data, mode)

    def char_device(self, path, major, minor, mode=0o600):
        self.directory(os.path.dirname(path))
        self._entry(path, stat.S_IFCHR | mode, rdev=(major, minor))

    def finish(self):
        self._entry(TRAILER, 0)
