// SPDX-License-Identifier: GPL-2.0-only
/*
 * Monitored notification: a guest signals a channel offered with a monitor
 * id by setting its bit in the trigger group of monitor page 2 instead of
 * making a hypercall.  Like the real host, hvsim scans the page
 * periodically, but only while a monitored channel is open.
 */
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <hvguest/compat.h>

#include "hvsim.h"

static bool hvsim_timer_on;	/* chan_lock */

static ktime_t hvsim_period(void)
{
	return ns_to_ktime((u64)hvsim_monitor_latency_us * NSEC_PER_USEC);
}

static unsigned long *hvsim_pending_word(struct hv_monitor_page *page, u32 g)
{
	/* pending is the low half of an 8-byte aligned group: bits 0..31. */
	return (unsigned long *)((u8 *)page +
				 offsetof(struct hv_monitor_page, trigger_group) +
				 g * sizeof(struct hv_monitor_trigger_group));
}

static void hvsim_scan_group(u32 g)
{
	unsigned long *pending = hvsim_pending_word(hvsim.mon_page, g);
	unsigned long open = hvsim.mon_open[g];
	unsigned int bit;

	if (!(READ_ONCE(*pending) & open))
		return;
	for_each_set_bit(bit, &open, 32)
		if (test_and_clear_bit(bit, pending))
			hvsim_chan_kick_locked(hvsim.monitored[g * 32 + bit]);
}

static enum hrtimer_restart hvsim_monitor_fire(struct hrtimer *timer)
{
	bool again = false;
	unsigned long flags;
	u32 g;

	spin_lock_irqsave(&hvsim.chan_lock, flags);
	for (g = 0; g < ARRAY_SIZE(hvsim.mon_open); g++) {
		if (!hvsim.mon_open[g] || !hvsim.mon_page || hvsim.dead)
			continue;
		hvsim_scan_group(g);
		again = true;
	}
	hvsim_timer_on = again;
	if (again)
		hrtimer_forward_now(timer, hvsim_period());
	spin_unlock_irqrestore(&hvsim.chan_lock, flags);
	return again ? HRTIMER_RESTART : HRTIMER_NORESTART;
}

void hvsim_monitor_open(struct hvsim_chan *chan)
{
	u32 id = chan->monitorid;

	if (chan->monitorid == HVSIM_NO_MONITOR)
		return;
	spin_lock_irq(&hvsim.chan_lock);
	hvsim.mon_open[id / 32] |= BIT(id % 32);
	if (!hvsim_timer_on && !hvsim.dead) {
		hvsim_timer_on = true;
		hrtimer_start(&hvsim.mon_timer, hvsim_period(),
			      HRTIMER_MODE_REL);
	}
	spin_unlock_irq(&hvsim.chan_lock);
}

void hvsim_monitor_close(struct hvsim_chan *chan)
{
	u32 id = chan->monitorid;

	if (chan->monitorid == HVSIM_NO_MONITOR)
		return;
	spin_lock_irq(&hvsim.chan_lock);
	hvsim.mon_open[id / 32] &= ~BIT(id % 32);
	spin_unlock_irq(&hvsim.chan_lock);
}

void hvsim_monitor_init(void)
{
	hvg_hrtimer_setup(&hvsim.mon_timer, hvsim_monitor_fire, CLOCK_MONOTONIC,
			  HRTIMER_MODE_REL);
}

/* After hvsim.dead is set and the workqueue drained: nothing restarts it. */
void hvsim_monitor_exit(void)
{
	hrtimer_cancel(&hvsim.mon_timer);
}
