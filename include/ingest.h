/*
 * ingest: contact files → the store's desired set.
 *
 * Each file is read by the reader its content calls for (reader.h). Each
 * data row is cleaned (contact_clean_value), mapped (colmap.h), its phone
 * normalised (phone.h) and turned into a contact record (contact.h); rows
 * that cannot become a contact are written to the rejects file with a
 * reason. Records go through an external sort (sorter.h) keyed by E.164 and
 * row order, so that duplicates meet and merge (the later row's non-empty
 * fields win) with bounded memory, and the result is appended, in key
 * order, to a new generation of the "desired" dataset that replaces the old
 * one only when everything succeeded (store.h). With `append` the current
 * desired set takes part in the merge as the oldest input.
 *
 * With opts.jobs > 1 the rows of a file are read in the calling thread,
 * copied into batches and cleaned, mapped, normalised and encoded by
 * worker threads (pipeline.h); the calling thread takes the batches back
 * in input order and does everything else: counts, progress, the rejects
 * and duplicates files, the sorter, the store. So the store, the side
 * files, the counts, the messages and the error of a failed import are
 * the same whatever the number of jobs; workers only touch their batch
 * and their own scratch. Memory stays bounded: at most 2 * jobs + 3
 * batches of at most 2048 rows (or a little over 1 MiB of cells).
 *
 * Accounting invariant, checked before anything is published:
 *     rows_read = staged + merged + rejected
 * Blank rows are not rows (they are counted apart, as a spreadsheet would
 * show them empty).
 *
 * The implementation is split along its thread boundary: src/ingest_int.h
 * says which file does what.
 */
#ifndef CONTACTSYNC_INGEST_H
#define CONTACTSYNC_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "colmap.h"
#include "err.h"
#include "hook.h"
#include "row.h"
#include "store.h"

#define REJECT_LIST(X)                                                           \
	X(REJ_EMPTY, "empty", "the phone cell is empty")                         \
	X(REJ_NOT_A_NUMBER, "not_a_number", "the phone cell is not a phone number") \
	X(REJ_INVALID_COUNTRY_CODE, "invalid_country_code", "the country calling code does not exist") \
	X(REJ_TOO_SHORT, "too_short", "the number is too short")                \
	X(REJ_TOO_LONG, "too_long", "the number is too long")                   \
	X(REJ_INVALID_FOR_REGION, "invalid_for_region", "the number is not valid for its region") \
	X(REJ_NO_REGION, "no_region", "a national number but no region to read it with") \
	X(REJ_BAD_OPT_OUT, "bad_opt_out", "the opt-out cell is neither yes nor no") \
	X(REJ_UNKNOWN_COUNTRY, "unknown_country", "the country cell is not an ISO 3166 region code") \
	X(REJ_TOO_MANY_CELLS, "too_many_cells", "the row has values in columns without a header") \
	X(REJ_BAD_ENCODING, "bad_encoding", "a cell is not valid in the file's encoding") \
	X(REJ_BAD_JSON, "bad_json", "the line is not a JSON object of contact fields")

enum reject {
#define REJ_ENUM_(c, code, words) c,
	REJECT_LIST(REJ_ENUM_)
#undef REJ_ENUM_
	REJ__COUNT
};

const char *ingest_reject_code(enum reject r);
const char *ingest_reject_words(enum reject r);
/* The reason whose code is `code` ("too_short"), REJ__COUNT when none is. */
enum reject ingest_reject_from_code(const char *code);

#define INGEST_PROGRESS_ROWS 1024

/* For progress reports (borrowed for the call). */
struct ingest_progress {
	const char *file;	/* the file being read, as messages name it */
	size_t file_no, nfiles;	/* 1-based */
	uint64_t rows;		/* rows read so far, all files */
	uint64_t bytes;		/* of this file, read so far */
	uint64_t size;		/* its size; 0 when not known (spreadsheets are
				   inflated as they are read) */
};

struct ingest_opts {
	const char *region;	/* default region, NULL = none */
	const struct colmap_override *maps;
	size_t nmaps;
	char delimiter;		/* 0 = detect */
	const char *encoding;	/* NULL = detect */
	const char *rejects_path;	/* NULL = do not write rejects */
	/* NULL = do not write them: rows merged into a later row of the
	 * same number (phone, file, row, merged_into_file, merged_into_row) */
	const char *duplicates_path;
	int append;		/* merge into the current set instead of replacing it */
	size_t sort_mem;	/* bytes for the sort arena, 0 = default */
	/* Threads that clean and normalise rows while one reads them and
	 * takes their results back in order (the output is the same whatever
	 * the number): 0 = one per online CPU, 1 = none, rows are processed
	 * as they are read. */
	unsigned jobs;
	unsigned long header_row;	/* 0 = the first non-empty row */
	struct sheet_opts sheet;	/* spreadsheets: sheet and zip caps */
	/* Warnings (repeated headers, encoding fallback ...); may be NULL. */
	hook_fn *warn;
	/* Says how each input is read (its kind, its sheet); may be NULL. */
	void (*debug)(void *ctx, const char *file, const char *what);
	/* How far the import got, every INGEST_PROGRESS_ROWS rows; may be NULL. */
	void (*progress)(void *ctx, const struct ingest_progress *p);
	void *warn_ctx;		/* the hooks' ctx */
};

struct ingest_stats {
	uint64_t rows_read;
	uint64_t staged;	/* distinct contacts coming from these rows */
	uint64_t merged;	/* rows merged into an earlier row of the same number */
	uint64_t rejected;
	uint64_t blank;		/* blank rows skipped */
	uint64_t above_header;	/* rows above --header-row skipped */
	uint64_t updated;	/* with append: staged contacts that already existed */
	uint64_t total;		/* contacts in the desired set afterwards */
	uint64_t reasons[REJ__COUNT];
	size_t files;
	size_t sort_runs;
};

/*
 * Imports the files ("-" = stdin) into the desired set. On any error the
 * store is left exactly as it was and no rejects file is left behind.
 */
enum err ingest_files(struct store *st, const char *const *files,
		      size_t nfiles, const struct ingest_opts *opts,
		      struct ingest_stats *stats, struct errinfo *info);

#endif
