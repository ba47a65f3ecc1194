#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# hv_storvsc under a misbehaving host: busy and queue-full answers are
# requeued, slow completions are waited for, a swallowed request times out,
# gets host_timeout seconds and then a bus reset recovers it, malformed
# completions and in-band messages of an unknown operation or too short
# are caught, a completion for a request never issued, a failed
# or unanswered reset take the controller out of service cleanly (no late
# completion is taken), and a late reply to a timed-out VSTOR operation is
# not taken as the answer to the next one.
# hvg-timeout: 900
. "$HVG_REPO/tools/testing/vm/lib.sh"
. "$HVG_REPO/tools/testing/vm/tests/echo_lib.inc"
. "$HVG_REPO/tools/testing/vm/tests/storvsc_lib.inc"

knob() {
	/bin/echo "$2" >"$DBG/$1"
}

rd() {
	disk_reads "$DEV" "${1:-1}"
}

# KNOB: two SRBs answered so, the read still succeeds, the knob is spent.
requeued() {
	knob "$1" 2 && rd 4 || { ktap_diag "read failed"; return 1; }
	[ "$(cat "$DBG/$1")" = 0 ] && return 0
	ktap_diag "$1 is still $(cat "$DBG/$1")"
	return 1
}

slow() {
	knob delay_ms 20
	fio_verify "$DEV" 4 1M
	_rc=$?
	knob delay_ms 0
	return $_rc
}

short_completion() {
	dmesg_mark
	knob fault_short 1 && rd || { ktap_diag "read failed"; return 1; }
	dmesg_has "malformed SRB completion"
}

# Beside an SRB's completion the host sends an in-band message of an
# unknown operation and an ENUMERATE_BUS shorter than the VSTOR header:
# both dropped with an error (the short one starts no rescan), the read
# and the next ones succeed.
bad_inband() {
	dmesg_mark
	knob fault_bad_inband 1 && rd || { ktap_diag "read failed"; return 1; }
	[ "$(cat "$DBG/fault_bad_inband")" = 0 ] ||
		{ ktap_diag "the host sent no bad in-band message"; return 1; }
	wait_for 'dmesg_has "unexpected VSTOR operation 127 from the host"' 10 &&
	dmesg_has "VSTOR message of 8 bytes from the host, dropped" || {
		ktap_diag "the bad in-band messages were not reported"
		return 1
	}
	rd 16 || { ktap_diag "the next read failed"; return 1; }
	[ "$(cat "/sys/block/$SD/device/state")" = running ]
}

# A request the host swallows times out after 2 s, gets the timer reset
# while within host_timeout (4 s), then the bus reset makes the host give
# it back, the command is retried and succeeds.
reset_recovery() {
	dmesg_mark
	echo 2 >"/sys/block/$SD/device/timeout"
	knob fault_swallow 1 && rd || { ktap_diag "read failed"; return 1; }
	dmesg_has "still with the host after" || {
		ktap_diag "the timer was not reset while the host held the command"
		return 1
	}
	dmesg_has "resetting the bus" && dmesg_has "bus reset done" || {
		ktap_diag "no bus reset in dmesg"
		return 1
	}
	[ "$(cat "/sys/block/$SD/device/state")" = running ]
}

# The same under fio at QD32 on both channels: three requests swallowed,
# every block verified afterwards.
reset_under_fio() {
	knob fault_swallow 3
	fio_verify "$DEV" 32 4M --offset_increment=4M --numjobs=2 \
		--cpus_allowed=0-1 --cpus_allowed_policy=split
	_rc=$?
	echo 30 >"/sys/block/$SD/device/timeout"
	[ $_rc = 0 ] || return 1
	[ "$(cat "$DBG/fault_swallow")" = 0 ] || {
		ktap_diag "fault_swallow is still $(cat "$DBG/fault_swallow")"
		return 1
	}
	grep -q "resets=[1-9]" "$HVSIM_DBG/devices"
}

# An unknown transaction id fails the channel: the command in flight and
# every later one end with an error at once, and the controller goes away
# cleanly when the host removes it.
unknown_id() {
	dmesg_mark
	knob fault_bad_id 1
	if rd; then
		ktap_diag "a read succeeded with a failed channel"
		return 1
	fi
	dmesg_has "never issued" && dmesg_has "out of service" || {
		ktap_diag "no channel failure in dmesg"
		return 1
	}
	stays_failed
}

# stays_failed: a later read fails at once; the device is then unplugged
# and goes away cleanly.
stays_failed() {
	if rd; then
		ktap_diag "a later read succeeded"
		return 1
	fi
	hvsim_del_device "$G" || return 1
	wait_for "[ ! -e $VMBUS/devices/$G ]" 30 && [ ! -b "$DEV" ]
}

storvsc_readd() {
	/bin/echo "scsi size=16M $1" >"$HVSIM_DBG/new_device" || return 1
	wait_disk || { ktap_diag "no disk"; return 1; }
	rd 16
}

# The controller is out of service after a reset went wrong: the read
# failed, later ones fail at once; the host completing the swallowed SRB
# late changes nothing (its channel is failed, no request is reused).
given_up() {
	dmesg_has "$1" && dmesg_has "out of service" || {
		ktap_diag "no \"$1\" and \"out of service\" in dmesg"
		return 1
	}
	/bin/echo 1 >"$DBG/complete_held"
	sleep 1
	stays_failed
}

# Bus and adapter resets fail while the host holds a request.
failed_reset() {
	dmesg_mark
	echo 2 >"/sys/block/$SD/device/timeout"
	knob fault_fail_reset 2
	knob fault_swallow 1
	if rd; then
		ktap_diag "the read succeeded"
		return 1
	fi
	given_up "a reset failed"
}

# The bus reset is never answered (the guest waits 30 s for it).
stalled_reset() {
	dmesg_mark
	echo 2 >"/sys/block/$SD/device/timeout"
	knob fault_stall_reset 1
	knob fault_swallow 1
	if rd; then
		ktap_diag "the read succeeded"
		return 1
	fi
	given_up "no reply to VSTOR operation 6"
}

# The reply to CREATE_SUB_CHANNELS comes only after the guest gave up on
# it, just before the reply to the next operation, a bus reset: it is
# dropped, the reset gets its own answer and recovers the command.
late_reply() {
	rmmod hv_storvsc || return 1
	knob fault_late_reply 13
	dmesg_mark
	insmod "$KO_STORVSC" vcpus_per_subchannel=1 host_timeout=4 || return 1
	wait_for '[ -n "$(lun_disk "$G" 0)" ]' 90 || {
		ktap_diag "no disk after the reload"
		return 1
	}
	wait_disk || return 1
	dmesg_has "no reply to VSTOR operation 13" || {
		ktap_diag "CREATE_SUB_CHANNELS did not time out"
		return 1
	}
	echo 2 >"/sys/block/$SD/device/timeout"
	knob fault_swallow 1 && rd || { ktap_diag "read failed"; return 1; }
	dmesg_has "late reply to VSTOR operation" || {
		ktap_diag "the late reply was not recognized"
		return 1
	}
	dmesg_has "bus reset done" && [ "$(cat "/sys/block/$SD/device/state")" = running ]
}

ktap_plan 17

# udev watches disks: closing one opened for writing makes it probe the
# disk again (blkid), reads of its own in the middle of the held, swallowed
# and failed requests these checks count on.  Not for these disks.
mkdir -p /run/udev/rules.d
echo 'SUBSYSTEM=="block", KERNEL=="sd*", OPTIONS+="nowatch"' \
	>/run/udev/rules.d/99-hvg-nowatch.rules
udevadm control --reload 2>/dev/null
if ! storvsc_load "vcpus_per_subchannel=1 host_timeout=4" "size=16M subchannels=1"; then
	ktap_fail "load hv_storvsc with two channels"
	ktap_done
fi
ktap_ok "load hv_storvsc with two channels ($DEV)"
ktap_check "SCSI BUSY is requeued and the read succeeds" requeued fault_busy
ktap_check "TASK SET FULL is requeued and the read succeeds" requeued fault_queue_full
ktap_check "SRB status BUSY is requeued and the read succeeds" requeued fault_srb_busy
ktap_check "slow completions (20 ms each): fio verify passes" slow
ktap_check "a completion cut short is caught and retried" short_completion
ktap_check "unknown and short in-band VSTOR messages: dropped, the disk works" bad_inband
ktap_check "a swallowed request times out, a bus reset recovers it" reset_recovery
ktap_check "three swallowed requests under fio QD32: reset, verify passes" reset_under_fio
ktap_check "an unknown transaction id fails the controller cleanly" unknown_id
ktap_check "a new controller works after that" storvsc_readd
ktap_check "failed resets take the controller out of service, a late completion is not taken" failed_reset
ktap_check "a new controller works after that" storvsc_readd
ktap_check "an unanswered reset takes the controller out of service" stalled_reset
ktap_check "a new controller with a subchannel" storvsc_readd subchannels=1
ktap_check "a late reply to a timed-out operation is not the answer to the next" late_reply
ktap_check "unload" storvsc_unload
ktap_done
