// SPDX-License-Identifier: GPL-2.0-only
/*
 * Decoding of the channel messages the host sends.  A message is accepted
 * only if it is of a type the host may send and at least as long as that
 * type's fixed part; offers get a second, version-aware check.
 */
#include <linux/errno.h>
#include <linux/kernel.h>

#include "msg.h"

struct hv_msg_info {
	const char *name;
	u32 min_size;		/* 0: the host never sends this type */
};

#define HOST_MSG(type, st) \
	[type] = { #type, sizeof(struct st) }
#define GUEST_MSG(type) \
	[type] = { #type, 0 }

static const struct hv_msg_info hv_msg_table[CHANNELMSG_COUNT] = {
	HOST_MSG(CHANNELMSG_OFFERCHANNEL, vmbus_channel_offer_channel),
	HOST_MSG(CHANNELMSG_RESCIND_CHANNELOFFER, vmbus_channel_rescind_offer),
	GUEST_MSG(CHANNELMSG_REQUESTOFFERS),
	HOST_MSG(CHANNELMSG_ALLOFFERS_DELIVERED, vmbus_channel_message_header),
	GUEST_MSG(CHANNELMSG_OPENCHANNEL),
	HOST_MSG(CHANNELMSG_OPENCHANNEL_RESULT, vmbus_channel_open_result),
	GUEST_MSG(CHANNELMSG_CLOSECHANNEL),
	GUEST_MSG(CHANNELMSG_GPADL_HEADER),
	GUEST_MSG(CHANNELMSG_GPADL_BODY),
	HOST_MSG(CHANNELMSG_GPADL_CREATED, vmbus_channel_gpadl_created),
	GUEST_MSG(CHANNELMSG_GPADL_TEARDOWN),
	HOST_MSG(CHANNELMSG_GPADL_TORNDOWN, vmbus_channel_gpadl_torndown),
	GUEST_MSG(CHANNELMSG_RELID_RELEASED),
	GUEST_MSG(CHANNELMSG_INITIATE_CONTACT),
	/*
	 * Always 16 bytes before 6.0: the last field is the message
	 * connection id from 5.0 on, the granted version before (OpenVMM
	 * channels.rs send_version_response_with_target()).
	 */
	HOST_MSG(CHANNELMSG_VERSION_RESPONSE, vmbus_channel_version_response),
	GUEST_MSG(CHANNELMSG_UNLOAD),
	HOST_MSG(CHANNELMSG_UNLOAD_RESPONSE, vmbus_channel_message_header),
	GUEST_MSG(CHANNELMSG_TL_CONNECT_REQUEST),
	GUEST_MSG(CHANNELMSG_MODIFYCHANNEL),
	HOST_MSG(CHANNELMSG_TL_CONNECT_RESULT, vmbus_channel_tl_connect_result),
	HOST_MSG(CHANNELMSG_MODIFYCHANNEL_RESPONSE,
		 vmbus_channel_modifychannel_response),
};

/**
 * hv_msg_name() - printable name of a channel message type
 * @msgtype: the type from the message header
 *
 * Return: the name, or "unknown".
 */
const char *hv_msg_name(u32 msgtype)
{
	if (msgtype < CHANNELMSG_COUNT && hv_msg_table[msgtype].name)
		return hv_msg_table[msgtype].name + sizeof("CHANNELMSG_") - 1;
	return "unknown";
}

/**
 * hv_msg_decode() - validate a channel message received from the host
 * @payload: the SynIC message payload
 * @size: its payload_size as the host stated it
 *
 * Return: the message type, or -EBADMSG if the message is too short, of an
 * unknown type or of a type only the guest sends.
 */
int hv_msg_decode(const void *payload, u32 size)
{
	const struct vmbus_channel_message_header *hdr = payload;
	const struct hv_msg_info *info;

	if (size < sizeof(*hdr) || size > HVG_MSG_PAYLOAD_BYTES)
		return -EBADMSG;
	if (hdr->msgtype >= CHANNELMSG_COUNT)
		return -EBADMSG;
	info = &hv_msg_table[hdr->msgtype];
	if (!info->min_size || size < info->min_size)
		return -EBADMSG;
	return hdr->msgtype;
}

/**
 * hv_msg_check_offer() - validate the fields of a channel offer
 * @offer: an offer that hv_msg_decode() accepted
 * @version: the negotiated VMBus version
 *
 * Return: 0, or -EBADMSG if a relid or monitor id is out of range.
 */
int hv_msg_check_offer(const struct vmbus_channel_offer_channel *offer,
		       u32 version)
{
	if (!offer->child_relid || offer->child_relid >= VMBUS_MAX_CHANNEL_RELIDS)
		return -EBADMSG;
	if ((offer->monitor_flags & VMBUS_OFFER_MONITOR_ALLOCATED) &&
	    offer->monitorid > VMBUS_MAX_MONITOR_ID)
		return -EBADMSG;
	if (version < VERSION_WIN8 && offer->offer.sub_channel_index)
		return -EBADMSG;
	return 0;
}
