/*
 * ingest_norm: what one row of an import becomes, a contact record or the
 * reason to reject it. The only part of ingest that the import workers run
 * (ingest_par.c), so everything here is thread-safe: each thread has its
 * own struct ingest_norm, the options are only read, and what it calls is
 * safe to call from several threads at once, each on its own data:
 * contact_clean_value and text.h (utf8proc: constant tables), phone_parse
 * and phone_region_canon (phone.h; libphonenumber's singleton is made
 * before the workers start), contact_*, colmap_field_lookup (constant
 * tables), and jansson's parser on the line's own text (its hash seed is
 * set before the workers start).
 *
 * Internal to ingest (src/ingest*.c) and its unit tests.
 */
#ifndef CONTACTSYNC_INGEST_NORM_H
#define CONTACTSYNC_INGEST_NORM_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "colmap.h"
#include "contact.h"
#include "err.h"
#include "ingest.h"
#include "row.h"

/* What ingest_norm_* say of a row that becomes a record. */
#define NOT_REJECTED REJ__COUNT

/*
 * What a row became, as bytes (n->out): the same whatever the thread, so
 * the parallel path copies them into its batch as they are and the
 * reading thread reads them back in input order. A sequence of items:
 *   NORM_RECORD  a contact record keyed by its E.164 number (one, or one
 *                per distinct number with --phones all)
 *   NORM_REJECT  the reason the row is rejected, the column it is about
 *                and the value that was wrong (the row's only item)
 *   NORM_NOTE    something the user is told about in the warnings file:
 *                a number read as international, a country ignored
 */
enum norm_item_type { NORM_RECORD, NORM_REJECT, NORM_NOTE };

enum norm_note {
	NOTE_INTERNATIONAL,	/* key: the number read as international */
	NOTE_COUNTRY_IGNORED,	/* an unreadable country, the number was international */
};

struct norm_item {
	enum norm_item_type type;
	int sub;		/* NORM_REJECT: enum reject; NORM_NOTE: enum norm_note */
	long col;		/* the column (0-based) it is about; -1: none */
	struct str key;		/* NORM_RECORD, NORM_NOTE: the E.164 number */
	struct str data;	/* NORM_RECORD: the record; else the value */
};

/* The next item of [*p, end) into it, *p moved past it; 0 at the end. */
int ingest_norm_next(const char **p, const char *end, struct norm_item *it);

/*
 * The cleaned values of one input record, whatever its format. Spans are
 * offsets into the norm's arena (which may move while it grows) and are
 * resolved to strings only once the record is complete.
 */
struct norm_span {
	size_t off, len;
};

/* A phone number of the row: one piece of a phone column's cell. */
struct norm_cand {
	long col;		/* -1: a JSON line's phone */
	int role;		/* enum phone_role */
	struct norm_span val;
};

struct norm_fields {
	struct norm_span std[FIELD__STD];
	struct {
		struct norm_span key, val;
	} *custom;
	size_t ncustom, cap;
	struct norm_cand *cand;	/* phone candidates, in column and cell order */
	size_t ncand, cand_cap;
	long country_col;	/* where the country came from; -1 */
	long optout_col;
	int consent;		/* the opt-out value is a consent, read inverted */
};

/*
 * Scratch of the work on one row (cleaning, phone, record): one for the
 * single-threaded path, one per worker thread. What a row becomes is left
 * in out (items above). Everything here is the thread's own; the options
 * are only read.
 */
struct ingest_norm {
	const struct ingest_opts *o;
	struct buf arena, clean, rec, out;
	struct buf keep;	/* strings made for the contact (ingest_norm.c) */
	struct contact c;
	struct norm_fields f;
};

void ingest_norm_init(struct ingest_norm *n, const struct ingest_opts *o);
void ingest_norm_free(struct ingest_norm *n);

/*
 * A data row of a table, its cells mapped by m → its items in n->out (the
 * records, or the reason to reject it, and notes). Returns an error only
 * for failures that stop the import (memory, the phone library), with
 * info naming fname and the row.
 */
enum err ingest_norm_row(struct ingest_norm *n, const struct colmap *m, const struct row *row,
			 uint32_t file_idx, const char *fname, struct errinfo *info);

/* A self-describing record (a JSON line: the row's one cell) → the same
 * (ingest_json.c maps its keys). */
enum err ingest_norm_record(struct ingest_norm *n, const struct row *row, uint32_t file_idx,
			    const char *fname, struct errinfo *info);

/* For the mappings: the fields of a new record, then values cleaned into
 * them (a standard field, a custom one; empty keys or values dropped). */
void ingest_norm_reset(struct ingest_norm *n);
enum err ingest_norm_put(struct ingest_norm *n, const char *s, size_t len, enum field fld);
enum err ingest_norm_put_custom(struct ingest_norm *n, const char *k, size_t klen,
				const char *v, size_t vlen);

/* JSON mapping (ingest_json.c): a line's text → n's fields. ERR_FORMAT
 * when it is not a JSON object of contact fields, ERR_ENCODING, ERR_NOMEM. */
enum err ingest_json_fields(struct ingest_norm *n, const char *text, size_t len);

#endif
