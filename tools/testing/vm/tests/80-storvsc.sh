#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# hv_storvsc against hvsim's storage host: the disk, its limits, data
# integrity through a file system and fio, injected faults, and a rescind
# of the controller during I/O.
# hvg-timeout: 900
. "$HVG_REPO/tools/testing/vm/lib.sh"
. "$HVG_REPO/tools/testing/vm/tests/echo_lib.inc"
. "$HVG_REPO/tools/testing/vm/tests/storvsc_lib.inc"

MNT=/tmp/storvsc-mnt

load() {
	modprobe ext4
	storvsc_load "" "size=64M"
}

disk_size() {
	_s=$(cat "/sys/block/$SD/size")
	[ "$_s" = 131072 ] && return 0
	ktap_diag "$DEV has $_s sectors, expected 131072"
	return 1
}

# The host's max_transfer_bytes (hvsim shows it): as Linux, transfers up
# to that, in one page more segments than it has pages.
limits() {
	_seg=$(cat "/sys/block/$SD/queue/max_segments")
	_kb=$(cat "/sys/block/$SD/queue/max_hw_sectors_kb")
	_qd=$(cat "/sys/block/$SD/device/queue_depth")
	_xfer=$(sed -n "s/^relid=$(cat "$VMBUS/devices/$G/id") .* max_xfer=\([0-9]*\).*/\1/p" \
		"$HVSIM_DBG/devices")
	ktap_diag "max_segments $_seg, max_hw_sectors_kb $_kb, queue_depth $_qd, host max transfer $_xfer"
	[ -n "$_xfer" ] && [ "$_kb" = $((_xfer / 1024)) ] &&
		[ "$_seg" = $((_xfer / 4096 + 1)) ] && [ "$_qd" -gt 1 ]
}

# 1 MiB direct I/O over the whole disk: every command carries up to the
# host's max transfer in one GPA range, which is all a real host takes.
big_roundtrip() {
	dd if=/dev/urandom of=$W/big bs=1M count=64 2>/dev/null &&
		dd if=$W/big of="$DEV" bs=1M oflag=direct 2>$W/dd.err || {
		ktap_diag "write: $(tail -n 1 $W/dd.err)"
		return 1
	}
	dd if="$DEV" of=$W/big.back bs=1M count=64 iflag=direct 2>$W/dd.err || {
		ktap_diag "read: $(tail -n 1 $W/dd.err)"
		return 1
	}
	cmp $W/big $W/big.back
	_rc=$?
	rm -f $W/big $W/big.back
	return $_rc
}

raw_roundtrip() {
	dd if=/dev/urandom of=$W/raw bs=1M count=4 2>/dev/null &&
		dd if=$W/raw of="$DEV" bs=64k seek=16 oflag=direct 2>/dev/null &&
		dd if="$DEV" of=$W/raw.back bs=64k skip=16 count=64 iflag=direct 2>/dev/null &&
		cmp $W/raw $W/raw.back
}

fs_roundtrip() {
	mkfs.ext4 -q -F "$DEV" >/dev/null 2>&1 || { ktap_diag "mkfs failed"; return 1; }
	mount "$DEV" $MNT || return 1
	dd if=/dev/urandom of=$W/file bs=1M count=8 2>/dev/null
	cp $W/file $MNT/file && sync && umount $MNT || return 1
	e2fsck -fn "$DEV" >$W/fsck 2>&1 || {
		ktap_diag "fsck: $(tail -n 3 $W/fsck)"
		return 1
	}
	echo 3 >/proc/sys/vm/drop_caches
	mount "$DEV" $MNT && cmp $W/file $MNT/file
	_rc=$?
	umount $MNT
	return $_rc
}

# Reading or writing a bad block fails (EIO, or ENODATA which is how
# Linux reports a medium error on direct I/O); the error is logged.
bad_block_fails() {
	if dd "$@" 2>$W/dd.err; then
		ktap_diag "dd $* succeeded on a bad block"
		return 1
	fi
	grep -qE "Input/output error|No data available" $W/dd.err && return 0
	ktap_diag "dd $*: $(head -n 1 $W/dd.err)"
	return 1
}

media_error() {
	dmesg_mark
	echo 2048 >"$DBG/media_err_lba"
	echo 8 >"$DBG/media_err_blocks"
	bad_block_fails if="$DEV" of=/dev/null bs=4k skip=256 count=1 iflag=direct
	_r1=$?
	echo 3 >/proc/sys/vm/drop_caches
	bad_block_fails if="$DEV" of=/dev/null bs=4k skip=256 count=1
	_r2=$?
	bad_block_fails if=/dev/zero of="$DEV" bs=4k seek=256 count=1 oflag=direct
	_r3=$?
	echo 0 >"$DBG/media_err_blocks"
	[ $_r1 = 0 ] && [ $_r2 = 0 ] && [ $_r3 = 0 ] || return 1
	dmesg_has "Medium Error|critical medium error" || {
		ktap_diag "no medium error in dmesg"
		return 1
	}
	dd if="$DEV" of=/dev/null bs=4k skip=256 count=1 iflag=direct 2>/dev/null
}

# The host claims more data than the command could move: the command
# fails once, is retried and succeeds; the guest says why.
bad_length() {
	dmesg_mark
	echo 1 >"$DBG/fault_bad_len"
	dd if="$DEV" of=/dev/null bs=4k count=1 iflag=direct 2>/dev/null || {
		ktap_diag "read failed"
		return 1
	}
	dmesg_has "host claims"
}

busy() {
	echo 2 >"$DBG/fault_busy"
	dd if="$DEV" of=/dev/null bs=4k count=1 iflag=direct 2>/dev/null &&
		[ "$(cat "$DBG/fault_busy")" = 0 ]
}

rescind_during_io() {
	_host=$(ls -d "$VMBUS/devices/$G"/host* | head -n 1)
	_host=${_host##*/}
	dd if="$DEV" of=/dev/null bs=64k iflag=direct 2>/dev/null &
	_pid=$!
	(while kill -0 $_pid 2>/dev/null; do
		dd if="$DEV" of=/dev/null bs=64k iflag=direct 2>/dev/null
	done) &
	_loop=$!
	sleep 1
	hvsim_del_device "$G" || return 1
	wait_for "[ ! -e /sys/class/scsi_host/$_host ]" 30 || {
		ktap_diag "$_host still there"
		return 1
	}
	wait $_pid
	kill $_loop 2>/dev/null
	wait $_loop 2>/dev/null
	[ ! -e "$VMBUS/devices/$G" ] && [ ! -b "$DEV" ]
}

# A file-backed LUN keeps its data across a driver reload and across
# deleting and re-adding the controller.  The path is the writer's: the
# test's, in the VM's chroot (hvsim opens it in the write).
file_backed() {
	_img=$W/disk.img
	truncate -s 32M $_img || return 1
	/bin/echo "scsi file=$_img" >"$HVSIM_DBG/new_device" || return 1
	wait_disk || { ktap_diag "no disk for $_img"; return 1; }
	dd if=/dev/urandom of=$W/pers bs=64k count=16 2>/dev/null
	dd if=$W/pers of="$DEV" bs=64k seek=32 oflag=direct 2>/dev/null ||
		{ ktap_diag "write to $DEV failed"; return 1; }
	hvg_rmmod "$HVG_MOD_STORVSC" || { ktap_diag "$HVG_MOD_STORVSC stays loaded"; return 1; }
	hvsim_del_device "$G" &&
		wait_for "[ ! -e $VMBUS/devices/$G ]" 20 ||
		{ ktap_diag "controller $G not removed"; return 1; }
	/bin/echo "scsi file=$_img" >"$HVSIM_DBG/new_device" &&
		insmod "$KO_STORVSC" || return 1
	wait_disk || { ktap_diag "no disk after the reload"; return 1; }
	dd if="$DEV" of=$W/pers.back bs=64k skip=32 count=16 iflag=direct 2>/dev/null &&
		cmp $W/pers $W/pers.back ||
		{ ktap_diag "$DEV reads back other data"; return 1; }
	dd if=$_img of=$W/pers.img bs=64k skip=32 count=16 2>/dev/null &&
		cmp $W/pers $W/pers.img || { ktap_diag "$_img has other data"; return 1; }
}

# With one subchannel per CPU the driver opens a subchannel and spreads
# commands over both channels; data stays intact.
multichannel() {
	hvg_rmmod "$HVG_MOD_STORVSC" || return 1
	hvsim_del_device "$G" || return 1
	wait_for "[ ! -e $VMBUS/devices/$G ]" 20 || return 1
	insmod "$KO_STORVSC" vcpus_per_subchannel=1 || return 1
	/bin/echo "scsi size=16M subchannels=1" >"$HVSIM_DBG/new_device" || return 1
	wait_disk || { ktap_diag "no disk"; return 1; }
	wait_for "[ \$(ls $VMBUS/devices/$G/channels | wc -l) -eq 2 ]" 20 || {
		ktap_diag "channels: $(ls $VMBUS/devices/$G/channels)"
		return 1
	}
	for _c in "$VMBUS/devices/$G"/channels/*; do
		state_is_open "$_c" || return 1
	done
	fio --name=mc --filename="$DEV" --direct=1 --ioengine=libaio \
		--rw=randwrite --bs=4k --size=4M --offset_increment=4M \
		--numjobs=2 --cpus_allowed=0-1 --cpus_allowed_policy=split \
		--iodepth=32 --verify=crc32c --verify_fatal=1 \
		--output=$W/fio.mc >/dev/null 2>&1 || {
		ktap_diag "fio: $(grep -i err $W/fio.mc | head -n 3)"
		return 1
	}
	_idle=$(served_counts | grep -cx 0)
	[ "$_idle" = 0 ] && return 0
	ktap_diag "a channel served nothing: $(served_counts | tr '\n' ' ')"
	return 1
}

state_is_open() {
	[ "$(cat "$1/state")" = open ] && return 0
	ktap_diag "${1##*/} is $(cat "$1/state")"
	return 1
}

# The rule the packages install: the disk gets no I/O scheduler.
udev_rule() {
	hvg_udev_apply "/sys/block/$SD"
	_rc=$?
	[ "$_rc" = 2 ] && return 2
	grep -q '\[none\]' "/sys/block/$SD/queue/scheduler" && return 0
	ktap_diag "scheduler: $(cat "/sys/block/$SD/queue/scheduler") (udevadm test: $_rc)"
	ktap_diag "$(tail -n 3 /tmp/hvg-udev.log)"
	return 1
}

mkdir -p $MNT $W
ktap_plan 16
if ! load; then
	ktap_fail "load hv_vmbus, hvsim, hv_storvsc and add a 64 MiB disk"
	ktap_done
fi
ktap_ok "load hv_vmbus, hvsim, hv_storvsc and add a 64 MiB disk ($DEV)"
ktap_check "$DEV has the right size" disk_size
ktap_check "queue limits follow the negotiated properties" limits
if command -v udevadm >/dev/null; then
	ktap_check "the packaged udev rule leaves the disk without I/O scheduler" udev_rule
else
	ktap_skip "the packaged udev rule (no udevadm)"
fi
ktap_check "raw direct I/O reads back what was written" raw_roundtrip
ktap_check "1 MiB direct I/O over the whole 64 MiB disk reads back identical" big_roundtrip
ktap_check "ext4: mkfs, write, fsck clean, read back identical" fs_roundtrip
if command -v fio >/dev/null; then
	ktap_check "fio random write with crc32c verify at QD1" fio_verify "$DEV" 1 8M
	ktap_check "fio random write with crc32c verify at QD32" fio_verify "$DEV" 32 8M
else
	ktap_skip "fio random write with crc32c verify at QD1 (no fio)"
	ktap_skip "fio random write with crc32c verify at QD32 (no fio)"
fi
ktap_check "an injected medium error is EIO to dd and logged" media_error
ktap_check "a completion with a wrong length is caught and retried" bad_length
ktap_check "SCSI BUSY from the host is retried" busy
ktap_check "rescind during I/O removes the SCSI host" rescind_during_io
ktap_check "a file-backed LUN keeps its data across reload and re-add" file_backed
if [ "$(nproc)" -ge 2 ]; then
	ktap_check "multi-channel: a subchannel per CPU carries verified I/O" multichannel
else
	ktap_skip "multi-channel: needs two CPUs"
fi
hvg_rmmod "$HVG_MOD_STORVSC"
ktap_check "unload" hvg_unload
ktap_done
