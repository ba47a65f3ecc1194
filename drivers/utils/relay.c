// SPDX-License-Identifier: GPL-2.0-only
/*
 * The relay between an integration component and the distribution's
 * daemon (hv_kvp_daemon, hv_vss_daemon, hv_fcopy_daemon): a device under
 * /dev/vmbus/ that one process opens at a time.  As in Linux, it exists
 * while the host offers the service (so udev starts the daemon only then);
 * when the device goes, the daemon's open file fails every call (EBADF)
 * and a new daemon can open the next one at once.  The daemon registers first (its first write; some expect an
 * answer to read).  The host sends one request at a time; it waits here
 * (QUEUED), is read by the daemon (READ), and the daemon's answer is
 * written back into the host's packet and sent.  A request that comes
 * while no daemon is registered, or that the daemon leaves when it closes
 * the device, is failed at once; one nobody answers in time is failed
 * then.  All with E_FAIL and a log line.
 *
 * The device is not a stream: hv_fcopy_daemon uses pread() and pwrite()
 * (at offset 0, which means nothing here).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/nls.h>
#include <linux/poll.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <hvguest/compat.h>

#include "relay.h"

#define util_relay_err(r, fmt, ...)					\
	dev_err_ratelimited(&(r)->ud->hdev->dev, "%s: " fmt,		\
			    (r)->ud->svc->name, ##__VA_ARGS__)

/* Answer the pending request with @status; r->lock held. */
static void util_relay_finish(struct util_relay *r, u32 status)
{
	struct icmsg_hdr *hdr = (void *)(r->pkt + sizeof(struct vmbuspipe_hdr));

	lockdep_assert_held(&r->lock);
	hdr->status = status;
	util_ic_answer(r->ud, r->pkt, r->len, r->trans_id);
	r->state = UTIL_RELAY_IDLE;
}

/**
 * util_relay_handle() - the handle() of a relayed service
 * @ud: the device
 * @hdr: the request's IC header
 * @body: its body, from the host
 * @len: the body's length
 *
 * Softirq context.  A well-formed request is deferred to the daemon; any
 * other is answered in place.
 */
void util_relay_handle(struct util_dev *ud, struct icmsg_hdr *hdr, u8 *body,
		       u32 len)
{
	struct util_relay *r = ud->svc->relay;
	const struct util_relay_ops *ops = r->ops;
	unsigned long delay;
	u32 status, pending;

	spin_lock(&r->lock);
	if (r->state != UTIL_RELAY_IDLE) {
		pending = r->next_id;
		r->busy++;
		spin_unlock(&r->lock);
		dev_err_ratelimited(&ud->hdev->dev,
				    "%s: request while request %u is pending refused\n",
				    ud->svc->name, pending);
		hdr->status = HVG_IC_E_FAIL;
		return;
	}
	memset(r->msg, 0, ops->read_max);
	r->msg_len = 0;
	status = ops->from_host(ud, body, len, r->msg, &r->msg_len, &r->op);
	if (status == HVG_IC_S_OK && r->msg_len && !r->registered) {
		r->timeouts++;
		status = HVG_IC_E_FAIL;
		util_relay_err(r, "the host's %s request failed: no %s registered at /dev/%s\n",
			       ops->op_name(r->op), ops->daemon, ops->dev);
	}
	if (status != HVG_IC_S_OK || !r->msg_len) {
		spin_unlock(&r->lock);
		hdr->status = status;
		return;
	}
	delay = min(ops->timeout_s(r->op), 3600U) * HZ;
	r->next_id++;
	r->len = HVG_IC_HDR_LEN + len;
	memcpy(r->pkt, body - HVG_IC_HDR_LEN, r->len);
	r->trans_id = util_ic_defer(ud);
	r->deadline = jiffies + delay;
	r->state = UTIL_RELAY_QUEUED;
	r->relayed++;
	mod_delayed_work(system_wq, &r->timeout, delay);
	spin_unlock(&r->lock);
	wake_up_interruptible(&r->wq);
}

static void util_relay_timeout_work(struct work_struct *work)
{
	struct util_relay *r = container_of(to_delayed_work(work),
					    struct util_relay, timeout);

	spin_lock_bh(&r->lock);
	if (r->state == UTIL_RELAY_IDLE)
		goto out;
	if (time_before(jiffies, r->deadline)) {
		mod_delayed_work(system_wq, &r->timeout, r->deadline - jiffies);
		goto out;
	}
	util_relay_err(r, "no answer from %s to the host's %s request within %u s, failed\n",
		       r->ops->daemon, r->ops->op_name(r->op),
		       r->ops->timeout_s(r->op));
	r->timeouts++;
	util_relay_finish(r, HVG_IC_E_FAIL);
out:
	spin_unlock_bh(&r->lock);
}

/**
 * util_relay_status() - a daemon's status for the host
 * @ud: the device
 * @error: the status the daemon answered with
 * @status: set to what the host gets
 *
 * Success, S_CONT or an HRESULT failure (bit 31) pass; anything else is
 * not a status.
 *
 * Return: 0, or -EINVAL (*@status E_FAIL).
 */
int util_relay_status(struct util_dev *ud, u32 error, u32 *status)
{
	if (error == HVG_IC_S_OK || error == HVG_IC_S_CONT || (error & BIT(31))) {
		*status = error;
		return 0;
	}
	dev_err_ratelimited(&ud->hdev->dev, "%s: daemon answered with status %#x, not an error\n",
			    ud->svc->name, error);
	*status = HVG_IC_E_FAIL;
	return -EINVAL;
}

#define util_relay_str_err(ud, fmt, ...)				\
	dev_err_ratelimited(&(ud)->hdev->dev, "%s: " fmt, (ud)->svc->name, \
			    ##__VA_ARGS__)

/* UTF-16 unit @i of the host's string @s */
static u16 util_relay_unit(const u8 *s, u32 i)
{
	return get_unaligned_le16(s + 2 * i);
}

/* UTF-8 bytes of the UTF-16 unit @c (a surrogate pair counts 4 for both) */
static u32 util_relay_utf8_len(u16 c)
{
	if (c < 0x80)
		return 1;
	if (c < 0x800)
		return 2;
	if (c >= 0xd800 && c <= 0xdfff)
		return 2;
	return 3;
}

/**
 * util_relay_str_in() - a host's string for the daemon
 * @ud: the device
 * @what: the string's name, for messages
 * @s: the host's UTF-16LE string of @size bytes, terminator included
 * @size: its size, at most @max
 * @max: the largest size the protocol allows
 * @out: the daemon's field, @room bytes, set to NUL-terminated UTF-8
 * @room: its size: the string is refused rather than cut if it does not fit
 * @outlen: if not NULL, set to the UTF-8 length with the NUL
 *
 * Return: HVG_IC_S_OK, or HVG_IC_E_FAIL (with a log line).
 */
u32 util_relay_str_in(struct util_dev *ud, const char *what,
			   const u8 *s, u32 size, u32 max, u8 *out, u32 room,
			   u32 *outlen)
{
	u32 n, i, n8 = 0;
	int len;

	if (size < 2 || size > max || size % 2) {
		util_relay_str_err(ud, "%s size %u refused (2 to %u bytes, even)\n",
			     what, size, max);
		return HVG_IC_E_FAIL;
	}
	for (n = 0; n < size / 2 && util_relay_unit(s, n); n++)
		n8 += util_relay_utf8_len(util_relay_unit(s, n));
	if (n == size / 2) {
		util_relay_str_err(ud, "%s of %u bytes without a terminator refused\n",
			     what, size);
		return HVG_IC_E_FAIL;
	}
	for (i = 0; i < n; i++) {
		u16 c = util_relay_unit(s, i);

		if (c < 0xd800 || c > 0xdfff)
			continue;
		if (c < 0xdc00 && i + 1 < n) {
			u16 low = util_relay_unit(s, i + 1);

			if (low >= 0xdc00 && low <= 0xdfff) {
				i++;
				continue;
			}
		}
		util_relay_str_err(ud, "%s is not valid UTF-16 (unpaired surrogate %#x at %u)\n",
			     what, c, i);
		return HVG_IC_E_FAIL;
	}
	if (n8 >= room) {
		util_relay_str_err(ud, "%s of %u UTF-8 bytes is too long for %s (at most %u)\n",
			     what, n8, ud->svc->relay->ops->daemon, room - 1);
		return HVG_IC_E_FAIL;
	}
	len = utf16s_to_utf8s((const wchar_t *)s, n, UTF16_LITTLE_ENDIAN, out,
			      room - 1);
	out[len] = '\0';
	if (outlen)
		*outlen = len + 1;
	return HVG_IC_S_OK;
}

/* ---- The device file ------------------------------------------------------ */

static struct util_relay *util_relay_of(struct file *file)
{
	struct miscdevice *misc = file->private_data;

	return container_of(misc, struct util_relay, misc);
}

/**
 * struct util_relay_file - an open device file
 * @r: its relay
 * @gen: r->gen when it was opened: the device it belongs to
 * @buf: a message to or from the daemon
 */
struct util_relay_file {
	struct util_relay *r;
	u32 gen;
	u8 buf[];
};

/* The file's device is gone; r->lock held or a READ_ONCE() enough. */
static bool util_relay_stale(struct util_relay_file *f)
{
	return f->gen != READ_ONCE(f->r->gen);
}

static int util_relay_open(struct inode *inode, struct file *file)
{
	struct util_relay *r = util_relay_of(file);
	struct util_relay_file *f;
	int ret = 0;

	f = kmalloc(struct_size(f, buf, max(r->ops->read_max,
					    r->ops->write_size)), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	f->r = r;
	spin_lock_bh(&r->lock);
	f->gen = r->gen;
	if (!r->ud)
		ret = -ENODEV;
	else if (r->open)
		ret = -EBUSY;
	else
		r->open = true;
	spin_unlock_bh(&r->lock);
	if (ret) {
		kfree(f);
		return ret;
	}
	file->private_data = f;
	return 0;
}

static int util_relay_release(struct inode *inode, struct file *file)
{
	struct util_relay_file *f = file->private_data;
	struct util_relay *r = f->r;

	spin_lock_bh(&r->lock);
	if (util_relay_stale(f))
		goto out;
	r->open = false;
	r->registered = false;
	r->reg_len = 0;
	if (r->state != UTIL_RELAY_IDLE) {
		util_relay_err(r, "%s closed /dev/%s with the host's %s request unanswered, failed\n",
			       r->ops->daemon, r->ops->dev, r->ops->op_name(r->op));
		r->timeouts++;
		util_relay_finish(r, HVG_IC_E_FAIL);
	}
out:
	spin_unlock_bh(&r->lock);
	kfree(f);
	return 0;
}

/*
 * Something for the daemon to read; r->lock held, or a lockless peek (the
 * condition of the read's wait, checked again under the lock).
 */
static bool util_relay_readable(struct util_relay *r)
{
	return r->reg_len || (r->registered && r->state == UTIL_RELAY_QUEUED);
}

static ssize_t util_relay_read(struct file *file, char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	struct util_relay_file *f = file->private_data;
	struct util_relay *r = f->r;
	u32 id = 0, n;
	bool request;
	int ret;

	for (;;) {
		spin_lock_bh(&r->lock);
		if (util_relay_stale(f)) {
			spin_unlock_bh(&r->lock);
			return -EBADF;
		}
		n = r->reg_len;
		request = !n && util_relay_readable(r);
		if (request)
			n = r->msg_len;
		if (n && count < n) {
			spin_unlock_bh(&r->lock);
			return -EINVAL;
		}
		if (n)
			break;
		spin_unlock_bh(&r->lock);
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		ret = wait_event_interruptible(r->wq, util_relay_readable(r) ||
					       util_relay_stale(f));
		if (ret)
			return ret;
	}
	if (request) {
		memcpy(f->buf, r->msg, n);
		id = r->next_id;
		r->state = UTIL_RELAY_READ;
	} else {
		memcpy(f->buf, r->reg_ans, n);
		r->reg_len = 0;
	}
	spin_unlock_bh(&r->lock);
	if (copy_to_user(ubuf, f->buf, n)) {
		spin_lock_bh(&r->lock);
		if (!request && r->registered)
			r->reg_len = n;
		else if (request && r->state == UTIL_RELAY_READ && r->next_id == id)
			r->state = UTIL_RELAY_QUEUED;
		spin_unlock_bh(&r->lock);
		return -EFAULT;
	}
	return n;
}

static ssize_t util_relay_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	struct util_relay_file *f = file->private_data;
	struct util_relay *r = f->r;
	u32 status;
	int ret;

	if (count != r->ops->write_size)
		return -EINVAL;
	if (copy_from_user(f->buf, ubuf, count))
		return -EFAULT;
	spin_lock_bh(&r->lock);
	if (util_relay_stale(f)) {
		spin_unlock_bh(&r->lock);
		return -EBADF;
	}
	if (!r->registered) {
		ret = r->ops->reg(f->buf, r->reg_ans);
		if (ret >= 0) {
			r->registered = true;
			r->reg_len = ret;
		}
		spin_unlock_bh(&r->lock);
		if (ret < 0) {
			pr_err_ratelimited("%s refused: not a registration of a daemon we know\n",
					   r->ops->dev);
			return ret;
		}
		wake_up_interruptible(&r->wq);
		return count;
	}
	if (r->state != UTIL_RELAY_READ) {
		spin_unlock_bh(&r->lock);
		pr_err_ratelimited("%s: the daemon answered, but no request is pending (timed out?)\n",
				   r->ops->dev);
		return -ESTALE;
	}
	ret = r->ops->to_host(r->ud, r->op, f->buf, r->pkt + HVG_IC_HDR_LEN,
			      r->len - HVG_IC_HDR_LEN, &status);
	if (ret) {
		r->bad_answers++;
		status = HVG_IC_E_FAIL;
	} else {
		r->answered++;
	}
	util_relay_finish(r, status);
	spin_unlock_bh(&r->lock);
	return ret ? ret : count;
}

static __poll_t util_relay_poll(struct file *file, poll_table *wait)
{
	struct util_relay_file *f = file->private_data;
	struct util_relay *r = f->r;
	__poll_t mask = EPOLLOUT | EPOLLWRNORM;
	bool readable;

	poll_wait(file, &r->wq, wait);
	spin_lock_bh(&r->lock);
	readable = util_relay_readable(r);
	spin_unlock_bh(&r->lock);
	if (util_relay_stale(f))
		return EPOLLERR | EPOLLHUP;
	if (readable)
		mask |= EPOLLIN | EPOLLRDNORM;
	return mask;
}

static const struct file_operations util_relay_fops = {
	.owner = THIS_MODULE,
	.open = util_relay_open,
	.release = util_relay_release,
	.read = util_relay_read,
	.write = util_relay_write,
	.poll = util_relay_poll,
	.llseek = noop_llseek,
};

/* ---- The device ------------------------------------------------------------- */

/**
 * util_relay_bind() - the init() of a relayed service: claim its relay and
 *	create its device file
 * @ud: the new device
 *
 * Return: 0, -EBUSY for a second device of the service, or the error of
 * misc_register().
 */
int util_relay_bind(struct util_dev *ud)
{
	struct util_relay *r = ud->svc->relay;
	int ret = 0;

	mutex_lock(&r->bind_lock);
	if (r->bound) {
		dev_err(&ud->hdev->dev, "%s: a second device is not supported\n",
			ud->svc->name);
		ret = -EBUSY;
		goto out;
	}
	spin_lock_bh(&r->lock);
	r->ud = ud;
	spin_unlock_bh(&r->lock);
	r->misc.minor = MISC_DYNAMIC_MINOR;
	ret = misc_register(&r->misc);
	if (ret) {
		dev_err(&ud->hdev->dev, "%s: cannot create /dev/%s: %d\n",
			ud->svc->name, r->ops->dev, ret);
		spin_lock_bh(&r->lock);
		r->ud = NULL;
		spin_unlock_bh(&r->lock);
		goto out;
	}
	r->bound = true;
out:
	mutex_unlock(&r->bind_lock);
	return ret;
}

/**
 * util_relay_unbind() - the exit() of a relayed service, the channel closed:
 *	remove the device file, the daemon's open file goes stale
 * @ud: the device
 */
void util_relay_unbind(struct util_dev *ud)
{
	struct util_relay *r = ud->svc->relay;

	mutex_lock(&r->bind_lock);
	misc_deregister(&r->misc);
	spin_lock_bh(&r->lock);
	r->state = UTIL_RELAY_IDLE;	/* nobody left to answer */
	r->gen++;
	r->open = false;
	r->registered = false;
	r->reg_len = 0;
	spin_unlock_bh(&r->lock);
	wake_up_interruptible(&r->wq);
	cancel_delayed_work_sync(&r->timeout);
	spin_lock_bh(&r->lock);
	r->ud = NULL;
	spin_unlock_bh(&r->lock);
	r->bound = false;
	mutex_unlock(&r->bind_lock);
}

/**
 * util_relay_show() - the relay's lines of the service's state file
 * @s: the file
 * @ud: the device
 */
void util_relay_show(struct seq_file *s, struct util_dev *ud)
{
	static const char *const states[] = { "none", "queued", "read" };
	struct util_relay *r = ud->svc->relay;

	spin_lock_bh(&r->lock);
	seq_printf(s, "daemon: %s\npending: %s\n",
		   r->registered ? "registered" : r->open ? "open" : "closed",
		   states[r->state]);
	seq_printf(s, "relayed: %llu\nanswered: %llu\ntimeouts: %llu\nbad_answers: %llu\nbusy: %llu\n",
		   r->relayed, r->answered, r->timeouts, r->bad_answers, r->busy);
	spin_unlock_bh(&r->lock);
}

/**
 * util_relay_init() - set up a relay (module init)
 * @r: the relay, @r->ops set
 *
 * Return: 0 or -ENOMEM.
 */
int util_relay_init(struct util_relay *r)
{
	spin_lock_init(&r->lock);
	mutex_init(&r->bind_lock);
	init_waitqueue_head(&r->wq);
	INIT_DELAYED_WORK(&r->timeout, util_relay_timeout_work);
	r->msg = kzalloc(r->ops->read_max, GFP_KERNEL);
	r->reg_ans = kzalloc(r->ops->read_max, GFP_KERNEL);
	r->pkt = kzalloc(UTIL_BUF_BYTES, GFP_KERNEL);
	r->misc.name = r->ops->dev;
	r->misc.mode = 0600;
	r->misc.fops = &util_relay_fops;
	if (r->msg && r->reg_ans && r->pkt)
		return 0;
	util_relay_exit(r);
	return -ENOMEM;
}

/**
 * util_relay_exit() - free a relay (module exit, no device bound)
 * @r: the relay
 */
void util_relay_exit(struct util_relay *r)
{
	kfree(r->msg);
	kfree(r->reg_ans);
	kfree(r->pkt);
}
