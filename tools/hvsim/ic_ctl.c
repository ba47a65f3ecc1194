// SPDX-License-Identifier: GPL-2.0-only
/*
 * Creating an integration component device and its common control files
 * in debugfs hvsim/dev<N>/:
 *   state      negotiated versions and answer counters
 *   negotiate  (write) negotiate again
 *   fault_short, fault_type, fault_size, fault_count  (counts) spoil the
 *              next N messages sent (see enum hvsim_ic_fault)
 * new_device arguments: fw=3.0,1.0 versions=M.m,... interval_ms=N
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "ic.h"

static const char *const hvsim_ic_fault_names[] = {
	[HVSIM_IC_FAULT_SHORT] = "short",
	[HVSIM_IC_FAULT_TYPE] = "type",
	[HVSIM_IC_FAULT_SIZE] = "size",
	[HVSIM_IC_FAULT_COUNT] = "count",
	[HVSIM_IC_FAULT_BIG] = "big",
};

/* "3.0,1.0" */
static int hvsim_ic_parse_versions(char *s, u32 *list, unsigned int *n)
{
	char *tok;

	*n = 0;
	while ((tok = strsep(&s, ",")) != NULL) {
		char *minor = strchr(tok, '.');
		u16 maj, min = 0;

		if (minor)
			*minor++ = '\0';
		if (*n == HVSIM_IC_MAX_VERSIONS || kstrtou16(tok, 10, &maj) ||
		    (minor && kstrtou16(minor, 10, &min)))
			return -EINVAL;
		list[(*n)++] = HVG_IC_VERSION(maj, min);
	}
	return *n ? 0 : -EINVAL;
}

static int hvsim_ic_parse(struct hvsim_ic *ic, char *args)
{
	char *tok;

	while (args && (tok = strsep(&args, " \t\n")) != NULL) {
		char *val = strchr(tok, '=');
		int ret = -EINVAL;

		if (!*tok)
			continue;
		if (val)
			*val++ = '\0';
		if (!val)
			ret = -EINVAL;
		else if (!strcmp(tok, "fw"))
			ret = hvsim_ic_parse_versions(val, ic->fw, &ic->nfw);
		else if (!strcmp(tok, "versions"))
			ret = hvsim_ic_parse_versions(val, ic->ver, &ic->nver);
		else if (!strcmp(tok, "interval_ms"))
			ret = kstrtouint(val, 10, &ic->interval_ms);
		if (ret) {
			pr_err("%s: bad argument '%s'\n",
			       ic->dev->svc->name, tok);
			return ret;
		}
	}
	return 0;
}

static int hvsim_ic_state_show(struct seq_file *s, void *unused)
{
	struct hvsim_ic *ic = s->private;
	u32 fw = READ_ONCE(ic->fw_version), ver = READ_ONCE(ic->srv_version);

	seq_printf(s, "framework: %u.%u\nversion: %u.%u\nrefused: %d\ndead: %d\n",
		   HVG_IC_MAJOR(fw), HVG_IC_MINOR(fw), HVG_IC_MAJOR(ver),
		   HVG_IC_MINOR(ver), READ_ONCE(ic->refused), READ_ONCE(ic->dead));
	seq_printf(s, "sent: %llu\nanswers: %llu\nfailed: %llu\nmalformed: %llu\nlast_status: %#x\n",
		   READ_ONCE(ic->sent), READ_ONCE(ic->answers),
		   READ_ONCE(ic->failed), READ_ONCE(ic->malformed),
		   READ_ONCE(ic->last_status));
	if (ic->ops->show)
		ic->ops->show(s, ic);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hvsim_ic_state);

static ssize_t hvsim_ic_negotiate_write(struct file *file, const char __user *ubuf,
					size_t count, loff_t *ppos)
{
	struct hvsim_ic *ic = file->private_data;

	spin_lock_irq(&ic->lock);
	ic->pending |= HVSIM_IC_PEND_NEGOTIATE;
	spin_unlock_irq(&ic->lock);
	mod_delayed_work(system_wq, &ic->tx, 0);
	return count;
}

static const struct file_operations hvsim_ic_negotiate_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = hvsim_ic_negotiate_write,
};

/**
 * hvsim_ic_knob_write() - parse a word written to a control file
 * @ubuf: what was written
 * @count: its length
 * @names: the words, indexed by value
 * @n: their number
 *
 * Return: the index of the word, or a negative errno.
 */
int hvsim_ic_knob_write(const char __user *ubuf, size_t count,
			const char *const *names, size_t n)
{
	char buf[16];

	if (!count || count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	return __sysfs_match_string(names, n, strim(buf));
}

/**
 * hvsim_ic_fault_files() - a count file fault_<name> for each fault
 * @ic: the component
 * @names: the faults' names, indexed by value (index 0, no fault, unused)
 * @counts: their counts, indexed the same way
 * @n: the number of entries of @names and @counts
 *
 * As every hvsim fault knob: writing N arms the next N occurrences,
 * reading gives what is left.
 */
void hvsim_ic_fault_files(struct hvsim_ic *ic, const char *const *names,
			  atomic_t *counts, unsigned int n)
{
	char name[32];
	unsigned int i;

	for (i = 1; i < n; i++) {
		snprintf(name, sizeof(name), "fault_%s", names[i]);
		debugfs_create_atomic_t(name, 0600, ic->dev->dir, &counts[i]);
	}
}

/**
 * hvsim_ic_fault_take() - disarm one occurrence of the first armed fault
 * @counts: the counts of hvsim_ic_fault_files()
 * @n: their number
 *
 * Return: the fault's index, 0 if none is armed.
 */
unsigned int hvsim_ic_fault_take(atomic_t *counts, unsigned int n)
{
	unsigned int i;

	for (i = 1; i < n; i++)
		if (atomic_dec_if_positive(&counts[i]) >= 0)
			return i;
	return 0;
}

/**
 * hvsim_ic_create() - the create() of every integration component
 * @dev: the new device
 * @args: new_device arguments, or NULL
 * @ops: the component
 *
 * Return: 0 or a negative errno.
 */
int hvsim_ic_create(struct hvsim_dev *dev, char *args,
		    const struct hvsim_ic_ops *ops)
{
	const struct hvsim_ic_versions *ver = &ops->versions[dev->pers->id];
	const struct hvsim_ic_host *host;
	struct hvsim_ic *ic;
	int ret;

	if (!ver->n) {
		pr_err("%s offers no %s integration component\n",
		       dev->pers->what, dev->svc->name);
		return -EOPNOTSUPP;
	}
	ic = kzalloc(sizeof(*ic), GFP_KERNEL);
	if (!ic)
		return -ENOMEM;
	ic->dev = dev;
	ic->ops = ops;
	spin_lock_init(&ic->lock);
	hvsim_ic_init_tx(ic);
	host = hvsim_ic_host(ic);
	memcpy(ic->fw, host->fw.list, host->fw.n * sizeof(u32));
	ic->nfw = host->fw.n;
	memcpy(ic->ver, ver->list, ver->n * sizeof(u32));
	ic->nver = ver->n;
	ic->interval_ms = ops->interval_ms;
	ret = hvsim_ic_parse(ic, args);
	if (!ret && ops->create)
		ret = ops->create(ic);
	if (ret) {
		kfree(ic);
		return ret;
	}
	dev->priv = ic;
	debugfs_create_file("state", 0444, dev->dir, ic, &hvsim_ic_state_fops);
	debugfs_create_file("negotiate", 0200, dev->dir, ic,
			    &hvsim_ic_negotiate_fops);
	hvsim_ic_fault_files(ic, hvsim_ic_fault_names, ic->faults,
			     HVSIM_IC_NR_FAULTS);
	return 0;
}

/**
 * hvsim_ic_destroy() - the destroy() of every integration component
 * @dev: the device, its channels gone and its debugfs files removed
 */
void hvsim_ic_destroy(struct hvsim_dev *dev)
{
	struct hvsim_ic *ic = dev->priv;

	/* The work only trylocks hvsim.lock, which is held here. */
	cancel_delayed_work_sync(&ic->tx);
	if (ic->ops->destroy)
		ic->ops->destroy(ic);
	kfree(ic);
}
