#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# What `make run` shows a newcomer: the suite installed into updates/ as on
# a guest, hv_vmbus and hvsim loaded, one simulated device of every class
# offered, and every class driver loaded by its MODALIAS (no insmod) by
# Debian's systemd-udevd, which also loads sd_mod and makes /dev/ptp_hyperv.
# hvg-timeout: 300
# hvg-vm: installed
. "$HVG_REPO/tools/testing/vm/lib.sh"

ktap_plan 11

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

# systemd-udevd (init.sh) loads the disk driver by the SCSI device's modalias
# and links the time sync PTP clock, as on an installed guest.
disk_works() {
	[ -d /sys/module/sd_mod ] && [ -b /dev/sda ] || {
		ktap_diag "sd_mod $(test -d /sys/module/sd_mod && echo loaded || echo missing), $(ls /dev/sd* 2>&1)"
		return 1
	}
	mkfs.ext4 -q -F /dev/sda >/tmp/mkfs.out 2>&1 || { ktap_diag "$(cat /tmp/mkfs.out)"; return 1; }
}
ktap_check "udev loaded sd_mod: mkfs.ext4 /dev/sda works" disk_works

ktap_check "udev linked /dev/ptp_hyperv to the time sync PTP clock" sh -c \
	'test "$(cat /sys/class/ptp/$(readlink /dev/ptp_hyperv)/clock_name)" = hyperv'

ktap_check "hv_kvp_daemon runs" eval "pgrep -x hv_kvp_daemon >/dev/null"

# OpenVMM offers no VSS or file copy host: no device, no daemon.
vss_fcopy_daemons() {
	for _s in vss fcopy; do
		if [ "${HVG_PERSONALITY:-}" = openvmm ]; then
			! [ -e /dev/vmbus/hv_$_s ] || return 1
		else
			wait_for "pgrep -x hv_${_s}_daemon" 30 || {
				ktap_diag "no hv_${_s}_daemon: $(ls /dev/vmbus 2>&1)"
				return 1
			}
		fi
	done
}
ktap_check "hv_vss_daemon and hv_fcopy_daemon run" vss_fcopy_daemons

ktap_check "everything unloads" hvg_demo_unload
ktap_done
