/*
 * ingest_int: the state of one import, shared by ingest's files (internal):
 *
 *   ingest.c        the files: reader detection and dispatch, the row loop,
 *                   the counts, progress and warnings (the calling thread)
 *   ingest_norm.c   one row → a record or a reject reason (what workers run;
 *   ingest_json.c   JSON lines' mapping onto the fields)  thread-safe
 *   ingest_par.c    --jobs N: batches handed to the workers and taken back
 *                   in input order
 *   ingest_merge.c  the side files (rejects, duplicates), the merge of the
 *                   sorted records into the new generation, and publishing
 */
#ifndef CONTACTSYNC_INGEST_INT_H
#define CONTACTSYNC_INGEST_INT_H

#include <stdint.h>

#include "buf.h"
#include "colmap.h"
#include "csvout.h"
#include "ingest.h"
#include "ingest_norm.h"
#include "outfile.h"
#include "reader.h"
#include "sorter.h"

/* A file's header row, kept for its rejects (a reader's row lasts only
 * until the next one). JSON lines' is the one column "line". */
struct header_copy {
	struct buf bytes;
	size_t *offs, *lens;
	size_t n;
};

struct rejfile {
	struct outfile of;
	struct csvout w;
	char *path;
	struct header_copy h;
};

struct ingest {
	struct store *st;
	const struct ingest_opts *o;
	struct ingest_stats *s;
	struct errinfo *info;
	struct sorter *sorter;
	uint64_t seq;
	unsigned jobs;		/* worker threads; 1: none */

	/* the rejects files, one per header (opened at a file's first reject) */
	struct rejfile *rejs;
	size_t nrejs;
	struct outfile dup;	/* duplicates file; fp NULL when none is asked */
	struct csvout dupw;
	char *dup_path;
	struct outfile mapf;	/* mapping.csv, in the results folder */
	struct csvout mapw;
	struct outfile warnf;	/* warnings.csv, opened at the first warning */
	struct csvout warnw;

	char **names;		/* source file table */
	size_t nnames;
	char **cols;		/* per name: the fields its headers had columns
				   for, "\nfield\n…" (store_columns) */

	struct ingest_norm norm;	/* the single-threaded path's scratch */
	struct buf rec;		/* merge scratch */

	/* the file being read, for progress reports */
	struct {
		const char *name;
		size_t no, n;
		uint64_t size;		/* 0: not known */
		const struct reader *reader;	/* NULL between files */
		void *priv;		/* its state */
		struct header_copy header;	/* its header row */
		long rej;		/* its rejects file in rejs; -1: none yet */
	} cur;
};


/* ingest.c */
/* How far the reader of the file being read got, in bytes (0: not known). */
uint64_t ingest_read_pos(const struct ingest *in);
/* Tells the progress hook how far the import got, every so many rows;
 * bytes: where the reader was when it read the row just counted. */
void ingest_tick_at(struct ingest *in, uint64_t bytes);
/*
 * What a row became (ingest_norm's items) → the import, in input order
 * (the consumer's side: the rejects and warnings files, the sorter, the
 * counts).
 */
enum err ingest_apply(struct ingest *in, const char *fname, const struct row *row,
		      const char *items, size_t len);

/*
 * The rows of the reader's current sheet (or file), from the header on:
 * pending is a row already taken from the reader (NULL: none), fname
 * names them in messages and rejects; *found (may be NULL) says whether
 * a header was found.
 */
enum err ingest_rows(struct ingest *in, uint32_t idx, const char *fname,
		     const struct row *pending, int *found);
/* Opens the file with its reader into in->cur, on the sheet named
 * (NULL: the reader's choice). */
enum err ingest_open(struct ingest *in, const struct reader *rd, const char *path,
		     const char *fname, const char *sheet);
/* What the reader has to say about the file (unless e), then closes it. */
void ingest_close(struct ingest *in, const char *fname, enum err e);

/* ingest_sheets.c: a workbook's sheets, the one asked for or all that
 * hold the table (see there). */
enum err ingest_sheets(struct ingest *in, const struct reader *rd, const char *path,
		       uint32_t idx, const char *fname);

/* ingest_merge.c: whether row is the header of the file being read. */
int ingest_is_header(const struct ingest *in, const struct row *row);

/* ingest_par.c: the workers for one file's rows (map NULL: records). */
struct par;
enum err ingest_par_new(struct ingest *in, struct par **out, const struct colmap *map,
			uint32_t idx, const char *fname);
/* One row read (blank: a blank row after the header). */
enum err ingest_par_add(struct par *par, const struct row *row, int blank);
/* The reader stopped with e (ERR_NOT_FOUND at the end): consumes what was
 * read before, stops the workers, frees par; an earlier row's error wins. */
enum err ingest_par_end(struct par *par, enum err e);

/* ingest_merge.c */
enum err ingest_add_name(struct ingest *in, const char *name);
/* Adds the fields map has columns for to file idx's entry of in->cols
 * (a workbook's sheets add up). */
enum err ingest_note_columns(struct ingest *in, uint32_t idx, const struct colmap *map);
enum err ingest_open_side_files(struct ingest *in);
/* The header of the file being read, for its rejects (n cells; NULL:
 * JSON lines). */
enum err ingest_set_header(struct ingest *in, const struct row *h);
/* A rejected row: counted, and written with its header's rejects. */
enum err ingest_reject(struct ingest *in, const char *fname, const struct row *row,
		       const struct norm_item *it);
/* A note about a row (ingest_norm.h): counted, and a line in warnings.csv. */
enum err ingest_note(struct ingest *in, const char *fname, const struct row *row,
		     const struct norm_item *it);
/* The columns of a file and what each became, in mapping.csv. */
enum err ingest_write_mapping(struct ingest *in, const char *fname, const struct row *h,
			      const struct colmap *m);
/* The desired set's size before the import, for the shrink guard. */
enum err ingest_count_previous(struct ingest *in);
enum err ingest_load_current(struct ingest *in);
/* Begins the new generation in *genp (to publish or abort) and merges
 * the sorted records into it. */
enum err ingest_merge_into(struct ingest *in, struct store_gen **genp);
enum err ingest_publish(struct ingest *in, struct store_gen **genp);
void ingest_cleanup(struct ingest *in);

#endif
