// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for drivers/utils/ic_parse.c: the guest's decoding of
 * the IC messages a host sends (version negotiation, heartbeat, shutdown,
 * time sync).
 *
 * Input: a byte choosing the time sync layout (bit 0: with reference
 * time, as service version 4.0), then the packet as util_packet() sees
 * it: pipe header, IC header, body.  The buffer is the message's exact
 * size, padded only as util_request() pads it for the negotiation answer,
 * so ASan catches any access past that; the oracle restates the rules.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kernel.h>

#include "fuzz.h"
#include "ic_parse.h"

/* The largest time a ktime holds, in 100 ns units: whole seconds. */
#define MAX_100NS	((u64)(INT64_MAX / 1000000000) * 10000000)

static const u32 ours[] = {
	HVG_IC_VERSION(4, 0), HVG_IC_VERSION(3, 0), HVG_IC_VERSION(1, 0),
};

/* Whether @v is among the @n versions at @p (unaligned). */
static bool offered(const u8 *p, u32 n, u32 v)
{
	struct ic_version iv;
	u32 i;

	for (i = 0; i < n; i++) {
		memcpy(&iv, p + 4 * i, sizeof(iv));
		if (iv.major == HVG_IC_MAJOR(v) && iv.minor == HVG_IC_MINOR(v))
			return true;
	}
	return false;
}

static void negotiate(u8 *body, u32 blen)
{
	struct icmsg_negotiate *neg = (void *)body;
	struct util_ic_neg r;
	u16 nfw = 0, nsrv = 0;
	u32 i, fw = 0, srv = 0;
	int ret;

	ret = util_ic_parse_negotiate(neg, blen, ours, ARRAY_SIZE(ours), &r);
	if (blen >= 4) {
		memcpy(&nfw, body, 2);
		memcpy(&nsrv, body + 2, 2);
	}
	if (blen < 8 || nfw > HVG_IC_MAX_VERSIONS || nsrv > HVG_IC_MAX_VERSIONS ||
	    8 + 4 * (nfw + nsrv) > blen) {
		check(ret == -EBADMSG && !r.fw && !r.srv);
		goto answer;
	}
	check(r.nfw == nfw && r.nsrv == nsrv);
	/* The newest of ours the host offers, framework 3.0 before 1.0. */
	if (offered(body + 8, nfw, HVG_IC_FW_3_0))
		fw = HVG_IC_FW_3_0;
	else if (offered(body + 8, nfw, HVG_IC_FW_1_0))
		fw = HVG_IC_FW_1_0;
	for (i = 0; i < ARRAY_SIZE(ours) && !srv; i++)
		if (offered(body + 8 + 4 * nfw, nsrv, ours[i]))
			srv = ours[i];
	check(r.fw == fw && r.srv == srv);
	check(ret == (fw && srv ? 0 : -ENOENT));
answer:
	util_ic_negotiate_answer(neg, r.fw, r.srv);
	check(neg->icframe_vercnt == neg->icmsg_vercnt &&
	      neg->icframe_vercnt == (ret ? 0 : 1));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct icmsg_hdr *hdr;
	u32 len, alloc, blen, flags;
	u8 *buf, *body, f8;
	u64 seq, old, ns;
	bool ref;
	int ret;

	if (size < 1 || size - 1 > UINT32_MAX)
		return 0;
	ref = data[0] & 1;
	len = size - 1;
	if (len < HVG_IC_HDR_LEN)
		return 0;	/* util_packet() drops it unread */
	alloc = max_t(u32, len, HVG_IC_HDR_LEN + HVG_IC_NEGOTIATE_ANSWER_LEN);
	buf = calloc(1, alloc);
	if (!buf)
		abort();
	memcpy(buf, data + 1, len);
	hdr = (const void *)(buf + sizeof(struct vmbuspipe_hdr));
	body = buf + HVG_IC_HDR_LEN;
	blen = len - HVG_IC_HDR_LEN;

	switch (hdr->icmsgtype) {
	case ICMSGTYPE_NEGOTIATE:
		negotiate(body, blen);
		break;
	case ICMSGTYPE_HEARTBEAT:
		old = 0;
		if (blen >= 8)
			memcpy(&old, body, 8);
		ret = util_heartbeat_parse(body, blen, &seq);
		check(blen < 8 ? ret == -EMSGSIZE :
		      !ret && seq == old + 1 && !memcmp(body, &seq, 8));
		break;
	case ICMSGTYPE_SHUTDOWN:
		ret = util_shutdown_parse(body, blen, &flags);
		if (blen < sizeof(struct shutdown_msg_data)) {
			check(ret == -EMSGSIZE);
			break;
		}
		check(ret == ((flags | 1) == 1 ? UTIL_IC_POWEROFF :
			      (flags | 1) == 3 ? UTIL_IC_REBOOT : -EINVAL));
		break;
	case ICMSGTYPE_TIMESYNC:
		ret = util_timesync_parse(body, blen, ref, &ns, &f8);
		if (blen < (ref ? sizeof(struct ictimesync_ref_data) :
			    sizeof(struct ictimesync_data))) {
			check(ret == -EMSGSIZE);
			break;
		}
		memcpy(&old, body, 8);
		check(f8 == body[ref ? 16 : 24]);
		if (old < HVG_TIME_EPOCH_DELTA ||
		    old - HVG_TIME_EPOCH_DELTA > MAX_100NS) {
			check(ret == -ERANGE && ns == old);
			break;
		}
		check(!ret && ns == (old - HVG_TIME_EPOCH_DELTA) * 100 &&
		      ns / 100 == old - HVG_TIME_EPOCH_DELTA);
		break;
	}
	free(buf);
	return 0;
}
