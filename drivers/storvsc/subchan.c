// SPDX-License-Identifier: GPL-2.0-only
/*
 * Multi-channel: subchannels asked for according to the CPU count, opened
 * as the host offers them, and the choice of a channel per command.
 */
#include <linux/cpumask.h>
#include <linux/device.h>
#include <linux/smp.h>

#include "storvsc.h"

/* Called (may sleep) for each subchannel the host offers. */
static void storvsc_subchannel_offered(struct hvg_channel *sub)
{
	struct storvsc_dev *sd = dev_get_drvdata(&hvg_channel_device(sub)->dev);
	struct storvsc_chan *sc;
	unsigned int n;

	if (!sd)
		return;
	mutex_lock(&sd->chan_lock);
	n = sd->nchans;
	if (READ_ONCE(sd->removing) || !n || n >= STORVSC_MAX_CHANNELS) {
		mutex_unlock(&sd->chan_lock);
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
 * storvsc_request_subchannels() - ask the host for subchannels
 * @sd: the device, initialized
 *
 * One channel per storvsc_vcpus_per_subchannel online CPUs, the primary
 * included, as far as the host offers.  Failure is not fatal: the
 * primary channel carries everything then.
 */
void storvsc_request_subchannels(struct storvsc_dev *sd)
{
	unsigned int per = max(storvsc_vcpus_per_subchannel, 1U);
	unsigned int want = DIV_ROUND_UP(num_online_cpus(), per) - 1;
	int ret;

	want = min3(want, (unsigned int)sd->max_subchannels,
		    (unsigned int)STORVSC_MAX_CHANNELS - 1);
	if (!sd->multi_channel || !want)
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
		dev_info(&sd->hdev->dev, "asked for %u subchannels\n", want);
}

/**
 * storvsc_pick_chan() - the channel for a command issued on this CPU
 * @sd: the device
 *
 * Return: an open channel; the host completes on the same channel.
 */
struct storvsc_chan *storvsc_pick_chan(struct storvsc_dev *sd)
{
	/* Pairs with the release that published the channel. */
	unsigned int n = smp_load_acquire(&sd->nchans);

	if (n <= 1)
		return sd->chans[0];
	return sd->chans[raw_smp_processor_id() % n];
}
