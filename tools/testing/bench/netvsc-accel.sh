#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs inside the test VM: hv_netvsc's accelerated networking and XDP, each
# against its baseline by turns (A B A B ...) for HVG_BENCH_ROUNDS rounds.
#   vf   iperf3 TCP transmit and receive Mbit/s through the NIC (host end
#        hvsim<N> in namespace "bench") on its synthetic path, then with
#        hvsim's VF joined and the data path switched to it (tx_Mbps.vf,
#        rx_Mbps.vf), the VF removed again after each round; the ratio
#        vf/synthetic of each round.
#   xdp  packets per second that xdp-bench drop (Debian's xdp-tools,
#        native mode) counts on a veth end (vb0, peer vb1 in namespace
#        "vbench"), then on the NIC (synthetic path, LRO off), while pktgen
#        floods minimum-size UDP frames out of the peer (vb1, hvsim<N>) to
#        it: drop_pps.veth, drop_pps.netvsc and the ratio netvsc/veth.
# Prints "@@" lines (lib.sh) for report.sh; asserts nothing.
. "$HVG_REPO/tools/testing/vm/lib.sh"
. "$HVG_REPO/tools/testing/vm/tests/netvsc_lib.inc"
. "$HVG_REPO/tools/testing/bench/lib.sh"

T=${HVG_BENCH_SECONDS:-4}
NS=bench
H4=10.97.0.1 G4=10.97.0.2
VNS=vbench

# pg NS FILE COMMAND: one pktgen command, to /proc/net/pktgen/FILE of NS
pg() { ip netns exec "$1" sh -c "echo '$3' >/proc/net/pktgen/$2"; }

# flood NS IF DST-MAC: pktgen's first thread of NS sends 64-byte UDP frames
# (pkt_size 64, as pktgen counts it) out of IF to DST-MAC, without end and
# as fast as it can, until flood_stop NS
flood() {
	pg "$1" kpktgend_0 rem_device_all
	pg "$1" kpktgend_0 "add_device $2"
	for _c in "count 0" "pkt_size 64" "delay 0" "clone_skb 0" \
		"dst 10.96.0.9" "udp_dst_min 9" "udp_dst_max 9" "dst_mac $3"; do
		pg "$1" "$2" "$_c" || return 1
	done
	pg "$1" pgctrl start &	# returns when stopped
	FLOOD=$!
}
flood_stop() {
	pg "$1" pgctrl stop
	wait "$FLOOD"
}

xdp_on() { ip -d link show dev "$1" | grep -q 'prog/xdp'; }

# xdrop IF: the packets/s xdp-bench drop counts on IF once it is attached
# (native mode), frames already flooding in: the mean of its per-second
# summaries over T seconds, the first (the attach) left out; 0 if none
xdrop() {
	xdp-bench drop -i 1 "$1" >/tmp/xdrop.out 2>&1 &
	_x=$!
	wait_for "xdp_on $1 || ! kill -0 $_x" 30
	sleep $((T + 1))
	kill -INT $_x 2>/dev/null
	wait $_x
	awk '$1 == "Summary" { for (i = 2; i < NF; i++) if ($(i + 1) == "rx/s") {
			v = $i; gsub(",", "", v); if (++n > 1) { s += v; c++ } } }
	     END { printf "%d\n", c ? s / c : 0 }' /tmp/xdrop.out
}

bench_meta
hvg_load >/dev/null && insmod "$KO" || exit 1
new_net && setup_ns $NS $H4 $G4 || { echo "netvsc-accel: no NIC"; exit 1; }
modprobe veth
ip netns add $VNS
ip link add vb0 type veth peer name vb1
ip link set vb1 netns $VNS
ip -n $VNS link set vb1 up
ip link set vb0 up
echo "netvsc-accel: $GIF (host $HIF), $(pers) host; ${T}s per run, $BENCH_ROUNDS rounds"

# The VF path against the synthetic one
r=1
while [ "$r" -le "$BENCH_ROUNDS" ]; do
	st=$(bench_mbits $NS $H4) sr=$(bench_mbits $NS $H4 -R)
	vf_add
	vt=$(bench_mbits $NS $H4) vr=$(bench_mbits $NS $H4 -R)
	[ "$r" = 1 ] && echo "netvsc-accel: VF $(vf_if): data path $(hvf dp)," \
		"guest vf_tx_bytes $(gstat vf_tx_bytes), vf_rx_bytes $(gstat vf_rx_bytes)"
	vf_remove
	bench_emit netvsc vf tx_Mbps.synthetic "$r" "$st"
	bench_emit netvsc vf tx_Mbps.vf "$r" "$vt"
	bench_emit netvsc vf tx_Mbps.ratio "$r" "$(bench_ratio "$vt" "$st")"
	bench_emit netvsc vf rx_Mbps.synthetic "$r" "$sr"
	bench_emit netvsc vf rx_Mbps.vf "$r" "$vr"
	bench_emit netvsc vf rx_Mbps.ratio "$r" "$(bench_ratio "$vr" "$sr")"
	r=$((r + 1))
done

# XDP_DROP: the same program on a veth and on the NIC
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
modprobe pktgen || echo "netvsc-accel: no pktgen"
lro_set off
r=1
while [ "$r" -le "$BENCH_ROUNDS" ]; do
	flood $VNS vb1 "$(cat /sys/class/net/vb0/address)"
	v=$(xdrop vb0)
	flood_stop $VNS
	[ "$r" = 1 ] && echo "netvsc-accel: xdp-bench drop vb0: $(grep -m1 Summary /tmp/xdrop.out)"
	flood $NS "$HIF" "$(cat "/sys/class/net/$GIF/address")"
	n=$(xdrop "$GIF")
	flood_stop $NS
	[ "$r" = 1 ] && echo "netvsc-accel: xdp-bench drop $GIF: $(grep -m1 Summary /tmp/xdrop.out)," \
		"xdp_drop $(ethtool -S "$GIF" | awk '/_xdp_drop:/ { s += $2 } END { print s + 0 }')"
	bench_emit netvsc xdp drop_pps.veth "$r" "$v"
	bench_emit netvsc xdp drop_pps.netvsc "$r" "$n"
	bench_emit netvsc xdp drop_pps.ratio "$r" "$(bench_ratio "$n" "$v")"
	r=$((r + 1))
done

ip link del vb0
kill_ns_pids $NS
ip netns del $VNS
ip netns del $NS
rmmod hv_netvsc
hvg_unload
