// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for drivers/input/kbd_parse.c: the guest's decoding of
 * the keyboard messages a host sends.
 *
 * Input: the packet payload, in a buffer of its exact size.  Decoded as
 * kbd_on_message() does; the oracle restates the rules and the set 1
 * translation of a keystroke.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kernel.h>

#include "fuzz.h"
#include "kbd_parse.h"

static void keystroke(const u8 *msg, u32 len)
{
	struct hvg_kbd_keystroke k;
	u8 bytes[3], want[3];
	int n, w = 0;

	n = kbd_parse_keystroke(msg, len, bytes);
	if (len < sizeof(k)) {
		check(n == -EMSGSIZE);
		return;
	}
	memcpy(&k, msg, sizeof(k));
	if (k.info & HVG_KBD_UNICODE) {
		check(n == 0);
		return;
	}
	if (k.make_code > 0x7f ||
	    ((k.info & HVG_KBD_E0) && (k.info & HVG_KBD_E1))) {
		check(n == -EBADMSG);
		return;
	}
	if (k.info & HVG_KBD_E0)
		want[w++] = 0xe0;
	if (k.info & HVG_KBD_E1)
		want[w++] = 0xe1;
	want[w++] = k.make_code | (k.info & HVG_KBD_BREAK ? 0x80 : 0);
	check(n == w && !memcmp(bytes, want, w));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u32 type, status;
	u8 *msg;
	int ret;

	if (size > UINT32_MAX)
		return 0;
	msg = dup(data, size);

	ret = kbd_parse_msg(msg, size, &type);
	if (size < 4) {
		check(ret == -EMSGSIZE);
		goto out;
	}
	check(!ret && !memcmp(&type, msg, 4));
	switch (type) {
	case HVG_KBD_PROTOCOL_RESPONSE:
		ret = kbd_parse_response(msg, size);
		if (size < 8) {
			check(ret == -EMSGSIZE);
			break;
		}
		memcpy(&status, msg + 4, 4);
		check(ret == (status & HVG_KBD_ACCEPTED ? 0 : -EPERM));
		break;
	case HVG_KBD_EVENT:
		keystroke(msg, size);
		break;
	}
out:
	free(msg);
	return 0;
}
