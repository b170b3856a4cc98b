/*
 * report: a run's record and its results files as one XLSX workbook, for
 * people who read Excel rather than CSV folders.
 *
 * Sheets, in this order (libxlsxwriter's constant_memory mode writes each
 * sheet strictly top to bottom, so nothing is ever revisited); after the
 * first two, one per results file that has a sheet, as results.h's table
 * declares them (name, sheet, header):
 *
 *   Summary     "item", "value": profile, provider, command, run id, start,
 *               end, duration, exit status in words, dry run, the import's
 *               row counts, contacts pulled, the push's counts and waits,
 *               why it stopped early, the results folder; then one
 *               "<Sheet> sheet" row for every detail sheet left empty for a
 *               reason (a file missing, a step that did not run). Counts are
 *               number cells; a step that did not run says so instead of 0.
 *               The chart "Operations by kind and outcome" (stacked
 *               columns) of the Operations table is drawn to the right.
 *   Operations  kind (create, update, opt-out, delete), done, failed,
 *               skipped, pending: numbers (blank when the push did not run).
 *   Changes     one row per applied operation, from changes.csv:
 *               operation, phone, id, fields (the names of the fields the
 *               operation changed, ", "-joined), then "FIELD before" and
 *               "FIELD after" for every field that appears anywhere in the
 *               file. Pairs rather than one row per field, so that a filter
 *               on a column shows whole operations and a row reads as the
 *               contact before and after; "fields" tells a field changed to
 *               empty from one not changed. Field columns come in a fixed
 *               order: name, first_name, last_name, company, tags,
 *               opted_out, then the others (custom:KEY …) by byte order.
 *               A delete (a row without a field) has no field cells.
 *               changes.csv is read twice: once for the field names (the
 *               memory this needs grows with the number of distinct
 *               fields, not with rows), once for the rows. Consecutive rows
 *               with the same operation, phone and id make one operation;
 *               a field seen twice starts the next one.
 *   Failures    operation, phone, source file, source row, HTTP status,
 *               server message, attempts (errors.csv).
 *   Skipped     operation, phone, source file, source row, reason
 *               (skipped.csv).
 *   Rejects     file, row, reason (in words), reason code, cells (the
 *               row's original cells as one CSV line).
 *   Duplicates  phone, file, row, merged into file, merged into row.
 *
 * A migrate's run (its record has "migrate") also has, on Summary, where
 * it came from and what was carried over (migrate_stats_json), and two
 * more sheets from its results folder:
 *
 *   Unmapped      phone, field, value, what the destination keeps
 *                 (unmapped.csv: values it has no place for, or shortens).
 *   Not migrated  phone, reason (not_migrated.csv).
 *
 * Row numbers, HTTP statuses and attempts are number cells; everything
 * else is text (phones keep their '+'). A table longer than a sheet goes
 * on to "Failures (2)" and so on (xlsxout.h).
 *
 * The push's files are in the run's results folder ("results" of the
 * record); the import's rejects and duplicates files where the record's
 * import says. A file or folder that is missing (cleaned up, or a run that
 * stopped before the push) leaves its sheet with the header only, is
 * told to the caller's missing hook and named on the Summary sheet: never a silent empty
 * sheet. A file that is there but malformed (a wrong header, a row with
 * the wrong number of cells, a number column that is not a number) is an
 * error naming the file and the row. Memory does not grow with rows: each
 * file is read as a stream (csvin) and each row goes straight to the
 * workbook.
 */
#ifndef CONTACTSYNC_REPORT_H
#define CONTACTSYNC_REPORT_H

#include <jansson.h>
#include <stdint.h>

#include "err.h"

struct report_opts {
	const char *tmpdir;	/* libxlsxwriter's temporary files, which hold
				 * every sheet until the end (NULL: the
				 * system's temporary directory) */
	uint32_t max_rows;	/* rows per sheet, header included; 0 =
				 * Excel's (tests use less) */
	/* Called for each detail file that should have been there and was
	 * not, as its sheet is left empty: the run's id, why ("'…/errors.csv'
	 * is missing (deleted?)"), the sheet's name. NULL: not told. */
	void (*missing)(void *ctx, const char *run, const char *why, const char *sheet);
	void *ctx;
};

struct report_stats {
	uint64_t changes, failures, skipped, rejects, duplicates;	/* rows */
	uint64_t unmapped, not_migrated;	/* a migrate's rows */
	unsigned missing;	/* detail files that should have been there
				 * and were not (each told to o->missing) */
	uint64_t truncated;	/* cells cut to Excel's 32,767 characters */
	char first_truncated[160];	/* "'Rejects'!E7", or "" */
};

/*
 * Writes the report of the run record rec (borrowed; see runlog.h) as a
 * workbook at path; `name` is used in messages (NULL = path). Nothing is
 * written at path unless everything succeeded (but a temporary file of
 * libxlsxwriter's may have been, at path itself: use report_save for an
 * atomic replacement). stats may be NULL. ERR_FORMAT for a record or a
 * results file that is malformed, ERR_IO when a file cannot be read or
 * the workbook cannot be written, ERR_LIMIT for a changes.csv with more
 * fields than a sheet has columns.
 */
enum err report_write(json_t *rec, const char *path, const char *name,
		      const struct report_opts *o, struct report_stats *stats,
		      struct errinfo *info);

/*
 * report_write into a temporary file beside path (libxlsxwriter's
 * temporary files too, whatever o->tmpdir says), renamed over path when
 * complete; on failure an existing file at path is left as it was. o may
 * be NULL.
 */
enum err report_save(json_t *rec, const char *path, const struct report_opts *o,
		     struct report_stats *stats, struct errinfo *info);

#endif
