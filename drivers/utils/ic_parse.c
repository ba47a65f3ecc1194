// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_utils: decoders of the IC messages the host sends.  They touch no
 * driver state, so the userspace fuzzer compiles this file unchanged.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/time64.h>

#include "ic_parse.h"

static const u32 util_fw_versions[] = { HVG_IC_FW_3_0, HVG_IC_FW_1_0 };

/* The first of @ours (newest first) that the host offers, or 0. */
static u32 util_pick(const u32 *ours, unsigned int n,
		     const struct ic_version *offered, unsigned int count)
{
	unsigned int i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < count; j++)
			if (offered[j].major == HVG_IC_MAJOR(ours[i]) &&
			    offered[j].minor == HVG_IC_MINOR(ours[i]))
				return ours[i];
	return 0;
}

/**
 * util_ic_parse_negotiate() - decode a version negotiation request
 * @neg: the request's body
 * @len: its length
 * @ours: the service versions the guest speaks, newest first
 * @n: their number
 * @r: set to the counts offered and the versions picked
 *
 * The counts (each at most HVG_IC_MAX_VERSIONS) and the versions they
 * count must lie within @len.  The newest framework and service versions
 * both sides speak are picked.
 *
 * Return: 0, -EBADMSG if malformed, -ENOENT if no common framework or
 * service version.
 */
int util_ic_parse_negotiate(const struct icmsg_negotiate *neg, u32 len,
			    const u32 *ours, unsigned int n,
			    struct util_ic_neg *r)
{
	bool counted = len >= offsetof(struct icmsg_negotiate, reserved);

	memset(r, 0, sizeof(*r));
	r->nfw = counted ? neg->icframe_vercnt : 0;
	r->nsrv = counted ? neg->icmsg_vercnt : 0;
	if (len < sizeof(*neg) || r->nfw > HVG_IC_MAX_VERSIONS ||
	    r->nsrv > HVG_IC_MAX_VERSIONS ||
	    sizeof(*neg) + (r->nfw + r->nsrv) * sizeof(struct ic_version) > len)
		return -EBADMSG;
	r->fw = util_pick(util_fw_versions, ARRAY_SIZE(util_fw_versions),
			  neg->icversion_data, r->nfw);
	r->srv = util_pick(ours, n, neg->icversion_data + r->nfw, r->nsrv);
	return r->fw && r->srv ? 0 : -ENOENT;
}

static void util_set_version(struct ic_version *v, u32 version)
{
	v->major = HVG_IC_MAJOR(version);
	v->minor = HVG_IC_MINOR(version);
}

/**
 * util_ic_negotiate_answer() - write the answer to a negotiation in place
 * @neg: the request's body, with room for HVG_IC_NEGOTIATE_ANSWER_LEN bytes
 * @fw: the framework version picked, or 0
 * @srv: the service version picked, or 0
 *
 * Both counts are 1 and the two versions follow; or both counts are 0
 * when either version is 0.
 */
void util_ic_negotiate_answer(struct icmsg_negotiate *neg, u32 fw, u32 srv)
{
	memset(neg->icversion_data, 0, 2 * sizeof(struct ic_version));
	if (!fw || !srv) {
		neg->icframe_vercnt = 0;
		neg->icmsg_vercnt = 0;
		return;
	}
	neg->icframe_vercnt = 1;
	neg->icmsg_vercnt = 1;
	util_set_version(&neg->icversion_data[0], fw);
	util_set_version(&neg->icversion_data[1], srv);
}

/**
 * util_heartbeat_parse() - answer a heartbeat in place
 * @body: the message's body; its sequence number is incremented
 * @len: its length
 * @seq: set to the incremented sequence number
 *
 * Return: 0 or -EMSGSIZE if the body holds no sequence number.
 */
int util_heartbeat_parse(u8 *body, u32 len, u64 *seq)
{
	struct heartbeat_msg_data *hb = (void *)body;

	if (len < HVG_HEARTBEAT_MIN_LEN)
		return -EMSGSIZE;
	hb->seq_num++;
	*seq = hb->seq_num;
	return 0;
}

/**
 * util_shutdown_parse() - decode a shutdown request
 * @body: the message's body
 * @len: its length
 * @flags: set to its flags, once the body is long enough
 *
 * FORCE may go with either request; hibernation and unknown flags are
 * refused.
 *
 * Return: an enum util_ic_shutdown, -EMSGSIZE if too short, -EINVAL if
 * the request is refused.
 */
int util_shutdown_parse(const u8 *body, u32 len, u32 *flags)
{
	const struct shutdown_msg_data *msg = (const void *)body;

	if (len < sizeof(*msg))
		return -EMSGSIZE;
	*flags = msg->flags;
	switch (*flags & ~HVG_SHUTDOWN_FLAG_FORCE) {
	case 0:
		return UTIL_IC_POWEROFF;
	case HVG_SHUTDOWN_FLAG_REBOOT:
		return UTIL_IC_REBOOT;
	}
	return -EINVAL;
}

/**
 * util_timesync_parse() - decode a time sample
 * @body: the message's body
 * @len: its length
 * @ref: the service version is 4.0 or later (the sample with a reference
 *	time)
 * @ns: set to the host's time in ns since 1970; on -ERANGE, to the raw
 *	time it sent
 * @flags: set to the sample's ICTIMESYNCFLAG_* flags
 *
 * The host's time (100 ns units since 1601) must be from 1970 on and
 * within what a ktime holds.
 *
 * Return: 0, -EMSGSIZE if too short, -ERANGE if the time is out of range.
 */
int util_timesync_parse(const u8 *body, u32 len, bool ref, u64 *ns,
			u8 *flags)
{
	const struct ictimesync_ref_data *rd = (const void *)body;
	const struct ictimesync_data *d = (const void *)body;
	u64 parent;

	if (len < (ref ? sizeof(*rd) : sizeof(*d)))
		return -EMSGSIZE;
	parent = ref ? rd->parenttime : d->parenttime;
	*flags = ref ? rd->flags : d->flags;
	if (parent < HVG_TIME_EPOCH_DELTA ||
	    parent - HVG_TIME_EPOCH_DELTA > (u64)KTIME_SEC_MAX * (NSEC_PER_SEC / 100)) {
		*ns = parent;
		return -ERANGE;
	}
	*ns = (parent - HVG_TIME_EPOCH_DELTA) * 100;
	return 0;
}
