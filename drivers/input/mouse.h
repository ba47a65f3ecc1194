/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hid_hyperv: the synthetic mouse.  Interfaces between the VMBus side
 * (mouse.c) and the HID side (mouse_hid.c).
 */
#ifndef _HVG_MOUSE_H
#define _HVG_MOUSE_H

#include <linux/hid.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <hvguest/input_proto.h>
#include <hvguest/vmbus.h>

#include "mouse_parse.h"

#define MOUSE_RING_BYTES	(10 * PAGE_SIZE)	/* each way, header page included */
#define MOUSE_BUF_BYTES		(2 * PAGE_SIZE)		/* the largest packet taken */

enum mouse_state {
	MOUSE_HANDSHAKE,	/* protocol request sent */
	MOUSE_AWAIT_INFO,	/* version approved, device info due */
	MOUSE_INFO,		/* device info taken; reports not yet used */
	MOUSE_RUNNING,		/* reports go to the HID device */
	MOUSE_FAILED,		/* handshake failed: see err */
	MOUSE_STOPPED,		/* being removed */
};

/**
 * struct mouse_dev - a bound synthetic mouse
 * @hdev: the VMBus device
 * @hid: the HID device, once added
 * @lock: @state, @err and the HID device's input (callback vs. probe/remove)
 * @state: enum mouse_state
 * @err: why the handshake failed (negative errno)
 * @wait: woken when the handshake moves on
 * @info: the host's IDs
 * @rdesc_len: bytes in @rdesc
 * @reports: input reports passed to the HID core
 * @dropped: input reports that arrived before the HID device was ready
 * @malformed: messages dropped as malformed
 * @buf: one received packet, descriptor included (softirq only)
 * @rdesc: the report descriptor from the host
 */
struct mouse_dev {
	struct hvg_device *hdev;
	struct hid_device *hid;
	spinlock_t lock;
	enum mouse_state state;
	int err;
	wait_queue_head_t wait;
	struct synthhid_dev_info info;
	u32 rdesc_len;
	u64 reports;
	u64 dropped;
	u64 malformed;
	u8 buf[MOUSE_BUF_BYTES];
	u8 rdesc[HID_MAX_DESCRIPTOR_SIZE];
};

/* mouse_hid.c */
int mouse_hid_add(struct mouse_dev *md);
int mouse_hid_register(void);
void mouse_hid_unregister(void);

#endif /* _HVG_MOUSE_H */
