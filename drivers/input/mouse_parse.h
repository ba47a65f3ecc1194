/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hid_hyperv: decoders of the synthetic HID messages the host sends.
 * Pure functions: compiled into hid_hyperv and into the userspace fuzzer
 * (tools/testing/fuzz/fuzz_synthhid.c).
 */
#ifndef _HVG_MOUSE_PARSE_H
#define _HVG_MOUSE_PARSE_H

#include <linux/types.h>
#include <hvguest/input_proto.h>

#define SYNTHHID_RDESC_MAX	4096	/* HID_MAX_DESCRIPTOR_SIZE */

int synthhid_parse_msg(const u8 *msg, u32 len, u32 *type, u32 *body);
int synthhid_parse_response(const struct synthhid_hdr *h, u32 body);
const char *synthhid_check_info(const struct synthhid_device_info *di,
				u32 body, u32 *rlen);
int synthhid_parse_report(const struct synthhid_hdr *h, u32 body);

#endif /* _HVG_MOUSE_PARSE_H */
