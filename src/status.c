/* status: a profile's snapshot and journal as the store holds them. */
#include "status.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "exitcode.h"
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

static const char *text(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "?";
}

static json_int_t num(json_t *o, const char *a, const char *b, const char *c)
{
	json_t *v = json_object_get(json_object_get(json_object_get(o, a), b), c);

	return json_is_integer(v) ? json_integer_value(v) : 0;
}

void status_print_run(FILE *fp, json_t *run)
{
	static const char *const ops[] = { "create", "update", "opt-out", "delete" };
	json_t *push = json_object_get(run, "push");
	const char *from = json_string_value(json_object_get(json_object_get(run, "migrate"), "from"));
	json_int_t status = json_integer_value(json_object_get(run, "exit_status"));
	json_int_t failed = 0;
	size_t i;

	fprintf(fp, "    %s  %-4s%s%s%s%s  %s  %llds  exit %lld (%s)", text(run, "id"),
		text(run, "command"), from ? " from '" : "", from ? from : "", from ? "'" : "",
		json_is_true(json_object_get(push, "dry_run")) ? " (dry run)" : "",
		text(run, "start"), (long long)json_integer_value(json_object_get(run, "duration_s")),
		(long long)status, exitcode_brief(status));
	if (json_is_object(push)) {
		fputs(":", fp);
		for (i = 0; i < sizeof(ops) / sizeof(*ops); i++) {
			fprintf(fp, "%s %s %lld", i ? "," : "", ops[i],
				(long long)num(push, "operations", ops[i], "done"));
			json_int_t f = num(push, "operations", ops[i], "failed");

			if (f > 0 && failed <= INT64_MAX - f)	/* a damaged record: no overflow */
				failed += f;
		}
		fprintf(fp, "; failed %lld", (long long)failed);
	}
	fputc('\n', fp);
}
