// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host fuzzer: a hostile host.  Once enabled, every message the host
 * sends the guest passes through here - channel messages (hvsim_send), ring
 * packets (hvsim_ring_write) and the RNDIS messages the network service puts
 * into the guest's receive buffer - and one in `rate` of them, chosen by a
 * hash of (seed, class, position in the class's stream), is mutated: bits
 * flipped, a length or offset field set to a boundary value, truncated,
 * extended, its descriptor or message type changed, sent twice, held back
 * behind the next one, followed by a replay of an old completion, given an
 * unknown relid or transaction id, or its device rescinded (and a new one
 * offered in its place).  The same seed mutates the same positions of each
 * class's stream, whatever the interleaving of the classes.
 *
 * A flood adds volume where a mutation costs the guest no timeout: the
 * last in-band message the host sent unasked or as a reply on a channel
 * (an input report, a keystroke, a heartbeat request, a video message, an
 * echo reply, an indirection table) is sent again and again, each copy
 * through the fuzzer with its own rate and kinds, in a stream of its own.
 *
 * The class of a message is the service of its channel; channel messages
 * of no channel (version response, ...) are class "vmbus".
 *
 * Locking: the decision needs only atomics.  Per channel state (a held
 * packet, the last completion) is taken under its own spinlock: the
 * channels of parallel services write their rings beside each other.  The
 * message state is under fz_lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <hvguest/compat.h>

#include "fuzz.h"

#define FZ_EXTEND_MAX	256	/* bytes a packet may grow by */
#define FZ_OLD_MAX	512	/* largest completion kept for replays */

enum fz_kind {
	FZ_FLIP,	/* 1..4 bits flipped */
	FZ_LEN,		/* a 16/32-bit field set to a boundary value */
	FZ_TRUNC,	/* cut short (the descriptor says so) */
	FZ_EXTEND,	/* garbage appended (the descriptor says so) */
	FZ_DESC,	/* descriptor type/offset/length/flags, or msgtype */
	FZ_DUP,		/* sent twice */
	FZ_REORDER,	/* held back until the next one is sent */
	FZ_REPLAY,	/* followed by an old completion / message again */
	FZ_ID,		/* unknown transaction id or relid */
	FZ_RESCIND,	/* the device rescinded, a new one offered */
	FZ_NR_KINDS
};

static const char *const fz_kind_names[FZ_NR_KINDS] = {
	"flip", "len", "trunc", "extend", "desc", "dup", "reorder", "replay",
	"id", "rescind",
};

/* Relative frequency of each kind among the mutations. */
static const u8 fz_weight[FZ_NR_KINDS] = {
	48, 40, 24, 16, 8, 16, 16, 16, 24, 1,
};

#define FZ_CLASS_VMBUS	10
#define FZ_NR_CLASSES	11

static const struct hvsim_service *const fz_svcs[FZ_CLASS_VMBUS] = {
	&hvsim_echo_svc, &hvsim_ic_heartbeat_svc, &hvsim_ic_shutdown_svc,
	&hvsim_ic_timesync_svc, &hvsim_ic_kvp_svc, &hvsim_scsi_svc,
	&hvsim_net_svc, &hvsim_video_svc, &hvsim_mouse_svc, &hvsim_kbd_svc,
};

struct fz_stats {
	atomic64_t seen;
	atomic64_t mutated;
	atomic64_t kind[FZ_NR_KINDS];
	atomic64_t flooded;	/* flood copies sent (in seen too) */
};

#define FZ_FLOOD_BURST	64	/* copies per channel per tick */
#define FZ_FLOOD_SALT	0xf100dULL

/* What the fuzzer keeps of one channel (by relid). */
struct fz_chan {
	spinlock_t lock;
	const struct hvsim_chan *owner;	/* compared, never followed */
	u8 *held;			/* a packet held back, or NULL */
	u32 held_len;
	u32 old_len;			/* 0: no completion kept */
	u8 old[FZ_OLD_MAX];		/* the last completion sent */
	u32 sample_len;			/* 0: no in-band packet kept */
	u8 sample[FZ_OLD_MAX];		/* the last in-band packet: floods */
};

struct fz_rng {
	u64 s;
	u64 idx;	/* the message's position in its class's stream */
};

/* Hooks active: set once the fuzzer was first enabled. */
bool hvsim_fuzz_enabled;

static bool fz_mutating;	/* the `enable` file */
static bool fz_log;		/* the `log` file: each mutation in dmesg */
static bool fz_stopped;		/* module exit */
static u64 fz_seed = 1;
static u32 fz_rate = 100;
static u32 fz_classes = GENMASK(FZ_NR_CLASSES - 1, 0);
static u32 fz_kinds = GENMASK(FZ_NR_KINDS - 1, 0);
static struct fz_stats fz_st[FZ_NR_CLASSES];
static atomic64_t fz_rescinds, fz_readded;

static DEFINE_SPINLOCK(fz_lock);	/* the two below */
static struct hvsim_msg *fz_held_msg;
static struct hvsim_msg fz_old_msg[FZ_NR_CLASSES];

static struct fz_chan *fz_chans[VMBUS_MAX_CHANNEL_RELIDS];

static atomic_t fz_rescind_relid;	/* 0: no rescind pending */
static struct work_struct fz_rescind_work;

/* The flood (`flood*` files); the worker's task sends flood copies. */
static atomic64_t fz_flood_left;
static u32 fz_flood_rate = 1;
static u32 fz_flood_classes = BIT(0) | BIT(1) | BIT(6) | BIT(7) | BIT(8) |
			      BIT(9);
/*
 * No extend, desc, replay or rescind: the guest fails a channel for those
 * (a packet beyond its buffer, a completion it never asked for).
 */
static u32 fz_flood_kinds = BIT(FZ_FLIP) | BIT(FZ_LEN) | BIT(FZ_TRUNC) |
			    BIT(FZ_DUP) | BIT(FZ_REORDER) | BIT(FZ_ID);
static struct task_struct *fz_flood_task;
static struct delayed_work fz_flood_work;
static u8 fz_flood_buf[FZ_OLD_MAX];	/* the worker's copy of a sample */

/* ---- Decisions ------------------------------------------------------------ */

/* splitmix64's finalizer */
static u64 fz_mix(u64 x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static u32 fz_next(struct fz_rng *rng)
{
	rng->s = fz_mix(rng->s);
	return rng->s >> 32;
}

static u32 fz_below(struct fz_rng *rng, u32 n)
{
	return n ? fz_next(rng) % n : 0;
}

static unsigned int fz_class(const struct hvsim_service *svc)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fz_svcs); i++)
		if (fz_svcs[i] == svc)
			return i;
	return FZ_CLASS_VMBUS;
}

static const char *fz_class_name(unsigned int cls)
{
	return cls < FZ_CLASS_VMBUS ? fz_svcs[cls]->name : "vmbus";
}

static bool fz_flooding(void)
{
	return READ_ONCE(fz_flood_task) == current;
}

/*
 * Count the next message of class @cls; true if it is to be mutated, with
 * the kind in @kind and @rng seeded for the mutation's parameters.  Flood
 * copies are a stream of their own, with their own rate and kinds.
 */
static bool fz_decide(unsigned int cls, struct fz_rng *rng, enum fz_kind *kind)
{
	u32 rate = READ_ONCE(fz_rate), kinds = READ_ONCE(fz_kinds);
	bool flood = fz_flooding();
	u64 idx, salt = 0;
	u32 total = 0, pick;
	int k;

	if (!READ_ONCE(fz_mutating))
		return false;
	idx = atomic64_inc_return(&fz_st[cls].seen) - 1;
	if (flood) {
		idx = atomic64_inc_return(&fz_st[cls].flooded) - 1;
		rate = READ_ONCE(fz_flood_rate);
		kinds = READ_ONCE(fz_flood_kinds);
		salt = FZ_FLOOD_SALT;
	}
	if (!rate || !(READ_ONCE(fz_classes) & BIT(cls)))
		return false;
	rng->idx = idx;
	rng->s = fz_mix(READ_ONCE(fz_seed) ^
			fz_mix(((u64)cls << 56) ^ (salt << 36) ^ idx));
	if (fz_next(rng) % rate)
		return false;
	for (k = 0; k < FZ_NR_KINDS; k++)
		if (kinds & BIT(k))
			total += fz_weight[k];
	if (!total)
		return false;
	pick = fz_below(rng, total);
	for (k = 0; k < FZ_NR_KINDS; k++) {
		if (!(kinds & BIT(k)))
			continue;
		if (pick < fz_weight[k])
			break;
		pick -= fz_weight[k];
	}
	*kind = k;
	return true;
}

static void fz_count(unsigned int cls, enum fz_kind kind,
		     const struct fz_rng *rng)
{
	atomic64_inc(&fz_st[cls].mutated);
	atomic64_inc(&fz_st[cls].kind[kind]);
	if (READ_ONCE(fz_log) && !fz_flooding())
		pr_info("fuzz: %s #%llu %s\n", fz_class_name(cls),
			rng->idx, fz_kind_names[kind]);
}

/* ---- Mutations ------------------------------------------------------------ */

/* Flip 1..4 bits of p[start..len), or of p[0..len) if that is empty. */
static void fz_flip(struct fz_rng *rng, u8 *p, u32 start, u32 len)
{
	u32 n = 1 + fz_below(rng, 4), bit;

	if (start >= len)
		start = 0;
	if (!len)
		return;
	while (n--) {
		bit = start * 8 + fz_below(rng, (len - start) * 8);
		p[bit / 8] ^= BIT(bit % 8);
	}
}

static const u32 fz_bounds[] = {
	0, 1, 2, 7, 8, 0x7f, 0x80, 0xff, 0x100, 0xfff, 0x1000, 0x1001,
	0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
};

/* Set an aligned 16- or 32-bit field of p[start..len) to a boundary value. */
static void fz_field(struct fz_rng *rng, u8 *p, u32 start, u32 len)
{
	u32 w = fz_below(rng, 2) ? 4 : 2, off, r, v;

	if (len < start + w)
		start = 0;
	if (len < w)
		return;
	off = start + ALIGN_DOWN(fz_below(rng, len - start - w + 1), w);
	r = fz_below(rng, ARRAY_SIZE(fz_bounds) + 3);
	if (r < ARRAY_SIZE(fz_bounds))
		v = fz_bounds[r];
	else if (r == ARRAY_SIZE(fz_bounds))
		v = len;
	else if (r == ARRAY_SIZE(fz_bounds) + 1)
		v = len + 1 + fz_below(rng, 64);
	else
		v = fz_next(rng);
	if (w == 4)
		put_unaligned_le32(v, p + off);
	else
		put_unaligned_le16(v, p + off);
}

static void fz_garbage(struct fz_rng *rng, u8 *p, u32 len)
{
	while (len--)
		*p++ = fz_next(rng);
}

static const u16 fz_pkt_types[] = {
	0, VM_PKT_SYNCH, VM_PKT_DATA_INBAND, VM_PKT_DATA_USING_XFER_PAGES,
	VM_PKT_DATA_USING_GPADL, VM_PKT_DATA_USING_GPA_DIRECT, VM_PKT_COMP,
	VM_PKT_CANCEL_REQUEST, 0x7fff, 0xffff,
};

/*
 * Mutate the packet in @buf (@len bytes, room for FZ_EXTEND_MAX more, at
 * least a descriptor); returns its new length.
 */
static u32 fz_mutate_pkt(struct fz_rng *rng, enum fz_kind kind, u8 *buf,
			 u32 len)
{
	struct vmpacket_descriptor *d = (void *)buf;
	u32 n;

	switch (kind) {
	case FZ_FLIP:
		fz_flip(rng, buf, sizeof(*d), len);
		break;
	case FZ_LEN:
		fz_field(rng, buf, sizeof(*d), len);
		break;
	case FZ_TRUNC:
		if (len > sizeof(*d))
			len = sizeof(*d) + fz_below(rng, len - sizeof(*d));
		d->len8 = ALIGN(len, 8) / 8;
		break;
	case FZ_EXTEND:
		n = 1 + fz_below(rng, FZ_EXTEND_MAX);
		fz_garbage(rng, buf + len, n);
		len += n;
		d->len8 = ALIGN(len, 8) / 8;
		break;
	case FZ_DESC:
		switch (fz_below(rng, 4)) {
		case 0:
			d->type = fz_pkt_types[fz_below(rng, ARRAY_SIZE(fz_pkt_types))];
			break;
		case 1:
			d->offset8 = fz_below(rng, d->len8 + 3);
			break;
		case 2:
			/* The guest finds the next packet by len8. */
			d->len8 += fz_below(rng, 2) ? 1 + fz_below(rng, 4) :
				   -(1 + fz_below(rng, 4));
			break;
		default:
			d->flags ^= BIT(fz_below(rng, 16));
			break;
		}
		break;
	case FZ_ID:
		switch (fz_below(rng, 4)) {
		case 0:
			d->trans_id = ~d->trans_id;
			break;
		case 1:
			d->trans_id += 1 + fz_below(rng, 64);
			break;
		case 2:
			d->trans_id = 0;
			break;
		default:
			d->trans_id = ((u64)fz_next(rng) << 32) | fz_next(rng);
			break;
		}
		break;
	default:
		break;
	}
	return len;
}

/* Queue the rescind of @chan's device; false if one is pending already. */
static bool fz_rescind(struct hvsim_chan *chan)
{
	if (READ_ONCE(fz_stopped) || chan->dev->rescinded ||
	    atomic_cmpxchg(&fz_rescind_relid, 0, chan->relid))
		return false;
	schedule_work(&fz_rescind_work);
	return true;
}

/* The host unplugs the device and plugs in a new one of its service. */
static void fz_rescind_fn(struct work_struct *work)
{
	const struct hvsim_service *svc;
	struct hvsim_chan *chan;
	struct hvsim_dev *dev;
	char args[40];
	u32 relid;

	down_write(&hvsim.lock);
	relid = atomic_read(&fz_rescind_relid);
	chan = hvsim_chan_get(relid);
	if (chan && !chan->dev->rescinded && !READ_ONCE(fz_stopped)) {
		svc = chan->dev->svc;
		snprintf(args, sizeof(args), "personality=%s",
			 chan->dev->pers->name);
		pr_info("fuzz: rescinding %s device %u\n", svc->name,
			chan->dev->id);
		atomic64_inc(&fz_rescinds);
		hvsim_dev_del(relid);
		dev = hvsim_dev_add(svc, args, NULL);
		if (!IS_ERR(dev))
			atomic64_inc(&fz_readded);
	}
	atomic_set(&fz_rescind_relid, 0);
	up_write(&hvsim.lock);
}

/* ---- Channel messages ----------------------------------------------------- */

/* Offset of the relid in a host message, or 0 if it has none. */
static u32 fz_relid_off(u32 msgtype)
{
	switch (msgtype) {
	case CHANNELMSG_OFFERCHANNEL:
		return offsetof(struct vmbus_channel_offer_channel, child_relid);
	case CHANNELMSG_RESCIND_CHANNELOFFER:
		return offsetof(struct vmbus_channel_rescind_offer, child_relid);
	case CHANNELMSG_OPENCHANNEL_RESULT:
		return offsetof(struct vmbus_channel_open_result, child_relid);
	case CHANNELMSG_GPADL_CREATED:
		return offsetof(struct vmbus_channel_gpadl_created, child_relid);
	case CHANNELMSG_MODIFYCHANNEL_RESPONSE:
		return offsetof(struct vmbus_channel_modifychannel_response,
				child_relid);
	default:
		return 0;
	}
}

static void fz_mutate_msg(struct fz_rng *rng, enum fz_kind kind,
			  struct hvsim_msg *m, u32 relid_off)
{
	const u32 hdr = sizeof(struct vmbus_channel_message_header);
	u32 n, v;

	switch (kind) {
	case FZ_FLIP:
		fz_flip(rng, m->data, fz_below(rng, 4) ? hdr : 0, m->size);
		break;
	case FZ_LEN:
		fz_field(rng, m->data, hdr, m->size);
		break;
	case FZ_TRUNC:
		m->size = fz_below(rng, m->size);
		break;
	case FZ_EXTEND:
		n = min_t(u32, 1 + fz_below(rng, 64),
			  HVG_MSG_PAYLOAD_BYTES - m->size);
		fz_garbage(rng, m->data + m->size, n);
		m->size += n;
		break;
	case FZ_DESC:
		v = fz_below(rng, 3) ? fz_below(rng, CHANNELMSG_COUNT + 2) :
				       fz_next(rng);
		put_unaligned(v, (u32 *)m->data);
		break;
	case FZ_ID:
		if (!relid_off || relid_off + 4 > m->size) {
			fz_field(rng, m->data, hdr, m->size);
			break;
		}
		v = get_unaligned((u32 *)(m->data + relid_off));
		switch (fz_below(rng, 4)) {
		case 0:
			v = 0;
			break;
		case 1:
			v += 1;
			break;
		case 2:
			v = VMBUS_MAX_CHANNEL_RELIDS - 1 + fz_below(rng, 2);
			break;
		default:
			v = fz_next(rng);
			break;
		}
		put_unaligned(v, (u32 *)(m->data + relid_off));
		break;
	default:
		break;
	}
}

/**
 * hvsim_fuzz_msg() - pass a channel message through the fuzzer
 * @m: the message, allocated; the fuzzer takes it
 * @queue: delivers a message (and frees it)
 *
 * A message held back before is delivered after this one.  hvsim.lock held.
 */
void hvsim_fuzz_msg(struct hvsim_msg *m, void (*queue)(struct hvsim_msg *m))
{
	u32 type = get_unaligned((u32 *)m->data);
	u32 off = m->size >= 4 ? fz_relid_off(type) : 0;
	struct hvsim_chan *chan = NULL;
	struct hvsim_msg *extra = NULL, *held;
	unsigned int cls = FZ_CLASS_VMBUS;
	enum fz_kind kind = FZ_FLIP;
	struct fz_rng rng;
	bool mut;

	lockdep_assert_held(&hvsim.lock);

	if (off && off + 4 <= m->size)
		chan = hvsim_chan_get(get_unaligned((u32 *)(m->data + off)));
	if (chan)
		cls = fz_class(chan->dev->svc);
	mut = fz_decide(cls, &rng, &kind);
	if (mut && kind == FZ_RESCIND && !(chan && fz_rescind(chan)))
		kind = FZ_FLIP;

	spin_lock(&fz_lock);
	held = fz_held_msg;
	fz_held_msg = NULL;
	if (mut && kind == FZ_REPLAY && !fz_old_msg[cls].size)
		kind = FZ_DUP;
	if (mut && kind == FZ_REPLAY)
		extra = kmemdup(&fz_old_msg[cls], sizeof(*m), GFP_ATOMIC);
	if (READ_ONCE(fz_mutating))
		memcpy(&fz_old_msg[cls], m, sizeof(*m));
	if (mut) {
		fz_count(cls, kind, &rng);
		fz_mutate_msg(&rng, kind, m, off);
		if (kind == FZ_DUP)
			extra = kmemdup(m, sizeof(*m), GFP_ATOMIC);
		if (kind == FZ_REORDER) {
			fz_held_msg = m;
			m = NULL;
		}
	}
	spin_unlock(&fz_lock);

	if (m)
		queue(m);
	if (extra)
		queue(extra);
	if (held)
		queue(held);
}

/* ---- Ring packets --------------------------------------------------------- */

static u32 fz_gather(const struct kvec *kv, unsigned int nkv, u8 *dst, u32 max)
{
	u32 done = 0, n;
	unsigned int i;

	for (i = 0; i < nkv && done < max; i++) {
		n = min_t(u32, kv[i].iov_len, max - done);
		memcpy(dst + done, kv[i].iov_base, n);
		done += n;
	}
	return done;
}

static struct fz_chan *fz_chan_get(const struct hvsim_chan *chan)
{
	struct fz_chan *fc, *old;

	if (chan->relid >= VMBUS_MAX_CHANNEL_RELIDS)
		return NULL;
	fc = READ_ONCE(fz_chans[chan->relid]);
	if (fc)
		return fc;
	fc = kzalloc(sizeof(*fc), GFP_ATOMIC);
	if (!fc)
		return NULL;
	spin_lock_init(&fc->lock);
	old = cmpxchg(&fz_chans[chan->relid], NULL, fc);
	if (old) {
		kfree(fc);
		return old;
	}
	return fc;
}

/*
 * A held packet goes out after the one just written; the last completion
 * (or transfer-page packet) is kept for replays.  fc->lock held.
 */
static void fz_after_write(struct fz_chan *fc, struct hvsim_ring *r,
			   const struct kvec *kv, unsigned int nkv, u32 len,
			   bool *signal)
{
	struct vmpacket_descriptor d;

	lockdep_assert_held(&fc->lock);

	if (fc->held) {
		struct kvec one = { .iov_base = fc->held, .iov_len = fc->held_len };

		hvsim_ring_write_raw(r, &one, 1, signal);
		kfree(fc->held);
		fc->held = NULL;
	}
	if (!READ_ONCE(fz_mutating) || len > FZ_OLD_MAX || fz_flooding() ||
	    fz_gather(kv, nkv, (u8 *)&d, sizeof(d)) < sizeof(d))
		return;
	if (d.type == VM_PKT_COMP || d.type == VM_PKT_DATA_USING_XFER_PAGES)
		fc->old_len = fz_gather(kv, nkv, fc->old, len);
	else if (d.type == VM_PKT_DATA_INBAND)
		fc->sample_len = fz_gather(kv, nkv, fc->sample, len);
}

/**
 * hvsim_fuzz_ring_write() - hvsim_ring_write() through the fuzzer
 * @r: the host->guest ring of a channel (chan->out)
 * @kv: the packet's pieces, starting with its descriptor
 * @nkv: number of pieces
 * @signal: set to true if the guest must be signalled
 *
 * Return: as hvsim_ring_write_raw(); a packet held back counts as written.
 */
int hvsim_fuzz_ring_write(struct hvsim_ring *r, const struct kvec *kv,
			  unsigned int nkv, bool *signal)
{
	struct hvsim_chan *chan = container_of(r, struct hvsim_chan, out);
	unsigned int cls = fz_class(chan->dev->svc);
	struct fz_chan *fc = fz_chan_get(chan);
	enum fz_kind kind = FZ_FLIP;
	u32 len = 0, nlen, i;
	struct fz_rng rng;
	struct kvec one;
	u8 *buf = NULL;
	bool mut;
	int ret;

	for (i = 0; i < nkv; i++)
		len += kv[i].iov_len;
	mut = fz_decide(cls, &rng, &kind);
	if (!fc)
		return hvsim_ring_write_raw(r, kv, nkv, signal);

	spin_lock(&fc->lock);
	if (fc->owner != chan) {
		/* A new channel on this relid: forget the old one's. */
		kfree(fc->held);
		fc->held = NULL;
		fc->old_len = 0;
		fc->sample_len = 0;
		fc->owner = chan;
	}
	if (mut && len >= sizeof(struct vmpacket_descriptor))
		buf = kmalloc(len + FZ_EXTEND_MAX, GFP_ATOMIC);
	if (!buf) {
		ret = hvsim_ring_write_raw(r, kv, nkv, signal);
		goto out;
	}
	fz_gather(kv, nkv, buf, len);
	if (kind == FZ_RESCIND && !fz_rescind(chan))
		kind = FZ_FLIP;
	if (kind == FZ_REPLAY && !fc->old_len)
		kind = FZ_DUP;
	if (kind == FZ_REORDER && fc->held)
		kind = FZ_DUP;
	nlen = fz_mutate_pkt(&rng, kind, buf, len);
	if (nlen > len && hvsim_ring_room(r, nlen)) {
		/* Longer would not fit: send it as it is. */
		kfree(buf);
		ret = hvsim_ring_write_raw(r, kv, nkv, signal);
		goto out;
	}
	fz_count(cls, kind, &rng);
	if (kind == FZ_REORDER) {
		fz_after_write(fc, r, kv, nkv, len, signal);
		fc->held = buf;
		fc->held_len = nlen;
		spin_unlock(&fc->lock);
		return 0;
	}
	one.iov_base = buf;
	one.iov_len = nlen;
	ret = hvsim_ring_write_raw(r, &one, 1, signal);
	if (!ret && kind == FZ_DUP)
		hvsim_ring_write_raw(r, &one, 1, signal);
	if (!ret && kind == FZ_REPLAY) {
		one.iov_base = fc->old;
		one.iov_len = fc->old_len;
		hvsim_ring_write_raw(r, &one, 1, signal);
	}
	kfree(buf);
out:
	if (!ret)
		fz_after_write(fc, r, kv, nkv, len, signal);
	spin_unlock(&fc->lock);
	return ret;
}

/**
 * hvsim_fuzz_shared() - mutate a message the host put into shared memory
 * @chan: the channel it is for
 * @buf: the host's mapping of it
 * @len: its length
 *
 * For messages outside the ring, such as RNDIS messages in the receive
 * buffer: only flips and boundary values apply.
 */
void hvsim_fuzz_shared(struct hvsim_chan *chan, void *buf, u32 len)
{
	unsigned int cls = fz_class(chan->dev->svc);
	enum fz_kind kind = FZ_FLIP;
	struct fz_rng rng;

	if (!hvsim_fuzz_on() || !len || !fz_decide(cls, &rng, &kind))
		return;
	switch (kind) {
	case FZ_FLIP:
		fz_flip(&rng, buf, 0, len);
		break;
	case FZ_LEN:
	case FZ_TRUNC:
	case FZ_EXTEND:
		kind = FZ_LEN;
		fz_field(&rng, buf, 0, len);
		break;
	default:
		return;
	}
	fz_count(cls, kind, &rng);
}

/* ---- Flood ---------------------------------------------------------------- */

/*
 * Up to FZ_FLOOD_BURST copies of @chan's sample while the ring is at most
 * half full (the service's own packets keep their room); returns how many.
 * hvsim.lock held for writing: no service writes a ring meanwhile.
 */
static u32 fz_flood_chan(struct hvsim_chan *chan, struct fz_chan *fc)
{
	struct kvec kv = { .iov_base = fz_flood_buf };
	bool signal = false;
	u32 n;

	lockdep_assert_held_write(&hvsim.lock);
	spin_lock(&fc->lock);
	kv.iov_len = fc->owner == chan ? fc->sample_len : 0;
	memcpy(fz_flood_buf, fc->sample, kv.iov_len);
	spin_unlock(&fc->lock);
	if (!kv.iov_len)
		return 0;
	for (n = 0; n < FZ_FLOOD_BURST; n++) {
		if (atomic64_dec_if_positive(&fz_flood_left) < 0)
			break;
		if (hvsim_ring_free(&chan->out) < chan->out.size / 2 ||
		    hvsim_fuzz_ring_write(&chan->out, &kv, 1, &signal)) {
			atomic64_inc(&fz_flood_left);
			break;
		}
	}
	if (signal)
		hvsim_signal_guest(chan);
	return n;
}

/* A tick of the flood: every open channel of a flooded class, once. */
static void fz_flood_fn(struct work_struct *work)
{
	u32 mask = READ_ONCE(fz_flood_classes) & READ_ONCE(fz_classes);
	struct hvsim_chan *chan;
	struct fz_chan *fc;
	u32 relid;

	down_write(&hvsim.lock);
	WRITE_ONCE(fz_flood_task, current);
	for (relid = 1; relid < VMBUS_MAX_CHANNEL_RELIDS; relid++) {
		if (atomic64_read(&fz_flood_left) <= 0 ||
		    !READ_ONCE(fz_mutating) || READ_ONCE(fz_stopped))
			break;
		chan = hvsim_chan_get(relid);
		fc = READ_ONCE(fz_chans[relid]);
		if (!chan || !fc || chan->state != HVSIM_CHAN_OPEN ||
		    chan->broken || !(mask & BIT(fz_class(chan->dev->svc))))
			continue;
		fz_flood_chan(chan, fc);
	}
	WRITE_ONCE(fz_flood_task, NULL);
	up_write(&hvsim.lock);
	if (atomic64_read(&fz_flood_left) > 0 && READ_ONCE(fz_mutating) &&
	    !READ_ONCE(fz_stopped))
		schedule_delayed_work(&fz_flood_work, 1);
}

static int fz_flood_get(void *data, u64 *val)
{
	*val = max_t(s64, atomic64_read(&fz_flood_left), 0);
	return 0;
}

/* Writing N sends N flood copies (while the fuzzer is enabled); 0 stops. */
static int fz_flood_set(void *data, u64 val)
{
	if (val > S64_MAX)
		return -EINVAL;
	atomic64_set(&fz_flood_left, val);
	if (val && !READ_ONCE(fz_stopped))
		schedule_delayed_work(&fz_flood_work, 0);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(fz_flood_fops, fz_flood_get, fz_flood_set, "%llu\n");

/* ---- Control -------------------------------------------------------------- */

static void fz_reset_stats(void)
{
	unsigned int c, k;

	for (c = 0; c < FZ_NR_CLASSES; c++) {
		atomic64_set(&fz_st[c].seen, 0);
		atomic64_set(&fz_st[c].mutated, 0);
		for (k = 0; k < FZ_NR_KINDS; k++)
			atomic64_set(&fz_st[c].kind[k], 0);
		atomic64_set(&fz_st[c].flooded, 0);
	}
	atomic64_set(&fz_rescinds, 0);
	atomic64_set(&fz_readded, 0);
}

static int fz_enable_show(struct seq_file *s, void *unused)
{
	seq_printf(s, "%d\n", READ_ONCE(fz_mutating));
	return 0;
}

static int fz_enable_open(struct inode *inode, struct file *file)
{
	return single_open(file, fz_enable_show, NULL);
}

/* Writing 1 starts a run: counts and positions start again from 0. */
static ssize_t fz_enable_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	bool on;
	int ret = kstrtobool_from_user(ubuf, count, &on);

	if (ret)
		return ret;
	down_write(&hvsim.lock);
	if (on) {
		WRITE_ONCE(fz_mutating, false);
		fz_reset_stats();
		pr_info("fuzz: seed %llu rate %u classes %#x kinds %#x\n",
			fz_seed, fz_rate, fz_classes, fz_kinds);
		WRITE_ONCE(hvsim_fuzz_enabled, true);
	} else {
		pr_info("fuzz: stopped\n");
	}
	WRITE_ONCE(fz_mutating, on);
	up_write(&hvsim.lock);
	return count;
}

static const struct file_operations fz_enable_fops = {
	.owner = THIS_MODULE,
	.open = fz_enable_open,
	.read = seq_read,
	.write = fz_enable_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static int fz_stats_show(struct seq_file *s, void *unused)
{
	u64 sum[3 + FZ_NR_KINDS] = {};
	unsigned int c, k;
	u64 v;

	seq_printf(s, "seed %llu rate %u classes %#x kinds %#x enabled %d\n",
		   READ_ONCE(fz_seed), READ_ONCE(fz_rate), READ_ONCE(fz_classes),
		   READ_ONCE(fz_kinds), READ_ONCE(fz_mutating));
	seq_puts(s, "class seen mutated");
	for (k = 0; k < FZ_NR_KINDS; k++)
		seq_printf(s, " %s", fz_kind_names[k]);
	seq_puts(s, " flooded\n");
	for (c = 0; c < FZ_NR_CLASSES; c++) {
		v = atomic64_read(&fz_st[c].seen);
		sum[0] += v;
		seq_printf(s, "%s %llu", fz_class_name(c), v);
		v = atomic64_read(&fz_st[c].mutated);
		sum[1] += v;
		seq_printf(s, " %llu", v);
		for (k = 0; k < FZ_NR_KINDS; k++) {
			v = atomic64_read(&fz_st[c].kind[k]);
			sum[2 + k] += v;
			seq_printf(s, " %llu", v);
		}
		v = atomic64_read(&fz_st[c].flooded);
		sum[2 + FZ_NR_KINDS] += v;
		seq_printf(s, " %llu\n", v);
	}
	seq_puts(s, "total");
	for (k = 0; k < ARRAY_SIZE(sum); k++)
		seq_printf(s, " %llu", sum[k]);
	seq_printf(s, "\nrescinded %llu readded %llu\n",
		   (u64)atomic64_read(&fz_rescinds),
		   (u64)atomic64_read(&fz_readded));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(fz_stats);

/**
 * hvsim_fuzz_init() - create the fuzzer's control files
 * @parent: hvsim's debugfs directory
 */
void hvsim_fuzz_init(struct dentry *parent)
{
	struct dentry *dir = debugfs_create_dir("fuzz", parent);

	INIT_WORK(&fz_rescind_work, fz_rescind_fn);
	INIT_DELAYED_WORK(&fz_flood_work, fz_flood_fn);
	debugfs_create_u64("seed", 0600, dir, &fz_seed);
	debugfs_create_u32("rate", 0600, dir, &fz_rate);
	debugfs_create_x32("classes", 0600, dir, &fz_classes);
	debugfs_create_x32("kinds", 0600, dir, &fz_kinds);
	debugfs_create_bool("log", 0600, dir, &fz_log);
	debugfs_create_file("enable", 0600, dir, NULL, &fz_enable_fops);
	debugfs_create_file("stats", 0444, dir, NULL, &fz_stats_fops);
	debugfs_create_file_unsafe("flood", 0600, dir, NULL, &fz_flood_fops);
	debugfs_create_u32("flood_rate", 0600, dir, &fz_flood_rate);
	debugfs_create_x32("flood_classes", 0600, dir, &fz_flood_classes);
	debugfs_create_x32("flood_kinds", 0600, dir, &fz_flood_kinds);
}

/**
 * hvsim_fuzz_stop() - no more mutations or rescinds (module exit)
 *
 * Called without hvsim.lock, before the host's state goes away.
 */
void hvsim_fuzz_stop(void)
{
	WRITE_ONCE(fz_stopped, true);
	WRITE_ONCE(fz_mutating, false);
	cancel_work_sync(&fz_rescind_work);
	cancel_delayed_work_sync(&fz_flood_work);
}

/**
 * hvsim_fuzz_free() - free what the fuzzer kept, once nothing sends
 */
void hvsim_fuzz_free(void)
{
	unsigned int i;

	WRITE_ONCE(hvsim_fuzz_enabled, false);
	for (i = 0; i < ARRAY_SIZE(fz_chans); i++) {
		if (!fz_chans[i])
			continue;
		kfree(fz_chans[i]->held);
		kfree(fz_chans[i]);
		fz_chans[i] = NULL;
	}
	kfree(fz_held_msg);
	fz_held_msg = NULL;
}
