// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for drivers/balloon/parse.c: the guest's decoding of
 * the Dynamic Memory messages a host sends (header, body sizes and counts,
 * page ranges, info records).
 *
 * Input: the packet payload, in a buffer of its exact size.  Decoded as
 * dm_on_message() does, then the ranges of an unballoon or hot-add
 * request and the records of an info message as the driver reads them;
 * the oracle restates the rules.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kernel.h>

#include "fuzz.h"
#include "parse.h"

static u16 get16(const u8 *p)
{
	u16 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static u32 get32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static u64 get64(const u8 *p)
{
	u64 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* A range has pages and ends at or below page 2^40. */
static bool range_ok(u64 r)
{
	u64 start = r & ((1ULL << 40) - 1);
	u64 n = r >> 40;

	return n && start + n <= 1ULL << 40;
}

/* The records within info_size: each a type, a size and that many bytes. */
static void info(const u8 *msg)
{
	u32 left = get32(msg + 12), off = 16, n;
	bool found = false, bad = false;
	u64 max = 0, got = 0xdeadbeef;
	int ret;

	while (left >= 8) {
		n = get32(msg + off + 4);
		left -= 8;
		if (n > left) {
			bad = true;
			break;
		}
		if (get32(msg + off) == HVG_DM_INFO_MAX_PAGE_CNT && n >= 8) {
			max = get64(msg + off + 8);
			found = true;
		}
		left -= n;
		off += 8 + n;
	}
	ret = dm_parse_info((const void *)msg, &got);
	if (bad)
		check(ret == -EMSGSIZE && got == 0xdeadbeef);
	else if (found)
		check(ret == 1 && got == max);
	else
		check(ret == 0 && got == 0xdeadbeef);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u32 min = 0, i, n;
	u16 type = 0xffff, msize;
	int ret;
	u8 *msg;

	if (size > UINT32_MAX)
		return 0;
	msg = dup(data, size);

	ret = dm_parse_msg(msg, size, &type);
	if (size < 8) {
		check(ret == -EMSGSIZE);
		goto out;
	}
	msize = get16(msg + 2);
	if (msize < 8 || msize > size) {
		check(ret == -EMSGSIZE);
		goto out;
	}
	check(ret == msize && type == get16(msg));

	ret = dm_parse_body(msg, msize, type);
	/* Each type the host sends has a 16-byte fixed part. */
	switch (type) {
	case HVG_DM_VERSION_RESPONSE:
	case HVG_DM_CAPABILITIES_RESPONSE:
	case HVG_DM_BALLOON_REQUEST:
	case HVG_DM_UNBALLOON_REQUEST:
	case HVG_DM_HOT_ADD_REQUEST:
	case HVG_DM_INFO_MESSAGE:
		min = 16;
		break;
	}
	if (!min) {
		check(ret == -EOPNOTSUPP);
		goto out;
	}
	if (msize < min) {
		check(ret == -EMSGSIZE);
		goto out;
	}
	switch (type) {
	case HVG_DM_UNBALLOON_REQUEST:
		n = get32(msg + 12);
		if (n > (msize - 16u) / 8) {
			check(ret == -EMSGSIZE);
			break;
		}
		check(ret == 0);
		/* as dm_unballoon() reads them: within the message */
		for (i = 0; i < n; i++) {
			u64 r = get64(msg + 16 + 8 * i);

			check(dm_range_ok(r) == range_ok(r));
		}
		break;
	case HVG_DM_HOT_ADD_REQUEST:
		if (msize != 16 && msize < 24) {
			check(ret == -EMSGSIZE);
			break;
		}
		check(ret == 0);
		check(dm_range_ok(get64(msg + 8)) == range_ok(get64(msg + 8)));
		if (msize > 16)
			check(dm_range_ok(get64(msg + 16)) == range_ok(get64(msg + 16)));
		break;
	case HVG_DM_INFO_MESSAGE:
		if (get32(msg + 12) > msize - 16u) {
			check(ret == -EMSGSIZE);
			break;
		}
		check(ret == 0);
		/* Only the message's bytes: ASan sees a record read past them. */
		info(msg);
		break;
	default:
		check(ret == 0);
		break;
	}
out:
	free(msg);
	return 0;
}
