/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Wire format of the synthetic video device (synthvid).  Shared by
 * hyperv_fb and hvsim's video host.
 *
 * Every message is one in-band VMBus packet: a pipe header, a synthvid
 * header whose size counts itself and the payload, then the payload.
 */
#ifndef _HVGUEST_SYNTHVID_PROTO_H
#define _HVGUEST_SYNTHVID_PROTO_H

#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/types.h>
#include <linux/uuid.h>

/* da0a7802-e377-4aac-8e77-0558eb1073f8 */
#define HVG_SYNTHVID_CLASS_GUID \
	GUID_INIT(0xda0a7802, 0xe377, 0x4aac, 0x8e, 0x77, 0x05, 0x58, 0xeb, 0x10, 0x73, 0xf8)

/* major in the low 16 bits, minor in the high ones */
#define SYNTHVID_VERSION(major, minor)	((u32)(minor) << 16 | (major))
#define SYNTHVID_VERSION_WIN7		SYNTHVID_VERSION(3, 0)
#define SYNTHVID_VERSION_WIN8		SYNTHVID_VERSION(3, 2)
#define SYNTHVID_VERSION_WIN10		SYNTHVID_VERSION(3, 5)
#define SYNTHVID_MAJOR(v)		((v) & 0xffff)
#define SYNTHVID_MINOR(v)		((v) >> 16)

#define SYNTHVID_DEPTH_WIN7		16
#define SYNTHVID_DEPTH_WIN8		32

#define SYNTHVID_MAX_MSG		0x4000	/* largest packet either side sends */
#define SYNTHVID_EDID_BYTES		128
#define SYNTHVID_MAX_RESOLUTIONS	64
#define SYNTHVID_CURSOR_MAX		96	/* pointer width and height */
#define SYNTHVID_CURSOR_COMPLETE	0xff	/* part_idx: the whole shape */

#define PIPE_MSG_DATA			1

enum synthvid_msg_type {
	SYNTHVID_ERROR			= 0,
	SYNTHVID_VERSION_REQUEST	= 1,
	SYNTHVID_VERSION_RESPONSE	= 2,
	SYNTHVID_VRAM_LOCATION		= 3,
	SYNTHVID_VRAM_LOCATION_ACK	= 4,
	SYNTHVID_SITUATION_UPDATE	= 5,
	SYNTHVID_SITUATION_UPDATE_ACK	= 6,
	SYNTHVID_POINTER_POSITION	= 7,
	SYNTHVID_POINTER_SHAPE		= 8,
	SYNTHVID_FEATURE_CHANGE		= 9,
	SYNTHVID_DIRT			= 10,
	SYNTHVID_RESOLUTION_REQUEST	= 13,
	SYNTHVID_RESOLUTION_RESPONSE	= 14,
};

struct synthvid_pipe_hdr {
	u32 type;		/* PIPE_MSG_DATA */
	u32 size;		/* bytes after this header */
} __packed;

struct synthvid_hdr {
	u32 type;		/* enum synthvid_msg_type */
	u32 size;		/* this header and the payload */
} __packed;

struct synthvid_version_req {
	u32 version;
} __packed;

struct synthvid_version_resp {
	u32 version;
	u8 is_accepted;
	u8 max_video_outputs;
} __packed;

struct synthvid_resolution_req {
	u8 maximum_resolution_count;
} __packed;

struct synthvid_screen {
	u16 width;
	u16 height;
} __packed;

struct synthvid_resolution_resp {
	u8 edid_block[SYNTHVID_EDID_BYTES];
	u8 resolution_count;
	u8 default_resolution_index;
	u8 is_standard;
	struct synthvid_screen supported_resolution[SYNTHVID_MAX_RESOLUTIONS];
} __packed;

struct synthvid_vram_location {
	u64 user_ctx;
	u8 is_vram_gpa_specified;
	u64 vram_gpa;
} __packed;

struct synthvid_vram_location_ack {
	u64 user_ctx;
} __packed;

struct synthvid_output_situation {
	u8 active;
	u32 vram_offset;
	u8 depth_bits;
	u32 width_pixels;
	u32 height_pixels;
	u32 pitch_bytes;
} __packed;

struct synthvid_situation_update {
	u64 user_ctx;
	u8 video_output_count;
	struct synthvid_output_situation video_output[1];
} __packed;

struct synthvid_situation_update_ack {
	u64 user_ctx;
} __packed;

struct synthvid_pointer_position {
	u8 is_visible;
	u8 video_output;
	s32 image_x;
	s32 image_y;
} __packed;

/* A shape of width * height ARGB pixels follows in data[]. */
struct synthvid_pointer_shape {
	u8 part_idx;
	u8 is_argb;
	u32 width;
	u32 height;
	u32 hot_x;
	u32 hot_y;
	u8 data[];
} __packed;

struct synthvid_feature_change {
	u8 is_dirt_needed;
	u8 is_ptr_pos_needed;
	u8 is_ptr_shape_needed;
	u8 is_situ_needed;
} __packed;

/* x2 and y2 are exclusive. */
struct synthvid_rect {
	s32 x1;
	s32 y1;
	s32 x2;
	s32 y2;
} __packed;

/* dirt_count rectangles follow. */
struct synthvid_dirt {
	u8 video_output;
	u8 dirt_count;
	struct synthvid_rect rect[];
} __packed;

#define SYNTHVID_HDRS_LEN \
	(sizeof(struct synthvid_pipe_hdr) + sizeof(struct synthvid_hdr))

/*
 * Sizes and offsets: Linux drivers/video/fbdev/hyperv_fb.c (the synthvid_*
 * structs) and OpenVMM vm/devices/uidevices/src/video/protocol.rs.
 */
static_assert(sizeof(struct synthvid_pipe_hdr) == 8);
static_assert(sizeof(struct synthvid_hdr) == 8);
static_assert(offsetof(struct synthvid_hdr, size) == 4);
static_assert(sizeof(struct synthvid_version_req) == 4);
static_assert(sizeof(struct synthvid_version_resp) == 6);
static_assert(offsetof(struct synthvid_version_resp, is_accepted) == 4);
static_assert(offsetof(struct synthvid_version_resp, max_video_outputs) == 5);
static_assert(sizeof(struct synthvid_resolution_req) == 1);
static_assert(sizeof(struct synthvid_screen) == 4);
static_assert(sizeof(struct synthvid_resolution_resp) == 387);
static_assert(offsetof(struct synthvid_resolution_resp, resolution_count) == 128);
static_assert(offsetof(struct synthvid_resolution_resp, default_resolution_index) == 129);
static_assert(offsetof(struct synthvid_resolution_resp, is_standard) == 130);
static_assert(offsetof(struct synthvid_resolution_resp, supported_resolution) == 131);
static_assert(sizeof(struct synthvid_vram_location) == 17);
static_assert(offsetof(struct synthvid_vram_location, is_vram_gpa_specified) == 8);
static_assert(offsetof(struct synthvid_vram_location, vram_gpa) == 9);
static_assert(sizeof(struct synthvid_vram_location_ack) == 8);
static_assert(sizeof(struct synthvid_output_situation) == 18);
static_assert(offsetof(struct synthvid_output_situation, vram_offset) == 1);
static_assert(offsetof(struct synthvid_output_situation, depth_bits) == 5);
static_assert(offsetof(struct synthvid_output_situation, width_pixels) == 6);
static_assert(offsetof(struct synthvid_output_situation, height_pixels) == 10);
static_assert(offsetof(struct synthvid_output_situation, pitch_bytes) == 14);
static_assert(sizeof(struct synthvid_situation_update) == 27);
static_assert(offsetof(struct synthvid_situation_update, video_output_count) == 8);
static_assert(offsetof(struct synthvid_situation_update, video_output) == 9);
static_assert(sizeof(struct synthvid_situation_update_ack) == 8);
static_assert(sizeof(struct synthvid_pointer_position) == 10);
static_assert(offsetof(struct synthvid_pointer_position, image_x) == 2);
static_assert(offsetof(struct synthvid_pointer_position, image_y) == 6);
static_assert(sizeof(struct synthvid_pointer_shape) == 18);
static_assert(offsetof(struct synthvid_pointer_shape, width) == 2);
static_assert(offsetof(struct synthvid_pointer_shape, hot_x) == 10);
static_assert(offsetof(struct synthvid_pointer_shape, data) == 18);
static_assert(sizeof(struct synthvid_feature_change) == 4);
static_assert(sizeof(struct synthvid_rect) == 16);
static_assert(sizeof(struct synthvid_dirt) == 2);
static_assert(offsetof(struct synthvid_dirt, rect) == 2);

#endif /* _HVGUEST_SYNTHVID_PROTO_H */
