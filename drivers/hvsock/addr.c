// SPDX-License-Identifier: GPL-2.0-only
/*
 * Service ids and vsock ports.  Linux maps a vsock port P to the service
 * GUID <P>-facb-11e6-bd58-64006a7986d3: the port in the first four bytes
 * (little endian, Data1) of a fixed template (hyperv_transport.c
 * srv_id_template, get_port_by_srv_id()).  Only ids of that form can be
 * reached from vsock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/string.h>
#include <hvguest/compat.h>

#include "hvsock.h"

static const guid_t hvs_template =
	GUID_INIT(0x00000000, 0xfacb, 0x11e6, 0xbd, 0x58,
		  0x64, 0x00, 0x6a, 0x79, 0x86, 0xd3);

/**
 * hvs_srv_id_valid() - whether a service id is a vsock port
 * @id: the GUID
 *
 * Return: true if all but its first four bytes are the template's.
 */
bool hvs_srv_id_valid(const guid_t *id)
{
	return !memcmp(&id->b[4], &hvs_template.b[4], sizeof(*id) - 4);
}

/**
 * hvs_srv_id_port() - the vsock port of a service id
 * @id: the GUID
 *
 * Return: its first four bytes, little endian.
 */
u32 hvs_srv_id_port(const guid_t *id)
{
	return get_unaligned_le32(id->b);
}

/**
 * hvs_srv_id_make() - the service id of a vsock port
 * @id: filled in
 * @port: the port
 */
void hvs_srv_id_make(guid_t *id, u32 port)
{
	*id = hvs_template;
	put_unaligned_le32(port, id->b);
}
