#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs inside the test VM: fio on hv_storvsc + hvsim (RAM-backed LUN)
# against the brd RAM disk (the in-kernel ceiling) and scsi_debug with no
# delay (a SCSI disk that answers inside queuecommand: the ceiling of any
# SCSI driver, without transport, host or interrupt).  All three disks are
# set up at once and measured by turns (brd, scsi_debug, storvsc, ...) for
# HVG_BENCH_ROUNDS rounds: 4 KiB random read IOPS at QD32 and 1 MiB
# sequential read KiB/s at QD8, one job, with the ratios of each round.
# Then a perf profile (cpu-clock, all CPUs) of each at 4 KiB and 1 MiB,
# split by lib.sh's bench_profile into CPU ms per I/O.  With
# HVG_BENCH_CURVES=1 instead: 4 KiB IOPS against the queue depth (1 to
# 64) and against the channel count (one job per CPU).  The storvsc disk
# gets the packaged udev rule, as on an installed guest.  Prints "@@"
# lines (lib.sh) for report.sh; asserts nothing.
. "$HVG_REPO/tools/testing/vm/lib.sh"
. "$HVG_REPO/tools/testing/bench/lib.sh"

SIZE_MB=64
RUNTIME=${HVG_BENCH_SECONDS:-3}
SCSI_CLASS=ba6163d9-04a1-4d29-b605-72e2ffb1dc7f

command -v fio >/dev/null || { echo "storvsc bench: fio not installed"; exit 0; }

storvsc_disk() {
	for _d in /sys/bus/vmbus/devices/*; do
		[ "$(cat "$_d/class_id" 2>/dev/null)" = "{$SCSI_CLASS}" ] || continue
		ls "$_d"/host*/target*/*/block 2>/dev/null | head -n 1
	done
}

# fio_cmd DEV RW BS QD [JOBS]: the fio command line, --minimal output
fio_cmd() {
	echo fio --name=b --filename="$1" --direct=1 --ioengine=libaio --rw="$2" \
		--bs="$3" --iodepth="$4" --time_based --runtime="$RUNTIME" \
		--size=${SIZE_MB}M --numjobs="${5:-1}" --cpus_allowed=0-$((${5:-1} - 1)) \
		--cpus_allowed_policy=split --group_reporting --minimal
}

# fio_run FIELD DEV RW BS QD [JOBS]: FIELD is iops or bw (KiB/s), summed
# over JOBS jobs (one per CPU)
fio_run() {
	_f=$1
	shift
	# shellcheck disable=SC2091 # runs the command fio_cmd prints
	$(fio_cmd "$@") 2>/dev/null |
		awk -F';' -v f="$_f" '{ v = (f == "iops") ? int($8) : int($7) } END { print v + 0 }'
}

# setup HVSIM_PARAMS STORVSC_PARAMS DEVICE_ARGS: load and wait for the disk
setup() {
	# shellcheck disable=SC2086 # module parameters, word-split
	hvg_load echo_devices=0 $1 >/dev/null || return 1
	# shellcheck disable=SC2086
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

# trio SETTING METRIC ROUND FIELD RW BS QD [JOBS]: the same fio run on
# brd, scsi_debug and storvsc; emits the three and storvsc's ratios
trio() {
	_s=$1 _m=$2 _r=$3
	shift 3
	_f=$1
	shift
	_b=$(fio_run "$_f" /dev/ram0 "$@")
	_d=0
	[ -b "$sdbg" ] && _d=$(fio_run "$_f" "$sdbg" "$@")
	_v=$(fio_run "$_f" "$sd" "$@")
	bench_emit storvsc "$_s" "$_m.brd" "$_r" "$_b"
	bench_emit storvsc "$_s" "$_m.scsi_debug" "$_r" "$_d"
	bench_emit storvsc "$_s" "$_m.storvsc" "$_r" "$_v"
	bench_emit storvsc "$_s" "$_m.ratio_brd" "$_r" "$(bench_ratio "$_v" "$_b")"
	bench_emit storvsc "$_s" "$_m.ratio_scsi_debug" "$_r" "$(bench_ratio "$_v" "$_d")"
}

# profile SETTING DEV RW BS QD: CPU ms per I/O; perf runs the whole fio
# run (bench_profile's SECONDS 0), I/Os from fio's IOPS times the runtime
profile() {
	_s=$1
	shift
	# shellcheck disable=SC2046 # the command line, word-split
	bench_profile storvsc "$_s" 0 "" \
		"awk -F';' '{ v = \$8 * $RUNTIME } END { print v + 0 }'" -- $(fio_cmd "$@")
	echo "profiled $_s"
}

# rounds SETTING METRIC FIELD RW BS QD [JOBS]
rounds() {
	_rs=$1 _rm=$2
	shift 2
	r=1
	while [ "$r" -le "$BENCH_ROUNDS" ]; do
		trio "$_rs" "$_rm" "$r" "$@"
		r=$((r + 1))
	done
}

bench_meta
echo "${RUNTIME}s per run, $BENCH_ROUNDS rounds"
CPUS=$(nproc)
modprobe brd rd_nr=1 rd_size=$((SIZE_MB * 1024)) || exit 1
dd if=/dev/zero of=/dev/ram0 bs=1M count=$SIZE_MB oflag=direct 2>/dev/null
modprobe sd_mod
sdbg=$(sdebug_disk)
[ -b "$sdbg" ] || echo "no scsi_debug disk"

if [ "${HVG_BENCH_CURVES:-0}" = 1 ]; then
	setup "" "" "" || exit 1
	for qd in 1 4 16 64; do
		rounds "qd=$qd" iops_4k iops randread 4k "$qd"
	done
	teardown
	for ch in $(printf '%s\n' 1 2 "$CPUS" | sort -nu); do
		[ "$ch" -le "$CPUS" ] || continue
		setup "" "vcpus_per_subchannel=1" "subchannels=$((ch - 1))" || exit 1
		rounds "channels=$ch" iops_4k iops randread 4k 32 "$CPUS"
		teardown
	done
else
	setup "" "" "" || exit 1
	rounds default iops_4k iops randread 4k 32
	rounds default kibps_1m bw read 1M 8
	if [ "${HVG_BENCH_PROFILE:-1}" = 1 ]; then
		profile 4k.brd /dev/ram0 randread 4k 32
		[ -b "$sdbg" ] && profile 4k.scsi_debug "$sdbg" randread 4k 32
		profile 4k.storvsc "$sd" randread 4k 32
		profile 1m.brd /dev/ram0 read 1M 8
		profile 1m.storvsc "$sd" read 1M 8
	fi
	teardown
fi
[ -b "$sdbg" ] && rmmod scsi_debug
rmmod brd
