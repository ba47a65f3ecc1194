// SPDX-License-Identifier: GPL-2.0-only
/*
 * hyperv_keyboard: decoders of the keyboard messages the host sends.
 * They touch no driver state, so the userspace fuzzer compiles this file
 * unchanged.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <asm/byteorder.h>

#include "kbd_parse.h"

/**
 * kbd_parse_msg() - check a message's header
 * @msg: the packet payload
 * @len: its length
 * @type: set to the message type
 *
 * Return: 0 or -EMSGSIZE.
 */
int kbd_parse_msg(const u8 *msg, u32 len, u32 *type)
{
	const struct hvg_kbd_hdr *h = (const void *)msg;

	if (len < sizeof(*h))
		return -EMSGSIZE;
	*type = le32_to_cpu(h->type);
	return 0;
}

/**
 * kbd_parse_response() - decode the protocol response
 * @msg: the message
 * @len: its length
 *
 * Return: 0 if the host accepted the version, -EPERM if it refused it,
 * -EMSGSIZE if the message is too short.
 */
int kbd_parse_response(const u8 *msg, u32 len)
{
	const struct hvg_kbd_protocol_response *r = (const void *)msg;

	if (len < sizeof(*r))
		return -EMSGSIZE;
	return le32_to_cpu(r->status) & HVG_KBD_ACCEPTED ? 0 : -EPERM;
}

/**
 * kbd_parse_keystroke() - translate a keystroke into set 1 scancode bytes
 * @msg: the message
 * @len: its length
 * @bytes: set to up to 3 bytes, as a translating i8042 delivers them:
 *	0xe0 or 0xe1 prefix, make code, 0x80 on release
 *
 * Unicode keystrokes (a UTF-16 unit instead of a scancode) have no
 * scancode.  A code of 0x80 or more, or both prefixes at once, is
 * invalid.
 *
 * Return: the number of bytes (0 for a unicode keystroke), -EMSGSIZE if
 * the message is too short, -EBADMSG if the keystroke is invalid.
 */
int kbd_parse_keystroke(const u8 *msg, u32 len, u8 *bytes)
{
	const struct hvg_kbd_keystroke *k = (const void *)msg;
	u16 code;
	u32 info;
	int n = 0;

	if (len < sizeof(*k))
		return -EMSGSIZE;
	code = le16_to_cpu(k->make_code);
	info = le32_to_cpu(k->info);
	if (info & HVG_KBD_UNICODE)
		return 0;
	if (code >= KBD_XT_BREAK || (info & HVG_KBD_E0 && info & HVG_KBD_E1))
		return -EBADMSG;
	if (info & HVG_KBD_E0)
		bytes[n++] = KBD_XT_E0;
	if (info & HVG_KBD_E1)
		bytes[n++] = KBD_XT_E1;
	bytes[n++] = code | (info & HVG_KBD_BREAK ? KBD_XT_BREAK : 0);
	return n;
}
