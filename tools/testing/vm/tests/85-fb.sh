#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Synthetic video (hyperv_fb) against hvsim's video host: negotiation and
# the resolution list, mmap() and write() patterns showing pixel for pixel
# in the host's captured frame, fbcon text, blanking, the resolution
# parameter, older hosts (WIN8, WIN7 at 16 bpp), a VRAM too small for any
# mode (vram_mb=1 at 32 bpp), rescind while a program
# has the framebuffer mapped, and every fault knob of the host.
# hvg-timeout: 600
. "$HVG_REPO/tools/testing/vm/lib.sh"

HVSIM_DBG=/sys/kernel/debug/hvsim
TOOL="python3 $HVG_REPO/tools/testing/vm/tests/fb_tool.py"
FBSYS=/sys/class/graphics/fb0

ktap_plan 32

# video_new [ARGS...]: add a video device; sets DEV, RELID and INST.
video_new() {
	echo "video $*" >"$HVSIM_DBG/new_device" || return 1
	_l=$(dmesg | grep 'hvsim: video device' | tail -n 1)
	DEV=$(echo "$_l" | sed -n 's/.*video device \([0-9]*\)[ :].*/\1/p')
	RELID=$(echo "$_l" | sed -n 's/.* relid \([0-9]*\) .*/\1/p')
	INST=$(echo "$_l" | sed -n 's/.* instance \([0-9a-f-]*\).*/\1/p')
	STATE=$HVSIM_DBG/dev$DEV/state
	FRAME=$HVSIM_DBG/dev$DEV/frame.ppm
}

video_del() {
	echo "dev$DEV" >"$HVSIM_DBG/del_device" &&
		wait_for "! grep -q 'relid=$RELID ' $HVSIM_DBG/devices"
}

# The list the WIN10 checks use (hvsim's default for Windows hosts).
MODES=1024x768,1152x864,1280x720,800x600,640x480,1280x1024,1920x1080
WIN10="version=10 modes=$MODES"

fb_up() { wait_for "[ -e $FBSYS/virtual_size ] && [ -c /dev/fb0 ]" 20; }
fb_gone() { wait_for "[ ! -e $FBSYS ]" 20; }
host() { field "$STATE" "$1"; }

# frame_is LAYER...: the host's frame shows these pattern layers (10 s).
frame_is() {
	wait_for "$TOOL check $FRAME $* >/dev/null" 10 || {
		$TOOL check "$FRAME" "$@"
		return 1
	}
}

fb_reload() {	# [PARAM=VALUE]
	hvg_unbind_fbcon
	rmmod hyperv_fb && fb_gone && insmod "$HVG_KO_FB" "$@" && fb_up
}

if ! hvg_load || ! insmod "$HVG_KO_FB"; then
	ktap_fail "load hv_vmbus, hvsim and hyperv_fb"
	ktap_done
fi

# ---- negotiation ---------------------------------------------------------

video_new $WIN10
negotiated() {
	fb_up && [ "$(cat $FBSYS/name)" = hyperv_fb ] &&
		[ "$(cat $FBSYS/virtual_size)" = 1024,768 ] &&
		[ "$(cat $FBSYS/bits_per_pixel)" = 32 ] &&
		[ "$(host version)" = 3.5 ] && [ "$(host mode)" = 1024x768 ] &&
		[ "$(host depth)" = 32 ] && [ "$(host pitch)" = 4096 ] &&
		[ "$(host active)" = 1 ] && dmesg_has "synthvid version 3.5" || {
		ktap_diag "fb0 $(cat $FBSYS/virtual_size 2>/dev/null), host $(tr '\n' ' ' <"$STATE")"
		return 1
	}
}
ktap_check "WIN10 negotiated; fb0 and the host's situation show the host's default 1024x768x32, pitch 4096" negotiated

vram() {
	_gpa=$(printf '%x' "$(host vram)") || return 1
	dmesg_has "$HVG_MOD_VMBUS: MMIO space \[mem 0x0*$_gpa-" &&
		dmesg_has "4 MiB of VRAM at 0x0*$_gpa\$"
}
ktap_check "the VRAM lies in hvsim's MMIO space, where the host was told it is" vram

pointer() {
	[ "$(host pointer)" = "visible 0,0" ] && [ "$(host shape)" = 1x1 ] &&
		[ "$(host shapes)" -ge 1 ]
}
ktap_check "pointer position and shape reached the host" pointer

# ---- fbcon ---------------------------------------------------------------

fbcon_text() {
	grep -qs "frame buffer" /sys/class/vtconsole/vtcon*/name || return 1
	printf '\033[2J\033[Hhvguest hyperv_fb: fbcon text on the synthetic video device\n' >/dev/tty1
	for _i in 1 2 3 4 5 6 7 8; do
		echo "line $_i: The quick brown fox jumps over the lazy dog 0123456789" >/dev/tty1
	done
	wait_for "$TOOL lit $FRAME 5000 >/dev/null" 10 && $TOOL lit "$FRAME" 5000
}
ktap_check "fbcon is bound and its text shows in the host's frame" fbcon_text
[ -z "$HVG_FB_SHOT" ] || $TOOL png "$FRAME" "$HVG_FB_SHOT/fbcon.png"

# fbcon's cursor would draw over the patterns.
hvg_unbind_fbcon

# ---- patterns ------------------------------------------------------------

mmap_pattern() { $TOOL mmap 1 && frame_is 1; }
ktap_check "a pattern drawn through mmap() is the host's frame, pixel for pixel" mmap_pattern
[ -z "$HVG_FB_SHOT" ] || $TOOL png "$FRAME" "$HVG_FB_SHOT/pattern.png"

write_pattern() { $TOOL write 2 && frame_is 2; }
ktap_check "a pattern written with write() is the host's frame, pixel for pixel" write_pattern

# OpenVMM asks for no DIRT: it reads the VRAM itself.
partial() {
	_r=$(host dirt_rects)
	$TOOL write 3 300 310 && $TOOL mmap 4 500 501 && frame_is 2 3:300:310 4:500:501 &&
		{ [ "${HVG_PERSONALITY:-}" = openvmm ] || [ "$(host dirt_rects)" -gt "$_r" ]; }
}
ktap_check "partial write() and mmap() updates change exactly their rows" partial

blanking() {
	echo 4 >$FBSYS/blank && wait_for "[ \"\$(field $STATE active)\" = 0 ]" &&
		$TOOL blank "$FRAME" &&
		echo 0 >$FBSYS/blank && wait_for "[ \"\$(field $STATE active)\" = 1 ]" &&
		frame_is 2 3:300:310 4:500:501
}
ktap_check "blanking turns the output off (black frame) and unblanking restores it" blanking

mode_switch() {
	$TOOL mode 800x600 && [ "$(cat $FBSYS/virtual_size)" = 800,600 ] &&
		[ "$(cat $FBSYS/stride)" = 3200 ] &&
		wait_for "[ \"\$(field $STATE mode)\" = 800x600 ]" &&
		[ "$(host pitch)" = 3200 ] && $TOOL mmap 9 && frame_is 9 &&
		! $TOOL mode 1000x700 && [ "$(cat $FBSYS/virtual_size)" = 800,600 ] &&
		$TOOL mode 1024x768 && wait_for "[ \"\$(field $STATE mode)\" = 1024x768 ]"
}
ktap_check "FBIOPUT_VSCREENINFO switches to 800x600 (new situation, pattern shows) and refuses 1000x700" mode_switch

# ---- the resolution parameter ----------------------------------------------

param_ok() {
	fb_reload resolution=800x600 &&
		[ "$(cat $FBSYS/virtual_size)" = 800,600 ] &&
		wait_for "[ \"\$(field $STATE mode)\" = 800x600 ]" &&
		[ "$(host pitch)" = 3200 ] && hvg_unbind_fbcon && $TOOL mmap 5 && frame_is 5
}
ktap_check "resolution=800x600 (in the host's list) is used, also by the host" param_ok

refused() {	# VALUE MESSAGE
	dmesg -C
	fb_reload resolution="$1" && [ "$(cat $FBSYS/virtual_size)" = 1024,768 ] &&
		dmesg_has "resolution=$1 refused: $2; using 1024x768" || {
		ktap_diag "fb0 $(cat $FBSYS/virtual_size 2>/dev/null); $(dmesg | grep -i resolution | tail -n 1)"
		return 1
	}
}
ktap_check "resolution=1000x700 (not in the list) is refused, default used" \
	refused 1000x700 "not among the host's supported resolutions"
ktap_check "resolution=1920x1080 (in the list, larger than the VRAM) is refused" \
	refused 1920x1080 "does not fit in the VRAM"
ktap_check "resolution=320x200 is refused" refused 320x200 "smaller than 640x480"
malformed_param() {
	dmesg -C
	fb_reload resolution=big && [ "$(cat $FBSYS/virtual_size)" = 1024,768 ] &&
		dmesg_has "resolution=big is not WIDTHxHEIGHT; using 1024x768"
}
ktap_check "resolution=big is refused as not WIDTHxHEIGHT" malformed_param
hvg_unbind_fbcon
rmmod hyperv_fb
video_del

# ---- older hosts and other lists -----------------------------------------

host_list() {
	insmod "$HVG_KO_FB" && video_new version=10 modes=800x600,1152x864 default=1 && fb_up &&
		[ "$(cat $FBSYS/virtual_size)" = 1152,864 ] &&
		wait_for "[ \"\$(field $STATE mode)\" = 1152x864 ]"
}
ktap_check "the host's default resolution (index 1 of its list) is used" host_list
video_del

win8() {
	video_new version=8 && fb_up && [ "$(host version)" = 3.2 ] &&
		[ "$(cat $FBSYS/virtual_size)" = 1024,768 ] &&
		hvg_unbind_fbcon && $TOOL mmap 6 && frame_is 6
}
ktap_check "a WIN8 host: version 3.2, no list, 1024x768x32, pattern shows" win8
video_del

win7() {
	video_new version=7 && fb_up && [ "$(host version)" = 3.0 ] &&
		[ "$(cat $FBSYS/bits_per_pixel)" = 16 ] && [ "$(host depth)" = 16 ] &&
		[ "$(host pitch)" = 2048 ] && hvg_unbind_fbcon && $TOOL write 7 && frame_is 7
}
ktap_check "a WIN7 host: version 3.0 at 16 bpp (RGB565), pattern shows" win7
video_del

# 640x480 at 32 bpp needs 1200 KiB: with 1 MiB no mode fits.
small_vram() {
	video_new vram_mb=1 && [ "$(host vram_mb)" = 1 ] || return 1
	wait_for "dmesg | grep -q 'no mode fits: 640x480 '" 15 || {
		ktap_diag "no refusal: fb0 $(cat $FBSYS/virtual_size 2>/dev/null)"
		return 1
	}
	sleep 0.5
	[ ! -e $FBSYS ] && [ "$(host vram)" = none ]
}
ktap_check "1 MiB of VRAM at 32 bpp: no mode fits, the probe fails cleanly" small_vram
video_del

small_win7() {
	video_new version=7 vram_mb=1 && fb_up &&
		[ "$(cat $FBSYS/virtual_size)" = 640,480 ] && [ "$(host mode)" = 640x480 ] &&
		hvg_unbind_fbcon && $TOOL write 9 && frame_is 9
}
ktap_check "1 MiB of VRAM at 16 bpp (WIN7): 640x480, pattern shows" small_win7
video_del

# bad_offer MB: an offer asking for MB MiB of VRAM (hvsim offer_mb=) is
# refused by the probe, which fails cleanly.
bad_offer() {
	video_new offer_mb="$1" || return 1
	wait_for "dmesg | grep -q 'the host asks for $1 MiB of VRAM (1 .. 256)'" 15 || {
		ktap_diag "no refusal: fb0 $(cat $FBSYS/virtual_size 2>/dev/null)"
		return 1
	}
	sleep 0.5
	[ ! -e $FBSYS ] && [ "$(host vram)" = none ]
}
ktap_check "an offer asking for 0 MiB of VRAM: the probe fails cleanly" bad_offer 0
video_del
ktap_check "an offer asking for 257 MiB of VRAM: the probe fails cleanly" bad_offer 257
video_del

# ---- rescind under use ---------------------------------------------------

rescind() {
	video_new && fb_up || return 1
	$TOOL hold 4 >/tmp/fb-hold.out 2>&1 &
	_pid=$!
	exec 7>/dev/fb0
	wait_for "grep -q mapped /tmp/fb-hold.out" 20 && sleep 0.5
	video_del || { ktap_diag "del_device failed"; return 1; }
	fb_gone || { ktap_diag "fb0 still there"; return 1; }
	# The program keeps drawing into the mapping; a write() fails cleanly.
	printf 'x' >&7 2>/dev/null || true
	exec 7>&-
	wait "$_pid" && grep -q "held /dev/fb0" /tmp/fb-hold.out || {
		ktap_diag "$(cat /tmp/fb-hold.out)"
		return 1
	}
}
ktap_check "rescind while a program has /dev/fb0 mapped and another has it open: no splat" rescind

readd() { video_new $WIN10 && fb_up && hvg_unbind_fbcon && $TOOL mmap 8 && frame_is 8; }
ktap_check "a new video device after the rescind works (VRAM space was released)" readd

# ---- faults --------------------------------------------------------------

# fault KNOB MESSAGE [PROBE_OK]: arm the knob, rebind, expect MESSAGE; the
# probe fails unless PROBE_OK; then it works again.
fault() {
	dmesg -C
	echo "$INST" >/sys/bus/vmbus/drivers/hyperv_fb/unbind && fb_gone &&
		echo 1 >"$HVSIM_DBG/dev$DEV/$1" || return 1
	echo "$INST" >/sys/bus/vmbus/drivers/hyperv_fb/bind 2>/dev/null
	wait_for "dmesg | grep -qE '$2'" 15 || {
		ktap_diag "no '$2' in: $(dmesg | grep -E 'hyperv_fb|hvsim' | tail -n 3)"
		return 1
	}
	if [ -n "$3" ]; then
		fb_up || return 1
	else
		sleep 0.5
		[ ! -e $FBSYS ] || return 1
		echo "$INST" >/sys/bus/vmbus/drivers/hyperv_fb/bind && fb_up || return 1
	fi
	[ "$(cat "$HVSIM_DBG/dev$DEV/$1")" = 0 ]
}
ktap_check "fault_bad_size (sizes beyond the packet): clear error, probe fails cleanly" \
	fault fault_bad_size "malformed synthvid message \(type 2\) from the host: sizes disagree"
ktap_check "fault_bad_size (empty payload): payload too short" \
	fault fault_bad_size "malformed synthvid message \(type 2\) from the host: payload too short"
ktap_check "fault_unknown_type: unknown message type, probe fails cleanly" \
	fault fault_unknown_type "unknown message type"
ktap_check "fault_bad_list (count beyond the payload): list ignored, default used" \
	fault fault_bad_list "no resolution list from the host \(-71\), using 1024x768" ok
ktap_check "fault_bad_list (default index out of the list): index ignored" \
	fault fault_bad_list "default resolution 7 is not in its list of 7, ignored" ok
ktap_check "fault_vram_refuse: the host refusing the VRAM fails the probe cleanly" \
	fault fault_vram_refuse "the host did not take the VRAM"
ktap_check "fault_big_packet (a packet beyond 16 KiB): channel failed, probe fails cleanly" \
	fault fault_big_packet "channel [0-9]+ failed: synthvid packet larger than 16 KiB"

# The personality's own device: WIN8 for Windows Server 2012 R2, else
# WIN10; OpenVMM lists 1024x768 and 1280x1024 and reads the VRAM itself.
own_host() {
	video_del && fb_gone || return 1
	case ${HVG_PERSONALITY:-azure} in
	ws2012r2) _v=3.2 ;;
	*) _v=3.5 ;;
	esac
	video_new && fb_up && [ "$(host version)" = $_v ] &&
		[ "$(cat $FBSYS/virtual_size)" = 1024,768 ] && hvg_unbind_fbcon &&
		$TOOL mmap 6 && frame_is 6 || {
		ktap_diag "host $(tr '\n' ' ' <"$STATE")"
		return 1
	}
}
ktap_check "the personality's own video host (${HVG_PERSONALITY:-azure})" own_host

unload() { hvg_unbind_fbcon; rmmod hyperv_fb && hvg_unload; }
ktap_check "unload" unload

ktap_done
