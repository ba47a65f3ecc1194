// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VSTOR protocol of hvsim's storage host: initialization, version
 * negotiation, properties and SRB execution.  Every guest packet is a
 * private copy (hvsim_chan_service) and is validated before use.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/mm.h>

#include "scsi.h"

/* NTSTATUS of failed control operations (storvsp_protocol NtStatus) */
#define HVSIM_VSTOR_FAIL		0xc0000001	/* UNSUCCESSFUL */
#define HVSIM_VSTOR_INVALID_PARAMETER	0xc000000d
#define HVSIM_VSTOR_REVISION_MISMATCH	0xc0000059
#define HVSIM_VSTOR_INVALID_STATE	0xc0000184	/* INVALID_DEVICE_STATE */

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

/*
 * The data of an SRB is exactly one range: a byte count, an offset into
 * the first page and the page list.  OpenVMM's vmbus_ring (gparange.rs
 * parse, and a zero range count is a corrupt ring there) refuses an empty
 * range, an offset past the first page and a page list shorter than offset
 * + length; storvsp (lib.rs Range::new) refuses a second range and a range
 * shorter than data_transfer_length, or no range with data to move.  Any of
 * these ends the channel's worker: it is not serviced any more.
 */
static const char *hvsim_vstor_range(const u8 *pkt, u32 len,
				     struct hvsim_scsi_cmd *c)
{
	const struct vmbus_packet_mpb_hdr *h = (const void *)pkt;
	u32 off = h->desc.offset8 * 8, npfns, i;

	if (len < sizeof(*h) || off < sizeof(*h))
		return "GPA-direct header does not fit the packet";
	if (!h->rangecount)
		return "GPA-direct packet without a range";
	if (h->rangecount > 1)
		return "SRB data in more than one GPA range";
	if (!h->range.len)
		return "empty GPA range";
	if (h->range.offset >= PAGE_SIZE)
		return "GPA range offset beyond its first page";
	npfns = DIV_ROUND_UP((u64)h->range.offset + h->range.len, PAGE_SIZE);
	if (npfns > (off - sizeof(*h)) / sizeof(u64))
		return "GPA range lists fewer pages than it covers";
	for (i = 0; i < npfns; i++)
		if (!pfn_valid(h->range.pfn[i]))
			return "GPA range page is not guest memory";
	c->pfns = h->range.pfn;
	c->npfns = npfns;
	c->data_off = h->range.offset;
	c->room = h->range.len;
	return NULL;
}

/* storvsp Range::new: the data must fit the one range there is. */
static const char *hvsim_vstor_srb_len(const struct vstor_packet *p, u32 plen,
				       const struct hvsim_scsi_cmd *c)
{
	u32 dtl = p->srb.data_transfer_length;

	if (plen < VSTOR_HDR_BYTES + offsetofend(struct vmscsi_request,
						 data_transfer_length))
		return NULL;	/* answered as an invalid request */
	if (dtl > c->room)
		return c->npfns ? "data_transfer_length beyond the GPA range" :
				  "data_transfer_length without a GPA range";
	return NULL;
}

/* storvsp convert_srb_status_to_nt_status(), for what hvsim answers. */
static u32 hvsim_vstor_nt_status(u8 srb_status)
{
	switch (VSTOR_SRB_STATUS(srb_status)) {
	case VSTOR_SRB_SUCCESS:
		return 0;
	case VSTOR_SRB_BUSY:
		return 0x80000011;	/* DEVICE_BUSY */
	case VSTOR_SRB_INVALID_LUN:
		return 0xc00000c0;	/* DEVICE_DOES_NOT_EXIST */
	case VSTOR_SRB_SELECTION_TIMEOUT:
		return 0xc000009d;	/* DEVICE_NOT_CONNECTED */
	case VSTOR_SRB_DATA_OVERRUN:
		return 0x80000005;	/* BUFFER_OVERFLOW */
	case VSTOR_SRB_ABORTED:
		return 0xc0000120;	/* CANCELLED */
	default:
		return 0xc0000185;	/* IO_DEVICE_ERROR */
	}
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
	c->room = srb->data_transfer_length;	/* within the range */
	memcpy(cdb, srb->cdb, sizeof(cdb));
	c->s = s;
	c->lun = s->luns[srb->lun];
	c->cdb = cdb;
	c->cdb_len = srb->cdb_length;
	hvsim_scsi_execute(c);

	if (s->pers->nt_status) {
		/*
		 * storvsp handle_completion(): a fresh SRB, not the request's:
		 * its length, CDB length 16, sense length 20 (the buffer),
		 * the sense data if any.
		 */
		memset(srb, 0, sizeof(*srb));
		srb->length = sizeof(*srb);
		srb->cdb_length = VSTOR_CDB_MAX;
		srb->sense_info_length = VSTOR_SENSE_MAX;
		memcpy(srb->sense_data, c->sense, c->sense_len);
		p->status = hvsim_vstor_nt_status(c->srb_status);
	} else {
		memset(srb->sense_data, 0, sizeof(srb->sense_data));
		srb->sense_info_length = min_t(u8, c->sense_len,
					       srb->sense_info_length);
		memcpy(srb->sense_data, c->sense, srb->sense_info_length);
	}
	srb->scsi_status = c->scsi_status;
	srb->srb_status = c->srb_status;
	srb->data_transfer_length = c->xfer;
	if (atomic_add_unless(&s->fault_bad_len, -1, 0)) {
		pr_info("scsi: fault: completion claims %lu extra bytes\n",
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
	pr_info("scsi: fault: relid %u: SRB %#llx swallowed until a reset\n",
		chan->relid, trans_id);
	return true;
}

/*
 * A reset ends every SRB in progress where the host does so
 * (reset_flushes): the swallowed ones complete with BUS_RESET on their own
 * channels before the reset itself is answered.
 */
static void hvsim_scsi_reset(struct hvsim_scsi *s)
{
	s->resets++;
	if (!s->pers->reset_flushes)
		return;
	if (atomic_add_unless(&s->fault_ignore_reset, -1, 0)) {
		pr_info("scsi: fault: reset completes none of the %u SRBs held\n",
			s->nheld);
		return;
	}
	hvsim_scsi_complete_held(s);
}

/**
 * hvsim_scsi_complete_held() - complete the swallowed SRBs, with BUS_RESET
 * @s: the device; the host has itself (hvsim.lock held for writing, or the
 *	exclusive service of the primary channel)
 */
void hvsim_scsi_complete_held(struct hvsim_scsi *s)
{
	unsigned int i, kept = 0;

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
		pr_info("scsi: %u swallowed SRBs completed\n",
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

/*
 * The properties reply, as storvsp fills it: the subchannels and the
 * multi-channel flag from WIN8 on only, every reserved field zero.
 */
static void hvsim_vstor_props(struct hvsim_scsi *s, struct vstor_packet *p)
{
	bool multi = s->version >= VSTOR_VERSION_WIN8;

	memset(&p->props, 0, sizeof(p->props));
	p->props.max_transfer_bytes = s->max_xfer;
	p->props.max_channel_cnt = multi ? s->subchannels : 0;
	if (multi)
		p->props.flags = VSTOR_PROP_MULTI_CHANNEL;
}

/*
 * The initialization of the primary channel, in storvsp's order
 * (process_primary): BEGIN_INITIALIZATION, QUERY_PROTOCOL_VERSION until one
 * is accepted, QUERY_PROPERTIES, then CREATE_SUB_CHANNELS (once, WIN8 on)
 * or END_INITIALIZATION.  Anything else meanwhile is answered with
 * INVALID_DEVICE_STATE and changes nothing.
 */
static void hvsim_vstor_init_op(struct hvsim_chan *chan, struct vstor_packet *p)
{
	struct hvsim_scsi *s = chan->dev->priv;
	u32 op = p->operation;

	switch (s->state) {
	case HVSIM_VSTOR_BEGIN:
		if (op != VSTOR_OP_BEGIN_INITIALIZATION)
			break;
		s->state = HVSIM_VSTOR_QUERY_VERSION;
		s->sub_requested = false;
		return;
	case HVSIM_VSTOR_QUERY_VERSION:
		if (op != VSTOR_OP_QUERY_PROTOCOL_VERSION)
			break;
		if (hvsim_vstor_version_ok(s, p->version.major_minor)) {
			s->version = p->version.major_minor;
			s->state = HVSIM_VSTOR_QUERY_PROPERTIES;
		} else {
			p->status = HVSIM_VSTOR_REVISION_MISMATCH;
		}
		p->version.revision = 0;
		return;
	case HVSIM_VSTOR_QUERY_PROPERTIES:
		if (op != VSTOR_OP_QUERY_PROPERTIES)
			break;
		hvsim_vstor_props(s, p);
		s->state = HVSIM_VSTOR_END_INIT;
		return;
	case HVSIM_VSTOR_END_INIT:
		if (op == VSTOR_OP_END_INITIALIZATION) {
			s->state = HVSIM_VSTOR_READY;
			return;
		}
		if (op != VSTOR_OP_CREATE_SUB_CHANNELS || s->sub_requested ||
		    s->version < VSTOR_VERSION_WIN8)
			break;
		if (p->sub_channel_count > s->subchannels ||
		    hvsim_add_subchannels(chan->dev, p->sub_channel_count))
			p->status = HVSIM_VSTOR_INVALID_PARAMETER;
		else
			s->sub_requested = true;
		return;
	case HVSIM_VSTOR_READY:
		break;
	}
	pr_err_ratelimited("relid %u: VSTOR operation %u out of order\n",
			   chan->relid, op);
	p->status = HVSIM_VSTOR_INVALID_STATE;
}

/* A control operation once initialized (storvsp handle_packet). */
static void hvsim_vstor_ready_op(struct hvsim_chan *chan,
				 struct vstor_packet *p)
{
	struct hvsim_scsi *s = chan->dev->priv;

	switch (p->operation) {
	case VSTOR_OP_RESET_LUN:
	case VSTOR_OP_RESET_ADAPTER:
	case VSTOR_OP_RESET_BUS:
		if (atomic_add_unless(&s->fault_fail_reset, -1, 0)) {
			pr_info("scsi: fault: reset fails, %u SRBs kept\n",
				s->nheld);
			p->status = HVSIM_VSTOR_FAIL;
			return;
		}
		hvsim_scsi_reset(s);
		return;
	case VSTOR_OP_CREATE_SUB_CHANNELS:
		if (chan->subidx || s->version < VSTOR_VERSION_WIN8)
			break;
		/* storvsp: enable_subchannels() with the count asked for */
		if (p->sub_channel_count > s->subchannels ||
		    hvsim_add_subchannels(chan->dev, p->sub_channel_count))
			p->status = HVSIM_VSTOR_INVALID_PARAMETER;
		return;
	}
	pr_err_ratelimited("relid %u: VSTOR operation %u once initialized\n",
			   chan->relid, p->operation);
	p->status = HVSIM_VSTOR_INVALID_STATE;
}

static void hvsim_vstor_op(struct hvsim_chan *chan, struct vstor_packet *p,
			   struct hvsim_scsi_cmd *c, u32 plen)
{
	struct hvsim_scsi *s = chan->dev->priv;

	p->status = 0;
	if (READ_ONCE(s->state) != HVSIM_VSTOR_READY) {
		if (chan->subidx)	/* storvsp: waits for the primary */
			p->status = HVSIM_VSTOR_INVALID_STATE;
		else
			hvsim_vstor_init_op(chan, p);
	} else if (p->operation == VSTOR_OP_EXECUTE_SRB) {
		hvsim_vstor_srb(s, p, c, plen);
	} else {
		hvsim_vstor_ready_op(chan, p);
	}
	p->operation = VSTOR_OP_COMPLETE_IO;
	p->flags = 0;
}

/* The payload bytes each operation reads (storvsp parse_packet). */
static bool hvsim_vstor_op_len_ok(u32 op, u32 plen)
{
	switch (op) {
	case VSTOR_OP_BEGIN_INITIALIZATION:
	case VSTOR_OP_END_INITIALIZATION:
	case VSTOR_OP_QUERY_PROPERTIES:
	case VSTOR_OP_EXECUTE_SRB:
	case VSTOR_OP_RESET_LUN:
	case VSTOR_OP_RESET_ADAPTER:
	case VSTOR_OP_RESET_BUS:
		return true;
	case VSTOR_OP_QUERY_PROTOCOL_VERSION:
		return plen >= VSTOR_HDR_BYTES + sizeof(struct vstor_protocol_version);
	case VSTOR_OP_CREATE_SUB_CHANNELS:
		return plen >= VSTOR_HDR_BYTES + sizeof(u16);
	default:
		return false;
	}
}

/* Send the reply held back by fault_late_reply, if any, first. */
static void hvsim_vstor_send_late(struct hvsim_scsi *s, bool *signal)
{
	struct hvsim_scsi_held *h = &s->late;
	struct kvec kv = { &h->p, hvsim_vstor_pkt_len(s) };

	if (!h->chan)
		return;
	if (!hvsim_chan_send(h->chan, VM_PKT_COMP, 0, h->trans_id, &kv, 1,
			     signal))
		pr_info("scsi: fault: late reply %#llx sent\n",
			h->trans_id);
	h->chan = NULL;
}

/*
 * fault_bad_inband: two in-band messages from the host beside an SRB's
 * completion: a whole VSTOR packet of operation 0x7f, which no host sends,
 * and an ENUMERATE_BUS cut to 4 bytes (8 with the padding), shorter than
 * the VSTOR header.
 */
static void hvsim_vstor_bad_inband(struct hvsim_scsi *s,
				   struct hvsim_chan *chan, bool *signal)
{
	struct vstor_packet p = { .operation = 0x7f };
	u32 op = VSTOR_OP_ENUMERATE_BUS;
	struct kvec kv[2] = {
		{ &p, hvsim_vstor_pkt_len(s) },
		{ &op, sizeof(op) },
	};

	pr_info("scsi: fault: relid %u: in-band VSTOR operation 0x7f and a 4-byte ENUMERATE_BUS\n",
		chan->relid);
	hvsim_chan_send(chan, VM_PKT_DATA_INBAND, 0, 0, &kv[0], 1, signal);
	hvsim_chan_send(chan, VM_PKT_DATA_INBAND, 0, 0, &kv[1], 1, signal);
}

/* Whether the reply to this control operation is to be held back. */
static bool hvsim_vstor_hold_late(struct hvsim_scsi *s, struct hvsim_chan *chan,
				  u64 trans_id, struct vstor_packet *p)
{
	int op = atomic_read(&s->fault_late_reply);

	if (!op || op != p->operation || s->late.chan)
		return false;
	atomic_set(&s->fault_late_reply, 0);
	s->late.chan = chan;
	s->late.trans_id = trans_id;
	s->late.p = *p;
	s->late.p.operation = VSTOR_OP_COMPLETE_IO;
	s->late.p.flags = 0;
	s->late.p.status = HVSIM_VSTOR_FAIL;
	pr_info("scsi: fault: reply to VSTOR operation %u (%#llx) held back\n",
		p->operation, trans_id);
	return true;
}

/* Why the packet stops the channel, as it stops storvsp's worker. */
static const char *hvsim_vstor_check(const u8 *pkt, u32 len,
				     struct hvsim_scsi_cmd *c)
{
	const struct vmpacket_descriptor *d = (const void *)pkt;
	u32 plen = len - d->offset8 * 8;
	const char *why = NULL;

	if (d->type == VM_PKT_DATA_USING_GPA_DIRECT)
		why = hvsim_vstor_range(pkt, len, c);
	else if (d->type == VM_PKT_COMP)
		why = "completion packet from the guest";
	else if (d->type != VM_PKT_DATA_INBAND)
		why = "unexpected packet type";
	if (!why && !(d->flags & VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED))
		why = "VSTOR request without completion requested";
	if (!why && plen < VSTOR_HDR_BYTES)
		why = "VSTOR packet too short";
	return why;
}

/**
 * hvsim_scsi_packet() - answer one guest packet of a storage channel
 * @chan: the channel
 * @pkt: the packet, descriptor checked by hvsim_chan_service()
 * @len: its length
 * @signal: set when the guest must be signalled
 *
 * A packet storvsp would not take stops the channel (it is not serviced
 * any more), for every personality.
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
	const char *why;
	struct kvec kv;
	bool srb;

	why = hvsim_vstor_check(pkt, len, &c);
	if (!why) {
		memcpy(&p, pkt + off, min_t(u32, plen, sizeof(p)));
		if (!hvsim_vstor_op_len_ok(p.operation, plen))
			why = "unknown or short VSTOR operation";
		else if (p.operation == VSTOR_OP_EXECUTE_SRB)
			why = hvsim_vstor_srb_len(&p, plen, &c);
	}
	if (why) {
		hvsim_chan_broken(chan, why);
		return 0;
	}
	srb = p.operation == VSTOR_OP_EXECUTE_SRB;
	if (!srb && !chan->exclusive)
		return -EBUSY;	/* changes the device: not beside SRBs */
	if (!srb)
		hvsim_vstor_send_late(s, signal);
	if (srb && atomic_add_unless(&s->fault_swallow, -1, 0)) {
		if (hvsim_scsi_hold(s, chan, trans_id, &p))
			return 0;
		atomic_inc(&s->fault_swallow);	/* full: answer this one */
	}
	if (!srb && hvsim_vstor_hold_late(s, chan, trans_id, &p))
		return 0;
	if ((p.operation == VSTOR_OP_RESET_BUS ||
	     p.operation == VSTOR_OP_RESET_ADAPTER ||
	     p.operation == VSTOR_OP_RESET_LUN) &&
	    atomic_add_unless(&s->fault_stall_reset, -1, 0)) {
		s->resets++;
		pr_info("scsi: fault: reset %#llx never answered\n",
			trans_id);
		return 0;
	}
	hvsim_vstor_op(chan, &p, &c, plen);
	kv.iov_base = &p;
	kv.iov_len = hvsim_vstor_pkt_len(s);
	if (s->pers->echo_len)
		kv.iov_len = VSTOR_HDR_BYTES +
			     min_t(u32, plen - VSTOR_HDR_BYTES, VSTOR_PAYLOAD_BYTES);
	if (atomic_add_unless(&s->fault_bad_id, -1, 0)) {
		trans_id = ~trans_id;
		pr_info("scsi: fault: completion with unknown id %#llx\n",
			trans_id);
	} else if (srb && atomic_add_unless(&s->fault_short, -1, 0)) {
		kv.iov_len = VSTOR_HDR_BYTES + 8;
		pr_info("scsi: fault: SRB completion cut to %zu bytes\n",
			kv.iov_len);
	}
	if (srb && atomic_add_unless(&s->fault_bad_inband, -1, 0))
		hvsim_vstor_bad_inband(s, chan, signal);
	return hvsim_chan_send(chan, VM_PKT_COMP, 0, trans_id, &kv, 1, signal);
}
