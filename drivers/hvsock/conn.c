// SPDX-License-Identifier: GPL-2.0-only
/*
 * Channels of Hyper-V sockets: an offer becomes a connection of the socket
 * it is for (the guest's connect, or a host connecting to a guest
 * listener), its channel is opened with rings sized as Linux sizes them,
 * and closed when the socket is done with it or the host rescinds it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <net/sock.h>

#include "hvsock.h"

static void hvs_conn_free(struct kref *ref)
{
	kfree(container_of(ref, struct hvs_conn, ref));
}

void hvs_conn_put(struct hvs_conn *conn)
{
	kref_put(&conn->ref, hvs_conn_free);
}

/* Softirq: the host signalled; wake readers and writers of the socket. */
static void hvs_chan_cb(void *ctx)
{
	struct hvs_conn *conn = ctx;
	struct sock *sk = conn->sk;	/* held while the channel is open */

	if (hvg_channel_failed(conn->chan) || hvg_channel_rescinded(conn->chan)) {
		hvs_conn_close_async(conn);
		return;
	}
	if (hvg_channel_readable(conn->chan) >= HVS_PKT_LEN(0))
		sk->sk_data_ready(sk);
	if (hvg_channel_writable(conn->chan, 0) > HVS_PKT_LEN(1) + HVS_PKT_LEN(0))
		sk->sk_write_space(sk);
}

/*
 * Close the channel and tell the socket.  Sleeps.  A socket whose
 * channel goes before the host's zero-length packet is reset.
 */
static void hvs_conn_close(struct hvs_conn *conn)
{
	struct vsock_sock *vsk;
	struct hvsock *hvs;
	struct sock *sk;

	mutex_lock(&conn->lock);
	sk = conn->sk;
	if (!sk) {
		mutex_unlock(&conn->lock);
		return;
	}
	lock_sock(sk);
	vsk = vsock_sk(sk);
	hvs = vsk->trans;
	if (hvs && hvs->conn == conn) {
		hvs->chan = NULL;
		hvs_mark_done(vsk, !hvs->fin_rcvd);
	}
	release_sock(sk);
	hvg_channel_close(conn->chan);
	conn->sk = NULL;
	mutex_unlock(&conn->lock);
	sock_put(sk);
}

static void hvs_close_work(struct work_struct *work)
{
	struct hvs_conn *conn = container_of(work, struct hvs_conn, close_work);

	hvs_conn_close(conn);
	hvs_conn_put(conn);
}

/**
 * hvs_conn_close_async() - close a connection's channel from a work item
 * @conn: the connection; any context
 */
void hvs_conn_close_async(struct hvs_conn *conn)
{
	kref_get(&conn->ref);
	if (!schedule_work(&conn->close_work))
		hvs_conn_put(conn);
}

/* Linux hvs_open_connection(): the socket's buffers hint the ring sizes. */
static u32 hvs_ring_size(int sockbuf)
{
	if (hvg_protocol_version() < VERSION_WIN10_V5)
		return HVS_RING_MIN;
	return PAGE_ALIGN(clamp_t(u32, sockbuf, HVS_RING_MIN, HVS_RING_MAX) +
			  HV_RING_HEADER_SIZE);
}

/* Open @conn's channel for @sk, whose transport is ours; socket locked. */
static int hvs_conn_open(struct hvs_conn *conn, struct sock *sk,
			 struct sock *parent)
{
	struct hvsock *hvs = vsock_sk(sk)->trans;
	int ret;

	lockdep_assert_held(&conn->lock);
	sock_owned_by_me(sk);
	hvs->rbuf = kmalloc(sizeof(struct hvs_pipe_hdr) + HVS_MTU, GFP_KERNEL);
	if (!hvs->rbuf)
		return -ENOMEM;
	conn->sk = sk;
	sock_hold(sk);
	ret = hvg_channel_open(conn->chan, hvs_ring_size(parent->sk_sndbuf),
			       hvs_ring_size(parent->sk_rcvbuf), NULL, 0,
			       hvs_chan_cb, conn);
	if (ret) {
		conn->sk = NULL;
		sock_put(sk);
		kfree(hvs->rbuf);
		hvs->rbuf = NULL;
		return ret;
	}
	kref_get(&conn->ref);
	hvs->conn = conn;
	hvs->chan = conn->chan;
	/* Be signalled whenever a full packet fits (Linux does the same). */
	hvg_channel_writable(conn->chan, HVS_PKT_LEN(HVS_SEND_CHUNK));
	return 0;
}

/* The host connects to a guest listener: a new socket to accept. */
static void hvs_accept(struct hvs_conn *conn, struct sock *sk,
		       const guid_t *service, const guid_t *endpoint)
{
	struct vsock_sock *vnew;
	struct sock *new;
	struct hvsock *hvs;

	if (sk->sk_state != TCP_LISTEN) {
		dev_err_ratelimited(&conn->hdev->dev, "host connects to port %u, which is not listening\n",
				    hvs_srv_id_port(service));
		return;
	}
	if (sk_acceptq_is_full(sk)) {
		dev_err_ratelimited(&conn->hdev->dev, "accept queue of port %u full, connection dropped\n",
				    hvs_srv_id_port(service));
		return;
	}
	new = vsock_create_connected(sk);
	if (!new)
		return;
	new->sk_state = TCP_SYN_SENT;
	vnew = vsock_sk(new);
	vsock_addr_init(&vnew->local_addr, VMADDR_CID_ANY,
			hvs_srv_id_port(service));
	vsock_addr_init(&vnew->remote_addr, VMADDR_CID_HOST,
			hvs_srv_id_port(endpoint));
	if (vsock_assign_transport(vnew, vsock_sk(sk)) ||
	    vnew->transport != &hvs_transport) {
		sock_put(new);
		return;
	}
	hvs = vnew->trans;
	hvs->vm_srv_id = *service;
	hvs->host_srv_id = *endpoint;
	lock_sock_nested(new, SINGLE_DEPTH_NESTING);
	if (hvs_conn_open(conn, new, sk)) {
		release_sock(new);
		sock_put(new);
		return;
	}
	new->sk_state = TCP_ESTABLISHED;
	sk_acceptq_added(sk);
	vsock_insert_connected(vnew);
	vsock_enqueue_accept(sk, new);
	release_sock(new);
	sk->sk_state_change(sk);
}

/* The host answers the guest's connect request. */
static void hvs_connected(struct hvs_conn *conn, struct sock *sk,
			  const guid_t *service)
{
	struct vsock_sock *vsk = vsock_sk(sk);
	struct hvsock *hvs = vsk->trans;

	if (sk->sk_state != TCP_SYN_SENT || vsk->transport != &hvs_transport ||
	    hvs->conn) {
		dev_err_ratelimited(&conn->hdev->dev, "offer for port %u, which is not connecting, ignored\n",
				    vsk->local_addr.svm_port);
		return;
	}
	if (!guid_equal(service, &hvs->host_srv_id)) {
		dev_err_ratelimited(&conn->hdev->dev, "offer for service %pUl answers a connect to %pUl, refused\n",
				    service, &hvs->host_srv_id);
		return;
	}
	if (hvs_conn_open(conn, sk, sk))
		return;
	sk->sk_state = TCP_ESTABLISHED;
	sk->sk_socket->state = SS_CONNECTED;
	vsock_insert_connected(vsk);
	sk->sk_state_change(sk);
}

/**
 * hvs_probe() - a Hyper-V socket offer
 * @hdev: its device
 * @id: unused
 *
 * An offer no socket waits for is left unopened: the host rescinds it
 * after a while.  Always succeeds, as Linux's hvs_probe() does.
 *
 * Return: 0, or -ENOMEM.
 */
int hvs_probe(struct hvg_device *hdev, const struct hv_vmbus_device_id *id)
{
	const guid_t *service = &hdev->class_id, *endpoint = &hdev->instance_id;
	const u8 *ud = hvg_channel_offer_userdef(hdev->channel);
	bool accept = ud[4 + VMBUS_HVSOCK_FOR_GUEST_ACCEPT];
	struct sockaddr_vm addr;
	struct hvs_conn *conn;
	struct sock *sk;

	conn = kzalloc(sizeof(*conn), GFP_KERNEL);
	if (!conn)
		return -ENOMEM;
	kref_init(&conn->ref);
	mutex_init(&conn->lock);
	INIT_WORK(&conn->close_work, hvs_close_work);
	conn->hdev = hdev;
	conn->chan = hdev->channel;
	dev_set_drvdata(&hdev->dev, conn);

	/* The guest's side is the service when the host connects. */
	if (!hvs_srv_id_valid(accept ? service : endpoint)) {
		dev_err_ratelimited(&hdev->dev, "offer for %s %pUl, not a vsock port, ignored\n",
				    accept ? "service" : "endpoint",
				    accept ? service : endpoint);
		return 0;
	}
	vsock_addr_init(&addr, VMADDR_CID_ANY,
			hvs_srv_id_port(accept ? service : endpoint));
	sk = vsock_find_bound_socket(&addr);
	if (!sk) {
		dev_err_ratelimited(&hdev->dev, "offer for port %u, where no socket is bound, ignored\n",
				    addr.svm_port);
		return 0;
	}
	mutex_lock(&conn->lock);
	lock_sock(sk);
	if (accept)
		hvs_accept(conn, sk, service, endpoint);
	else
		hvs_connected(conn, sk, service);
	release_sock(sk);
	mutex_unlock(&conn->lock);
	sock_put(sk);
	return 0;
}

/**
 * hvs_remove() - the device goes (rescind, unload)
 * @hdev: its device
 */
void hvs_remove(struct hvg_device *hdev)
{
	struct hvs_conn *conn = dev_get_drvdata(&hdev->dev);

	hvs_conn_close(conn);
	cancel_work_sync(&conn->close_work);
	hvs_conn_put(conn);
}

/* A refusal on its way to its socket (hvs_wq). */
struct hvs_refusal {
	struct work_struct work;
	guid_t endpoint;
	guid_t service;
	u32 status;
};

/*
 * Fail the socket still connecting from the refusal's endpoint.  The
 * socket lock may be held by hvs_probe() waiting for the host's answer to
 * its open, which the bus's message worker delivers: so this runs here,
 * never in that worker.
 */
static void hvs_refusal_work(struct work_struct *work)
{
	struct hvs_refusal *r = container_of(work, struct hvs_refusal, work);
	struct sockaddr_vm addr;
	struct hvsock *hvs;
	struct sock *sk;
	bool waits = false;

	if (!hvs_srv_id_valid(&r->endpoint))
		goto out;
	vsock_addr_init(&addr, VMADDR_CID_ANY, hvs_srv_id_port(&r->endpoint));
	sk = vsock_find_bound_socket(&addr);
	if (!sk)
		goto out;
	lock_sock(sk);
	hvs = vsock_sk(sk)->trans;
	waits = sk->sk_state == TCP_SYN_SENT &&
		vsock_sk(sk)->transport == &hvs_transport && !hvs->conn &&
		guid_equal(&r->service, &hvs->host_srv_id);
	if (waits) {
		sk->sk_state = TCP_CLOSE;
		sk->sk_err = ECONNREFUSED;
		hvg_sk_error_report(sk);
	}
	release_sock(sk);
	sock_put(sk);
out:
	if (!waits)
		pr_err_ratelimited("TL_CONNECT_RESULT %#x for endpoint %pUl service %pUl, which no socket waits for, ignored\n",
				   r->status, &r->endpoint, &r->service);
	kfree(r);
}

/**
 * hvs_tl_result() - the host refused a connect request
 * @endpoint: the guest's endpoint id of the request
 * @service: the host's service id
 * @status: the host's NTSTATUS
 *
 * Called by the bus's message worker.  The socket still connecting from
 * that endpoint fails with ECONNREFUSED, from hv_sock's own workqueue.
 */
void hvs_tl_result(const guid_t *endpoint, const guid_t *service, u32 status)
{
	struct hvs_refusal *r = kzalloc(sizeof(*r), GFP_KERNEL);

	if (!r)
		return;		/* the connect times out instead */
	INIT_WORK(&r->work, hvs_refusal_work);
	r->endpoint = *endpoint;
	r->service = *service;
	r->status = status;
	queue_work(hvs_wq, &r->work);
}
