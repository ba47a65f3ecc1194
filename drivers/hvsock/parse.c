// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_sock: the check of the pipe header of a packet from the host.  A data
 * packet's header says how many bytes follow it; zero bytes is the host's
 * end of its direction.
 */
#include <linux/kernel.h>
#include <linux/string.h>

#include "parse.h"

/**
 * hvs_parse_pipe() - check the pipe header of a packet from the host
 * @pkt: the packet's payload, a private copy (the host cannot change it)
 * @len: its length
 * @size: set to the data bytes that follow the header (0: end of data)
 *
 * Return: NULL if the packet is a data packet whose data lies within it,
 * else what is wrong with it (@size is then 0).
 */
const char *hvs_parse_pipe(const u8 *pkt, u32 len, u32 *size)
{
	struct hvs_pipe_hdr hdr;

	*size = 0;
	if (len < sizeof(hdr))
		return "packet shorter than the pipe header";
	memcpy(&hdr, pkt, sizeof(hdr));
	if (hdr.pkt_type != HVS_PIPE_DATA)
		return "pipe packet of unknown type";
	if (hdr.data_size > len - sizeof(hdr) || hdr.data_size > HVS_MTU)
		return "pipe data size beyond the packet";
	*size = hdr.data_size;
	return NULL;
}
