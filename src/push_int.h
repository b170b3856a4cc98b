/*
 * push_int: what the files of the push engine share (not a public API:
 * include/push.h is). The engine is split along its seams:
 *
 *   push.c          one run: options, the run loop (plan, send, relist),
 *                   stopping (time budget, signal), the hooks' messages
 *   push_plan.c     what a run starts from, the plan written to the store,
 *                   the guards' facts
 *   push_op.c       operations in memory: queues, reading the plan, the
 *                   journal queue, settling an operation (done, failed,
 *                   skipped) and its results rows
 *   push_send.c     requests: scheduling, bulk batches and their bisection,
 *                   outcomes and retries, rounds
 *   push_verify.c   creates that may have happened: lookups, the relist
 *   push_summary.c  the summary, as text and JSON
 *
 * One struct push lives for one push_run; every function here takes it.
 */
#ifndef CONTACTSYNC_PUSH_INT_H
#define CONTACTSYNC_PUSH_INT_H

#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "http.h"
#include "journal.h"
#include "provider.h"
#include "push.h"
#include "results.h"
#include "sorter.h"
#include "store.h"

struct lookup;

/*
 * One planned operation while it is being carried out: a copy of its plan
 * record, decoded, and its journal state. Lives from the moment it is read
 * from the plan until it is settled (done, failed, skipped) or the run ends.
 */
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

	/* journal entries that survive a new snapshot (push_read_start):
	 * rec_put_bytes key, then state, each */
	struct buf kept;
	int64_t settle_at;		/* push_start's, for the relist to wait */

	int stopping;
	enum err stop_err;
	struct errinfo stop_info;
	uint64_t failures;		/* phase 1 operations failed or unsettled */
	uint64_t planned[PLAN__COUNT], settled[PLAN__COUNT];
	uint64_t guard_deletes;		/* deletes and removals, for the guards */
	struct buf path, body;
};

/* What the run starts from, read in one transaction. */
struct push_start {
	int has_snapshot;
	uint64_t snap_id, remote_count, desired_count, synced_count, journal_snap;
	int64_t snap_time;
	int has_desired;
	uint64_t unsettled_creates;	/* journal: creates that may have happened */
	int64_t settle_at;		/* Unix seconds from which a listing can
					 * tell about all of them; 0: now */
};

/* ---- push.c: run control */

/* Milliseconds on the monotonic clock. */
long long push_now_ms(void);

/* Stops the run (the first reason wins): no new request leaves, those in
 * flight finish; push_run returns e with info (NULL: err_str(e)). */
void push_stop(struct push *ps, enum err e, const struct errinfo *info);

/* The signal the command caught (push_opts.stop), or 0. */
int push_signalled(const struct push *ps);

/*
 * The HTTP client halted (a wait beyond max_wait or past the time budget,
 * a host name that does not resolve): the run stops (ERR_BUDGET, exit 6;
 * ERR_NETWORK for the name) and what is left stays for the next run.
 * HTTP_RUNNING when it did not; out (may be NULL) gets the stop's message.
 */
enum http_halt push_check_halt(struct push *ps, struct errinfo *out);

/* 1 when the run is stopping: stopped already, or now, the time budget
 * being spent or a signal come (push_stop is then called here). */
int push_is_stopping(struct push *ps);

/* ---- push_op.c: queues (an op is in one queue at a time, or in a request) */

/* Appends op to q. */
void push_q_push(struct queue *q, struct op *op);

/* Puts the ops of list (n, in order) in front of q. */
void push_q_push_front(struct queue *q, struct op **list, size_t n);

/* The first op of q, taken out of it; NULL when q is empty. */
struct op *push_q_pop(struct queue *q);

/* Frees op and what it owns (NULL: nothing). */
void push_op_free(struct op *op);

/* Frees every op of q, leaving it empty. */
void push_q_free(struct queue *q);

/* ---- push_op.c: the journal queue, settling, reading the plan */

/* Queues op's journal state for the next journal transaction (nothing in
 * a dry run). */
enum err push_jstate(struct push *ps, struct op *op);

/*
 * Queues op's number for the opt-out record when op removes it as an
 * opted-out person (JOURNAL_REMEMBER_OPTOUT; nothing otherwise). Called as
 * op is journaled in flight, so the number is remembered in the very
 * transaction that lets the request leave: a lost answer, a kill or a
 * failure can no longer let it be created again.
 */
enum err push_jremember(struct push *ps, struct op *op);

/* Forgets what was queued after the first mark entries (a group of
 * requests that will not leave after all). */
void push_jdrop(struct push *ps, size_t mark);

/* Commits what is queued in one (synced) transaction. */
enum err push_jflush(struct push *ps, struct errinfo *info);

/* Commits what the journal has queued; a failure stops the run. */
void push_jcommit(struct push *ps);

/* "create", "update", "delete", "opt-out": op's planned operation. */
const char *push_op_name(const struct op *op);

/*
 * Settle op for this run: journaled (done, failed; skipped only when it
 * was journaled in flight), written to the results files, counted in the
 * summary, and freed. note: success.csv's note ("" none); msg: why it
 * failed (errors.csv, the failure hook); why: why it was skipped.
 */
void push_done(struct push *ps, struct op *op, const char *note);
void push_failed(struct push *ps, struct op *op, long status, const char *msg);
void push_skipped(struct push *ps, struct op *op, const char *why);

/* Reads the next records of the current phase from the plan. */
enum err push_refill(struct push *ps, struct errinfo *info);

/* ---- push_send.c */

/* Tells the progress hook (a status line on a terminal): operations
 * settled of those planned, failures, requests, and the time spent
 * waiting for the rate limit. */
void push_report_progress(struct push *ps);

/*
 * One phase: the plan's operations of the phase, then rounds over what is
 * to be retried (after a pause that grows) until nothing is left, the
 * rounds run out, or the run stops. Returns 1 when creates are left that
 * only a fresh listing can settle.
 */
int push_run_phase(struct push *ps, int phase);

/* ---- push_plan.c */

/* Keeps v as "<what>:<profile>" in the store's state table ("synced",
 * "journal-snapshot"), in a transaction of its own. */
enum err push_put_state(struct push *ps, const char *what, uint64_t v, struct errinfo *info);

/* Reads what the run starts from into s (and, the first time, the desired
 * set's source file names into ps->files). */
enum err push_read_start(struct push *ps, struct push_start *s, struct errinfo *info);

/* Plans the run into the plan dataset; evaluates the guards on it. */
enum err push_plan(struct push *ps, const struct push_start *s, struct errinfo *info);

/* ---- push_verify.c */

/* Settles the creates to verify with lookups; returns 1 when the provider
 * has no lookup and only a fresh listing can tell (push_relist). */
int push_reconcile(struct push *ps);

/*
 * Lists the account again (a pull of p, the profile as configured), for
 * creates that may have reached the server when the provider has no
 * lookup: the fresh snapshot shows which arrived, and the caller plans
 * again from it. The listing's session and the push's share the account's
 * rate limit, so the push's limiter state is handed over and back. The
 * pull's messages go to the push's hooks.
 */
enum err push_relist(struct push *ps, const struct profile *p, struct errinfo *info);

#endif
