/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_utils KVP: between the IC service (kvp.c: the host's messages) and
 * the relay to the daemon (kvp_dev.c: /dev/hvguest/kvp).
 */
#ifndef _HV_UTILS_KVP_H
#define _HV_UTILS_KVP_H

#include <hvguest/kvp_dev.h>

#include "utils.h"

/* kvp.c */
u32 util_kvp_from_host(struct util_dev *ud, const u8 *body, u32 len,
		       struct hvg_kvp_record *rec);
int util_kvp_to_host(struct util_dev *ud, const struct hvg_kvp_record *rec,
		     u8 *body, u32 len, u32 *status);
const char *util_kvp_op_name(u8 op);

/* kvp_dev.c */
void util_kvp_relay(struct util_dev *ud, struct icmsg_hdr *hdr, u8 *body,
		    u32 len);
int util_kvp_bind(struct util_dev *ud);
void util_kvp_unbind(struct util_dev *ud);
void util_kvp_show(struct seq_file *s, struct util_dev *ud);

#endif /* _HV_UTILS_KVP_H */
