/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_TIME64_H
#define _SHIM_LINUX_TIME64_H

#include <linux/types.h>

#define NSEC_PER_MSEC	1000000L
#define NSEC_PER_SEC	1000000000L
#define KTIME_MAX	((s64)~((u64)1 << 63))
#define KTIME_SEC_MAX	(KTIME_MAX / NSEC_PER_SEC)

#endif
