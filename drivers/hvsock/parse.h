/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_sock: the check of a pipe-mode packet's header.  A pure function:
 * compiled into hv_sock and into the userspace fuzzer
 * (tools/testing/fuzz/fuzz_hvsock.c).
 */
#ifndef _HVSOCK_PARSE_H
#define _HVSOCK_PARSE_H

#include <linux/types.h>

/*
 * Pipe-mode packets: an in-band VMBus packet whose payload starts with
 * this header (Linux hyperv_transport.c struct vmpipe_proto_header,
 * OpenVMM vmbus_ring PipeHeader).
 */
struct hvs_pipe_hdr {
	u32 pkt_type;
	u32 data_size;
} __packed;

#define HVS_PIPE_DATA		1	/* OpenVMM PIPE_PACKET_TYPE_DATA */
#define HVS_MTU			16384	/* OpenVMM MAXIMUM_PIPE_PACKET_SIZE */

const char *hvs_parse_pipe(const u8 *pkt, u32 len, u32 *size);

#endif /* _HVSOCK_PARSE_H */
