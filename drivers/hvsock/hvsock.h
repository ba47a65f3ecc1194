/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_sock: AF_VSOCK over VMBus (Hyper-V sockets).  Interfaces between the
 * files of the module.  See Documentation/hvsock.rst.
 */
#ifndef _HVSOCK_H
#define _HVSOCK_H

#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/uuid.h>
#include <linux/workqueue.h>
#include <net/sock.h>
#include <net/af_vsock.h>
#include <hvguest/compat.h>
#include <hvguest/vmbus.h>

#include "parse.h"

/* What the guest puts into one packet: a page with its header (Linux). */
#define HVS_SEND_CHUNK		(PAGE_SIZE - sizeof(struct hvs_pipe_hdr))
/* A packet of @n payload bytes in the ring: descriptor, header, trailer. */
#define HVS_PKT_LEN(n)		(sizeof(struct vmpacket_descriptor) + \
				 sizeof(struct hvs_pipe_hdr) + ALIGN((n), 8) + 8)

/* Ring sizes (Linux RINGBUFFER_HVS_*_SIZE): 6 pages, at most 64. */
#define HVS_RING_MIN		(6 * PAGE_SIZE)
#define HVS_RING_MAX		(64 * PAGE_SIZE)

#define HVS_CLOSE_TIMEOUT	(8 * HZ)	/* Linux HVS_CLOSE_TIMEOUT */

/**
 * struct hvs_conn - one Hyper-V socket channel
 * @ref: held by the device (drvdata) and by the socket using it
 * @lock: serializes open and close of @chan
 * @hdev: the device of the offer
 * @chan: its channel
 * @sk: the socket while the channel is open; holds a reference to it
 * @close_work: closes the channel from where sleeping is not allowed
 */
struct hvs_conn {
	struct kref ref;
	struct mutex lock;
	struct hvg_device *hdev;
	struct hvg_channel *chan;
	struct sock *sk;
	struct work_struct close_work;
};

/**
 * struct hvsock - the transport's part of a socket (vsk->trans)
 * @vsk: the socket
 * @vm_srv_id: the guest's service id (its port)
 * @host_srv_id: the host's service id (its port)
 * @conn: the connection once a channel was offered for the socket
 * @chan: @conn's channel while it is open and usable; under the socket lock
 * @rbuf: the packet being read (header and payload)
 * @roff: where its unread payload starts
 * @rlen: unread payload bytes
 * @fin_sent: the zero-length packet went out
 * @fin_rcvd: the host's zero-length packet came in
 * @reset: the channel went away without the host's zero-length packet
 */
struct hvsock {
	struct vsock_sock *vsk;
	guid_t vm_srv_id;
	guid_t host_srv_id;
	struct hvs_conn *conn;
	struct hvg_channel *chan;
	u8 *rbuf;
	u32 roff;
	u32 rlen;
	bool fin_sent;
	bool fin_rcvd;
	bool reset;
};

/* addr.c */
bool hvs_srv_id_valid(const guid_t *id);
u32 hvs_srv_id_port(const guid_t *id);
void hvs_srv_id_make(guid_t *id, u32 port);

/* conn.c */
extern struct workqueue_struct *hvs_wq;
int hvs_probe(struct hvg_device *hdev, const struct hv_vmbus_device_id *id);
void hvs_remove(struct hvg_device *hdev);
void hvs_conn_put(struct hvs_conn *conn);
void hvs_conn_close_async(struct hvs_conn *conn);
void hvs_tl_result(const guid_t *endpoint, const guid_t *service, u32 status);

/* transport.c */
extern struct vsock_transport hvs_transport;
int hvs_send_fin(struct hvsock *hvs);
void hvs_mark_done(struct vsock_sock *vsk, bool reset);

#endif /* _HVSOCK_H */
