#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Devices coming and going while hv_vmbus is connected: hot add during
# traffic, rescind (and driver unbind) during a run, then clean unload.
# hvg-timeout: 900
. "$HVG_REPO/tools/testing/vm/lib.sh"
. "$HVG_REPO/tools/testing/vm/tests/echo_lib.inc"

DRV=$VMBUS/drivers/vmbus_echo

# A run whose device goes away ends with ENODEV instead of hanging.
ended_enodev() {
	bg_wait "$1" 60 || return 1
	if [ "$BG_RC" = 0 ]; then
		ktap_diag "the run completed although its device went away"
		return 1
	fi
	echo "$BG_ERR" | grep -q "No such device" && return 0
	ktap_diag "the run failed with '$BG_ERR', expected 'No such device'"
	return 1
}

bg_ok() {
	bg_wait "$1" 300 || return 1
	[ "$BG_RC" = 0 ] && echo_result_ok "$2" "$3" && return 0
	ktap_diag "background run failed: $BG_ERR"
	return 1
}

gone() {
	wait_for "[ ! -e $VMBUS/devices/$1 ] && [ ! -e $ECHO_DBG/$1 ]" 20 && return 0
	ktap_diag "$1 still in sysfs or debugfs"
	return 1
}

# The run has really started: the outbound write index moves.
running() {
	_w=$(cat "$VMBUS/devices/$1/out_write_index")
	wait_for "[ \"\$(cat $VMBUS/devices/$1/out_write_index)\" != $_w ]" 20
}

# Rescind GUID while a run of ARGS is in progress on it.
rescind_during_run() {
	_g=$1
	shift
	bg_run rescind "$_g" "$@"
	running "$_g" || ktap_diag "no traffic seen on $_g before the rescind"
	hvsim_del_device "$_g" && ended_enodev rescind
}

unbind_during_run() {
	bg_run unbind "$g1" 1000000 1 2048
	running "$g1" || ktap_diag "no traffic seen on $g1 before the unbind"
	{ /bin/echo "$g1" >"$DRV/unbind"; } 2>/dev/null ||
		{ ktap_diag "unbind failed"; return 1; }
	ended_enodev unbind
}

rebind() {
	{ /bin/echo "$g1" >"$DRV/bind"; } 2>/dev/null ||
		{ ktap_diag "bind failed"; return 1; }
	wait_for "[ -e $ECHO_DBG/$g1/run ]" 20 && echo_traffic "$g1" 500 1 4000
}

# hot_add [N]: hvsim adds a device; then N (2) echo devices are bound.
hot_add() {
	hvsim_new_device || return 1
	echo_wait_bound "${1:-2}" && return 0
	ktap_diag "$(echo_bound) echo devices bound, expected ${1:-2}"
	return 1
}

idle_rescind() {
	hvsim_del_device "$1" && gone "$1"
}

# A device with two subchannels is rescinded during a run over all three.
rescind_multichannel() {
	hot_add 1 || return 1
	_g=$(echo_dev)
	{ /bin/echo 2 >"$ECHO_DBG/$_g/subchannels"; } 2>/dev/null ||
		{ ktap_diag "requesting 2 subchannels failed"; return 1; }
	rescind_during_run "$_g" 1000000 1 4000 mixed 3 && gone "$_g"
}

# Unloading hvsim disconnects VMBus: a run in progress ends, devices go.
hvsim_unload_during_run() {
	hot_add 1 || return 1
	_g=$(echo_dev)
	bg_run unload "$_g" 1000000 1 2048
	running "$_g" || ktap_diag "no traffic seen on $_g before rmmod hvsim"
	rmmod hvsim || { ktap_diag "rmmod hvsim failed"; return 1; }
	ended_enodev unload && gone "$_g"
}

fresh_load() {
	hvg_load_echo "" "" "" && echo_traffic "$(echo_dev)" 100 1 1000 && hvg_unload
}

ktap_plan 19
if ! hvg_load_echo "" "" ""; then
	hvg_unload
	ktap_done
fi
g1=$(echo_dev)

bg_run first "$g1" 20000 1 2048
ktap_check "hot-added device appears and binds while the first carries traffic" \
	hot_add
g2=$(echo_devices | grep -v "$g1" | head -n 1)
ktap_check "the hot-added device echoes" echo_traffic "$g2" 500 1 4000 mixed
ktap_check "the traffic on the first device was not disturbed" bg_ok first "$g1" 20000

dmesg_mark
ktap_check "rescind during a run: the run ends with ENODEV" \
	rescind_during_run "$g2" 1000000 1 2048
ktap_check "the rescinded device leaves sysfs and debugfs" gone "$g2"
ktap_check "hv_vmbus logs the rescind" dmesg_has "hv_vmbus: channel [0-9]+ rescinded by the host"
ktap_check "the other device still echoes" echo_traffic "$g1" 500 1 4000

ktap_check "hot add after a rescind" hot_add
g3=$(echo_devices | grep -v "$g1" | head -n 1)
ktap_check "the new device echoes" echo_traffic "$g3" 500 1 4000
ktap_check "rescind during a gpa run: the run ends with ENODEV" \
	rescind_during_run "$g3" 1000000 1 20000 gpa
ktap_check "that device leaves sysfs and debugfs" gone "$g3"

ktap_check "driver unbind during a run: the run ends with ENODEV" unbind_during_run
ktap_check "the channel is closed after unbind" state_is "$g1" offered
ktap_check "driver rebind: the device echoes again" rebind

ktap_check "rescind of an idle device" idle_rescind "$g1"
ktap_check "rescind of a device with 2 subchannels during a 3-channel run" \
	rescind_multichannel
ktap_check "rmmod hvsim during a run: the run ends with ENODEV" hvsim_unload_during_run

hvg_unload
ktap_check "modules unload" hvg_all_unloaded
ktap_check "a fresh load works" fresh_load
ktap_done
