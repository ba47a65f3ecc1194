#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# File copy (Guest Services) with the distribution's daemon: Debian's
# hv_fcopy_daemon (hyperv-daemons, unmodified), started by udev when
# /dev/vmbus/hv_fcopy appears, writes the files hvsim's host copies in
# fragments: same sha256; a bad directory and an existing file without
# the overwrite flag are refused with the daemon's error at the host; a
# failed write makes the host cancel and the partial file go; malformed
# host messages are refused; with no daemon a copy fails at once.
# hvg-timeout: 300
. "$HVG_REPO/tools/testing/vm/lib.sh"
. "$HVG_REPO/tools/testing/vm/tests/utils_lib.inc"

ktap_plan 13

FG=$UTILS_DBG/fcopy/state
SRC=/tmp/fc-src
DST=/tmp/fc-dst

if ! utils_load; then
	ktap_fail "load hv_vmbus, hvsim and hv_utils"
	ktap_done
fi

relay_start fcopy 1.1
fc=$RDEV
FA=$HVSIM_DBG/dev$fc/answer

# copy STATUS "SRC DIR NAME [overwrite]": the host copies, the copy ends
# with STATUS.
copy() {
	host_ask "$fc" copy "$2" copies "$1" 60 ||
		{ ktap_diag "failed step: $(field "$FA" failed_op)"; return 1; }
}

same() {
	[ "$(sha256sum <"$1")" = "$(sha256sum <"$2")" ] || {
		ktap_diag "$2 differs from $1: $(cmp "$1" "$2" 2>&1 | head -n 1), $(wc -c <"$2") bytes"
		return 1
	}
}

mkdir -p $DST
head -c 300007 /dev/urandom >$SRC

copied() {
	copy 0x0 "$SRC $DST file.bin" && same $SRC $DST/file.bin &&
		[ "$(field "$FA" bytes)" = 300007 ] || {
		ktap_diag "bytes $(field "$FA" bytes); $(tail -n 3 /run/hvg/systemd-wants.log 2>/dev/null)"
		return 1
	}
}
ktap_check "a 300007-byte file in 49 fragments: same sha256" copied

empty() {
	: >/tmp/fc-empty
	copy 0x0 "/tmp/fc-empty $DST empty" && [ -f $DST/empty ] && ! [ -s $DST/empty ]
}
ktap_check "an empty file: START then COMPLETE" empty

bad_path() {
	copy 0x80004005 "$SRC /nonexistent/dir file.bin" &&
		[ "$(field "$FA" failed_op)" = start ]
}
ktap_check "a directory that does not exist: the daemon's E_FAIL at the host" bad_path

exists() {
	head -c 1000 /dev/urandom >/tmp/fc-other
	copy 0x80070050 "/tmp/fc-other $DST file.bin" && same $SRC $DST/file.bin
}
ktap_check "an existing file without overwrite: ALREADY_EXISTS, file kept" exists

overwrite() {
	copy 0x0 "/tmp/fc-other $DST file.bin overwrite" &&
		same /tmp/fc-other $DST/file.bin
}
ktap_check "with overwrite: replaced" overwrite

# spoiled KIND MESSAGE [FAILED_OP]: the host spoils the next copy, the
# guest refuses with E_FAIL and MESSAGE.
spoiled() {
	dmesg_mark
	echo 1 >"$HVSIM_DBG/dev$fc/fault_$1" &&
		copy 0x80004005 "$SRC $DST spoiled-$1" &&
		dmesg_has "$2" && ! [ -e "$DST/spoiled-$1" ]
}
ktap_check "a file name without a terminator is refused" \
	spoiled noterm "fcopy: file name of 520 bytes without a terminator refused"
ktap_check "an unknown operation is refused" \
	spoiled op "fcopy: unknown operation 9 refused"
big() {
	spoiled bigsize "fcopy: write of 7000 bytes in a message of 6196 refused \(at most 6144\)" &&
		[ "$(field "$FA" failed_op)" = write ]
}
ktap_check "a fragment beyond 6 KiB is refused, the host cancels, no partial file" big

no_daemon() {
	pkill -x hv_fcopy_daemon
	wait_field "$FG" daemon closed || return 1
	dmesg_mark
	copy 0x80004005 "$SRC $DST nodaemon" &&
		dmesg_has "fcopy: the host's start request failed: no hv_fcopy_daemon registered at /dev/vmbus/hv_fcopy"
}
ktap_check "no daemon: a copy fails at once (E_FAIL), the log says so" no_daemon

ktap_check "unload" utils_unload

ktap_done
