// SPDX-License-Identifier: GPL-2.0-only
/*
 * The synthvid messages of hvsim's video host: what the guest sends is
 * checked (pipe and synthvid sizes, each type's payload, the VRAM location
 * against the MMIO space, the situation against the VRAM, dirty
 * rectangles against the situation) and answered in the host's formats.
 * A bad message is reported, counted in bad_msgs and otherwise ignored.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ktime.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "video.h"

#define HVSIM_VIDEO_BAD_TYPE	0x7f	/* what fault_unknown_type sends */
#define HVSIM_VIDEO_BIG_PACKET	(16 * 1024 + 8)	/* what fault_big_packet sends */
#define HVSIM_VIDEO_SMALL_PKT	64	/* a packet with a small message, padded */

static void hvsim_video_bad(struct hvsim_video *v, const char *why, u32 type)
{
	v->bad_msgs++;
	pr_err_ratelimited("dev%u: video: %s (message type %u), ignored\n",
			   v->dev->id, why, type);
}

static int hvsim_video_send(struct hvsim_video *v, struct hvsim_chan *chan,
			    u32 type, const void *payload, u32 len,
			    bool *signal)
{
	struct {
		struct synthvid_pipe_hdr pipe;
		struct synthvid_hdr hdr;
	} __packed h = {
		.pipe = { .type = PIPE_MSG_DATA, .size = sizeof(h.hdr) + len },
		.hdr = { .type = type, .size = sizeof(h.hdr) + len },
	};
	struct kvec kv[3] = {
		{ .iov_base = &h, .iov_len = sizeof(h) },
		{ .iov_base = (void *)payload, .iov_len = len },
	};
	void *pad = NULL;
	int ret;

	if (v->fault_unknown_type) {
		v->fault_unknown_type--;
		pr_info("fault: dev%u: video message %u sent as type %u\n",
			v->dev->id, type, HVSIM_VIDEO_BAD_TYPE);
		h.hdr.type = HVSIM_VIDEO_BAD_TYPE;
	} else if (v->fault_bad_size) {
		v->fault_bad_size--;
		if (v->size_flip++ & 1) {
			pr_info("fault: dev%u: video message %u with an empty payload\n",
				v->dev->id, type);
			h.hdr.size = sizeof(h.hdr);
		} else {
			pr_info("fault: dev%u: video message %u claims more than the packet\n",
				v->dev->id, type);
			h.pipe.size += 4096;
			h.hdr.size += 4096;
		}
	}
	if (v->fault_big_packet && sizeof(h) + len < HVSIM_VIDEO_BIG_PACKET) {
		/* Zeros after the message, the packet 8 bytes beyond 16 KiB. */
		kv[2].iov_len = HVSIM_VIDEO_BIG_PACKET - sizeof(h) - len;
		pad = kzalloc(kv[2].iov_len, GFP_KERNEL);
		if (pad) {
			v->fault_big_packet--;
			kv[2].iov_base = pad;
			pr_info("fault: dev%u: video message %u in a packet of %u bytes\n",
				v->dev->id, type, HVSIM_VIDEO_BIG_PACKET);
		}
	}
	ret = hvsim_chan_send(chan, VM_PKT_DATA_INBAND, 0, 0, kv, pad ? 3 : 2,
			      signal);
	kfree(pad);
	return ret;
}

static bool hvsim_video_known(u32 version)
{
	return version == SYNTHVID_VERSION_WIN10 ||
	       version == SYNTHVID_VERSION_WIN8 ||
	       version == SYNTHVID_VERSION_WIN7;
}

static int hvsim_video_version(struct hvsim_video *v, struct hvsim_chan *chan,
			       const struct synthvid_version_req *req,
			       bool *signal)
{
	struct synthvid_version_resp resp = {
		.version = req->version,
		.max_video_outputs = 1,
	};

	/* All are major 3: the minor orders them. */
	if ((v->any_minor && SYNTHVID_MAJOR(req->version) == 3) ||
	    (hvsim_video_known(req->version) &&
	     SYNTHVID_MINOR(req->version) <= SYNTHVID_MINOR(v->max_version))) {
		resp.is_accepted = v->host->accepted;
		v->version = req->version;
	}
	return hvsim_video_send(v, chan, SYNTHVID_VERSION_RESPONSE, &resp,
				sizeof(resp), signal);
}

static int hvsim_video_modes(struct hvsim_video *v, struct hvsim_chan *chan,
			     const struct synthvid_resolution_req *req,
			     bool *signal)
{
	struct synthvid_resolution_resp *resp;
	int ret;

	if (v->version != SYNTHVID_VERSION_WIN10) {
		hvsim_video_bad(v, "resolution request before WIN10 was negotiated",
				SYNTHVID_RESOLUTION_REQUEST);
		return 0;
	}
	resp = kzalloc(sizeof(*resp), GFP_KERNEL);
	if (!resp)
		return -ENOMEM;
	resp->resolution_count = min_t(u32, v->nmodes, req->maximum_resolution_count);
	if (req->maximum_resolution_count < v->host->min_request)
		resp->resolution_count = 0;
	resp->default_resolution_index = v->def_mode;
	memcpy(resp->supported_resolution, v->modes,
	       resp->resolution_count * sizeof(v->modes[0]));
	if (v->fault_bad_list) {
		v->fault_bad_list--;
		if (v->list_flip++ & 1) {
			pr_info("fault: dev%u: default resolution index out of the list\n",
				v->dev->id);
			resp->default_resolution_index = resp->resolution_count;
		} else {
			pr_info("fault: dev%u: resolution count larger than the list\n",
				v->dev->id);
			resp->resolution_count = 200;
		}
	}
	ret = hvsim_video_send(v, chan, SYNTHVID_RESOLUTION_RESPONSE, resp,
			       sizeof(*resp), signal);
	kfree(resp);
	return ret;
}

static int hvsim_video_vram(struct hvsim_video *v, struct hvsim_chan *chan,
			    const struct synthvid_vram_location *loc,
			    bool *signal)
{
	struct synthvid_vram_location_ack ack = { .user_ctx = loc->user_ctx };
	struct synthvid_feature_change feat = {
		.is_dirt_needed = 1,
		.is_ptr_pos_needed = 1,
		.is_ptr_shape_needed = 1,
		.is_situ_needed = 1,
	};
	u64 size = (u64)v->vram_mb << 20;
	u8 *va = NULL;
	int ret;

	if (!v->version) {
		hvsim_video_bad(v, "VRAM location before version negotiation",
				SYNTHVID_VRAM_LOCATION);
	} else if (!loc->is_vram_gpa_specified) {
		hvsim_video_bad(v, "VRAM location without a GPA",
				SYNTHVID_VRAM_LOCATION);
	} else {
		va = hvsim_mmio_va(loc->vram_gpa, size);
		if (!va)
			hvsim_video_bad(v, "VRAM outside the MMIO space",
					SYNTHVID_VRAM_LOCATION);
	}
	if (va && v->fault_vram_refuse) {
		v->fault_vram_refuse--;
		pr_info("fault: dev%u: VRAM location refused\n", v->dev->id);
		va = NULL;
	}
	if (!va) {
		ack.user_ctx = 0;	/* not the guest's: refused */
		return hvsim_video_send(v, chan, SYNTHVID_VRAM_LOCATION_ACK,
					&ack, sizeof(ack), signal);
	}
	/* Room for both answers first: a retry must not acknowledge twice. */
	ret = hvsim_ring_room(&chan->out, 2 * HVSIM_VIDEO_SMALL_PKT);
	if (ret)
		return ret;
	v->vram_gpa = loc->vram_gpa;
	v->vram = va;
	ret = hvsim_video_send(v, chan, SYNTHVID_VRAM_LOCATION_ACK, &ack,
			       sizeof(ack), signal);
	if (ret || !v->host->feature_change)
		return ret;
	/* Ask for everything, as Hyper-V does once the VRAM is known. */
	return hvsim_video_send(v, chan, SYNTHVID_FEATURE_CHANGE, &feat,
				sizeof(feat), signal);
}

static void hvsim_video_situation(struct hvsim_video *v,
				  const struct synthvid_situation_update *u)
{
	const struct synthvid_output_situation *o = &u->video_output[0];
	u32 depth = v->version == SYNTHVID_VERSION_WIN7 ?
		    SYNTHVID_DEPTH_WIN7 : SYNTHVID_DEPTH_WIN8;
	u64 size = (u64)v->vram_mb << 20, end;

	if (!v->vram) {
		hvsim_video_bad(v, "situation before the VRAM location",
				SYNTHVID_SITUATION_UPDATE);
		return;
	}
	if (u->video_output_count != 1 || o->depth_bits != depth ||
	    !o->width_pixels || !o->height_pixels ||
	    o->width_pixels > HVSIM_VIDEO_MAX_DIM ||
	    o->height_pixels > HVSIM_VIDEO_MAX_DIM ||
	    o->pitch_bytes < o->width_pixels * (depth / 8)) {
		hvsim_video_bad(v, "invalid situation", SYNTHVID_SITUATION_UPDATE);
		return;
	}
	end = (u64)o->vram_offset + (u64)o->pitch_bytes * o->height_pixels;
	if (end > size) {
		hvsim_video_bad(v, "situation beyond the VRAM",
				SYNTHVID_SITUATION_UPDATE);
		return;
	}
	v->situ = *o;
	v->situ_set = true;
	if (hvsim_video_frame_resize(v))
		v->situ_set = false;
}

static void hvsim_video_shape(struct hvsim_video *v,
			      const struct synthvid_pointer_shape *s, u32 len)
{
	u64 bytes;

	if (!s->width || !s->height || s->width > SYNTHVID_CURSOR_MAX ||
	    s->height > SYNTHVID_CURSOR_MAX || s->hot_x >= s->width ||
	    s->hot_y >= s->height) {
		hvsim_video_bad(v, "invalid pointer shape", SYNTHVID_POINTER_SHAPE);
		return;
	}
	/* ARGB pixels, or an AND and an XOR mask of one bit per pixel */
	if (s->is_argb)
		bytes = (u64)s->width * s->height * 4;
	else
		bytes = (u64)DIV_ROUND_UP(s->width, 8) * s->height * 2;
	if (sizeof(*s) + bytes > len) {
		hvsim_video_bad(v, "pointer shape larger than the message",
				SYNTHVID_POINTER_SHAPE);
		return;
	}
	v->shape_w = s->width;
	v->shape_h = s->height;
	v->shapes++;
}

static void hvsim_video_dirt(struct hvsim_video *v,
			     const struct synthvid_dirt *d, u32 len)
{
	const struct synthvid_output_situation *o = &v->situ;
	unsigned int i;

	if (!v->situ_set) {
		hvsim_video_bad(v, "dirty rectangles before a situation",
				SYNTHVID_DIRT);
		return;
	}
	if (d->video_output || !d->dirt_count ||
	    sizeof(*d) + d->dirt_count * sizeof(d->rect[0]) > len) {
		hvsim_video_bad(v, "invalid dirty rectangle count", SYNTHVID_DIRT);
		return;
	}
	for (i = 0; i < d->dirt_count; i++) {
		const struct synthvid_rect *r = &d->rect[i];

		if (r->x1 < 0 || r->y1 < 0 || r->x1 >= r->x2 || r->y1 >= r->y2 ||
		    r->x2 > o->width_pixels || r->y2 > o->height_pixels) {
			hvsim_video_bad(v, "dirty rectangle outside the screen",
					SYNTHVID_DIRT);
			continue;
		}
		hvsim_video_frame_apply(v, r);
		v->dirt_rects++;
	}
	v->dirt_msgs++;
	v->last_dirt_ns = ktime_get_ns();
}

static u32 hvsim_video_min_len(u32 type)
{
	switch (type) {
	case SYNTHVID_VERSION_REQUEST:
		return sizeof(struct synthvid_version_req);
	case SYNTHVID_RESOLUTION_REQUEST:
		return sizeof(struct synthvid_resolution_req);
	case SYNTHVID_VRAM_LOCATION:
		return sizeof(struct synthvid_vram_location);
	case SYNTHVID_SITUATION_UPDATE:
		return sizeof(struct synthvid_situation_update);
	case SYNTHVID_POINTER_POSITION:
		return sizeof(struct synthvid_pointer_position);
	case SYNTHVID_POINTER_SHAPE:
		return sizeof(struct synthvid_pointer_shape);
	case SYNTHVID_DIRT:
		return sizeof(struct synthvid_dirt);
	default:
		return U32_MAX;
	}
}

/**
 * hvsim_video_packet() - one packet from the guest
 * @chan: the channel
 * @pkt: the packet (a private copy), descriptor checked
 * @len: its length
 * @signal: set if the guest needs a signal
 *
 * Return: 0 (consumed), -ENOSPC (retry when the guest made room), -ENOMEM.
 */
int hvsim_video_packet(struct hvsim_chan *chan, const u8 *pkt, u32 len,
		       bool *signal)
{
	const struct vmpacket_descriptor *desc = (const void *)pkt;
	struct hvsim_video *v = chan->dev->priv;
	const struct synthvid_pipe_hdr *pipe;
	const struct synthvid_hdr *hdr;
	u32 off = desc->offset8 * 8;
	const void *body;
	u32 blen;

	if (desc->type != VM_PKT_DATA_INBAND) {
		hvsim_video_bad(v, "not an in-band packet", U32_MAX);
		return 0;
	}
	if (len - off < SYNTHVID_HDRS_LEN) {
		hvsim_video_bad(v, "packet shorter than the headers", U32_MAX);
		return 0;
	}
	pipe = (const void *)(pkt + off);
	hdr = (const void *)(pipe + 1);
	body = hdr + 1;
	if (pipe->type != PIPE_MSG_DATA || pipe->size > len - off - sizeof(*pipe) ||
	    hdr->size > pipe->size || hdr->size < sizeof(*hdr)) {
		hvsim_video_bad(v, "pipe and message sizes disagree", hdr->type);
		return 0;
	}
	blen = hdr->size - sizeof(*hdr);
	if (hvsim_video_min_len(hdr->type) == U32_MAX) {
		hvsim_video_bad(v, "unknown message type", hdr->type);
		return 0;
	}
	if (blen < hvsim_video_min_len(hdr->type)) {
		hvsim_video_bad(v, "payload too short", hdr->type);
		return 0;
	}

	switch (hdr->type) {
	case SYNTHVID_VERSION_REQUEST:
		return hvsim_video_version(v, chan, body, signal);
	case SYNTHVID_RESOLUTION_REQUEST:
		return hvsim_video_modes(v, chan, body, signal);
	case SYNTHVID_VRAM_LOCATION:
		return hvsim_video_vram(v, chan, body, signal);
	case SYNTHVID_SITUATION_UPDATE:
		hvsim_video_situation(v, body);
		break;
	case SYNTHVID_POINTER_POSITION: {
		const struct synthvid_pointer_position *p = body;

		v->ptr_visible = p->is_visible;
		v->ptr_x = p->image_x;
		v->ptr_y = p->image_y;
		break;
	}
	case SYNTHVID_POINTER_SHAPE:
		hvsim_video_shape(v, body, blen);
		break;
	case SYNTHVID_DIRT:
		hvsim_video_dirt(v, body, blen);
		break;
	}
	return 0;
}

/**
 * hvsim_video_reset() - forget what the guest set up (channel closed)
 * @v: the device
 */
void hvsim_video_reset(struct hvsim_video *v)
{
	v->version = 0;
	v->vram_gpa = 0;
	v->vram = NULL;
	v->situ_set = false;
	v->ptr_visible = false;
	v->shape_w = 0;
	v->shape_h = 0;
	vfree(v->frame);
	v->frame = NULL;
	v->frame_w = 0;
	v->frame_h = 0;
}
