// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for drivers/input/mouse_parse.c: the guest's decoding
 * of the synthetic HID messages a host sends.
 *
 * Input: the packet payload (pipe header, HID header, body), in a buffer
 * of its exact size.  Decoded as mouse_on_message() does; the oracle
 * restates the rules, and what is accepted is read as hid_hyperv reads
 * it (the report descriptor copied into a HID_MAX_DESCRIPTOR_SIZE buffer,
 * the input report handed on), so ASan sees any read past the message.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kernel.h>

#include "fuzz.h"
#include "mouse_parse.h"

static void info(const u8 *msg, u32 body)
{
	const struct synthhid_device_info *di = (const void *)(msg + 8);
	u8 *rdesc = malloc(SYNTHHID_RDESC_MAX);
	const char *why;
	u32 rlen = 0, fixed = 32, dlen;

	if (!rdesc)
		abort();
	why = synthhid_check_info(di, body, &rlen);
	if (body < fixed + 9) {
		check(why != NULL);
		goto out;
	}
	dlen = msg[8 + 8 + fixed];	/* desc.length */
	if (why) {
		check(dlen < 9 || dlen > body - fixed || !rlen ||
		      rlen > SYNTHHID_RDESC_MAX || rlen > body - fixed - dlen);
		goto out;
	}
	check(dlen >= 9 && rlen && rlen <= SYNTHHID_RDESC_MAX &&
	      fixed + dlen + rlen <= body);
	memcpy(rdesc, (const u8 *)&di->desc + dlen, rlen);
	touch(rdesc, rlen);
out:
	free(rdesc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct synthhid_hdr *h;
	struct hvg_pipe_hdr pipe;
	u32 type, body;
	u8 *msg;
	int ret;

	if (size > UINT32_MAX)
		return 0;
	msg = dup(data, size);
	h = (const void *)(msg + sizeof(pipe));

	ret = synthhid_parse_msg(msg, size, &type, &body);
	if (size < 16) {
		check(ret == -EMSGSIZE);
		goto out;
	}
	memcpy(&pipe, msg, sizeof(pipe));
	if (ret) {
		check(ret == -EBADMSG &&
		      (pipe.type != HVG_PIPE_MSG_DATA || pipe.size < 8 ||
		       pipe.size > size - 8));
		goto out;
	}
	check(pipe.type == HVG_PIPE_MSG_DATA && body == pipe.size - 8 &&
	      16 + body <= size);
	switch (type) {
	case SYNTHHID_PROTOCOL_RESPONSE:
		ret = synthhid_parse_response(h, body);
		check(body < 5 ? ret == -EMSGSIZE :
		      ret == (msg[16 + 4] ? 0 : -EPERM));
		break;
	case SYNTHHID_INITIAL_DEVICE_INFO:
		info(msg, body);
		break;
	case SYNTHHID_INPUT_REPORT:
		ret = synthhid_parse_report(h, body);
		if (ret < 0) {
			check(!h->size || h->size > body ||
			      h->size > HVG_SYNTHHID_MAX_REPORT);
			break;
		}
		check(ret == (int)h->size && ret <= HVG_SYNTHHID_MAX_REPORT &&
		      (u32)ret <= body);
		touch(msg + 16, ret);
		break;
	}
out:
	free(msg);
	return 0;
}
