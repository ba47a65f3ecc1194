// SPDX-License-Identifier: GPL-2.0-only
/* Helpers shared by the fuzz targets. */
#include <stdlib.h>
#include <string.h>
#include <linux/compiler.h>

#include "fuzz.h"

void shim_warn(const char *file, int line, const char *cond)
{
	(void)file; (void)line; (void)cond;
	abort();
}

/* The oracle: abort (a crash libFuzzer records) unless @ok. */
void check(bool ok)
{
	if (!ok)
		abort();
}

/* A copy of @p in a buffer of exactly @n bytes, for ASan to guard. */
u8 *dup(const u8 *p, size_t n)
{
	u8 *d = malloc(n ?: 1);

	if (!d)
		abort();
	memcpy(d, p, n);
	return d;
}

/* Read @n bytes as the driver would; the sum keeps the reads. */
u32 touch(const u8 *p, size_t n)
{
	u32 s = 0;

	while (n--)
		s += READ_ONCE(*p++);
	return s;
}
