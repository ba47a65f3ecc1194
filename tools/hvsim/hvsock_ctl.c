// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Hyper-V socket host's control file, /sys/kernel/debug/hvsim/hvsock:
 *
 *   listen PORT tcp:TCPPORT	the host listens on vsock PORT: a guest
 *				connect to it is relayed to 127.0.0.1:TCPPORT
 *   connect PORT tcp:TCPPORT	the host accepts TCP on 127.0.0.1:TCPPORT
 *				and connects each to the guest's PORT
 *   close PORT			forget the listen/connect of PORT
 *
 * Reading lists them.  A guest connect request for a port nobody listens
 * on is refused with TL_CONNECT_RESULT (OpenVMM channels.rs
 * send_tl_connect_result(): from VMBus 4.1 on, STATUS_CONNECTION_REFUSED).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/in.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <net/sock.h>
#include <hvguest/compat.h>

#include "hvsock.h"

atomic_t hvsim_hs_faults[HVSIM_HS_NR_FAULTS];
struct workqueue_struct *hvsim_hs_wq;

static const char * const hvsim_hs_fault_names[HVSIM_HS_NR_FAULTS] = {
	[HVSIM_HS_FAULT_BAD_TYPE] = "fault_hvsock_bad_type",
	[HVSIM_HS_FAULT_BAD_LEN] = "fault_hvsock_bad_len",
	[HVSIM_HS_FAULT_UNKNOWN] = "fault_hvsock_unknown",
	[HVSIM_HS_FAULT_RESCIND] = "fault_hvsock_rescind",
	[HVSIM_HS_FAULT_RESCIND_OPEN] = "fault_hvsock_rescind_open",
	[HVSIM_HS_FAULT_REFUSE_OPEN] = "fault_hvsock_refuse_open",
	[HVSIM_HS_FAULT_BIG] = "fault_hvsock_big",
	[HVSIM_HS_FAULT_OTHER_SERVICE] = "fault_hvsock_other_service",
};

bool hvsim_hs_fault(enum hvsim_hs_fault f)
{
	return atomic_dec_if_positive(&hvsim_hs_faults[f]) >= 0;
}

/**
 * struct hvsim_hs_port - a "listen" or "connect" line
 * @node: in hvsim_hs_ports
 * @port: the vsock port
 * @tcp: the local TCP port
 * @accept: a "connect" line: @lsock accepts, the host connects the guest
 * @lsock: the TCP listener of a "connect" line
 * @work: accepts on @lsock
 */
struct hvsim_hs_port {
	struct list_head node;
	u32 port;
	u16 tcp;
	bool accept;
	struct socket *lsock;
	struct work_struct work;
};

static DEFINE_MUTEX(hvsim_hs_mutex);	/* hvsim_hs_ports */
static LIST_HEAD(hvsim_hs_ports);
static atomic_t hvsim_hs_next_ep = ATOMIC_INIT(0x40000000);

static struct hvsim_hs_port *hvsim_hs_port_find(u32 port, bool accept)
{
	struct hvsim_hs_port *p;

	lockdep_assert_held(&hvsim_hs_mutex);
	list_for_each_entry(p, &hvsim_hs_ports, node)
		if (p->port == port && p->accept == accept)
			return p;
	return NULL;
}

/* The service id of an offer, spoilt by fault_hvsock_unknown. */
static void hvsim_hs_service_id(guid_t *id, u32 port)
{
	hvsim_hs_srv_id(id, port);
	if (hvsim_hs_fault(HVSIM_HS_FAULT_UNKNOWN)) {
		id->b[15] ^= 0xff;
		pr_info("fault: hvsock offer for service %pUl, which is no vsock port\n",
			id);
	}
}

/* "connect": each TCP connection becomes an offer to the guest's port. */
static void hvsim_hs_accept_work(struct work_struct *work)
{
	struct hvsim_hs_port *p = container_of(work, struct hvsim_hs_port, work);

	for (;;) {
		struct hvsim_hs_conn *conn;
		struct socket *sock;
		guid_t service, ep;

		if (kernel_accept(p->lsock, &sock, 0))
			return;		/* shut down */
		hvsim_hs_service_id(&service, p->port);
		hvsim_hs_srv_id(&ep, atomic_inc_return(&hvsim_hs_next_ep));
		conn = hvsim_hs_conn_new(true, &service, &ep);
		if (!conn) {
			sock_release(sock);
			continue;
		}
		conn->sock = sock;
		down_write(&hvsim.lock);
		if (hvsim_hs_offer(conn))
			pr_err_ratelimited("hvsock: no offer for a connection to port %u\n",
					   p->port);
		up_write(&hvsim.lock);
	}
}

static int hvsim_hs_tcp_listen(struct hvsim_hs_port *p)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
		.sin_port = htons(p->tcp),
	};
	int ret;

	ret = sock_create_kern(&init_net, AF_INET, SOCK_STREAM, IPPROTO_TCP,
			       &p->lsock);
	if (ret)
		return ret;
	sock_set_reuseaddr(p->lsock->sk);
	ret = kernel_bind(p->lsock, hvg_sockaddr(&sin), sizeof(sin));
	if (!ret)
		ret = kernel_listen(p->lsock, 128);
	if (ret) {
		sock_release(p->lsock);
		return ret;
	}
	INIT_WORK(&p->work, hvsim_hs_accept_work);
	queue_work(hvsim_hs_wq, &p->work);
	return 0;
}

static void hvsim_hs_port_free(struct hvsim_hs_port *p)
{
	if (p->lsock) {
		kernel_sock_shutdown(p->lsock, SHUT_RDWR);
		cancel_work_sync(&p->work);
		sock_release(p->lsock);
	}
	kfree(p);
}

/**
 * hvsim_hvsock_tl_connect() - CHANNELMSG_TL_CONNECT_REQUEST from the guest
 * @msg: the message
 * @size: its size, at least the request's
 *
 * Caller holds hvsim.lock for writing.
 */
void hvsim_hvsock_tl_connect(const void *msg, u32 size)
{
	const struct vmbus_channel_tl_connect_request *req = msg;
	struct vmbus_channel_tl_connect_result res = {
		.header.msgtype = CHANNELMSG_TL_CONNECT_RESULT,
		.guest_endpoint_id = req->guest_endpoint_id,
		.host_service_id = req->host_service_id,
		.status = HVSIM_STATUS_CONNECTION_REFUSED,
	};
	struct hvsim_hs_conn *conn = NULL;
	struct hvsim_hs_port *p = NULL;
	u32 port;

	lockdep_assert_held_write(&hvsim.lock);
	mutex_lock(&hvsim_hs_mutex);
	if (hvsim_hs_srv_id_port(&req->host_service_id, &port))
		p = hvsim_hs_port_find(port, false);
	if (p) {
		guid_t service;

		hvsim_hs_service_id(&service, port);
		if (hvsim_hs_fault(HVSIM_HS_FAULT_OTHER_SERVICE)) {
			hvsim_hs_srv_id(&service, port + 1);
			pr_info("fault: hvsock connect to port %u answered for port %u\n",
				port, port + 1);
		}
		conn = hvsim_hs_conn_new(false, &service,
					 &req->guest_endpoint_id);
		if (conn)
			conn->tcp_port = p->tcp;
	}
	mutex_unlock(&hvsim_hs_mutex);
	if (conn && !hvsim_hs_offer(conn))
		return;
	pr_info("hvsock: connect request for service %pUl refused\n",
		&req->host_service_id);
	if (hvsim.version >= VERSION_WIN10_V4_1)
		hvsim_send(&res, sizeof(res));
}

/* ---- The control file --------------------------------------------------------- */

static int hvsim_hs_cmd(char *line)
{
	char *verb = strsep(&line, " \t"), *port_s, *tcp_s;
	struct hvsim_hs_port *p;
	bool accept;
	u32 port;
	u16 tcp;
	int ret;

	port_s = strsep(&line, " \t");
	if (!port_s || kstrtou32(port_s, 0, &port))
		return -EINVAL;
	if (!strcmp(verb, "close")) {
		mutex_lock(&hvsim_hs_mutex);
		p = hvsim_hs_port_find(port, false);
		if (!p)
			p = hvsim_hs_port_find(port, true);
		if (p)
			list_del(&p->node);
		mutex_unlock(&hvsim_hs_mutex);
		if (!p)
			return -ENOENT;
		hvsim_hs_port_free(p);
		return 0;
	}
	if (strcmp(verb, "listen") && strcmp(verb, "connect"))
		return -EINVAL;
	accept = !strcmp(verb, "connect");
	tcp_s = strsep(&line, " \t");
	if (!tcp_s || strncmp(tcp_s, "tcp:", 4) || kstrtou16(tcp_s + 4, 0, &tcp) ||
	    !tcp)
		return -EINVAL;
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	p->port = port;
	p->tcp = tcp;
	p->accept = accept;
	mutex_lock(&hvsim_hs_mutex);
	ret = hvsim_hs_port_find(port, accept) ? -EEXIST : 0;
	if (!ret && accept)
		ret = hvsim_hs_tcp_listen(p);
	if (!ret)
		list_add_tail(&p->node, &hvsim_hs_ports);
	mutex_unlock(&hvsim_hs_mutex);
	if (ret)
		kfree(p);
	return ret;
}

static int hvsim_hs_line(void *ctx, char *line)
{
	int ret = hvsim_hs_cmd(line);

	if (ret)
		pr_err("hvsock: '%s': %d\n", line, ret);
	return ret;
}

static ssize_t hvsim_hs_write(struct file *file, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	return hvsim_line_write(ubuf, count, NULL, hvsim_hs_line, NULL);
}

static int hvsim_hs_show(struct seq_file *s, void *unused)
{
	struct hvsim_hs_port *p;

	mutex_lock(&hvsim_hs_mutex);
	list_for_each_entry(p, &hvsim_hs_ports, node)
		seq_printf(s, "%s %u tcp:%u\n", p->accept ? "connect" : "listen",
			   p->port, p->tcp);
	mutex_unlock(&hvsim_hs_mutex);
	return 0;
}

static int hvsim_hs_open(struct inode *inode, struct file *file)
{
	return single_open(file, hvsim_hs_show, NULL);
}

static const struct file_operations hvsim_hs_fops = {
	.owner = THIS_MODULE,
	.open = hvsim_hs_open,
	.read = seq_read,
	.write = hvsim_hs_write,
	.llseek = seq_lseek,
	.release = single_release,
};

/**
 * hvsim_hvsock_init() - the control file and fault knobs
 * @dir: hvsim's debugfs directory
 */
void hvsim_hvsock_init(struct dentry *dir)
{
	unsigned int i;

	hvsim_hs_wq = alloc_workqueue("hvsim_hvsock", WQ_UNBOUND,
					WQ_MAX_ACTIVE);
	if (!hvsim_hs_wq)
		return;
	debugfs_create_file("hvsock", 0600, dir, NULL, &hvsim_hs_fops);
	for (i = 0; i < HVSIM_HS_NR_FAULTS; i++)
		debugfs_create_atomic_t(hvsim_hs_fault_names[i], 0600, dir,
					&hvsim_hs_faults[i]);
}

/**
 * hvsim_hvsock_exit() - stop listening and relaying
 *
 * The devices stay until the host goes; their relays end here.
 */
void hvsim_hvsock_exit(void)
{
	struct hvsim_hs_port *p, *tmp;
	struct hvsim_dev *dev;
	LIST_HEAD(ports);

	if (!hvsim_hs_wq)
		return;
	/* Accepting takes hvsim.lock: stop it without holding the mutex. */
	mutex_lock(&hvsim_hs_mutex);
	list_splice_init(&hvsim_hs_ports, &ports);
	mutex_unlock(&hvsim_hs_mutex);
	list_for_each_entry_safe(p, tmp, &ports, node)
		hvsim_hs_port_free(p);
	down_write(&hvsim.lock);
	list_for_each_entry(dev, &hvsim.devs, node)
		if (dev->svc == &hvsim_hvsock_svc)
			hvsim_hs_kill(dev->priv);
	up_write(&hvsim.lock);
	destroy_workqueue(hvsim_hs_wq);
	hvsim_hs_wq = NULL;
}
