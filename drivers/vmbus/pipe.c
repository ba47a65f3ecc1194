// SPDX-License-Identifier: GPL-2.0-only
/*
 * What a Hyper-V socket transport needs from the bus: the guest's connect
 * request (CHANNELMSG_TL_CONNECT_REQUEST), the host's refusal of one
 * (CHANNELMSG_TL_CONNECT_RESULT), and the ring fill levels of a pipe-mode
 * channel.  Offers flagged VMBUS_CHANNEL_TLNPI_PROVIDER_OFFER bind to the
 * driver that sets hvg_driver.hvsock (bus.c), whatever their class GUID.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mutex.h>

#include "vmbus_priv.h"

static DEFINE_MUTEX(hvg_tl_lock);
static hvg_tl_result_cb hvg_tl_cb;

/**
 * hvg_tl_connect() - ask the host for a Hyper-V socket connection
 * @endpoint: the guest's endpoint id (the offer's if_instance)
 * @service: the host's service id (the offer's if_type)
 *
 * The host answers with an offer of a hvsock channel for the pair, or
 * (VMBus 4.1 on) with CHANNELMSG_TL_CONNECT_RESULT when it refuses.
 *
 * Return: 0, -EOPNOTSUPP before VMBus 4.0, or the posting error.
 */
int hvg_tl_connect(const guid_t *endpoint, const guid_t *service)
{
	struct vmbus_channel_tl_connect_request msg = {
		.header.msgtype = CHANNELMSG_TL_CONNECT_REQUEST,
		.guest_endpoint_id = *endpoint,
		.host_service_id = *service,
	};

	/* Linux hvs_init(): hosts before 4.0 (Windows 10) have no sockets. */
	if (hvg_conn.version < VERSION_WIN10)
		return -EOPNOTSUPP;
	return hvg_post_msg(&msg, sizeof(msg));
}
EXPORT_SYMBOL_GPL(hvg_tl_connect);

/**
 * hvg_set_tl_result_cb() - be told of refused connect requests
 * @cb: called in process context for each TL_CONNECT_RESULT; NULL stops
 */
void hvg_set_tl_result_cb(hvg_tl_result_cb cb)
{
	mutex_lock(&hvg_tl_lock);
	hvg_tl_cb = cb;
	mutex_unlock(&hvg_tl_lock);
}
EXPORT_SYMBOL_GPL(hvg_set_tl_result_cb);

void hvg_on_tl_result(const struct vmbus_channel_tl_connect_result *res)
{
	mutex_lock(&hvg_tl_lock);
	if (hvg_tl_cb)
		hvg_tl_cb(&res->guest_endpoint_id, &res->host_service_id,
			  res->status);
	else
		hvg_err_rl("TL_CONNECT_RESULT %#x for endpoint %pUl without a socket driver, ignored\n",
			   res->status, &res->guest_endpoint_id);
	mutex_unlock(&hvg_tl_lock);
}

/**
 * hvg_device_is_hvsock() - whether a device is a Hyper-V socket channel
 * @hdev: the device
 *
 * Return: true if its offer has VMBUS_CHANNEL_TLNPI_PROVIDER_OFFER.
 */
bool hvg_device_is_hvsock(const struct hvg_device *hdev)
{
	return hdev->channel &&
	       (hdev->channel->offer.offer.chn_flags &
		VMBUS_CHANNEL_TLNPI_PROVIDER_OFFER);
}
EXPORT_SYMBOL_GPL(hvg_device_is_hvsock);

/**
 * hvg_channel_readable() - bytes the host wrote that the guest has not read
 * @chan: an open channel
 *
 * Return: the byte count (packets with their trailers), 0 if not open.
 */
u32 hvg_channel_readable(struct hvg_channel *chan)
{
	unsigned long flags;
	u32 n = 0;

	spin_lock_irqsave(&chan->in_lock, flags);
	if (READ_ONCE(chan->state) == HVG_CHAN_OPEN)
		n = hv_ring_bytes_to_read(&chan->in);
	spin_unlock_irqrestore(&chan->in_lock, flags);
	return n;
}
EXPORT_SYMBOL_GPL(hvg_channel_readable);

/**
 * hvg_channel_writable() - room in the guest-to-host ring
 * @chan: an open channel
 * @want: if not 0 and there is less room than this, ask the host to
 *	signal once @want bytes are free (pending_send_sz)
 *
 * Return: the free bytes, 0 if not open.
 */
u32 hvg_channel_writable(struct hvg_channel *chan, u32 want)
{
	unsigned long flags;
	u32 n = 0;

	spin_lock_irqsave(&chan->out_lock, flags);
	if (READ_ONCE(chan->state) == HVG_CHAN_OPEN) {
		n = hv_ring_bytes_to_write(&chan->out);
		if (want && n < want) {
			WRITE_ONCE(chan->out.hdr->pending_send_sz, want);
			/* Pairs with the host's barrier after moving read_index. */
			virt_mb();
			n = hv_ring_bytes_to_write(&chan->out);
		}
	}
	spin_unlock_irqrestore(&chan->out_lock, flags);
	return n;
}
EXPORT_SYMBOL_GPL(hvg_channel_writable);
