// SPDX-License-Identifier: GPL-2.0-only
/*
 * debugfs interface, one directory per device:
 * /sys/kernel/debug/vmbus_echo/<instance-guid>/
 *   run          w: "COUNT MINLEN MAXLEN [inband|gpa|mixed] [CHANNELS] [qd=N]"
 *   result       r: statistics of the last run
 *   subchannels  w: N to have N subchannels open; r: subchannels open
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "echo.h"

#define ECHO_CMD_MAX	128

static struct dentry *echo_root;

static int echo_parse_opt(char *tok, struct echo_params *p, bool *have_chan)
{
	if (!strcmp(tok, "inband")) {
		p->mode = ECHO_INBAND;
	} else if (!strcmp(tok, "gpa")) {
		p->mode = ECHO_GPA;
	} else if (!strcmp(tok, "mixed")) {
		p->mode = ECHO_MIXED;
	} else if (!strncmp(tok, "qd=", 3)) {
		return kstrtou32(tok + 3, 0, &p->qd);
	} else if (!*have_chan) {
		*have_chan = true;
		return kstrtou32(tok, 0, &p->nchan);
	} else {
		return -EINVAL;
	}
	return 0;
}

static int echo_parse_run(char *cmd, struct echo_params *p)
{
	bool have_chan = false;
	unsigned int n = 0;
	char *tok;
	int ret = 0;

	*p = (struct echo_params){ .mode = ECHO_INBAND, .nchan = 1, .qd = 64 };
	while (!ret && (tok = strsep(&cmd, " \t\n"))) {
		if (!*tok)
			continue;
		if (n == 0)
			ret = kstrtou64(tok, 0, &p->count);
		else if (n == 1)
			ret = kstrtou32(tok, 0, &p->minlen);
		else if (n == 2)
			ret = kstrtou32(tok, 0, &p->maxlen);
		else
			ret = echo_parse_opt(tok, p, &have_chan);
		n++;
	}
	return ret ?: (n < 3 ? -EINVAL : 0);
}

static ssize_t echo_run_write(struct file *file, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	struct echo_dev *ed = file->private_data;
	struct echo_params p;
	char *cmd;
	int ret;

	if (count >= ECHO_CMD_MAX)
		return -EINVAL;
	cmd = memdup_user_nul(ubuf, count);
	if (IS_ERR(cmd))
		return PTR_ERR(cmd);
	ret = echo_parse_run(cmd, &p);
	kfree(cmd);
	if (ret)
		return ret;

	if (mutex_lock_interruptible(&ed->lock))
		return -EINTR;
	ret = echo_dev_state(ed) ?: echo_params_check(&p, ed->nchans) ?:
	      echo_run(ed, &p);
	mutex_unlock(&ed->lock);
	return ret ?: count;
}

static const struct file_operations echo_run_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = echo_run_write,
};

static ssize_t echo_result_read(struct file *file, char __user *ubuf,
				size_t count, loff_t *ppos)
{
	struct echo_dev *ed = file->private_data;
	struct echo_result r;
	char buf[256];
	int len;

	spin_lock(&ed->res_lock);
	r = ed->last;
	spin_unlock(&ed->res_lock);
	len = scnprintf(buf, sizeof(buf),
			"sent %llu\nreceived %llu\nmismatch %llu\nreorder %llu\nerrors %llu\nelapsed_ns %llu\nlat_median_ns %llu\nlat_p99_ns %llu\n",
			r.sent, r.received, r.mismatch, r.reorder, r.errors,
			r.elapsed_ns, r.lat_median_ns, r.lat_p99_ns);
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static const struct file_operations echo_result_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = echo_result_read,
	.llseek = default_llseek,
};

static ssize_t echo_sub_write(struct file *file, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	struct echo_dev *ed = file->private_data;
	u32 n;
	int ret;

	ret = kstrtou32_from_user(ubuf, count, 0, &n);
	if (ret)
		return ret;
	if (mutex_lock_interruptible(&ed->lock))
		return -EINTR;
	ret = echo_dev_state(ed) ?: echo_subchannels_request(ed, n);
	mutex_unlock(&ed->lock);
	return ret ?: count;
}

static ssize_t echo_sub_read(struct file *file, char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	struct echo_dev *ed = file->private_data;
	char buf[16];
	int len;

	if (mutex_lock_interruptible(&ed->lock))
		return -EINTR;
	len = scnprintf(buf, sizeof(buf), "%u\n", ed->nchans - 1);
	mutex_unlock(&ed->lock);
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static const struct file_operations echo_sub_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = echo_sub_read,
	.write = echo_sub_write,
	.llseek = default_llseek,
};

void echo_debugfs_add(struct echo_dev *ed)
{
	char name[UUID_STRING_LEN + 1];

	snprintf(name, sizeof(name), "%pUl", &ed->hdev->instance_id);
	ed->dir = debugfs_create_dir(name, echo_root);
	debugfs_create_file("run", 0200, ed->dir, ed, &echo_run_fops);
	debugfs_create_file("result", 0444, ed->dir, ed, &echo_result_fops);
	debugfs_create_file("subchannels", 0644, ed->dir, ed, &echo_sub_fops);
}

/* Waits for every read or write in progress on the files to return. */
void echo_debugfs_remove(struct echo_dev *ed)
{
	debugfs_remove_recursive(ed->dir);
	ed->dir = NULL;
}

int echo_debugfs_init(void)
{
	echo_root = debugfs_create_dir("vmbus_echo", NULL);
	return 0;
}

void echo_debugfs_exit(void)
{
	debugfs_remove_recursive(echo_root);
}
