/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvsim's synthetic video host (new_device "video").  Interfaces between
 * video*.c.
 *
 * The guest places its VRAM in the MMIO space hvsim offers (video_mmio.c:
 * memory hvsim owns, reported to hv_vmbus as the MMIO range) and tells the
 * host where with VRAM_LOCATION.  The host reads the VRAM only there, and
 * only the rectangles DIRT messages name, into its captured frame.
 *
 * Locking: everything runs in the channel's service or in control files,
 * with hvsim.lock held.
 */
#ifndef _HVSIM_VIDEO_H
#define _HVSIM_VIDEO_H

#include <hvguest/synthvid_proto.h>

#include "hvsim.h"

#define HVSIM_VIDEO_VRAM_MB	4	/* the offer's mmio_megabytes by default */
#define HVSIM_VIDEO_VRAM_MAX_MB	256	/* what hvguest's hyperv_fb accepts */
#define HVSIM_VIDEO_MAX_DIM	8192

/**
 * struct hvsim_video_host - what one host's video device does
 * @max_version: the newest synthvid version it accepts
 * @any_minor: it accepts every version of major 3 and echoes it
 * @accepted: the is_accepted value of an acceptance
 * @modes: its resolution list (WIN10)
 * @min_request: a resolution request for fewer entries gets an empty
 *	list (0: no such rule)
 * @feature_change: it asks for dirty rectangles (FEATURE_CHANGE) once it
 *	has the VRAM; without, it reads the VRAM itself whenever it shows it
 */
struct hvsim_video_host {
	u32 max_version;
	bool any_minor;
	u8 accepted;
	const char *modes;
	u8 min_request;
	bool feature_change;
};

struct hvsim_video {
	struct hvsim_dev *dev;
	const struct hvsim_video_host *host;	/* of the device's personality */
	bool any_minor;			/* host->any_minor unless version= */
	struct hvsim_chan *chan;	/* the open channel, or NULL */

	/* Configuration from new_device */
	u32 vram_mb;			/* the offer's mmio_megabytes */
	u16 offer_mb;			/* offer_mb=: mmio_megabytes as given */
	bool offer_mb_set;
	u32 max_version;
	unsigned int nmodes;
	unsigned int def_mode;
	struct synthvid_screen modes[SYNTHVID_MAX_RESOLUTIONS];

	/* What the guest set up */
	u32 version;			/* 0: not negotiated */
	u64 vram_gpa;			/* 0: no VRAM location yet */
	u8 *vram;			/* hvsim's mapping of it */
	bool situ_set;
	struct synthvid_output_situation situ;
	bool ptr_visible;
	s32 ptr_x, ptr_y;
	u32 shape_w, shape_h;
	u64 shapes;

	/* The captured frame, RGB888 rows of situ.width_pixels */
	u8 *frame;
	u32 frame_w, frame_h;

	u64 dirt_msgs;
	u64 dirt_rects;
	u64 last_dirt_ns;		/* ktime_get_ns() of the last DIRT applied */
	u64 bad_msgs;

	/* Fault knobs: how many of the next host messages to spoil */
	u32 fault_bad_size;
	u32 fault_unknown_type;
	u32 fault_bad_list;
	u32 fault_vram_refuse;
	u32 fault_big_packet;
	unsigned int size_flip, list_flip;
};

/* video_msg.c */
int hvsim_video_packet(struct hvsim_chan *chan, const u8 *pkt, u32 len,
		       bool *signal);
void hvsim_video_reset(struct hvsim_video *v);

/* video_frame.c */
int hvsim_video_frame_resize(struct hvsim_video *v);
void hvsim_video_frame_apply(struct hvsim_video *v,
			     const struct synthvid_rect *r);
void hvsim_video_frame_files(struct hvsim_video *v);

#endif /* _HVSIM_VIDEO_H */
