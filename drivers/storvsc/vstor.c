// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VSTOR side of hv_storvsc: opening the channel, the initialization
 * handshake and the inbound path, which validates every packet from the
 * host before handing a completion to the request it belongs to.
 */
#include <linux/device.h>
#include <linux/slab.h>

#include "storvsc.h"

static const u16 storvsc_versions[] = {
	VSTOR_VERSION_WIN10,
	VSTOR_VERSION_WIN8_1,
	VSTOR_VERSION_WIN8,
};

static struct device *storvsc_dev(struct storvsc_dev *sd)
{
	return &sd->hdev->dev;
}

/*
 * Init and reset operations go out with an odd cookie (SRBs with the
 * address of their request): the sequence number of the operation.  Only
 * the reply to the operation being waited for is taken; the late reply to
 * one that timed out is not the answer to the next.
 */
#define STORVSC_INIT_COOKIE(seq)	(((seq) << 1) | 1)
#define STORVSC_COOKIE_IS_INIT(c)	((c) & 1)

static void storvsc_init_done(struct storvsc_dev *sd, u64 cookie,
			      const struct vstor_packet *resp)
{
	unsigned long flags;
	bool taken = false;

	spin_lock_irqsave(&sd->init_reply_lock, flags);
	if (sd->init_waiting && cookie == STORVSC_INIT_COOKIE(sd->init_waiting)) {
		sd->init_req.pkt = *resp;
		sd->init_waiting = 0;
		complete(&sd->init_req.done);
		taken = true;
	}
	spin_unlock_irqrestore(&sd->init_reply_lock, flags);
	if (!taken)
		dev_err_ratelimited(storvsc_dev(sd), "late reply to VSTOR operation #%llu, dropped\n",
				    cookie >> 1);
}

/* An unsolicited packet: the host tells about a change of its bus. */
static void storvsc_host_msg(struct storvsc_dev *sd,
			     const struct vstor_packet *p)
{
	switch (p->operation) {
	case VSTOR_OP_ENUMERATE_BUS:
	case VSTOR_OP_REMOVE_DEVICE:
		if (!READ_ONCE(sd->removing) && !READ_ONCE(sd->dead))
			schedule_work(&sd->rescan_work);
		break;
	default:
		dev_err_ratelimited(storvsc_dev(sd), "unexpected VSTOR operation %u from the host\n",
				    p->operation);
	}
}

static void storvsc_packet(struct storvsc_chan *sc, u32 actual)
{
	const struct vmpacket_descriptor *d = (const void *)sc->rbuf;
	struct storvsc_dev *sd = sc->sd;
	struct vstor_packet resp;
	struct storvsc_req *req;
	u64 cookie;
	int len;

	/* Read once; what the host did not send reads as zeroes. */
	len = storvsc_parse_packet(sc->rbuf, actual, &resp);
	if (len < 0) {
		dev_err_ratelimited(storvsc_dev(sd), "malformed packet from the host, dropped\n");
		return;
	}
	if (d->type == VM_PKT_DATA_INBAND) {
		if (len < VSTOR_HDR_BYTES)
			dev_err_ratelimited(storvsc_dev(sd), "VSTOR message of %d bytes from the host, dropped\n",
					    len);
		else
			storvsc_host_msg(sd, &resp);
		return;
	}
	if (d->type != VM_PKT_COMP) {
		dev_err_ratelimited(storvsc_dev(sd), "packet of type %u from the host, dropped\n",
				    d->type);
		return;
	}
	/*
	 * An unknown id fails the channel inside hv_vmbus.  A known one is
	 * taken even if the packet is short: the request then fails (a
	 * zero operation is no COMPLETE_IO) rather than waiting forever.
	 */
	if (hvg_request_complete(sc->chan, d->trans_id, &cookie))
		return;
	if (STORVSC_COOKIE_IS_INIT(cookie)) {
		storvsc_init_done(sd, cookie, &resp);
		return;
	}
	req = (struct storvsc_req *)(uintptr_t)cookie;
	storvsc_srb_done(sd, req, &resp, len);
	/* A reset waits for the last one; the barrier pairs with the wait. */
	if (atomic_dec_and_test(&sc->inflight) && wq_has_sleeper(&sd->drain_wait))
		wake_up(&sd->drain_wait);
}

/**
 * storvsc_idle() - whether the host has completed every SRB sent to it
 * @sd: the device
 *
 * Return: true if no channel has an SRB outstanding.
 */
bool storvsc_idle(struct storvsc_dev *sd)
{
	/* Pairs with the release that published the channels. */
	unsigned int i, n = smp_load_acquire(&sd->nchans);

	for (i = 0; i < n; i++)
		if (atomic_read(&sd->chans[i]->inflight))
			return false;
	return true;
}

/**
 * storvsc_give_up() - take the controller out of service
 * @sd: the device
 * @why: for the log
 *
 * The host broke the protocol or may still hold requests it will not give
 * back: nothing it sends is trusted any more.  Every channel is failed so
 * that no completion is taken from it (no request id is ever reused while
 * the host may still complete it), and every command still outstanding is
 * finished with DID_NO_CONNECT; new commands fail at once.  Sleeps.
 */
void storvsc_give_up(struct storvsc_dev *sd, const char *why)
{
	unsigned int i;

	if (!READ_ONCE(sd->dead))
		dev_err(storvsc_dev(sd), "%s: the controller is out of service\n",
			why);
	WRITE_ONCE(sd->dead, true);
	mutex_lock(&sd->chan_lock);
	for (i = 0; i < sd->nchans; i++)
		hvg_channel_fail(sd->chans[i]->chan, why);
	mutex_unlock(&sd->chan_lock);
	storvsc_fail_all(sd);
}

/**
 * storvsc_fail_work() - give up a device one of whose channels failed
 * @work: the device's fail_work
 *
 * The host broke the protocol (a completion for a request never issued, a
 * corrupt ring, ...).
 */
void storvsc_fail_work(struct work_struct *work)
{
	struct storvsc_dev *sd = container_of(work, struct storvsc_dev,
					      fail_work);

	if (READ_ONCE(sd->removing) || hvg_channel_rescinded(sd->chan))
		return;		/* remove() does the same */
	storvsc_give_up(sd, "a channel failed");
}

/**
 * storvsc_chan_cb() - drain the host-to-guest ring
 * @ctx: the storvsc_chan
 *
 * Softirq context on the channel's target CPU.
 */
void storvsc_chan_cb(void *ctx)
{
	struct storvsc_chan *sc = ctx;
	u32 actual;
	int ret;

	for (;;) {
		ret = hvg_recvpacket_raw(sc->chan, sc->rbuf, sc->rbuf_len,
					 &actual);
		if (ret == -EAGAIN)
			break;
		if (ret == -ENOBUFS) {
			hvg_channel_fail(sc->chan, "oversized VSTOR packet");
			break;
		}
		if (ret) {
			/* Rescinded: remove() follows.  Failed: give up. */
			if (!READ_ONCE(sc->sd->removing))
				schedule_work(&sc->sd->fail_work);
			break;
		}
		storvsc_packet(sc, actual);
	}
}

/**
 * storvsc_exec() - run one initialization or reset operation, synchronously
 * @sd: the device
 * @op: VSTOR_OP_*; sd->init_req.pkt holds its arguments
 *
 * Sleeps.  The reply is left in sd->init_req.pkt; a reply that comes
 * after the timeout is dropped (storvsc_init_done()).
 *
 * Return: 0, -EIO if the host failed it, -ETIMEDOUT, or a send error.
 */
int storvsc_exec(struct storvsc_dev *sd, u32 op)
{
	struct storvsc_req *req = &sd->init_req;
	u64 seq = ++sd->init_seq;
	unsigned long flags;
	int ret;

	lockdep_assert_held(&sd->init_lock);
	req->pkt.operation = op;
	req->pkt.flags = VSTOR_FLAG_REQUEST_COMPLETION;
	req->cmd = NULL;
	reinit_completion(&req->done);
	spin_lock_irqsave(&sd->init_reply_lock, flags);
	sd->init_waiting = seq;
	spin_unlock_irqrestore(&sd->init_reply_lock, flags);
	ret = hvg_sendpacket(sd->chan, &req->pkt, sd->pkt_len,
			     STORVSC_INIT_COOKIE(seq), VM_PKT_DATA_INBAND,
			     VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED);
	if (!ret && !wait_for_completion_timeout(&req->done,
						 STORVSC_INIT_TIMEOUT))
		ret = -ETIMEDOUT;
	spin_lock_irqsave(&sd->init_reply_lock, flags);
	sd->init_waiting = 0;
	spin_unlock_irqrestore(&sd->init_reply_lock, flags);
	/* The reply may have come in just now: then it counts. */
	if (ret == -ETIMEDOUT && try_wait_for_completion(&req->done))
		ret = 0;
	if (ret == -ETIMEDOUT)
		dev_err(storvsc_dev(sd), "no reply to VSTOR operation %u (#%llu)\n",
			op, seq);
	if (ret)
		return ret;
	if (req->pkt.operation != VSTOR_OP_COMPLETE_IO || req->pkt.status)
		return -EIO;
	return 0;
}

static int storvsc_negotiate(struct storvsc_dev *sd)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(storvsc_versions); i++) {
		memset(&sd->init_req.pkt, 0, sizeof(sd->init_req.pkt));
		sd->init_req.pkt.version.major_minor = storvsc_versions[i];
		ret = storvsc_exec(sd, VSTOR_OP_QUERY_PROTOCOL_VERSION);
		if (!ret) {
			sd->version = storvsc_versions[i];
			return 0;
		}
		if (ret != -EIO)
			return ret;
	}
	dev_err(storvsc_dev(sd), "the host offers no VSTOR version from 5.1 on\n");
	return -EPROTO;
}

static int storvsc_handshake(struct storvsc_dev *sd)
{
	const struct vstor_channel_properties *props = &sd->init_req.pkt.props;
	int ret;

	memset(&sd->init_req.pkt, 0, sizeof(sd->init_req.pkt));
	ret = storvsc_exec(sd, VSTOR_OP_BEGIN_INITIALIZATION);
	if (ret)
		return ret;
	ret = storvsc_negotiate(sd);
	if (ret)
		return ret;
	memset(&sd->init_req.pkt, 0, sizeof(sd->init_req.pkt));
	ret = storvsc_exec(sd, VSTOR_OP_QUERY_PROPERTIES);
	if (ret)
		return ret;
	sd->max_xfer = props->max_transfer_bytes;
	sd->max_subchannels = props->max_channel_cnt;
	sd->multi_channel = props->flags & VSTOR_PROP_MULTI_CHANNEL;
	if (sd->max_xfer < PAGE_SIZE) {
		dev_err(storvsc_dev(sd), "host's max transfer of %u bytes is too small\n",
			sd->max_xfer);
		return -EPROTO;
	}
	/* As Linux: whole pages, and no more than a request has room for. */
	sd->max_xfer = min_t(u32, round_down(sd->max_xfer, PAGE_SIZE),
			     STORVSC_MAX_XFER);
	memset(&sd->init_req.pkt, 0, sizeof(sd->init_req.pkt));
	return storvsc_exec(sd, VSTOR_OP_END_INITIALIZATION);
}

/**
 * storvsc_chan_open() - open the primary channel or a subchannel
 * @sd: the device
 * @chan: the channel
 *
 * Return: the open channel, or an ERR_PTR.
 */
struct storvsc_chan *storvsc_chan_open(struct storvsc_dev *sd,
				       struct hvg_channel *chan)
{
	struct storvsc_chan *sc = kzalloc(sizeof(*sc), GFP_KERNEL);
	int ret;

	if (!sc)
		return ERR_PTR(-ENOMEM);
	sc->sd = sd;
	sc->chan = chan;
	sc->rbuf_len = 512;	/* a completion is 80 bytes with its descriptor */
	sc->rbuf = kzalloc(sc->rbuf_len, GFP_KERNEL);
	if (!sc->rbuf) {
		kfree(sc);
		return ERR_PTR(-ENOMEM);
	}
	ret = hvg_channel_open(chan, storvsc_ring_size, storvsc_ring_size,
			       NULL, 0, storvsc_chan_cb, sc);
	if (ret) {
		kfree(sc->rbuf);
		kfree(sc);
		return ERR_PTR(ret);
	}
	return sc;
}

/**
 * storvsc_disconnect() - close every channel, subchannels first
 * @sd: the device
 *
 * The channel structures stay (a command being queued may still look at
 * them; sending on a closed channel fails) until storvsc_free_chans().
 */
void storvsc_disconnect(struct storvsc_dev *sd)
{
	unsigned int i;

	hvg_set_subchannel_cb(sd->chan, NULL);
	mutex_lock(&sd->chan_lock);
	for (i = sd->nchans; i-- > 0;)
		hvg_channel_close(sd->chans[i]->chan);
	mutex_unlock(&sd->chan_lock);
}

/**
 * storvsc_free_chans() - free what storvsc_disconnect() left
 * @sd: the device; no command can be queued any more
 */
void storvsc_free_chans(struct storvsc_dev *sd)
{
	unsigned int i;

	for (i = 0; i < sd->nchans; i++) {
		kfree(sd->chans[i]->rbuf);
		kfree(sd->chans[i]);
		sd->chans[i] = NULL;
	}
	sd->nchans = 0;
}

/**
 * storvsc_connect() - open the primary channel and initialize the protocol
 * @sd: the device
 *
 * Return: 0 or a negative errno; the channel is closed again on failure.
 */
int storvsc_connect(struct storvsc_dev *sd)
{
	struct storvsc_chan *sc;
	int ret;

	sd->pkt_len = sizeof(struct vstor_packet);
	sc = storvsc_chan_open(sd, sd->chan);
	if (IS_ERR(sc))
		return PTR_ERR(sc);
	sd->chans[0] = sc;
	/* Publish chans[0] before the count storvsc_pick_chan() reads. */
	smp_store_release(&sd->nchans, 1);
	mutex_lock(&sd->init_lock);
	ret = storvsc_handshake(sd);
	mutex_unlock(&sd->init_lock);
	if (ret) {
		storvsc_disconnect(sd);
		storvsc_free_chans(sd);
		return ret;
	}
	dev_info(storvsc_dev(sd), "VSTOR %u.%u, max transfer %u bytes, %u subchannels%s\n",
		 sd->version >> 8, sd->version & 0xff, sd->max_xfer,
		 sd->max_subchannels, sd->multi_channel ? " (multi-channel)" : "");
	return 0;
}
