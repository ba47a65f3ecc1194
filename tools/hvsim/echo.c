// SPDX-License-Identifier: GPL-2.0-only
/*
 * The echo test service behind every hvsim device.
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
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <hvguest/compat.h>

#include "hvsim.h"

#define HVSIM_ECHO_BUDGET	64	/* packets per run of the work item */
#define HVSIM_ECHO_MAX_RANGES	256

/* Fault injection: a descriptor the guest must refuse. */
static void hvsim_bad_desc(struct vmpacket_descriptor *desc)
{
	if (hvsim.packet_flip++ & 1) {
		desc->offset8 = 1;
		pr_info("hvsim: fault: echo reply with offset8 1\n");
	} else {
		desc->len8 = U16_MAX;
		pr_info("hvsim: fault: echo reply with len8 beyond the data\n");
	}
}

static int hvsim_echo_reply(struct hvsim_chan *chan, u16 type, u64 trans_id,
			    const void *data, u32 len, bool *signal)
{
	struct vmpacket_descriptor desc = {
		.type = type,
		.offset8 = sizeof(desc) / 8,
		.len8 = (sizeof(desc) + ALIGN(len, 8)) / 8,
		.trans_id = trans_id,
	};
	struct kvec kv[2] = {
		{ .iov_base = &desc, .iov_len = sizeof(desc) },
		{ .iov_base = (void *)data, .iov_len = len },
	};
	int ret;

	/* Decide the faults only once the reply is certain to be written. */
	ret = hvsim_ring_room(&chan->out, sizeof(desc) + len);
	if (ret == -E2BIG) {
		pr_err_ratelimited("hvsim: relid %u: reply of %u bytes can never fit the guest's ring, dropped\n",
				   chan->relid, len);
		return 0;
	}
	if (ret)
		return ret;
	if (type == VM_PKT_COMP && hvsim_fault(HVSIM_FAULT_BAD_TRANS_ID)) {
		desc.trans_id = ~trans_id;
		pr_info("hvsim: fault: completion with unknown trans_id %#llx\n",
			desc.trans_id);
	}
	if (hvsim_fault(HVSIM_FAULT_BAD_PACKET))
		hvsim_bad_desc(&desc);
	ret = hvsim_ring_write(&chan->out, kv, ARRAY_SIZE(kv), signal);
	if (ret)
		return ret;
	chan->echoed++;
	if (hvsim_fault(HVSIM_FAULT_RING_INDEX)) {
		/* Write no more: a later packet would repair the index. */
		pr_info("hvsim: fault: relid %u: invalid write_index, channel no longer serviced\n",
			chan->relid);
		hvsim_ring_corrupt_index(&chan->out);
		chan->broken = true;
		*signal = true;
	}
	return 0;
}

static int hvsim_echo_ctrl(struct hvsim_chan *chan,
			   const struct vmpacket_descriptor *d,
			   const struct hvg_echo_ctrl *ctrl, bool *signal)
{
	u64 status = 0;		/* a u32 status, padded */

	if (chan->subidx || ctrl->subchannels > HVSIM_MAX_SUBCHANNELS) {
		pr_err_ratelimited("hvsim: relid %u: refused request for %u subchannels\n",
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

static const char *hvsim_ranges_check(const struct vmbus_packet_page_buffer *pb,
				      u32 len, u32 *total)
{
	u32 off = pb->desc.offset8 * 8;
	u32 i, count = pb->rangecount;

	if (len < sizeof(*pb))
		return "GPA-direct packet too short";
	if (!count || count > HVSIM_ECHO_MAX_RANGES ||
	    off < sizeof(*pb) + count * sizeof(pb->range[0]))
		return "rangecount does not fit the packet";
	*total = 0;
	for (i = 0; i < count; i++) {
		const struct hv_page_buffer *r = &pb->range[i];

		if (!r->len || r->offset >= PAGE_SIZE ||
		    r->len > PAGE_SIZE - r->offset)
			return "range crosses its page";
		if (!pfn_valid(r->pfn))
			return "range pfn is not guest memory";
		*total += r->len;
	}
	return NULL;
}

static int hvsim_echo_gpa(struct hvsim_chan *chan, const u8 *pkt, u32 len,
			  bool *signal)
{
	const struct vmbus_packet_page_buffer *pb = (const void *)pkt;
	const char *why;
	u32 total, i;
	u8 *buf, *p;
	int ret;

	why = hvsim_ranges_check(pb, len, &total);
	if (why) {
		pr_err_ratelimited("hvsim: relid %u: %s, packet skipped\n",
				   chan->relid, why);
		return 0;
	}
	buf = kvmalloc(total, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	for (i = 0, p = buf; i < pb->rangecount; i++) {
		const struct hv_page_buffer *r = &pb->range[i];
		void *va = kmap_local_page(pfn_to_page(r->pfn));

		memcpy(p, (u8 *)va + r->offset, r->len);
		kunmap_local(va);
		p += r->len;
	}
	ret = hvsim_echo_reply(chan, VM_PKT_COMP, pb->desc.trans_id, buf,
			       total, signal);
	kvfree(buf);
	return ret;
}

/* Answer the peeked packet: 0 (consume it), -ENOSPC, -ENOMEM or -EIO. */
static int hvsim_echo_packet(struct hvsim_chan *chan, bool *signal)
{
	u32 len = chan->in.pkt_len;
	const struct vmpacket_descriptor *d;
	u8 *pkt;
	int ret = 0;

	pkt = kvmalloc(len, GFP_KERNEL);
	if (!pkt)
		return -ENOMEM;
	/* Work on a copy: the guest can change its ring at any time. */
	hvsim_ring_copy(&chan->in, 0, pkt, len);
	d = (const void *)pkt;
	if (d->offset8 < sizeof(*d) / 8 || d->offset8 * 8 > len) {
		chan->in.err = "descriptor changed while being read";
		ret = -EIO;
	} else if (d->type == VM_PKT_DATA_INBAND) {
		ret = hvsim_echo_inband(chan, pkt, len, signal);
	} else if (d->type == VM_PKT_DATA_USING_GPA_DIRECT) {
		ret = hvsim_echo_gpa(chan, pkt, len, signal);
	} else {
		pr_err_ratelimited("hvsim: relid %u: echo does not take packet type %u, skipped\n",
				   chan->relid, d->type);
	}
	kvfree(pkt);
	return ret;
}

/**
 * hvsim_echo_service() - answer what the guest has written
 * @chan: an open, healthy channel
 *
 * Return: true if the budget ran out with packets left.
 */
bool hvsim_echo_service(struct hvsim_chan *chan)
{
	struct vmpacket_descriptor desc;
	bool signal = false;
	unsigned int n;
	int ret = 0;

	for (n = 0; n < HVSIM_ECHO_BUDGET; n++) {
		ret = hvsim_ring_peek(&chan->in, &desc);
		if (ret)
			break;
		ret = hvsim_echo_packet(chan, &signal);
		if (ret)
			break;
		if (hvsim_ring_consume(&chan->in))
			signal = true;
		if (chan->broken)
			break;
	}
	if (ret == -EIO)
		hvsim_chan_broken(chan, chan->in.err ? chan->in.err : chan->out.err);
	if (signal)
		hvsim_signal_guest(chan);
	return !chan->broken && (n == HVSIM_ECHO_BUDGET || ret == -ENOMEM);
}
