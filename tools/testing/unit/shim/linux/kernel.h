/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_KERNEL_H
#define _SHIM_LINUX_KERNEL_H

#include <linux/types.h>
#include <linux/compiler.h>

#define min(a, b) ({					\
	__typeof__(a) __a = (a);			\
	__typeof__(b) __b = (b);			\
	__a < __b ? __a : __b;				\
})
#define max(a, b) ({					\
	__typeof__(a) __a = (a);			\
	__typeof__(b) __b = (b);			\
	__a > __b ? __a : __b;				\
})
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define ALIGN(x, a)	(((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))

#endif
