// SPDX-License-Identifier: GPL-2.0-only
/*
 * The synthvid protocol: version negotiation, the host's resolution list,
 * the VRAM location, situation updates, the pointer and dirty rectangles.
 *
 * Requests of the set-up wait for their response; everything the host
 * sends is checked (pipe and synthvid sizes, the payload of each type)
 * before use.  A malformed response fails the request it answers; any
 * other malformed message is reported and dropped.
 */
#include <linux/slab.h>

#include "hyperv_fb.h"

#define HVFB_RESP_TIMEOUT	(10 * HZ)

static int hvfb_send(struct hvfb *fb, u32 type, const void *payload, u32 len)
{
	struct {
		struct synthvid_pipe_hdr pipe;
		struct synthvid_hdr hdr;
		u8 payload[64];
	} __packed msg;
	int ret;

	if (WARN_ON_ONCE(len > sizeof(msg.payload)))
		return -EINVAL;
	msg.hdr.type = type;
	msg.hdr.size = sizeof(msg.hdr) + len;
	msg.pipe.type = PIPE_MSG_DATA;
	msg.pipe.size = msg.hdr.size;
	memcpy(msg.payload, payload, len);
	ret = hvg_sendpacket(fb->chan, &msg, SYNTHVID_HDRS_LEN + len, 0,
			     VM_PKT_DATA_INBAND, 0);
	/* A full ring is the caller's to retry. */
	if (ret && ret != -EAGAIN)
		dev_err_ratelimited(&fb->hdev->dev,
				    "cannot send synthvid message %u: %d\n",
				    type, ret);
	return ret;
}

/* Send a request and wait for the response of type @resp (into fb->resp). */
static int hvfb_request(struct hvfb *fb, u32 type, const void *payload,
			u32 len, u32 resp)
{
	int ret;

	spin_lock_irq(&fb->lock);
	reinit_completion(&fb->resp_done);
	fb->resp_type = resp;
	fb->resp_err = 0;
	spin_unlock_irq(&fb->lock);
	ret = hvfb_send(fb, type, payload, len);
	if (!ret && !wait_for_completion_timeout(&fb->resp_done,
						 HVFB_RESP_TIMEOUT)) {
		dev_err(&fb->hdev->dev, "no answer to synthvid message %u\n",
			type);
		ret = -ETIMEDOUT;
	}
	spin_lock_irq(&fb->lock);
	fb->resp_type = 0;
	if (!ret)
		ret = fb->resp_err;
	spin_unlock_irq(&fb->lock);
	return ret;
}

static void hvfb_malformed(struct hvfb *fb, u32 type, const char *why)
{
	dev_err_ratelimited(&fb->hdev->dev,
			    "malformed synthvid message (type %d) from the host: %s\n",
			    (int)type, why);
	/*
	 * The response we wait for, or a message that could be it: fail the
	 * request rather than time out.
	 */
	if (fb->resp_type && (type == fb->resp_type ||
			      hvfb_payload_min(type) == U32_MAX)) {
		fb->resp_err = -EPROTO;
		fb->resp_type = 0;
		complete(&fb->resp_done);
	}
}

static void hvfb_feature(struct hvfb *fb, const struct synthvid_feature_change *f)
{
	fb->dirt_needed = f->is_dirt_needed;
	if (fb->ready)
		schedule_work(&fb->state_work);
}

/* One packet payload from the host; called with fb->lock held. */
static void hvfb_message(struct hvfb *fb, const u8 *buf, u32 len)
{
	const u8 *payload = buf + SYNTHVID_HDRS_LEN;
	const char *why;
	u32 type, plen;

	lockdep_assert_held(&fb->lock);

	why = hvfb_check(buf, len, &type, &plen);
	if (why) {
		hvfb_malformed(fb, type, why);
		return;
	}
	if (type == SYNTHVID_FEATURE_CHANGE) {
		hvfb_feature(fb, (const void *)payload);
		return;
	}
	if (type == SYNTHVID_SITUATION_UPDATE_ACK)
		return;
	if (type != fb->resp_type) {
		dev_err_ratelimited(&fb->hdev->dev,
				    "unexpected synthvid message %u from the host, dropped\n",
				    type);
		return;
	}
	memcpy(fb->resp, payload, min_t(u32, plen, sizeof(fb->resp)));
	fb->resp_type = 0;
	complete(&fb->resp_done);
}

/**
 * hvfb_receive() - the channel callback
 * @ctx: the struct hvfb
 */
void hvfb_receive(void *ctx)
{
	struct hvfb *fb = ctx;
	unsigned long flags;
	u64 trans_id;
	u32 len;
	int ret;

	for (;;) {
		ret = hvg_recvpacket(fb->chan, fb->recv_buf, SYNTHVID_MAX_MSG,
				     &len, &trans_id);
		if (ret)
			break;
		spin_lock_irqsave(&fb->lock, flags);
		hvfb_message(fb, fb->recv_buf, len);
		spin_unlock_irqrestore(&fb->lock, flags);
	}
	if (ret == -ENOBUFS) {
		hvg_channel_fail(fb->chan, "synthvid packet larger than 16 KiB");
		spin_lock_irqsave(&fb->lock, flags);
		hvfb_malformed(fb, U32_MAX, "packet too large");
		spin_unlock_irqrestore(&fb->lock, flags);
	}
}

static int hvfb_negotiate(struct hvfb *fb, u32 version)
{
	struct synthvid_version_req req = { .version = version };
	const struct synthvid_version_resp *resp = (const void *)fb->resp;
	int ret;

	ret = hvfb_request(fb, SYNTHVID_VERSION_REQUEST, &req, sizeof(req),
			   SYNTHVID_VERSION_RESPONSE);
	if (ret)
		return ret;
	return resp->is_accepted ? 0 : -EPROTONOSUPPORT;
}

static void hvfb_get_modes(struct hvfb *fb)
{
	struct synthvid_resolution_req req = {
		.maximum_resolution_count = SYNTHVID_MAX_RESOLUTIONS,
	};
	const struct synthvid_resolution_resp *resp = (const void *)fb->resp;
	unsigned int i, n = 0, def;
	int ret;

	ret = hvfb_request(fb, SYNTHVID_RESOLUTION_REQUEST, &req, sizeof(req),
			   SYNTHVID_RESOLUTION_RESPONSE);
	if (ret) {
		dev_err(&fb->hdev->dev, "no resolution list from the host (%d), using %ux%u\n",
			ret, HVFB_DEFAULT_WIDTH, HVFB_DEFAULT_HEIGHT);
		return;
	}
	def = resp->default_resolution_index;
	if (def >= resp->resolution_count) {
		dev_err(&fb->hdev->dev, "the host's default resolution %u is not in its list of %u, ignored\n",
			def, resp->resolution_count);
		def = 0;
	}
	for (i = 0; i < resp->resolution_count; i++) {
		const struct synthvid_screen *s = &resp->supported_resolution[i];

		if (s->width < HVFB_MIN_WIDTH || s->height < HVFB_MIN_HEIGHT ||
		    s->width > HVFB_MAX_DIM || s->height > HVFB_MAX_DIM) {
			dev_err(&fb->hdev->dev, "the host offers an unusable resolution %ux%u, ignored\n",
				s->width, s->height);
			continue;
		}
		if (i == def)
			fb->def_mode = n;
		fb->modes[n++] = *s;
	}
	fb->nmodes = n;
}

/**
 * hvfb_connect() - negotiate the protocol version and read the modes
 * @fb: the device, its channel open
 *
 * Return: 0 or a negative errno (the host accepted none of our versions).
 */
int hvfb_connect(struct hvfb *fb)
{
	static const u32 versions[] = {
		SYNTHVID_VERSION_WIN10, SYNTHVID_VERSION_WIN8, SYNTHVID_VERSION_WIN7,
	};
	unsigned int i;
	int ret = -EPROTONOSUPPORT;

	for (i = 0; i < ARRAY_SIZE(versions); i++) {
		ret = hvfb_negotiate(fb, versions[i]);
		if (ret != -EPROTONOSUPPORT)
			break;
	}
	if (ret) {
		dev_err(&fb->hdev->dev, "synthvid version negotiation failed: %d\n",
			ret);
		return ret;
	}
	fb->version = versions[i];
	fb->depth = fb->version == SYNTHVID_VERSION_WIN7 ?
		    SYNTHVID_DEPTH_WIN7 : SYNTHVID_DEPTH_WIN8;
	dev_info(&fb->hdev->dev, "synthvid version %u.%u\n",
		 SYNTHVID_MAJOR(fb->version), SYNTHVID_MINOR(fb->version));
	if (fb->version == SYNTHVID_VERSION_WIN10)
		hvfb_get_modes(fb);
	return 0;
}

/**
 * hvfb_send_vram() - tell the host where the VRAM is, wait for its ack
 * @fb: the device, VRAM reserved
 *
 * Return: 0 or a negative errno.
 */
int hvfb_send_vram(struct hvfb *fb)
{
	const struct synthvid_vram_location_ack *ack = (const void *)fb->resp;
	struct synthvid_vram_location loc = {
		.user_ctx = fb->mmio->start,
		.is_vram_gpa_specified = 1,
		.vram_gpa = fb->mmio->start,
	};
	int ret;

	ret = hvfb_request(fb, SYNTHVID_VRAM_LOCATION, &loc, sizeof(loc),
			   SYNTHVID_VRAM_LOCATION_ACK);
	if (ret)
		return ret;
	if (ack->user_ctx != loc.user_ctx) {
		dev_err(&fb->hdev->dev, "the host did not take the VRAM at %pa\n",
			&fb->mmio->start);
		return -EPROTO;
	}
	return 0;
}

/**
 * hvfb_send_situation() - the mode and whether the output is on
 * @fb: the device
 *
 * Return: 0 or a negative errno.
 */
int hvfb_send_situation(struct hvfb *fb)
{
	const struct fb_info *info = fb->info;
	struct synthvid_situation_update s = {
		.video_output_count = 1,
		.video_output[0] = {
			.active = !READ_ONCE(fb->blanked),
			.vram_offset = 0,
			.depth_bits = fb->depth,
			.width_pixels = info->var.xres,
			.height_pixels = info->var.yres,
			.pitch_bytes = info->fix.line_length,
		},
	};

	return hvfb_send(fb, SYNTHVID_SITUATION_UPDATE, &s, sizeof(s));
}

/**
 * hvfb_send_pointer() - a visible pointer at the origin, 1x1 pixel
 * @fb: the device
 *
 * The synthetic mouse moves the host's pointer; the framebuffer only needs
 * it to exist.
 *
 * Return: 0 or a negative errno.
 */
int hvfb_send_pointer(struct hvfb *fb)
{
	struct synthvid_pointer_position pos = { .is_visible = 1 };
	struct {
		struct synthvid_pointer_shape s;
		u8 argb[4];
	} __packed shape = {
		.s = {
			.part_idx = SYNTHVID_CURSOR_COMPLETE,
			.is_argb = 1,
			.width = 1,
			.height = 1,
		},
		.argb = { 0xff, 0xff, 0xff, 0xff },
	};
	int ret;

	ret = hvfb_send(fb, SYNTHVID_POINTER_POSITION, &pos, sizeof(pos));
	if (!ret)
		ret = hvfb_send(fb, SYNTHVID_POINTER_SHAPE, &shape, sizeof(shape));
	return ret;
}

/**
 * hvfb_send_dirt() - tell the host that @r of the VRAM changed
 * @fb: the device
 * @r: the rectangle, within the mode
 *
 * Return: 0 or a negative errno (-EAGAIN: the ring is full, retry).
 */
int hvfb_send_dirt(struct hvfb *fb, const struct hvfb_rect *r)
{
	struct {
		struct synthvid_dirt d;
		struct synthvid_rect r;
	} __packed dirt = {
		.d.dirt_count = 1,
		.r = { .x1 = r->x1, .y1 = r->y1, .x2 = r->x2, .y2 = r->y2 },
	};

	return hvfb_send(fb, SYNTHVID_DIRT, &dirt, sizeof(dirt));
}

/**
 * hvfb_state_work() - send our state to the host again
 * @work: fb->state_work
 *
 * Sends the pointer and the situation and, if the host now wants dirty
 * rectangles, the whole screen.
 */
void hvfb_state_work(struct work_struct *work)
{
	struct hvfb *fb = container_of(work, struct hvfb, state_work);

	mutex_lock(&fb->update_lock);
	if (!fb->gone) {
		hvfb_send_pointer(fb);
		hvfb_send_situation(fb);
	}
	mutex_unlock(&fb->update_lock);
	hvfb_mark_dirty(fb, 0, 0, fb->info->var.xres, fb->info->var.yres);
}
