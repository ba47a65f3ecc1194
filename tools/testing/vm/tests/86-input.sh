#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Synthetic mouse (hid_hyperv) and keyboard (hyperv_keyboard) against
# hvsim's mouse and keyboard hosts: the handshake, the evdev capabilities,
# injected motion, buttons, wheel and keys arriving as the right evdev
# events, malformed messages and refused or oversized handshakes from the
# host, and rescinding each device while a reader has it open.
# hvg-timeout: 600
. "$HVG_REPO/tools/testing/vm/lib.sh"

HVSIM_DBG=/sys/kernel/debug/hvsim
EVDEV="/usr/bin/python3 $HVG_REPO/tools/testing/vm/tests/input_evdev.py"

ktap_plan 26


ready() {	# DEV
	wait_for "[ \"\$(field $HVSIM_DBG/dev$1/state ready)\" = 1 ]" 10
}

# events DEV EVENT CMD...: the events the injected commands produce, on one line
events() {
	_d=$1 _e=$2
	shift 2
	$EVDEV run "$_e" "$HVSIM_DBG/dev$_d/inject" "$@" | tr '\n' ',' | sed 's/,$//'
}

# evnode KIND: wait for the event device of the mouse or keyboard, print it
evnode() {
	wait_for "[ -c \"\$($EVDEV find $1)\" ]" 10 || return 1
	$EVDEV find "$1"
}

load() {
	hvg_load || return 1
	modprobe hid || return 1
	modprobe evdev || return 1
	insmod "$HVG_KO_MOUSE" && insmod "$HVG_KO_KBD"
}

if ! load; then
	ktap_fail "load hv_vmbus, hvsim, hid, evdev, hid_hyperv and hyperv_keyboard"
	ktap_done
fi
ktap_ok "modules loaded"

mouse=$(hvsim_new mouse)
kbd=$(hvsim_new keyboard)
handshake() {
	ready "$mouse" && ready "$kbd" &&
		[ "$(field "$HVSIM_DBG/dev$mouse/state" version)" = 2.0 ] &&
		[ "$(field "$HVSIM_DBG/dev$kbd/state" version)" = 1.0 ] &&
		dmesg_has "synthetic mouse 045e:0621, report descriptor [0-9]+ bytes"
}
ktap_check "both handshakes complete (synthetic HID 2.0, keyboard 1.0)" handshake

mev=$(evnode mouse)
kev=$(evnode keyboard)
have_events() {
	[ -c "$mev" ] && [ -c "$kev" ]
}
ktap_check "the mouse and the keyboard have event devices" have_events

# ---- mouse -------------------------------------------------------------------

# EV_KEY 1, EV_REL 2, EV_ABS 3; ABS_X 0, ABS_Y 1; REL_WHEEL 8;
# BTN_LEFT .. BTN_EXTRA 272 .. 276 (five buttons: the descriptor was mended)
mcaps() {
	_c=$($EVDEV caps "$mev") || return 1
	echo "$_c" | grep -qE '^ev( [0-9]+)* 1 2 3( |$)' &&
		echo "$_c" | grep -qE '^abs 0 1$' &&
		echo "$_c" | grep -qE '^rel( [0-9]+)* 8( |$)' &&
		echo "$_c" | grep -qE '^key 272 273 274 275 276$' || {
		ktap_diag "capabilities: $(echo "$_c" | tr '\n' ';')"
		return 1
	}
}
ktap_check "mouse capabilities: absolute X/Y, five buttons, wheel" mcaps

ktap_check "move: absolute X and Y" hvg_expect "EV_ABS 0 1234,EV_ABS 1 5678" \
	"$(events "$mouse" "$mev" "move 1234 5678")"
ktap_check "move again: only what changed" hvg_expect "EV_ABS 0 32767" \
	"$(events "$mouse" "$mev" "move 32767 5678")"
ktap_check "left button down and up" hvg_expect "EV_KEY 272 1,EV_KEY 272 0" \
	"$(events "$mouse" "$mev" "button 1 down" "button 1 up")"
ktap_check "right and middle buttons" \
	hvg_expect "EV_KEY 273 1,EV_KEY 274 1,EV_KEY 273 0,EV_KEY 274 0" \
	"$(events "$mouse" "$mev" "button 2 down" "button 3 down" "button 2 up" "button 3 up")"
wheel() {
	_w=$(events "$mouse" "$mev" "wheel 1" "wheel -2")
	echo "$_w" | grep -q "EV_REL 8 1," && echo "$_w" | grep -q "EV_REL 8 -2" || {
		ktap_diag "wheel events: $_w"
		return 1
	}
}
ktap_check "wheel up and down" wheel

# ---- keyboard ------------------------------------------------------------------

ktap_check "key A (make code 30) down and up" hvg_expect "EV_KEY 30 1,EV_KEY 30 0" \
	"$(events "$kbd" "$kev" "key 30 down" "key 30 up")"
ktap_check "extended keys: E0 48 is KEY_UP, E0 1D is KEY_RIGHTCTRL" \
	hvg_expect "EV_KEY 103 1,EV_KEY 103 0,EV_KEY 97 1,EV_KEY 97 0" \
	"$(events "$kbd" "$kev" "key 0x48 down e0" "key 0x48 up e0" "key 0x1d down e0" "key 0x1d up e0")"
leds() {	# CODE VALUE WANT
	$EVDEV led "$kev" "$1" "$2" &&
		wait_for "[ \"\$(field $HVSIM_DBG/dev$kbd/state leds)\" = $3 ]" 5 || {
		ktap_diag "host LED state $(field "$HVSIM_DBG/dev$kbd/state" leds), want $3"
		return 1
	}
}
kcaps() {	# EV_KEY 1, EV_MSC 4, EV_LED 17; LED_NUML, LED_CAPSL, LED_SCROLLL
	_c=$($EVDEV caps "$kev") || return 1
	echo "$_c" | grep -qE '^ev( [0-9]+)* 1 ([0-9]+ )*17( |$)' || {
		ktap_diag "capabilities: $(echo "$_c" | tr '\n' ';')"
		return 1
	}
}
ktap_check "keyboard capabilities include LEDs" kcaps
ledstate() {
	leds 1 1 0x4 && leds 0 1 0x6 && leds 1 0 0x2 && leds 0 0 0x0
}
ktap_check "LED changes reach the host (caps, num, off)" ledstate

kstats=$(echo /sys/bus/vmbus/drivers/hyperv_keyboard/*-*/stats)
unicode() {
	_e=$(events "$kbd" "$kev" "unicode 0x263a" "key 30 down" "key 30 up")
	hvg_expect "EV_KEY 30 1,EV_KEY 30 0" "$_e" && [ "$(field "$kstats" unicode)" = 1 ]
}
ktap_check "a unicode keystroke is counted and ignored" unicode

# ---- malformed messages after the handshake ------------------------------------

# fault DEV KNOB EVENT CMD PATTERN AFTER...: the faulty message is refused
# with PATTERN in the log, and the commands AFTER it get through.
fault() {
	_d=$1 _k=$2 _ev=$3 _c=$4 _p=$5
	shift 5
	echo 1 >"$HVSIM_DBG/dev$_d/$_k" || return 1
	events "$_d" "$_ev" "$_c" >/dev/null
	wait_for "dmesg | grep -qE '$_p'" 5 || { ktap_diag "no '$_p' in the log"; return 1; }
	[ "$(cat "$HVSIM_DBG/dev$_d/$_k")" = 0 ] || return 1
	[ -n "$(events "$_d" "$_ev" "$@")" ] || { ktap_diag "nothing after the fault"; return 1; }
}
ktap_check "mouse: truncated input report refused, next one taken" \
	fault "$mouse" fault_short "$mev" "move 10 10" \
	"input report size does not fit the message" "move 20 20"
ktap_check "mouse: unknown message type refused" \
	fault "$mouse" fault_bad_type "$mev" "move 30 30" \
	"unknown message type, size \(66," "move 40 40"
ktap_check "keyboard: truncated keystroke refused" \
	fault "$kbd" fault_short "$kev" "key 31 down" \
	"keystroke message too short \(8, 12\)" "key 31 down" "key 31 up"
ktap_check "keyboard: make code with the break bit refused" \
	fault "$kbd" fault_bad_code "$kev" "key 32 down" "invalid keystroke" "key 32 down" "key 32 up"
ktap_check "keyboard: unknown message type refused" \
	fault "$kbd" fault_bad_type "$kev" "key 33 down" \
	"unknown message type, length \(66," "key 33 down" "key 33 up"

# ---- handshake faults: the probe fails cleanly, a clean probe works again --------

# reprobe MODULE KO DEV KNOB PATTERN
reprobe() {
	echo 1 >"$HVSIM_DBG/dev$3/$4" || return 1
	rmmod "$1" && insmod "$2" || return 1
	wait_for "dmesg | grep -qE '$5'" 10 || { ktap_diag "no '$5' in the log"; return 1; }
	[ "$(field "$HVSIM_DBG/dev$3/state" ready)" = 0 ] || return 1
	rmmod "$1" && insmod "$2" && ready "$3"
}
ktap_check "mouse: refused protocol version fails the probe" \
	reprobe hid_hyperv "$HVG_KO_MOUSE" "$mouse" fault_refuse \
	"the host refused synthetic HID version 2.0"
ktap_check "mouse: report descriptor larger than HID_MAX_DESCRIPTOR_SIZE refused" \
	reprobe hid_hyperv "$HVG_KO_MOUSE" "$mouse" fault_desc_oversize \
	"report descriptor larger than HID_MAX_DESCRIPTOR_SIZE \(message [0-9]+ bytes, report descriptor 6144 bytes\)"
ktap_check "mouse: report descriptor past the end of the message refused" \
	reprobe hid_hyperv "$HVG_KO_MOUSE" "$mouse" fault_desc_overrun \
	"report descriptor runs past the message"
ktap_check "keyboard: refused protocol version fails the probe" \
	reprobe hyperv_keyboard "$HVG_KO_KBD" "$kbd" fault_refuse \
	"the host refused keyboard protocol 1.0"

# ---- rescind under use ---------------------------------------------------------

# rescind DEV KIND: a reader holds the event device while the host rescinds it
rescind() {
	_ev=$(evnode "$2") || return 1
	_out=/tmp/hold.$2
	$EVDEV hold "$_ev" 20 >"$_out" &
	_pid=$!
	wait_for "grep -q open $_out" 20 || return 1
	echo "dev$1" >"$HVSIM_DBG/del_device" || return 1
	wait "$_pid"
	grep -q gone "$_out" && [ ! -e "$_ev" ] && ! $EVDEV find "$2" >/dev/null
}
ktap_check "mouse rescinded while read: the reader sees it go" rescind "$mouse" mouse
ktap_check "keyboard rescinded while read: the reader sees it go" rescind "$kbd" keyboard

unload() {
	rmmod hyperv_keyboard && rmmod hid_hyperv && hvg_unload
}
ktap_check "unload" unload
ktap_done
