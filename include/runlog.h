/*
 * runlog: what each push, sync and migrate did, kept in the store for `status` and
 * `report`.
 *
 * Table "runs", one record per run, keyed "<profile>\0<id>": a profile's
 * runs read in the order they started. The id is the run's UTC start time
 * to the millisecond and its process id, "20261122T020000.123Z-4242", so
 * ids sort by time. A record is
 * a JSON object (text), whose fields the README documents ("Run records"):
 *
 *   {"id", "command": "push"|"sync"|"migrate", "profile", "provider",
 *    "start", "end" (ISO 8601 UTC), "duration_s", "exit_status",
 *    "import": {...} | null, "pull": {...} | null, "push": {the push
 *    summary} | null, "results": the results folder | null}
 *
 * plus, for a migrate (whose profile is the one migrated to), "migrate":
 * {"from", "from_provider", "pull": the pull of "from", and
 * migrate_stats_json's fields}.
 *
 * Records are small and written once, at the end of a run; a run killed
 * before its end has none (its results folder and journal still tell).
 */
#ifndef CONTACTSYNC_RUNLOG_H
#define CONTACTSYNC_RUNLOG_H

#include <jansson.h>
#include <stddef.h>
#include <time.h>

#include "err.h"
#include "store.h"

/* A new run's id, into out (at least 40 bytes); returns its start time. */
time_t runlog_id(char *out, size_t cap);

/* ISO 8601 UTC ("2026-11-22T02:00:00Z") into out (at least 21 bytes). */
void runlog_time(char *out, size_t cap, time_t t);

/* What a run did, for runlog_record. The JSON parts are borrowed (NULL:
 * that step did not run). */
struct runlog_run {
	const char *id, *command, *profile, *provider;
	time_t start, end;
	int exit_status;
	json_t *import, *pull, *push;
	json_t *migrate;	/* NULL: not a migrate */
	const char *results;	/* NULL: none */
};

/* A file or folder named in a record: its absolute path when it exists
 * (so that `report` finds it from any directory), else as given; JSON
 * null for NULL. New reference. */
json_t *runlog_path(const char *path);

/* The record of r (new reference; NULL out of memory). */
json_t *runlog_record(const struct runlog_run *r);

/* runlog_record + runlog_put. */
enum err runlog_save(struct store *st, const struct runlog_run *r, struct errinfo *info);

/* Stores rec (borrowed) as the run `id` of profile. */
enum err runlog_put(struct store *st, const char *profile, const char *id, json_t *rec,
		    struct errinfo *info);

/*
 * The record of run `id` of profile, or its last run when id is NULL; with
 * profile NULL, the last run of any profile (id then must be NULL too).
 * *out is a new reference. ERR_NOT_FOUND when there is none.
 */
enum err runlog_get(struct store *st, const char *profile, const char *id, json_t **out,
		    struct errinfo *info);

/*
 * Calls fn with each record of profile (NULL: every profile), oldest first
 * within a profile; fn borrows rec and returns non-zero to stop. A record
 * that does not parse is skipped.
 */
enum err runlog_each(struct store *st, const char *profile,
		     int (*fn)(void *ctx, const char *profile, json_t *rec), void *ctx,
		     struct errinfo *info);

#endif
