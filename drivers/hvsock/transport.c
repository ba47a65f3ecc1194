// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vsock transport: stream sockets whose bytes travel in pipe-mode
 * packets over the connection's channel.  Every operation runs with the
 * socket locked; hvsock.chan is cleared under that lock before the
 * channel is closed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <net/sock.h>

#include "hvsock.h"

static int hvs_sock_init(struct vsock_sock *vsk, struct vsock_sock *psk)
{
	struct hvsock *hvs = kzalloc(sizeof(*hvs), GFP_KERNEL);
	struct sock *sk = sk_vsock(vsk);

	if (!hvs)
		return -ENOMEM;
	hvs->vsk = vsk;
	vsk->trans = hvs;
	sk->sk_sndbuf = HVS_RING_MIN;
	sk->sk_rcvbuf = HVS_RING_MIN;
	return 0;
}

static void hvs_destruct(struct vsock_sock *vsk)
{
	struct hvsock *hvs = vsk->trans;

	/* The channel held the socket: it is closed by now. */
	if (hvs->conn)
		hvs_conn_put(hvs->conn);
	kfree(hvs->rbuf);
	kfree(hvs);
	vsk->trans = NULL;
}

/**
 * hvs_mark_done() - the channel is gone; socket locked
 * @vsk: the socket
 * @reset: it went before the host's zero-length packet
 *
 * What was read into the socket's buffer can still be read; after a reset
 * reads and writes then fail with ECONNRESET.
 */
void hvs_mark_done(struct vsock_sock *vsk, bool reset)
{
	struct sock *sk = sk_vsock(vsk);
	struct hvsock *hvs = vsk->trans;

	sock_owned_by_me(sk);
	sock_set_flag(sk, SOCK_DONE);
	vsk->peer_shutdown = SHUTDOWN_MASK;
	if (reset && !hvs->reset) {
		/* Reads see the error only while the state stays established. */
		hvs->reset = true;
		sk->sk_err = ECONNRESET;
		hvg_sk_error_report(sk);
	}
	if (!hvs->rlen && !hvs->reset)
		sk->sk_state = TCP_CLOSING;
	sk->sk_state_change(sk);
	if (vsk->close_work_scheduled && cancel_delayed_work(&vsk->close_work)) {
		vsk->close_work_scheduled = false;
		vsock_remove_sock(vsk);
		sock_put(sk);	/* the close timeout's reference */
	}
}

static int hvs_connect(struct vsock_sock *vsk)
{
	struct hvsock *hvs = vsk->trans;

	hvs_srv_id_make(&hvs->vm_srv_id, vsk->local_addr.svm_port);
	hvs_srv_id_make(&hvs->host_srv_id, vsk->remote_addr.svm_port);
	return hvg_tl_connect(&hvs->vm_srv_id, &hvs->host_srv_id);
}

/**
 * hvs_send_fin() - send the zero-length packet that ends our direction
 * @hvs: the socket's transport part; socket locked
 *
 * Room for it is always kept (hvs_stream_has_space()).
 *
 * Return: 0 or the sending error.
 */
int hvs_send_fin(struct hvsock *hvs)
{
	struct hvs_pipe_hdr hdr = { .pkt_type = HVS_PIPE_DATA };
	int ret;

	sock_owned_by_me(sk_vsock(hvs->vsk));
	if (hvs->fin_sent || !hvs->chan)
		return 0;
	ret = hvg_sendpacket(hvs->chan, &hdr, sizeof(hdr), 0,
			     VM_PKT_DATA_INBAND, 0);
	if (!ret)
		hvs->fin_sent = true;
	return ret;
}

static int hvs_shutdown(struct vsock_sock *vsk, int mode)
{
	if (mode & SEND_SHUTDOWN)
		hvs_send_fin(vsk->trans);
	return 0;
}

static void hvs_close_timeout(struct work_struct *work)
{
	struct vsock_sock *vsk = container_of(work, struct vsock_sock,
					      close_work.work);
	struct sock *sk = sk_vsock(vsk);
	struct hvsock *hvs;

	lock_sock(sk);
	hvs = vsk->trans;
	vsk->close_work_scheduled = false;
	if (!sock_flag(sk, SOCK_DONE)) {
		/* The host never finished: take the channel back. */
		sock_set_flag(sk, SOCK_DONE);
		vsock_remove_sock(vsk);
		if (hvs->conn)
			hvs_conn_close_async(hvs->conn);
	}
	release_sock(sk);
	sock_put(sk);
}

/* Linux hvs_release(): end our direction, wait a while for the host's. */
static void hvs_release(struct vsock_sock *vsk)
{
	struct sock *sk = sk_vsock(vsk);
	struct hvsock *hvs = vsk->trans;

	if ((sk->sk_state != TCP_ESTABLISHED && sk->sk_state != TCP_CLOSING) ||
	    !hvs->chan) {
		vsock_remove_sock(vsk);
		return;
	}
	hvs_send_fin(hvs);
	if (hvs->fin_rcvd) {
		/* Both directions ended: the channel can go now. */
		sock_set_flag(sk, SOCK_DONE);
		vsock_remove_sock(vsk);
		hvs_conn_close_async(hvs->conn);
		return;
	}
	sock_hold(sk);
	INIT_DELAYED_WORK(&vsk->close_work, hvs_close_timeout);
	vsk->close_work_scheduled = true;
	schedule_delayed_work(&vsk->close_work, HVS_CLOSE_TIMEOUT);
}

/* A packet the host sent is broken: the connection cannot go on. */
static void hvs_bad_packet(struct hvsock *hvs, const char *why, u32 len)
{
	dev_err_ratelimited(&hvs->conn->hdev->dev, "%s (%u bytes): connection reset\n",
			    why, len);
	hvg_channel_fail(hvs->chan, "malformed pipe packet");
	hvs->chan = NULL;
	hvs_mark_done(hvs->vsk, true);
	hvs_conn_close_async(hvs->conn);
}

/* Take the next packet out of the ring if the last one was read. */
static void hvs_fill(struct hvsock *hvs)
{
	const char *why;
	u32 len, size;
	u64 tid;
	int ret;

	if (hvs->rlen || hvs->fin_rcvd || !hvs->chan)
		return;
	ret = hvg_recvpacket(hvs->chan, hvs->rbuf,
			     sizeof(struct hvs_pipe_hdr) + HVS_MTU, &len, &tid);
	if (ret == -EAGAIN)
		return;
	if (ret == -ENOBUFS) {
		hvs_bad_packet(hvs, "packet larger than a pipe packet", len);
		return;
	}
	if (ret)
		return;		/* failed or rescinded: the close follows */
	/* The copy is ours: the host cannot change it after the checks. */
	why = hvs_parse_pipe(hvs->rbuf, len, &size);
	if (why) {
		hvs_bad_packet(hvs, why, len);
		return;
	}
	if (!size) {
		hvs->fin_rcvd = true;
		hvs->vsk->peer_shutdown |= SEND_SHUTDOWN;
		return;
	}
	hvs->roff = sizeof(struct hvs_pipe_hdr);
	hvs->rlen = size;
}

static ssize_t hvs_stream_dequeue(struct vsock_sock *vsk, struct msghdr *msg,
				  size_t len, int flags)
{
	struct hvsock *hvs = vsk->trans;
	size_t done = 0;
	int ret;

	if (flags & MSG_PEEK)
		return -EOPNOTSUPP;
	while (done < len) {
		size_t n;

		hvs_fill(hvs);
		if (!hvs->rlen)
			break;
		n = min_t(size_t, len - done, hvs->rlen);
		ret = memcpy_to_msg(msg, hvs->rbuf + hvs->roff, n);
		if (ret)
			return done ? done : ret;
		hvs->roff += n;
		hvs->rlen -= n;
		done += n;
	}
	if (!done && hvs->reset)
		return -ECONNRESET;
	return done;
}

/* Room for data, keeping a minimal packet and the zero-length one (Linux). */
static u32 hvs_room(struct hvsock *hvs, u32 want)
{
	u32 w;

	if (!hvs->chan)
		return 0;
	w = hvg_channel_writable(hvs->chan, want);
	if (w <= HVS_PKT_LEN(1) + HVS_PKT_LEN(0))
		return 0;
	return round_down(w - HVS_PKT_LEN(1) - HVS_PKT_LEN(0), 8);
}

static ssize_t hvs_stream_enqueue(struct vsock_sock *vsk, struct msghdr *msg,
				  size_t len)
{
	struct hvsock *hvs = vsk->trans;
	struct hvs_pipe_hdr *hdr;
	ssize_t done = 0;
	int ret = 0;
	u8 *buf;

	if (!hvs->chan)
		return -ECONNRESET;
	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	hdr = (void *)buf;
	while (len) {
		u32 n = min_t(size_t, len, hvs_room(hvs, 0));

		n = min_t(u32, n, HVS_SEND_CHUNK);
		if (!n)
			break;
		ret = memcpy_from_msg(buf + sizeof(*hdr), msg, n);
		if (ret)
			break;
		hdr->pkt_type = HVS_PIPE_DATA;
		hdr->data_size = n;
		ret = hvg_sendpacket(hvs->chan, buf, sizeof(*hdr) + n, 0,
				     VM_PKT_DATA_INBAND, 0);
		if (ret)
			break;
		done += n;
		len -= n;
	}
	kfree(buf);
	return done ? done : ret;
}

static s64 hvs_stream_has_data(struct vsock_sock *vsk)
{
	struct hvsock *hvs = vsk->trans;

	hvs_fill(hvs);
	return hvs->rlen;
}

static s64 hvs_stream_has_space(struct vsock_sock *vsk)
{
	return hvs_room(vsk->trans, HVS_PKT_LEN(HVS_SEND_CHUNK));
}

static u64 hvs_stream_rcvhiwat(struct vsock_sock *vsk)
{
	return HVS_MTU + 1;
}

static bool hvs_stream_is_active(struct vsock_sock *vsk)
{
	return !!((struct hvsock *)vsk->trans)->chan;
}

/* The host is the only peer (Linux hvs_stream_allow()). */
static bool hvs_peer_allowed(u32 cid, u32 port)
{
	return cid == VMADDR_CID_HOST;
}
HVG_VSOCK_STREAM_ALLOW(hvs_stream_allow, hvs_peer_allowed)

static u32 hvs_get_local_cid(void)
{
	return VMADDR_CID_ANY;
}

static int hvs_poll_in(struct vsock_sock *vsk, size_t target, bool *readable)
{
	struct hvsock *hvs = vsk->trans;

	hvs_fill(hvs);
	*readable = hvs->rlen || hvs->fin_rcvd || !hvs->chan;
	return 0;
}

static int hvs_poll_out(struct vsock_sock *vsk, size_t target, bool *writable)
{
	*writable = hvs_stream_has_space(vsk) > 0;
	return 0;
}

static int hvs_recv_note(struct vsock_sock *vsk, size_t target,
			 struct vsock_transport_recv_notify_data *d)
{
	return 0;
}

static int hvs_recv_post(struct vsock_sock *vsk, size_t target, ssize_t copied,
			 bool data_read,
			 struct vsock_transport_recv_notify_data *d)
{
	return 0;
}

static int hvs_send_note(struct vsock_sock *vsk,
			 struct vsock_transport_send_notify_data *d)
{
	return 0;
}

static int hvs_send_post(struct vsock_sock *vsk, ssize_t written,
			 struct vsock_transport_send_notify_data *d)
{
	return 0;
}

/*
 * Registered for G2H only: datagram sockets never get this transport, so
 * it has no dgram_* operations; SO_RCVLOWAT keeps the core's handling.
 */
struct vsock_transport hvs_transport = {
	.module = THIS_MODULE,
	.get_local_cid = hvs_get_local_cid,
	.init = hvs_sock_init,
	.destruct = hvs_destruct,
	.release = hvs_release,
	.connect = hvs_connect,
	.shutdown = hvs_shutdown,
	.stream_dequeue = hvs_stream_dequeue,
	.stream_enqueue = hvs_stream_enqueue,
	.stream_has_data = hvs_stream_has_data,
	.stream_has_space = hvs_stream_has_space,
	.stream_rcvhiwat = hvs_stream_rcvhiwat,
	.stream_is_active = hvs_stream_is_active,
	.stream_allow = hvs_stream_allow,
	.notify_poll_in = hvs_poll_in,
	.notify_poll_out = hvs_poll_out,
	.notify_recv_init = hvs_recv_note,
	.notify_recv_pre_block = hvs_recv_note,
	.notify_recv_pre_dequeue = hvs_recv_note,
	.notify_recv_post_dequeue = hvs_recv_post,
	.notify_send_init = hvs_send_note,
	.notify_send_pre_block = hvs_send_note,
	.notify_send_pre_enqueue = hvs_send_note,
	.notify_send_post_enqueue = hvs_send_post,
};
