/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every difference between the supported kernels (Debian's 5.10, 6.1 and
 * 6.12) lives here, so that the drivers carry no version checks.
 */
#ifndef _HVGUEST_COMPAT_H
#define _HVGUEST_COMPAT_H

#include <linux/version.h>

#ifdef __ASSEMBLY__
/*
 * Code that nothing reaches by an indirect branch, whose address is still
 * taken (the hypercall page, backend_own_page.S): objtool's IBT check
 * (5.18 on) wants it annotated.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 18, 0)
#include <linux/objtool.h>
#define HVG_ASM_NOENDBR	ANNOTATE_NOENDBR
#else
#define HVG_ASM_NOENDBR
#endif
#else /* !__ASSEMBLY__ */
#include <linux/device.h>
#include <linux/highmem.h>
#include <linux/irq_work.h>
#include <linux/netdevice.h>

/* skb_gso_segment() moved to its own header in 6.4. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#include <net/gso.h>
#endif

/* bus_type callbacks took const arguments over time. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#define HVG_UEVENT_CONST const
#else
#define HVG_UEVENT_CONST
#endif

/* bus_attribute callbacks take a const bus_type from 6.3 on. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#define HVG_BUS_ATTR_CONST const
#else
#define HVG_BUS_ATTR_CONST
#endif

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define HVG_MATCH_DRV_CONST const
#else
#define HVG_MATCH_DRV_CONST
#endif

/* bus_type.remove returns void from 5.15 on: wrap a void function. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 15, 0)
#define HVG_BUS_REMOVE_WRAPPER(fn)					\
static void fn##_compat(struct device *dev) { fn(dev); }
#else
#define HVG_BUS_REMOVE_WRAPPER(fn)					\
static int fn##_compat(struct device *dev) { fn(dev); return 0; }
#endif

/* The arch hook that routes the Hyper-V callback vector to VMBus. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 12, 0)
#define hvg_arch_set_vmbus_handler(fn)	hv_setup_vmbus_handler(fn)
#define hvg_arch_clear_vmbus_handler()	hv_remove_vmbus_handler()
#else
/* 5.10 takes an IRQ number that x86 ignores. */
#define hvg_arch_set_vmbus_handler(fn)	hv_setup_vmbus_irq(0, fn)
#define hvg_arch_clear_vmbus_handler()	hv_remove_vmbus_irq()
#endif

/* The running kernel's version, for the guest OS ID (backend_own.c). */
#define HVG_LINUX_VERSION	LINUX_VERSION_CODE

/* Short-lived page mappings: kmap_local_page() arrived in 5.11. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 11, 0)
#define kmap_local_page(page)	kmap_atomic(page)
#define kunmap_local(addr)	kunmap_atomic(addr)
#endif

/*
 * An irq_work that runs in hard interrupt context even on PREEMPT_RT.  Before
 * the flag existed (5.10) every irq_work ran there on x86.
 */
#ifdef IRQ_WORK_INIT_HARD
#define hvg_irq_work_init_hard(work, fn)	(*(work) = IRQ_WORK_INIT_HARD(fn))
#else
#define hvg_irq_work_init_hard(work, fn)	init_irq_work(work, fn)
#endif

/* ---- netvsc (issue 3) ---------------------------------------------------- */

/*
 * A VF behind the synthetic NIC must get no IPv6 address of its own.
 * addrconf skips a device with IFF_SLAVE up to 6.1, and one with the
 * private flag IFF_NO_ADDRCONF from 6.2 on (net/ipv6/addrconf.c), so the
 * VF is marked both ways.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define hvg_netdev_no_addrconf(dev)	((dev)->priv_flags |= IFF_NO_ADDRCONF)
#else
#define hvg_netdev_no_addrconf(dev)	do { } while (0)
#endif

/* netif_napi_add() lost its weight argument in 6.1. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#define hvg_napi_add(ndev, napi, poll) \
	netif_napi_add(ndev, napi, poll, NAPI_POLL_WEIGHT)
#else
#define hvg_napi_add(ndev, napi, poll) netif_napi_add(ndev, napi, poll)
#endif

/* The device's TSO limit: netif_set_tso_max_size() from 6.0 on. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 0, 0)
#define hvg_set_tso_max_size(ndev, size) netif_set_gso_max_size(ndev, size)
#else
#define hvg_set_tso_max_size(ndev, size) netif_set_tso_max_size(ndev, size)
#endif

/* netif_rx() works from any context from 5.18 on. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 18, 0)
#define hvg_netif_rx(skb) netif_rx_ni(skb)
#else
#define hvg_netif_rx(skb) netif_rx(skb)
#endif

/* ethtool ring parameters gained kernel and extack arguments in 5.17. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 17, 0)
#define HVG_RINGPARAM_ARGS \
	, struct kernel_ethtool_ringparam *kring, struct netlink_ext_ack *extack
#else
#define HVG_RINGPARAM_ARGS
#endif

/*
 * get_rxfh/set_rxfh take struct ethtool_rxfh_param from 6.8 on.
 * HVG_ETHTOOL_RXFH(pfx) defines pfx_get_rxfh() and pfx_set_rxfh() for the
 * ethtool_ops, calling
 *	int pfx_rxfh_get(struct net_device *, u32 *indir, u8 *key, u8 *hfunc);
 *	int pfx_rxfh_set(struct net_device *, const u32 *indir, const u8 *key,
 *			 u8 hfunc);
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
#define HVG_ETHTOOL_RXFH(pfx)						\
static int pfx##_get_rxfh(struct net_device *ndev,			\
			  struct ethtool_rxfh_param *p)			\
{									\
	return pfx##_rxfh_get(ndev, p->indir, p->key, &p->hfunc);	\
}									\
static int pfx##_set_rxfh(struct net_device *ndev,			\
			  struct ethtool_rxfh_param *p,			\
			  struct netlink_ext_ack *extack)		\
{									\
	return pfx##_rxfh_set(ndev, p->indir, p->key, p->hfunc);	\
}
#else
#define HVG_ETHTOOL_RXFH(pfx)						\
static int pfx##_get_rxfh(struct net_device *ndev, u32 *indir, u8 *key,	\
			  u8 *hfunc)					\
{									\
	u8 unused;							\
									\
	return pfx##_rxfh_get(ndev, indir, key, hfunc ? hfunc : &unused); \
}									\
static int pfx##_set_rxfh(struct net_device *ndev, const u32 *indir,	\
			  const u8 *key, const u8 hfunc)		\
{									\
	return pfx##_rxfh_set(ndev, indir, key, hfunc);			\
}
#endif

/* The page_pool helpers moved to their own directory in 6.6. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#include <net/page_pool/helpers.h>
#else
#include <net/page_pool.h>
#endif

/*
 * A page of @pool becomes a fragment of @skb.  From 5.14 on the skb gives
 * it back to the pool when freed; before, the pool lets go of it and the
 * skb frees it as any page.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 14, 0)
#define hvg_skb_pool_page(pool, skb, page) skb_mark_for_recycle(skb)
#else
#define hvg_skb_pool_page(pool, skb, page) page_pool_release_page(pool, page)
#endif

/*
 * XDP (netvsc's xdp.c, hvsim's VF): only where <net/xdp.h> and
 * <linux/filter.h> were included before this header.
 */
#if defined(__LINUX_NET_XDP_H__) && defined(__LINUX_FILTER_H__)
/* xdp_init_buff() and xdp_prepare_buff() came in 5.12. */
static inline void hvg_xdp_buff_init(struct xdp_buff *xdp,
				     struct xdp_rxq_info *rxq,
				     unsigned char *start,
				     unsigned int headroom, unsigned int len,
				     u32 frame_sz)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 12, 0)
	xdp_init_buff(xdp, frame_sz, rxq);
	xdp_prepare_buff(xdp, start, headroom, len, true);
#else
	xdp->frame_sz = frame_sz;
	xdp->rxq = rxq;
	xdp->data_hard_start = start;
	xdp->data = start + headroom;
	xdp->data_end = xdp->data + len;
	xdp->data_meta = xdp->data;
#endif
}

/* bpf_warn_invalid_xdp_action() names the device and program from 5.17. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 17, 0)
#define hvg_bpf_warn_invalid_xdp_action(dev, prog, act) \
	bpf_warn_invalid_xdp_action(dev, prog, act)
#else
#define hvg_bpf_warn_invalid_xdp_action(dev, prog, act) \
	bpf_warn_invalid_xdp_action(act)
#endif

/* xdp_rxq_info_reg() takes the NAPI id from 5.11 on. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 11, 0)
#define hvg_xdp_rxq_info_reg(rxq, dev, q, napi_id) \
	xdp_rxq_info_reg(rxq, dev, q, napi_id)
#else
#define hvg_xdp_rxq_info_reg(rxq, dev, q, napi_id) \
	xdp_rxq_info_reg(rxq, dev, q)
#endif

/*
 * A device says which XDP actions it supports from 6.3 on (and must, to
 * be a redirect target, from then on).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#define hvg_xdp_features_set(dev) \
	((dev)->xdp_features = NETDEV_XDP_ACT_BASIC | NETDEV_XDP_ACT_REDIRECT | \
			       NETDEV_XDP_ACT_NDO_XMIT)
#else
#define hvg_xdp_features_set(dev) do { } while (0)
#endif

/*
 * ndo_xdp_xmit() frames that were not sent: from 5.13 the caller frees
 * them; before, the driver does.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 13, 0)
#define hvg_xdp_xmit_unsent(frames, from, n) do { } while (0)
#else
#define hvg_xdp_xmit_unsent(frames, from, n)				\
	do {								\
		int __i;						\
									\
		for (__i = (from); __i < (n); __i++)			\
			xdp_return_frame((frames)[__i]);		\
	} while (0)
#endif

/*
 * Generic XDP on an skb at its network header (hvsim's VF): the skb
 * became a reference in 6.8 (the function may replace it).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
#define hvg_do_xdp_generic(prog, skb)	do_xdp_generic(prog, &(skb))
#else
#define hvg_do_xdp_generic(prog, skb)	do_xdp_generic(prog, skb)
#endif
#endif /* __LINUX_NET_XDP_H__ && __LINUX_FILTER_H__ */

/* ---- packaging / kernel matrix (issue 6) ---------------------------------- */

/* The get_unaligned_*() helpers moved from asm/ to linux/ in 6.12. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/* ---- storvsc (issue 4) ---------------------------------------------------- */

struct scsi_cmnd;

/* scsi_done() replaced cmd->scsi_done() in 5.16. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 16, 0)
#define hvg_scsi_done(cmd)	((cmd)->scsi_done(cmd))
#else
#define hvg_scsi_done(cmd)	scsi_done(cmd)
#endif

/* scsi_host_busy_iter() callbacks lost their "reserved" argument in 5.18. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 18, 0)
#define HVG_BUSY_ITER_RESERVED_ARG	, bool reserved
#else
#define HVG_BUSY_ITER_RESERVED_ARG
#endif

/*
 * eh_timed_out returns enum scsi_timeout_action from 6.2 on; before, "let
 * the error handler have it" was BLK_EH_DONE.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define hvg_eh_timeout_ret		enum scsi_timeout_action
#define HVG_EH_RESET_TIMER		SCSI_EH_RESET_TIMER
#define HVG_EH_NOT_HANDLED		SCSI_EH_NOT_HANDLED
#else
#define hvg_eh_timeout_ret		enum blk_eh_timer_return
#define HVG_EH_RESET_TIMER		BLK_EH_RESET_TIMER
#define HVG_EH_NOT_HANDLED		BLK_EH_DONE
#endif

/* ---- hyperv_fb (issue 5) ------------------------------------------------- */

/* Only for files that include <linux/fb.h> first. */
#ifdef _LINUX_FB_H
/*
 * Deferred I/O: before 5.19 the page list holds the struct pages themselves
 * (on ->lru, offset in ->index) and fb_deferred_io_init() cannot fail.
 */
static inline void hvg_defio_range(struct list_head *pages, unsigned long *lo,
				   unsigned long *hi)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 19, 0)
	struct page *ref;
#define HVG_DEFIO_OFFSET(ref)	((unsigned long)(ref)->index << PAGE_SHIFT)
#define HVG_DEFIO_LIST		lru
#else
	struct fb_deferred_io_pageref *ref;
#define HVG_DEFIO_OFFSET(ref)	((ref)->offset)
#define HVG_DEFIO_LIST		list
#endif
	*lo = ULONG_MAX;
	*hi = 0;
	list_for_each_entry(ref, pages, HVG_DEFIO_LIST) {
		*lo = min(*lo, HVG_DEFIO_OFFSET(ref));
		*hi = max(*hi, HVG_DEFIO_OFFSET(ref) + PAGE_SIZE);
	}
#undef HVG_DEFIO_OFFSET
#undef HVG_DEFIO_LIST
}

/*
 * fb_ops.fb_mmap of a deferred-I/O framebuffer: fb_deferred_io_mmap() is
 * exported from 5.18 on; before, the fbdev core maps such a framebuffer
 * through deferred I/O itself when fb_mmap is NULL.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 18, 0)
#define HVG_FB_DEFIO_MMAP	NULL
#else
#define HVG_FB_DEFIO_MMAP	fb_deferred_io_mmap
#endif

static inline int hvg_fb_deferred_io_init(struct fb_info *info)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 19, 0)
	fb_deferred_io_init(info);
	return 0;
#else
	return fb_deferred_io_init(info);
#endif
}
#endif /* _LINUX_FB_H */

/* 6.16 renamed the 64-bit MSR accessors rdmsrl/wrmsrl to rdmsrq/wrmsrq. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 16, 0)
#define hvg_rdmsr(msr, val)	rdmsrq(msr, val)
#define hvg_wrmsr(msr, val)	wrmsrq(msr, val)
#else
#define hvg_rdmsr(msr, val)	rdmsrl(msr, val)
#define hvg_wrmsr(msr, val)	wrmsrl(msr, val)
#endif

/*
 * 6.13 added hrtimer_setup() (timer, callback, clock, mode) and later
 * releases removed hrtimer_init() (absent from 7.2's headers).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define hvg_hrtimer_setup(timer, fn, clock, mode)	\
	hrtimer_setup(timer, fn, clock, mode)
#else
#define hvg_hrtimer_setup(timer, fn, clock, mode)	\
	do {						\
		hrtimer_init(timer, clock, mode);	\
		(timer)->function = fn;			\
	} while (0)
#endif

/*
 * bin_attribute: 6.13 made the mmap() callback take a const attribute; the
 * attribute group's bin_attrs became an array of const pointers (7.2 and 7.3
 * headers; 6.12's is not; 6.17 finished that change upstream).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define HVG_BIN_ATTR_CB_CONST	const
#else
#define HVG_BIN_ATTR_CB_CONST
#endif
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 17, 0)
#define HVG_BIN_ATTRS_CONST	const
#else
#define HVG_BIN_ATTRS_CONST
#endif

/*
 * .queuecommand returns enum scsi_qc_status (its values are the
 * SCSI_MLQUEUE_* codes) in 7.2 and 7.3, int in 6.12 and before; the
 * release between that changed it (6.19) is not in the matrix.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 19, 0)
#define hvg_scsi_qc_t		enum scsi_qc_status
#else
#define hvg_scsi_qc_t		int
#endif

/*
 * hex_to_bin() is in <linux/hex.h>, which 6.12's kernel.h still includes
 * and 7.x's no longer does (6.1 has neither the header nor the need).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/hex.h>
#endif

/*
 * Whether the kernel set up the Hyper-V hypercall page.  6.17 calls the
 * hypercall through a static call and no longer exports hv_hypercall_pg;
 * hv_is_hyperv_initialized() is true once that page is set up.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 17, 0)
#define hvg_hypercall_page_ready()	hv_is_hyperv_initialized()
#else
#define hvg_hypercall_page_ready()	(hv_hypercall_pg != NULL)
#endif

/* sk_error_report() is 5.13's; before it, the socket's callback itself. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 13, 0)
#define hvg_sk_error_report(sk)	((sk)->sk_error_report(sk))
#else
#define hvg_sk_error_report(sk)	sk_error_report(sk)
#endif

/*
 * offline_and_remove_memory() lost its node argument in 5.12.  Only for
 * files that include <linux/memory_hotplug.h> before this header.
 */
#ifdef __LINUX_MEMORY_HOTPLUG_H
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 12, 0)
#define hvg_offline_and_remove_memory(start, size) \
	offline_and_remove_memory(memory_add_physaddr_to_nid(start), start, size)
#else
#define hvg_offline_and_remove_memory(start, size) \
	offline_and_remove_memory(start, size)
#endif
#endif /* __LINUX_MEMORY_HOTPLUG_H */

/*
 * kernel_bind() and kernel_connect() take a struct sockaddr_unsized * in
 * 7.2 and 7.3, a struct sockaddr * in 6.12 and before; the vsock
 * transport's stream_allow() takes the socket first in 7.2 and 7.3.  Both
 * changed in 6.19 by our reading; only 6.12 and 7.2/7.3 were checked.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 19, 0)
#define hvg_sockaddr(addr)	((struct sockaddr_unsized *)(addr))
#define HVG_VSOCK_STREAM_ALLOW(name, fn)				\
	static bool name(struct vsock_sock *vsk, u32 cid, u32 port)	\
	{								\
		return fn(cid, port);					\
	}
#else
#define hvg_sockaddr(addr)	((struct sockaddr *)(addr))
#define HVG_VSOCK_STREAM_ALLOW(name, fn)				\
	static bool name(u32 cid, u32 port)				\
	{								\
		return fn(cid, port);					\
	}
#endif

/*
 * A workqueue bound to the CPUs that queue work on it says so with
 * WQ_PERCPU from 6.17 (by our reading); 7.3 warns when alloc_workqueue()
 * gets neither WQ_PERCPU nor WQ_UNBOUND, 6.12 and before have no such flag
 * (Debian 13's 6.12.118 has it, and no warning).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 17, 0)
#define HVG_WQ_PERCPU	WQ_PERCPU
#else
#define HVG_WQ_PERCPU	0
#endif

/*
 * The kernel's own VMBus is built into its image: CONFIG_HYPERV_VMBUS=y
 * (the bus's own symbol, Debian's 7.x) or, on kernels before that symbol,
 * CONFIG_HYPERV=y.  drivers/modname.mk then names our bus hvg_vmbus,
 * and on Hyper-V the kernel's bus owns the SynIC and the devices.
 */
#if IS_BUILTIN(CONFIG_HYPERV_VMBUS) || \
	(!IS_ENABLED(CONFIG_HYPERV_VMBUS) && IS_BUILTIN(CONFIG_HYPERV))
#define HVG_KERNEL_VMBUS_BUILTIN	1
#else
#define HVG_KERNEL_VMBUS_BUILTIN	0
#endif

#endif /* !__ASSEMBLY__ */
#endif /* _HVGUEST_COMPAT_H */
