// SPDX-License-Identifier: GPL-2.0-only
/*
 * hid_hyperv: decoders of the synthetic HID messages the host sends.
 * They touch no driver state, so the userspace fuzzer compiles this file
 * unchanged.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/stddef.h>
#include <asm/byteorder.h>

#include "mouse_parse.h"

/**
 * synthhid_parse_msg() - check the headers of an in-band message
 * @msg: the packet payload: pipe header, HID header, body
 * @len: its length
 * @type: set to the HID message type
 * @body: set to the bytes of body the pipe header gives it
 *
 * The pipe header bounds the message; the HID header's size is relied on
 * for input reports only, as the host's other messages are known by
 * their type.
 *
 * Return: 0, -EMSGSIZE if shorter than the headers, -EBADMSG if the pipe
 * header is not data or its size does not fit.
 */
int synthhid_parse_msg(const u8 *msg, u32 len, u32 *type, u32 *body)
{
	const struct hvg_pipe_hdr *pipe = (const void *)msg;
	const struct synthhid_hdr *h = (const void *)(pipe + 1);
	u32 size;

	if (len < sizeof(*pipe) + sizeof(*h))
		return -EMSGSIZE;
	size = le32_to_cpu(pipe->size);
	if (le32_to_cpu(pipe->type) != HVG_PIPE_MSG_DATA ||
	    size < sizeof(*h) || size > len - sizeof(*pipe))
		return -EBADMSG;
	*type = le32_to_cpu(h->type);
	*body = size - sizeof(*h);
	return 0;
}

/**
 * synthhid_parse_response() - decode the protocol response
 * @h: the message's HID header, @body bytes of body after it
 * @body: the length of its body
 *
 * Return: 0 if the host approved the version, -EPERM if it refused it,
 * -EMSGSIZE if the message is too short.
 */
int synthhid_parse_response(const struct synthhid_hdr *h, u32 body)
{
	const struct synthhid_protocol_response *r = (const void *)h;

	if (body < sizeof(*r) - sizeof(*h))
		return -EMSGSIZE;
	return r->approved ? 0 : -EPERM;
}

/**
 * synthhid_check_info() - check the initial device info
 * @di: the message, HID header first
 * @body: the length of its body
 * @rlen: set to the report descriptor's length once the HID descriptor
 *	is known to fit
 *
 * The fixed part, the HID descriptor (its own length, at least its fixed
 * part) and the report descriptor it announces (1 to SYNTHHID_RDESC_MAX
 * bytes) must lie within the body; the report descriptor starts right
 * after the HID descriptor.
 *
 * Return: NULL, or what is wrong with it.
 */
const char *synthhid_check_info(const struct synthhid_device_info *di,
				u32 body, u32 *rlen)
{
	const u32 fixed = offsetof(struct synthhid_device_info, desc) - sizeof(di->hdr);
	u32 rest;

	if (body < sizeof(*di) - sizeof(di->hdr))
		return "device info shorter than its fixed part";
	rest = body - fixed;		/* HID descriptor and report descriptor */
	if (di->desc.length < sizeof(di->desc) || di->desc.length > rest)
		return "HID descriptor length out of range";
	*rlen = le16_to_cpu(di->desc.rpt_length);
	if (!*rlen)
		return "empty report descriptor";
	if (*rlen > SYNTHHID_RDESC_MAX)
		return "report descriptor larger than HID_MAX_DESCRIPTOR_SIZE";
	if (*rlen > rest - di->desc.length)
		return "report descriptor runs past the message";
	return NULL;
}

/**
 * synthhid_parse_report() - check an input report
 * @h: the message's HID header; the report follows it
 * @body: the length of its body
 *
 * Return: the report's size (1 to HVG_SYNTHHID_MAX_REPORT bytes, within
 * the body), or -EBADMSG.
 */
int synthhid_parse_report(const struct synthhid_hdr *h, u32 body)
{
	u32 size = le32_to_cpu(h->size);

	if (!size || size > body || size > HVG_SYNTHHID_MAX_REPORT)
		return -EBADMSG;
	return size;
}
