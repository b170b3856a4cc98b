/* push_op: the operations of a push in memory, from the plan read in to
 * their settling, and the journal queue (see push_int.h). */
#include "push_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contact.h"
#include "snapshot.h"

#define CHUNK 256		/* plan records read per read transaction */

/* ---- queues ------------------------------------------------------------------- */

void push_q_push(struct queue *q, struct op *op)
{
	op->next = NULL;
	if (q->tail)
		q->tail->next = op;
	else
		q->head = op;
	q->tail = op;
	q->n++;
}

/* Puts the ops of list (n, in order) in front of q. */
void push_q_push_front(struct queue *q, struct op **list, size_t n)
{
	size_t i;

	for (i = n; i-- > 0;) {
		list[i]->next = q->head;
		q->head = list[i];
		if (!q->tail)
			q->tail = list[i];
		q->n++;
	}
}

struct op *push_q_pop(struct queue *q)
{
	struct op *op = q->head;

	if (!op)
		return NULL;
	q->head = op->next;
	if (!q->head)
		q->tail = NULL;
	q->n--;
	op->next = NULL;
	return op;
}

void push_op_free(struct op *op)
{
	if (!op)
		return;
	journal_op_free(&op->jop);
	contact_free(&op->desired);
	contact_free(&op->remote.c);
	free(op->rec);
	free(op->lookup);
	free(op);
}

void push_q_free(struct queue *q)
{
	struct op *op;

	while ((op = push_q_pop(q)))
		push_op_free(op);
}

/* ---- journal --------------------------------------------------------------- */

static enum err jqueue(struct push *ps, int optouts, const char *key, size_t keylen,
		       const struct journal_state_rec *st)
{
	struct jentry *j;
	enum err e;

	if (ps->o->dry_run)
		return ERR_OK;
	if (ps->njq == ps->jcap) {
		size_t ncap = ps->jcap ? ps->jcap * 2 : 64;
		struct jentry *n = realloc(ps->jq, ncap * sizeof(*n));

		if (!n)
			return ERR_NOMEM;
		ps->jq = n;
		ps->jcap = ncap;
	}
	j = &ps->jq[ps->njq];
	j->optouts = optouts;
	memcpy(j->key, key, keylen);
	j->keylen = keylen;
	buf_init(&j->val, 0);
	e = st ? journal_state_encode(st, &j->val) : ERR_OK;
	if (e) {
		buf_free(&j->val);
		return e;
	}
	ps->njq++;
	return ERR_OK;
}

enum err push_jstate(struct push *ps, struct op *op)
{
	return jqueue(ps, 0, op->key, op->keylen, &op->st);
}

enum err push_jremember(struct push *ps, struct op *op)
{
	if (!(op->jop.flags & JOURNAL_REMEMBER_OPTOUT))
		return ERR_OK;
	return jqueue(ps, 1, op->key, op->keylen, NULL);
}

void push_jdrop(struct push *ps, size_t mark)
{
	while (ps->njq > mark)
		buf_free(&ps->jq[--ps->njq].val);
}

/* Commits what is queued in one (synced) transaction. */
enum err push_jflush(struct push *ps, struct errinfo *info)
{
	struct store_tx *tx;
	enum err e = ERR_OK;
	size_t i;

	if (!ps->njq)
		return ERR_OK;
	e = store_tx_begin(ps->st, &tx, info);
	for (i = 0; !e && i < ps->njq; i++) {
		struct jentry *j = &ps->jq[i];

		e = store_tx_put(tx, j->optouts ? ps->optouts : ps->journal, j->key, j->keylen,
				 j->val.data ? j->val.data : "", j->val.len, info);
	}
	if (!e)
		e = store_tx_commit(tx, info);
	else if (tx)
		store_tx_abort(tx);
	for (i = 0; i < ps->njq; i++)
		buf_free(&ps->jq[i].val);
	ps->njq = 0;
	return e;
}

/* Commits what the journal has queued; a failure stops the run. */
void push_jcommit(struct push *ps)
{
	struct errinfo info = { ERR_OK, "" };
	enum err e = push_jflush(ps, &info);

	if (e)
		push_stop(ps, e, &info);
}

/* ---- settling ---------------------------------------------------------------- */

static struct results_src src_of(const struct push *ps, const struct op *op)
{
	struct results_src src = { "", 0 };

	if (op->has_desired) {
		if (op->desired.source_file < ps->nfiles)
			src.file = ps->files[op->desired.source_file];
		src.row = op->desired.source_row;
	}
	return src;
}

const char *push_op_name(const struct op *op)
{
	return plan_op_name(op->jop.op);
}

static void count(struct push *ps, const struct op *op, enum push_outcome o)
{
	ps->sum->ops[op->jop.op][o]++;
	ps->settled[op->jop.op]++;
}

/* changes.csv: the fields a done operation changed, before and after. */
static void changes_done(struct push *ps, struct op *op)
{
	static const struct str none = { "", 0 };
	size_t i;

	if (!op->jop.nchanges)
		results_change(ps->res, push_op_name(op), op->key, op->st.id, "", none, none);
	for (i = 0; i < op->jop.nchanges; i++)
		results_change(ps->res, push_op_name(op), op->key, op->st.id, op->jop.changes[i].field,
			       op->jop.changes[i].before, op->jop.changes[i].after);
}

void push_done(struct push *ps, struct op *op, const char *note)
{
	journal_move(&op->st, JOURNAL_EV_DONE);
	op->st.message[0] = '\0';
	if (push_jstate(ps, op))
		push_stop(ps, ERR_NOMEM, NULL);
	if (ps->res) {
		results_success(ps->res, push_op_name(op), op->key, op->st.id, src_of(ps, op),
				op->st.attempts, note);
		changes_done(ps, op);
	}
	count(ps, op, PUSH_DONE);
	push_op_free(op);
}

void push_failed(struct push *ps, struct op *op, long status, const char *msg)
{
	journal_move(&op->st, JOURNAL_EV_FAIL);
	op->st.status = status;
	snprintf(op->st.message, sizeof(op->st.message), "%s", msg);
	if (push_jstate(ps, op))
		push_stop(ps, ERR_NOMEM, NULL);
	if (ps->res)
		results_error(ps->res, push_op_name(op), op->key, src_of(ps, op), status, msg,
			      op->st.attempts);
	if (ps->o->failure) {
		struct push_failure f = { ps->prof.name, push_op_name(op), op->key, status, msg,
					  op->st.attempts };

		ps->o->failure(ps->o->hook_ctx, &f);
	}
	if (ps->phase == 1)
		ps->failures++;
	count(ps, op, PUSH_FAILED);
	push_op_free(op);
}

void push_skipped(struct push *ps, struct op *op, const char *why)
{
	if (op->st.state == JOURNAL_INFLIGHT) {
		/* journaled in flight, never sent: not a create to verify */
		journal_move(&op->st, JOURNAL_EV_FAIL);
		snprintf(op->st.message, sizeof(op->st.message), "%s", why);
		if (push_jstate(ps, op))
			push_stop(ps, ERR_NOMEM, NULL);
	}
	if (ps->res)
		results_skipped(ps->res, push_op_name(op), op->key, src_of(ps, op), why);
	count(ps, op, PUSH_SKIPPED);
	push_op_free(op);
}

/* ---- reading the plan ---------------------------------------------------- */

static int is_in_phase(enum plan_op op, int phase)
{
	return (op == PLAN_DELETE) == (phase == 2);
}

static enum err op_load(struct op *op, const void *key, size_t keylen, const void *val,
			size_t vallen, struct errinfo *info)
{
	enum err e;

	memcpy(op->key, key, keylen);
	op->key[keylen] = '\0';
	op->keylen = keylen;
	op->rec = malloc(vallen ? vallen : 1);
	if (!op->rec)
		return err_set(info, ERR_NOMEM, "out of memory");
	memcpy(op->rec, val, vallen);
	op->reclen = vallen;
	contact_init(&op->desired);
	contact_init(&op->remote.c);
	e = journal_plan_decode(&op->jop, op->rec, op->reclen, info);
	if (!e && op->jop.desired.len) {
		op->has_desired = 1;
		e = contact_decode(&op->desired, op->jop.desired.ptr, op->jop.desired.len,
				   keylen <= PHONE_E164_MAX ? key : NULL, keylen, info);
	}
	if (!e && op->jop.remote.len) {
		op->has_remote = 1;
		e = snapshot_decode(&op->remote, op->jop.remote.ptr, op->jop.remote.len, key,
				    keylen, info);
	}
	op->kind = op->jop.kind;
	return e;
}

/*
 * What the journal says of op (same plan: same fingerprint) decides what
 * is left to do: done → nothing; a create in flight or to verify → a
 * check first; a create followed by its opt-out → the opt-out; anything
 * else → send.
 */
static void op_route(struct push *ps, struct op *op, const struct journal_state_rec *js)
{
	if (js && js->fp != op->jop.fp && op->jop.kind == WRITE_CREATE && !js->step &&
	    (js->state == JOURNAL_INFLIGHT || js->state == JOURNAL_VERIFY)) {
		/* an earlier create of this number may have arrived, whatever
		 * the list now says of it: checked before anything is sent */
		op->st = *js;
		op->st.fp = op->jop.fp;
		push_q_push(&ps->verify, op);
		return;
	}
	if (js && js->fp == op->jop.fp) {
		op->st = *js;
		if (js->state == JOURNAL_DONE) {
			ps->sum->already_done++;
			count(ps, op, PUSH_DONE);
			push_op_free(op);
			return;
		}
		if (op->jop.kind == WRITE_CREATE && js->step == 0 &&
		    (js->state == JOURNAL_INFLIGHT || js->state == JOURNAL_VERIFY)) {
			push_q_push(&ps->verify, op);
			return;
		}
		if (js->step == 1)
			op->kind = WRITE_OPT_OUT;
	} else {
		memset(&op->st, 0, sizeof(op->st));
		op->st.fp = op->jop.fp;
	}
	push_q_push(&ps->ready[op->kind], op);
}

/* Reads the next records of the current phase from the plan. */
enum err push_refill(struct push *ps, struct errinfo *info)
{
	struct store_read *rd;
	struct store_cursor *cur;
	const void *k, *v, *jv;
	size_t kl, vl, jvl, n = 0;
	enum err e;

	if (ps->plan_done)
		return ERR_OK;
	e = store_read_begin(ps->st, &rd, info);
	if (e)
		return e;
	e = store_cursor_open_at(rd, ps->plan_ds, ps->plan_started ? ps->last_key : NULL,
				 ps->last_keylen, &cur, info);
	while (!e && n < CHUNK && !(e = store_cursor_next(cur, &k, &kl, &v, &vl, info))) {
		struct journal_state_rec js;
		struct op *op;
		enum plan_op pop;
		int have_js = 0;

		if (ps->plan_started && kl == ps->last_keylen && !memcmp(k, ps->last_key, kl))
			continue;	/* where the last chunk ended */
		memcpy(ps->last_key, k, kl);
		ps->last_keylen = kl;
		ps->plan_started = 1;
		if (journal_plan_op(v, vl, &pop) || !is_in_phase(pop, ps->phase))
			continue;
		op = calloc(1, sizeof(*op));
		if (!op) {
			e = err_set(info, ERR_NOMEM, "out of memory");
			break;
		}
		e = op_load(op, k, kl, v, vl, info);
		if (!e && !store_table_get(rd, ps->journal, k, kl, &jv, &jvl, NULL))
			have_js = !journal_state_decode(&js, jv, jvl, info);
		if (e) {
			push_op_free(op);
			break;
		}
		op_route(ps, op, have_js ? &js : NULL);
		n++;
	}
	if (e == ERR_NOT_FOUND) {
		ps->plan_done = 1;
		e = ERR_OK;
	}
	store_cursor_close(cur);
	store_read_end(rd);
	return e;
}
