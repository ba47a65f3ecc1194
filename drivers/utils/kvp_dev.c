// SPDX-License-Identifier: GPL-2.0-only
/*
 * The KVP relay: /dev/hvguest/kvp, opened by one daemon at a time, lives
 * as long as the module.  The host sends one request at a time; it waits
 * here (QUEUED), is read by the daemon (READ), and the daemon's answer is
 * written back into the host's packet and sent.  A request nobody answers
 * within kvp_timeout seconds is failed with E_FAIL and logged.
 */
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/poll.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "kvp.h"

static unsigned int util_kvp_timeout = 10;
module_param_named(kvp_timeout, util_kvp_timeout, uint, 0644);
MODULE_PARM_DESC(kvp_timeout,
		 "Seconds a host KVP request waits for hv_kvp_daemon (default 10)");

enum util_kvp_state { UTIL_KVP_IDLE, UTIL_KVP_QUEUED, UTIL_KVP_READ };

/**
 * struct util_kvp - the relay
 * @lock: everything below but @wq and @timeout (taken in softirq context)
 * @wq: the daemon waits here for a request
 * @timeout: fails a request at @deadline
 * @ud: the bound KVP device, or NULL
 * @state: of the request in @rec and @pkt
 * @open: the device file is open
 * @rec: the request as the daemon reads it
 * @pkt: the host's packet, headers included, rewritten into the answer
 * @len: its length
 * @trans_id: its transaction id
 * @deadline: jiffies when the request times out
 * @next_id: id of the last request
 * @relayed: requests handed to the daemon
 * @answered: requests the daemon answered
 * @timeouts: requests nobody answered in time
 * @bad_answers: malformed answers from the daemon
 * @busy: requests refused because one was pending
 */
struct util_kvp {
	spinlock_t lock;
	wait_queue_head_t wq;
	struct delayed_work timeout;
	struct util_dev *ud;
	enum util_kvp_state state;
	bool open;
	struct hvg_kvp_record rec;
	u8 pkt[UTIL_BUF_BYTES];
	u32 len;
	u64 trans_id;
	unsigned long deadline;
	u32 next_id;
	u64 relayed;
	u64 answered;
	u64 timeouts;
	u64 bad_answers;
	u64 busy;
};

static struct util_kvp util_kvp;

/* Answer the pending request with @status; kvp->lock held. */
static void util_kvp_finish(struct util_kvp *kvp, u32 status)
{
	struct icmsg_hdr *hdr = (void *)(kvp->pkt + sizeof(struct vmbuspipe_hdr));

	hdr->status = status;
	util_ic_answer(kvp->ud, kvp->pkt, kvp->len, kvp->trans_id);
	kvp->state = UTIL_KVP_IDLE;
}

/**
 * util_kvp_relay() - the handle() of the KVP service
 * @ud: the KVP device
 * @hdr: the request's IC header
 * @body: its body, from the host
 * @len: the body's length
 *
 * Softirq context.  A well-formed request is deferred to the daemon; any
 * other is answered in place.
 */
void util_kvp_relay(struct util_dev *ud, struct icmsg_hdr *hdr, u8 *body,
		    u32 len)
{
	struct util_kvp *kvp = &util_kvp;
	unsigned long delay = min(READ_ONCE(util_kvp_timeout), 3600U) * HZ;
	u32 status, pending;

	spin_lock(&kvp->lock);
	if (kvp->state != UTIL_KVP_IDLE) {
		pending = kvp->rec.id;
		kvp->busy++;
		spin_unlock(&kvp->lock);
		dev_err_ratelimited(&ud->hdev->dev,
				    "kvp: request while request %u is pending refused\n",
				    pending);
		hdr->status = HVG_IC_E_FAIL;
		return;
	}
	status = util_kvp_from_host(ud, body, len, &kvp->rec);
	if (status != HVG_IC_S_OK) {
		spin_unlock(&kvp->lock);
		hdr->status = status;
		return;
	}
	kvp->rec.id = ++kvp->next_id;
	kvp->len = HVG_IC_HDR_LEN + len;
	memcpy(kvp->pkt, body - HVG_IC_HDR_LEN, kvp->len);
	kvp->trans_id = util_ic_defer(ud);
	kvp->deadline = jiffies + delay;
	kvp->state = UTIL_KVP_QUEUED;
	kvp->relayed++;
	mod_delayed_work(system_wq, &kvp->timeout, delay);
	spin_unlock(&kvp->lock);
	wake_up_interruptible(&kvp->wq);
}

static void util_kvp_timeout_work(struct work_struct *work)
{
	struct util_kvp *kvp = container_of(to_delayed_work(work),
					    struct util_kvp, timeout);

	spin_lock_bh(&kvp->lock);
	if (kvp->state == UTIL_KVP_IDLE)
		goto out;
	if (time_before(jiffies, kvp->deadline)) {
		mod_delayed_work(system_wq, &kvp->timeout,
				 kvp->deadline - jiffies);
		goto out;
	}
	dev_err_ratelimited(&kvp->ud->hdev->dev,
			    "kvp: no answer from hv_kvp_daemon to the host's %s request within %u s (%s), failed\n",
			    util_kvp_op_name(kvp->rec.op), READ_ONCE(util_kvp_timeout),
			    kvp->open ? "the daemon did not answer" :
			    "no daemon has /dev/" HVG_KVP_DEV_NAME " open");
	kvp->timeouts++;
	util_kvp_finish(kvp, HVG_IC_E_FAIL);
out:
	spin_unlock_bh(&kvp->lock);
}

/* ---- The device file ------------------------------------------------------ */

static int util_kvp_open(struct inode *inode, struct file *file)
{
	struct util_kvp *kvp = &util_kvp;
	struct hvg_kvp_record *buf = kmalloc(sizeof(*buf), GFP_KERNEL);
	bool busy;

	if (!buf)
		return -ENOMEM;
	spin_lock_bh(&kvp->lock);
	busy = kvp->open;
	kvp->open = true;
	spin_unlock_bh(&kvp->lock);
	if (busy) {
		kfree(buf);
		return -EBUSY;
	}
	file->private_data = buf;
	return stream_open(inode, file);
}

static int util_kvp_release(struct inode *inode, struct file *file)
{
	struct util_kvp *kvp = &util_kvp;

	spin_lock_bh(&kvp->lock);
	kvp->open = false;
	/* A request the daemon read but did not answer waits for the next. */
	if (kvp->state == UTIL_KVP_READ)
		kvp->state = UTIL_KVP_QUEUED;
	spin_unlock_bh(&kvp->lock);
	kfree(file->private_data);
	return 0;
}

static ssize_t util_kvp_read(struct file *file, char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	struct util_kvp *kvp = &util_kvp;
	struct hvg_kvp_record *buf = file->private_data;
	int ret;

	if (count < sizeof(*buf))
		return -EINVAL;
	for (;;) {
		spin_lock_bh(&kvp->lock);
		if (kvp->state == UTIL_KVP_QUEUED) {
			*buf = kvp->rec;
			kvp->state = UTIL_KVP_READ;
			spin_unlock_bh(&kvp->lock);
			break;
		}
		spin_unlock_bh(&kvp->lock);
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		ret = wait_event_interruptible(kvp->wq,
					       READ_ONCE(kvp->state) == UTIL_KVP_QUEUED);
		if (ret)
			return ret;
	}
	if (copy_to_user(ubuf, buf, sizeof(*buf))) {
		spin_lock_bh(&kvp->lock);
		if (kvp->state == UTIL_KVP_READ && kvp->rec.id == buf->id)
			kvp->state = UTIL_KVP_QUEUED;
		spin_unlock_bh(&kvp->lock);
		return -EFAULT;
	}
	return sizeof(*buf);
}

static ssize_t util_kvp_write(struct file *file, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	struct util_kvp *kvp = &util_kvp;
	struct hvg_kvp_record *buf = file->private_data;
	u32 status;
	int ret;

	if (count != sizeof(*buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	spin_lock_bh(&kvp->lock);
	if (kvp->state != UTIL_KVP_READ || buf->id != kvp->rec.id) {
		spin_unlock_bh(&kvp->lock);
		pr_err_ratelimited("hv_utils: kvp: the daemon answered request %u, which is not pending (timed out?)\n",
				   buf->id);
		return -ESTALE;
	}
	if (buf->op != kvp->rec.op || buf->pool != kvp->rec.pool) {
		dev_err_ratelimited(&kvp->ud->hdev->dev,
				    "kvp: the daemon answered request %u as operation %u in pool %u\n",
				    buf->id, buf->op, buf->pool);
		ret = -EINVAL;
		status = HVG_IC_E_FAIL;
	} else {
		ret = util_kvp_to_host(kvp->ud, buf, kvp->pkt + HVG_IC_HDR_LEN,
				       kvp->len - HVG_IC_HDR_LEN, &status);
	}
	if (ret)
		kvp->bad_answers++;
	else
		kvp->answered++;
	util_kvp_finish(kvp, status);
	spin_unlock_bh(&kvp->lock);
	return ret ? ret : count;
}

static __poll_t util_kvp_poll(struct file *file, poll_table *wait)
{
	__poll_t mask = EPOLLOUT | EPOLLWRNORM;

	poll_wait(file, &util_kvp.wq, wait);
	if (READ_ONCE(util_kvp.state) == UTIL_KVP_QUEUED)
		mask |= EPOLLIN | EPOLLRDNORM;
	return mask;
}

static const struct file_operations util_kvp_fops = {
	.owner = THIS_MODULE,
	.open = util_kvp_open,
	.release = util_kvp_release,
	.read = util_kvp_read,
	.write = util_kvp_write,
	.poll = util_kvp_poll,
};

static struct miscdevice util_kvp_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "hvguest_kvp",
	.nodename = HVG_KVP_DEV_NAME,
	.mode = 0600,
	.fops = &util_kvp_fops,
};

/* ---- The KVP device --------------------------------------------------------- */

/**
 * util_kvp_bind() - the init() of the KVP service: claim the relay
 * @ud: the new KVP device
 *
 * Return: 0, or -EBUSY for a second KVP device.
 */
int util_kvp_bind(struct util_dev *ud)
{
	struct util_kvp *kvp = &util_kvp;
	int ret = 0;

	spin_lock_bh(&kvp->lock);
	if (kvp->ud)
		ret = -EBUSY;
	else
		kvp->ud = ud;
	spin_unlock_bh(&kvp->lock);
	if (ret)
		dev_err(&ud->hdev->dev, "kvp: a second KVP device is not supported\n");
	return ret;
}

/**
 * util_kvp_unbind() - the exit() of the KVP service, the channel closed
 * @ud: the KVP device
 */
void util_kvp_unbind(struct util_dev *ud)
{
	struct util_kvp *kvp = &util_kvp;

	spin_lock_bh(&kvp->lock);
	kvp->ud = NULL;
	kvp->state = UTIL_KVP_IDLE;	/* nobody left to answer */
	spin_unlock_bh(&kvp->lock);
	cancel_delayed_work_sync(&kvp->timeout);
}

/**
 * util_kvp_show() - the relay's lines of the kvp state file
 * @s: the file
 * @ud: the KVP device
 */
void util_kvp_show(struct seq_file *s, struct util_dev *ud)
{
	static const char *const states[] = { "none", "queued", "read" };
	struct util_kvp *kvp = &util_kvp;

	spin_lock_bh(&kvp->lock);
	seq_printf(s, "daemon: %s\npending: %s\ntimeout_s: %u\n",
		   kvp->open ? "open" : "closed", states[kvp->state],
		   READ_ONCE(util_kvp_timeout));
	seq_printf(s, "relayed: %llu\nanswered: %llu\ntimeouts: %llu\nbad_answers: %llu\nbusy: %llu\n",
		   kvp->relayed, kvp->answered, kvp->timeouts,
		   kvp->bad_answers, kvp->busy);
	spin_unlock_bh(&kvp->lock);
}

/**
 * util_kvp_init() - set up the relay and its device file (module init)
 *
 * Return: 0 or a negative errno.
 */
int util_kvp_init(void)
{
	spin_lock_init(&util_kvp.lock);
	init_waitqueue_head(&util_kvp.wq);
	INIT_DELAYED_WORK(&util_kvp.timeout, util_kvp_timeout_work);
	return misc_register(&util_kvp_misc);
}

/**
 * util_kvp_exit() - remove the device file (module exit, no device bound)
 */
void util_kvp_exit(void)
{
	misc_deregister(&util_kvp_misc);
	cancel_delayed_work_sync(&util_kvp.timeout);
}
