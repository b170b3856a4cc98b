/*
 * guard: the safety rules a push's whole plan must pass before its first
 * write. Pure: the plan's numbers and the run's options in, a verdict out,
 * so every rule is testable on its own.
 *
 * The rules, in the order they are checked:
 * - deletes need a complete snapshot from this run (sync) or younger than
 *   --max-snapshot-age; --force does not lift this one;
 * - a run that removes what the list lacks (mirror, --on-missing) stops on
 *   an empty desired set, or one less than half of what the last fully
 *   successful push had;
 * - more deletes than --max-delete;
 * - more deletes than --max-delete-percent of the remote contacts, 10% when
 *   neither limit is given.
 */
#ifndef CONTACTSYNC_GUARD_H
#define CONTACTSYNC_GUARD_H

#include <stdint.h>

#include "err.h"
#include "plan.h"

#define GUARD_DEFAULT_MAX_DELETE_PERCENT 10.0	/* when no limit is given */
#define GUARD_DEFAULT_SNAPSHOT_AGE_S 3600

/* What the run allows: the push options the rules read (push.h). */
struct guard_limits {
	enum plan_mode mode;
	enum on_missing on_missing;
	long long max_delete;		/* -1: no absolute limit */
	double max_delete_percent;	/* -1: unset (the default applies when
					   max_delete is unset too) */
	long long max_snapshot_age_s;	/* deletes need a snapshot this young */
	int force;			/* lifts the shrink and delete rules */
	int snapshot_fresh;		/* the snapshot is from this run (sync) */
};

/* The defaults: upsert, no limits given, a snapshot age of an hour. */
void guard_limits_init(struct guard_limits *l);

struct guard_facts {
	const char *profile;
	uint64_t deletes;		/* deletes and removals planned */
	uint64_t remote_count;		/* contacts in the snapshot */
	uint64_t desired_count;
	uint64_t synced_count;		/* desired set at the last full push; 0 unknown */
	int64_t snapshot_time;		/* Unix seconds; 0 unknown */
	int64_t now;			/* Unix seconds */
};

/* ERR_OK, or ERR_GUARD with a message naming the rule and the numbers. */
enum err guard_check(const struct guard_facts *f, const struct guard_limits *o,
		     struct errinfo *info);

#endif
