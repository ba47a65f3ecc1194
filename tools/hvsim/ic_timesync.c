// SPDX-License-Identifier: GPL-2.0-only
/*
 * Time sync host (new_device "timesync").  Control file in dev<N>/:
 * sample (write "OFFSET_S [sync|sample|probe|FLAGS]"): send the host's
 * time shifted by OFFSET_S seconds, flagged SYNC by default.  Versions
 * from 4.0 on use struct ictimesync_ref_data, older ones ictimesync_data;
 * the host sends them with their reserved tails: 24 and 28 bytes (OpenVMM
 * vm/devices/hyperv_ic_protocol/src/timesync.rs TimesyncMessageV4,
 * TimesyncMessage), more than Linux's packed structs (22, 25 bytes).
 */
#include <linux/debugfs.h>
#include <linux/ktime.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include "ic.h"

static const u32 hvsim_ts_hyperv[] = {
	HVG_IC_VERSION(4, 0), HVG_IC_VERSION(3, 0), HVG_IC_VERSION(1, 0),
};

static const u32 hvsim_ts_openvmm[] = { HVG_IC_VERSION(4, 0) };

/*
 * Hyper-V: the versions Linux's hv_util.c knows (TS_VERSION 4.0,
 * TS_VERSION_3, TS_VERSION_1).  OpenVMM offers 4.0 alone:
 * vm/devices/hyperv_ic/src/timesync.rs TIMESYNC_VERSIONS.
 */
static const struct hvsim_ic_versions hvsim_ts_versions[HVSIM_NR_PERS] = {
	[HVSIM_PERS_WS2012R2] = { hvsim_ts_hyperv, ARRAY_SIZE(hvsim_ts_hyperv) },
	[HVSIM_PERS_WS2016] = { hvsim_ts_hyperv, ARRAY_SIZE(hvsim_ts_hyperv) },
	[HVSIM_PERS_WS2019] = { hvsim_ts_hyperv, ARRAY_SIZE(hvsim_ts_hyperv) },
	[HVSIM_PERS_AZURE] = { hvsim_ts_hyperv, ARRAY_SIZE(hvsim_ts_hyperv) },
	[HVSIM_PERS_OPENVMM] = { hvsim_ts_openvmm, ARRAY_SIZE(hvsim_ts_openvmm) },
};

/* Now plus @offset_s seconds, in 100 ns units since 1601. */
static u64 hvsim_ts_now(s64 offset_s)
{
	return (u64)(ktime_get_real_ns() / 100 + offset_s * 10000000LL) +
	       HVG_TIME_EPOCH_DELTA;
}

static u32 hvsim_ts_request(struct hvsim_ic *ic, u8 *body, u32 room)
{
	struct ictimesync_data *msg = (void *)body;
	s64 offset;
	u32 flags;

	hvsim_ic_take_args(ic, &offset, &flags);
	if (ic->srv_version >= HVG_IC_VERSION(4, 0)) {
		struct ictimesync_ref_data *ref = (void *)body;

		ref->parenttime = hvsim_ts_now(offset);
		ref->flags = flags;
		return HVG_TIMESYNC_REF_HOST_LEN;
	}
	msg->parenttime = hvsim_ts_now(offset);
	msg->flags = flags;
	return HVG_TIMESYNC_HOST_LEN;
}

static void hvsim_ts_answer(struct hvsim_ic *ic, const u8 *body, u32 len)
{
}

/* "OFFSET_S [sync|sample|probe|FLAGS]" */
static ssize_t hvsim_ts_sample_write(struct file *file, const char __user *ubuf,
				     size_t count, loff_t *ppos)
{
	char buf[48], *p = buf, *tok;
	u32 flags = ICTIMESYNCFLAG_SYNC;
	s64 offset;

	if (!count || count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	tok = strsep(&p, " \t\n");
	/* Keep the host time within what the guest can represent. */
	if (kstrtos64(tok, 0, &offset) || offset > S32_MAX || offset < S32_MIN)
		return -EINVAL;
	tok = p ? strim(p) : NULL;
	if (tok && *tok) {
		if (!strcmp(tok, "sync"))
			flags = ICTIMESYNCFLAG_SYNC;
		else if (!strcmp(tok, "sample"))
			flags = ICTIMESYNCFLAG_SAMPLE;
		else if (!strcmp(tok, "probe"))
			flags = ICTIMESYNCFLAG_PROBE;
		else if (kstrtou32(tok, 0, &flags) || flags > U8_MAX)
			return -EINVAL;
	}
	hvsim_ic_request(file->private_data, offset, flags);
	return count;
}

static const struct file_operations hvsim_ts_sample_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = hvsim_ts_sample_write,
};

static int hvsim_ts_create(struct hvsim_ic *ic)
{
	debugfs_create_file("sample", 0200, ic->dev->dir, ic,
			    &hvsim_ts_sample_fops);
	return 0;
}

static const struct hvsim_ic_ops hvsim_ts_ops = {
	.msgtype = ICMSGTYPE_TIMESYNC,
	.versions = hvsim_ts_versions,
	.create = hvsim_ts_create,
	.request = hvsim_ts_request,
	.answer = hvsim_ts_answer,
};

static int hvsim_ts_dev_create(struct hvsim_dev *dev, char *args)
{
	return hvsim_ic_create(dev, args, &hvsim_ts_ops);
}

const struct hvsim_service hvsim_ic_timesync_svc = {
	.name = "timesync",
	.class_id = HVG_IC_TIMESYNC_GUID,
	.no_monitor = true,
	.create = hvsim_ts_dev_create,
	.destroy = hvsim_ic_destroy,
	.open = hvsim_ic_open,
	.close = hvsim_ic_close,
	.service = hvsim_ic_service,
	.show = hvsim_ic_show,
};
