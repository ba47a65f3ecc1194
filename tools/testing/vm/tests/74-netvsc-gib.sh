#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# hv_netvsc bulk data: 1 GiB of TCP from the guest to the host netdev
# (in a namespace), each end computing the SHA-256 of what it sent or
# received; the digests and byte counts must be equal.  2-5 minutes under
# TCG.
# hvg-timeout: 900
. "$HVG_REPO/tools/testing/vm/lib.sh"
. "$HVG_REPO/tools/testing/vm/tests/netvsc_lib.inc"

NS=hvg
H4=10.93.0.1 G4=10.93.0.2
XFER=$HVG_REPO/tools/testing/vm/tests/netvsc_xfer.py

gib() {
	ip netns exec $NS python3 "$XFER" recv $H4 5301 >/tmp/xfer.host 2>&1 &
	_srv=$!
	sleep 2
	_t0=$(date +%s)
	python3 "$XFER" send $H4 5301 1073741824 >/tmp/xfer.guest 2>&1 ||
		{ ktap_diag "send: $(cat /tmp/xfer.guest)"; kill $_srv; return 1; }
	wait $_srv
	_t1=$(date +%s)
	ktap_diag "guest: $(cat /tmp/xfer.guest)"
	ktap_diag "host:  $(cat /tmp/xfer.host) ($((_t1 - _t0)) s)"
	[ "$(cat /tmp/xfer.guest)" = "$(cat /tmp/xfer.host)" ] &&
		grep -q '^1073741824 ' /tmp/xfer.host
}

ktap_plan 3
netvsc_start
ktap_check "1 GiB TCP guest -> host, SHA-256 equal on both ends" gib
kill_ns_pids $NS
ip netns del $NS 2>/dev/null
rmmod hv_netvsc 2>/dev/null
hvg_unload
ktap_done
