// SPDX-License-Identifier: GPL-2.0-only
/*
 * The synthetic mouse host (new_device "mouse").  It approves synthetic HID
 * version 2.0, then sends the device info: Microsoft's IDs 045e:0621, a HID
 * descriptor and a report descriptor for an absolute pointer with five
 * buttons and a wheel, laid out like Hyper-V's (including its misplaced
 * Logical Maximum where Usage Maximum belongs, which the guest mends).
 * Once the guest acknowledges, `inject` takes:
 *
 *   move X Y          pointer to X, Y (0 .. 32767)
 *   button N down|up  button N (1 .. 5)
 *   wheel D           wheel by D detents (-127 .. 127)
 *
 * each sent as one input report: buttons, X, Y (16 bits each), wheel (8
 * bits for Windows hosts, 16 for OpenVMM).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <hvguest/compat.h>

#include "input.h"

#define HVSIM_MOUSE_VENDOR	0x045e
#define HVSIM_MOUSE_PRODUCT	0x0621
#define HVSIM_MOUSE_REPORT_MAX	7
#define HVSIM_MOUSE_AXIS_MAX	32767
#define HVSIM_MOUSE_BUTTONS	5
#define HVSIM_MOUSE_OVERSIZE	6144	/* beyond HID_MAX_DESCRIPTOR_SIZE */

static const u8 hvsim_mouse_rdesc[] = {
	0x05, 0x01,		/* Usage Page (Generic Desktop) */
	0x09, 0x02,		/* Usage (Mouse) */
	0xa1, 0x01,		/* Collection (Application) */
	0x09, 0x01,		/*  Usage (Pointer) */
	0xa1, 0x00,		/*  Collection (Physical) */
	0x05, 0x09,		/*   Usage Page (Button) */
	0x19, 0x01,		/*   Usage Minimum (1) */
	0x25, 0x05,		/*   Logical Maximum (5): Hyper-V's Usage Maximum */
	0x15, 0x00,		/*   Logical Minimum (0) */
	0x25, 0x01,		/*   Logical Maximum (1) */
	0x95, 0x05,		/*   Report Count (5) */
	0x75, 0x01,		/*   Report Size (1) */
	0x81, 0x02,		/*   Input (Data, Variable, Absolute) */
	0x95, 0x01,		/*   Report Count (1) */
	0x75, 0x03,		/*   Report Size (3) */
	0x81, 0x01,		/*   Input (Constant) */
	0x05, 0x01,		/*   Usage Page (Generic Desktop) */
	0x09, 0x30,		/*   Usage (X) */
	0x09, 0x31,		/*   Usage (Y) */
	0x15, 0x00,		/*   Logical Minimum (0) */
	0x26, 0xff, 0x7f,	/*   Logical Maximum (32767) */
	0x75, 0x10,		/*   Report Size (16) */
	0x95, 0x02,		/*   Report Count (2) */
	0x81, 0x02,		/*   Input (Data, Variable, Absolute) */
	0x09, 0x38,		/*   Usage (Wheel) */
	0x15, 0x81,		/*   Logical Minimum (-127) */
	0x25, 0x7f,		/*   Logical Maximum (127) */
	0x75, 0x08,		/*   Report Size (8) */
	0x95, 0x01,		/*   Report Count (1) */
	0x81, 0x06,		/*   Input (Data, Variable, Relative) */
	0xc0,			/*  End Collection */
	0xc0,			/* End Collection */
};

/*
 * OpenVMM's descriptor (vm/devices/uidevices/src/mouse/protocol.rs
 * REPORT_DESCRIPTOR): Usage Maximum in its place and a 16-bit wheel.
 */
static const u8 hvsim_mouse_rdesc_openvmm[] = {
	0x05, 0x01, 0x09, 0x02, 0xa1, 0x01,	/* Generic Desktop, Mouse, Application */
	0x09, 0x01, 0xa1, 0x00,			/*  Pointer, Physical */
	0x05, 0x09, 0x19, 0x01, 0x29, 0x05,	/*   Buttons 1 .. 5 */
	0x15, 0x00, 0x25, 0x01,			/*   Logical 0 .. 1 */
	0x95, 0x05, 0x75, 0x01, 0x81, 0x02,	/*   5 x 1 bit, Input (Data, Var, Abs) */
	0x95, 0x01, 0x75, 0x03, 0x81, 0x01,	/*   1 x 3 bits, Input (Constant) */
	0x05, 0x01, 0x09, 0x30, 0x09, 0x31,	/*   Generic Desktop, X, Y */
	0x15, 0x00, 0x26, 0xff, 0x7f,		/*   Logical 0 .. 32767 */
	0x75, 0x10, 0x95, 0x02, 0x81, 0x02,	/*   2 x 16 bits, Input (Data, Var, Abs) */
	0x05, 0x01, 0x09, 0x38,			/*   Generic Desktop, Wheel */
	0x16, 0x01, 0x80, 0x26, 0xff, 0x7f,	/*   Logical -32767 .. 32767 */
	0x75, 0x10, 0x95, 0x01, 0x81, 0x06,	/*   1 x 16 bits, Input (Data, Var, Rel) */
	0xc0, 0xc0,				/*  End Collection x 2 */
};

/**
 * struct hvsim_mouse_host - what one host's mouse sends
 * @rdesc: its report descriptor
 * @rdesc_len: its length, what the HID descriptor and the synthetic HID
 *	header announce
 * @rdesc_field: bytes the device info carries for it (zero-padded)
 * @report: bytes of an input report (the wheel is @report - 5 bytes)
 */
struct hvsim_mouse_host {
	const u8 *rdesc;
	u32 rdesc_len;
	u32 rdesc_field;
	u32 report;
};

/*
 * Windows hosts: the layout above (Linux drivers/hid/hid-hyperv.c fixes
 * nothing of it; the descriptor is what Hyper-V's guests see).  OpenVMM:
 * mouse/protocol.rs MessageDeviceInfo (a 128-byte descriptor field,
 * 67 bytes used; mod.rs MSG_DEVICE_INFO_LENGTH counts only those) and
 * MessageInputReport (7 bytes).
 */
static const struct hvsim_mouse_host hvsim_mouse_hosts[HVSIM_NR_PERS] = {
	[HVSIM_PERS_WS2012R2] = { hvsim_mouse_rdesc, sizeof(hvsim_mouse_rdesc),
				  sizeof(hvsim_mouse_rdesc), 6 },
	[HVSIM_PERS_WS2016] = { hvsim_mouse_rdesc, sizeof(hvsim_mouse_rdesc),
				sizeof(hvsim_mouse_rdesc), 6 },
	[HVSIM_PERS_WS2019] = { hvsim_mouse_rdesc, sizeof(hvsim_mouse_rdesc),
				sizeof(hvsim_mouse_rdesc), 6 },
	[HVSIM_PERS_AZURE] = { hvsim_mouse_rdesc, sizeof(hvsim_mouse_rdesc),
			       sizeof(hvsim_mouse_rdesc), 6 },
	[HVSIM_PERS_OPENVMM] = { hvsim_mouse_rdesc_openvmm,
				 sizeof(hvsim_mouse_rdesc_openvmm), 128, 7 },
};

static const struct hvsim_mouse_host *hvsim_mouse_host(struct hvsim_input *in)
{
	return &hvsim_mouse_hosts[in->dev->pers->id];
}

/* Fill the pipe and synthetic HID headers of a message with @body bytes. */
static void hvsim_mouse_hdrs(void *msg, u32 type, u32 body)
{
	struct hvg_pipe_hdr *pipe = msg;
	struct synthhid_hdr *h = (void *)(pipe + 1);

	pipe->type = cpu_to_le32(HVG_PIPE_MSG_DATA);
	pipe->size = cpu_to_le32(sizeof(*h) + body);
	h->type = cpu_to_le32(type);
	h->size = cpu_to_le32(body);
}

static int hvsim_mouse_respond(struct hvsim_input *in, u32 version,
			       bool approve, bool *signal)
{
	struct {
		struct hvg_pipe_hdr pipe;
		struct synthhid_protocol_response r;
	} __packed msg = { };
	int ret;

	hvsim_mouse_hdrs(&msg, SYNTHHID_PROTOCOL_RESPONSE,
			 sizeof(msg.r) - sizeof(msg.r.hdr));
	msg.r.version = cpu_to_le32(version);
	msg.r.approved = approve;
	ret = hvsim_input_send(in, &msg, sizeof(msg), signal);
	if (ret || !approve)
		return ret;
	in->version = version;
	in->greet = true;
	return 0;
}

static int hvsim_mouse_request(struct hvsim_input *in, const u8 *msg, u32 len,
			       bool *signal)
{
	const struct hvg_pipe_hdr *pipe = (const void *)msg;
	const struct synthhid_hdr *h = (const void *)(pipe + 1);
	u32 size, body, version;
	bool approve;

	if (len < sizeof(*pipe) + sizeof(*h)) {
		hvsim_input_malformed(in, "message shorter than its headers");
		return 0;
	}
	size = le32_to_cpu(pipe->size);
	body = le32_to_cpu(h->size);
	if (le32_to_cpu(pipe->type) != HVG_PIPE_MSG_DATA || size < sizeof(*h) ||
	    size > len - sizeof(*pipe) || body > size - sizeof(*h)) {
		hvsim_input_malformed(in, "bad pipe or message header");
		return 0;
	}
	switch (le32_to_cpu(h->type)) {
	case SYNTHHID_PROTOCOL_REQUEST:
		if (body < sizeof(__le32)) {
			hvsim_input_malformed(in, "protocol request without a version");
			return 0;
		}
		version = get_unaligned_le32(h + 1);
		approve = version == HVG_SYNTHHID_VERSION_2_0 && !in->version &&
			  !hvsim_input_fault(in, HVSIM_INPUT_FAULT_REFUSE);
		if (!approve)
			pr_info("dev%u: refused synthetic HID version %u.%u\n",
				in->dev->id, version >> 16, version & 0xffff);
		return hvsim_mouse_respond(in, version, approve, signal);
	case SYNTHHID_INITIAL_DEVICE_INFO_ACK:
		if (!in->version || in->greet || READ_ONCE(in->ready))
			hvsim_input_malformed(in, "device info acknowledged out of turn");
		else
			hvsim_input_set_ready(in);
		return 0;
	default:
		hvsim_input_malformed(in, "unknown synthetic HID message type");
		return 0;
	}
}

/* The device info, sent once the protocol is approved. */
static int hvsim_mouse_greet(struct hvsim_input *in, bool *signal)
{
	const struct hvsim_mouse_host *host = hvsim_mouse_host(in);
	u32 rlen = host->rdesc_len, field = host->rdesc_field, claimed, len;
	struct synthhid_device_info *di;
	u8 *msg;
	int ret;

	if (hvsim_input_fault(in, HVSIM_INPUT_FAULT_DESC_OVERSIZE)) {
		rlen = HVSIM_MOUSE_OVERSIZE;
		field = rlen;
	}
	claimed = rlen;
	if (hvsim_input_fault(in, HVSIM_INPUT_FAULT_DESC_OVERRUN))
		claimed = field + 64;
	len = sizeof(struct hvg_pipe_hdr) + sizeof(*di) + field;
	msg = kzalloc(len, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	di = (void *)(msg + sizeof(struct hvg_pipe_hdr));
	hvsim_mouse_hdrs(msg, SYNTHHID_INITIAL_DEVICE_INFO,
			 sizeof(*di) - sizeof(di->hdr) + field);
	/* The synthetic HID size counts the descriptor, not its field. */
	di->hdr.size = cpu_to_le32(sizeof(*di) - sizeof(di->hdr) + rlen);
	di->info.size = cpu_to_le32(sizeof(di->info));
	di->info.vendor = cpu_to_le16(HVSIM_MOUSE_VENDOR);
	di->info.product = cpu_to_le16(HVSIM_MOUSE_PRODUCT);
	di->info.version = cpu_to_le16(1);
	di->desc.length = sizeof(di->desc);
	di->desc.type = HVG_HID_DT_HID;
	di->desc.bcd_hid = cpu_to_le16(0x0101);
	di->desc.ndescs = 1;
	di->desc.rpt_type = HVG_HID_DT_REPORT;
	di->desc.rpt_length = cpu_to_le16(claimed);
	memcpy(di + 1, host->rdesc, host->rdesc_len);
	ret = hvsim_input_send(in, msg, len, signal);
	kfree(msg);
	return ret;
}

/* Queue one input report with the current state and @wheel. */
static int hvsim_mouse_report(struct hvsim_input *in, s8 wheel)
{
	u32 report = hvsim_mouse_host(in)->report;
	struct {
		struct hvg_pipe_hdr pipe;
		struct synthhid_hdr hdr;
		u8 report[HVSIM_MOUSE_REPORT_MAX];
	} __packed msg = { };
	u32 len = sizeof(msg.pipe) + sizeof(msg.hdr) + report;

	hvsim_mouse_hdrs(&msg, SYNTHHID_INPUT_REPORT, report);
	msg.report[0] = in->buttons;
	put_unaligned_le16(in->x, &msg.report[1]);
	put_unaligned_le16(in->y, &msg.report[3]);
	if (report == 7)
		put_unaligned_le16((s16)wheel, &msg.report[5]);
	else
		msg.report[5] = wheel;
	if (hvsim_input_fault(in, HVSIM_INPUT_FAULT_BAD_TYPE))
		msg.hdr.type = cpu_to_le32(0x42);
	if (hvsim_input_fault(in, HVSIM_INPUT_FAULT_SHORT)) {
		/* The report claims its full size; the message carries 3. */
		len -= report - 3;
		msg.pipe.size = cpu_to_le32(sizeof(msg.hdr) + 3);
	}
	return hvsim_input_queue(in, &msg, len);
}

static int hvsim_mouse_inject(struct hvsim_input *in, char *line)
{
	char *cmd = strsep(&line, " ");
	char *a = strsep(&line, " "), *b = line;
	u16 x, y;
	u8 n;
	s8 d;

	if (!strcmp(cmd, "move") && a && b && !kstrtou16(a, 0, &x) &&
	    !kstrtou16(b, 0, &y) && x <= HVSIM_MOUSE_AXIS_MAX &&
	    y <= HVSIM_MOUSE_AXIS_MAX) {
		in->x = x;
		in->y = y;
		return hvsim_mouse_report(in, 0);
	}
	if (!strcmp(cmd, "button") && a && b && !kstrtou8(a, 0, &n) && n >= 1 &&
	    n <= HVSIM_MOUSE_BUTTONS && (!strcmp(b, "down") || !strcmp(b, "up"))) {
		u8 old = in->buttons;
		int ret;

		if (!strcmp(b, "down"))
			in->buttons |= BIT(n - 1);
		else
			in->buttons &= ~BIT(n - 1);
		ret = hvsim_mouse_report(in, 0);
		if (ret)
			in->buttons = old;
		return ret;
	}
	if (!strcmp(cmd, "wheel") && a && !b && !kstrtos8(a, 0, &d) && d != S8_MIN)
		return hvsim_mouse_report(in, d);
	pr_err("dev%u: inject: 'move X Y', 'button N down|up' or 'wheel D'\n",
	       in->dev->id);
	return -EINVAL;
}

static void hvsim_mouse_show(struct seq_file *s, struct hvsim_input *in)
{
	seq_printf(s, "x: %u\ny: %u\nbuttons: %#x\n", READ_ONCE(in->x),
		   READ_ONCE(in->y), READ_ONCE(in->buttons));
}

static const struct hvsim_input_ops hvsim_mouse_ops = {
	.faults = BIT(HVSIM_INPUT_FAULT_REFUSE) | BIT(HVSIM_INPUT_FAULT_BAD_TYPE) |
		  BIT(HVSIM_INPUT_FAULT_SHORT) |
		  BIT(HVSIM_INPUT_FAULT_DESC_OVERSIZE) |
		  BIT(HVSIM_INPUT_FAULT_DESC_OVERRUN),
	.request = hvsim_mouse_request,
	.greet = hvsim_mouse_greet,
	.inject = hvsim_mouse_inject,
	.show = hvsim_mouse_show,
};

static int hvsim_mouse_create(struct hvsim_dev *dev, char *args)
{
	return hvsim_input_create(dev, &hvsim_mouse_ops);
}

const struct hvsim_service hvsim_mouse_svc = {
	.name = "mouse",
	.class_id = HVG_MOUSE_CLASS_GUID,
	.create = hvsim_mouse_create,
	.destroy = hvsim_input_destroy,
	.open = hvsim_input_open,
	.close = hvsim_input_close,
	.service = hvsim_input_service,
	.show = hvsim_input_show,
};
