// SPDX-License-Identifier: GPL-2.0-only
/*
 * The real hosts hvsim can play (personality.h).  The VMBus version each
 * host offers is the one the Linux in-tree driver and OpenVMM's
 * vmbus_core (protocol.rs, enum Version) name for that Windows release:
 * 3.0 Windows 8.1/Server 2012 R2, 4.0 Windows 10/Server 2016,
 * 5.2 Windows 10 RS5/Server 2019, 5.3 "Iron"/Server 2022 and Azure.
 * OpenVMM's server also knows 6.0 ("Copper"), which no guest of ours asks
 * for; 5.3 is the newest it grants us.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "hvsim.h"

static const struct hvsim_personality hvsim_personalities[HVSIM_NR_PERS] = {
	[HVSIM_PERS_WS2012R2] = {
		.id = HVSIM_PERS_WS2012R2, .name = "ws2012r2",
		.what = "Windows Server 2012 R2", .vmbus_version = VERSION_WIN8_1,
	},
	[HVSIM_PERS_WS2016] = {
		.id = HVSIM_PERS_WS2016, .name = "ws2016",
		.what = "Windows Server 2016", .vmbus_version = VERSION_WIN10,
	},
	[HVSIM_PERS_WS2019] = {
		.id = HVSIM_PERS_WS2019, .name = "ws2019",
		.what = "Windows Server 2019", .vmbus_version = VERSION_WIN10_V5_2,
	},
	[HVSIM_PERS_AZURE] = {
		.id = HVSIM_PERS_AZURE, .name = "azure",
		.what = "Windows Server 2022 / Azure",
		.vmbus_version = VERSION_WIN10_V5_3,
	},
	[HVSIM_PERS_OPENVMM] = {
		.id = HVSIM_PERS_OPENVMM, .name = "openvmm",
		.what = "OpenVMM", .vmbus_version = VERSION_WIN10_V5_3,
	},
};

const struct hvsim_personality *hvsim_pers = &hvsim_personalities[HVSIM_PERS_AZURE];

/**
 * hvsim_pers_find() - look a personality up by name
 * @name: "ws2012r2", "ws2016", "ws2019", "azure" (also "ws2022") or "openvmm"
 *
 * Return: the personality, or NULL.
 */
const struct hvsim_personality *hvsim_pers_find(const char *name)
{
	unsigned int i;

	if (!strcmp(name, "ws2022"))
		name = "azure";
	for (i = 0; i < ARRAY_SIZE(hvsim_personalities); i++)
		if (!strcmp(hvsim_personalities[i].name, name))
			return &hvsim_personalities[i];
	return NULL;
}

/**
 * hvsim_pers_take_arg() - take "personality=NAME" out of `new_device` args
 * @args: "key=value ..." (edited in place: the word is blanked out), or NULL
 * @pers: set to the named personality; left alone if there is none
 *
 * Return: 0, or -EINVAL for an unknown name.
 */
int hvsim_pers_take_arg(char *args, const struct hvsim_personality **pers)
{
	static const char key[] = "personality=";
	const struct hvsim_personality *found;
	char *p = args, *end;
	char save;

	while (p && (p = strstr(p, key))) {
		if (p != args && !isspace(p[-1])) {
			p += sizeof(key) - 1;
			continue;
		}
		end = p + sizeof(key) - 1;
		while (*end && !isspace(*end))
			end++;
		save = *end;
		*end = '\0';
		found = hvsim_pers_find(p + sizeof(key) - 1);
		if (!found) {
			pr_err("unknown personality '%s' (ws2012r2, ws2016, ws2019, azure, openvmm)\n",
			       p + sizeof(key) - 1);
			return -EINVAL;
		}
		*pers = found;
		*end = save;
		memset(p, ' ', end - p);
		p = end;
	}
	return 0;
}
