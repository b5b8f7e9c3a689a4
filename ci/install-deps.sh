#!/usr/bin/env bash
# Install the Debian packages microrig needs, only those that are missing.
# Idempotent and non-interactive; prints what it installs. Needs root (or sudo).
set -euo pipefail

PACKAGES=(
	# build: firmware, VMM, probe payload, guest init
	gcc make binutils nasm clang lld llvm libclang-rt-14-dev
	# the Linux guest kernel, from Debian's source package
	linux-source-6.1 flex bison bc libelf-dev libssl-dev xz-utils cpio kmod
	# engines and reference firmwares
	qemu-system-x86 qemu-utils seabios lz4
	# the L1 kernel for the nested KVM sandbox is taken from this package's .deb
	# (fetched with apt-get download, not installed): see guest/l1/
	# harness
	python3 python3-pytest python3-pytest-xdist python3-matplotlib iproute2
)

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
echo "install-deps: done"
