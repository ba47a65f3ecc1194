#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# hv_netvsc accelerated networking against hvsim's VF (tools/hvsim/net_vf.c):
# the host associates a VF hvsimvf<N> (the NIC's MAC, no PCI parent), the
# guest hides it behind its NIC and switches the data path to it; MTU and
# promiscuous mode follow; TCP transfers both ways with SHA-256 while the
# VF is removed, revoked and added again; 20 remove/add cycles; link flap;
# malformed association and switch messages; late, mistyped and missing
# completions of the guest's switch; the vf=0 module parameter and a VF
# that was there before the driver.
# hvg-timeout: 600
. "$HVG_REPO/tools/testing/vm/lib.sh"
. "$HVG_REPO/tools/testing/vm/tests/netvsc_lib.inc"

NS=hvf
H4=10.95.0.1 G4=10.95.0.2
XFER=$HVG_REPO/tools/testing/vm/tests/netvsc_xfer.py
MIB=${HVG_VF_MIB:-24}

tx_synth() { sum_S '^tx_queue_[0-9]+_bytes:'; }
rx_synth() { sum_S '^rx_queue_[0-9]+_bytes:'; }

# Both directions go by the VF: the guest's and the host's counters grow.
vf_traffic() {
	_r0=$(gstat vf_rx_packets) _t0=$(gstat vf_tx_packets) _h0=$(hvf to_vf)
	ping4 $H4 5 || ping_diag || return 1
	hping4 $NS $G4 || ping_diag || return 1
	_r1=$(gstat vf_rx_packets) _t1=$(gstat vf_tx_packets) _h1=$(hvf to_vf)
	ktap_diag "vf_rx_packets $_r0 -> $_r1, vf_tx_packets $_t0 -> $_t1, host to_vf $_h0 -> $_h1"
	[ $((_r1 - _r0)) -ge 8 ] && [ $((_t1 - _t0)) -ge 8 ] && [ $((_h1 - _h0)) -ge 8 ] ||
		vf_diag
}

# One interface for the user: the VF has no address of its own and its
# MTU and promiscuous mode are the NIC's.
vf_hidden() {
	ip addr show dev "$(vf_if)" | grep -q 'inet' &&
		{ ktap_diag "VF has an address: $(ip addr show dev "$(vf_if)" | grep inet)"; return 1; }
	ip link set "$GIF" mtu 4000 && ip -n $NS link set "$HIF" mtu 4000 || return 1
	[ "$(cat "/sys/class/net/$(vf_if)/mtu")" = 4000 ] ||
		{ ktap_diag "VF MTU $(cat "/sys/class/net/$(vf_if)/mtu")"; return 1; }
	busybox ping -c 2 -W 5 -s 3500 $H4 >/tmp/ping.out 2>&1 || ping_diag || return 1
	ip link set "$GIF" mtu 1500 && ip -n $NS link set "$HIF" mtu 1500 || return 1
	# Set by its master: in the promiscuity count, not in the user's flags
	ip link set "$GIF" promisc on
	ip -d link show "$(vf_if)" | grep -q "promiscuity 1" ||
		{ ktap_diag "VF not promiscuous"; ip link set "$GIF" promisc off; return 1; }
	ip link set "$GIF" promisc off
	ip -d link show "$(vf_if)" | grep -q "promiscuity 0"
}

# xfer DIR: $MIB MiB of TCP (DIR "out": guest -> host, "in": host -> guest)
# while the VF is removed, added, revoked and added again, each path
# carrying part of it; the digests must match.
sum_S() { ethtool -S "$GIF" | awk -v re="$1" '$1 ~ re { s += $2 } END { print s + 0 }'; }
synth_bytes() { sum_S '^(tx|rx)_queue_[0-9]+_bytes:'; }
vf_bytes() { sum_S '^vf_(tx|rx)_bytes:'; }
# grows COUNTER: wait (10 s at most, or the transfer's end) until it grew by 100 kB
grows() {
	_g0=$($1)
	wait_for "[ ! -e /tmp/vf.flip ] || [ \$((\$($1) - _g0)) -gt 100000 ]" 10 || true
}
flipper() {
	while [ -e /tmp/vf.flip ]; do
		for _k in vf_remove vf_revoke; do
			[ -e /tmp/vf.flip ] || return 0
			vfknob $_k
			grows synth_bytes
			vfknob vf_add
			grows vf_bytes
		done
	done
}

xfer() {
	_s0=$(tx_synth) _sr0=$(rx_synth) _v0=$(gstat vf_tx_bytes) _vr0=$(gstat vf_rx_bytes)
	_sw0=$(hvf switches)
	_bytes=$((MIB * 1048576))
	if [ "$1" = out ]; then
		ip netns exec $NS python3 "$XFER" recv $H4 5401 >/tmp/xfer.rx 2>&1 &
		_srv=$!
		sleep 2
		: >/tmp/vf.flip
		flipper &
		_flip=$!
		timeout 150 python3 "$XFER" send $H4 5401 $_bytes >/tmp/xfer.tx 2>&1
		_rc=$?
	else
		python3 "$XFER" recv $G4 5402 >/tmp/xfer.rx 2>&1 &
		_srv=$!
		sleep 2
		: >/tmp/vf.flip
		flipper &
		_flip=$!
		timeout 150 ip netns exec $NS python3 "$XFER" send $G4 5402 $_bytes \
			>/tmp/xfer.tx 2>&1
		_rc=$?
	fi
	rm -f /tmp/vf.flip
	wait $_flip
	wait $_srv
	ktap_diag "sender: $(cat /tmp/xfer.tx) rc $_rc"
	ktap_diag "receiver: $(cat /tmp/xfer.rx)"
	ktap_diag "guest tx synthetic +$(($(tx_synth) - _s0)) VF +$(($(gstat vf_tx_bytes) - _v0)), rx synthetic +$(($(rx_synth) - _sr0)) VF +$(($(gstat vf_rx_bytes) - _vr0)) bytes; host switches $_sw0 -> $(hvf switches)"
	[ $_rc = 0 ] && [ "$(cat /tmp/xfer.tx)" = "$(cat /tmp/xfer.rx)" ] &&
		grep -q "^$_bytes " /tmp/xfer.rx || { vf_diag; return 1; }
	# The VF ends up back; both paths carried the transfer
	ip link show "$(vf_if)" >/dev/null 2>&1 || vfknob vf_add
	wait_for dp_vf 10 || vf_diag || return 1
	if [ "$1" = out ]; then
		XFER_SYNTH=$(($(tx_synth) - _s0)) XFER_VF=$(($(gstat vf_tx_bytes) - _v0))
	else
		XFER_SYNTH=$(($(rx_synth) - _sr0)) XFER_VF=$(($(gstat vf_rx_bytes) - _vr0))
	fi
}

# Both paths carried part of the last transfer (TCP sometimes stalls for
# the whole window after a switch under load: see Documentation/netvsc.rst)
both_paths() {
	ktap_diag "by synthetic ${XFER_SYNTH:-0} bytes, by the VF ${XFER_VF:-0} bytes"
	[ "${XFER_SYNTH:-0}" -gt 100000 ] && [ "${XFER_VF:-0}" -gt 100000 ]
}

# Frames lost by the earlier checks do not count: a removal under a bulk
# transfer (check 8) may lose what was in flight, as on hardware.
cycles() {
	_i=0
	_d0=$(hvf vf_dropped)
	while [ $_i -lt 20 ]; do
		vf_remove >/dev/null || { ktap_diag "cycle $_i: remove"; vf_diag; return 1; }
		ping4 $H4 1 || { ktap_diag "cycle $_i: synthetic"; ping_diag; return 1; }
		vf_add >/dev/null || { ktap_diag "cycle $_i: add"; vf_diag; return 1; }
		ping4 $H4 1 || { ktap_diag "cycle $_i: VF"; ping_diag; return 1; }
		_i=$((_i + 1))
	done
	ktap_diag "host: $(grep '^vf ' "$HVSIM_DBG/dev$DEV/stats")"
	[ "$(hvf vf_dropped)" = "$_d0" ] ||
		{ ktap_diag "frames lost on a graceful remove (vf_dropped $_d0 before)"; vf_diag; }
}

link_flap() {
	link_bounce || return 1
	wait_for "ping4 $H4 1" 20 || ping_diag || return 1
	dp_vf || vf_diag || return 1
	vf_traffic
}

revoke() {
	vf_remove vf_revoke || return 1
	[ "$(hvf host_switches)" -ge 1 ] || { ktap_diag "host never switched back"; vf_diag; return 1; }
	wait_for "ping4 $H4 1" 10 || ping_diag || return 1
	vf_add && vf_traffic
}

bad_assoc() {
	_e0=$(rx_errors)
	/bin/echo 3 >"$HVSIM_DBG/dev$DEV/fault_bad_assoc"
	wait_for "[ \$(cat $HVSIM_DBG/dev$DEV/fault_bad_assoc) = 0 ]" 10 ||
		{ ktap_diag "faults not sent"; return 1; }
	ping4 $H4 2 || ping_diag || return 1
	_e1=$(rx_errors)
	ktap_diag "rx_errors $_e0 -> $_e1"
	[ $((_e1 - _e0)) -ge 3 ] || return 1
	for _m in "VF association of 8 bytes dropped" "VF association with allocated 7" \
	    "host switch to data path 6 dropped"; do
		dmesg | grep -q "$_m" || { ktap_diag "no '$_m' in the log"; return 1; }
	done
	dp_vf || vf_diag || return 1
	vf_traffic
}

# switch_fault MODE: hvsim makes the guest's next switch to the VF but its
# completion is late (1), mistyped (2) or never sent (3): fault_switch_comp.
# A renegotiation (ethtool -G) brings the association and that switch,
# and nothing else switches after it.  The switch fails with one error
# (a mistyped completion at once, not after the 10 s wait) and the guest
# sends synthetic; traffic flows (the VF hands over the host's frames).
# Taking the VF down then switches the host back to synthetic (the guest
# no longer knows the host's path) and traffic still flows; up again, the
# switch to the VF works.
switch_fault() {
	# From the VF's path (after a failed check too: the VF may be down)
	ip link set "$(vf_if)" up
	wait_for dp_vf 15 || { ktap_diag "not on the VF's path to begin with"; vf_diag; return 1; }
	_rx=$(ethtool -g "$GIF" | sed -n '/Current/,$s/^RX:[[:space:]]*//p')
	[ "$_rx" = 512 ] && _rx=1024 || _rx=512
	/bin/echo "$1" >"$HVSIM_DBG/dev$DEV/fault_switch_comp"
	dmesg_mark
	ethtool -G "$GIF" rx $_rx || { ktap_diag "ethtool -G rx $_rx failed"; return 1; }
	wait_for "dmesg_has 'data path switch to VF failed'" 15 ||
		{ ktap_diag "no failed switch logged"; vf_diag; return 1; }
	dmesg_since | grep -E 'hv_netvsc|hvsim: fault' | sed 's/^/# /'
	[ "$(cat "$HVSIM_DBG/dev$DEV/fault_switch_comp")" = 0 ] ||
		{ ktap_diag "the fault did not fire"; return 1; }
	[ "$(dmesg_since | grep -c 'data path switch to VF failed')" = 1 ] ||
		{ ktap_diag "not exactly one error for the switch"; return 1; }
	if [ "$1" = 2 ] && dmesg_has 'no completion for NVSP message'; then
		ktap_diag "a mistyped completion was waited for"
		return 1
	fi
	[ "$(gstat vf_data_path)" = 0 ] || { ktap_diag "guest sends by the VF"; vf_diag; return 1; }
	ping4 $H4 2 || ping_diag || return 1
	ip link set "$(vf_if)" down
	wait_for dp_synth 15 ||
		{ ktap_diag "the host still sends by the VF the guest took down"; vf_diag; return 1; }
	ping4 $H4 2 || ping_diag || return 1
	ip link set "$(vf_if)" up
	wait_for dp_vf 15 || { ktap_diag "the later switch to the VF failed"; vf_diag; return 1; }
	ping4 $H4 2 || ping_diag
}

# vf=0: no SR-IOV capability, so no association; the VF stays a device of
# its own.  Then the default driver takes the VF that is already there.
reload() {
	kill_ns_pids $NS
	rmmod hv_netvsc || return 1
	insmod "$KO" vf=0 || return 1
	wait_for "guest_if $RELID" 30 || return 1
	GIF=$(guest_if "$RELID")
	ip addr add $G4/24 dev "$GIF" && ip link set "$GIF" up || return 1
	wait_for "ping4 $H4 1" 20 || ping_diag || return 1
	sleep 1
	joined && { ktap_diag "VF joined with vf=0"; return 1; }
	[ "$(hvf sriov)" = 0 ] && dp_synth || vf_diag || return 1
	rmmod hv_netvsc || return 1
	insmod "$KO" || return 1
	wait_for "guest_if $RELID" 30 || return 1
	GIF=$(guest_if "$RELID")
	ip addr add $G4/24 dev "$GIF" && ip link set "$GIF" up || return 1
	wait_for joined 10 || { ktap_diag "VF present before the driver not joined"; vf_diag; return 1; }
	wait_for dp_vf 10 || vf_diag || return 1
	wait_for "ping4 $H4 1" 20 || ping_diag || return 1
	vf_traffic
}

ktap_plan 17
netvsc_start
ktap_check "VF added: joined behind $GIF, data path switched to it" vf_add
ktap_check "traffic both ways by the VF (guest and host counters)" vf_traffic
ktap_check "one interface: VF without address, MTU and promiscuity follow" vf_hidden
ktap_check "$MIB MiB guest -> host while the VF goes and comes: intact" xfer out
ktap_check_xfail "TCP may stall for a whole window after a switch" \
	"guest -> host: both paths carried part of it" both_paths
ktap_check "$MIB MiB host -> guest while the VF goes and comes: intact" xfer in
ktap_check_xfail "TCP may stall for a whole window after a switch" \
	"host -> guest: both paths carried part of it" both_paths
ktap_check "VF removed and added 20 times, no frame lost" cycles
ktap_check "link flap: traffic resumes by the VF" link_flap
ktap_check "VF revoked without warning: synthetic path takes over" revoke
ktap_check "malformed association and switch messages: counted, logged, ignored" bad_assoc
ktap_check "late completion of the switch to the VF: fails cleanly, synthetic, later switch works" \
	switch_fault 1
ktap_check "mistyped completion of the switch to the VF: fails at once, synthetic, later switch works" \
	switch_fault 2
ktap_check "no completion of the switch to the VF: fails cleanly, synthetic, later switch works" \
	switch_fault 3
ktap_check "vf=0 leaves the VF alone; reload joins a VF already there" reload
kill_ns_pids $NS
ip netns del $NS 2>/dev/null
rmmod hv_netvsc 2>/dev/null
hvg_unload
ktap_done
