/* push: the engine that applies a profile's plan (see push.h). */
#include "push.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "guard.h"
#include "journal.h"
#include "pull.h"
#include "ratestate.h"
#include "results.h"
#include "runlog.h"
#include "snapshot.h"
#include "sorter.h"

#define PLAN_SORT_MEM ((size_t)32 << 20)
#define CHUNK 256		/* plan records read per read transaction */
#define MAX_ROUNDS 8		/* passes over what is left to retry */
#define MAX_ATTEMPTS 6		/* requests per operation and run */
#define MAX_GROUP 128		/* requests journaled in one transaction */
#define MAX_RELISTS 2		/* fresh listings to settle creates per run */

#define STATE_TABLE "state"

static const char *const outcome_names[] = {
#define PUSH_OUTCOME_NAME_(c, s) [c] = s,
	PUSH_OUTCOME_LIST(PUSH_OUTCOME_NAME_)
#undef PUSH_OUTCOME_NAME_
};

void push_opts_init(struct push_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->mode = DIFF_UPSERT;
	o->on_missing = ON_MISSING_NONE;
	o->max_delete = -1;
	o->max_delete_percent = -1;
	o->max_snapshot_age_s = PUSH_DEFAULT_SNAPSHOT_AGE_S;
	o->dry_out = stdout;
}

void push_journal_table(const char *profile, char *out, size_t cap)
{
	snprintf(out, cap, "journal:%s", profile);
}

void push_optouts_table(const char *profile, char *out, size_t cap)
{
	snprintf(out, cap, "optouts:%s", profile);
}

int push_parse_on_missing(const char *s, enum on_missing *out)
{
	static const char *const names[] = { "none", "optout", "delete" };
	int i;

	for (i = 0; i < 3; i++)
		if (!strcmp(s, names[i])) {
			*out = (enum on_missing)i;
			return 0;
		}
	return -1;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- operations in memory ------------------------------------------------- */

/*
 * One planned operation while it is being carried out: a copy of its plan
 * record, decoded, and its journal state. Lives from the moment it is read
 * from the plan until it is settled (done, failed, skipped) or the run ends.
 */
struct lookup;

struct op {
	struct op *next;
	char key[SORTER_KEY_MAX + 1];
	size_t keylen;
	unsigned char *rec;
	size_t reclen;
	struct journal_op jop;
	struct contact desired;
	struct remote_contact remote;
	int has_desired, has_remote;
	struct journal_state_rec st;
	enum write_kind kind;		/* what the next request does */
	unsigned run_attempts;		/* requests sent for it in this run */
	unsigned batch_cap;		/* bulk: at most this many with it (bisection) */
	int before_written;
	struct lookup *lookup;		/* its lookup's state, once one was sent */
};

struct queue {
	struct op *head, *tail;
	size_t n;
};

static void q_push(struct queue *q, struct op *op)
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
static void q_push_front(struct queue *q, struct op **list, size_t n)
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

static struct op *q_pop(struct queue *q)
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

static void op_free(struct op *op)
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

static void q_free(struct queue *q)
{
	struct op *op;

	while ((op = q_pop(q)))
		op_free(op);
}

/* One HTTP request: a single operation, or a bulk batch of one kind. */
struct req {
	struct push *ps;
	enum write_kind kind;
	int bulk;
	size_t n;
	struct op **ops;
	struct write_op *wops;
	struct write_result *res;
};

/* A table change waiting for the next journal transaction. */
struct jentry {
	int optouts;		/* 0: the journal, 1: the opt-out table */
	char key[SORTER_KEY_MAX + 1];
	size_t keylen;
	struct buf val;
};

struct push {
	struct store *st;
	struct profile prof;		/* the profile with --rate/--concurrency applied */
	const struct provider *drv;
	const struct push_opts *o;
	struct push_summary *sum;
	struct provider_session s;
	int session_open;
	struct results *res;

	char plan_ds[256], journal[256], optouts[256], remote_ds[256];
	const char *desired_ds;
	uint64_t snap_id;
	char **files;
	size_t nfiles;

	/* where the plan is read from (round 0 of a phase) */
	int phase;			/* 1: creates, updates, opt-outs; 2: deletes */
	char last_key[SORTER_KEY_MAX + 1];
	size_t last_keylen;
	int plan_started, plan_done;

	struct queue ready[WRITE_OPT_OUT + 1];	/* by the kind to send */
	struct queue retry;		/* for the next round */
	struct queue verify;		/* creates that may have happened */
	struct queue lookups;		/* of those, to be looked up now */
	unsigned outstanding;		/* requests in flight */
	unsigned concurrency, batch;
	long long deadline;		/* ms on the monotonic clock; 0 none */
	long long round_pause_ms;	/* spent between retry rounds */

	struct jentry *jq;
	size_t njq, jcap;

	int stopping;
	enum err stop_err;
	struct errinfo stop_info;
	uint64_t failures;		/* phase 1 operations failed or unsettled */
	uint64_t planned[PLAN__COUNT], settled[PLAN__COUNT];
	uint64_t guard_deletes;		/* deletes and removals, for the guards */
	struct buf path, body;
};

static void stop(struct push *ps, enum err e, const struct errinfo *info)
{
	if (ps->stopping)
		return;
	ps->stopping = 1;
	ps->stop_err = e;
	if (info)
		ps->stop_info = *info;
	else
		err_set(&ps->stop_info, e, "%s", err_str(e));
}

/* The signal the command caught (push_opts.stop), or 0. */
static int signalled(const struct push *ps)
{
	return ps->o->stop ? (int)*ps->o->stop : 0;
}

/* Tells the hook (push_opts.warn or .info) one message, if it is set. */
static void say(const struct push *ps, void (*hook)(void *, const char *), const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(const struct push *ps, void (*hook)(void *, const char *), const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	if (!hook)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	hook(ps->o->hook_ctx, msg);
}

/* Stops the run when a time budget is spent or a signal came; 1 then. */
static int must_stop(struct push *ps)
{
	struct errinfo info;
	int sig = signalled(ps);

	if (ps->stopping)
		return 1;
	if (sig) {
		err_set(&info, ERR_INTERRUPTED, "profile '%s': interrupted by %s; the next run continues",
			ps->prof.name, sig == SIGINT ? "SIGINT" : "SIGTERM");
		stop(ps, ERR_INTERRUPTED, &info);
		return 1;
	}
	if (ps->deadline && now_ms() >= ps->deadline) {
		err_set(&info, ERR_BUDGET, "profile '%s': the time budget is spent",
			ps->prof.name);
		stop(ps, ERR_BUDGET, &info);
		return 1;
	}
	return 0;
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

static enum err jstate(struct push *ps, struct op *op)
{
	return jqueue(ps, 0, op->key, op->keylen, &op->st);
}

/* Commits what is queued in one (synced) transaction. */
static enum err jflush(struct push *ps, struct errinfo *info)
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

/* ---- results ----------------------------------------------------------------- */

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

static const char *op_name(const struct op *op)
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
		results_change(ps->res, op_name(op), op->key, op->st.id, "", none, none);
	for (i = 0; i < op->jop.nchanges; i++)
		results_change(ps->res, op_name(op), op->key, op->st.id, op->jop.changes[i].field,
			       op->jop.changes[i].before, op->jop.changes[i].after);
}

static void done(struct push *ps, struct op *op, const char *note)
{
	journal_move(&op->st, JOURNAL_EV_DONE);
	op->st.message[0] = '\0';
	if (jstate(ps, op))
		stop(ps, ERR_NOMEM, NULL);
	if (op->jop.flags & JOURNAL_REMEMBER_OPTOUT && jqueue(ps, 1, op->key, op->keylen, NULL))
		stop(ps, ERR_NOMEM, NULL);
	if (ps->res) {
		results_success(ps->res, op_name(op), op->key, op->st.id, src_of(ps, op),
				op->st.attempts, note);
		changes_done(ps, op);
	}
	count(ps, op, PUSH_DONE);
	op_free(op);
}

static void failed(struct push *ps, struct op *op, long status, const char *msg)
{
	journal_move(&op->st, JOURNAL_EV_FAIL);
	op->st.status = status;
	snprintf(op->st.message, sizeof(op->st.message), "%s", msg);
	if (jstate(ps, op))
		stop(ps, ERR_NOMEM, NULL);
	if (ps->res)
		results_error(ps->res, op_name(op), op->key, src_of(ps, op), status, msg,
			      op->st.attempts);
	if (ps->o->failure) {
		struct push_failure f = { ps->prof.name, op_name(op), op->key, status, msg,
					  op->st.attempts };

		ps->o->failure(ps->o->hook_ctx, &f);
	}
	if (ps->phase == 1)
		ps->failures++;
	count(ps, op, PUSH_FAILED);
	op_free(op);
}

static void skipped(struct push *ps, struct op *op, const char *why)
{
	if (op->st.state == JOURNAL_INFLIGHT) {
		/* journaled in flight, never sent: not a create to verify */
		journal_move(&op->st, JOURNAL_EV_FAIL);
		snprintf(op->st.message, sizeof(op->st.message), "%s", why);
		if (jstate(ps, op))
			stop(ps, ERR_NOMEM, NULL);
	}
	if (ps->res)
		results_skipped(ps->res, op_name(op), op->key, src_of(ps, op), why);
	count(ps, op, PUSH_SKIPPED);
	op_free(op);
}

/* ---- reading the plan ---------------------------------------------------- */

static int in_phase(enum plan_op op, int phase)
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
	if (js && js->fp == op->jop.fp) {
		op->st = *js;
		if (js->state == JOURNAL_DONE) {
			ps->sum->already_done++;
			count(ps, op, PUSH_DONE);
			op_free(op);
			return;
		}
		if (op->jop.kind == WRITE_CREATE && js->step == 0 &&
		    (js->state == JOURNAL_INFLIGHT || js->state == JOURNAL_VERIFY)) {
			q_push(&ps->verify, op);
			return;
		}
		if (js->step == 1)
			op->kind = WRITE_OPT_OUT;
	} else {
		memset(&op->st, 0, sizeof(op->st));
		op->st.fp = op->jop.fp;
	}
	q_push(&ps->ready[op->kind], op);
}

/* Reads the next records of the current phase from the plan. */
static enum err refill(struct push *ps, struct errinfo *info)
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
		if (journal_plan_op(v, vl, &pop) || !in_phase(pop, ps->phase))
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
			op_free(op);
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

/* ---- sending ----------------------------------------------------------------- */

static int bulk_kind(const struct push *ps, enum write_kind kind)
{
	if (ps->batch < 2 || !ps->drv->build_bulk)
		return 0;
	return (kind == WRITE_CREATE && (ps->drv->caps & PROVIDER_CAP_BULK_CREATE)) ||
	       (kind == WRITE_DELETE && (ps->drv->caps & PROVIDER_CAP_BULK_DELETE));
}

static void req_free(struct req *r)
{
	if (!r)
		return;
	free(r->ops);
	free(r->wops);
	free(r->res);
	free(r);
}

static struct req *req_new(struct push *ps, enum write_kind kind, size_t cap)
{
	struct req *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->ps = ps;
	r->kind = kind;
	r->ops = calloc(cap, sizeof(*r->ops));
	r->wops = calloc(cap, sizeof(*r->wops));
	r->res = calloc(cap, sizeof(*r->res));
	if (!r->ops || !r->wops || !r->res) {
		req_free(r);
		return NULL;
	}
	return r;
}

/* Puts op into r as in flight: journaled (to be committed before the
 * request leaves) and, the first time, its remote state in before.jsonl. */
static enum err req_add(struct push *ps, struct req *r, struct op *op)
{
	struct write_op *w = &r->wops[r->n];

	journal_move(&op->st, JOURNAL_EV_SEND);
	op->st.attempts++;
	op->run_attempts++;
	if (op->kind == WRITE_OPT_OUT && op->jop.kind == WRITE_CREATE)
		op->st.step = 1;
	if (ps->res && op->has_remote && !op->before_written) {
		results_before(ps->res, op_name(op), &op->remote);
		op->before_written = 1;
	}
	w->kind = op->kind;
	w->phone = op->key;
	w->desired = op->has_desired ? &op->desired : NULL;
	w->remote = op->has_remote ? &op->remote : NULL;
	/* an update's changes, and an opt-out's (a provider may carry both in
	 * one request); not a create's, when its opt-out follows it */
	if (op->kind == WRITE_UPDATE || (op->kind == WRITE_OPT_OUT && op->jop.kind == WRITE_OPT_OUT)) {
		w->changes = op->jop.changes;
		w->nchanges = op->jop.nchanges;
	}
	r->ops[r->n++] = op;
	return jstate(ps, op);
}

/*
 * The next request to send: a full bulk batch when one is ready, else one
 * operation of another kind, else (when the plan is read to its end) what
 * a bulk batch has. NULL when nothing is left.
 */
/* How many ops of queue k make a request: a batch for bulk kinds (smaller
 * after a bisection), else one. */
static size_t need(const struct push *ps, int k)
{
	const struct op *head = ps->ready[k].head;

	if (!bulk_kind(ps, (enum write_kind)k))
		return 1;
	if (head && head->batch_cap && head->batch_cap < ps->batch)
		return head->batch_cap;
	return ps->batch;
}

static struct req *next_request(struct push *ps, struct errinfo *info)
{
	int k, pick = -1, partial = -1;
	size_t n;
	struct req *r;

	for (;;) {
		for (k = 0; k <= WRITE_OPT_OUT; k++) {
			if (ps->ready[k].n >= need(ps, k)) {
				pick = k;
				break;
			}
			if (ps->ready[k].n)
				partial = k;
		}
		if (pick >= 0 || ps->plan_done)
			break;
		/* read on: every pass makes progress or reaches the end */
		if (refill(ps, info)) {
			stop(ps, info->code ? info->code : ERR_STORE, info);
			return NULL;
		}
		partial = -1;
	}
	if (pick < 0)
		pick = partial;
	if (pick < 0)
		return NULL;
	n = need(ps, pick);
	if (n > ps->ready[pick].n)
		n = ps->ready[pick].n;
	r = req_new(ps, (enum write_kind)pick, n);
	if (!r) {
		stop(ps, err_set(info, ERR_NOMEM, "out of memory"), info);
		return NULL;
	}
	r->bulk = bulk_kind(ps, (enum write_kind)pick);
	while (r->n < n)
		if (req_add(ps, r, q_pop(&ps->ready[pick])))
			stop(ps, ERR_NOMEM, NULL);
	return r;
}

static void on_response(void *udata, struct http_response *resp);
static void settle(struct push *ps, struct req *r, const struct http_response *resp);

static void dry_print(struct push *ps, const struct http_request *hr)
{
	FILE *fp = ps->o->dry_out ? ps->o->dry_out : stdout;

	fprintf(fp, "%s %s", hr->method ? hr->method : "GET", hr->path);
	if (hr->body_len)
		fprintf(fp, " %.*s", (int)hr->body_len, (const char *)hr->body);
	fputc('\n', fp);
}

/* Builds and sends r (dry run: prints it and takes it as answered OK). */
static void send_req(struct push *ps, struct req *r)
{
	struct http_request hr;
	struct errinfo info = { ERR_OK, "" };
	enum err e;
	size_t i;

	if (r->bulk)
		e = ps->drv->build_bulk(&ps->s, r->kind, r->wops, r->n, &hr, &ps->path,
					&ps->body, &info);
	else
		e = ps->drv->build_write(&ps->s, &r->wops[0], &hr, &ps->path, &ps->body, &info);
	if (e == ERR_USAGE) {
		/* nothing the provider can be sent: say so, row by row */
		for (i = 0; i < r->n; i++)
			skipped(ps, r->ops[i], info.msg);
		req_free(r);
		return;
	}
	if (e) {
		stop(ps, e, &info);
		for (i = 0; i < r->n; i++)
			q_push(&ps->retry, r->ops[i]);
		req_free(r);
		return;
	}
	if (ps->o->dry_run) {
		dry_print(ps, &hr);
		settle(ps, r, NULL);
		req_free(r);
		return;
	}
	e = http_submit(ps->s.http, &hr, on_response, r, &info);
	if (e) {
		stop(ps, e, &info);
		for (i = 0; i < r->n; i++)
			q_push(&ps->retry, r->ops[i]);
		req_free(r);
		return;
	}
	ps->outstanding++;
}

/*
 * Keeps up to twice the concurrency of requests in flight (the HTTP client
 * sends `concurrency` at a time; the rest wait their turn, so the client
 * never idles between two answers). The requests of one call are journaled
 * in flight in one transaction before any of them leaves.
 */
static size_t pump(struct push *ps)
{
	struct req *group[MAX_GROUP];
	struct errinfo info = { ERR_OK, "" };
	size_t n = 0, i;
	enum err e;

	while (!must_stop(ps) && ps->outstanding + n < 2 * ps->concurrency && n < MAX_GROUP) {
		struct req *r;

		r = next_request(ps, &info);
		if (!r)
			break;
		group[n++] = r;
	}
	e = jflush(ps, &info);
	if (e) {
		/* not journaled: not sent */
		stop(ps, e, &info);
		for (i = 0; i < n; i++) {
			size_t j;

			for (j = 0; j < group[i]->n; j++)
				q_push(&ps->retry, group[i]->ops[j]);
			req_free(group[i]);
		}
		return 0;
	}
	for (i = 0; i < n; i++)
		send_req(ps, group[i]);
	return n;
}

/* Tells the progress hook (a status line on a terminal): operations
 * settled of those planned, failures, requests, and the time spent
 * waiting for the rate limit. */
static void progress(struct push *ps)
{
	struct http_stats hs;
	struct push_progress p = { ps->prof.name, 0, 0, 0, 0, 0 };
	int k;

	if (!ps->o->progress)
		return;
	hs = http_stats(ps->s.http);
	for (k = 0; k < PLAN__COUNT; k++) {
		p.planned += ps->planned[k];
		p.settled += ps->settled[k];
		p.failed += ps->sum->ops[k][PUSH_FAILED];
	}
	p.requests = hs.requests;
	p.wait_ms = hs.wait_ms;
	ps->o->progress(ps->o->hook_ctx, &p);
}

static void on_response(void *udata, struct http_response *resp)
{
	struct req *r = udata;
	struct push *ps = r->ps;

	ps->outstanding--;
	settle(ps, r, resp);
	req_free(r);
	progress(ps);
	pump(ps);
}

/* ---- outcomes ------------------------------------------------------------------ */

static int auth_failure(const struct http_response *resp)
{
	return resp && !resp->err && (resp->status == 401 || resp->status == 403);
}

/* A bulk request refused as a whole (a 4xx for the batch, not a limit or
 * the credentials): one contact in it is bad. */
static int rejected_whole(const struct req *r, const struct http_response *resp)
{
	size_t i;

	if (!r->bulk || r->n < 2 || !resp || resp->err || resp->status < 400 ||
	    resp->status >= 500 || resp->status == 401 || resp->status == 403 ||
	    resp->status == 408 || resp->status == 429)
		return 0;
	for (i = 0; i < r->n; i++)
		if (r->res[i].outcome != WRITE_FAILED)
			return 0;
	return 1;
}

/*
 * Sends the two halves of a rejected batch on their own, at once: they go
 * to the front of the queue, each op capped to its half's size, so they
 * leave as two batches and the bad contact ends up alone.
 */
static void bisect(struct push *ps, struct req *r)
{
	size_t half = r->n / 2, i;

	for (i = 0; i < r->n; i++) {
		r->ops[i]->batch_cap = (unsigned)(i < half ? half : r->n - half);
		journal_move(&r->ops[i]->st, JOURNAL_EV_REQUEUE);
	}
	q_push_front(&ps->ready[r->kind], r->ops, r->n);
}

static void retry_later(struct push *ps, struct op *op, const struct write_result *res)
{
	if (op->run_attempts >= MAX_ATTEMPTS) {
		char msg[sizeof(res->message) + 64];

		snprintf(msg, sizeof(msg), "gave up after %u attempts: %s", op->run_attempts,
			 res->message);
		failed(ps, op, res->status, msg);
		return;
	}
	op->st.status = res->status;
	snprintf(op->st.message, sizeof(op->st.message), "%s", res->message);
	q_push(&ps->retry, op);
}

static void outcome(struct push *ps, struct op *op, const struct write_result *res)
{
	if (res->id[0])
		snprintf(op->st.id, sizeof(op->st.id), "%s", res->id);
	op->st.status = res->status;
	switch (res->outcome) {
	case WRITE_OK:
	case WRITE_EXISTS:
		if (op->kind == WRITE_CREATE && (op->jop.flags & JOURNAL_FOLLOW_OPTOUT)) {
			/* created (or there already): now the opt-out, which a
			 * create cannot carry */
			op->kind = WRITE_OPT_OUT;
			op->st.step = 1;
			journal_move(&op->st, JOURNAL_EV_REQUEUE);
			if (jstate(ps, op))
				stop(ps, ERR_NOMEM, NULL);
			q_push(&ps->ready[WRITE_OPT_OUT], op);
			return;
		}
		done(ps, op, res->outcome == WRITE_EXISTS ? "already there" : "");
		return;
	case WRITE_VERIFY:
		if (op->kind == WRITE_CREATE) {
			journal_move(&op->st, JOURNAL_EV_UNSURE);
			snprintf(op->st.message, sizeof(op->st.message), "%s", res->message);
			if (jstate(ps, op))
				stop(ps, ERR_NOMEM, NULL);
			q_push(&ps->verify, op);
			return;
		}
		/* an update or opt-out may have been saved: sending it again
		 * is harmless */
		retry_later(ps, op, res);
		return;
	case WRITE_RETRY:
		retry_later(ps, op, res);
		return;
	case WRITE_FAILED:
		if (op->kind == WRITE_DELETE && res->status == 404) {
			done(ps, op, "already gone");
			return;
		}
		failed(ps, op, res->status, res->message);
		return;
	}
}

static void settle(struct push *ps, struct req *r, const struct http_response *resp)
{
	size_t i;

	if (!resp) {	/* dry run */
		for (i = 0; i < r->n; i++)
			r->res[i].outcome = WRITE_OK;
	} else if (r->bulk) {
		ps->drv->judge_bulk(&ps->s, r->kind, r->wops, r->n, resp, r->res);
	} else {
		ps->drv->judge_write(&ps->s, &r->wops[0], resp, &r->res[0]);
	}
	if (auth_failure(resp)) {
		struct errinfo info;

		err_set(&info, ERR_AUTH, "profile '%s': the provider refused the credentials (HTTP %ld): %s",
			ps->prof.name, resp->status, r->res[0].message);
		stop(ps, ERR_AUTH, &info);
		for (i = 0; i < r->n; i++)
			failed(ps, r->ops[i], resp->status, r->res[i].message);
		return;
	}
	if (rejected_whole(r, resp)) {
		bisect(ps, r);
		return;
	}
	for (i = 0; i < r->n; i++)
		outcome(ps, r->ops[i], &r->res[i]);
}

/* ---- rounds ----------------------------------------------------------------- */

/*
 * Creates that may have reached the server: a lookup tells (sendblue).
 * Lookups go out like writes, up to twice the concurrency at a time; an
 * answer cut short is asked again (PROVIDER_READ_TRIES in all); any other
 * failure stops the run and leaves the create to verify in the journal.
 */
struct lookup {
	struct push *ps;
	struct op *op;
	unsigned tries;
};

static void on_lookup(void *udata, struct http_response *resp);

static void lookup_pump(struct push *ps)
{
	struct errinfo info = { ERR_OK, "" };
	struct http_request hr;
	struct lookup *l;
	struct op *op;

	while (!must_stop(ps) && ps->outstanding < 2 * ps->concurrency &&
	       (op = q_pop(&ps->lookups))) {
		enum err e;

		l = op->lookup;
		if (!l && (l = calloc(1, sizeof(*l)))) {
			l->ps = ps;
			l->op = op;
			op->lookup = l;
		}
		if (l)
			e = ps->drv->build_lookup(&ps->s, op->key, &hr, &ps->path, &info);
		else
			e = err_set(&info, ERR_NOMEM, "out of memory");
		if (!e)
			e = http_submit(ps->s.http, &hr, on_lookup, l, &info);
		if (e) {
			q_push(&ps->verify, op);
			stop(ps, e, &info);
			break;
		}
		l->tries++;
		ps->outstanding++;
	}
}

static void looked_up(struct push *ps, struct op *op, const struct remote_contact *rc,
		      int found)
{
	if (!found) {
		journal_move(&op->st, JOURNAL_EV_REQUEUE);
		q_push(&ps->retry, op);
		return;
	}
	ps->sum->reconciled++;
	if (op->jop.flags & JOURNAL_FOLLOW_OPTOUT && rc->c.opted_out != TRI_TRUE) {
		op->kind = WRITE_OPT_OUT;
		op->st.step = 1;
		q_push(&ps->retry, op);
		return;
	}
	done(ps, op, "found at the provider (created before)");
}

static void on_lookup(void *udata, struct http_response *resp)
{
	struct lookup *l = udata;
	struct push *ps = l->ps;
	struct op *op = l->op;
	struct errinfo info = { ERR_OK, "" };
	struct remote_contact rc;
	json_t *root = NULL;
	int found = 0;
	enum err e;

	ps->outstanding--;
	memset(&rc, 0, sizeof(rc));
	contact_init(&rc.c);
	e = ps->drv->judge_lookup(&ps->s, resp, &rc, &found, &root, &info);
	if (e == ERR_REMOTE && resp->status >= 200 && resp->status < 300 &&
	    l->tries < PROVIDER_READ_TRIES && !ps->stopping) {
		q_push(&ps->lookups, op);	/* cut short: ask again */
		goto out;
	}
	op->lookup = NULL;
	free(l);
	if (!e) {
		looked_up(ps, op, &rc, found);
	} else {
		/* unknown: stays to verify in the journal, for the next run */
		q_push(&ps->verify, op);
		stop(ps, e, &info);
	}
out:
	json_decref(root);
	contact_free(&rc.c);
	progress(ps);
	lookup_pump(ps);
}

/* Returns 1 when the provider has no lookup and only a fresh listing can
 * tell (the caller lists and plans again). */
static int reconcile(struct push *ps)
{
	struct errinfo info = { ERR_OK, "" };
	struct op *op;
	enum err e;

	if (!ps->verify.n)
		return 0;
	if (!ps->drv->build_lookup || ps->o->dry_run)
		return !ps->o->dry_run;
	ps->lookups = ps->verify;
	memset(&ps->verify, 0, sizeof(ps->verify));
	lookup_pump(ps);
	e = http_run(ps->s.http, &info);
	if (e)
		stop(ps, e, &info);
	/* not asked (the run stopped): still to verify */
	while ((op = q_pop(&ps->lookups)))
		q_push(&ps->verify, op);
	return 0;
}

static void sleep_ms(const struct push *ps, long long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR && !signalled(ps))
		;
}

/* Commits what the journal has queued; a failure stops the run. */
static void jcommit(struct push *ps)
{
	struct errinfo info = { ERR_OK, "" };
	enum err e = jflush(ps, &info);

	if (e)
		stop(ps, e, &info);
}

static void run_loop(struct push *ps)
{
	struct errinfo info = { ERR_OK, "" };
	enum err e;

	if (ps->o->dry_run) {
		while (!ps->stopping && pump(ps))
			;
		return;
	}
	pump(ps);
	e = http_run(ps->s.http, &info);
	if (e)
		stop(ps, e, &info);
	jcommit(ps);
}

/*
 * One phase: the plan's operations of the phase, then rounds over what is
 * to be retried (after a pause that grows) until nothing is left, the
 * rounds run out, or the run stops. Returns 1 when creates are left that
 * only a fresh listing can settle.
 */
static int run_phase(struct push *ps, int phase)
{
	int round, relist = 0;
	struct op *op;

	ps->phase = phase;
	ps->plan_started = ps->plan_done = 0;
	ps->last_keylen = 0;
	for (round = 0; round < MAX_ROUNDS && !ps->stopping; round++) {
		if (round) {
			long long pause = 500LL << (round - 1);

			if (pause > 30000)
				pause = 30000;
			if (ps->deadline && now_ms() + pause >= ps->deadline)
				pause = ps->deadline > now_ms() ? ps->deadline - now_ms() : 0;
			sleep_ms(ps, pause);
			ps->round_pause_ms += pause;
			if (must_stop(ps))
				break;
			while ((op = q_pop(&ps->retry)))
				q_push(&ps->ready[op->kind], op);
		}
		run_loop(ps);
		relist = reconcile(ps);
		jcommit(ps);
		if (relist || (!ps->retry.n && ps->plan_done))
			break;
	}
	/* what the rounds could not settle */
	while (!ps->stopping && (op = q_pop(&ps->retry)))
		failed(ps, op, op->st.status, op->st.message[0] ? op->st.message : "not settled");
	jcommit(ps);
	return relist;
}

/* ---- planning ----------------------------------------------------------------- */

struct planner {
	struct push *ps;
	struct sorter *sorter;
	struct buf rec;
	uint64_t seq;
};

static enum err plan_emit(void *ctx, const struct plan_entry *e, struct errinfo *info)
{
	struct planner *pl = ctx;
	struct push *ps = pl->ps;
	enum write_kind kind;
	unsigned flags = 0;
	size_t keylen = strlen(e->phone);
	enum err err;

	switch (e->op) {
	case PLAN_CREATE:
		kind = WRITE_CREATE;
		if (e->desired && e->desired->opted_out == TRI_TRUE)
			flags |= JOURNAL_FOLLOW_OPTOUT;
		break;
	case PLAN_UPDATE:
		kind = WRITE_UPDATE;
		break;
	case PLAN_DELETE:
		kind = WRITE_DELETE;
		ps->guard_deletes++;
		break;
	default:	/* opt-out */
		kind = WRITE_OPT_OUT;
		if (!(ps->drv->caps & PROVIDER_CAP_OPT_OUT)) {
			/* the profile's optout_action: removal, or a move */
			flags |= JOURNAL_REMEMBER_OPTOUT;
			if (ps->prof.optout_action == OPTOUT_ACTION_DELETE) {
				kind = WRITE_DELETE;
				ps->guard_deletes++;
			}
		}
		break;
	}
	if (keylen > SORTER_KEY_MAX)
		return err_set(info, ERR_INTERNAL, "plan key too long");
	ps->planned[e->op]++;
	buf_reset(&pl->rec);
	err = journal_plan_encode(e, kind, flags, &pl->rec);
	if (err)
		return err_set(info, err, "cannot encode the plan");
	return sorter_add(pl->sorter, e->phone, keylen, ++pl->seq, pl->rec.data, pl->rec.len,
			  info);
}

static enum err write_plan(struct push *ps, struct sorter *sorter, struct errinfo *info)
{
	struct store_gen *gen;
	struct sorter_entry ent;
	enum err e;

	e = sorter_finish(sorter, info);
	if (!e)
		e = store_gen_begin(ps->st, ps->plan_ds, &gen, info);
	if (e)
		return e;
	while (!(e = sorter_next(sorter, &ent, info)))
		if ((e = store_gen_append(gen, ent.key, ent.keylen, ent.val, ent.vallen, info)))
			break;
	if (e != ERR_NOT_FOUND) {
		store_gen_abort(gen);
		return e;
	}
	return store_gen_commit(gen, info);
}

static enum err put_state(struct push *ps, const char *what, uint64_t v, struct errinfo *info)
{
	char key[300];
	unsigned char num[8];
	struct store_tx *tx;
	enum err e;

	store_put_u64(num, v);
	snprintf(key, sizeof(key), "%s:%s", what, ps->prof.name);
	e = store_tx_begin(ps->st, &tx, info);
	if (!e)
		e = store_tx_put(tx, STATE_TABLE, key, strlen(key), num, 8, info);
	if (!e)
		return store_tx_commit(tx, info);
	store_tx_abort(tx);
	return e;
}

static uint64_t get_state(struct store_read *rd, const char *what, const char *profile)
{
	char key[300];
	const void *v;
	size_t vl;

	snprintf(key, sizeof(key), "%s:%s", what, profile);
	if (store_table_get(rd, STATE_TABLE, key, strlen(key), &v, &vl, NULL))
		return 0;
	return store_get_u64(v, vl);
}

/* What the run starts from, read in one transaction. */
struct start {
	int has_snapshot;
	uint64_t snap_id, remote_count, desired_count, synced_count, journal_snap;
	int64_t snap_time;
	int has_desired;
	uint64_t unsettled_creates;	/* journal: creates that may have happened */
};

/* Copies the desired set's source file names (results name a contact's
 * source by them). */
static enum err keep_file_names(struct push *ps, const char *const *names, size_t n,
				struct errinfo *info)
{
	if (!(ps->files = calloc(n, sizeof(*ps->files))))
		return err_set(info, ERR_NOMEM, "out of memory");
	for (ps->nfiles = 0; ps->nfiles < n; ps->nfiles++)
		if (!(ps->files[ps->nfiles] = strdup(names[ps->nfiles])))
			return err_set(info, ERR_NOMEM, "out of memory");
	return ERR_OK;
}

static enum err read_start(struct push *ps, struct start *s, struct errinfo *info)
{
	struct store_read *rd;
	struct store_cursor *cur = NULL;
	const char **names;
	const void *k, *v;
	size_t kl, vl, n;
	enum err e;

	memset(s, 0, sizeof(*s));
	e = store_read_begin(ps->st, &rd, info);
	if (e)
		return e;
	s->has_snapshot = store_has(rd, ps->remote_ds);
	s->snap_id = store_gen_id(rd, ps->remote_ds);
	s->snap_time = store_gen_time(rd, ps->remote_ds);
	s->has_desired = store_has(rd, ps->desired_ds);
	s->synced_count = ps->o->desired ? 0 : get_state(rd, "synced", ps->prof.name);
	s->journal_snap = get_state(rd, "journal-snapshot", ps->prof.name);
	e = store_count(rd, ps->remote_ds, &s->remote_count, info);
	if (!e)
		e = store_count(rd, ps->desired_ds, &s->desired_count, info);
	/* the source file names, once (a relisted start reads them again) */
	if (!e && !ps->files) {
		e = store_files(rd, ps->desired_ds, &names, &n, info);
		if (!e && n)
			e = keep_file_names(ps, names, n, info);
	}
	/* creates left in flight by a run that stopped, against this snapshot */
	if (!e && s->journal_snap == s->snap_id)
		e = store_table_cursor(rd, ps->journal, NULL, 0, &cur, info);
	while (!e && cur && !(e = store_cursor_next(cur, &k, &kl, &v, &vl, info))) {
		struct journal_state_rec js;
		enum write_kind kind;
		const void *pv;
		size_t pvl;

		if (journal_state_decode(&js, v, vl, NULL) || js.step ||
		    (js.state != JOURNAL_INFLIGHT && js.state != JOURNAL_VERIFY))
			continue;
		if (!store_get(rd, ps->plan_ds, k, kl, &pv, &pvl, NULL) &&
		    !journal_plan_kind(pv, pvl, &kind) && kind == WRITE_CREATE)
			s->unsettled_creates++;
	}
	if (e == ERR_NOT_FOUND)
		e = ERR_OK;
	store_cursor_close(cur);
	store_read_end(rd);
	return e;
}

static enum err guard(struct push *ps, const struct start *s, struct errinfo *info)
{
	struct guard_facts f = {
		.profile = ps->prof.name,
		.deletes = ps->guard_deletes,
		.remote_count = s->remote_count,
		.desired_count = s->desired_count,
		.synced_count = s->synced_count,
		.snapshot_time = s->snap_time,
		.now = (int64_t)time(NULL),
	};

	return guard_check(&f, ps->o, info);
}

/* Plans the run into the plan dataset; evaluates the guards on it. */
static enum err plan(struct push *ps, const struct start *s, struct errinfo *info)
{
	struct planner pl = { ps, NULL, { 0 }, 0 };
	struct diff_params dp;
	struct store_read *rd;
	enum err e;

	dp.mode = ps->o->on_missing == ON_MISSING_DELETE ? DIFF_MIRROR : ps->o->mode;
	dp.missing_optout = ps->o->on_missing == ON_MISSING_OPTOUT;
	dp.optouts = ps->optouts;
	dp.desired = ps->desired_ds;
	memset(ps->planned, 0, sizeof(ps->planned));
	memset(ps->settled, 0, sizeof(ps->settled));
	ps->guard_deletes = 0;
	buf_init(&pl.rec, 0);
	e = sorter_new(&pl.sorter, PLAN_SORT_MEM, store_dir(ps->st), info);
	if (!e)
		e = store_read_begin(ps->st, &rd, info);
	if (!e) {
		e = diff_run(rd, ps->remote_ds, &ps->prof, ps->drv, &dp, plan_emit, &pl,
			     &ps->sum->plan, info);
		store_read_end(rd);	/* before writing: the map may grow */
	}
	if (!e)
		e = guard(ps, s, info);
	if (!e)
		e = write_plan(ps, pl.sorter, info);
	sorter_free(pl.sorter);
	buf_free(&pl.rec);
	return e;
}

/* ---- one run -------------------------------------------------------------------- */

static void on_notice(void *ctx, enum http_notice what, long ms, const char *msg)
{
	struct push *ps = ctx;

	(void)what;
	(void)ms;
	say(ps, ps->o->info, "profile '%s': %s", ps->prof.name, msg);
}

/* Marks every delete of the plan skipped, with why. */
static enum err skip_deletes(struct push *ps, const char *why, struct errinfo *info)
{
	struct op *op;
	enum err e = ERR_OK;
	int k;

	ps->phase = 2;
	ps->plan_started = ps->plan_done = 0;
	ps->last_keylen = 0;
	while (!e && !ps->plan_done) {
		e = refill(ps, info);
		for (k = 0; k <= WRITE_OPT_OUT; k++)
			while ((op = q_pop(&ps->ready[k])))
				skipped(ps, op, why);
		while ((op = q_pop(&ps->verify)))
			skipped(ps, op, why);
	}
	jcommit(ps);
	return e;
}

void push_results_dir(const struct store *st, const char *profile, const struct push_opts *o,
		      char *out, size_t cap)
{
	char id[64];

	if (o->results_dir) {
		snprintf(out, cap, "%s", o->results_dir);
		return;
	}
	if (!o->run_id)
		runlog_id(id, sizeof(id));
	snprintf(out, cap, "%s/results/%s-%s", store_dir(st), profile, o->run_id ? o->run_id : id);
}

/*
 * Plans and carries out the plan once. *relist is set when creates may
 * have reached the server and only a fresh listing can tell (altum,
 * atom): the caller lists the account and runs again.
 */
static enum err run_once(struct push *ps, int *relist, struct errinfo *info)
{
	struct start s;
	enum err e;
	int k;

	*relist = 0;
	e = read_start(ps, &s, info);
	if (e)
		return e;
	if (!s.has_snapshot)
		return err_set(info, ERR_USAGE,
			       "no remote snapshot of '%s' yet: run 'contactsync pull %s' first",
			       ps->prof.name, ps->prof.name);
	if (!s.has_desired)
		return err_set(info, ERR_USAGE,
			       "no desired set yet: run 'contactsync import FILE' first");
	if (s.unsettled_creates && !ps->drv->build_lookup && !ps->o->dry_run) {
		say(ps, ps->o->info, "profile '%s': %" PRIu64 " creates were in flight when the last run stopped; listing the account to see which arrived",
		    ps->prof.name, s.unsettled_creates);
		*relist = 1;
		return ERR_OK;
	}
	e = plan(ps, &s, info);
	if (e)
		return e;
	/* a new snapshot shows what earlier runs did: their journal is done */
	if (s.journal_snap != s.snap_id && !ps->o->dry_run) {
		struct store_tx *tx;

		e = store_tx_begin(ps->st, &tx, info);
		if (!e)
			e = store_tx_clear(tx, ps->journal, info);
		if (!e)
			e = store_tx_commit(tx, info);
		else if (tx)
			store_tx_abort(tx);
		if (!e)
			e = put_state(ps, "journal-snapshot", s.snap_id, info);
		if (e)
			return e;
	}
	if (!ps->session_open) {
		struct secrets sec;

		e = config_secrets(&ps->prof, &sec, info);
		if (e)
			return e;
		e = provider_session_open(&ps->s, ps->drv, &ps->prof, &sec, on_notice, ps, info);
		config_secrets_free(&sec);
		if (e)
			return e;
		ps->session_open = 1;
		ratestate_resume(ps->st, &ps->s);
	}
	if (ps->drv->prepare) {	/* reads what requests need (atom's book) */
		e = ps->drv->prepare(&ps->s, info);
		if (e)
			return e;
	}
	if (!ps->res && !ps->o->dry_run) {
		push_results_dir(ps->st, ps->prof.name, ps->o, ps->sum->results_dir,
				 sizeof(ps->sum->results_dir));
		e = results_open(&ps->res, ps->sum->results_dir, info);
		if (e)
			return e;
	}
	ps->failures = 0;
	*relist = run_phase(ps, 1);
	if (!ps->stopping && !*relist) {
		if (ps->o->pull_failed)
			e = skip_deletes(ps, "the pull failed: no deletes from an old listing", info);
		else if (ps->failures)
			e = skip_deletes(ps, "other operations failed: no deletes in this run", info);
		else
			*relist = run_phase(ps, 2);
		if (e)
			stop(ps, e, info);
	}
	for (k = 0; k < PLAN__COUNT; k++)
		ps->sum->ops[k][PUSH_PENDING] = ps->planned[k] > ps->settled[k]
						? ps->planned[k] - ps->settled[k] : 0;
	if (!ps->stopping && !*relist && !ps->o->dry_run && !ps->o->desired &&
	    !push_summary_partial(ps->sum))
		e = put_state(ps, "synced", s.desired_count, info);
	return e;
}

enum err push_run(struct store *st, const struct profile *p, const struct provider *drv,
		  const struct push_opts *o, struct push_summary *sum,
		  struct errinfo *info)
{
	struct push ps;
	struct push_opts opts = *o;
	long long t0 = now_ms();
	int relist = 0, lists = 0, k;
	enum err e, ce;

	memset(sum, 0, sizeof(*sum));
	snprintf(sum->profile, sizeof(sum->profile), "%s", p->name);
	snprintf(sum->provider, sizeof(sum->provider), "%s", drv->name);
	sum->dry_run = o->dry_run;
	memset(&ps, 0, sizeof(ps));
	ps.st = st;
	ps.prof = *p;
	if (o->rate)
		ps.prof.rate = (char *)o->rate;
	if (o->concurrency)
		ps.prof.concurrency = o->concurrency;
	ps.drv = drv;
	ps.o = &opts;
	ps.sum = sum;
	ps.concurrency = ps.prof.concurrency ? ps.prof.concurrency : drv->default_concurrency;
	if (!ps.concurrency)
		ps.concurrency = 1;
	ps.batch = o->batch_size ? o->batch_size : PUSH_DEFAULT_BATCH;
	ps.deadline = o->time_budget_ms > 0 ? t0 + o->time_budget_ms : 0;
	journal_plan_dataset(p->name, ps.plan_ds, sizeof(ps.plan_ds));
	push_journal_table(p->name, ps.journal, sizeof(ps.journal));
	push_optouts_table(p->name, ps.optouts, sizeof(ps.optouts));
	snapshot_dataset(p->name, ps.remote_ds, sizeof(ps.remote_ds));
	ps.desired_ds = o->desired ? o->desired : "desired";
	buf_init(&ps.path, 0);
	buf_init(&ps.body, 0);

	for (;;) {
		e = run_once(&ps, &relist, info);
		if (e || ps.stopping || !relist)
			break;
		if (lists++ >= MAX_RELISTS) {
			e = err_set(info, ERR_REMOTE,
				    "profile '%s': creates could not be confirmed after %d fresh listings; the next run checks again",
				    p->name, MAX_RELISTS);
			break;
		}
		{
			struct pull_opts po = { 0 };
			struct pull_stats pst;

			po.warn = o->warn;
			po.info = o->info;
			po.ctx = o->hook_ctx;
			po.desired = o->desired;
			/* the listing's session and ours share the account's limit */
			if (ps.session_open)
				ratestate_save(st, &ps.s, o->warn, o->hook_ctx);
			e = pull_profile(st, p, drv, &po, &pst, info);
			if (e)
				break;
			if (ps.session_open)
				ratestate_resume(st, &ps.s);
			opts.snapshot_fresh = 1;
		}
		/* every operation is planned again from the fresh listing, so
		 * what failed or was skipped is judged again too */
		for (k = 0; k < PLAN__COUNT; k++)
			sum->ops[k][PUSH_FAILED] = sum->ops[k][PUSH_SKIPPED] = 0;
		for (k = 0; k <= WRITE_OPT_OUT; k++)
			q_free(&ps.ready[k]);
		q_free(&ps.retry);
		q_free(&ps.verify);
	}
	if (o->progress)
		o->progress(o->hook_ctx, NULL);	/* the push is over */
	if (!e && ps.stopping) {
		e = ps.stop_err;
		if (info)
			*info = ps.stop_info;
	}
	if (ps.session_open) {
		struct http_stats hs = http_stats(ps.s.http);

		sum->requests = hs.requests;
		sum->retries = hs.retries;
		sum->status_429 = hs.status_429;
		sum->wait_ms = hs.wait_ms;
		sum->backoff_ms = hs.backoff_ms + ps.round_pause_ms;
		ratestate_save(st, &ps.s, o->warn, o->hook_ctx);
		provider_session_close(&ps.s);
	}
	ce = results_close(ps.res, e ? NULL : info);
	if (!e)
		e = ce;
	if (e == ERR_BUDGET)
		sum->stopped_by = "time budget";
	else if (e == ERR_INTERRUPTED)
		sum->stopped_by = "interrupted";
	else if (e == ERR_GUARD)
		sum->stopped_by = "safety guard";
	else if (e)
		sum->stopped_by = err_str(e);
	for (k = 0; k <= WRITE_OPT_OUT; k++)
		q_free(&ps.ready[k]);
	q_free(&ps.retry);
	q_free(&ps.verify);
	for (k = 0; (size_t)k < ps.nfiles; k++)
		free(ps.files[k]);
	free(ps.files);
	free(ps.jq);
	buf_free(&ps.path);
	buf_free(&ps.body);
	sum->wall_ms = now_ms() - t0;
	return e;
}

/* ---- summary ------------------------------------------------------------------- */

int push_summary_partial(const struct push_summary *sum)
{
	int op;

	for (op = 0; op < PLAN__COUNT; op++)
		if (sum->ops[op][PUSH_FAILED] || sum->ops[op][PUSH_PENDING])
			return 1;
	return 0;
}

static const enum plan_op shown[] = { PLAN_CREATE, PLAN_UPDATE, PLAN_OPT_OUT, PLAN_DELETE };

json_t *push_summary_json(const struct push_summary *s)
{
	json_t *o = json_object(), *ops = json_object();
	size_t i;
	int k;

	if (!o || !ops) {
		json_decref(o);
		json_decref(ops);
		return NULL;
	}

	json_object_set_new(o, "profile", json_string(s->profile));
	json_object_set_new(o, "provider", json_string(s->provider));
	json_object_set_new(o, "dry_run", json_boolean(s->dry_run));
	for (i = 0; i < sizeof(shown) / sizeof(*shown); i++) {
		json_t *c = json_object();

		for (k = 0; k < PUSH_OUTCOME__COUNT; k++)
			json_object_set_new(c, outcome_names[k], json_integer((json_int_t)s->ops[shown[i]][k]));
		json_object_set_new(ops, plan_op_name(shown[i]), c);
	}
	json_object_set_new(o, "operations", ops);
	json_object_set_new(o, "unchanged", json_integer((json_int_t)s->plan.ops[PLAN_UNCHANGED]));
	json_object_set_new(o, "already_done", json_integer((json_int_t)s->already_done));
	json_object_set_new(o, "reconciled", json_integer((json_int_t)s->reconciled));
	json_object_set_new(o, "optouts_not_recordable", json_integer((json_int_t)s->plan.optout_unsupported));
	json_object_set_new(o, "kept_opted_out", json_integer((json_int_t)s->plan.kept_opted_out));
	json_object_set_new(o, "requests", json_integer((json_int_t)s->requests));
	json_object_set_new(o, "retries", json_integer((json_int_t)s->retries));
	json_object_set_new(o, "status_429", json_integer((json_int_t)s->status_429));
	json_object_set_new(o, "rate_wait_s", json_real((double)s->wait_ms / 1000.0));
	json_object_set_new(o, "retry_wait_s", json_real((double)s->backoff_ms / 1000.0));
	json_object_set_new(o, "wall_s", json_real((double)s->wall_ms / 1000.0));
	json_object_set_new(o, "stopped_by", s->stopped_by ? json_string(s->stopped_by) : json_null());
	json_object_set_new(o, "results", s->results_dir[0] ? json_string(s->results_dir) : json_null());
	return o;
}

static void summary_json(FILE *fp, const struct push_summary *s)
{
	json_t *o = push_summary_json(s);
	char *line = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

	json_decref(o);
	if (line)
		fprintf(fp, "%s\n", line);
	free(line);
}

void push_summary_print(FILE *fp, const struct push_summary *s, int json)
{
	size_t i;

	if (json) {
		summary_json(fp, s);
		return;
	}
	fprintf(fp, "%s '%s' (%s):\n", s->dry_run ? "dry run of the push to" : "push to",
		s->profile, s->provider);
	for (i = 0; i < sizeof(shown) / sizeof(*shown); i++) {
		const uint64_t *c = s->ops[shown[i]];

		fprintf(fp, "  %-8s %llu done", plan_op_name(shown[i]),
			(unsigned long long)c[PUSH_DONE]);
		if (c[PUSH_FAILED])
			fprintf(fp, ", %llu failed", (unsigned long long)c[PUSH_FAILED]);
		if (c[PUSH_SKIPPED])
			fprintf(fp, ", %llu skipped", (unsigned long long)c[PUSH_SKIPPED]);
		if (c[PUSH_PENDING])
			fprintf(fp, ", %llu pending", (unsigned long long)c[PUSH_PENDING]);
		fputc('\n', fp);
	}
	fprintf(fp, "  unchanged %llu\n", (unsigned long long)s->plan.ops[PLAN_UNCHANGED]);
	if (s->already_done)
		fprintf(fp, "  done by an earlier run, not sent again: %llu\n",
			(unsigned long long)s->already_done);
	if (s->reconciled)
		fprintf(fp, "  creates found at the provider after a stop, not sent again: %llu\n",
			(unsigned long long)s->reconciled);
	if (s->plan.kept_opted_out)
		fprintf(fp, "  opted out remotely, kept opted out: %llu\n",
			(unsigned long long)s->plan.kept_opted_out);
	if (s->plan.optout_unsupported)
		fprintf(fp, "  warning: %llu opt-outs not carried out: %s cannot record an opt-out (set optout_action in the profile)\n",
			(unsigned long long)s->plan.optout_unsupported, s->provider);
	if (s->plan.not_created_opted_out + s->plan.removed_opted_out)
		fprintf(fp, "  opted out and not at the provider, not created: %llu\n",
			(unsigned long long)(s->plan.not_created_opted_out + s->plan.removed_opted_out));
	fprintf(fp, "  requests %lu, retries %lu, 429 answers %lu, rate-limit wait %.1f s, "
		"retry wait %.1f s, wall time %.1f s\n",
		s->requests, s->retries, s->status_429, (double)s->wait_ms / 1000.0,
		(double)s->backoff_ms / 1000.0, (double)s->wall_ms / 1000.0);
	if (s->stopped_by)
		fprintf(fp, "  stopped early: %s\n", s->stopped_by);
	if (s->results_dir[0])
		fprintf(fp, "  results in %s\n", s->results_dir);
}
