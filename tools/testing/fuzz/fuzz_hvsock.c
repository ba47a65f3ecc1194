// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for drivers/hvsock/parse.c: the guest's check of the
 * pipe header of a Hyper-V socket packet from the host.
 *
 * Input: the packet payload as hvg_recvpacket() copies it out, in a buffer
 * of its exact size.  The oracle restates the rules; the data the header
 * announces is then read as hvs_stream_dequeue() copies it, so ASan sees
 * any size the check let through past the packet.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kernel.h>

#include "fuzz.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u32 type, dsize, got = 0xdeadbeef;
	const char *why;
	u8 *pkt;

	if (size > UINT32_MAX)
		return 0;
	pkt = dup(data, size);

	why = hvs_parse_pipe(pkt, size, &got);
	if (size < 8) {
		check(why && got == 0);
		goto out;
	}
	memcpy(&type, pkt, 4);
	memcpy(&dsize, pkt + 4, 4);
	if (type != HVS_PIPE_DATA || dsize > size - 8 || dsize > HVS_MTU) {
		check(why && got == 0);
		goto out;
	}
	check(!why && got == dsize);
	touch(pkt + 8, got);
out:
	free(pkt);
	return 0;
}
