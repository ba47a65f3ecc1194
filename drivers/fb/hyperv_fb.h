/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hyperv_fb: the synthetic video framebuffer.  Interfaces between the files
 * of the module.
 *
 * The framebuffer programs and fbcon draw into is a shadow in system memory
 * (deferred I/O needs struct pages to track mmap writes).  Dirty areas are
 * collected in @dirty and copied into the VRAM, the piece of the host's
 * MMIO space the guest gave the host, by the update work, which then tells
 * the host with a DIRT message.
 *
 * Locking: @lock (a spinlock: fbcon draws in atomic context) protects the
 * dirty rectangle and the flags the receive callback sets; @update_lock
 * serialises the update work, mode changes and removal, which sets @gone
 * so that nothing touches the channel or the VRAM afterwards (the fb_info
 * outlives the device while a program still has /dev/fb0 open).
 */
#ifndef _HYPERV_FB_H
#define _HYPERV_FB_H

#include <linux/completion.h>
#include <linux/fb.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <hvguest/compat.h>	/* after <linux/fb.h> */
#include <hvguest/synthvid_proto.h>
#include <hvguest/vmbus.h>

#include "parse.h"

#define HVFB_RING_BYTES		(64 * 1024)
#define HVFB_MIN_WIDTH		640
#define HVFB_MIN_HEIGHT		480
#define HVFB_MAX_DIM		8192
#define HVFB_DEFAULT_WIDTH	1024
#define HVFB_DEFAULT_HEIGHT	768
#define HVFB_UPDATE_DELAY	(HZ / 50)
#define HVFB_MAX_VRAM_MB	256

struct hvfb_rect {
	int x1, y1, x2, y2;	/* x2, y2 exclusive; empty if x1 >= x2 */
};

struct hvfb {
	struct hvg_device *hdev;
	struct hvg_channel *chan;
	struct fb_info *info;
	struct fb_deferred_io defio;
	u32 pseudo_palette[16];

	/* VRAM: a piece of MMIO space, and the shadow programs draw into */
	struct resource *mmio;
	void *vram;
	void *shadow;
	u32 vram_size;

	/* Negotiated with the host */
	u32 version;
	u32 depth;
	unsigned int nmodes;	/* 0: the host gave no list */
	unsigned int def_mode;	/* index of the host's default in @modes */
	struct synthvid_screen modes[SYNTHVID_MAX_RESOLUTIONS];

	/* A request waiting for its response (probe only) */
	struct completion resp_done;
	u32 resp_type;		/* 0: nothing expected */
	int resp_err;
	u8 resp[sizeof(struct synthvid_resolution_resp)];
	u8 *recv_buf;		/* SYNTHVID_MAX_MSG bytes */

	spinlock_t lock;	/* dirty, resp_*, the flags below */
	struct hvfb_rect dirty;
	bool dirt_needed;	/* the host asked for DIRT messages */
	bool ready;		/* VRAM location acknowledged */
	bool blanked;

	struct mutex update_lock;	/* the update work, set_par, removal */
	bool gone;		/* removed: no channel, no VRAM any more */
	struct delayed_work update_work;
	struct work_struct state_work;	/* pointer, situation, repaint */
};

/* synthvid.c */
void hvfb_receive(void *ctx);
int hvfb_connect(struct hvfb *fb);
int hvfb_send_vram(struct hvfb *fb);
int hvfb_send_situation(struct hvfb *fb);
int hvfb_send_pointer(struct hvfb *fb);
int hvfb_send_dirt(struct hvfb *fb, const struct hvfb_rect *r);
void hvfb_state_work(struct work_struct *work);

/* fbops.c */
extern const struct fb_ops hvfb_ops;
void hvfb_init_var(struct hvfb *fb, u32 width, u32 height);
const char *hvfb_mode_check(const struct hvfb *fb, u32 width, u32 height);
void hvfb_mark_dirty(struct hvfb *fb, int x1, int y1, int x2, int y2);
void hvfb_update_work(struct work_struct *work);
void hvfb_deferred_io(struct fb_info *info, struct list_head *pages);

#endif /* _HYPERV_FB_H */
