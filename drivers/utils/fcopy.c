// SPDX-License-Identifier: GPL-2.0-only
/*
 * File copy (Guest Services): the host copies a file into the guest:
 * START (directory, file name, overwrite / create-path flags, size), then
 * WRITE fragments of at most 6 KiB at offsets, then COMPLETE, or CANCEL.
 * The distribution's hv_fcopy_daemon writes the file; it reads each step
 * from /dev/vmbus/hv_fcopy (relay.c) and its status (e.g. "already
 * exists") goes back to the host.  The host's UTF-16 names become UTF-8,
 * refused rather than cut if they do not fit; a file name must be a name
 * (no '/', not "." or ".."), a directory absolute.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <hvguest/compat.h>

#include "relay.h"

/* Linux hv_fcopy.c fcopy_versions: 1.1 (WIN8_SRV_VERSION) only */
static const u32 util_fcopy_versions[] = { HVG_IC_VERSION(1, 1) };

/* Linux hv_fcopy.c: HV_UTIL_TIMEOUT for every step */
#define UTIL_FCOPY_TIMEOUT_S	30

static const char *const util_fcopy_op_names[HVG_FCOPY_OP_COUNT] = {
	"start", "write", "complete", "cancel",
};

#define util_fcopy_err(ud, fmt, ...) \
	dev_err_ratelimited(&(ud)->hdev->dev, "fcopy: " fmt, ##__VA_ARGS__)

static const char *util_fcopy_op_name(u8 op)
{
	return op < HVG_FCOPY_OP_COUNT ? util_fcopy_op_names[op] : "unknown";
}

/* A name field of the host (UTF-16LE) into the daemon's (UTF-8) */
static int util_fcopy_name(struct util_dev *ud, const char *what,
			   const u8 *s, u8 *out)
{
	u32 room = 2 * HVG_FCOPY_PATH_UNITS;

	if (util_relay_str_in(ud, what, s, room, room, out, room, NULL))
		return -EINVAL;
	if (!out[0]) {
		util_fcopy_err(ud, "empty %s refused\n", what);
		return -EINVAL;
	}
	return 0;
}

static u32 util_fcopy_start(struct util_dev *ud, const u8 *body, u32 len,
			    struct hvg_fcopy_start *u)
{
	const struct hvg_fcopy_start *m = (const void *)body;

	if (len < sizeof(*m)) {
		util_fcopy_err(ud, "start message of %u bytes refused, need %zu\n",
			       len, sizeof(*m));
		return HVG_IC_E_FAIL;
	}
	if (util_fcopy_name(ud, "file name", m->file_name, u->file_name) ||
	    util_fcopy_name(ud, "path", m->path_name, u->path_name))
		return HVG_IC_E_FAIL;
	if (strchr(u->file_name, '/') || !strcmp(u->file_name, ".") ||
	    !strcmp(u->file_name, "..")) {
		util_fcopy_err(ud, "file name \"%s\" is not a name, refused\n",
			       u->file_name);
		return HVG_IC_E_FAIL;
	}
	if (u->path_name[0] != '/') {
		util_fcopy_err(ud, "path \"%s\" is not absolute, refused\n",
			       u->path_name);
		return HVG_IC_E_FAIL;
	}
	u->copy_flags = m->copy_flags;
	u->file_size = m->file_size;
	return HVG_IC_S_OK;
}

static u32 util_fcopy_write(struct util_dev *ud, const u8 *body, u32 len,
			    struct hvg_fcopy_write *u)
{
	const struct hvg_fcopy_write *m = (const void *)body;
	u32 size;

	if (len < offsetof(struct hvg_fcopy_write, data)) {
		util_fcopy_err(ud, "write message of %u bytes refused\n", len);
		return HVG_IC_E_FAIL;
	}
	size = m->size;
	if (size > HVG_FCOPY_FRAGMENT ||
	    size > len - offsetof(struct hvg_fcopy_write, data)) {
		util_fcopy_err(ud, "write of %u bytes in a message of %u refused (at most %u)\n",
			       size, len, HVG_FCOPY_FRAGMENT);
		return HVG_IC_E_FAIL;
	}
	u->offset = m->offset;
	u->size = size;
	memcpy(u->data, m->data, size);
	return HVG_IC_S_OK;
}

static u32 util_fcopy_from_host(struct util_dev *ud, const u8 *body, u32 len,
				void *umsg, u32 *ulen, u8 *op)
{
	const struct hvg_fcopy_hdr *h = (const void *)body;
	struct hvg_fcopy_hdr *u = umsg;
	u32 operation, st;

	if (len < sizeof(*h)) {
		util_fcopy_err(ud, "message of %u bytes refused\n", len);
		return HVG_IC_E_FAIL;
	}
	operation = h->operation;
	if (operation >= HVG_FCOPY_OP_COUNT) {
		util_fcopy_err(ud, "unknown operation %u refused\n", operation);
		return HVG_IC_E_FAIL;
	}
	*op = operation;
	u->operation = operation;
	switch (operation) {
	case HVG_FCOPY_START:
		st = util_fcopy_start(ud, body, len, umsg);
		*ulen = sizeof(struct hvg_fcopy_start);
		break;
	case HVG_FCOPY_WRITE:
		st = util_fcopy_write(ud, body, len, umsg);
		*ulen = sizeof(struct hvg_fcopy_write);
		break;
	default:
		st = HVG_IC_S_OK;
		*ulen = sizeof(*u);
		break;
	}
	return st;
}

static int util_fcopy_to_host(struct util_dev *ud, u8 op, const void *uans,
			      u8 *body, u32 len, u32 *status)
{
	return util_relay_status(ud, get_unaligned((const u32 *)uans), status);
}

/* Version 1 is answered with the kernel's version, version 0 is not. */
static int util_fcopy_reg(const void *umsg, void *uans)
{
	u32 version = get_unaligned((const u32 *)umsg);
	u32 ours = HVG_FCOPY_VERSION_1;

	switch (version) {
	case HVG_FCOPY_VERSION_0:
		return 0;
	case HVG_FCOPY_VERSION_1:
		memcpy(uans, &ours, sizeof(ours));
		return sizeof(ours);
	}
	return -EINVAL;
}

static unsigned int util_fcopy_timeout_s(u8 op)
{
	return UTIL_FCOPY_TIMEOUT_S;
}

static const struct util_relay_ops util_fcopy_relay_ops = {
	.daemon = "hv_fcopy_daemon",
	.dev = "vmbus/hv_fcopy",
	.read_max = sizeof(struct hvg_fcopy_write),
	.write_size = sizeof(u32),
	.reg = util_fcopy_reg,
	.from_host = util_fcopy_from_host,
	.to_host = util_fcopy_to_host,
	.op_name = util_fcopy_op_name,
	.timeout_s = util_fcopy_timeout_s,
};

struct util_relay util_fcopy_relay = { .ops = &util_fcopy_relay_ops };

const struct util_service util_fcopy_svc = {
	.name = "fcopy",
	.msgtype = ICMSGTYPE_FCOPY,
	.versions = util_fcopy_versions,
	.nversions = ARRAY_SIZE(util_fcopy_versions),
	.relay = &util_fcopy_relay,
	.init = util_relay_bind,
	.exit = util_relay_unbind,
	.handle = util_relay_handle,
	.show = util_relay_show,
};
