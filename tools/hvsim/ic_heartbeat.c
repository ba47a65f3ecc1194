// SPDX-License-Identifier: GPL-2.0-only
/*
 * Heartbeat host (new_device "heartbeat", interval_ms=1000 by default):
 * sends sequence numbers and counts the answers that carry seq + 1.
 * Control files in dev<N>/: heartbeat (read: good answers), beat (write:
 * send one now).
 *
 * The message is 16 bytes: the sequence number, the guest's application
 * state and 4 reserved bytes (OpenVMM vm/devices/hyperv_ic_protocol/src/
 * heartbeat.rs HeartbeatMessage), not the 40 of Linux's struct
 * heartbeat_msg_data, whose reserved tail "the host may not fill up
 * entirely" (Linux drivers/hv/hv_util.c heartbeat_onchannelcallback).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "ic.h"

struct hvsim_hb {
	u64 seq;	/* last sent */
	u64 acked;	/* last answered */
	u64 beats;	/* answers with seq + 1 */
	u64 wrong;	/* answers with anything else */
};

static const u32 hvsim_hb_hyperv[] = {
	HVG_IC_VERSION(3, 0), HVG_IC_VERSION(1, 0),
};

/*
 * Hyper-V: the versions Linux's hv_util.c knows (HB_VERSION 3.0,
 * HB_VERSION_1 1.0).  OpenVMM has no heartbeat host: its hyperv_ic crate
 * (vm/devices/hyperv_ic/src/lib.rs) serves shutdown, time sync and KVP.
 */
static const struct hvsim_ic_versions hvsim_hb_versions[HVSIM_NR_PERS] = {
	[HVSIM_PERS_WS2012R2] = { hvsim_hb_hyperv, ARRAY_SIZE(hvsim_hb_hyperv) },
	[HVSIM_PERS_WS2016] = { hvsim_hb_hyperv, ARRAY_SIZE(hvsim_hb_hyperv) },
	[HVSIM_PERS_WS2019] = { hvsim_hb_hyperv, ARRAY_SIZE(hvsim_hb_hyperv) },
	[HVSIM_PERS_AZURE] = { hvsim_hb_hyperv, ARRAY_SIZE(hvsim_hb_hyperv) },
};

static u32 hvsim_hb_request(struct hvsim_ic *ic, u8 *body, u32 room)
{
	struct hvg_heartbeat_host_msg *msg = (void *)body;
	struct hvsim_hb *hb = ic->priv;

	msg->seq_num = ++hb->seq;
	return sizeof(*msg);
}

static void hvsim_hb_answer(struct hvsim_ic *ic, const u8 *body, u32 len)
{
	const struct hvg_heartbeat_host_msg *msg = (const void *)body;
	struct hvsim_hb *hb = ic->priv;

	if (len < sizeof(*msg)) {
		pr_err_ratelimited("dev%u: heartbeat answer of %u bytes\n",
				   ic->dev->id, len);
		hb->wrong++;
	} else if (msg->seq_num - 1 <= hb->acked || msg->seq_num - 1 > hb->seq) {
		/*
		 * Answers come in order, each to one of the requests still
		 * unanswered (a slow guest may have several).
		 */
		pr_err_ratelimited("dev%u: heartbeat answer %llu, requests %llu .. %llu unanswered\n",
				   ic->dev->id, msg->seq_num, hb->acked + 1, hb->seq);
		hb->wrong++;
	} else {
		hb->acked = msg->seq_num - 1;
		hb->beats++;
	}
}

static void hvsim_hb_show(struct seq_file *s, struct hvsim_ic *ic)
{
	struct hvsim_hb *hb = ic->priv;

	seq_printf(s, "seq: %llu\nbeats: %llu\nwrong: %llu\nmsg_bytes: %zu\n",
		   READ_ONCE(hb->seq), READ_ONCE(hb->beats), READ_ONCE(hb->wrong),
		   sizeof(struct hvg_heartbeat_host_msg));
}

static ssize_t hvsim_hb_beat_write(struct file *file, const char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	hvsim_ic_request(file->private_data, 0, 0);
	return count;
}

static const struct file_operations hvsim_hb_beat_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = hvsim_hb_beat_write,
};

static int hvsim_hb_create(struct hvsim_ic *ic)
{
	struct hvsim_hb *hb = kzalloc(sizeof(*hb), GFP_KERNEL);

	if (!hb)
		return -ENOMEM;
	ic->priv = hb;
	debugfs_create_u64("heartbeat", 0444, ic->dev->dir, &hb->beats);
	debugfs_create_file("beat", 0200, ic->dev->dir, ic, &hvsim_hb_beat_fops);
	return 0;
}

static void hvsim_hb_destroy(struct hvsim_ic *ic)
{
	kfree(ic->priv);
}

static const struct hvsim_ic_ops hvsim_hb_ops = {
	.msgtype = ICMSGTYPE_HEARTBEAT,
	.versions = hvsim_hb_versions,
	.interval_ms = 1000,
	.create = hvsim_hb_create,
	.destroy = hvsim_hb_destroy,
	.request = hvsim_hb_request,
	.answer = hvsim_hb_answer,
	.show = hvsim_hb_show,
};

static int hvsim_hb_dev_create(struct hvsim_dev *dev, char *args)
{
	return hvsim_ic_create(dev, args, &hvsim_hb_ops);
}

const struct hvsim_service hvsim_ic_heartbeat_svc = {
	.name = "heartbeat",
	.class_id = HVG_IC_HEARTBEAT_GUID,
	.no_monitor = true,
	.create = hvsim_hb_dev_create,
	.destroy = hvsim_ic_destroy,
	.open = hvsim_ic_open,
	.close = hvsim_ic_close,
	.service = hvsim_ic_service,
	.show = hvsim_ic_show,
};
