#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# hv_netvsc against hvsim's network host: the guest NIC in the root
# namespace, the host-side netdev hvsim<N> in namespace "hvh".  Ping both
# ways over IPv4 and IPv6, jumbo frames (GPA-direct transmit), NVSP
# version negotiation (the newest the host personality grants), link
# flap, receive faults, a transfer-page packet before the receive buffer
# is shared again (ethtool -G), a control completion that comes after its
# request timed out, TCP with iperf3, and a rescind while traffic runs.
# hvg-timeout: 900
. "$HVG_REPO/tools/testing/vm/lib.sh"
. "$HVG_REPO/tools/testing/vm/tests/netvsc_lib.inc"

NS=hvh
H4=10.99.0.1 G4=10.99.0.2 H6=fd99::1 G6=fd99::2

probe_ok() {
	_mac=$(cat "/sys/class/net/$GIF/address")
	case $_mac in
	00:15:5d:ee:*) ;;
	*) ktap_diag "MAC $_mac is not the host's"; return 1 ;;
	esac
	ethtool -i "$GIF" | grep -q "firmware-version: NVSP $(pers_nvsp)" ||
		{ ktap_diag "$(ethtool -i "$GIF" | tr '\n' ' ')"; return 1; }
}

mtu_jumbo() {
	ip -n $NS link set "$HIF" mtu 9000 && ip link set "$GIF" mtu 9000 ||
		{ ktap_diag "cannot set MTU 9000"; return 1; }
	if ip link set "$GIF" mtu 9001 2>/dev/null; then
		ktap_diag "MTU 9001 accepted beyond the host's maximum"
		return 1
	fi
	busybox ping -c 3 -W 5 -s 8000 $H4 >/tmp/ping.out 2>&1 || ping_diag || return 1
	hping4 $NS -s 8000 $G4 || ping_diag || return 1
	ip -n $NS link set "$HIF" mtu 1500 && ip link set "$GIF" mtu 1500
}

link_flap() {
	link_bounce || return 1
	wait_for "ping4 $H4 1" 20 || ping_diag
}

# rx_fault KNOB MESSAGE [N]: N (2) spoiled receives are counted and logged,
# then traffic flows again.
rx_fault() {
	_e0=$(rx_errors)
	_nf=${3:-2}
	/bin/echo "$_nf" >"$HVSIM_DBG/dev$DEV/$1"
	busybox ping -c $((_nf + 2)) -W 2 $H4 >/dev/null 2>&1
	_e1=$(rx_errors)
	[ $((_e1 - _e0)) -ge "$_nf" ] || { ktap_diag "rx_errors $_e0 -> $_e1"; return 1; }
	dmesg | grep -q "$2" || { ktap_diag "no '$2' in the log"; return 1; }
	wait_for "ping4 $H4 2" 20 || ping_diag
}

# The host sends a transfer-page packet before its INIT reply while the
# device renegotiates (ethtool -G): no receive buffer to read from yet.
early_xfer() {
	_e0=$(rx_errors)
	/bin/echo 1 >"$HVSIM_DBG/dev$DEV/fault_early_xfer"
	ethtool -G "$GIF" rx 512 || { ktap_diag "ethtool -G rx 512 failed"; return 1; }
	ktap_diag "rx_errors $_e0 -> $(rx_errors)"
	[ $(($(rx_errors) - _e0)) -ge 1 ] || return 1
	dmesg | grep -q "before the receive buffer was shared" ||
		{ ktap_diag "nothing logged"; return 1; }
	wait_for "ping4 $H4 1" 20 || ping_diag || return 1
	ethtool -G "$GIF" rx 1024 && wait_for "ping4 $H4 1" 20 || ping_diag
}

# The host answers the subchannel request only after the guest gave up
# (10 s), just before its next control request: the guest goes on with
# one channel and takes that request's own completion, not the late one.
ctrl_late() {
	ethtool -L "$GIF" combined 1 || { ktap_diag "ethtool -L combined 1 failed"; return 1; }
	/bin/echo 133 >"$HVSIM_DBG/dev$DEV/fault_ctrl_late"
	timeout 60 ethtool -L "$GIF" combined 2 ||
		{ ktap_diag "ethtool -L combined 2 failed"; return 1; }
	ktap_diag "channels $(nchans) after the subchannel request timed out"
	[ "$(nchans)" = 1 ] || return 1
	dmesg | grep -q "stale NVSP completion (type 133" ||
		{ ktap_diag "late completion not recognized"; return 1; }
	wait_for "ping4 $H4 1" 20 || ping_diag || return 1
	ethtool -L "$GIF" combined "$(nproc)" && wait_for "ping4 $H4 1" 20 || ping_diag
}

iperf_tcp() {
	ip netns exec $NS iperf3 -s -1 -D -B $H4 >/dev/null 2>&1
	sleep 1
	# Bounded: a stalled flow fails the check instead of hanging the VM.
	timeout 60 iperf3 -c $H4 -t 3 ${1:+"$1"} >/tmp/iperf.out 2>&1 ||
		{ ktap_diag "iperf3: $(tail -3 /tmp/iperf.out | tr '\n' ' ')"; return 1; }
	ktap_diag "TCP ${1:-guest->host}: $(grep receiver /tmp/iperf.out | awk '{print $7, $8}')"
}

iperf_both() { iperf_tcp "" && iperf_tcp -R; }

nvsp_version() {
	_old_dev=$DEV _old_relid=$RELID _old_gif=$GIF _old_hif=$HIF
	new_net nvsp=4 mtu=1500 || return 1
	_fw=$(ethtool -i "$GIF" | sed -n 's/firmware-version: //p')
	/bin/echo "dev$DEV" >"$HVSIM_DBG/del_device"
	wait_for "! ip link show $GIF" 20 || { ktap_diag "$GIF not removed"; return 1; }
	DEV=$_old_dev RELID=$_old_relid GIF=$_old_gif HIF=$_old_hif
	[ "$_fw" = "NVSP 4.0" ] || { ktap_diag "negotiated '$_fw', expected NVSP 4.0"; return 1; }
}

rescind_traffic() {
	ip netns exec $NS iperf3 -s -1 -D -B $H4 >/dev/null 2>&1
	sleep 1
	iperf3 -c $H4 -t 60 >/tmp/iperf.out 2>&1 &
	_pid=$!
	sleep 4
	/bin/echo "dev$DEV" >"$HVSIM_DBG/del_device"
	wait_for "! ip link show $GIF" 30 || { ktap_diag "$GIF still there"; return 1; }
	wait_for "! ip -n $NS link show $HIF" 30 || { ktap_diag "$HIF still there"; return 1; }
	kill "$_pid" 2>/dev/null
	wait "$_pid" 2>/dev/null
	kill_ns_pids $NS
	return 0
}

ping_both4() { ping4 $H4 || ping_diag || return 1; hping4 $NS $G4 || ping_diag; }
ping_both6() { ping6 $H6 || ping_diag || return 1; hping6 $NS $G6 || ping_diag; }

ktap_plan 16
if ! hvg_load || ! insmod "$KO"; then
	ktap_fail "load hv_vmbus, hvsim and hv_netvsc"
	ktap_done
fi
ktap_ok "load hv_vmbus, hvsim and hv_netvsc"
if ! new_net; then
	ktap_fail "a net device binds and gets a netdev"
	ktap_done
fi
ktap_ok "a net device binds and gets a netdev ($GIF, host side $HIF)"
ktap_check "NVSP $(pers_nvsp) negotiated (host $(pers)), MAC from the host" probe_ok
ktap_check "namespace and addresses set up" setup_ns $NS $H4 $G4 $H6 $G6
ktap_check "IPv4 ping both ways" ping_both4
ktap_check "IPv6 ping both ways" ping_both6
ktap_check "MTU 9000 both ways (GPA-direct transmit), 9001 refused" mtu_jumbo
ktap_check "link flap: carrier follows the host, traffic resumes" link_flap
ktap_check "receive range outside the buffer: counted, logged, recovers" \
	rx_fault fault_bad_offset "receive range outside the receive buffer"
ktap_check "RNDIS message longer than its range: counted, logged, recovers" \
	rx_fault fault_bad_rndis "does not fit its range"
ktap_check "RNDIS data or per-packet info outside the message: counted, logged, recovers" \
	rx_fault fault_bad_pkt_off "malformed RNDIS data message" 4
ktap_check "late completion of a timed-out request: dropped, one channel, works" ctrl_late
ktap_check "transfer-page packet before the receive buffer: counted, logged, recovers" \
	early_xfer
ktap_check "iperf3 TCP guest -> host and host -> guest" iperf_both
ktap_check "host with NVSP 4 only: NVSP 4.0 negotiated" nvsp_version
ktap_check "rescind during TCP traffic: both netdevs go away" rescind_traffic
ip netns del $NS 2>/dev/null
rmmod "$HVG_MOD_NETVSC" 2>/dev/null
hvg_unload
ktap_done
