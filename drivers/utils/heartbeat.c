// SPDX-License-Identifier: GPL-2.0-only
/*
 * Heartbeat: the host sends sequence numbers; answering seq + 1 tells it
 * the guest is alive.  Only the sequence number is required: hosts send
 * 16 bytes, not the 40 of struct heartbeat_msg_data.
 */
#include <linux/device.h>
#include <linux/seq_file.h>

#include "utils.h"

static const u32 util_heartbeat_versions[] = {
	HVG_IC_VERSION(3, 0), HVG_IC_VERSION(1, 0),
};

static void util_heartbeat_handle(struct util_dev *ud, struct icmsg_hdr *hdr,
				  u8 *body, u32 len)
{
	u64 seq;

	if (util_heartbeat_parse(body, len, &seq)) {
		dev_err_ratelimited(&ud->hdev->dev, "heartbeat: message of %u bytes, need %zu\n",
				    len, HVG_HEARTBEAT_MIN_LEN);
		hdr->status = HVG_IC_E_FAIL;
		return;
	}
	WRITE_ONCE(ud->priv, (void *)(uintptr_t)seq);
}

static void util_heartbeat_show(struct seq_file *s, struct util_dev *ud)
{
	seq_printf(s, "last_seq: %lu\n", (unsigned long)READ_ONCE(ud->priv));
}

const struct util_service util_heartbeat_svc = {
	.name = "heartbeat",
	.msgtype = ICMSGTYPE_HEARTBEAT,
	.versions = util_heartbeat_versions,
	.nversions = ARRAY_SIZE(util_heartbeat_versions),
	.handle = util_heartbeat_handle,
	.show = util_heartbeat_show,
};
