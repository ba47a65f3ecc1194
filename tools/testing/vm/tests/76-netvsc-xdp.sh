#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# hv_netvsc XDP (drivers/netvsc/xdp.c) with Debian's xdp-tools and
# `ip link set ... xdpdrv`: the refusals (MTU, LRO) and their extack
# messages; xdp-filter dropping exactly what the host sent; frames passing
# the program (ping, iperf3); XDP_TX reflecting to the host (xdp-bench tx);
# XDP_REDIRECT from the NIC into a veth and from a veth into the NIC
# (ndo_xdp_xmit), counted per queue; the program mirrored to hvsim's VF
# (attached while it is there, and when it joins), running there, taken
# back when it goes and on detach, which leaves no reference behind.
# hvg-timeout: 300
. "$HVG_REPO/tools/testing/vm/lib.sh"
. "$HVG_REPO/tools/testing/vm/tests/netvsc_lib.inc"

NS=hxdp
H4=10.94.0.1 G4=10.94.0.2
# A small XDP program of xdp-tools' libxdp (passes all without an XSK)
OBJ=/usr/lib/x86_64-linux-gnu/bpf/xsk_def_xdp_prog_5.3.o

# The id of the program on $1 (default: the NIC), empty if none
xdp_id() { ip -d link show dev "${1:-$GIF}" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p' | head -1; }
attached() { [ -n "$(xdp_id "$@")" ]; }
# The sum of the per-queue counter NAME (xdp_drop, xdp_tx, ...)
qsum() { ethtool -S "$GIF" | awk -v n="$1" '$1 ~ "^(rx|tx)_queue_[0-9]+_" n ":$" { s += $2 } END { print s + 0 }'; }
hrx() { ip netns exec $NS cat "/sys/class/net/$HIF/statistics/rx_packets"; }
# COUNT frames from the host to the guest, quickly (iputils ping)
hburst() { ip netns exec $NS ping -q -c "$1" -i 0.01 -W 1 $G4 >/tmp/ping.out 2>&1; }
xdiag() {
	ktap_diag "guest: $(ethtool -S "$GIF" | grep xdp | grep -v ': 0$' | tr -s ' \n' '  ')"
	ktap_diag "links: $(ip -o link show | grep -E "$GIF|xv[01]|$(vf_if)" | cut -c1-200 | tr '\n' '|')"
	ktap_diag "log: $(dmesg | grep -i xdp | tail -3 | tr '\n' '|')"
	return 1
}

# xbench IF ARGS...: xdp-bench ARGS in the background until xbench_stop,
# once its program is on IF
xbench() {
	_xif=$1
	shift
	xdp-bench "$@" >/tmp/xbench.out 2>&1 &
	XBENCH=$!
	wait_for "attached $_xif || ! kill -0 $XBENCH" 30 && kill -0 $XBENCH ||
		{ ktap_diag "xdp-bench $*: $(tail -3 /tmp/xbench.out | tr '\n' ' ')"; return 1; }
}
xbench_stop() {
	kill -INT $XBENCH 2>/dev/null
	wait $XBENCH
}

refusals() {
	ip -n $NS link set "$HIF" mtu 4000 && ip link set "$GIF" mtu 4000 || return 1
	ip link set dev "$GIF" xdpdrv obj $OBJ sec xdp 2>/tmp/xdp.err &&
		{ ktap_diag "attached with MTU 4000"; ip link set dev "$GIF" xdpdrv off; return 1; }
	ktap_diag "MTU 4000: $(tr '\n' ' ' </tmp/xdp.err)"
	grep -q "XDP: mtu too large" /tmp/xdp.err || return 1
	ip link set "$GIF" mtu 1500 && ip -n $NS link set "$HIF" mtu 1500 || return 1
	if pers_rsc; then
		lro_set on
		[ "$(feature large-receive-offload)" = on ] || { ktap_diag "LRO not on"; return 1; }
		ip link set dev "$GIF" xdpdrv obj $OBJ sec xdp 2>/tmp/xdp.err &&
			{ ktap_diag "attached with LRO on"; ip link set dev "$GIF" xdpdrv off; return 1; }
		ktap_diag "LRO on: $(tr '\n' ' ' </tmp/xdp.err)"
		grep -q "XDP: not support LRO" /tmp/xdp.err || return 1
		lro_set off
	else
		ktap_diag "the $(pers) host has no LRO: that refusal is not checked"
	fi
	# Attached: the MTU cannot outgrow the page frame, LRO stays off
	ip link set dev "$GIF" xdpdrv obj $OBJ sec xdp || return 1
	ip link set "$GIF" mtu 4000 2>/dev/null && { ktap_diag "MTU 4000 taken"; return 1; }
	if pers_rsc; then
		ethtool -K "$GIF" lro on >/dev/null 2>&1
		# "off [requested on]"
		case $(feature large-receive-offload) in
		off*) ;;
		*) ktap_diag "LRO on under XDP"; return 1 ;;
		esac
		lro_set off
	fi
	ip link set dev "$GIF" xdpdrv off && ! attached
}

# The VF joins before any program; xdp-filter then drops what comes from
# the host's address: the program is mirrored to the VF, and by either
# path exactly what the host sent is dropped.
drops() {
	vf_add || return 1
	ping4 $H4 1 || ping_diag || return 1
	xdp-filter load -m native -p allow -f ipv4 "$GIF" 2>/tmp/xdp.err &&
		xdp-filter ip -m src $H4 2>>/tmp/xdp.err ||
		{ ktap_diag "xdp-filter: $(tr '\n' ' ' </tmp/xdp.err)"; return 1; }
	PROG=$(xdp_id)
	[ "$(hvf xdp_prog)" = "$PROG" ] ||
		{ ktap_diag "VF runs '$(hvf xdp_prog)', not $PROG"; vf_diag; return 1; }
	_v0=$(hvf vf_xdp)
	hburst 10 && { ktap_diag "the host's pings came back"; return 1; }
	ktap_diag "by the VF: host sent 10, the VF's program took $_v0 -> $(hvf vf_xdp)"
	[ $(($(hvf vf_xdp) - _v0)) = 10 ] || vf_diag || return 1
	vf_remove || return 1
	_d0=$(qsum xdp_drop)
	hburst 25 && { ktap_diag "the host's pings came back"; return 1; }
	_d1=$(qsum xdp_drop)
	ktap_diag "synthetic: host sent 25, xdp_drop $_d0 -> $_d1 (prog $PROG)"
	[ $((_d1 - _d0)) = 25 ] || xdiag
}

# A VF that joins takes the program too
vf_again() {
	vf_add || return 1
	[ "$(hvf xdp_prog)" = "$PROG" ] || { ktap_diag "VF back without the program"; vf_diag; }
}

# The rule goes: what the program passes reaches the stack
passes() {
	xdp-filter ip -m src -r $H4 || return 1
	_d0=$(qsum xdp_drop)
	ping4 $H4 3 || ping_diag || return 1
	hping4 $NS $G4 || ping_diag || return 1
	iperf_run $NS $H4 -t 1 -R || return 1
	[ "$(qsum xdp_drop)" = "$_d0" ] || xdiag
}

# Detached (the VF there): neither the NIC nor the VF keeps it, nor anyone a reference
detach() {
	xdp-filter unload "$GIF" || return 1
	! attached && [ "$(hvf xdp_prog)" = 0 ] || { vf_diag; return 1; }
	wait_for "! bpftool prog show id $PROG" 10 ||
		{ ktap_diag "program $PROG still loaded: $(bpftool prog show id "$PROG")"; return 1; }
	vf_remove
}

# xdp-bench tx swaps the MACs and sends each frame back to the host
reflect() {
	xbench "$GIF" tx -p swap-macs "$GIF" || return 1
	_t0=$(qsum xdp_tx) _h0=$(hrx)
	hburst 10
	_t1=$(qsum xdp_tx) _h1=$(hrx)
	xbench_stop
	ktap_diag "host sent 10: xdp_tx $_t0 -> $_t1, host rx_packets $_h0 -> $_h1"
	[ $((_t1 - _t0)) -ge 10 ] && [ $((_h1 - _h0)) -ge 10 ] && ! attached || xdiag
}

# xdp-bench redirect: host -> NIC -> xv0 (arriving at xv1), then
# xv0 -> xv1 -> NIC (ndo_xdp_xmit) -> host
redirects() {
	modprobe veth
	ip link add xv0 type veth peer name xv1 && ip link set xv0 up && ip link set xv1 up ||
		return 1
	# A veth takes redirected frames while its peer has NAPI: GRO on from
	# Linux 5.13, an XDP program on the peer before (5.10), here one that
	# passes all
	ethtool -K xv1 gro on >/dev/null || return 1
	ip link set dev xv1 xdpdrv obj $OBJ sec xdp || return 1
	xbench "$GIF" redirect "$GIF" xv0 || return 1
	_r0=$(qsum xdp_redirect) _v0=$(cat /sys/class/net/xv1/statistics/rx_packets)
	hburst 10
	_r1=$(qsum xdp_redirect) _v1=$(cat /sys/class/net/xv1/statistics/rx_packets)
	xbench_stop
	ip link set dev xv1 xdpdrv off || return 1
	ktap_diag "host sent 10: xdp_redirect $_r0 -> $_r1, xv1 rx_packets $_v0 -> $_v1"
	[ $((_r1 - _r0)) -ge 10 ] && [ $((_v1 - _v0)) -ge 10 ] || xdiag || return 1
	ip addr add 10.93.0.1/24 dev xv0 &&
		ip neigh replace 10.93.0.2 lladdr "$(ip netns exec $NS cat /sys/class/net/"$HIF"/address)" \
			dev xv0 nud permanent || return 1
	xbench xv1 redirect xv1 "$GIF" || return 1
	_x0=$(qsum xdp_xmit) _h0=$(hrx) _s0=$(cat /sys/class/net/xv0/statistics/tx_packets)
	ping -q -c 10 -i 0.01 -W 1 -I xv0 10.93.0.2 >/dev/null 2>&1
	_x1=$(qsum xdp_xmit) _h1=$(hrx) _s1=$(cat /sys/class/net/xv0/statistics/tx_packets)
	xbench_stop
	ktap_diag "xv0 sent $((_s1 - _s0)): xdp_xmit $_x0 -> $_x1, host rx_packets $_h0 -> $_h1"
	ip link del xv0
	[ $((_x1 - _x0)) -ge 10 ] && [ $((_h1 - _h0)) -ge 10 ] || xdiag
}

ktap_plan 9
netvsc_start
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
ktap_check "refused with MTU 4000 and with LRO on (extack); attached: MTU and LRO held" refusals
ktap_check "xdp-filter mirrored to the VF; drops exactly what the host sent by the VF and, once it left, by netvsc (xdp_drop)" drops
ktap_check "frames the program passes: ping both ways, iperf3 host -> guest" passes
ktap_check "a VF that joins takes the program" vf_again
ktap_check "detach: off the NIC and the VF, the program freed" detach
ktap_check "XDP_TX: xdp-bench tx reflects the host's frames back to it (xdp_tx)" reflect
ktap_check "XDP_REDIRECT NIC -> veth (xdp_redirect) and veth -> NIC (ndo_xdp_xmit, xdp_xmit)" redirects
kill_ns_pids $NS
ip netns del $NS 2>/dev/null
rmmod hv_netvsc 2>/dev/null
hvg_unload
ktap_done
