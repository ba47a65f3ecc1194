// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hot add and removal of hvsim's SCSI LUNs: debugfs hvsim/dev<N>/luns.
 *
 *   write "add LUN [size=16M] [file=/path]"  a new LUN (1 to 7)
 *   write "del LUN"                          remove it (not LUN 0)
 *   read                                     "LUN SIZE" per LUN
 *
 * After a change the host tells the guest with an in-band ENUMERATE_BUS
 * on the primary channel; commands for a removed LUN end with INVALID_LUN.
 *
 * A file (file=) is opened by the writer, the path as it sees it (see
 * control.c); then the write only queues the change on the host workqueue:
 * the device may be deleted meanwhile, and deleting it removes this file,
 * which waits for its readers and writers, under hvsim.lock.  The work finds the device by
 * its id.  A read takes no lock either: it shows the sizes the host keeps
 * for it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "scsi.h"

struct hvsim_scsi_luns_cmd {
	struct work_struct work;
	unsigned int dev_id;
	bool add;
	bool complete_held;	/* not a LUN: complete_held was written */
	u32 lun;
	struct file *file;	/* of add, or NULL */
	char args[];		/* of add, file= taken out */
};

/* Tell the guest its bus changed, on the open primary channel. */
static void hvsim_scsi_enumerate(struct hvsim_dev *dev)
{
	struct vstor_packet p = { .operation = VSTOR_OP_ENUMERATE_BUS };
	struct kvec kv = { &p, sizeof(p) };
	struct hvsim_chan *chan;
	bool signal = false;

	list_for_each_entry(chan, &hvsim.chans, node) {
		if (chan->dev != dev || chan->subidx ||
		    chan->state != HVSIM_CHAN_OPEN || chan->broken)
			continue;
		if (hvsim_chan_send(chan, VM_PKT_DATA_INBAND, 0, 0, &kv, 1,
				    &signal))
			pr_err("scsi: relid %u: no room for ENUMERATE_BUS\n",
			       chan->relid);
		if (signal)
			hvsim_signal_guest(chan);
		return;
	}
}

static int hvsim_scsi_lun_add(struct hvsim_scsi *s, u32 n, char *args,
			      struct file *file)
{
	struct hvsim_scsi_lun *lun;
	u64 size = 16 << 20;
	char *opt;

	if (!n || n >= HVSIM_SCSI_MAX_LUNS || s->luns[n])
		return -EINVAL;
	while ((opt = strsep(&args, " \t"))) {
		if (!*opt)
			continue;
		if (!strncmp(opt, "size=", 5))
			size = memparse(opt + 5, NULL);
		else
			return -EINVAL;
	}
	lun = hvsim_scsi_lun_open(file, file ? 0 : size);
	if (IS_ERR(lun))
		return PTR_ERR(lun);
	s->luns[n] = lun;
	WRITE_ONCE(s->lun_size[n], lun->size);
	pr_info("scsi: LUN %u added (%llu MiB)\n", n, lun->size >> 20);
	return 0;
}

static int hvsim_scsi_lun_del(struct hvsim_scsi *s, u32 n)
{
	if (!n || n >= HVSIM_SCSI_MAX_LUNS || !s->luns[n])
		return -EINVAL;
	hvsim_scsi_lun_close(s->luns[n]);
	s->luns[n] = NULL;
	WRITE_ONCE(s->lun_size[n], 0);
	pr_info("scsi: LUN %u removed\n", n);
	return 0;
}

static struct hvsim_dev *hvsim_scsi_dev_find(unsigned int id)
{
	struct hvsim_dev *dev;

	list_for_each_entry(dev, &hvsim.devs, node)
		if (dev->id == id && dev->svc == &hvsim_scsi_svc && !dev->rescinded)
			return dev;
	return NULL;
}

/* On the host workqueue, like every change of the host's state. */
static void hvsim_scsi_luns_work(struct work_struct *work)
{
	struct hvsim_scsi_luns_cmd *cmd =
		container_of(work, struct hvsim_scsi_luns_cmd, work);
	struct hvsim_dev *dev;
	int ret = -ENODEV;

	down_write(&hvsim.lock);
	dev = hvsim_scsi_dev_find(cmd->dev_id);
	if (dev && cmd->complete_held) {
		hvsim_scsi_complete_held(dev->priv);
		up_write(&hvsim.lock);
		kfree(cmd);
		return;
	}
	if (dev && cmd->add)
		ret = hvsim_scsi_lun_add(dev->priv, cmd->lun, cmd->args,
					 cmd->file);
	else if (dev)
		ret = hvsim_scsi_lun_del(dev->priv, cmd->lun);
	if (!ret)
		hvsim_scsi_enumerate(dev);
	up_write(&hvsim.lock);
	if (ret)
		pr_err("scsi device %u: cannot %s LUN %u: %d\n",
		       cmd->dev_id, cmd->add ? "add" : "remove", cmd->lun, ret);
	if (cmd->file)
		fput(cmd->file);
	kfree(cmd);
}

static ssize_t hvsim_scsi_luns_write(struct file *file, const char __user *ubuf,
				     size_t count, loff_t *ppos)
{
	struct hvsim_dev *dev = file->private_data;
	struct hvsim_scsi_luns_cmd *cmd;
	char *buf, *line, *verb, *num;
	int ret = -EINVAL;

	if (count >= 256)
		return -EINVAL;
	buf = memdup_user_nul(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	line = strim(buf);
	verb = strsep(&line, " \t");
	num = strsep(&line, " \t");
	cmd = kzalloc(sizeof(*cmd) + (line ? strlen(line) : 0) + 1, GFP_KERNEL);
	if (!cmd) {
		ret = -ENOMEM;
		goto out;
	}
	cmd->dev_id = dev->id;
	cmd->add = !strcmp(verb, "add");
	if (!num || kstrtou32(num, 0, &cmd->lun) || !cmd->lun ||
	    cmd->lun >= HVSIM_SCSI_MAX_LUNS ||
	    (!cmd->add && (strcmp(verb, "del") || line))) {
		kfree(cmd);
		goto out;
	}
	if (line) {
		strcpy(cmd->args, line);
		/* buf has served: the path goes there. */
		if (hvsim_take_word(cmd->args, "file", buf, count + 1)) {
			cmd->file = filp_open(buf, O_RDWR | O_LARGEFILE, 0);
			if (IS_ERR(cmd->file)) {
				ret = PTR_ERR(cmd->file);
				pr_err_ratelimited("scsi device %u: cannot open %s: %d\n",
						   dev->id, buf, ret);
				kfree(cmd);
				goto out;
			}
		}
	}
	INIT_WORK(&cmd->work, hvsim_scsi_luns_work);
	queue_work(hvsim.wq, &cmd->work);
	ret = count;
out:
	kfree(buf);
	return ret;
}

static int hvsim_scsi_luns_show(struct seq_file *sf, void *unused)
{
	struct hvsim_dev *dev = sf->private;
	struct hvsim_scsi *s = dev->priv;
	unsigned int i;

	for (i = 0; i < HVSIM_SCSI_MAX_LUNS; i++) {
		u64 size = READ_ONCE(s->lun_size[i]);

		if (size)
			seq_printf(sf, "%u %llu\n", i, size);
	}
	return 0;
}

static int hvsim_scsi_luns_open(struct inode *inode, struct file *file)
{
	if (file->f_mode & FMODE_WRITE) {
		file->private_data = inode->i_private;
		return 0;
	}
	return single_open(file, hvsim_scsi_luns_show, inode->i_private);
}

static int hvsim_scsi_luns_release(struct inode *inode, struct file *file)
{
	if (file->f_mode & FMODE_WRITE)
		return 0;
	return single_release(inode, file);
}

static const struct file_operations hvsim_scsi_luns_fops = {
	.owner = THIS_MODULE,
	.open = hvsim_scsi_luns_open,
	.read = seq_read,
	.write = hvsim_scsi_luns_write,
	.llseek = noop_llseek,
	.release = hvsim_scsi_luns_release,
};

/* complete_held: the swallowed SRBs are completed now, late. */
static ssize_t hvsim_scsi_complete_held_write(struct file *file,
					      const char __user *ubuf,
					      size_t count, loff_t *ppos)
{
	struct hvsim_dev *dev = file->private_data;
	struct hvsim_scsi_luns_cmd *cmd = kzalloc(sizeof(*cmd) + 1, GFP_KERNEL);

	if (!cmd)
		return -ENOMEM;
	cmd->dev_id = dev->id;
	cmd->complete_held = true;
	INIT_WORK(&cmd->work, hvsim_scsi_luns_work);
	queue_work(hvsim.wq, &cmd->work);
	return count;
}

static const struct file_operations hvsim_scsi_complete_held_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = hvsim_scsi_complete_held_write,
	.llseek = noop_llseek,
};

/**
 * hvsim_scsi_luns_init() - the control files of a storage device
 * @dev: the device, dev->priv set
 *
 * luns adds and removes LUNs; complete_held completes the SRBs that
 * fault_swallow holds, at once (with BUS_RESET, as a reset would).
 */
void hvsim_scsi_luns_init(struct hvsim_dev *dev)
{
	debugfs_create_file("luns", 0600, dev->dir, dev, &hvsim_scsi_luns_fops);
	debugfs_create_file("complete_held", 0200, dev->dir, dev,
			    &hvsim_scsi_complete_held_fops);
}
