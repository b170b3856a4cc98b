/* push_verify: creates that may have reached the server, settled by a
 * lookup or a fresh listing (see push_int.h). */
#include "push_int.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "contact.h"
#include "pull.h"
#include "ratestate.h"

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

	while (!push_is_stopping(ps) && ps->outstanding < 2 * ps->concurrency &&
	       (op = push_q_pop(&ps->lookups))) {
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
			push_q_push(&ps->verify, op);
			push_stop(ps, e, &info);
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
		push_q_push(&ps->retry, op);
		return;
	}
	ps->sum->reconciled++;
	if (op->jop.flags & JOURNAL_FOLLOW_OPTOUT && rc->c.opted_out != TRI_TRUE) {
		op->kind = WRITE_OPT_OUT;
		op->st.step = 1;
		push_q_push(&ps->retry, op);
		return;
	}
	push_done(ps, op, "found at the provider (created before)");
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
		push_q_push(&ps->lookups, op);	/* cut short: ask again */
		goto out;
	}
	op->lookup = NULL;
	free(l);
	if (!e) {
		looked_up(ps, op, &rc, found);
	} else {
		/* unknown: stays to verify in the journal, for the next run */
		push_q_push(&ps->verify, op);
		push_stop(ps, e, &info);
	}
out:
	json_decref(root);
	contact_free(&rc.c);
	push_report_progress(ps);
	lookup_pump(ps);
}

/* Returns 1 when the provider has no lookup and only a fresh listing can
 * tell (the caller lists and plans again). */
int push_reconcile(struct push *ps)
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
		push_stop(ps, e, &info);
	/* not asked (the run stopped): still to verify */
	while ((op = push_q_pop(&ps->lookups)))
		push_q_push(&ps->verify, op);
	return 0;
}

/*
 * Lists the account again (a pull of p, the profile as configured), for
 * creates that may have reached the server when the provider has no
 * lookup: the fresh snapshot shows which arrived, and the caller plans
 * again from it. The listing's session and the push's share the account's
 * rate limit, so the push's limiter state is handed over and back. The
 * pull's messages go to the push's hooks.
 */
enum err push_relist(struct push *ps, const struct profile *p, struct errinfo *info)
{
	const struct push_opts *o = ps->o;
	struct pull_opts po = { 0 };
	struct pull_stats pst;
	enum err e;

	po.warn = o->warn;
	po.info = o->info;
	po.ctx = o->hook_ctx;
	po.desired = o->desired;
	po.force = o->force;
	po.max_shrink_percent = PULL_MAX_SHRINK;
	if (ps->session_open)
		ratestate_save(ps->st, &ps->s, o->warn, o->hook_ctx);
	e = pull_profile(ps->st, p, ps->drv, &po, &pst, info);
	if (e)
		return e;
	if (ps->session_open)
		ratestate_resume(ps->st, &ps->s);
	return ERR_OK;
}
