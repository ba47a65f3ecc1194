// SPDX-License-Identifier: GPL-2.0-only
/*
 * hid_hyperv: the synthetic mouse's VMBus protocol.  Probe asks for
 * protocol version 2.0, takes the device info (IDs, HID descriptor, report
 * descriptor) the host sends after approving it, acknowledges it and adds
 * the HID device; from then on the host's input reports go to the HID core.
 *
 * Everything from the host is checked before use.  During the handshake a
 * malformed message fails the probe; afterwards it is logged and dropped.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "mouse.h"

#define MOUSE_HANDSHAKE_TIMEOUT	(5 * HZ)

static const char *const mouse_state_names[] = {
	[MOUSE_HANDSHAKE] = "handshake",
	[MOUSE_AWAIT_INFO] = "awaiting device info",
	[MOUSE_INFO] = "device info taken",
	[MOUSE_RUNNING] = "running",
	[MOUSE_FAILED] = "failed",
	[MOUSE_STOPPED] = "stopped",
};

/* lock held */
static void mouse_fail_locked(struct mouse_dev *md, int err)
{
	lockdep_assert_held(&md->lock);

	md->state = MOUSE_FAILED;
	md->err = err;
	wake_up(&md->wait);
}

static_assert(SYNTHHID_RDESC_MAX == HID_MAX_DESCRIPTOR_SIZE);

static void mouse_malformed(struct mouse_dev *md, const char *what, u32 a,
			    u32 b)
{
	md->malformed++;
	dev_err_ratelimited(&md->hdev->dev, "%s (%u, %u), dropped\n", what, a, b);
}

static void mouse_on_response(struct mouse_dev *md,
			      const struct synthhid_hdr *h, u32 body)
{
	int ret;

	if (md->state != MOUSE_HANDSHAKE) {
		mouse_malformed(md, "protocol response out of turn", md->state, body);
		return;
	}
	ret = synthhid_parse_response(h, body);
	if (ret == -EMSGSIZE) {
		dev_err_ratelimited(&md->hdev->dev,
				    "protocol response of %u bytes is too short\n", body);
		md->malformed++;
		mouse_fail_locked(md, -EPROTO);
		return;
	}
	if (ret) {
		dev_err(&md->hdev->dev, "the host refused synthetic HID version %u.%u\n",
			HVG_SYNTHHID_VERSION_2_0 >> 16, HVG_SYNTHHID_VERSION_2_0 & 0xffff);
		mouse_fail_locked(md, -ENODEV);
		return;
	}
	md->state = MOUSE_AWAIT_INFO;
	wake_up(&md->wait);
}

static void mouse_on_info(struct mouse_dev *md, const struct synthhid_hdr *h,
			  u32 len)
{
	const struct synthhid_device_info *di = (const void *)h;
	const char *why;
	u32 rlen = 0;

	if (md->state != MOUSE_AWAIT_INFO) {
		mouse_malformed(md, "device info out of turn", md->state, len);
		return;
	}
	why = synthhid_check_info(di, len, &rlen);
	if (why) {
		md->malformed++;
		dev_err_ratelimited(&md->hdev->dev,
				    "%s (message %u bytes, report descriptor %u bytes), refused\n",
				    why, len, rlen);
		mouse_fail_locked(md, -EPROTO);
		return;
	}
	md->info = di->info;
	md->rdesc_len = rlen;
	memcpy(md->rdesc, (const u8 *)&di->desc + di->desc.length, rlen);
	/*
	 * Hyper-V's descriptor declares the highest button with a Logical
	 * Maximum item where Usage Maximum belongs; mend it.
	 */
	if (rlen > 15 && md->rdesc[12] == 0x19 && md->rdesc[14] == 0x25)
		md->rdesc[14] = 0x29;
	md->state = MOUSE_INFO;
	wake_up(&md->wait);
}

static void mouse_on_report(struct mouse_dev *md, const struct synthhid_hdr *h,
			    u32 len)
{
	u8 *body = (u8 *)(h + 1);
	int size;

	size = synthhid_parse_report(h, len);
	if (size < 0) {
		mouse_malformed(md, "input report size does not fit the message",
				le32_to_cpu(h->size), len);
		return;
	}
	if (md->state != MOUSE_RUNNING) {
		md->dropped++;
		return;
	}
	md->reports++;
	hid_input_report(md->hid, HID_INPUT_REPORT, body, size, 1);
}

/* One in-band packet: @msg (@len bytes) is the payload.  lock held. */
static void mouse_on_message(struct mouse_dev *md, u8 *msg, u32 len)
{
	const struct hvg_pipe_hdr *pipe = (const void *)msg;
	struct synthhid_hdr *h = (void *)(pipe + 1);
	u32 type, body;
	int ret;

	lockdep_assert_held(&md->lock);

	ret = synthhid_parse_msg(msg, len, &type, &body);
	if (ret == -EMSGSIZE) {
		mouse_malformed(md, "message shorter than its headers", len,
				(u32)(sizeof(*pipe) + sizeof(*h)));
		return;
	}
	if (ret) {
		mouse_malformed(md, "bad pipe header: type, size",
				le32_to_cpu(pipe->type), le32_to_cpu(pipe->size));
		return;
	}
	switch (type) {
	case SYNTHHID_PROTOCOL_RESPONSE:
		mouse_on_response(md, h, body);
		break;
	case SYNTHHID_INITIAL_DEVICE_INFO:
		mouse_on_info(md, h, body);
		break;
	case SYNTHHID_INPUT_REPORT:
		mouse_on_report(md, h, body);
		break;
	default:
		mouse_malformed(md, "unknown message type, size", type, body);
	}
}

static void mouse_onchannel(void *ctx)
{
	struct mouse_dev *md = ctx;
	struct hvg_channel *chan = md->hdev->channel;
	const struct vmpacket_descriptor *d = (const void *)md->buf;
	u32 len;
	int ret;

	spin_lock(&md->lock);
	while (!(ret = hvg_recvpacket_raw(chan, md->buf, sizeof(md->buf), &len))) {
		u32 off = d->offset8 * 8;

		if (d->type == VM_PKT_DATA_INBAND)
			mouse_on_message(md, md->buf + off, len - off);
		else if (d->type != VM_PKT_COMP)	/* completions carry nothing */
			mouse_malformed(md, "unexpected packet type, length",
					d->type, len);
	}
	if (ret == -ENOBUFS) {
		dev_err_ratelimited(&md->hdev->dev,
				    "packet of %u bytes exceeds the %zu-byte buffer\n",
				    len, sizeof(md->buf));
		hvg_channel_fail(chan, "mouse packet larger than the buffer");
	}
	if (ret != -EAGAIN &&
	    (md->state == MOUSE_HANDSHAKE || md->state == MOUSE_AWAIT_INFO))
		mouse_fail_locked(md, ret == -ENODEV ? -ENODEV : -EIO);
	spin_unlock(&md->lock);
}

static int mouse_send(struct mouse_dev *md, u32 type, const void *body,
		      u32 len)
{
	struct {
		struct hvg_pipe_hdr pipe;
		struct synthhid_hdr hdr;
		u8 body[8];
	} __packed msg = {
		.pipe.type = cpu_to_le32(HVG_PIPE_MSG_DATA),
		.pipe.size = cpu_to_le32(sizeof(msg.hdr) + len),
		.hdr.type = cpu_to_le32(type),
		.hdr.size = cpu_to_le32(len),
	};

	memcpy(msg.body, body, len);
	return hvg_sendpacket(md->hdev->channel, &msg,
			      offsetof(typeof(msg), body) + len, 0,
			      VM_PKT_DATA_INBAND, 0);
}

/* Wait for the handshake to leave @from; return 0 or its error. */
static int mouse_wait(struct mouse_dev *md, enum mouse_state from)
{
	enum mouse_state s;

	if (!wait_event_timeout(md->wait, READ_ONCE(md->state) != from,
				MOUSE_HANDSHAKE_TIMEOUT)) {
		dev_err(&md->hdev->dev, "no answer from the host (%s)\n",
			mouse_state_names[from]);
		return -ETIMEDOUT;
	}
	spin_lock_bh(&md->lock);
	s = md->state;
	spin_unlock_bh(&md->lock);
	return s == MOUSE_FAILED ? md->err : 0;
}

static int mouse_connect(struct mouse_dev *md)
{
	__le32 version = cpu_to_le32(HVG_SYNTHHID_VERSION_2_0);
	u8 reserved = 0;
	int ret;

	ret = mouse_send(md, SYNTHHID_PROTOCOL_REQUEST, &version, sizeof(version));
	if (ret)
		return ret;
	ret = mouse_wait(md, MOUSE_HANDSHAKE);
	if (!ret)
		ret = mouse_wait(md, MOUSE_AWAIT_INFO);
	if (ret)
		return ret;
	return mouse_send(md, SYNTHHID_INITIAL_DEVICE_INFO_ACK, &reserved,
			  sizeof(reserved));
}

static ssize_t stats_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct mouse_dev *md = dev_get_drvdata(dev);

	return sysfs_emit(buf, "state: %s\nreports: %llu\ndropped: %llu\nmalformed: %llu\n",
			  mouse_state_names[READ_ONCE(md->state)],
			  READ_ONCE(md->reports), READ_ONCE(md->dropped),
			  READ_ONCE(md->malformed));
}
static DEVICE_ATTR_RO(stats);

static int mouse_probe(struct hvg_device *hdev, const struct hv_vmbus_device_id *id)
{
	struct mouse_dev *md;
	int ret;

	md = kzalloc(sizeof(*md), GFP_KERNEL);
	if (!md)
		return -ENOMEM;
	md->hdev = hdev;
	spin_lock_init(&md->lock);
	init_waitqueue_head(&md->wait);
	md->state = MOUSE_HANDSHAKE;
	dev_set_drvdata(&hdev->dev, md);

	ret = hvg_channel_open(hdev->channel, MOUSE_RING_BYTES, MOUSE_RING_BYTES,
			       NULL, 0, mouse_onchannel, md);
	if (ret) {
		dev_err(&hdev->dev, "cannot open the channel: %d\n", ret);
		goto free;
	}
	ret = mouse_connect(md);
	if (ret) {
		dev_err(&hdev->dev, "synthetic HID handshake failed: %d\n", ret);
		goto close;
	}
	ret = mouse_hid_add(md);
	if (ret)
		goto close;
	ret = device_create_file(&hdev->dev, &dev_attr_stats);
	if (ret)
		goto destroy;
	spin_lock_bh(&md->lock);
	md->state = MOUSE_RUNNING;
	spin_unlock_bh(&md->lock);
	dev_info(&hdev->dev, "synthetic mouse %04x:%04x, report descriptor %u bytes\n",
		 le16_to_cpu(md->info.vendor), le16_to_cpu(md->info.product),
		 md->rdesc_len);
	return 0;

destroy:
	hid_destroy_device(md->hid);
close:
	hvg_channel_close(hdev->channel);
free:
	dev_set_drvdata(&hdev->dev, NULL);
	kfree(md);
	return ret;
}

static void mouse_remove(struct hvg_device *hdev)
{
	struct mouse_dev *md = dev_get_drvdata(&hdev->dev);

	device_remove_file(&hdev->dev, &dev_attr_stats);
	spin_lock_bh(&md->lock);
	md->state = MOUSE_STOPPED;
	spin_unlock_bh(&md->lock);
	hvg_channel_close(hdev->channel);
	hid_destroy_device(md->hid);
	dev_set_drvdata(&hdev->dev, NULL);
	kfree(md);
}

static const struct hv_vmbus_device_id mouse_ids[] = {
	{ .guid = HVG_MOUSE_CLASS_GUID },
	{ }
};
MODULE_DEVICE_TABLE(vmbus, mouse_ids);

static struct hvg_driver mouse_driver = {
	.name = "hid_hyperv",
	.id_table = mouse_ids,
	.probe = mouse_probe,
	.remove = mouse_remove,
};

static int __init mouse_init(void)
{
	int ret = mouse_hid_register();

	if (ret)
		return ret;
	ret = hvg_driver_register(&mouse_driver);
	if (ret)
		mouse_hid_unregister();
	return ret;
}
module_init(mouse_init);

static void __exit mouse_exit(void)
{
	hvg_driver_unregister(&mouse_driver);
	mouse_hid_unregister();
}
module_exit(mouse_exit);

MODULE_DESCRIPTION("Hyper-V synthetic mouse (synthetic HID over VMBus)");
MODULE_VERSION(HVGUEST_VERSION);
MODULE_LICENSE("GPL");
