#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# hv_storvsc: discard as the host provisions it (UNMAP, WRITE SAME (16)
# or (10) with the UNMAP bit, or none), blkdiscard and fstrim, and blocks
# reading back as zeroes afterwards because the host says so (LBPRZ).
# hvg-timeout: 600
. "$HVG_REPO/tools/testing/vm/lib.sh"
. "$HVG_REPO/tools/testing/vm/tests/echo_lib.inc"
. "$HVG_REPO/tools/testing/vm/tests/storvsc_lib.inc"

MNT=/tmp/storvsc-mnt
mkdir -p $MNT

load() {
	hvg_load echo_devices=0 || return 1
	modprobe sd_mod || return 1
	modprobe ext4
	insmod "$KO_STORVSC"
}

# controller DEVICE ARGS: add one, wait for its disk
controller() {
	/bin/echo "scsi $1" >"$HVSIM_DBG/new_device" || return 1
	wait_disk || { ktap_diag "no disk for '$1'"; return 1; }
}

remove_controller() {
	hvsim_del_device "$G" || return 1
	wait_for "[ ! -e $VMBUS/devices/$G ]" 30
}

pmode() {
	cat /sys/block/"$SD"/device/scsi_disk/*/provisioning_mode
}

# 1 MiB of random data at 1 MiB, discarded, reads back as zeroes; the
# data around it is untouched.
discard_zeroes() {
	dd if=/dev/urandom of=$W/rnd bs=1M count=3 2>/dev/null &&
		dd if=$W/rnd of="$DEV" bs=1M oflag=direct 2>/dev/null || return 1
	blkdiscard -o 1048576 -l 1048576 "$DEV" || { ktap_diag "blkdiscard failed"; return 1; }
	dd if="$DEV" of=$W/back bs=1M count=3 iflag=direct 2>/dev/null || return 1
	head -c 1048576 /dev/zero >$W/zero
	cmp -n 1048576 $W/rnd $W/back &&
		cmp -i 1048576:0 -n 1048576 $W/back $W/zero &&
		cmp -i 2097152 -n 1048576 $W/rnd $W/back || {
		ktap_diag "read back differs"
		return 1
	}
}

# MODE EXPECTED: the provisioning mode sd chose, then a discard
mode_check() {
	controller "size=16M discard=$1" || return 1
	_m=$(pmode)
	[ "$_m" = "$2" ] || { ktap_diag "provisioning_mode $_m, expected $2"; return 1; }
	discard_zeroes
	_rc=$?
	remove_controller || return 1
	return $_rc
}

no_discard() {
	controller "size=16M discard=none" || return 1
	_m=$(pmode)
	_rc=0
	[ "$_m" = full ] || { ktap_diag "provisioning_mode $_m"; _rc=1; }
	[ "$(cat /sys/block/"$SD"/queue/discard_max_bytes)" = 0 ] || {
		ktap_diag "discard_max_bytes $(cat /sys/block/"$SD"/queue/discard_max_bytes)"
		_rc=1
	}
	if blkdiscard -o 0 -l 1048576 "$DEV" 2>/dev/null; then
		ktap_diag "blkdiscard succeeded on a fully provisioned LUN"
		_rc=1
	fi
	remove_controller || return 1
	return $_rc
}

# ext4 with a deleted file: fstrim trims, fsck stays clean.
fstrim_ext4() {
	controller "size=32M" || return 1
	mkfs.ext4 -q -F -E nodiscard "$DEV" >/dev/null 2>&1 || return 1
	mount "$DEV" $MNT || return 1
	dd if=/dev/urandom of=$MNT/f bs=1M count=8 2>/dev/null && sync
	rm $MNT/f && sync
	_out=$(fstrim -v $MNT 2>&1)
	_rc=$?
	umount $MNT
	ktap_diag "$_out"
	[ $_rc = 0 ] && e2fsck -fn "$DEV" >/dev/null 2>&1 || return 1
	remove_controller
}

# A file-backed LUN punches holes: the discarded range reads as zeroes.
file_discard() {
	truncate -s 16M $W/disk.img || return 1
	controller "file=$W/disk.img" || return 1
	discard_zeroes
	_rc=$?
	remove_controller || return 1
	return $_rc
}

ktap_plan 8
if ! load; then
	ktap_fail "load hv_vmbus, hvsim, hv_storvsc"
	ktap_done
fi
ktap_ok "load hv_vmbus, hvsim, hv_storvsc"
ktap_check "discard=unmap: sd uses UNMAP, discarded blocks read as zeroes" mode_check unmap unmap
ktap_check "discard=ws16: WRITE SAME (16) with UNMAP, reads zeroes" mode_check ws16 writesame_16
ktap_check "discard=ws10: WRITE SAME (10) with UNMAP, reads zeroes" mode_check ws10 writesame_10
ktap_check "discard=none: no discard offered, blkdiscard fails" no_discard
ktap_check "fstrim on ext4 trims, fsck clean" fstrim_ext4
ktap_check "file-backed LUN: discard punches a hole that reads zeroes" file_discard
ktap_check "unload" storvsc_unload
ktap_done
