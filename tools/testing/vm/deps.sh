#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Install the Debian 12 (bookworm) packages the build and the test suite need.
# Idempotent: only packages that are missing are installed, and the package
# lists are refreshed only when something has to be installed.  Run as root.
set -eu

PKGS="qemu-system-x86 busybox-static sparse make gcc bc flex bison libelf-dev
libssl-dev kmod cpio xz-utils zstd iproute2 ethtool iperf3 fio e2fsprogs clang libclang-rt-14-dev
python3 linux-source-6.1 debian-archive-keyring ca-certificates util-linux coreutils
dkms debhelper dh-dkms dpkg-dev rpm rsync dwarves udev python3-docutils hyperv-daemons socat
chrony iputils-ping linux-perf gnuplot-nox mmdebstrap xdp-tools bpftool"

missing=
for p in $PKGS; do
	# dpkg -s also reports removed-but-configured packages; check the state.
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	echo "deps: all packages present"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages:$missing (run this script as root)" >&2
	exit 1
fi

echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086 # word splitting of the package list is intended
apt-get install -y -q --no-install-recommends $missing
