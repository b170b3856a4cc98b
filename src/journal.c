/* journal: plan and state records of a push (encodings in journal.h). */
#include "journal.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rec.h"
#include "snapshot.h"

static const char *const state_names[] = {
#define JOURNAL_STATE_NAME_(c, s) [c] = s,
	JOURNAL_STATE_LIST(JOURNAL_STATE_NAME_)
#undef JOURNAL_STATE_NAME_
};

const char *journal_state_name(enum journal_state s)
{
	return (unsigned)s < JOURNAL__COUNT ? state_names[s] : "unknown";
}

static const char *const event_names[] = {
#define JOURNAL_EVENT_NAME_(c, s, p, i, d, f, v) [c] = s,
	JOURNAL_EVENT_LIST(JOURNAL_EVENT_NAME_)
#undef JOURNAL_EVENT_NAME_
};

static const unsigned char next_state[JOURNAL_EV__COUNT][JOURNAL__COUNT] = {
#define JOURNAL_EVENT_ROW_(c, s, p, i, d, f, v)                                  \
	[c] = { [JOURNAL_PLANNED] = JOURNAL_##p, [JOURNAL_INFLIGHT] = JOURNAL_##i, \
		[JOURNAL_DONE] = JOURNAL_##d, [JOURNAL_FAILED] = JOURNAL_##f,      \
		[JOURNAL_VERIFY] = JOURNAL_##v },
	JOURNAL_EVENT_LIST(JOURNAL_EVENT_ROW_)
#undef JOURNAL_EVENT_ROW_
};

const char *journal_event_name(enum journal_event ev)
{
	return (unsigned)ev < JOURNAL_EV__COUNT ? event_names[ev] : "unknown";
}

enum journal_state journal_next(enum journal_state from, enum journal_event ev)
{
	if ((unsigned)from >= JOURNAL__COUNT || (unsigned)ev >= JOURNAL_EV__COUNT)
		return JOURNAL_ILLEGAL;
	return (enum journal_state)next_state[ev][from];
}

/* Where ev leads from any state it may happen in (one state per event). */
static enum journal_state target(enum journal_event ev)
{
	int s;

	if ((unsigned)ev >= JOURNAL_EV__COUNT)
		return JOURNAL_PLANNED;
	for (s = 0; s < JOURNAL__COUNT; s++)
		if (next_state[ev][s] != JOURNAL_ILLEGAL)
			return (enum journal_state)next_state[ev][s];
	return JOURNAL_ILLEGAL;
}

void journal_move(struct journal_state_rec *s, enum journal_event ev)
{
	enum journal_state next = journal_next(s->state, ev);

	assert(next != JOURNAL_ILLEGAL && "illegal journal transition");
	if (next == JOURNAL_ILLEGAL)
		next = target(ev);
	s->state = next;
}

void journal_plan_dataset(const char *profile, char *out, size_t cap)
{
	snprintf(out, cap, STORE_PLAN_PREFIX "%s", profile);
}

/* FNV-1a, 64 bits: enough to tell one planned operation from another. */
static uint64_t fnv(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static uint64_t fnv_str(uint64_t h, const char *s, size_t len)
{
	h = fnv(h, &len, sizeof(len));
	return fnv(h, s, len);
}

/*
 * What the operation sends, and nothing else: the kind, the number, the
 * remote id and the changed fields' new values. Not the source row, so
 * re-importing the same list in another order leaves it unchanged.
 */
static uint64_t fingerprint(const struct plan_entry *e, enum write_kind kind, unsigned flags)
{
	uint64_t h = 0xcbf29ce484222325ull;
	unsigned char k[2] = { (unsigned char)kind, (unsigned char)flags };
	size_t i;

	h = fnv(h, k, sizeof(k));
	h = fnv_str(h, e->phone, strlen(e->phone));
	if (e->remote)
		h = fnv_str(h, e->remote->id, strlen(e->remote->id));
	for (i = 0; i < e->nchanges; i++) {
		h = fnv_str(h, e->changes[i].field, strlen(e->changes[i].field));
		h = fnv_str(h, e->changes[i].after.ptr, e->changes[i].after.len);
	}
	return h;
}

enum err journal_plan_encode(const struct plan_entry *e, enum write_kind kind,
			     unsigned flags, struct buf *out)
{
	unsigned char head[12];
	size_t i;
	enum err err;

	head[0] = JOURNAL_VERSION;
	head[1] = (unsigned char)e->op;
	head[2] = (unsigned char)kind;
	head[3] = (unsigned char)flags;
	store_put_u64(head + 4, fingerprint(e, kind, flags));
	err = buf_add(out, head, sizeof(head));
	/* the nested records go behind their lengths, known once encoded */
	if (!err) {
		struct buf tmp;

		buf_init(&tmp, 0);
		if (e->desired)
			err = contact_encode(e->desired, &tmp);
		if (!err)
			err = rec_put_bytes(out, tmp.data, tmp.len);
		buf_reset(&tmp);
		if (!err && e->remote)
			err = snapshot_encode(e->remote, &tmp);
		if (!err)
			err = rec_put_bytes(out, tmp.data, tmp.len);
		buf_free(&tmp);
	}
	if (!err)
		err = rec_put_varint(out, e->nchanges);
	for (i = 0; !err && i < e->nchanges; i++) {
		const struct plan_change *c = &e->changes[i];

		err = rec_put_bytes(out, c->field, strlen(c->field));
		if (!err)
			err = rec_put_str(out, c->before);
		if (!err)
			err = rec_put_str(out, c->after);
	}
	return err;
}

static enum err corrupt(struct errinfo *info, const char *what)
{
	return err_set(info, ERR_STORE_CORRUPT, "push plan record is corrupt: %s", what);
}

enum err journal_plan_decode(struct journal_op *op, const void *data, size_t len,
			     struct errinfo *info)
{
	const unsigned char *p = data;
	struct rec_reader r;
	uint64_t n, i;

	op->nchanges = 0;
	if (len < 12 || p[0] != JOURNAL_VERSION || p[1] >= PLAN__COUNT || p[2] > WRITE_OPT_OUT)
		return corrupt(info, "bad header");
	op->op = (enum plan_op)p[1];
	op->kind = (enum write_kind)p[2];
	op->flags = p[3];
	op->fp = store_get_u64(p + 4, 8);
	rec_reader_init(&r, p + 12, len - 12);
	if (rec_get_bytes(&r, &op->desired) || rec_get_bytes(&r, &op->remote) ||
	    rec_get_varint(&r, &n) || n > len)
		return corrupt(info, "truncated");
	if (n > op->cap) {
		struct plan_change *c = realloc(op->changes, (size_t)n * sizeof(*c));

		if (!c)
			return err_set(info, ERR_NOMEM, "out of memory");
		op->changes = c;
		op->cap = (size_t)n;
	}
	for (i = 0; i < n; i++) {
		struct plan_change *c = &op->changes[i];
		struct str f;

		if (rec_get_bytes(&r, &f) || f.len >= sizeof(c->field) ||
		    rec_get_bytes(&r, &c->before) || rec_get_bytes(&r, &c->after))
			return corrupt(info, "bad change");
		memcpy(c->field, f.ptr, f.len);
		c->field[f.len] = '\0';
	}
	op->nchanges = (size_t)n;
	return ERR_OK;
}

int journal_plan_op(const void *data, size_t len, enum plan_op *op)
{
	if (len < 2)
		return -1;
	*op = (enum plan_op)((const unsigned char *)data)[1];
	return 0;
}

int journal_plan_kind(const void *data, size_t len, enum write_kind *kind)
{
	if (len < 3)
		return -1;
	*kind = (enum write_kind)((const unsigned char *)data)[2];
	return 0;
}

void journal_op_free(struct journal_op *op)
{
	free(op->changes);
	op->changes = NULL;
	op->nchanges = op->cap = 0;
}

enum err journal_state_encode(const struct journal_state_rec *s, struct buf *out)
{
	unsigned char head[12] = { JOURNAL_VERSION, (unsigned char)s->state,
				   (unsigned char)s->step, 0 };
	enum err e;

	store_put_u64(head + 4, s->fp);
	e = buf_add(out, head, sizeof(head));
	if (!e)
		e = rec_put_varint(out, s->attempts);
	if (!e)
		e = rec_put_varint(out, (uint64_t)(s->status > 0 ? s->status : 0));
	if (!e)
		e = rec_put_bytes(out, s->id, strlen(s->id));
	if (!e)
		e = rec_put_bytes(out, s->message, strlen(s->message));
	if (!e)
		e = rec_put_varint(out, (uint64_t)(s->sent > 0 ? s->sent : 0));
	return e;
}

enum err journal_state_decode(struct journal_state_rec *s, const void *data, size_t len,
			      struct errinfo *info)
{
	const unsigned char *p = data;
	struct rec_reader r;
	uint64_t attempts, status, sent;

	memset(s, 0, sizeof(*s));
	if (len < 12 || p[0] != JOURNAL_VERSION || p[1] >= JOURNAL__COUNT || p[2] > 1)
		return err_set(info, ERR_STORE_CORRUPT, "push journal record is corrupt");
	s->state = (enum journal_state)p[1];
	s->step = p[2];
	s->fp = store_get_u64(p + 4, 8);
	rec_reader_init(&r, p + 12, len - 12);
	if (rec_get_varint(&r, &attempts) || rec_get_varint(&r, &status) ||
	    rec_get_cstr(&r, s->id, sizeof(s->id)) ||
	    rec_get_cstr(&r, s->message, sizeof(s->message)))
		return err_set(info, ERR_STORE_CORRUPT, "push journal record is corrupt");
	s->attempts = (unsigned long)attempts;
	s->status = (long)status;
	if (!rec_get_varint(&r, &sent) && sent <= INT64_MAX)
		s->sent = (int64_t)sent;
	return ERR_OK;
}
