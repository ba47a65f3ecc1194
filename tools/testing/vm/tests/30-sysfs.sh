#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# hv_vmbus's sysfs interface on an echo device: every attribute of Linux's
# stable ABI (Documentation/ABI/stable/sysfs-bus-vmbus; formats and modes
# as drivers/hv/vmbus_drv.c has them), Linux's own tools/hv/lsvmbus (taken
# from the linux-source-6.1 package by run-tests.sh), our tools/lsvmbus,
# moving a channel's interrupt (which CPU takes it, under traffic), CPU
# offlining refused under a channel, ring attributes without a ring,
# driver_override and new_id/remove_id.
# hvg-timeout: 600
# hvg-linux-file: tools/hv/lsvmbus
. "$HVG_REPO/tools/testing/vm/lib.sh"
. "$HVG_REPO/tools/testing/vm/tests/echo_lib.inc"

MOUSE_CLASS=cfa8b69e-5b4a-4cc0-b98b-8ba1a1f3f95a
N='[0-9]+'
X='[0-9a-f]'
GUID="$X{8}-$X{4}-$X{4}-$X{4}-$X{12}"

# Device attributes, one per line: NAME MODE ERE (for every line of the value).
DEV_SPEC="id 444 ^[1-9][0-9]*\$
state 444 ^[0-3]\$
class_id 444 ^\\{$GUID\\}\$
device_id 444 ^\\{$GUID\\}\$
modalias 444 ^vmbus:$X{32}\$
numa_node 444 ^-?$N\$
channel_vp_mapping 444 ^$N:$N\$
vendor 444 ^0x$X+\$
device 444 ^0x$X+\$
driver_override 644 ^.+\$
in_intr_mask 444 ^$N\$
in_read_index 444 ^$N\$
in_write_index 444 ^$N\$
in_read_bytes_avail 444 ^$N\$
in_write_bytes_avail 444 ^$N\$
out_intr_mask 444 ^$N\$
out_read_index 444 ^$N\$
out_write_index 444 ^$N\$
out_read_bytes_avail 444 ^$N\$
out_write_bytes_avail 444 ^$N\$"
# Only for a channel with a monitor id (Linux's vmbus_dev_attr_is_visible()).
DEV_MON_SPEC="monitor_id 444 ^$N\$
server_monitor_pending 444 ^-?$N\$
client_monitor_pending 444 ^-?$N\$
server_monitor_latency 444 ^$N\$
client_monitor_latency 444 ^$N\$
server_monitor_conn_id 444 ^$N\$
client_monitor_conn_id 444 ^$N\$"
# channels/<relid>/: Linux's, then ours (state, ring indices).
CHAN_SPEC="cpu 644 ^$N\$
in_mask 444 ^[01]\$
out_mask 444 ^[01]\$
read_avail 444 ^$N\$
write_avail 444 ^$N\$
events 444 ^$N\$
interrupts 444 ^$N\$
intr_in_full 444 ^$N\$
intr_out_empty 444 ^$N\$
out_full_first 444 ^$N\$
out_full_total 444 ^$N\$
subchannel_id 444 ^$N\$
state 444 ^(offered|opening|open|closing|failed)\$
in_read_index 444 ^$N\$
in_write_index 444 ^$N\$
out_read_index 444 ^$N\$
out_write_index 444 ^$N\$"
CHAN_MON_SPEC="monitor_id 444 ^$N\$
pending 444 ^-?$N\$
latency 444 ^$N\$"

# spec_ok DIR SPEC: each attribute has its mode and every line its format.
spec_ok() {
	_bad=
	_spec=$(mktemp)
	echo "$2" >"$_spec"
	while read -r _a _m _re; do
		_f=$1/$_a
		if [ ! -f "$_f" ]; then
			_bad="$_bad $_a(missing)"
			continue
		fi
		_mode=$(stat -c %a "$_f")
		[ "$_mode" = "$_m" ] || _bad="$_bad $_a(mode $_mode)"
		if ! _v=$(cat "$_f" 2>/dev/null) || [ -z "$_v" ]; then
			_bad="$_bad $_a(unreadable)"
		elif echo "$_v" | grep -qvE "$_re"; then
			_bad="$_bad $_a('$(echo "$_v" | head -n 2 | tr '\n' ' ')')"
		fi
	done <"$_spec"
	rm -f "$_spec"
	[ -z "$_bad" ] && return 0
	ktap_diag "$1:$_bad"
	return 1
}

# absent DIR SPEC: none of the attributes exists.
absent() {
	_bad=
	for _a in $(echo "$2" | cut -d' ' -f1); do
		[ ! -e "$1/$_a" ] || _bad="$_bad $_a"
	done
	[ -z "$_bad" ] && return 0
	ktap_diag "$1: present without a monitor id:$_bad"
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

# The host's view of a channel: a field of its line in hvsim's devices.
host_field() {	# RELID FIELD
	sed -n "s/^relid=$1 .* $2=\([^ ]*\).*/\1/p" "$HVSIM_DBG/devices"
}

bus_ok() {
	is "$VMBUS/backend" hvsim && matches "$VMBUS/version" '^[0-9]+\.[0-9]+$' &&
		spec_ok "$VMBUS" "hibernation 444 ^0\$"
}

# One "Hyper-V set-up:" line at load, naming the set-up; no Hyper-V here, so
# none, and the backend is the simulated host.
setup_line_ok() {
	_l=$(dmesg_since | grep -a "$HVG_MOD_VMBUS: Hyper-V set-up: ")
	[ "$(echo "$_l" | grep -ac .)" -eq 1 ] ||
		{ ktap_diag "expected one 'Hyper-V set-up:' line, got: $_l"; return 1; }
	echo "$_l" | grep -q 'set-up: none, no Hyper-V hypervisor found' ||
		{ ktap_diag "set-up line '$_l' does not say none"; return 1; }
	is "$VMBUS/backend" hvsim
}

guid_named() {
	echo "$g" | grep -qE "^$GUID\$" && return 0
	ktap_diag "device directory '$g' is not a GUID"
	return 1
}

dev_attrs_ok() {
	spec_ok "$dev" "$DEV_SPEC" && spec_ok "$dev" "$DEV_MON_SPEC"
}

# new_id and remove_id are write-only.
drv_attrs_ok() {
	for _a in new_id remove_id; do
		_mode=$(stat -c %a "$VMBUS/drivers/vmbus_echo/$_a" 2>/dev/null)
		[ "$_mode" = 200 ] ||
			{ ktap_diag "vmbus_echo/$_a: mode '$_mode', expected 200"; return 1; }
	done
}

chan_attrs_ok() {
	spec_ok "$chan" "$CHAN_SPEC" && spec_ok "$chan" "$CHAN_MON_SPEC" &&
		drv_attrs_ok
}

# The monitor id is the host's, and ours/the host's page agree on the connection.
monitor_ok() {
	_m=$(host_field "$relid" monitor)
	is "$dev/monitor_id" "$_m" && is "$chan/monitor_id" "$_m"
}

ids_ok() {
	is "$dev/vendor" 0x1414 && is "$dev/device" 0x10 &&
		is "$dev/driver_override" "(null)"
}

vp_mapping_ok() {
	is "$dev/channel_vp_mapping" "$relid:$(cat "$chan/cpu")"
}

primary_chan_ok() {
	is "$chan/subchannel_id" 0 && is "$chan/state" open
}

# Linux's lsvmbus lists every device, and the echo device with its channel.
linux_lsvmbus() {
	_tool=${HVG_LINUX_SRC:-/nonexistent}/tools/hv/lsvmbus
	if [ ! -f "$_tool" ]; then
		ktap_diag "no $_tool (run-tests.sh extracts it from /usr/src/linux-source-6.1.tar.xz)"
		return 1
	fi
	_out=$(python3 "$_tool" -vv 2>&1) || { ktap_diag "lsvmbus failed: $_out"; return 1; }
	set -- "$VMBUS"/devices/*
	_ndev=$#
	_nlisted=$(echo "$_out" | grep -c '^VMBUS ID ')
	_cpu=$(cat "$chan/cpu")
	if [ "$_nlisted" = "$_ndev" ] &&
	   echo "$_out" | grep -qx "VMBUS ID *$relid: Class_ID = {$ECHO_CLASS} - Unknown" &&
	   echo "$_out" | grep -qx "$(printf '\tDevice_ID = {%s}' "$g")" &&
	   echo "$_out" | grep -qx "$(printf '\tSysfs path: %s' "$VMBUS/devices/$g")" &&
	   echo "$_out" | grep -qx "$(printf '\tRel_ID=%s, target_cpu=%s' "$relid" "$_cpu")"; then
		return 0
	fi
	ktap_diag "$_ndev devices; Linux's lsvmbus -vv printed:"
	echo "$_out" | sed 's/^/# /'
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
	_chan="Channel $relid: subchannel_id 0, state open, cpu $_n, monitor_id $_n"
	_ring="read_index $_n, write_index $_n"
	echo "$_out" | grep -q "^	$_chan\$" &&
	echo "$_out" | grep -q "^		interrupts $_n, events $_n\$" &&
	echo "$_out" | grep -q "^		in:  $_ring, read_avail $_n, interrupt_mask $_n\$" &&
	echo "$_out" | grep -q "^		out: $_ring, write_avail $_n, interrupt_mask $_n\$" && return 0
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
	is "$chan/read_avail" 0
}

# ring (root only) maps the rings: the outbound ring's header comes first.
ring_maps() {
	_mode=$(stat -c %a "$chan/ring" 2>/dev/null)
	[ "$_mode" = 600 ] || { ktap_diag "ring: mode '$_mode', expected 600"; return 1; }
	_hdr=$(python3 -c '
import mmap, struct, sys
with open(sys.argv[1], "r+b") as f:
	m = mmap.mmap(f.fileno(), mmap.PAGESIZE)
	print("%u %u" % struct.unpack("<II", m[:8]))
' "$chan/ring" 2>&1)
	_want="$(cat "$chan/out_write_index") $(cat "$chan/out_read_index")"
	[ "$_hdr" = "$_want" ] && return 0
	ktap_diag "ring header (write_index read_index): '$_hdr', expected '$_want'"
	return 1
}

counter() {	# NAME
	cat "$chan/$1"
}

# Traffic moved the counters: the host signalled us and we signalled it.
counters_moved() {
	_i0=$1 _e0=$2
	_i=$(counter interrupts) _e=$(counter events) _o=$(counter intr_out_empty)
	_ff=$(counter out_full_first) _ft=$(counter out_full_total)
	if [ "$_i" -gt "$_i0" ] && [ "$_e" -gt "$_e0" ] && [ "$_o" -gt 0 ] &&
	   [ "$_o" -le "$_e" ] && [ "$_ff" -le "$_ft" ]; then
		return 0
	fi
	ktap_diag "interrupts $_i0 -> $_i, events $_e0 -> $_e, intr_out_empty $_o, out_full_first $_ff, out_full_total $_ft"
	return 1
}

# move_cpu CPU: the channel, the mapping and the host all say CPU.
move_cpu() {
	if ! { /bin/echo "$1" >"$chan/cpu"; } 2>/dev/null; then
		ktap_diag "writing $1 to cpu failed"
		return 1
	fi
	is "$chan/cpu" "$1" && vp_mapping_ok || return 1
	_vp=$(host_field "$relid" vp)
	[ "$_vp" = "$1" ] && return 0
	ktap_diag "hvsim signals the channel on VP '$_vp', expected $1"
	return 1
}

# Which CPU takes the channel's interrupts: a kprobe on hv_vmbus's
# hvg_chan_event(relid), which counts them (interrupts), records the CPU of
# each in the trace.  /proc/interrupts cannot tell: under hvsim the VMBus
# interrupt comes as an irq_work or function call IPI, a few per echo run
# against a hundred or more others on each CPU.
TRACE=/sys/kernel/debug/tracing
KPROBE="p:hvg_irq hvg_chan_event relid=%di:u32"

# chan_irqs_on CPU: the channel's interrupts CPU took since the trace began.
chan_irqs_on() {
	grep -c " relid=$relid\$" "$TRACE/per_cpu/cpu$1/trace"
}

# traffic_on_cpu CPU: echo traffic now interrupts that CPU: the host
# signals its VP, CPU takes every interrupt of the channel and the other
# CPU none, and interrupts, events and intr_out_empty move.
traffic_on_cpu() {
	_i0=$(counter interrupts) _e0=$(counter events)
	_o0=$(counter intr_out_empty)
	{ echo "$KPROBE" >>"$TRACE/kprobe_events" &&
		: >"$TRACE/trace" &&
		/bin/echo 1 >"$TRACE/events/kprobes/hvg_irq/enable"; } ||
		{ ktap_diag "cannot trace hvg_chan_event"; return 1; }
	echo_traffic "$g" 200 1 3000
	_rc=$?
	/bin/echo 0 >"$TRACE/events/kprobes/hvg_irq/enable"
	_on=$(chan_irqs_on "$1") _off=$(chan_irqs_on $((1 - $1)))
	echo "-:hvg_irq" >>"$TRACE/kprobe_events"
	[ "$_rc" = 0 ] || return 1
	_i=$(counter interrupts) _e=$(counter events) _o=$(counter intr_out_empty)
	_vp=$(host_field "$relid" vp)
	if [ "$_vp" = "$1" ] && [ "$_on" -gt 0 ] && [ "$_off" = 0 ] &&
	   [ "$_i" -gt "$_i0" ] && [ "$_e" -gt "$_e0" ] && [ "$_o" -gt "$_o0" ]; then
		return 0
	fi
	ktap_diag "host VP $_vp; channel interrupts taken by CPU$1 $_on, by the other $_off; interrupts $_i0 -> $_i, events $_e0 -> $_e, intr_out_empty $_o0 -> $_o"
	return 1
}

bad_cpu_refused() {
	_before=$(cat "$chan/cpu")
	_err=$( { /bin/echo 4096 >"$chan/cpu"; } 2>&1 ) && {
		ktap_diag "cpu accepted CPU 4096"
		return 1
	}
	echo "$_err" | grep -q "Invalid argument" ||
		{ ktap_diag "cpu 4096 failed with '$_err', expected EINVAL"; return 1; }
	is "$chan/cpu" "$_before"
}

# Moving the channel back and forth during a run loses nothing.
move_during_run() {
	bg_run move "$g" 20000 1 2048
	for _i in 1 2 3 4 5 6; do
		sleep 0.5
		{ /bin/echo $((_i % 2)) >"$chan/cpu"; } 2>/dev/null ||
			ktap_diag "moving to CPU $((_i % 2)) failed"
	done
	bg_wait move 300 || return 1
	[ "$BG_RC" = 0 ] || { ktap_diag "run failed: $BG_ERR"; return 1; }
	echo_result_ok "$g" 20000
}

CPU1=/sys/devices/system/cpu/cpu1/online

# cpu1_online: put CPU 1 back online (after a check that took it down).
cpu1_online() {
	[ "$(cat "$CPU1")" = 1 ] || /bin/echo 1 >"$CPU1"
}

# As Linux's hv_synic_cleanup(): a CPU a channel targets cannot go offline.
offline_refused() {
	_err=$( { /bin/echo 0 >"$CPU1"; } 2>&1 ) && {
		ktap_diag "CPU 1 went offline under the channel"
		cpu1_online
		return 1
	}
	echo "$_err" | grep -q "Device or resource busy" ||
		{ ktap_diag "offlining CPU 1 failed with '$_err', expected EBUSY"; return 1; }
	is "$CPU1" 1 && is "$chan/cpu" 1 && echo_traffic "$g" 20 1 2000
}

# With no channel on it CPU 1 goes offline; a channel cannot move there
# while it is down, and can again once it is back.
offline_free_cpu() {
	grep -q ':1$' "$VMBUS"/devices/*/channel_vp_mapping &&
		{ ktap_diag "a channel targets CPU 1"; return 1; }
	/bin/echo 0 >"$CPU1" || { ktap_diag "CPU 1 did not go offline"; return 1; }
	_err=$( { /bin/echo 1 >"$chan/cpu"; } 2>&1 )
	_rc=$?
	cpu1_online || { ktap_diag "CPU 1 did not come back"; return 1; }
	if [ "$_rc" = 0 ] || ! echo "$_err" | grep -q "Invalid argument"; then
		ktap_diag "cpu 1 with CPU 1 offline: '$_err' (rc $_rc), expected EINVAL"
		return 1
	fi
	is "$chan/cpu" 0 && move_cpu 1 && echo_traffic "$g" 20 1 2000 && move_cpu 0
}

# DEV_RING and CHAN_RING: the ring attributes, which fail with EINVAL
# without an open channel (Linux's hv_ringbuffer_get_debuginfo()).
DEV_RING="in_intr_mask in_read_index in_write_index in_read_bytes_avail
in_write_bytes_avail out_intr_mask out_read_index out_write_index
out_read_bytes_avail out_write_bytes_avail"
CHAN_RING="in_mask out_mask read_avail write_avail in_read_index
in_write_index out_read_index out_write_index"

# rings_einval: every ring attribute of the device and its channel fails
# with EINVAL.
rings_einval() {
	_bad=
	for _f in $(echo "$DEV_RING" | sed "s|^|$dev/|;s| | $dev/|g") \
		  $(echo "$CHAN_RING" | sed "s|^|$chan/|;s| | $chan/|g"); do
		_err=$(cat "$_f" 2>&1) && _bad="$_bad ${_f#"$dev"/}='$_err'" ||
			echo "$_err" | grep -q "Invalid argument" ||
			_bad="$_bad ${_f#"$dev"/}($_err)"
	done
	[ -z "$_bad" ] && return 0
	ktap_diag "without an open channel:$_bad"
	return 1
}

# Unbound (channel closed, rings freed), every ring attribute fails with
# EINVAL, as in Linux; bound again, they work.
unbound_rings_einval() {
	_echo_drv=$VMBUS/drivers/vmbus_echo
	/bin/echo "$g" >"$_echo_drv/unbind" && bound_to "$dev" none &&
		rings_einval || return 1
	/bin/echo "$g" >"$_echo_drv/bind" && bound_to "$dev" vmbus_echo &&
		echo_wait_bound 1 && matches "$dev/in_read_index" "^$N\$"
}

bound_to() {	# DEVDIR DRIVER|none
	_drv=none
	[ ! -e "$1/driver" ] || _drv=$(basename "$(readlink "$1/driver")")
	[ "$_drv" = "$2" ] && return 0
	ktap_diag "${1##*/} is bound to $_drv, expected $2"
	return 1
}

unbind() {	# DEVDIR
	[ -e "$1/driver" ] || return 0
	/bin/echo "${1##*/}" >"$1/driver/unbind"
}

probe() {	# DEVDIR
	/bin/echo "${1##*/}" >"$VMBUS/drivers_probe" 2>/dev/null
	sleep 1
}

# driver_override: another name keeps the device from its driver; the
# driver's name binds it; clearing it restores the class match.
override_binds() {
	unbind "$dev" && bound_to "$dev" none || return 1
	/bin/echo hv_no_such_driver >"$dev/driver_override" &&
		is "$dev/driver_override" hv_no_such_driver || return 1
	probe "$dev"
	bound_to "$dev" none || return 1
	# Only the name up to the first newline counts (driver_set_override()).
	printf 'vmbus_echo\nhv_no_such_driver\n' >"$dev/driver_override" &&
		is "$dev/driver_override" vmbus_echo && probe "$dev"
	bound_to "$dev" vmbus_echo || return 1
	/bin/echo >"$dev/driver_override" && is "$dev/driver_override" "(null)" || return 1
	unbind "$dev" && probe "$dev" && bound_to "$dev" vmbus_echo &&
		echo_wait_bound 1 && echo_traffic "$g" 50 1 2000
}

mouse_dev() {
	for _d in "$VMBUS"/devices/*; do
		[ "$(cat "$_d/class_id" 2>/dev/null)" = "{$MOUSE_CLASS}" ] && echo "$_d"
	done | head -n 1
}

# new_id binds the echo driver to a mouse device (no mouse driver here);
# remove_id forgets it; driver_override binds a device of another class.
new_id_binds() {
	{ /bin/echo mouse >"$HVSIM_DBG/new_device"; } 2>/dev/null ||
		{ ktap_diag "cannot add a mouse device"; return 1; }
	# shellcheck disable=SC2016 # wait_for evaluates it
	wait_for '[ -n "$(mouse_dev)" ]' 20 || { ktap_diag "no mouse device"; return 1; }
	_m=$(mouse_dev)
	bound_to "$_m" none && is "$_m/device" 0x8 || return 1
	_d=$VMBUS/drivers/vmbus_echo
	/bin/echo "$MOUSE_CLASS" >"$_d/new_id" ||
		{ ktap_diag "new_id refused the mouse class"; return 1; }
	wait_for "[ -e $_m/driver ]" 10
	bound_to "$_m" vmbus_echo || return 1
	if { /bin/echo "$MOUSE_CLASS" >"$_d/new_id"; } 2>/dev/null; then
		ktap_diag "new_id took the same class twice"
		return 1
	fi
	unbind "$_m" && /bin/echo "$MOUSE_CLASS" >"$_d/remove_id" || return 1
	if { /bin/echo "$MOUSE_CLASS" >"$_d/remove_id"; } 2>/dev/null; then
		ktap_diag "remove_id removed a class it no longer had"
		return 1
	fi
	probe "$_m"
	bound_to "$_m" none || return 1
	/bin/echo vmbus_echo >"$_m/driver_override" && probe "$_m"
	bound_to "$_m" vmbus_echo || return 1
	unbind "$_m" && bound_to "$_m" none
}

# Before VMBus 4.1 there is no MODIFYCHANNEL: cpu refuses with EIO; and
# without a monitor id the monitor attributes do not exist.
# reload_echo HVSIM_PARAMS: reload with them, wait for the echo device and
# set g, dev, relid, chan to it.
reload_echo() {
	if ! hvg_reload "" "$1" "" || ! echo_wait_bound 1; then
		ktap_diag "reload with $1 failed"
		return 1
	fi
	g=$(echo_dev)
	dev=$VMBUS/devices/$g
	relid=$(cat "$dev/id")
	chan=$dev/channels/$relid
}

# cpu1_refused ERROR: writing 1 to cpu fails with ERROR (strerror text).
cpu1_refused() {
	_err=$( { /bin/echo 1 >"$chan/cpu"; } 2>&1 ) && {
		ktap_diag "cpu 1 accepted"
		return 1
	}
	echo "$_err" | grep -q "$1" ||
		{ ktap_diag "cpu 1 failed with '$_err', expected $1"; return 1; }
}

old_host() {
	reload_echo "host_version=4.0 monitor=0" || return 1
	absent "$dev" "$DEV_MON_SPEC" && absent "$chan" "$CHAN_MON_SPEC" || return 1
	cpu1_refused "Input/output error" &&
		is "$chan/cpu" 0 && echo_traffic "$g" 50 1 2000
}

# hvsim's test mode of hv_vmbus's own Hyper-V set-up: only CPU 0 gets a
# SynIC; the channel stays on CPU 0 and cannot be moved (EINVAL).
one_cpu() {
	reload_echo "one_cpu=1" && is "$chan/cpu" 0 &&
		cpu1_refused "Invalid argument" && is "$chan/cpu" 0 &&
		[ "$(host_field "$relid" vp)" = 0 ] && echo_traffic "$g" 50 1 2000
}

ktap_plan 35
dmesg_mark
if ! hvg_load_echo "" "" ""; then
	ktap_diag "cannot load the modules: skipping the rest"
	hvg_unload
	ktap_done
fi
g=$(echo_dev)
dev=$VMBUS/devices/$g
relid=$(cat "$dev/id" 2>/dev/null)
chan=$dev/channels/$relid

ktap_check "bus: version, backend, hibernation 0" bus_ok
ktap_check "one 'Hyper-V set-up:' line at load: none; backend hvsim" setup_line_ok
ktap_check "device directory named after the instance GUID" guid_named
ktap_check "device: every stable-ABI attribute, with its mode and format" dev_attrs_ok
ktap_check "channels/$relid: every stable-ABI attribute, ours; new_id/remove_id" chan_attrs_ok
ktap_check "monitor_id is the host's" monitor_ok
ktap_check "class_id is the echo class GUID in braces" is "$dev/class_id" "{$ECHO_CLASS}"
ktap_check "device_id is the instance GUID in braces" is "$dev/device_id" "{$g}"
ktap_check "state is 3 (Linux's CHANNEL_OPENED_STATE) while bound" is "$dev/state" 3
ktap_check "modalias is vmbus: and the class GUID's 16 bytes in hex" \
	is "$dev/modalias" "$ECHO_MODALIAS"
ktap_check "uevent has MODALIAS" grep -qx "MODALIAS=$ECHO_MODALIAS" "$dev/uevent"
ktap_check "vendor 0x1414, device 0x10 (unknown class), no driver_override" ids_ok
ktap_check "channel_vp_mapping is relid:cpu" vp_mapping_ok
ktap_check "channels/$relid: subchannel_id 0, state open" primary_chan_ok
ktap_check "Linux's tools/hv/lsvmbus -vv lists every device and the channel's CPU" \
	linux_lsvmbus
ktap_check "lsvmbus lists the echo device with its class name" lsvmbus_lists
ktap_check "lsvmbus -v prints the channel, its counters and ring state" lsvmbus_verbose
i0=$(counter interrupts) e0=$(counter events)
ktap_check "100 packets echoed" echo_traffic "$g" 100 1 3000
ktap_check "interrupts, events and intr_out_empty counted the traffic" \
	counters_moved "$i0" "$e0"
ktap_check "ring indices moved and the rings are drained" rings_drained
ktap_check "ring (0600) maps the outbound ring's header" ring_maps
ktap_check "cpu 1 moves the channel (cpu, channel_vp_mapping, host VP)" move_cpu 1
ktap_check "echo on CPU 1: VP 1 signals, CPU 1 takes the interrupts, counters move" \
	traffic_on_cpu 1
ktap_check "offlining CPU 1 while the channel targets it fails with EBUSY" \
	offline_refused
ktap_check "cpu refuses CPU 4096 with EINVAL" bad_cpu_refused
ktap_check "cpu 0 moves it back" move_cpu 0
ktap_check "echo on CPU 0: VP 0 signals, CPU 0 takes the interrupts, counters move" \
	traffic_on_cpu 0
ktap_check "CPU 1 without channels goes offline (cpu 1: EINVAL) and back" \
	offline_free_cpu
ktap_check "cpu changes during a run lose no packet" move_during_run
ktap_check "unbound: the ring attributes fail with EINVAL" \
	unbound_rings_einval
ktap_check "driver_override keeps a device from its driver, binds it; first line only" \
	override_binds
ktap_check "new_id/remove_id and driver_override bind a device of another class" \
	new_id_binds
ktap_check "VMBus 4.0 without monitor: cpu refuses (EIO), no monitor attributes" old_host
ktap_check "interrupts on CPU 0 only (own set-up): channel on CPU 0, cpu 1 refused" one_cpu
hvg_unload
ktap_check "after unload, lsvmbus exits 1 with a message" lsvmbus_no_bus
ktap_done
