// SPDX-License-Identifier: GPL-2.0-only
/*
 * Opening and closing echo channels, and the inbound path: drain the ring,
 * validate each packet and hand completions to the run or the control
 * request they belong to.
 */
#include <linux/device.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "echo.h"

static struct device *echo_chan_dev(struct echo_chan *ec)
{
	return &ec->ed->hdev->dev;
}

/* Record a fatal channel error; true the first time. */
static bool echo_chan_set_err(struct echo_chan *ec, int err)
{
	bool first;

	spin_lock(&ec->lock);
	first = !ec->err;
	if (first)
		ec->err = err;
	spin_unlock(&ec->lock);
	return first;
}

static void echo_chan_bad_packet(struct echo_chan *ec, const char *why)
{
	dev_err_ratelimited(echo_chan_dev(ec), "echo channel %u: %s\n", ec->idx,
			    why);
	spin_lock(&ec->lock);
	ec->errors++;
	spin_unlock(&ec->lock);
}

static void echo_ctrl_complete(struct echo_chan *ec, const void *data, u32 len)
{
	u32 status = U32_MAX;

	if (len >= sizeof(status))
		memcpy(&status, data, sizeof(status));
	spin_lock(&ec->lock);
	ec->ctrl_status = status;
	ec->ctrl_done = true;
	spin_unlock(&ec->lock);
}

/* Returns false when the channel can't be used any more. */
static bool echo_chan_packet(struct echo_chan *ec, u32 actual)
{
	const struct vmpacket_descriptor *desc = ec->rbuf;
	u32 off, len;
	u64 rqst;
	int ret;

	if (actual < sizeof(*desc) || actual > ec->rbuf_len) {
		echo_chan_bad_packet(ec, "runt packet");
		return true;
	}
	off = desc->offset8 * 8;
	len = desc->len8 * 8;
	if (off < sizeof(*desc) || off > len || len > actual) {
		echo_chan_bad_packet(ec, "bad packet descriptor");
		return true;
	}
	if (desc->type != VM_PKT_COMP) {
		echo_chan_bad_packet(ec, "unexpected packet type");
		return true;
	}
	ret = hvg_request_complete(ec->chan, desc->trans_id, &rqst);
	if (ret) {
		/* hv_vmbus has failed the channel: the host is not trusted. */
		if (echo_chan_set_err(ec, -EIO))
			dev_err_ratelimited(echo_chan_dev(ec),
					    "echo channel %u: completion with unknown transaction id %#llx\n",
					    ec->idx, desc->trans_id);
		return false;
	}
	if (rqst & ECHO_RQST_CTRL)
		echo_ctrl_complete(ec, ec->rbuf + off, len - off);
	else
		echo_run_complete(ec, rqst, ec->rbuf + off, len - off);
	return true;
}

/* Inbound callback: softirq context on the channel's target CPU. */
static void echo_chan_cb(void *ctx)
{
	struct echo_chan *ec = ctx;
	u32 actual;
	int ret;

	for (;;) {
		ret = hvg_recvpacket_raw(ec->chan, ec->rbuf, ec->rbuf_len,
					 &actual);
		if (ret == -EAGAIN || (!ret && !actual))
			break;
		if (ret) {
			/* A rescind is not an error: remove() follows. */
			if (ret != -ENODEV && echo_chan_set_err(ec, -EIO))
				dev_err_ratelimited(echo_chan_dev(ec),
						    "echo channel %u: receive failed: %d\n",
						    ec->idx, ret);
			break;
		}
		if (!echo_chan_packet(ec, actual))
			break;
	}
	echo_wake(ec->ed);
}

struct echo_chan *echo_chan_open(struct echo_dev *ed, struct hvg_channel *chan,
				 unsigned int idx)
{
	struct echo_chan *ec;
	int ret;

	ec = kzalloc(sizeof(*ec), GFP_KERNEL);
	if (!ec)
		return ERR_PTR(-ENOMEM);
	ec->ed = ed;
	ec->chan = chan;
	ec->idx = idx;
	spin_lock_init(&ec->lock);
	INIT_LIST_HEAD(&ec->retired);
	ec->rbuf_len = echo_recv_data_bytes();
	ec->rbuf = kvmalloc(ec->rbuf_len, GFP_KERNEL);
	if (!ec->rbuf) {
		ret = -ENOMEM;
		goto err_free;
	}
	ret = hvg_channel_open(chan, echo_send_ring_bytes, echo_recv_ring_bytes,
			       NULL, 0, echo_chan_cb, ec);
	if (ret)
		goto err_free;
	return ec;

err_free:
	kvfree(ec->rbuf);
	kfree(ec);
	return ERR_PTR(ret);
}

void echo_chan_close(struct echo_chan *ec)
{
	hvg_channel_close(ec->chan);
	echo_chan_free_retired(ec);
	kvfree(ec->rbuf);
	kfree(ec);
}

/* 0 while usable, else the error a run on it ends with. */
int echo_chan_state(struct echo_chan *ec)
{
	int err;

	if (hvg_channel_rescinded(ec->chan))
		return -ENODEV;
	if (hvg_channel_failed(ec->chan))
		return -EIO;
	spin_lock_bh(&ec->lock);
	err = ec->err;
	spin_unlock_bh(&ec->lock);
	return err;
}
