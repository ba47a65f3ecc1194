#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# hv_netvsc per-packet info and station address: receive checksum offload
# (host marks, guest trusts only while negotiated), VLAN tags both ways on
# a VLAN subinterface, the RSS hash, MAC address changes refused or taken
# by the host, a second NIC hot-added next to the first, and the receive
# faults: ranges in no receive buffer or wrapping around, completion
# storms with unknown ids, per-packet info whose offset wraps around when
# its value's size is added; send completions with a failure status and
# RNDIS replies to request ids never used; receive segment coalescing (LRO on the guest,
# RSC on the host) on and off, and coalesced frames that never end (both
# skipped where the host personality offers no RSC).
# hvg-timeout: 900
. "$HVG_REPO/tools/testing/vm/lib.sh"
. "$HVG_REPO/tools/testing/vm/tests/netvsc_lib.inc"

NS=hvf NS2=hvf2
H4=10.96.0.1 G4=10.96.0.2

csum_ok_sum() {
	ethtool -S "$GIF" | sed -n 's/^[[:space:]]*rx_queue_[0-9]*_csum_ok: //p' |
		awk '{s += $1} END {print s + 0}'
}

# Frames the host coalesced, summed over the queues.
rsc_sum() {
	ethtool -S "$GIF" | sed -n 's/^[[:space:]]*rx_queue_[0-9]*_rsc: //p' |
		awk '{s += $1} END {print s + 0}'
}

host_rsc() { hstat rsc | sed -n "s/.* $1 \([0-9]*\).*/\1/p"; }

rsc() {
	ethtool -K "$GIF" lro on || return 1
	[ "$(feature large-receive-offload)" = on ] ||
		{ ktap_diag "large-receive-offload: $(feature large-receive-offload)"; return 1; }
	hstat rsc | grep -q "^cap 1 ip4 1 ip6 1 " || { ktap_diag "host: rsc $(hstat rsc)"; return 1; }
	_g0=$(rsc_sum) _h0=$(host_rsc frames) _u0=$(host_rsc csum_unset)
	iperf_run $NS $H4 -R -n 8M || return 1
	ktap_diag "coalesced: guest received $(($(rsc_sum) - _g0)), host sent $(($(host_rsc frames) - _h0))"
	[ $(($(rsc_sum) - _g0)) -gt 10 ] || return 1
	# The guest takes checksums from the host: "valid, value invalid".
	ktap_diag "with the checksum left unset: $(($(host_rsc csum_unset) - _u0))"
	[ $(($(host_rsc csum_unset) - _u0)) -gt 10 ] || return 1
	# It checks them itself: every coalesced frame gets a real one.
	ethtool -K "$GIF" rx off || return 1
	_g0=$(rsc_sum) _u0=$(host_rsc csum_unset)
	iperf_run $NS $H4 -R -n 2M || return 1
	[ $(($(rsc_sum) - _g0)) -gt 10 ] && [ "$(host_rsc csum_unset)" = "$_u0" ] ||
		{ ktap_diag "rx off: guest rsc $(rsc_sum), host rsc $(hstat rsc)"; return 1; }
	ethtool -K "$GIF" rx on || return 1
	ethtool -K "$GIF" lro off || return 1
	hstat rsc | grep -q "^cap 1 ip4 0 ip6 0 " || { ktap_diag "host after lro off: rsc $(hstat rsc)"; return 1; }
	_g0=$(rsc_sum) _s0=$(host_rsc segmented)
	iperf_run $NS $H4 -R -n 2M || return 1
	[ "$(rsc_sum)" = "$_g0" ] && [ "$(host_rsc segmented)" -gt "$_s0" ] ||
		{ ktap_diag "lro off: guest rsc $(rsc_sum), host rsc $(hstat rsc)"; return 1; }
	ethtool -K "$GIF" lro on && hstat rsc | grep -q "^cap 1 ip4 1 ip6 1 "
}

no_rsc() {
	[ "$(feature large-receive-offload)" = "off [fixed]" ] ||
		{ ktap_diag "large-receive-offload: $(feature large-receive-offload)"; return 1; }
	_g0=$(rsc_sum)
	iperf_run $NS $H4 -R -n 2M || return 1
	[ "$(rsc_sum)" = "$_g0" ] && hstat rsc | grep -q "^cap 0 ip4 0 ip6 0 frames 0 " ||
		{ ktap_diag "guest rsc $(rsc_sum), host rsc $(hstat rsc)"; return 1; }
}

rsc_fault() {
	_e0=$(rx_errors)
	/bin/echo 3 >"$HVSIM_DBG/dev$DEV/fault_bad_rsc"
	iperf_run $NS $H4 -R -n 4M || return 1
	ktap_diag "rx_errors $_e0 -> $(rx_errors)"
	[ $(($(rx_errors) - _e0)) -ge 3 ] || return 1
	dmesg | grep -q "without its last fragment\|never ended\|coalesced frame" ||
		{ ktap_diag "nothing logged"; return 1; }
}

# Counts frames, so without coalescing.
rx_csum_on() {
	lro_set off || return 1
	[ "$(feature rx-checksumming)" = on ] ||
		{ ktap_diag "rx-checksumming: $(feature rx-checksumming)"; return 1; }
	[ "$(hstat rx_csum)" = 0xc0c ] || { ktap_diag "host rx_csum $(hstat rx_csum)"; return 1; }
	_m0=$(hstat csum_marked) _g0=$(csum_ok_sum)
	iperf_run $NS $H4 -R -n 2M || return 1
	_m1=$(hstat csum_marked) _g1=$(csum_ok_sum)
	ktap_diag "host marked $((_m1 - _m0)), guest trusted $((_g1 - _g0))"
	[ $((_m1 - _m0)) -gt 100 ] && [ $((_g1 - _g0)) -gt 100 ]
}

rx_csum_off() {
	ethtool -K "$GIF" rx off || return 1
	[ "$(hstat rx_csum)" = 0 ] || [ "$(hstat rx_csum)" = 0x0 ] ||
		{ ktap_diag "host rx_csum $(hstat rx_csum) after rx off"; return 1; }
	_m0=$(hstat csum_marked) _g0=$(csum_ok_sum)
	iperf_run $NS $H4 -R -n 2M || return 1
	[ "$(hstat csum_marked)" = "$_m0" ] && [ "$(csum_ok_sum)" = "$_g0" ] ||
		{ ktap_diag "still marked: host $(hstat csum_marked) guest $(csum_ok_sum)"; return 1; }
	ethtool -K "$GIF" rx on && [ "$(hstat rx_csum)" = 0xc0c ] &&
		lro_set on
}

vlan() {
	modprobe 8021q 2>/dev/null
	ip link add link "$GIF" name "$GIF.10" type vlan id 10 &&
	ip -n $NS link add link "$HIF" name v10 type vlan id 10 &&
	ip addr add 10.96.10.2/24 dev "$GIF.10" && ip link set "$GIF.10" up &&
	ip -n $NS addr add 10.96.10.1/24 dev v10 && ip -n $NS link set v10 up || return 1
	_t0=$(hstat vlan_tx) _r0=$(hstat vlan_rx)
	wait_for "ping4 10.96.10.1 1" 10 || ping_diag || return 1
	hping4 $NS 10.96.10.2 || ping_diag || return 1
	iperf_run $NS 10.96.10.1 -n 1M || return 1
	ktap_diag "host saw $(($(hstat vlan_tx) - _t0)) tagged from the guest, sent $(($(hstat vlan_rx) - _r0))"
	[ "$(hstat vlan_tx)" -gt "$_t0" ] && [ "$(hstat vlan_rx)" -gt "$_r0" ]
}

rx_hash() {
	[ "$(feature receive-hashing)" = on ] ||
		{ ktap_diag "receive-hashing: $(feature receive-hashing)"; return 1; }
	hstat rss | grep -q "^1 " || { ktap_diag "host RSS: $(hstat rss)"; return 1; }
}

mac_refused() {
	_old=$(cat /sys/class/net/"$GIF"/address)
	if ip link set "$GIF" address 00:15:5d:12:34:56 2>/tmp/mac.err; then
		ktap_diag "address change accepted by a host that does not allow it"
		return 1
	fi
	ktap_diag "refused: $(cat /tmp/mac.err)"
	[ "$(cat /sys/class/net/"$GIF"/address)" = "$_old" ] &&
		[ "$(hstat mac)" = "$_old" ] && ping4 $H4 2 || ping_diag
}

second_nic() {
	_d=$DEV _r=$RELID _g=$GIF _h=$HIF
	new_net mac_change=1 channels=2 || return 1
	setup_ns $NS2 10.95.0.1 10.95.0.2 || return 1
	ip link set "$GIF" address 00:15:5d:12:34:56 ||
		{ ktap_diag "address change refused"; return 1; }
	[ "$(hstat mac)" = 00:15:5d:12:34:56 ] || { ktap_diag "host mac $(hstat mac)"; return 1; }
	wait_for "ping4 10.95.0.1 1" 10 || ping_diag || return 1
	hping4 $NS2 10.95.0.2 || ping_diag || return 1
	ip -n $NS2 neigh show | grep -q 00:15:5d:12:34:56 ||
		{ ktap_diag "host neighbour: $(ip -n $NS2 neigh show)"; return 1; }
	_g2=$GIF
	DEV=$_d RELID=$_r GIF=$_g HIF=$_h
	ping4 $H4 2 || ping_diag || return 1
	ktap_diag "second NIC $_g2 next to $GIF"
}

# Send completions with NVSP status FAIL: tx_errors counted, logged, the
# NIC goes on sending.
tx_reject() {
	_e0=$(tx_errors)
	/bin/echo 3 >"$HVSIM_DBG/dev$DEV/fault_tx_reject"
	busybox ping -c 4 -W 2 $H4 >/dev/null 2>&1
	ktap_diag "tx_errors $_e0 -> $(tx_errors)"
	[ "$(cat "$HVSIM_DBG/dev$DEV/fault_tx_reject")" = 0 ] ||
		{ ktap_diag "the host rejected fewer than 3 sends"; return 1; }
	[ $(($(tx_errors) - _e0)) -ge 3 ] || return 1
	dmesg | grep -q "host rejected a frame: type [0-9]* status 2" ||
		{ ktap_diag "nothing logged"; return 1; }
	wait_for "ping4 $H4 2" 20 || ping_diag
}

# RNDIS completions for request ids the guest never used, ahead of the
# replies to two SETs: dropped and logged; each SET gets its own reply.
rndis_reply() {
	_n0=$(dmesg | grep -c "unexpected RNDIS reply id")
	/bin/echo 2 >"$HVSIM_DBG/dev$DEV/fault_rndis_reply"
	ethtool -K "$GIF" rx off || { ktap_diag "rx off failed"; return 1; }
	[ "$(hstat rx_csum)" = 0 ] || [ "$(hstat rx_csum)" = 0x0 ] ||
		{ ktap_diag "host rx_csum $(hstat rx_csum) after rx off"; return 1; }
	ethtool -K "$GIF" rx on || { ktap_diag "rx on failed"; return 1; }
	[ "$(hstat rx_csum)" = 0xc0c ] ||
		{ ktap_diag "host rx_csum $(hstat rx_csum) after rx on"; return 1; }
	[ "$(cat "$HVSIM_DBG/dev$DEV/fault_rndis_reply")" = 0 ] ||
		{ ktap_diag "the host sent fewer than 2 stray replies"; return 1; }
	_n1=$(dmesg | grep -c "unexpected RNDIS reply id")
	[ "$_n1" -ge $((_n0 + 2)) ] ||
		{ ktap_diag "$((_n1 - _n0)) stray replies logged, expected 2"; return 1; }
	ping4 $H4 2 || ping_diag
}

rx_fault() {
	_e0=$(rx_errors)
	/bin/echo "$2" >"$HVSIM_DBG/dev$DEV/$1"
	busybox ping -c 4 -W 2 $H4 >/dev/null 2>&1
	_e1=$(rx_errors)
	ktap_diag "rx_errors $_e0 -> $_e1"
	[ $((_e1 - _e0)) -ge "$3" ] || return 1
	dmesg | grep -q "$4" || { ktap_diag "no '$4' in the log"; return 1; }
	wait_for "ping4 $H4 2" 20 || ping_diag || return 1
	iperf_run $NS $H4 -R -n 1M
}

ktap_plan 16
netvsc_start
ktap_check "receive checksum: negotiated, host marks, guest trusts" rx_csum_on
ktap_check "ethtool -K rx off: host stops marking, guest verifies" rx_csum_off
if pers_rsc; then
	ktap_check "RSC: the host coalesces (checksum unset, or real with rx off); lro off: it segments" rsc
	ktap_check "coalesced frames without their last fragment: counted, logged, TCP recovers" rsc_fault
else
	ktap_check "host $(pers) offers no RSC: LRO off [fixed], nothing coalesced" no_rsc
	ktap_skip "coalesced frames without their last fragment: host $(pers) has no RSC"
fi
ktap_check "VLAN subinterface: tags both ways as per-packet info" vlan
ktap_check "RSS hash per-packet info negotiated (receive-hashing on)" rx_hash
ktap_check "MAC change refused by the host: error, address kept" mac_refused
ktap_check "send completions with status FAIL: tx_errors counted, logged, recovers" tx_reject
ktap_check "RNDIS completions for ids never used: logged, real requests answered" rndis_reply
ktap_check "second NIC hot-added; MAC change allowed there; both work" second_nic
ktap_check "receive ranges in an unknown buffer or wrapping: counted, recovers" \
	rx_fault fault_bad_section 2 2 "outside the receive buffer\|unknown buffer"
ktap_check "per-packet info offset that wraps: frame dropped, counted, recovers" \
	rx_fault fault_bad_ppi 2 2 "malformed RNDIS data message"
ktap_check "completion storm with unknown ids: channel failed, device reset, recovers" \
	rx_fault fault_comp_storm 400 1 "resetting the device"
_n=$(dmesg | grep -c "transaction id\|transaction ID")
ktap_diag "$_n storm messages logged for 400 completions"
if [ "$_n" -lt 50 ]; then
	ktap_ok "storm errors ratelimited"
else
	ktap_fail "storm errors ratelimited"
fi
ip netns del $NS 2>/dev/null
ip netns del $NS2 2>/dev/null
rmmod hv_netvsc 2>/dev/null
hvg_unload
ktap_done
