#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The test VM itself: right kernel, file systems mounted, repository visible,
# no VMBus bus yet.
. "$HVG_REPO/tools/testing/vm/lib.sh"

ktap_plan 6
ktap_diag "kernel $(uname -r), our bus module $HVG_MOD_VMBUS"
ktap_check "running as root" test "$(id -u)" -eq 0
ktap_check "proc, sysfs and debugfs mounted" \
	grep -q ' /sys/kernel/debug debugfs ' /proc/mounts
ktap_check "tmpfs on /tmp" grep -q ' /tmp tmpfs ' /proc/mounts
ktap_check "repository visible at the host path" test -f "$HVG_REPO/Kbuild"
ktap_check "modules of the running kernel available" \
	test -f "/lib/modules/$(uname -r)/modules.dep"
# The kernel's own VMBus, a blacklisted module or built in (then idle off
# Hyper-V: Documentation/installation.rst), leaves the name to ours.
ktap_check "no bus \"vmbus\" before ours loads" test ! -e /sys/bus/vmbus
ktap_done
