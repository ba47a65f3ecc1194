// SPDX-License-Identifier: GPL-2.0-only
/*
 * Subchannels: ask the echo host for N of them with a control request on
 * the primary channel, collect the offers hv_vmbus passes to our subchannel
 * callback and open them from process context.
 */
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/jiffies.h>
#include <linux/sched/signal.h>

#include "echo.h"

/* Called by hv_vmbus for each subchannel offer of one of our devices. */
void echo_subchannel_offered(struct hvg_channel *sub)
{
	struct hvg_device *hdev = hvg_channel_device(sub);
	struct echo_dev *ed = hdev ? dev_get_drvdata(&hdev->dev) : NULL;
	unsigned long flags;

	if (!ed)
		return;
	spin_lock_irqsave(&ed->sub_lock, flags);
	if (ed->n_offered < ARRAY_SIZE(ed->offered))
		ed->offered[ed->n_offered++] = sub;
	else
		dev_err_ratelimited(&hdev->dev, "too many subchannels offered\n");
	spin_unlock_irqrestore(&ed->sub_lock, flags);
	echo_wake(ed);
}

static unsigned int echo_offered(struct echo_dev *ed)
{
	unsigned long flags;
	unsigned int n;

	spin_lock_irqsave(&ed->sub_lock, flags);
	n = ed->n_offered;
	spin_unlock_irqrestore(&ed->sub_lock, flags);
	return n;
}

static bool echo_ctrl_done(struct echo_chan *ec, u32 *status)
{
	bool done;

	spin_lock_bh(&ec->lock);
	done = ec->ctrl_done;
	*status = ec->ctrl_status;
	spin_unlock_bh(&ec->lock);
	return done;
}

static int echo_ctrl_send(struct echo_dev *ed, u32 n)
{
	struct echo_chan *ec = ed->chans[0];
	struct hvg_echo_ctrl ctrl = {
		.magic = HVG_ECHO_CTRL_MAGIC,
		.subchannels = n,
	};
	unsigned long end = jiffies + msecs_to_jiffies(echo_timeout_ms);
	int ret;

	spin_lock_bh(&ec->lock);
	ec->ctrl_done = false;
	spin_unlock_bh(&ec->lock);
	for (;;) {
		ret = hvg_sendpacket(ec->chan, &ctrl, sizeof(ctrl),
				     ECHO_RQST_VALID | ECHO_RQST_CTRL,
				     VM_PKT_DATA_INBAND,
				     VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED);
		if (ret != -EAGAIN)
			return ret;
		/* The ring is still busy with an aborted run's packets. */
		if (time_after(jiffies, end))
			return -ETIMEDOUT;
		if (msleep_interruptible(10))
			return -EINTR;
	}
}

/* Wait for the control completion and @n offers in total. */
static int echo_ctrl_wait(struct echo_dev *ed, u32 n)
{
	unsigned long end = jiffies + msecs_to_jiffies(echo_timeout_ms);
	u32 status;
	int ev, ret;

	for (;;) {
		ev = atomic_read(&ed->events);
		ret = echo_dev_state(ed) ?: echo_chan_state(ed->chans[0]);
		if (ret)
			return ret;
		if (echo_ctrl_done(ed->chans[0], &status)) {
			if (status) {
				dev_err(&ed->hdev->dev,
					"host refused %u subchannels: status %#x\n",
					n, status);
				return -EREMOTEIO;
			}
			if (echo_offered(ed) >= n)
				return 0;
		}
		if (time_after(jiffies, end)) {
			dev_err(&ed->hdev->dev,
				"subchannels: %u of %u offered in time\n",
				echo_offered(ed), n);
			return -ETIMEDOUT;
		}
		if (wait_event_interruptible_timeout(ed->wq,
						     atomic_read(&ed->events) != ev,
						     HZ / 10) < 0)
			return -EINTR;
	}
}

static int echo_open_offered(struct echo_dev *ed)
{
	unsigned int have = echo_offered(ed);
	struct echo_chan *ec;

	while (ed->nchans - 1 < have) {
		ec = echo_chan_open(ed, ed->offered[ed->nchans - 1], ed->nchans);
		if (IS_ERR(ec)) {
			dev_err(&ed->hdev->dev,
				"cannot open subchannel %u: %pe\n",
				ed->nchans, ec);
			return PTR_ERR(ec);
		}
		ed->chans[ed->nchans++] = ec;
	}
	return 0;
}

/**
 * echo_subchannels_request() - have @n subchannels open; ed->lock held
 * @ed: the device
 * @n: subchannels wanted
 *
 * Return: 0, -EINVAL for a bad @n, or the error that stopped the request.
 */
int echo_subchannels_request(struct echo_dev *ed, u32 n)
{
	int ret;

	lockdep_assert_held(&ed->lock);

	if (!n || n >= ECHO_MAX_CHANNELS)
		return -EINVAL;
	if (echo_offered(ed) < n) {
		ret = echo_ctrl_send(ed, n);
		if (!ret)
			ret = echo_ctrl_wait(ed, n);
		if (ret)
			return ret;
	}
	return echo_open_offered(ed);
}
