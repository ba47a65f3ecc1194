// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_kvp_daemon: answers the Hyper-V host's key-value pair requests that
 * hv_utils relays through /dev/hvguest/kvp.  The pools live in files
 * under /var/lib/hvguest/kvp (see pool.c); the auto pool is the guest's
 * own facts (see facts.c).  Runs in the foreground, logs to stderr.
 *
 *   hv_kvp_daemon [-d DIR] [-f DEVICE]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kvpd.h"

#define KVPD_DIR	"/var/lib/hvguest/kvp"

static const char *const kvpd_ops[] = { "get", "set", "delete", "enumerate" };

/* mkdir -p for an absolute or relative @dir */
static int kvpd_mkdirs(const char *dir)
{
	char path[4096];
	size_t i, n = strlen(dir);

	if (n >= sizeof(path))
		return -ENAMETOOLONG;
	memcpy(path, dir, n + 1);
	for (i = 1; i <= n; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			return -errno;
		path[i] = dir[i];
	}
	return 0;
}

/* The kernel checks its records, but a record is never trusted here either. */
static int kvpd_valid(const struct hvg_kvp_record *r)
{
	if (r->op > HVG_KVP_REC_ENUMERATE || r->pool >= HVG_KVP_REC_POOLS)
		return 0;
	if (!memchr(r->key, '\0', sizeof(r->key)) ||
	    !memchr(r->value, '\0', sizeof(r->value)))
		return 0;
	return r->op == HVG_KVP_REC_ENUMERATE || r->key[0];
}

static void kvpd_put(struct hvg_kvp_record *r, const struct kvpd_pair *pair)
{
	snprintf(r->key, sizeof(r->key), "%s", pair->key);
	snprintf(r->value, sizeof(r->value), "%s", pair->value);
}

/* Answer @r in place. */
static void kvpd_handle(const char *dir, struct hvg_kvp_record *r,
			struct kvpd_pool *p)
{
	struct kvpd_pair *pair;
	int ret;

	if (!kvpd_valid(r)) {
		kvpd_log("malformed request %u (operation %u, pool %u) refused",
			 r->id, r->op, r->pool);
		r->status = HVG_KVP_REC_INVALIDARG;
		return;
	}
	ret = r->pool == HVG_KVP_REC_POOL_AUTO ? kvpd_facts(p) :
		kvpd_pool_load(dir, r->pool, p);
	if (ret) {
		kvpd_log("%s pool: %s", kvpd_pool_names[r->pool], strerror(-ret));
		r->status = HVG_KVP_REC_FAIL;
		return;
	}
	r->status = HVG_KVP_REC_OK;
	switch (r->op) {
	case HVG_KVP_REC_GET:
		pair = kvpd_pool_find(p, r->key);
		if (pair)
			kvpd_put(r, pair);
		else
			r->status = HVG_KVP_REC_NO_MORE;
		return;
	case HVG_KVP_REC_ENUMERATE:
		if (r->index < p->n)
			kvpd_put(r, &p->pairs[r->index]);
		else
			r->status = HVG_KVP_REC_NO_MORE;
		if (r->pool == HVG_KVP_REC_POOL_AUTO && !r->index)
			kvpd_pool_save(dir, r->pool, p);	/* a snapshot */
		return;
	}
	if (r->pool == HVG_KVP_REC_POOL_AUTO) {
		kvpd_log("%s in the auto pool refused: it is read-only", kvpd_ops[r->op]);
		r->status = HVG_KVP_REC_FAIL;
		return;
	}
	pair = kvpd_pool_find(p, r->key);
	if (r->op == HVG_KVP_REC_DELETE) {
		if (!pair) {
			r->status = HVG_KVP_REC_NO_MORE;
			return;
		}
		memmove(pair, pair + 1, (p->pairs + p->n - pair - 1) * sizeof(*pair));
		p->n--;
	} else if (pair) {
		snprintf(pair->value, sizeof(pair->value), "%s", r->value);
	} else {
		ret = kvpd_pool_add(p, r->key, r->value);
		if (ret == -ENOSPC)
			kvpd_log("set refused: the %s pool holds %u pairs already",
				 kvpd_pool_names[r->pool], KVPD_POOL_MAX);
		if (ret) {
			r->status = HVG_KVP_REC_FAIL;
			return;
		}
	}
	ret = kvpd_pool_save(dir, r->pool, p);
	if (ret) {
		kvpd_log("cannot write the %s pool: %s", kvpd_pool_names[r->pool],
			 strerror(-ret));
		r->status = ret == -ENOSPC ? HVG_KVP_REC_DISK_FULL : HVG_KVP_REC_FAIL;
	}
}

static void kvpd_usage(void)
{
	fprintf(stderr, "usage: hv_kvp_daemon [-d DIR] [-f DEVICE]\n"
		"  -d DIR     pool files (default " KVPD_DIR ")\n"
		"  -f DEVICE  the relay (default /dev/" HVG_KVP_DEV_NAME ")\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static struct hvg_kvp_record rec;
	struct kvpd_pool pool = { 0 };
	const char *dir = KVPD_DIR, *dev = "/dev/" HVG_KVP_DEV_NAME;
	int fd, c, ret;

	while ((c = getopt(argc, argv, "d:f:h")) != -1) {
		if (c == 'd')
			dir = optarg;
		else if (c == 'f')
			dev = optarg;
		else
			kvpd_usage();
	}
	if (optind != argc)
		kvpd_usage();
	ret = kvpd_mkdirs(dir);
	if (ret) {
		kvpd_log("%s: %s", dir, strerror(-ret));
		return 1;
	}
	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		kvpd_log("%s: %s%s", dev, strerror(errno),
			 errno == EBUSY ? " (another daemon runs)" : "");
		return 1;
	}
	kvpd_log("serving %s from %s", dev, dir);
	for (;;) {
		ssize_t n = read(fd, &rec, sizeof(rec));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			kvpd_log("read: %s", strerror(errno));
			return 1;
		}
		if (n != sizeof(rec)) {
			kvpd_log("short record of %zd bytes ignored", n);
			continue;
		}
		kvpd_handle(dir, &rec, &pool);
		n = write(fd, &rec, sizeof(rec));
		if (n != sizeof(rec))
			kvpd_log("answer to request %u: %s", rec.id,
				 n < 0 ? strerror(errno) : "short write");
	}
}
