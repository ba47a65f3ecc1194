/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hyperv_fb: the decoder of the synthvid messages the host sends.  Pure
 * functions: compiled into hyperv_fb and into the userspace fuzzer
 * (tools/testing/fuzz/fuzz_synthvid.c).
 */
#ifndef _HVFB_PARSE_H
#define _HVFB_PARSE_H

#include <linux/types.h>
#include <hvguest/synthvid_proto.h>

u32 hvfb_payload_min(u32 type);
const char *hvfb_check(const u8 *buf, u32 len, u32 *type, u32 *plen);

#endif /* _HVFB_PARSE_H */
