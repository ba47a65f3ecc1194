// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for drivers/vmbus/msg.c.
 *
 * Input: one byte choosing the negotiated version, then the SynIC message
 * payload.  The payload runs to the end of libFuzzer's buffer, so ASan
 * catches any read past the size the decoder accepted.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kernel.h>

#include "fuzz.h"
#include "msg.h"

static const u32 versions[] = {
	VERSION_WS2008, VERSION_WIN7, VERSION_WIN8, VERSION_WIN8_1,
	VERSION_WIN10, VERSION_WIN10_V4_1, VERSION_WIN10_V5,
	VERSION_WIN10_V5_1, VERSION_WIN10_V5_2, VERSION_WIN10_V5_3,
};

/* The rules of hv_msg_check_offer(), restated. */
static bool offer_ok(const struct vmbus_channel_offer_channel *o, u32 ver)
{
	if (!o->child_relid || o->child_relid >= VMBUS_MAX_CHANNEL_RELIDS)
		return false;
	if ((o->monitor_flags & VMBUS_OFFER_MONITOR_ALLOCATED) &&
	    o->monitorid > VMBUS_MAX_MONITOR_ID)
		return false;
	return ver >= VERSION_WIN8 || !o->offer.sub_channel_index;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct vmbus_channel_offer_channel *offer;
	const u8 *payload = data + 1;
	u32 ver, len;
	int type;

	if (size < 1 || size - 1 > UINT32_MAX)
		return 0;
	ver = versions[data[0] % ARRAY_SIZE(versions)];
	len = size - 1;

	type = hv_msg_decode(payload, len);
	if (type < 0) {
		if (type != -EBADMSG)
			abort();
		return 0;
	}
	if (type >= CHANNELMSG_COUNT || len > HVG_MSG_PAYLOAD_BYTES ||
	    !strcmp(hv_msg_name(type), "unknown"))
		abort();
	if (type != CHANNELMSG_OFFERCHANNEL)
		return 0;

	offer = (const void *)payload;
	if (len < sizeof(*offer))
		abort();
	if (hv_msg_check_offer(offer, ver) != (offer_ok(offer, ver) ? 0 : -EBADMSG))
		abort();
	return 0;
}
