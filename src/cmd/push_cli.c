/* push_cli: the push options and run shared by `push` and `sync`. */
#include "push_cli.h"

#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "http.h"
#include "log.h"

#define STR_(x) #x
#define STR(x) STR_(x)

enum {
	P_DRY_RUN = PUSH_CLI_ID_BASE, P_MODE, P_ON_MISSING, P_MAX_DELETE, P_MAX_DELETE_PERCENT,
	P_FORCE, P_CONCURRENCY, P_RATE, P_BATCH_SIZE, P_TIME_BUDGET, P_MAX_SNAPSHOT_AGE,
	P_RESULTS, P_BLANK,
};

#define IND "                                 "

const struct opt push_cli_options[] = {
	{ "dry-run", 'n', NULL, "run the push with writes switched off; print what would be sent", P_DRY_RUN },
	{ "mode", 0, "insert|update|upsert|mirror", "what to change (default upsert; mirror = --on-missing delete)", P_MODE },
	{ "on-missing", 0, "none|optout|delete", "remote contacts not in the list: keep (default),\n"
	  IND "opt out, or delete", P_ON_MISSING },
	{ "blank", 0, "keep|clear", "an empty cell: keep the remote value, or clear it (default:\n"
	  IND "the profile's blank, else clear in mirror, keep otherwise)", P_BLANK },
	{ "max-delete", 0, "N", "stop (exit 3) when more than N contacts would be deleted", P_MAX_DELETE },
	{ "max-delete-percent", 0, "P", "stop (exit 3) when more than P% of the remote contacts\n"
	  IND "would be deleted (default 10)", P_MAX_DELETE_PERCENT },
	{ "force", 0, NULL, "run even when a delete or shrink guard says stop", P_FORCE },
	{ "concurrency", 0, "N", "requests in flight (default: the profile's, else the provider's)", P_CONCURRENCY },
	{ "rate", 0, "SPEC", "request rate, e.g. 10/s, 60/60s, 100/m,burst=5 (default: the profile's)", P_RATE },
	{ "batch-size", 0, "N", "contacts per bulk request where the provider has bulk (default " STR(PUSH_DEFAULT_BATCH) ")", P_BATCH_SIZE },
	{ "time-budget", 0, "DURATION", "stop cleanly after DURATION (90s, 45m, 6h); exit 6, the\n"
	  IND "next run continues; a rate-limit wait that would end later\n"
	  IND "stops it at once", P_TIME_BUDGET },
	{ "max-snapshot-age", 0, "DURATION", "deletes need a pull younger than this (default 1h)", P_MAX_SNAPSHOT_AGE },
	{ "results", 0, "DIR", "write success.csv, errors.csv, skipped.csv, before.jsonl to DIR\n"
	  IND "(default: a timestamped folder under the store)", P_RESULTS },
	{ NULL, 0, NULL, NULL, 0 },
};

static int number(const char *arg, const char *opt, double min, double max, double *out,
		  struct errinfo *info)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || v < min || v > max) {
		err_set(info, ERR_USAGE, "%s must be a number from %g to %g, not '%s'", opt, min, max, arg);
		return -1;
	}
	*out = v;
	return 0;
}

static int whole(const char *arg, const char *opt, double min, double max, double *out,
		 struct errinfo *info)
{
	if (number(arg, opt, min, max, out, info))
		return -1;
	if (*out != (double)(long long)*out) {
		err_set(info, ERR_USAGE, "%s must be a whole number, not '%s'", opt, arg);
		return -1;
	}
	return 0;
}

int push_cli_option(struct push_opts *o, int id, const char *arg, struct errinfo *info)
{
	double v;
	long long ms;

	switch (id) {
	case P_DRY_RUN:
		o->dry_run = 1;
		return 0;
	case P_MODE:
		if (plan_parse_mode(arg, &o->mode)) {
			err_set(info, ERR_USAGE, "--mode must be insert, update, upsert or mirror, not '%s'", arg);
			return -1;
		}
		return 0;
	case P_ON_MISSING:
		if (push_parse_on_missing(arg, &o->on_missing)) {
			err_set(info, ERR_USAGE, "--on-missing must be none, optout or delete, not '%s'", arg);
			return -1;
		}
		return 0;
	case P_MAX_DELETE:
		if (whole(arg, "--max-delete", 0, 1e15, &v, info))
			return -1;
		o->max_delete = (long long)v;
		return 0;
	case P_MAX_DELETE_PERCENT:
		if (number(arg, "--max-delete-percent", 0, 100, &v, info))
			return -1;
		o->max_delete_percent = v;
		return 0;
	case P_FORCE:
		o->force = 1;
		return 0;
	case P_BLANK:
		if (profile_parse_blank(arg, &o->blank)) {
			err_set(info, ERR_USAGE, "--blank must be keep or clear, not '%s'", arg);
			return -1;
		}
		return 0;
	case P_CONCURRENCY:
		if (whole(arg, "--concurrency", 1, 64, &v, info))
			return -1;
		o->concurrency = (unsigned)v;
		return 0;
	case P_RATE:
		o->rate = arg;
		return 0;
	case P_BATCH_SIZE:
		if (whole(arg, "--batch-size", 1, PUSH_MAX_BATCH, &v, info))
			return -1;
		o->batch_size = (unsigned)v;
		return 0;
	case P_TIME_BUDGET:
	case P_MAX_SNAPSHOT_AGE:
		ms = duration_ms(arg);
		if (ms <= 0) {
			err_set(info, ERR_USAGE, "%s must be a duration such as 90s, 45m or 6h, not '%s'",
				id == P_TIME_BUDGET ? "--time-budget" : "--max-snapshot-age", arg);
			return -1;
		}
		if (id == P_TIME_BUDGET)
			o->time_budget_ms = ms;
		else
			o->max_snapshot_age_s = (ms + 999) / 1000;
		return 0;
	case P_RESULTS:
		o->results_dir = arg;
		return 0;
	}
	err_set(info, ERR_INTERNAL, "unknown push option %d", id);
	return -1;
}

int push_cli_finish(struct push_opts *o, struct errinfo *info)
{
	if (o->mode == PLAN_MODE_MIRROR) {
		if (o->on_missing == ON_MISSING_OPTOUT) {
			err_set(info, ERR_USAGE, "--mode mirror deletes missing contacts; use --mode upsert --on-missing optout to opt them out instead");
			return -1;
		}
		o->on_missing = ON_MISSING_DELETE;
	}
	if (o->on_missing != ON_MISSING_NONE && (o->mode == PLAN_MODE_INSERT || o->mode == PLAN_MODE_UPDATE)) {
		err_set(info, ERR_USAGE, "--on-missing needs --mode upsert or mirror");
		return -1;
	}
	return 0;
}

/* ---- the run ------------------------------------------------------------------ */

/* "pushing to 'shop': 1200 of 5000 operations (24%), 40/s, ETA 1:35, 3 failed,
 * 130 requests, 2.1 s waiting for the rate limit" */
static void progress(void *ctx, const struct push_progress *p)
{
	struct log_status st = { NULL, 0, 0, "operations", -1, NULL };
	char what[300], detail[160];

	(void)ctx;
	if (!p) {
		log_progress_end();	/* the push is over */
		return;
	}
	if (!log_is_status_due())
		return;
	snprintf(what, sizeof(what), "pushing to '%s'", p->profile);
	snprintf(detail, sizeof(detail), ", %llu failed, %lu request%s, %.1f s waiting for the rate limit",
		 (unsigned long long)p->failed, p->requests, p->requests == 1 ? "" : "s",
		 (double)p->wait_ms / 1000.0);
	st.what = what;
	st.done = p->settled;
	st.total = p->planned;
	st.detail = detail;
	log_status(&st);
}

static void failure(void *ctx, const struct push_failure *f)
{
	json_t *o;

	(void)ctx;
	if (log_format() == LOG_TEXT) {
		/* errors.csv has them all; a text log would drown in them */
		log_debug("profile '%s': %s of %s failed (HTTP %ld, %u attempt%s): %s", f->profile,
			  f->operation, f->phone, f->http_status, f->attempts,
			  f->attempts == 1 ? "" : "s", f->message);
		return;
	}
	o = json_object();
	json_object_set_new(o, "profile", log_json_str(f->profile));
	json_object_set_new(o, "operation", json_string(f->operation));
	json_object_set_new(o, "phone", log_json_str(f->phone));
	json_object_set_new(o, "http_status", f->http_status ? json_integer(f->http_status) : json_null());
	json_object_set_new(o, "message", log_json_str(f->message));
	json_object_set_new(o, "attempts", json_integer(f->attempts));
	log_event(LOG_ERROR, "failure", o, "profile '%s': %s of %s failed: %s", f->profile,
		  f->operation, f->phone, f->message);
}

static json_t *count(uint64_t n)
{
	return json_integer((json_int_t)n);
}

/* The operations by outcome, all kinds together; returns how many. */
static uint64_t outcomes(const struct push_summary *sum, uint64_t n[PUSH_OUTCOME__COUNT])
{
	uint64_t all = 0;
	int op, k;

	memset(n, 0, PUSH_OUTCOME__COUNT * sizeof(*n));
	for (op = 0; op < PLAN__COUNT; op++)
		for (k = 0; k < PUSH_OUTCOME__COUNT; k++) {
			if (op == PLAN_UNCHANGED)
				continue;
			n[k] += sum->ops[op][k];
			all += sum->ops[op][k];
		}
	return all;
}

/* phase_end's counts: the operations by outcome, and the requests. */
static json_t *end_fields(const struct push_summary *sum, enum err e, const struct errinfo *info)
{
	uint64_t n[PUSH_OUTCOME__COUNT];
	uint64_t planned = outcomes(sum, n);
	json_t *o = json_object();

	json_object_set_new(o, "planned", count(planned));
	json_object_set_new(o, "done", count(n[PUSH_DONE]));
	json_object_set_new(o, "failed", count(n[PUSH_FAILED]));
	json_object_set_new(o, "skipped", count(n[PUSH_SKIPPED]));
	json_object_set_new(o, "pending", count(n[PUSH_PENDING]));
	json_object_set_new(o, "unchanged", count(sum->plan.ops[PLAN_UNCHANGED]));
	json_object_set_new(o, "requests", count(sum->requests));
	json_object_set_new(o, "retries", count(sum->retries));
	json_object_set_new(o, "status_429", count(sum->status_429));
	json_object_set_new(o, "rate_wait_s", json_real((double)sum->wait_ms / 1000.0));
	json_object_set_new(o, "stopped_by", sum->stopped_by ? json_string(sum->stopped_by) : json_null());
	if (e)
		json_object_set_new(o, "error", log_json_str(info->msg[0] ? info->msg : err_str(e)));
	return o;
}

/*
 * SIGINT and SIGTERM during a push (Ctrl-C, systemctl stop) stop it like a
 * spent time budget (push_opts.stop): no new request leaves, those in
 * flight finish, the journal and the results are written. The handler puts
 * the default back, so a second signal ends the process at once (the
 * journal still holds).
 */
static volatile sig_atomic_t g_signal;

static void on_signal(int sig)
{
	g_signal = sig;
	signal(sig, SIG_DFL);
}

struct signals {
	struct sigaction old_int, old_term;
};

static void signals_catch(struct signals *saved)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: waits end early */
	sigemptyset(&sa.sa_mask);
	g_signal = 0;
	sigaction(SIGINT, &sa, &saved->old_int);
	sigaction(SIGTERM, &sa, &saved->old_term);
}

static void signals_restore(const struct signals *saved)
{
	sigaction(SIGINT, &saved->old_int, NULL);
	sigaction(SIGTERM, &saved->old_term, NULL);
}

enum err push_cli_run(struct store *st, const struct profile *p, const struct provider *drv,
		      struct push_opts *o, struct push_summary *sum, struct errinfo *info)
{
	uint64_t n[PUSH_OUTCOME__COUNT];
	struct signals sigs;
	enum err e;

	/* a dry run prints its requests on standard output, maybe the same
	 * terminal: no status line between them */
	o->progress = o->dry_run ? NULL : progress;
	o->failure = failure;
	o->warn = log_warn_hook;
	o->info = log_info_hook;
	o->hook_ctx = NULL;
	o->stop = &g_signal;
	log_phase_start("push", p->name, json_pack("{s:s, s:b}", "provider", drv->name,
						   "dry_run", o->dry_run));
	signals_catch(&sigs);
	e = push_run(st, p, drv, o, sum, info);
	signals_restore(&sigs);
	log_phase_end("push", p->name, !e, end_fields(sum, e, info));
	if (e == ERR_USAGE || e == ERR_CONFIG)
		return e;	/* it could not start: nothing to sum up */
	outcomes(sum, n);
	log_event(LOG_INFO, "summary", json_pack("{s:o, s:o*}", "profile", log_json_str(p->name),
						 "summary", push_summary_json(sum)),
		  "%s '%s': %llu done, %llu failed, %llu skipped, %llu pending%s%s",
		  sum->dry_run ? "dry run of the push to" : "push to", p->name,
		  (unsigned long long)n[PUSH_DONE], (unsigned long long)n[PUSH_FAILED],
		  (unsigned long long)n[PUSH_SKIPPED], (unsigned long long)n[PUSH_PENDING],
		  sum->stopped_by ? "; stopped early: " : "", sum->stopped_by ? sum->stopped_by : "");
	return e;
}
