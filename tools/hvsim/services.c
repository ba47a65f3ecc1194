// SPDX-License-Identifier: GPL-2.0-only
/*
 * The device classes hvsim can offer; `new_device` takes their names.
 */
#include <linux/string.h>

#include "hvsim.h"

static const struct hvsim_service *const hvsim_services[] = {
	&hvsim_echo_svc,
	&hvsim_ic_heartbeat_svc,
	&hvsim_ic_shutdown_svc,
	&hvsim_ic_timesync_svc,
	&hvsim_ic_kvp_svc,
	&hvsim_ic_vss_svc,
	&hvsim_ic_fcopy_svc,
	&hvsim_scsi_svc,
	&hvsim_net_svc,
	&hvsim_video_svc,
	&hvsim_mouse_svc,
	&hvsim_kbd_svc,
	&hvsim_dm_svc,
	&hvsim_hvsock_svc,
};

/**
 * hvsim_service_find() - look a service up by name
 * @name: the name written to new_device
 *
 * Return: the service, or NULL.
 */
const struct hvsim_service *hvsim_service_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hvsim_services); i++)
		if (!strcmp(hvsim_services[i]->name, name))
			return hvsim_services[i];
	return NULL;
}
