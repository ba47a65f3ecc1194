// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim synthetic video host (new_device "video [version=10|8|7]
 * [modes=WxH,WxH,...] [default=N] [vram_mb=N] [offer_mb=N]"): the service
 * callbacks and the debugfs
 * files of dev<N>/: state, frame.ppm (video_frame.c) and the fault knobs
 * fault_bad_size, fault_unknown_type, fault_bad_list, fault_vram_refuse,
 * fault_big_packet.
 *
 * version is the newest synthvid version the host accepts (WIN10 3.5,
 * WIN8 3.2, WIN7 3.0); modes is the resolution list a WIN10 guest gets,
 * default the index of the default one in it, vram_mb the VRAM the offer
 * asks for (mmio_megabytes, 1 .. 256; only 4 MiB of MMIO space exist).
 * offer_mb, a fault: the offer's mmio_megabytes whatever the VRAM, e.g. 0
 * or above 256, which no host asks for.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "video.h"

#define HVSIM_VIDEO_BUDGET	64

static const char hvsim_video_default_modes[] =
	"1024x768,1152x864,1280x720,800x600,640x480,1280x1024,1920x1080";

/*
 * The hosts' video devices.  Windows: Server 2012 R2 speaks WIN8 3.2,
 * 2016 and later WIN10 3.5 (Linux drivers/video/fbdev/hyperv_fb.c,
 * SYNTHVID_VERSION_WIN8/WIN10); their resolution lists are not public
 * (hvsim's default list); they ask for DIRT (Linux synthvid_recv_sub()
 * acts on FEATURE_CHANGE).  OpenVMM: vm/devices/uidevices/src/video/mod.rs
 * (any 3.x accepted with ACCEPTED_WITH_VERSION_EXCHANGE 2; 1024x768 and
 * 1280x1024 for a request of at least MAXIMUM_RESOLUTIONS_COUNT 64, none
 * otherwise; no FEATURE_CHANGE: its framebuffer reads the VRAM directly).
 */
static const struct hvsim_video_host hvsim_video_hosts[HVSIM_NR_PERS] = {
	[HVSIM_PERS_WS2012R2] = { SYNTHVID_VERSION_WIN8, false, 1,
				  hvsim_video_default_modes, 0, true },
	[HVSIM_PERS_WS2016] = { SYNTHVID_VERSION_WIN10, false, 1,
				hvsim_video_default_modes, 0, true },
	[HVSIM_PERS_WS2019] = { SYNTHVID_VERSION_WIN10, false, 1,
				hvsim_video_default_modes, 0, true },
	[HVSIM_PERS_AZURE] = { SYNTHVID_VERSION_WIN10, false, 1,
			       hvsim_video_default_modes, 0, true },
	[HVSIM_PERS_OPENVMM] = { SYNTHVID_VERSION_WIN10, true, 2,
				 "1024x768,1280x1024", SYNTHVID_MAX_RESOLUTIONS,
				 false },
};

static int hvsim_video_parse_modes(struct hvsim_video *v, char *list)
{
	char *m;

	v->nmodes = 0;
	while ((m = strsep(&list, ","))) {
		unsigned int w, h;
		char c;

		if (v->nmodes == SYNTHVID_MAX_RESOLUTIONS ||
		    sscanf(m, "%ux%u%c", &w, &h, &c) != 2 || !w || !h ||
		    w > U16_MAX || h > U16_MAX)
			return -EINVAL;
		v->modes[v->nmodes].width = w;
		v->modes[v->nmodes].height = h;
		v->nmodes++;
	}
	return v->nmodes ? 0 : -EINVAL;
}

static int hvsim_video_parse(struct hvsim_video *v, char *args)
{
	char defaults[sizeof(hvsim_video_default_modes)];
	char *tok, *val;
	int ret = 0;

	strscpy(defaults, v->host->modes, sizeof(defaults));
	hvsim_video_parse_modes(v, defaults);
	while (args && (tok = strsep(&args, " \t\n")) && !ret) {
		if (!*tok)
			continue;
		val = strchr(tok, '=');
		if (!val) {
			ret = -EINVAL;
			break;
		}
		*val++ = '\0';
		if (!strcmp(tok, "version")) {
			v->any_minor = false;
			if (!strcmp(val, "10"))
				v->max_version = SYNTHVID_VERSION_WIN10;
			else if (!strcmp(val, "8"))
				v->max_version = SYNTHVID_VERSION_WIN8;
			else if (!strcmp(val, "7"))
				v->max_version = SYNTHVID_VERSION_WIN7;
			else
				ret = -EINVAL;
		} else if (!strcmp(tok, "modes")) {
			ret = hvsim_video_parse_modes(v, val);
		} else if (!strcmp(tok, "default")) {
			ret = kstrtouint(val, 0, &v->def_mode);
		} else if (!strcmp(tok, "offer_mb")) {
			ret = kstrtou16(val, 0, &v->offer_mb);
			v->offer_mb_set = !ret;
		} else if (!strcmp(tok, "vram_mb")) {
			ret = kstrtouint(val, 0, &v->vram_mb);
			if (!ret && (!v->vram_mb ||
				     v->vram_mb > HVSIM_VIDEO_VRAM_MAX_MB))
				ret = -EINVAL;
		} else {
			ret = -EINVAL;
		}
	}
	if (!ret && v->def_mode >= v->nmodes)
		ret = -EINVAL;
	if (ret)
		pr_err("video: bad arguments (version=10|8|7 modes=WxH,... (at most %u) default=INDEX vram_mb=1..%u offer_mb=0..65535)\n",
		       SYNTHVID_MAX_RESOLUTIONS, HVSIM_VIDEO_VRAM_MAX_MB);
	return ret;
}

static const char *hvsim_video_version_str(u32 version)
{
	switch (version) {
	case SYNTHVID_VERSION_WIN10:
		return "3.5";
	case SYNTHVID_VERSION_WIN8:
		return "3.2";
	case SYNTHVID_VERSION_WIN7:
		return "3.0";
	default:
		return "none";
	}
}

static int hvsim_video_state_show(struct seq_file *s, void *unused)
{
	struct hvsim_video *v = s->private;
	const struct synthvid_output_situation *o = &v->situ;

	down_write(&hvsim.lock);
	seq_printf(s, "version: %s\nvram_mb: %u\n",
		   hvsim_video_version_str(v->version), v->vram_mb);
	if (v->vram_gpa)
		seq_printf(s, "vram: %#llx\n", v->vram_gpa);
	else
		seq_puts(s, "vram: none\n");
	if (v->situ_set)
		seq_printf(s, "mode: %ux%u\ndepth: %u\npitch: %u\nactive: %u\n",
			   o->width_pixels, o->height_pixels, o->depth_bits,
			   o->pitch_bytes, o->active);
	else
		seq_puts(s, "mode: none\n");
	seq_printf(s, "pointer: %s %d,%d\nshape: %ux%u\nshapes: %llu\n",
		   v->ptr_visible ? "visible" : "hidden", v->ptr_x, v->ptr_y,
		   v->shape_w, v->shape_h, v->shapes);
	seq_printf(s, "dirt_msgs: %llu\ndirt_rects: %llu\nlast_dirt_ns: %llu\nbad_msgs: %llu\n",
		   v->dirt_msgs, v->dirt_rects, v->last_dirt_ns, v->bad_msgs);
	up_write(&hvsim.lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hvsim_video_state);

static int hvsim_video_create(struct hvsim_dev *dev, char *args)
{
	struct hvsim_video *v;
	int ret;

	v = kzalloc(sizeof(*v), GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	v->dev = dev;
	v->host = &hvsim_video_hosts[dev->pers->id];
	v->max_version = v->host->max_version;
	v->any_minor = v->host->any_minor;
	v->vram_mb = HVSIM_VIDEO_VRAM_MB;
	ret = hvsim_video_parse(v, args);
	if (ret) {
		kfree(v);
		return ret;
	}
	dev->priv = v;
	dev->mmio_megabytes = v->vram_mb;
	if (v->offer_mb_set) {
		dev->mmio_megabytes = v->offer_mb;
		dev->mmio_exact = true;
		pr_info("fault: dev%u: the offer asks for %u MiB of VRAM\n",
			dev->id, v->offer_mb);
	}
	debugfs_create_file("state", 0400, dev->dir, v, &hvsim_video_state_fops);
	hvsim_video_frame_files(v);
	debugfs_create_u32("fault_bad_size", 0600, dev->dir, &v->fault_bad_size);
	debugfs_create_u32("fault_unknown_type", 0600, dev->dir,
			   &v->fault_unknown_type);
	debugfs_create_u32("fault_bad_list", 0600, dev->dir, &v->fault_bad_list);
	debugfs_create_u32("fault_vram_refuse", 0600, dev->dir,
			   &v->fault_vram_refuse);
	debugfs_create_u32("fault_big_packet", 0600, dev->dir,
			   &v->fault_big_packet);
	return 0;
}

static void hvsim_video_destroy(struct hvsim_dev *dev)
{
	struct hvsim_video *v = dev->priv;

	hvsim_video_reset(v);
	kfree(v);
}

static int hvsim_video_open(struct hvsim_chan *chan)
{
	struct hvsim_video *v = chan->dev->priv;

	if (chan->subidx)
		return -EINVAL;
	hvsim_video_reset(v);
	v->chan = chan;
	return 0;
}

static void hvsim_video_close(struct hvsim_chan *chan)
{
	struct hvsim_video *v = chan->dev->priv;

	v->chan = NULL;
	hvsim_video_reset(v);
}

static bool hvsim_video_service(struct hvsim_chan *chan)
{
	return hvsim_chan_service(chan, hvsim_video_packet, HVSIM_VIDEO_BUDGET);
}

static void hvsim_video_show(struct seq_file *s, struct hvsim_chan *chan)
{
	struct hvsim_video *v = chan->dev->priv;

	seq_printf(s, " synthvid %s", hvsim_video_version_str(v->version));
	if (v->situ_set)
		seq_printf(s, " mode %ux%u", v->situ.width_pixels,
			   v->situ.height_pixels);
}

const struct hvsim_service hvsim_video_svc = {
	.name = "video",
	.class_id = HVG_SYNTHVID_CLASS_GUID,
	.mmio_megabytes = HVSIM_VIDEO_VRAM_MB,
	.create = hvsim_video_create,
	.destroy = hvsim_video_destroy,
	.open = hvsim_video_open,
	.close = hvsim_video_close,
	.service = hvsim_video_service,
	.show = hvsim_video_show,
};
