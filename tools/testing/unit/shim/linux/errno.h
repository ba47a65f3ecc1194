/* SPDX-License-Identifier: GPL-2.0-only */
/* The uapi errno values are the kernel's; glibc's <errno.h> also lands here. */
#include_next <linux/errno.h>
