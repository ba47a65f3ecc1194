// SPDX-License-Identifier: GPL-2.0-only
/*
 * The pool files: DIR/<pool name>, one "KEY=VALUE" pair per line, in
 * order.  In keys and values a backslash escapes: "\\" is a backslash,
 * "\n" a newline, "\=" an equals sign (needed in keys only), "\#" a '#'
 * (written for a key's first character only).  Empty lines and lines
 * starting with '#' are skipped; so are lines without '=' or with a key or
 * value too long for KVP, and lines past KVPD_POOL_MAX pairs (with a
 * warning).  A file is rewritten whole (a temporary file renamed over it).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kvpd.h"

const char *const kvpd_pool_names[HVG_KVP_REC_POOLS] = {
	"external", "guest", "auto", "auto_external", "auto_internal",
};

int kvpd_pool_add(struct kvpd_pool *p, const char *key, const char *value)
{
	struct kvpd_pair *pair;

	if (strlen(key) >= KVPD_KEY_BYTES || strlen(value) >= KVPD_VALUE_BYTES)
		return -EINVAL;
	if (p->n >= KVPD_POOL_MAX)
		return -ENOSPC;
	if (p->n == p->room) {
		size_t room = p->room ? 2 * p->room : 16;

		pair = realloc(p->pairs, room * sizeof(*pair));
		if (!pair)
			return -ENOMEM;
		p->pairs = pair;
		p->room = room;
	}
	pair = &p->pairs[p->n++];
	strcpy(pair->key, key);
	strcpy(pair->value, value);
	return 0;
}

struct kvpd_pair *kvpd_pool_find(struct kvpd_pool *p, const char *key)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (!strcmp(p->pairs[i].key, key))
			return &p->pairs[i];
	return NULL;
}

void kvpd_pool_free(struct kvpd_pool *p)
{
	free(p->pairs);
	p->pairs = NULL;
	p->n = 0;
	p->room = 0;
}

/*
 * Unescape @s up to an unescaped @stop (or the end) into @out of @room
 * bytes.  Return where it stopped, or NULL if @out is too small.
 */
static const char *kvpd_unescape(const char *s, char stop, char *out,
				 size_t room)
{
	size_t n = 0;

	for (; *s && *s != stop; s++) {
		char c = *s;

		if (c == '\\' && s[1]) {
			c = *++s;
			if (c == 'n')
				c = '\n';
		}
		if (n + 1 >= room)
			return NULL;
		out[n++] = c;
	}
	out[n] = '\0';
	return s;
}

static void kvpd_escape(FILE *f, const char *s, int is_key)
{
	/* A line starting with '#' is a comment. */
	if (is_key && *s == '#') {
		fputs("\\#", f);
		s++;
	}
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else if (*s == '=' && is_key)
			fputs("\\=", f);
		else
			fputc(*s, f);
	}
}

static int kvpd_pool_path(char *path, size_t room, const char *dir,
			  unsigned int pool, const char *suffix)
{
	int n = snprintf(path, room, "%s/%s%s", dir, kvpd_pool_names[pool], suffix);

	return n < 0 || (size_t)n >= room ? -ENAMETOOLONG : 0;
}

/* Load @pool into @p (empty first); a missing file is an empty pool. */
int kvpd_pool_load(const char *dir, unsigned int pool, struct kvpd_pool *p)
{
	static struct kvpd_pair pair;
	char path[4096], *line = NULL;
	size_t cap = 0;
	unsigned int lineno = 0;
	ssize_t len;
	FILE *f;
	int ret = 0;

	p->n = 0;
	if (kvpd_pool_path(path, sizeof(path), dir, pool, ""))
		return -ENAMETOOLONG;
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (!ret && (len = getline(&line, &cap, f)) >= 0) {
		const char *s;

		lineno++;
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		if (!len || line[0] == '#')
			continue;
		s = kvpd_unescape(line, '=', pair.key, sizeof(pair.key));
		if (s && *s == '=' && pair.key[0])
			s = kvpd_unescape(s + 1, '\0', pair.value, sizeof(pair.value));
		else if (s)
			s = NULL;
		if (!s) {
			kvpd_log("%s:%u: not KEY=VALUE or too long, skipped", path, lineno);
			continue;
		}
		if (kvpd_pool_find(p, pair.key)) {
			kvpd_log("%s:%u: key repeated, skipped", path, lineno);
			continue;
		}
		if (p->n >= KVPD_POOL_MAX) {
			kvpd_log("%s:%u: more than %u pairs, the rest skipped",
				 path, lineno, KVPD_POOL_MAX);
			break;
		}
		ret = kvpd_pool_add(p, pair.key, pair.value);
	}
	free(line);
	if (ferror(f) && !ret)
		ret = -EIO;
	fclose(f);
	return ret;
}

/* Write @p as @pool's file: a temporary file renamed over it. */
int kvpd_pool_save(const char *dir, unsigned int pool, const struct kvpd_pool *p)
{
	char path[4096], tmp[4096];
	size_t i;
	FILE *f;
	int ret = 0;

	if (kvpd_pool_path(path, sizeof(path), dir, pool, "") ||
	    kvpd_pool_path(tmp, sizeof(tmp), dir, pool, ".tmp"))
		return -ENAMETOOLONG;
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	for (i = 0; i < p->n; i++) {
		kvpd_escape(f, p->pairs[i].key, 1);
		fputc('=', f);
		kvpd_escape(f, p->pairs[i].value, 0);
		fputc('\n', f);
	}
	if (fflush(f) || fsync(fileno(f)))
		ret = -errno;
	if (fclose(f) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}
