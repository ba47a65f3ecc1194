/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvsim's synthetic input hosts: the common part (input.c) and the mouse
 * (input_mouse.c) and keyboard (input_kbd.c) services built on it.
 */
#ifndef _HVSIM_INPUT_H
#define _HVSIM_INPUT_H

#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <hvguest/input_proto.h>

#include "hvsim.h"

#define HVSIM_INPUT_QLEN	256	/* injected messages not yet sent */
#define HVSIM_INPUT_MSG_MAX	32	/* the longest injected message */

/* Fault knobs: counts in dev<N>/, each applies to the next message of its kind. */
enum hvsim_input_fault {
	HVSIM_INPUT_FAULT_REFUSE,	/* refuse the protocol request */
	HVSIM_INPUT_FAULT_BAD_TYPE,	/* injected message of an unknown type */
	HVSIM_INPUT_FAULT_SHORT,	/* injected message cut short */
	HVSIM_INPUT_FAULT_DESC_OVERSIZE, /* mouse: 6 KiB report descriptor */
	HVSIM_INPUT_FAULT_DESC_OVERRUN,	/* mouse: descriptor length past the message */
	HVSIM_INPUT_FAULT_BAD_CODE,	/* keyboard: make code with the break bit */
	HVSIM_INPUT_NR_FAULTS
};

struct hvsim_input;

/**
 * struct hvsim_input_ops - what makes one input service
 * @faults: bitmask of the enum hvsim_input_fault knobs it has
 * @request: a message from the guest (@len bytes, a private copy,
 *	unchecked); answer with hvsim_chan_send(); 0, or -ENOSPC to be
 *	called again once the guest made room
 * @greet: optional; send what the host sends unasked once the protocol
 *	is approved (in->greet); 0 or -ENOSPC
 * @inject: parse a line written to `inject` and queue its messages with
 *	hvsim_input_queue(); 0 or a negative errno.  Serialised by
 *	in->inject_lock.
 * @show: optional; extra lines for the `state` file
 */
struct hvsim_input_ops {
	unsigned long faults;
	int (*request)(struct hvsim_input *in, const u8 *msg, u32 len,
		       bool *signal);
	int (*greet)(struct hvsim_input *in, bool *signal);
	int (*inject)(struct hvsim_input *in, char *line);
	void (*show)(struct seq_file *s, struct hvsim_input *in);
};

struct hvsim_input_msg {
	u32 len;
	u8 data[HVSIM_INPUT_MSG_MAX];
};

/**
 * struct hvsim_input - the host end of one input device
 * @dev: the device
 * @ops: its service
 * @lock: @chan, @ready and the queue (inject writes vs. the host workqueue)
 * @chan: the primary channel while open
 * @ready: the guest completed the handshake: injection is allowed
 * @greet: the protocol was approved, @ops->greet is due (host workqueue)
 * @version: the approved protocol version, 0 if none (host workqueue)
 * @q: injected messages, @head the oldest, @count of them
 * @head: index of the oldest
 * @count: messages queued
 * @inject_lock: serialises @ops->inject and the state below
 * @x: mouse: the pointer position
 * @y: mouse: the pointer position
 * @buttons: mouse: the buttons held
 * @leds: keyboard: the LED mask the guest set
 * @sent: messages sent to the guest
 * @injected: messages queued by `inject`
 * @malformed: guest messages the host could not accept
 * @faults: the knobs
 */
struct hvsim_input {
	struct hvsim_dev *dev;
	const struct hvsim_input_ops *ops;
	spinlock_t lock;		/* chan, ready, q, head, count */
	struct hvsim_chan *chan;
	bool ready;
	bool greet;
	u32 version;
	struct hvsim_input_msg q[HVSIM_INPUT_QLEN];
	unsigned int head;
	unsigned int count;
	struct mutex inject_lock;	/* ops->inject, x, y, buttons */
	u16 x;
	u16 y;
	u8 buttons;
	u16 leds;
	u64 sent;
	u64 injected;
	u64 malformed;
	atomic_t faults[HVSIM_INPUT_NR_FAULTS];
};

int hvsim_input_create(struct hvsim_dev *dev, const struct hvsim_input_ops *ops);
void hvsim_input_destroy(struct hvsim_dev *dev);
int hvsim_input_open(struct hvsim_chan *chan);
void hvsim_input_close(struct hvsim_chan *chan);
bool hvsim_input_service(struct hvsim_chan *chan);
void hvsim_input_show(struct seq_file *s, struct hvsim_chan *chan);
int hvsim_input_queue(struct hvsim_input *in, const void *msg, u32 len);
bool hvsim_input_fault(struct hvsim_input *in, enum hvsim_input_fault f);
int hvsim_input_send(struct hvsim_input *in, const void *msg, u32 len,
		     bool *signal);
void hvsim_input_set_ready(struct hvsim_input *in);
void hvsim_input_malformed(struct hvsim_input *in, const char *why);

#endif /* _HVSIM_INPUT_H */
