// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_netvsc: channels.  The primary channel is opened by probe and by
 * reattach; subchannels are asked for with NVSP 5's SUBCHANNEL request
 * and opened as the host offers them.  The offer callback runs under the
 * device lock, which probe holds, so probe finishes the subchannels from
 * a work item; ethtool waits for them.  Once they are open the RSS
 * parameters spread the receive load over them and the netdev gets as
 * many queues.
 */
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "netvsc.h"

/**
 * netvsc_chan_open() - open a channel for one queue
 * @ch: the queue, not open
 * @chan: the VMBus channel
 *
 * Return: 0 or a negative errno.
 */
int netvsc_chan_open(struct netvsc_chan *ch, struct hvg_channel *chan)
{
	int ret;

	ret = netvsc_rx_init(ch);
	if (ret)
		return ret;
	atomic_set(&ch->tx_inflight, 0);
	ch->chan = chan;
	hvg_channel_set_polled(chan, true);
	napi_enable(&ch->napi);
	ret = hvg_channel_open(chan, NETVSC_RING_BYTES, NETVSC_RING_BYTES,
			       NULL, 0, netvsc_channel_cb, ch);
	if (ret) {
		napi_disable(&ch->napi);
		ch->chan = NULL;
		netvsc_rx_free(ch);
	}
	return ret;
}

/**
 * netvsc_chan_close() - stop a queue's NAPI and close its channel
 * @ch: the queue; nothing happens if it is not open
 */
void netvsc_chan_close(struct netvsc_chan *ch)
{
	if (!ch->chan)
		return;
	napi_disable(&ch->napi);
	hvg_channel_close(ch->chan);
	ch->chan = NULL;
	netvsc_rx_free(ch);
}

/* Called (may sleep, device lock held) for each subchannel offered. */
static void netvsc_subchannel_offered(struct hvg_channel *sub)
{
	struct netvsc_dev *nd = dev_get_drvdata(&hvg_channel_device(sub)->dev);
	u16 idx = hvg_channel_subindex(sub);
	int ret = -EINVAL;

	device_lock_assert(&hvg_channel_device(sub)->dev);
	if (!nd)
		return;
	mutex_lock(&nd->chan_lock);
	if (idx && idx <= nd->subs_asked && !nd->chans[idx].chan)
		ret = netvsc_chan_open(&nd->chans[idx], sub);
	if (!ret)
		atomic_inc(&nd->subs_open);
	mutex_unlock(&nd->chan_lock);
	if (ret)
		dev_err(netvsc_dev(nd), "subchannel %u not used: %d\n", idx, ret);
	wake_up(&nd->subs_wait);
}

/**
 * netvsc_subchannels_request() - ask the host for the subchannels wanted
 * @nd: the device, RNDIS initialized
 *
 * Return: 0 (also when the host allocated fewer or none), or an errno
 * if the channel failed.
 */
int netvsc_subchannels_request(struct netvsc_dev *nd)
{
	u32 want = min(nd->want_chans, nd->max_chans);
	struct nvsp_msg m = {
		.type = NVSP_MSG5_SUBCHANNEL,
		.subchan = { .op = NVSP_SUBCHANNEL_ALLOCATE,
			     .num_subchannels = want - 1 },
	};
	int ret;

	nd->subs_asked = 0;
	atomic_set(&nd->subs_open, 0);
	if (want < 2 || nd->nvsp < NVSP_VERSION_5)
		return 0;
	/* The offers may come before the completion. */
	mutex_lock(&nd->chan_lock);
	nd->subs_asked = want - 1;
	mutex_unlock(&nd->chan_lock);
	hvg_set_subchannel_cb(nd->chan, netvsc_subchannel_offered);
	mutex_lock(&nd->ctrl_lock);
	ret = netvsc_nvsp_request(nd, &m, NULL, 0);
	mutex_unlock(&nd->ctrl_lock);
	if (ret == -ETIMEDOUT) {
		/* As refused; its completion, if late, is dropped. */
		dev_warn(netvsc_dev(nd), "subchannel request timed out: one channel\n");
		netvsc_close_subchannels(nd);
		return 0;
	}
	if (ret)
		return ret;
	if (m.type != NVSP_MSG5_SUBCHANNEL ||
	    m.subchan_complete.status != NVSP_STAT_SUCCESS ||
	    m.subchan_complete.num_subchannels > want - 1) {
		dev_warn(netvsc_dev(nd), "host refused %u subchannels (status %u, %u given)\n",
			 want - 1, m.subchan_complete.status,
			 m.subchan_complete.num_subchannels);
		netvsc_close_subchannels(nd);
		return 0;
	}
	mutex_lock(&nd->chan_lock);
	nd->subs_asked = m.subchan_complete.num_subchannels;
	mutex_unlock(&nd->chan_lock);
	return 0;
}

/**
 * netvsc_subchannels_finish() - use the subchannels that opened
 * @nd: the device
 * @wait: wait for the host's offers (not under the device lock)
 *
 * The channels in use are the primary and the subchannels 1..N-1 that
 * opened without a gap; the RSS table spreads over them.  Caller holds
 * RTNL.  Return: 0 or the errno of the RSS request.
 */
int netvsc_subchannels_finish(struct netvsc_dev *nd, bool wait)
{
	u32 n = 1, asked = READ_ONCE(nd->subs_asked);
	int ret = 0;

	ASSERT_RTNL();
	if (asked && wait &&
	    !wait_event_timeout(nd->subs_wait,
				atomic_read(&nd->subs_open) >= asked ||
				READ_ONCE(nd->removing),
				NETVSC_SUBCHAN_TIMEOUT))
		dev_warn(netvsc_dev(nd), "only %u of %u subchannels offered\n",
			 atomic_read(&nd->subs_open), asked);
	mutex_lock(&nd->chan_lock);
	while (n <= asked && n < NETVSC_MAX_CHANNELS && nd->chans[n].chan)
		n++;
	mutex_unlock(&nd->chan_lock);
	if (n > 1 || nd->nvsp >= NVSP_VERSION_5)
		ret = netvsc_rndis_set_rss(nd, n, false);
	if (ret && n > 1) {
		dev_warn(netvsc_dev(nd), "RSS refused (%d): one channel\n", ret);
		n = 1;
		ret = 0;
	}
	netif_set_real_num_tx_queues(nd->ndev, n);
	netif_set_real_num_rx_queues(nd->ndev, n);
	WRITE_ONCE(nd->nchans, n);
	return ret;
}

/* Probe's subchannels: the offers come once probe released the device. */
void netvsc_subchan_work(struct work_struct *work)
{
	struct netvsc_dev *nd = container_of(work, struct netvsc_dev, subchan_work);
	u32 asked = READ_ONCE(nd->subs_asked);

	if (asked)
		wait_event_timeout(nd->subs_wait,
				   atomic_read(&nd->subs_open) >= asked ||
				   READ_ONCE(nd->removing),
				   NETVSC_SUBCHAN_TIMEOUT);
	rtnl_lock();
	if (nd->subchan_pending && !nd->removing && !nd->detached)
		netvsc_subchannels_finish(nd, false);
	nd->subchan_pending = false;
	rtnl_unlock();
}

/**
 * netvsc_close_subchannels() - close every subchannel, stop taking offers
 * @nd: the device
 */
void netvsc_close_subchannels(struct netvsc_dev *nd)
{
	u32 i;

	hvg_set_subchannel_cb(nd->chan, NULL);
	mutex_lock(&nd->chan_lock);
	nd->subs_asked = 0;
	for (i = NETVSC_MAX_CHANNELS - 1; i > 0; i--)
		netvsc_chan_close(&nd->chans[i]);
	mutex_unlock(&nd->chan_lock);
	WRITE_ONCE(nd->nchans, 1);
}
