// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host's channel-message state machine: version negotiation, offers,
 * open/close, channel modification and unload.  GPADL messages are handled
 * in gpadl.c.
 *
 * Every message from the guest is validated; an invalid one is reported
 * (rate limited) and ignored, or answered with a failure status where the
 * protocol has one.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "hvsim.h"

static const u32 hvsim_versions[] = {
	VERSION_WIN7, VERSION_WIN8, VERSION_WIN8_1, VERSION_WIN10,
	VERSION_WIN10_V4_1, VERSION_WIN10_V5, VERSION_WIN10_V5_1,
	VERSION_WIN10_V5_2, VERSION_WIN10_V5_3,
};

bool hvsim_version_known(u32 version)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hvsim_versions); i++)
		if (hvsim_versions[i] == version)
			return true;
	return false;
}

/*
 * The message connection id a host names in its VERSION_RESPONSE to a 5.0+
 * INITIATE_CONTACT, which the guest then posts to (Linux connection.c
 * vmbus_negotiate_version()).  OpenVMM names the id of its primary message
 * port, 1 for a VTL0 server without redirection (vmbus_server lib.rs
 * MESSAGE_CONNECTION_ID, channels.rs send_version_response_with_target(),
 * child_connection_id).  What Windows names is not public; hvsim names 4,
 * the connection the request came in on.  Hosts before 5.0 never name one.
 */
static const u32 hvsim_msg_conn_id[HVSIM_NR_PERS] = {
	[HVSIM_PERS_WS2012R2] = 0,
	[HVSIM_PERS_WS2016] = 0,
	[HVSIM_PERS_WS2019] = VMBUS_MESSAGE_CONNECTION_ID_4,
	[HVSIM_PERS_AZURE] = VMBUS_MESSAGE_CONNECTION_ID_4,
	[HVSIM_PERS_OPENVMM] = VMBUS_MESSAGE_CONNECTION_ID,
};

/* VERSION_RESPONSE connection_state (OpenVMM protocol.rs ConnectionState) */
#define HVSIM_CONN_FAILED_UNKNOWN	2

static bool hvsim_vp_ok(u32 vp)
{
	return vp < nr_cpu_ids && cpu_possible(vp);
}

/* ---- Connection ------------------------------------------------------------ */

static void *hvsim_map_gpa(u64 gpa)
{
	u64 pfn = gpa >> PAGE_SHIFT;

	if (!gpa || !PAGE_ALIGNED(gpa))
		return NULL;
	return hvsim_map_guest(&pfn, 1);
}

static void hvsim_unmap_pages(void)
{
	unsigned int i;

	spin_lock_irq(&hvsim.chan_lock);
	hvsim.mon_page = NULL;
	hvsim.int_send = NULL;
	spin_unlock_irq(&hvsim.chan_lock);
	vunmap(hvsim.int_page);
	hvsim.int_page = NULL;
	for (i = 0; i < ARRAY_SIZE(hvsim.mon_pages); i++) {
		vunmap(hvsim.mon_pages[i]);
		hvsim.mon_pages[i] = NULL;
	}
}

/* Map the pages INITIATE_CONTACT names; NULL or the reason for refusing. */
static const char *hvsim_map_contact(const struct vmbus_channel_initiate_contact *ic)
{
	u32 v = ic->vmbus_version_requested;

	if (v >= VERSION_WIN10_V5) {
		if (ic->msg_sint != HVG_VMBUS_SINT || ic->msg_vtl)
			return "msg_sint is not 2 or msg_vtl is not 0";
	} else {
		hvsim.int_page = hvsim_map_gpa(ic->interrupt_page);
		if (!hvsim.int_page)
			return "invalid interrupt page";
	}
	if (ic->monitor_page1 == ic->monitor_page2)
		return "monitor pages missing or identical";
	hvsim.mon_pages[0] = hvsim_map_gpa(ic->monitor_page1);
	hvsim.mon_pages[1] = hvsim_map_gpa(ic->monitor_page2);
	if (!hvsim.mon_pages[0] || !hvsim.mon_pages[1])
		return "invalid monitor page";

	spin_lock_irq(&hvsim.chan_lock);
	hvsim.mon_page = hvsim.mon_pages[1];
	if (v == VERSION_WIN7)
		hvsim.int_send = (unsigned long *)((u8 *)hvsim.int_page +
						   PAGE_SIZE / 2);
	spin_unlock_irq(&hvsim.chan_lock);
	return NULL;
}

static void hvsim_on_initiate(const void *msg, u32 size)
{
	const struct vmbus_channel_initiate_contact *ic = msg;
	struct vmbus_channel_version_response resp = {
		.header.msgtype = CHANNELMSG_VERSION_RESPONSE,
	};
	u32 v = ic->vmbus_version_requested;
	const char *why;
	char buf[16];

	if (!hvsim_vp_ok(ic->target_vcpu)) {
		pr_err_ratelimited("INITIATE_CONTACT: target_vcpu %u does not exist, ignored\n",
				   ic->target_vcpu);
		return;
	}
	/*
	 * A guest that contacts the host again without UNLOAD left a
	 * connection behind.  OpenVMM takes the new contact as an UNLOAD
	 * followed by it: every channel and GPADL released, then the contact
	 * handled (channels.rs initiate_contact(), request_disconnect() with
	 * ConnectionAction::Reconnect).  What Windows does is not public;
	 * its personalities refuse it (version_supported 0), the stricter.
	 */
	if (hvsim.version && hvsim_pers->id == HVSIM_PERS_OPENVMM) {
		pr_err_ratelimited("INITIATE_CONTACT while connected at %s without UNLOAD: connection reset first\n",
				   hvsim_version_str(hvsim.version, buf, sizeof(buf)));
		hvsim_reset_connection();
	} else if (hvsim.version) {
		pr_err_ratelimited("INITIATE_CONTACT while connected at %s refused; UNLOAD first\n",
				   hvsim_version_str(hvsim.version, buf, sizeof(buf)));
		hvsim_send(&resp, sizeof(resp));
		return;
	}
	hvsim.target_vcpu = ic->target_vcpu;
	if (!hvsim_version_known(v) || v > hvsim_max_version) {
		pr_info("declined VMBus version %s\n",
			hvsim_version_str(v, buf, sizeof(buf)));
		hvsim_send(&resp, sizeof(resp));
		return;
	}
	why = hvsim_map_contact(ic);
	if (why) {
		pr_err_ratelimited("INITIATE_CONTACT for %s: %s, refused\n",
				   hvsim_version_str(v, buf, sizeof(buf)), why);
		hvsim_unmap_pages();
		/*
		 * A version the host supports, with one monitor page missing:
		 * from 2.4 on the failure is reported as such (OpenVMM
		 * channels.rs initiate_contact(), MonitorPageRequest::Invalid,
		 * send_version_response_with_target()).
		 */
		if (v >= VERSION_WIN8 &&
		    !ic->monitor_page1 != !ic->monitor_page2) {
			resp.version_supported = 1;
			resp.connection_state = HVSIM_CONN_FAILED_UNKNOWN;
		}
		hvsim_send(&resp, sizeof(resp));
		return;
	}
	resp.version_supported = 1;
	/*
	 * fault_version_failed: the version is one the host speaks, but the
	 * connection failed (OpenVMM channels.rs: a VERSION_RESPONSE with
	 * version_supported set and a connection_state other than
	 * SUCCESSFUL); the host stays unconnected.
	 */
	if (hvsim_fault(HVSIM_FAULT_VERSION_FAILED)) {
		pr_info("fault: version %s supported, connection failed\n",
			hvsim_version_str(v, buf, sizeof(buf)));
		hvsim_unmap_pages();
		resp.connection_state = HVSIM_CONN_FAILED_UNKNOWN;
		hvsim_send(&resp, sizeof(resp));
		return;
	}
	WRITE_ONCE(hvsim.version, v);
	/*
	 * The last field holds the message connection id from 5.0 on, the
	 * version granted before (OpenVMM channels.rs
	 * send_version_response_with_target(), selected_version_or_connection_id).
	 */
	if (v >= VERSION_WIN10_V5) {
		resp.msg_conn_id = hvsim_msg_conn_id[hvsim_pers->id];
		if (!resp.msg_conn_id)	/* host_version= above the personality's */
			resp.msg_conn_id = VMBUS_MESSAGE_CONNECTION_ID_4;
		/* fault_version_conn0: a connection id no message can use */
		if (hvsim_fault(HVSIM_FAULT_VERSION_CONN0)) {
			pr_info("fault: version %s granted with message connection id 0\n",
				hvsim_version_str(v, buf, sizeof(buf)));
			resp.msg_conn_id = 0;
		}
	} else {
		resp.msg_conn_id = v;
	}
	hvsim.version_resp = resp;
	pr_info("VMBus version %s negotiated, messages to VP %u\n",
		hvsim_version_str(v, buf, sizeof(buf)), hvsim.target_vcpu);
	/*
	 * fault_version_silent: the host counts the guest connected, but its
	 * answer is lost.  A guest that gives up waiting should UNLOAD, or
	 * the host holds the connection (see hvsim_left_report()).
	 */
	if (hvsim_fault(HVSIM_FAULT_VERSION_SILENT)) {
		pr_info("fault: version %s granted, VERSION_RESPONSE not sent\n", buf);
		return;
	}
	hvsim_send(&resp, sizeof(resp));
}

/**
 * hvsim_reset_connection() - forget everything the guest set up
 *
 * Channels are closed and no longer offered, subchannels and rescinded
 * channels disappear, GPADLs and guest page mappings are dropped.
 */
void hvsim_reset_connection(void)
{
	struct hvsim_chan *chan, *tmp;
	struct hvsim_dev *dev;

	list_for_each_entry_safe(chan, tmp, &hvsim.chans, node) {
		if (chan->state == HVSIM_CHAN_RESCINDED || chan->subidx ||
		    chan->stray) {
			hvsim_chan_free(chan);
			continue;
		}
		hvsim_chan_close(chan);
		chan->offered = false;
	}
	list_for_each_entry(dev, &hvsim.devs, node)
		dev->nsub = 0;
	hvsim_gpadl_free_all();
	hvsim_unmap_pages();
	hvsim_drop_held();
	WRITE_ONCE(hvsim.version, 0);
	hvsim.offers_requested = false;
}

static void hvsim_on_unload(const void *msg, u32 size)
{
	struct vmbus_channel_message_header resp = {
		.msgtype = CHANNELMSG_UNLOAD_RESPONSE,
	};

	hvsim_reset_connection();
	hvsim.unloads++;
	pr_info("guest unloaded VMBus\n");
	hvsim_send(&resp, sizeof(resp));
}

static void hvsim_on_request_offers(const void *msg, u32 size)
{
	struct vmbus_channel_message_header done = {
		.msgtype = CHANNELMSG_ALLOFFERS_DELIVERED,
	};
	struct hvsim_chan *chan;

	if (hvsim.offers_requested) {
		pr_err_ratelimited("REQUESTOFFERS sent twice, ignored\n");
		return;
	}
	hvsim.offers_requested = true;
	list_for_each_entry(chan, &hvsim.chans, node)
		hvsim_chan_offer(chan);
	hvsim_send(&done, sizeof(done));
}

/* ---- Channels -------------------------------------------------------------- */

static const char *hvsim_open_check(const struct vmbus_channel_open_channel *o,
				    struct hvsim_chan **chanp,
				    struct hvsim_gpadl **gp)
{
	struct hvsim_chan *chan = hvsim_chan_get(o->child_relid);
	struct hvsim_gpadl *g = hvsim_gpadl_find(o->ringbuffer_gpadlhandle);
	u32 off = o->downstream_ringbuffer_pageoffset;

	if (!chan || !chan->offered)
		return "no such channel";
	if (chan->state == HVSIM_CHAN_RESCINDED)
		return "channel was rescinded";
	if (chan->state == HVSIM_CHAN_OPEN)
		return "channel already open";
	if (!g || g->relid != chan->relid)
		return "GPADL does not belong to the channel";
	if (!g->va)
		return "GPADL not complete";
	if (g->user)
		return "GPADL already holds another channel's rings";
	/* Each ring needs its header page and at least one data page. */
	if (g->npages < 4 || off < 2 || off > g->npages - 2)
		return "downstream ring offset outside the GPADL";
	if (!hvsim_vp_ok(o->target_vp))
		return "target_vp does not exist";
	*chanp = chan;
	*gp = g;
	return NULL;
}

static void hvsim_on_open(const void *msg, u32 size)
{
	const struct vmbus_channel_open_channel *o = msg;
	struct vmbus_channel_open_result res = {
		.header.msgtype = CHANNELMSG_OPENCHANNEL_RESULT,
		.child_relid = o->child_relid,
		.openid = o->openid,
	};
	struct hvsim_chan *chan = hvsim_chan_get(o->child_relid);
	struct hvsim_gpadl *g = NULL;
	const char *why;

	/*
	 * No result for a channel that cannot be opened at all: OpenVMM
	 * (channels.rs handle_open_channel()) fails the message for an
	 * unknown or already open channel and ignores it for a revoked one.
	 */
	if (!chan || !chan->offered || chan->state != HVSIM_CHAN_OFFERED) {
		pr_err_ratelimited("OPENCHANNEL relid %u: %s, no result\n",
				   o->child_relid,
				   !chan || !chan->offered ? "no such channel" :
				   chan->state == HVSIM_CHAN_OPEN ? "channel already open" :
				   "channel was rescinded");
		return;
	}
	/*
	 * The host takes the device away while the guest's open is on its
	 * way: it is rescinded (subchannels first), and the open, now of a
	 * revoked channel, gets no result.
	 */
	if (hvsim_fault(HVSIM_FAULT_RESCIND_OPEN)) {
		pr_info("fault: dev%u rescinded while the guest opens relid %u\n",
			chan->dev->id, o->child_relid);
		hvsim_dev_del(o->child_relid);
		return;
	}
	chan = NULL;
	why = hvsim_open_check(o, &chan, &g);
	if (!why && hvsim_fault(HVSIM_FAULT_OPEN_FAIL)) {
		pr_info("fault: failing OPENCHANNEL of relid %u\n",
			o->child_relid);
		res.status = HVSIM_STATUS_UNSUCCESSFUL;
	} else if (!why && hvsim_chan_open(chan, g,
					   o->downstream_ringbuffer_pageoffset,
					   o->target_vp)) {
		why = "ring header holds an invalid index";
	} else if (!why) {
		chan->openid = o->openid;
		/* Offered and rescinded while the guest waits for the open. */
		if (!chan->subidx && hvsim.version >= VERSION_WIN8 &&
		    hvsim_fault(HVSIM_FAULT_RESCIND_SUB))
			hvsim_offer_rescinded_sub(chan->dev);
	}
	if (why) {
		pr_err_ratelimited("OPENCHANNEL relid %u gpadl %u offset %u vp %u: %s\n",
				   o->child_relid, o->ringbuffer_gpadlhandle,
				   o->downstream_ringbuffer_pageoffset,
				   o->target_vp, why);
		res.status = HVSIM_STATUS_INVALID_PARAMETER;
	}
	hvsim_send(&res, sizeof(res));
	/* The channel is open: its service may act at once (a fault). */
	if (!res.status && chan->dev->svc->answered)
		chan->dev->svc->answered(chan);
}

static void hvsim_on_close(const void *msg, u32 size)
{
	const struct vmbus_channel_close_channel *c = msg;
	struct hvsim_chan *chan = hvsim_chan_get(c->child_relid);

	if (!chan || !chan->offered)
		pr_err_ratelimited("CLOSECHANNEL of unknown relid %u\n",
				   c->child_relid);
	else if (chan->state == HVSIM_CHAN_OFFERED)
		pr_err_ratelimited("CLOSECHANNEL of relid %u, which is not open\n",
				   c->child_relid);
	else
		hvsim_chan_close(chan);	/* nothing to do if rescinded */
}

static void hvsim_on_relid_released(const void *msg, u32 size)
{
	const struct vmbus_channel_relid_released *r = msg;
	struct hvsim_chan *chan = hvsim_chan_get(r->child_relid);

	if (!chan || chan->state != HVSIM_CHAN_RESCINDED)
		pr_err_ratelimited("RELID_RELEASED for relid %u, which was not rescinded\n",
				   r->child_relid);
	else
		hvsim_chan_free(chan);
}

static void hvsim_on_modify(const void *msg, u32 size)
{
	const struct vmbus_channel_modifychannel *mc = msg;
	struct vmbus_channel_modifychannel_response resp = {
		.header.msgtype = CHANNELMSG_MODIFYCHANNEL_RESPONSE,
		.child_relid = mc->child_relid,
	};
	struct hvsim_chan *chan = hvsim_chan_get(mc->child_relid);
	const char *why = NULL;

	/*
	 * The host takes the device away while the guest waits for the
	 * response: it is rescinded (subchannels first), and the request,
	 * now of a revoked channel, is not answered.
	 */
	if (chan && chan->state == HVSIM_CHAN_OPEN &&
	    hvsim_fault(HVSIM_FAULT_RESCIND_MODIFY)) {
		pr_info("fault: dev%u rescinded while the guest moves relid %u\n",
			chan->dev->id, mc->child_relid);
		hvsim_dev_del(mc->child_relid);
		return;
	}
	if (!chan || chan->state != HVSIM_CHAN_OPEN)
		why = "channel is not open";
	else if (!hvsim_vp_ok(mc->target_vp))
		why = "target_vp does not exist";
	else if (hvsim_fault(HVSIM_FAULT_MODIFY_FAIL))
		why = "fault: refused";
	if (why) {
		pr_err_ratelimited("MODIFYCHANNEL relid %u vp %u: %s\n",
				   mc->child_relid, mc->target_vp, why);
		/* OpenVMM channels.rs handle_modify_channel() */
		resp.status = HVSIM_VMBUS_STATUS_UNSUCCESSFUL;
	} else {
		chan->target_vp = mc->target_vp;
	}
	/* Only 5.3 has the response (OpenVMM send_modify_channel_response()). */
	if (hvsim.version >= VERSION_WIN10_V5_3)
		hvsim_send(&resp, sizeof(resp));
}

/* ---- Dispatch --------------------------------------------------------------- */

struct hvsim_handler {
	const char *name;
	u32 min_size;
	u32 min_version;	/* 0: also valid before the connection */
	void (*fn)(const void *msg, u32 size);
};

#define HVSIM_HANDLER(type, msgstruct, ver, func) \
	[CHANNELMSG_##type] = { #type, sizeof(msgstruct), ver, func }

static const struct hvsim_handler hvsim_handlers[CHANNELMSG_COUNT] = {
	HVSIM_HANDLER(REQUESTOFFERS, struct vmbus_channel_message_header,
		      VERSION_WIN7, hvsim_on_request_offers),
	HVSIM_HANDLER(OPENCHANNEL, struct vmbus_channel_open_channel,
		      VERSION_WIN7, hvsim_on_open),
	HVSIM_HANDLER(CLOSECHANNEL, struct vmbus_channel_close_channel,
		      VERSION_WIN7, hvsim_on_close),
	HVSIM_HANDLER(GPADL_HEADER, struct vmbus_channel_gpadl_header,
		      VERSION_WIN7, hvsim_gpadl_header),
	HVSIM_HANDLER(GPADL_BODY, struct vmbus_channel_gpadl_body,
		      VERSION_WIN7, hvsim_gpadl_body),
	HVSIM_HANDLER(GPADL_TEARDOWN, struct vmbus_channel_gpadl_teardown,
		      VERSION_WIN7, hvsim_gpadl_teardown),
	HVSIM_HANDLER(RELID_RELEASED, struct vmbus_channel_relid_released,
		      VERSION_WIN7, hvsim_on_relid_released),
	HVSIM_HANDLER(INITIATE_CONTACT, struct vmbus_channel_initiate_contact,
		      0, hvsim_on_initiate),
	HVSIM_HANDLER(UNLOAD, struct vmbus_channel_message_header,
		      0, hvsim_on_unload),
	HVSIM_HANDLER(MODIFYCHANNEL, struct vmbus_channel_modifychannel,
		      VERSION_WIN10_V4_1, hvsim_on_modify),
	/* OpenVMM protocol.rs: TL_CONNECT_REQUEST from Win10 (4.0) on */
	HVSIM_HANDLER(TL_CONNECT_REQUEST, struct vmbus_channel_tl_connect_request,
		      VERSION_WIN10, hvsim_hvsock_tl_connect),
};

static void hvsim_handle(const void *msg, u32 size)
{
	const struct vmbus_channel_message_header *hdr = msg;
	const struct hvsim_handler *h = NULL;

	if (hdr->msgtype < CHANNELMSG_COUNT)
		h = &hvsim_handlers[hdr->msgtype];
	if (!h || !h->fn) {
		pr_err_ratelimited("message type %u is not one a guest sends, ignored\n",
				   hdr->msgtype);
		return;
	}
	if (size < h->min_size) {
		pr_err_ratelimited("%s of %u bytes, expected at least %u, ignored\n",
				   h->name, size, h->min_size);
		return;
	}
	if (hvsim.version < h->min_version) {
		pr_err_ratelimited("%s %s, ignored\n", h->name,
				   hvsim.version ? "not valid at the negotiated version" :
				   "before INITIATE_CONTACT");
		return;
	}
	hvsim_release_held(hdr->msgtype);
	h->fn(msg, size);
}

/* The host worker: process what the guest posted, in order. */
void hvsim_msg_work(struct work_struct *work)
{
	struct hvsim_msg *m;

	while ((m = hvsim_in_pop())) {
		down_write(&hvsim.lock);
		hvsim_handle(m->data, m->size);
		up_write(&hvsim.lock);
		kfree(m);
	}
}
