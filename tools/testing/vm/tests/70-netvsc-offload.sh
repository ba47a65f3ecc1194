#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# hv_netvsc offload negotiation with hvsim's network host: checksum
# (transmit and receive), TSO and LRO (the host's RSC) are enabled only
# when the host offers them and the module parameters (csum=, tso=,
# rx_csum=, lro=) allow; `ethtool -k` tells the truth; `ethtool -K`
# renegotiates at runtime; TCP flows in every combination.  TSO is on
# with the LSO maximum real hosts report (62780, below 64 KiB) and large
# sends stay within it; the offload parameters reach the host at their
# revision's full size.  LRO is expected only where the host offers RSC.
# hvg-timeout: 900
. "$HVG_REPO/tools/testing/vm/lib.sh"
. "$HVG_REPO/tools/testing/vm/tests/netvsc_lib.inc"

NS=hvo
H4=10.98.0.1 G4=10.98.0.2

# up [ARGS]: add a NIC (new_net ARGS), its host side in $NS.
up() { new_net "$@" && setup_ns $NS $H4 $G4; }

# down: rescind it, drop the namespace.
down() {
	del_net
	ip netns del $NS 2>/dev/null
	sleep 1
}

# expect NAME VALUE...
expect() {
	_ok=0
	while [ $# -ge 2 ]; do
		_v=$(feature "$1")
		[ "$_v" = "$2" ] || { ktap_diag "$1: '$_v', expected '$2'"; _ok=1; }
		shift 2
	done
	return $_ok
}

host_offload() { sed -n 's/^offload //p' "$HVSIM_DBG/dev$DEV/stats"; }

tcp_ok() {
	ip netns exec $NS iperf3 -s -1 -D -B $H4 >/dev/null 2>&1
	sleep 1
	iperf3 -c $H4 -n 4M >/tmp/iperf.out 2>&1 ||
		{ ktap_diag "iperf3: $(tail -2 /tmp/iperf.out | tr '\n' ' ')"; return 1; }
	ktap_diag "TCP guest->host: $(grep receiver /tmp/iperf.out | awk '{print $7, $8}')"
}

defaults() {
	# LRO as the host offers it
	LRO=on
	pers_rsc || LRO="off [fixed]"
	expect tx-checksum-ipv4 on tx-checksum-ipv6 on tx-tcp-segmentation on \
		tx-tcp6-segmentation on rx-checksumming on receive-hashing on \
		rx-vlan-offload on tx-vlan-offload on large-receive-offload "$LRO" || return 1
	[ "$(host_offload)" = "tx_csum 0xc0c lso4 1 lso6 1" ] ||
		{ ktap_diag "host: $(host_offload)"; return 1; }
}

# TSO as Linux's netvsc has it: the netdev's limit is the host's LSO
# maximum; the guest's large sends reach the host, none refused.
tso_limit() {
	_max=$(hstat lso_max)
	_gso=$(ip -d link show "$GIF" | sed -n 's/.* gso_max_size \([0-9]*\).*/\1/p' | head -1)
	ktap_diag "host LSO maximum $_max, guest gso_max_size $_gso"
	[ "$_max" = 62780 ] && [ "$_gso" = "$_max" ] || return 1
	_l0=$(hstat lso_frames) _b0=$(hstat bad_msgs)
	tcp_ok || return 1
	ktap_diag "large sends: $(($(hstat lso_frames) - _l0)), refused $(($(hstat bad_msgs) - _b0))"
	[ $(($(hstat lso_frames) - _l0)) -gt 0 ] && [ "$(hstat bad_msgs)" = "$_b0" ]
}

# The host checks the offload parameters' revision and size; ours pass.
params_taken() {
	[ "$(hstat params_refused)" = 0 ] ||
		{ ktap_diag "host refused $(hstat params_refused) offload parameter objects"; return 1; }
	! dmesg | grep -q "host refused the offload parameters" ||
		{ ktap_diag "guest: host refused the offload parameters"; return 1; }
}

toggle() {
	ethtool -K "$GIF" tso off tx-checksum-ipv4 off >/dev/null 2>&1
	expect tx-checksum-ipv4 off tx-tcp-segmentation off || return 1
	[ "$(host_offload)" = "tx_csum 0xc00 lso4 0 lso6 0" ] ||
		{ ktap_diag "host after ethtool -K: $(host_offload)"; return 1; }
	tcp_ok || return 1
	ethtool -K "$GIF" tso on tx-checksum-ipv4 on >/dev/null 2>&1
	expect tx-checksum-ipv4 on tx-tcp-segmentation on &&
		[ "$(host_offload)" = "tx_csum 0xc0c lso4 1 lso6 1" ]
}

# with_params PARAMS HOSTARGS NAME VALUE...: reload, add a NIC, check.
with_params() {
	_p=$1 _h=$2
	shift 2
	rmmod hv_netvsc && insmod "$KO" $_p || return 1
	up $_h || return 1
	expect "$@" && tcp_ok
	_rc=$?
	down
	return $_rc
}

ktap_plan 13
if ! hvg_load || ! insmod "$KO"; then
	ktap_fail "load hv_vmbus, hvsim and hv_netvsc"
	ktap_done
fi
ktap_ok "load hv_vmbus, hvsim and hv_netvsc"
up || { ktap_fail "a NIC comes up"; ktap_done; }
ktap_check "defaults: checksum and TSO on, both sides agree" defaults
ktap_check "offload parameters at their revision's size: the host takes them" params_taken
ktap_check "TSO limited to the host's LSO maximum (62780); large sends taken" tso_limit
ktap_check "TCP with checksum offload and TSO" tcp_ok
ktap_check "ethtool -K renegotiates with the host, TCP still flows" toggle
down
ktap_check "tso=0: TSO off [fixed], checksum on" with_params "tso=0" "" \
	tx-tcp-segmentation "off [fixed]" tx-checksum-ipv4 on
ktap_check "csum=0: checksum and TSO off [fixed]" with_params "csum=0" "" \
	tx-checksum-ipv4 "off [fixed]" tx-tcp-segmentation "off [fixed]"
ktap_check "host offers no offloads: all off [fixed]" with_params "" "offload=0" \
	tx-checksum-ipv4 "off [fixed]" tx-checksum-ipv6 "off [fixed]" \
	tx-tcp-segmentation "off [fixed]" rx-checksumming "off [fixed]"
ktap_check "rx_csum=0: receive checksum off [fixed], transmit on" with_params "rx_csum=0" "" \
	rx-checksumming "off [fixed]" tx-checksum-ipv4 on tx-tcp-segmentation on
ktap_check "csum=0 tso=0 rx_csum=0 channels=1: all off [fixed], hash on" \
	with_params "csum=0 tso=0 rx_csum=0 channels=1" "" \
	rx-checksumming "off [fixed]" tx-checksum-ipv4 "off [fixed]" \
	tx-tcp-segmentation "off [fixed]" receive-hashing on
ktap_check "lro=0: LRO off [fixed], the rest on" with_params "lro=0" "" \
	large-receive-offload "off [fixed]" rx-checksumming on tx-tcp-segmentation on
ktap_check "host with NVSP 6 (RSC needs 6.1): LRO off [fixed]" with_params "" "nvsp=6" \
	large-receive-offload "off [fixed]" tx-tcp-segmentation on
rmmod hv_netvsc 2>/dev/null
hvg_unload
ktap_done
