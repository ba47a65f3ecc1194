#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# hv_vmbus's sysfs interface and lsvmbus, on an echo device.
# hvg-timeout: 600
. "$HVG_REPO/tools/testing/vm/lib.sh"
. "$HVG_REPO/tools/testing/vm/tests/echo_lib.inc"

RING_ATTRS="read_index write_index read_bytes_avail write_bytes_avail intr_mask"
DEV_ATTRS="class_id device_id id state monitor_id modalias target_cpu"
CHAN_ATTRS="target_cpu subchannel_id monitor_id state"
for a in $RING_ATTRS; do
	DEV_ATTRS="$DEV_ATTRS in_$a out_$a"
	CHAN_ATTRS="$CHAN_ATTRS in_$a out_$a"
done

# has_attrs DIR ATTR...: every attribute exists and can be read.
has_attrs() {
	_dir=$1
	shift
	_missing=
	for _a in "$@"; do
		cat "$_dir/$_a" >/dev/null 2>&1 || _missing="$_missing $_a"
	done
	[ -z "$_missing" ] && return 0
	ktap_diag "$_dir: missing or unreadable:$_missing"
	return 1
}

# is FILE VALUE
is() {
	_v=$(cat "$1" 2>/dev/null)
	[ "$_v" = "$2" ] && return 0
	ktap_diag "$1 is '$_v', expected '$2'"
	return 1
}

matches() {
	_v=$(cat "$1" 2>/dev/null)
	echo "$_v" | grep -qE "$2" && return 0
	ktap_diag "$1 is '$_v', expected to match $2"
	return 1
}

lsvmbus_lists() {
	_out=$(lsvmbus)
	_head="VMBUS ID $relid: Class_ID = {$ECHO_CLASS} - hvsim echo test device"
	echo "$_out" | grep -qx "$_head" &&
	echo "$_out" | grep -qx "$(printf '\tDevice_ID = {%s}' "$g")" &&
	echo "$_out" | grep -qx "$(printf '\tTarget CPU = [0-9]*')" && return 0
	ktap_diag "lsvmbus printed:"
	echo "$_out" | sed 's/^/# /'
	return 1
}

lsvmbus_verbose() {
	_out=$(lsvmbus -v)
	_n='[0-9]*'
	_chan="Channel $relid: subchannel_id 0, state open, target_cpu $_n, monitor_id -\{0,1\}$_n"
	_ring="read_index $_n, write_index $_n, read_bytes_avail $_n, write_bytes_avail $_n"
	_ring="$_ring, interrupt_mask $_n"
	echo "$_out" | grep -q "^	$_chan\$" &&
	echo "$_out" | grep -q "^		in:  $_ring\$" &&
	echo "$_out" | grep -q "^		out: $_ring\$" && return 0
	ktap_diag "lsvmbus -v printed:"
	echo "$_out" | sed 's/^/# /'
	return 1
}

lsvmbus_no_bus() {
	lsvmbus >/dev/null 2>/tmp/lsvmbus.err
	_rc=$?
	[ "$_rc" = 1 ] && grep -q "does not exist" /tmp/lsvmbus.err && return 0
	ktap_diag "lsvmbus exited $_rc: $(cat /tmp/lsvmbus.err)"
	return 1
}

bus_ok() {
	is "$VMBUS/backend" hvsim && matches "$VMBUS/version" '^[0-9]+\.[0-9]+$'
}

guid_named() {
	_x='[0-9a-f]'
	echo "$g" | grep -qE "^$_x{8}-$_x{4}-$_x{4}-$_x{4}-$_x{12}\$" && return 0
	ktap_diag "device directory '$g' is not a GUID"
	return 1
}

primary_chan_ok() {
	is "$dev/channels/$relid/subchannel_id" 0 && is "$dev/channels/$relid/state" open
}

# After traffic has drained, each ring's indices are equal (empty ring)
# and have moved away from 0 (packets went through).
rings_drained() {
	for _d in out in; do
		_r=$(cat "$dev/${_d}_read_index") _w=$(cat "$dev/${_d}_write_index")
		_a=$(cat "$dev/${_d}_read_bytes_avail")
		if [ "$_r" != "$_w" ] || [ "$_a" != 0 ] || [ "$_w" = 0 ]; then
			ktap_diag "$_d ring: read_index $_r write_index $_w read_bytes_avail $_a"
			return 1
		fi
	done
}

move_cpu() {
	if ! { /bin/echo "$1" >"$dev/target_cpu"; } 2>/dev/null; then
		ktap_diag "writing $1 to target_cpu failed"
		return 1
	fi
	is "$dev/target_cpu" "$1" && is "$dev/channels/$relid/target_cpu" "$1"
}

# Moving the channel back and forth during a run loses nothing.
move_during_run() {
	bg_run move "$g" 20000 1 2048
	for _i in 1 2 3 4 5 6; do
		sleep 0.5
		{ /bin/echo $((_i % 2)) >"$dev/target_cpu"; } 2>/dev/null ||
			ktap_diag "moving to CPU $((_i % 2)) failed"
	done
	bg_wait move 300 || return 1
	[ "$BG_RC" = 0 ] || { ktap_diag "run failed: $BG_ERR"; return 1; }
	echo_result_ok "$g" 20000
}

bad_cpu_refused() {
	_before=$(cat "$dev/target_cpu")
	if { /bin/echo 4096 >"$dev/target_cpu"; } 2>/dev/null; then
		ktap_diag "target_cpu accepted CPU 4096"
		return 1
	fi
	is "$dev/target_cpu" "$_before"
}

ktap_plan 21
if ! hvg_load_echo "" "" ""; then
	ktap_diag "cannot load the modules: skipping the rest"
	hvg_unload
	ktap_done
fi
g=$(echo_dev)
dev=$VMBUS/devices/$g
relid=$(cat "$dev/id" 2>/dev/null)

ktap_check "bus: version and backend" bus_ok
ktap_check "device directory named after the instance GUID" guid_named
# shellcheck disable=SC2086 # attribute lists
ktap_check "device has every documented attribute" has_attrs "$dev" $DEV_ATTRS
# shellcheck disable=SC2086
ktap_check "channels/$relid has every documented attribute" \
	has_attrs "$dev/channels/$relid" $CHAN_ATTRS
ktap_check "class_id is the echo class GUID in braces" is "$dev/class_id" "{$ECHO_CLASS}"
ktap_check "device_id is the instance GUID in braces" is "$dev/device_id" "{$g}"
ktap_check "id is a relid" matches "$dev/id" '^[1-9][0-9]*$'
ktap_check "state is open while the driver is bound" is "$dev/state" open
ktap_check "modalias is vmbus: and the class GUID's 16 bytes in hex" \
	is "$dev/modalias" "$ECHO_MODALIAS"
ktap_check "uevent has MODALIAS" grep -qx "MODALIAS=$ECHO_MODALIAS" "$dev/uevent"
ktap_check "channels/$relid: subchannel_id 0, state open" primary_chan_ok
ktap_check "lsvmbus lists the echo device with its class name" lsvmbus_lists
ktap_check "lsvmbus -v prints the channel and its ring state" lsvmbus_verbose
ktap_check "100 packets echoed" echo_traffic "$g" 100 1 3000
ktap_check "ring indices moved and the rings are drained" rings_drained
ktap_check "target_cpu 1 moves the channel (read back on device and channel)" move_cpu 1
ktap_check "echo works on CPU 1" echo_traffic "$g" 100 1 3000
ktap_check "target_cpu refuses CPU 4096" bad_cpu_refused
ktap_check "target_cpu 0 moves it back" move_cpu 0
ktap_check "target_cpu changes during a run lose no packet" move_during_run
hvg_unload
ktap_check "after unload, lsvmbus exits 1 with a message" lsvmbus_no_bus
ktap_done
