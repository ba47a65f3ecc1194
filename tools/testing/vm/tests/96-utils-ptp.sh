#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The time sync IC's PTP clock with Debian's unmodified chrony: hv_utils
# registers the clock "hyperv", systemd's udev rule links it to
# /dev/ptp_hyperv, and chronyd, given it as its only source (refclock PHC,
# as on Azure), selects it, brings the guest clock to hvsim's host clock
# and follows a step of the host clock.  The in-kernel step/slew is off
# (hv_utils timesync_enabled=0), as it must be when chrony runs.
# chronyd runs without systemd (the VM has none as PID 1): in the
# foreground (-d, logging to stderr), as root, with its own configuration file.
# hvg-timeout: 300
. "$HVG_REPO/tools/testing/vm/lib.sh"
. "$HVG_REPO/tools/testing/vm/tests/utils_lib.inc"

ktap_plan 9

if ! utils_load timesync_enabled=0; then
	ktap_fail "load hv_vmbus, hvsim and hv_utils"
	ktap_done
fi

ts=$(hvsim_new timesync)
TSG=$UTILS_DBG/timesync/state

# host_offset_ms: guest clock minus hvsim's host clock, in ms (one process,
# the host clock read between two readings of the guest's).
host_offset_ms() {
	python3 - "$HVSIM_DBG/dev$ts/clock" <<-'PY'
	import sys, time
	with open(sys.argv[1]) as f:
	    a = time.time_ns()
	    h = int(f.read())
	    b = time.time_ns()
	print(round(((a + b) // 2 - h) / 1e6))
	PY
}

# phc_minus_host_ms: the PTP clock minus the host clock, in ms.
phc_minus_host_ms() {
	python3 - /dev/ptp_hyperv "$HVSIM_DBG/dev$ts/clock" <<-'PY'
	import os, sys, time
	fd = os.open(sys.argv[1], os.O_RDONLY)
	clk = ((~fd) << 3) | 3		# FD_TO_CLOCKID
	with open(sys.argv[2]) as f:
	    a = time.clock_gettime_ns(clk)
	    h = int(f.read())
	    b = time.clock_gettime_ns(clk)
	print(round(((a + b) // 2 - h) / 1e6))
	try:
	    time.clock_settime_ns(clk, h)
	    print("settime accepted")
	except OSError as e:
	    pass
	PY
}

# within MS LIMIT: |MS| <= LIMIT
within() {
	[ "${1#-}" -le "$2" ]
}

ptp_named() {
	wait_for "[ \"\$(guest_field timesync ptp_index)\" -ge 0 ]" 30 || return 1
	_i=$(guest_field timesync ptp_index)
	[ "$(cat "/sys/class/ptp/ptp$_i/clock_name")" = hyperv ] || {
		ktap_diag "ptp$_i is named '$(cat "/sys/class/ptp/ptp$_i/clock_name")'"
		return 1
	}
}
ktap_check "the time sync device registers a PTP clock named hyperv" ptp_named

linked() {
	udevadm settle --timeout=30
	[ "$(readlink /dev/ptp_hyperv)" = "ptp$(guest_field timesync ptp_index)" ] || {
		ktap_diag "/dev/ptp_hyperv -> '$(readlink /dev/ptp_hyperv)'"
		return 1
	}
}
ktap_check "systemd-udevd links it as /dev/ptp_hyperv" linked

# The host's first sample after negotiation is SYNC (flags 1), the
# following ones every 5 s SAMPLE (flags 2).
periodic() {
	wait_for "[ \"\$(guest_field timesync samples)\" -ge 2 ]" 15 || {
		ktap_diag "$(guest_field timesync samples) samples in 15 s"
		return 1
	}
	[ "$(guest_field timesync flags)" = 2 ] &&
		[ "$(guest_field timesync steps)" = 0 ] || {
		ktap_diag "flags $(guest_field timesync flags), steps $(guest_field timesync steps)"
		return 1
	}
}
ktap_check "the host sends a sample every 5 s, not applied (timesync_enabled=0)" periodic

phc_reads_host() {
	_r=$(phc_minus_host_ms) || return 1
	ktap_diag "PTP clock - host clock: $_r ms"
	case $_r in *settime*) return 1 ;; esac
	within "$_r" 50
}
ktap_check "the PTP clock reads the host clock, and cannot be set" phc_reads_host

# The host clock 3 s ahead: chrony has to bring the guest there.
echo 3 >"$HVSIM_DBG/dev$ts/step"
mkdir -p /var/lib/chrony	# chronyd makes /run/chrony itself
cat >/tmp/chrony.conf <<-'EOF2'
	refclock PHC /dev/ptp_hyperv poll 0 dpoll -2 offset 0
	makestep 0.1 -1
	driftfile /tmp/chrony.drift
EOF2
chronyd -d -u root -f /tmp/chrony.conf >/tmp/chronyd.log 2>&1 &
CHRONYD=$!

selected() {
	wait_for "chronyc -n sources 2>/dev/null | grep -q '^#\* PHC0'" 60 || {
		ktap_diag "$(chronyc -n sources 2>&1 | tail -n 3)"
		return 1
	}
	chronyc -n tracking | grep -q '^Reference ID *: .*(PHC0)' ||
		{ ktap_diag "$(chronyc -n tracking | head -n 3)"; return 1; }
}
ktap_check "chronyd selects the PHC source (chronyc sources, tracking)" selected

# converged LIMIT_MS TIMEOUT: the guest clock stays within LIMIT_MS of the
# host clock
converged() {
	_end=$(($(date +%s) + $2))
	while :; do
		_o=$(host_offset_ms)
		within "$_o" "$1" && break
		[ "$(date +%s)" -lt "$_end" ] || { ktap_diag "guest - host: $_o ms"; return 1; }
		sleep 1
	done
	ktap_diag "guest - host: $_o ms"
}
ktap_check "the guest clock converges to the host's (within 50 ms)" converged 50 60

tracking_small() {
	_s=$(chronyc -n tracking | sed -n 's/^System time *: \([0-9.]*\) seconds.*/\1/p')
	ktap_diag "chronyc tracking: system time off by $_s s"
	awk -v s="$_s" 'BEGIN { exit !(s != "" && s < 0.05) }'
}
ktap_check "chronyc tracking shows the system time within 50 ms" tracking_small

# chrony_state: what chronyd saw, for a failed check.
chrony_state() {
	ktap_diag "timesync: samples $(guest_field timesync samples), PTP clock - host: $(phc_minus_host_ms | head -n 1) ms"
	chronyc -n sources 2>&1 | tail -n 2 | while read -r _l; do ktap_diag "$_l"; done
	chronyc -n tracking 2>&1 | sed -n '/^System time/p;/^Last offset/p' |
		while read -r _l; do ktap_diag "$_l"; done
	tail -n 5 /tmp/chronyd.log | while read -r _l; do ktap_diag "$_l"; done
}

# The driver's part first: the PTP clock carries the step with the host's
# next sample (one every 5 s).  Then chronyd's: it notices the 30 s
# offset and steps the clock (makestep).  A 2-core TCG host running two
# VMs slows chronyd's polls down; 120 s is ample.
stepped() {
	echo 30 >"$HVSIM_DBG/dev$ts/step" || return 1
	_end=$(($(date +%s) + 15))
	until _p=$(phc_minus_host_ms | head -n 1) && within "$_p" 50; do
		[ "$(date +%s)" -lt "$_end" ] ||
			{ ktap_diag "PTP clock - host clock: $_p ms, 15 s after the step"; return 1; }
		sleep 1
	done
	converged 50 120 || { chrony_state; return 1; }
	# About 30 s: under load chrony may have slewed part of it already.
	grep -qE 'System clock wrong by (2[89]|3[01])\.' /tmp/chronyd.log ||
		{ chrony_state; return 1; }
}
ktap_check "a 30 s step of the host clock is followed" stepped

finish() {
	kill "$CHRONYD" && wait "$CHRONYD"
	chronyc -n sources >/dev/null 2>&1 && return 1
	utils_unload || return 1
	[ ! -e /dev/ptp_hyperv ] || { udevadm settle; [ ! -e /dev/ptp_hyperv ]; }
}
ktap_check "chronyd stops, hv_utils unloads, /dev/ptp_hyperv goes" finish
ktap_done
