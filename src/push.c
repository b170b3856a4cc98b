/* push: one run of the engine that applies a profile's plan (see push.h
 * for the API, push_int.h for how the engine's files divide the work). */
#include "push_int.h"

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "guard.h"
#include "hook.h"
#include "ratestate.h"
#include "rec.h"
#include "runlog.h"
#include "snapshot.h"

#define MAX_RELISTS 2		/* fresh listings to settle creates per run */

void push_opts_init(struct push_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->mode = PLAN_MODE_UPSERT;
	o->on_missing = ON_MISSING_NONE;
	o->max_delete = -1;
	o->max_delete_percent = -1;
	o->max_snapshot_age_s = GUARD_DEFAULT_SNAPSHOT_AGE_S;
	o->dry_out = stdout;
}

void push_journal_table(const char *profile, char *out, size_t cap)
{
	snprintf(out, cap, STORE_JOURNAL_PREFIX "%s", profile);
}

void push_optouts_table(const char *profile, char *out, size_t cap)
{
	snprintf(out, cap, STORE_OPTOUTS_PREFIX "%s", profile);
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

long long push_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void push_stop(struct push *ps, enum err e, const struct errinfo *info)
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
int push_signalled(const struct push *ps)
{
	return ps->o->stop ? (int)*ps->o->stop : 0;
}

/* 1 when the run is stopping: stopped already, or now, the time budget
 * being spent or a signal come (push_stop is then called here). */
int push_is_stopping(struct push *ps)
{
	struct errinfo info;
	int sig;

	if (ps->stopping)
		return 1;
	sig = push_signalled(ps);
	if (sig) {
		err_set(&info, ERR_INTERRUPTED, "profile '%s': interrupted by %s; the next run continues",
			ps->prof.name, sig == SIGINT ? "SIGINT" : "SIGTERM");
		push_stop(ps, ERR_INTERRUPTED, &info);
		return 1;
	}
	if (ps->deadline && push_now_ms() >= ps->deadline) {
		err_set(&info, ERR_BUDGET, "profile '%s': the time budget is spent",
			ps->prof.name);
		push_stop(ps, ERR_BUDGET, &info);
		return 1;
	}
	return 0;
}

static void on_notice(void *ctx, enum http_notice what, long ms, const char *msg)
{
	struct push *ps = ctx;

	(void)what;
	(void)ms;
	hook_say(ps->o->info, ps->o->hook_ctx, "profile '%s': %s", ps->prof.name, msg);
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
		e = push_refill(ps, info);
		for (k = 0; k <= WRITE_OPT_OUT; k++)
			while ((op = push_q_pop(&ps->ready[k])))
				push_skipped(ps, op, why);
		while ((op = push_q_pop(&ps->verify)))
			push_skipped(ps, op, why);
	}
	push_jcommit(ps);
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
 * Creates in flight that the last listing did not show, made too soon
 * after them to tell (the profile's create_settle): waits until a listing
 * can tell, so none is created twice, within the time budget and until a
 * signal.
 */
static void settle_wait(struct push *ps)
{
	int64_t now = (int64_t)time(NULL);
	long long ms;
	struct timespec ts;

	if (ps->settle_at <= now)
		return;
	ms = (long long)(ps->settle_at - now) * 1000;
	ps->settle_at = 0;
	hook_say(ps->o->info, ps->o->hook_ctx,
		 "profile '%s': the listing may be too early to show those creates; waiting %lld s (create_settle) before listing again",
		 ps->prof.name, ms / 1000);
	if (ps->deadline && push_now_ms() + ms > ps->deadline)
		ms = ps->deadline > push_now_ms() ? ps->deadline - push_now_ms() : 0;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000;
	while (nanosleep(&ts, &ts) && !push_signalled(ps))
		;
	push_is_stopping(ps);	/* a signal, or the budget spent */
}

/* Puts back the journal entries that survive a new snapshot. */
static enum err put_kept(struct push *ps, struct store_tx *tx, struct errinfo *info)
{
	struct rec_reader r;
	struct str k, v;
	enum err e = ERR_OK;

	rec_reader_init(&r, ps->kept.data, ps->kept.len);
	while (!e && !rec_get_bytes(&r, &k) && !rec_get_bytes(&r, &v))
		e = store_tx_put(tx, ps->journal, k.ptr, k.len, v.ptr, v.len, info);
	return e;
}

/*
 * Plans and carries out the plan once. *relist is set when creates may
 * have reached the server and only a fresh listing can tell (altum,
 * atom): the caller lists the account and runs again.
 */
static enum err run_once(struct push *ps, int *relist, struct errinfo *info)
{
	struct push_start s;
	enum err e;
	int k;

	*relist = 0;
	e = push_read_start(ps, &s, info);
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
		hook_say(ps->o->info, ps->o->hook_ctx, "profile '%s': %" PRIu64 " creates were in flight when the last run stopped; listing the account to see which arrived",
		    ps->prof.name, s.unsettled_creates);
		ps->settle_at = s.settle_at;
		*relist = 1;
		return ERR_OK;
	}
	e = push_plan(ps, &s, info);
	if (e)
		return e;
	/* a new snapshot shows what earlier runs did: their journal is done,
	 * but for creates it may be too early to show (push_read_start) */
	if (s.journal_snap != s.snap_id && !ps->o->dry_run) {
		struct store_tx *tx;

		e = store_tx_begin(ps->st, &tx, info);
		if (!e)
			e = store_tx_clear(tx, ps->journal, info);
		if (!e)
			e = put_kept(ps, tx, info);
		if (!e)
			e = store_tx_commit(tx, info);
		else if (tx)
			store_tx_abort(tx);
		if (!e)
			e = push_put_state(ps, STORE_JOURNAL_SNAPSHOT_PREFIX, s.snap_id, info);
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
		/* no wait of the client may run past the budget */
		if (ps->deadline)
			http_set_budget(ps->s.http, ps->deadline > push_now_ms() ?
					ps->deadline - push_now_ms() : 1);
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
	*relist = push_run_phase(ps, 1);
	if (!ps->stopping && !*relist) {
		if (ps->o->pull_failed)
			e = skip_deletes(ps, "the pull failed: no deletes from an old listing", info);
		else if (ps->failures)
			e = skip_deletes(ps, "other operations failed: no deletes in this run", info);
		else
			*relist = push_run_phase(ps, 2);
		if (e)
			push_stop(ps, e, info);
	}
	for (k = 0; k < PLAN__COUNT; k++)
		ps->sum->ops[k][PUSH_PENDING] = ps->planned[k] > ps->settled[k]
						? ps->planned[k] - ps->settled[k] : 0;
	if (!ps->stopping && !*relist && !ps->o->dry_run && !ps->o->desired &&
	    !push_summary_is_partial(ps->sum))
		e = push_put_state(ps, STORE_SYNCED_PREFIX, s.desired_count, info);
	return e;
}

enum err push_run(struct store *st, const struct profile *p, const struct provider *drv,
		  const struct push_opts *o, struct push_summary *sum,
		  struct errinfo *info)
{
	struct push ps;
	struct push_opts opts = *o;
	long long t0 = push_now_ms();
	enum http_halt halt = HTTP_RUNNING;
	struct errinfo hinfo;
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
	ps.desired_ds = o->desired ? o->desired : STORE_DESIRED;
	buf_init(&ps.path, 0);
	buf_init(&ps.body, 0);
	buf_init(&ps.kept, 0);

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
		settle_wait(&ps);
		if (ps.stopping)
			break;
		e = push_relist(&ps, p, info);
		if (e)
			break;
		opts.snapshot_fresh = 1;
		/* every operation is planned again from the fresh listing, so
		 * what failed or was skipped is judged again too */
		for (k = 0; k < PLAN__COUNT; k++)
			sum->ops[k][PUSH_FAILED] = sum->ops[k][PUSH_SKIPPED] = 0;
		for (k = 0; k <= WRITE_OPT_OUT; k++)
			push_q_free(&ps.ready[k]);
		push_q_free(&ps.retry);
		push_q_free(&ps.verify);
	}
	if (o->progress)
		o->progress(o->hook_ctx, NULL);	/* the push is over */
	/* a halted client is why the run ended, whatever failed after it
	 * (a lookup, a listing refused for the same reason) */
	if (ps.session_open && (halt = push_check_halt(&ps, &hinfo)) != HTTP_RUNNING) {
		e = hinfo.code;
		if (info)
			*info = hinfo;
	}
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
	if (halt == HTTP_HALT_WAIT)
		sum->stopped_by = "the service asked for a wait beyond max_wait";
	for (k = 0; k <= WRITE_OPT_OUT; k++)
		push_q_free(&ps.ready[k]);
	push_q_free(&ps.retry);
	push_q_free(&ps.verify);
	for (k = 0; (size_t)k < ps.nfiles; k++)
		free(ps.files[k]);
	free(ps.files);
	free(ps.jq);
	buf_free(&ps.path);
	buf_free(&ps.body);
	buf_free(&ps.kept);
	sum->wall_ms = push_now_ms() - t0;
	return e;
}
