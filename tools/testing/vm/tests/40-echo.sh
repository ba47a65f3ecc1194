#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Data path through hvsim's echo service: every payload size up to the
# largest that fits the ring, long runs across ring wrap-around, packets
# that refer to guest pages (GPA direct), with and without monitored
# signalling, over subchannels, and bigger rings.
# hvg-timeout: 1500
. "$HVG_REPO/tools/testing/vm/lib.sh"
. "$HVG_REPO/tools/testing/vm/tests/echo_lib.inc"

# 64 KiB rings: 60 KiB of data; descriptor 16 + payload + trailer 8 must
# stay below it.
MAX=$((61440 - 24 - 8))
SIZES="1 7 8 9 15 16 17 100 1000 4095 4096 4097 16384 32768 $MAX"

# fits SIZE: 20 packets of exactly SIZE bytes, inband then through pages.
fits() {
	echo_traffic "$g" 20 "$1" "$1" inband && echo_traffic "$g" 20 "$1" "$1" gpa
}

latency() {
	echo_traffic "$g" 300 64 64 inband qd=1 || return 1
	_m=$(echo_result "$g" lat_median_ns) _p=$(echo_result "$g" lat_p99_ns)
	[ "$_m" -gt 0 ] && [ "$_p" -ge "$_m" ] && {
		ktap_diag "QD1 round trip: median $_m ns, p99 $_p ns"
		return 0
	}
	ktap_diag "bad latency figures: median '$_m' p99 '$_p'"
	return 1
}

subchannels() {
	if ! { /bin/echo 2 >"$ECHO_DBG/$g/subchannels"; } 2>/tmp/sub.err; then
		ktap_diag "requesting 2 subchannels failed: $(cat /tmp/sub.err)"
		return 1
	fi
	_n=$(cat "$ECHO_DBG/$g/subchannels")
	[ "$_n" = 2 ] || { ktap_diag "$_n subchannels open, expected 2"; return 1; }
	_c=$(find "$VMBUS/devices/$g/channels" -mindepth 1 -maxdepth 1 | wc -l)
	[ "$_c" = 3 ] || { ktap_diag "$_c channel directories, expected 3"; return 1; }
	_ids=$(cat "$VMBUS/devices/$g"/channels/*/subchannel_id | sort -n | tr '\n' ' ')
	[ "$_ids" = "0 1 2 " ] || { ktap_diag "subchannel ids: $_ids"; return 1; }
}

lsvmbus_three_channels() {
	_n=$(lsvmbus -v | grep -c "^	Channel [0-9]*: subchannel_id [0-2], state open")
	[ "$_n" = 3 ] && return 0
	ktap_diag "lsvmbus -v shows $_n open channels, expected 3"
	lsvmbus -v | sed 's/^/# /'
	return 1
}

# Every channel's outbound ring carried packets.
all_channels_used() {
	for _c in "$VMBUS/devices/$g"/channels/*; do
		[ "$(cat "$_c/out_write_index")" != 0 ] && continue
		ktap_diag "channel ${_c##*/} carried no packet"
		return 1
	done
}

# A run killed by a signal stops at once; the next run ignores the
# completions of the killed one that are still in flight.
interrupted() {
	_t0=$(date +%s)
	timeout -s TERM 3 /bin/echo "1000000 1 2048 $1" >"$ECHO_DBG/$g/run"
	_rc=$?
	_t=$(($(date +%s) - _t0))
	if [ "$_rc" != 124 ] || [ "$_t" -gt 10 ]; then
		ktap_diag "killed run: exit status $_rc after $_t s (expected 124 after ~3 s)"
		return 1
	fi
	echo_traffic "$g" 2000 1 2048 "$1"
}

# Malformed run commands are refused with EINVAL.
bad_commands() {
	for _c in "" "abc" "10" "10 1" "0 1 1" "10 0 8" "10 9 8" "10 1 8 bogus" \
		"10 1 8 qd=0" "10 1 8 qd=257" "10 1 8 0" "10 1 8 2" "10 1 8 1 1" \
		"16777217 1 8"; do
		echo_run_fails "$g" "Invalid argument" "$_c" || return 1
	done
}

# Two writers on one device: the runs are serialised and both succeed.
concurrent() {
	bg_run a "$g" 3000 1 2048
	bg_run b "$g" 3000 1 2048 gpa
	for _r in a b; do
		bg_wait "$_r" 120 || return 1
		[ "$BG_RC" = 0 ] && continue
		ktap_diag "run $_r: $BG_ERR"
		return 1
	done
	echo_result_ok "$g" 3000
}

reload() {
	hvg_reload "" "$1" "$2" && echo_wait_bound 1 && g=$(echo_dev) && [ -n "$g" ]
}

# monitor_id_is none|some: as Linux's, monitor_id exists only on a
# monitored channel.
monitor_id_is() {
	_id=$(cat "$VMBUS/devices/$g/monitor_id" 2>/dev/null)
	if [ "$1" = none ] && [ -z "$_id" ]; then return 0; fi
	if [ "$1" = some ] && [ "$_id" -ge 0 ]; then return 0; fi
	ktap_diag "monitor_id is $_id, expected $1"
	return 1
}

NSIZES=$(echo "$SIZES" | wc -w)
ktap_plan $((NSIZES + 21))

if ! reload monitor=1 ""; then
	ktap_diag "cannot load the modules"
	hvg_unload
	ktap_done
fi
for s in $SIZES; do
	ktap_check "payload of $s bytes echoed (inband and gpa)" fits "$s"
done
ktap_check "payload of $((MAX + 1)) bytes refused with EINVAL" \
	echo_run_fails "$g" "Invalid argument" 1 $((MAX + 1)) $((MAX + 1))
ktap_check "100000 packets of 1-2048 bytes, none lost or reordered" \
	echo_traffic "$g" 100000 1 2048
ktap_check "5000 packets of 1-$MAX bytes (ring wraps often)" \
	echo_traffic "$g" 5000 1 "$MAX"
ktap_check "5000 gpa packets of 1-20000 bytes" echo_traffic "$g" 5000 1 20000 gpa
ktap_check "5000 packets, inband and gpa mixed" echo_traffic "$g" 5000 1 9000 mixed
ktap_check "QD1 run records round-trip latency" latency
ktap_check "malformed run commands are refused with EINVAL" bad_commands
ktap_check "an inband run killed by a signal stops; the next is intact" interrupted inband
ktap_check "a gpa run killed by a signal stops; the next is intact" interrupted gpa
ktap_check "two concurrent runs on one device both succeed" concurrent
ktap_check "monitor=1: the channel is monitored" monitor_id_is some

if reload monitor=0 ""; then
	ktap_check "monitor=0: the channel is not monitored" monitor_id_is none
	ktap_check "monitor=0: 20000 packets echoed" echo_traffic "$g" 20000 1 4000 mixed
else
	ktap_fail "monitor=0: the channel is not monitored"
	ktap_fail "monitor=0: 20000 packets echoed"
fi

if reload monitor=1 ""; then
	ktap_check "2 subchannels requested, offered and opened" subchannels
	ktap_check "30000 packets across 3 channels" echo_traffic "$g" 30000 1 4000 mixed 3
	ktap_check "every channel carried traffic" all_channels_used
	ktap_check "lsvmbus -v shows the 3 channels" lsvmbus_three_channels
	ktap_check "channel count beyond those open refused" \
		echo_run_fails "$g" "Invalid argument" 10 1 10 inband 4
else
	ktap_fail "2 subchannels requested, offered and opened"
	ktap_fail "30000 packets across 3 channels"
	ktap_fail "every channel carried traffic"
	ktap_fail "lsvmbus -v shows the 3 channels"
	ktap_fail "channel count beyond those open refused"
fi

BIG=$((262144 - 4096 - 24 - 8))
if reload "" "send_ring_bytes=262144 recv_ring_bytes=262144"; then
	ktap_check "256 KiB rings: payload of $BIG bytes echoed" \
		echo_traffic "$g" 20 "$BIG" "$BIG" inband
	ktap_check "256 KiB rings: 1000 packets of 1-$BIG bytes" \
		echo_traffic "$g" 1000 1 "$BIG" inband
else
	ktap_fail "256 KiB rings: payload of $BIG bytes echoed"
	ktap_fail "256 KiB rings: 1000 packets of 1-$BIG bytes"
fi
hvg_unload
ktap_check "modules unload" hvg_all_unloaded
ktap_done
