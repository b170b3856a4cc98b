/*
 * journal: the push plan and the state of each of its operations, as the
 * store keeps them.
 *
 * A push first writes its plan as the dataset "plan:<profile>" (replaced
 * whole at every run), one record per contact, so that what is sent comes
 * from the store and not from memory. The table "journal:<profile>" then
 * holds, per contact, how far its operation got: planned → in flight →
 * done, failed or to verify. It is valid for one remote snapshot (the
 * "state" table remembers which): a new pull makes it obsolete, since the
 * listing then shows what the earlier runs did, except for the creates
 * still in flight or to verify that the new listing does not show and
 * that it may be too early to show (a provider applies creates late):
 * those survive the new snapshot, to be looked up or found in a later
 * listing before their number is created again.
 *
 * Plan record, version 1 (key: E.164, or the raw remote value):
 *
 *     u8      version = 1
 *     u8      plan op (plan.h)
 *     u8      write kind to send (provider.h)
 *     u8      flags          JOURNAL_FOLLOW_OPTOUT, JOURNAL_REMEMBER_OPTOUT
 *     u64 LE  fingerprint    of what the operation sends
 *     bytes   desired contact record (contact.h), or empty
 *     bytes   remote record (snapshot.h), or empty
 *     varint  number of changes, then per change: bytes field, before, after
 *
 * State record, version 1:
 *
 *     u8      version = 1
 *     u8      state (enum journal_state)
 *     u8      step           0, or 1 once a create was followed by its opt-out
 *     u8      reserved = 0
 *     u64 LE  fingerprint    of the plan record it belongs to
 *     varint  attempts       requests sent for it, over all runs
 *     varint  HTTP status of the last answer (0: none)
 *     bytes   remote id (a create's new id)
 *     bytes   message        the server's (redacted) words on failure
 *     varint  sent           Unix seconds of the last request sent for it
 *                            (absent in older records: 0, unknown)
 *
 * "bytes" is a varint length and the bytes.
 */
#ifndef CONTACTSYNC_JOURNAL_H
#define CONTACTSYNC_JOURNAL_H

#include <stdint.h>

#include "buf.h"
#include "contact.h"
#include "err.h"
#include "plan.h"
#include "provider.h"

#define JOURNAL_VERSION 1

#define JOURNAL_FOLLOW_OPTOUT 0x1u	/* a create that must then be opted out */
#define JOURNAL_REMEMBER_OPTOUT 0x2u	/* removal as an opt-out: never re-create */

#define JOURNAL_STATE_LIST(X)          \
	X(JOURNAL_PLANNED, "planned")  \
	X(JOURNAL_INFLIGHT, "in flight") \
	X(JOURNAL_DONE, "done")        \
	X(JOURNAL_FAILED, "failed")    \
	X(JOURNAL_VERIFY, "to verify")

enum journal_state {
#define JOURNAL_STATE_ENUM_(c, s) c,
	JOURNAL_STATE_LIST(JOURNAL_STATE_ENUM_)
#undef JOURNAL_STATE_ENUM_
	JOURNAL__COUNT
};

const char *journal_state_name(enum journal_state s);

/*
 * The state machine: what may happen to an operation in each state, and
 * the state it then has. Every change of a journal_state_rec's state goes
 * through journal_move with one of these events, never an assignment.
 *
 *   send     a request with it is about to leave (journaled first): from
 *            planned, from in flight or to verify (sent again: a retry, or
 *            a create found at the provider whose opt-out follows), or
 *            from failed (an earlier run's failure, tried again)
 *   done     the provider confirmed it (or a lookup found the create)
 *   fail     failed for good in this run, or journaled in flight and then
 *            never sent
 *   unsure   a create's answer did not tell whether it arrived
 *   requeue  back to planned: a bulk batch refused whole is split, a
 *            create is followed by its opt-out, a lookup did not find it
 *
 * A cell holds the state after the event; ILLEGAL where the event cannot
 * happen in that state (a bug in the engine). Done is final.
 */
#define JOURNAL_ILLEGAL JOURNAL__COUNT

#define JOURNAL_EVENT_LIST(X)                                                           \
	/* event              name       planned   in flight done     failed    to verify */ \
	X(JOURNAL_EV_SEND,    "send",    INFLIGHT, INFLIGHT, ILLEGAL, INFLIGHT, INFLIGHT)   \
	X(JOURNAL_EV_DONE,    "done",    ILLEGAL,  DONE,     ILLEGAL, ILLEGAL,  DONE)       \
	X(JOURNAL_EV_FAIL,    "fail",    FAILED,   FAILED,   ILLEGAL, ILLEGAL,  FAILED)     \
	X(JOURNAL_EV_UNSURE,  "unsure",  ILLEGAL,  VERIFY,   ILLEGAL, ILLEGAL,  ILLEGAL)    \
	X(JOURNAL_EV_REQUEUE, "requeue", ILLEGAL,  PLANNED,  ILLEGAL, ILLEGAL,  PLANNED)

enum journal_event {
#define JOURNAL_EVENT_ENUM_(c, s, p, i, d, f, v) c,
	JOURNAL_EVENT_LIST(JOURNAL_EVENT_ENUM_)
#undef JOURNAL_EVENT_ENUM_
	JOURNAL_EV__COUNT
};

const char *journal_event_name(enum journal_event ev);

/* The state after ev in state from; JOURNAL_ILLEGAL when ev cannot happen
 * there (or either is out of range). */
enum journal_state journal_next(enum journal_state from, enum journal_event ev);

/* "plan:<profile>" into out. */
void journal_plan_dataset(const char *profile, char *out, size_t cap);

/* One operation of the plan, decoded: strings borrow from the record. */
struct journal_op {
	enum plan_op op;
	enum write_kind kind;
	unsigned flags;
	uint64_t fp;
	struct str desired;	/* contact record, or empty */
	struct str remote;	/* snapshot record, or empty */
	struct plan_change *changes;	/* owned array (journal_op_free) */
	size_t nchanges, cap;
};

/*
 * Appends the plan record of e (diff's entry, carried out as `kind` with
 * `flags`) to out. The desired contact is encoded with its source file
 * and row, which the results files name.
 */
enum err journal_plan_encode(const struct plan_entry *e, enum write_kind kind,
			     unsigned flags, struct buf *out);
enum err journal_plan_decode(struct journal_op *op, const void *data, size_t len,
			     struct errinfo *info);
void journal_op_free(struct journal_op *op);

/* A plan record's operation (byte 1) and write kind (byte 2), read
 * without decoding the rest: 0, or -1 when the record is too short to
 * hold the field. */
int journal_plan_op(const void *data, size_t len, enum plan_op *op);
int journal_plan_kind(const void *data, size_t len, enum write_kind *kind);

struct journal_state_rec {
	enum journal_state state;
	unsigned step;
	uint64_t fp;
	unsigned long attempts;
	long status;
	char id[64];
	char message[256];
	int64_t sent;		/* Unix seconds of the last send; 0 unknown */
};

/*
 * Moves s by ev: the one way an operation's state changes. An illegal
 * move is a bug in the engine: asserted in debug builds; with NDEBUG, s
 * still goes to the state ev leads to.
 */
void journal_move(struct journal_state_rec *s, enum journal_event ev);

enum err journal_state_encode(const struct journal_state_rec *s, struct buf *out);
enum err journal_state_decode(struct journal_state_rec *s, const void *data, size_t len,
			      struct errinfo *info);

#endif
