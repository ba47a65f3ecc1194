#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# hv_vmbus, hvsim and vmbus_echo load and unload cleanly, again and again:
# each time the echo device comes back and echoes packets.
# hvg-timeout: 900
. "$HVG_REPO/tools/testing/vm/lib.sh"
. "$HVG_REPO/tools/testing/vm/tests/echo_lib.inc"

CYCLES=20

# One load/traffic/unload cycle; a diagnostic says which step failed.
cycle() {
	hvg_load_echo || { hvg_unload; return 1; }
	_g=$(echo_dev)
	if ! echo_traffic "$_g" 16 1 512; then
		hvg_unload
		return 1
	fi
	if ! hvg_unload; then
		ktap_diag "rmmod failed"
		return 1
	fi
	hvg_all_unloaded
}

# Errors logged by our modules (the unsigned-module taint notice is not one).
no_errors_logged() {
	_e=$(dmesg | grep -E "(vmbus|hvsim).*(error|fail|refused|malformed|leak)" |
		grep -v "module verification failed")
	[ -z "$_e" ] && return 0
	echo "$_e" | head -n 10 | sed 's/^/# /'
	return 1
}

ktap_plan $((CYCLES + 1))
i=1
while [ "$i" -le "$CYCLES" ]; do
	ktap_check "cycle $i: load, echo device bound, 16 packets echoed, unload" cycle
	i=$((i + 1))
done
ktap_check "no error from hv_vmbus, hvsim or vmbus_echo in the log" \
	no_errors_logged
ktap_done
