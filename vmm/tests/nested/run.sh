#!/bin/sh
# run.sh CMDFILE [FILE|SRC:DST ...]: boot the L1 sandbox (Debian's cloud kernel under QEMU
# TCG with emulated SVM, so /dev/kvm inside it is real KVM) with an initramfs holding
# l1init, the KVM modules, the FILEs (copied to /, or SRC to DST) and CMDFILE as /cmds; L1's
# console goes to stdout. Each line of CMDFILE is a command ("@N cmd" kills it after N s).
# The kernel package comes from $L1_ROOT, else from $MICRORIG_CACHE (fetched once with
# apt-get download and unpacked with dpkg-deb -x, never installed).
set -e
CACHE=${MICRORIG_CACHE:-$HOME/.cache/microrig}
L1_ROOT=${L1_ROOT:-$CACHE/vmm-l1-root}
if [ ! -d "$L1_ROOT/boot" ]; then
	mkdir -p "$CACHE/debs"
	DEB=$(ls "$CACHE"/debs/linux-image-*-cloud-amd64_*.deb 2>/dev/null | tail -1)
	if [ -z "$DEB" ]; then
		PKG=$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image-/{print $2; exit}')
		(cd "$CACHE/debs" && apt-get download "$PKG" >/dev/null 2>&1)
		DEB=$(ls "$CACHE"/debs/linux-image-*-cloud-amd64_*.deb | tail -1)
	fi
	rm -rf "$L1_ROOT.tmp" && dpkg-deb -x "$DEB" "$L1_ROOT.tmp" && mv "$L1_ROOT.tmp" "$L1_ROOT"
fi
KVER=$(ls "$L1_ROOT/lib/modules" | head -1)
W=$(mktemp -d)
trap 'rm -rf "$W" "$W.cpio"' EXIT
mkdir -p "$W/dev" "$W/proc" "$W/sys" "$W/tmp" "$W/mod"
cc -static -O2 -o "$W/init" "$(dirname "$0")/l1init.c"
for m in virt/lib/irqbypass.ko arch/x86/kvm/kvm.ko arch/x86/kvm/kvm-amd.ko drivers/net/tun.ko; do
	cp "$L1_ROOT/lib/modules/$KVER/kernel/$m" "$W/mod/" 2>/dev/null || true
done
cp "$1" "$W/cmds"; shift
for f in "$@"; do
	case "$f" in
	*:*) mkdir -p "$W/$(dirname "${f#*:}")"; cp "${f%%:*}" "$W/${f#*:}" ;;
	*) cp "$f" "$W/" ;;
	esac
done
# EXTRA_CPIO (for example an L1 base with QEMU and its libraries) goes first; ours, later
# in the concatenated initramfs, wins where paths collide (/init).
: > "$W.cpio"
[ -n "$EXTRA_CPIO" ] && cat "$EXTRA_CPIO" > "$W.cpio"
(cd "$W" && find . | cpio -o -H newc --quiet) >> "$W.cpio"
KHZ=$(awk '/cpu MHz/{printf "%d", $4*1000; exit}' /proc/cpuinfo)
timeout "${L1_TIMEOUT:-240}" qemu-system-x86_64 -M microvm,acpi=on -accel tcg -cpu max -m 512m \
	-nodefaults -nographic -no-reboot -serial stdio \
	-device isa-debug-exit,iobase=0xf4,iosize=4 \
	-kernel "$L1_ROOT/boot/vmlinuz-$KVER" -initrd "$W.cpio" \
	-append "console=ttyS0 quiet tsc_early_khz=$KHZ rdinit=/init panic=-1" || true
