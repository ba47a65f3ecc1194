// SPDX-License-Identifier: GPL-2.0-only
/*
 * Time sync host (new_device "timesync", interval_ms=5000 by default).
 * The host has its own clock: the guest's wall clock when the device is
 * created, then advancing with CLOCK_MONOTONIC_RAW, so that neither the
 * guest's steps nor its frequency corrections (chrony) move it.  As
 * OpenVMM's host does (vm/devices/hyperv_ic/src/timesync.rs
 * process_state_machine, SAMPLE_PERIOD), the first sample after each
 * negotiation is flagged SYNC and the later ones, every interval_ms, SAMPLE.
 * Control files in dev<N>/:
 *   clock  (read) the host clock now, ns since 1970
 *   step   (write "SECONDS") step the host clock; the next periodic sample
 *          carries the new time
 *   sample (write "OFFSET_S [sync|sample|probe|FLAGS]") send one sample now:
 *          the guest's own wall clock shifted by OFFSET_S seconds (not the
 *          host clock: a test's way to set the guest clock to a chosen
 *          time), flagged SYNC by default.
 * Versions
 * from 4.0 on use struct ictimesync_ref_data, older ones ictimesync_data;
 * the host sends them with their reserved tails: 24 and 28 bytes (OpenVMM
 * vm/devices/hyperv_ic_protocol/src/timesync.rs TimesyncMessageV4,
 * TimesyncMessage), more than Linux's packed structs (22, 25 bytes).
 */
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/ktime.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include "ic.h"

/* In ic->flags of a request written to `sample` (the timer's have none). */
#define HVSIM_TS_ONE_OFF	BIT(31)

/**
 * struct hvsim_ts - the host clock of one time sync device
 * @base_real_ns: the guest's wall clock when the device was created
 * @base_raw_ns: CLOCK_MONOTONIC_RAW then
 * @step_ns: steps written to `step`, in total
 * @need_sync: the next periodic sample is the first since negotiation
 */
struct hvsim_ts {
	u64 base_real_ns;
	u64 base_raw_ns;
	atomic64_t step_ns;
	bool need_sync;
};

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

/* The host clock now, ns since 1970. */
static u64 hvsim_ts_clock_ns(struct hvsim_ts *ts)
{
	return ts->base_real_ns + (ktime_get_raw_ns() - ts->base_raw_ns) +
	       atomic64_read(&ts->step_ns);
}

/* ns since 1970 to the protocol's 100 ns units since 1601. */
static u64 hvsim_ts_wire(u64 ns)
{
	return ns / 100 + HVG_TIME_EPOCH_DELTA;
}

static u32 hvsim_ts_request(struct hvsim_ic *ic, u8 *body, u32 room)
{
	struct hvsim_ts *ts = ic->priv;
	u64 parent;
	s64 offset;
	u32 flags;

	hvsim_ic_take_args(ic, &offset, &flags);
	if (flags & HVSIM_TS_ONE_OFF) {
		flags &= ~HVSIM_TS_ONE_OFF;
		parent = hvsim_ts_wire(ktime_get_real_ns() + offset * NSEC_PER_SEC);
	} else {
		flags = ts->need_sync ? ICTIMESYNCFLAG_SYNC : ICTIMESYNCFLAG_SAMPLE;
		ts->need_sync = false;
		parent = hvsim_ts_wire(hvsim_ts_clock_ns(ts));
	}
	if (ic->srv_version >= HVG_IC_VERSION(4, 0)) {
		struct ictimesync_ref_data *ref = (void *)body;

		memset(body, 0, HVG_TIMESYNC_REF_HOST_LEN);
		ref->parenttime = parent;
		/* The partition reference counter: 100 ns units since boot. */
		ref->vmreferencetime = ktime_get_raw_ns() / 100;
		ref->flags = flags;
		return HVG_TIMESYNC_REF_HOST_LEN;
	}
	memset(body, 0, HVG_TIMESYNC_HOST_LEN);
	((struct ictimesync_data *)body)->parenttime = parent;
	((struct ictimesync_data *)body)->flags = flags;
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
	hvsim_ic_request(file->private_data, offset, flags | HVSIM_TS_ONE_OFF);
	return count;
}

/* "SECONDS": step the host clock. */
static ssize_t hvsim_ts_step_write(struct file *file, const char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	struct hvsim_ts *ts = ((struct hvsim_ic *)file->private_data)->priv;
	s64 secs;
	int ret;

	ret = kstrtos64_from_user(ubuf, count, 0, &secs);
	if (ret)
		return ret;
	/* Keep the host time within what the guest can represent. */
	if (secs > S32_MAX || secs < S32_MIN)
		return -EINVAL;
	atomic64_add(secs * NSEC_PER_SEC, &ts->step_ns);
	return count;
}

static const struct file_operations hvsim_ts_step_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = hvsim_ts_step_write,
};

static int hvsim_ts_clock_show(struct seq_file *s, void *unused)
{
	seq_printf(s, "%llu\n", hvsim_ts_clock_ns(s->private));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hvsim_ts_clock);

static const struct file_operations hvsim_ts_sample_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = hvsim_ts_sample_write,
};

static int hvsim_ts_create(struct hvsim_ic *ic)
{
	struct hvsim_ts *ts = kzalloc(sizeof(*ts), GFP_KERNEL);

	if (!ts)
		return -ENOMEM;
	ts->base_real_ns = ktime_get_real_ns();
	ts->base_raw_ns = ktime_get_raw_ns();
	ic->priv = ts;
	debugfs_create_file("sample", 0200, ic->dev->dir, ic,
			    &hvsim_ts_sample_fops);
	debugfs_create_file("step", 0200, ic->dev->dir, ic, &hvsim_ts_step_fops);
	debugfs_create_file("clock", 0444, ic->dev->dir, ts,
			    &hvsim_ts_clock_fops);
	return 0;
}

static void hvsim_ts_destroy(struct hvsim_ic *ic)
{
	kfree(ic->priv);
}

/* Every (re)negotiation is followed by a SYNC sample. */
static int hvsim_ts_open(struct hvsim_chan *chan)
{
	struct hvsim_ic *ic = chan->dev->priv;
	struct hvsim_ts *ts = ic->priv;

	ts->need_sync = true;
	return hvsim_ic_open(chan);
}

static const struct hvsim_ic_ops hvsim_ts_ops = {
	.msgtype = ICMSGTYPE_TIMESYNC,
	.versions = hvsim_ts_versions,
	.interval_ms = 5000,
	.create = hvsim_ts_create,
	.destroy = hvsim_ts_destroy,
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
	.open = hvsim_ts_open,
	.close = hvsim_ic_close,
	.service = hvsim_ic_service,
	.show = hvsim_ic_show,
};
