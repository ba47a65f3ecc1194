// SPDX-License-Identifier: GPL-2.0-only
/*
 * Shutdown host (new_device "shutdown").  Control files in dev<N>/:
 * shutdown, reboot (write: request a power-off or a reboot), flags (write:
 * a request with these raw flags, e.g. 4 for hibernation).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#include "ic.h"

static const u32 hvsim_sd_hyperv[] = {
	HVG_IC_VERSION(3, 2), HVG_IC_VERSION(3, 1), HVG_IC_VERSION(3, 0),
	HVG_IC_VERSION(1, 0),
};

static const u32 hvsim_sd_openvmm[] = {
	HVG_IC_VERSION(1, 0), HVG_IC_VERSION(3, 0), HVG_IC_VERSION(3, 1),
	HVG_IC_VERSION(3, 2),
};

/*
 * Hyper-V: the versions Linux's hv_util.c knows (SD_VERSION_3_2 ..
 * SD_VERSION_1).  OpenVMM: vm/devices/hyperv_ic/src/shutdown.rs
 * SHUTDOWN_VERSIONS, in that order.
 */
static const struct hvsim_ic_versions hvsim_sd_versions[HVSIM_NR_PERS] = {
	[HVSIM_PERS_WS2012R2] = { hvsim_sd_hyperv, ARRAY_SIZE(hvsim_sd_hyperv) },
	[HVSIM_PERS_WS2016] = { hvsim_sd_hyperv, ARRAY_SIZE(hvsim_sd_hyperv) },
	[HVSIM_PERS_WS2019] = { hvsim_sd_hyperv, ARRAY_SIZE(hvsim_sd_hyperv) },
	[HVSIM_PERS_AZURE] = { hvsim_sd_hyperv, ARRAY_SIZE(hvsim_sd_hyperv) },
	[HVSIM_PERS_OPENVMM] = { hvsim_sd_openvmm, ARRAY_SIZE(hvsim_sd_openvmm) },
};

/* The reason OpenVMM gives (shutdown.rs: SHTDN_REASON_FLAG_PLANNED). */
#define HVSIM_SD_REASON_PLANNED	0x80000000

static u32 hvsim_sd_request(struct hvsim_ic *ic, u8 *body, u32 room)
{
	struct shutdown_msg_data *msg = (void *)body;
	static const char text[] = "hvsim requests a shutdown";
	s64 unused;

	hvsim_ic_take_args(ic, &unused, &msg->flags);
	if (ic->dev->pers->id == HVSIM_PERS_OPENVMM) {
		/* A planned shutdown, timeout 0, no text: shutdown.rs. */
		msg->reason_code = HVSIM_SD_REASON_PLANNED;
	} else {
		msg->timeout_seconds = 60;
		memcpy(msg->display_message, text, sizeof(text));
	}
	return sizeof(*msg);
}

static void hvsim_sd_answer(struct hvsim_ic *ic, const u8 *body, u32 len)
{
	pr_info("dev%u: guest accepted the shutdown request\n",
		ic->dev->id);
}

static ssize_t hvsim_sd_write(struct file *file, const char __user *ubuf,
			      size_t count, loff_t *ppos, u32 flags)
{
	hvsim_ic_request(file->private_data, 0, flags);
	return count;
}

static ssize_t hvsim_sd_shutdown_write(struct file *file, const char __user *ubuf,
				       size_t count, loff_t *ppos)
{
	return hvsim_sd_write(file, ubuf, count, ppos, 0);
}

static ssize_t hvsim_sd_reboot_write(struct file *file, const char __user *ubuf,
				     size_t count, loff_t *ppos)
{
	return hvsim_sd_write(file, ubuf, count, ppos, HVG_SHUTDOWN_FLAG_REBOOT);
}

static ssize_t hvsim_sd_flags_write(struct file *file, const char __user *ubuf,
				    size_t count, loff_t *ppos)
{
	u32 flags;
	int ret = kstrtou32_from_user(ubuf, count, 0, &flags);

	return ret ? ret : hvsim_sd_write(file, ubuf, count, ppos, flags);
}

static const struct file_operations hvsim_sd_shutdown_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = hvsim_sd_shutdown_write,
};

static const struct file_operations hvsim_sd_reboot_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = hvsim_sd_reboot_write,
};

static const struct file_operations hvsim_sd_flags_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = hvsim_sd_flags_write,
};

static int hvsim_sd_create(struct hvsim_ic *ic)
{
	debugfs_create_file("shutdown", 0200, ic->dev->dir, ic,
			    &hvsim_sd_shutdown_fops);
	debugfs_create_file("reboot", 0200, ic->dev->dir, ic,
			    &hvsim_sd_reboot_fops);
	debugfs_create_file("flags", 0200, ic->dev->dir, ic,
			    &hvsim_sd_flags_fops);
	return 0;
}

static const struct hvsim_ic_ops hvsim_sd_ops = {
	.msgtype = ICMSGTYPE_SHUTDOWN,
	.versions = hvsim_sd_versions,
	.create = hvsim_sd_create,
	.request = hvsim_sd_request,
	.answer = hvsim_sd_answer,
};

static int hvsim_sd_dev_create(struct hvsim_dev *dev, char *args)
{
	return hvsim_ic_create(dev, args, &hvsim_sd_ops);
}

const struct hvsim_service hvsim_ic_shutdown_svc = {
	.name = "shutdown",
	.class_id = HVG_IC_SHUTDOWN_GUID,
	.no_monitor = true,
	.create = hvsim_sd_dev_create,
	.destroy = hvsim_ic_destroy,
	.open = hvsim_ic_open,
	.close = hvsim_ic_close,
	.service = hvsim_ic_service,
	.show = hvsim_ic_show,
};
