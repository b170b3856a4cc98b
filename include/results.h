/*
 * results: the files a run leaves for people to inspect it, declared once
 * (results_files: name, the report's sheet, columns, who writes it), and
 * the writer of a push's five.
 *
 * A push's, in its results folder:
 *   success.csv   operation, phone, id, source_file, source_row, attempts, note
 *   errors.csv    operation, phone, source_file, source_row, http_status,
 *                 message, attempts
 *   skipped.csv   operation, phone, source_file, source_row, reason
 *   before.jsonl  {"op","phone","id","book","before":{contact}} for every
 *                 contact the run changes or deletes, written before the
 *                 request goes out, so a bad run can be inspected and undone
 *   changes.csv   operation, phone, id, field, before, after: a row per
 *                 field each done operation changed (a delete: one row
 *                 without a field)
 * An import's, in its results folder unless --rejects and --duplicates
 * say elsewhere (ingest.h):
 *   rejects.csv     the input's own header and cells, then _reason,
 *                   _column, _value, _source, _row: fixed, the file imports
 *                   again as it is (those five are not read as fields);
 *                   inputs with another header get rejects-2.csv …
 *   duplicates.csv  phone, file, row, merged_into_file, merged_into_row,
 *                   how (merged: the same person; replaced: another
 *                   person's row came later and replaced it whole)
 *   mapping.csv     file, column, header, use: what each column became
 *   warnings.csv    file, row, column, value, number, warning: numbers read
 *                   as international, countries ignored
 * A migrate's, in its results folder (migrate.h):
 *   unmapped.csv      phone, field, value, kept
 *   not_migrated.csv  phone, reason
 *
 * Rows are appended as the run goes (a killed run leaves what it did so
 * far); messages are the HTTP layer's, already redacted.
 */
#ifndef CONTACTSYNC_RESULTS_H
#define CONTACTSYNC_RESULTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "csvout.h"
#include "err.h"
#include "outfile.h"
#include "provider.h"

/* In the order of the report's sheets (report.h); those without one last. */
enum results_file {
	RESULTS_CHANGES, RESULTS_ERRORS, RESULTS_SKIPPED, RESULTS_REJECTS,
	RESULTS_DUPLICATES, RESULTS_UNMAPPED, RESULTS_NOT_MIGRATED,
	RESULTS_SUCCESS, RESULTS_BEFORE, RESULTS_MAPPING, RESULTS_WARNINGS,
	RESULTS__COUNT
};

/* Which run writes a file, and so where it is. */
enum results_by {
	RESULTS_BY_PUSH,	/* the push, in its results folder */
	RESULTS_BY_IMPORT,	/* the import, at a path of its own */
	RESULTS_BY_MIGRATE,	/* the migrate's conversion, in its results folder */
};

struct results_def {
	const char *name;		/* "errors.csv" */
	const char *sheet;		/* the report's sheet; NULL: none */
	enum results_by by;
	const char *const *columns;	/* the header row; NULL: not CSV */
	size_t ncolumns;
	int trailing;			/* the columns are the last of each
					 * row, after the input's own (rejects) */
};

/* Indexed by enum results_file. */
extern const struct results_def results_files[RESULTS__COUNT];

/* Writes the file's header row ("operation,phone,...\n"; nothing for a
 * file that is not CSV). */
void results_write_header(FILE *fp, enum results_file which);

/*
 * csvout_open for a results file at path with its header row: the
 * outfile (replacing path atomically once committed) and w pointed at it.
 */
enum err results_open_csv(struct outfile *f, struct csvout *w, const char *path,
			  enum results_file which, struct errinfo *info);

struct results;

/* Where a contact came from: file name ("" when unknown) and row (0). */
struct results_src {
	const char *file;
	uint64_t row;
};

/* Creates dir and its parents (mode 0700) when missing. */
enum err results_mkdir(const char *dir, struct errinfo *info);

/* Creates dir (and its parents, mode 0700) and the five files. */
enum err results_open(struct results **out, const char *dir, struct errinfo *info);

void results_success(struct results *r, const char *op, const char *phone, const char *id,
		     struct results_src src, unsigned long attempts, const char *note);
void results_change(struct results *r, const char *op, const char *phone, const char *id,
		    const char *field, struct str before, struct str after);
void results_error(struct results *r, const char *op, const char *phone,
		   struct results_src src, long status, const char *message,
		   unsigned long attempts);
void results_skipped(struct results *r, const char *op, const char *phone,
		     struct results_src src, const char *reason);
void results_before(struct results *r, const char *op, const struct remote_contact *rc);

/*
 * Flushes every file and syncs before.jsonl when rows were added to it:
 * a push calls it before each write leaves, so the before-images of what
 * it sends are on disk first. ERR_RESULTS, naming the file and the
 * system's reason, when any write failed.
 */
enum err results_sync(struct results *r, struct errinfo *info);

/* Flushes and syncs every file, closes them; ERR_RESULTS when any write
 * failed. */
enum err results_close(struct results *r, struct errinfo *info);

#endif
