/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hyperv_keyboard: decoders of the keyboard messages the host sends.
 * Pure functions: compiled into hyperv_keyboard and into the userspace
 * fuzzer (tools/testing/fuzz/fuzz_kbd.c).
 */
#ifndef _HVG_KBD_PARSE_H
#define _HVG_KBD_PARSE_H

#include <linux/types.h>
#include <hvguest/input_proto.h>

#define KBD_XT_E0		0xe0
#define KBD_XT_E1		0xe1
#define KBD_XT_BREAK		0x80

int kbd_parse_msg(const u8 *msg, u32 len, u32 *type);
int kbd_parse_response(const u8 *msg, u32 len);
int kbd_parse_keystroke(const u8 *msg, u32 len, u8 *bytes);

#endif /* _HVG_KBD_PARSE_H */
