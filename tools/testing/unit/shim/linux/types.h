/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace stand-in for the kernel headers that drivers/vmbus/{ring,msg}.c
 * and include/hvguest/vmbus_proto.h use, so that those files compile
 * unchanged in the unit tests, the fuzzers and the ring benchmark.
 */
#ifndef _SHIM_LINUX_TYPES_H
#define _SHIM_LINUX_TYPES_H

#include_next <linux/types.h>	/* __u8 ... for any system header */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/bits.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#define __packed	__attribute__((__packed__))

/* The kernel's one-or-two-argument form. */
#define static_assert(expr, ...)	__static_assert(expr, ##__VA_ARGS__, #expr)
#define __static_assert(expr, msg, ...)	_Static_assert(expr, msg)

#endif
