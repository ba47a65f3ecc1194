# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# TAP cases for the pkg scripts (nohv.sh, matrix.sh): source it, then
#   case_ OK|FAIL DESCRIPTION [diagnostic]  one case, numbered in turn; a
#                                           failed one prints the first 30
#                                           lines of its diagnostic as "# "
# $n counts the cases, $failed the failed ones.

n=0 failed=0
case_() {
	n=$((n + 1))
	if [ "$1" = OK ]; then
		echo "ok $n - $2"
	else
		failed=$((failed + 1))
		echo "not ok $n - $2"
		[ -z "${3:-}" ] || printf '%s\n' "$3" | head -n 30 | sed 's/^/# /'
	fi
}
