#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs inside the test VM: fio 4 KiB random read IOPS at QD32 and 1 MiB
# sequential read bandwidth on hv_storvsc + hvsim (RAM-backed LUN) against
# the brd RAM disk, the in-kernel ceiling, and prints the ratios; with one
# fio job, then one job per CPU on one channel and on one channel per CPU
# (a hardware queue each).  The disk gets the packaged udev rule, as on an
# installed guest.  scsi_debug with no delay, a SCSI disk that answers
# inside queuecommand (no transport, no host, no interrupt), gives the
# ceiling of any SCSI driver in the same VM: its own column, and storvsc's
# ratio to it.  No assertions: the figures are for the reader.
. "$HVG_REPO/tools/testing/vm/lib.sh"

SIZE_MB=64
RUNTIME=${HVG_BENCH_SECONDS:-5}
SCSI_CLASS=ba6163d9-04a1-4d29-b605-72e2ffb1dc7f

command -v fio >/dev/null || { echo "storvsc bench: fio not installed"; exit 0; }

storvsc_disk() {
	for _d in /sys/bus/vmbus/devices/*; do
		[ "$(cat "$_d/class_id" 2>/dev/null)" = "{$SCSI_CLASS}" ] || continue
		ls "$_d"/host*/target*/*/block 2>/dev/null | head -n 1
	done
}

# fio_run DEV RW BS QD FIELD [JOBS]: FIELD is iops or bw (KiB/s), an
# integer, summed over JOBS jobs (one per CPU)
fio_run() {
	fio --name=b --filename="$1" --direct=1 --ioengine=libaio --rw="$2" \
		--bs="$3" --iodepth="$4" --time_based --runtime="$RUNTIME" \
		--size=${SIZE_MB}M --numjobs="${6:-1}" --cpus_allowed=0-$((${6:-1} - 1)) \
		--cpus_allowed_policy=split --group_reporting --minimal 2>/dev/null |
		awk -F';' -v f="$5" '{ print (f == "iops") ? int($8) : int($7) }'
}

ratio() {	# a/b with two decimals
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a ~ /^[0-9]+$/ && b ~ /^[0-9]+$/ && b > 0) printf "%.2f", a / b
		else print "n/a" }'
}

# setup HVSIM_PARAMS STORVSC_PARAMS DEVICE_ARGS: load and wait for the disk
setup() {
	hvg_load echo_devices=0 $1 >/dev/null || return 1
	modprobe sd_mod
	insmod "$HVG_REPO/drivers/storvsc/hv_storvsc.ko" $2 || return 1
	echo "scsi size=${SIZE_MB}M $3" >/sys/kernel/debug/hvsim/new_device
	wait_for '[ -n "$(storvsc_disk)" ]' 30 || { echo "no storvsc disk"; return 1; }
	sd=/dev/$(storvsc_disk)
	wait_for "[ -b $sd ]" 10
	sleep 1		# the subchannels open after the disk
	# As on an installed guest: the packaged udev rule (no I/O scheduler).
	hvg_udev_apply "/sys/block/${sd#/dev/}" ||
		echo none >"/sys/block/${sd#/dev/}/queue/scheduler"
	dd if=/dev/zero of="$sd" bs=1M count=$SIZE_MB oflag=direct 2>/dev/null
}

teardown() {
	rmmod hv_storvsc
	hvg_unload
}

row() {	# label value brd-value scsi_debug-value
	printf '%-44s %10s %10s %6s %10s %6s\n' "$1" "$2" "$3" "$(ratio "$2" "$3")" \
		"$4" "$(ratio "$2" "$4")"
}

# sdebug_disk: the scsi_debug disk, without an I/O scheduler, or nothing
sdebug_disk() {
	modprobe scsi_debug dev_size_mb=$SIZE_MB delay=0 max_luns=1 2>/dev/null || return
	wait_for 'ls /sys/bus/pseudo/drivers/scsi_debug/adapter0/host*/target*/*/block/* >/dev/null 2>&1' 10 ||
		return
	_b=$(ls /sys/bus/pseudo/drivers/scsi_debug/adapter0/host*/target*/*/block/ | head -n 1)
	[ -n "$_b" ] || return
	echo none >"/sys/block/$_b/queue/scheduler"
	echo "/dev/$_b"
}

CPUS=$(nproc)
[ "$CPUS" -gt 2 ] && CPUS=2
modprobe brd rd_nr=1 rd_size=$((SIZE_MB * 1024)) || exit 1
dd if=/dev/zero of=/dev/ram0 bs=1M count=$SIZE_MB oflag=direct 2>/dev/null
b_iops=$(fio_run /dev/ram0 randread 4k 32 iops)
b_bw=$(fio_run /dev/ram0 read 1M 8 bw)
b_iops_n=$(fio_run /dev/ram0 randread 4k 32 iops "$CPUS")
b_bw_n=$(fio_run /dev/ram0 read 1M 8 bw "$CPUS")
s_iops=n/a s_bw=n/a s_iops_n=n/a s_bw_n=n/a
modprobe sd_mod
sdbg=$(sdebug_disk)
if [ -b "$sdbg" ]; then
	s_iops=$(fio_run "$sdbg" randread 4k 32 iops)
	s_bw=$(fio_run "$sdbg" read 1M 8 bw)
	s_iops_n=$(fio_run "$sdbg" randread 4k 32 iops "$CPUS")
	s_bw_n=$(fio_run "$sdbg" read 1M 8 bw "$CPUS")
	rmmod scsi_debug
fi

ceiling_row() {	# label scsi_debug-value brd-value
	printf '%-44s %10s %10s %6s\n' "$1" "$2" "$3" "$(ratio "$2" "$3")"
}
printf '%-44s %10s %10s %6s\n' "SCSI ceiling: scsi_debug vs brd" scsi_debug brd ratio
ceiling_row "4k randread QD32 IOPS (1 job)" "$s_iops" "$b_iops"
ceiling_row "1M read QD8 KiB/s (1 job)" "$s_bw" "$b_bw"
ceiling_row "4k randread QD32 IOPS ($CPUS jobs)" "$s_iops_n" "$b_iops_n"
ceiling_row "1M read QD8 KiB/s ($CPUS jobs)" "$s_bw_n" "$b_bw_n"
printf '%-44s %10s %10s %6s %10s %6s\n' "storvsc+hvsim vs brd and scsi_debug" storvsc brd ratio \
	scsi_debug ratio
for cfg in "monitor=1;;;1;1 ch, monitor, 1 job" "monitor=0;;;1;1 ch, event, 1 job" \
	"monitor=0;;;$CPUS;1 ch, event, $CPUS jobs" \
	"monitor=0;vcpus_per_subchannel=1;subchannels=$((CPUS - 1));$CPUS;$CPUS ch, event, $CPUS jobs"; do
	IFS=';' read -r hp sp da jobs label <<EOC
$cfg
EOC
	[ "$jobs" = 1 ] && bi=$b_iops bb=$b_bw si=$s_iops sb=$s_bw ||
		bi=$b_iops_n bb=$b_bw_n si=$s_iops_n sb=$s_bw_n
	setup "$hp" "$sp" "$da" || exit 1
	row "4k randread QD32 IOPS ($label)" "$(fio_run "$sd" randread 4k 32 iops "$jobs")" \
		"$bi" "$si"
	row "1M read QD8 KiB/s ($label)" "$(fio_run "$sd" read 1M 8 bw "$jobs")" "$bb" "$sb"
	teardown
done
rmmod brd
