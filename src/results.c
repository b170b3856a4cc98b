/* results: the results files' table, and a push's five files (see results.h). */
#include "results.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "contact.h"
#include "csvout.h"

/* A header row as an array and its length, for one row of the table. */
#define COLUMNS(...) (const char *const[]){ __VA_ARGS__ }, \
	sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *)

const struct results_def results_files[RESULTS__COUNT] = {
	[RESULTS_SUCCESS] = { "success.csv", NULL, RESULTS_BY_PUSH,
		COLUMNS("operation", "phone", "id", "source_file", "source_row", "attempts",
			"note"), 0 },
	[RESULTS_ERRORS] = { "errors.csv", "Failures", RESULTS_BY_PUSH,
		COLUMNS("operation", "phone", "source_file", "source_row", "http_status",
			"message", "attempts"), 0 },
	[RESULTS_SKIPPED] = { "skipped.csv", "Skipped", RESULTS_BY_PUSH,
		COLUMNS("operation", "phone", "source_file", "source_row", "reason"), 0 },
	[RESULTS_BEFORE] = { "before.jsonl", NULL, RESULTS_BY_PUSH, NULL, 0, 0 },
	[RESULTS_CHANGES] = { "changes.csv", "Changes", RESULTS_BY_PUSH,
		COLUMNS("operation", "phone", "id", "field", "before", "after"), 0 },
	[RESULTS_REJECTS] = { "rejects.csv", "Rejects", RESULTS_BY_IMPORT,
		COLUMNS("_reason", "_column", "_value", "_source", "_row"), 1 },
	[RESULTS_DUPLICATES] = { "duplicates.csv", "Duplicates", RESULTS_BY_IMPORT,
		COLUMNS("phone", "file", "row", "merged_into_file", "merged_into_row", "how"), 0 },
	[RESULTS_UNMAPPED] = { "unmapped.csv", "Unmapped", RESULTS_BY_MIGRATE,
		COLUMNS("phone", "field", "value", "kept"), 0 },
	[RESULTS_NOT_MIGRATED] = { "not_migrated.csv", "Not migrated", RESULTS_BY_MIGRATE,
		COLUMNS("phone", "reason"), 0 },
	[RESULTS_MAPPING] = { "mapping.csv", NULL, RESULTS_BY_IMPORT,
		COLUMNS("file", "column", "header", "use"), 0 },
	[RESULTS_WARNINGS] = { "warnings.csv", NULL, RESULTS_BY_IMPORT,
		COLUMNS("file", "row", "column", "value", "number", "warning"), 0 },
};

void results_write_header(FILE *fp, enum results_file which)
{
	const struct results_def *d = &results_files[which];
	size_t i;

	for (i = 0; i < d->ncolumns; i++)
		fprintf(fp, "%s%s", i ? "," : "", d->columns[i]);
	if (d->ncolumns)
		fputc('\n', fp);
}

enum err results_open_csv(struct outfile *f, struct csvout *w, const char *path,
			  enum results_file which, struct errinfo *info)
{
	enum err e = csvout_open(f, w, path, "", info);

	if (!e)
		results_write_header(f->fp, which);
	return e;
}

/* A push's files, in the order they are created and closed (the first
 * that fails is the one an error names). */
static const enum results_file push_files[] = {
	RESULTS_SUCCESS, RESULTS_ERRORS, RESULTS_SKIPPED, RESULTS_BEFORE, RESULTS_CHANGES,
};

#define NPUSH (sizeof(push_files) / sizeof(push_files[0]))

struct results {
	char *dir;
	FILE *fp[RESULTS__COUNT];	/* a push's files; NULL for the others */
	struct csvout csv[RESULTS__COUNT];
	int before_unsynced;		/* before.jsonl has rows not yet synced */
};

static int mkdirs(const char *dir)
{
	char path[4096];
	size_t i, n = strlen(dir);

	if (n >= sizeof(path))
		return ENAMETOOLONG;
	memcpy(path, dir, n + 1);
	for (i = 1; i <= n; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0700) < 0 && errno != EEXIST)
			return errno;
		path[i] = dir[i];
	}
	return 0;
}

enum err results_mkdir(const char *dir, struct errinfo *info)
{
	int rc = mkdirs(dir);

	if (rc)
		return err_set(info, ERR_IO, "cannot create the results folder '%s': %s", dir,
			       strerror(rc));
	return ERR_OK;
}

enum err results_open(struct results **out, const char *dir, struct errinfo *info)
{
	struct results *r = calloc(1, sizeof(*r));
	char path[4200];
	size_t i;
	int rc;

	*out = NULL;
	if (!r || !(r->dir = strdup(dir))) {
		free(r);
		return err_set(info, ERR_NOMEM, "out of memory");
	}
	if (results_mkdir(dir, info)) {
		results_close(r, NULL);
		return ERR_IO;
	}
	for (i = 0; i < NPUSH; i++) {
		enum results_file f = push_files[i];

		snprintf(path, sizeof(path), "%s/%s", dir, results_files[f].name);
		r->fp[f] = fopen(path, "w");
		if (!r->fp[f]) {
			rc = errno;
			results_close(r, NULL);
			return err_set(info, ERR_IO, "cannot create '%s': %s", path, strerror(rc));
		}
		results_write_header(r->fp[f], f);
		csvout_init(&r->csv[f], r->fp[f], ',');
	}
	*out = r;
	return ERR_OK;
}

static void cell_u64(struct csvout *w, uint64_t v)
{
	char num[24];

	snprintf(num, sizeof(num), "%" PRIu64, v);
	csvout_cellz(w, num);
}

static void src_cells(struct csvout *w, struct results_src src)
{
	csvout_cellz(w, src.file ? src.file : "");
	if (src.row)
		cell_u64(w, src.row);
	else
		csvout_cellz(w, "");
}

void results_success(struct results *r, const char *op, const char *phone, const char *id,
		     struct results_src src, unsigned long attempts, const char *note)
{
	struct csvout *w = &r->csv[RESULTS_SUCCESS];

	csvout_cellz(w, op);
	csvout_cellz(w, phone);
	csvout_cellz(w, id ? id : "");
	src_cells(w, src);
	cell_u64(w, attempts);
	csvout_cellz(w, note ? note : "");
	csvout_end_row(w);
}

void results_change(struct results *r, const char *op, const char *phone, const char *id,
		    const char *field, struct str before, struct str after)
{
	struct csvout *w = &r->csv[RESULTS_CHANGES];

	csvout_cellz(w, op);
	csvout_cellz(w, phone);
	csvout_cellz(w, id ? id : "");
	csvout_cellz(w, field ? field : "");
	csvout_cell(w, before.ptr, before.len);
	csvout_cell(w, after.ptr, after.len);
	csvout_end_row(w);
}

void results_error(struct results *r, const char *op, const char *phone,
		   struct results_src src, long status, const char *message,
		   unsigned long attempts)
{
	struct csvout *w = &r->csv[RESULTS_ERRORS];

	csvout_cellz(w, op);
	csvout_cellz(w, phone);
	src_cells(w, src);
	if (status > 0)
		cell_u64(w, (uint64_t)status);
	else
		csvout_cellz(w, "");
	csvout_cellz(w, message ? message : "");
	cell_u64(w, attempts);
	csvout_end_row(w);
}

void results_skipped(struct results *r, const char *op, const char *phone,
		     struct results_src src, const char *reason)
{
	struct csvout *w = &r->csv[RESULTS_SKIPPED];

	csvout_cellz(w, op);
	csvout_cellz(w, phone);
	src_cells(w, src);
	csvout_cellz(w, reason);
	csvout_end_row(w);
}

void results_before(struct results *r, const char *op, const struct remote_contact *rc)
{
	json_t *o = json_object(), *before = contact_to_json(&rc->c);
	char *line;

	if (!o || !before) {
		json_decref(o);
		json_decref(before);
		return;
	}
	json_object_set_new(o, "op", json_string(op));
	json_object_set_new(o, "phone", json_string(rc->c.phone[0] ? rc->c.phone : ""));
	json_object_set_new(o, "id", rc->id[0] ? json_string(rc->id) : json_null());
	if (rc->book[0])
		json_object_set_new(o, "book", json_string(rc->book));
	json_object_set_new(o, "before", before);
	line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (line)
		fprintf(r->fp[RESULTS_BEFORE], "%s\n", line);
	free(line);
	r->before_unsynced = 1;
}

/* Not the store's error, even on a full disk: the message says which
 * file and why, and nothing says "store is full" unless it is. */
static enum err write_failed(const struct results *r, enum results_file f, int err,
			     struct errinfo *info)
{
	return err_set(info, ERR_RESULTS, "cannot write '%s/%s': %s", r->dir,
		       results_files[f].name, strerror(err));
}

enum err results_sync(struct results *r, struct errinfo *info)
{
	size_t i;

	if (!r)
		return ERR_OK;
	for (i = 0; i < NPUSH; i++) {
		enum results_file f = push_files[i];

		errno = 0;
		if (fflush(r->fp[f]) || ferror(r->fp[f]))
			return write_failed(r, f, errno ? errno : EIO, info);
	}
	if (r->before_unsynced) {
		if (fsync(fileno(r->fp[RESULTS_BEFORE])))
			return write_failed(r, RESULTS_BEFORE, errno, info);
		r->before_unsynced = 0;
	}
	return ERR_OK;
}

enum err results_close(struct results *r, struct errinfo *info)
{
	enum err e = ERR_OK;
	size_t i;

	if (!r)
		return ERR_OK;
	for (i = 0; i < NPUSH; i++) {
		enum results_file f = push_files[i];

		if (!r->fp[f])
			continue;
		/* errno as the failed write left it: ferror() may report one
		 * of long ago, whose errno is the only word on why */
		if ((fflush(r->fp[f]) || ferror(r->fp[f]) || fsync(fileno(r->fp[f]))) && !e)
			e = write_failed(r, f, errno ? errno : EIO, info);
		errno = 0;
		if (fclose(r->fp[f]) && !e)
			e = write_failed(r, f, errno ? errno : EIO, info);
	}
	free(r->dir);
	free(r);
	return e;
}
