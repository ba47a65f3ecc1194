// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_balloon: checks of the Dynamic Memory messages the host sends.  A
 * message passes when its header's size lies within the packet and covers
 * the fixed part of its type and everything its counts announce.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <asm/byteorder.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "parse.h"

/**
 * dm_parse_msg() - check a message's header
 * @msg: the packet's payload
 * @len: its length
 * @type: set to the message type
 *
 * Return: the message's size (at most @len), or -EMSGSIZE if the header
 * does not fit or its size field is shorter than a header or longer than
 * the packet.
 */
int dm_parse_msg(const u8 *msg, u32 len, u16 *type)
{
	const struct hvg_dm_hdr *h = (const void *)msg;
	u16 size;

	if (len < sizeof(*h))
		return -EMSGSIZE;
	size = le16_to_cpu(h->size);
	if (size < sizeof(*h) || size > len)
		return -EMSGSIZE;
	*type = le16_to_cpu(h->type);
	return size;
}

static u32 dm_min_size(u16 type)
{
	switch (type) {
	case HVG_DM_VERSION_RESPONSE:
	case HVG_DM_CAPABILITIES_RESPONSE:
		return sizeof(struct hvg_dm_version_response);
	case HVG_DM_BALLOON_REQUEST:
		return sizeof(struct hvg_dm_balloon);
	case HVG_DM_UNBALLOON_REQUEST:
		return sizeof(struct hvg_dm_unballoon_request);
	case HVG_DM_HOT_ADD_REQUEST:
		return sizeof(struct hvg_dm_hot_add);
	case HVG_DM_INFO_MESSAGE:
		return sizeof(struct hvg_dm_info);
	default:
		return 0;
	}
}

/**
 * dm_parse_body() - check a host message of a known type against its size
 * @msg: the message, its header checked by dm_parse_msg()
 * @size: the size dm_parse_msg() returned
 * @type: its type
 *
 * Return: 0; -EOPNOTSUPP for a type the host does not send; -EMSGSIZE if
 * @size is short of the fixed part or of the ranges or records announced.
 */
int dm_parse_body(const u8 *msg, u32 size, u16 type)
{
	const struct hvg_dm_unballoon_request *u = (const void *)msg;
	const struct hvg_dm_info *in = (const void *)msg;
	u32 min = dm_min_size(type);

	if (!min)
		return -EOPNOTSUPP;
	if (size < min)
		return -EMSGSIZE;
	switch (type) {
	case HVG_DM_UNBALLOON_REQUEST:
		if (le32_to_cpu(u->range_count) > (size - min) / sizeof(__le64))
			return -EMSGSIZE;
		break;
	case HVG_DM_HOT_ADD_REQUEST:
		/* the range alone, or the range and a region */
		if (size != min && size < min + sizeof(__le64))
			return -EMSGSIZE;
		break;
	case HVG_DM_INFO_MESSAGE:
		if (le32_to_cpu(in->info_size) > size - min)
			return -EMSGSIZE;
		break;
	}
	return 0;
}

/**
 * dm_range_ok() - whether a page range from the host is usable at all
 * @range: the range as sent
 *
 * Return: true if it has pages and does not wrap the 40-bit page numbers.
 */
bool dm_range_ok(u64 range)
{
	u64 start = hvg_dm_range_start(range);
	u32 n = hvg_dm_range_count(range);

	return n && start + n <= HVG_DM_RANGE_START_MASK + 1;
}

/**
 * dm_parse_info() - walk the records of an info message
 * @in: the message, checked by dm_parse_body()
 * @max_pages: set to the last maximum page count record's value, if any
 *
 * Each record is a header and data_size bytes; records of other types are
 * skipped, a maximum page count record shorter than 8 bytes too.  Bytes
 * after the last record too few for a header are ignored.
 *
 * Return: 1 if @max_pages was set, 0 if not, -EMSGSIZE if a record runs
 * past info_size (@max_pages is then not set).
 */
int dm_parse_info(const struct hvg_dm_info *in, u64 *max_pages)
{
	u32 left = le32_to_cpu(in->info_size), off = 0, n;
	struct hvg_dm_info_hdr ih;
	bool found = false;
	__le64 v;
	u64 max = 0;

	while (left >= sizeof(ih)) {
		memcpy(&ih, in->info + off, sizeof(ih));
		n = le32_to_cpu(ih.data_size);
		left -= sizeof(ih);
		off += sizeof(ih);
		if (n > left)
			return -EMSGSIZE;
		if (le32_to_cpu(ih.type) == HVG_DM_INFO_MAX_PAGE_CNT && n >= sizeof(v)) {
			memcpy(&v, in->info + off, sizeof(v));
			max = le64_to_cpu(v);
			found = true;
		}
		left -= n;
		off += n;
	}
	if (found)
		*max_pages = max;
	return found;
}
