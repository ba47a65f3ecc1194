#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The host fuzzer (hvsim/fuzz/): one device of every class, traffic on all
# of them while hvsim mutates one host message in HVG_FUZZ_RATE (a fixed
# seed), then echo and net alone under the dense rate with the kinds
# that keep their channels up, and storage alone (on a new controller if
# the guest gave its own up) with the kinds that leave every completion
# its command (the busy phase), then the classes of few
# messages (all but net and scsi) again under
# a denser fuzzer (one in HVG_FUZZ_RATE_DENSE), the video driver rebound
# (its handshake is all its traffic), then a flood (HVG_FUZZ_FLOOD copies
# of the last in-band host message of each channel of the classes where a
# mutation costs the guest no timeout, each mutated), then:
# every class had messages mutated, the guest survived (vm.sh fails the
# script on any splat), and every module unloads.  The seed is printed:
# HVG_FUZZ_SEED=N reruns the same mutation positions.
#
# Environment: HVG_FUZZ_SEED, HVG_FUZZ_RATE (1 in N, default 100),
# HVG_FUZZ_RATE_DENSE (default 4),
# HVG_FUZZ_KINDS (mask of mutation kinds, default all but rescind; see
# tools/hvsim/README.rst), HVG_FUZZ_ROUNDS (default 2), or instead
# HVG_FUZZ_SECONDS / HVG_FUZZ_MESSAGES (rounds until that much time or that
# many mutations; make soak), HVG_FUZZ_QUIET=1 (no per-class diagnostics),
# HVG_FUZZ_LOG=0 (no dmesg line per mutation; with it the log shows the
# mutations just before a splat), HVG_FUZZ_FLOOD (flood copies a round,
# default 20000; 0: none; sent before the dense phase),
# HVG_FUZZ_FLOOD_RATE (1 in N of them mutated, default 1),
# HVG_FUZZ_FLOOD_SECONDS (longest flood, default 120),
# HVG_FUZZ_BUSY_SECONDS (the request/response phase a round, default 12;
# 0: none).
# hvg-timeout: 600
# hvg-vm: installed
. "$HVG_REPO/tools/testing/vm/lib.sh"
. "$HVG_REPO/tools/testing/vm/tests/echo_lib.inc"

SEED=${HVG_FUZZ_SEED:-20261204}
RATE=${HVG_FUZZ_RATE:-100}
RATE_DENSE=${HVG_FUZZ_RATE_DENSE:-4}
KINDS=${HVG_FUZZ_KINDS:-0x1ff}
ROUNDS=${HVG_FUZZ_ROUNDS:-1}
FLOOD=${HVG_FUZZ_FLOOD:-20000}
FLOOD_RATE=${HVG_FUZZ_FLOOD_RATE:-1}
FLOOD_SECONDS=${HVG_FUZZ_FLOOD_SECONDS:-120}
BUSY=${HVG_FUZZ_BUSY_SECONDS:-12}
# The busy phase: echo and net (classes 0, 6) with the kinds that leave
# their channels up: flip, len, reorder (kinds 0, 1, 6).  Then scsi
# (class 5) alone with flip and len only: both change the payload, never
# the descriptor with its transaction id, so a mutated completion still
# completes its own command, with an error or a short count, at once.
# Reordering is left out there: a held completion waits for the next one,
# and the commands it holds up wait out a SCSI timeout and error handling.
BUSY_CLASSES=0x41
BUSY_KINDS=0x43
SCSI_BUSY_CLASSES=0x20
SCSI_BUSY_KINDS=0x3
FZ=$HVSIM_DBG/fuzz
CLASSES="echo heartbeat shutdown timesync kvp scsi net video mouse keyboard"

ktap_plan 6
ktap_diag "fuzz seed $SEED rate 1/$RATE, 1/$RATE_DENSE in the dense phase, kinds $KINDS, floods of $FLOOD at 1/$FLOOD_RATE (rerun: HVG_FUZZ_SEED=$SEED HVG_FUZZ_RATE=$RATE HVG_FUZZ_RATE_DENSE=$RATE_DENSE HVG_FUZZ_KINDS=$KINDS HVG_FUZZ_FLOOD=$FLOOD HVG_FUZZ_FLOOD_RATE=$FLOOD_RATE)"

# dev_of SERVICE: the hvsim device number of the (newest) device of SERVICE;
# what remember_devs found if a flood of guest errors pushed the line out of
# the kernel log.
dev_of() {
	_n=$(dmesg | sed -n "s/.*hvsim: $1 device \([0-9]*\) .*/\1/p" | tail -n 1)
	[ -n "$_n" ] || eval "_n=\${DEVOF_$1:-}"
	echo "$_n"
}

remember_devs() {
	for _c in $CLASSES; do
		eval "DEVOF_$_c=$(dev_of "$_c")"
	done
}

short_scsi_timeouts() {
	for _t in /sys/block/sd*/device/timeout /sys/block/sd*/device/eh_timeout; do
		[ -e "$_t" ] && echo 5 >"$_t"
	done
	return 0
}

# renew_scsi: a storage controller the guest gave up (no disk, or its first
# block does not read in full) is unplugged and a new one plugged in, so
# that every round has storage traffic; the kernel log says so for the
# soak's figures.
renew_scsi() {
	_d=$(disk) && disk_reads "$_d" && return 0
	_r=$(sed -n 's/^relid=[0-9]* class=scsi .* sub=0 .* dev=\([0-9]*\).*/\1/p' "$HVSIM_DBG/devices" | tail -n 1)
	[ -z "$_r" ] || /bin/echo "dev$_r" >"$HVSIM_DBG/del_device" 2>/dev/null
	wait_for '! disk' 60
	/bin/echo "scsi size=64M" >"$HVSIM_DBG/new_device" 2>/dev/null
	wait_for 'disk' 60 && wait_for "[ -b $(disk) ]" 10 && short_scsi_timeouts
	echo "95-fuzz: storage controller out of service: replaced (recovered)" >/dev/kmsg
}

# renew_net: a NIC the guest gave up (a renegotiation that timed out
# leaves it detached) is unbound and bound again, so that the busy phase
# has network traffic; the kernel log says so for the soak's figures.
renew_net() {
	_g=$(guest_nic) && timeout 5 ping -q -c 2 -W 1 10.99.0.1 >/dev/null 2>&1 &&
		return 0
	rebind f8615163 hv_netvsc
	wait_for guest_nic 30 || return 0
	_g=$(guest_nic)
	ip addr add 10.99.0.2/24 dev "$_g" 2>/dev/null
	ip link set "$_g" up 2>/dev/null
	echo "95-fuzz: NIC out of service: rebound (recovered)" >/dev/kmsg
}

guest_nic() {
	# shellcheck disable=SC2010 # interface names are plain
	ls /sys/bus/vmbus/drivers/hv_netvsc/*/net 2>/dev/null | grep -m1 .
}

disk() {
	for _b in /sys/block/sd*; do
		[ -e "$_b" ] && { echo "/dev/${_b##*/}"; return 0; }
	done
	return 1
}

# Traffic on every class, each step bounded: under the fuzzer a request may
# fail or a channel stop; only the guest's survival counts.
traffic() {
	_g=$(guest_nic)
	[ -n "$_g" ] && ip addr add 10.99.0.2/24 dev "$_g" 2>/dev/null
	[ -n "$_g" ] && ip link set "$_g" up 2>/dev/null
	timeout 10 ping -q -c 20 -i 0.05 -W 1 10.99.0.1 >/dev/null 2>&1
	ip netns exec host timeout 15 iperf3 -s -1 -B 10.99.0.1 >/dev/null 2>&1 &
	_srv=$!
	sleep 0.5
	timeout 12 iperf3 -c 10.99.0.1 -t 3 >/dev/null 2>&1
	wait $_srv
	ip netns exec host timeout 8 iperf3 -s -1 -B 10.99.0.1 >/dev/null 2>&1 &
	_srv=$!
	sleep 0.5
	timeout 5 iperf3 -c 10.99.0.1 -u -b 10M -t 1 >/dev/null 2>&1
	wait $_srv
	_d=$(disk) && {
		timeout 20 dd if="$_d" of=/dev/null bs=64k count=128 iflag=direct 2>/dev/null
		timeout 20 dd if=/dev/urandom of="$_d" bs=16k count=64 seek=8 oflag=direct 2>/dev/null
		timeout 20 dd if="$_d" of=/dev/null bs=4k count=256 skip=1000 iflag=direct 2>/dev/null
	}
	small_traffic
	sleep 1
}

# Traffic on the classes of few messages: fb, input, integration
# components, echo.
small_traffic() {
	[ -c /dev/fb0 ] && timeout 10 dd if=/dev/urandom of=/dev/fb0 bs=4k count=64 2>/dev/null
	for _i in 1 2 3 4 5; do
		_m=$(dev_of mouse) _k=$(dev_of keyboard)
		echo "move $((_i * 100)) $((_i * 50))" >"$HVSIM_DBG/dev$_m/inject" 2>/dev/null
		echo "button 1 down" >"$HVSIM_DBG/dev$_m/inject" 2>/dev/null
		echo "button 1 up" >"$HVSIM_DBG/dev$_m/inject" 2>/dev/null
		echo "key 30 down" >"$HVSIM_DBG/dev$_k/inject" 2>/dev/null
		echo "key 30 up" >"$HVSIM_DBG/dev$_k/inject" 2>/dev/null
		echo 1 >"$HVSIM_DBG/dev$(dev_of heartbeat)/beat" 2>/dev/null
		echo sample >"$HVSIM_DBG/dev$(dev_of timesync)/sample" 2>/dev/null
		# No KVP daemon runs: a request costs the guest's 10 s timeout.
		[ "$_i" -gt 1 ] ||
			echo "get 0 HostName" >"$HVSIM_DBG/dev$(dev_of kvp)/request" 2>/dev/null
		sleep 0.1
	done
	for _s in heartbeat shutdown timesync kvp; do
		echo 1 >"$HVSIM_DBG/dev$(dev_of $_s)/negotiate" 2>/dev/null
	done
	for _e in $(echo_devices); do
		[ -e "$ECHO_DBG/$_e/run" ] || continue
		echo_run "$_e" 300 16 512 mixed
		echo_run "$_e" 100 1024 8192 gpa
	done
}

# dense: the classes of few messages (all but net and scsi) under a denser
# fuzzer: their traffic again, more negotiations, and the video device's
# driver unbound and bound again (its handshake is all its host traffic).
dense() {
	echo "$RATE_DENSE" >"$FZ/rate"
	echo 0x79f >"$FZ/classes"
	small_traffic
	for _i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
		echo 1 >"$HVSIM_DBG/dev$(dev_of shutdown)/negotiate" 2>/dev/null
		echo 1 >"$HVSIM_DBG/dev$(dev_of timesync)/negotiate" 2>/dev/null
		echo 1 >"$HVSIM_DBG/dev$(dev_of kvp)/negotiate" 2>/dev/null
	done
	rebind_video
	echo "$RATE" >"$FZ/rate"
	echo 0x7ff >"$FZ/classes"
}

# focus RENEW CLASSES KINDS: the fuzzer off while RENEW brings its device
# back into service, then only CLASSES mutated, only by KINDS, at the
# dense rate.
focus() {
	echo 0 >"$FZ/rate"
	$1
	echo "$2" >"$FZ/classes"
	echo "$3" >"$FZ/kinds"
	echo "$RATE_DENSE" >"$FZ/rate"
}

# busy: echo and net, request/response classes whose channels the
# ordinary stream soon fails (a completion never issued), alone under the
# dense rate with only the kinds that keep a channel up (no unknown,
# repeated or replayed completion, no cut or extended packet, no
# descriptor change), for BUSY seconds of their traffic.
busy() {
	[ "$BUSY" -gt 0 ] || return 0
	focus renew_net "$BUSY_CLASSES" "$BUSY_KINDS"
	_end=$(($(date +%s) + BUSY))
	while [ "$(date +%s)" -lt $_end ]; do
		ip netns exec host timeout 10 iperf3 -s -1 -B 10.99.0.1 >/dev/null 2>&1 &
		_srv=$!
		sleep 0.5
		timeout 8 iperf3 -c 10.99.0.1 -t 2 -P 2 >/dev/null 2>&1
		wait $_srv
		timeout 5 ping -q -c 50 -i 0.02 -W 1 10.99.0.1 >/dev/null 2>&1
		for _e in $(echo_devices); do
			[ -e "$ECHO_DBG/$_e/run" ] && echo_run "$_e" 1000 16 512 mixed
		done
	done
	scsi_busy
	echo "$RATE" >"$FZ/rate"
	echo "$KINDS" >"$FZ/kinds"
	echo 0x7ff >"$FZ/classes"
}

# scsi_busy: random direct reads and writes at queue depth 8 for BUSY
# seconds under the dense rate, flips and boundary values only, in slices
# of up to 5 s; before each, with the fuzzer off, a controller the guest
# gave up (a reset whose answer was spoiled fails it) is replaced
# (renew_scsi).  fio goes on past failed I/O.
scsi_busy() {
	_end=$(($(date +%s) + BUSY))
	while :; do
		focus renew_scsi "$SCSI_BUSY_CLASSES" "$SCSI_BUSY_KINDS"
		_left=$((_end - $(date +%s)))
		[ "$_left" -ge 1 ] || break
		[ "$_left" -le 5 ] || _left=5
		_d=$(disk) || { sleep 1; continue; }
		timeout $((_left + 30)) fio --name=busy --filename="$_d" --direct=1 \
			--rw=randrw --bs=4k --size=32M --ioengine=libaio --iodepth=8 \
			--time_based --runtime="$_left" --continue_on_error=all \
			>/dev/null 2>&1
	done
}

# rebind_video: the video device's driver unbound (if bound) and bound
# again, also after a probe that failed: its handshake is all its traffic.
rebind_video() {
	hvg_unbind_fbcon
	rebind da0a7802 hyperv_fb
}

# rebind CLASS DRIVER: every VMBus device whose class GUID starts with
# CLASS unbound from DRIVER (if bound) and bound to it again.
rebind() {
	for _d in /sys/bus/vmbus/devices/*; do
		grep -qi "$1" "$_d/class_id" 2>/dev/null || continue
		_id=${_d##*/}
		[ -e "$_d/driver" ] && echo "$_id" >"/sys/bus/vmbus/drivers/$2/unbind"
		echo "$_id" >"/sys/bus/vmbus/drivers/$2/bind" 2>/dev/null
	done
	return 0
}

# flood: FLOOD copies of each flooded channel's last in-band host message,
# until sent, FLOOD_SECONDS passed, or 10 s without progress (the guest
# stopped reading a failed channel).
flood() {
	[ "$FLOOD" -gt 0 ] || return 0
	# Mutated keystrokes must not reach a console (SysRq, Ctrl-Alt-Del):
	# the keyboard's input device drops its events, the driver decodes on.
	echo 0 >/proc/sys/kernel/sysrq
	kbd_inhibit 1
	_n=$FLOOD
	if [ -n "${HVG_FUZZ_MESSAGES:-}" ]; then
		_n=$((HVG_FUZZ_MESSAGES - $(awk '$1 == "total" { print $3 }' "$FZ/stats")))
		[ "$_n" -le "$FLOOD" ] || _n=$FLOOD
		[ "$_n" -gt 0 ] || _n=1
	fi
	echo "$FLOOD_RATE" >"$FZ/flood_rate"
	echo "$_n" >"$FZ/flood"
	_t=0 _still=0 _prev=$_n
	while [ $_t -lt "$FLOOD_SECONDS" ] && [ $_still -lt 10 ]; do
		sleep 1
		_t=$((_t + 1))
		_left=$(cat "$FZ/flood")
		[ "$_left" -gt 0 ] || break
		if [ "$_left" -lt "$_prev" ]; then _still=0; else _still=$((_still + 1)); fi
		_prev=$_left
	done
	echo 0 >"$FZ/flood"
	kbd_inhibit 0
}

# kbd_inhibit 1|0: the synthetic keyboard's input devices (in)hibited
kbd_inhibit() {
	for _i in /sys/class/input/input*; do
		case "$(cat "$_i/phys" 2>/dev/null)" in
		vmbus/*serio*) echo "$1" >"$_i/inhibited" 2>/dev/null ;;
		esac
	done
	return 0
}

# mutated CLASS: mutations of CLASS so far
mutated() {
	awk -v c="$1" '$1 == c { print $3 }' "$FZ/stats"
}

all_mutated() {
	_ok=0
	for _c in $CLASSES; do
		_n=$(mutated "$_c")
		[ "${_n:-0}" -gt 0 ] || { ktap_diag "class $_c: nothing mutated"; _ok=1; }
	done
	return $_ok
}


# hvg_demo without what costs minutes of TCG and is not host traffic: the
# udev rules' run.
HVG_DEMO_UDEV=0

t0=$(date +%s)
elapsed() { echo "$(($(date +%s) - t0)) s"; }

if ! hvg_demo; then
	ktap_fail "every class up (hvg_demo)"
	ktap_done
fi
echo 3000 >/sys/module/vmbus_echo/parameters/timeout_ms 2>/dev/null
# The VM's uevent helper loads VMBus drivers only: the disk driver too.
modprobe sd_mod
wait_for 'disk' 30 || ktap_diag "no disk appeared"
wait_for "[ -b $(disk) ]" 10
# A lost completion costs a SCSI timeout and error handling: keep it short.
short_scsi_timeouts
remember_devs
ktap_ok "every class up (hvg_demo) in $(elapsed)"

if [ -d "$FZ" ] && echo "$SEED" >"$FZ/seed" && echo "$RATE" >"$FZ/rate" &&
	echo "$KINDS" >"$FZ/kinds" && echo "${HVG_FUZZ_LOG:-1}" >"$FZ/log" &&
	echo 1 >"$FZ/enable"; then
	ktap_ok "fuzzer enabled"
else
	ktap_fail "fuzzer enabled"
	ktap_done
fi

# more: another round? ROUNDS, or the soak's budget of seconds/mutations.
more() {
	if [ -n "${HVG_FUZZ_SECONDS:-}${HVG_FUZZ_MESSAGES:-}" ]; then
		[ -z "${HVG_FUZZ_SECONDS:-}" ] ||
			[ $(($(date +%s) - start)) -lt "$HVG_FUZZ_SECONDS" ] || return 1
		[ -z "${HVG_FUZZ_MESSAGES:-}" ] ||
			[ "$(awk '$1 == "total" { print $3 }' "$FZ/stats")" -lt "$HVG_FUZZ_MESSAGES" ] ||
			return 1
		return 0
	fi
	[ $r -lt "$ROUNDS" ]
}

start=$(date +%s)
r=0
while more; do
	[ "$r" -eq 0 ] || renew_scsi
	traffic
	ktap_diag "traffic done at $(elapsed)"
	[ "${HVG_FUZZ_QUIET:-0}" = 1 ] || awk '$1 ~ /^(echo|net|scsi)$/ { print "# before the busy phase: " $0 }' "$FZ/stats"
	busy
	ktap_diag "busy phase done at $(elapsed)"
	[ "$r" -eq 0 ] || more || break
	# The flood before the dense phase, which fails more channels; the
	# video driver's handshake under the fuzzer gives its channel a sample.
	[ "$FLOOD" -eq 0 ] || rebind_video
	flood
	ktap_diag "flood done at $(elapsed)"
	dense
	ktap_diag "dense phase done at $(elapsed)"
	r=$((r + 1))
	# The figures so far, for a soak whose VM may not get to the end.
	[ "${HVG_FUZZ_QUIET:-0}" = 1 ] || sed 's/^/# /' "$FZ/stats"
done
ktap_ok "traffic under the fuzzer done in $(($(date +%s) - start)) s"

[ "${HVG_FUZZ_QUIET:-0}" = 1 ] || sed 's/^/# /' "$FZ/stats"
ktap_check "messages of every class mutated" all_mutated

echo 0 >"$FZ/enable"
# The guest's drivers said what they refused (their lines, not hvsim's).
errors=$(dmesg | grep -E 'hvg?_vmbus|hv_netvsc|hv_storvsc|hv_utils|hyperv_fb|hid_hyperv|hyperv_keyboard|vmbus_echo|eth[0-9]' |
	grep -vc 'hvsim')
ktap_diag "guest error lines: $errors"
ktap_check "the guest reported bad host input" [ "$errors" -gt 0 ]

ktap_check "every module unloads after fuzzing" hvg_demo_unload
ktap_done
