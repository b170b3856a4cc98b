/*
 * ingest: contact files → the store's desired set.
 *
 * Each file is read by the reader its content calls for (reader.h). Each
 * data row is cleaned (contact_clean_value), mapped (colmap.h), its phone
 * numbers normalised (phone.h), the best for SMS chosen (ingest_norm.h), and
 * turned into a contact record (contact.h); rows that cannot become a
 * contact are written to the rejects file with a reason. Records go through
 * an external sort (sorter.h) keyed by E.164 and row order, so that
 * duplicates meet with bounded memory: rows of the same person merge (the
 * later row's non-empty fields win), a later row naming another person
 * replaces the earlier one whole. The result is appended, in key
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
 *     rows_read + extra = staged + merged + rejected
 * (extra: with --phones all, the records beyond the first of each row)
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
#include "limit.h"
#include "row.h"
#include "store.h"

#define REJECT_LIST(X)                                                           \
	X(REJ_EMPTY, "empty", "no phone column has a number")                    \
	X(REJ_NOT_A_NUMBER, "not_a_number", "the phone cell is not a phone number") \
	X(REJ_INVALID_COUNTRY_CODE, "invalid_country_code", "the country calling code does not exist") \
	X(REJ_TOO_SHORT, "too_short", "the number is too short")                \
	X(REJ_TOO_LONG, "too_long", "the number is too long")                   \
	X(REJ_INVALID_FOR_REGION, "invalid_for_region", "the number is not valid for its region") \
	X(REJ_NO_REGION, "no_region", "a national number but no region to read it with") \
	X(REJ_BAD_OPT_OUT, "bad_opt_out", "the opt-out cell is neither yes nor no") \
	X(REJ_UNKNOWN_COUNTRY, "unknown_country", "the country cell is no country and the number is national") \
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
/* Rows searched for the header when no --header-row says where it is. */
#define INGEST_HEADER_SEARCH 20

/* For progress reports (borrowed for the call). */
struct ingest_progress {
	const char *file;	/* the file being read, as messages name it */
	size_t file_no, nfiles;	/* 1-based */
	uint64_t rows;		/* rows read so far, all files */
	uint64_t bytes;		/* of this file, read so far */
	uint64_t size;		/* its size; 0 when not known (spreadsheets are
				   inflated as they are read) */
};

enum ingest_phones {
	INGEST_PHONES_BEST,	/* a row's best SMS number is its contact's */
	INGEST_PHONES_ALL,	/* one contact per distinct valid number of a row */
};

/* --header-row FILE=N: the header row of one input (file as given). */
struct ingest_header_row {
	const char *file;
	unsigned long row;
};

struct ingest_opts {
	const char *region;	/* default region, NULL = none */
	const struct colmap_override *maps;
	size_t nmaps;
	const char *const *columns;	/* --columns: custom fields allowed; NULL: all */
	size_t ncolumns;
	const char *const *ignore;	/* --ignore */
	size_t nignore;
	enum ingest_phones phones;
	int strict_phone;	/* libphonenumber's answer, never the international
				   reading of digits without '+' (phone.h) */
	char delimiter;		/* 0 = detect */
	const char *encoding;	/* NULL = detect */
	/*
	 * The import's results folder: the rejects (unless rejects_path says
	 * elsewhere), the duplicates (unless duplicates_path does), the
	 * mapping of each file's columns and the warnings about single rows
	 * go there (results.h). NULL: only where the paths say.
	 */
	const char *results_dir;
	/* Rejected rows, with the file's own header and cells and where and
	 * why (results.h); files with another header go beside it as
	 * NAME-2.csv ... NULL: in results_dir, or none. */
	const char *rejects_path;
	/* Rows merged into another row of the same number; NULL: in
	 * results_dir, or none. */
	const char *duplicates_path;
	int append;		/* merge into the current set instead of replacing it */
	size_t sort_mem;	/* bytes for the sort arena, 0 = default */
	/* Threads that clean and normalise rows while one reads them and
	 * takes their results back in order (the output is the same whatever
	 * the number): 0 = one per online CPU, 1 = none, rows are processed
	 * as they are read. */
	unsigned jobs;
	/* 0: the first row, within the first INGEST_HEADER_SEARCH rows, that
	 * has a phone column */
	unsigned long header_row;
	const struct ingest_header_row *header_rows;	/* per file, before header_row */
	size_t nheader_rows;
	/* The guards before the desired set is replaced: an import that
	 * yields no contact, or a set that shrinks by more than
	 * max_shrink_percent (0-100) of the previous one, stops with
	 * ERR_GUARD unless allowed. */
	int allow_empty;
	unsigned max_shrink_percent;
	int force;		/* no shrink guard */
	/* More rejected rows than this (a count, or a share of the rows
	 * read) stops the import with ERR_GUARD, with or without append and
	 * whatever force says: a list that is mostly rejects is the wrong
	 * file or the wrong --region. The rejects file is still left. The
	 * zero struct: no ceiling. */
	struct limit max_rejects;
	struct sheet_opts sheet;	/* spreadsheets: sheet and zip caps */
	/* Warnings (repeated headers, encoding fallback ...); may be NULL. */
	hook_fn *warn;
	/* Says how each input is read (its kind, its sheet); may be NULL. */
	void (*debug)(void *ctx, const char *file, const char *what);
	/* Each file's header and what its columns became (--show-map); may
	 * be NULL. */
	void (*mapped)(void *ctx, const char *file, const struct row *header,
		       const struct colmap *m);
	/* How far the import got, every INGEST_PROGRESS_ROWS rows; may be NULL. */
	void (*progress)(void *ctx, const struct ingest_progress *p);
	void *warn_ctx;		/* the hooks' ctx */
};

struct ingest_stats {
	uint64_t rows_read;
	uint64_t extra;		/* --phones all: records beyond a row's first */
	uint64_t staged;	/* distinct contacts coming from these rows */
	uint64_t merged;	/* records merged with another of the same number */
	uint64_t merged_renamed;	/* of which another person's (names
					   differed): the later replaced it whole */
	uint64_t international;	/* numbers read as international (phone.h) */
	uint64_t country_ignored;	/* unreadable countries of international numbers */
	uint64_t previous;	/* contacts in the desired set before */
	uint64_t rejected;
	uint64_t blank;		/* blank rows skipped */
	uint64_t above_header;	/* rows above --header-row skipped */
	uint64_t updated;	/* with append: staged contacts that already existed */
	uint64_t total;		/* contacts in the desired set afterwards */
	uint64_t reasons[REJ__COUNT];
	/* Sheets after the one --sheet named that share its header, and
	 * were not read (part of the same table, most likely) */
	uint64_t sheets_unread;
	size_t files;
	size_t sort_runs;
	/* Files the import left (paths, owned): the rejects (one per header),
	 * the duplicates, the mapping, the warnings. */
	char **outputs;
	size_t noutputs;
	char *rejects;		/* the first rejects file, or NULL (in outputs) */
	size_t nrejects;	/* rejects files (one per header) */
	char *duplicates;	/* or NULL (in outputs) */
};

void ingest_stats_free(struct ingest_stats *s);

/*
 * Imports the files ("-" = stdin) into the desired set. On any error the
 * store is left exactly as it was and no rejects file is left behind;
 * ERR_GUARD when a guard (ingest_opts) stopped it, with the files that say
 * why (rejects, mapping) kept. stats is filled either way (free it with
 * ingest_stats_free).
 */
enum err ingest_files(struct store *st, const char *const *files,
		      size_t nfiles, const struct ingest_opts *opts,
		      struct ingest_stats *stats, struct errinfo *info);

#endif
