// SPDX-License-Identifier: GPL-2.0-only
/*
 * Time sync: the host sends its wall-clock time.  A sample flagged SYNC, or
 * one that differs from the guest clock by more than UTIL_TS_STEP_NS, steps
 * the clock.  Smaller SAMPLE differences are slewed: the clock is nudged by
 * at most UTIL_TS_SLEW_MAX_NS every UTIL_TS_SLEW_TICK until the difference
 * is gone (adjtimex() is not available to modules), each nudge counted by
 * how far it really moved the clock (util_timesync_slew()).  With
 * timesync_enabled=0 samples are recorded but never applied.
 *
 * Every sample also feeds a PTP clock named "hyperv" (/dev/ptpN, which
 * systemd's udev rules link to /dev/ptp_hyperv), read-only: it reads the
 * host time of the last sample advanced by the CLOCK_MONOTONIC_RAW time
 * since it arrived, so that a time daemon (chrony's refclock PHC) can
 * discipline the guest clock itself.  As in Linux's hv_util.c
 * (hv_ptp_gettime, hv_ptp_settime, hv_ptp_adjfine), setting or tuning it
 * is refused.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/ktime.h>
#include <linux/ptp_clock_kernel.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/time64.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>

#include "utils.h"

#define UTIL_TS_STEP_NS		(5 * NSEC_PER_SEC)
#define UTIL_TS_SLEW_MIN_NS	(10 * NSEC_PER_MSEC)	/* closer is in sync */
#define UTIL_TS_SLEW_MAX_NS	(10 * NSEC_PER_MSEC)	/* per tick */
#define UTIL_TS_SLEW_TICK	msecs_to_jiffies(50)
#define UTIL_TS_SLEW_DONE_NS	NSEC_PER_MSEC		/* a closer rest: done */

struct util_ts_stats {
	u64 host_ns;			/* last sample, ns since 1970 */
	ktime_t host_mono;		/* when it arrived (CLOCK_MONOTONIC) */
	u64 host_raw_ns;		/* and in CLOCK_MONOTONIC_RAW */
	s64 offset_ns;			/* host - guest when it arrived */
	u8 flags;
	u64 samples;
	u64 steps;
	u64 ignored;
	s64 slew_left_ns;		/* still to be slewed */
	s64 slewed_ns;			/* slewed in total */
	u64 slews;			/* nudges applied */
	u64 slew_lost_ns;		/* nudges fell short by, slewed again */
};

enum util_ts_action { UTIL_TS_NONE, UTIL_TS_STEP, UTIL_TS_SLEW };

struct util_timesync {
	spinlock_t lock;		/* st */
	struct work_struct work;
	struct delayed_work slew;
	struct util_ts_stats st;
	struct ptp_clock_info ptp_info;
	struct ptp_clock *ptp;
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
		pr_err_ratelimited("timesync: cannot set the clock\n");
}

/*
 * Set the wall clock @nudge ns from where it is; return by how much that
 * fell short of @nudge, S64_MIN if it could not.  do_settimeofday64()
 * takes an absolute time: the time that passes between reading the clock
 * and the new time taking effect is lost (an interrupt in between; or a
 * preemption of this worker, which a kernel with lazy preemption, as
 * Debian's 7.x, allows at any point, where voluntary preemption allowed
 * none).  The wall clock's offset from CLOCK_MONOTONIC, before and after,
 * says how far it really moved.  Another setter in between shows as a
 * loss below zero or of seconds.
 */
static s64 util_timesync_nudge(s64 nudge)
{
	ktime_t off = ktime_mono_to_real(0);
	struct timespec64 now;

	ktime_get_real_ts64(&now);
	now = timespec64_add(now, ns_to_timespec64(nudge));
	if (do_settimeofday64(&now)) {
		pr_err_ratelimited("timesync: cannot slew the clock\n");
		return S64_MIN;
	}
	return nudge - ktime_to_ns(ktime_sub(ktime_mono_to_real(0), off));
}

/*
 * Move the clock by one bounded nudge towards the last small sample.  What
 * a nudge fell short of is slewed again; the slew ends within
 * UTIL_TS_SLEW_DONE_NS of the sample, and never moves past it.  A new
 * sample replaces it; another setter of the clock meanwhile
 * (settimeofday()), or a failure to set it, ends it.
 */
static void util_timesync_slew(struct work_struct *work)
{
	struct util_timesync *ts = container_of(to_delayed_work(work),
						struct util_timesync, slew);
	s64 nudge, left, lost = 0;
	u64 samples;
	bool more;

	spin_lock_irq(&ts->lock);
	if (!READ_ONCE(util_timesync_enabled))
		ts->st.slew_left_ns = 0;
	nudge = clamp_t(s64, ts->st.slew_left_ns, -UTIL_TS_SLEW_MAX_NS,
			UTIL_TS_SLEW_MAX_NS);
	ts->st.slew_left_ns -= nudge;
	ts->st.slewed_ns += nudge;
	if (nudge)
		ts->st.slews++;
	samples = ts->st.samples;
	spin_unlock_irq(&ts->lock);
	if (nudge)
		lost = util_timesync_nudge(nudge);

	spin_lock_irq(&ts->lock);
	left = ts->st.slew_left_ns;
	if (ts->st.samples != samples) {
		/* A new sample came: its offset is from the clock as it is. */
	} else if (lost < 0 || lost >= UTIL_TS_STEP_NS) {
		left = 0;
	} else if (lost) {
		ts->st.slewed_ns -= lost;
		ts->st.slew_lost_ns += lost;
		left += lost;
		/* A negative slew that went past the sample stops there. */
		if ((left > 0) != (nudge > 0))
			left = 0;
	}
	if (left > -UTIL_TS_SLEW_DONE_NS && left < UTIL_TS_SLEW_DONE_NS)
		left = 0;
	if (ts->st.samples == samples)
		ts->st.slew_left_ns = left;
	more = ts->st.slew_left_ns;
	spin_unlock_irq(&ts->lock);
	if (more)
		schedule_delayed_work(&ts->slew, UTIL_TS_SLEW_TICK);
}

/* Record a sample; return what to do with the clock. */
static enum util_ts_action util_timesync_record(struct util_timesync *ts,
						u64 host_ns, u8 flags)
{
	s64 offset = host_ns - ktime_get_real_ns();
	enum util_ts_action act = UTIL_TS_NONE;
	unsigned long irqf;

	spin_lock_irqsave(&ts->lock, irqf);
	ts->st.host_ns = host_ns;
	ts->st.host_mono = ktime_get();
	ts->st.host_raw_ns = ktime_get_raw_ns();
	ts->st.offset_ns = offset;
	ts->st.flags = flags;
	ts->st.samples++;
	/* A new sample replaces what is left of an earlier slew. */
	ts->st.slew_left_ns = 0;
	if (!READ_ONCE(util_timesync_enabled))
		act = UTIL_TS_NONE;
	else if ((flags & ICTIMESYNCFLAG_SYNC) ||
		 offset > UTIL_TS_STEP_NS || offset < -UTIL_TS_STEP_NS)
		act = UTIL_TS_STEP;
	else if ((flags & ICTIMESYNCFLAG_SAMPLE) &&
		 (offset > UTIL_TS_SLEW_MIN_NS || offset < -UTIL_TS_SLEW_MIN_NS))
		act = UTIL_TS_SLEW;
	if (act == UTIL_TS_SLEW)
		ts->st.slew_left_ns = offset;
	else if (act == UTIL_TS_NONE)
		ts->st.ignored++;
	spin_unlock_irqrestore(&ts->lock, irqf);
	return act;
}

static void util_timesync_handle(struct util_dev *ud, struct icmsg_hdr *hdr,
				 u8 *body, u32 len)
{
	bool ref = READ_ONCE(ud->srv_version) >= HVG_IC_VERSION(4, 0);
	u32 need = ref ? sizeof(struct ictimesync_ref_data) :
			 sizeof(struct ictimesync_data);
	struct util_timesync *ts = ud->priv;
	u64 ns;
	u8 flags;
	int ret;

	ret = util_timesync_parse(body, len, ref, &ns, &flags);
	if (ret == -EMSGSIZE) {
		dev_err_ratelimited(&ud->hdev->dev, "timesync: sample of %u bytes, need %u\n",
				    len, need);
		hdr->status = HVG_IC_E_FAIL;
		return;
	}
	if (ret) {
		dev_err_ratelimited(&ud->hdev->dev, "timesync: host time %llu out of range\n",
				    ns);
		hdr->status = HVG_IC_E_FAIL;
		return;
	}
	switch (util_timesync_record(ts, ns, flags)) {
	case UTIL_TS_STEP:
		schedule_work(&ts->work);
		break;
	case UTIL_TS_SLEW:
		mod_delayed_work(system_wq, &ts->slew, 0);
		break;
	case UTIL_TS_NONE:
		break;
	}
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
	seq_printf(s, "slewing_ns: %lld\nslewed_ns: %lld\nslews: %llu\nslew_lost_ns: %llu\n",
		   copy.slew_left_ns, copy.slewed_ns, copy.slews,
		   copy.slew_lost_ns);
	seq_printf(s, "ptp_index: %d\n", ts->ptp ? ptp_clock_index(ts->ptp) : -1);
}

/* The host time now: the last sample plus the time since it came. */
static int util_ptp_gettime(struct ptp_clock_info *info, struct timespec64 *tp)
{
	struct util_timesync *ts = container_of(info, struct util_timesync,
						ptp_info);
	unsigned long irqf;
	u64 ns = 0;

	spin_lock_irqsave(&ts->lock, irqf);
	/* host_ns is at most KTIME_MAX (util_timesync_handle()) */
	if (ts->st.samples)
		ns = min_t(u64, ts->st.host_ns +
			   (ktime_get_raw_ns() - ts->st.host_raw_ns), KTIME_MAX);
	spin_unlock_irqrestore(&ts->lock, irqf);
	if (!ns)
		return -ENODATA;	/* no sample yet */
	*tp = ns_to_timespec64(ns);
	return 0;
}

/* The host's clock is not the guest's to set or tune. */
static int util_ptp_settime(struct ptp_clock_info *info,
			    const struct timespec64 *tp)
{
	return -EOPNOTSUPP;
}

static int util_ptp_adjtime(struct ptp_clock_info *info, s64 delta)
{
	return -EOPNOTSUPP;
}

static int util_ptp_adjfine(struct ptp_clock_info *info, long scaled_ppm)
{
	return -EOPNOTSUPP;
}

static int util_ptp_enable(struct ptp_clock_info *info,
			   struct ptp_clock_request *req, int on)
{
	return -EOPNOTSUPP;
}

static const struct ptp_clock_info util_ptp_info = {
	.owner = THIS_MODULE,
	.name = "hyperv",
	.gettime64 = util_ptp_gettime,
	.settime64 = util_ptp_settime,
	.adjtime = util_ptp_adjtime,
	.adjfine = util_ptp_adjfine,
	.enable = util_ptp_enable,
};

static int util_timesync_init(struct util_dev *ud)
{
	struct util_timesync *ts = kzalloc(sizeof(*ts), GFP_KERNEL);

	if (!ts)
		return -ENOMEM;
	spin_lock_init(&ts->lock);
	INIT_WORK(&ts->work, util_timesync_work);
	INIT_DELAYED_WORK(&ts->slew, util_timesync_slew);
	ts->ptp_info = util_ptp_info;
	/* NULL without PTP support in the kernel; the service works on. */
	ts->ptp = ptp_clock_register(&ts->ptp_info, &ud->hdev->dev);
	if (IS_ERR(ts->ptp)) {
		dev_err(&ud->hdev->dev, "timesync: no PTP clock: %ld\n",
			PTR_ERR(ts->ptp));
		ts->ptp = NULL;
	}
	ud->priv = ts;
	return 0;
}

static void util_timesync_exit(struct util_dev *ud)
{
	struct util_timesync *ts = ud->priv;

	if (ts->ptp)
		ptp_clock_unregister(ts->ptp);
	cancel_work_sync(&ts->work);
	cancel_delayed_work_sync(&ts->slew);
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
