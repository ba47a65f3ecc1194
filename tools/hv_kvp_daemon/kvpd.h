/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_kvp_daemon: interfaces between its files.
 */
#ifndef _KVPD_H
#define _KVPD_H

#include <stddef.h>
#include <stdio.h>
#include <hvguest/kvp_dev.h>

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

#define KVPD_KEY_BYTES		HVG_KVP_REC_KEY_BYTES
#define KVPD_VALUE_BYTES	HVG_KVP_REC_VALUE_BYTES

/*
 * Pairs a pool holds at most.  Linux's tools/hv/hv_kvp_daemon.c has no
 * bound (kvp_key_add_or_modify() grows a pool by ENTRIES_PER_BLOCK, 50,
 * for as long as realloc() succeeds); this one keeps a pool's memory and
 * file under 4 MiB whatever the host sets.
 */
#define KVPD_POOL_MAX		1024

struct kvpd_pair {
	char key[KVPD_KEY_BYTES];
	char value[KVPD_VALUE_BYTES];
};

struct kvpd_pool {
	struct kvpd_pair *pairs;
	size_t n;
	size_t room;
};

/* One line on stderr */
#define kvpd_log(fmt, ...) \
	fprintf(stderr, "hv_kvp_daemon: " fmt "\n", ##__VA_ARGS__)

/* pool.c: the pool files */
extern const char *const kvpd_pool_names[HVG_KVP_REC_POOLS];
int kvpd_pool_load(const char *dir, unsigned int pool, struct kvpd_pool *p);
int kvpd_pool_save(const char *dir, unsigned int pool, const struct kvpd_pool *p);
int kvpd_pool_add(struct kvpd_pool *p, const char *key, const char *value);
struct kvpd_pair *kvpd_pool_find(struct kvpd_pool *p, const char *key);
void kvpd_pool_free(struct kvpd_pool *p);

/* facts.c: the auto pool */
int kvpd_facts(struct kvpd_pool *p);

#endif /* _KVPD_H */
