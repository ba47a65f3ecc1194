// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim's storage host: new_device "scsi [size=64M] [file=/path]
 * [version=6.2] [max_xfer=512K] [subchannels=N] [discard=unmap|ws16|ws10|none]".
 *
 * Knobs in debugfs hvsim/dev<N>/: media_err_lba and media_err_blocks (reads
 * and writes touching that range fail with MEDIUM ERROR), fault_bad_len
 * (the next N completions claim a page more data than moved), fault_short
 * (the next N SRB completions are cut short), fault_bad_id (the next N
 * completions carry a transaction id never issued), fault_busy,
 * fault_queue_full and fault_srb_busy (the next N SRBs end with SCSI BUSY,
 * TASK SET FULL or SRB status BUSY), fault_swallow (the next N SRBs are
 * answered only at the next reset), fault_ignore_reset, fault_fail_reset and
 * fault_stall_reset (the next N resets complete none of the SRBs held; fail
 * as well; are not answered either), fault_late_reply (the next reply to
 * that VSTOR operation is held back and sent just before the reply to the
 * next control operation), fault_bad_inband (beside the next N SRB
 * completions, an in-band message of an unknown operation and one shorter
 * than the VSTOR header), delay_ms (every SRB takes that long); luns
 * (scsi_luns.c) adds and removes LUNs.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "scsi.h"

#define HVSIM_SCSI_BUDGET	32
#define HVSIM_SCSI_MAX_XFER	(2 * 1024 * 1024)

/*
 * The storage host of each personality.
 *
 * max_version: Linux drivers/scsi/storvsc_drv.c protocol_version[] offers
 * WIN10 (6.2), then WIN8_1 (6.0), then WIN8 (5.1); WIN8_1 is the newest of
 * Windows Server 2012 R2, WIN10 that of 2016 and later (the host-to-version
 * table of Linux's storvsc, vmstor_protocols).  OpenVMM storvsp
 * (vm/devices/storage/storvsp/src/lib.rs, Version::parse) accepts WIN6,
 * WIN7, WIN8 and BLUE (6.0) only: THRESHOLD (6.2) is refused with
 * REVISION_MISMATCH.
 *
 * max_xfer: OpenVMM answers QUERY_PROPERTIES with max_transfer_bytes
 * 0x40000 (storvsp process_primary, InitState::QueryProperties).  What
 * Hyper-V reports is not in a public source; hvsim keeps 512 KiB there
 * (max_xfer= on the devices line overrides it).
 *
 * reset_flushes: Linux's storvsc_host_reset_handler() expects every SRB
 * the host holds to be completed once a RESET_BUS is answered; storvsp's
 * handle_packet() answers the resets with SUCCESS and does nothing else
 * ("These operations have always been no-ops").
 *
 * nt_status: storvsp handle_completion() puts the NTSTATUS made of the SRB
 * status (convert_srb_status_to_nt_status) into the completion's status;
 * Linux's storvsc ignores it for SRBs.  hvsim's Hyper-V keeps 0.
 *
 * echo_len: storvsp sizes every completion as the request it answers
 * (send_vmbus_packet, request_size); Hyper-V's are as long as the packet
 * of the negotiated version (the comment there: Windows guests check it).
 */
/* Hyper-V's storage host, of VSTOR version @v */
#define HVSIM_SCSI_HYPERV(v) \
	{ .max_version = (v), .max_xfer = 512 * 1024, .reset_flushes = true }

const struct hvsim_scsi_pers hvsim_scsi_pers[HVSIM_NR_PERS] = {
	[HVSIM_PERS_WS2012R2] = HVSIM_SCSI_HYPERV(VSTOR_VERSION_WIN8_1),
	[HVSIM_PERS_WS2016] = HVSIM_SCSI_HYPERV(VSTOR_VERSION_WIN10),
	[HVSIM_PERS_WS2019] = HVSIM_SCSI_HYPERV(VSTOR_VERSION_WIN10),
	[HVSIM_PERS_AZURE] = HVSIM_SCSI_HYPERV(VSTOR_VERSION_WIN10),
	[HVSIM_PERS_OPENVMM] = {
		.max_version = VSTOR_VERSION_WIN8_1,
		.max_xfer = 0x40000,
		.nt_status = true,
		.echo_len = true,
	},
};

static const char * const hvsim_scsi_discard_names[] = {
	[HVSIM_DISCARD_UNMAP] = "unmap",
	[HVSIM_DISCARD_WS16] = "ws16",
	[HVSIM_DISCARD_WS10] = "ws10",
	[HVSIM_DISCARD_NONE] = "none",
};

static int hvsim_scsi_parse_version(const char *v, u32 *out)
{
	unsigned int major, minor;

	if (sscanf(v, "%u.%u", &major, &minor) != 2 || major > 255 ||
	    minor > 255)
		return -EINVAL;
	*out = VSTOR_VERSION(major, minor);
	return 0;
}

static int hvsim_scsi_parse_discard(struct hvsim_scsi *s, const char *v)
{
	int i = match_string(hvsim_scsi_discard_names,
			     ARRAY_SIZE(hvsim_scsi_discard_names), v);

	if (i < 0)
		return i;
	s->discard = i;
	return 0;
}

static int hvsim_scsi_parse(struct hvsim_scsi *s, char *args, u64 *size)
{
	char *opt;

	while ((opt = strsep(&args, " \t"))) {
		char *val = strchr(opt, '=');
		int ret = 0;

		if (!*opt)
			continue;
		if (!val)
			return -EINVAL;
		*val++ = '\0';
		if (!strcmp(opt, "size"))
			*size = memparse(val, NULL);
		else if (!strcmp(opt, "version"))
			ret = hvsim_scsi_parse_version(val, &s->max_version);
		else if (!strcmp(opt, "max_xfer"))
			s->max_xfer = memparse(val, NULL);
		else if (!strcmp(opt, "subchannels"))
			ret = kstrtou16(val, 0, &s->subchannels);
		else if (!strcmp(opt, "discard"))
			ret = hvsim_scsi_parse_discard(s, val);
		else
			ret = -EINVAL;
		if (ret) {
			pr_err("scsi: bad option %s=%s\n", opt, val);
			return ret;
		}
	}
	return 0;
}

static void hvsim_scsi_knobs(struct hvsim_dev *dev, struct hvsim_scsi *s)
{
	debugfs_create_u64("media_err_lba", 0600, dev->dir, &s->media_err_lba);
	debugfs_create_u64("media_err_blocks", 0600, dev->dir,
			   &s->media_err_blocks);
	debugfs_create_atomic_t("fault_bad_len", 0600, dev->dir,
				&s->fault_bad_len);
	debugfs_create_atomic_t("fault_short", 0600, dev->dir, &s->fault_short);
	debugfs_create_atomic_t("fault_bad_id", 0600, dev->dir,
				&s->fault_bad_id);
	debugfs_create_atomic_t("fault_busy", 0600, dev->dir, &s->fault_busy);
	debugfs_create_atomic_t("fault_queue_full", 0600, dev->dir,
				&s->fault_queue_full);
	debugfs_create_atomic_t("fault_srb_busy", 0600, dev->dir,
				&s->fault_srb_busy);
	debugfs_create_atomic_t("fault_swallow", 0600, dev->dir,
				&s->fault_swallow);
	debugfs_create_atomic_t("fault_ignore_reset", 0600, dev->dir,
				&s->fault_ignore_reset);
	debugfs_create_atomic_t("fault_fail_reset", 0600, dev->dir,
				&s->fault_fail_reset);
	debugfs_create_atomic_t("fault_stall_reset", 0600, dev->dir,
				&s->fault_stall_reset);
	debugfs_create_atomic_t("fault_late_reply", 0600, dev->dir,
				&s->fault_late_reply);
	debugfs_create_atomic_t("fault_bad_inband", 0600, dev->dir,
				&s->fault_bad_inband);
	debugfs_create_u32("delay_ms", 0600, dev->dir, &s->delay_ms);
	hvsim_scsi_luns_init(dev);
}

static int hvsim_scsi_create(struct hvsim_dev *dev, char *args)
{
	struct hvsim_scsi *s = kzalloc(sizeof(*s), GFP_KERNEL);
	struct hvsim_scsi_lun *lun;
	u64 size = 0;
	int ret;

	if (!s)
		return -ENOMEM;
	s->dev = dev;
	s->pers = &hvsim_scsi_pers[dev->pers->id];
	s->max_version = s->pers->max_version;
	s->max_xfer = s->pers->max_xfer;
	ret = hvsim_scsi_parse(s, args, &size);
	if (!ret && (s->max_xfer < PAGE_SIZE || s->max_xfer > HVSIM_SCSI_MAX_XFER ||
		     s->subchannels > HVSIM_MAX_SUBCHANNELS ||
		     size % HVSIM_SCSI_BLOCK))
		ret = -EINVAL;
	if (ret)
		goto err;
	if (!dev->file && !size)
		size = 64 << 20;
	lun = hvsim_scsi_lun_open(dev->file, size);
	if (IS_ERR(lun)) {
		ret = PTR_ERR(lun);
		goto err;
	}
	s->luns[0] = lun;
	s->lun_size[0] = lun->size;
	s->max_xfer = round_down(s->max_xfer, PAGE_SIZE);
	spin_lock_init(&s->held_lock);
	dev->priv = s;
	hvsim_scsi_knobs(dev, s);
	pr_info("scsi: %llu MiB %s LUN\n", lun->size >> 20,
		lun->ram ? "RAM" : "file");
	return 0;
err:
	pr_err("scsi: cannot create the device: %d\n", ret);
	kfree(s);
	return ret;
}

static void hvsim_scsi_destroy(struct hvsim_dev *dev)
{
	struct hvsim_scsi *s = dev->priv;
	unsigned int i;

	for (i = 0; i < HVSIM_SCSI_MAX_LUNS; i++)
		hvsim_scsi_lun_close(s->luns[i]);
	kfree(s);
	dev->priv = NULL;
}

static int hvsim_scsi_open(struct hvsim_chan *chan)
{
	struct hvsim_scsi *s = chan->dev->priv;

	if (!chan->subidx) {
		/* A new connection of the guest: initialization again. */
		s->state = HVSIM_VSTOR_BEGIN;
		s->version = 0;
		s->late.chan = NULL;
	}
	chan->priv = kvmalloc(s->max_xfer, GFP_KERNEL);
	return chan->priv ? 0 : -ENOMEM;
}

static void hvsim_scsi_close(struct hvsim_chan *chan)
{
	struct hvsim_scsi *s = chan->dev->priv;

	if (s->late.chan == chan)
		s->late.chan = NULL;
	hvsim_scsi_drop_held(s, chan);
	kvfree(chan->priv);
	chan->priv = NULL;
}

static bool hvsim_scsi_service(struct hvsim_chan *chan)
{
	struct hvsim_scsi *s = chan->dev->priv;
	int now = atomic_inc_return(&s->running);
	int max = atomic_read(&s->running_max);
	bool more;

	while (now > max && !atomic_try_cmpxchg(&s->running_max, &max, now))
		;
	more = hvsim_chan_service(chan, hvsim_scsi_packet, HVSIM_SCSI_BUDGET);
	atomic_dec(&s->running);
	return more;
}

static void hvsim_scsi_show(struct seq_file *sf, struct hvsim_chan *chan)
{
	struct hvsim_scsi *s = chan->dev->priv;
	unsigned int i, n = 0;

	for (i = 0; i < HVSIM_SCSI_MAX_LUNS; i++)
		n += !!s->luns[i];
	seq_printf(sf, " vstor=%u.%u max_xfer=%u size=%llu luns=%u srbs=%llu errors=%llu resets=%llu parallel=%d",
		   s->version >> 8, s->version & 0xff, s->max_xfer,
		   s->luns[0]->size, n,
		   atomic64_read(&s->srbs), atomic64_read(&s->errors),
		   s->resets, atomic_read(&s->running_max));
}

const struct hvsim_service hvsim_scsi_svc = {
	.name = "scsi",
	.class_id = VSTOR_SCSI_CLASS_GUID,
	.parallel = true,
	.takes_file = true,
	.create = hvsim_scsi_create,
	.destroy = hvsim_scsi_destroy,
	.open = hvsim_scsi_open,
	.close = hvsim_scsi_close,
	.service = hvsim_scsi_service,
	.show = hvsim_scsi_show,
};
