#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# kernel.sh SERIES - fetch and unpack a Debian kernel for building and booting.
#
#   SERIES  6.1 (bookworm + bookworm-security), 5.10 (bullseye +
#           bullseye-security), 6.12 (bookworm-backports), trixie (Debian
#           13's 6.12: trixie + trixie-security), trixie-backports (7.3 in
#           Dec 2026) or sid (unstable, 7.2 in Dec 2026): the three last are
#           built with gcc-14, which Debian 12 lacks; buildroot.sh makes a
#           trixie root to build in (matrix.sh, BUILDROOT= below)
#
# Downloads linux-image-<abi>, linux-headers-<abi>, its -common package and
# linux-kbuild-* with `apt-get download` through a private apt configuration
# (own sources.list, state and cache under the cache dir; the system's
# sources are never read), unpacks them with dpkg -x, and makes the result
# usable from the cache (no absolute paths into /usr/src, modules.dep built).
# The ABI is resolved from the archive's linux-image-amd64 metapackage.
#
# Prints KEY=VALUE lines: SERIES, KVER, KDIR, VMLINUZ, MODDIR, CC (the
# compiler the kernel was built with) and BUILDROOT (the Debian release whose
# root, tools/testing/pkg/buildroot.sh, has that compiler; empty: this host).
# Cache: $HVG_CACHE (default <repo>/.cache)/kernel/<SERIES>.  An unpacked
# kernel is reused; HVG_KERNEL_REFRESH=1 re-resolves the ABI.  The .debs are
# kept: `make -C KDIR M=<repo> clean` deletes every *.ko below the repo,
# cache included, and a damaged tree is then unpacked again from them.
set -euo pipefail

die() { echo "kernel.sh: $*" >&2; exit 1; }

series=${1:-6.1}
repo=$(cd "$(dirname "$0")/../../.." && pwd)
cache=${HVG_CACHE:-$repo/.cache}
base=$cache/kernel/$series
mirror=http://deb.debian.org

keyring=/usr/share/keyrings/debian-archive-keyring.gpg
src() { echo "deb [signed-by=$keyring] $mirror/$1 main"; }

buildroot=	# the Debian release to build in (buildroot.sh), if not here
case $series in
6.1)	sources="$(src "debian bookworm")
$(src "debian bookworm-updates")
$(src "debian-security bookworm-security")" ;;
5.10)	sources="$(src "debian bullseye")
$(src "debian bullseye-updates")
$(src "debian-security bullseye-security")" ;;
6.12)	sources="$(src "debian bookworm-backports")" ;;
trixie)	buildroot=trixie
	sources="$(src "debian trixie")
$(src "debian trixie-updates")
$(src "debian-security trixie-security")" ;;
trixie-backports)
	buildroot=trixie
	sources="$(src "debian trixie-backports")" ;;
sid)	buildroot=sid
	sources="$(src "debian sid")" ;;
*)	die "unknown series '$series' (use 6.1, 5.10, 6.12, trixie, trixie-backports or sid)" ;;
esac

mkdir -p "$base/debs"
exec 9>"$base/.lock"
flock 9	# one fetch at a time per series

stamp=$base/kernel.env	# KEY=VALUE lines, written last
pkglist=$base/packages	# the four package names
kocount=$base/ko-count	# number of module files, to notice a wiped tree

# intact: the stamp's tree still has all its modules.
intact() {
	local moddir n
	moddir=$(sed -n 's/^MODDIR=//p' "$stamp")
	[ -f "$moddir/modules.dep" ] && [ -f "$kocount" ] || return 1
	n=$(find "$moddir/kernel" -name '*.ko*' | wc -l)
	[ "$n" = "$(cat "$kocount")" ]
}

# have_debs: the .debs of the packages in $pkglist are all still there.
have_debs() {
	local pkg
	[ -s "$pkglist" ] || return 1
	while read -r pkg; do
		ls "$base/debs/${pkg}"_*.deb >/dev/null 2>&1 || return 1
	done <"$pkglist"
}

# unpack KVER PKG...: dpkg -x the downloaded .debs into root-KVER, fix it up
# and write the stamp.
unpack() {
	local kver=$1 root=$base/root-$1 pkg deb mk kv cc headers=linux-headers-$1
	shift
	rm -rf "$root.tmp"
	mkdir -p "$root.tmp"
	for pkg in "$@"; do
		deb=$(ls -t "$base/debs/${pkg}"_*.deb | head -n1)
		dpkg -x "$deb" "$root.tmp"
	done

	# The flavour Makefile includes the common one by absolute path; make
	# it relative to the flavour directory so the tree works from anywhere.
	mk=$root.tmp/usr/src/$headers/Makefile
	sed -i "s|^include /usr/src/\\(.*\\)|include \$(dir \$(lastword \$(MAKEFILE_LIST)))../\\1|" "$mk"
	# 7.x's also names its own directory as KBUILD_OUTPUT, by absolute
	# path: make it this Makefile's directory.
	sed -i 's|^KBUILD_OUTPUT=/.*|KBUILD_OUTPUT := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))|' "$mk"
	! grep -qE '^(include |KBUILD_OUTPUT=)/' "$mk" || die "unexpected $mk"

	# Debian 13 and later install the modules under /usr/lib (merged
	# /usr); give the tree the /lib view the rest of the scripts use.
	if [ ! -e "$root.tmp/lib" ] && [ -d "$root.tmp/usr/lib/modules" ]; then
		ln -s usr/lib "$root.tmp/lib"
	fi

	# 7.x keeps vmlinuz, config and System.map in the modules directory;
	# give them their /boot names (vm.sh reads config-<kver> there too).
	if [ ! -e "$root.tmp/boot/vmlinuz-$kver" ] &&
	   [ -e "$root.tmp/usr/lib/modules/$kver/vmlinuz" ]; then
		mkdir -p "$root.tmp/boot"
		for f in vmlinuz config System.map; do
			ln -s "../usr/lib/modules/$kver/$f" "$root.tmp/boot/$f-$kver"
		done
	fi

	# The headers name the compiler the kernel was built with (gcc-10 for
	# 5.10); use the host's gcc when that one is not installed, unless
	# the series is built in a root of its own release (BUILDROOT), which
	# has that compiler (gcc-14, gcc-16: too new for gcc-12's flags).
	kv=$root.tmp/usr/src/$headers/.kernelvariables
	cc=$(grep -o 'gcc-[0-9]*' "$kv" | head -n1 || true)
	if [ -n "$cc" ] && [ -z "$buildroot" ] && ! command -v "$cc" >/dev/null; then
		echo "kernel.sh: $cc not available, building with gcc" >&2
		sed -i "s/(CROSS_COMPILE)$cc/(CROSS_COMPILE)gcc/" "$kv"
	fi

	# Re-point absolute symlinks (lib/modules/<kver>/build, source, ...)
	# into the unpacked tree, as relative links (they survive the rename).
	find "$root.tmp" -type l -lname '/*' -print0 |
	while IFS= read -r -d '' link; do
		ln -sfnr "$root.tmp$(readlink "$link")" "$link"
	done

	# Debian generates modules.dep at install time; do it here.
	depmod -b "$root.tmp" "$kver"

	rm -rf "$root"
	mv "$root.tmp" "$root"
	find "$root/lib/modules/$kver/kernel" -name '*.ko*' | wc -l >"$kocount"
	printf '%s\n' "$@" >"$pkglist"
	cat >"$stamp.tmp" <<-EOT
	SERIES=$series
	KVER=$kver
	KDIR=$root/usr/src/$headers
	VMLINUZ=$root/boot/vmlinuz-$kver
	MODDIR=$root/lib/modules/$kver
	CC=${cc:-gcc}
	BUILDROOT=$buildroot
	EOT
	mv "$stamp.tmp" "$stamp"
}

if [ -s "$stamp" ] && [ "${HVG_KERNEL_REFRESH:-0}" != 1 ]; then
	intact && { cat "$stamp"; exit 0; }
	kver=$(sed -n 's/^KVER=//p' "$stamp")
	echo "kernel.sh: the unpacked $kver is damaged, unpacking it again" >&2
	if have_debs; then
		# shellcheck disable=SC2046 # one package name a line
		unpack "$kver" $(cat "$pkglist")
		cat "$stamp"
		exit 0
	fi
	echo "kernel.sh: .debs missing, downloading again" >&2
fi

[ -r "$keyring" ] || die "$keyring missing (apt-get install debian-archive-keyring)"

# --- private apt configuration -------------------------------------------
apt_dir=$base/apt
mkdir -p "$apt_dir"/{etc/sources.list.d,etc/preferences.d,state/lists/partial} \
	 "$apt_dir"/cache/archives/partial
printf '%s\n' "$sources" >"$apt_dir/etc/sources.list"
: >"$apt_dir/state/status"
APT_OPTS=(
	-o "Dir::Etc::SourceList=$apt_dir/etc/sources.list"
	-o "Dir::Etc::SourceParts=$apt_dir/etc/sources.list.d"
	-o "Dir::Etc::Preferences=$apt_dir/etc/preferences"
	-o "Dir::Etc::PreferencesParts=$apt_dir/etc/preferences.d"
	-o "Dir::State=$apt_dir/state"
	-o "Dir::State::status=$apt_dir/state/status"
	-o "Dir::Cache=$apt_dir/cache"
	-o "APT::Architecture=amd64"
	-o "APT::Default-Release="
	-o "Debug::NoLocking=1"
)
# The _apt sandbox user cannot write into a cache owned by the caller.
[ "$(id -u)" -ne 0 ] || APT_OPTS+=(-o "APT::Sandbox::User=root")

apt-get "${APT_OPTS[@]}" -q update >"$apt_dir/update.log" 2>&1 ||
	{ cat "$apt_dir/update.log" >&2; die "apt-get update failed"; }

# First Depends: line of PKG matching the extended regex RE.
dep_of() {
	apt-cache "${APT_OPTS[@]}" depends "$1" 2>/dev/null |
		sed -n 's/^ *Depends: //p' | grep -E -m1 "$2" || true
}

image=$(dep_of linux-image-amd64 '^linux-image-[0-9].*-amd64$')
[ -n "$image" ] || die "cannot resolve linux-image-amd64 in $series"
kver=${image#linux-image-}
# Since 7.x (trixie-backports, sid) linux-image-<abi> is only a dependency
# package: the kernel is in linux-binary-<abi>, its modules in
# linux-modules-<abi>, System.map and config in linux-base-<abi>.
parts=$(apt-cache "${APT_OPTS[@]}" depends "$image" 2>/dev/null |
	sed -n 's/^ *Depends: //p' | grep -xF -e "linux-binary-$kver" \
		-e "linux-modules-$kver" -e "linux-base-$kver" |
	sort -u | tr '\n' ' ' || true)
headers=linux-headers-$kver
common=$(dep_of "$headers" '^linux-headers-.*-common$')
kbuild=$(dep_of "$headers" '^linux-kbuild-')
[ -n "$common" ] && [ -n "$kbuild" ] ||
	die "cannot resolve the dependencies of $headers"
echo "kernel.sh: $series -> $kver ($image $parts$headers $common $kbuild)" >&2

# --- download and unpack -------------------------------------------------
rm -f "$base"/debs/*.deb
# shellcheck disable=SC2086 # $parts: a list of package names
(cd "$base/debs" && apt-get "${APT_OPTS[@]}" -q download \
	"$image" $parts "$headers" "$common" "$kbuild" >"$apt_dir/download.log" 2>&1) ||
	{ cat "$apt_dir/download.log" >&2; die "apt-get download failed"; }

# shellcheck disable=SC2086 # a list of package names
unpack "$kver" "$image" $parts "$headers" "$common" "$kbuild"
cat "$stamp"
