#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# hv_netvsc multi-channel: subchannels by the CPU count and the host's
# limit, the RSS key and indirection table on both sides, receives spread
# over the channels, per-queue counters, `ethtool -L` (also under TCP
# traffic), `ethtool -G` (buffer sizes renegotiated), hosts that offer one
# channel or NVSP 4, a host offering more subchannels than asked, and a
# module reload (stale subchannels replaced).
# With subchannels the host sends its send indirection table unasked
# (behind a whole NVSP message on NVSP 5/6 hosts): taken, no error.
# hvg-timeout: 900
. "$HVG_REPO/tools/testing/vm/lib.sh"
. "$HVG_REPO/tools/testing/vm/tests/netvsc_lib.inc"

NS=hvm
H4=10.97.0.1 G4=10.97.0.2
NCPU=$(nproc)

chans_are() { [ "$(nchans)" = "$1" ]; }

defaults() {
	wait_for "chans_are $NCPU" 20 ||
		{ ktap_diag "channels $(nchans), expected $NCPU"; return 1; }
	[ "$(maxchans)" = 4 ] || { ktap_diag "max $(maxchans), expected 4"; return 1; }
	[ "$(hstat subchannels)" = $((NCPU - 1)) ] ||
		{ ktap_diag "host: $(hstat subchannels) subchannels"; return 1; }
	_rxq=$(ls -d /sys/class/net/"$GIF"/queues/rx-* | wc -l)
	[ "$_rxq" = "$NCPU" ] || { ktap_diag "$_rxq receive queues"; return 1; }
}

send_table() {
	if [ "$NCPU" = 1 ]; then
		ktap_diag "one CPU: no subchannels, no send table"
		return 0
	fi
	wait_for '[ "$(gstat send_tables)" -ge 1 ]' 10 ||
		{ ktap_diag "guest took $(gstat send_tables) send tables, host sent $(hstat itab_sent)"; return 1; }
	[ "$(hstat itab_sent)" -ge 1 ] && [ "$(rx_errors)" = 0 ] ||
		{ ktap_diag "host sent $(hstat itab_sent), guest rx_errors $(rx_errors)"; return 1; }
}

# The key and table `ethtool -x` shows are the ones the host has.
host_rss() {
	_key=$(ethtool -x "$GIF" | sed -n '/RSS hash key/{n;p}' | tr -d ':')
	_hkey=$(hstat rss | sed -n 's/^1 key \([0-9a-f]*\) .*/\1/p')
	[ -n "$_key" ] && [ "$_key" = "$_hkey" ] ||
		{ ktap_diag "key guest '$_key' host '$_hkey'"; return 1; }
	_gtab=$(ethtool -x "$GIF" | sed -n '/indirection table/,/hash key/p' |
		sed -n 's/^[[:space:]]*[0-9][0-9]*:[[:space:]]*//p' | tr -s ' \n' '  ' |
		sed 's/ *$//')
	_htab=$(hstat rss | sed 's/.* itab //')
	[ "$_gtab" = "$_htab" ] || { ktap_diag "table guest '$_gtab' host '$_htab'"; return 1; }
}

rss_default() {
	host_rss || return 1
	for _q in $(seq 0 $((NCPU - 1))); do
		hstat rss | sed 's/.* itab//' | grep -q " $_q" ||
			{ ktap_diag "queue $_q not in the table"; return 1; }
	done
}

rss_set() {
	ethtool -X "$GIF" equal 1 || return 1
	host_rss || return 1
	[ -z "$(hstat rss | sed 's/.* itab//' | tr -d ' 0')" ] ||
		{ ktap_diag "host table not all 0: $(hstat rss)"; return 1; }
	ethtool -X "$GIF" hkey 6d:5a:56:da:25:5b:0e:c2:41:67:25:3d:43:a3:8f:b0:d0:ca:2b:cb:ae:7b:30:b4:77:cb:2d:a3:80:30:f2:0c:6a:42:b7:3b:be:ac:01:fa \
		equal "$NCPU" || return 1
	host_rss || return 1
	hstat rss | grep -q " key 6d5a56da255b0ec2" || { ktap_diag "host: $(hstat rss)"; return 1; }
	if ethtool -X "$GIF" equal 9 2>/dev/null; then
		ktap_diag "a table naming absent channels was accepted"
		return 1
	fi
	ethtool -X "$GIF" default && host_rss
}

# steer WEIGHTS HOT COLD: with the table all HOT, host -> guest TCP lands
# on queue HOT (the guest's counter), none on COLD.
steer() {
	ethtool -X "$GIF" weight $1 || return 1
	_h0=$(gstat "rx_queue_${2}_packets") _c0=$(gstat "rx_queue_${3}_packets")
	iperf_run $NS $H4 -R -n 2M || return 1
	_dh=$(($(gstat "rx_queue_${2}_packets") - _h0))
	_dc=$(($(gstat "rx_queue_${3}_packets") - _c0))
	ktap_diag "table all $2: rx_queue_$2 +$_dh, rx_queue_$3 +$_dc; host $(hstat queues)"
	[ "$_dh" -gt 500 ] && [ "$_dc" -lt 50 ]
}

# The host follows the table: all to one queue, then the other; then the
# default spread with several flows (figures only: Linux picks ports of
# one parity, so which queues the flows hash to varies).
spread() {
	lro_set off || return 1	# counts frames: none coalesced
	steer "0 1" 1 0 && steer "1 0" 0 1 || return 1
	lro_set on || return 1
	ethtool -X "$GIF" default || return 1
	iperf_run $NS $H4 -R -P 8 -t 3 || return 1
	ktap_diag "default table, 8 flows: host per-queue deliveries $(hstat queues)"
	_t=$(gstat tx_queue_0_packets)
	[ "${_t:-0}" -gt 0 ] || { ktap_diag "tx_queue_0_packets: ${_t:-none}"; return 1; }
}

set_chans() {
	ethtool -L "$GIF" combined "$1" || { ktap_diag "ethtool -L $1 failed"; return 1; }
	chans_are "$1" || { ktap_diag "channels $(nchans) after -L $1"; return 1; }
	[ "$(hstat subchannels)" = $(($1 - 1)) ] ||
		{ ktap_diag "host: $(hstat subchannels) subchannels"; return 1; }
	host_rss && wait_for "ping4 $H4 1" 20 || ping_diag
}

chans_change() {
	set_chans 4 && set_chans 1 && set_chans 3 || return 1
	if ethtool -L "$GIF" combined 5 2>/dev/null; then
		ktap_diag "5 channels accepted, host offers 4"
		return 1
	fi
	set_chans "$NCPU"
}

# The host offers two subchannels more than the guest asked for: they are
# refused (logged), the channels asked for carry traffic, `ethtool -L`
# still works, and every subchannel the host rescinds at the renegotiation
# (refused, or closed by the guest before) gets its relid released.
sub_excess() {
	_n0=$(dmesg | grep -c "subchannel [0-9]* not used")
	/bin/echo 1 >"$HVSIM_DBG/dev$DEV/fault_sub_excess"
	set_chans 3 || return 1
	[ "$(cat "$HVSIM_DBG/dev$DEV/fault_sub_excess")" = 0 ] ||
		{ ktap_diag "the host offered no extra subchannel"; return 1; }
	wait_for "[ \"\$(dmesg | grep -c 'subchannel [0-9]* not used')\" -ge $((_n0 + 2)) ]" 10 ||
		{ ktap_diag "the extra subchannels were not refused"; return 1; }
	set_chans "$NCPU" || return 1
	wait_for "! grep -q ' state=rescinded ' $HVSIM_DBG/devices" 10 || {
		ktap_diag "subchannels rescinded but their relids never released:"
		grep ' state=rescinded ' "$HVSIM_DBG/devices" | cut -d' ' -f1-6 | sed 's/^/#   /'
		return 1
	}
}

chans_traffic() {
	ip netns exec $NS iperf3 -s -1 -D -B $H4 >/dev/null 2>&1
	sleep 1
	timeout 60 iperf3 -c $H4 -t 20 -P 2 >/tmp/iperf.out 2>&1 &
	_pid=$!
	sleep 3
	_ok=0
	for _n in 1 2 3 1 "$NCPU"; do
		timeout 60 ethtool -L "$GIF" combined "$_n" ||
			{ ktap_diag "-L $_n failed"; _ok=1; }
		sleep 1
	done
	wait "$_pid"
	_rc=$?
	kill_ns_pids $NS
	[ $_rc -eq 0 ] || ktap_diag "iperf3 under -L: $(tail -2 /tmp/iperf.out | tr '\n' ' ')"
	[ $_ok -eq 0 ] && wait_for "ping4 $H4 1" 20 || ping_diag
}

rings() {
	ethtool -G "$GIF" rx 512 tx 128 || { ktap_diag "ethtool -G failed"; return 1; }
	ethtool -g "$GIF" | sed -n '/Current/,$p' | grep -q "^RX:[[:space:]]*512" ||
		{ ktap_diag "$(ethtool -g "$GIF" | tr '\n' ' ')"; return 1; }
	[ "$(gstat send_sections)" = $((128 * 4096 / 6144)) ] ||
		{ ktap_diag "send sections $(gstat send_sections)"; return 1; }
	[ "$(hstat slots)" -lt 400 ] || { ktap_diag "host slots $(hstat slots)"; return 1; }
	chans_are "$NCPU" || { ktap_diag "channels $(nchans) after -G"; return 1; }
	wait_for "ping4 $H4 1" 20 || ping_diag || return 1
	iperf_run $NS $H4 -t 2 -R || return 1
	if ethtool -G "$GIF" rx 16 2>/dev/null; then
		ktap_diag "a 64 KiB receive buffer was accepted"
		return 1
	fi
	ethtool -G "$GIF" rx 1024 tx 256 && wait_for "ping4 $H4 1" 20 || ping_diag
}

one_chan_host() {
	_d=$DEV _r=$RELID _g=$GIF _h=$HIF
	new_net channels=1 || return 1
	sleep 2
	_rc=0
	[ "$(maxchans)" = 1 ] && chans_are 1 || { ktap_diag "channels=1 host: $(maxchans)/$(nchans)"; _rc=1; }
	del_net
	new_net nvsp=4 || return 1
	sleep 2
	[ "$(maxchans)" = 1 ] && chans_are 1 || { ktap_diag "NVSP 4 host: $(maxchans)/$(nchans)"; _rc=1; }
	del_net
	DEV=$_d RELID=$_r GIF=$_g HIF=$_h
	return $_rc
}

reload() {
	ip -n $NS link set "$HIF" down
	rmmod hv_netvsc && insmod "$KO" || return 1
	wait_for "guest_if $RELID" 30 || { ktap_diag "no netdev after reload"; return 1; }
	GIF=$(guest_if "$RELID")
	wait_for "chans_are $NCPU" 20 || { ktap_diag "channels $(nchans) after reload"; return 1; }
	ip -n $NS link set "$HIF" up
	ip addr add $G4/24 dev "$GIF" && ip link set "$GIF" up &&
		wait_for "ping4 $H4 1" 20 || ping_diag || return 1
	iperf_run $NS $H4 -R -P 2 -t 2
}

ktap_plan 13
netvsc_start channels=4
ktap_check "one channel per CPU ($NCPU), host limit 4 reported" defaults
ktap_check "the host's send table after the subchannels: taken, no error" send_table
ktap_check "RSS key and table: ethtool -x shows what the host uses" rss_default
ktap_check "ethtool -X table and key reach the host; bad table refused" rss_set
ktap_check "host steers receives by the guest's table (per-queue counters)" spread
ktap_check "ethtool -L 4, 1, 3, $NCPU renegotiates; 5 refused" chans_change
ktap_check "subchannel offers beyond those asked: refused, relids released, -L works" sub_excess
ktap_check "ethtool -L during TCP traffic" chans_traffic
ktap_check "ethtool -G resizes the buffers; too small refused" rings
ktap_check "hosts with one channel or NVSP 4: one channel" one_chan_host
ktap_check "module reload: subchannels offered anew" reload
ip netns del $NS 2>/dev/null
rmmod hv_netvsc 2>/dev/null
hvg_unload
ktap_done
