// SPDX-License-Identifier: GPL-2.0-only
/*
 * VSS (backup): before it copies the guest's disks, the host asks whether
 * the guest can take part (HOT_BACKUP), has it freeze its file systems
 * (FREEZE), then thaw them (THAW).  The distribution's hv_vss_daemon does
 * the freezing (FIFREEZE on every mounted file system) through
 * /dev/vmbus/hv_vss (relay.c); its status goes back to the host.  As
 * Linux's hv_snapshot.c: GET_DM_INFO is answered here with no flags, the
 * other operations of the protocol (CREATE, DELETE, BU_COMPLETE,
 * AUTO_RECOVER) succeed without action, an unknown one is refused.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <hvguest/compat.h>

#include "relay.h"

/* Linux hv_snapshot.c vss_versions: 5.0 only, the first with FREEZE */
static const u32 util_vss_versions[] = { HVG_IC_VERSION(5, 0) };

/* Linux hv_snapshot.c VSS_FREEZE_TIMEOUT and HV_UTIL_TIMEOUT (hyperv.h) */
#define UTIL_VSS_FREEZE_TIMEOUT_S	(15 * 60)
#define UTIL_VSS_TIMEOUT_S		30

static const char *const util_vss_op_names[HVG_VSS_OP_COUNT] = {
	"create", "delete", "hot-backup", "get-dm-info", "backup-complete",
	"freeze", "thaw", "auto-recover",
};

static const char *util_vss_op_name(u8 op)
{
	return op < HVG_VSS_OP_COUNT ? util_vss_op_names[op] : "unknown";
}

static u32 util_vss_from_host(struct util_dev *ud, const u8 *body, u32 len,
			      void *umsg, u32 *ulen, u8 *op)
{
	struct hvg_vss_msg *m = (void *)body;
	struct hvg_vss_msg *u = umsg;

	if (len < sizeof(*m)) {
		dev_err_ratelimited(&ud->hdev->dev, "vss: message of %u bytes refused, need %zu\n",
				    len, sizeof(*m));
		return HVG_IC_E_FAIL;
	}
	*op = m->operation;
	switch (*op) {
	case HVG_VSS_OP_FREEZE:
	case HVG_VSS_OP_THAW:
	case HVG_VSS_OP_HOT_BACKUP:
		u->operation = *op;
		*ulen = sizeof(*u);
		return HVG_IC_S_OK;
	case HVG_VSS_OP_GET_DM_INFO:
		m->flags = 0;
		return HVG_IC_S_OK;
	case HVG_VSS_OP_CREATE:
	case HVG_VSS_OP_DELETE:
	case HVG_VSS_OP_BU_COMPLETE:
	case HVG_VSS_OP_AUTO_RECOVER:
		return HVG_IC_S_OK;
	}
	dev_err_ratelimited(&ud->hdev->dev, "vss: unknown operation %u refused\n",
			    *op);
	return HVG_IC_E_FAIL;
}

static int util_vss_to_host(struct util_dev *ud, u8 op, const void *uans,
			    u8 *body, u32 len, u32 *status)
{
	struct hvg_vss_msg *m = (void *)body;

	/* As Linux: no automatic recovery of a backup */
	if (op == HVG_VSS_OP_HOT_BACKUP)
		m->flags = HVG_VSS_HBU_NO_AUTO_RECOVERY;
	return util_relay_status(ud, get_unaligned((const u32 *)uans), status);
}

/* REGISTER1 is answered with the kernel's version, REGISTER is not. */
static int util_vss_reg(const void *umsg, void *uans)
{
	const struct hvg_vss_msg *m = umsg;
	u32 ours = HVG_VSS_OP_REGISTER1;

	switch (m->operation) {
	case HVG_VSS_OP_REGISTER:
		return 0;
	case HVG_VSS_OP_REGISTER1:
		memcpy(uans, &ours, sizeof(ours));
		return sizeof(ours);
	}
	return -EINVAL;
}

static unsigned int util_vss_timeout_s(u8 op)
{
	return op == HVG_VSS_OP_FREEZE ? UTIL_VSS_FREEZE_TIMEOUT_S :
					 UTIL_VSS_TIMEOUT_S;
}

static const struct util_relay_ops util_vss_relay_ops = {
	.daemon = "hv_vss_daemon",
	.dev = "vmbus/hv_vss",
	.read_max = sizeof(struct hvg_vss_msg),
	.write_size = sizeof(struct hvg_vss_msg),
	.reg = util_vss_reg,
	.from_host = util_vss_from_host,
	.to_host = util_vss_to_host,
	.op_name = util_vss_op_name,
	.timeout_s = util_vss_timeout_s,
};

struct util_relay util_vss_relay = { .ops = &util_vss_relay_ops };

const struct util_service util_vss_svc = {
	.name = "vss",
	.msgtype = ICMSGTYPE_VSS,
	.versions = util_vss_versions,
	.nversions = ARRAY_SIZE(util_vss_versions),
	.relay = &util_vss_relay,
	.init = util_relay_bind,
	.exit = util_relay_unbind,
	.handle = util_relay_handle,
	.show = util_relay_show,
};
