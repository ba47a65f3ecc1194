#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# What `make run` shows a newcomer: the suite installed into updates/ as on
# a guest, hv_vmbus and hvsim loaded, one simulated device of every class
# offered, and every class driver loaded by its MODALIAS (no insmod).
# hvg-timeout: 300
# hvg-vm: installed
. "$HVG_REPO/tools/testing/vm/lib.sh"

ktap_plan 8

ktap_check "make run's setup (hvg_demo) succeeds" sh -c \
	". '$HVG_REPO/tools/testing/vm/lib.sh'; hvg_demo 2>/tmp/demo.err"
[ ! -s /tmp/demo.err ] || ktap_diag "$(cat /tmp/demo.err)"

every_class_offered() {
	_want=$(echo "$HVG_DEMO_DEVICES" | wc -l)
	_have=$(ls -d /sys/bus/vmbus/devices/* 2>/dev/null | wc -l)
	[ "$_have" -eq "$_want" ] && [ ! -s /tmp/demo.err ] || {
		ktap_diag "$_have devices for $_want classes"
		return 1
	}
}
ktap_check "one device of every class (${HVG_DEMO_DEVICES%%
*} ... $(echo "$HVG_DEMO_DEVICES" | wc -l) classes)" every_class_offered

every_device_bound() {
	_rc=0
	for _d in /sys/bus/vmbus/devices/*; do
		[ -e "$_d/driver" ] && continue
		ktap_diag "no driver for class $(cat "$_d/class_id")"
		_rc=1
	done
	return $_rc
}
ktap_check "every device has its driver bound" every_device_bound

from_updates() {
	for _m in $(ls /sys/bus/vmbus/drivers); do
		_p=$(modinfo -n "$(basename "$(readlink /sys/bus/vmbus/drivers/$_m/module)")")
		case $_p in */updates/*) ;; *) ktap_diag "$_m from $_p"; return 1 ;; esac
	done
}
ktap_check "the drivers were loaded from updates/ (modalias autoload)" from_updates

lsvmbus_drivers() {
	_n=$(lsvmbus | grep -c '^	Driver = ')
	_none=$(lsvmbus | grep -c '^	Driver = none')
	[ "$_n" -eq "$(ls /sys/bus/vmbus/devices | wc -l)" ] && [ "$_none" -eq 0 ]
}
ktap_check "lsvmbus names every device's driver" lsvmbus_drivers

ktap_check "the simulated NIC answers ping" sh -c \
	"busybox ping -c 2 -W 5 10.99.0.1 >/tmp/ping.out || { cat /tmp/ping.out; false; }"

ktap_check "hv_kvp_daemon runs" eval "pgrep -x hv_kvp_daemon >/dev/null"

unload_all() {
	ip netns del host 2>/dev/null
	pkill -x hv_kvp_daemon && wait_for '! pgrep -x hv_kvp_daemon' 10
	# fbcon holds the framebuffer driver while it is bound to it.
	for _v in /sys/class/vtconsole/vtcon*; do
		grep -qs "frame buffer" "$_v/name" && echo 0 >"$_v/bind"
	done
	for _m in $(ls /sys/bus/vmbus/drivers); do
		_mod=$(basename "$(readlink /sys/bus/vmbus/drivers/$_m/module)")
		[ -d "/sys/module/$_mod" ] && { rmmod "$_mod" || return 1; }
	done
	rmmod hvsim && rmmod hv_vmbus
}
ktap_check "everything unloads" unload_all
ktap_done
