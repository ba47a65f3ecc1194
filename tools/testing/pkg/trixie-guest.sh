#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# trixie-guest.sh PHASE - the checks trixie-install.sh runs in its Debian 13
# VM (vm.sh --root), after the installs it made in that root.  KTAP.
#
#   dkms     booted with Debian 13's 6.12, hvguest-dkms installed: every
#            driver resolves to DKMS's updates/dkms/, and the demo devices
#            work with them (lib.sh's hvg_demo: hv_vmbus and hvsim load, the
#            class drivers load by modalias; a netvsc NIC pings hvsim's host
#            end, a storvsc disk appears)
#   builtin  booted with trixie-backports' 7.3 (VMBus built in), for which
#            DKMS refused to build: the kernel's own drivers stay, none of
#            ours is loaded, and `dkms status` says why
#
# HVG_INSTALL_VERSION is the package's version (dkms.conf's).
# shellcheck disable=SC2317 # the checks are called through ktap_check
. "$HVG_REPO/tools/testing/vm/lib.sh"

ver=${HVG_INSTALL_VERSION:?}
kver=$(uname -r)
mods='hv_vmbus hv_utils hv_storvsc hv_netvsc hyperv_fb hid_hyperv hyperv_keyboard hv_balloon hv_sock'

# from_dkms: every driver of ours resolves to updates/dkms/ (modinfo -n).
from_dkms() {
	_bad=
	for _m in $mods; do
		case $(modinfo -n "$_m" 2>&1) in
		"/lib/modules/$kver/updates/dkms/$_m.ko"*) ;;
		*) _bad="$_bad $_m=$(modinfo -n "$_m" 2>&1)" ;;
		esac
	done
	[ -z "$_bad" ] || { ktap_diag "not from updates/dkms:$_bad"; return 1; }
}

# ours MOD: the loaded MOD is this package's (its version).
ours() {
	hvg_expect "$ver" "$(cat "/sys/module/$1/version" 2>/dev/null)" "$1's version"
}

disk() {
	wait_for 'ls /sys/bus/vmbus/drivers/hv_storvsc/*/host*/target*/*/block/sd* >/dev/null 2>&1' 30 &&
		test -b /dev/sda
}

# none_ours: no module of ours is loaded (the built-in hv_vmbus has no
# version, nor do the in-box class drivers).
none_ours() {
	_bad=
	for _m in $mods; do
		[ "$(cat "/sys/module/$_m/version" 2>/dev/null)" != "$ver" ] ||
			_bad="$_bad $_m"
	done
	[ -z "$_bad" ] || { ktap_diag "loaded:$_bad"; return 1; }
}

# in_box MOD: modprobe would load the kernel's own MOD (or it is built in).
in_box() {
	case $(modinfo -n "$1" 2>&1) in
	"/lib/modules/$kver/kernel/"*|"(builtin)") ;;
	*) ktap_diag "$1: $(modinfo -n "$1" 2>&1)"; return 1 ;;
	esac
}

# dkms_says_why: `dkms status` shows no installed build for this kernel,
# and `dkms build` repeats the reason (BUILD_EXCLUSIVE_CONFIG).
dkms_says_why() {
	_st=$(dkms status hvguest 2>&1)
	ktap_diag "dkms status: $(echo "$_st" | tr '\n' ';')"
	echo "$_st" | grep "$kver" | grep -q ': installed' && return 1
	_b=$(dkms build "hvguest/$ver" -k "$kver" 2>&1)
	_rc=$?
	ktap_diag "dkms build -k $kver: status $_rc: $(echo "$_b" | grep -m1 'hvguest: not built')"
	[ "$_rc" -eq 77 ] &&
		echo "$_b" | grep -q 'VMBus is built in (CONFIG_HYPERV_VMBUS=y)'
}

case $1 in
dkms)
	ktap_plan 6
	ktap_diag "kernel $kver"
	ktap_check "every driver resolves to updates/dkms/ (modinfo -n)" from_dkms
	ktap_check "hvg_demo: hv_vmbus and hvsim load, devices offered" hvg_demo
	ktap_check "the loaded hv_vmbus is the package's" ours hv_vmbus
	ktap_check "the class drivers load by modalias from updates/dkms" \
		eval 'ours hv_netvsc && ours hv_storvsc && ours hv_utils'
	ktap_check "netvsc: hvsim's host end answers ping" \
		ping -c 2 -W 5 10.99.0.1
	ktap_check "storvsc: a disk appears (/dev/sda)" disk
	;;
builtin)
	ktap_plan 4
	ktap_diag "kernel $kver"
	ktap_check "booted the 7.x kernel, VMBus built in" \
		grep -q '/hv_vmbus.ko' "/lib/modules/$kver/modules.builtin"
	ktap_check "none of our modules is loaded" none_ours
	ktap_check "the in-box drivers stay (modinfo -n)" \
		eval 'in_box hv_vmbus && in_box hv_storvsc && in_box hv_netvsc'
	ktap_check "dkms status and dkms build say why" dkms_says_why
	;;
*)
	echo "usage: trixie-guest.sh dkms|builtin" >&2
	exit 2
	;;
esac
ktap_done
