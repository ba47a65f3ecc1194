// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for drivers/fb/parse.c: the guest's check of the
 * synthvid messages a host sends.
 *
 * Input: the packet payload (pipe header, synthvid header, message), in
 * a buffer of its exact size.  The oracle restates the rules; an accepted
 * message is then read as hyperv_fb reads it (the response copied into a
 * buffer the size of the largest, a resolution list walked), so ASan sees
 * any read past what the check accepted.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kernel.h>
#include <linux/limits.h>

#include "fuzz.h"
#include "parse.h"

/* The fixed part of each type the guest takes; 0 for any other. */
static u32 fixed(u32 type)
{
	switch (type) {
	case SYNTHVID_VERSION_RESPONSE:
		return 6;	/* version, is_accepted, max_video_outputs */
	case SYNTHVID_VRAM_LOCATION_ACK:
		return 8;	/* user_ctx */
	case SYNTHVID_RESOLUTION_RESPONSE:
		return SYNTHVID_EDID_BYTES + 3;
	case SYNTHVID_FEATURE_CHANGE:
		return 4;	/* is_dirt_needed ... */
	case SYNTHVID_SITUATION_UPDATE_ACK:
		return 8;	/* user_ctx */
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct synthvid_pipe_hdr pipe;
	struct synthvid_hdr hdr;
	u32 type, plen = 0, i, sum = 0;
	const char *why;
	u8 *buf, *resp;

	if (size > UINT32_MAX)
		return 0;
	buf = dup(data, size);
	resp = malloc(sizeof(struct synthvid_resolution_resp));
	if (!resp)
		abort();

	check(fixed(SYNTHVID_VERSION_RESPONSE) ==
	      hvfb_payload_min(SYNTHVID_VERSION_RESPONSE));
	why = hvfb_check(buf, size, &type, &plen);
	if (size < SYNTHVID_HDRS_LEN) {
		check(why && type == U32_MAX);
		goto out;
	}
	memcpy(&pipe, buf, sizeof(pipe));
	memcpy(&hdr, buf + sizeof(pipe), sizeof(hdr));
	check(type == hdr.type);
	if (why) {
		check(pipe.type != PIPE_MSG_DATA || !fixed(hdr.type) ||
		      pipe.size > size - sizeof(pipe) || hdr.size > pipe.size ||
		      hdr.size < sizeof(hdr) ||
		      hdr.size - sizeof(hdr) < fixed(hdr.type) ||
		      hdr.type == SYNTHVID_RESOLUTION_RESPONSE);
		goto out;
	}
	/* Accepted: a known type, its payload within the packet. */
	check(pipe.type == PIPE_MSG_DATA && fixed(type) &&
	      hvfb_payload_min(type) == fixed(type));
	check(plen >= fixed(type) && plen == hdr.size - sizeof(hdr) &&
	      SYNTHVID_HDRS_LEN + plen <= size);
	for (i = 0; i < plen; i++)
		sum += buf[SYNTHVID_HDRS_LEN + i];
	memset(resp, 0, sizeof(struct synthvid_resolution_resp));
	memcpy(resp, buf + SYNTHVID_HDRS_LEN,
	       min_t(u32, plen, sizeof(struct synthvid_resolution_resp)));
	if (type == SYNTHVID_RESOLUTION_RESPONSE) {
		const struct synthvid_resolution_resp *r = (const void *)resp;

		check(r->resolution_count <= SYNTHVID_MAX_RESOLUTIONS);
		check(plen >= fixed(type) + r->resolution_count *
			      sizeof(struct synthvid_screen));
		for (i = 0; i < r->resolution_count; i++)
			sum += r->supported_resolution[i].width;
	}
	check(sum != UINT32_MAX);	/* keeps the reads */
out:
	free(buf);
	free(resp);
	return 0;
}
