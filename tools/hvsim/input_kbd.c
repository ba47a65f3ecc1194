// SPDX-License-Identifier: GPL-2.0-only
/*
 * The synthetic keyboard host (new_device "keyboard").  It accepts keyboard
 * protocol version 1.0; then `inject` takes:
 *
 *   key CODE down|up [e0|e1]  a set 1 make code (0 .. 0x7f), pressed or
 *                             released, optionally extended
 *   unicode N                 a unicode keystroke of UTF-16 unit N
 *
 * each sent as one keystroke message.  The guest's LED state (SET_LEDS) is
 * shown in `state`.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/seq_file.h>
#include <linux/string.h>

#include "input.h"

static int hvsim_kbd_leds(struct hvsim_input *in, const u8 *msg, u32 len)
{
	const struct hvg_kbd_set_leds *l = (const void *)msg;
	u16 leds;

	if (!in->version || len < sizeof(*l)) {
		hvsim_input_malformed(in, "LED state out of turn or too short");
		return 0;
	}
	leds = le16_to_cpu(l->flags);
	if (leds & ~HVG_KBD_LEDS) {
		hvsim_input_malformed(in, "unknown LED bits");
		return 0;
	}
	WRITE_ONCE(in->leds, leds);
	return 0;
}

static int hvsim_kbd_request(struct hvsim_input *in, const u8 *msg, u32 len,
			     bool *signal)
{
	const struct hvg_kbd_protocol_request *req = (const void *)msg;
	struct hvg_kbd_protocol_response resp = {
		.hdr.type = cpu_to_le32(HVG_KBD_PROTOCOL_RESPONSE),
	};
	u32 version;
	bool accept;
	int ret;

	if (len < sizeof(struct hvg_kbd_hdr)) {
		hvsim_input_malformed(in, "message shorter than its header");
		return 0;
	}
	if (le32_to_cpu(req->hdr.type) == HVG_KBD_SET_LEDS)
		return hvsim_kbd_leds(in, msg, len);
	if (le32_to_cpu(req->hdr.type) != HVG_KBD_PROTOCOL_REQUEST) {
		hvsim_input_malformed(in, "unknown keyboard message type");
		return 0;
	}
	if (len < sizeof(*req)) {
		hvsim_input_malformed(in, "protocol request without a version");
		return 0;
	}
	version = le32_to_cpu(req->version);
	accept = version == HVG_KBD_VERSION_1_0 && !in->version &&
		 !hvsim_input_fault(in, HVSIM_INPUT_FAULT_REFUSE);
	if (accept)
		resp.status = cpu_to_le32(HVG_KBD_ACCEPTED);
	else
		pr_info("dev%u: refused keyboard protocol %u.%u\n",
			in->dev->id, version >> 16, version & 0xffff);
	ret = hvsim_input_send(in, &resp, sizeof(resp), signal);
	if (ret || !accept)
		return ret;
	in->version = version;
	hvsim_input_set_ready(in);
	return 0;
}

static int hvsim_kbd_keystroke(struct hvsim_input *in, u16 code, u32 info)
{
	struct hvg_kbd_keystroke k = {
		.hdr.type = cpu_to_le32(HVG_KBD_EVENT),
		.make_code = cpu_to_le16(code),
		.info = cpu_to_le32(info),
	};
	u32 len = sizeof(k);

	if (hvsim_input_fault(in, HVSIM_INPUT_FAULT_BAD_TYPE))
		k.hdr.type = cpu_to_le32(0x42);
	if (hvsim_input_fault(in, HVSIM_INPUT_FAULT_SHORT))
		len = sizeof(k.hdr) + sizeof(k.make_code);
	if (hvsim_input_fault(in, HVSIM_INPUT_FAULT_BAD_CODE))
		k.make_code = cpu_to_le16(code | 0x80);
	return hvsim_input_queue(in, &k, len);
}

static int hvsim_kbd_inject(struct hvsim_input *in, char *line)
{
	char *cmd = strsep(&line, " ");
	char *a = strsep(&line, " "), *b = strsep(&line, " "), *c = line;
	u32 info = 0;
	u16 code;

	if (!strcmp(cmd, "key") && a && b && !kstrtou16(a, 0, &code) &&
	    code < 0x80 && (!strcmp(b, "down") || !strcmp(b, "up")) &&
	    (!c || !strcmp(c, "e0") || !strcmp(c, "e1"))) {
		if (!strcmp(b, "up"))
			info |= HVG_KBD_BREAK;
		if (c)
			info |= !strcmp(c, "e0") ? HVG_KBD_E0 : HVG_KBD_E1;
		return hvsim_kbd_keystroke(in, code, info);
	}
	if (!strcmp(cmd, "unicode") && a && !b && !kstrtou16(a, 0, &code))
		return hvsim_kbd_keystroke(in, code, HVG_KBD_UNICODE);
	pr_err("dev%u: inject: 'key CODE down|up [e0|e1]' or 'unicode N'\n",
	       in->dev->id);
	return -EINVAL;
}

static void hvsim_kbd_show(struct seq_file *s, struct hvsim_input *in)
{
	seq_printf(s, "leds: %#x\n", READ_ONCE(in->leds));
}

static const struct hvsim_input_ops hvsim_kbd_ops = {
	.faults = BIT(HVSIM_INPUT_FAULT_REFUSE) | BIT(HVSIM_INPUT_FAULT_BAD_TYPE) |
		  BIT(HVSIM_INPUT_FAULT_SHORT) | BIT(HVSIM_INPUT_FAULT_BAD_CODE),
	.request = hvsim_kbd_request,
	.inject = hvsim_kbd_inject,
	.show = hvsim_kbd_show,
};

static int hvsim_kbd_create(struct hvsim_dev *dev, char *args)
{
	return hvsim_input_create(dev, &hvsim_kbd_ops);
}

const struct hvsim_service hvsim_kbd_svc = {
	.name = "keyboard",
	.class_id = HVG_KBD_CLASS_GUID,
	.create = hvsim_kbd_create,
	.destroy = hvsim_input_destroy,
	.open = hvsim_input_open,
	.close = hvsim_input_close,
	.service = hvsim_input_service,
	.show = hvsim_input_show,
};
