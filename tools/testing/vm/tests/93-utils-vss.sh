#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# VSS (backup) with the distribution's daemon: Debian's hv_vss_daemon
# (hyperv-daemons, unmodified), started by udev when /dev/vmbus/hv_vss
# appears, freezes an ext4 file system on an hv_storvsc disk while a writer
# runs: the host's FREEZE succeeds, writes block while frozen, THAW lets
# them go on, the data is whole and fsck clean.  With no daemon a FREEZE
# fails at once; malformed host messages are refused; when the host takes
# the device away the daemon's file fails and it exits.
# hvg-timeout: 300
. "$HVG_REPO/tools/testing/vm/lib.sh"
. "$HVG_REPO/tools/testing/vm/tests/echo_lib.inc"
. "$HVG_REPO/tools/testing/vm/tests/storvsc_lib.inc"
. "$HVG_REPO/tools/testing/vm/tests/utils_lib.inc"

ktap_plan 14

VSS_DEV=/dev/vmbus/hv_vss
MNT=/tmp/vss-mnt
VG=$UTILS_DBG/vss/state

load() {
	storvsc_load "" "size=64M" || return 1
	modprobe ext4
	insmod "$HVG_KO_UTILS" || return 1
	mkdir -p $MNT && mkfs.ext4 -q -F "$DEV" && mount "$DEV" $MNT
}
if ! load; then
	ktap_fail "load hv_vmbus, hvsim, hv_storvsc, hv_utils; ext4 on the disk"
	ktap_done
fi

relay_start vss 5.0
vs=$RDEV
VA=$HVSIM_DBG/dev$vs/answer

# vss OP [STATUS [TIMEOUT]]: the host sends OP, the answer has STATUS.
vss() {
	host_ask "$vs" request "$1" "done" "${2:-0x0}" "${3:-20}"
}

# A writer appends numbered lines, each its own write.
writer() {
	_i=0
	while [ ! -e /tmp/vss-stop ]; do
		echo "line $_i" >>$MNT/log
		_i=$((_i + 1))
	done
}
rm -f /tmp/vss-stop
writer &
WPID=$!
lines() {
	wc -l <$MNT/log
}

hot_backup() {
	vss hotbackup && [ "$(field "$VA" flags)" = 0x5 ]
}
ktap_check "hot backup check: S_OK, no automatic recovery (flags 5)" hot_backup

frozen() {
	wait_for "[ \$(lines) -gt 100 ]" 20 || return 1
	vss freeze || return 1
	_n1=$(lines)
	sh -c "echo probe >$MNT/probe" &
	PROBE=$!
	sleep 2
	_n2=$(lines)
	if [ "$_n1" != "$_n2" ] || ! kill -0 "$PROBE" 2>/dev/null; then
		ktap_diag "frozen: $_n1 then $_n2 lines, the probe write $(kill -0 "$PROBE" 2>/dev/null || echo "did not block")"
		return 1
	fi
}
ktap_check "freeze: S_OK at the host, writes block" frozen

thawed() {
	_n1=$(lines)
	vss thaw || return 1
	wait "$PROBE" && wait_for "[ \$(lines) -gt $((_n1 + 100)) ]" 20 &&
		[ "$(cat $MNT/probe)" = probe ]
}
ktap_check "thaw: S_OK, the blocked write completes, writes go on" thawed

consistent() {
	touch /tmp/vss-stop
	wait $WPID
	awk '$0 != "line " NR - 1 { print "line " NR ": " $0; exit 1 }' $MNT/log &&
		umount $MNT && fsck.ext4 -fn "$DEV" >/tmp/vss-fsck.log 2>&1 || {
		ktap_diag "$(tail -n 3 /tmp/vss-fsck.log 2>/dev/null)"
		return 1
	}
}
ktap_check "the data is whole, fsck clean" consistent

dm_info() {
	vss dminfo && [ "$(field "$VA" flags)" = 0x0 ]
}
ktap_check "GET_DM_INFO answered by the driver: S_OK, no flags" dm_info

no_daemon() {
	pkill -x hv_vss_daemon
	wait_field "$VG" daemon closed || return 1
	dmesg_mark
	_t0=$(cut -d. -f1 /proc/uptime)
	vss freeze 0x80004005 5 || return 1
	_t=$(($(cut -d. -f1 /proc/uptime) - _t0))
	# At once: a daemon would have had 15 minutes for a freeze.
	[ "$_t" -le 3 ] || ktap_diag "answered after ${_t} s"
	[ "$_t" -le 3 ] &&
		dmesg_has "vss: the host's freeze request failed: no hv_vss_daemon registered at /dev/vmbus/hv_vss"
}
ktap_check "no daemon: a freeze fails at once (E_FAIL), the log says so" no_daemon

short_msg() {
	hvsim_fault "dev$vs/fault_size" 1 &&
		vss freeze 0x80004005 &&
		dmesg_has "vss: message of 4 bytes refused, need 12"
}
ktap_check "a message shorter than hv_vss_msg is refused" short_msg

restart() {
	${EXEC%% *} -n >/tmp/vss-daemon.log 2>&1 &
	VPID=$!
	wait_field "$VG" daemon registered && vss hotbackup
}
ktap_check "a restarted daemon registers and answers" restart

gone() {
	hvsim_fault del_device "dev$vs" &&
		wait_for "! test -e $VSS_DEV" 10 &&
		wait_for "! kill -0 $VPID" 10
}
ktap_check "the host removes the device: $VSS_DEV goes, the daemon exits" gone

readd() {
	vs=$(hvsim_new vss $RPERS)
	VA=$HVSIM_DBG/dev$vs/answer
	wait_field "$HVSIM_DBG/dev$vs/state" version 5.0 &&
		wait_field "$VG" daemon registered 30 && vss hotbackup
}
ktap_check "offered again: udev starts a new daemon, it answers" readd

unload() {
	pkill -x hv_vss_daemon
	wait_field "$VG" daemon closed &&
		rmmod hv_utils && rmmod hv_storvsc && hvg_unload
}
ktap_check "unload" unload

ktap_done
