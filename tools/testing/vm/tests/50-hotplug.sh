#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Devices coming and going while hv_vmbus is connected: hot add during
# traffic, rescind (and driver unbind) during a run, then clean unload; a
# rescind right after the offer and a second offer of a present instance
# GUID, which get no device and have their relids released; a subchannel
# rescinded before its driver took it, a rescind while the guest opens, a
# rescind sent twice, a subchannel offer without its primary and the
# rescind of a relid the guest never took.
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

# The host offers an echo device and rescinds it at once (hvsim's
# rescind=offer), before the guest can have made a device of it: the guest
# frees the channel only after releasing its relid, which the host then
# forgets.
quick_rescind() {
	_n=$(echo_bound)
	{ /bin/echo "echo rescind=offer" >"$HVSIM_DBG/new_device"; } 2>/dev/null ||
		{ ktap_diag "new_device echo rescind=offer failed"; return 1; }
	if ! wait_for "! grep -q state=rescinded $HVSIM_DBG/devices" 10; then
		ktap_diag "the host still has a rescinded channel: no RELID_RELEASED"
		sed 's/^/# /' "$HVSIM_DBG/devices"
		return 1
	fi
	[ "$(echo_bound)" = "$_n" ] && return 0
	ktap_diag "$(echo_bound) echo devices bound, expected $_n"
	return 1
}

# The host offers a second channel with the instance GUID of device $1: the
# guest makes no device of it (no duplicate sysfs name).  Sets $dup_relid.
dup_instance() {
	_r=$(dev_relid "$1")
	{ /bin/echo "echo instance=$1" >"$HVSIM_DBG/new_device"; } 2>/dev/null ||
		{ ktap_diag "new_device echo instance=$1 failed"; return 1; }
	dup_relid=$(grep "instance=$1 " "$HVSIM_DBG/devices" | grep -v "^relid=$_r " |
		sed -n 's/^relid=\([0-9]*\) .*/\1/p')
	[ -n "$dup_relid" ] || { ktap_diag "hvsim lists no second channel of $1"; return 1; }
	wait_for 'dmesg_has "$HVG_MOD_VMBUS: offer $dup_relid repeats the instance"' 10 || {
		ktap_diag "hv_vmbus did not refuse a device for offer $dup_relid"
		return 1
	}
	! dmesg_has "duplicate filename" || {
		ktap_diag "device_add was tried with a duplicate name"
		return 1
	}
}

# released RELID: the guest released RELID, which hvsim then forgot.
released() {
	wait_for "! grep -q '^relid=$1 ' $HVSIM_DBG/devices" 10 && return 0
	ktap_diag "relid $1 was not released"
	sed 's/^/# /' "$HVSIM_DBG/devices"
	return 1
}

# del_relid RELID: hvsim rescinds the device of channel RELID.
del_relid() {
	_d=$(grep "^relid=$1 " "$HVSIM_DBG/devices" | sed -n 's/.* dev=\([0-9]*\).*/\1/p')
	{ /bin/echo "dev$_d" >"$HVSIM_DBG/del_device"; } 2>/dev/null && return 0
	ktap_diag "del_device dev$_d (relid $1) failed"
	return 1
}

# Rescinding the channel without a device releases its relid.
dup_rescind() {
	[ -n "$dup_relid" ] && del_relid "$dup_relid" && released "$dup_relid"
}

# While the guest opens the primary channel of $g1 (rebind), the host
# offers a subchannel and rescinds it at once (fault_rescind_sub): the
# subchannel waits for the probe, which holds the device, so it is
# rescinded before its driver could take it; the guest releases its relid.
rescind_sub() {
	{ /bin/echo "$g1" >"$DRV/unbind"; } 2>/dev/null || { ktap_diag "unbind failed"; return 1; }
	hvsim_fault fault_rescind_sub 1 || return 1
	{ /bin/echo "$g1" >"$DRV/bind"; } 2>/dev/null || { ktap_diag "bind failed"; return 1; }
	_r=$(dmesg_since | sed -n 's/.*subchannel relid \([0-9]*\) offered and rescinded.*/\1/p' |
		tail -n 1)
	[ -n "$_r" ] || { ktap_diag "hvsim offered no subchannel"; return 1; }
	released "$_r" && wait_for "[ -e $ECHO_DBG/$g1/run ]" 20 && echo_traffic "$g1" 500 1 4000
}

# reoffered RELID COUNT: after a rescind of $g1 (relid RELID) the device
# is gone and its relid released; the host's new offer of the same
# instance binds and echoes COUNT messages.
reoffered() {
	gone "$g1" && released "$1" || return 1
	{ /bin/echo "echo instance=$g1" >"$HVSIM_DBG/new_device"; } 2>/dev/null ||
		{ ktap_diag "new_device echo instance=$g1 failed"; return 1; }
	wait_for "[ -e $ECHO_DBG/$g1/run ]" 20 ||
		{ ktap_diag "the new offer of $g1 did not bind"; return 1; }
	echo_traffic "$g1" "$2" 1 4000
}

# The host rescinds $g1 while the guest opens its primary channel (rebind;
# fault_rescind_open): the open fails with ENODEV instead of waiting for a
# result that never comes, the device goes, its relid is released, and
# the host's new offer of the same instance binds and works.
rescind_open() {
	_r=$(dev_relid "$g1")
	{ /bin/echo "$g1" >"$DRV/unbind"; } 2>/dev/null || { ktap_diag "unbind failed"; return 1; }
	hvsim_fault fault_rescind_open 1 || return 1
	{ /bin/echo "$g1" >"$DRV/bind"; } 2>/dev/null &&
		{ ktap_diag "the probe succeeded on a rescinded channel"; return 1; }
	dmesg_has "vmbus_echo .*cannot open the primary channel: (-ENODEV|-19)" ||
		{ ktap_diag "the open did not fail with ENODEV"; return 1; }
	reoffered "$_r" 500
}

# The host rescinds $g1 while the guest waits for the MODIFYCHANNEL_RESPONSE
# of a move to CPU 1 (fault_rescind_modify, 5.3 hosts): the write fails at
# once (EIO from the ENODEV, as Linux's target_cpu_store()) instead of after
# the 10 s timeout, the device goes, its relid is released, and the host's
# new offer of the same instance binds.
rescind_modify() {
	_v=$(cat "$VMBUS/version")
	if [ "$_v" != 5.3 ] || [ "$(nproc)" -lt 2 ]; then
		ktap_diag "VMBus $_v, $(nproc) CPU(s): no MODIFYCHANNEL_RESPONSE to wait for"
		return 0
	fi
	_r=$(dev_relid "$g1")
	hvsim_fault fault_rescind_modify 1 || return 1
	_t0=$(date +%s)
	if _e=$( { /bin/echo 1 >"$VMBUS/devices/$g1/channels/$_r/cpu"; } 2>&1 ); then
		ktap_diag "the move of a rescinded channel succeeded"
		return 1
	fi
	_t=$(($(date +%s) - _t0))
	echo "$_e" | grep -q "Input/output error" ||
		{ ktap_diag "the move failed with '$_e', expected EIO"; return 1; }
	[ "$_t" -lt 5 ] && ! dmesg_has "no reply from the host to MODIFYCHANNEL" ||
		{ ktap_diag "the move waited $_t s for the host"; return 1; }
	reoffered "$_r" 200
}

# The host rescinds a device twice (fault_dup_msg): the second rescind is
# ignored and logged, the device goes, its relid is released once.
rescind_twice() {
	hot_add 2 || return 1
	_g=$(echo_devices | grep -v "$g1" | head -n 1)
	_r=$(dev_relid "$_g")
	hvsim_fault fault_dup_msg 1 || return 1
	hvsim_del_device "$_g" && gone "$_g" || return 1
	wait_for 'dmesg_has "$HVG_MOD_VMBUS: (second rescind of relid $_r|rescind for unknown relid $_r) ignored"' 10 ||
		{ ktap_diag "no log of the second rescind of relid $_r"; return 1; }
	released "$_r"
}

# An offer naming itself subchannel 1 of an instance without a primary is
# refused: no device.  Sets $orphan_relid.
orphan_sub() {
	_n=$(echo_bound)
	hvsim_fault fault_orphan_sub 1 && hvsim_new_device || return 1
	wait_for 'dmesg_has "$HVG_MOD_VMBUS: subchannel offer [0-9]+ has no primary, refused"' 10 ||
		{ ktap_diag "the subchannel offer without a primary was not refused"; return 1; }
	orphan_relid=$(dmesg_since |
		sed -n 's/.*subchannel offer \([0-9]*\) has no primary.*/\1/p' | tail -n 1)
	sleep 1
	[ "$(echo_bound)" = "$_n" ] && [ "$(echo_devices | wc -l)" = "$_n" ] && return 0
	ktap_diag "$(echo_devices | wc -l) echo devices, expected $_n"
	return 1
}

# Its rescind names a relid the guest does not know: ignored and logged.
orphan_rescind() {
	[ -n "$orphan_relid" ] && del_relid "$orphan_relid" || return 1
	wait_for 'dmesg_has "$HVG_MOD_VMBUS: rescind for unknown relid $orphan_relid ignored"' 10 && return 0
	ktap_diag "no log of the rescind of unknown relid $orphan_relid"
	return 1
}

ktap_plan 30
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
ktap_check "hv_vmbus logs the rescind" dmesg_has "$HVG_MOD_VMBUS: channel [0-9]+ rescinded by the host"
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

if hvg_load_echo "" "" ""; then
	g1=$(echo_dev)
	dmesg_mark
	ktap_check "offer rescinded at once: its relid released, no device" quick_rescind
	ktap_check "second offer of a present instance: no device made" dup_instance "$g1"
	ktap_check "rescind of that offer releases its relid" dup_rescind
	ktap_check "the first device still echoes" echo_traffic "$g1" 500 1 4000
	ktap_check "subchannel rescinded before its driver took it: relid released" rescind_sub
	ktap_check "rescind during the open: ENODEV, relid released, a new offer binds" rescind_open
	ktap_check "rescind while a move waits for MODIFYCHANNEL_RESPONSE: fails at once, relid released" \
		rescind_modify
	ktap_check "rescind sent twice: the second ignored, relid released once" rescind_twice
	ktap_check "subchannel offer without its primary: refused, no device" orphan_sub
	ktap_check "rescind of a relid the guest does not know: ignored" orphan_rescind
else
	for t in "offer rescinded at once: its relid released, no device" \
		"second offer of a present instance: no device made" \
		"rescind of that offer releases its relid" \
		"the first device still echoes" \
		"subchannel rescinded before its driver took it: relid released" \
		"rescind during the open: ENODEV, relid released, a new offer binds" \
		"rescind while a move waits for MODIFYCHANNEL_RESPONSE: fails at once, relid released" \
		"rescind sent twice: the second ignored, relid released once" \
		"subchannel offer without its primary: refused, no device" \
		"rescind of a relid the guest does not know: ignored"; do
		ktap_fail "$t"
	done
fi
hvg_unload
ktap_check "modules unload after offers without a device" hvg_all_unloaded
ktap_done
