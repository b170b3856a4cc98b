/* push_send: a push's requests: scheduling, bulk batches and their
 * bisection, outcomes and retries, rounds (see push_int.h). */
#include "push_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define MAX_ROUNDS 8		/* passes over what is left to retry */
#define MAX_ATTEMPTS 6		/* requests per operation and run */
#define MAX_GROUP 128		/* requests journaled in one transaction */

/* ---- sending ----------------------------------------------------------------- */

static int is_bulk_kind(const struct push *ps, enum write_kind kind)
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
 * request leaves; a removal as an opt-out remembered with it) and, the
 * first time, its remote state in before.jsonl. */
static enum err req_add(struct push *ps, struct req *r, struct op *op)
{
	struct write_op *w = &r->wops[r->n];
	enum err e;

	journal_move(&op->st, JOURNAL_EV_SEND);
	op->st.sent = (int64_t)time(NULL);
	op->st.attempts++;
	op->run_attempts++;
	if (op->kind == WRITE_OPT_OUT && op->jop.kind == WRITE_CREATE)
		op->st.step = 1;
	if (ps->res && op->has_remote && !op->before_written) {
		results_before(ps->res, push_op_name(op), &op->remote);
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
	e = push_jstate(ps, op);
	return e ? e : push_jremember(ps, op);
}

/* How many ops of queue k make a request: a batch for bulk kinds (smaller
 * after a bisection), else one. */
static size_t need(const struct push *ps, int k)
{
	const struct op *head = ps->ready[k].head;

	if (!is_bulk_kind(ps, (enum write_kind)k))
		return 1;
	if (head && head->batch_cap && head->batch_cap < ps->batch)
		return head->batch_cap;
	return ps->batch;
}

/*
 * The next request to send: a full bulk batch when one is ready, else one
 * operation of another kind, else (when the plan is read to its end) what
 * a bulk batch has. NULL when nothing is left.
 */
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
		if (push_refill(ps, info)) {
			push_stop(ps, info->code ? info->code : ERR_STORE, info);
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
		push_stop(ps, err_set(info, ERR_NOMEM, "out of memory"), info);
		return NULL;
	}
	r->bulk = is_bulk_kind(ps, (enum write_kind)pick);
	while (r->n < n)
		if (req_add(ps, r, push_q_pop(&ps->ready[pick])))
			push_stop(ps, ERR_NOMEM, NULL);
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
			push_skipped(ps, r->ops[i], info.msg);
		req_free(r);
		return;
	}
	if (e) {
		push_stop(ps, e, &info);
		for (i = 0; i < r->n; i++)
			push_q_push(&ps->retry, r->ops[i]);
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
		push_stop(ps, e, &info);
		for (i = 0; i < r->n; i++)
			push_q_push(&ps->retry, r->ops[i]);
		req_free(r);
		return;
	}
	ps->outstanding++;
}

/*
 * Keeps up to twice the concurrency of requests in flight (the HTTP client
 * sends `concurrency` at a time; the rest wait their turn, so the client
 * never idles between two answers). The requests of one call are journaled
 * in flight in one transaction before any of them leaves, and only once
 * the results files are written out (before.jsonl synced): a results file
 * that cannot be written stops the run before the next write.
 */
static size_t pump(struct push *ps)
{
	struct req *group[MAX_GROUP];
	struct errinfo info = { ERR_OK, "" };
	size_t n = 0, i, mark = ps->njq;
	enum err e;

	while (!push_is_stopping(ps) && ps->outstanding + n < 2 * ps->concurrency && n < MAX_GROUP) {
		struct req *r;

		r = next_request(ps, &info);
		if (!r)
			break;
		group[n++] = r;
	}
	/* the before-images of what leaves must be on disk first */
	e = n ? results_sync(ps->res, &info) : ERR_OK;
	if (e) {
		/* nothing of the group leaves, nor is journaled in flight; what
		 * earlier answers settled is kept */
		push_jdrop(ps, mark);
		push_jcommit(ps);
		push_stop(ps, e, &info);
		for (i = 0; i < n; i++) {
			size_t j;

			for (j = 0; j < group[i]->n; j++)
				push_q_push(&ps->retry, group[i]->ops[j]);
			req_free(group[i]);
		}
		return 0;
	}
	e = push_jflush(ps, &info);
	if (e) {
		/* not journaled: not sent */
		push_stop(ps, e, &info);
		for (i = 0; i < n; i++) {
			size_t j;

			for (j = 0; j < group[i]->n; j++)
				push_q_push(&ps->retry, group[i]->ops[j]);
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
void push_report_progress(struct push *ps)
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

enum http_halt push_check_halt(struct push *ps, struct errinfo *out)
{
	struct errinfo hi, info;
	enum http_halt why = http_halted(ps->s.http, &hi);

	if (why == HTTP_RUNNING)
		return why;
	err_set(&info, why == HTTP_HALT_UNRESOLVED ? ERR_NETWORK : ERR_BUDGET,
		"profile '%s': %s; the next run continues", ps->prof.name, hi.msg);
	push_stop(ps, info.code, &info);
	if (out)
		*out = info;
	return why;
}

static void on_response(void *udata, struct http_response *resp)
{
	struct req *r = udata;
	struct push *ps = r->ps;

	ps->outstanding--;
	settle(ps, r, resp);
	push_check_halt(ps, NULL);
	req_free(r);
	push_report_progress(ps);
	pump(ps);
}

/* ---- outcomes ------------------------------------------------------------------ */

static int is_auth_failure(const struct http_response *resp)
{
	return resp && !resp->err && (resp->status == 401 || resp->status == 403);
}

/* A bulk request refused as a whole (a 4xx for the batch, not a limit or
 * the credentials): one contact in it is bad. */
static int is_rejected_whole(const struct req *r, const struct http_response *resp)
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
	push_q_push_front(&ps->ready[r->kind], r->ops, r->n);
}

static void retry_later(struct push *ps, struct op *op, const struct write_result *res)
{
	if (op->run_attempts >= MAX_ATTEMPTS) {
		char msg[sizeof(res->message) + 64];

		snprintf(msg, sizeof(msg), "gave up after %u attempts: %s", op->run_attempts,
			 res->message);
		push_failed(ps, op, res->status, msg);
		return;
	}
	op->st.status = res->status;
	snprintf(op->st.message, sizeof(op->st.message), "%s", res->message);
	push_q_push(&ps->retry, op);
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
			if (push_jstate(ps, op))
				push_stop(ps, ERR_NOMEM, NULL);
			push_q_push(&ps->ready[WRITE_OPT_OUT], op);
			return;
		}
		push_done(ps, op, res->outcome == WRITE_EXISTS ? "already there" : "");
		return;
	case WRITE_VERIFY:
		if (op->kind == WRITE_CREATE) {
			journal_move(&op->st, JOURNAL_EV_UNSURE);
			snprintf(op->st.message, sizeof(op->st.message), "%s", res->message);
			if (push_jstate(ps, op))
				push_stop(ps, ERR_NOMEM, NULL);
			push_q_push(&ps->verify, op);
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
			push_done(ps, op, "already gone");
			return;
		}
		push_failed(ps, op, res->status, res->message);
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
	if (is_auth_failure(resp)) {
		struct errinfo info;

		err_set(&info, ERR_AUTH, "profile '%s': the provider refused the credentials (HTTP %ld): %s",
			ps->prof.name, resp->status, r->res[0].message);
		push_stop(ps, ERR_AUTH, &info);
		for (i = 0; i < r->n; i++)
			push_failed(ps, r->ops[i], resp->status, r->res[i].message);
		return;
	}
	if (is_rejected_whole(r, resp)) {
		bisect(ps, r);
		return;
	}
	for (i = 0; i < r->n; i++)
		outcome(ps, r->ops[i], &r->res[i]);
}

/* ---- rounds ----------------------------------------------------------------- */

static void sleep_ms(const struct push *ps, long long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR && !push_signalled(ps))
		;
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
		push_stop(ps, e, &info);
	push_jcommit(ps);
}

/*
 * One phase: the plan's operations of the phase, then rounds over what is
 * to be retried (after a pause that grows) until nothing is left, the
 * rounds run out, or the run stops. Returns 1 when creates are left that
 * only a fresh listing can settle.
 */
int push_run_phase(struct push *ps, int phase)
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
			if (ps->prof.max_wait_ms > 0 && pause > ps->prof.max_wait_ms)
				pause = ps->prof.max_wait_ms;
			if (ps->deadline && push_now_ms() + pause >= ps->deadline)
				pause = ps->deadline > push_now_ms() ? ps->deadline - push_now_ms() : 0;
			sleep_ms(ps, pause);
			ps->round_pause_ms += pause;
			if (push_is_stopping(ps))
				break;
			while ((op = push_q_pop(&ps->retry)))
				push_q_push(&ps->ready[op->kind], op);
		}
		run_loop(ps);
		relist = push_reconcile(ps);
		push_jcommit(ps);
		if (relist || (!ps->retry.n && ps->plan_done))
			break;
	}
	/* what the rounds could not settle */
	while (!ps->stopping && (op = push_q_pop(&ps->retry)))
		push_failed(ps, op, op->st.status, op->st.message[0] ? op->st.message : "not settled");
	push_jcommit(ps);
	return relist;
}
