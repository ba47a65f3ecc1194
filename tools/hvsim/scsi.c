// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim's storage host: new_device "scsi [size=64M] [file=/path]
 * [version=6.2] [max_xfer=512K] [subchannels=N]".
 *
 * Knobs in debugfs hvsim/dev<N>/: media_err_lba and media_err_blocks (reads
 * and writes touching that range fail with MEDIUM ERROR), fault_bad_len
 * (the next N completions claim a page more data than moved), fault_bad_id
 * (the next N completions carry a transaction id never issued), fault_busy
 * (the next N SRBs end with SCSI BUSY).
 */
#include <linux/debugfs.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "scsi.h"

#define HVSIM_SCSI_BUDGET	32
#define HVSIM_SCSI_DEF_XFER	(512 * 1024)
#define HVSIM_SCSI_MAX_XFER	(2 * 1024 * 1024)

static int hvsim_scsi_parse_version(const char *v, u32 *out)
{
	unsigned int major, minor;

	if (sscanf(v, "%u.%u", &major, &minor) != 2 || major > 255 ||
	    minor > 255)
		return -EINVAL;
	*out = VSTOR_VERSION(major, minor);
	return 0;
}

static int hvsim_scsi_parse(struct hvsim_scsi *s, char *args, char **path,
			    u64 *size)
{
	char *opt;

	while ((opt = strsep(&args, " \t"))) {
		char *val = strchr(opt, '=');
		int ret = 0;

		if (!*opt)
			continue;
		if (!val)
			return -EINVAL;
		*val++ = '\0';
		if (!strcmp(opt, "size"))
			*size = memparse(val, NULL);
		else if (!strcmp(opt, "file"))
			*path = val;
		else if (!strcmp(opt, "version"))
			ret = hvsim_scsi_parse_version(val, &s->max_version);
		else if (!strcmp(opt, "max_xfer"))
			s->max_xfer = memparse(val, NULL);
		else if (!strcmp(opt, "subchannels"))
			ret = kstrtou16(val, 0, &s->subchannels);
		else
			ret = -EINVAL;
		if (ret) {
			pr_err("hvsim: scsi: bad option %s=%s\n", opt, val);
			return ret;
		}
	}
	return 0;
}

static void hvsim_scsi_knobs(struct hvsim_dev *dev, struct hvsim_scsi *s)
{
	debugfs_create_u64("media_err_lba", 0600, dev->dir, &s->media_err_lba);
	debugfs_create_u64("media_err_blocks", 0600, dev->dir,
			   &s->media_err_blocks);
	debugfs_create_atomic_t("fault_bad_len", 0600, dev->dir,
				&s->fault_bad_len);
	debugfs_create_atomic_t("fault_bad_id", 0600, dev->dir,
				&s->fault_bad_id);
	debugfs_create_atomic_t("fault_busy", 0600, dev->dir, &s->fault_busy);
}

static int hvsim_scsi_create(struct hvsim_dev *dev, char *args)
{
	struct hvsim_scsi *s = kzalloc(sizeof(*s), GFP_KERNEL);
	char *path = NULL;
	u64 size = 0;
	int ret;

	if (!s)
		return -ENOMEM;
	s->max_version = VSTOR_VERSION_WIN10;
	s->max_xfer = HVSIM_SCSI_DEF_XFER;
	ret = hvsim_scsi_parse(s, args, &path, &size);
	if (!ret && (s->max_xfer < PAGE_SIZE || s->max_xfer > HVSIM_SCSI_MAX_XFER ||
		     s->subchannels > HVSIM_MAX_SUBCHANNELS ||
		     size % HVSIM_SCSI_BLOCK))
		ret = -EINVAL;
	if (!ret && !path && !size)
		size = 64 << 20;
	if (!ret)
		ret = hvsim_scsi_backing_open(s, path, size);
	if (ret)
		goto err;
	s->max_xfer = round_down(s->max_xfer, PAGE_SIZE);
	s->bounce = kvmalloc(s->max_xfer, GFP_KERNEL);
	if (!s->bounce) {
		hvsim_scsi_backing_close(s);
		ret = -ENOMEM;
		goto err;
	}
	dev->priv = s;
	hvsim_scsi_knobs(dev, s);
	pr_info("hvsim: scsi: %llu MiB %s LUN\n", s->size >> 20,
		s->ram ? "RAM" : "file");
	return 0;
err:
	pr_err("hvsim: scsi: cannot create the device: %d\n", ret);
	kfree(s);
	return ret;
}

static void hvsim_scsi_destroy(struct hvsim_dev *dev)
{
	struct hvsim_scsi *s = dev->priv;

	hvsim_scsi_backing_close(s);
	kvfree(s->bounce);
	kfree(s);
	dev->priv = NULL;
}

static bool hvsim_scsi_service(struct hvsim_chan *chan)
{
	return hvsim_chan_service(chan, hvsim_scsi_packet, HVSIM_SCSI_BUDGET);
}

static void hvsim_scsi_show(struct seq_file *sf, struct hvsim_chan *chan)
{
	struct hvsim_scsi *s = chan->dev->priv;

	seq_printf(sf, " vstor=%u.%u size=%llu srbs=%llu errors=%llu",
		   s->version >> 8, s->version & 0xff, s->size, s->srbs,
		   s->errors);
}

const struct hvsim_service hvsim_scsi_svc = {
	.name = "scsi",
	.class_id = VSTOR_SCSI_CLASS_GUID,
	.create = hvsim_scsi_create,
	.destroy = hvsim_scsi_destroy,
	.service = hvsim_scsi_service,
	.show = hvsim_scsi_show,
};
