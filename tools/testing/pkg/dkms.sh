#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# dkms.sh [--kernel SERIES] - the DKMS life cycle against a test kernel.
#
# Runs Debian's dkms (add, build, install, status, remove) for the version in
# dkms.conf against the headers of kernel.sh SERIES (default 6.1), entirely
# in private trees under $HVG_CACHE/pkg/dkms: --sourcetree (our
# /usr/src), --dkmstree (our /var/lib/dkms) and --installtree (our
# /lib/modules, seeded with hard links to the test kernel's own modules so
# that in-tree precedence can be checked), with --no-depmod (dkms would run
# depmod on the machine's /lib/modules; we run depmod -b on ours).  Module
# signing is switched off (sign_file pointing nowhere) so that dkms does not
# create a MOK key in /var/lib/dkms.  Nothing outside the cache is written,
# which the last case verifies.
#
# Output: TAP, one case per step; exit status 1 if any case failed.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
cache=${HVG_CACHE:-$repo/.cache}
series=${HVG_KERNEL:-6.1}
[ "${1:-}" != --kernel ] || series=$2

n=0 failed=0
ok() {	# ok STATUS DESCRIPTION [diagnostic...]
	local st=$1 desc=$2
	shift 2
	n=$((n + 1))
	if [ "$st" -eq 0 ]; then
		echo "ok $n - $desc"
	else
		failed=$((failed + 1))
		echo "not ok $n - $desc"
		for l in "$@"; do printf '# %s\n' "$l"; done
	fi
}
tail_of() { tail -n "${2:-15}" "$1" | sed 's/^/  /'; }

command -v dkms >/dev/null || { echo "1..0 # SKIP dkms not installed"; exit 0; }
if [ "$series" = host ]; then
	KVER=$(uname -r) MODDIR=/lib/modules/$(uname -r)
	KDIR=$MODDIR/build
	[ -d "$KDIR" ] || KDIR=
else
	eval "$("$here/../vm/kernel.sh" "$series" 2>/dev/null | grep -E '^(KVER|KDIR|MODDIR)=')"
fi
[ -n "${KDIR:-}" ] || { echo "1..1"; ok 1 "kernel $series headers"; exit 1; }

echo "1..10"
name=hvguest
ver=$("$repo/packaging/dkms-source.sh" --version)
work=$cache/pkg/dkms
src=$work/src root=$work/root tree=$work/dkms
logs=$work/logs
rm -rf "$work"
mkdir -p "$src" "$tree" "$logs" "$root/lib/modules/$KVER"

# The modules dkms.conf installs, and the ones the drivers' Kbuilds build
# ("obj-m += $(hv_vmbus).o": the variable is named after the module's name
# on a kernel without the in-tree driver built in, drivers/modname.mk).
conf_mods=$(bash -c ". '$repo/dkms.conf'; printf '%s\n' \"\${BUILT_MODULE_NAME[@]}\"" | sort)
kbuild_mods=$(for d in $(sed -n 's|^obj-m *+= *drivers/\([^/]*\)/.*|\1|p' "$repo/Kbuild"); do
	[ -f "$repo/drivers/$d/Kbuild" ] &&
		sed -n 's/^obj-m *+= *\$(\(.*\))\.o/\1/p; s/^obj-m *+= *\([^$]*\)\.o/\1/p' \
			"$repo/drivers/$d/Kbuild"
done | sort)
[ "$conf_mods" = "$kbuild_mods" ]
ok $? "dkms.conf lists every driver of Kbuild" \
	"dkms.conf: $(echo $conf_mods)" "Kbuild:    $(echo $kbuild_mods)"

# The kernel's own modules, as hard links (cheap; depmod -b writes its
# output files anew and never changes them).
cp -al "$MODDIR/kernel" "$root/lib/modules/$KVER/kernel" 2>/dev/null ||
	cp -as "$MODDIR/kernel" "$root/lib/modules/$KVER/kernel"
cp "$MODDIR"/modules.order "$MODDIR"/modules.builtin* "$root/lib/modules/$KVER/"

# What must not change: the machine's dkms state and module trees.
outside() {
	find /var/lib/dkms /lib/modules -path '*/build' -prune -o -print 2>/dev/null |
		LC_ALL=C sort
}
outside >"$work/outside.before"

"$repo/packaging/dkms-source.sh" "$src/$name-$ver"
dk() {
	sign_file=/nonexistent dkms --sourcetree "$src" --dkmstree "$tree" \
		--installtree "$root/lib/modules" --no-depmod "$@"
}
kargs=(-k "$KVER" --kernelsourcedir "$KDIR")

dk add "$name/$ver" >"$logs/add.log" 2>&1
ok $? "dkms add $name/$ver" "$(tail_of "$logs/add.log")"

start=$(date +%s)
dk build "$name/$ver" "${kargs[@]}" >"$logs/build.log" 2>&1
rc=$?
ok $rc "dkms build for $KVER ($(($(date +%s) - start)) s)" "$(tail_of "$logs/build.log")" \
	"$(tail_of "$tree/$name/$ver/build/make.log" 2>/dev/null)"

# What the package's /usr/share/dkms/modules_to_force_install/hvguest
# does (packaging/dkms): in-tree hv_sock says version 1.0.0, and DKMS
# installs no module older than the kernel's own.
dk install "$name/$ver" "${kargs[@]}" --force-version-override >"$logs/install.log" 2>&1
rc=$?
installed=$(cd "$root/lib/modules/$KVER" && find updates -name '*.ko*' 2>/dev/null | sort)
got=$(for f in $installed; do basename "${f%%.ko*}"; done | sort)
[ "$rc" -eq 0 ] && [ "$got" = "$conf_mods" ]
ok $? "dkms install puts exactly the drivers into updates/" \
	"installed: $(echo $installed)" "$(tail_of "$logs/install.log")"

dk status "$name/$ver" "${kargs[@]}" >"$logs/status.log" 2>&1
grep -q "^$name/$ver, $KVER, .*: installed" "$logs/status.log"
ok $? "dkms status says installed" "$(cat "$logs/status.log")"

bad=
for f in $installed; do
	ko=$root/lib/modules/$KVER/$f
	v=$(modinfo -F version "$ko" 2>/dev/null)
	[ "$v" = "$ver" ] || bad="$bad $(basename "$f"):version='$v'"
	case $f in
	*/hv_vmbus.ko*) continue ;;
	# sockets' channels bind by their offer's flag; the socket family
	# (AF_VSOCK, 40) loads it, as the in-tree hv_sock
	*/hv_sock.ko*) want='^net-pf-40$' ;;
	*) want='^vmbus:[0-9a-f]\{32\}$' ;;
	esac
	modinfo -F alias "$ko" 2>/dev/null | grep -q "$want" ||
		bad="$bad $(basename "$f"):no-alias"
done
[ -n "$installed" ] && [ -z "$bad" ]
ok $? "modinfo: version $ver, class drivers have vmbus: aliases (hv_sock: net-pf-40)" "bad:$bad"

# depmod resolves every name to our copy, ahead of the in-tree driver.
depmod -b "$root" "$KVER" >"$logs/depmod.log" 2>&1
rc=$? bad=
for m in $conf_mods; do
	f=$(modinfo -b "$root" -k "$KVER" -F filename "$m" 2>/dev/null)
	case $f in */updates/*) ;; *) bad="$bad $m->${f:-none}" ;; esac
done
[ "$rc" -eq 0 ] && [ -n "$conf_mods" ] && [ -z "$bad" ]
ok $? "modprobe picks updates/ over in-tree drivers" "bad:$bad" "$(tail_of "$logs/depmod.log")"

# A kernel with VMBus built in (Debian's 7.x: CONFIG_HYPERV_VMBUS=y) is
# skipped with dkms's "not built" status 77 and our reason; only its
# .config matters, so a stand-in source tree will do.
fake=$work/builtin-vmbus
mkdir -p "$fake"
printf 'CONFIG_HYPERV=y\nCONFIG_HYPERV_VMBUS=y\n' >"$fake/.config"
: >"$fake/Makefile"
dk build "$name/$ver" -k 7.3.0-builtin --kernelsourcedir "$fake" >"$logs/builtin.log" 2>&1
rc=$?
[ "$rc" -eq 77 ] && grep -q 'VMBus is built in (CONFIG_HYPERV_VMBUS=y)' "$logs/builtin.log"
ok $? "dkms build refuses a kernel with VMBus built in, saying why (status $rc)" \
	"$(tail_of "$logs/builtin.log")"

dk remove "$name/$ver" --all >"$logs/remove.log" 2>&1
rc=$?
left=$( (cd "$root/lib/modules/$KVER" && find updates extra -type f 2>/dev/null)
	find "$tree" -mindepth 1 2>/dev/null | grep -v "^$tree/\(mok\.\|framework\)")
[ "$rc" -eq 0 ] && [ -z "$left" ]
ok $? "dkms remove leaves nothing behind" "left: $(echo $left)" "$(tail_of "$logs/remove.log")"

outside >"$work/outside.after"
diff "$work/outside.before" "$work/outside.after" >"$logs/outside.diff"
ok $? "nothing written to /var/lib/dkms or /lib/modules" "$(head -n 10 "$logs/outside.diff")"

[ "$failed" -eq 0 ]
