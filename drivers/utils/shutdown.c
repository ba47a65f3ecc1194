// SPDX-License-Identifier: GPL-2.0-only
/*
 * Shutdown: the host asks for a power-off or a reboot.  The answer goes out
 * first; only then is the orderly shutdown started, from process context.
 * Hibernation is refused.
 */
#include <linux/device.h>
#include <linux/reboot.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "utils.h"

enum util_sd_action { UTIL_SD_NONE, UTIL_SD_POWEROFF, UTIL_SD_REBOOT };

struct util_shutdown {
	struct work_struct work;
	enum util_sd_action pending;	/* set by the request, taken when answered */
	enum util_sd_action started;	/* the last action started */
};

static const u32 util_shutdown_versions[] = {
	HVG_IC_VERSION(3, 2), HVG_IC_VERSION(3, 1), HVG_IC_VERSION(3, 0),
	HVG_IC_VERSION(1, 0),
};

static void util_shutdown_work(struct work_struct *work)
{
	struct util_shutdown *sd = container_of(work, struct util_shutdown, work);

	if (sd->started == UTIL_SD_REBOOT)
		orderly_reboot();
	else
		orderly_poweroff(true);
}

static void util_shutdown_handle(struct util_dev *ud, struct icmsg_hdr *hdr,
				 u8 *body, u32 len)
{
	struct util_shutdown *sd = ud->priv;
	u32 flags;

	switch (util_shutdown_parse(body, len, &flags)) {
	case -EMSGSIZE:
		dev_err_ratelimited(&ud->hdev->dev, "shutdown: message of %u bytes, need %zu\n",
				    len, sizeof(struct shutdown_msg_data));
		hdr->status = HVG_IC_E_FAIL;
		break;
	case UTIL_IC_POWEROFF:
		sd->pending = UTIL_SD_POWEROFF;
		break;
	case UTIL_IC_REBOOT:
		sd->pending = UTIL_SD_REBOOT;
		break;
	default:
		dev_err_ratelimited(&ud->hdev->dev, "shutdown: request %#x refused\n",
				    flags);
		hdr->status = HVG_IC_E_FAIL;
	}
}

static void util_shutdown_answered(struct util_dev *ud)
{
	struct util_shutdown *sd = ud->priv;

	if (sd->pending == UTIL_SD_NONE)
		return;
	sd->started = sd->pending;
	sd->pending = UTIL_SD_NONE;
	dev_info(&ud->hdev->dev, "shutdown: host requested a %s\n",
		 sd->started == UTIL_SD_REBOOT ? "reboot" : "power-off");
	schedule_work(&sd->work);
}

static void util_shutdown_show(struct seq_file *s, struct util_dev *ud)
{
	struct util_shutdown *sd = ud->priv;
	static const char *const names[] = { "none", "poweroff", "reboot" };

	seq_printf(s, "started: %s\n", names[READ_ONCE(sd->started)]);
}

static int util_shutdown_init(struct util_dev *ud)
{
	struct util_shutdown *sd = kzalloc(sizeof(*sd), GFP_KERNEL);

	if (!sd)
		return -ENOMEM;
	INIT_WORK(&sd->work, util_shutdown_work);
	ud->priv = sd;
	return 0;
}

static void util_shutdown_exit(struct util_dev *ud)
{
	struct util_shutdown *sd = ud->priv;

	cancel_work_sync(&sd->work);
	kfree(sd);
}

const struct util_service util_shutdown_svc = {
	.name = "shutdown",
	.msgtype = ICMSGTYPE_SHUTDOWN,
	.versions = util_shutdown_versions,
	.nversions = ARRAY_SIZE(util_shutdown_versions),
	.init = util_shutdown_init,
	.exit = util_shutdown_exit,
	.handle = util_shutdown_handle,
	.answered = util_shutdown_answered,
	.show = util_shutdown_show,
};
