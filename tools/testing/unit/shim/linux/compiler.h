/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_COMPILER_H
#define _SHIM_LINUX_COMPILER_H

#include <linux/types.h>

#define READ_ONCE(x)	(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, val) \
	do { *(volatile __typeof__(x) *)&(x) = (val); } while (0)

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

/*
 * Each program that uses the shim defines shim_warn(): the unit tests count
 * warnings, the fuzzers abort.  Unlike the kernel's, every hit is reported.
 */
void shim_warn(const char *file, int line, const char *cond);

#define WARN_ON_ONCE(cond) ({						\
	bool __warn = !!(cond);						\
	if (unlikely(__warn))						\
		shim_warn(__FILE__, __LINE__, #cond);			\
	__warn;								\
})
#define WARN_ON(cond)	WARN_ON_ONCE(cond)

#endif
