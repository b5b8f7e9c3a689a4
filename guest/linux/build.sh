#!/bin/sh
# guest/linux/build.sh: build the microrig guest kernel (bzImage + vmlinux) from Debian's
# linux-source-6.1, out of tree, into a cache outside the repository.
#
#   guest/linux/build.sh [OUTDIR]
#
# The cache entry is $MICRORIG_CACHE/linux-<key>/, where <key> hashes the config fragment,
# the source package version and RECIPE below, so a change to what is built rebuilds and an
# unchanged tree costs only the hash. (Not the whole script: a new message or check in it
# must not cost a 10-minute kernel build.) The build runs in a temporary directory that is renamed
# into place only when it succeeded, so an interrupted build never looks cached.
# With OUTDIR, bzImage, vmlinux and gen_init_cpio are symlinked there from the cache.
# Prints one line per stage; the full make output is kept in the entry's build.log.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
FRAGMENT=$HERE/microrig.config
SOURCE_TARBALL=${LINUX_SOURCE_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
SOURCE_PACKAGE=linux-source-6.1
CACHE=${MICRORIG_CACHE:-$HOME/.cache/microrig}
JOBS=${JOBS:-$(nproc)}
OUTDIR=${1:-}

say() { printf 'linux: %s\n' "$*"; }
die() { printf 'linux: error: %s\n' "$*" >&2; exit 1; }

[ -r "$SOURCE_TARBALL" ] || die "$SOURCE_TARBALL not found (apt-get install $SOURCE_PACKAGE)"
[ -r "$FRAGMENT" ] || die "config fragment $FRAGMENT not found"
for tool in make gcc flex bison bc xz; do
    command -v "$tool" >/dev/null || die "$tool is missing (ci/install-deps.sh installs it)"
done
# objtool (x86-64's ORC unwinder) needs libelf's headers
[ -e /usr/include/libelf.h ] || die "libelf-dev is missing (ci/install-deps.sh installs it)"

# The source version: the Debian package version when dpkg knows it, else the tarball's
# size and modification time.
SOURCE_VERSION=$(dpkg-query -W -f='${Version}' "$SOURCE_PACKAGE" 2>/dev/null || true)
[ -n "$SOURCE_VERSION" ] || SOURCE_VERSION=$(stat -c '%s-%Y' "$SOURCE_TARBALL")

# Bump RECIPE when the commands that produce the kernel change (configure or make steps).
RECIPE="tinyconfig+fragment+olddefconfig; make bzImage vmlinux; gen_init_cpio; v1"
KEY=$( { cat "$FRAGMENT"; echo "$SOURCE_VERSION"; echo "$RECIPE"; } | sha256sum | cut -c1-16)
ENTRY=$CACHE/linux-$KEY

link_outputs() {
    [ -n "$OUTDIR" ] || return 0
    mkdir -p "$OUTDIR"
    # make follows the links: fresh times keep it from running this script again
    touch "$ENTRY/bzImage" "$ENTRY/vmlinux" "$ENTRY/gen_init_cpio"
    for f in bzImage vmlinux gen_init_cpio; do
        ln -sfn "$ENTRY/$f" "$OUTDIR/$f"
    done
}

if [ -f "$ENTRY/bzImage" ] && [ -f "$ENTRY/vmlinux" ] && [ -x "$ENTRY/gen_init_cpio" ]; then
    say "cached $ENTRY"
    link_outputs
    exit 0
fi

mkdir -p "$CACHE"
# One build per key at a time: a second `make all` (another worktree) waits, then finds it.
if [ -z "${MICRORIG_LINUX_LOCKED:-}" ] && command -v flock >/dev/null; then
    flock -n "$ENTRY.lock" true || say "another build of $KEY is running; waiting for it"
    export MICRORIG_LINUX_LOCKED=1
    exec flock "$ENTRY.lock" "$0" "$@"
fi
START=$(date +%s)

# Stage 1: the source tree, extracted once per source version (also atomically).
SRC=$CACHE/src-$SOURCE_PACKAGE-$SOURCE_VERSION
if [ ! -f "$SRC/Makefile" ]; then
    say "extracting $SOURCE_TARBALL (about a minute)"
    rm -rf "$SRC.tmp.$$"
    mkdir -p "$SRC.tmp.$$"
    tar -xJf "$SOURCE_TARBALL" -C "$SRC.tmp.$$" --strip-components=1
    rm -rf "$SRC"
    mv "$SRC.tmp.$$" "$SRC"
fi

# Stage 2: configure in a temporary build directory.
WORK=$ENTRY.tmp.$$
LOG=$WORK/build.log
rm -rf "$ENTRY".tmp.*  # we hold the lock: any other temporary tree was interrupted
mkdir -p "$WORK"
MAKE_PID=
trap '[ -z "$MAKE_PID" ] || kill "$MAKE_PID" 2>/dev/null; rm -rf "$WORK"; exit 130' INT TERM HUP
fail() {
    printf 'linux: error: %s; last lines of %s:\n' "$1" "$LOG" >&2
    tail -n 30 "$LOG" >&2
    # keep the log next to the cache entry for a look, but never the half-built tree
    cp "$LOG" "$ENTRY.failed.log" 2>/dev/null || true
    rm -rf "$WORK"
    exit 1
}
kmake() { make -C "$SRC" O="$WORK" "$@" >>"$LOG" 2>&1; }

say "configuring: tinyconfig + $(basename "$FRAGMENT") (key $KEY)"
kmake tinyconfig || fail "make tinyconfig failed"
# Append the fragment: for repeated symbols Kconfig keeps the last assignment. Options of a
# choice (the kernel compression) are cleared first so the fragment's choice wins.
grep -v '^CONFIG_KERNEL_[A-Z0-9]*=y' "$WORK/.config" >"$WORK/.config.base"
cat "$WORK/.config.base" "$FRAGMENT" >"$WORK/.config"
kmake olddefconfig || fail "make olddefconfig failed"

# olddefconfig silently drops options whose dependencies are unmet: check every one.
missing=
for opt in $(sed -n 's/^\(CONFIG_[A-Z0-9_]*\)=y$/\1/p' "$FRAGMENT"); do
    grep -qx "$opt=y" "$WORK/.config" || missing="$missing $opt"
done
[ -z "$missing" ] || fail "options not =y in the final .config:$missing"
say "config ok: all $(grep -c '^CONFIG_.*=y$' "$FRAGMENT") fragment options are =y"

# Stage 3: compile, with a progress line a minute (objects built so far).
say "compiling vmlinux and bzImage with -j$JOBS (5 minutes on 2 idle cores, 15+ when shared)"
make -C "$SRC" O="$WORK" -j"$JOBS" bzImage vmlinux >>"$LOG" 2>&1 &
MAKE_PID=$!
while kill -0 "$MAKE_PID" 2>/dev/null; do
    i=0
    while [ $i -lt 60 ] && kill -0 "$MAKE_PID" 2>/dev/null; do sleep 1; i=$((i + 1)); done
    kill -0 "$MAKE_PID" 2>/dev/null || break
    say "  ... $(($(date +%s) - START)) s, $(find "$WORK" -name '*.o' | wc -l) objects"
done
wait "$MAKE_PID" || fail "kernel build failed"

# Stage 4: collect the outputs and publish the entry.
[ -x "$WORK/usr/gen_init_cpio" ] || kmake usr/gen_init_cpio || fail "gen_init_cpio build failed"
mkdir -p "$WORK/out"
cp "$WORK/arch/x86/boot/bzImage" "$WORK/out/bzImage"
cp "$WORK/vmlinux" "$WORK/out/vmlinux"
cp "$WORK/usr/gen_init_cpio" "$WORK/out/gen_init_cpio"
cp "$WORK/.config" "$WORK/out/config"
cp "$LOG" "$WORK/out/build.log"
rm -rf "$ENTRY"
mv "$WORK/out" "$ENTRY"
rm -rf "$WORK"
trap - INT TERM HUP
say "built $ENTRY in $(($(date +%s) - START)) s (bzImage $(stat -c %s "$ENTRY/bzImage") bytes)"
link_outputs
