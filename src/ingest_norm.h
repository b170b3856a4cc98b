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
 * The cleaned values of one input record, whatever its format. Spans are
 * offsets into the norm's arena (which may move while it grows) and are
 * resolved to strings only once the record is complete.
 */
struct norm_span {
	size_t off, len;
};

struct norm_fields {
	struct norm_span std[FIELD__STD];
	struct {
		struct norm_span key, val;
	} *custom;
	size_t ncustom, cap;
};

/*
 * Scratch of the work on one row (cleaning, phone, record): one for the
 * single-threaded path, one per worker thread. What a row becomes is left
 * in it: the record in rec, keyed by c.phone. Everything here is the
 * thread's own; the options are only read.
 */
struct ingest_norm {
	const struct ingest_opts *o;
	struct buf arena, clean, rec;
	struct contact c;
	struct norm_fields f;
};

void ingest_norm_init(struct ingest_norm *n, const struct ingest_opts *o);
void ingest_norm_free(struct ingest_norm *n);

/*
 * A data row of a table, its cells mapped by m → the record in n->rec,
 * keyed by n->c.phone (*why = NOT_REJECTED), or the reason to reject it
 * in *why. Returns an error only for failures that stop the import
 * (memory, the phone library), with info naming fname and the row.
 */
enum err ingest_norm_row(struct ingest_norm *n, const struct colmap *m, const struct row *row,
			 uint32_t file_idx, const char *fname, enum reject *why,
			 struct errinfo *info);

/* A self-describing record (a JSON line: the row's one cell) → the same
 * (ingest_json.c maps its keys). */
enum err ingest_norm_record(struct ingest_norm *n, const struct row *row, uint32_t file_idx,
			    const char *fname, enum reject *why, struct errinfo *info);

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
