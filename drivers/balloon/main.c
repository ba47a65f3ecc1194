// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_balloon: the Dynamic Memory guest.  Probe opens the channel, asks for
 * protocol 2.0 (WIN10), then 1.0 (WIN8), then 0.3 (WIN7, the last
 * attempt) until the host accepts one, and reports the capabilities:
 * ballooning, hot-add (unless hot_add=0) in blocks of 128 MiB.  Then the
 * guest reports its memory status every second (status.c) and serves the
 * host's balloon, unballoon (inflate.c) and hot-add (hotadd.c) requests.
 *
 * The host's messages are handled in process context, one at a time, by
 * rx_work: the channel is polled (hvg_channel_set_polled()), the callback
 * only queues the work.  Every message is checked (parse.c) before use; a
 * malformed one is counted, logged (ratelimited) and dropped.
 *
 * sysfs: dm_state on the VMBus device, the counters and the balloon and
 * hot-add state.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "balloon.h"
#include "parse.h"

#define DM_RING_BYTES		(5 * PAGE_SIZE)	/* each way, header page included */
#define DM_HANDSHAKE_TIMEOUT	(5 * HZ)
#define DM_SEND_TRIES		250		/* 20 ms apart: 5 s for room in the ring */

bool dm_hot_add = true;
module_param_named(hot_add, dm_hot_add, bool, 0644);
MODULE_PARM_DESC(hot_add, "Offer memory hot-add to the host and serve its requests (default: on)");

unsigned int dm_pressure_report_delay = 45;
module_param_named(pressure_report_delay, dm_pressure_report_delay, uint, 0644);
MODULE_PARM_DESC(pressure_report_delay,
		 "Seconds after the handshake before the first status report (default: 45)");

static const u32 dm_versions[] = {
	HVG_DM_VERSION_WIN10, HVG_DM_VERSION_WIN8, HVG_DM_VERSION_WIN7,
};

void dm_malformed(struct dm_dev *dm, const char *what, u32 a, u32 b)
{
	WRITE_ONCE(dm->malformed, dm->malformed + 1);
	dev_err_ratelimited(&dm->hdev->dev, "%s (%u, %u), dropped\n", what, a, b);
}

/**
 * dm_hdr_init() - fill in the header of a message to the host
 * @dm: the device
 * @h: the header
 * @type: enum hvg_dm_type
 * @size: the message's size
 */
void dm_hdr_init(struct dm_dev *dm, struct hvg_dm_hdr *h, u16 type, u16 size)
{
	h->type = cpu_to_le16(type);
	h->size = cpu_to_le16(size);
	h->trans_id = cpu_to_le32(atomic_inc_return(&dm->trans_id));
}

/**
 * dm_send() - send a message to the host, waiting for room in the ring
 * @dm: the device
 * @msg: the message, its header filled in
 * @len: its size
 *
 * Process context.
 *
 * Return: 0, -EAGAIN if the ring stayed full for 5 s, or the channel's error.
 */
int dm_send(struct dm_dev *dm, const void *msg, u32 len)
{
	int tries = DM_SEND_TRIES, ret;

	might_sleep();
	while ((ret = hvg_sendpacket(dm->chan, msg, len, 0, VM_PKT_DATA_INBAND, 0)) == -EAGAIN &&
	       --tries)
		msleep(20);
	return ret;
}

static void dm_on_response(struct dm_dev *dm, const u8 *msg, u16 type)
{
	const struct hvg_dm_version_response *r = (const void *)msg;

	if (dm->ready || completion_done(&dm->handshake)) {
		dm_malformed(dm, "unsolicited response: type, ready", type, dm->ready);
		return;
	}
	dm->accepted = le64_to_cpu(r->accepted) & 1;
	complete(&dm->handshake);
}

static void dm_on_info(struct dm_dev *dm, const struct hvg_dm_info *in)
{
	u64 max;
	int ret = dm_parse_info(in, &max);

	if (ret < 0) {
		dm_malformed(dm, "info record overruns the message: info_size, type",
			     le32_to_cpu(in->info_size), HVG_DM_INFO_MESSAGE);
		return;
	}
	if (!ret)
		return;
	WRITE_ONCE(dm->max_page_count, max);
	dev_info(&dm->hdev->dev, "the host gives at most %llu MiB\n",
		 max >> (20 - HVG_DM_PAGE_SHIFT));
}

static void dm_on_message(struct dm_dev *dm, const u8 *msg, u32 len)
{
	u16 type = 0;
	int size, ret;

	size = dm_parse_msg(msg, len, &type);
	if (size < 0) {
		dm_malformed(dm, "message header size out of bounds: length, type", len, type);
		return;
	}
	ret = dm_parse_body(msg, size, type);
	if (ret == -EOPNOTSUPP) {
		dm_malformed(dm, "unknown message type: type, size", type, size);
		return;
	}
	if (ret) {
		dm_malformed(dm, "message too short for its type: type, size", type, size);
		return;
	}
	if (type != HVG_DM_VERSION_RESPONSE && type != HVG_DM_CAPABILITIES_RESPONSE &&
	    !dm->ready) {
		dm_malformed(dm, "request before the handshake: type, size", type, size);
		return;
	}
	switch (type) {
	case HVG_DM_VERSION_RESPONSE:
	case HVG_DM_CAPABILITIES_RESPONSE:
		dm_on_response(dm, msg, type);
		break;
	case HVG_DM_BALLOON_REQUEST:
		dm_balloon(dm, (const void *)msg);
		break;
	case HVG_DM_UNBALLOON_REQUEST:
		dm_unballoon(dm, (const void *)msg);
		break;
	case HVG_DM_HOT_ADD_REQUEST:
		dm_hot_add_req(dm, (const void *)msg, size);
		break;
	case HVG_DM_INFO_MESSAGE:
		dm_on_info(dm, (const void *)msg);
		break;
	}
}

static void dm_rx_work(struct work_struct *work)
{
	struct dm_dev *dm = container_of(work, struct dm_dev, rx_work);
	const struct vmpacket_descriptor *d = (const void *)dm->buf;
	u32 len;
	int ret;

	while (!(ret = hvg_recvpacket_raw(dm->chan, dm->buf, sizeof(dm->buf), &len))) {
		u32 off = d->offset8 * 8;

		if (d->type == VM_PKT_DATA_INBAND)
			dm_on_message(dm, dm->buf + off, len - off);
		else if (d->type != VM_PKT_COMP)
			dm_malformed(dm, "unexpected packet type, length", d->type, len);
		cond_resched();
	}
	if (ret == -ENOBUFS) {
		dev_err_ratelimited(&dm->hdev->dev,
				    "packet of %u bytes exceeds the largest Dynamic Memory message\n",
				    len);
		hvg_channel_fail(dm->chan, "Dynamic Memory packet larger than 4 KiB");
	}
	if (ret != -EAGAIN && !completion_done(&dm->handshake)) {
		dm->accepted = false;
		complete(&dm->handshake);
	}
	if (ret == -EAGAIN && hvg_channel_poll_done(dm->chan))
		queue_work(system_unbound_wq, &dm->rx_work);
}

static void dm_onchannel(void *ctx)
{
	struct dm_dev *dm = ctx;

	queue_work(system_unbound_wq, &dm->rx_work);
}

/* Send one handshake message and wait for its answer; 0 if accepted. */
static int dm_ask(struct dm_dev *dm, const void *msg, u32 len)
{
	int ret;

	reinit_completion(&dm->handshake);
	ret = dm_send(dm, msg, len);
	if (ret)
		return ret;
	if (!wait_for_completion_timeout(&dm->handshake, DM_HANDSHAKE_TIMEOUT))
		return -ETIMEDOUT;
	return dm->accepted ? 0 : -EPROTO;
}

static int dm_connect(struct dm_dev *dm)
{
	struct hvg_dm_version_request vr = {};
	struct hvg_dm_capabilities cap = {};
	unsigned int i;
	bool hot_add;
	u64 caps;
	int ret = -EPROTO;

	for (i = 0; i < ARRAY_SIZE(dm_versions); i++) {
		dm_hdr_init(dm, &vr.hdr, HVG_DM_VERSION_REQUEST, sizeof(vr));
		vr.version = cpu_to_le32(dm_versions[i]);
		vr.flags = cpu_to_le32(i == ARRAY_SIZE(dm_versions) - 1 ? HVG_DM_LAST_ATTEMPT : 0);
		dm->version = dm_versions[i];
		ret = dm_ask(dm, &vr, sizeof(vr));
		if (ret != -EPROTO || hvg_channel_failed(dm->chan))
			break;
	}
	if (ret) {
		dev_err(&dm->hdev->dev, "no Dynamic Memory version agreed: %d\n", ret);
		return ret;
	}

	hot_add = IS_ENABLED(CONFIG_MEMORY_HOTPLUG) && READ_ONCE(dm_hot_add);
	caps = HVG_DM_CAP_BALLOON | (u64)DM_HA_ALIGN_CAP << HVG_DM_CAP_ALIGN_SHIFT;
	if (hot_add)
		caps |= HVG_DM_CAP_HOT_ADD;
	dm_hdr_init(dm, &cap.hdr, HVG_DM_CAPABILITIES_REPORT, sizeof(cap));
	cap.caps = cpu_to_le64(caps);
	cap.min_page_cnt = 0;
	cap.max_page_number = cpu_to_le64(U64_MAX);
	ret = dm_ask(dm, &cap, sizeof(cap));
	if (ret) {
		dev_err(&dm->hdev->dev, "the host did not take our capabilities: %d\n", ret);
		return ret;
	}
	dev_info(&dm->hdev->dev, "Dynamic Memory protocol %u.%u, hot-add %s\n",
		 dm->version >> 16, dm->version & 0xffff, hot_add ? "on" : "off");
	return 0;
}

static ssize_t dm_state_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct dm_dev *dm = dev_get_drvdata(dev);

	return sysfs_emit(buf,
			  "version: %u.%u\nballooned_pages: %lu\nhot_added_pages: %lu\n"
			  "hot_offline_pages: %lu\nfloor_pages: %lu\ncommitted_pages: %llu\n"
			  "max_page_count: %llu\n"
			  "reports: %llu\nballoon_requests: %llu\nballoon_short: %llu\n"
			  "unballoon_requests: %llu\nhot_add_requests: %llu\nmalformed: %llu\n",
			  dm->version >> 16, dm->version & 0xffff,
			  READ_ONCE(dm->ballooned), READ_ONCE(dm->hot_added),
			  dm_hot_offline_pages(dm), dm_balloon_floor(), dm_committed_pages(dm),
			  READ_ONCE(dm->max_page_count), READ_ONCE(dm->reports),
			  READ_ONCE(dm->balloon_reqs), READ_ONCE(dm->balloon_short),
			  READ_ONCE(dm->unballoon_reqs), READ_ONCE(dm->hot_add_reqs),
			  READ_ONCE(dm->malformed));
}
static DEVICE_ATTR_RO(dm_state);

static int dm_probe(struct hvg_device *hdev, const struct hv_vmbus_device_id *id)
{
	struct dm_dev *dm;
	int ret;

	if (PAGE_SIZE != 1UL << HVG_DM_PAGE_SHIFT)
		return -ENODEV;
	dm = kvzalloc(sizeof(*dm), GFP_KERNEL);
	if (!dm)
		return -ENOMEM;
	dm->hdev = hdev;
	dm->chan = hdev->channel;
	INIT_WORK(&dm->rx_work, dm_rx_work);
	INIT_DELAYED_WORK(&dm->status_work, dm_status_work);
	init_completion(&dm->handshake);
	xa_init(&dm->pages);
	spin_lock_init(&dm->ha_lock);
	INIT_LIST_HEAD(&dm->hot_ranges);
	dev_set_drvdata(&hdev->dev, dm);

	hvg_channel_set_polled(dm->chan, true);
	ret = hvg_channel_open(dm->chan, DM_RING_BYTES, DM_RING_BYTES, NULL, 0,
			       dm_onchannel, dm);
	if (ret) {
		dev_err(&hdev->dev, "cannot open the channel: %d\n", ret);
		goto free;
	}
	ret = dm_connect(dm);
	if (ret)
		goto close;
	ret = device_create_file(&hdev->dev, &dev_attr_dm_state);
	if (ret)
		goto close;
	dm->report_after = jiffies + READ_ONCE(dm_pressure_report_delay) * HZ;
	WRITE_ONCE(dm->ready, true);
	/* Requests that came with the handshake's answers were dropped: none may. */
	queue_delayed_work(system_unbound_wq, &dm->status_work, 0);
	return 0;

close:
	hvg_channel_close(dm->chan);
	cancel_work_sync(&dm->rx_work);
free:
	hvg_channel_set_polled(dm->chan, false);
	dev_set_drvdata(&hdev->dev, NULL);
	kvfree(dm);
	return ret;
}

static void dm_remove(struct hvg_device *hdev)
{
	struct dm_dev *dm = dev_get_drvdata(&hdev->dev);

	device_remove_file(&hdev->dev, &dev_attr_dm_state);
	WRITE_ONCE(dm->ready, false);
	cancel_delayed_work_sync(&dm->status_work);
	hvg_channel_close(dm->chan);
	cancel_work_sync(&dm->rx_work);
	hvg_channel_set_polled(dm->chan, false);
	dm_balloon_release_all(dm);
	dm_hot_remove_all(dm);
	dev_set_drvdata(&hdev->dev, NULL);
	kvfree(dm);
}

static const struct hv_vmbus_device_id dm_ids[] = {
	{ .guid = HVG_DM_CLASS_GUID },
	{ }
};
MODULE_DEVICE_TABLE(vmbus, dm_ids);

static struct hvg_driver dm_driver = {
	.name = "hv_balloon",
	.id_table = dm_ids,
	.probe = dm_probe,
	.remove = dm_remove,
};
module_hvg_driver(dm_driver);

MODULE_DESCRIPTION("Hyper-V Dynamic Memory (balloon and hot-add)");
MODULE_VERSION(HVGUEST_VERSION);
MODULE_LICENSE("GPL");
