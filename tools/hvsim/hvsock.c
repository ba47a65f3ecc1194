// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Hyper-V socket host (service "hvsock"): each connection is a device
 * of its own, offered with the socket channel flags, whose pipe-mode
 * packets are relayed to a local TCP socket.  The devices are made by
 * hvsock_ctl.c, never by new_device.
 *
 * The channel's service runs beside others (parallel); what it shares
 * with the relay work items are two byte FIFOs, one producer and one
 * consumer each, and conn->chan under conn->lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <net/sock.h>
#include <hvguest/compat.h>

#include "hvsock.h"

/* The Linux vsock template: <port>-facb-11e6-bd58-64006a7986d3. */
static const guid_t hvsim_hs_template =
	GUID_INIT(0x00000000, 0xfacb, 0x11e6, 0xbd, 0x58,
		  0x64, 0x00, 0x6a, 0x79, 0x86, 0xd3);

void hvsim_hs_srv_id(guid_t *id, u32 port)
{
	*id = hvsim_hs_template;
	put_unaligned_le32(port, id->b);
}

bool hvsim_hs_srv_id_port(const guid_t *id, u32 *port)
{
	*port = get_unaligned_le32(id->b);
	return !memcmp(&id->b[4], &hvsim_hs_template.b[4], sizeof(*id) - 4);
}

/* Set while hvsim_hs_offer() adds the device: its create() takes it. */
static struct hvsim_hs_conn *hvsim_hs_pending;

static void hvsim_hs_free(struct kref *ref)
{
	struct hvsim_hs_conn *conn = container_of(ref, struct hvsim_hs_conn, ref);

	if (conn->sock)
		sock_release(conn->sock);
	kfifo_free(&conn->rx);
	kfifo_free(&conn->tx);
	kvfree(conn->tail);
	kfree(conn->txbuf);
	kfree(conn);
}

void hvsim_hs_conn_put(struct hvsim_hs_conn *conn)
{
	kref_put(&conn->ref, hvsim_hs_free);
}

/* Have the channel serviced again (room in a FIFO, data in one). */
static void hvsim_hs_kick(struct hvsim_hs_conn *conn)
{
	spin_lock_bh(&conn->lock);
	if (conn->chan)
		hvsim_chan_queue(conn->chan);
	spin_unlock_bh(&conn->lock);
}

struct hvsim_hs_rescind {
	struct work_struct work;
	unsigned int dev_id;
};

static void hvsim_hs_rescind_work(struct work_struct *work)
{
	struct hvsim_hs_rescind *r = container_of(work, struct hvsim_hs_rescind,
						  work);

	down_write(&hvsim.lock);
	hvsim_dev_del_id(r->dev_id);	/* -ENOENT if already rescinded */
	up_write(&hvsim.lock);
	kfree(r);
}

/*
 * End the connection: the relay stops and the device is rescinded (OpenVMM
 * hvsock.rs drops the offer, which rescinds it, when its relay ends).  Any
 * context but hard irq.
 */
void hvsim_hs_kill(struct hvsim_hs_conn *conn)
{
	struct hvsim_hs_rescind *r;
	bool ask;

	spin_lock_bh(&conn->lock);
	conn->dead = true;
	ask = !conn->rescind_asked;
	conn->rescind_asked = true;
	spin_unlock_bh(&conn->lock);
	if (conn->sock)
		kernel_sock_shutdown(conn->sock, SHUT_RDWR);
	wake_up_all(&conn->wait);
	if (!ask)
		return;
	r = kzalloc(sizeof(*r), GFP_ATOMIC);
	if (!r)
		return;
	r->dev_id = conn->dev_id;
	INIT_WORK(&r->work, hvsim_hs_rescind_work);
	queue_work(hvsim.wq, &r->work);
}

/* ---- The channel ------------------------------------------------------------ */

/* One packet from the guest: 0, or -ENOSPC while the FIFO is full. */
static int hvsim_hs_packet(struct hvsim_chan *chan, const u8 *pkt, u32 len,
			   bool *signal)
{
	const struct vmpacket_descriptor *d = (const void *)pkt;
	struct hvsim_hs_conn *conn = chan->dev->priv;
	const struct hvsim_hs_pipe_hdr *h;
	u32 off = d->offset8 * 8;
	const char *why = NULL;

	h = (const void *)(pkt + off);
	if (d->type != VM_PKT_DATA_INBAND)
		why = "packet is not in-band";
	else if (len - off < sizeof(*h))
		why = "packet shorter than the pipe header";
	else if (h->pkt_type != HVSIM_HS_PIPE_DATA)
		why = "pipe packet type is not data";
	else if (h->data_size > len - off - sizeof(*h) ||
		 h->data_size > HVSIM_HS_MTU)
		why = "pipe data size beyond the packet";
	if (why) {
		/* OpenVMM pipe.rs fails the pipe; the relay ends. */
		pr_err_ratelimited("hvsock relid %u: %s; connection ended\n",
				   chan->relid, why);
		hvsim_hs_kill(conn);
		return 0;
	}
	if (!h->data_size) {
		WRITE_ONCE(conn->guest_fin, true);
		wake_up_all(&conn->wait);
		return 0;
	}
	if (kfifo_avail(&conn->rx) < h->data_size && conn->tail) {
		/* the close: what the FIFO cannot take goes to the tail */
		memcpy(conn->tail + conn->tail_len, h + 1, h->data_size);
		conn->tail_len += h->data_size;
		return 0;
	}
	if (kfifo_avail(&conn->rx) < h->data_size)
		return -ENOSPC;
	kfifo_in(&conn->rx, (const u8 *)(h + 1), h->data_size);
	wake_up_all(&conn->wait);
	return 0;
}

/*
 * fault_hvsock_big: zeros after the data, so that the packet's payload is
 * 8 bytes more than the largest pipe packet (OpenVMM
 * MAXIMUM_PIPE_PACKET_SIZE, 16 KiB).  Never written.
 */
static u8 hvsim_hs_pad[16384 + 8];

/* Send one packet of the FIFO, or the zero-length one; false when full. */
static bool hvsim_hs_push_one(struct hvsim_chan *chan,
			      struct hvsim_hs_conn *conn, bool *signal)
{
	struct hvsim_hs_pipe_hdr h = { .pkt_type = HVSIM_HS_PIPE_DATA };
	struct kvec kv[3] = { { .iov_base = &h, .iov_len = sizeof(h) } };
	u32 n = min_t(u32, kfifo_len(&conn->tx), HVSIM_HS_CHUNK);
	u8 *buf = conn->txbuf;
	unsigned int nkv = 2;
	u32 wire, pad = 0;

	if (!n && (!READ_ONCE(conn->tcp_eof) || conn->fin_sent))
		return false;
	if (n && atomic_read(&hvsim_hs_faults[HVSIM_HS_FAULT_BIG]) > 0)
		pad = sizeof(hvsim_hs_pad) - n;
	if (hvsim_ring_room(&chan->out, sizeof(struct vmpacket_descriptor) +
			    sizeof(h) + n + pad))
		return false;
	n = kfifo_out(&conn->tx, buf, n);
	h.data_size = n;
	wire = n;
	if (pad && hvsim_hs_fault(HVSIM_HS_FAULT_BIG)) {
		h.data_size = n + pad;
		kv[2].iov_base = hvsim_hs_pad;
		kv[2].iov_len = pad;
		nkv = 3;
		pr_info("fault: hvsock relid %u: pipe packet of %u data bytes\n",
			chan->relid, h.data_size);
	} else if (n && hvsim_hs_fault(HVSIM_HS_FAULT_BAD_TYPE)) {
		h.pkt_type = 7;
		pr_info("fault: hvsock relid %u: pipe packet of type 7\n",
			chan->relid);
	} else if (n && hvsim_hs_fault(HVSIM_HS_FAULT_BAD_LEN)) {
		h.data_size = n + 4096;
		pr_info("fault: hvsock relid %u: pipe data size %u in %u bytes\n",
			chan->relid, h.data_size, n);
	}
	kv[1].iov_base = buf;
	kv[1].iov_len = wire;
	if (hvsim_chan_send(chan, VM_PKT_DATA_INBAND, 0, 0, kv, nkv, signal))
		return false;	/* cannot happen: room was checked */
	if (!n)
		conn->fin_sent = true;
	/* Mid-transfer: once the guest has had some data, not at its open. */
	if (n && ++conn->sent > HVSIM_HS_RESCIND_AFTER &&
	    hvsim_hs_fault(HVSIM_HS_FAULT_RESCIND)) {
		pr_info("fault: hvsock relid %u rescinded mid-transfer\n",
			chan->relid);
		hvsim_hs_kill(conn);
		return false;
	}
	return true;
}

static bool hvsim_hs_service(struct hvsim_chan *chan)
{
	struct hvsim_hs_conn *conn = chan->dev->priv;
	bool more, signal = false, pushed = false;
	unsigned int n;

	more = hvsim_chan_service(chan, hvsim_hs_packet, 64);
	for (n = 0; n < 64 && hvsim_hs_push_one(chan, conn, &signal); n++)
		pushed = true;
	if (signal)
		hvsim_signal_guest(chan);
	if (pushed)
		wake_up_all(&conn->wait);
	return more || n == 64;
}

static int hvsim_hs_create(struct hvsim_dev *dev, char *args)
{
	struct hvsim_hs_conn *conn = hvsim_hs_pending;

	if (!conn) {
		pr_err("new_device: hvsock devices come from the hvsock file\n");
		return -EINVAL;
	}
	hvsim_hs_pending = NULL;
	conn->owned = true;
	dev->priv = conn;
	dev->class_id = conn->service;
	dev->instance = conn->endpoint;
	conn->dev_id = dev->id;
	return 0;
}

static void hvsim_hs_destroy(struct hvsim_dev *dev)
{
	struct hvsim_hs_conn *conn = dev->priv;

	/* The timeout takes no hvsim.lock: safe to wait for it here. */
	if (cancel_delayed_work_sync(&conn->open_timeout))
		hvsim_hs_conn_put(conn);
	hvsim_hs_kill(conn);
	hvsim_hs_conn_put(conn);
}

/*
 * The socket offer (OpenVMM channels.rs ChannelType::HvSocket): pipe mode,
 * TLNPI provider, enumerated as an interface, and the hvsock parameters:
 * byte pipe, is_for_guest_accept, version 1 (RS5).
 */
static void hvsim_hs_offer_msg(struct hvsim_chan *chan,
			       struct vmbus_channel_offer_channel *msg)
{
	struct hvsim_hs_conn *conn = chan->dev->priv;
	u8 *ud = msg->offer.u.std.user_def;

	msg->offer.chn_flags = VMBUS_CHANNEL_ENUMERATE_DEVICE_INTERFACE |
			       VMBUS_CHANNEL_NAMED_PIPE_MODE |
			       VMBUS_CHANNEL_TLNPI_PROVIDER_OFFER;
	put_unaligned_le32(0, ud);			/* pipe_type BYTE */
	ud[4] = conn->accept;				/* is_for_guest_accept */
	put_unaligned_le32(1, ud + 6);			/* version RS5 */
}

/*
 * fault_hvsock_refuse_open: a refusal of the guest's connect request comes
 * while the guest opens the channel offered for it, before the open's
 * result.  The guest must not stall on it.
 */
static void hvsim_hs_refuse_late(struct hvsim_hs_conn *conn)
{
	struct vmbus_channel_tl_connect_result res = {
		.header.msgtype = CHANNELMSG_TL_CONNECT_RESULT,
		.guest_endpoint_id = conn->endpoint,
		.host_service_id = conn->service,
		.status = HVSIM_STATUS_CONNECTION_REFUSED,
	};

	if (conn->accept || hvsim.version < VERSION_WIN10_V4_1 ||
	    !hvsim_hs_fault(HVSIM_HS_FAULT_REFUSE_OPEN))
		return;
	pr_info("fault: hvsock dev%u: connect refused while its channel opens\n",
		conn->dev_id);
	hvsim_send(&res, sizeof(res));
}

static int hvsim_hs_open(struct hvsim_chan *chan)
{
	struct hvsim_hs_conn *conn = chan->dev->priv;

	if (conn->dead)
		return -EINVAL;
	hvsim_hs_refuse_late(conn);
	spin_lock_bh(&conn->lock);
	conn->chan = chan;
	spin_unlock_bh(&conn->lock);
	if (cancel_delayed_work(&conn->open_timeout))
		hvsim_hs_conn_put(conn);	/* not the last: the device has one */
	kref_get(&conn->ref);
	queue_work(hvsim_hs_wq, &conn->rx_work);
	return 0;
}

/*
 * fault_hvsock_rescind_open: right after the open's result, before the
 * guest's open can have returned, a data packet and the rescind.  The
 * channel's service cannot run now (hvsim.lock is held for writing).
 */
static void hvsim_hs_answered(struct hvsim_chan *chan)
{
	static const char data[] = "rescinded at once\n";
	struct hvsim_hs_pipe_hdr h = {
		.pkt_type = HVSIM_HS_PIPE_DATA,
		.data_size = sizeof(data) - 1,
	};
	struct kvec kv[2] = {
		{ .iov_base = &h, .iov_len = sizeof(h) },
		{ .iov_base = (void *)data, .iov_len = sizeof(data) - 1 },
	};
	bool signal = false;

	if (!hvsim_hs_fault(HVSIM_HS_FAULT_RESCIND_OPEN))
		return;
	pr_info("fault: hvsock relid %u: data and rescind right after the open\n",
		chan->relid);
	if (!hvsim_chan_send(chan, VM_PKT_DATA_INBAND, 0, 0, kv, 2, &signal) &&
	    signal)
		hvsim_signal_guest(chan);
	hvsim_dev_del_id(chan->dev->id);
}

/*
 * The guest closed the channel, or it is rescinded: the relay ends.  What
 * the guest had written to its ring before it closed is still delivered,
 * as a host reads a ring to its end: a guest closes right after its last
 * data and its zero-length packet once the host's came (Linux
 * hvs_close_lock_held(), our hvs_release()).  The packets left in the ring go
 * to the FIFO and, past its room, to a tail buffer the size of the ring;
 * the relay sends both to TCP, ends its direction, then the connection.
 */
static void hvsim_hs_close(struct hvsim_chan *chan)
{
	struct hvsim_hs_conn *conn = chan->dev->priv;
	bool relay;

	spin_lock_bh(&conn->lock);
	conn->chan = NULL;
	relay = !conn->dead && conn->sock;
	spin_unlock_bh(&conn->lock);
	if (relay && chan->in.size) {
		conn->tail = kvmalloc(chan->in.size, GFP_KERNEL);
		if (conn->tail)
			hvsim_chan_service(chan, hvsim_hs_packet, UINT_MAX);
	}
	if (!relay || !conn->tail) {
		hvsim_hs_kill(conn);
		return;
	}
	smp_wmb();	/* the tail before closed */
	WRITE_ONCE(conn->closed, true);
	wake_up_all(&conn->wait);
}

static void hvsim_hs_show(struct seq_file *s, struct hvsim_chan *chan)
{
	struct hvsim_hs_conn *conn = chan->dev->priv;

	seq_printf(s, " hvsock=%s service=%pUl rx=%u tx=%u%s%s",
		   conn->accept ? "accept" : "connect", &conn->service,
		   kfifo_len(&conn->rx), kfifo_len(&conn->tx),
		   conn->guest_fin ? " guest_fin" : "",
		   conn->tcp_eof ? " tcp_eof" : "");
}

const struct hvsim_service hvsim_hvsock_svc = {
	.name = "hvsock",
	.no_monitor = true,
	.parallel = true,
	.create = hvsim_hs_create,
	.destroy = hvsim_hs_destroy,
	.offer = hvsim_hs_offer_msg,
	.open = hvsim_hs_open,
	.answered = hvsim_hs_answered,
	.close = hvsim_hs_close,
	.service = hvsim_hs_service,
	.show = hvsim_hs_show,
};

/* ---- The relay ----------------------------------------------------------------- */

static int hvsim_hs_tcp_connect(struct hvsim_hs_conn *conn)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
		.sin_port = htons(conn->tcp_port),
	};
	struct socket *sock;
	int ret;

	ret = sock_create_kern(&init_net, AF_INET, SOCK_STREAM, IPPROTO_TCP,
			       &sock);
	if (ret)
		return ret;
	ret = kernel_connect(sock, hvg_sockaddr(&sin), sizeof(sin), 0);
	if (ret) {
		sock_release(sock);
		return ret;
	}
	conn->sock = sock;
	return 0;
}

/*
 * Guest -> TCP; first connects the TCP side in listen mode.  The relay's
 * waits are interruptible only so that an idle connection does not look
 * like a hung task: work items get no signals.
 */
static void hvsim_hs_rx_work(struct work_struct *work)
{
	struct hvsim_hs_conn *conn = container_of(work, struct hvsim_hs_conn,
						  rx_work);
	u8 *buf = kmalloc(HVSIM_HS_FIFO, GFP_KERNEL);
	int ret;

	if (!buf)
		goto kill;
	if (!conn->sock) {
		ret = hvsim_hs_tcp_connect(conn);
		if (ret) {
			pr_err_ratelimited("hvsock dev%u: connecting to TCP port %u: %d\n",
					   conn->dev_id, conn->tcp_port, ret);
			goto kill;
		}
	}
	kref_get(&conn->ref);
	queue_work(hvsim_hs_wq, &conn->tx_work);
	for (;;) {
		struct kvec kv = { .iov_base = buf };
		struct msghdr msg = { .msg_flags = MSG_NOSIGNAL };
		u32 n;

		wait_event_interruptible(conn->wait, READ_ONCE(conn->dead) ||
			   !kfifo_is_empty(&conn->rx) || READ_ONCE(conn->guest_fin) ||
			   READ_ONCE(conn->closed));
		if (READ_ONCE(conn->dead))
			break;
		n = kfifo_out(&conn->rx, buf, HVSIM_HS_FIFO);
		if (!n && READ_ONCE(conn->closed)) {
			/* the channel is gone: the tail, then our direction ends */
			smp_rmb();	/* the tail before closed */
			kv.iov_base = conn->tail;
			kv.iov_len = conn->tail_len;
			if (conn->tail_len &&
			    kernel_sendmsg(conn->sock, &msg, &kv, 1, conn->tail_len) !=
			    conn->tail_len)
				pr_err_ratelimited("hvsock dev%u: TCP send of the last %u bytes failed\n",
						   conn->dev_id, conn->tail_len);
			kernel_sock_shutdown(conn->sock, SHUT_WR);
			break;
		}
		if (!n) {
			/*
			 * The guest's zero-length packet: end our direction.
			 * The connection lasts until the guest closes the
			 * channel, so that it can read what is in its ring.
			 */
			kernel_sock_shutdown(conn->sock, SHUT_WR);
			wait_event_interruptible(conn->wait, READ_ONCE(conn->dead) ||
						 READ_ONCE(conn->closed));
			break;
		}
		hvsim_hs_kick(conn);	/* the FIFO has room again */
		kv.iov_len = n;
		ret = kernel_sendmsg(conn->sock, &msg, &kv, 1, n);
		if (ret != n) {
			if (!READ_ONCE(conn->dead))
				pr_err_ratelimited("hvsock dev%u: TCP send: %d\n",
						   conn->dev_id, ret);
			break;
		}
	}
kill:
	kfree(buf);
	hvsim_hs_kill(conn);
	hvsim_hs_conn_put(conn);
}

/* TCP -> guest. */
static void hvsim_hs_tx_work(struct work_struct *work)
{
	struct hvsim_hs_conn *conn = container_of(work, struct hvsim_hs_conn,
						  tx_work);
	u8 *buf = kmalloc(HVSIM_HS_FIFO, GFP_KERNEL);

	while (buf) {
		struct kvec kv = { .iov_base = buf };
		struct msghdr msg = {};
		int ret;

		wait_event_interruptible(conn->wait, READ_ONCE(conn->dead) ||
			   kfifo_avail(&conn->tx) >= HVSIM_HS_CHUNK);
		if (READ_ONCE(conn->dead))
			break;
		kv.iov_len = kfifo_avail(&conn->tx);
		ret = kernel_recvmsg(conn->sock, &msg, &kv, 1, kv.iov_len, 0);
		if (ret <= 0) {
			WRITE_ONCE(conn->tcp_eof, true);
			hvsim_hs_kick(conn);
			break;
		}
		kfifo_in(&conn->tx, buf, ret);
		hvsim_hs_kick(conn);
	}
	kfree(buf);
	hvsim_hs_conn_put(conn);
}

static void hvsim_hs_open_timeout(struct work_struct *work)
{
	struct hvsim_hs_conn *conn = container_of(to_delayed_work(work),
						  struct hvsim_hs_conn,
						  open_timeout);
	bool opened;

	spin_lock_bh(&conn->lock);
	opened = conn->chan || conn->dead;
	spin_unlock_bh(&conn->lock);
	if (!opened) {
		pr_info("hvsock dev%u: the guest did not open the offer, rescinded\n",
			conn->dev_id);
		hvsim_hs_kill(conn);
	}
	hvsim_hs_conn_put(conn);
}

/**
 * hvsim_hs_conn_new() - a connection, not offered yet
 * @accept: the host connects to a guest listener
 * @service: the service id (if_type)
 * @endpoint: the endpoint id (if_instance)
 *
 * Return: the connection (one reference), or NULL.
 */
struct hvsim_hs_conn *hvsim_hs_conn_new(bool accept, const guid_t *service,
					const guid_t *endpoint)
{
	struct hvsim_hs_conn *conn = kzalloc(sizeof(*conn), GFP_KERNEL);

	if (!conn)
		return NULL;
	conn->txbuf = kmalloc(HVSIM_HS_CHUNK, GFP_KERNEL);
	if (!conn->txbuf || kfifo_alloc(&conn->rx, HVSIM_HS_FIFO, GFP_KERNEL) ||
	    kfifo_alloc(&conn->tx, HVSIM_HS_FIFO, GFP_KERNEL)) {
		kfifo_free(&conn->rx);
		kfree(conn->txbuf);
		kfree(conn);
		return NULL;
	}
	kref_init(&conn->ref);
	spin_lock_init(&conn->lock);
	init_waitqueue_head(&conn->wait);
	INIT_WORK(&conn->rx_work, hvsim_hs_rx_work);
	INIT_WORK(&conn->tx_work, hvsim_hs_tx_work);
	INIT_DELAYED_WORK(&conn->open_timeout, hvsim_hs_open_timeout);
	INIT_LIST_HEAD(&conn->node);
	conn->accept = accept;
	conn->service = *service;
	conn->endpoint = *endpoint;
	return conn;
}

/**
 * hvsim_hs_offer() - offer the channel of a new connection
 * @conn: the connection; its reference passes to the device
 *
 * Caller holds hvsim.lock for writing.  The guest has two seconds to open
 * the offer (OpenVMM hvsock.rs gives 2 s to a host connect, 5 s to a guest
 * connect), else it is rescinded.
 *
 * Return: 0, or a negative errno (@conn is then put).
 */
int hvsim_hs_offer(struct hvsim_hs_conn *conn)
{
	struct hvsim_dev *dev;

	lockdep_assert_held(&hvsim.lock);
	hvsim_hs_pending = conn;
	dev = hvsim_dev_add(&hvsim_hvsock_svc, NULL, NULL);
	hvsim_hs_pending = NULL;
	if (IS_ERR_OR_NULL(dev)) {
		if (!dev || conn->owned)	/* the device took it and let go */
			return -ENODEV;
		hvsim_hs_conn_put(conn);
		return PTR_ERR(dev);
	}
	kref_get(&conn->ref);
	queue_delayed_work(system_wq, &conn->open_timeout,
			   conn->accept ? 2 * HZ : 5 * HZ);
	return 0;
}
