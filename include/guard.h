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

#include "push.h"

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
enum err guard_check(const struct guard_facts *f, const struct push_opts *o,
		     struct errinfo *info);

#endif
