/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvsim's Hyper-V socket host: interfaces between hvsock.c (channels and
 * the relay to local TCP sockets) and hvsock_ctl.c (listeners, connect
 * requests, the control file).
 */
#ifndef _HVSIM_HVSOCK_H
#define _HVSIM_HVSOCK_H

#include <linux/kfifo.h>
#include <linux/kref.h>
#include <linux/net.h>
#include <linux/wait.h>

#include "hvsim.h"

#define HVSIM_HS_PIPE_DATA	1	/* OpenVMM PIPE_PACKET_TYPE_DATA */
#define HVSIM_HS_MTU		16384	/* OpenVMM MAXIMUM_PIPE_PACKET_SIZE */
#define HVSIM_HS_CHUNK		4088	/* payload per packet the host sends */
#define HVSIM_HS_FIFO		(64 * 1024)
#define HVSIM_HS_RESCIND_AFTER	16	/* fault_hvsock_rescind: data packets first */
/* STATUS_CONNECTION_REFUSED (OpenVMM protocol.rs) */
#define HVSIM_STATUS_CONNECTION_REFUSED	0xc0000236

struct hvsim_hs_pipe_hdr {
	u32 pkt_type;
	u32 data_size;
} __packed;

enum hvsim_hs_fault {
	HVSIM_HS_FAULT_BAD_TYPE,	/* a data packet of pipe type 7 */
	HVSIM_HS_FAULT_BAD_LEN,		/* data_size beyond the packet */
	HVSIM_HS_FAULT_UNKNOWN,		/* offer for a service that is no port */
	HVSIM_HS_FAULT_RESCIND,		/* rescind after the next data packet */
	HVSIM_HS_FAULT_RESCIND_OPEN,	/* data and rescind right after the open */
	HVSIM_HS_FAULT_REFUSE_OPEN,	/* a refusal of a connect being opened */
	HVSIM_HS_FAULT_BIG,		/* a data packet beyond the pipe's 16 KiB */
	HVSIM_HS_FAULT_OTHER_SERVICE,	/* a connect answered for another port */
	HVSIM_HS_NR_FAULTS
};

/**
 * struct hvsim_hs_conn - one socket connection the host relays
 * @ref: held by the device, the relay work items and the open timeout
 * @lock: guards @chan
 * @chan: the channel while the guest has it open
 * @dev_id: the device (dev<N>)
 * @accept: the host connects to a guest listener
 * @service: the offer's if_type
 * @endpoint: the offer's if_instance
 * @tcp_port: listen mode: the local TCP port to connect to
 * @sock: the local TCP socket
 * @rx: bytes from the guest for @sock
 * @tx: bytes from @sock for the guest
 * @txbuf: one packet's payload on its way to the guest
 * @sent: data packets sent to the guest
 * @guest_fin: the guest's zero-length packet came
 * @tcp_eof: @sock has no more to read
 * @fin_sent: the host's zero-length packet went out
 * @dead: the connection ends; the relay stops
 * @closed: the guest closed the channel; the relay sends what it had, then
 *	ends
 * @tail: the guest's data still in its ring at the close, for @sock after
 *	@rx (set before @closed)
 * @tail_len: its bytes
 * @rescind_asked: a rescind of the device was queued
 * @owned: the device took the reference of hvsim_hs_offer()
 * @wait: the relay waits here
 * @rx_work: relays @rx to @sock (and connects @sock in listen mode)
 * @tx_work: relays @sock to @tx
 * @open_timeout: rescinds the offer if the guest does not open it
 * @node: in the host's list of connections
 */
struct hvsim_hs_conn {
	struct kref ref;
	spinlock_t lock;
	struct hvsim_chan *chan;
	unsigned int dev_id;
	bool accept;
	guid_t service;
	guid_t endpoint;
	u16 tcp_port;
	struct socket *sock;
	DECLARE_KFIFO_PTR(rx, u8);
	DECLARE_KFIFO_PTR(tx, u8);
	u8 *txbuf;
	u32 sent;
	bool guest_fin;
	bool tcp_eof;
	bool fin_sent;
	bool dead;
	bool closed;
	u8 *tail;
	u32 tail_len;
	bool rescind_asked;
	bool owned;
	wait_queue_head_t wait;
	struct work_struct rx_work;
	struct work_struct tx_work;
	struct delayed_work open_timeout;
	struct list_head node;
};

extern atomic_t hvsim_hs_faults[HVSIM_HS_NR_FAULTS];
extern struct workqueue_struct *hvsim_hs_wq;

/* hvsock.c */
struct hvsim_hs_conn *hvsim_hs_conn_new(bool accept, const guid_t *service,
					const guid_t *endpoint);
int hvsim_hs_offer(struct hvsim_hs_conn *conn);
void hvsim_hs_conn_put(struct hvsim_hs_conn *conn);
void hvsim_hs_kill(struct hvsim_hs_conn *conn);
void hvsim_hs_kill_all(void);
void hvsim_hs_srv_id(guid_t *id, u32 port);
bool hvsim_hs_srv_id_port(const guid_t *id, u32 *port);

/* hvsock_ctl.c */
bool hvsim_hs_fault(enum hvsim_hs_fault f);

#endif /* _HVSIM_HVSOCK_H */
