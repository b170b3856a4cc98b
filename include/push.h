/*
 * push: the engine that applies a profile's plan to its remote account.
 *
 * The plan is plan.h's (desired set vs the profile's remote snapshot, set
 * up by push_plan_open, for diff too), made again at every run, so a run
 * always works towards the list as it is now.
 * Every operation is journaled in the store ("journal:<profile>") before
 * it is sent and its outcome after, in small batched transactions: a run
 * killed at any moment resumes where it stopped, done operations are not
 * sent again, and a create that may have reached the server is first
 * reconciled with the remote (a lookup, or a fresh listing) so that no
 * contact is ever created twice.
 *
 * Order: creates, updates and opt-outs first (sendblue creates in bulk
 * batches, split in halves when a whole batch is rejected), deletes last
 * and not at all when the pull or any other operation failed. The safety
 * guards (guard.h) are evaluated on the whole plan before the first write.
 *
 * A library module: it reports through the hooks in struct push_opts and
 * stops when the caller's stop flag is set; the commands decide what is
 * printed, which signals stop it, and the exit status. The engine's files
 * and how they divide the work: src/push_int.h.
 */
#ifndef CONTACTSYNC_PUSH_H
#define CONTACTSYNC_PUSH_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "err.h"
#include "hook.h"
#include "plan.h"
#include "provider.h"
#include "store.h"

#define PUSH_MAX_BATCH 1000

/*
 * Contacts per bulk request by default. scripts/bench-push.sh (100,000
 * sendblue creates, 20 ms latency, 4 in flight) measured 14,800 contacts/s
 * at 100, 31,200 at 250, 33,700 at 500 and 40,400 at 1000: past 250 the
 * gain is small, while a batch that fails costs a lookup per contact in it,
 * a batch refused whole two more requests per halving, and a crash up to
 * 2 x concurrency batches to reconcile.
 */
#define PUSH_DEFAULT_BATCH 250

/* How far a push got (borrowed for the call). */
struct push_progress {
	const char *profile;
	uint64_t planned;		/* operations planned */
	uint64_t settled;		/* of those, done, failed or skipped */
	uint64_t failed;
	unsigned long requests;		/* sent so far, retries and lookups included */
	long long wait_ms;		/* spent waiting for the rate limit so far */
};

/* An operation that failed for good in this run (borrowed for the call). */
struct push_failure {
	const char *profile;
	const char *operation;		/* "create", "update", "delete", "opt-out" */
	const char *phone;		/* the contact's number (E.164, or as listed) */
	long http_status;		/* of the last answer; 0 when none came */
	const char *message;		/* why (the server's words, redacted) */
	unsigned attempts;		/* requests sent for it, earlier runs included */
};

struct push_opts {
	enum plan_mode mode;		/* PLAN_MODE_UPSERT by default */
	enum on_missing on_missing;	/* mode mirror means ON_MISSING_DELETE */
	int dry_run;			/* everything but the writes */
	long long max_delete;		/* -1: no absolute limit */
	double max_delete_percent;	/* of the remote snapshot; -1: unset */
	int force;			/* overrides the delete and shrink guards */
	enum blank_rule blank;		/* --blank (plan.h); BLANK_DEFAULT: the profile's */
	unsigned concurrency;		/* 0: the profile's, else the provider's */
	const char *rate;		/* NULL: the profile's */
	unsigned batch_size;		/* bulk batches; 0: PUSH_DEFAULT_BATCH */
	long long time_budget_ms;	/* 0: none */
	long long max_snapshot_age_s;	/* deletes need a snapshot this young */
	const char *results_dir;	/* NULL: <store>/results/<profile>-<run id> */
	const char *run_id;		/* runlog_id of the run; NULL: made here */
	/* The desired set's dataset; NULL: "desired", the imported list.
	 * Only a push of that one records how big a fully pushed set was
	 * (the shrink guard's reference). migrate: "migrate:<from>". */
	const char *desired;
	int snapshot_fresh;		/* sync: the snapshot is from this run */
	int pull_failed;		/* sync: the pull failed (no deletes) */
	FILE *dry_out;			/* where --dry-run prints requests (stdout) */
	/*
	 * Set by the command's SIGINT/SIGTERM handler to the signal's number
	 * (NULL: no signals watched). Non-zero stops the run like a spent
	 * time budget: no new request leaves, those in flight finish, the
	 * journal and the results are written (ERR_INTERRUPTED). The handler
	 * must not use SA_RESTART, so that waits end early.
	 */
	const volatile sig_atomic_t *stop;
	/*
	 * Hooks, each may be NULL. progress: now and then while requests
	 * run (at every answer), and NULL when the push is over (time to
	 * erase a status line); failure: every operation that failed; warn
	 * and info: messages, each naming the profile (rate-limit waits, a
	 * relisting, the relisting's own messages, state not kept).
	 */
	void (*progress)(void *ctx, const struct push_progress *p);
	void (*failure)(void *ctx, const struct push_failure *f);
	hook_fn *warn;
	hook_fn *info;
	void *hook_ctx;
};

void push_opts_init(struct push_opts *o);
/* Table names: "journal:<profile>", "optouts:<profile>" (numbers removed as
 * opted out, never created again). */
void push_journal_table(const char *profile, char *out, size_t cap);
void push_optouts_table(const char *profile, char *out, size_t cap);
int push_parse_on_missing(const char *s, enum on_missing *out);

/*
 * The plan's set-up, shared by diff (which shows the plan) and push (which
 * carries it out), so both plan alike: the remote snapshot, the opt-out
 * table, and the planner's parameters from o's mode, on_missing and
 * desired set, with a read transaction open on st. Then
 * plan_run(in.rd, in.remote, profile, driver, &in.params, …), then
 * push_plan_close. ERR_USAGE (nothing to close) when the profile has no
 * remote snapshot yet. `in` must not be copied (params points into it).
 */
struct push_plan_in {
	struct store_read *rd;
	char remote[256];		/* snapshot_dataset(profile) */
	char optouts[256];		/* push_optouts_table(profile) */
	struct plan_params params;
};

enum err push_plan_open(struct push_plan_in *in, struct store *st, const char *profile,
			const struct push_opts *o, struct errinfo *info);
void push_plan_close(struct push_plan_in *in);

/* Outcomes an operation can end a run with. */
#define PUSH_OUTCOME_LIST(X)               \
	X(PUSH_DONE, "done")               \
	X(PUSH_FAILED, "failed")           \
	X(PUSH_SKIPPED, "skipped")         \
	X(PUSH_PENDING, "pending")

enum push_outcome {
#define PUSH_OUTCOME_ENUM_(c, s) c,
	PUSH_OUTCOME_LIST(PUSH_OUTCOME_ENUM_)
#undef PUSH_OUTCOME_ENUM_
	PUSH_OUTCOME__COUNT
};

struct push_summary {
	char profile[128];
	char provider[32];
	char results_dir[1024];
	int dry_run;
	/* per plan operation (create, update, delete, opt-out) and outcome */
	uint64_t ops[PLAN__COUNT][PUSH_OUTCOME__COUNT];
	uint64_t already_done;		/* done by an earlier run, not sent again */
	uint64_t reconciled;		/* creates found remote on a resume */
	struct plan_stats plan;		/* what diff saw */
	uint64_t optouts_skipped;	/* opt-outs the provider cannot record */
	unsigned long requests, retries, status_429;
	long long wait_ms;		/* idle for the rate limit */
	long long backoff_ms;		/* idle before retries of other failures */
	long long wall_ms;
	const char *stopped_by;		/* NULL, or why the run stopped early */
};

/*
 * Runs the push for profile p (driver drv): plan, guards, journal,
 * requests. The summary is filled as far as the run got, whatever the
 * result. Returns ERR_OK when every planned operation was settled (some
 * may have failed: see the summary), ERR_GUARD when a guard stopped the
 * run before any write, ERR_BUDGET when the time budget ran out, or the
 * error that stopped it (remote, store).
 */
enum err push_run(struct store *st, const struct profile *p, const struct provider *drv,
		  const struct push_opts *o, struct push_summary *sum,
		  struct errinfo *info);

/* 1 when an operation failed or is left pending. */
int push_summary_is_partial(const struct push_summary *sum);

/* The results folder of a push with options o: --results, else
 * <store>/results/<profile>-<run id>. */
void push_results_dir(const struct store *st, const char *profile, const struct push_opts *o,
		      char *out, size_t cap);

/* The summary as text lines, or one JSON object (one line). */
void push_summary_print(FILE *fp, const struct push_summary *sum, int json);
/* The summary as a JSON object (new reference; NULL out of memory): the
 * line push_summary_print writes with json set. */
json_t *push_summary_json(const struct push_summary *sum);

#endif
