#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# nohv.sh [--prepare-only] - build every module against a 6.1 kernel tree
# configured with CONFIG_HYPERV=n (issue 18).
#
# The tree: Debian's linux-source-6.1 (installed with apt-get when missing
# and we are root), extracted once under $HVG_CACHE/nohv/linux, configured
# from the cached Debian 6.1 headers' .config with HYPERV off (HYPERV_TIMER,
# HYPERV_IOMMU and everything else that depends on it follow), debug info
# and BTF off (nothing here needs them, and module BTF needs a vmlinux), and
# the Debian signing certificates unset; then `make olddefconfig
# modules_prepare`: no kernel is built.  Kept while the tarball, the
# .config it started from and this script's settings stay the same
# ($dir/stamp).
#
# Module.symvers: such a tree has none (only a full build makes it), and
# without it modpost checks no symbol at all.  We write an approximation:
# Debian 6.1's Module.symvers minus every symbol that only a CONFIG_HYPERV
# kernel has (the exports of arch/x86/hyperv, drivers/hv/hv_common.c, the
# Hyper-V timer and IOMMU, and of the Hyper-V modules).  So a module that
# still needs one of those fails the build with modpost's "undefined!"
# error.  The CRCs are Debian's, not this tree's: the modules are only
# built here, never loaded.
#
# The build: a private copy of the checkout (so its objects stay those of
# the main kernel), W=1 C=2 in one pass: any compiler warning, modpost
# warning or error, or sparse diagnostic in our files fails.
# Output: TAP, one case each for the tree, the build and sparse.
#
# Time (2 shared cores): cold (extract, configure, modules_prepare) about
# 4 min; cached (the build only) about 2 min.  See the step in check.sh.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
cache=${HVG_CACHE:-$repo/.cache}
jobs=${HVG_JOBS:-2}
dir=$cache/nohv
src_tar=/usr/src/linux-source-6.1.tar.xz
prepare_only=0
[ "${1:-}" != --prepare-only ] || prepare_only=1

# shellcheck source=tools/testing/pkg/tap.sh
. "$here/tap.sh"
finish() {
	echo "1..$n"
	[ "$failed" -eq 0 ]
	exit
}

mkdir -p "$dir"
t0=$(date +%s)

# --- the tree ---------------------------------------------------------------
if [ ! -f "$src_tar" ] && [ "$(id -u)" -eq 0 ]; then
	apt-get install -y linux-source-6.1 >"$dir/apt.log" 2>&1
fi
base_config=$(ls "$cache"/kernel/6.1/root-*/usr/src/linux-headers-*-amd64/.config 2>/dev/null | head -n1)
base_symvers=${base_config%/.config}/Module.symvers
if [ ! -f "$src_tar" ] || [ -z "$base_config" ] || [ ! -f "$base_symvers" ]; then
	case_ FAIL "CONFIG_HYPERV=n tree" \
		"needs $src_tar (linux-source-6.1) and the 6.1 headers (tools/testing/vm/kernel.sh 6.1)"
	finish
fi

# What the prepared tree depends on; a change rebuilds it.
stamp=$( (stat -c '%s %Y' "$src_tar" "$base_config"; sed -n '/^prepare_tree()/,/^}/p' "$0") |
	md5sum | cut -d' ' -f1)

prepare_tree() {
	local t=$dir/linux cfg
	rm -rf "$t" && mkdir -p "$t" || return 1
	tar -xf "$src_tar" -C "$t" --strip-components=1 || return 1
	cp "$base_config" "$t/.config" || return 1
	cfg=$t/scripts/config
	"$cfg" --file "$t/.config" --disable HYPERV --disable HYPERV_TIMER \
		--disable HYPERV_IOMMU --disable HYPERV_NET --disable HYPERV_STORAGE \
		--disable HYPERV_KEYBOARD --disable HID_HYPERV_MOUSE \
		--disable FB_HYPERV --disable DRM_HYPERV --disable PCI_HYPERV \
		--disable PCI_HYPERV_INTERFACE --disable HYPERV_VSOCKETS \
		--disable HYPERV_UTILS --disable HYPERV_BALLOON \
		--disable UIO_HV_GENERIC --disable HYPERV_TESTING \
		--disable DEBUG_INFO_BTF --disable DEBUG_INFO_DWARF5 \
		--disable DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT --enable DEBUG_INFO_NONE \
		--set-str SYSTEM_TRUSTED_KEYS "" --set-str SYSTEM_REVOCATION_KEYS "" \
		--set-str MODULE_SIG_KEY "certs/signing_key.pem" || return 1
	make -C "$t" -j"$jobs" olddefconfig modules_prepare || return 1
	# Nothing Hyper-V may remain.
	if grep -E '^CONFIG_(HYPERV|HYPERV_[A-Z_]+)=' "$t/.config"; then
		echo "Hyper-V options still set" >&2
		return 1
	fi
	make_symvers "$t"
}

# make_symvers TREE: Debian's Module.symvers without the Hyper-V exports.
make_symvers() {
	local t=$1 drop
	drop=$(cd "$t" && cat arch/x86/hyperv/*.c drivers/hv/hv_common.c \
		drivers/clocksource/hyperv_timer.c drivers/iommu/hyperv-iommu.c |
		sed -nE 's/.*EXPORT_SYMBOL[A-Z_]*\(([A-Za-z0-9_]+)\).*/\1/p' | sort -u)
	# Columns: crc, symbol, module, export type[, namespace].
	awk -v drop="$drop" '
		BEGIN { n = split(drop, d, "\n"); for (i = 1; i <= n; i++) gone[d[i]] = 1 }
		($2 in gone) { next }
		($3 ~ /(^|\/)(hv_|hyperv|hid-hyperv|pci-hyperv|uio_hv)/) { next }
		{ print }' "$base_symvers" >"$t/Module.symvers"
}

kdir=$dir/linux
if [ "$(cat "$dir/stamp" 2>/dev/null)" != "$stamp" ] || [ ! -f "$kdir/Module.symvers" ]; then
	rm -f "$dir/stamp"
	if prepare_tree >"$dir/prepare.log" 2>&1; then
		echo "$stamp" >"$dir/stamp"
		case_ OK "CONFIG_HYPERV=n tree prepared ($(($(date +%s) - t0)) s)"
	else
		case_ FAIL "CONFIG_HYPERV=n tree" "$(tail -n 20 "$dir/prepare.log")"
		finish
	fi
else
	case_ OK "CONFIG_HYPERV=n tree (cached)"
fi
[ "$prepare_only" -eq 0 ] || finish

# --- the build ----------------------------------------------------------------
t1=$(date +%s)
copy=$dir/src
rm -rf "$copy"
rsync -a --exclude .git --exclude .cache --exclude '*.o' --exclude '*.ko' \
	--exclude '*.mod' --exclude '*.mod.c' --exclude '.*.cmd' --exclude Module.symvers \
	--exclude modules.order "$repo/" "$copy/"
log=$dir/build.log
make -k -C "$kdir" M="$copy" -j"$jobs" W=1 C=2 modules >"$log" 2>&1
rc=$?
# objtool names the object, not a line: "drivers/x/y.o: warning: objtool: ...".
ours=$(grep -aE "^($copy/)?(drivers|include|tools)/[^:]*(:[0-9]+:([0-9]+:)?|\.o:) (warning|error): |^WARNING: |^ERROR: " "$log")
# gcc names the warning option ([-W...]); sparse does not.
cc=$(echo "$ours" | grep -aE '\[-W|^WARNING: |^ERROR: |error: |objtool: ')
sp=$(echo "$ours" | grep -avE '\[-W|^WARNING: |^ERROR: |error: |objtool: ' | grep -a .)
if [ "$rc" -eq 0 ] && [ -z "$cc" ]; then
	case_ OK "build W=1 against CONFIG_HYPERV=n ($(ls "$copy"/drivers/*/*.ko "$copy"/tools/*/*.ko "$copy"/tools/testing/*/*.ko 2>/dev/null | wc -l) modules, $(($(date +%s) - t1)) s)"
else
	case_ FAIL "build W=1 against CONFIG_HYPERV=n" "${cc:-$(tail -n 10 "$log")}"
fi
if [ "$rc" -eq 0 ] && [ -z "$sp" ]; then
	case_ OK "sparse against CONFIG_HYPERV=n"
else
	case_ FAIL "sparse against CONFIG_HYPERV=n" "${sp:-not run: the build failed}"
fi
finish
