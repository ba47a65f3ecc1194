# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# Helpers for the VM test scripts (tools/testing/vm/tests/*.sh); POSIX sh.
# Source it with:  . "$HVG_REPO/tools/testing/vm/lib.sh"
#
# KTAP output:
#   ktap_plan N          print the header and the plan "1..N"
#   ktap_ok DESC         "ok <n> - DESC"
#   ktap_fail DESC       "not ok <n> - DESC"
#   ktap_skip DESC       "ok <n> - DESC # SKIP"
#   ktap_xfail DESC WHY  "ok <n> - DESC # XFAIL WHY": a check that fails on
#                        a known bug (WHY names it); counted apart, not as
#                        passed or failed
#   ktap_check_xfail WHY DESC CMD...  CMD is expected to fail on the known
#                        bug WHY: XFAIL if it fails; if it passes, "ok" with
#                        a diagnostic that the XFAIL can go (counted xpass)
#   ktap_check DESC CMD...  ok if CMD succeeds, else fail
#   ktap_diag MSG        "# MSG"
#   ktap_done            print the totals; exit 1 if anything failed (or the
#                        plan was not met), else 0
# Modules:
#   hvg_modname NAME RENAMED   our module NAME's name on this kernel; set:
#                              $HVG_MOD_VMBUS (hv_vmbus, or hvg_vmbus on a
#                              kernel with VMBus built in), $HVG_MOD_NETVSC,
#                              _STORVSC, _UTILS, _BALLOON, _SOCK, _FB,
#                              _MOUSE, _KBD; $HVG_KO_VMBUS etc. their files
#   hvg_load [PARAM=VALUE...]  insmod the bus, hvsim (with the params) and
#                              the echo driver, in that order
#   hvg_unload                 rmmod them in reverse order
#   insmod FILE [PARAM...]     as insmod(8), after loading the kernel's
#                              modules FILE depends on (what modprobe does
#                              for an installed module); our own ones must
#                              be loaded already
#   hvg_rmmod MOD...           rmmod, once udev has let go: a disk that was
#                              just written is opened again by udev's probe
#                              (blkid), which holds the driver for a moment
#   hvg_install_modules        copy every built module into the VM's
#                              /lib/modules/<release>/updates and run depmod,
#                              as an installation on a guest would
#   hvg_demo                   what `make run` shows: the modules installed,
#                              udev-style autoloading by MODALIAS, hv_vmbus and
#                              hvsim loaded and one simulated device of every
#                              class (HVG_DEMO_DEVICES) offered; class drivers
#                              load by themselves.  HVG_DEMO_UDEV=0 skips the
#                              packaged udev rules' run on the disks when no
#                              udevd runs (minutes of TCG)
#   hvg_demo_unload            undo hvg_demo: the daemons stopped, every class
#                              driver, hvsim and hv_vmbus unloaded (diagnostic
#                              on failure)
#   hvg_unbind_fbcon           unbind fbcon from the framebuffer consoles (it
#                              holds hyperv_fb while bound)
# Host personality: HVG_PERSONALITY=NAME (passed on by vm.sh) makes every
# load of hvsim above play that real host (hvsim's personality=), unless
# the test names one itself.
# Misc:
#   wait_for CMD [TIMEOUT]     poll the shell command CMD every 0.1 s until
#                              it succeeds; return 1 after TIMEOUT whole seconds
#                              (default 10)
#   field FILE KEY             the value of the line "KEY: value" of FILE
#   hvg_expect WANT GOT [WHAT] GOT is WANT, else a diagnostic (naming WHAT)
# Kernel log:
#   dmesg_mark                 remember the current end of the log
#   dmesg_since                the log after the mark (all of it without one)
#   dmesg_has ERE              that part of the log matches ERE
# VMBus devices and hvsim's debugfs ($VMBUS, $HVSIM_DBG):
#   dev_relid GUID             relid of the device's primary channel
#   state_is GUID STATE        the device's channel is in STATE (diagnostic
#                              if not)
#   hvsim_fault KNOB VALUE     write VALUE to hvsim's KNOB (diagnostic if the
#                              write fails)
#   hvsim_dev_of GUID          hvsim's number N of the device with that
#                              instance GUID (its dev<N>/ directory)
#   hvsim_del_device GUID      have the host rescind that device

: "${HVG_REPO:=$(cd "$(dirname "$0")/../../../.." 2>/dev/null && pwd)}"

# hvg_modname NAME RENAMED: the name of our module NAME on the running
# kernel: RENAMED where the kernel has its own driver NAME built in
# (modules.builtin), else NAME; drivers/*/Kbuild choose the same from the
# kernel's configuration (Documentation/installation.rst).
_hvg_builtin=" $(tr - _ 2>/dev/null <"/lib/modules/$(uname -r)/modules.builtin" |
	grep -E '/(hv|hyperv|hid_hyperv)_[a-z_]*\.ko$' | sed 's|.*/||' | tr '\n' ' ')"
hvg_modname() {
	case $_hvg_builtin in
	*" $1.ko "*) echo "$2" ;;
	*) echo "$1" ;;
	esac
}

HVG_MOD_VMBUS=$(hvg_modname hv_vmbus hvg_vmbus)
HVG_MOD_NETVSC=$(hvg_modname hv_netvsc hvg_netvsc)
HVG_MOD_STORVSC=$(hvg_modname hv_storvsc hvg_storvsc)
HVG_MOD_UTILS=$(hvg_modname hv_utils hvg_utils)
HVG_MOD_BALLOON=$(hvg_modname hv_balloon hvg_balloon)
HVG_MOD_SOCK=$(hvg_modname hv_sock hvg_sock)
HVG_MOD_FB=$(hvg_modname hyperv_fb hvg_fb)
HVG_MOD_MOUSE=$(hvg_modname hid_hyperv hvg_mouse)
HVG_MOD_KBD=$(hvg_modname hyperv_keyboard hvg_keyboard)

HVG_KO_VMBUS=$HVG_REPO/drivers/vmbus/$HVG_MOD_VMBUS.ko
HVG_KO_HVSIM=$HVG_REPO/tools/hvsim/hvsim.ko
HVG_KO_ECHO=$HVG_REPO/tools/testing/echo/vmbus_echo.ko
HVG_KO_FB=$HVG_REPO/drivers/fb/$HVG_MOD_FB.ko
HVG_KO_MOUSE=$HVG_REPO/drivers/input/$HVG_MOD_MOUSE.ko
HVG_KO_KBD=$HVG_REPO/drivers/input/$HVG_MOD_KBD.ko

HVSIM_DBG=/sys/kernel/debug/hvsim
VMBUS=/sys/bus/vmbus

_ktap_n=0
_ktap_plan=
_ktap_fail=0
_ktap_skip=0
_ktap_xfail=0
_ktap_xpass=0

ktap_plan() {
	_ktap_plan=$1
	echo "KTAP version 1"
	echo "1..$1"
}

ktap_ok() {
	_ktap_n=$((_ktap_n + 1))
	echo "ok $_ktap_n - $*"
}

ktap_fail() {
	_ktap_n=$((_ktap_n + 1))
	_ktap_fail=$((_ktap_fail + 1))
	echo "not ok $_ktap_n - $*"
}

ktap_skip() {
	_ktap_n=$((_ktap_n + 1))
	_ktap_skip=$((_ktap_skip + 1))
	echo "ok $_ktap_n - $* # SKIP"
}

ktap_xfail() {
	_ktap_n=$((_ktap_n + 1))
	_ktap_xfail=$((_ktap_xfail + 1))
	echo "ok $_ktap_n - $1 # XFAIL $2"
}

ktap_check_xfail() {
	_why=$1 _desc=$2
	shift 2
	if "$@"; then
		_ktap_xpass=$((_ktap_xpass + 1))
		ktap_diag "XPASS: '$_desc' passes; the known bug '$_why' is gone, make it a ktap_check"
		ktap_ok "$_desc"
	else
		ktap_xfail "$_desc" "$_why"
	fi
}

ktap_diag() {
	echo "# $*"
}

ktap_check() {
	_desc=$1
	shift
	if "$@"; then
		ktap_ok "$_desc"
	else
		ktap_fail "$_desc"
	fi
}

ktap_done() {
	_pass=$((_ktap_n - _ktap_fail - _ktap_skip - _ktap_xfail - _ktap_xpass))
	if [ -n "$_ktap_plan" ] && [ "$_ktap_plan" -ne "$_ktap_n" ]; then
		ktap_diag "planned $_ktap_plan tests but ran $_ktap_n"
		_ktap_fail=$((_ktap_fail + 1))
	fi
	echo "# totals: pass:$_pass fail:$_ktap_fail xfail:$_ktap_xfail xpass:$_ktap_xpass skip:$_ktap_skip error:0"
	[ "$_ktap_fail" -eq 0 ] && exit 0
	exit 1
}

insmod() {
	for _dep in $(modinfo -F depends "$1" 2>/dev/null | tr , ' '); do
		[ -d "/sys/module/$_dep" ] && continue
		# ours (hv_vmbus, ...) would come from the kernel's tree
		[ -n "$(find "$HVG_REPO/drivers" "$HVG_REPO/tools" -name "$_dep.ko" 2>/dev/null)" ] &&
			continue
		modprobe "$_dep"
	done
	command insmod "$@"
}

_hvg_insmod() {
	if [ ! -f "$1" ]; then
		echo "hvg_load: $1 not built" >&2
		return 1
	fi
	insmod "$@"
}

# hvg_pers_param [PARAM...]: "personality=$HVG_PERSONALITY" when that is set
# and none of PARAM names a personality, else nothing.
hvg_pers_param() {
	[ -n "${HVG_PERSONALITY:-}" ] || return 0
	case " $* " in
	*" personality="*) ;;
	*) echo "personality=$HVG_PERSONALITY" ;;
	esac
}

hvg_load() {
	_hvg_insmod "$HVG_KO_VMBUS" || return 1
	# shellcheck disable=SC2046 # one word or none
	_hvg_insmod "$HVG_KO_HVSIM" $(hvg_pers_param "$@") "$@" ||
		{ rmmod "$HVG_MOD_VMBUS"; return 1; }
	_hvg_insmod "$HVG_KO_ECHO" || { rmmod hvsim "$HVG_MOD_VMBUS"; return 1; }
}

# hvg_stop_daemons: stop the hyperv-daemons that udev started when
# /dev/vmbus/hv_* appeared; each holds hv_utils while it has its device open.
hvg_stop_daemons() {
	for _d in hv_kvp_daemon hv_vss_daemon hv_fcopy_daemon; do
		pkill -x "$_d" && wait_for "! pgrep -x $_d" 10
	done
	return 0
}

hvg_rmmod() {
	udevadm control --ping >/dev/null 2>&1 && udevadm settle --timeout=30
	for _m; do
		# shellcheck disable=SC2016 # expanded by wait_for
		wait_for 'rmmod "$_m" 2>/dev/null || [ ! -d /sys/module/$_m ]' 10 ||
			rmmod "$_m" || return 1
	done
}

hvg_unload() {
	_rc=0
	for _m in vmbus_echo hvsim "$HVG_MOD_VMBUS"; do
		if [ -d "/sys/module/$_m" ]; then
			rmmod "$_m" || _rc=1
		fi
	done
	return $_rc
}

wait_for() {
	_deadline=$(($(date +%s) + ${2:-10}))
	until eval "$1" >/dev/null 2>&1; do
		[ "$(date +%s)" -lt "$_deadline" ] || return 1
		sleep 0.1
	done
	return 0
}

hvg_expect() {
	[ "$2" = "$1" ] && return 0
	ktap_diag "${3:+$3: }got '$2', want '$1'"
	return 1
}

field() {
	sed -n "s/^$2: //p" "$1"
}

dmesg_mark() {
	_hvg_mark="hvg-test-mark-$$-$(date +%s%N)"
	echo "$_hvg_mark" >/dev/kmsg
}

dmesg_since() {
	if [ -n "${_hvg_mark:-}" ]; then
		dmesg | sed -n "/$_hvg_mark/,\$p"
	else
		dmesg
	fi
}

dmesg_has() {
	dmesg_since | grep -qE "$1"
}

dev_relid() {
	cat "$VMBUS/devices/$1/id"
}

# state_is GUID STATE: the primary channel's state by name (the device's
# own state file holds Linux's number).
state_is() {
	_s=$(cat "$VMBUS/devices/$1/channels/$(dev_relid "$1")/state" 2>/dev/null)
	[ "$_s" = "$2" ] && return 0
	ktap_diag "$1: state is '$_s', expected $2"
	return 1
}

hvsim_fault() {
	{ /bin/echo "$2" >"$HVSIM_DBG/$1"; } 2>/dev/null || {
		ktap_diag "writing $2 to $HVSIM_DBG/$1 failed"
		return 1
	}
}

# disk_reads DEV [N]: N (default 1) 4 KiB blocks of DEV read with O_DIRECT,
# every byte of them.  dd's status is not enough: once its controller is
# given up, sd revalidates a disk to 0 blocks, and a read then ends at once
# with no data and status 0.
disk_reads() {
	_n=${2:-1}
	[ "$(dd if="$1" bs=4k count="$_n" iflag=direct 2>/dev/null | wc -c)" = $((_n * 4096)) ]
}

# hvsim_new SERVICE [ARGS...]: a device plugged into hvsim
# (new_device); prints its hvsim number, from hvsim's log line
# "SERVICE device N (PERSONALITY): relid R ...".
hvsim_new() {
	echo "$*" >"$HVSIM_DBG/new_device" || return 1
	dmesg | sed -n "s/.*hvsim: $1 device \([0-9]*\)[ :].*/\1/p" | tail -n 1
}

hvsim_dev_of() {
	grep -v ' state=rescinded ' "$HVSIM_DBG/devices" |
		sed -n "s/^relid=[0-9]* class=[^ ]* instance=$1 sub=0 .* dev=\([0-9]*\).*/\1/p" |
		head -n 1
}

hvsim_del_device() {
	_dev=$(hvsim_dev_of "$1")
	[ -n "$_dev" ] || { ktap_diag "hvsim has no device $1"; return 1; }
	{ /bin/echo "dev$_dev" >"$HVSIM_DBG/del_device"; } 2>/dev/null || {
		ktap_diag "writing dev$_dev to $HVSIM_DBG/del_device failed"
		return 1
	}
}

hvg_install_modules() {
	_upd=/lib/modules/$(uname -r)/updates/hvguest
	mkdir -p "$_upd" || return 1
	find "$HVG_REPO/drivers" "$HVG_REPO/tools" -name '*.ko' \
		-exec cp {} "$_upd/" \; || return 1
	depmod -a
}

# One simulated device of every class: "SERVICE [ARGS]" per line.
HVG_DEMO_DEVICES='echo
heartbeat
shutdown
timesync
kvp
vss
fcopy
net
scsi size=64M
video
mouse
keyboard
balloon'

# The VM runs the distribution's systemd-udevd (init.sh): our packaged
# rules go where an installed package puts them, and udevd loads what a
# device's MODALIAS names.  Without udevd (no udev package), busybox's
# uevent listener stands in for the modalias part alone.
_hvg_udev_setup() {
	if udevadm control --ping 2>/dev/null; then
		cp "$HVG_REPO"/packaging/udev/*.rules /etc/udev/rules.d/ &&
			udevadm control --reload
		return
	fi
	cat >/tmp/hvg-uevent <<-'EOF'
	#!/bin/sh
	case $ACTION:$MODALIAS in
	add:vmbus:*) exec /sbin/modprobe -q "$MODALIAS" ;;
	esac
	exit 0
	EOF
	chmod +x /tmp/hvg-uevent || return 1
	busybox uevent /tmp/hvg-uevent &
	sleep 0.5	# let it open its netlink socket
}

# hvg_udev_apply SYSPATH: run the packaged udev rules (packaging/udev/) on
# a device, as udevd does on an installed guest when the device is added.
# Returns 2 when there is no udevadm.
hvg_udev_apply() {
	command -v udevadm >/dev/null || return 2
	mkdir -p /run/udev/rules.d &&
		cp "$HVG_REPO"/packaging/udev/*.rules /run/udev/rules.d/ &&
		udevadm test --action=add "$1" >/tmp/hvg-udev.log 2>&1
}

hvg_demo() {
	# vm.sh --installed did it already (quickly, outside the VM).
	case $(modinfo -F filename "$HVG_MOD_VMBUS" 2>/dev/null) in
	*/updates/*) ;;
	*) hvg_install_modules || return 1 ;;
	esac
	cp "$HVG_REPO/packaging/modprobe.d/hvguest.conf" /etc/modprobe.d/ &&
		_hvg_udev_setup || return 1
	# shellcheck disable=SC2046 # one word or none
	modprobe "$HVG_MOD_VMBUS" && modprobe hvsim echo_devices=0 $(hvg_pers_param "$@") "$@" ||
		return 1
	echo "$HVG_DEMO_DEVICES" | while read -r _svc; do
		{ /bin/echo "$_svc" >/sys/kernel/debug/hvsim/new_device; } 2>/dev/null ||
			echo "hvg_demo: hvsim has no '${_svc%% *}' service" >&2
	done
	# Offers become devices, devices load their drivers: wait for both.
	wait_for '! grep -q "state=offered" /sys/kernel/debug/hvsim/devices' 30
	for _d in /sys/bus/vmbus/devices/*; do
		wait_for "test -e $_d/driver" 10 ||
			echo "hvg_demo: no driver bound to $(cat "$_d/class_id")" >&2
	done
	if udevadm control --ping 2>/dev/null; then
		# the disks' drivers (sd_mod) and rules, /dev/ptp_hyperv
		udevadm settle --timeout=60
		wait_for 'test -b /dev/sda' 30 ||
			echo "hvg_demo: no /dev/sda" >&2
	else
		for _b in /sys/block/sd*; do
			[ -e "$_b" ] && [ "${HVG_DEMO_UDEV:-1}" != 0 ] &&
				hvg_udev_apply "$_b"
		done
	fi
	_hvg_demo_net
	_hvg_demo_hvsock
	return 0
}

hvg_unbind_fbcon() {
	for _v in /sys/class/vtconsole/vtcon*; do
		grep -qs "frame buffer" "$_v/name" && echo 0 >"$_v/bind"
	done
	return 0
}

hvg_demo_unload() {
	hvg_unbind_fbcon
	hvg_stop_daemons
	# the class drivers first, hvsim last (holders: every class of make run)
	for _m in "$HVG_MOD_FB" $(ls "/sys/module/$HVG_MOD_VMBUS/holders"); do
		[ "$_m" != hvsim ] && [ -d "/sys/module/$_m" ] || continue
		timeout 60 rmmod "$_m" || { ktap_diag "rmmod $_m failed"; return 1; }
	done
	ip netns del host 2>/dev/null
	timeout 60 rmmod hvsim || { ktap_diag "rmmod hvsim failed"; return 1; }
	timeout 60 rmmod "$HVG_MOD_VMBUS" ||
		{ ktap_diag "rmmod $HVG_MOD_VMBUS failed"; return 1; }
}

# Hyper-V sockets: the guest's vsock port 5000 on the host reaches TCP
# 127.0.0.1:5000, TCP connections to 127.0.0.1:5001 reach the guest's
# vsock port 5001 (Documentation/hvsock.rst).
_hvg_demo_hvsock() {
	ip link set lo up
	modprobe "$HVG_MOD_SOCK" ||
		{ echo "hvg_demo: $HVG_MOD_SOCK does not load" >&2; return 0; }
	for _l in "listen 5000 tcp:5000" "connect 5001 tcp:5001"; do
		{ /bin/echo "$_l" >/sys/kernel/debug/hvsim/hvsock; } 2>/dev/null ||
			echo "hvg_demo: hvsim refused hvsock '$_l'" >&2
	done
}

# The simulated NIC's host end goes to namespace "host" as 10.99.0.1, the
# guest's end gets 10.99.0.2: `ping 10.99.0.1` works from the shell.
_hvg_demo_net() {
	_h=$(ls /sys/class/net | grep -m1 '^hvsim') || return 0
	_g=$(ls /sys/bus/vmbus/drivers/$HVG_MOD_NETVSC/*/net 2>/dev/null | grep -m1 .) ||
		return 0
	ip netns add host && ip link set "$_h" netns host &&
		ip -n host addr add 10.99.0.1/24 dev "$_h" &&
		ip -n host link set "$_h" up && ip -n host link set lo up &&
		ip addr add 10.99.0.2/24 dev "$_g" && ip link set "$_g" up
}
