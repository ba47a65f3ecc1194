#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# A misbehaving host: for each of hvsim's fault knobs, inject the fault,
# provoke it, and expect hv_vmbus (or vmbus_echo) to say what happened, the
# device to be failed or left alone cleanly, the other devices to work, and
# the modules to unload and load again.  Late replies (fault_late_reply)
# must not be taken for the answer to a later request, nor replies that
# name another channel (fault_gpadl_stray).
# hvg-timeout: 1200
. "$HVG_REPO/tools/testing/vm/lib.sh"
. "$HVG_REPO/tools/testing/vm/tests/echo_lib.inc"

DRV=$VMBUS/drivers/vmbus_echo

# logged ERE: the kernel log since the mark matches ERE.
logged() {
	dmesg_has "$1" && return 0
	ktap_diag "nothing in the log matches: $1"
	dmesg_since | grep -E 'vmbus|hvsim' | tail -n 15 | sed 's/^/#   /'
	return 1
}

# logged_times N ERE: within 20 s, N lines after the mark match ERE.
logged_times() {
	wait_for "[ \"\$(dmesg_since | grep -cE '$2')\" -ge $1 ]" 20 && return 0
	ktap_diag "expected $1 log lines matching: $2"
	logged "$2"
	return 1
}

not_bound() {
	[ ! -e "$VMBUS/devices/$1/driver" ] && [ ! -e "$ECHO_DBG/$1" ] && return 0
	ktap_diag "$1 is still bound to the driver"
	return 1
}

# The echo device that is not $g (after new_device), if any.
other_dev() {
	echo_devices | grep -v "$g" | head -n 1
}

# new_dev: hvsim added a device and the guest sees a second echo device.
new_dev() {
	hvsim_new_device || return 1
	wait_for "[ \"\$(echo_devices | wc -l)\" -ge 2 ]" 20 || {
		ktap_diag "the new device did not appear"
		return 1
	}
}

# The first device still works: a fault elsewhere must not spill over.
first_ok() {
	echo_traffic "$g" 50 1 2000
}

# ---- one function per knob: inject, provoke, check --------------------------

# A lost reply: the guest's wait times out instead of hanging; the probe
# that waited fails cleanly.
f_drop_msg() {
	{ /bin/echo "$g" >"$DRV/unbind"; } 2>/dev/null || return 1
	hvsim_fault fault_drop_msg 1 || return 1
	{ /bin/echo "$g" >"$DRV/bind"; } 2>/dev/null &&
		{ ktap_diag "the probe succeeded despite the lost reply"; return 1; }
	logged "$HVG_MOD_VMBUS: no reply from the host to [A-Z_]+ within" &&
	logged "vmbus_echo .*cannot open the primary channel" && not_bound "$g" ||
		return 1
	# A lost GPADL_TORNDOWN at unbind: the close ends after its timeout
	# with the rings leaked (never freed under the host); the device
	# binds again on new rings.
	{ /bin/echo "$g" >"$DRV/bind"; } 2>/dev/null ||
		{ ktap_diag "the second probe failed"; return 1; }
	wait_for "[ -e $ECHO_DBG/$g/run ]" 20 || return 1
	hvsim_fault fault_drop_msg 1 || return 1
	{ /bin/echo "$g" >"$DRV/unbind"; } 2>/dev/null || return 1
	logged "$HVG_MOD_VMBUS: no reply from the host to GPADL_TEARDOWN within" &&
	logged "channel [0-9]+: rings leaked, the host may still use them" || return 1
	{ /bin/echo "$g" >"$DRV/bind"; } 2>/dev/null ||
		{ ktap_diag "the probe after the leak failed"; return 1; }
	wait_for "[ -e $ECHO_DBG/$g/run ]" 20 && first_ok
}

# Slow host: everything still works, just later.
f_delay_msg_ms() {
	hvsim_fault fault_delay_msg_ms 300 || return 1
	new_dev || return 1
	_ok=0
	echo_wait_bound 2 30 && echo_traffic "$(other_dev)" 50 1 2000 && _ok=1
	hvsim_fault fault_delay_msg_ms 0
	[ "$_ok" = 1 ] && first_ok
}

# A duplicated offer is refused; the device itself works.
f_dup_msg() {
	hvsim_fault fault_dup_msg 1 || return 1
	new_dev && echo_wait_bound 2 &&
	logged "$HVG_MOD_VMBUS: duplicate offer for relid [0-9]+ refused" &&
	echo_traffic "$(other_dev)" 50 1 2000 && first_ok
}

# Two corrupted messages (truncated, garbage type): both dropped and logged.
f_corrupt_msg() {
	hvsim_fault fault_corrupt_msg 2 || return 1
	hvsim_new_device && hvsim_new_device || return 1
	logged_times 2 "$HVG_MOD_VMBUS: (malformed channel message|unexpected .* from the host)" &&
	first_ok
}

# Offers with an out-of-range relid and monitor id are refused.
f_bad_offer() {
	hvsim_fault fault_bad_offer 2 || return 1
	hvsim_new_device && hvsim_new_device || return 1
	logged_times 2 "$HVG_MOD_VMBUS: malformed offer" || return 1
	if [ "$(echo_devices | wc -l)" != 1 ]; then
		ktap_diag "a malformed offer became a device"
		return 1
	fi
	first_ok
}

# run_fails_eio ERE [COUNT]: a run of COUNT (200) packets on the first
# device ends with EIO, the channel is failed and hv_vmbus says why (ERE).
run_fails_eio() {
	echo_run_fails "$g" "Input/output error" "${2:-200}" 1 2000 &&
	state_is "$g" failed && logged "$1"
}

# A single packet: hvsim's next reply would write a valid index again.
f_ring_index() {
	hvsim_fault fault_ring_index 1 || return 1
	run_fails_eio "channel [0-9]+ failed: .*ring index" 1
}

f_bad_trans_id() {
	hvsim_fault fault_bad_trans_id 1 || return 1
	run_fails_eio "channel [0-9]+ failed: completion with a transaction ID never issued"
}

f_bad_packet() {
	hvsim_fault fault_bad_packet 1 || return 1
	run_fails_eio "channel [0-9]+ failed: malformed packet"
}

# The ring GPADL is refused: the probe of a new device fails cleanly.
f_gpadl_fail() {
	hvsim_fault fault_gpadl_fail 1 || return 1
	new_dev || return 1
	_n=$(other_dev)
	wait_for "dmesg_since | grep -q 'cannot open the primary channel'" 30
	logged "host refused GPADL" &&
	logged "vmbus_echo .*cannot open the primary channel" && not_bound "$_n" &&
	state_is "$_n" offered && first_ok
}

f_open_fail() {
	hvsim_fault fault_open_fail 1 || return 1
	new_dev || return 1
	_n=$(other_dev)
	wait_for "dmesg_since | grep -q 'cannot open the primary channel'" 30
	logged "host refused to open channel [0-9]+" && not_bound "$_n" &&
	state_is "$_n" offered && first_ok
}

# Before the ring GPADL's GPADL_CREATED, one for a handle never used and a
# refusal naming the right handle but another relid: both ignored and
# logged (a reply is matched on relid and handle); the device opens on
# the real answer and works.
f_gpadl_stray() {
	hvsim_fault fault_gpadl_stray 1 || return 1
	new_dev && echo_wait_bound 2 || return 1
	logged_times 2 "$HVG_MOD_VMBUS: unexpected GPADL_CREATED" ||
		return 1
	! dmesg_has "host refused GPADL" ||
		{ ktap_diag "a GPADL_CREATED of another relid was taken as the answer"; return 1; }
	echo_traffic "$(other_dev)" 50 1 2000 && first_ok
}

# An OPENCHANNEL_RESULT held back until the guest's next OPENCHANNEL: the
# probe times out and the guest closes the channel the host may have
# opened; the next probe's open is not answered by the stale result (its
# open id differs) but by its own, and the device works.
f_late_reply() {
	{ /bin/echo "$g" >"$DRV/unbind"; } 2>/dev/null || return 1
	hvsim_fault fault_late_reply 6 || return 1
	{ /bin/echo "$g" >"$DRV/bind"; } 2>/dev/null &&
		{ ktap_diag "the probe succeeded without an OPENCHANNEL_RESULT"; return 1; }
	logged "no reply from the host to OPENCHANNEL" &&
		not_bound "$g" || return 1
	{ /bin/echo "$g" >"$DRV/bind"; } 2>/dev/null ||
		{ ktap_diag "the second probe failed"; return 1; }
	logged "$HVG_MOD_VMBUS: OPENCHANNEL_RESULT for relid [0-9]+ open id [0-9]+ answers no open in progress" &&
	wait_for "[ -e $ECHO_DBG/$g/run ]" 20 && first_ok
}

# set_cpu CPU: write CPU to the primary channel's cpu; $SET_ERR the error.
set_cpu() {
	_c=$VMBUS/devices/$g/channels/$(cat "$VMBUS/devices/$g/id")/cpu
	SET_ERR=$( { /bin/echo "$1" >"$_c"; } 2>&1 )
}

# set_cpu_fails ERROR WHY: cpu 1 must fail with ERROR (WHY: what a
# success means)
set_cpu_fails() {
	if set_cpu 1; then
		ktap_diag "cpu 1 succeeded: $2"
		return 1
	fi
	echo "$SET_ERR" | grep -q "$1" ||
		{ ktap_diag "cpu 1 failed with '$SET_ERR', expected '$1'"; return 1; }
}

# A MODIFYCHANNEL_RESPONSE held back past the guest's timeout arrives just
# before the answer to the next MODIFYCHANNEL, which the host refuses: the
# guest takes the refusal, not the stale success (5.3 hosts only).
f_modify_fail() {
	_v=$(cat "$VMBUS/version")
	if [ "$_v" != 5.3 ]; then
		ktap_diag "VMBus $_v has no MODIFYCHANNEL_RESPONSE; nothing to check"
		return 0
	fi
	hvsim_fault fault_late_reply 24 || return 1
	set_cpu_fails "timed out" "without a MODIFYCHANNEL_RESPONSE" || return 1
	hvsim_fault fault_modify_fail 1 || return 1
	set_cpu_fails "Input/output error" \
		"the stale response was taken for the refused request" || return 1
	logged "$HVG_MOD_VMBUS: MODIFYCHANNEL_RESPONSE for relid [0-9]+ late" || return 1
	set_cpu 0 || { ktap_diag "cpu 0 failed: $SET_ERR"; return 1; }
	first_ok
}

# A VERSION_RESPONSE nobody waits for (a late or repeated one) before the
# next offer: ignored and logged; the version stays and the offer is taken.
f_dup_version() {
	_v=$(cat "$VMBUS/version")
	hvsim_fault fault_dup_version 1 || return 1
	new_dev && echo_wait_bound 2 &&
	logged "$HVG_MOD_VMBUS: unexpected VERSION_RESPONSE \(0\) from the host, ignored" || return 1
	[ "$(cat "$VMBUS/version")" = "$_v" ] ||
		{ ktap_diag "version $_v became $(cat "$VMBUS/version")"; return 1; }
	echo_traffic "$(other_dev)" 50 1 2000 && first_ok
}

# Event flags set beside an open channel's for every relid without an open
# channel (a closed one, one never offered): the guest ignores them; the
# closed channel takes no interrupt.
f_stray_event() {
	new_dev && echo_wait_bound 2 || return 1
	_n=$(other_dev)
	{ /bin/echo "$_n" >"$DRV/unbind"; } 2>/dev/null || return 1
	_i=$VMBUS/devices/$_n/channels/$(dev_relid "$_n")/interrupts
	_c=$(cat "$_i") || return 1
	hvsim_fault fault_stray_event 20 || return 1
	first_ok || return 1
	[ "$(cat "$HVSIM_DBG/fault_stray_event")" -lt 20 ] ||
		{ ktap_diag "no event carried stray flags"; return 1; }
	logged "hvsim: fault: event flags of [1-9][0-9]* relids without an open channel" ||
		return 1
	[ "$(cat "$VMBUS/devices/$_n/channels/$(dev_relid "$_n")/state")" = offered ] ||
		{ ktap_diag "$_n: the channel is not closed"; return 1; }
	[ "$(cat "$_i")" = "$_c" ] ||
		{ ktap_diag "the closed channel took interrupts: $_c, now $(cat "$_i")"; return 1; }
	hvsim_fault fault_stray_event 0 && first_ok
}

# ---- driver ------------------------------------------------------------------

KNOBS="drop_msg delay_msg_ms dup_msg corrupt_msg bad_offer ring_index
bad_trans_id gpadl_fail open_fail bad_packet late_reply modify_fail
dup_version stray_event"

fresh_load() {
	hvg_unload || { ktap_diag "rmmod failed"; return 1; }
	hvg_all_unloaded || return 1
	hvg_load_echo "" "" "" || return 1
	echo_traffic "$(echo_dev)" 50 1 2000 || return 1
	hvg_unload
}

ktap_plan $(($(echo "$KNOBS" | wc -w) * 2 + 1))
for k in $KNOBS; do
	if ! hvg_load_echo "" "" ""; then
		ktap_fail "fault_$k: cannot load the modules"
		ktap_fail "fault_$k: modules unload, a fresh load works"
		hvg_unload
		continue
	fi
	g=$(echo_dev)
	if [ ! -e "$HVSIM_DBG/fault_$k" ]; then
		ktap_skip "fault_$k: hvsim has no such knob"
	else
		dmesg_mark
		ktap_check "fault_$k: handled and reported" "f_$k"
	fi
	ktap_check "fault_$k: modules unload, a fresh load works" fresh_load
	hvg_unload >/dev/null 2>&1
done
# Stray GPADL_CREATED replies break nothing: no fresh-load check of its own.
if hvg_load_echo "" "" ""; then
	g=$(echo_dev)
	dmesg_mark
	ktap_check "fault_gpadl_stray: handled and reported" f_gpadl_stray
else
	ktap_fail "fault_gpadl_stray: cannot load the modules"
fi
hvg_unload >/dev/null 2>&1
ktap_done
