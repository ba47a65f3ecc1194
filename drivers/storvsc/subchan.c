// SPDX-License-Identifier: GPL-2.0-only
/*
 * Multi-channel: subchannels asked for according to the CPU count, opened
 * as the host offers them, one blk-mq hardware queue per open channel.
 */
#include <linux/blk-mq.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
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
		schedule_work(&sd->mq_work);
	}
	mutex_unlock(&sd->chan_lock);
}

/**
 * storvsc_mq_work() - one blk-mq hardware queue per open channel
 * @work: the device's mq_work
 *
 * Subchannels are offered after the SCSI host exists (their callback
 * needs the device lock probe holds), so the host starts with one hardware
 * queue and grows as channels open.  blk-mq maps CPU i to queue i first,
 * and channel i interrupts CPU i, so a command completes where it was
 * issued as long as there are CPUs enough.
 */
void storvsc_mq_work(struct work_struct *work)
{
	struct storvsc_dev *sd = container_of(work, struct storvsc_dev,
					      mq_work);
	struct Scsi_Host *host = sd->host;
	/* Pairs with the release that published the channels. */
	unsigned int n = smp_load_acquire(&sd->nchans);

	/*
	 * Under the host's scan_mutex, which every SCSI scan holds: a new
	 * disk's queue is sized from the tag set and then maps every CPU to
	 * a hardware context (blk_mq_init_allocated_queue()); a count that
	 * changed between the two left a CPU mapped to a context the disk
	 * did not have.  A scan may wait on commands that only remove's
	 * storvsc_fail_all() ends, and remove waits for this work first: so
	 * no sleeping on the mutex while the device goes away.
	 */
	while (!mutex_trylock(&host->scan_mutex)) {
		if (READ_ONCE(sd->removing))
			return;
		msleep(20);
	}
	if (!READ_ONCE(sd->removing) && n > host->tag_set.nr_hw_queues) {
		blk_mq_update_nr_hw_queues(&host->tag_set, n);
		host->nr_hw_queues = host->tag_set.nr_hw_queues;
		dev_info(&sd->hdev->dev, "%u channels, %u hardware queues\n",
			 n, host->nr_hw_queues);
	}
	mutex_unlock(&host->scan_mutex);
}

/**
 * storvsc_request_subchannels() - ask the host for subchannels
 * @sd: the device, initialized
 *
 * One channel per storvsc_vcpus_per_subchannel online CPUs, the primary
 * included, as far as the host offers and storvsc_max_hw_queues allows.
 * Failure is not fatal: the primary channel carries everything then.
 */
void storvsc_request_subchannels(struct storvsc_dev *sd)
{
	unsigned int per = max(storvsc_vcpus_per_subchannel, 1U);
	unsigned int want = DIV_ROUND_UP(num_online_cpus(), per) - 1;
	unsigned int most = STORVSC_MAX_CHANNELS;
	int ret;

	if (storvsc_max_hw_queues)
		most = min(most, storvsc_max_hw_queues);
	want = min3(want, (unsigned int)sd->max_subchannels, most - 1);
	if (!sd->multi_channel || !want)
		return;
	mutex_lock(&sd->chan_lock);
	sd->subs_asked = want;
	mutex_unlock(&sd->chan_lock);
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
 * storvsc_pick_chan() - the channel of a hardware queue
 * @sd: the device
 * @hwq: the blk-mq hardware queue of the command
 *
 * Until storvsc_mq_work() has run there may be fewer queues than channels
 * (the extra channels are idle) but never more.
 *
 * Return: an open channel; the host completes on the same channel.
 */
struct storvsc_chan *storvsc_pick_chan(struct storvsc_dev *sd, u16 hwq)
{
	/* Pairs with the release that published the channel. */
	unsigned int n = smp_load_acquire(&sd->nchans);

	return sd->chans[hwq < n ? hwq : hwq % n];
}
