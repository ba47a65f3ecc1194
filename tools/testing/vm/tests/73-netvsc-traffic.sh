#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# hv_netvsc traffic: iperf3 TCP and UDP both ways with checksum offload
# and TSO on, switched off with ethtool -K, and against a host that offers
# no offloads.
# hvg-timeout: 900
. "$HVG_REPO/tools/testing/vm/lib.sh"
. "$HVG_REPO/tools/testing/vm/tests/netvsc_lib.inc"

NS=hvt
H4=10.94.0.1 G4=10.94.0.2

# udp_run ARGS...: a UDP run must deliver something, loss is reported.
udp_run() {
	iperf_run $NS $H4 -u -b 30M -t 2 "$@" || return 1
	grep -q receiver /tmp/iperf.out || { ktap_diag "no receiver line"; return 1; }
	_rx=$(awk '/receiver/ { split($(NF - 2), a, "/"); print a[2] - a[1] }' /tmp/iperf.out)
	[ "${_rx:-0}" -gt 0 ] || { ktap_diag "no datagram received"; return 1; }
}

four_ways() {
	iperf_run $NS $H4 -n 4M && iperf_run $NS $H4 -n 4M -R &&
		udp_run && udp_run -R
}

offload_off() {
	ethtool -K "$GIF" tso off tx off rx off >/dev/null 2>&1
	[ "$(hstat offload)" = "tx_csum 0 lso4 0 lso6 0" ] ||
		[ "$(hstat offload)" = "tx_csum 0x0 lso4 0 lso6 0" ] ||
		{ ktap_diag "host: $(hstat offload)"; return 1; }
	four_ways
	_rc=$?
	ethtool -K "$GIF" tso on tx on rx on >/dev/null 2>&1
	return $_rc
}

no_offload_host() {
	_d=$DEV _r=$RELID _g=$GIF _h=$HIF
	ip netns del $NS
	ip addr flush dev "$GIF"
	new_net offload=0 || return 1
	setup_ns $NS $H4 $G4 || return 1
	four_ways
	_rc=$?
	del_net
	ip netns del $NS
	DEV=$_d RELID=$_r GIF=$_g HIF=$_h
	# A deleted namespace hands its devices back asynchronously.
	wait_for "ip link show $HIF" 20 ||
		{ ktap_diag "$HIF not handed back by the namespace"; return 1; }
	setup_ns $NS $H4 $G4 || { ktap_diag "$HIF: namespace set-up failed"; return 1; }
	wait_for "ping4 $H4 1" 20 || ping_diag || return 1
	return $_rc
}

ktap_plan 5
netvsc_start
ktap_check "TCP and UDP both ways, offloads on" four_ways
ktap_check "TCP and UDP both ways, offloads off with ethtool -K" offload_off
ktap_check "TCP and UDP both ways, host offering no offloads" no_offload_host
kill_ns_pids $NS
ip netns del $NS 2>/dev/null
rmmod hv_netvsc 2>/dev/null
hvg_unload
ktap_done
