// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVP host (new_device "kvp", versions 4.0,3.0 by default).  Control files
 * in dev<N>/:
 *   request    (write) "get POOL KEY", "set POOL KEY VALUE",
 *              "delete POOL KEY", "enumerate POOL INDEX", "getip [ADAPTER]",
 *              "setip [ADAPTER]" (ADAPTER: a MAC address for getip, the
 *              adapter's GUID for setip; setip asks for the static
 *              address 192.0.2.20/24, gateway 192.0.2.1, DNS 192.0.2.53);
 *              POOL is a number or external|guest|auto|auto_external|
 *              auto_internal.  Keys and values are UTF-8 here, UTF-16 on
 *              the wire.  EBUSY while the host's own items go out.
 *   answer     (read) the last answer: done (answers so far), pushing,
 *              pushed (the host's items the guest accepted), op, pool,
 *              index, status, key, value (getip: key is the adapter,
 *              value the addresses, subnets, gateways and DNS servers,
 *              each list after a '|')
 *   fault_keysize, fault_valuesize, fault_keynul, fault_valuenul,
 *   fault_oddsize, fault_surrogate, fault_valuetype, fault_op, fault_pool
 *              (counts) spoil the next N requests (see enum hvsim_kvp_fault)
 * At each successful negotiation a Hyper-V host sets its items in pool 3
 * (auto_external), one request after the other.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/mutex.h>
#include <linux/nls.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "ic.h"

#define HVSIM_KVP_KEY_BYTES	768	/* UTF-8, as the guest's daemon sees it */
#define HVSIM_KVP_VALUE_BYTES	3072

enum hvsim_kvp_fault {
	HVSIM_KVP_FAULT_NONE,
	HVSIM_KVP_FAULT_KEYSIZE,	/* key_size beyond the key field */
	HVSIM_KVP_FAULT_VALUESIZE,	/* value_size beyond the value field */
	HVSIM_KVP_FAULT_KEYNUL,		/* key fills its field, no terminator */
	HVSIM_KVP_FAULT_VALUENUL,	/* value fills its field, no terminator */
	HVSIM_KVP_FAULT_ODDSIZE,	/* key_size an odd number of bytes */
	HVSIM_KVP_FAULT_SURROGATE,	/* key starts with an unpaired surrogate */
	HVSIM_KVP_FAULT_VALUETYPE,	/* value_type 3 */
	HVSIM_KVP_FAULT_OP,		/* operation 9 */
	HVSIM_KVP_FAULT_POOL,		/* pool 7 */
	HVSIM_KVP_NR_FAULTS
};

static const char *const hvsim_kvp_fault_names[] = {
	[HVSIM_KVP_FAULT_KEYSIZE] = "keysize",
	[HVSIM_KVP_FAULT_VALUESIZE] = "valuesize",
	[HVSIM_KVP_FAULT_KEYNUL] = "keynul",
	[HVSIM_KVP_FAULT_VALUENUL] = "valuenul",
	[HVSIM_KVP_FAULT_ODDSIZE] = "oddsize",
	[HVSIM_KVP_FAULT_SURROGATE] = "surrogate",
	[HVSIM_KVP_FAULT_VALUETYPE] = "valuetype",
	[HVSIM_KVP_FAULT_OP] = "op",
	[HVSIM_KVP_FAULT_POOL] = "pool",
};

static const char *const hvsim_kvp_op_names[HVG_KVP_OP_COUNT] = {
	"get", "set", "delete", "enumerate", "getip", "setip",
};

static const char *const hvsim_kvp_pools[HVG_KVP_POOL_COUNT] = {
	"external", "guest", "auto", "auto_external", "auto_internal",
};

struct hvsim_kvp_req {
	u8 op;
	u8 pool;
	u32 index;
	char key[HVSIM_KVP_KEY_BYTES];
	char value[HVSIM_KVP_VALUE_BYTES];
};

/**
 * struct hvsim_kvp - the KVP host's state
 * @lock: everything below
 * @next: the request to send
 * @sent: the request in flight, to check the answer against
 * @faults: fault_<name> counts, by enum hvsim_kvp_fault (0 unused)
 * @done: answers so far, failed ones included
 * @status: of the last answer
 * @last: the last answer's key and value (those of @sent otherwise)
 * @push: index of the host item being pushed, or -1
 * @pushed: host items the guest accepted
 */
struct hvsim_kvp {
	struct mutex lock;
	struct hvsim_kvp_req next;
	struct hvsim_kvp_req sent;
	atomic_t faults[HVSIM_KVP_NR_FAULTS];
	u64 done;
	u32 status;
	struct hvsim_kvp_req last;
	int push;
	u32 pushed;
};

/**
 * struct hvsim_kvp_item - a pair a host sets in pool 3 at connect
 * @key: its key
 * @value: hvsim's value
 */
struct hvsim_kvp_item {
	const char *key;
	const char *value;
};

/*
 * Hyper-V fills the guest's "Guest\Parameters" (pool 3, auto-external)
 * when it connects: HostName, PhysicalHostName,
 * PhysicalHostNameFullyQualified and VirtualMachineName are the items
 * Microsoft documents (Windows Virtual PC IVMGuestOS::GetParameter,
 * "When the guest operating system starts, the following registry string
 * values are populated in the Parameters key").  OpenVMM sets nothing by
 * itself (vm/devices/hyperv_ic/src/kvp.rs sends only what it is asked to).
 */
static const struct hvsim_kvp_item hvsim_kvp_hyperv_items[] = {
	{ "HostName", "hvsim-host" },
	{ "PhysicalHostName", "HVSIM-HOST" },
	{ "PhysicalHostNameFullyQualified", "hvsim-host.hvsim.example" },
	{ "VirtualMachineName", "hvsim-vm" },
	{ }
};

static const struct hvsim_kvp_item *const hvsim_kvp_items[HVSIM_NR_PERS] = {
	[HVSIM_PERS_WS2012R2] = hvsim_kvp_hyperv_items,
	[HVSIM_PERS_WS2016] = hvsim_kvp_hyperv_items,
	[HVSIM_PERS_WS2019] = hvsim_kvp_hyperv_items,
	[HVSIM_PERS_AZURE] = hvsim_kvp_hyperv_items,
	[HVSIM_PERS_OPENVMM] = NULL,
};

/*
 * Make host item @i the next request, or end the push; kvp->lock held.
 * Return: a request is to be sent.
 */
static bool hvsim_kvp_push_next(struct hvsim_ic *ic, int i)
{
	const struct hvsim_kvp_item *items = hvsim_kvp_items[ic->dev->pers->id];
	struct hvsim_kvp *kvp = ic->priv;
	struct hvsim_kvp_req *r = &kvp->next;

	lockdep_assert_held(&kvp->lock);
	if (!items || !items[i].key) {
		kvp->push = -1;
		return false;
	}
	kvp->push = i;
	memset(r, 0, sizeof(*r));
	r->op = HVG_KVP_OP_SET;
	r->pool = HVG_KVP_POOL_AUTO_EXTERNAL;
	strscpy(r->key, items[i].key, sizeof(r->key));
	strscpy(r->value, items[i].value, sizeof(r->value));
	return true;
}

static void hvsim_kvp_negotiated(struct hvsim_ic *ic)
{
	struct hvsim_kvp *kvp = ic->priv;
	bool send;

	mutex_lock(&kvp->lock);
	kvp->pushed = 0;
	send = hvsim_kvp_push_next(ic, 0);
	mutex_unlock(&kvp->lock);
	if (send)
		hvsim_ic_request(ic, 0, 0);
}

static const u32 hvsim_kvp_hyperv[] = {
	HVG_IC_VERSION(4, 0), HVG_IC_VERSION(3, 0),
};

static const u32 hvsim_kvp_openvmm[] = {
	HVG_IC_VERSION(3, 0), HVG_IC_VERSION(4, 0), HVG_IC_VERSION(5, 0),
};

/*
 * Hyper-V: the versions Linux's hv_kvp.c knows from Windows 7 on
 * (WIN8_SRV_VERSION 4.0, WIN7_SRV_VERSION 3.0).  OpenVMM:
 * vm/devices/hyperv_ic/src/kvp.rs KVP_VERSIONS, in that order.
 */
static const struct hvsim_ic_versions hvsim_kvp_versions[HVSIM_NR_PERS] = {
	[HVSIM_PERS_WS2012R2] = { hvsim_kvp_hyperv, ARRAY_SIZE(hvsim_kvp_hyperv) },
	[HVSIM_PERS_WS2016] = { hvsim_kvp_hyperv, ARRAY_SIZE(hvsim_kvp_hyperv) },
	[HVSIM_PERS_WS2019] = { hvsim_kvp_hyperv, ARRAY_SIZE(hvsim_kvp_hyperv) },
	[HVSIM_PERS_AZURE] = { hvsim_kvp_hyperv, ARRAY_SIZE(hvsim_kvp_hyperv) },
	[HVSIM_PERS_OPENVMM] = { hvsim_kvp_openvmm, ARRAY_SIZE(hvsim_kvp_openvmm) },
};

/* UTF-8 @s into the UTF-16LE @field of @max bytes; its size, terminator included. */
static u32 hvsim_kvp_put(u8 *field, u32 max, const char *s)
{
	int n = utf8s_to_utf16s(s, strlen(s), UTF16_LITTLE_ENDIAN,
				(wchar_t *)field, max / 2 - 1);

	if (n < 0)
		n = 0;
	return 2 * (n + 1);
}

static void hvsim_kvp_fault_key(u8 *key, u32 *key_size, enum hvsim_kvp_fault f)
{
	switch (f) {
	case HVSIM_KVP_FAULT_KEYSIZE:
		*key_size = HVG_KVP_KEY_SIZE + 2;
		break;
	case HVSIM_KVP_FAULT_KEYNUL:
		memset(key, 'A', HVG_KVP_KEY_SIZE);
		*key_size = HVG_KVP_KEY_SIZE;
		break;
	case HVSIM_KVP_FAULT_ODDSIZE:
		*key_size |= 1;
		break;
	case HVSIM_KVP_FAULT_SURROGATE:
		key[0] = 0x00;
		key[1] = 0xd8;
		break;
	default:
		break;
	}
}

static void hvsim_kvp_fault_value(struct hvg_kvp_value *v, enum hvsim_kvp_fault f)
{
	switch (f) {
	case HVSIM_KVP_FAULT_VALUESIZE:
		v->value_size = 2 * HVG_KVP_VALUE_SIZE;
		break;
	case HVSIM_KVP_FAULT_VALUENUL:
		memset(v->value, 'B', HVG_KVP_VALUE_SIZE);
		v->value_size = HVG_KVP_VALUE_SIZE;
		break;
	case HVSIM_KVP_FAULT_VALUETYPE:
		v->value_type = 3;
		break;
	default:
		hvsim_kvp_fault_key(v->key, &v->key_size, f);
	}
}

static u32 hvsim_kvp_request(struct hvsim_ic *ic, u8 *body, u32 room)
{
	struct hvsim_kvp *kvp = ic->priv;
	struct hvg_kvp_hdr *h = (void *)body;
	void *msg = body + sizeof(*h);
	struct hvsim_kvp_req *r = &kvp->sent;
	enum hvsim_kvp_fault f;
	u32 len = sizeof(*h);

	mutex_lock(&kvp->lock);
	kvp->sent = kvp->next;
	f = hvsim_ic_fault_take(kvp->faults, HVSIM_KVP_NR_FAULTS);
	h->operation = r->op;
	h->pool = r->pool;
	switch (r->op) {
	case HVG_KVP_OP_GET:
	case HVG_KVP_OP_SET: {
		struct hvg_kvp_value *v = msg;

		v->key_size = hvsim_kvp_put(v->key, HVG_KVP_KEY_SIZE, r->key);
		if (r->op == HVG_KVP_OP_SET) {
			v->value_type = HVG_KVP_REG_SZ;
			v->value_size = hvsim_kvp_put(v->value, HVG_KVP_VALUE_SIZE,
						      r->value);
		}
		hvsim_kvp_fault_value(v, f);
		len = HVG_KVP_HOST_MSG_LEN;
		break;
	}
	case HVG_KVP_OP_DELETE: {
		struct hvg_kvp_delete *d = msg;

		d->key_size = hvsim_kvp_put(d->key, HVG_KVP_KEY_SIZE, r->key);
		hvsim_kvp_fault_key(d->key, &d->key_size, f);
		len = HVG_KVP_HOST_MSG_LEN;
		break;
	}
	case HVG_KVP_OP_ENUMERATE:
		((struct hvg_kvp_enumerate *)msg)->index = r->index;
		len = HVG_KVP_HOST_MSG_LEN;
		break;
	default: {
		struct hvg_kvp_ip_value *ip = &((struct hvg_kvp_ip_msg *)body)->ip;

		hvsim_kvp_put((u8 *)ip->adapter_id, sizeof(ip->adapter_id),
			      r->key[0] ? r->key :
			      "{00000000-0000-0000-0000-000000000000}");
		ip->addr_family = 1;	/* IPv4 */
		if (r->op == HVG_KVP_OP_SET_IP_INFO) {
			hvsim_kvp_put((u8 *)ip->ip_addr, sizeof(ip->ip_addr),
				      "192.0.2.20");
			hvsim_kvp_put((u8 *)ip->sub_net, sizeof(ip->sub_net),
				      "255.255.255.0");
			hvsim_kvp_put((u8 *)ip->gate_way, sizeof(ip->gate_way),
				      "192.0.2.1");
			hvsim_kvp_put((u8 *)ip->dns_addr, sizeof(ip->dns_addr),
				      "192.0.2.53");
		}
		len = sizeof(struct hvg_kvp_ip_msg);
	}
	}
	if (f == HVSIM_KVP_FAULT_OP)
		h->operation = 9;
	if (f == HVSIM_KVP_FAULT_POOL)
		h->pool = 7;
	mutex_unlock(&kvp->lock);
	if (f != HVSIM_KVP_FAULT_NONE)
		pr_info("fault: dev%u: kvp fault %s applied to a %s request\n",
			ic->dev->id, hvsim_kvp_fault_names[f], hvsim_kvp_op_names[r->op]);
	return min(len, room);
}

/* The guest's UTF-16LE string of @size bytes in a field of @max bytes. */
static const char *hvsim_kvp_get(const u8 *field, u32 size, u32 max,
				 char *out, u32 room)
{
	u32 n;
	int len;

	if (size < 2 || size > max || size % 2)
		return "string size out of range";
	for (n = 0; n < size / 2 && (field[2 * n] || field[2 * n + 1]); n++)
		;
	if (n != size / 2 - 1)
		return "string not terminated at its size";
	len = utf16s_to_utf8s((const wchar_t *)field, n, UTF16_LITTLE_ENDIAN,
			      out, room - 1);
	out[len] = '\0';
	return NULL;
}

/* A fixed UTF-16 field of the guest's GET_IP_INFO answer, after "|" */
static const char *hvsim_kvp_ip_field(const u16 *field, u32 max, char *out,
				      u32 room)
{
	size_t at = strlen(out);
	u32 n;
	int len;

	for (n = 0; n < max / 2 && field[n]; n++)
		;
	if (n == max / 2)
		return "address field not terminated";
	if (at + 2 >= room)
		return "addresses too long";
	if (at)
		out[at++] = '|';
	len = utf16s_to_utf8s((const wchar_t *)field, n, UTF16_LITTLE_ENDIAN,
			      out + at, room - at - 1);
	out[at + len] = '\0';
	return NULL;
}

static const char *hvsim_kvp_check_ip(struct hvsim_kvp *kvp, const u8 *body,
				      u32 len)
{
	const struct hvg_kvp_ip_value *ip = &((const struct hvg_kvp_ip_msg *)body)->ip;
	char *out = kvp->last.value;
	const char *why;

	if (len < sizeof(struct hvg_kvp_ip_msg))
		return "address answer too short";
	out[0] = '\0';
	why = hvsim_kvp_ip_field(ip->ip_addr, sizeof(ip->ip_addr), out,
				 sizeof(kvp->last.value));
	if (!why)
		why = hvsim_kvp_ip_field(ip->sub_net, sizeof(ip->sub_net), out,
					 sizeof(kvp->last.value));
	if (!why)
		why = hvsim_kvp_ip_field(ip->gate_way, sizeof(ip->gate_way), out,
					 sizeof(kvp->last.value));
	if (!why)
		why = hvsim_kvp_ip_field(ip->dns_addr, sizeof(ip->dns_addr), out,
					 sizeof(kvp->last.value));
	return why;
}

static const char *hvsim_kvp_check(struct hvsim_kvp *kvp, const u8 *body,
				   u32 len)
{
	const struct hvg_kvp_value *v = (const void *)(body + sizeof(struct hvg_kvp_hdr));
	struct hvsim_kvp_req *last = &kvp->last;
	const char *why;

	switch (kvp->sent.op) {
	case HVG_KVP_OP_GET_IP_INFO:
		return hvsim_kvp_check_ip(kvp, body, len);
	case HVG_KVP_OP_ENUMERATE:
		v = &((const struct hvg_kvp_enumerate *)v)->data;
		if (len < sizeof(struct hvg_kvp_hdr) + sizeof(struct hvg_kvp_enumerate))
			return "enumerate answer too short";
		why = hvsim_kvp_get(v->key, v->key_size, HVG_KVP_KEY_SIZE,
				    last->key, sizeof(last->key));
		if (why)
			return why;
		fallthrough;
	case HVG_KVP_OP_GET:
		if (len < sizeof(struct hvg_kvp_hdr) + sizeof(*v))
			return "answer too short for a value";
		if (v->value_type != HVG_KVP_REG_SZ)
			return "value is not a string";
		return hvsim_kvp_get(v->value, v->value_size, HVG_KVP_VALUE_SIZE,
				     last->value, sizeof(last->value));
	}
	return NULL;
}

/* Record an answer with @status; @body (@len bytes) is decoded if S_OK. */
static void hvsim_kvp_done(struct hvsim_ic *ic, u32 status, const u8 *body,
			   u32 len)
{
	struct hvsim_kvp *kvp = ic->priv;
	const char *why = NULL;
	bool send = false;

	mutex_lock(&kvp->lock);
	kvp->last = kvp->sent;
	kvp->status = status;
	kvp->done++;
	if (status == HVG_IC_S_OK)
		why = hvsim_kvp_check(kvp, body, len);
	if (why) {
		kvp->status = HVG_IC_E_FAIL;
		ic->malformed++;
	}
	if (kvp->push >= 0) {
		if (kvp->status == HVG_IC_S_OK)
			kvp->pushed++;
		send = hvsim_kvp_push_next(ic, kvp->push + 1);
	}
	mutex_unlock(&kvp->lock);
	if (why)
		pr_err_ratelimited("dev%u: kvp answer: %s\n", ic->dev->id, why);
	if (send)
		hvsim_ic_request(ic, 0, 0);
}

static void hvsim_kvp_answer(struct hvsim_ic *ic, const u8 *body, u32 len)
{
	hvsim_kvp_done(ic, HVG_IC_S_OK, body, len);
}

static void hvsim_kvp_failed(struct hvsim_ic *ic, u32 status)
{
	hvsim_kvp_done(ic, status, NULL, 0);
}

/* ---- Control files ---------------------------------------------------------- */

static int hvsim_kvp_parse_pool(const char *s, u8 *pool)
{
	int i = match_string(hvsim_kvp_pools, ARRAY_SIZE(hvsim_kvp_pools), s);

	if (i >= 0) {
		*pool = i;
		return 0;
	}
	return kstrtou8(s, 0, pool) ? -EINVAL : 0;
}

/* A UTF-8 string the host can send: valid, short enough for @max bytes. */
static int hvsim_kvp_parse_str(const char *s, char *out, u32 room, u32 max)
{
	wchar_t *tmp;
	int n;

	if (!s || strlen(s) >= room)
		return -EINVAL;
	tmp = kmalloc(max, GFP_KERNEL);
	if (!tmp)
		return -ENOMEM;
	n = utf8s_to_utf16s(s, strlen(s), UTF16_LITTLE_ENDIAN, tmp, max / 2);
	kfree(tmp);
	if (n < 0 || n >= max / 2)
		return -EINVAL;
	strscpy(out, s, room);
	return 0;
}

static int hvsim_kvp_parse(char *buf, struct hvsim_kvp_req *r)
{
	char *p = strim(buf), *op = strsep(&p, " \t"), *tok;
	int i = match_string(hvsim_kvp_op_names, ARRAY_SIZE(hvsim_kvp_op_names), op);
	int ret = 0;

	if (i < 0)
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	r->op = i;
	tok = strsep(&p, " \t");
	if (r->op >= HVG_KVP_OP_GET_IP_INFO)
		return !tok ? 0 : p ? -EINVAL :
		       hvsim_kvp_parse_str(tok, r->key, sizeof(r->key),
					   sizeof_field(struct hvg_kvp_ip_value,
							adapter_id));
	if (!tok || hvsim_kvp_parse_pool(tok, &r->pool))
		return -EINVAL;
	tok = strsep(&p, " \t");
	if (r->op == HVG_KVP_OP_ENUMERATE)
		return tok && !p ? kstrtou32(tok, 0, &r->index) : -EINVAL;
	ret = hvsim_kvp_parse_str(tok, r->key, sizeof(r->key), HVG_KVP_KEY_SIZE);
	if (ret)
		return ret;
	if (r->op == HVG_KVP_OP_SET)
		return hvsim_kvp_parse_str(p ? p : "", r->value, sizeof(r->value),
					   HVG_KVP_VALUE_SIZE);
	return p ? -EINVAL : 0;
}

static ssize_t hvsim_kvp_request_write(struct file *file, const char __user *ubuf,
				       size_t count, loff_t *ppos)
{
	struct hvsim_ic *ic = file->private_data;
	struct hvsim_kvp *kvp = ic->priv;
	struct hvsim_kvp_req *r;
	char *buf;
	int ret;

	if (!count || count > HVSIM_KVP_KEY_BYTES + HVSIM_KVP_VALUE_BYTES)
		return -EINVAL;
	buf = memdup_user_nul(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	r = kmalloc(sizeof(*r), GFP_KERNEL);
	ret = r ? hvsim_kvp_parse(buf, r) : -ENOMEM;
	/*
	 * OpenVMM sends address requests only in the binary form of version
	 * 5.0 (kvp.rs prepare_get_ip_info), which hvsim does not emulate.
	 */
	if (!ret && r->op >= HVG_KVP_OP_GET_IP_INFO &&
	    ic->dev->pers->id == HVSIM_PERS_OPENVMM)
		ret = -EOPNOTSUPP;
	if (!ret) {
		mutex_lock(&kvp->lock);
		if (kvp->push >= 0)
			ret = -EBUSY;	/* the host's items go first */
		else
			kvp->next = *r;
		mutex_unlock(&kvp->lock);
	}
	if (!ret)
		hvsim_ic_request(ic, 0, 0);
	kfree(r);
	kfree(buf);
	return ret ? ret : count;
}

static const struct file_operations hvsim_kvp_request_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = hvsim_kvp_request_write,
};

static int hvsim_kvp_answer_show(struct seq_file *s, void *unused)
{
	struct hvsim_kvp *kvp = s->private;
	struct hvsim_kvp_req *r = &kvp->last;

	mutex_lock(&kvp->lock);
	seq_printf(s, "done: %llu\npushing: %s\npushed: %u\n", kvp->done,
		   kvp->push >= 0 ? "yes" : "no", kvp->pushed);
	seq_printf(s, "op: %s\npool: %u\nindex: %u\nstatus: %#x\n",
		   hvsim_kvp_op_names[r->op], r->pool, r->index, kvp->status);
	seq_printf(s, "key: %s\nvalue: %s\n", r->key, r->value);
	mutex_unlock(&kvp->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hvsim_kvp_answer);

static int hvsim_kvp_create(struct hvsim_ic *ic)
{
	struct hvsim_kvp *kvp = kzalloc(sizeof(*kvp), GFP_KERNEL);

	if (!kvp)
		return -ENOMEM;
	mutex_init(&kvp->lock);
	kvp->push = -1;
	ic->priv = kvp;
	debugfs_create_file("request", 0200, ic->dev->dir, ic,
			    &hvsim_kvp_request_fops);
	debugfs_create_file("answer", 0444, ic->dev->dir, kvp,
			    &hvsim_kvp_answer_fops);
	hvsim_ic_fault_files(ic, hvsim_kvp_fault_names, kvp->faults,
			     HVSIM_KVP_NR_FAULTS);
	return 0;
}

static void hvsim_kvp_destroy(struct hvsim_ic *ic)
{
	kfree(ic->priv);
}

static const struct hvsim_ic_ops hvsim_kvp_ops = {
	.msgtype = ICMSGTYPE_KVPEXCHANGE,
	.versions = hvsim_kvp_versions,
	.create = hvsim_kvp_create,
	.destroy = hvsim_kvp_destroy,
	.request = hvsim_kvp_request,
	.answer = hvsim_kvp_answer,
	.failed = hvsim_kvp_failed,
	.negotiated = hvsim_kvp_negotiated,
};

static int hvsim_kvp_dev_create(struct hvsim_dev *dev, char *args)
{
	return hvsim_ic_create(dev, args, &hvsim_kvp_ops);
}

const struct hvsim_service hvsim_ic_kvp_svc = {
	.name = "kvp",
	.class_id = HVG_IC_KVP_GUID,
	.no_monitor = true,
	.create = hvsim_kvp_dev_create,
	.destroy = hvsim_ic_destroy,
	.open = hvsim_ic_open,
	.close = hvsim_ic_close,
	.service = hvsim_ic_service,
	.show = hvsim_ic_show,
};
