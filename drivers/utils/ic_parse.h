/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_utils: decoders of the IC messages the host sends (version
 * negotiation, heartbeat, shutdown, time sync).  Pure functions: compiled
 * into hv_utils and into the userspace fuzzer (tools/testing/fuzz/fuzz_ic.c).
 */
#ifndef _UTIL_IC_PARSE_H
#define _UTIL_IC_PARSE_H

#include <linux/types.h>
#include <hvguest/ic_proto.h>

/* A negotiation request, decoded. */
struct util_ic_neg {
	u32 nfw;		/* framework versions offered (0 if not counted) */
	u32 nsrv;		/* service versions offered */
	u32 fw;			/* the framework version picked, or 0 */
	u32 srv;		/* the service version picked, or 0 */
};

/* What a shutdown request asks for. */
enum util_ic_shutdown { UTIL_IC_POWEROFF, UTIL_IC_REBOOT };

int util_ic_parse_negotiate(const struct icmsg_negotiate *neg, u32 len,
			    const u32 *ours, unsigned int n,
			    struct util_ic_neg *r);
void util_ic_negotiate_answer(struct icmsg_negotiate *neg, u32 fw, u32 srv);
int util_heartbeat_parse(u8 *body, u32 len, u64 *seq);
int util_shutdown_parse(const u8 *body, u32 len, u32 *flags);
int util_timesync_parse(const u8 *body, u32 len, bool ref, u64 *ns,
			u8 *flags);

#endif /* _UTIL_IC_PARSE_H */
