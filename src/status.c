/* status: a profile's snapshot and journal as the store holds them. */
#include "status.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "journal.h"
#include "push.h"
#include "snapshot.h"

static enum err journal_counts(struct store_read *rd, const char *profile,
			       struct status_profile *out, struct errinfo *info)
{
	char plan[300], table[300];
	struct store_cursor *cur = NULL;
	const void *k, *v;
	size_t kl, vl;
	enum err e;

	journal_plan_dataset(profile, plan, sizeof(plan));
	push_journal_table(profile, table, sizeof(table));
	if (!store_has(rd, plan))
		return ERR_OK;
	e = store_count(rd, plan, &out->planned, info);
	if (!e)
		e = store_table_cursor(rd, table, NULL, 0, &cur, info);
	while (!e && !(e = store_cursor_next(cur, &k, &kl, &v, &vl, info))) {
		struct journal_state_rec js;

		if (journal_state_decode(&js, v, vl, NULL))
			continue;
		if (js.state == JOURNAL_DONE)
			out->done++;
		else if (js.state == JOURNAL_FAILED)
			out->failed++;
	}
	store_cursor_close(cur);
	if (e != ERR_NOT_FOUND)
		return e;
	/* a state may outlive its plan entry only if the plan changed since;
	   never count below zero */
	out->pending = out->planned > out->done + out->failed
		       ? out->planned - out->done - out->failed : 0;
	return ERR_OK;
}

enum err status_profile(struct store *st, const char *profile, struct status_profile *out,
			struct errinfo *info)
{
	struct store_read *rd;
	char snap[300];
	enum err e;

	memset(out, 0, sizeof(*out));
	e = store_read_begin(st, &rd, info);
	if (e)
		return e;
	snapshot_dataset(profile, snap, sizeof(snap));
	out->has_snapshot = store_has(rd, snap);
	if (out->has_snapshot) {
		out->snapshot_time = store_gen_time(rd, snap);
		e = store_count(rd, snap, &out->snapshot_contacts, info);
	}
	if (!e)
		e = journal_counts(rd, profile, out, info);
	store_read_end(rd);
	return e;
}

uint64_t status_store_bytes(const struct store *st)
{
	char path[4200];
	struct stat sb;

	snprintf(path, sizeof(path), "%s/data.mdb", store_dir(st));
	return stat(path, &sb) == 0 ? (uint64_t)sb.st_blocks * 512 : 0;
}
