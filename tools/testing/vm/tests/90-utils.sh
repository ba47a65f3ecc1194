#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Integration components (hv_utils) against hvsim's IC hosts: version
# negotiation, heartbeat, time sync (stepping, slewing small samples,
# disabled),
# shutdown and reboot requests (the orderly shutdown reaches userspace),
# and malformed messages from the host.
# hvg-timeout: 600
. "$HVG_REPO/tools/testing/vm/lib.sh"
. "$HVG_REPO/tools/testing/vm/tests/utils_lib.inc"

ktap_plan 24

if ! utils_load; then
	ktap_fail "load hv_vmbus, hvsim and hv_utils"
	ktap_done
fi

# OpenVMM has no heartbeat host: the heartbeat checks then run against a
# Hyper-V heartbeat device beside the OpenVMM ones.
HB_PERS=
[ "${HVG_PERSONALITY:-}" = openvmm ] && HB_PERS=personality=azure

no_heartbeat() {
	! echo heartbeat >"$HVSIM_DBG/new_device" 2>/dev/null &&
		dmesg_has "hvsim: OpenVMM offers no heartbeat integration component"
}
if [ -n "$HB_PERS" ]; then
	ktap_check "OpenVMM offers no heartbeat device" no_heartbeat
else
	ktap_skip "OpenVMM offers no heartbeat device (personality ${HVG_PERSONALITY:-azure})"
fi

hb=$(hvsim_new heartbeat interval_ms=200 $HB_PERS)
sd=$(hvsim_new shutdown)
ts=$(hvsim_new timesync interval_ms=0)

# ---- negotiation ---------------------------------------------------------

negotiated() {	# DEV GUESTDIR FW VERSION
	wait_field "$HVSIM_DBG/dev$1/state" version "$4" || {
		ktap_diag "host dev$1: version '$(host_field "$1" version)', expected $4"
		return 1
	}
	[ "$(host_field "$1" framework)" = "$3" ] &&
		[ "$(guest_field "$2" framework)" = "$3" ] &&
		[ "$(guest_field "$2" version)" = "$4" ] || {
		ktap_diag "$2: guest $(guest_field "$2" framework)/$(guest_field "$2" version), host $(host_field "$1" framework)"
		return 1
	}
}

defaults() {
	negotiated "$hb" heartbeat 3.0 3.0 && negotiated "$sd" shutdown 3.0 3.2 &&
		negotiated "$ts" timesync 3.0 4.0 &&
		dmesg_has "heartbeat IC: framework 3.0, service version 3.0"
}
ktap_check "negotiation picks the newest common versions" defaults

older() {
	_d=$(hvsim_new heartbeat fw=1.0 versions=2.0,1.0 interval_ms=0 $HB_PERS)
	_g=$(ls -d "$UTILS_DBG"/heartbeat-* 2>/dev/null | head -n 1)
	negotiated "$_d" "${_g##*/}" 1.0 1.0
}
ktap_check "an older host gets framework 1.0 and service 1.0" older

refused() {	# ARGS...
	_d=$(hvsim_new heartbeat interval_ms=0 $HB_PERS "$@")
	wait_field "$HVSIM_DBG/dev$_d/state" refused 1 || return 1
	[ "$(host_field "$_d" version)" = 0.0 ] &&
		[ "$(host_field "$_d" last_status)" = 0x80004005 ]
}
ktap_check "no common service version: the guest answers with no version" \
	refused versions=9.0
ktap_check "no common framework version: the guest answers with no version" \
	refused fw=2.0
ktap_check "the refusals are logged" \
	dmesg_has "no common service version with the host, refused"

# ---- heartbeat -----------------------------------------------------------

beats() {
	_b0=$(cat "$HVSIM_DBG/dev$hb/heartbeat")
	sleep 2
	_b1=$(cat "$HVSIM_DBG/dev$hb/heartbeat")
	[ "$_b1" -gt "$_b0" ] && [ "$(host_field "$hb" wrong)" = 0 ] &&
		[ "$(guest_field heartbeat last_seq)" -gt 0 ] || {
		ktap_diag "heartbeat counter $_b0 -> $_b1, wrong $(host_field "$hb" wrong)"
		return 1
	}
}
ktap_check "the heartbeat counter advances (answers carry seq + 1)" beats

# Hosts send 16 bytes (sequence number, state, reserved), not the 40 of
# Linux's struct heartbeat_msg_data: each is answered, none refused.
short_beat() {
	[ "$(host_field "$hb" msg_bytes)" = 16 ] &&
		[ "$(host_field "$hb" failed)" = 0 ] &&
		[ "$(guest_field heartbeat malformed)" = 0 ] &&
		[ "$(host_field "$hb" answers)" -gt 0 ] || {
		ktap_diag "host sent $(host_field "$hb" msg_bytes) bytes: answers $(host_field "$hb" answers), failed $(host_field "$hb" failed), guest malformed $(guest_field heartbeat malformed)"
		return 1
	}
}
ktap_check "16-byte heartbeats are answered, none refused" short_beat

# ---- time sync -----------------------------------------------------------

TSG=$UTILS_DBG/timesync/state

# sample OFFSET FLAGS: send one and wait until the guest has it.
sample() {
	_n=$(field "$TSG" samples)
	echo "$1 $2" >"$HVSIM_DBG/dev$ts/sample" &&
		wait_more "$TSG" samples "$_n" && sleep 0.3
}

# clock_moved BEFORE EXPECTED: the clock is BEFORE + EXPECTED (+- 60 s).
clock_moved() {
	_d=$(($(date +%s) - $1 - $2))
	[ "$_d" -gt -60 ] && [ "$_d" -lt 60 ] || {
		ktap_diag "clock moved by $(($(date +%s) - $1)) s, expected $2"
		return 1
	}
}

step() {
	_t0=$(date +%s)
	sample 3600 sync || return 1
	clock_moved "$_t0" 3600 || return 1
	sample -3600 sync && clock_moved "$_t0" 0
}
ktap_check "a SYNC sample 1 h ahead steps the clock, and back" step

# real_minus_boot: CLOCK_REALTIME minus CLOCK_BOOTTIME in ms, what a slew
# or a step moves and nothing else does.  Both clocks are read in one
# process, the wall clock between two reads of the other, and of five such
# reads the narrowest: read by two processes (date, then /proc/uptime) they
# were up to hundreds of ms apart on a loaded machine.
real_minus_boot() {
	python3 -c '
import time
best = None
for _ in range(5):
    b0 = time.clock_gettime_ns(time.CLOCK_BOOTTIME)
    r = time.clock_gettime_ns(time.CLOCK_REALTIME)
    b1 = time.clock_gettime_ns(time.CLOCK_BOOTTIME)
    if best is None or b1 - b0 < best[0]:
        best = (b1 - b0, r - (b0 + b1) // 2)
print(best[1] // 1000000)'
}

slew() {
	_d0=$(real_minus_boot) _st=$(field "$TSG" steps) _sl=$(field "$TSG" slews)
	sample 2 sample || return 1
	wait_field "$TSG" slewing_ns 0 30 || {
		ktap_diag "still slewing: $(field "$TSG" slewing_ns) ns left"
		return 1
	}
	_moved=$(($(real_minus_boot) - _d0))
	_slews=$(($(field "$TSG" slews) - _sl))
	ktap_diag "clock moved by $_moved ms in $_slews nudges ($(field "$TSG" slew_lost_ns) ns lost so far, slewed again), steps $_st -> $(field "$TSG" steps)"
	[ "$(field "$TSG" steps)" = "$_st" ] && [ "$_slews" -ge 150 ] &&
		[ "$_moved" -gt 1700 ] && [ "$_moved" -lt 2300 ]
}
ktap_check "a small SAMPLE difference (2 s) is slewed in 10 ms nudges, not stepped" slew

slew_back() {
	_d0=$(real_minus_boot) _st=$(field "$TSG" steps)
	sample -2 sample && wait_field "$TSG" slewing_ns 0 30 || return 1
	_moved=$(($(real_minus_boot) - _d0))
	ktap_diag "clock moved by $_moved ms ($(field "$TSG" slew_lost_ns) ns lost so far, slewed again)"
	[ "$(field "$TSG" steps)" = "$_st" ] &&
		[ "$_moved" -gt -2300 ] && [ "$_moved" -lt -1700 ]
}
ktap_check "a small negative SAMPLE difference is slewed back" slew_back

# hvsim stamps a sample when it sends it, so the guest sees it late by the
# delivery latency: the difference is that latency, small but not fixed.
in_sync() {
	_i=$(field "$TSG" ignored) _st=$(field "$TSG" steps)
	_sw=$(field "$TSG" slewed_ns)
	sample 0 sample && wait_field "$TSG" slewing_ns 0 10 || return 1
	_o=$(field "$TSG" offset_ns)
	_o=${_o#-}
	_moved=$(($(field "$TSG" slewed_ns) - _sw))
	_moved=${_moved#-}
	if [ "$_o" -lt 10000000 ]; then
		[ "$(field "$TSG" ignored)" -gt "$_i" ] && [ "$_moved" = 0 ]
	else
		[ "$_moved" -le "$_o" ]
	fi && [ "$_o" -lt 1000000000 ] && [ "$(field "$TSG" steps)" = "$_st" ] || {
		ktap_diag "offset $(field "$TSG" offset_ns) ns: ignored $_i -> $(field "$TSG" ignored), slewed $_moved ns, steps $_st -> $(field "$TSG" steps)"
		return 1
	}
}
ktap_check "a SAMPLE of the guest's own time: ignored within 10 ms, else slewed by the difference, never stepped" in_sync

large() {
	_t0=$(date +%s)
	sample 600 sample && clock_moved "$_t0" 600 &&
		sample -600 sync && clock_moved "$_t0" 0
}
ktap_check "a large SAMPLE difference steps the clock" large

disabled() {
	_t0=$(date +%s)
	echo 0 >/sys/module/$HVG_MOD_UTILS/parameters/timesync_enabled
	sample 3600 sync
	_rc=$?
	echo 1 >/sys/module/$HVG_MOD_UTILS/parameters/timesync_enabled
	[ $_rc = 0 ] && clock_moved "$_t0" 0 || return 1
	_o=$(field "$TSG" offset_ns)
	[ "$((_o / 1000000000))" -ge 3590 ] || {
		ktap_diag "offset_ns $_o does not show the 1 h sample"
		return 1
	}
}
ktap_check "timesync_enabled=0: samples are recorded, the clock is not set" disabled

# ---- shutdown ------------------------------------------------------------

# The kernel runs /sbin/poweroff and /sbin/reboot in init's root (the
# initramfs): stand-ins there record the call instead of acting on it.
helper() {
	mkdir -p /proc/1/root/sbin
	printf '#!/bin/sh\necho %s >>/hvg-utils-shutdown.log\n' "$1" \
		>"/proc/1/root/sbin/$1"
	chmod +x "/proc/1/root/sbin/$1"
}
helper poweroff
helper reboot
SDLOG=/proc/1/root/hvg-utils-shutdown.log

request() {	# FILE ACTION
	_a=$(host_field "$sd" answers)
	echo 1 >"$HVSIM_DBG/dev$sd/$1"
	wait_more "$HVSIM_DBG/dev$sd/state" answers "$_a" || {
		ktap_diag "no answer to the $1 request"
		return 1
	}
	wait_for "grep -qx $2 $SDLOG" || {
		ktap_diag "/sbin/$2 was not run"
		return 1
	}
	dmesg_has "shutdown: host requested a"
}
ktap_check "shutdown request: answered, then /sbin/poweroff runs" request shutdown poweroff
ktap_check "reboot request: answered, then /sbin/reboot runs" request reboot reboot

hibernate() {
	_f=$(host_field "$sd" failed)
	echo 4 >"$HVSIM_DBG/dev$sd/flags"
	wait_more "$HVSIM_DBG/dev$sd/state" failed "$_f" &&
		[ "$(host_field "$sd" last_status)" = 0x80004005 ] &&
		dmesg_has "shutdown: request 0x4 refused"
}
ktap_check "hibernation is refused with an error status" hibernate

# ---- malformed messages from the host ------------------------------------

short() {
	_m=$(guest_field timesync malformed)
	echo 1 >"$HVSIM_DBG/dev$ts/fault_short" &&
		echo "0 sample" >"$HVSIM_DBG/dev$ts/sample" &&
		wait_more "$TSG" malformed "$_m" &&
		dmesg_has "timesync: packet of [0-9]+ bytes is shorter than the IC header"
}
ktap_check "a message shorter than the IC header is ignored" short

failed() {	# FAULT PATTERN: the guest answers with an error and logs PATTERN
	_f=$(host_field "$ts" failed)
	echo 1 >"$HVSIM_DBG/dev$ts/fault_$1" &&
		echo "0 sample" >"$HVSIM_DBG/dev$ts/sample" &&
		wait_more "$HVSIM_DBG/dev$ts/state" failed "$_f" &&
		dmesg_has "$2"
}
ktap_check "an unknown message type is refused" failed type \
	"timesync: unknown message type 66 refused"
ktap_check "a sample with a truncated body is refused" failed size \
	"timesync: sample of 4 bytes, need 22"

count() {
	echo 1 >"$HVSIM_DBG/dev$ts/fault_count" &&
		echo 1 >"$HVSIM_DBG/dev$ts/negotiate" &&
		wait_field "$HVSIM_DBG/dev$ts/state" refused 1 &&
		dmesg_has "timesync: malformed negotiation" || return 1
	# OpenVMM gives the channel up on a refusal (hyperv_ic common.rs).
	# The checks after this one need a live channel: a new device.
	if [ "${HVG_PERSONALITY:-}" = openvmm ]; then
		[ "$(host_field "$ts" dead)" = 1 ] || return 1
		echo "dev$ts" >"$HVSIM_DBG/del_device" &&
			wait_for "[ ! -d $UTILS_DBG/timesync ]" || return 1
		ts=$(hvsim_new timesync interval_ms=0)
		negotiated "$ts" timesync 3.0 4.0
		return
	fi
	echo 1 >"$HVSIM_DBG/dev$ts/negotiate"
	negotiated "$ts" timesync 3.0 4.0 &&
		[ "$(host_field "$ts" malformed)" = 0 ]
}
ktap_check "version counts beyond the packet: refused, then renegotiated" count

# A message followed by zeros up to the largest packet the ring takes: the
# buffer holds it (it is the ring's data area less the answer's room), so
# it is answered and the channel is not failed for a packet too large.
big() {
	_a=$(host_field "$ts" answers)
	echo 1 >"$HVSIM_DBG/dev$ts/fault_big" &&
		echo "0 sample" >"$HVSIM_DBG/dev$ts/sample" &&
		wait_more "$HVSIM_DBG/dev$ts/state" answers "$_a" || {
		ktap_diag "no answer; $(dmesg | grep -E 'timesync|hvsim' | tail -n 2)"
		return 1
	}
	[ "$(cat "$HVSIM_DBG/dev$ts/fault_big")" = 0 ] && ! dmesg_has "IC packet larger"
}
ktap_check "a message as large as the ring holds is answered, not failed" big

# ---- rescind ---------------------------------------------------------------

rescind() {
	echo "dev$hb" >"$HVSIM_DBG/del_device" &&
		wait_for "[ ! -d $UTILS_DBG/heartbeat ]" &&
		wait_for "[ ! -d $HVSIM_DBG/dev$hb ]"
}
ktap_check "rescinding the beating heartbeat device unbinds it" rescind

ktap_check "unload" utils_unload
ktap_done
