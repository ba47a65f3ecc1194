// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim network host: the NVSP messages the guest sends (version, buffers,
 * subchannels, RNDIS packets in the send buffer or in page ranges,
 * receive completions) and delivery into the guest's receive buffer with
 * transfer-page packets.  Control messages are taken on the primary
 * channel only; data and completions on every channel, a receive area
 * being completed on the channel it was delivered on.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/etherdevice.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <hvguest/compat.h>

#include "fuzz.h"
#include "net.h"

#define HVSIM_NET_MAX_RANGES	64
#define HVSIM_NET_MAX_GPA_BYTES	(HVSIM_NET_LSO_MAX + 2 * PAGE_SIZE)
#define HVSIM_NET_MAX_SLOTS	65536
/* Room for a completion plus a transfer-page reply, with trailers. */
#define HVSIM_NET_REPLY_ROOM	256
/* fault_early_xfer: the transaction ID and range of its packet */
#define HVSIM_NET_EARLY_ID	0xea51ea51ea51ULL
#define HVSIM_NET_EARLY_OFF	0x10000
/* fault_ctrl_late: how long the request after the late completion waits */
#define HVSIM_NET_LATE_WAIT	(HZ / 10)

static const u32 hvsim_nvsp_versions[] = {
	NVSP_VERSION_61, NVSP_VERSION_6, NVSP_VERSION_5, NVSP_VERSION_4,
	NVSP_VERSION_2, NVSP_VERSION_1,
};

static void hvsim_net_bad(struct hvsim_net *n, struct hvsim_chan *chan,
			  const char *why)
{
	n->st.bad_msgs++;
	pr_err_ratelimited("net%u relid %u: %s\n", n->dev->id,
			   chan->relid, why);
}

static int hvsim_net_reply(struct hvsim_chan *chan, u64 trans_id,
			   const struct nvsp_msg *msg, bool *signal)
{
	struct kvec kv = { .iov_base = (void *)msg, .iov_len = sizeof(*msg) };

	return hvsim_chan_send(chan, VM_PKT_COMP, 0, trans_id, &kv, 1, signal);
}

static void hvsim_net_free_slots(struct hvsim_net *n)
{
	n->nslots = 0;
	n->slots_used = 0;
	bitmap_free(n->slot_busy);
	n->slot_busy = NULL;
	kfree(n->slot_queue);
	n->slot_queue = NULL;
	kfree(n->slot_next);
	n->slot_next = NULL;
	bitmap_free(n->slot_head);
	n->slot_head = NULL;
}

/* Forget the buffers and the RNDIS state: channel closed or reopened. */
void hvsim_net_reset(struct hvsim_net *n)
{
	n->nvsp = 0;
	n->ndis_ver = 0;
	n->recv_handle = 0;
	n->recv_size = 0;
	n->send_handle = 0;
	n->send_size = 0;
	hvsim_net_free_slots(n);
	n->rndis_up = false;
	n->filter = 0;
	n->tx_csum = 0;
	n->rx_csum = 0;
	n->lso4 = false;
	n->lso6 = false;
	n->rsc_cap = false;
	n->rsc4 = false;
	n->rsc6 = false;
	n->subs = 0;
	n->subs_open = 0;
	n->itab_pending = false;
	n->late_held = false;
	n->late_sent = false;
	hvsim_net_vf_reset(n);
	ether_addr_copy(n->mac, n->perm_mac);
	spin_lock_irq(&n->lock);
	n->rss = false;
	spin_unlock_irq(&n->lock);
}

/* The GPADL behind @handle, if the guest still shares it on the primary. */
static struct hvsim_gpadl *hvsim_net_gpadl(struct hvsim_net *n, u32 handle)
{
	struct hvsim_gpadl *g = handle ? hvsim_gpadl_find(handle) : NULL;

	if (!g || g->relid != n->primary_relid || !g->va || g->user)
		return NULL;
	return g;
}

static void hvsim_net_init(struct hvsim_net *n, const struct nvsp_init *in,
			   struct nvsp_msg *out)
{
	unsigned int i;

	out->type = NVSP_MSG_INIT_COMPLETE;
	out->init_complete.status = NVSP_STAT_FAIL;
	for (i = 0; i < ARRAY_SIZE(hvsim_nvsp_versions); i++) {
		u32 v = hvsim_nvsp_versions[i];

		if (v > n->max_nvsp || v > in->max_version ||
		    v < in->min_version)
			continue;
		hvsim_net_reset(n);
		n->nvsp = v;
		out->init_complete.version = v;
		out->init_complete.status = NVSP_STAT_SUCCESS;
		return;
	}
}

static u32 hvsim_net_recv_buf(struct hvsim_net *n, const struct nvsp_send_buf *m)
{
	struct hvsim_gpadl *g = hvsim_net_gpadl(n, m->gpadl_handle);
	u32 size, nslots;

	if (!g || m->id != NVSP_RECV_BUF_ID || n->recv_handle)
		return 0;
	size = g->npages * PAGE_SIZE;
	nslots = min_t(u32, size / n->slot_size, HVSIM_NET_MAX_SLOTS);
	if (nslots <= HVSIM_NET_CTRL_SLOTS)
		return 0;
	n->slot_busy = bitmap_zalloc(nslots, GFP_KERNEL);
	n->slot_head = bitmap_zalloc(nslots, GFP_KERNEL);
	n->slot_queue = kzalloc(nslots, GFP_KERNEL);
	n->slot_next = kcalloc(nslots, sizeof(*n->slot_next), GFP_KERNEL);
	if (!n->slot_busy || !n->slot_head || !n->slot_queue || !n->slot_next) {
		hvsim_net_free_slots(n);
		return 0;
	}
	n->nslots = nslots;
	n->recv_handle = m->gpadl_handle;
	n->recv_size = size;
	return nslots;
}

static bool hvsim_net_send_buf(struct hvsim_net *n, const struct nvsp_send_buf *m)
{
	struct hvsim_gpadl *g = hvsim_net_gpadl(n, m->gpadl_handle);

	if (!g || m->id != NVSP_SEND_BUF_ID || n->send_handle ||
	    g->npages * PAGE_SIZE < HVSIM_NET_SEND_SECTION)
		return false;
	n->send_handle = m->gpadl_handle;
	n->send_size = g->npages * PAGE_SIZE;
	return true;
}

/**
 * hvsim_net_src_copy() - copy bytes of a guest's RNDIS message
 * @src: where the message is
 * @off: offset in the message
 * @dst: destination
 * @len: bytes; @off + @len within src->len
 */
void hvsim_net_src_copy(const struct hvsim_net_src *src, u32 off, void *dst,
			u32 len)
{
	const struct vmbus_packet_page_buffer *pb = src->pb;
	u8 *d = dst;
	u32 i;

	if (src->va) {
		memcpy(d, src->va + off, len);
		return;
	}
	for (i = 0; i < pb->rangecount && len; i++) {
		const struct hv_page_buffer *r = &pb->range[i];
		u32 chunk;
		void *va;

		if (off >= r->len) {
			off -= r->len;
			continue;
		}
		chunk = min(len, r->len - off);
		va = kmap_local_page(pfn_to_page(r->pfn));
		memcpy(d, (u8 *)va + r->offset + off, chunk);
		kunmap_local(va);
		d += chunk;
		len -= chunk;
		off = 0;
	}
}

/* RNDIS in a send-buffer section, read through the send buffer's GPADL. */
static u32 hvsim_net_rndis_section(struct hvsim_net *n, struct hvsim_chan *chan,
				   const struct nvsp_rndis_pkt *m, bool *signal)
{
	struct hvsim_gpadl *g = hvsim_net_gpadl(n, n->send_handle);
	u32 nsec = n->send_size / HVSIM_NET_SEND_SECTION;
	struct hvsim_net_src src;

	if (!g || m->section_index >= nsec || !m->section_size ||
	    m->section_size > HVSIM_NET_SEND_SECTION) {
		hvsim_net_bad(n, chan, "RNDIS packet with a bad send-buffer section");
		return NVSP_STAT_INVALID_RNDIS_PKT;
	}
	src.va = (const u8 *)g->va + m->section_index * HVSIM_NET_SEND_SECTION;
	src.pb = NULL;
	src.len = m->section_size;
	return hvsim_net_rndis(n, chan, m->channel_type, &src, signal);
}

/* NVSP 5: the guest asks for subchannels; they are offered at once. */
static void hvsim_net_subchannels(struct hvsim_net *n, struct hvsim_chan *chan,
				  const struct nvsp_subchannel_req *req,
				  struct nvsp_msg *out)
{
	out->type = NVSP_MSG5_SUBCHANNEL;
	out->subchan_complete.status = NVSP_STAT_FAIL;
	if (n->nvsp < NVSP_VERSION_5 || req->op != NVSP_SUBCHANNEL_ALLOCATE ||
	    !req->num_subchannels || req->num_subchannels >= n->queues ||
	    n->subs || !n->rndis_up) {
		hvsim_net_bad(n, chan, "subchannel request refused");
		return;
	}
	if (hvsim_add_subchannels(chan->dev, req->num_subchannels)) {
		pr_err_ratelimited("net%u: no relids for %u subchannels\n",
				   n->dev->id, req->num_subchannels);
		return;
	}
	/* The completion says what was asked; the extra ones are offers only. */
	if (n->fault_sub_excess &&
	    req->num_subchannels + 2 <= HVSIM_MAX_SUBCHANNELS) {
		n->fault_sub_excess--;
		pr_info("fault: net%u %u subchannels asked, %u offered\n",
			n->dev->id, req->num_subchannels, req->num_subchannels + 2);
		hvsim_add_subchannels(chan->dev, req->num_subchannels + 2);
	}
	n->subs = req->num_subchannels;
	out->subchan_complete.status = NVSP_STAT_SUCCESS;
	out->subchan_complete.num_subchannels = n->subs;
}

/*
 * Fault: a transfer-page packet before the guest has a receive buffer
 * (sent ahead of INIT's reply), one range well inside where a previous
 * buffer was.  Its completion is taken without complaint.
 */
static void hvsim_net_early_xfer(struct hvsim_net *n, struct hvsim_chan *chan,
				 bool *signal)
{
	struct vmxfer_page_range r = { .byte_count = 64,
				       .byte_offset = HVSIM_NET_EARLY_OFF };
	struct vmxfer_page_header h = {};
	struct nvsp_msg m = {
		.type = NVSP_MSG1_SEND_RNDIS_PKT,
		.rndis = { .channel_type = NVSP_CHANNEL_DATA,
			   .section_index = NVSP_NO_SECTION },
	};
	struct kvec kv[3] = {
		{ .iov_base = &h, .iov_len = sizeof(h) },
		{ .iov_base = &r, .iov_len = sizeof(r) },
		{ .iov_base = &m, .iov_len = sizeof(m) },
	};

	h.desc.type = VM_PKT_DATA_USING_XFER_PAGES;
	h.desc.offset8 = (sizeof(h) + sizeof(r)) / 8;
	h.desc.len8 = (sizeof(h) + sizeof(r) + sizeof(m)) / 8;
	h.desc.flags = VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED;
	h.desc.trans_id = HVSIM_NET_EARLY_ID;
	h.xfer_pageset_id = NVSP_RECV_BUF_ID;
	h.range_cnt = 1;
	if (!hvsim_ring_write(&chan->out, kv, ARRAY_SIZE(kv), signal))
		pr_info("fault: net%u transfer-page packet before INIT completed\n",
			n->dev->id);
}

/* Handle an in-band NVSP message; fills @out if it has a reply. */
static int hvsim_net_nvsp(struct hvsim_net *n, struct hvsim_chan *chan,
			  const struct nvsp_msg *m, u32 len,
			  struct nvsp_msg *out, bool *signal)
{
	u32 nslots;

	if (!n->nvsp && m->type != NVSP_MSG_INIT) {
		hvsim_net_bad(n, chan, "NVSP message before INIT");
		return -EINVAL;
	}
	if (chan->subidx && m->type != NVSP_MSG1_SEND_RNDIS_PKT) {
		hvsim_net_bad(n, chan, "NVSP control message on a subchannel");
		return -EINVAL;
	}
	switch (m->type) {
	case NVSP_MSG_INIT:
		if (n->stale_subs) {
			hvsim_rescind_subchannels(chan->dev);
			n->stale_subs = false;
		}
		if (n->fault_early_xfer) {
			n->fault_early_xfer--;
			hvsim_net_early_xfer(n, chan, signal);
		}
		hvsim_net_init(n, &m->init, out);
		return 0;
	case NVSP_MSG5_SUBCHANNEL:
		hvsim_net_subchannels(n, chan, &m->subchan, out);
		return 0;
	case NVSP_MSG1_SEND_NDIS_VER:
		n->ndis_ver = (m->ndis_ver.major << 16) | (m->ndis_ver.minor & 0xffff);
		return 0;
	case NVSP_MSG1_SEND_RECV_BUF:
		nslots = hvsim_net_recv_buf(n, &m->send_buf);
		out->type = NVSP_MSG1_SEND_RECV_BUF_COMPLETE;
		out->recv_buf_complete.status = nslots ? NVSP_STAT_SUCCESS : NVSP_STAT_FAIL;
		out->recv_buf_complete.num_sections = 1;
		out->recv_buf_complete.section.sub_alloc_size = n->slot_size;
		out->recv_buf_complete.section.num_sub_allocs = nslots;
		out->recv_buf_complete.section.end_offset = nslots * n->slot_size;
		return 0;
	case NVSP_MSG1_SEND_SEND_BUF:
		out->type = NVSP_MSG1_SEND_SEND_BUF_COMPLETE;
		if (hvsim_net_send_buf(n, &m->send_buf)) {
			out->send_buf_complete.status = NVSP_STAT_SUCCESS;
			out->send_buf_complete.section_size = HVSIM_NET_SEND_SECTION;
		} else {
			out->send_buf_complete.status = NVSP_STAT_FAIL;
		}
		return 0;
	case NVSP_MSG1_REVOKE_RECV_BUF:
		n->recv_handle = 0;
		hvsim_net_free_slots(n);
		return 0;
	case NVSP_MSG1_REVOKE_SEND_BUF:
		n->send_handle = 0;
		return 0;
	case NVSP_MSG2_SEND_NDIS_CONFIG:
		/* Only a host that coalesces takes the guest's word for it. */
		n->rsc_cap = n->pers->rsc && n->nvsp >= NVSP_VERSION_61 &&
			     (m->ndis_config.capability & NVSP_NDIS_CAP_RSC);
		/* OpenVMM lib.rs guest_vf_is_available(): NVSP 4 and SR-IOV */
		n->sriov_cap = n->nvsp >= NVSP_VERSION_4 &&
			       (m->ndis_config.capability & NVSP_NDIS_CAP_SRIOV);
		return 0;
	case NVSP_MSG4_SWITCH_DATA_PATH:
		if (n->nvsp < NVSP_VERSION_4)
			break;		/* no such message before NVSP 4 */
		return hvsim_net_vf_switch(n, chan, m, len);
	case NVSP_MSG1_SEND_RNDIS_PKT:
		out->type = NVSP_MSG1_SEND_RNDIS_PKT_COMPLETE;
		if (m->rndis.section_index == NVSP_NO_SECTION) {
			hvsim_net_bad(n, chan, "in-band RNDIS packet without a section");
			out->rndis_complete.status = NVSP_STAT_INVALID_RNDIS_PKT;
		} else {
			out->rndis_complete.status =
				hvsim_net_rndis_section(n, chan, &m->rndis, signal);
		}
		return 0;
	}
	hvsim_net_bad(n, chan, "unknown NVSP message type");
	return -EINVAL;
}

static const char *hvsim_net_ranges(const struct vmbus_packet_page_buffer *pb,
				    u32 len, u32 *total)
{
	const char *why = hvsim_gpa_ranges(pb, len, HVSIM_NET_MAX_RANGES, total);

	if (why)
		return why;
	if (len - pb->desc.offset8 * 8 <
	    offsetof(struct nvsp_msg, rndis) + sizeof(struct nvsp_rndis_pkt))
		return "NVSP message does not fit the packet";
	if (*total > HVSIM_NET_MAX_GPA_BYTES)
		return "GPA-direct packet too large";
	return NULL;
}

static u32 hvsim_net_gpa(struct hvsim_net *n, struct hvsim_chan *chan,
			 const u8 *pkt, u32 len, bool *signal)
{
	const struct vmbus_packet_page_buffer *pb = (const void *)pkt;
	const struct nvsp_msg *m = (const void *)(pkt + pb->desc.offset8 * 8);
	struct hvsim_net_src src = { .pb = pb };
	const char *why;

	why = hvsim_net_ranges(pb, len, &src.len);
	if (!why && (m->type != NVSP_MSG1_SEND_RNDIS_PKT ||
		     m->rndis.section_index != NVSP_NO_SECTION))
		why = "GPA-direct packet is not an RNDIS packet";
	if (why) {
		hvsim_net_bad(n, chan, why);
		return NVSP_STAT_INVALID_RNDIS_PKT;
	}
	return hvsim_net_rndis(n, chan, m->rndis.channel_type, &src, signal);
}

/* The guest is done with a transfer-page packet: free all its slots. */
static void hvsim_net_recv_done(struct hvsim_net *n, struct hvsim_chan *chan,
				u64 trans_id)
{
	u32 slot = trans_id, i;

	if (trans_id == HVSIM_NET_EARLY_ID)
		return;		/* fault_early_xfer's packet */
	if (trans_id == HVSIM_NET_VF_ASSOC_ID || trans_id == HVSIM_NET_VF_SWITCH_ID)
		return;		/* OpenVMM takes them; Linux never sends them */
	if (trans_id >= n->nslots || !test_bit(trans_id, n->slot_head)) {
		hvsim_net_bad(n, chan, "receive completion for a packet not in flight");
		return;
	}
	if (n->slot_queue[trans_id] != chan->subidx) {
		hvsim_net_bad(n, chan, "receive completion on another channel");
		return;
	}
	clear_bit(slot, n->slot_head);
	for (i = 0; i < HVSIM_NET_BATCH && slot < n->nslots; i++) {
		u32 next = n->slot_next[slot];

		clear_bit(slot, n->slot_busy);
		n->slots_used--;
		slot = next;
	}
	/*
	 * The receive buffer is shared by all channels: a queue that ran out
	 * of slots waits for completions that may come on another channel.
	 */
	for (i = 0; i < HVSIM_NET_MAX_QUEUES; i++) {
		struct hvsim_net_queue *q = &n->q[i];

		if (q->starved && q->chan && q->chan != chan) {
			q->starved = false;
			hvsim_chan_queue(q->chan);
		}
	}
}

/*
 * The NVSP type of a control request on the primary channel that wants a
 * completion (anything but data), or 0.
 */
static u32 hvsim_net_ctrl_type(struct hvsim_chan *chan, const u8 *pkt, u32 len)
{
	const struct vmpacket_descriptor *d = (const void *)pkt;
	u32 off = d->offset8 * 8;
	struct nvsp_msg m = {};

	if (chan->subidx || !(d->flags & VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED) ||
	    (d->type != VM_PKT_DATA_INBAND && d->type != VM_PKT_DATA_USING_GPA_DIRECT) ||
	    len - off < offsetof(struct nvsp_msg, rndis) + sizeof(m.rndis))
		return 0;
	memcpy(&m, pkt + off, offsetof(struct nvsp_msg, rndis) + sizeof(m.rndis));
	if (m.type == NVSP_MSG1_SEND_RNDIS_PKT && m.rndis.channel_type != NVSP_CHANNEL_CONTROL)
		return 0;
	return m.type;
}

/*
 * fault_ctrl_late: before serving a control request, send the completion
 * held back, then let the guest see it alone for a while.  Return: 0 to
 * go on, -ENOMEM to be called again with the same request.
 */
static int hvsim_net_late(struct hvsim_net *n, struct hvsim_chan *chan,
			  bool *signal)
{
	int ret;

	if (n->late_held) {
		if (n->late_empty)
			ret = hvsim_chan_send(chan, VM_PKT_COMP, 0, n->late_id, NULL, 0,
					      signal);
		else
			ret = hvsim_net_reply(chan, n->late_id, &n->late_msg, signal);
		if (ret)
			return ret;
		n->late_held = false;
		n->late_sent = true;
		n->late_until = jiffies + HVSIM_NET_LATE_WAIT;
		pr_info("fault: net%u late completion of NVSP message %u sent\n",
			n->dev->id, n->late_msg.type);
		return -ENOMEM;
	}
	if (n->late_sent && time_before(jiffies, n->late_until))
		return -ENOMEM;
	n->late_sent = false;
	return 0;
}

/*
 * The completion of a data path switch: no payload (OpenVMM lib.rs
 * send_completion(id, None) once the switch is made; Linux
 * netvsc_send_completion() takes one without data for it), or what
 * fault_switch_comp makes of it.  The switch is made either way.
 */
static int hvsim_net_switch_comp(struct hvsim_net *n, struct hvsim_chan *chan,
				 u64 trans_id, bool *signal)
{
	struct nvsp_msg m = {};
	u32 mode = n->fault_switch_comp;

	switch (mode) {
	case 1:		/* late: sent before the guest's next control request */
		n->late_held = true;
		n->late_empty = true;
		n->late_id = trans_id;
		break;
	case 2:		/* mistyped: a payload, of the request's own type */
		m.type = NVSP_MSG4_SWITCH_DATA_PATH;
		m.switch_dp.active = READ_ONCE(n->dp_vf) ? NVSP_DATAPATH_VF :
			NVSP_DATAPATH_SYNTHETIC;
		break;
	case 3:		/* never */
		break;
	default:
		return hvsim_chan_send(chan, VM_PKT_COMP, 0, trans_id, NULL, 0,
				       signal);
	}
	if (mode == 2) {
		int ret = hvsim_net_reply(chan, trans_id, &m, signal);

		if (ret)
			return ret;
	}
	n->fault_switch_comp = 0;
	pr_info("fault: net%u data path switch completion %s\n", n->dev->id,
		mode == 1 ? "withheld, sent late" : mode == 2 ? "sent with a payload" :
		"never sent");
	return 0;
}

/**
 * hvsim_net_send_itab() - send the guest the send indirection table
 * @n: the NIC
 * @chan: its primary channel
 * @signal: set when the guest must be signalled
 *
 * NVSP 5 hosts send it, in-band and wanting no completion, once every
 * subchannel the guest asked for is open: entry i names channel
 * i % channels (OpenVMM lib.rs guest_send_indirection_table()).  Hosts
 * up to NVSP 6 put it behind a whole NVSP message and leave the offset
 * field wrong (Linux netvsc_send_table()).
 *
 * Return: 0, or -ENOSPC to retry.
 */
int hvsim_net_send_itab(struct hvsim_net *n, struct hvsim_chan *chan,
			bool *signal)
{
	u32 msg[(NVSP_MSG_SIZE_V61 + NVSP_SEND_ITAB_SIZE * sizeof(u32)) / sizeof(u32)] = {};
	const u32 fields = sizeof(u32) + sizeof(struct nvsp_send_itab);
	u32 at = n->pers->itab_bad_offset ? NVSP_MSG_SIZE_V61 : fields, i;
	struct kvec kv = { .iov_base = msg, .iov_len = at + NVSP_SEND_ITAB_SIZE * sizeof(u32) };
	int ret;

	if (n->nvsp < NVSP_VERSION_5 || !n->subs) {
		n->itab_pending = false;
		return 0;
	}
	msg[0] = NVSP_MSG5_SEND_INDIRECTION_TABLE;
	msg[1] = NVSP_SEND_ITAB_SIZE;
	msg[2] = fields;	/* right only where the table follows */
	for (i = 0; i < NVSP_SEND_ITAB_SIZE; i++)
		msg[at / sizeof(u32) + i] = i % (n->subs + 1);
	ret = hvsim_chan_send(chan, VM_PKT_DATA_INBAND, 0, 0, &kv, 1, signal);
	if (ret == -ENOSPC)
		return ret;
	n->itab_pending = false;
	if (!ret)
		n->st.itab_sent++;
	return 0;
}

/**
 * hvsim_net_packet() - handle one packet from the guest
 * @chan: the channel
 * @pkt: the packet, descriptor checked
 * @len: its length
 * @signal: set when the guest must be signalled
 *
 * Return: 0 (consumed), -ENOSPC (no room for the reply yet), -EIO.
 */
int hvsim_net_packet(struct hvsim_chan *chan, const u8 *pkt, u32 len,
		     bool *signal)
{
	const struct vmpacket_descriptor *d = (const void *)pkt;
	struct hvsim_net *n = chan->dev->priv;
	u32 off = d->offset8 * 8;
	struct nvsp_msg out = {};
	struct nvsp_msg m = {};
	u32 ctype;
	int ret;

	if (d->type == VM_PKT_COMP) {
		hvsim_net_recv_done(n, chan, d->trans_id);
		return 0;
	}
	/* Every request may need a completion and an RNDIS reply. */
	ret = hvsim_ring_room(&chan->out, HVSIM_NET_REPLY_ROOM);
	if (ret == -EIO)
		chan->out.err = "guest corrupted its receive ring";
	if (ret)
		return ret;
	ctype = hvsim_net_ctrl_type(chan, pkt, len);
	ret = ctype ? hvsim_net_late(n, chan, signal) : 0;
	if (ret)
		return ret;

	if (d->type == VM_PKT_DATA_USING_GPA_DIRECT) {
		out.type = NVSP_MSG1_SEND_RNDIS_PKT_COMPLETE;
		out.rndis_complete.status = hvsim_net_gpa(n, chan, pkt, len, signal);
	} else if (d->type == VM_PKT_DATA_INBAND && len - off >= sizeof(u32)) {
		memcpy(&m, pkt + off, min_t(u32, len - off, sizeof(m)));
		ret = hvsim_net_nvsp(n, chan, &m, len - off, &out, signal);
		if (ret == 1 && (d->flags & VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED))
			return hvsim_net_switch_comp(n, chan, d->trans_id, signal);
		if (ret)
			return 0;
	} else {
		hvsim_net_bad(n, chan, "packet type not used by the network class");
		return 0;
	}
	if (!out.type || !(d->flags & VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED))
		return 0;
	if (n->fault_tx_reject && out.type == NVSP_MSG1_SEND_RNDIS_PKT_COMPLETE &&
	    out.rndis_complete.status == NVSP_STAT_SUCCESS && !ctype) {
		/* A host that took the frame and says it failed. */
		n->fault_tx_reject--;
		out.rndis_complete.status = NVSP_STAT_FAIL;
		pr_info("fault: net%u send completed with NVSP status FAIL\n",
			n->dev->id);
	}
	if (ctype && ctype == n->fault_ctrl_late) {
		n->fault_ctrl_late = 0;
		n->late_held = true;
		n->late_empty = false;
		n->late_id = d->trans_id;
		n->late_msg = out;
		pr_info("fault: net%u completion of NVSP message %u withheld\n",
			n->dev->id, ctype);
		return 0;
	}
	return hvsim_net_reply(chan, d->trans_id, &out, signal);
}

static void hvsim_net_fault(struct hvsim_net *n, struct vmxfer_page_header *h,
			    struct vmxfer_page_range *r, u8 *slot)
{
	if (n->fault_bad_section) {
		/* Alternately: an unknown buffer, a range that wraps around */
		if (n->fault_bad_section-- & 1) {
			h->xfer_pageset_id = NVSP_RECV_BUF_ID + 1;
		} else {
			r->byte_offset = U32_MAX - 15;
			r->byte_count = 32;
		}
		pr_info("fault: net%u receive range outside the receive buffer\n",
			n->dev->id);
	} else if (n->fault_bad_offset) {
		n->fault_bad_offset--;
		r->byte_offset = n->recv_size - 8;
		pr_info("fault: net%u receive range beyond the buffer\n",
			n->dev->id);
	} else if (n->fault_bad_rndis) {
		n->fault_bad_rndis--;
		((struct rndis_hdr *)slot)->len = r->byte_count + 4096;
		pr_info("fault: net%u RNDIS message with a bad length\n",
			n->dev->id);
	}
}

/**
 * hvsim_net_free_slots_for_data() - receive slots frames may still take
 * @n: the NIC
 *
 * Frames leave a few slots free for control replies, which can then never
 * wait for the completions queued behind their request.
 *
 * Return: the number of slots.
 */
u32 hvsim_net_free_slots_for_data(const struct hvsim_net *n)
{
	if (n->slots_used + HVSIM_NET_CTRL_SLOTS >= n->nslots)
		return 0;
	return n->nslots - HVSIM_NET_CTRL_SLOTS - n->slots_used;
}

/**
 * hvsim_net_deliver() - put RNDIS messages into the guest's receive buffer
 * @n: the NIC
 * @chan: its channel
 * @msgs: the messages, each into a slot of its own
 * @count: how many, 1..HVSIM_NET_BATCH; data messages at most
 *	hvsim_net_free_slots_for_data()
 * @signal: set when the guest must be signalled
 *
 * One transfer-page packet with a range per message; its transaction ID
 * is the first slot, and the guest's completion frees them all.
 *
 * Return: 0; -ENOSPC if no slot or no ring room (retry once the guest
 * completes or reads); -ENODEV without a receive buffer; -E2BIG; -EIO;
 * -EINVAL if a frame is shorter than its messages say.
 */
int hvsim_net_deliver(struct hvsim_net *n, struct hvsim_chan *chan,
		      const struct hvsim_net_msg *msgs, u32 count, bool *signal)
{
	struct hvsim_gpadl *g = hvsim_net_gpadl(n, n->recv_handle);
	struct vmxfer_page_range r[HVSIM_NET_BATCH];
	struct vmxfer_page_header h = {};
	struct nvsp_msg m = {};
	struct kvec kv[3] = {
		{ .iov_base = &h, .iov_len = sizeof(h) },
		{ .iov_base = r, .iov_len = count * sizeof(r[0]) },
		{ .iov_base = &m, .iov_len = sizeof(m) },
	};
	u32 slots[HVSIM_NET_BATCH], total = sizeof(h) + count * sizeof(r[0]) + sizeof(m);
	unsigned long slot = 0;
	u32 i;
	u8 *dst;
	int ret;

	if (!g || !n->nslots)
		return -ENODEV;
	if (WARN_ON_ONCE(!count || count > HVSIM_NET_BATCH))
		return -EINVAL;
	if (msgs[0].dlen ? count > hvsim_net_free_slots_for_data(n) :
			   n->slots_used + count > n->nslots)
		return -ENOSPC;
	for (i = 0; i < count; i++) {
		if (msgs[i].hlen + msgs[i].dlen > n->slot_size)
			return -E2BIG;
		slot = find_next_zero_bit(n->slot_busy, n->nslots, i ? slot + 1 : 0);
		if (slot >= n->nslots)
			return -ENOSPC;
		slots[i] = slot;
	}
	ret = hvsim_ring_room(&chan->out, total);
	if (ret)
		return ret;
	for (i = 0; i < count; i++) {
		dst = (u8 *)g->va + slots[i] * n->slot_size;
		memcpy(dst, msgs[i].hdr, msgs[i].hlen);
		if (msgs[i].dlen &&
		    skb_copy_bits(msgs[i].skb, msgs[i].off, dst + msgs[i].hlen,
				  msgs[i].dlen))
			return -EINVAL;
		r[i].byte_count = msgs[i].hlen + msgs[i].dlen;
		r[i].byte_offset = slots[i] * n->slot_size;
	}
	h.desc.type = VM_PKT_DATA_USING_XFER_PAGES;
	h.desc.offset8 = (sizeof(h) + count * sizeof(r[0])) / 8;
	h.desc.len8 = total / 8;
	h.desc.flags = VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED;
	h.desc.trans_id = slots[0];
	h.xfer_pageset_id = NVSP_RECV_BUF_ID;
	h.range_cnt = count;
	m.type = NVSP_MSG1_SEND_RNDIS_PKT;
	m.rndis.channel_type = msgs[0].dlen ? NVSP_CHANNEL_DATA : NVSP_CHANNEL_CONTROL;
	m.rndis.section_index = NVSP_NO_SECTION;
	hvsim_net_fault(n, &h, &r[0], (u8 *)g->va + slots[0] * n->slot_size);
	hvsim_fuzz_shared(chan, (u8 *)g->va + slots[0] * n->slot_size, r[0].byte_count);
	ret = hvsim_ring_write(&chan->out, kv, ARRAY_SIZE(kv), signal);
	if (ret)
		return ret;
	for (i = 0; i < count; i++) {
		set_bit(slots[i], n->slot_busy);
		n->slot_next[slots[i]] = i + 1 < count ? slots[i + 1] : U32_MAX;
	}
	set_bit(slots[0], n->slot_head);
	n->slot_queue[slots[0]] = chan->subidx;
	n->slots_used += count;
	return 0;
}

/**
 * hvsim_net_comp_storm() - fault: completions the guest never asked for
 * @n: the NIC
 * @chan: the channel to send them on
 * @signal: set when the guest must be signalled
 *
 * Sends up to fault_comp_storm completions, alternately with transaction
 * id 0 and ids the guest never used, a budget's worth at a time.
 *
 * Return: 0, or -ENOSPC when the ring is full (more are left).
 */
int hvsim_net_comp_storm(struct hvsim_net *n, struct hvsim_chan *chan,
			 bool *signal)
{
	struct nvsp_msg m = {
		.type = NVSP_MSG1_SEND_RNDIS_PKT_COMPLETE,
		.rndis_complete.status = NVSP_STAT_SUCCESS,
	};
	unsigned int i;
	int ret = 0;

	for (i = 0; i < HVSIM_NET_BUDGET && n->fault_comp_storm; i++) {
		u64 id = n->fault_comp_storm & 1 ? 0 : 0xdead0000ULL + n->fault_comp_storm;

		ret = hvsim_net_reply(chan, id, &m, signal);
		if (ret)
			break;
		n->fault_comp_storm--;
	}
	if (!n->fault_comp_storm)
		pr_info("fault: net%u completion storm sent\n", n->dev->id);
	return ret;
}
