// SPDX-License-Identifier: GPL-2.0-only
/*
 * A `run`: send COUNT packets spread over the first CHANNELS channels,
 * keep up to qd of them in flight per channel, and check every completion
 * (known request, in order, same content) as it arrives.
 *
 * Packet seq goes to channel seq % nchan as that channel's packet number
 * seq / nchan; the request id carries the run id and that number.
 */
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "echo.h"

static u64 echo_seq(const struct echo_run *run, const struct echo_chan *ec,
		    u64 idx)
{
	return idx * run->p.nchan + ec->idx;
}

static void echo_record_latency(struct echo_run *run, u64 ns)
{
	u32 i = atomic_inc_return(&run->nlat) - 1;

	if (run->lat && i < ECHO_MAX_LAT)
		run->lat[i] = ns;
}

/* Called from the inbound callback for every data completion. */
void echo_run_complete(struct echo_chan *ec, u64 rqst, const void *data,
		       u32 len)
{
	u64 idx = rqst & ECHO_RQST_IDX_MASK, seq, now = ktime_get_ns();
	u16 id = rqst >> ECHO_RQST_RUN_SHIFT;
	struct echo_run *run;
	bool ok = true;

	spin_lock(&ec->lock);
	run = ec->run;
	if (!run || run->id != id) {
		ec->stale++;
		goto out;
	}
	if (idx >= ec->nsent) {
		ec->errors++;
		goto out;
	}
	if (idx != ec->next_expect)
		ec->reorder++;
	ec->next_expect = idx + 1;
	seq = echo_seq(run, ec, idx);
	ok = echo_check(data, len, seq, ec->idx, echo_len(&run->p, seq));
	if (!ok)
		ec->mismatch++;
	ec->received++;
	ec->ndone++;
	echo_record_latency(run, now - ec->tsend[idx % run->p.qd]);
out:
	spin_unlock(&ec->lock);
	if (!ok)
		dev_err_ratelimited(&ec->ed->hdev->dev,
				    "echo channel %u: completion %llu differs from what was sent\n",
				    ec->idx, idx);
}

struct echo_retired {
	struct list_head node;
	void **slots;
	u32 nslots;
};

static void echo_free_slots(void **slots, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++)
		kvfree(slots[i]);
	kfree(slots);
}

/* The host no longer reads guest pages of a closed channel. */
void echo_chan_free_retired(struct echo_chan *ec)
{
	struct echo_retired *r, *tmp;

	list_for_each_entry_safe(r, tmp, &ec->retired, node) {
		list_del(&r->node);
		echo_free_slots(r->slots, r->nslots);
		kfree(r);
	}
}

/*
 * GPA buffers of packets still in flight (an aborted run) stay allocated
 * until the channel is closed; if even that bookkeeping can't be
 * allocated, leak them rather than let the host read freed memory.
 */
static void echo_chan_free_slots(struct echo_chan *ec)
{
	struct echo_retired *r;

	if (ec->nsent == READ_ONCE(ec->ndone)) {
		echo_free_slots(ec->slots, ec->nslots);
	} else {
		r = kmalloc(sizeof(*r), GFP_KERNEL);
		if (r) {
			r->slots = ec->slots;
			r->nslots = ec->nslots;
			list_add(&r->node, &ec->retired);
		}
	}
	ec->slots = NULL;
	ec->nslots = 0;
}

static void echo_chan_free_bufs(struct echo_chan *ec)
{
	if (ec->slots)
		echo_chan_free_slots(ec);
	kvfree(ec->txbuf);
	ec->txbuf = NULL;
	kfree(ec->tsend);
	ec->tsend = NULL;
}

static int echo_chan_alloc_bufs(struct echo_chan *ec, const struct echo_params *p)
{
	u32 i, n = min_t(u64, p->qd, ec->target);

	ec->tsend = kcalloc(p->qd, sizeof(*ec->tsend), GFP_KERNEL);
	ec->txbuf = kvmalloc(p->maxlen, GFP_KERNEL);
	if (!ec->tsend || !ec->txbuf)
		return -ENOMEM;
	if (p->mode == ECHO_INBAND)
		return 0;
	ec->slots = kcalloc(n, sizeof(*ec->slots), GFP_KERNEL);
	if (!ec->slots)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		ec->slots[i] = kvmalloc(p->maxlen + ECHO_GPA_SKEW, GFP_KERNEL);
		if (!ec->slots[i])
			return -ENOMEM;
		ec->nslots++;
	}
	return 0;
}

/* Join @ec to @run: from now on its completions are checked against it. */
static void echo_chan_attach(struct echo_chan *ec, struct echo_run *run)
{
	spin_lock_bh(&ec->lock);
	ec->run = run;
	ec->nsent = 0;
	ec->ndone = 0;
	ec->next_expect = 0;
	ec->received = 0;
	ec->mismatch = 0;
	ec->reorder = 0;
	ec->errors = 0;
	ec->built = 0;
	spin_unlock_bh(&ec->lock);
}

static void echo_chan_detach(struct echo_chan *ec, struct echo_result *res)
{
	spin_lock_bh(&ec->lock);
	ec->run = NULL;
	res->sent += ec->nsent;
	res->received += ec->received;
	res->mismatch += ec->mismatch;
	res->reorder += ec->reorder;
	res->errors += ec->errors;
	spin_unlock_bh(&ec->lock);
}

static int echo_send_one(struct echo_chan *ec, const struct echo_run *run,
			 u64 idx)
{
	u64 seq = echo_seq(run, ec, idx), rqst = echo_rqst(run->id, idx);
	u32 len = echo_len(&run->p, seq), n;
	void *buf;

	if (!echo_is_gpa(&run->p, seq)) {
		if (ec->built != idx + 1)
			echo_fill(ec->txbuf, seq, ec->idx, len);
		ec->built = idx + 1;
		return hvg_sendpacket(ec->chan, ec->txbuf, len, rqst,
				      VM_PKT_DATA_INBAND,
				      VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED);
	}
	/* Vary where the payload starts within its first page. */
	buf = ec->slots[idx % ec->nslots] + (seq * 8) % ECHO_GPA_SKEW;
	if (ec->built != idx + 1)
		echo_fill(buf, seq, ec->idx, len);
	ec->built = idx + 1;
	n = echo_gpa_ranges(buf, len, ec->pb);
	return hvg_sendpacket_pagebuffer(ec->chan, ec->pb, n, NULL, 0, rqst);
}

/*
 * Send as many packets as the queue depth and the ring allow.  The packet
 * is accounted as sent before it is written, as its completion may arrive
 * on another CPU before hvg_sendpacket*() returns.
 */
static int echo_send_some(struct echo_chan *ec, const struct echo_run *run)
{
	bool busy;
	u64 idx;
	int ret;

	while (ec->nsent < ec->target &&
	       ec->nsent - READ_ONCE(ec->ndone) < run->p.qd) {
		idx = ec->nsent;
		spin_lock_bh(&ec->lock);
		ec->tsend[idx % run->p.qd] = ktime_get_ns();
		ec->nsent = idx + 1;
		spin_unlock_bh(&ec->lock);

		ret = echo_send_one(ec, run, idx);
		if (!ret)
			continue;
		/* -EBUSY: hv_vmbus's request table is full, wait likewise. */
		busy = ret == -EAGAIN || ret == -EBUSY;
		spin_lock_bh(&ec->lock);
		ec->nsent = idx;
		if (!busy)
			ec->errors++;
		spin_unlock_bh(&ec->lock);
		if (busy)
			return 0;
		if (ret != -ENODEV)
			dev_err_ratelimited(&ec->ed->hdev->dev,
					    "echo channel %u: send failed: %d\n",
					    ec->idx, ret);
		return echo_chan_state(ec) ?: ret;
	}
	return 0;
}

/* 0 while the run can go on. */
static int echo_run_state(struct echo_dev *ed, const struct echo_run *run)
{
	u32 i;
	int err = echo_dev_state(ed);

	for (i = 0; !err && i < run->p.nchan; i++)
		err = echo_chan_state(ed->chans[i]);
	return err;
}

static u64 echo_run_done(struct echo_dev *ed, const struct echo_run *run)
{
	u64 done = 0;
	u32 i;

	for (i = 0; i < run->p.nchan; i++)
		done += READ_ONCE(ed->chans[i]->ndone);
	return done;
}

static int echo_run_loop(struct echo_dev *ed, struct echo_run *run)
{
	unsigned long last_progress = jiffies;
	u64 done, seen = 0;
	int ev, ret;
	u32 i;

	for (;;) {
		/* Read before looking at the state, so no wake-up is lost. */
		ev = atomic_read(&ed->events);
		ret = echo_run_state(ed, run);
		for (i = 0; !ret && i < run->p.nchan; i++)
			ret = echo_send_some(ed->chans[i], run);
		if (ret)
			return ret;
		done = echo_run_done(ed, run);
		if (done == run->p.count)
			return 0;
		if (done != seen) {
			seen = done;
			last_progress = jiffies;
		} else if (time_after(jiffies, last_progress +
				      msecs_to_jiffies(echo_timeout_ms))) {
			dev_err_ratelimited(&ed->hdev->dev,
					    "run: no completion for %u ms (%llu of %llu done)\n",
					    echo_timeout_ms, done, run->p.count);
			return -ETIMEDOUT;
		}
		/* The poll interval also catches failures nobody signals. */
		if (wait_event_interruptible_timeout(ed->wq,
						     atomic_read(&ed->events) != ev,
						     HZ / 10) < 0)
			return -EINTR;
	}
}

static int echo_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static void echo_latency(struct echo_run *run, struct echo_result *res)
{
	u32 n = min_t(u32, atomic_read(&run->nlat), ECHO_MAX_LAT);

	if (!run->lat || !n)
		return;
	sort(run->lat, n, sizeof(*run->lat), echo_cmp_u64, NULL);
	res->lat_median_ns = run->lat[n / 2];
	res->lat_p99_ns = run->lat[min_t(u32, n - 1, (u64)n * 99 / 100)];
}

static int echo_run_setup(struct echo_dev *ed, struct echo_run *run)
{
	const struct echo_params *p = &run->p;
	u32 i;
	int ret;

	run->id = ed->next_run_id++;
	atomic_set(&run->nlat, 0);
	/* Losing the latency figures is no reason to fail the run. */
	run->lat = kvmalloc_array(min_t(u64, p->count, ECHO_MAX_LAT),
				  sizeof(*run->lat), GFP_KERNEL | __GFP_NOWARN);
	for (i = 0; i < p->nchan; i++) {
		struct echo_chan *ec = ed->chans[i];

		ec->target = p->count / p->nchan + (i < p->count % p->nchan);
		ret = echo_chan_alloc_bufs(ec, p);
		if (ret)
			return ret;
	}
	return 0;
}

static void echo_run_teardown(struct echo_dev *ed, struct echo_run *run)
{
	u32 i;

	for (i = 0; i < run->p.nchan; i++)
		echo_chan_free_bufs(ed->chans[i]);
	kvfree(run->lat);
}

/**
 * echo_run() - one traffic run; called with ed->lock held
 * @ed: the device
 * @p: validated parameters
 *
 * Return: 0 when every completion arrived (check the result for content
 * errors), -ENODEV if the device went away, -EIO if a channel failed,
 * -ETIMEDOUT, -EINTR or -ENOMEM.
 */
int echo_run(struct echo_dev *ed, const struct echo_params *p)
{
	struct echo_result res = { };
	struct echo_run run = { .p = *p };
	u64 start;
	u32 i;
	int ret;

	lockdep_assert_held(&ed->lock);

	ret = echo_run_setup(ed, &run);
	if (ret)
		goto out;
	for (i = 0; i < p->nchan; i++)
		echo_chan_attach(ed->chans[i], &run);
	start = ktime_get_ns();
	ret = echo_run_loop(ed, &run);
	res.elapsed_ns = ktime_get_ns() - start;
	for (i = 0; i < p->nchan; i++)
		echo_chan_detach(ed->chans[i], &res);
	echo_latency(&run, &res);
	if (ret)
		res.errors++;
	spin_lock(&ed->res_lock);
	ed->last = res;
	spin_unlock(&ed->res_lock);
out:
	echo_run_teardown(ed, &run);
	return ret;
}
