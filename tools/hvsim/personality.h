/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host personalities: which real Hyper-V host hvsim plays.
 *
 * A personality names a real host; what differs between hosts lives with
 * the service it concerns, in a table indexed by enum hvsim_pers_id (for
 * instance the network host's LSO maximum in net.c), so that each fact sits
 * next to the code that uses it, with its public source.  Rules every real
 * host enforces are not personality-dependent: hvsim always enforces them.
 */
#ifndef _HVSIM_PERSONALITY_H
#define _HVSIM_PERSONALITY_H

#include <linux/types.h>

enum hvsim_pers_id {
	HVSIM_PERS_WS2012R2,	/* Windows Server 2012 R2 */
	HVSIM_PERS_WS2016,	/* Windows Server 2016 */
	HVSIM_PERS_WS2019,	/* Windows Server 2019 */
	HVSIM_PERS_AZURE,	/* Windows Server 2022 and Azure */
	HVSIM_PERS_OPENVMM,	/* Microsoft's open-source host, OpenVMM */
	HVSIM_NR_PERS
};

/**
 * struct hvsim_personality - a real host hvsim can play
 * @id: index into the services' per-personality tables
 * @name: what `personality=` takes
 * @what: the host, for messages
 * @vmbus_version: the newest VMBus version the host accepts
 */
struct hvsim_personality {
	enum hvsim_pers_id id;
	const char *name;
	const char *what;
	u32 vmbus_version;
};

/* The connection's personality (module parameter personality=). */
extern const struct hvsim_personality *hvsim_pers;

const struct hvsim_personality *hvsim_pers_find(const char *name);
int hvsim_pers_take_arg(char *args, const struct hvsim_personality **pers);

#endif /* _HVSIM_PERSONALITY_H */
