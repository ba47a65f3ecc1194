// SPDX-License-Identifier: GPL-2.0-only
/*
 * VSS (backup) host (new_device "vss").  Control files in dev<N>/:
 *   request  (write) freeze | thaw | hotbackup | dminfo | create | delete |
 *            complete | recover: send that operation (a FREEZE is the
 *            6260-byte message with its LUN list, empty here; the others
 *            are 32 bytes)
 *   answer   (read) done (answers so far, failed ones included), op,
 *            status, flags (of the last answer)
 * Not offered by OpenVMM, which defines the protocol but has no VSS host.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "ic.h"

static const u32 hvsim_vss_ws2012r2[] = {
	HVG_IC_VERSION(5, 0), HVG_IC_VERSION(4, 0),
};

static const u32 hvsim_vss_ws2016[] = {
	HVG_IC_VERSION(6, 0), HVG_IC_VERSION(5, 0), HVG_IC_VERSION(4, 0),
};

static const u32 hvsim_vss_ws2019[] = {
	HVG_IC_VERSION(7, 0), HVG_IC_VERSION(6, 0), HVG_IC_VERSION(5, 0),
	HVG_IC_VERSION(4, 0),
};

/*
 * Hyper-V's own lists are not public.  OpenVMM's
 * vm/devices/hyperv_ic_protocol/src/vss.rs names the versions by Windows
 * release (VSS_VERSION_WIN8 4.0, _WINBLUE 5.0, _THRESHOLD 6.0,
 * _THRESHOLD_UR1 7.0): each host offers those up to its own release,
 * newest first.  Linux's hv_snapshot.c speaks 5.0 only and works on all of
 * them (it refuses hosts older than VMBus 3.0, 2012 R2).  OpenVMM: no VSS
 * host (vm/devices/hyperv_ic has none).
 */
static const struct hvsim_ic_versions hvsim_vss_versions[HVSIM_NR_PERS] = {
	[HVSIM_PERS_WS2012R2] = { hvsim_vss_ws2012r2, ARRAY_SIZE(hvsim_vss_ws2012r2) },
	[HVSIM_PERS_WS2016] = { hvsim_vss_ws2016, ARRAY_SIZE(hvsim_vss_ws2016) },
	[HVSIM_PERS_WS2019] = { hvsim_vss_ws2019, ARRAY_SIZE(hvsim_vss_ws2019) },
	[HVSIM_PERS_AZURE] = { hvsim_vss_ws2019, ARRAY_SIZE(hvsim_vss_ws2019) },
};

static const char *const hvsim_vss_ops[HVG_VSS_OP_COUNT] = {
	[HVG_VSS_OP_CREATE] = "create",
	[HVG_VSS_OP_DELETE] = "delete",
	[HVG_VSS_OP_HOT_BACKUP] = "hotbackup",
	[HVG_VSS_OP_GET_DM_INFO] = "dminfo",
	[HVG_VSS_OP_BU_COMPLETE] = "complete",
	[HVG_VSS_OP_FREEZE] = "freeze",
	[HVG_VSS_OP_THAW] = "thaw",
	[HVG_VSS_OP_AUTO_RECOVER] = "recover",
};

/**
 * struct hvsim_vss - the VSS host's state
 * @lock: everything below
 * @sent_op: operation of the request in flight
 * @op: operation of the last answer
 * @done: answers so far
 * @status: of the last answer
 * @flags: of the last answer (0 if it had none)
 */
struct hvsim_vss {
	spinlock_t lock;		/* everything below */
	u8 sent_op;
	u8 op;
	u64 done;
	u32 status;
	u32 flags;
};

static u32 hvsim_vss_request(struct hvsim_ic *ic, u8 *body, u32 room)
{
	struct hvsim_vss *vss = ic->priv;
	struct hvg_vss_freeze *fr = (void *)body;
	u32 flags;
	s64 op;

	hvsim_ic_take_args(ic, &op, &flags);
	spin_lock_irq(&vss->lock);
	vss->sent_op = op;
	spin_unlock_irq(&vss->lock);
	fr->operation = op;
	if (op == HVG_VSS_OP_FREEZE) {
		fr->lun_count = 0;
		return sizeof(*fr);
	}
	return HVG_VSS_HOST_MSG_LEN;
}

static void hvsim_vss_done(struct hvsim_ic *ic, u32 status, const u8 *body,
			   u32 len)
{
	struct hvsim_vss *vss = ic->priv;
	const struct hvg_vss_msg *m = (const void *)body;

	spin_lock_irq(&vss->lock);
	vss->op = vss->sent_op;
	vss->status = status;
	vss->flags = body && len >= sizeof(*m) ? m->flags : 0;
	vss->done++;
	spin_unlock_irq(&vss->lock);
	pr_info("dev%u: vss %s answered with status %#x\n", ic->dev->id,
		hvsim_vss_ops[vss->op], status);
}

static void hvsim_vss_answer(struct hvsim_ic *ic, const u8 *body, u32 len)
{
	hvsim_vss_done(ic, HVG_IC_S_OK, body, len);
}

static void hvsim_vss_failed(struct hvsim_ic *ic, u32 status)
{
	hvsim_vss_done(ic, status, NULL, 0);
}

static ssize_t hvsim_vss_request_write(struct file *file,
				       const char __user *ubuf, size_t count,
				       loff_t *ppos)
{
	struct hvsim_ic *ic = file->private_data;
	int op = hvsim_ic_knob_write(ubuf, count, hvsim_vss_ops,
				     ARRAY_SIZE(hvsim_vss_ops));

	if (op < 0)
		return op;
	hvsim_ic_request(ic, op, 0);
	return count;
}

static const struct file_operations hvsim_vss_request_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = hvsim_vss_request_write,
};

static int hvsim_vss_answer_show(struct seq_file *s, void *unused)
{
	struct hvsim_vss *vss = s->private;

	spin_lock_irq(&vss->lock);
	seq_printf(s, "done: %llu\nop: %s\nstatus: %#x\nflags: %#x\n",
		   vss->done, hvsim_vss_ops[vss->op], vss->status, vss->flags);
	spin_unlock_irq(&vss->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hvsim_vss_answer);

static int hvsim_vss_create(struct hvsim_ic *ic)
{
	struct hvsim_vss *vss = kzalloc(sizeof(*vss), GFP_KERNEL);

	if (!vss)
		return -ENOMEM;
	spin_lock_init(&vss->lock);
	ic->priv = vss;
	debugfs_create_file("request", 0200, ic->dev->dir, ic,
			    &hvsim_vss_request_fops);
	debugfs_create_file("answer", 0444, ic->dev->dir, vss,
			    &hvsim_vss_answer_fops);
	return 0;
}

static void hvsim_vss_destroy(struct hvsim_ic *ic)
{
	kfree(ic->priv);
}

static const struct hvsim_ic_ops hvsim_vss_ic_ops = {
	.msgtype = ICMSGTYPE_VSS,
	.versions = hvsim_vss_versions,
	.create = hvsim_vss_create,
	.destroy = hvsim_vss_destroy,
	.request = hvsim_vss_request,
	.answer = hvsim_vss_answer,
	.failed = hvsim_vss_failed,
};

static int hvsim_vss_dev_create(struct hvsim_dev *dev, char *args)
{
	return hvsim_ic_create(dev, args, &hvsim_vss_ic_ops);
}

const struct hvsim_service hvsim_ic_vss_svc = {
	.name = "vss",
	.class_id = HVG_IC_VSS_GUID,
	.no_monitor = true,
	.create = hvsim_vss_dev_create,
	.destroy = hvsim_ic_destroy,
	.open = hvsim_ic_open,
	.close = hvsim_ic_close,
	.service = hvsim_ic_service,
	.show = hvsim_ic_show,
};
