#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Hyper-V sockets: hv_sock against hvsim's socket host, with socat on both
# sides (VSOCK in the guest, TCP on the host's side): transfers both ways
# with the same sha256, a refused connect, many concurrent connections,
# rescind during a transfer and right after the open, a refusal during an
# open, and the host's malformed packets and offers; at scale, many
# connections at once echoing data with the same sha256 each, and
# afterwards no channel, device or socket left over.
# HVG_HVSOCK_MB sets the transfer size (the issue's 1 GiB is
# HVG_HVSOCK_MB=1024), HVG_HVSOCK_CONNS the connections held open at once
# (the issue's 100 is HVG_HVSOCK_CONNS=100; CI uses 10 under TCG);
# HVG_HVSOCK_SCALE_CONNS and HVG_HVSOCK_SCALE_MB the scale check's
# connections and MiB in all (CI: 20 and 64; make hvsock-scale: 100 and
# 512, 1 GiB through hv_sock).
# hvg-timeout: 600
. "$HVG_REPO/tools/testing/vm/lib.sh"

: "${HVG_HVSOCK_MB:=8}"
: "${HVG_HVSOCK_CONNS:=10}"
: "${HVG_HVSOCK_SCALE_CONNS:=20}"
: "${HVG_HVSOCK_SCALE_MB:=64}"
HS=$HVSIM_DBG/hvsock
KO_HVSOCK=$HVG_REPO/drivers/hvsock/$HVG_MOD_SOCK.ko
T=/tmp/hvsock
mkdir -p $T

hs_cmd() {
	{ /bin/echo "$1" >"$HS"; } 2>/dev/null || { ktap_diag "hvsock: '$1' refused"; return 1; }
}

load() {
	ip link set lo up || return 1
	_hvg_insmod "$HVG_KO_VMBUS" || return 1
	# shellcheck disable=SC2046 # one word or none
	_hvg_insmod "$HVG_KO_HVSIM" echo_devices=0 $(hvg_pers_param) || return 1
	modprobe vsock || return 1
	_hvg_insmod "$KO_HVSOCK" || return 1
	[ -w "$HS" ] || { ktap_diag "no $HS"; return 1; }
}

# sha256 of a file
sum() { sha256sum "$1" | cut -d' ' -f1; }

# Wait until a TCP socket listens on 127.0.0.1:PORT (socat starts slowly
# under TCG: a connect before would be refused).
tcp_listening() {
	wait_for "ss -Hltn 'sport = :$1' | grep -q ." 20
}

# guest -> host: the host listens on vsock 5000, relayed to TCP 15000.
guest_to_host() {
	hs_cmd "listen 5000 tcp:15000" || return 1
	rm -f $T/h.out
	timeout 300 socat -u TCP-LISTEN:15000,reuseaddr OPEN:$T/h.out,creat,trunc &
	_srv=$!
	tcp_listening 15000
	_t0=$(date +%s%N)
	timeout 300 socat -u OPEN:$T/data VSOCK-CONNECT:2:5000 || {
		ktap_diag "guest socat failed"; kill $_srv; return 1; }
	wait $_srv || { ktap_diag "host socat failed"; return 1; }
	_t1=$(date +%s%N)
	ktap_diag "guest->host $HVG_HVSOCK_MB MiB in $(((_t1 - _t0) / 1000000)) ms"
	[ "$(sum $T/h.out)" = "$DATA_SUM" ] || { ktap_diag "sha256 differs"; return 1; }
}

# host -> guest: the host connects to the guest's vsock 5001 for each TCP
# connection to 15001.
host_to_guest() {
	hs_cmd "connect 5001 tcp:15001" || return 1
	rm -f $T/g.out
	timeout 300 socat -u VSOCK-LISTEN:5001 OPEN:$T/g.out,creat,trunc &
	_srv=$!
	sleep 1
	_t0=$(date +%s%N)
	timeout 300 socat -u OPEN:$T/data TCP:127.0.0.1:15001 || {
		ktap_diag "host socat failed"; kill $_srv; return 1; }
	wait $_srv || { ktap_diag "guest socat failed"; return 1; }
	_t1=$(date +%s%N)
	ktap_diag "host->guest $HVG_HVSOCK_MB MiB in $(((_t1 - _t0) / 1000000)) ms"
	[ "$(sum $T/g.out)" = "$DATA_SUM" ] || { ktap_diag "sha256 differs"; return 1; }
}

# A port the host does not listen on: refused, not a connect timeout.
refused() {
	_out=$(timeout 20 socat -u /dev/null VSOCK-CONNECT:2:5999 2>&1) && {
		ktap_diag "connect to an unknown port succeeded"; return 1; }
	echo "$_out" | grep -q "refused" && return 0
	ktap_diag "socat: $_out"
	return 1
}

# HVG_HVSOCK_CONNS connections open at once to a guest echo service: each
# client stays connected until all have their echo, then all close.
concurrent() {
	hs_cmd "connect 5002 tcp:15002" || return 1
	rm -f $T/c.* $T/go
	timeout 300 socat VSOCK-LISTEN:5002,fork,backlog=128 EXEC:cat 2>/dev/null &
	_srv=$!
	sleep 1
	_i=1
	while [ $_i -le "$HVG_HVSOCK_CONNS" ]; do
		( (echo "conn $_i"; while [ ! -e $T/go ]; do sleep 0.5; done) |
			timeout 200 socat - TCP:127.0.0.1:15002 >$T/c.$_i 2>&1
			echo $? >$T/c.$_i.rc ) &
		_i=$((_i + 1))
		sleep 0.3
	done
	wait_for "[ \$(cat $T/c.[0-9]* 2>/dev/null | grep -c '^conn ') -ge $HVG_HVSOCK_CONNS ]" 150
	_open=$(grep 'class=hvsock' "$HVSIM_DBG/devices" | grep -c 'state=open')
	ktap_diag "$_open hvsock channels at once"
	touch $T/go
	wait_for "[ \$(ls $T/c.*.rc 2>/dev/null | wc -l) -ge $HVG_HVSOCK_CONNS ]" 60
	kill $_srv 2>/dev/null
	_ok=0 _i=1
	while [ $_i -le "$HVG_HVSOCK_CONNS" ]; do
		[ "$(cat $T/c.$_i)" = "conn $_i" ] && [ "$(cat $T/c.$_i.rc 2>/dev/null)" = 0 ] &&
			_ok=$((_ok + 1))
		_i=$((_i + 1))
	done
	[ $_ok -eq "$HVG_HVSOCK_CONNS" ] && [ "$_open" -ge "$HVG_HVSOCK_CONNS" ] && return 0
	ktap_diag "$_ok of $HVG_HVSOCK_CONNS connections echoed and closed cleanly"
	return 1
}

# The host rescinds the channel in the middle of a transfer to the guest:
# the guest's reader ends with an error, and soon.
rescind_mid_transfer() {
	hvsim_fault fault_hvsock_rescind 1 || return 1
	rm -f $T/r.out
	timeout 60 socat -u VSOCK-LISTEN:5001 OPEN:$T/r.out,creat,trunc 2>$T/r.err &
	_srv=$!
	sleep 1
	timeout 60 socat -u OPEN:$T/data TCP:127.0.0.1:15001 2>/dev/null
	wait $_srv
	_rc=$?
	[ $_rc -eq 124 ] && { ktap_diag "guest reader hung"; return 1; }
	# An error, or at least a short file: never all of it, never a hang.
	[ $_rc -ne 0 ] || [ "$(stat -c %s $T/r.out)" -lt "$(stat -c %s $T/data)" ] ||
		{ ktap_diag "guest reader got everything without an error"; return 1; }
	ktap_diag "guest reader: exit $_rc, $(stat -c %s $T/r.out) bytes; $(cat $T/r.err)"
}

# fault_hvsock_rescind_open: the host answers the open, sends data and
# rescinds before the guest's open returns.  The channel opened: the
# listener's accept returns the connection and its reads fail with
# ECONNRESET (socat would take that for the end of data: a python reader).
rescind_at_open() {
	hvsim_fault fault_hvsock_rescind_open 1 || return 1
	rm -f $T/ro.listening
	timeout 40 python3 -c '
import socket
s = socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM)
s.bind((socket.VMADDR_CID_ANY, 5001))
s.listen(1)
open("/tmp/hvsock/ro.listening", "w").close()
s.settimeout(30)
c, _ = s.accept()
c.settimeout(30)
try:
    while c.recv(65536):
        pass
    print("eof")
except ConnectionResetError:
    print("reset")
' >$T/ro.out 2>&1 &
	_srv=$!
	wait_for "[ -e $T/ro.listening ]" 20
	echo hello | timeout 20 socat -u - TCP:127.0.0.1:15001 2>/dev/null
	wait $_srv
	_rc=$?
	[ "$(cat "$HVSIM_DBG/fault_hvsock_rescind_open")" = 0 ] ||
		{ ktap_diag "fault_hvsock_rescind_open did not fire"; return 1; }
	# The next connection is the fault checks' below.
	[ "$(cat $T/ro.out)" = reset ] ||
		{ ktap_diag "guest reader: exit $_rc, $(tail -n 1 $T/ro.out)"; return 1; }
}

# fault_hvsock_refuse_open: a refusal of the guest's connect request comes
# while the guest opens the channel offered for it.  The refusal finds the
# socket connected and is ignored; the bus's message worker does not wait
# for the socket (that stalled the open for its 10 s timeout).
refuse_at_open() {
	dmesg_mark
	hvsim_fault fault_hvsock_refuse_open 1 || return 1
	rm -f $T/h.out
	timeout 30 socat -u TCP-LISTEN:15000,reuseaddr OPEN:$T/h.out,creat,trunc &
	_srv=$!
	tcp_listening 15000
	_t0=$(date +%s%N)
	echo hello | timeout 30 socat -u - VSOCK-CONNECT:2:5000 ||
		{ ktap_diag "guest connect failed"; kill $_srv; return 1; }
	_ms=$((($(date +%s%N) - _t0) / 1000000))
	wait $_srv
	ktap_diag "connect with a refusal during its open: $_ms ms"
	[ "$(cat "$HVSIM_DBG/fault_hvsock_refuse_open")" = 0 ] ||
		{ ktap_diag "fault_hvsock_refuse_open did not fire"; return 1; }
	[ "$(cat $T/h.out)" = hello ] || { ktap_diag "host got '$(cat $T/h.out)'"; return 1; }
	dmesg_has "which no socket waits for, ignored" ||
		{ ktap_diag "the refusal was not logged"; return 1; }
	# The stall this guards against costs the open's whole 10 s timeout;
	# under a loaded TCG host a good connect has taken over 5 s.
	[ $_ms -lt 9000 ]
}

# A fault of the host's: the guest's connection fails, with an error
# logged, and the next connection works.
fault_check() {
	dmesg_mark
	hvsim_fault "$1" 1 || return 1
	rm -f $T/f.out
	timeout 60 socat -u VSOCK-LISTEN:5001 OPEN:$T/f.out,creat,trunc 2>/dev/null &
	_srv=$!
	sleep 1
	head -c 100000 $T/data | timeout 30 socat -u - TCP:127.0.0.1:15001 2>/dev/null
	if [ "$1" = fault_hvsock_unknown ]; then
		wait_for "dmesg_has 'not a vsock port, ignored'" 10 || {
			ktap_diag "no error for the unknown service"; kill $_srv; return 1; }
		kill $_srv 2>/dev/null
		wait $_srv 2>/dev/null
		# its offer is rescinded after 2 s; the next listener waits for that
		wait_for "! grep -q 'class=hvsock.*state=offered' $HVSIM_DBG/devices" 10
	else
		wait $_srv
		_rc=$?
		[ $_rc -eq 124 ] && { ktap_diag "guest reader hung"; return 1; }
		[ $_rc -ne 0 ] || [ "$(stat -c %s $T/f.out)" -lt 100000 ] ||
			{ ktap_diag "guest got everything without an error"; return 1; }
		dmesg_has "$2" || { ktap_diag "no '$2' logged"; return 1; }
	fi
	[ "$(cat "$HVSIM_DBG/$1")" = 0 ] || { ktap_diag "$1 did not fire"; return 1; }
	host_to_guest_small
}

# The host answers the guest's connect with an offer for another port's
# service (fault_hvsock_other_service): the guest refuses it with an
# error and its connect fails.  (The checks after it connect again.)
other_service() {
	dmesg_mark
	hvsim_fault fault_hvsock_other_service 1 || return 1
	if timeout 30 socat -u /dev/null VSOCK-CONNECT:2:5000 2>/dev/null; then
		ktap_diag "the connect succeeded on an offer for another service"
		return 1
	fi
	wait_for 'dmesg_has "hv_sock .*offer for service .* answers a connect to .*, refused"' 10 ||
		{ ktap_diag "no error for the offer of another service"; return 1; }
	[ "$(cat "$HVSIM_DBG/fault_hvsock_other_service")" = 0 ] && return 0
	ktap_diag "fault_hvsock_other_service did not fire"
	return 1
}

# A listener whose accept queue is full (backlog 0, one connection
# queued, none accepted): the host's next offer is left unopened with an
# error and the host rescinds it; then the queued connection is accepted
# and read to its end, and both channels go.
accept_full() {
	dmesg_mark
	hs_cmd "connect 5003 tcp:15003" || return 1
	rm -f $T/q.ready $T/q.go
	timeout 60 python3 -c '
import os, socket, sys, time
s = socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM)
s.bind((socket.VMADDR_CID_ANY, 5003))
s.listen(0)
open(sys.argv[1], "w").close()
while not os.path.exists(sys.argv[2]):
    time.sleep(0.1)
c, _ = s.accept()
while c.recv(4096):
    pass
c.close()
s.close()
' $T/q.ready $T/q.go &
	_py=$!
	wait_for "[ -e $T/q.ready ]" 20 || { kill $_py; return 1; }
	timeout 30 socat -u /dev/null TCP:127.0.0.1:15003 2>/dev/null &
	_c1=$!
	timeout 30 socat -u /dev/null TCP:127.0.0.1:15003 2>/dev/null &
	_c2=$!
	_ok=0
	wait_for 'dmesg_has "hv_sock .*accept queue of port 5003 full, connection dropped"' 15 &&
		wait_for 'dmesg_has "hvsim: hvsock dev[0-9]+: the guest did not open the offer, rescinded"' 10 &&
		_ok=1
	touch $T/q.go
	wait $_py || { ktap_diag "the queued connection did not end cleanly"; _ok=0; }
	kill $_c1 $_c2 2>/dev/null
	wait $_c1 $_c2 2>/dev/null
	hs_cmd "close 5003"
	[ $_ok = 1 ] || {
		ktap_diag "no 'accept queue full' error, or the offer was not rescinded"
		return 1
	}
	wait_for "! grep -q 'class=hvsock' $HVSIM_DBG/devices" 15 && return 0
	ktap_diag "hvsock channels left: $(grep -c 'class=hvsock' "$HVSIM_DBG/devices")"
	return 1
}

host_to_guest_small() {
	head -c 1000000 $T/data >$T/small
	timeout 60 socat -u VSOCK-LISTEN:5001 OPEN:$T/s.out,creat,trunc &
	_srv=$!
	sleep 1
	timeout 60 socat -u OPEN:$T/small TCP:127.0.0.1:15001 || { kill $_srv; return 1; }
	wait $_srv && cmp -s $T/small $T/s.out
}

vmbus_devs() { ls "$VMBUS/devices" | wc -l; }
vsock_socks() {	# AF_VSOCK sockets allocated (their slab cache's active objects)
	awk '$1 == "AF_VSOCK" { print $2 }' /proc/slabinfo
}

# HVG_HVSOCK_SCALE_CONNS connections from the host's side open at once to
# the guest's echo service (socat), then
# HVG_HVSOCK_SCALE_MB MiB in all sent over them and echoed back, the same
# sha256 on each (hvsock_scale.py).  Afterwards every channel's relid is
# released (hvsim lists no hvsock channel), and the guest's VMBus devices
# and AF_VSOCK sockets are back to where they were.
scale() {
	_c=$HVG_HVSOCK_SCALE_CONNS
	_d0=$(vmbus_devs) _s0=$(vsock_socks)
	hs_cmd "connect 5004 tcp:15004" || return 1
	rm -f $T/scale.*
	# PIPE: socat echoes through a pipe of its own (with EXEC:cat the
	# child's exit could end socat before it had relayed cat's last
	# output); -t: it waits for the end of the echo after the end of the
	# input (by default it stops half a second after one direction ended)
	socat -t 600 VSOCK-LISTEN:5004,fork,backlog=128 PIPE 2>/dev/null &
	_srv=$!
	sleep 1
	timeout 3000 python3 "$HVG_REPO/tools/testing/vm/tests/hvsock_scale.py" 15004 "$_c" \
		"$HVG_HVSOCK_SCALE_MB" $T/scale.go "$HVSIM_DBG/devices" >$T/scale.out 2>&1 &
	_cli=$!
	wait_for "grep -q connected $T/scale.out" $((60 + 5 * _c)) &&
		wait_for "[ \$(grep -c 'class=hvsock.*state=open' $HVSIM_DBG/devices) -ge $_c ]" 300
	_open=$(grep -c 'class=hvsock.*state=open' "$HVSIM_DBG/devices")
	touch $T/scale.go
	wait $_cli
	_rc=$?
	kill $_srv 2>/dev/null
	wait $_srv 2>/dev/null
	hs_cmd "close 5004"
	ktap_diag "$_open channels open at once; $(tail -n 3 $T/scale.out | tr '\n' ' ')"
	[ $_rc -eq 0 ] && [ "$_open" -ge "$_c" ] || return 1
	wait_for "! grep -q class=hvsock $HVSIM_DBG/devices" 60 ||
		{ ktap_diag "hvsock channels left: $(grep -c class=hvsock "$HVSIM_DBG/devices")"; return 1; }
	wait_for "[ \$(vmbus_devs) -eq $_d0 ]" 60 ||
		{ ktap_diag "VMBus devices $_d0 -> $(vmbus_devs)"; return 1; }
	[ -z "$_s0" ] && { ktap_diag "no AF_VSOCK slab cache to count"; return 0; }
	# a closed vsock socket may linger up to its close timeout (8 s)
	wait_for "[ \$(vsock_socks) -le $_s0 ]" 30 ||
		{ ktap_diag "AF_VSOCK sockets $_s0 -> $(vsock_socks)"; return 1; }
}

no_splat() {
	! dmesg | grep -qE "BUG:|WARNING:|Oops|general protection|UBSAN|KASAN"
}

unload() {
	rmmod hv_sock && rmmod hvsim && rmmod "$HVG_MOD_VMBUS"
}

ktap_plan 17
case ${HVG_PERSONALITY:-} in
ws2012r2)
	# VMBus 3.0: no Hyper-V sockets before 4.0 (Linux hvs_init()).
	_i=1
	while [ $_i -le 17 ]; do ktap_skip "no Hyper-V sockets before VMBus 4.0"; _i=$((_i + 1)); done
	ktap_done ;;
esac
head -c $((HVG_HVSOCK_MB * 1024 * 1024)) /dev/urandom >$T/data
DATA_SUM=$(sum $T/data)
ktap_check "hv_vmbus, hvsim, vsock and hv_sock load" load
ktap_check "guest -> host $HVG_HVSOCK_MB MiB, same sha256" guest_to_host
ktap_check "host -> guest $HVG_HVSOCK_MB MiB, same sha256" host_to_guest
ktap_check "connect to a port the host does not listen on is refused" refused
ktap_check "$HVG_HVSOCK_CONNS concurrent connections echo" concurrent
ktap_check "$HVG_HVSOCK_SCALE_CONNS connections echo $HVG_HVSOCK_SCALE_MB MiB, same sha256; no channel or socket left" scale
ktap_check "rescind during a transfer: the guest gets an error, no hang" rescind_mid_transfer
ktap_check "rescind right after the open: accepted, reads fail with ECONNRESET" rescind_at_open
ktap_check "refusal while the connect's channel opens: no stall, refusal ignored" refuse_at_open
ktap_check "malformed pipe packet type: connection reset, error logged" fault_check fault_hvsock_bad_type "pipe packet of unknown type"
ktap_check "pipe data size beyond the packet: connection reset, error logged" fault_check fault_hvsock_bad_len "pipe data size beyond the packet"
ktap_check "pipe packet beyond 16 KiB: connection reset, error logged" fault_check fault_hvsock_big "packet larger than a pipe packet"
ktap_check "offer for a service that is no vsock port: refused, logged" fault_check fault_hvsock_unknown
ktap_check "connect answered by an offer for another service: refused, logged" other_service
ktap_check "offer to a listener whose accept queue is full: left unopened, logged, rescinded" accept_full
ktap_check "hv_sock, hvsim and hv_vmbus unload" unload
ktap_check "no kernel splat" no_splat
ktap_done
