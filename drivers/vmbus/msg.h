/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Validation of the channel messages the host sends.  Pure functions:
 * compiled into hv_vmbus and into the userspace unit tests and fuzzer.
 */
#ifndef _HVG_MSG_H
#define _HVG_MSG_H

#include <linux/types.h>
#include <hvguest/vmbus_proto.h>

int hv_msg_decode(const void *payload, u32 size);
int hv_msg_check_offer(const struct vmbus_channel_offer_channel *offer,
		       u32 version);
const char *hv_msg_name(u32 msgtype);

#endif /* _HVG_MSG_H */
