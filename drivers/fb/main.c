// SPDX-License-Identifier: GPL-2.0-only
/*
 * hyperv_fb: the Hyper-V synthetic video device as an fbdev framebuffer.
 *
 * Probe opens the channel, negotiates the synthvid version, reads the
 * host's resolutions (WIN10), places the VRAM in the host's MMIO space,
 * tells the host where it is and registers /dev/fbN.  The fb_info outlives
 * the device while a program has the framebuffer open: removal cuts it off
 * from the channel and the VRAM, and hvfb_destroy() frees it at last close.
 */
#include <linux/io.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "hyperv_fb.h"

static char *resolution;
module_param(resolution, charp, 0444);
MODULE_PARM_DESC(resolution,
		 "Screen size WIDTHxHEIGHT; must fit the VRAM and, on WIN10 hosts, be one the host supports (default: the host's default, else 1024x768)");

/*
 * The host's default mode, else the first fallback that fits the VRAM and
 * the host's list, then resolution= if that fits too.
 * Return: 0, or -ENOSPC when no mode fits (the VRAM is too small).
 */
static int hvfb_pick_mode(struct hvfb *fb, u32 *width, u32 *height)
{
	static const struct synthvid_screen fallback[] = {
		{ HVFB_DEFAULT_WIDTH, HVFB_DEFAULT_HEIGHT },
		{ HVFB_MIN_WIDTH, HVFB_MIN_HEIGHT },
	};
	const char *why = "no mode";
	unsigned int i;
	u32 w, h;
	char c;

	if (fb->nmodes) {
		*width = fb->modes[fb->def_mode].width;
		*height = fb->modes[fb->def_mode].height;
		why = hvfb_mode_check(fb, *width, *height);
	}
	for (i = 0; why && i < ARRAY_SIZE(fallback); i++) {
		*width = fallback[i].width;
		*height = fallback[i].height;
		why = hvfb_mode_check(fb, *width, *height);
	}
	if (why) {
		dev_err(&fb->hdev->dev, "no mode fits: %ux%u %s (%u MiB of VRAM, %u bpp)\n",
			*width, *height, why, fb->vram_size >> 20, fb->depth);
		return -ENOSPC;
	}
	if (!resolution || !*resolution)
		return 0;
	if (sscanf(resolution, "%ux%u%c", &w, &h, &c) != 2) {
		dev_err(&fb->hdev->dev, "resolution=%s is not WIDTHxHEIGHT; using %ux%u\n",
			resolution, *width, *height);
		return 0;
	}
	why = hvfb_mode_check(fb, w, h);
	if (why) {
		dev_err(&fb->hdev->dev, "resolution=%s refused: %s; using %ux%u\n",
			resolution, why, *width, *height);
		return 0;
	}
	*width = w;
	*height = h;
	return 0;
}

static int hvfb_map_vram(struct hvfb *fb)
{
	struct hvg_device *hdev = fb->hdev;

	if (!hdev->mmio_megabytes || hdev->mmio_megabytes > HVFB_MAX_VRAM_MB) {
		dev_err(&hdev->dev, "the host asks for %u MiB of VRAM (1 .. %u)\n",
			hdev->mmio_megabytes, HVFB_MAX_VRAM_MB);
		return -EINVAL;
	}
	fb->vram_size = (u32)hdev->mmio_megabytes * SZ_1M;
	fb->mmio = hvg_mmio_reserve(hdev, fb->vram_size, SZ_1M);
	if (IS_ERR(fb->mmio)) {
		int ret = PTR_ERR(fb->mmio);

		dev_err(&hdev->dev, "no MMIO space for %u MiB of VRAM: %d\n",
			hdev->mmio_megabytes, ret);
		fb->mmio = NULL;
		return ret;
	}
	/* Host memory behind MMIO space; the host maps it cacheable too. */
	fb->vram = memremap(fb->mmio->start, fb->vram_size, MEMREMAP_WB);
	if (!fb->vram) {
		dev_err(&hdev->dev, "cannot map the VRAM at %pR\n", fb->mmio);
		hvg_mmio_release(fb->mmio);
		fb->mmio = NULL;
		return -ENOMEM;
	}
	fb->shadow = vzalloc(fb->vram_size);
	return fb->shadow ? 0 : -ENOMEM;
}

static void hvfb_unmap_vram(struct hvfb *fb)
{
	if (fb->vram)
		memunmap(fb->vram);
	fb->vram = NULL;
	if (fb->mmio)
		hvg_mmio_release(fb->mmio);
	fb->mmio = NULL;
}

static int hvfb_start(struct hvfb *fb)
{
	struct fb_info *info = fb->info;
	u32 width, height;
	int ret;

	ret = hvfb_connect(fb);
	if (ret)
		return ret;
	ret = hvfb_map_vram(fb);
	if (ret)
		return ret;
	ret = hvfb_pick_mode(fb, &width, &height);
	if (ret)
		return ret;
	hvfb_init_var(fb, width, height);
	info->screen_buffer = fb->shadow;
	info->screen_size = fb->vram_size;
	info->pseudo_palette = fb->pseudo_palette;
	info->fbops = &hvfb_ops;
	info->flags = FBINFO_VIRTFB;
	ret = hvfb_send_vram(fb);
	if (ret)
		return ret;
	spin_lock_irq(&fb->lock);
	fb->ready = true;
	spin_unlock_irq(&fb->lock);
	ret = hvfb_send_pointer(fb);
	if (!ret)
		ret = hvfb_send_situation(fb);
	return ret;
}

/* Cut the framebuffer off from the host: whatever draws now stays in the shadow. */
static void hvfb_stop(struct hvfb *fb)
{
	mutex_lock(&fb->update_lock);
	fb->gone = true;
	mutex_unlock(&fb->update_lock);
	spin_lock_irq(&fb->lock);
	fb->ready = false;
	spin_unlock_irq(&fb->lock);
	cancel_work_sync(&fb->state_work);
	cancel_delayed_work_sync(&fb->update_work);
	hvg_channel_close(fb->chan);
	hvfb_unmap_vram(fb);
}

static void hvfb_free(struct hvfb *fb)
{
	vfree(fb->shadow);
	kfree(fb->recv_buf);
	framebuffer_release(fb->info);
}

static int hvfb_probe(struct hvg_device *hdev, const struct hv_vmbus_device_id *id)
{
	struct fb_info *info;
	struct hvfb *fb;
	int ret;

	info = framebuffer_alloc(sizeof(*fb), &hdev->dev);
	if (!info)
		return -ENOMEM;
	fb = info->par;
	fb->info = info;
	fb->hdev = hdev;
	fb->chan = hdev->channel;
	spin_lock_init(&fb->lock);
	mutex_init(&fb->update_lock);
	init_completion(&fb->resp_done);
	INIT_DELAYED_WORK(&fb->update_work, hvfb_update_work);
	INIT_WORK(&fb->state_work, hvfb_state_work);
	fb->recv_buf = kmalloc(SYNTHVID_MAX_MSG, GFP_KERNEL);
	if (!fb->recv_buf) {
		hvfb_free(fb);
		return -ENOMEM;
	}
	dev_set_drvdata(&hdev->dev, fb);

	ret = hvg_channel_open(fb->chan, HVFB_RING_BYTES, HVFB_RING_BYTES,
			       NULL, 0, hvfb_receive, fb);
	if (ret) {
		dev_err(&hdev->dev, "cannot open the channel: %d\n", ret);
		hvfb_free(fb);
		return ret;
	}
	ret = hvfb_start(fb);
	if (ret)
		goto err;
	fb->defio.delay = HVFB_UPDATE_DELAY;
	fb->defio.deferred_io = hvfb_deferred_io;
	info->fbdefio = &fb->defio;
	ret = hvg_fb_deferred_io_init(info);
	if (ret)
		goto err;
	ret = register_framebuffer(info);
	if (ret) {
		dev_err(&hdev->dev, "cannot register the framebuffer: %d\n", ret);
		fb_deferred_io_cleanup(info);
		goto err;
	}
	fb_info(info, "%ux%u, %u bpp, %u MiB of VRAM at %pa\n", info->var.xres,
		info->var.yres, fb->depth, hdev->mmio_megabytes,
		&fb->mmio->start);
	return 0;
err:
	hvfb_stop(fb);
	hvfb_free(fb);
	return ret;
}

static void hvfb_remove(struct hvg_device *hdev)
{
	struct hvfb *fb = dev_get_drvdata(&hdev->dev);

	hvfb_stop(fb);
	/* Frees fb through hvfb_destroy() once nobody has it open. */
	unregister_framebuffer(fb->info);
}

static const struct hv_vmbus_device_id hvfb_ids[] = {
	{ .guid = HVG_SYNTHVID_CLASS_GUID },
	{ }
};
MODULE_DEVICE_TABLE(vmbus, hvfb_ids);

static struct hvg_driver hvfb_driver = {
	.name = "hyperv_fb",
	.id_table = hvfb_ids,
	.probe = hvfb_probe,
	.remove = hvfb_remove,
};
module_hvg_driver(hvfb_driver);

MODULE_DESCRIPTION("hvguest synthetic video framebuffer");
MODULE_VERSION(HVGUEST_VERSION);
MODULE_LICENSE("GPL");
