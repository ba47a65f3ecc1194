// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fbdev side: modes, the drawing operations fbcon uses, write() and
 * mmap() through deferred I/O.  Every way of drawing marks what it changed
 * dirty; the update work copies the dirty rectangle from the shadow into
 * the VRAM and tells the host.
 */
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "hyperv_fb.h"

/**
 * hvfb_mode_check() - whether @width x @height can be shown
 * @fb: the device
 * @width: pixels
 * @height: pixels
 *
 * Return: NULL, or why not.
 */
const char *hvfb_mode_check(const struct hvfb *fb, u32 width, u32 height)
{
	unsigned int i;

	if (width < HVFB_MIN_WIDTH || height < HVFB_MIN_HEIGHT)
		return "smaller than 640x480";
	if (width > HVFB_MAX_DIM || height > HVFB_MAX_DIM)
		return "larger than 8192x8192";
	if ((u64)width * height * (fb->depth / 8) > fb->vram_size)
		return "does not fit in the VRAM";
	if (!fb->nmodes)
		return NULL;
	for (i = 0; i < fb->nmodes; i++)
		if (fb->modes[i].width == width && fb->modes[i].height == height)
			return NULL;
	return "not among the host's supported resolutions";
}

static void hvfb_set_format(const struct hvfb *fb, struct fb_var_screeninfo *var)
{
	var->bits_per_pixel = fb->depth;
	if (fb->depth == 16) {
		var->red = (struct fb_bitfield){ .offset = 11, .length = 5 };
		var->green = (struct fb_bitfield){ .offset = 5, .length = 6 };
		var->blue = (struct fb_bitfield){ .offset = 0, .length = 5 };
	} else {
		var->red = (struct fb_bitfield){ .offset = 16, .length = 8 };
		var->green = (struct fb_bitfield){ .offset = 8, .length = 8 };
		var->blue = (struct fb_bitfield){ .offset = 0, .length = 8 };
	}
	var->transp = (struct fb_bitfield){ };
}

/**
 * hvfb_init_var() - set up the fixed and variable screen info for a mode
 * @fb: the device
 * @width: pixels
 * @height: pixels
 */
void hvfb_init_var(struct hvfb *fb, u32 width, u32 height)
{
	struct fb_info *info = fb->info;
	struct fb_var_screeninfo *var = &info->var;
	struct fb_fix_screeninfo *fix = &info->fix;

	strscpy(fix->id, "hyperv_fb", sizeof(fix->id));
	fix->type = FB_TYPE_PACKED_PIXELS;
	fix->visual = FB_VISUAL_TRUECOLOR;
	fix->smem_start = fb->mmio->start;
	fix->smem_len = fb->vram_size;
	fix->line_length = width * (fb->depth / 8);
	fix->accel = FB_ACCEL_NONE;

	var->xres = width;
	var->yres = height;
	var->xres_virtual = width;
	var->yres_virtual = height;
	var->activate = FB_ACTIVATE_NOW;
	var->height = -1;
	var->width = -1;
	var->vmode = FB_VMODE_NONINTERLACED;
	hvfb_set_format(fb, var);
}

static void hvfb_rect_clip(struct hvfb_rect *r, const struct fb_info *info)
{
	r->x1 = clamp_t(int, r->x1, 0, info->var.xres);
	r->x2 = clamp_t(int, r->x2, 0, info->var.xres);
	r->y1 = clamp_t(int, r->y1, 0, info->var.yres);
	r->y2 = clamp_t(int, r->y2, 0, info->var.yres);
}

/**
 * hvfb_mark_dirty() - add a rectangle to what the update work copies
 * @fb: the device
 * @x1: left
 * @y1: top
 * @x2: right, exclusive
 * @y2: bottom, exclusive
 *
 * Any context.
 */
void hvfb_mark_dirty(struct hvfb *fb, int x1, int y1, int x2, int y2)
{
	struct hvfb_rect *d = &fb->dirty;
	unsigned long flags;

	if (x1 >= x2 || y1 >= y2)
		return;
	spin_lock_irqsave(&fb->lock, flags);
	if (d->x1 >= d->x2) {
		*d = (struct hvfb_rect){ x1, y1, x2, y2 };
	} else {
		d->x1 = min(d->x1, x1);
		d->y1 = min(d->y1, y1);
		d->x2 = max(d->x2, x2);
		d->y2 = max(d->y2, y2);
	}
	spin_unlock_irqrestore(&fb->lock, flags);
	schedule_delayed_work(&fb->update_work, HVFB_UPDATE_DELAY);
}

/* Bytes [start, end) of the framebuffer changed: whole lines. */
static void hvfb_mark_bytes(struct hvfb *fb, unsigned long start,
			    unsigned long end)
{
	u32 line = fb->info->fix.line_length;

	hvfb_mark_dirty(fb, 0, start / line, fb->info->var.xres,
			min_t(unsigned long, DIV_ROUND_UP(end, line),
			      fb->info->var.yres));
}

static void hvfb_flush(struct hvfb *fb)
{
	struct fb_info *info = fb->info;
	u32 bpp = info->var.bits_per_pixel / 8;
	u32 line = info->fix.line_length;
	struct hvfb_rect r;
	unsigned long flags;
	bool send, retry = false;
	int y;

	mutex_lock(&fb->update_lock);
	spin_lock_irqsave(&fb->lock, flags);
	r = fb->dirty;
	fb->dirty = (struct hvfb_rect){ };
	send = fb->ready && fb->dirt_needed && !fb->blanked;
	spin_unlock_irqrestore(&fb->lock, flags);
	if (fb->gone)
		goto out;
	hvfb_rect_clip(&r, info);
	if (r.x1 >= r.x2 || r.y1 >= r.y2)
		goto out;
	for (y = r.y1; y < r.y2; y++) {
		size_t off = (size_t)y * line + r.x1 * bpp;

		memcpy(fb->vram + off, fb->shadow + off, (r.x2 - r.x1) * bpp);
	}
	/* The ring is full: the host has not read what we sent yet; retry. */
	if (send && hvfb_send_dirt(fb, &r) == -EAGAIN)
		retry = true;
out:
	mutex_unlock(&fb->update_lock);
	if (retry)
		hvfb_mark_dirty(fb, r.x1, r.y1, r.x2, r.y2);
}

/**
 * hvfb_update_work() - copy the dirty rectangle to the VRAM, tell the host
 * @work: fb->update_work
 */
void hvfb_update_work(struct work_struct *work)
{
	hvfb_flush(container_of(to_delayed_work(work), struct hvfb, update_work));
}

/**
 * hvfb_deferred_io() - pages of the mmap()ed framebuffer were written
 * @info: the framebuffer
 * @pages: the deferred-I/O page list
 */
void hvfb_deferred_io(struct fb_info *info, struct list_head *pages)
{
	struct hvfb *fb = info->par;
	unsigned long lo, hi;

	hvg_defio_range(pages, &lo, &hi);
	if (lo >= hi)
		return;
	hvfb_mark_bytes(fb, lo, hi);
	cancel_delayed_work(&fb->update_work);
	hvfb_flush(fb);
}

static ssize_t hvfb_write(struct fb_info *info, const char __user *buf,
			  size_t count, loff_t *ppos)
{
	loff_t start = *ppos;
	ssize_t ret;

	ret = fb_sys_write(info, buf, count, ppos);
	if (ret > 0)
		hvfb_mark_bytes(info->par, start, start + ret);
	return ret;
}

static void hvfb_fillrect(struct fb_info *info, const struct fb_fillrect *r)
{
	sys_fillrect(info, r);
	hvfb_mark_dirty(info->par, r->dx, r->dy, r->dx + r->width,
			r->dy + r->height);
}

static void hvfb_copyarea(struct fb_info *info, const struct fb_copyarea *a)
{
	sys_copyarea(info, a);
	hvfb_mark_dirty(info->par, a->dx, a->dy, a->dx + a->width,
			a->dy + a->height);
}

static void hvfb_imageblit(struct fb_info *info, const struct fb_image *img)
{
	sys_imageblit(info, img);
	hvfb_mark_dirty(info->par, img->dx, img->dy, img->dx + img->width,
			img->dy + img->height);
}

static int hvfb_check_var(struct fb_var_screeninfo *var, struct fb_info *info)
{
	struct hvfb *fb = info->par;

	if (var->bits_per_pixel != fb->depth ||
	    hvfb_mode_check(fb, var->xres, var->yres))
		return -EINVAL;
	var->xres_virtual = var->xres;
	var->yres_virtual = var->yres;
	var->xoffset = 0;
	var->yoffset = 0;
	hvfb_set_format(fb, var);
	return 0;
}

static int hvfb_set_par(struct fb_info *info)
{
	struct hvfb *fb = info->par;
	int ret = -ENODEV;

	mutex_lock(&fb->update_lock);
	info->fix.line_length = info->var.xres * (fb->depth / 8);
	if (!fb->gone)
		ret = hvfb_send_situation(fb);
	mutex_unlock(&fb->update_lock);
	hvfb_mark_dirty(fb, 0, 0, info->var.xres, info->var.yres);
	return ret;
}

static int hvfb_setcolreg(unsigned int regno, unsigned int red,
			  unsigned int green, unsigned int blue,
			  unsigned int transp, struct fb_info *info)
{
	const struct fb_var_screeninfo *var = &info->var;
	u32 *pal = info->pseudo_palette;

	if (regno >= 16)
		return -EINVAL;
	/* 16-bit colour components, scaled down to the field widths */
	pal[regno] = (red >> (16 - var->red.length)) << var->red.offset |
		     (green >> (16 - var->green.length)) << var->green.offset |
		     (blue >> (16 - var->blue.length)) << var->blue.offset;
	return 0;
}

/* Blanking turns the output off (an inactive situation); the host shows black. */
static int hvfb_blank(int blank, struct fb_info *info)
{
	struct hvfb *fb = info->par;
	unsigned long flags;
	bool ready;

	spin_lock_irqsave(&fb->lock, flags);
	fb->blanked = blank != FB_BLANK_UNBLANK;
	ready = fb->ready;
	spin_unlock_irqrestore(&fb->lock, flags);
	if (ready)
		schedule_work(&fb->state_work);
	return 0;
}

static void hvfb_destroy(struct fb_info *info)
{
	struct hvfb *fb = info->par;

	fb_deferred_io_cleanup(info);
	cancel_work_sync(&fb->state_work);
	cancel_delayed_work_sync(&fb->update_work);
	vfree(fb->shadow);
	kfree(fb->recv_buf);
	framebuffer_release(info);
}

const struct fb_ops hvfb_ops = {
	.owner = THIS_MODULE,
	.fb_read = fb_sys_read,
	.fb_write = hvfb_write,
	.fb_mmap = HVG_FB_DEFIO_MMAP,
	.fb_check_var = hvfb_check_var,
	.fb_set_par = hvfb_set_par,
	.fb_setcolreg = hvfb_setcolreg,
	.fb_blank = hvfb_blank,
	.fb_fillrect = hvfb_fillrect,
	.fb_copyarea = hvfb_copyarea,
	.fb_imageblit = hvfb_imageblit,
	.fb_destroy = hvfb_destroy,
};
