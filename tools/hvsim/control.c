// SPDX-License-Identifier: GPL-2.0-only
/*
 * The control interface in debugfs, /sys/kernel/debug/hvsim/:
 *
 *   new_device	write "SERVICE [ARGS]", e.g. "echo": add a device of that
 *		service (offered at once if the guest is connected); its
 *		own files, if any, are in dev<N>/
 *   del_device	write "dev<N>", the device's number as new_device named it:
 *		rescind that device and its subchannels
 *   devices	one line per channel
 *   version	the negotiated VMBus version, or "none"
 *   fault_*	fault injection counts, see README.rst
 *
 * Commands run on the host workqueue, like everything else that changes
 * the host's state.  A file a command names ("file=PATH") is opened before,
 * by the writer: the path is the writer's (its root, its working
 * directory), as a host administrator names a disk image.  A kernel thread
 * does not see it: from 7.3 on its root is one of its own, empty
 * (fs_struct.h: userspace_init_fs is PID 1's, not the kernel threads'),
 * and before that it was PID 1's root, not a chroot's.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "hvsim.h"

struct hvsim_cmd {
	struct work_struct work;
	int (*fn)(u32 arg, char *args, struct file *file);
	u32 arg;
	char *args;
	struct file *file;
	int ret;
};

static void hvsim_cmd_work(struct work_struct *work)
{
	struct hvsim_cmd *cmd = container_of(work, struct hvsim_cmd, work);

	down_write(&hvsim.lock);
	cmd->ret = cmd->fn(cmd->arg, cmd->args, cmd->file);
	up_write(&hvsim.lock);
}

static int hvsim_run(int (*fn)(u32 arg, char *args, struct file *file),
		     u32 arg, char *args, struct file *file)
{
	struct hvsim_cmd cmd = { .fn = fn, .arg = arg, .args = args,
				 .file = file };

	INIT_WORK_ONSTACK(&cmd.work, hvsim_cmd_work);
	queue_work(hvsim.wq, &cmd.work);
	flush_work(&cmd.work);
	destroy_work_on_stack(&cmd.work);
	return cmd.ret;
}

/* "SERVICE [ARGS]", file= already taken out and opened */
static int hvsim_cmd_new(u32 unused, char *line, struct file *file)
{
	const struct hvsim_service *svc;
	char *name = strsep(&line, " \t");

	svc = hvsim_service_find(name);
	if (!svc) {
		pr_err("new_device: unknown service '%s'\n", name);
		return -EINVAL;
	}
	return PTR_ERR_OR_ZERO(hvsim_dev_add(svc, line, file));
}

static int hvsim_cmd_del(u32 id, char *unused, struct file *none)
{
	return hvsim_dev_del_id(id);
}

static ssize_t hvsim_new_device_write(struct file *file,
				      const char __user *ubuf, size_t count,
				      loff_t *ppos)
{
	struct file *backing = NULL;
	char *buf, *path;
	int ret;

	if (count >= 256)
		return -EINVAL;
	buf = memdup_user_nul(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	path = kmalloc(count + 1, GFP_KERNEL);
	if (!path) {
		ret = -ENOMEM;
		goto out;
	}
	if (hvsim_take_word(buf, "file", path, count + 1)) {
		backing = filp_open(path, O_RDWR | O_LARGEFILE, 0);
		if (IS_ERR(backing)) {
			ret = PTR_ERR(backing);
			pr_err_ratelimited("new_device: cannot open %s: %d\n",
					   path, ret);
			goto out;
		}
	}
	ret = hvsim_run(hvsim_cmd_new, 0, strim(buf), backing);
	if (backing)
		fput(backing);
out:
	kfree(path);
	kfree(buf);
	return ret ? ret : count;
}

static ssize_t hvsim_del_device_write(struct file *file,
				      const char __user *ubuf, size_t count,
				      loff_t *ppos)
{
	char buf[16], *s;
	unsigned int id;
	int ret;

	if (!count || count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	s = strim(buf);
	/* The handle new_device gave: dev<N>, its directory's name. */
	if (strncmp(s, "dev", 3) || kstrtouint(s + 3, 10, &id)) {
		pr_err_ratelimited("del_device: '%s' is not dev<N>\n", s);
		return -EINVAL;
	}
	ret = hvsim_run(hvsim_cmd_del, id, NULL, NULL);
	return ret ? ret : count;
}

static const struct file_operations hvsim_new_device_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = hvsim_new_device_write,
	.llseek = noop_llseek,
};

static const struct file_operations hvsim_del_device_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = hvsim_del_device_write,
	.llseek = noop_llseek,
};

static int hvsim_devices_show(struct seq_file *s, void *unused)
{
	struct hvsim_chan *chan;

	down_write(&hvsim.lock);
	list_for_each_entry(chan, &hvsim.chans, node) {
		seq_printf(s, "relid=%u class=%s instance=%pUl sub=%u state=%s",
			   chan->relid, chan->dev->svc->name,
			   &chan->dev->instance, chan->subidx,
			   hvsim_chan_state_str(chan));
		if (chan->state == HVSIM_CHAN_OPEN)
			seq_printf(s, " vp=%u", chan->target_vp);
		else
			seq_puts(s, " vp=-");
		if (chan->monitorid != HVSIM_NO_MONITOR)
			seq_printf(s, " monitor=%d", chan->monitorid);
		else
			seq_puts(s, " monitor=-");
		seq_printf(s, " served=%llu personality=%s dev=%u",
			   chan->served, chan->dev->pers->name, chan->dev->id);
		if (chan->state == HVSIM_CHAN_OPEN)
			hvsim_ring_show(s, chan);
		if (chan->dev->svc->show)
			chan->dev->svc->show(s, chan);
		seq_putc(s, '\n');
	}
	up_write(&hvsim.lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hvsim_devices);

static int hvsim_version_show(struct seq_file *s, void *unused)
{
	char buf[16];

	seq_printf(s, "%s\n",
		   hvsim_version_str(READ_ONCE(hvsim.version), buf, sizeof(buf)));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hvsim_version);

static int hvsim_personality_show(struct seq_file *s, void *unused)
{
	seq_printf(s, "%s\n", hvsim_pers->name);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hvsim_personality);

static const char * const hvsim_fault_names[HVSIM_NR_FAULTS] = {
	[HVSIM_FAULT_DROP_MSG]		= "fault_drop_msg",
	[HVSIM_FAULT_DUP_MSG]		= "fault_dup_msg",
	[HVSIM_FAULT_CORRUPT_MSG]	= "fault_corrupt_msg",
	[HVSIM_FAULT_BAD_OFFER]		= "fault_bad_offer",
	[HVSIM_FAULT_RING_INDEX]	= "fault_ring_index",
	[HVSIM_FAULT_BAD_TRANS_ID]	= "fault_bad_trans_id",
	[HVSIM_FAULT_GPADL_FAIL]	= "fault_gpadl_fail",
	[HVSIM_FAULT_OPEN_FAIL]		= "fault_open_fail",
	[HVSIM_FAULT_BAD_PACKET]	= "fault_bad_packet",
	[HVSIM_FAULT_MODIFY_FAIL]	= "fault_modify_fail",
	[HVSIM_FAULT_ORPHAN_SUB]	= "fault_orphan_sub",
	[HVSIM_FAULT_RESCIND_SUB]	= "fault_rescind_sub",
	[HVSIM_FAULT_DUP_VERSION]	= "fault_dup_version",
	[HVSIM_FAULT_STRAY_EVENT]	= "fault_stray_event",
	[HVSIM_FAULT_GPADL_STRAY]	= "fault_gpadl_stray",
	[HVSIM_FAULT_RESCIND_OPEN]	= "fault_rescind_open",
	[HVSIM_FAULT_RESCIND_MODIFY]	= "fault_rescind_modify",
	[HVSIM_FAULT_SUB_INDEX]		= "fault_sub_index",
	[HVSIM_FAULT_VERSION_FAILED]	= "fault_version_failed",
	[HVSIM_FAULT_VERSION_CONN0]	= "fault_version_conn0",
	[HVSIM_FAULT_VERSION_SILENT]	= "fault_version_silent",
};

/**
 * hvsim_line_write() - hand a line written to a device's control file on
 * @ubuf: what user space wrote
 * @count: its length, below 128
 * @lock: held around @fn, or NULL
 * @fn: takes the line, blanks trimmed; 0 or a negative errno
 * @ctx: passed to @fn
 *
 * Return: @count or the error.
 */
ssize_t hvsim_line_write(const char __user *ubuf, size_t count, struct mutex *lock,
			 int (*fn)(void *ctx, char *line), void *ctx)
{
	char *buf;
	int ret;

	if (count >= 128)
		return -EINVAL;
	buf = memdup_user_nul(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	if (lock)
		mutex_lock(lock);
	ret = fn(ctx, strim(buf));
	if (lock)
		mutex_unlock(lock);
	kfree(buf);
	return ret ? ret : count;
}

void hvsim_control_init(void)
{
	struct dentry *dir = debugfs_create_dir("hvsim", NULL);
	unsigned int i;

	hvsim.debugfs = dir;
	debugfs_create_file("new_device", 0200, dir, NULL,
			    &hvsim_new_device_fops);
	debugfs_create_file("del_device", 0200, dir, NULL,
			    &hvsim_del_device_fops);
	debugfs_create_file("devices", 0444, dir, NULL, &hvsim_devices_fops);
	debugfs_create_file("version", 0444, dir, NULL, &hvsim_version_fops);
	debugfs_create_u32("unloads", 0444, dir, &hvsim.unloads);
	debugfs_create_file("personality", 0444, dir, NULL,
			    &hvsim_personality_fops);
	for (i = 0; i < HVSIM_NR_FAULTS; i++)
		debugfs_create_atomic_t(hvsim_fault_names[i], 0600, dir,
					&hvsim.faults[i]);
	debugfs_create_atomic_t("fault_delay_msg_ms", 0600, dir,
				&hvsim.delay_ms);
	debugfs_create_atomic_t("fault_late_reply", 0600, dir,
				&hvsim.late_type);
	hvsim_hvsock_init(dir);
}

/* Waits for commands in progress; no new ones start. */
void hvsim_control_exit(void)
{
	struct hvsim_dev *dev;

	hvsim_hvsock_exit();
	debugfs_remove_recursive(hvsim.debugfs);
	hvsim.debugfs = NULL;
	/* The devices' directories went with it. */
	down_write(&hvsim.lock);
	list_for_each_entry(dev, &hvsim.devs, node)
		dev->dir = NULL;
	up_write(&hvsim.lock);
}
