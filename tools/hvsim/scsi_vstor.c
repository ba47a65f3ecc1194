// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VSTOR protocol of hvsim's storage host: initialization, version
 * negotiation, properties and SRB execution.  Every guest packet is a
 * private copy (hvsim_chan_service) and is validated before use.
 */
#include <linux/delay.h>
#include <linux/mm.h>

#include "scsi.h"

#define HVSIM_VSTOR_FAIL	0xc0000001	/* any non-zero status fails */

static bool hvsim_vstor_version_ok(struct hvsim_scsi *s, u16 v)
{
	switch (v) {
	case VSTOR_VERSION_WIN6:
	case VSTOR_VERSION_WIN7:
	case VSTOR_VERSION_WIN8:
	case VSTOR_VERSION_WIN8_1:
	case VSTOR_VERSION_WIN10:
		return v <= s->max_version;
	default:
		return false;
	}
}

/* Bytes of a vstor_packet at the negotiated version. */
static u32 hvsim_vstor_pkt_len(struct hvsim_scsi *s)
{
	u32 len = sizeof(struct vstor_packet);

	if (s->version && s->version < VSTOR_VERSION_WIN8)
		len -= VSTOR_WIN8_EXTENSION;
	return len;
}

static const char *hvsim_vstor_ranges(const u8 *pkt, u32 len,
				      struct hvsim_scsi_cmd *c)
{
	const struct vmbus_packet_page_buffer *pb = (const void *)pkt;
	const char *why;

	why = hvsim_gpa_ranges(pb, len, HVSIM_SCSI_MAX_RANGES, &c->room);
	if (why)
		return why;
	c->ranges = pb->range;
	c->nranges = pb->rangecount;
	return NULL;
}

static void hvsim_vstor_srb(struct hvsim_scsi *s, struct vstor_packet *p,
			    struct hvsim_scsi_cmd *c, u32 plen)
{
	struct vmscsi_request *srb = &p->srb;
	u8 cdb[VSTOR_CDB_MAX];

	if (plen < VSTOR_HDR_BYTES + sizeof(*srb) - VSTOR_WIN8_EXTENSION ||
	    !srb->cdb_length || srb->cdb_length > VSTOR_CDB_MAX) {
		srb->srb_status = VSTOR_SRB_INVALID_REQUEST;
		srb->data_transfer_length = 0;
		return;
	}
	if (srb->path_id || srb->target_id || srb->lun >= HVSIM_SCSI_MAX_LUNS ||
	    !s->luns[srb->lun]) {
		srb->srb_status = VSTOR_SRB_INVALID_LUN;
		srb->data_transfer_length = 0;
		return;
	}
	if (s->delay_ms)
		msleep(s->delay_ms);
	c->room = min(c->room, srb->data_transfer_length);
	memcpy(cdb, srb->cdb, sizeof(cdb));
	c->s = s;
	c->lun = s->luns[srb->lun];
	c->cdb = cdb;
	c->cdb_len = srb->cdb_length;
	hvsim_scsi_execute(c);

	srb->scsi_status = c->scsi_status;
	srb->srb_status = c->srb_status;
	srb->data_transfer_length = c->xfer;
	memset(srb->sense_data, 0, sizeof(srb->sense_data));
	srb->sense_info_length = min_t(u8, c->sense_len, srb->sense_info_length);
	memcpy(srb->sense_data, c->sense, srb->sense_info_length);
	if (atomic_add_unless(&s->fault_bad_len, -1, 0)) {
		pr_info("hvsim: scsi: fault: completion claims %lu extra bytes\n",
			PAGE_SIZE);
		srb->data_transfer_length += PAGE_SIZE;
	}
}

/* Keep an SRB unanswered (fault_swallow); false if there is no room. */
static bool hvsim_scsi_hold(struct hvsim_scsi *s, struct hvsim_chan *chan,
			    u64 trans_id, const struct vstor_packet *p)
{
	struct hvsim_scsi_held *h;

	spin_lock(&s->held_lock);
	if (s->nheld == HVSIM_SCSI_MAX_HELD) {
		spin_unlock(&s->held_lock);
		return false;
	}
	h = &s->held[s->nheld++];
	h->chan = chan;
	h->trans_id = trans_id;
	h->p = *p;
	h->p.operation = VSTOR_OP_COMPLETE_IO;
	h->p.status = 0;
	h->p.srb.srb_status = VSTOR_SRB_BUS_RESET;
	h->p.srb.scsi_status = 0;
	h->p.srb.sense_info_length = 0;
	h->p.srb.data_transfer_length = 0;
	spin_unlock(&s->held_lock);
	pr_info("hvsim: scsi: fault: relid %u: SRB %#llx swallowed until a reset\n",
		chan->relid, trans_id);
	return true;
}

/*
 * A reset ends every SRB in progress: the swallowed ones complete with
 * BUS_RESET on their own channels before the reset itself is answered.
 */
static void hvsim_scsi_reset(struct hvsim_scsi *s)
{
	unsigned int i, kept = 0;

	s->resets++;
	spin_lock(&s->held_lock);
	for (i = 0; i < s->nheld; i++) {
		struct hvsim_scsi_held *h = &s->held[i];
		struct kvec kv = { &h->p, hvsim_vstor_pkt_len(s) };
		bool signal = false;

		if (hvsim_chan_send(h->chan, VM_PKT_COMP, 0, h->trans_id, &kv, 1,
				    &signal)) {
			s->held[kept++] = *h;	/* no room: at the next reset */
			continue;
		}
		if (signal)
			hvsim_signal_guest(h->chan);
	}
	if (s->nheld)
		pr_info("hvsim: scsi: reset: %u swallowed SRBs completed\n",
			s->nheld - kept);
	s->nheld = kept;
	spin_unlock(&s->held_lock);
}

/**
 * hvsim_scsi_drop_held() - forget the swallowed SRBs of a closing channel
 * @s: the device
 * @chan: the channel
 */
void hvsim_scsi_drop_held(struct hvsim_scsi *s, struct hvsim_chan *chan)
{
	unsigned int i, kept = 0;

	spin_lock(&s->held_lock);
	for (i = 0; i < s->nheld; i++)
		if (s->held[i].chan != chan)
			s->held[kept++] = s->held[i];
	s->nheld = kept;
	spin_unlock(&s->held_lock);
}

static void hvsim_vstor_props(struct hvsim_scsi *s, struct vstor_packet *p)
{
	memset(&p->props, 0, sizeof(p->props));
	p->props.max_transfer_bytes = s->max_xfer;
	p->props.max_channel_cnt = s->subchannels;
	if (s->subchannels && s->version >= VSTOR_VERSION_WIN8)
		p->props.flags = VSTOR_PROP_MULTI_CHANNEL;
}

static void hvsim_vstor_op(struct hvsim_chan *chan, struct vstor_packet *p,
			   struct hvsim_scsi_cmd *c, u32 plen)
{
	struct hvsim_scsi *s = chan->dev->priv;

	p->status = 0;
	switch (p->operation) {
	case VSTOR_OP_BEGIN_INITIALIZATION:
	case VSTOR_OP_END_INITIALIZATION:
		break;
	case VSTOR_OP_RESET_LUN:
	case VSTOR_OP_RESET_ADAPTER:
	case VSTOR_OP_RESET_BUS:
		hvsim_scsi_reset(s);
		break;
	case VSTOR_OP_QUERY_PROTOCOL_VERSION:
		if (hvsim_vstor_version_ok(s, p->version.major_minor))
			s->version = p->version.major_minor;
		else
			p->status = HVSIM_VSTOR_FAIL;
		break;
	case VSTOR_OP_QUERY_PROPERTIES:
		hvsim_vstor_props(s, p);
		break;
	case VSTOR_OP_CREATE_SUB_CHANNELS:
		if (chan->subidx || p->sub_channel_count > s->subchannels ||
		    hvsim_add_subchannels(chan->dev, p->sub_channel_count))
			p->status = HVSIM_VSTOR_FAIL;
		break;
	case VSTOR_OP_EXECUTE_SRB:
		hvsim_vstor_srb(s, p, c, plen);
		break;
	default:
		pr_err_ratelimited("hvsim: relid %u: unknown VSTOR operation %u\n",
				   chan->relid, p->operation);
		p->status = HVSIM_VSTOR_FAIL;
	}
	p->operation = VSTOR_OP_COMPLETE_IO;
}

/**
 * hvsim_scsi_packet() - answer one guest packet of a storage channel
 * @chan: the channel
 * @pkt: the packet, descriptor checked by hvsim_chan_service()
 * @len: its length
 * @signal: set when the guest must be signalled
 *
 * Return: 0 (consumed), -ENOSPC (the reply does not fit yet), -EBUSY (not
 * an SRB: again with the host to itself).
 */
int hvsim_scsi_packet(struct hvsim_chan *chan, const u8 *pkt, u32 len,
		      bool *signal)
{
	const struct vmpacket_descriptor *d = (const void *)pkt;
	struct hvsim_scsi *s = chan->dev->priv;
	struct hvsim_scsi_cmd c = { .s = s, .bounce = chan->priv };
	u32 off = d->offset8 * 8, plen = len - off;
	struct vstor_packet p = { 0 };
	u64 trans_id = d->trans_id;
	struct kvec kv;
	const char *why = NULL;
	bool srb;

	if (d->type == VM_PKT_DATA_USING_GPA_DIRECT)
		why = hvsim_vstor_ranges(pkt, len, &c);
	else if (d->type != VM_PKT_DATA_INBAND)
		why = "unexpected packet type";
	if (!why && plen < VSTOR_HDR_BYTES)
		why = "VSTOR packet too short";
	if (why) {
		pr_err_ratelimited("hvsim: relid %u: %s, packet skipped\n",
				   chan->relid, why);
		return 0;
	}
	memcpy(&p, pkt + off, min_t(u32, plen, sizeof(p)));
	srb = p.operation == VSTOR_OP_EXECUTE_SRB;
	if (!srb && !chan->exclusive)
		return -EBUSY;	/* changes the device: not beside SRBs */
	if (srb && atomic_add_unless(&s->fault_swallow, -1, 0)) {
		if (hvsim_scsi_hold(s, chan, trans_id, &p))
			return 0;
		atomic_inc(&s->fault_swallow);	/* full: answer this one */
	}
	hvsim_vstor_op(chan, &p, &c, plen);
	if (d->type == VM_PKT_DATA_INBAND &&
	    !(d->flags & VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED))
		return 0;
	kv.iov_base = &p;
	kv.iov_len = hvsim_vstor_pkt_len(s);
	if (atomic_add_unless(&s->fault_bad_id, -1, 0)) {
		trans_id = ~trans_id;
		pr_info("hvsim: scsi: fault: completion with unknown id %#llx\n",
			trans_id);
	} else if (srb && atomic_add_unless(&s->fault_short, -1, 0)) {
		kv.iov_len = VSTOR_HDR_BYTES + 8;
		pr_info("hvsim: scsi: fault: SRB completion cut to %zu bytes\n",
			kv.iov_len);
	}
	return hvsim_chan_send(chan, VM_PKT_COMP, 0, trans_id, &kv, 1, signal);
}
