/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Wire formats of the synthetic input devices: the mouse (synthetic HID)
 * and the keyboard.  Shared by drivers/input and tools/hvsim.
 *
 * Mouse: every in-band packet carries struct hvg_pipe_hdr (type DATA, size
 * of what follows), then a synthetic HID message: struct synthhid_hdr and
 * synthhid_hdr.size bytes of body.  The guest asks for protocol version 2.0,
 * the host approves and sends the device info (IDs, the HID descriptor and
 * right behind it the report descriptor), the guest acknowledges, and from
 * then on the host sends input reports in the format the report descriptor
 * describes.
 *
 * Keyboard: every in-band packet is one message starting with struct
 * hvg_kbd_hdr, no pipe header.  The guest asks for version 1.0, the host
 * accepts and sends keystrokes as set 1 scancodes.  The guest tells the host
 * its LED state.
 *
 * All fields are little endian.
 */
#ifndef _HVGUEST_INPUT_PROTO_H
#define _HVGUEST_INPUT_PROTO_H

#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/types.h>
#include <linux/uuid.h>

#define HVG_MOUSE_CLASS_GUID \
	GUID_INIT(0xcfa8b69e, 0x5b4a, 0x4cc0, 0xb9, 0x8b, 0x8b, 0xa1, 0xa1, 0xf3, 0xf9, 0x5a)
#define HVG_KBD_CLASS_GUID \
	GUID_INIT(0xf912ad6d, 0x2b17, 0x48ea, 0xbd, 0x65, 0xf9, 0x27, 0xa6, 0x1c, 0x76, 0x84)

/* ---- Mouse (synthetic HID) ------------------------------------------------ */

#define HVG_PIPE_MSG_DATA	1

struct hvg_pipe_hdr {
	__le32 type;		/* HVG_PIPE_MSG_DATA */
	__le32 size;		/* bytes after this header */
} __packed;

#define HVG_SYNTHHID_VERSION(maj, min)	((u32)(maj) << 16 | (min))
#define HVG_SYNTHHID_VERSION_2_0	HVG_SYNTHHID_VERSION(2, 0)

enum synthhid_msg_type {
	SYNTHHID_PROTOCOL_REQUEST = 0,
	SYNTHHID_PROTOCOL_RESPONSE = 1,
	SYNTHHID_INITIAL_DEVICE_INFO = 2,
	SYNTHHID_INITIAL_DEVICE_INFO_ACK = 3,
	SYNTHHID_INPUT_REPORT = 4,
};

struct synthhid_hdr {
	__le32 type;		/* enum synthhid_msg_type */
	__le32 size;		/* bytes of body after this header */
} __packed;

struct synthhid_protocol_request {
	struct synthhid_hdr hdr;
	__le32 version;
} __packed;

struct synthhid_protocol_response {
	struct synthhid_hdr hdr;
	__le32 version;		/* the one requested */
	u8 approved;
} __packed;

struct synthhid_dev_info {
	__le32 size;
	__le16 vendor;
	__le16 product;
	__le16 version;
	__le16 reserved[11];
} __packed;

/* Descriptor types of the HID class */
#define HVG_HID_DT_HID		0x21
#define HVG_HID_DT_REPORT	0x22

/* The USB HID class descriptor with its one report descriptor entry. */
struct synthhid_hid_desc {
	u8 length;		/* of this descriptor: at least 9 */
	u8 type;		/* HVG_HID_DT_HID */
	__le16 bcd_hid;
	u8 country;
	u8 ndescs;
	u8 rpt_type;		/* HVG_HID_DT_REPORT */
	__le16 rpt_length;	/* bytes of report descriptor after it */
} __packed;

/* Followed by the rest of the HID descriptor, then the report descriptor. */
struct synthhid_device_info {
	struct synthhid_hdr hdr;
	struct synthhid_dev_info info;
	struct synthhid_hid_desc desc;
} __packed;

struct synthhid_device_info_ack {
	struct synthhid_hdr hdr;
	u8 reserved;
} __packed;

/* SYNTHHID_INPUT_REPORT: the header, then hdr.size bytes of report. */
#define HVG_SYNTHHID_MAX_REPORT	16

/*
 * Sizes and offsets: Linux drivers/hid/hid-hyperv.c (synthhid_*,
 * hv_input_dev_info) and OpenVMM vm/devices/uidevices/src/mouse/protocol.rs
 * (MessageHeader, HidAttributes, HidDescriptor, MessageProtocolResponse).
 */
static_assert(sizeof(struct hvg_pipe_hdr) == 8);
static_assert(sizeof(struct synthhid_hdr) == 8);
static_assert(offsetof(struct synthhid_hdr, size) == 4);
static_assert(sizeof(struct synthhid_protocol_request) == 8 + 4);
static_assert(sizeof(struct synthhid_protocol_response) == 8 + 5);
static_assert(offsetof(struct synthhid_protocol_response, approved) == 12);
static_assert(sizeof(struct synthhid_dev_info) == 32);
static_assert(offsetof(struct synthhid_dev_info, vendor) == 4);
static_assert(offsetof(struct synthhid_dev_info, product) == 6);
static_assert(offsetof(struct synthhid_dev_info, version) == 8);
static_assert(sizeof(struct synthhid_hid_desc) == 9);
static_assert(offsetof(struct synthhid_hid_desc, ndescs) == 5);
static_assert(offsetof(struct synthhid_hid_desc, rpt_type) == 6);
static_assert(offsetof(struct synthhid_hid_desc, rpt_length) == 7);
static_assert(sizeof(struct synthhid_device_info) == 8 + 32 + 9);
static_assert(offsetof(struct synthhid_device_info, desc) == 8 + 32);
static_assert(sizeof(struct synthhid_device_info_ack) == 8 + 1);

/* ---- Keyboard -------------------------------------------------------------- */

#define HVG_KBD_VERSION(maj, min)	((u32)(maj) << 16 | (min))
#define HVG_KBD_VERSION_1_0		HVG_KBD_VERSION(1, 0)

enum hvg_kbd_msg_type {
	HVG_KBD_PROTOCOL_REQUEST = 1,
	HVG_KBD_PROTOCOL_RESPONSE = 2,
	HVG_KBD_EVENT = 3,
	HVG_KBD_SET_LEDS = 4,		/* guest to host */
};

struct hvg_kbd_hdr {
	__le32 type;			/* enum hvg_kbd_msg_type */
} __packed;

struct hvg_kbd_protocol_request {
	struct hvg_kbd_hdr hdr;
	__le32 version;
} __packed;

#define HVG_KBD_ACCEPTED	BIT(0)

struct hvg_kbd_protocol_response {
	struct hvg_kbd_hdr hdr;
	__le32 status;			/* HVG_KBD_ACCEPTED */
} __packed;

/* hvg_kbd_keystroke.info */
#define HVG_KBD_UNICODE		BIT(0)	/* make_code is a UTF-16 unit */
#define HVG_KBD_BREAK		BIT(1)	/* key released */
#define HVG_KBD_E0		BIT(2)	/* extended (0xe0-prefixed) code */
#define HVG_KBD_E1		BIT(3)	/* 0xe1-prefixed code */

struct hvg_kbd_keystroke {
	struct hvg_kbd_hdr hdr;
	__le16 make_code;		/* set 1 scancode, without break bit */
	__le16 reserved;
	__le32 info;
} __packed;

/* HVG_KBD_SET_LEDS: the same bits as the PS/2 "set LEDs" command's */
#define HVG_KBD_LED_SCROLL	BIT(0)
#define HVG_KBD_LED_NUM		BIT(1)
#define HVG_KBD_LED_CAPS	BIT(2)
#define HVG_KBD_LEDS		(HVG_KBD_LED_SCROLL | HVG_KBD_LED_NUM | HVG_KBD_LED_CAPS)

/*
 * 8 bytes: hosts read a u16 and 2 bytes of padding after the header and
 * refuse less (OpenVMM uidevices/src/keyboard/protocol.rs
 * MessageLedIndicatorsState, keyboard/mod.rs recv_packet).  A 6-byte
 * message arrives as 8 all the same: the ring pads packets to 8 bytes.
 */
struct hvg_kbd_set_leds {
	struct hvg_kbd_hdr hdr;
	__le16 flags;
	__le16 padding;
} __packed;

/* The largest keyboard message either side sends */
#define HVG_KBD_MAX_MSG		256

/*
 * Sizes and offsets: Linux drivers/input/serio/hyperv-keyboard.c and OpenVMM
 * vm/devices/uidevices/src/keyboard/protocol.rs.
 */
static_assert(sizeof(struct hvg_kbd_hdr) == 4);
static_assert(sizeof(struct hvg_kbd_protocol_request) == 8);
static_assert(sizeof(struct hvg_kbd_protocol_response) == 8);
static_assert(sizeof(struct hvg_kbd_keystroke) == 12);
static_assert(offsetof(struct hvg_kbd_keystroke, make_code) == 4);
static_assert(offsetof(struct hvg_kbd_keystroke, info) == 8);
static_assert(sizeof(struct hvg_kbd_set_leds) == 8);
static_assert(offsetof(struct hvg_kbd_set_leds, flags) == 4);

#endif /* _HVGUEST_INPUT_PROTO_H */
