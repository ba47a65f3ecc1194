// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_netvsc: NVSP control requests, version negotiation and the receive
 * and send buffers shared with the host.
 */
#include <linux/bitmap.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "netvsc.h"

static const u32 netvsc_versions[] = {
	NVSP_VERSION_61, NVSP_VERSION_6, NVSP_VERSION_5, NVSP_VERSION_4,
	NVSP_VERSION_2, NVSP_VERSION_1,
};

/* The completion type the host answers an NVSP request of @type with. */
static u32 netvsc_ctrl_reply_type(u32 type)
{
	switch (type) {
	case NVSP_MSG_INIT:
		return NVSP_MSG_INIT_COMPLETE;
	case NVSP_MSG1_SEND_RECV_BUF:
		return NVSP_MSG1_SEND_RECV_BUF_COMPLETE;
	case NVSP_MSG1_SEND_SEND_BUF:
		return NVSP_MSG1_SEND_SEND_BUF_COMPLETE;
	case NVSP_MSG1_SEND_RNDIS_PKT:
		return NVSP_MSG1_SEND_RNDIS_PKT_COMPLETE;
	case NVSP_MSG5_SUBCHANNEL:
		return NVSP_MSG5_SUBCHANNEL;
	case NVSP_MSG4_SWITCH_DATA_PATH:
		return 0;	/* a completion without payload */
	}
	return 0;
}

/**
 * netvsc_ctrl_complete() - the host completed a control request
 * @nd: the device
 * @seq: the request's sequence number, from its completion cookie
 * @data: the completion's NVSP message
 * @len: its length
 *
 * NAPI context.  Only the completion of the request being waited for, of
 * the type that request is answered with, is taken: a late completion of
 * a request that timed out is dropped.  One of the request waited for but
 * of another type fails it at once (-EPROTO): its transaction id is used
 * up, no other completion can follow.
 */
void netvsc_ctrl_complete(struct netvsc_dev *nd, u64 seq, const void *data, u32 len)
{
	struct nvsp_msg m = {};
	bool taken = false, mine = false;

	memcpy(&m, data, min_t(u32, len, sizeof(m)));
	spin_lock(&nd->rndis_lock);
	if (nd->ctrl_wait && seq == nd->ctrl_seq) {
		mine = true;
		taken = m.type == nd->ctrl_expect;
		nd->ctrl_reply = m;
		nd->ctrl_err = taken ? 0 : -EPROTO;
		nd->ctrl_wait = false;
		complete(&nd->ctrl_done);
	}
	spin_unlock(&nd->rndis_lock);
	if (mine && !taken)
		dev_err_ratelimited(netvsc_dev(nd), "NVSP completion of type %u for request %llu, expected %u: request failed\n",
				    m.type, seq, nd->ctrl_expect);
	else if (!taken)
		dev_err_ratelimited(netvsc_dev(nd), "stale NVSP completion (type %u, request %llu) dropped\n",
				    m.type, seq);
}

/**
 * netvsc_nvsp_request() - send an NVSP message and wait for its completion
 * @nd: the device
 * @msg: the message; replaced by the completion's payload
 * @pb: page ranges to send with it (GPA direct), or NULL
 * @npb: their number
 *
 * Each request has a sequence number in its completion cookie; only its
 * own completion, of the type it is answered with, ends the wait.
 *
 * Caller holds ctrl_lock.  Return: 0, -ETIMEDOUT, -ENODEV or another errno.
 */
int netvsc_nvsp_request(struct netvsc_dev *nd, struct nvsp_msg *msg,
			const struct hv_page_buffer *pb, u32 npb)
{
	u64 seq, ck;
	int ret;

	lockdep_assert_held(&nd->ctrl_lock);
	spin_lock_bh(&nd->rndis_lock);
	seq = ++nd->ctrl_seq;
	nd->ctrl_expect = netvsc_ctrl_reply_type(msg->type);
	nd->ctrl_wait = true;
	nd->ctrl_err = 0;
	reinit_completion(&nd->ctrl_done);
	spin_unlock_bh(&nd->rndis_lock);
	ck = NETVSC_CK(NETVSC_CK_CTRL, seq);
	if (pb)
		ret = hvg_sendpacket_pagebuffer(nd->chan, pb, npb, msg,
						sizeof(*msg), ck);
	else
		ret = hvg_sendpacket(nd->chan, msg, sizeof(*msg), ck,
				     VM_PKT_DATA_INBAND,
				     VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED);
	if (!ret && !wait_for_completion_timeout(&nd->ctrl_done, NETVSC_CTRL_TIMEOUT)) {
		ret = -ETIMEDOUT;
		if (hvg_channel_rescinded(nd->chan))
			ret = -ENODEV;
		else
			dev_err_ratelimited(netvsc_dev(nd), "no completion for NVSP message %u\n",
					    msg->type);
	}
	spin_lock_bh(&nd->rndis_lock);
	nd->ctrl_wait = false;
	if (!ret)
		ret = nd->ctrl_err;
	if (!ret)
		*msg = nd->ctrl_reply;
	spin_unlock_bh(&nd->rndis_lock);
	return ret;
}

static int netvsc_post(struct netvsc_dev *nd, const struct nvsp_msg *msg)
{
	return hvg_sendpacket(nd->chan, msg, sizeof(*msg), 0,
			      VM_PKT_DATA_INBAND, 0);
}

static int netvsc_try_version(struct netvsc_dev *nd, u32 ver)
{
	struct nvsp_msg m = {
		.type = NVSP_MSG_INIT,
		.init = { .min_version = ver, .max_version = ver },
	};
	int ret;

	ret = netvsc_nvsp_request(nd, &m, NULL, 0);
	if (ret)
		return ret;
	if (m.type != NVSP_MSG_INIT_COMPLETE)
		return -EPROTO;
	if (m.init_complete.status != NVSP_STAT_SUCCESS ||
	    m.init_complete.version != ver)
		return -EOPNOTSUPP;
	return 0;
}

static int netvsc_negotiate(struct netvsc_dev *nd)
{
	struct nvsp_msg m = { .type = NVSP_MSG1_SEND_NDIS_VER };
	unsigned int i;
	int ret = -EOPNOTSUPP;

	for (i = 0; i < ARRAY_SIZE(netvsc_versions); i++) {
		ret = netvsc_try_version(nd, netvsc_versions[i]);
		if (ret != -EOPNOTSUPP)
			break;
	}
	if (ret) {
		dev_err(netvsc_dev(nd), "NVSP version negotiation failed: %d\n", ret);
		return ret;
	}
	nd->nvsp = netvsc_versions[i];
	m.ndis_ver.major = 6;
	m.ndis_ver.minor = nd->nvsp > NVSP_VERSION_4 ? 30 : 1;
	ret = netvsc_post(nd, &m);
	if (ret || nd->nvsp < NVSP_VERSION_2)
		return ret;
	memset(&m, 0, sizeof(m));
	m.type = NVSP_MSG2_SEND_NDIS_CONFIG;
	m.ndis_config.mtu = ETH_DATA_LEN + ETH_HLEN;
	if (nd->nvsp >= NVSP_VERSION_61 && netvsc_lro)
		m.ndis_config.capability = NVSP_NDIS_CAP_RSC;
	/* Without it hosts offer no VF (OpenVMM lib.rs guest_vf_is_available()) */
	if (nd->nvsp >= NVSP_VERSION_5 && netvsc_vf_enable)
		m.ndis_config.capability |= NVSP_NDIS_CAP_SRIOV;
	return netvsc_post(nd, &m);
}

static int netvsc_recv_buf(struct netvsc_dev *nd)
{
	struct nvsp_msg m = { .type = NVSP_MSG1_SEND_RECV_BUF };
	int ret;

	nd->recv_buf = vzalloc(nd->recv_want);
	if (!nd->recv_buf)
		return -ENOMEM;
	ret = hvg_gpadl_establish(nd->chan, nd->recv_buf, nd->recv_want,
				  &nd->recv_gpadl);
	if (ret)
		return ret;
	m.send_buf.gpadl_handle = nd->recv_gpadl.handle;
	m.send_buf.id = NVSP_RECV_BUF_ID;
	ret = netvsc_nvsp_request(nd, &m, NULL, 0);
	if (ret)
		return ret;
	if (netvsc_parse_recv_buf(&m, nd->recv_want, &nd->recv_slots)) {
		dev_err(netvsc_dev(nd), "host refused the receive buffer\n");
		return -EIO;
	}
	ret = netvsc_rx_pend_alloc(&nd->chans[0], nd->recv_slots);
	if (ret)
		return ret;
	/*
	 * Only now may the receive path use it: a transfer-page packet
	 * before this (NAPI runs from the channel's open on) finds no
	 * receive buffer, never a stale size with no buffer behind it.
	 */
	smp_store_release(&nd->recv_size, nd->recv_want);
	return 0;
}

static int netvsc_send_buf(struct netvsc_dev *nd)
{
	struct nvsp_msg m = { .type = NVSP_MSG1_SEND_SEND_BUF };
	u32 sec;
	int ret;

	nd->send_size = nd->send_want;
	nd->send_buf = vzalloc(nd->send_size);
	if (!nd->send_buf)
		return -ENOMEM;
	ret = hvg_gpadl_establish(nd->chan, nd->send_buf, nd->send_size,
				  &nd->send_gpadl);
	if (ret)
		return ret;
	m.send_buf.gpadl_handle = nd->send_gpadl.handle;
	m.send_buf.id = NVSP_SEND_BUF_ID;
	ret = netvsc_nvsp_request(nd, &m, NULL, 0);
	if (ret)
		return ret;
	ret = netvsc_parse_send_buf(&m, nd->send_size);
	if (ret < 0) {
		dev_err(netvsc_dev(nd), "host refused the send buffer\n");
		return ret;
	}
	sec = ret;
	nd->send_section = sec;
	nd->nsend = nd->send_size / sec;
	nd->send_map = bitmap_zalloc(nd->nsend, GFP_KERNEL);
	return nd->send_map ? 0 : -ENOMEM;
}

/**
 * netvsc_nvsp_connect() - negotiate NVSP and share the buffers
 * @nd: the device, channel open
 *
 * Return: 0 or a negative errno; netvsc_nvsp_disconnect() cleans up.
 */
int netvsc_nvsp_connect(struct netvsc_dev *nd)
{
	int ret;

	mutex_lock(&nd->ctrl_lock);
	ret = netvsc_negotiate(nd);
	if (!ret) {
		nd->bufs_sent = true;
		ret = netvsc_recv_buf(nd);
	}
	if (!ret)
		ret = netvsc_send_buf(nd);
	mutex_unlock(&nd->ctrl_lock);
	return ret;
}

static void netvsc_free_buf(struct netvsc_dev *nd, struct hvg_gpadl *g,
			    void **buf)
{
	/* A buffer the host may still map must leak. */
	if (hvg_gpadl_teardown(nd->chan, g))
		dev_err(netvsc_dev(nd), "GPADL %#x not torn down, buffer leaked\n",
			g->handle);
	else
		vfree(*buf);
	*buf = NULL;
}

/* Before the channel closes: take the buffers back. */
void netvsc_nvsp_disconnect(struct netvsc_dev *nd)
{
	WRITE_ONCE(nd->recv_size, 0);
	if (nd->recv_buf)
		netvsc_free_buf(nd, &nd->recv_gpadl, &nd->recv_buf);
	if (nd->send_buf)
		netvsc_free_buf(nd, &nd->send_gpadl, &nd->send_buf);
	bitmap_free(nd->send_map);
	nd->send_map = NULL;
	nd->bufs_sent = false;
	nd->recv_slots = 0;
}

/* Before closing: tell the host to stop using the buffers. */
void netvsc_nvsp_revoke(struct netvsc_dev *nd)
{
	struct nvsp_msg m = { .type = NVSP_MSG1_REVOKE_RECV_BUF };

	if (!nd->bufs_sent)
		return;
	m.revoke.id = NVSP_RECV_BUF_ID;
	netvsc_post(nd, &m);
	m.type = NVSP_MSG1_REVOKE_SEND_BUF;
	m.revoke.id = NVSP_SEND_BUF_ID;
	netvsc_post(nd, &m);
}
