// SPDX-License-Identifier: GPL-2.0-only
/*
 * The common part of the synthetic input hosts: the guest's messages go to
 * the service's request(); once the protocol is approved the service
 * greets the guest (the mouse sends its device info); once the handshake
 * is done, lines written to dev<N>/inject become messages queued for the
 * guest and sent by the channel's work item, in order.
 *
 * Control files in debugfs hvsim/dev<N>/:
 *   inject     (write) a command of the service, e.g. "move 100 200"
 *   state      ready, version and counters
 *   fault_*    fault counts (enum hvsim_input_fault), as the global knobs
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "input.h"

#define HVSIM_INPUT_BUDGET	64	/* packets each way per work run */

static const char *const hvsim_input_fault_names[HVSIM_INPUT_NR_FAULTS] = {
	[HVSIM_INPUT_FAULT_REFUSE]		= "fault_refuse",
	[HVSIM_INPUT_FAULT_BAD_TYPE]		= "fault_bad_type",
	[HVSIM_INPUT_FAULT_SHORT]		= "fault_short",
	[HVSIM_INPUT_FAULT_DESC_OVERSIZE]	= "fault_desc_oversize",
	[HVSIM_INPUT_FAULT_DESC_OVERRUN]	= "fault_desc_overrun",
	[HVSIM_INPUT_FAULT_BAD_CODE]		= "fault_bad_code",
};

/**
 * hvsim_input_fault() - whether an armed knob of @in fires now
 * @in: the device
 * @f: the knob
 *
 * Return: true (one less left, and logged) if its count was positive.
 */
bool hvsim_input_fault(struct hvsim_input *in, enum hvsim_input_fault f)
{
	if (atomic_dec_if_positive(&in->faults[f]) < 0)
		return false;
	pr_info("fault: dev%u: %s\n", in->dev->id,
		hvsim_input_fault_names[f] + strlen("fault_"));
	return true;
}

void hvsim_input_malformed(struct hvsim_input *in, const char *why)
{
	in->malformed++;
	pr_err_ratelimited("dev%u: %s, ignored\n", in->dev->id, why);
}

/**
 * hvsim_input_send() - send one in-band message to the guest now
 * @in: the device, its channel open (host workqueue)
 * @msg: the message
 * @len: its length
 * @signal: set when the guest must be signalled
 *
 * Return: 0 or -ENOSPC.
 */
int hvsim_input_send(struct hvsim_input *in, const void *msg, u32 len,
		     bool *signal)
{
	struct kvec kv = { .iov_base = (void *)msg, .iov_len = len };
	int ret;

	ret = hvsim_chan_send(in->chan, VM_PKT_DATA_INBAND, 0, 0, &kv, 1, signal);
	if (!ret)
		in->sent++;
	return ret;
}

/* The handshake is done: take injections (host workqueue). */
void hvsim_input_set_ready(struct hvsim_input *in)
{
	spin_lock(&in->lock);
	in->ready = true;
	spin_unlock(&in->lock);
	pr_info("dev%u: %s ready\n", in->dev->id, in->dev->svc->name);
}

/**
 * hvsim_input_queue() - queue a message for the guest
 * @in: the device
 * @msg: the message
 * @len: its length, at most HVSIM_INPUT_MSG_MAX
 *
 * Return: 0, -ENOTCONN before the handshake is done, -ENOSPC when the queue
 * is full.
 */
int hvsim_input_queue(struct hvsim_input *in, const void *msg, u32 len)
{
	struct hvsim_input_msg *m;
	int ret = 0;

	if (WARN_ON_ONCE(len > HVSIM_INPUT_MSG_MAX))
		return -EINVAL;
	spin_lock(&in->lock);
	if (!in->chan || !in->ready) {
		ret = -ENOTCONN;
	} else if (in->count == HVSIM_INPUT_QLEN) {
		ret = -ENOSPC;
	} else {
		m = &in->q[(in->head + in->count++) % HVSIM_INPUT_QLEN];
		m->len = len;
		memcpy(m->data, msg, len);
		in->injected++;
		hvsim_chan_queue(in->chan);
	}
	spin_unlock(&in->lock);
	return ret;
}

static int hvsim_input_packet(struct hvsim_chan *chan, const u8 *pkt, u32 len,
			      bool *signal)
{
	const struct vmpacket_descriptor *d = (const void *)pkt;
	struct hvsim_input *in = chan->dev->priv;
	u32 off = d->offset8 * 8;

	if (d->type != VM_PKT_DATA_INBAND) {
		hvsim_input_malformed(in, "packet is not in-band");
		return 0;
	}
	return in->ops->request(in, pkt + off, len - off, signal);
}

/* Send the greeting and the queued messages; true if some are left. */
static bool hvsim_input_flush(struct hvsim_input *in, bool *signal)
{
	struct hvsim_input_msg m;
	unsigned int n;

	if (in->greet) {
		int ret = in->ops->greet(in, signal);

		if (ret == -ENOSPC)
			return false;	/* the guest signals when it made room */
		if (ret)
			pr_err("dev%u: cannot greet the guest: %d\n",
			       in->dev->id, ret);
		in->greet = false;
	}
	for (n = 0; n < HVSIM_INPUT_BUDGET; n++) {
		spin_lock(&in->lock);
		if (!in->count) {
			spin_unlock(&in->lock);
			return false;
		}
		m = in->q[in->head];
		spin_unlock(&in->lock);
		if (hvsim_input_send(in, m.data, m.len, signal))
			return false;
		spin_lock(&in->lock);
		in->head = (in->head + 1) % HVSIM_INPUT_QLEN;
		in->count--;
		spin_unlock(&in->lock);
	}
	return true;
}

bool hvsim_input_service(struct hvsim_chan *chan)
{
	struct hvsim_input *in = chan->dev->priv;
	bool signal = false, more;

	if (chan->subidx)
		return false;
	more = hvsim_chan_service(chan, hvsim_input_packet, HVSIM_INPUT_BUDGET);
	if (chan->broken)
		return false;
	if (hvsim_input_flush(in, &signal))
		more = true;
	if (signal)
		hvsim_signal_guest(chan);
	return more && !chan->broken;
}

int hvsim_input_open(struct hvsim_chan *chan)
{
	struct hvsim_input *in = chan->dev->priv;

	if (chan->subidx)
		return -EINVAL;
	in->greet = false;
	in->version = 0;
	in->leds = 0;
	spin_lock(&in->lock);
	in->chan = chan;
	in->ready = false;
	in->count = 0;
	spin_unlock(&in->lock);
	return 0;
}

void hvsim_input_close(struct hvsim_chan *chan)
{
	struct hvsim_input *in = chan->dev->priv;

	if (in->chan != chan)
		return;
	spin_lock(&in->lock);
	in->chan = NULL;
	in->ready = false;
	in->count = 0;
	spin_unlock(&in->lock);
	in->greet = false;
	in->version = 0;
}

void hvsim_input_show(struct seq_file *s, struct hvsim_chan *chan)
{
	struct hvsim_input *in = chan->dev->priv;

	seq_printf(s, " ready=%d", READ_ONCE(in->ready));
}

static int hvsim_input_inject_line(void *ctx, char *line)
{
	struct hvsim_input *in = ctx;

	return in->ops->inject(in, line);
}

static ssize_t hvsim_input_inject_write(struct file *file,
					const char __user *ubuf, size_t count,
					loff_t *ppos)
{
	struct hvsim_input *in = file->private_data;

	return hvsim_line_write(ubuf, count, &in->inject_lock, hvsim_input_inject_line, in);
}

static const struct file_operations hvsim_input_inject_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = hvsim_input_inject_write,
	.llseek = noop_llseek,
};

static int hvsim_input_state_show(struct seq_file *s, void *unused)
{
	struct hvsim_input *in = s->private;
	u32 v = READ_ONCE(in->version);

	seq_printf(s, "ready: %d\nversion: %u.%u\nsent: %llu\ninjected: %llu\nqueued: %u\nmalformed: %llu\n",
		   READ_ONCE(in->ready), v >> 16, v & 0xffff,
		   READ_ONCE(in->sent), READ_ONCE(in->injected),
		   READ_ONCE(in->count), READ_ONCE(in->malformed));
	if (in->ops->show)
		in->ops->show(s, in);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hvsim_input_state);

/**
 * hvsim_input_create() - the create() of every input service
 * @dev: the new device
 * @ops: the service
 *
 * Return: 0 or -ENOMEM.
 */
int hvsim_input_create(struct hvsim_dev *dev, const struct hvsim_input_ops *ops)
{
	struct hvsim_input *in = kzalloc(sizeof(*in), GFP_KERNEL);
	unsigned int i;

	if (!in)
		return -ENOMEM;
	in->dev = dev;
	in->ops = ops;
	spin_lock_init(&in->lock);
	mutex_init(&in->inject_lock);
	dev->priv = in;
	debugfs_create_file("inject", 0200, dev->dir, in, &hvsim_input_inject_fops);
	debugfs_create_file("state", 0444, dev->dir, in, &hvsim_input_state_fops);
	for (i = 0; i < HVSIM_INPUT_NR_FAULTS; i++)
		if (ops->faults & BIT(i))
			debugfs_create_atomic_t(hvsim_input_fault_names[i], 0600,
						dev->dir, &in->faults[i]);
	return 0;
}

/* The device's channels are gone and its debugfs files removed. */
void hvsim_input_destroy(struct hvsim_dev *dev)
{
	struct hvsim_input *in = dev->priv;

	mutex_destroy(&in->inject_lock);
	kfree(in);
}
