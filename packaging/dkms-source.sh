#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# dkms-source.sh DEST - copy the sources DKMS needs into DEST
# (/usr/src/hvguest-<version> for `make dkms-install`, the package trees for
# debian/rules and the RPM spec).  The drivers and their headers only: the
# simulated host and the test modules are not built by DKMS (dkms.conf sets
# HVGUEST_TESTS=n) and are left out; no object files.
#
# With --version, print the suite's version (dkms.conf's PACKAGE_VERSION).
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$repo/dkms.conf")

if [ "${1:-}" = --version ]; then
	echo "$version"
	exit 0
fi
[ $# -eq 1 ] || { echo "usage: $0 DEST | --version" >&2; exit 2; }
dest=$1

cd "$repo"
mkdir -p "$dest"
cp Kbuild Makefile dkms.conf "$dest/"
[ ! -f COPYING ] || cp COPYING "$dest/"
find include drivers -type f \( -name '*.[chS]' -o -name Kbuild -o -name '*.mk' \) \
	! -name '*.mod.c' -print | while read -r f; do
	mkdir -p "$dest/$(dirname "$f")"
	cp "$f" "$dest/$f"
done
