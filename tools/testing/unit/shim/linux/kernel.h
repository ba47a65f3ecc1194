/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_KERNEL_H
#define _SHIM_LINUX_KERNEL_H

#include <limits.h>
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
#define min3(a, b, c)	min(min(a, b), c)
#define min_t(t, a, b)	min((t)(a), (t)(b))
#define max_t(t, a, b)	max((t)(a), (t)(b))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define ALIGN(x, a)	(((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))

#endif
