// SPDX-License-Identifier: GPL-2.0-only
/*
 * The video host's captured frame: what the host would show.  Dirty
 * rectangles are read from the VRAM (hvsim's own mapping of the MMIO
 * space) into an RGB888 copy of the screen; dev<N>/frame.ppm is that copy
 * as a binary PPM, black while the guest has the output turned off.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "video.h"

/**
 * hvsim_video_frame_resize() - a new situation: a black frame of its size
 * @v: the device, v->situ valid
 *
 * Return: 0 or -ENOMEM.
 */
int hvsim_video_frame_resize(struct hvsim_video *v)
{
	u32 w = v->situ.width_pixels, h = v->situ.height_pixels;

	if (v->frame && v->frame_w == w && v->frame_h == h)
		return 0;
	vfree(v->frame);
	v->frame = vzalloc((size_t)w * h * 3);
	if (!v->frame) {
		v->frame_w = 0;
		v->frame_h = 0;
		return -ENOMEM;
	}
	v->frame_w = w;
	v->frame_h = h;
	return 0;
}

/* One row of the VRAM, pixels x1..x2, to RGB888. */
static void hvsim_video_row(u32 depth, const u8 *src, u8 *dst, int x1, int x2)
{
	int x;

	if (depth == SYNTHVID_DEPTH_WIN7) {
		for (x = x1; x < x2; x++) {
			u16 p = src[2 * x] | src[2 * x + 1] << 8;	/* RGB565 */
			u8 r = p >> 11, g = (p >> 5) & 0x3f, b = p & 0x1f;

			dst[3 * x] = r << 3 | r >> 2;
			dst[3 * x + 1] = g << 2 | g >> 4;
			dst[3 * x + 2] = b << 3 | b >> 2;
		}
		return;
	}
	for (x = x1; x < x2; x++) {	/* XRGB8888, little-endian */
		dst[3 * x] = src[4 * x + 2];
		dst[3 * x + 1] = src[4 * x + 1];
		dst[3 * x + 2] = src[4 * x];
	}
}

/**
 * hvsim_video_frame_apply() - copy one dirty rectangle from the VRAM
 * @v: the device
 * @r: the rectangle, checked against the situation
 */
void hvsim_video_frame_apply(struct hvsim_video *v,
			     const struct synthvid_rect *r)
{
	const struct synthvid_output_situation *o = &v->situ;
	int y;

	if (!v->frame)
		return;
	for (y = r->y1; y < r->y2; y++)
		/* Within the VRAM: hvsim_video_situation() checked the extent. */
		hvsim_video_row(o->depth_bits,
				v->vram + o->vram_offset + (size_t)y * o->pitch_bytes,
				v->frame + (size_t)y * v->frame_w * 3, r->x1, r->x2);
}

struct hvsim_video_ppm {
	size_t len;
	u8 data[];
};

static int hvsim_video_ppm_open(struct inode *inode, struct file *file)
{
	struct hvsim_video *v = inode->i_private;
	struct hvsim_video_ppm *ppm;
	size_t pixels;
	int hlen, ret = 0;
	char hdr[32];

	down_write(&hvsim.lock);
	if (!v->frame) {
		ret = -ENODATA;
		goto out;
	}
	hlen = snprintf(hdr, sizeof(hdr), "P6\n%u %u\n255\n", v->frame_w,
			v->frame_h);
	pixels = (size_t)v->frame_w * v->frame_h * 3;
	ppm = kvmalloc(sizeof(*ppm) + hlen + pixels, GFP_KERNEL);
	if (!ppm) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(ppm->data, hdr, hlen);
	/* A host that gets no DIRT shows the VRAM as it is now. */
	if (!v->host->feature_change && v->vram) {
		struct synthvid_rect all = { 0, 0, v->frame_w, v->frame_h };

		hvsim_video_frame_apply(v, &all);
	}
	if (v->situ.active)
		memcpy(ppm->data + hlen, v->frame, pixels);
	else
		memset(ppm->data + hlen, 0, pixels);
	ppm->len = hlen + pixels;
	file->private_data = ppm;
out:
	up_write(&hvsim.lock);
	return ret;
}

static ssize_t hvsim_video_ppm_read(struct file *file, char __user *ubuf,
				    size_t len, loff_t *pos)
{
	struct hvsim_video_ppm *ppm = file->private_data;

	return simple_read_from_buffer(ubuf, len, pos, ppm->data, ppm->len);
}

static int hvsim_video_ppm_release(struct inode *inode, struct file *file)
{
	kvfree(file->private_data);
	return 0;
}

static const struct file_operations hvsim_video_ppm_fops = {
	.owner = THIS_MODULE,
	.open = hvsim_video_ppm_open,
	.read = hvsim_video_ppm_read,
	.release = hvsim_video_ppm_release,
	.llseek = default_llseek,
};

/**
 * hvsim_video_frame_files() - create dev<N>/frame.ppm
 * @v: the device
 */
void hvsim_video_frame_files(struct hvsim_video *v)
{
	debugfs_create_file("frame.ppm", 0400, v->dev->dir, v,
			    &hvsim_video_ppm_fops);
}
