/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the fuzz targets (common.c, linked into each).  Each
 * target also gets common.c's shim_warn(), which aborts: a WARN_ON in the
 * code under test is a finding.
 */
#ifndef _FUZZ_H
#define _FUZZ_H

#include <stddef.h>
#include <linux/types.h>

void check(bool ok);
u8 *dup(const u8 *p, size_t n);
u32 touch(const u8 *p, size_t n);

#endif
