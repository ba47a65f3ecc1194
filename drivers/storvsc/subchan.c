// SPDX-License-Identifier: GPL-2.0-only
/*
 * Multi-channel: subchannels asked for according to the CPU count, opened
 * as the host offers them, one blk-mq hardware queue per channel asked.
 */
#include <linux/cpumask.h>
#include <linux/device.h>
#include <scsi/scsi_host.h>

#include "storvsc.h"

/* Called (may sleep) for each subchannel the host offers. */
static void storvsc_subchannel_offered(struct hvg_channel *sub)
{
	struct storvsc_dev *sd = dev_get_drvdata(&hvg_channel_device(sub)->dev);
	u16 idx = hvg_channel_subindex(sub);
	struct storvsc_chan *sc;
	unsigned int n;

	if (!sd)
		return;
	mutex_lock(&sd->chan_lock);
	n = sd->nchans;
	if (READ_ONCE(sd->removing) || READ_ONCE(sd->dead) || !n ||
	    n >= STORVSC_MAX_CHANNELS) {
		mutex_unlock(&sd->chan_lock);
		return;
	}
	/*
	 * Only the subchannels asked for, each index once at most (the
	 * count): more would go past the queues max_hw_queues allows.
	 */
	if (!idx || idx > sd->subs_asked || n > sd->subs_asked) {
		mutex_unlock(&sd->chan_lock);
		dev_err_ratelimited(&sd->hdev->dev,
				    "subchannel %u not asked for (%u asked, %u open), not used\n",
				    idx, sd->subs_asked, n - 1);
		return;
	}
	sc = storvsc_chan_open(sd, sub);
	if (IS_ERR(sc)) {
		dev_err(&sd->hdev->dev, "cannot open subchannel %u: %pe\n",
			hvg_channel_subindex(sub), sc);
	} else {
		sd->chans[n] = sc;
		/* Publish chans[n] before the count storvsc_pick_chan() reads. */
		smp_store_release(&sd->nchans, n + 1);
	}
	mutex_unlock(&sd->chan_lock);
}

/**
 * storvsc_plan_subchannels() - size the SCSI host for its channels
 * @sd: the device, connected, its SCSI host not added yet
 *
 * One channel per storvsc_vcpus_per_subchannel online CPUs, the primary
 * included, as far as the host offers and storvsc_max_hw_queues allows,
 * and one blk-mq hardware queue per channel.  The queue count is set here,
 * once: the block layer sizes each disk's contexts and I/O scheduler from
 * the tag set while the disk is probed (asynchronously), so it must not
 * change afterwards.  Until a queue's subchannel is open, its commands go
 * out on another channel (storvsc_pick_chan()).
 */
void storvsc_plan_subchannels(struct storvsc_dev *sd)
{
	unsigned int per = max(storvsc_vcpus_per_subchannel, 1U);
	unsigned int want = DIV_ROUND_UP(num_online_cpus(), per) - 1;
	unsigned int most = STORVSC_MAX_CHANNELS;

	if (storvsc_max_hw_queues)
		most = min(most, storvsc_max_hw_queues);
	want = min3(want, (unsigned int)sd->max_subchannels, most - 1);
	if (!sd->multi_channel)
		want = 0;
	sd->subs_asked = want;
	sd->host->nr_hw_queues = want + 1;
}

/**
 * storvsc_request_subchannels() - ask the host for the planned subchannels
 * @sd: the device, its SCSI host added
 *
 * Failure is not fatal: the primary channel carries everything then.
 */
void storvsc_request_subchannels(struct storvsc_dev *sd)
{
	unsigned int want = sd->subs_asked;
	int ret;

	if (!want)
		return;
	hvg_set_subchannel_cb(sd->chan, storvsc_subchannel_offered);
	mutex_lock(&sd->init_lock);
	memset(&sd->init_req.pkt, 0, sizeof(sd->init_req.pkt));
	sd->init_req.pkt.sub_channel_count = want;
	ret = storvsc_exec(sd, VSTOR_OP_CREATE_SUB_CHANNELS);
	mutex_unlock(&sd->init_lock);
	if (ret)
		dev_err(&sd->hdev->dev, "host refused %u subchannels: %d\n",
			want, ret);
	else
		dev_info(&sd->hdev->dev, "asked for %u subchannels, %u hardware queues\n",
			 want, sd->host->nr_hw_queues);
}

/**
 * storvsc_pick_chan() - the channel of a hardware queue
 * @sd: the device
 * @hwq: the blk-mq hardware queue of the command
 *
 * There are as many queues as channels asked for; a queue whose channel
 * is not open (not offered yet, or never) shares another channel.
 *
 * Return: an open channel; the host completes on the same channel.
 */
struct storvsc_chan *storvsc_pick_chan(struct storvsc_dev *sd, u16 hwq)
{
	/* Pairs with the release that published the channel. */
	unsigned int n = smp_load_acquire(&sd->nchans);

	return sd->chans[hwq < n ? hwq : hwq % n];
}
