#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# packages.sh - build the Debian and RPM packages and look inside them.
#
# Works on a copy of the checkout in $HVG_CACHE/pkg/packages (dpkg-buildpackage
# writes next to the source tree).  The .deb is built with
# `dpkg-buildpackage -us -uc -b` (needs debhelper and dh-dkms), the RPM with
# `rpmbuild -bb` (Debian's rpm package); a missing tool makes its cases SKIP.
# Output: TAP; exit status 1 if any case failed.
#
# packages.sh --deb DIR: only build the .deb, the same way, in DIR (made
# afresh) and print its path (trixie-install.sh installs it).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
cache=${HVG_CACHE:-$repo/.cache}

n=0 failed=0
ok() {	# ok STATUS DESCRIPTION [diagnostic]
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		failed=$((failed + 1))
		echo "not ok $n - $2"
		[ -z "${3:-}" ] || printf '%s\n' "$3" | tail -n 15 | sed 's/^/# /'
	fi
}
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

ver=$("$repo/packaging/dkms-source.sh" --version)
work=$cache/pkg/packages
[ "${1:-}" != --deb ] || work=${2:?usage: packages.sh --deb DIR}
rm -rf "$work"
mkdir -p "$work/hvguest-$ver" "$work/rpm"
rsync -a --exclude .git --exclude .cache --exclude '*.o' --exclude '*.ko' \
	--exclude '*.cmd' --exclude '*.mod*' --exclude Module.symvers \
	--exclude modules.order "$repo/" "$work/hvguest-$ver/"
deb=$work/hvguest-dkms_${ver}_all.deb
# build_deb: dpkg-buildpackage in the copy, its log in $work/deb.log.
build_deb() {
	(cd "$work/hvguest-$ver" && dpkg-buildpackage -us -uc -b) >"$work/deb.log" 2>&1
}

if [ "${1:-}" = --deb ]; then
	build_deb && [ -f "$deb" ] || { tail -n 15 "$work/deb.log" >&2; exit 1; }
	echo "$deb"
	exit 0
fi

echo "1..6"
dver=$(cd "$repo" && dpkg-parsechangelog -S Version 2>/dev/null)
[ "$dver" = "$ver" ]
ok $? "debian/changelog version ($dver) is dkms.conf's ($ver)"

if ! command -v dh_dkms >/dev/null || ! command -v dpkg-buildpackage >/dev/null; then
	skip "dpkg-buildpackage hvguest-dkms" "debhelper/dh-dkms not installed"
	skip "hvguest-dkms contents" "no .deb"
else
	build_deb
	rc=$?
	[ "$rc" -eq 0 ] && [ -f "$deb" ]
	ok $? "dpkg-buildpackage -b builds hvguest-dkms" "$(cat "$work/deb.log")"
	dpkg-deb -c "$deb" >"$work/deb.list" 2>&1
	dpkg-deb -I "$deb" postinst >"$work/deb.postinst" 2>&1
	miss=
	for f in "usr/src/hvguest-$ver/dkms.conf" "usr/src/hvguest-$ver/Kbuild" \
		"usr/src/hvguest-$ver/drivers/vmbus/main.c" \
		"usr/src/hvguest-$ver/include/hvguest/compat.h" \
		etc/modprobe.d/hvguest.conf usr/share/initramfs-tools/modules.d/hvguest \
		usr/lib/udev/rules.d/60-hvguest-storage.rules; do
		grep -q "\./$f\$" "$work/deb.list" || miss="$miss $f"
	done
	grep -q 'tools/hvsim' "$work/deb.list" && miss="$miss (ships tools/hvsim)"
	grep -q 'dkms' "$work/deb.postinst" || miss="$miss (postinst without dkms)"
	[ -z "$miss" ]
	ok $? "hvguest-dkms ships the sources, snippets and dkms postinst" "missing:$miss"
fi

spec=$repo/rpm/hvguest.spec
if ! command -v rpmbuild >/dev/null; then
	skip "rpmbuild -bb hvguest.spec" "rpmbuild not installed"
	skip "hvguest-dkms.rpm contents" "no .rpm"
	skip "rpmspec parses" "rpmbuild not installed"
else
	src=$work/hvguest-$ver
	rpmspec -P --define "_sourcedir $src" "$spec" >"$work/spec.parsed" 2>&1
	grep -qE "^Version:[[:space:]]*$ver\$" "$work/spec.parsed"
	ok $? "rpmspec parses, Version is $ver" "$(cat "$work/spec.parsed")"
	rpmbuild -bb --define "_topdir $work/rpm" --define "_sourcedir $src" \
		--nodeps "$spec" >"$work/rpm.log" 2>&1
	rc=$?
	rpm=$(ls "$work"/rpm/RPMS/noarch/hvguest-dkms-"$ver"-1*.noarch.rpm 2>/dev/null | head -n1)
	[ "$rc" -eq 0 ] && [ -n "$rpm" ]
	ok $? "rpmbuild -bb builds hvguest-dkms" "$(cat "$work/rpm.log")"
	miss=
	if [ -n "$rpm" ]; then
		rpm -qlp "$rpm" >"$work/rpm.list" 2>&1
		for f in "/usr/src/hvguest-$ver/dkms.conf" "/usr/src/hvguest-$ver/drivers/storvsc/Kbuild" \
			/etc/modprobe.d/hvguest.conf /usr/lib/dracut/dracut.conf.d/50-hvguest.conf \
			/usr/lib/udev/rules.d/60-hvguest-storage.rules; do
			grep -qx "$f" "$work/rpm.list" || miss="$miss $f"
		done
	else
		miss=" (no rpm)"
	fi
	[ -z "$miss" ]
	ok $? "hvguest-dkms.rpm ships the sources and snippets" "missing:$miss"
fi

[ "$failed" -eq 0 ]
