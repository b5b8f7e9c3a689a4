"""cpio.py: write Linux initramfs archives (the "newc" cpio format) without root.

Writing the archive ourselves, rather than packing a directory tree with cpio(1), lets the
archive hold device nodes (/dev/console, /dev/null) and root-owned files even though the
build runs as an ordinary user, and lets a caller store a host file under any path.

The format is in Linux's Documentation/driver-api/early-userspace/buffer-format.rst: each
member is a 110-byte ASCII header ("070701" and 13 eight-digit hex fields), the NUL-terminated
name padded to 4 bytes, then the data padded to 4 bytes; a member named "TRAILER!!!" ends it.
The kernel accepts several archives concatenated, later members overriding earlier ones,
which is how a per-batch archive is appended to the cached base archive.
"""

import os
import stat

NEWC_MAGIC = b"070701"   # "new" portable format, no checksum
TRAILER = "TRAILER!!!"   # name of the member that ends an archive
ALIGN = 4                # header+name and data are each padded to 4 bytes


def _pad(n):
    return (-n) % ALIGN


class Writer:
    """Appends members to an open binary file; call close() to write the trailer."""

    def __init__(self, out):
        self.out = out
        self.ino = 1
        self.dirs = set()

    def _member(self, name, mode, data=b"", rdev=(0, 0), mtime=0):
        name_b = name.encode() + b"\0"
        fields = (self.ino, mode, 0, 0, 1, mtime, len(data),
                  0, 0, rdev[0], rdev[1], len(name_b), 0)
        header = NEWC_MAGIC + b"".join(b"%08x" % f for f in fields)
        self.ino += 1
        self.out.write(header + name_b + b"\0" * _pad(len(header) + len(name_b)))
        self.out.write(data)
        self.out.write(b"\0" * _pad(len(data)))

    def mkdir(self, path, mode=0o755):
        """Create directory `path` (and its parents) once; `path` has no leading slash."""
        path = path.strip("/")
        if not path or path in self.dirs:
            return
        parent = os.path.dirname(path)
        if parent:
            self.mkdir(parent)
        self.dirs.add(path)
        self._member(path, stat.S_IFDIR | mode)

    def file(self, path, data, mode=0o644):
        """Store bytes `data` as regular file `path`."""
        path = path.strip("/")
        self.mkdir(os.path.dirname(path))
        self._member(path, stat.S_IFREG | mode, data)

    def host_file(self, path, host_path):
        """Store the contents of `host_path` (symlinks followed) as `path`, keeping the
        executable bits so that binaries stay runnable."""
        with open(host_path, "rb") as f:
            data = f.read()
        mode = 0o755 if os.stat(host_path).st_mode & 0o111 else 0o644
        self.file(path, data, mode)

    def chardev(self, path, major, minor, mode=0o600):
        path = path.strip("/")
        self.mkdir(os.path.dirname(path))
        self._member(path, stat.S_IFCHR | mode, rdev=(major, minor))

    def symlink(self, path, target):
        path = path.strip("/")
        self.mkdir(os.path.dirname(path))
        self._member(path, stat.S_IFLNK | 0o777, target.encode())

    def close(self):
        self._member(TRAILER, 0)
        # The kernel scans for the next archive on a 4-byte boundary; pad the tail to 512
        # like cpio(1) so that concatenation with other tools' archives also works.
        pos = self.out.tell()
        self.out.write(b"\0" * ((-pos) % 512))
