// SPDX-License-Identifier: GPL-2.0-only
/*
 * File copy (Guest Services) host (new_device "fcopy").  Control files in
 * dev<N>/:
 *   copy    (write) "SRC DIR NAME [overwrite] [create]": copy the file SRC
 *           (a path in the host, i.e. the VM's own file system) to DIR/NAME
 *           in the guest: START with the flags, WRITE fragments of 6 KiB,
 *           COMPLETE; CANCEL after a failed WRITE.  EBUSY while one runs.
 *   answer  (read) copies (finished, failed ones included), running,
 *           status (of the last copy: that of its first failed step, or
 *           0), failed_op, bytes (acknowledged by the guest)
 *   fault_noterm, fault_bigsize, fault_op  (counts) spoil the next N
 *           copies: file name without a terminator; a WRITE of 7000
 *           bytes; operation 9 instead of START
 * Not offered by OpenVMM, which has no file copy host.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/nls.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "ic.h"

static const u32 hvsim_fcopy_hyperv[] = { HVG_IC_VERSION(1, 1) };

/*
 * Hyper-V's list is not public: it offers the one version Linux's
 * hv_fcopy.c speaks (WIN8_SRV_VERSION 1.1), since Windows Server 2012 R2
 * ("Guest Services").  OpenVMM: no file copy host.
 */
static const struct hvsim_ic_versions hvsim_fcopy_versions[HVSIM_NR_PERS] = {
	[HVSIM_PERS_WS2012R2] = { hvsim_fcopy_hyperv, ARRAY_SIZE(hvsim_fcopy_hyperv) },
	[HVSIM_PERS_WS2016] = { hvsim_fcopy_hyperv, ARRAY_SIZE(hvsim_fcopy_hyperv) },
	[HVSIM_PERS_WS2019] = { hvsim_fcopy_hyperv, ARRAY_SIZE(hvsim_fcopy_hyperv) },
	[HVSIM_PERS_AZURE] = { hvsim_fcopy_hyperv, ARRAY_SIZE(hvsim_fcopy_hyperv) },
};

static const char *const hvsim_fcopy_op_names[HVG_FCOPY_OP_COUNT] = {
	"start", "write", "complete", "cancel",
};

enum hvsim_fcopy_spoil {
	HVSIM_FCOPY_SPOIL_NONE,
	HVSIM_FCOPY_SPOIL_NOTERM,
	HVSIM_FCOPY_SPOIL_BIGSIZE,
	HVSIM_FCOPY_SPOIL_OP,
	HVSIM_FCOPY_NR_SPOILS
};

static const char *const hvsim_fcopy_spoils[] = {
	[HVSIM_FCOPY_SPOIL_NOTERM] = "noterm",
	[HVSIM_FCOPY_SPOIL_BIGSIZE] = "bigsize",
	[HVSIM_FCOPY_SPOIL_OP] = "op",
};

#define HVSIM_FCOPY_BIGSIZE	7000

/**
 * struct hvsim_fcopy - the file copy host's state
 * @ic: the component
 * @lock: everything below
 * @file: the file being copied, NULL when idle
 * @dir: the target directory in the guest
 * @name: the target file name
 * @flags: HVG_FCOPY_* copy flags
 * @size: the file's size
 * @pos: offset of the next fragment (advanced when the guest took one)
 * @next: the step to send next
 * @sent: the step in flight
 * @sent_len: data bytes in the WRITE in flight
 * @spoil: applied to the copy being started
 * @faults: fault_<name> counts, by enum hvsim_fcopy_spoil (0 unused)
 * @copies: copies finished
 * @status: of the last copy
 * @failed_op: the step that failed, or HVG_FCOPY_OP_COUNT
 * @bytes: data the guest acknowledged in the last copy
 */
struct hvsim_fcopy {
	struct hvsim_ic *ic;
	struct mutex lock;		/* everything below */
	struct file *file;
	char dir[2 * HVG_FCOPY_PATH_UNITS];
	char name[2 * HVG_FCOPY_PATH_UNITS];
	u32 flags;
	u64 size;
	loff_t pos;
	u32 next;
	u32 sent;
	u32 sent_len;
	enum hvsim_fcopy_spoil spoil;
	atomic_t faults[HVSIM_FCOPY_NR_SPOILS];
	u64 copies;
	u32 status;
	u32 failed_op;
	u64 bytes;
};

/* UTF-8 @s into a UTF-16LE name field, terminated */
static void hvsim_fcopy_name(u8 *field, const char *s)
{
	int n = utf8s_to_utf16s(s, strlen(s), UTF16_LITTLE_ENDIAN,
				(wchar_t *)field, HVG_FCOPY_PATH_UNITS - 1);

	memset(field + 2 * max(n, 0), 0, 2 * (HVG_FCOPY_PATH_UNITS - max(n, 0)));
}

/* The fragment at fc->pos; built again if the ring was full: no side effect */
static u32 hvsim_fcopy_write_body(struct hvsim_fcopy *fc, u8 *body)
{
	struct hvg_fcopy_write *w = (void *)body;
	loff_t pos = fc->pos;
	ssize_t n = 0;

	w->offset = pos;
	if (fc->file)
		n = kernel_read(fc->file, w->data, HVG_FCOPY_FRAGMENT, &pos);
	if (n < 0) {
		pr_err("dev%u: fcopy: cannot read the source: %zd\n",
		       fc->ic->dev->id, n);
		n = 0;
	}
	w->size = n;
	fc->sent_len = n;
	if (fc->spoil == HVSIM_FCOPY_SPOIL_BIGSIZE) {
		w->size = HVSIM_FCOPY_BIGSIZE;
		fc->spoil = HVSIM_FCOPY_SPOIL_NONE;
	}
	return sizeof(*w);
}

static u32 hvsim_fcopy_request(struct hvsim_ic *ic, u8 *body, u32 room)
{
	struct hvsim_fcopy *fc = ic->priv;
	struct hvg_fcopy_hdr *h = (void *)body;
	struct hvg_fcopy_start *st = (void *)body;
	u32 len = sizeof(*h);

	mutex_lock(&fc->lock);
	fc->sent = fc->next;
	h->operation = fc->next;
	switch (fc->next) {
	case HVG_FCOPY_START:
		hvsim_fcopy_name(st->file_name, fc->name);
		hvsim_fcopy_name(st->path_name, fc->dir);
		st->copy_flags = fc->flags;
		st->file_size = fc->size;
		len = sizeof(*st);
		if (fc->spoil == HVSIM_FCOPY_SPOIL_NOTERM) {
			memset(st->file_name, 'a', sizeof(st->file_name));
			fc->spoil = HVSIM_FCOPY_SPOIL_NONE;
		} else if (fc->spoil == HVSIM_FCOPY_SPOIL_OP) {
			h->operation = 9;
			fc->spoil = HVSIM_FCOPY_SPOIL_NONE;
		}
		break;
	case HVG_FCOPY_WRITE:
		len = hvsim_fcopy_write_body(fc, body);
		break;
	}
	mutex_unlock(&fc->lock);
	return len;
}

/* The copy is over: @status, of the step @op */
static void hvsim_fcopy_finish(struct hvsim_fcopy *fc, u32 status, u32 op)
{
	lockdep_assert_held(&fc->lock);
	if (fc->file)
		fput(fc->file);
	fc->file = NULL;
	if (fc->status == HVG_IC_S_OK && status != HVG_IC_S_OK) {
		fc->status = status;
		fc->failed_op = op;
	}
	fc->copies++;
	pr_info("dev%u: fcopy of %s/%s: status %#x\n", fc->ic->dev->id,
		fc->dir, fc->name, fc->status);
}

static void hvsim_fcopy_done(struct hvsim_ic *ic, u32 status)
{
	struct hvsim_fcopy *fc = ic->priv;
	bool more = false;

	mutex_lock(&fc->lock);
	if (!fc->file) {
		mutex_unlock(&fc->lock);
		return;
	}
	if (status != HVG_IC_S_OK) {
		if (fc->sent == HVG_FCOPY_WRITE) {
			/* The host gives up the copy: the guest removes it. */
			fc->status = status;
			fc->failed_op = fc->sent;
			fc->next = HVG_FCOPY_CANCEL;
			more = true;
		} else {
			hvsim_fcopy_finish(fc, status, fc->sent);
		}
	} else {
		switch (fc->sent) {
		case HVG_FCOPY_WRITE:
			fc->bytes += fc->sent_len;
			fc->pos += fc->sent_len;
			/* The source ended early: what was read is the copy. */
			if (!fc->sent_len)
				fc->size = fc->pos;
			fallthrough;
		case HVG_FCOPY_START:
			fc->next = fc->pos < fc->size ? HVG_FCOPY_WRITE :
				   HVG_FCOPY_COMPLETE;
			more = true;
			break;
		default:
			hvsim_fcopy_finish(fc, HVG_IC_S_OK, fc->sent);
		}
	}
	mutex_unlock(&fc->lock);
	if (more)
		hvsim_ic_request(ic, 0, 0);
}

static void hvsim_fcopy_answer(struct hvsim_ic *ic, const u8 *body, u32 len)
{
	hvsim_fcopy_done(ic, HVG_IC_S_OK);
}

static void hvsim_fcopy_failed(struct hvsim_ic *ic, u32 status)
{
	hvsim_fcopy_done(ic, status);
}

static int hvsim_fcopy_start(struct hvsim_fcopy *fc, char *args)
{
	char *src = strsep(&args, " "), *dir = strsep(&args, " ");
	char *name = strsep(&args, " "), *tok;
	struct file *file;
	u32 flags = 0;

	if (!src || !dir || !name || !*src || !*dir || !*name ||
	    strlen(dir) >= sizeof(fc->dir) || strlen(name) >= sizeof(fc->name))
		return -EINVAL;
	while ((tok = strsep(&args, " "))) {
		if (!strcmp(tok, "overwrite"))
			flags |= HVG_FCOPY_OVERWRITE;
		else if (!strcmp(tok, "create"))
			flags |= HVG_FCOPY_CREATE_PATH;
		else if (*tok)
			return -EINVAL;
	}
	file = filp_open(src, O_RDONLY, 0);
	if (IS_ERR(file))
		return PTR_ERR(file);
	mutex_lock(&fc->lock);
	if (fc->file) {
		mutex_unlock(&fc->lock);
		fput(file);
		return -EBUSY;
	}
	fc->file = file;
	strscpy(fc->dir, dir, sizeof(fc->dir));
	strscpy(fc->name, name, sizeof(fc->name));
	fc->flags = flags;
	fc->size = i_size_read(file_inode(file));
	fc->pos = 0;
	fc->next = HVG_FCOPY_START;
	fc->status = HVG_IC_S_OK;
	fc->failed_op = HVG_FCOPY_OP_COUNT;
	fc->bytes = 0;
	fc->spoil = hvsim_ic_fault_take(fc->faults, HVSIM_FCOPY_NR_SPOILS);
	mutex_unlock(&fc->lock);
	hvsim_ic_request(fc->ic, 0, 0);
	return 0;
}

static ssize_t hvsim_fcopy_copy_write(struct file *file,
				      const char __user *ubuf, size_t count,
				      loff_t *ppos)
{
	struct hvsim_fcopy *fc = file->private_data;
	char *buf;
	int ret;

	if (count > 3 * sizeof(fc->dir))
		return -EINVAL;
	buf = memdup_user_nul(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	ret = hvsim_fcopy_start(fc, strim(buf));
	kfree(buf);
	return ret ? ret : count;
}

static const struct file_operations hvsim_fcopy_copy_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = hvsim_fcopy_copy_write,
};

static int hvsim_fcopy_answer_show(struct seq_file *s, void *unused)
{
	struct hvsim_fcopy *fc = s->private;

	mutex_lock(&fc->lock);
	seq_printf(s, "copies: %llu\nrunning: %s\nstatus: %#x\nfailed_op: %s\nbytes: %llu\n",
		   fc->copies, fc->file ? "yes" : "no", fc->status,
		   fc->failed_op < HVG_FCOPY_OP_COUNT ?
		   hvsim_fcopy_op_names[fc->failed_op] : "none", fc->bytes);
	mutex_unlock(&fc->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hvsim_fcopy_answer);

static int hvsim_fcopy_create(struct hvsim_ic *ic)
{
	struct hvsim_fcopy *fc = kzalloc(sizeof(*fc), GFP_KERNEL);

	if (!fc)
		return -ENOMEM;
	fc->ic = ic;
	mutex_init(&fc->lock);
	fc->failed_op = HVG_FCOPY_OP_COUNT;
	ic->priv = fc;
	debugfs_create_file("copy", 0200, ic->dev->dir, fc,
			    &hvsim_fcopy_copy_fops);
	hvsim_ic_fault_files(ic, hvsim_fcopy_spoils, fc->faults,
			     HVSIM_FCOPY_NR_SPOILS);
	debugfs_create_file("answer", 0444, ic->dev->dir, fc,
			    &hvsim_fcopy_answer_fops);
	return 0;
}

static void hvsim_fcopy_destroy(struct hvsim_ic *ic)
{
	struct hvsim_fcopy *fc = ic->priv;

	if (fc->file)
		fput(fc->file);
	kfree(fc);
}

static const struct hvsim_ic_ops hvsim_fcopy_ic_ops = {
	.msgtype = ICMSGTYPE_FCOPY,
	.versions = hvsim_fcopy_versions,
	.create = hvsim_fcopy_create,
	.destroy = hvsim_fcopy_destroy,
	.request = hvsim_fcopy_request,
	.answer = hvsim_fcopy_answer,
	.failed = hvsim_fcopy_failed,
};

static int hvsim_fcopy_dev_create(struct hvsim_dev *dev, char *args)
{
	return hvsim_ic_create(dev, args, &hvsim_fcopy_ic_ops);
}

const struct hvsim_service hvsim_ic_fcopy_svc = {
	.name = "fcopy",
	.class_id = HVG_IC_FCOPY_GUID,
	.no_monitor = true,
	.create = hvsim_fcopy_dev_create,
	.destroy = hvsim_ic_destroy,
	.open = hvsim_ic_open,
	.close = hvsim_ic_close,
	.service = hvsim_ic_service,
	.show = hvsim_ic_show,
};
