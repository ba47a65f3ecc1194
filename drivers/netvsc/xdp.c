// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_netvsc: XDP on the synthetic path.  One program for the NIC, run by
 * every channel's receive poll on each data frame.  The frame is copied
 * first into a page of its own (the program may write to it, and must
 * never see the receive buffer the host shares with us), with
 * XDP_PACKET_HEADROOM in front and room for an skb's shared info behind;
 * so the MTU must let a frame fit there, and LRO (host coalescing) must be
 * off.  Verdicts: PASS builds the skb around that page; TX copies the
 * frame into a send section of the channel's own queue; REDIRECT hands
 * the page to xdp_do_redirect() (flushed at the end of the poll); DROP,
 * ABORTED and unknown verdicts free it.  ndo_xdp_xmit() sends redirected
 * frames by the VF while the data path is there, else by a send section.
 * The program is mirrored to a joined VF (which carries the traffic while
 * the data path is on it) and taken back when it leaves.
 */
#include <linux/bpf.h>
#include <linux/bpf_trace.h>
#include <linux/etherdevice.h>
#include <linux/filter.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/xdp.h>

#include "netvsc.h"

static void netvsc_xdp_count(struct netvsc_chan *ch, u64 *counter)
{
	u64_stats_update_begin(&ch->rx_stats.syncp);
	(*counter)++;
	u64_stats_update_end(&ch->rx_stats.syncp);
}

/* The skb of a frame the program passed: the page becomes its head. */
static struct sk_buff *netvsc_xdp_skb(struct netvsc_chan *ch,
				      const struct xdp_buff *xdp)
{
	u32 meta = xdp->data - xdp->data_meta;
	struct sk_buff *skb;

	skb = build_skb(xdp->data_hard_start, PAGE_SIZE);
	if (!skb)
		return NULL;
	skb_reserve(skb, xdp->data - xdp->data_hard_start);
	skb_put(skb, xdp->data_end - xdp->data);
	if (meta && xdp->data_meta < xdp->data)
		skb_metadata_set(skb, meta);
	skb->dev = ch->nd->ndev;
	return skb;
}

/**
 * netvsc_xdp_run() - show a received frame to the NIC's XDP program
 * @ch: the channel whose poll received it
 * @frag: the frame's pieces in the receive buffer
 * @len: its length, at most the MTU's frame (rx.c checked it)
 * @skbp: set to the skb of a passed frame; NULL if no program ran
 *
 * NAPI context.  Every verdict but XDP_PASS consumes the frame (counted
 * per queue); a frame that does not fit a page frame (a coalesced frame
 * the host should not have sent) or that finds no memory is dropped.
 *
 * Return: the verdict; XDP_PASS with *@skbp NULL when there was no
 * program, or XDP_DROP when the passed frame's skb could not be built.
 */
u32 netvsc_xdp_run(struct netvsc_chan *ch, const struct netvsc_frag *frag,
		   u32 len, struct sk_buff **skbp)
{
	struct netvsc_dev *nd = ch->nd;
	struct net_device *ndev = nd->ndev;
	struct bpf_prog *prog;
	struct xdp_buff xdp;
	struct page *page;
	u32 act, off = 0;
	int ret;

	*skbp = NULL;
	rcu_read_lock();
	prog = rcu_dereference(nd->xdp_prog);
	if (!prog) {
		rcu_read_unlock();
		return XDP_PASS;
	}
	if (len > NETVSC_XDP_FRAME_MAX) {
		netvsc_xdp_count(ch, &ch->rx_stats.xdp_drop);
		rcu_read_unlock();
		return XDP_DROP;
	}
	page = dev_alloc_page();
	if (!page) {
		atomic_long_inc(&nd->rx_dropped);
		rcu_read_unlock();
		return XDP_DROP;
	}
	hvg_xdp_buff_init(&xdp, &ch->xdp_rxq, (u8 *)page_address(page),
			  XDP_PACKET_HEADROOM, len, PAGE_SIZE);
	netvsc_rx_copy(&frag, &off, xdp.data, len);

	act = bpf_prog_run_xdp(prog, &xdp);
	switch (act) {
	case XDP_PASS:
		*skbp = netvsc_xdp_skb(ch, &xdp);
		if (*skbp) {
			page = NULL;
			break;
		}
		atomic_long_inc(&nd->rx_dropped);
		act = XDP_DROP;
		break;
	case XDP_TX:
		ret = netvsc_xmit_xdp(ch, xdp.data, xdp.data_end - xdp.data, false);
		if (!ret) {
			netvsc_xdp_count(ch, &ch->rx_stats.xdp_tx);
			break;
		}
		atomic_long_inc(&nd->tx_dropped);
		trace_xdp_exception(ndev, prog, act);
		break;
	case XDP_REDIRECT:
		if (!xdp_do_redirect(ndev, &xdp, prog)) {
			/* The page is the target's now */
			page = NULL;
			ch->xdp_flush = true;
			netvsc_xdp_count(ch, &ch->rx_stats.xdp_redirect);
			break;
		}
		trace_xdp_exception(ndev, prog, act);
		netvsc_xdp_count(ch, &ch->rx_stats.xdp_drop);
		break;
	default:
		hvg_bpf_warn_invalid_xdp_action(ndev, prog, act);
		fallthrough;
	case XDP_ABORTED:
		trace_xdp_exception(ndev, prog, act);
		fallthrough;
	case XDP_DROP:
		netvsc_xdp_count(ch, &ch->rx_stats.xdp_drop);
		break;
	}
	rcu_read_unlock();
	if (page)
		__free_page(page);
	return act;
}

/**
 * netvsc_xdp_poll_end() - the receive poll of @ch is done
 * @ch: the channel
 *
 * Sends what its frames were redirected to on its way.
 */
void netvsc_xdp_poll_end(struct netvsc_chan *ch)
{
	if (!ch->xdp_flush)
		return;
	ch->xdp_flush = false;
	xdp_do_flush();
}

/**
 * netvsc_xdp_rxq_reg() - register the XDP receive queue of a channel
 * @ch: the channel, about to open
 *
 * Its frames live in pages of their own (MEM_TYPE_PAGE_SHARED).
 *
 * Return: 0 or a negative errno.
 */
int netvsc_xdp_rxq_reg(struct netvsc_chan *ch)
{
	int ret;

	ret = hvg_xdp_rxq_info_reg(&ch->xdp_rxq, ch->nd->ndev, ch->idx,
				   ch->napi.napi_id);
	if (ret)
		return ret;
	ret = xdp_rxq_info_reg_mem_model(&ch->xdp_rxq, MEM_TYPE_PAGE_SHARED, NULL);
	if (ret)
		xdp_rxq_info_unreg(&ch->xdp_rxq);
	return ret;
}

/**
 * netvsc_xdp_rxq_unreg() - unregister it, if registered
 * @ch: the channel, closed
 */
void netvsc_xdp_rxq_unreg(struct netvsc_chan *ch)
{
	if (xdp_rxq_info_is_reg(&ch->xdp_rxq))
		xdp_rxq_info_unreg(&ch->xdp_rxq);
}

/**
 * netvsc_xdp_mtu_ok() - whether a frame of @mtu fits a page frame
 * @mtu: the MTU
 *
 * Return: true if a program may run with it.
 */
bool netvsc_xdp_mtu_ok(u32 mtu)
{
	return VLAN_ETH_HLEN + mtu <= NETVSC_XDP_FRAME_MAX;
}

/* Give @vf @prog (NULL: take it back) as its driver's ndo_bpf wants it. */
static int netvsc_xdp_vf_set(struct net_device *vf, struct bpf_prog *prog)
{
	struct netdev_bpf b = { .command = XDP_SETUP_PROG, .prog = prog };
	int ret;

	ASSERT_RTNL();
	if (!vf || !vf->netdev_ops->ndo_bpf)
		return 0;
	/* The driver owns a reference once it took the program */
	if (prog)
		bpf_prog_inc(prog);
	ret = vf->netdev_ops->ndo_bpf(vf, &b);
	if (ret && prog)
		bpf_prog_put(prog);
	return ret;
}

/**
 * netvsc_bpf() - ndo_bpf: attach or detach the NIC's program
 * @ndev: the NIC
 * @bpf: the command; XDP_SETUP_PROG only
 *
 * Refuses a program while the MTU's frame would not fit a page frame or
 * LRO is on, and one the VF refuses.  Caller holds RTNL.
 *
 * Return: 0 or a negative errno (with an extack message).
 */
int netvsc_bpf(struct net_device *ndev, struct netdev_bpf *bpf)
{
	struct netvsc_dev *nd = netdev_priv(ndev);
	struct netlink_ext_ack *extack = bpf->extack;
	struct bpf_prog *prog = bpf->prog, *old;
	struct net_device *vf;
	int ret;

	ASSERT_RTNL();
	if (bpf->command != XDP_SETUP_PROG)
		return -EINVAL;
	if (prog && !netvsc_xdp_mtu_ok(ndev->mtu)) {
		netdev_err(ndev, "XDP: MTU %u too large, frames must fit a page with %u bytes of headroom\n",
			   ndev->mtu, XDP_PACKET_HEADROOM);
		NL_SET_ERR_MSG_MOD(extack, "XDP: mtu too large");
		return -EOPNOTSUPP;
	}
	if (prog && (ndev->features & NETIF_F_LRO)) {
		netdev_err(ndev, "XDP: not supported with LRO on\n");
		NL_SET_ERR_MSG_MOD(extack, "XDP: not support LRO");
		return -EOPNOTSUPP;
	}
	vf = rtnl_dereference(nd->vf);
	ret = netvsc_xdp_vf_set(vf, prog);
	if (ret) {
		netdev_err(ndev, "XDP: VF %s refuses the program: %d\n", vf->name, ret);
		NL_SET_ERR_MSG_MOD(extack, "XDP: the VF refuses the program");
		return ret;
	}
	old = rcu_replace_pointer(nd->xdp_prog, prog, lockdep_rtnl_is_held());
	/* The poll's readers are RCU readers; programs are freed after a grace period */
	if (old)
		bpf_prog_put(old);
	if (!old != !prog)
		netdev_update_features(ndev);	/* LRO may come back, or not */
	return 0;
}

/**
 * netvsc_xdp_xmit() - ndo_xdp_xmit: send frames redirected to the NIC
 * @ndev: the NIC
 * @n: how many
 * @frames: the frames
 * @flags: XDP_XMIT_*
 *
 * By the VF while the data path is on it (if its driver can), else each
 * frame copied into a send section of this CPU's queue.  Softirq.
 *
 * Return: the frames sent (those from the first that could not be are
 * the caller's), or -EINVAL for unknown flags.
 */
int netvsc_xdp_xmit(struct net_device *ndev, int n, struct xdp_frame **frames,
		    u32 flags)
{
	struct netvsc_dev *nd = netdev_priv(ndev);
	struct netvsc_chan *ch;
	struct net_device *vf;
	int i, ret;

	if (flags & ~XDP_XMIT_FLAGS_MASK)
		return -EINVAL;
	if (READ_ONCE(nd->dp_vf)) {
		rcu_read_lock();
		vf = rcu_dereference(nd->vf);
		if (vf && netif_running(vf) && netif_carrier_ok(vf) &&
		    vf->netdev_ops->ndo_xdp_xmit) {
			ret = vf->netdev_ops->ndo_xdp_xmit(vf, n, frames, flags);
			rcu_read_unlock();
			return ret;
		}
		rcu_read_unlock();
	}
	ch = &nd->chans[smp_processor_id() % READ_ONCE(nd->nchans)];
	for (i = 0; i < n; i++) {
		if (netvsc_xmit_xdp(ch, frames[i]->data, frames[i]->len, true))
			break;
		/* Copied: done with it */
		xdp_return_frame(frames[i]);
	}
	if (i < n)
		atomic_long_add(n - i, &nd->tx_dropped);
	hvg_xdp_xmit_unsent(frames, i, n);
	return i;
}

/**
 * netvsc_xdp_vf_join() - a VF joined: it runs the NIC's program too
 * @nd: the NIC
 * @vf: the VF
 *
 * Caller holds RTNL.
 */
void netvsc_xdp_vf_join(struct netvsc_dev *nd, struct net_device *vf)
{
	struct bpf_prog *prog = rtnl_dereference(nd->xdp_prog);
	int ret;

	if (!prog)
		return;
	ret = netvsc_xdp_vf_set(vf, prog);
	if (ret)
		netdev_warn(nd->ndev, "XDP: VF %s refuses the program: %d\n",
			    vf->name, ret);
}

/**
 * netvsc_xdp_vf_leave() - a VF leaves: the NIC's program is taken back
 * @nd: the NIC
 * @vf: the VF
 *
 * Caller holds RTNL.
 */
void netvsc_xdp_vf_leave(struct netvsc_dev *nd, struct net_device *vf)
{
	if (rtnl_dereference(nd->xdp_prog))
		netvsc_xdp_vf_set(vf, NULL);
}
