#!/usr/bin/env bash
# install-host-deps.sh -- install (as root, with apt-get) what building the
# guest kernels and root, booting them and running the tests needs.
set -euo pipefail
pkgs=(
	# guest kernel build
	make gcc bc flex bison libelf-dev libssl-dev xz-utils kmod perl
	# guest root and VM
	debootstrap qemu-system-x86 util-linux
	# --- packaging and install tests (packaging/, run-systemd.sh) ---
	# the arm64 guest: its root made with mmdebstrap, maintainer scripts
	# under qemu-user (binfmt_misc), booted by qemu-system-aarch64; its
	# disk image (mke2fs -d), the qcow2 overlays of it; its zboot kernel
	# unpacked with python3
	mmdebstrap arch-test qemu-user-static qemu-system-arm qemu-utils e2fsprogs python3
	# --- end packaging ---
)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
[ "$(id -u)" = 0 ] || { echo "run as root to install: ${missing[*]}" >&2; exit 1; }
apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
