// SPDX-License-Identifier: GPL-2.0-only
/*
 * hyperv_fb: the decoder of the synthvid messages the host sends.  It
 * touches no driver state, so the userspace fuzzer compiles this file
 * unchanged.
 */
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/stddef.h>

#include "parse.h"

/**
 * hvfb_payload_min() - the shortest payload of a synthvid message type
 * @type: the message type
 *
 * Return: the bytes the payload of a message of @type the guest takes
 * from the host must have at least, or U32_MAX for any other type.
 */
u32 hvfb_payload_min(u32 type)
{
	switch (type) {
	case SYNTHVID_VERSION_RESPONSE:
		return sizeof(struct synthvid_version_resp);
	case SYNTHVID_VRAM_LOCATION_ACK:
		return sizeof(struct synthvid_vram_location_ack);
	case SYNTHVID_RESOLUTION_RESPONSE:
		/* resolution_count and what precedes it */
		return offsetof(struct synthvid_resolution_resp, supported_resolution);
	case SYNTHVID_FEATURE_CHANGE:
		return sizeof(struct synthvid_feature_change);
	case SYNTHVID_SITUATION_UPDATE_ACK:
		return sizeof(struct synthvid_situation_update_ack);
	default:
		return U32_MAX;
	}
}

/**
 * hvfb_check() - check a packet payload from the host
 * @buf: the payload: pipe header, synthvid header, message
 * @len: its length
 * @type: set to the message type, U32_MAX if too short for one
 * @plen: set to the message's length, when it is well formed
 *
 * The pipe header must say data and agree with the packet; the synthvid
 * header must fit in it; the message must be of a type the guest takes,
 * at least as long as that type's fixed part, and a resolution list must
 * hold the resolutions it counts (no more than SYNTHVID_MAX_RESOLUTIONS).
 *
 * Return: NULL if well formed, else what is wrong.
 */
const char *hvfb_check(const u8 *buf, u32 len, u32 *type, u32 *plen)
{
	const struct synthvid_pipe_hdr *pipe = (const void *)buf;
	const struct synthvid_hdr *hdr = (const void *)(pipe + 1);
	const struct synthvid_resolution_resp *r = (const void *)(hdr + 1);
	u32 min;

	*type = U32_MAX;
	if (len < SYNTHVID_HDRS_LEN)
		return "shorter than its headers";
	*type = hdr->type;
	if (pipe->type != PIPE_MSG_DATA)
		return "not a pipe data message";
	min = hvfb_payload_min(hdr->type);
	if (min == U32_MAX)
		return "unknown message type";
	if (pipe->size > len - sizeof(*pipe) || hdr->size > pipe->size ||
	    hdr->size < sizeof(*hdr))
		return "sizes disagree with the packet";
	*plen = hdr->size - sizeof(*hdr);
	if (*plen < min)
		return "payload too short";
	if (*type == SYNTHVID_RESOLUTION_RESPONSE &&
	    (r->resolution_count > SYNTHVID_MAX_RESOLUTIONS ||
	     *plen < min + r->resolution_count * sizeof(r->supported_resolution[0])))
		return "resolution count exceeds the payload";
	return NULL;
}
