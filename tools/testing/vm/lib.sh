# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# Helpers for the VM test scripts (tools/testing/vm/tests/*.sh); POSIX sh.
# Source it with:  . "$HVG_REPO/tools/testing/vm/lib.sh"
#
# KTAP output:
#   ktap_plan N          print the header and the plan "1..N"
#   ktap_ok DESC         "ok <n> - DESC"
#   ktap_fail DESC       "not ok <n> - DESC"
#   ktap_skip DESC       "ok <n> - DESC # SKIP"
#   ktap_check DESC CMD...  ok if CMD succeeds, else fail
#   ktap_diag MSG        "# MSG"
#   ktap_done            print the totals; exit 1 if anything failed (or the
#                        plan was not met), else 0
# Modules:
#   hvg_load [PARAM=VALUE...]  insmod hv_vmbus, hvsim (with the params) and
#                              the echo driver, in that order
#   hvg_unload                 rmmod them in reverse order
#   hvg_install_modules        copy every built module into the VM's
#                              /lib/modules/<release>/updates and run depmod,
#                              as an installation on a guest would
#   hvg_demo                   what `make run` shows: the modules installed,
#                              udev-style autoloading by MODALIAS, hv_vmbus and
#                              hvsim loaded and one simulated device of every
#                              class (HVG_DEMO_DEVICES) offered; class drivers
#                              load by themselves
# Host personality: HVG_PERSONALITY=NAME (passed on by vm.sh) makes every
# load of hvsim above play that real host (hvsim's personality=), unless
# the test names one itself.
# Misc:
#   wait_for CMD [TIMEOUT]     poll the shell command CMD every 0.1 s until
#                              it succeeds; return 1 after TIMEOUT whole seconds
#                              (default 10)

: "${HVG_REPO:=$(cd "$(dirname "$0")/../../../.." 2>/dev/null && pwd)}"

HVG_KO_VMBUS=$HVG_REPO/drivers/vmbus/hv_vmbus.ko
HVG_KO_HVSIM=$HVG_REPO/tools/hvsim/hvsim.ko
HVG_KO_ECHO=$HVG_REPO/tools/testing/echo/vmbus_echo.ko
HVG_KO_FB=$HVG_REPO/drivers/fb/hyperv_fb.ko
HVG_KO_MOUSE=$HVG_REPO/drivers/input/hid_hyperv.ko
HVG_KO_KBD=$HVG_REPO/drivers/input/hyperv_keyboard.ko

_ktap_n=0
_ktap_plan=
_ktap_fail=0
_ktap_skip=0

ktap_plan() {
	_ktap_plan=$1
	echo "KTAP version 1"
	echo "1..$1"
}

ktap_ok() {
	_ktap_n=$((_ktap_n + 1))
	echo "ok $_ktap_n - $*"
}

ktap_fail() {
	_ktap_n=$((_ktap_n + 1))
	_ktap_fail=$((_ktap_fail + 1))
	echo "not ok $_ktap_n - $*"
}

ktap_skip() {
	_ktap_n=$((_ktap_n + 1))
	_ktap_skip=$((_ktap_skip + 1))
	echo "ok $_ktap_n - $* # SKIP"
}

ktap_diag() {
	echo "# $*"
}

ktap_check() {
	_desc=$1
	shift
	if "$@"; then
		ktap_ok "$_desc"
	else
		ktap_fail "$_desc"
	fi
}

ktap_done() {
	_pass=$((_ktap_n - _ktap_fail - _ktap_skip))
	if [ -n "$_ktap_plan" ] && [ "$_ktap_plan" -ne "$_ktap_n" ]; then
		ktap_diag "planned $_ktap_plan tests but ran $_ktap_n"
		_ktap_fail=$((_ktap_fail + 1))
	fi
	echo "# totals: pass:$_pass fail:$_ktap_fail xfail:0 xpass:0 skip:$_ktap_skip error:0"
	[ "$_ktap_fail" -eq 0 ] && exit 0
	exit 1
}

_hvg_insmod() {
	if [ ! -f "$1" ]; then
		echo "hvg_load: $1 not built" >&2
		return 1
	fi
	insmod "$@"
}

# hvg_pers_param [PARAM...]: "personality=$HVG_PERSONALITY" when that is set
# and none of PARAM names a personality, else nothing.
hvg_pers_param() {
	[ -n "${HVG_PERSONALITY:-}" ] || return 0
	case " $* " in
	*" personality="*) ;;
	*) echo "personality=$HVG_PERSONALITY" ;;
	esac
}

hvg_load() {
	_hvg_insmod "$HVG_KO_VMBUS" || return 1
	# shellcheck disable=SC2046 # one word or none
	_hvg_insmod "$HVG_KO_HVSIM" $(hvg_pers_param "$@") "$@" ||
		{ rmmod hv_vmbus; return 1; }
	_hvg_insmod "$HVG_KO_ECHO" || { rmmod hvsim hv_vmbus; return 1; }
}

hvg_unload() {
	_rc=0
	for _m in vmbus_echo hvsim hv_vmbus; do
		if [ -d "/sys/module/$_m" ]; then
			rmmod "$_m" || _rc=1
		fi
	done
	return $_rc
}

wait_for() {
	_deadline=$(($(date +%s) + ${2:-10}))
	until eval "$1" >/dev/null 2>&1; do
		[ "$(date +%s)" -lt "$_deadline" ] || return 1
		sleep 0.1
	done
	return 0
}

hvg_install_modules() {
	_upd=/lib/modules/$(uname -r)/updates/hvguest
	mkdir -p "$_upd" || return 1
	find "$HVG_REPO/drivers" "$HVG_REPO/tools" -name '*.ko' \
		-exec cp {} "$_upd/" \; || return 1
	depmod -a
}

# One simulated device of every class: "SERVICE [ARGS]" per line.
HVG_DEMO_DEVICES='echo
heartbeat
shutdown
timesync
kvp
net
scsi size=64M
video
mouse
keyboard'

# The VM has no udevd: busybox's uevent listener stands in for it and loads
# what a VMBus device's MODALIAS names, as udev's kmod builtin does (other
# devices of the VM are left alone, so that tests see only our modules load).
_hvg_uevent_helper() {
	cat >/tmp/hvg-uevent <<-'EOF'
	#!/bin/sh
	case $ACTION:$MODALIAS in
	add:vmbus:*) exec /sbin/modprobe -q "$MODALIAS" ;;
	esac
	exit 0
	EOF
	chmod +x /tmp/hvg-uevent || return 1
	busybox uevent /tmp/hvg-uevent &
	sleep 0.5	# let it open its netlink socket
}

# hvg_udev_apply SYSPATH: run the packaged udev rules (packaging/udev/) on
# a device, as udevd does on an installed guest when the device is added.
# Returns 2 when there is no udevadm.
hvg_udev_apply() {
	command -v udevadm >/dev/null || return 2
	mkdir -p /run/udev/rules.d &&
		cp "$HVG_REPO"/packaging/udev/*.rules /run/udev/rules.d/ &&
		udevadm test --action=add "$1" >/tmp/hvg-udev.log 2>&1
}

hvg_demo() {
	# vm.sh --installed did it already (quickly, outside the VM).
	case $(modinfo -F filename hv_vmbus 2>/dev/null) in
	*/updates/*) ;;
	*) hvg_install_modules || return 1 ;;
	esac
	cp "$HVG_REPO/packaging/modprobe.d/hvguest.conf" /etc/modprobe.d/ &&
		_hvg_uevent_helper || return 1
	# shellcheck disable=SC2046 # one word or none
	modprobe hv_vmbus && modprobe hvsim echo_devices=0 $(hvg_pers_param "$@") "$@" ||
		return 1
	echo "$HVG_DEMO_DEVICES" | while read -r _svc; do
		{ /bin/echo "$_svc" >/sys/kernel/debug/hvsim/new_device; } 2>/dev/null ||
			echo "hvg_demo: hvsim has no '${_svc%% *}' service" >&2
	done
	# Offers become devices, devices load their drivers: wait for both.
	wait_for '! grep -q "state=offered" /sys/kernel/debug/hvsim/devices' 30
	for _d in /sys/bus/vmbus/devices/*; do
		wait_for "test -e $_d/driver" 10 ||
			echo "hvg_demo: no driver bound to $(cat "$_d/class_id")" >&2
	done
	for _b in /sys/block/sd*; do
		[ -e "$_b" ] && hvg_udev_apply "$_b"
	done
	_hvg_demo_net
	_hvg_demo_kvpd
	return 0
}

# hv_kvp_daemon answers the host's key-value requests from the guest's own
# facts; built into /tmp (the repository is read-only in the VM).
_hvg_demo_kvpd() {
	[ -c /dev/hvguest/kvp ] || return 0
	make -s -C "$HVG_REPO/tools/hv_kvp_daemon" O=/tmp/hvg-kvpd >/tmp/hvg-kvpd.log 2>&1 ||
		{ echo "hvg_demo: hv_kvp_daemon does not build" >&2; return 1; }
	/tmp/hvg-kvpd/hv_kvp_daemon >>/tmp/hvg-kvpd.log 2>&1 &
}

# The simulated NIC's host end goes to namespace "host" as 10.99.0.1, the
# guest's end gets 10.99.0.2: `ping 10.99.0.1` works from the shell.
_hvg_demo_net() {
	_h=$(ls /sys/class/net | grep -m1 '^hvsim') || return 0
	_g=$(ls /sys/bus/vmbus/drivers/hv_netvsc/*/net 2>/dev/null | grep -m1 .) ||
		return 0
	ip netns add host && ip link set "$_h" netns host &&
		ip -n host addr add 10.99.0.1/24 dev "$_h" &&
		ip -n host link set "$_h" up && ip -n host link set lo up &&
		ip addr add 10.99.0.2/24 dev "$_g" && ip link set "$_g" up
}
