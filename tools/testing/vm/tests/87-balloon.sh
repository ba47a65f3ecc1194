#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Dynamic Memory (hv_balloon) against hvsim's Dynamic Memory host: the
# handshake and status reports, balloon inflate and deflate seen alike by
# the guest (MemTotal) and the host, inflation under memory pressure
# stopping short, data in page cache and anonymous memory surviving
# inflate/deflate cycles, hot-add of RAM the guest kernel was booted
# without (mem=), pressure reports following a workload, the host
# balancing from the reports (a growing program given memory back and
# hot-added memory, a program's exit ballooned away), and each of the
# host's fault knobs dropped with a ratelimited error (a hot-add range
# that wraps refused).
# hvg-timeout: 600
# hvg-vm-mem: 1536M
# hvg-vm-append: mem=1024M
. "$HVG_REPO/tools/testing/vm/lib.sh"

HVG_KO_BALLOON=$HVG_REPO/drivers/balloon/$HVG_MOD_BALLOON.ko
MIB=256	# 4 KiB pages per MiB

ktap_plan 19

case ${HVG_PERSONALITY:-} in
openvmm)
	ktap_skip "OpenVMM has no Dynamic Memory device"
	for _i in 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18; do
		ktap_skip "OpenVMM has no Dynamic Memory device"
	done
	ktap_done
	;;
esac

memtotal() {	# kB
	sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo
}
host() {	# FIELD
	field "$HVSIM_DBG/dev$dev/state" "$1"
}
guest() {	# FIELD
	field "$gdev/dm_state" "$1"
}
idle() {
	wait_for "[ \"\$(host busy)\" = 0 ]" 60
}
ctl() {
	echo "$*" >"$HVSIM_DBG/dev$dev/ctl" && idle
}

if ! hvg_load || ! insmod "$HVG_KO_BALLOON" pressure_report_delay=0; then
	ktap_fail "load hv_vmbus, hvsim and hv_balloon"
	ktap_done
fi
ktap_ok "modules loaded"

echo balloon >"$HVSIM_DBG/new_device"
dev=$(dmesg | sed -n 's/.*hvsim: balloon device \([0-9]*\)[ :].*/\1/p' | tail -n 1)
handshake() {
	wait_for "[ \"\$(host ready)\" = 1 ]" 10 || return 1
	gdev=$(dirname "$(ls $VMBUS/devices/*/dm_state 2>/dev/null | head -n 1)")
	[ -f "$gdev/dm_state" ] &&
		hvg_expect 2.0 "$(host version)" "host version" &&
		hvg_expect 2.0 "$(guest version)" "guest version" &&
		hvg_expect 0x1f "$(host caps)" "capabilities (balloon, hot-add, 128 MiB)"
}
ktap_check "handshake: protocol 2.0, balloon and hot-add offered" handshake

reports() {
	_r=$(host reports)
	sleep 2.5
	[ "$(host reports)" -ge $((_r + 2)) ] && [ "$(host committed)" -gt 0 ] &&
		[ "$(host avail)" -gt 0 ]
}
ktap_check "status reports arrive every second" reports

# ---- inflate and deflate ------------------------------------------------------

inflate() {
	t0=$(memtotal)
	ctl balloon $((64 * MIB)) || return 1
	t1=$(memtotal)
	hvg_expect $((64 * MIB)) "$(host ballooned)" "host's ballooned pages" &&
		hvg_expect $((64 * MIB)) "$(guest ballooned_pages)" "guest's ballooned pages" &&
		hvg_expect $((64 * 1024)) $((t0 - t1)) "MemTotal drop (kB)" &&
		hvg_expect $(((t0 - t1) / 4)) "$(($(host startup_pages) - $(host assigned_pages)))" \
			"host's assigned memory drop (pages)"
}
ktap_check "inflate 64 MiB: MemTotal and the host agree" inflate

deflate() {
	ctl unballoon $((64 * MIB)) || return 1
	hvg_expect 0 "$(host ballooned)" "host's ballooned pages" &&
		hvg_expect 0 "$(guest ballooned_pages)" "guest's ballooned pages" &&
		hvg_expect "$t0" "$(memtotal)" "MemTotal (kB)"
}
ktap_check "deflate restores MemTotal" deflate

# ---- data survives ------------------------------------------------------------

survive() {
	head -c $((32 << 20)) /dev/urandom >/tmp/dm-data
	sum=$(sha256sum </tmp/dm-data)
	python3 -c '
import hashlib, os, sys, time
b = bytearray(os.urandom(64 << 20))
h = hashlib.sha256(b).hexdigest()
open("/tmp/dm-anon-ready", "w").close()
while not os.path.exists("/tmp/dm-anon-check"):
    time.sleep(0.1)
sys.exit(0 if hashlib.sha256(b).hexdigest() == h else 1)
' &
	pid=$!
	wait_for "[ -f /tmp/dm-anon-ready ]" 60 || return 1
	for _i in 1 2 3; do
		ctl balloon $((96 * MIB)) && ctl unballoon "$(host ballooned)" || return 1
	done
	touch /tmp/dm-anon-check
	wait "$pid" || { ktap_diag "anonymous memory changed"; return 1; }
	hvg_expect "$sum" "$(sha256sum </tmp/dm-data)" "page cache checksum" &&
		hvg_expect 0 "$(guest ballooned_pages)" "ballooned pages after the cycles"
}
ktap_check "page cache and anonymous data survive 3 inflate/deflate cycles" survive
rm -f /tmp/dm-data /tmp/dm-anon-*

# ---- pressure -----------------------------------------------------------------

short() {
	python3 -c '
import os, time
b = bytearray(560 << 20)
for i in range(0, len(b), 4096):
    b[i] = 1
open("/tmp/dm-hog", "w").close()
time.sleep(600)
' &
	hog=$!
	wait_for "[ -f /tmp/dm-hog ]" 60 || return 1
	s0=$(host balloon_short)
	ctl balloon $((700 * MIB)) || return 1
	given=$(host last_given)
	ktap_diag "asked 700 MiB, given $((given / MIB)) MiB"
	hvg_expect $((s0 + 1)) "$(host balloon_short)" "host's short balloon count" &&
		[ "$given" -lt $((700 * MIB)) ] &&
		hvg_expect "$given" "$(guest ballooned_pages)" "guest's ballooned pages" &&
		{ [ "$given" = 0 ] || ctl unballoon "$given"; } &&
		dmesg_has "balloon: gave $given of $((700 * MIB)) pages"
}
ktap_check "inflation under memory pressure stops short and says so" short
kill "$hog" 2>/dev/null
wait "$hog" 2>/dev/null
rm -f /tmp/dm-hog

pressure() {
	sleep 2.5	# a report after the last workload ended
	c0=$(host committed)
	python3 -c '
import mmap, os, time
m = mmap.mmap(-1, 256 << 20, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
open("/tmp/dm-grow", "w").close()
while not os.path.exists("/tmp/dm-shrink"):
    time.sleep(0.1)
' &
	p=$!
	wait_for "[ -f /tmp/dm-grow ]" 30 &&
		wait_for "[ \$(host committed) -ge $((c0 + 200 * MIB)) ]" 10 ||
		{ ktap_diag "committed $c0 -> $(host committed)"; kill $p; return 1; }
	touch /tmp/dm-shrink
	wait $p
	wait_for "[ \$(host committed) -le $((c0 + 50 * MIB)) ]" 10 ||
		{ ktap_diag "committed $c0 -> $(host committed) after the workload"; return 1; }
}
ktap_check "pressure reports follow a growing and shrinking workload" pressure
rm -f /tmp/dm-grow /tmp/dm-shrink

# ---- hot-add ------------------------------------------------------------------

# QEMU has 1536 MiB, the kernel was booted with mem=1024M: 1 GiB .. 1.5 GiB
# is RAM the guest does not use.  The added blocks stay offline (reported
# as committed, as the in-tree driver does) until onlined as movable here;
# later blocks go online as movable by themselves.
hotadd() {
	echo offline >/sys/devices/system/memory/auto_online_blocks || return 1
	t0=$(memtotal)
	ctl hot_add 0x40000 $((256 * MIB)) || return 1
	if ! hvg_expect $((256 * MIB)) "$(guest hot_offline_pages)" "hot-added pages not online" ||
		[ "$(guest committed_pages)" -lt $((256 * MIB + $(guest floor_pages))) ]; then
		ktap_diag "$(tr '\n' ' ' <"$gdev/dm_state")"
		return 1
	fi
	_bs=$((0x$(cat /sys/devices/system/memory/block_size_bytes)))
	_b=$((0x40000000 / _bs))
	while [ "$_b" -lt $((0x50000000 / _bs)) ]; do
		echo online_movable >"/sys/devices/system/memory/memory$_b/state" || return 1
		_b=$((_b + 1))
	done
	echo online_movable >/sys/devices/system/memory/auto_online_blocks || return 1
	hvg_expect 0 "$(guest hot_offline_pages)" "hot-added pages not online, once onlined" &&
		hvg_expect $((256 * MIB)) "$(host hot_add_pages)" "pages the guest added" &&
		hvg_expect 1 "$(host hot_add_result)" "hot-add result" &&
		hvg_expect $((t0 + 256 * 1024)) "$(memtotal)" "MemTotal after hot-add (kB)" &&
		grep -q 'System RAM (hv_balloon)' /proc/iomem &&
		[ "$(lsmem -a -b -r -n -o RANGE,STATE | grep -c '^0x000000004[0-9a-f]*-0x000000004[0-9a-f]* online$')" = 2 ]
}
ktap_check "hot-add 256 MiB: reported committed until onlined, then in /proc/meminfo and lsmem" hotadd

movable_free() {	# free pages of the Movable zone (the hot-added memory)
	awk '/^Node 0, zone *Movable/ {z=1; next} /^Node/ {z=0} z && $1 == "nr_free_pages" {print $2; exit}' /proc/zoneinfo
}
used() {
	f0=$(movable_free)
	[ -n "$f0" ] || { ktap_diag "no Movable zone"; return 1; }
	python3 -c '
import os, time
b = bytearray(200 << 20)
for i in range(0, len(b), 4096):
    b[i] = 1
open("/tmp/dm-used", "w").close()
while not os.path.exists("/tmp/dm-done"):
    time.sleep(0.1)
' &
	p=$!
	wait_for "[ -f /tmp/dm-used ]" 60
	f1=$(movable_free)
	touch /tmp/dm-done
	wait $p
	ktap_diag "Movable zone free pages $f0 -> $f1"
	[ "$f1" -lt $((f0 - 100 * MIB)) ]
}
ktap_check "the hot-added memory is used" used
rm -f /tmp/dm-used /tmp/dm-done

# ---- balancing ----------------------------------------------------------------

# hvsim's balancing at Hyper-V's default buffer, 20%: the target is the
# demand (committed less ballooned: Committed_AS, tiny in this guest, plus
# the balloon floor) plus 20%, and each report after an operation ends
# starts one towards it.  The idle guest's target is below its floor: it
# is ballooned down to the floor (the guest gives what it can and the
# host backs off).  The pool it may hot-add from is the last 128 MiB of
# the RAM hidden by mem= (the hot-add above took the 256 MiB before it).
# A program that commits more than the host can give leaves the target
# out of reach: the balloon empty and the pool used up.
given_all() {
	_p=$(host pool)
	[ "$(host ballooned)" = 0 ] && [ "${_p% *}" = "${_p#* }" ]
}
settled() {	# idle; at the target, or the guest gave what it could, or the host did
	_a=$(host assigned_pages) _t=$(host target)
	[ "$(host busy)" = 0 ] &&
		{ [ "$_a" -ge $((_t - 32 * MIB)) ] || given_all; } &&
		{ [ "$_a" -le $((_t + 32 * MIB)) ] || [ "$(host balance_backoff)" = 1 ]; }
}
bal_ops() {	# N: balancing operations of kind N (1 balloon, 2 unballoon, 3 hot-add)
	host balance_ops | cut -d' ' -f"$1"
}
bal_state() {
	grep -E '^(assigned_pages|target|demand|ballooned|balance_ops|busy|balance_backoff)' \
		"$HVSIM_DBG/dev$dev/state" | tr '\n' ' '
}
agree() {	# MemTotal, the guest and the host agree on the balloon (idle)
	_i=0
	while [ $_i -lt 20 ]; do
		_b=$(host ballooned) _m=$(memtotal)
		[ "$(host busy)" = 0 ] && [ "$(guest ballooned_pages)" = "$_b" ] &&
			[ "$(host ballooned)" = "$_b" ] &&
			[ "$_m" = $((m0 + ($(host hot_added) - ha0 - _b) * 4)) ] && return 0
		sleep 0.5
		_i=$((_i + 1))
	done
	ktap_diag "MemTotal $_m kB, ballooned $_b (guest $(guest ballooned_pages)), $(bal_state)"
	return 1
}
balance_down() {
	m0=$(memtotal) ha0=$(host hot_added)
	hvg_expect 20 "$(host buffer)" "the default buffer (%)" &&
		ctl pool 0x50000 $((128 * MIB)) && ctl balance 1 || return 1
	wait_for "[ \$(bal_ops 1) -ge 1 ] && settled" 90 || { ktap_diag "$(bal_state)"; return 1; }
	m1=$(memtotal)
	# what the balloon leaves the kernel: MemAvailable outside ZONE_MOVABLE
	_av=$(($(sed -n 's/^MemAvailable: *\([0-9]*\) kB/\1/p' /proc/meminfo) / 4 - $(movable_free)))
	_fl=$(guest floor_pages)
	ktap_diag "demand $(($(host demand) / MIB)) MiB, target $(($(host target) / MIB)) MiB, MemTotal $((m0 / 1024)) -> $((m1 / 1024)) MiB, floor $((_fl / MIB)) MiB, available $((_av / MIB)) MiB"
	agree && [ "$(host ballooned)" -gt $((128 * MIB)) ] &&
		[ "$_av" -ge $((_fl - 16 * MIB)) ]
}
ktap_check "balancing: an idle guest is ballooned down to its demand plus the buffer, not below its floor" balance_down

# A program that grows by 224 MiB at a time, 896 MiB in all: each piece is
# mapped (the committed memory the reports carry grows), used once
# MemAvailable has room for it, and kept until /tmp/dm-bal-free.  With it
# all committed the target (about 1.2 x (896 MiB + a 270 MiB floor)) is
# beyond the 1216 MiB the empty balloon leaves: a hot-add.
balance_up() {
	python3 -c '
import mmap, os, sys, time
def avail():
    for l in open("/proc/meminfo"):
        if l.startswith("MemAvailable:"):
            return int(l.split()[1]) << 10
keep = []
for _ in range(4):
    n = 224 << 20
    m = mmap.mmap(-1, n, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    t = time.time() + 60
    while avail() < n + (64 << 20):
        if time.time() > t:
            print("no room: MemAvailable", avail() >> 20, "MiB", flush=True)
            sys.exit(1)
        time.sleep(0.2)
    for off in range(0, n, 1 << 20):
        m[off:off + (1 << 20)] = b"\x5a" * (1 << 20)
    keep.append(m)
open("/tmp/dm-bal-used", "w").close()
while not os.path.exists("/tmp/dm-bal-free"):
    time.sleep(0.1)
sys.exit(0 if all(k[i] == 0x5a for k in keep for i in range(0, 224 << 20, 1 << 20)) else 2)
' &
	balp=$!
	u0=$(bal_ops 2)
	wait_for "[ -f /tmp/dm-bal-used ] || ! kill -0 $balp" 240 && [ -f /tmp/dm-bal-used ] ||
		{ ktap_diag "the program did not get its 896 MiB: $(bal_state)"; return 1; }
	wait_for settled 30
	m2=$(memtotal)
	ktap_diag "MemTotal $((m1 / 1024)) -> $((m2 / 1024)) MiB, $(($(bal_ops 2) - u0)) unballoons, $(bal_ops 3) hot-adds, demand $(($(host demand) / MIB)) MiB, target $(($(host target) / MIB)) MiB"
	[ "$(bal_ops 2)" -gt "$u0" ] && [ "$(bal_ops 3)" -ge 1 ] &&
		hvg_expect $((ha0 + 128 * MIB)) "$(host hot_added)" "pages hot-added (128 MiB by the balancing)" &&
		hvg_expect 0 "$(host ballooned)" "pages left in the balloon" && agree
}
ktap_check "balancing: a program growing by 896 MiB gets memory back and a hot-add" balance_up

balance_freed() {
	b0=$(bal_ops 1)
	touch /tmp/dm-bal-free
	wait "$balp" || { ktap_diag "the program's data changed or it failed"; return 1; }
	# the balloon takes no movable pages: the 128 MiB hot-added movable
	# stays, and the exit must give back the rest of what came
	wait_for "[ \$(bal_ops 1) -gt $b0 ] && settled && [ \$(memtotal) -le $((m1 + 192 * 1024)) ]" 90 ||
		{ ktap_diag "MemTotal $(($(memtotal) / 1024)) MiB: $(bal_state)"; return 1; }
	ktap_diag "after the exit: MemTotal $(($(memtotal) / 1024)) MiB"
	agree && ctl balance 0 && ctl unballoon "$(host ballooned)" &&
		hvg_expect 0 "$(guest ballooned_pages)" "ballooned pages after balancing stopped"
}
ktap_check "balancing: the program's exit is ballooned away, MemTotal follows" balance_freed
kill "$balp" 2>/dev/null
rm -f /tmp/dm-bal-used /tmp/dm-bal-free

# ---- faults -------------------------------------------------------------------

gdev=$(dirname "$(ls $VMBUS/devices/*/dm_state | head -n 1)")
fault() {	# KNOB CTL...
	_k=$1
	shift
	_m=$(guest malformed)
	dmesg_mark
	hvsim_fault "dev$dev/fault_$_k" 1 && ctl "$@" &&
		wait_for "[ \$(guest malformed) -gt $_m ]" 10 &&
		dmesg_has "hv_balloon .*dropped" &&
		hvg_expect 0 "$(cat "$HVSIM_DBG/dev$dev/fault_$_k")" "fault_$_k left"
}
faults() {
	for _f in short bad_type bad_size unsolicited pkt_type; do
		fault "$_f" balloon 16 || { ktap_diag "fault_$_f"; return 1; }
	done
}
ktap_check "short, bad type, bad size, unsolicited messages and a packet not in-band: dropped with an error" faults

bogus() {
	ctl balloon 256 || return 1
	fault bogus_range unballoon 16 || return 1
	hvg_expect 256 "$(guest ballooned_pages)" "ballooned pages kept" &&
		ctl unballoon 256 && hvg_expect 0 "$(guest ballooned_pages)" "ballooned pages"
}
ktap_check "unballoon of pages never ballooned: refused, the balloon intact" bogus

# A hot-add range whose page numbers wrap past 40 bits: refused as
# hv_balloon.c's hot_add_req() answers a range it cannot add (no pages,
# result 0: the host may retry), nothing added.
bogus_hot_add() {
	_t0=$(memtotal)
	fault bogus_range hot_add 0x58000 $((128 * MIB)) || return 1
	dmesg_has "bogus hot-add range" &&
		hvg_expect 0 "$(host hot_add_pages)" "pages the guest added" &&
		hvg_expect 0 "$(host hot_add_result)" "hot-add result" &&
		hvg_expect "$_t0" "$(memtotal)" "MemTotal (kB)"
}
ktap_check "hot-add range wrapping past 40-bit page numbers: refused, 0 pages, result 0" bogus_hot_add

# A packet beyond the largest Dynamic Memory message (fault_big): the
# channel is failed with an error; the device goes at the reload below.
big() {
	dmesg_mark
	hvsim_fault "dev$dev/fault_big" 1 && ctl balloon 16 || return 1
	wait_for 'dmesg_has "hv_balloon .*packet of [0-9]+ bytes exceeds the largest Dynamic Memory message"' 10 ||
		{ ktap_diag "no error for the packet beyond 4 KiB"; return 1; }
	state_is "$(basename "$gdev")" failed
}
ktap_check "a packet beyond 4 KiB: channel failed, error logged" big

nohot() {
	rmmod hvsim && rmmod hv_balloon || return 1
	# shellcheck disable=SC2046 # one word or none
	insmod "$HVG_KO_HVSIM" $(hvg_pers_param) && insmod "$HVG_KO_BALLOON" hot_add=0 || return 1
	echo balloon >"$HVSIM_DBG/new_device"
	dev=$(dmesg | sed -n 's/.*hvsim: balloon device \([0-9]*\)[ :].*/\1/p' | tail -n 1)
	wait_for "[ \"\$(host ready)\" = 1 ]" 10 || return 1
	hvg_expect 0x1d "$(host caps)" "capabilities without hot-add" &&
		! echo "hot_add 0x50000 $((128 * MIB))" >"$HVSIM_DBG/dev$dev/ctl" 2>/dev/null
}
ktap_check "hot_add=0: not offered, the host does not ask" nohot

unload() {
	rmmod hvsim && rmmod hv_balloon && rmmod vmbus_echo && rmmod "$HVG_MOD_VMBUS"
}
ktap_check "unload" unload

ktap_done
