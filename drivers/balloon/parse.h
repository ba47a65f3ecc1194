/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_balloon: checks of the Dynamic Memory messages the host sends.  Pure
 * functions, no state: compiled into hv_balloon and into the userspace
 * fuzzer (tools/testing/fuzz/fuzz_dm.c).
 */
#ifndef _HVG_BALLOON_PARSE_H
#define _HVG_BALLOON_PARSE_H

#include <linux/types.h>
#include <hvguest/dm_proto.h>

int dm_parse_msg(const u8 *msg, u32 len, u16 *type);
int dm_parse_body(const u8 *msg, u32 size, u16 type);
bool dm_range_ok(u64 range);
int dm_parse_info(const struct hvg_dm_info *in, u64 *max_pages);

#endif /* _HVG_BALLOON_PARSE_H */
