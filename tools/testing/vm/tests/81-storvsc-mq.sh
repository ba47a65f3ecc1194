#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# hv_storvsc: one blk-mq hardware queue per VMBus channel, verified I/O
# spread over all of them, and LUNs the host adds and removes at run time
# (ENUMERATE_BUS, INVALID_LUN) while fio runs.
# hvg-timeout: 600
. "$HVG_REPO/tools/testing/vm/lib.sh"
. "$HVG_REPO/tools/testing/vm/tests/echo_lib.inc"
. "$HVG_REPO/tools/testing/vm/tests/storvsc_lib.inc"

nr_queues() {
	ls -d /sys/block/"$1"/mq/[0-9]* 2>/dev/null | wc -l
}

nr_chans() {
	ls "$VMBUS/devices/$G/channels" | wc -l
}

# With one subchannel per CPU the driver opens two channels and grows
# the SCSI host to two hardware queues.
two_queues() {
	wait_for "[ \$(nr_chans) -eq 2 ] && [ \$(nr_queues $SD) -eq 2 ]" 20 && return 0
	ktap_diag "$(nr_chans) channels, $(nr_queues "$SD") hardware queues"
	return 1
}

# fio from both CPUs at QD32: every channel carries I/O, data verified,
# and the host has serviced the two channels beside each other.
verify_all_queues() {
	fio_verify "$DEV" 32 4M --offset_increment=4M --numjobs=2 \
		--cpus_allowed=0-1 --cpus_allowed_policy=split || return 1
	_idle=$(served_counts | grep -cx 0)
	[ "$_idle" = 0 ] || {
		ktap_diag "a channel served nothing: $(served_counts | tr '\n' ' ')"
		return 1
	}
	[ "$(host_parallel)" = 2 ] && return 0
	ktap_diag "the host serviced at most $(host_parallel) channel(s) at once"
	return 1
}

# The host's channel count limits the queues: max_hw_queues=1 gives one.
one_queue_param() {
	rmmod hv_storvsc || return 1
	hvsim_del_device "$G" || return 1
	wait_for "[ ! -e $VMBUS/devices/$G ]" 20 || return 1
	insmod "$KO_STORVSC" vcpus_per_subchannel=1 max_hw_queues=1 || return 1
	/bin/echo "scsi size=16M subchannels=2" >"$HVSIM_DBG/new_device" || return 1
	wait_disk || { ktap_diag "no disk"; return 1; }
	sleep 2
	[ "$(nr_chans)" = 1 ] && [ "$(nr_queues "$SD")" = 1 ] && return 0
	ktap_diag "$(nr_chans) channels, $(nr_queues "$SD") hardware queues"
	return 1
}

# After the subchannel asked for, the host offers two more of the device's
# instance (fault_sub_index): index 17, above what was asked, and index 0,
# a second primary.  The first is refused and stays closed, the second
# makes no device; two open channels and two queues, as asked.  (Their
# rescind releases the relids: 50-hotplug and 71 check that; the checks
# below carry verified I/O on this controller.)
stray_subs() {
	rmmod hv_storvsc || return 1
	hvsim_del_device "$G" || return 1
	wait_for "[ ! -e $VMBUS/devices/$G ]" 20 || return 1
	dmesg_mark
	hvsim_fault fault_sub_index 1 || return 1
	insmod "$KO_STORVSC" vcpus_per_subchannel=1 || return 1
	/bin/echo "scsi size=16M subchannels=2" >"$HVSIM_DBG/new_device" || return 1
	wait_disk || { ktap_diag "no disk"; return 1; }
	wait_for "[ \$(nr_queues $SD) -eq 2 ]" 20 ||
		{ ktap_diag "$(nr_queues "$SD") hardware queues"; return 1; }
	_r17=$(dmesg_since | sed -n 's/.*stray subchannel index 17 relid \([0-9]*\).*/\1/p')
	_r0=$(dmesg_since | sed -n 's/.*stray subchannel index 0 relid \([0-9]*\).*/\1/p')
	[ -n "$_r17" ] && [ -n "$_r0" ] || { ktap_diag "hvsim offered no stray subchannel"; return 1; }
	wait_for 'dmesg_has "hv_storvsc .*subchannel 17 not asked for"' 10 ||
		{ ktap_diag "subchannel 17 was not refused"; return 1; }
	dmesg_has "hv_vmbus: offer $_r0 repeats the instance" ||
		{ ktap_diag "the index 0 offer was not refused"; return 1; }
	_s=$(cat "$VMBUS/devices/$G/channels/$_r17/state" 2>/dev/null)
	[ "$_s" = offered ] || { ktap_diag "subchannel 17 is '$_s', not offered (closed)"; return 1; }
	_o=$(grep -lx open "$VMBUS/devices/$G"/channels/*/state | wc -l)
	[ "$_o" = 2 ] && return 0
	ktap_diag "$_o channels open, expected 2"
	return 1
}

lun_add() {
	/bin/echo "add $1 size=8M" >"$DBG/luns" || return 1
	wait_for "[ -n \"\$(lun_disk $G $1)\" ]" 30 || {
		ktap_diag "LUN $1 did not appear"
		return 1
	}
	_d=$(lun_disk "$G" "$1")
	wait_for "[ -b /dev/$_d ]" 10
}

lun_del() {
	/bin/echo "del $1" >"$DBG/luns" || return 1
	wait_for "[ -z \"\$(lun_disk $G $1)\" ]" 30 && return 0
	ktap_diag "LUN $1 is still there"
	return 1
}

hot_add() {
	dmesg_mark
	lun_add 1 || return 1
	_sd1=$(lun_disk "$G" 1)
	[ "$(cat "/sys/block/$_sd1/size")" = 16384 ] || {
		ktap_diag "$_sd1: $(cat "/sys/block/$_sd1/size") sectors"
		return 1
	}
	fio_verify "/dev/$_sd1" 8 2M
}

hot_remove() {
	lun_del 1 && dmesg_has "removed by the host"
}

# LUN 0 keeps verifying under fio while LUNs 1 and 2 come and go, one of
# them with I/O of its own that fails once the LUN is gone.
churn_under_fio() {
	fio --name=churn --filename="$DEV" --direct=1 --ioengine=libaio \
		--rw=randwrite --bs=4k --size=8M --iodepth=16 --loops=4 \
		--verify=crc32c --verify_fatal=1 --do_verify=1 \
		--output=$W/fio.churn >/dev/null 2>&1 &
	_fio=$!
	_i=0
	while [ $_i -lt 3 ]; do
		lun_add 1 && lun_add 2 || break
		_d=$(lun_disk "$G" 2)
		dd if="/dev/$_d" of=/dev/null bs=64k iflag=direct 2>/dev/null &
		_dd=$!
		lun_del 2 && lun_del 1 || break
		wait $_dd
		_i=$((_i + 1))
	done
	wait $_fio
	_rc=$?
	[ $_i = 3 ] || { ktap_diag "hot plug round $_i failed"; return 1; }
	[ $_rc = 0 ] && return 0
	ktap_diag "fio on LUN 0: $(grep -i err $W/fio.churn | head -n 3)"
	return 1
}

ktap_plan 9
if [ "$(nproc)" -lt 2 ]; then
	ktap_diag "needs two CPUs"
	for _t in 1 2 3 4 5 6 7 8 9; do ktap_skip "needs two CPUs"; done
	ktap_done
fi
if ! storvsc_load vcpus_per_subchannel=1 "size=16M subchannels=2"; then
	ktap_fail "load with one channel per CPU"
	ktap_done
fi
ktap_ok "load with one channel per CPU ($DEV)"
ktap_check "two channels, two hardware queues" two_queues
ktap_check "fio randwrite crc32c verify at QD32 on both queues and channels, the host serving both at once" verify_all_queues
ktap_check "max_hw_queues=1: one channel and one hardware queue" one_queue_param
ktap_check "subchannel offers above those asked and with index 0: refused, two queues" stray_subs
ktap_check "hot add of LUN 1: the disk appears and carries verified I/O" hot_add
ktap_check "hot removal of LUN 1: the disk goes away" hot_remove
ktap_check "LUNs come and go three times under fio on LUN 0" churn_under_fio
ktap_check "unload" storvsc_unload
ktap_done
