// SPDX-License-Identifier: GPL-2.0-only
/*
 * Time sync: the host sends its wall-clock time.  A sample flagged SYNC, or
 * one that differs from the guest clock by more than UTIL_TS_STEP_NS, steps
 * the clock; smaller SAMPLE differences are left to NTP and the like.  With
 * timesync_enabled=0 samples are recorded but never applied.
 */
#include <linux/device.h>
#include <linux/ktime.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/time64.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>

#include "utils.h"

#define UTIL_TS_STEP_NS		(5 * NSEC_PER_SEC)

struct util_ts_stats {
	u64 host_ns;			/* last sample, ns since 1970 */
	ktime_t host_mono;		/* when it arrived (CLOCK_MONOTONIC) */
	s64 offset_ns;			/* host - guest when it arrived */
	u8 flags;
	u64 samples;
	u64 steps;
	u64 ignored;
};

struct util_timesync {
	spinlock_t lock;		/* st */
	struct work_struct work;
	struct util_ts_stats st;
};

static const u32 util_timesync_versions[] = {
	HVG_IC_VERSION(4, 0), HVG_IC_VERSION(3, 0), HVG_IC_VERSION(1, 0),
};

/* Step the clock to the last sample, advanced by the time since. */
static void util_timesync_work(struct work_struct *work)
{
	struct util_timesync *ts = container_of(work, struct util_timesync, work);
	struct timespec64 now;
	u64 ns;

	spin_lock_irq(&ts->lock);
	ns = ts->st.host_ns + ktime_to_ns(ktime_sub(ktime_get(), ts->st.host_mono));
	ts->st.steps++;
	spin_unlock_irq(&ts->lock);
	now = ns_to_timespec64(ns);
	if (do_settimeofday64(&now))
		pr_err_ratelimited("hv_utils: timesync: cannot set the clock\n");
}

/* Record a sample; return whether the clock is to be stepped. */
static bool util_timesync_record(struct util_timesync *ts, u64 host_ns, u8 flags)
{
	s64 offset = host_ns - ktime_get_real_ns();
	unsigned long irqf;
	bool step;

	spin_lock_irqsave(&ts->lock, irqf);
	ts->st.host_ns = host_ns;
	ts->st.host_mono = ktime_get();
	ts->st.offset_ns = offset;
	ts->st.flags = flags;
	ts->st.samples++;
	step = READ_ONCE(util_timesync_enabled) &&
	       ((flags & ICTIMESYNCFLAG_SYNC) ||
		offset > UTIL_TS_STEP_NS || offset < -UTIL_TS_STEP_NS);
	if (!step)
		ts->st.ignored++;
	spin_unlock_irqrestore(&ts->lock, irqf);
	return step;
}

static void util_timesync_handle(struct util_dev *ud, struct icmsg_hdr *hdr,
				 u8 *body, u32 len)
{
	bool ref = READ_ONCE(ud->srv_version) >= HVG_IC_VERSION(4, 0);
	u32 need = ref ? sizeof(struct ictimesync_ref_data) :
			 sizeof(struct ictimesync_data);
	struct util_timesync *ts = ud->priv;
	u64 parent;
	u8 flags;

	if (len < need) {
		dev_err_ratelimited(&ud->hdev->dev, "timesync: sample of %u bytes, need %u\n",
				    len, need);
		hdr->status = HVG_IC_E_FAIL;
		return;
	}
	if (ref) {
		parent = ((struct ictimesync_ref_data *)body)->parenttime;
		flags = ((struct ictimesync_ref_data *)body)->flags;
	} else {
		parent = ((struct ictimesync_data *)body)->parenttime;
		flags = ((struct ictimesync_data *)body)->flags;
	}
	if (parent < HVG_TIME_EPOCH_DELTA ||
	    parent - HVG_TIME_EPOCH_DELTA > (u64)KTIME_SEC_MAX * (NSEC_PER_SEC / 100)) {
		dev_err_ratelimited(&ud->hdev->dev, "timesync: host time %llu out of range\n",
				    parent);
		hdr->status = HVG_IC_E_FAIL;
		return;
	}
	if (util_timesync_record(ts, (parent - HVG_TIME_EPOCH_DELTA) * 100, flags))
		schedule_work(&ts->work);
}

static void util_timesync_show(struct seq_file *s, struct util_dev *ud)
{
	struct util_timesync *ts = ud->priv;
	struct util_ts_stats copy;

	spin_lock_irq(&ts->lock);
	copy = ts->st;
	spin_unlock_irq(&ts->lock);
	seq_printf(s, "enabled: %d\nlast_sample_ns: %llu\noffset_ns: %lld\nflags: %u\n",
		   READ_ONCE(util_timesync_enabled), copy.host_ns, copy.offset_ns,
		   copy.flags);
	seq_printf(s, "samples: %llu\nsteps: %llu\nignored: %llu\n",
		   copy.samples, copy.steps, copy.ignored);
}

static int util_timesync_init(struct util_dev *ud)
{
	struct util_timesync *ts = kzalloc(sizeof(*ts), GFP_KERNEL);

	if (!ts)
		return -ENOMEM;
	spin_lock_init(&ts->lock);
	INIT_WORK(&ts->work, util_timesync_work);
	ud->priv = ts;
	return 0;
}

static void util_timesync_exit(struct util_dev *ud)
{
	struct util_timesync *ts = ud->priv;

	cancel_work_sync(&ts->work);
	kfree(ts);
}

const struct util_service util_timesync_svc = {
	.name = "timesync",
	.msgtype = ICMSGTYPE_TIMESYNC,
	.versions = util_timesync_versions,
	.nversions = ARRAY_SIZE(util_timesync_versions),
	.init = util_timesync_init,
	.exit = util_timesync_exit,
	.handle = util_timesync_handle,
	.show = util_timesync_show,
};
