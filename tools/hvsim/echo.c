// SPDX-License-Identifier: GPL-2.0-only
/*
 * The echo test service (new_device "echo").
 *
 * Inband packets come back with the same transaction id and payload, as a
 * completion if the guest asked for one.  GPA-direct packets are answered
 * with a completion carrying the bytes of the guest pages they list.  An
 * inband payload starting with struct hvg_echo_ctrl asks for subchannels.
 *
 * A reply that does not fit leaves its request in the guest's ring: the
 * service stops until the guest has read enough and signals, so nothing is
 * dropped or reordered.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <hvguest/compat.h>

#include "hvsim.h"

#define HVSIM_ECHO_BUDGET	64	/* packets per run of the work item */
#define HVSIM_ECHO_MAX_RANGES	256

static int hvsim_echo_reply(struct hvsim_chan *chan, u16 type, u64 trans_id,
			    const void *data, u32 len, bool *signal)
{
	struct kvec kv = { .iov_base = (void *)data, .iov_len = len };

	return hvsim_chan_send(chan, type, 0, trans_id, &kv, 1, signal);
}

static int hvsim_echo_ctrl(struct hvsim_chan *chan,
			   const struct vmpacket_descriptor *d,
			   const struct hvg_echo_ctrl *ctrl, bool *signal)
{
	u64 status = 0;		/* a u32 status, padded */

	if (chan->subidx || ctrl->subchannels > HVSIM_MAX_SUBCHANNELS) {
		pr_err_ratelimited("relid %u: refused request for %u subchannels\n",
				   chan->relid, ctrl->subchannels);
		status = HVSIM_STATUS_INVALID_PARAMETER;
	} else if (hvsim_add_subchannels(chan->dev, ctrl->subchannels)) {
		status = HVSIM_STATUS_NO_RESOURCES;
	}
	/* Adding is idempotent, so a retry after -ENOSPC offers nothing twice. */
	return hvsim_echo_reply(chan, VM_PKT_COMP, d->trans_id, &status,
				sizeof(u32), signal);
}

static int hvsim_echo_inband(struct hvsim_chan *chan, const u8 *pkt, u32 len,
			     bool *signal)
{
	const struct vmpacket_descriptor *d = (const void *)pkt;
	u32 off = d->offset8 * 8;
	u16 type = VM_PKT_DATA_INBAND;

	if (len - off >= sizeof(struct hvg_echo_ctrl) &&
	    ((const struct hvg_echo_ctrl *)(pkt + off))->magic == HVG_ECHO_CTRL_MAGIC)
		return hvsim_echo_ctrl(chan, d, (const void *)(pkt + off), signal);
	if (d->flags & VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED)
		type = VM_PKT_COMP;
	return hvsim_echo_reply(chan, type, d->trans_id, pkt + off, len - off,
				signal);
}

static int hvsim_echo_gpa(struct hvsim_chan *chan, const u8 *pkt, u32 len,
			  bool *signal)
{
	const struct vmbus_packet_page_buffer *pb = (const void *)pkt;
	const char *why;
	u32 total;
	u8 *buf;
	int ret;

	why = hvsim_gpa_ranges(pb, len, HVSIM_ECHO_MAX_RANGES, &total);
	if (why) {
		pr_err_ratelimited("relid %u: %s, packet skipped\n",
				   chan->relid, why);
		return 0;
	}
	buf = kvmalloc(total, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	hvsim_gpa_copy(pb, buf);
	ret = hvsim_echo_reply(chan, VM_PKT_COMP, pb->desc.trans_id, buf,
			       total, signal);
	kvfree(buf);
	return ret;
}

/* Answer one packet: 0 (consumed), -ENOSPC (retry later), -ENOMEM. */
static int hvsim_echo_packet(struct hvsim_chan *chan, const u8 *pkt, u32 len,
			     bool *signal)
{
	const struct vmpacket_descriptor *d = (const void *)pkt;

	if (d->type == VM_PKT_DATA_INBAND)
		return hvsim_echo_inband(chan, pkt, len, signal);
	if (d->type == VM_PKT_DATA_USING_GPA_DIRECT)
		return hvsim_echo_gpa(chan, pkt, len, signal);
	pr_err_ratelimited("relid %u: echo does not take packet type %u, skipped\n",
			   chan->relid, d->type);
	return 0;
}

static bool hvsim_echo_service(struct hvsim_chan *chan)
{
	return hvsim_chan_service(chan, hvsim_echo_packet, HVSIM_ECHO_BUDGET);
}

const struct hvsim_service hvsim_echo_svc = {
	.name = "echo",
	.class_id = HVG_ECHO_CLASS_GUID,
	.service = hvsim_echo_service,
};
