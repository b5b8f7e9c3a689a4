#!/bin/sh
# run.sh CMDFILE [FILE|SRC:DST ...]: boot the L1 sandbox (Debian cloud kernel under QEMU TCG with
# emulated SVM) with an initramfs holding l1init, the KVM modules, FILES (copied to /) and
# CMDFILE as /cmds; print L1's console. Needs L1_ROOT (a dpkg-deb -x of the cloud kernel).
set -e
L1_ROOT=${L1_ROOT:-/tmp/l1/root}
B=${BUILD:-build}
KVER=$(ls "$L1_ROOT/lib/modules")
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/dev" "$W/proc" "$W/sys" "$W/tmp" "$W/mod"
cc -static -O2 -o "$W/init" "$(dirname "$0")/l1init.c"
for m in virt/lib/irqbypass.ko arch/x86/kvm/kvm.ko arch/x86/kvm/kvm-amd.ko drivers/net/tun.ko; do
	cp "$L1_ROOT/lib/modules/$KVER/kernel/$m" "$W/mod/"
done
cp "$1" "$W/cmds"; shift
# FILE is copied to /; SRC:DST puts SRC at DST inside L1.
for f in "$@"; do
	case "$f" in
	*:*) mkdir -p "$W/$(dirname "${f#*:}")"; cp "${f%%:*}" "$W/${f#*:}" ;;
	*) cp "$f" "$W/" ;;
	esac
done
(cd "$W" && find . | cpio -o -H newc --quiet) > "$W/../l1-$$.cpio"
KHZ=$(awk '/cpu MHz/{printf "%d", $4*1000; exit}' /proc/cpuinfo)
timeout ${L1_TIMEOUT:-240} qemu-system-x86_64 -M microvm,acpi=on -accel tcg -cpu max -m 512m \
	-nodefaults -nographic -no-reboot -serial stdio \
	-device isa-debug-exit,iobase=0xf4,iosize=4 \
	-kernel "$L1_ROOT/boot/vmlinuz-$KVER" -initrd "$W/../l1-$$.cpio" \
	-append "console=ttyS0 quiet tsc_early_khz=$KHZ rdinit=/init panic=-1" || true
rm -f "$W/../l1-$$.cpio"
