// SPDX-License-Identifier: GPL-2.0-only
/*
 * hyperv_keyboard: the synthetic keyboard.  Probe asks the host for
 * protocol version 1.0; once it is accepted, a serio port of type
 * SERIO_8042_XL is registered and every keystroke from the host is fed to
 * it as the set 1 bytes a translating i8042 would deliver (0xe0/0xe1
 * prefix, make code, 0x80 on release), so atkbd decodes them.
 *
 * Unicode keystrokes (a UTF-16 unit instead of a scancode, sent by some
 * remote consoles) have no scancode and are counted and ignored.
 *
 * atkbd drives the port as a keyboard behind an i8042 (kbd_serio_write()):
 * every command byte is acknowledged at once, "identify" is answered with
 * a translated MF2 keyboard's ID, and the LED mask following "set LEDs"
 * goes to the host as a SET_LEDS message.
 */
#include <linux/module.h>
#include <linux/serio.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/wait.h>
#include <hvguest/input_proto.h>
#include <hvguest/vmbus.h>

#include "kbd_parse.h"

#define KBD_RING_BYTES		(10 * PAGE_SIZE)	/* each way, header page included */
#define KBD_HANDSHAKE_TIMEOUT	(5 * HZ)

/* The PS/2 keyboard commands answered beyond an acknowledgement */
#define KBD_PS2_SETLEDS		0xed	/* LED mask follows */
#define KBD_PS2_GETID		0xf2	/* answered with the ID */
#define KBD_PS2_SETREP		0xf3	/* typematic rate follows */
#define KBD_PS2_RESET_BAT	0xff	/* answered with "self test passed" */
#define KBD_PS2_ACK		0xfa
#define KBD_PS2_BAT_OK		0xaa
#define KBD_PS2_ID0		0xab	/* an MF2 keyboard, as translated */
#define KBD_PS2_ID1		0x41

enum kbd_state {
	KBD_HANDSHAKE,		/* protocol request sent */
	KBD_ACCEPTED,
	KBD_REFUSED,
	KBD_FAILED,		/* the channel failed during the handshake */
};

/**
 * struct kbd_dev - a bound synthetic keyboard
 * @hdev: the VMBus device
 * @serio: the port, once registered (freed by the serio core)
 * @lock: @state, @started and the counters
 * @state: enum kbd_state
 * @started: the serio core has added the port: keystrokes go to it
 * @ps2_param: the command whose parameter byte atkbd writes next, or 0
 * @leds: the LED mask last sent to the host
 * @wait: woken when the handshake ends
 * @keys: keystrokes fed to the port
 * @unicode: unicode keystrokes ignored
 * @dropped: keystrokes that arrived while the port was closed
 * @malformed: messages dropped as malformed
 * @buf: one received packet, descriptor included (softirq only)
 */
struct kbd_dev {
	struct hvg_device *hdev;
	struct serio *serio;
	spinlock_t lock;
	enum kbd_state state;
	bool started;
	u8 ps2_param;
	u8 leds;
	wait_queue_head_t wait;
	u64 keys;
	u64 unicode;
	u64 dropped;
	u64 malformed;
	u8 buf[sizeof(struct vmpacket_descriptor) + HVG_KBD_MAX_MSG];
};

static void kbd_malformed(struct kbd_dev *kd, const char *what, u32 a, u32 b)
{
	kd->malformed++;
	dev_err_ratelimited(&kd->hdev->dev, "%s (%u, %u), dropped\n", what, a, b);
}

static void kbd_on_response(struct kbd_dev *kd, const void *msg, u32 len)
{
	int ret;

	if (kd->state != KBD_HANDSHAKE) {
		kbd_malformed(kd, "protocol response out of turn", kd->state, len);
		return;
	}
	ret = kbd_parse_response(msg, len);
	if (ret == -EMSGSIZE) {
		dev_err_ratelimited(&kd->hdev->dev,
				    "protocol response of %u bytes is too short\n", len);
		kd->malformed++;
		kd->state = KBD_FAILED;
	} else if (ret) {
		dev_err(&kd->hdev->dev, "the host refused keyboard protocol %u.%u\n",
			HVG_KBD_VERSION_1_0 >> 16, HVG_KBD_VERSION_1_0 & 0xffff);
		kd->state = KBD_REFUSED;
	} else {
		kd->state = KBD_ACCEPTED;
	}
	wake_up(&kd->wait);
}

static void kbd_on_keystroke(struct kbd_dev *kd, const void *msg, u32 len)
{
	const struct hvg_kbd_keystroke *k = msg;
	u8 bytes[3];
	int i, n;

	n = kbd_parse_keystroke(msg, len, bytes);
	if (n == -EMSGSIZE) {
		kbd_malformed(kd, "keystroke message too short", len, (u32)sizeof(*k));
		return;
	}
	if (!n) {
		kd->unicode++;
		return;
	}
	if (n < 0) {
		kbd_malformed(kd, "invalid keystroke: code, info",
			      le16_to_cpu(k->make_code), le32_to_cpu(k->info));
		return;
	}
	if (kd->state != KBD_ACCEPTED || !kd->started) {
		kd->dropped++;
		return;
	}
	kd->keys++;
	for (i = 0; i < n; i++)
		serio_interrupt(kd->serio, bytes[i], 0);
}

static void kbd_on_message(struct kbd_dev *kd, const u8 *msg, u32 len)
{
	u32 type;

	if (kbd_parse_msg(msg, len, &type)) {
		kbd_malformed(kd, "message shorter than its header", len,
			      (u32)sizeof(struct hvg_kbd_hdr));
		return;
	}
	switch (type) {
	case HVG_KBD_PROTOCOL_RESPONSE:
		kbd_on_response(kd, msg, len);
		break;
	case HVG_KBD_EVENT:
		kbd_on_keystroke(kd, msg, len);
		break;
	default:
		kbd_malformed(kd, "unknown message type, length", type, len);
	}
}

static void kbd_onchannel(void *ctx)
{
	struct kbd_dev *kd = ctx;
	struct hvg_channel *chan = kd->hdev->channel;
	const struct vmpacket_descriptor *d = (const void *)kd->buf;
	unsigned long flags;
	u32 len;
	int ret;

	spin_lock_irqsave(&kd->lock, flags);
	while (!(ret = hvg_recvpacket_raw(chan, kd->buf, sizeof(kd->buf), &len))) {
		u32 off = d->offset8 * 8;

		if (d->type == VM_PKT_DATA_INBAND)
			kbd_on_message(kd, kd->buf + off, len - off);
		else if (d->type != VM_PKT_COMP)	/* completions carry nothing */
			kbd_malformed(kd, "unexpected packet type, length", d->type, len);
	}
	if (ret == -ENOBUFS) {
		dev_err_ratelimited(&kd->hdev->dev,
				    "packet of %u bytes exceeds the largest keyboard message\n",
				    len);
		hvg_channel_fail(chan, "keyboard packet larger than the buffer");
	}
	if (ret != -EAGAIN && kd->state == KBD_HANDSHAKE) {
		kd->state = KBD_FAILED;
		wake_up(&kd->wait);
	}
	spin_unlock_irqrestore(&kd->lock, flags);
}

static int kbd_connect(struct kbd_dev *kd)
{
	struct hvg_kbd_protocol_request req = {
		.hdr.type = cpu_to_le32(HVG_KBD_PROTOCOL_REQUEST),
		.version = cpu_to_le32(HVG_KBD_VERSION_1_0),
	};
	enum kbd_state s;
	int ret;

	ret = hvg_sendpacket(kd->hdev->channel, &req, sizeof(req), 0,
			     VM_PKT_DATA_INBAND, 0);
	if (ret)
		return ret;
	if (!wait_event_timeout(kd->wait, READ_ONCE(kd->state) != KBD_HANDSHAKE,
				KBD_HANDSHAKE_TIMEOUT)) {
		dev_err(&kd->hdev->dev, "no protocol response from the host\n");
		return -ETIMEDOUT;
	}
	spin_lock_irq(&kd->lock);
	s = kd->state;
	spin_unlock_irq(&kd->lock);
	if (s == KBD_REFUSED)
		return -ENODEV;
	return s == KBD_ACCEPTED ? 0 : -EPROTO;
}

static int kbd_serio_start(struct serio *serio)
{
	struct kbd_dev *kd = serio->port_data;
	unsigned long flags;

	spin_lock_irqsave(&kd->lock, flags);
	kd->started = true;
	spin_unlock_irqrestore(&kd->lock, flags);
	return 0;
}

static void kbd_serio_stop(struct serio *serio)
{
	struct kbd_dev *kd = serio->port_data;
	unsigned long flags;

	spin_lock_irqsave(&kd->lock, flags);
	kd->started = false;
	spin_unlock_irqrestore(&kd->lock, flags);
}

/* lock held */
static void kbd_set_leds(struct kbd_dev *kd, u8 mask)
{
	struct hvg_kbd_set_leds msg = {
		.hdr.type = cpu_to_le32(HVG_KBD_SET_LEDS),
		.flags = cpu_to_le16(mask & HVG_KBD_LEDS),
	};
	int ret;

	lockdep_assert_held(&kd->lock);

	ret = hvg_sendpacket(kd->hdev->channel, &msg, sizeof(msg), 0,
			     VM_PKT_DATA_INBAND, 0);
	if (ret)
		dev_err_ratelimited(&kd->hdev->dev, "cannot send the LED state: %d\n", ret);
	else
		kd->leds = mask & HVG_KBD_LEDS;
}

/* atkbd writes a byte to the keyboard: answer as a keyboard would. */
static int kbd_serio_write(struct serio *serio, unsigned char byte)
{
	struct kbd_dev *kd = serio->port_data;
	unsigned long flags;
	u8 param;

	spin_lock_irqsave(&kd->lock, flags);
	param = kd->ps2_param;
	kd->ps2_param = 0;
	if (param == KBD_PS2_SETLEDS)
		kbd_set_leds(kd, byte);
	else if (!param && (byte == KBD_PS2_SETLEDS || byte == KBD_PS2_SETREP))
		kd->ps2_param = byte;
	serio_interrupt(serio, KBD_PS2_ACK, 0);
	if (!param && byte == KBD_PS2_GETID) {
		serio_interrupt(serio, KBD_PS2_ID0, 0);
		serio_interrupt(serio, KBD_PS2_ID1, 0);
	} else if (!param && byte == KBD_PS2_RESET_BAT) {
		serio_interrupt(serio, KBD_PS2_BAT_OK, 0);
	}
	spin_unlock_irqrestore(&kd->lock, flags);
	return 0;
}

static ssize_t stats_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct kbd_dev *kd = dev_get_drvdata(dev);

	return sysfs_emit(buf, "keys: %llu\nunicode: %llu\ndropped: %llu\nmalformed: %llu\nleds: %#x\n",
			  READ_ONCE(kd->keys), READ_ONCE(kd->unicode),
			  READ_ONCE(kd->dropped), READ_ONCE(kd->malformed),
			  READ_ONCE(kd->leds));
}
static DEVICE_ATTR_RO(stats);

static struct serio *kbd_serio_alloc(struct kbd_dev *kd)
{
	struct serio *serio = kzalloc(sizeof(*serio), GFP_KERNEL);

	if (!serio)
		return NULL;
	serio->id.type = SERIO_8042_XL;
	serio->port_data = kd;
	serio->write = kbd_serio_write;
	serio->start = kbd_serio_start;
	serio->stop = kbd_serio_stop;
	serio->dev.parent = &kd->hdev->dev;
	strscpy(serio->name, "Hyper-V synthetic keyboard", sizeof(serio->name));
	snprintf(serio->phys, sizeof(serio->phys), "vmbus/%s/serio0",
		 dev_name(&kd->hdev->dev));
	return serio;
}

static int kbd_probe(struct hvg_device *hdev, const struct hv_vmbus_device_id *id)
{
	struct kbd_dev *kd;
	int ret;

	kd = kzalloc(sizeof(*kd), GFP_KERNEL);
	if (!kd)
		return -ENOMEM;
	kd->hdev = hdev;
	spin_lock_init(&kd->lock);
	init_waitqueue_head(&kd->wait);
	kd->state = KBD_HANDSHAKE;
	kd->serio = kbd_serio_alloc(kd);
	if (!kd->serio) {
		kfree(kd);
		return -ENOMEM;
	}
	dev_set_drvdata(&hdev->dev, kd);

	ret = hvg_channel_open(hdev->channel, KBD_RING_BYTES, KBD_RING_BYTES,
			       NULL, 0, kbd_onchannel, kd);
	if (ret) {
		dev_err(&hdev->dev, "cannot open the channel: %d\n", ret);
		goto free;
	}
	ret = kbd_connect(kd);
	if (ret) {
		dev_err(&hdev->dev, "keyboard handshake failed: %d\n", ret);
		goto close;
	}
	ret = device_create_file(&hdev->dev, &dev_attr_stats);
	if (ret)
		goto close;
	serio_register_port(kd->serio);
	dev_info(&hdev->dev, "synthetic keyboard ready\n");
	return 0;

close:
	hvg_channel_close(hdev->channel);
free:
	dev_set_drvdata(&hdev->dev, NULL);
	kfree(kd->serio);
	kfree(kd);
	return ret;
}

static void kbd_remove(struct hvg_device *hdev)
{
	struct kbd_dev *kd = dev_get_drvdata(&hdev->dev);

	device_remove_file(&hdev->dev, &dev_attr_stats);
	/* Stops the port (started = false) before freeing it. */
	serio_unregister_port(kd->serio);
	hvg_channel_close(hdev->channel);
	dev_set_drvdata(&hdev->dev, NULL);
	kfree(kd);
}

static const struct hv_vmbus_device_id kbd_ids[] = {
	{ .guid = HVG_KBD_CLASS_GUID },
	{ }
};
MODULE_DEVICE_TABLE(vmbus, kbd_ids);

static struct hvg_driver kbd_driver = {
	.name = "hyperv_keyboard",
	.id_table = kbd_ids,
	.probe = kbd_probe,
	.remove = kbd_remove,
};
module_hvg_driver(kbd_driver);

MODULE_DESCRIPTION("Hyper-V synthetic keyboard");
MODULE_VERSION(HVGUEST_VERSION);
MODULE_LICENSE("GPL");
