#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# buildroot.sh RELEASE [-- CMD...] - a minimal Debian root with the compiler
# of RELEASE's kernels, and a command run in it.
#
#   RELEASE  trixie (gcc-14: Debian 13's 6.12 and trixie-backports' 7.x) or
#            sid (unstable: gcc-16 for 7.2 in Dec 2026)
#
# The root is made once by mmdebstrap (minbase: gcc, make, libc6-dev, sparse
# and what kbuild's host tools need) under $HVG_CACHE/buildroot/RELEASE and
# reused; HVG_BUILDROOT_REFRESH=1 makes it again.  Kbuild needs the compiler
# the kernel was built with: newer kernels pass it flags gcc-12 lacks
# (-fmin-function-alignment), 7.x generates BTF for modules (pahole, from
# dwarves), and linux-kbuild's fixdep and modpost are
# linked against the release's glibc.  Needs root (mmdebstrap, chroot);
# mmdebstrap is installed when missing (tools/testing/vm/deps.sh has it).
# The Release files' Valid-Until is not enforced: unstable's is often past
# on the mirrors (seen: 28 days, Dec 2026), and the root only builds.
#
# CMD runs in the root by chroot in a private mount namespace (unshare -m)
# with $HVG_CACHE and the repository bind-mounted at their own paths, so
# the paths of kernel.sh's trees and of the sources are the same inside;
# its working directory is the caller's.  Without CMD: prints the root.
set -euo pipefail

die() { echo "buildroot.sh: $*" >&2; exit 1; }

release=${1:-}
shift || true
[ "${1:-}" != -- ] || shift
repo=$(cd "$(dirname "$0")/../../.." && pwd)
cache=${HVG_CACHE:-$repo/.cache}
base=$cache/buildroot
root=$base/$release
mirror=http://deb.debian.org/debian

case $release in
trixie)	gcc="gcc-14" ;;
sid)	gcc="gcc-16" ;;
*)	die "unknown release '$release' (use trixie or sid)" ;;
esac
[ "$(id -u)" -eq 0 ] || die "needs root (mmdebstrap, chroot)"

mkdir -p "$base"
exec 9>"$base/.lock-$release"
flock 9	# one root at a time per release

if [ ! -x "$root/usr/bin/$gcc" ] || [ "${HVG_BUILDROOT_REFRESH:-0}" = 1 ]; then
	command -v mmdebstrap >/dev/null ||
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q mmdebstrap >&2
	echo "buildroot.sh: making the $release root ($gcc) in $root" >&2
	rm -rf "$root.tmp"
	start=$(date +%s)
	mmdebstrap --variant=minbase --components=main \
		--include="$gcc,make,libc6-dev,sparse,libelf-dev,bc,flex,bison,kmod,xz-utils,dwarves" \
		--dpkgopt='path-exclude=/usr/share/{doc,man,locale}/*' \
		--aptopt='Acquire::Check-Valid-Until "false"' \
		"$release" "$root.tmp" "$mirror" >"$base/$release.log" 2>&1 ||
		{ tail -n 20 "$base/$release.log" >&2; die "mmdebstrap failed"; }
	rm -rf "$root"
	mv "$root.tmp" "$root"
	echo "buildroot.sh: $release root made in $(($(date +%s) - start)) s" >&2
fi

if [ $# -eq 0 ]; then
	echo "$root"
	exit 0
fi

# Bind the cache and the repository (and the caller's directory, when it
# is elsewhere) at their own paths; proc for gcc's and make's sake.
binds=("$cache" "$repo")
case $PWD in "$cache"/*|"$repo"/*|"$cache"|"$repo") ;; *) binds+=("$PWD") ;; esac
# shellcheck disable=SC2016 # expanded by the inner shell
script='set -e; root=$1; shift; n=$1; shift
for ((i = 0; i < n; i++)); do
	d=$(realpath "$1"); shift
	mkdir -p "$root$d"; mount --rbind "$d" "$root$d"
done
mount -t proc proc "$root/proc"
cd=$1; shift
exec chroot "$root" /bin/sh -c "cd \"\$0\" && exec \"\$@\"" "$cd" "$@"'
# The symlinked kernels of a shared cache (kernel/<series> -> elsewhere)
# need their targets inside too.
for l in "$cache"/kernel/*; do
	[ -L "$l" ] && binds+=("$(readlink -f "$l")")
done
exec unshare -m --propagation private bash -c "$script" buildroot "$root" \
	"${#binds[@]}" "${binds[@]}" "$PWD" "$@"
