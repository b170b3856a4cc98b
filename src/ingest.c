/* ingest: contact files → desired set (see ingest.h). */
#include "ingest.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "contact.h"
#include "csvin.h"
#include "csvout.h"
#include "filekind.h"
#include "jsonin.h"
#include "outfile.h"
#include "odsin.h"
#include "xlsin.h"
#include "xlsxin.h"
#include "phone.h"
#include "pipeline.h"
#include "row.h"
#include "sorter.h"
#include "text.h"

#define DEFAULT_SORT_MEM ((size_t)32 << 20)
#define DATASET "desired"

static const char *const reject_codes[] = {
#define REJ_CODE_(c, code, words) [c] = code,
	REJECT_LIST(REJ_CODE_)
#undef REJ_CODE_
};

static const char *const reject_words[] = {
#define REJ_WORDS_(c, code, words) [c] = words,
	REJECT_LIST(REJ_WORDS_)
#undef REJ_WORDS_
};

const char *ingest_reject_code(enum reject r)
{
	return (unsigned)r < REJ__COUNT ? reject_codes[r] : "unknown";
}

const char *ingest_reject_words(enum reject r)
{
	return (unsigned)r < REJ__COUNT ? reject_words[r] : "unknown reason";
}

enum reject ingest_reject_from_code(const char *code)
{
	int r;

	for (r = 0; r < REJ__COUNT; r++)
		if (!strcmp(reject_codes[r], code))
			break;
	return (enum reject)r;
}

/*
 * The cleaned values of one input record, whatever its format. Spans are
 * offsets into the norm's arena (which may move while it grows) and are
 * resolved to strings only once the record is complete.
 */
struct span {
	size_t off, len;
};

struct fields {
	struct span std[FIELD__STD];
	struct {
		struct span key, val;
	} *custom;
	size_t ncustom, cap;
};

/*
 * Scratch of the work on one row (cleaning, phone, record): one for the
 * single-threaded path, one per worker thread. What a row becomes is left
 * in it: the record in rec, keyed by c.phone. Everything here is the
 * thread's own; the options are only read.
 */
struct norm {
	const struct ingest_opts *o;
	struct buf arena, clean, rec;
	struct contact c;
	struct fields f;
};

/* What norm_* say of a row that becomes a record. */
#define NOT_REJECTED REJ__COUNT

static void norm_init(struct norm *n, const struct ingest_opts *o)
{
	memset(n, 0, sizeof(*n));
	n->o = o;
	buf_init(&n->arena, 0);
	buf_init(&n->clean, 0);
	buf_init(&n->rec, 0);
	contact_init(&n->c);
}

static void norm_free(struct norm *n)
{
	buf_free(&n->arena);
	buf_free(&n->clean);
	buf_free(&n->rec);
	contact_free(&n->c);
	free(n->f.custom);
}

struct ingest {
	struct store *st;
	const struct ingest_opts *o;
	struct ingest_stats *s;
	struct errinfo *info;
	struct sorter *sorter;
	uint64_t seq;
	unsigned jobs;		/* worker threads; 1: none */

	struct outfile rej;	/* rejects file; fp NULL when none is asked */
	struct csvout rejw;
	struct outfile dup;	/* duplicates file; fp NULL when none is asked */
	struct csvout dupw;

	char **names;		/* source file table */
	size_t nnames;

	struct norm norm;	/* the single-threaded path's scratch */
	struct buf rec;		/* merge scratch */

	/* the file being read, for progress reports */
	struct {
		const char *name;
		size_t no, n;
		uint64_t size;		/* 0: not known */
		FILE *fp;		/* JSON lines: where the reader is */
		struct csvin *csv;	/* CSV: where the reader is */
	} cur;
};

static void warn(struct ingest *in, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void warn(struct ingest *in, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!in->o->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	in->o->warn(in->o->warn_ctx, msg);
}

/* How far the reader of the file being read got, in bytes (0: not known). */
static uint64_t read_pos(const struct ingest *in)
{
	off_t off;

	if (in->cur.csv)
		return csvin_offset(in->cur.csv);
	if (in->cur.fp && (off = ftello(in->cur.fp)) > 0)
		return (uint64_t)off;
	return 0;
}

/* Tells the progress hook how far the import got, every so many rows;
 * bytes: where the reader was when it read the row just counted. */
static void tick_at(struct ingest *in, uint64_t bytes)
{
	struct ingest_progress p;

	if (!in->o->progress || in->s->rows_read % INGEST_PROGRESS_ROWS)
		return;
	p.file = in->cur.name;
	p.file_no = in->cur.no;
	p.nfiles = in->cur.n;
	p.rows = in->s->rows_read;
	p.size = in->cur.size;
	p.bytes = bytes;
	in->o->progress(in->o->warn_ctx, &p);
}

static void tick(struct ingest *in)
{
	if (in->o->progress && !(in->s->rows_read % INGEST_PROGRESS_ROWS))
		tick_at(in, read_pos(in));
}

static void log_kind(struct ingest *in, const char *fname, enum filekind kind)
{
	if (in->o->debug)
		in->o->debug(in->o->warn_ctx, fname, filekind_name(kind));
}

static enum reject reject_for_phone(enum phone_reason r)
{
	switch (r) {
	case PHONE_EMPTY: return REJ_EMPTY;
	case PHONE_INVALID_COUNTRY_CODE: return REJ_INVALID_COUNTRY_CODE;
	case PHONE_TOO_SHORT: return REJ_TOO_SHORT;
	case PHONE_TOO_LONG: return REJ_TOO_LONG;
	case PHONE_INVALID_FOR_REGION: return REJ_INVALID_FOR_REGION;
	case PHONE_NO_REGION: return REJ_NO_REGION;
	default: return REJ_NOT_A_NUMBER;
	}
}

static enum err reject(struct ingest *in, const char *fname,
		       const struct row *row, enum reject why)
{
	char rowno[24];
	size_t i;

	in->s->rejected++;
	in->s->reasons[why]++;
	if (!in->rej.fp)
		return ERR_OK;
	snprintf(rowno, sizeof(rowno), "%lu", row->rowno);
	csvout_cellz(&in->rejw, fname);
	csvout_cellz(&in->rejw, rowno);
	csvout_cellz(&in->rejw, ingest_reject_code(why));
	for (i = 0; i < row->ncells; i++)
		csvout_cell(&in->rejw, row->cells[i], row->lens[i]);
	csvout_end_row(&in->rejw);
	return ferror(in->rej.fp) ? err_set(in->info, ERR_IO, "cannot write rejects file '%s': %s",
					 in->o->rejects_path, strerror(errno))
			       : ERR_OK;
}

static int has_text(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 1;
	return 0;
}


/* Cleans s into the arena; *sp says where it went. */
static enum err put_clean(struct norm *n, const char *s, size_t len,
			  struct span *sp)
{
	return contact_clean_value(&n->arena, &n->clean, s, len, CONTACT_BAD_TEXT_FAILS,
				   &sp->off, &sp->len);
}

static enum err put_custom(struct norm *n, const char *k, size_t klen,
			   const char *v, size_t vlen)
{
	struct fields *f = &n->f;
	enum err e;

	if (f->ncustom == f->cap) {
		size_t ncap = f->cap ? f->cap * 2 : 16;
		void *p = realloc(f->custom, ncap * sizeof(*f->custom));

		if (!p)
			return ERR_NOMEM;
		f->custom = p;
		f->cap = ncap;
	}
	e = put_clean(n, k, klen, &f->custom[f->ncustom].key);
	if (!e)
		e = put_clean(n, v, vlen, &f->custom[f->ncustom].val);
	if (!e && f->custom[f->ncustom].val.len && f->custom[f->ncustom].key.len)
		f->ncustom++;
	return e;
}

static void fields_reset(struct norm *n)
{
	buf_reset(&n->arena);
	memset(n->f.std, 0, sizeof(n->f.std));
	n->f.ncustom = 0;
}

static struct str resolve(const struct norm *n, struct span sp)
{
	struct str s = { "", 0 };

	if (sp.len) {
		s.ptr = n->arena.data + sp.off;
		s.len = sp.len;
	}
	return s;
}

/* A CSV row's mapped cells → fields. */
static enum err fields_from_row(struct norm *n, const struct colmap *m,
				const struct row *row)
{
	size_t i, nc = row->ncells < m->ncols ? row->ncells : m->ncols;
	enum err e = ERR_OK;

	fields_reset(n);
	for (i = 0; i < nc && !e; i++) {
		if (!row->lens[i])
			continue;
		if (m->field[i] == FIELD_CUSTOM)
			e = put_custom(n, m->key[i], strlen(m->key[i]),
				       row->cells[i], row->lens[i]);
		else
			e = put_clean(n, row->cells[i], row->lens[i], &n->f.std[m->field[i]]);
	}
	return e;
}

static enum err add_tags(struct contact *c, struct str v)
{
	const char *p = v.ptr, *end = v.ptr + v.len;
	enum err e = ERR_OK;

	while (p < end && !e) {
		const char *q = p;
		const char *a, *b;

		while (q < end && *q != ',' && *q != ';')
			q++;
		for (a = p; a < q && *a == ' '; a++)
			;
		for (b = q; b > a && b[-1] == ' '; b--)
			;
		if (b > a)
			e = contact_add_tag(c, a, (size_t)(b - a));
		p = q + 1;
	}
	return e;
}

/* Region for the record: its country field, else the default. */
static int record_region(const struct norm *n, char region[3], const char **reg)
{
	struct str country = resolve(n, n->f.std[FIELD_COUNTRY]);
	char tmp[8];

	*reg = n->o->region;
	if (!country.len)
		return 0;
	if (country.len >= sizeof(tmp))
		return -1;
	memcpy(tmp, country.ptr, country.len);
	tmp[country.len] = '\0';
	if (!phone_region_canon(tmp, region))
		return -1;
	*reg = region;
	return 0;
}

/*
 * Fields → contact record in n->rec (keyed by n->c.phone, *why =
 * NOT_REJECTED), or the reason to reject the row. Returns an error only
 * for failures that stop the import (memory, the phone library).
 */
static enum err build_contact(struct norm *n, const struct row *row, uint32_t file_idx,
			      const char *fname, enum reject *why, struct errinfo *info)
{
	struct contact *c = &n->c;
	struct phone_result pr;
	struct str phone, v;
	char region[3] = "";
	const char *reg;
	size_t i;
	enum err e;

	*why = NOT_REJECTED;
	if (record_region(n, region, &reg)) {
		*why = REJ_UNKNOWN_COUNTRY;
		return ERR_OK;
	}
	phone = resolve(n, n->f.std[FIELD_PHONE]);
	e = phone_parse(phone.ptr, phone.len, reg, 0, &pr);
	if (e)
		return err_set(info, e, "'%s' row %lu: phone library failed", fname, row->rowno);
	if (pr.reason != PHONE_OK) {
		*why = reject_for_phone(pr.reason);
		return ERR_OK;
	}
	contact_reset(c);
	memcpy(c->phone, pr.e164, sizeof(c->phone));
	c->raw_phone = phone;
	v = resolve(n, n->f.std[FIELD_OPTED_OUT]);
	if (text_parse_optout(v.ptr, v.len, &c->opted_out)) {
		*why = REJ_BAD_OPT_OUT;
		return ERR_OK;
	}
	c->name = resolve(n, n->f.std[FIELD_NAME]);
	c->first_name = resolve(n, n->f.std[FIELD_FIRST_NAME]);
	c->last_name = resolve(n, n->f.std[FIELD_LAST_NAME]);
	c->company = resolve(n, n->f.std[FIELD_COMPANY]);
	c->source_file = file_idx;
	c->source_row = row->rowno;
	e = add_tags(c, resolve(n, n->f.std[FIELD_TAGS]));
	for (i = 0; !e && i < n->f.ncustom; i++) {
		struct str k = resolve(n, n->f.custom[i].key);

		v = resolve(n, n->f.custom[i].val);
		e = contact_add_custom(c, k.ptr, k.len, v.ptr, v.len);
	}
	if (!e && pr.extension[0])
		e = contact_add_custom(c, "phone_extension", 15, pr.extension,
				       strlen(pr.extension));
	if (e)
		return err_set(info, e, "out of memory");
	contact_sort(c);
	buf_reset(&n->rec);
	e = contact_encode(c, &n->rec);
	if (e)
		return err_set(info, e, "'%s' row %lu: record too large", fname, row->rowno);
	return ERR_OK;
}

/* A data row of a table → a record or a reject (see build_contact). */
static enum err norm_row(struct norm *n, const struct colmap *m, const struct row *row,
			 uint32_t file_idx, const char *fname, enum reject *why,
			 struct errinfo *info)
{
	size_t i;
	enum err e;

	*why = NOT_REJECTED;
	if (row->bad_cell) {
		*why = REJ_BAD_ENCODING;
		return ERR_OK;
	}
	for (i = m->ncols; i < row->ncells; i++)
		if (has_text(row->cells[i], row->lens[i])) {
			*why = REJ_TOO_MANY_CELLS;
			return ERR_OK;
		}
	e = fields_from_row(n, m, row);
	if (e == ERR_ENCODING) {
		*why = REJ_BAD_ENCODING;
		return ERR_OK;
	}
	if (e)
		return err_set(info, e, "'%s' row %lu: %s", fname, row->rowno, err_str(e));
	return build_contact(n, row, file_idx, fname, why, info);
}

/*
 * What a row became → the import, in input order (the consumer's side:
 * the rejects file, the sorter, the counts). key and rec are the record's
 * when why is NOT_REJECTED.
 */
static enum err apply(struct ingest *in, const char *fname, const struct row *row,
		      enum reject why, const char *key, const void *rec, size_t reclen)
{
	if (why != NOT_REJECTED)
		return reject(in, fname, row, why);
	return sorter_add(in->sorter, key, strlen(key), ++in->seq, rec, reclen, in->info);
}

static enum err process_row(struct ingest *in, const struct colmap *m,
			    const struct row *row, uint32_t file_idx, const char *fname)
{
	struct norm *n = &in->norm;
	enum reject why;
	enum err e;

	in->s->rows_read++;
	tick(in);
	e = norm_row(n, m, row, file_idx, fname, &why, in->info);
	if (e)
		return e;
	return apply(in, fname, row, why, n->c.phone, n->rec.data, n->rec.len);
}

/* A JSON scalar as text: strings as they are, numbers and booleans
 * printed, null empty. Arrays and objects are not scalars (-1). */
static int json_text(json_t *v, char *tmp, size_t cap, const char **s, size_t *len)
{
	*s = "";
	*len = 0;
	if (json_is_string(v)) {
		*s = json_string_value(v);
		*len = json_string_length(v);
	} else if (json_is_integer(v)) {
		*len = (size_t)snprintf(tmp, cap, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		*s = tmp;
	} else if (json_is_real(v)) {
		*len = (size_t)snprintf(tmp, cap, "%.17g", json_real_value(v));
		*s = tmp;
	} else if (json_is_boolean(v)) {
		*s = json_is_true(v) ? "true" : "false";
		*len = strlen(*s);
	} else if (!json_is_null(v)) {
		return -1;
	}
	return 0;
}

static enum err json_tags(struct norm *n, json_t *v)
{
	struct buf joined;
	size_t i;
	json_t *t;
	enum err e = ERR_OK;

	if (!json_is_array(v)) {
		const char *s;
		size_t len;
		char tmp[64];

		if (json_text(v, tmp, sizeof(tmp), &s, &len))
			return ERR_FORMAT;
		return put_clean(n, s, len, &n->f.std[FIELD_TAGS]);
	}
	buf_init(&joined, 0);
	json_array_foreach(v, i, t) {
		if (!json_is_string(t)) {
			e = ERR_FORMAT;
			break;
		}
		if ((i && buf_addc(&joined, ';')) ||
		    buf_add(&joined, json_string_value(t), json_string_length(t))) {
			e = ERR_NOMEM;
			break;
		}
	}
	if (!e)
		e = put_clean(n, buf_str(&joined), joined.len, &n->f.std[FIELD_TAGS]);
	buf_free(&joined);
	return e;
}

static enum err json_custom(struct norm *n, json_t *obj)
{
	const char *k, *s;
	json_t *v;
	size_t len;
	char tmp[64];
	enum err e;

	if (!json_is_object(obj))
		return json_is_null(obj) ? ERR_OK : ERR_FORMAT;
	json_object_foreach(obj, k, v) {
		if (json_text(v, tmp, sizeof(tmp), &s, &len))
			return ERR_FORMAT;
		e = put_custom(n, k, strlen(k), s, len);
		if (e)
			return e;
	}
	return ERR_OK;
}

/* A JSON object (the export's shape) → fields. ERR_FORMAT when a value
 * has the wrong type. Keys that are not contact fields become custom. */
static enum err fields_from_json(struct norm *n, json_t *obj)
{
	const char *k, *s;
	json_t *v;
	size_t len;
	char tmp[64];
	enum err e = ERR_OK;

	fields_reset(n);
	json_object_foreach(obj, k, v) {
		enum field fld = colmap_field_lookup(k);

		if (!strcmp(k, "custom"))
			e = json_custom(n, v);
		else if (fld == FIELD_TAGS)
			e = json_tags(n, v);
		else if (json_text(v, tmp, sizeof(tmp), &s, &len))
			e = ERR_FORMAT;
		else if (fld == FIELD_CUSTOM)
			e = put_custom(n, k, strlen(k), s, len);
		else
			e = put_clean(n, s, len, &n->f.std[fld]);
		if (e)
			break;
	}
	return e;
}

/* A JSON line (obj NULL when it is not an object) → a record or a reject
 * (see build_contact); row holds the line as its one cell. */
static enum err norm_json(struct norm *n, json_t *obj, const struct row *row,
			  uint32_t file_idx, const char *fname, enum reject *why,
			  struct errinfo *info)
{
	enum err e;

	*why = REJ_BAD_JSON;
	if (!obj)
		return ERR_OK;
	e = fields_from_json(n, obj);
	if (e == ERR_FORMAT || e == ERR_ENCODING)
		return ERR_OK;
	if (e)
		return err_set(info, e, "out of memory");
	return build_contact(n, row, file_idx, fname, why, info);
}

/*
 * The parallel path (--jobs N, N > 1). The reading thread copies rows into
 * batches and hands them to N workers (pipeline.h), which do what
 * norm_row / norm_json do, each with its own struct norm, and leave what
 * every row became in the batch. The reading thread takes the batches back
 * in input order and does, row by row, what the single-threaded path does
 * after the row work: the counts, the progress hook, the rejects file, the
 * sorter (apply). So rejects, sequence numbers, counts and messages come
 * out exactly as with --jobs 1. Workers touch nothing but their batch and
 * their norm.
 *
 * A worker stops its batch at the first row whose work failed (memory, the
 * phone library) and records the error; the consumer returns it when it
 * reaches that row, after counting it, as the single-threaded path would.
 * The reader may be ahead: an error of its own (or the end of the file)
 * is acted on only after every row read before it was consumed, so an
 * earlier row's error wins and the counts are those of --jobs 1.
 *
 * What workers call is safe to call from several threads at once, each on
 * its own data: text_clean and utf8proc (no state but constant tables),
 * phone_parse and phone_region_canon (phone.h; libphonenumber's singleton
 * is made before the workers start), contact_*, colmap_field_lookup
 * (constant tables), and jansson's readers on the line's object, which
 * one thread at a time holds (the reading thread makes it and drops it).
 */
#define BATCH_ROWS 2048
#define BATCH_BYTES ((size_t)1 << 20)	/* of cells: a batch is handed over past it */

struct brow {
	/* from the reader */
	size_t cell0, ncells;	/* in the batch's cell tables */
	unsigned long rowno, line;
	size_t bad_cell;
	uint64_t bytes;		/* where the reader was, when a progress tick is due */
	json_t *obj;		/* JSON lines: the object (owned); NULL otherwise */
	int blank;		/* a blank row: only counted */
	/* from the worker */
	enum reject why;
	size_t rec_off, rec_len;	/* in recs */
	char key[PHONE_E164_MAX + 1];
};

struct batch {
	struct brow *rows;
	size_t n, cap;
	struct buf cells;	/* every cell's bytes, each NUL-terminated */
	size_t *offs, *lens;
	char **ptrs;		/* resolved when the batch is handed over */
	size_t ncells, cells_cap;

	struct buf recs;	/* the records */
	size_t ndone;		/* rows worked; row ndone failed when err */
	enum err err;
	struct errinfo info;
};

struct par {
	struct ingest *in;
	const struct colmap *map;	/* NULL: JSON lines */
	uint32_t idx;
	const char *fname;
	struct pipeline *pl;
	struct norm *norms;	/* one per worker */
	unsigned nworkers;
	struct batch *batches;	/* nslots + 1: the one being filled, the rest */
	struct batch **free_list;
	size_t nbatches, nfree;
	struct batch *cur;	/* being filled */
	uint64_t rows_ahead;	/* rows_read once the reader's rows are consumed */
	int failed;		/* consuming a row failed: nothing more is consumed */
};

static void batch_reset(struct batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		json_decref(b->rows[i].obj);
	b->n = 0;
	b->ncells = 0;
	buf_reset(&b->cells);
	buf_reset(&b->recs);
	b->ndone = 0;
	b->err = ERR_OK;
}

static void batch_free(struct batch *b)
{
	batch_reset(b);
	free(b->rows);
	free(b->offs);
	free(b->lens);
	free(b->ptrs);
	buf_free(&b->cells);
	buf_free(&b->recs);
}

/* Row i of a handed-over batch, as a view (borrowed from the batch). */
static void batch_row(const struct batch *b, size_t i, struct row *row)
{
	const struct brow *r = &b->rows[i];

	memset(row, 0, sizeof(*row));
	row->ncells = r->ncells;
	row->cells = b->ptrs + r->cell0;
	row->lens = b->lens + r->cell0;
	row->rowno = r->rowno;
	row->line = r->line;
	row->bad_cell = r->bad_cell;
}

static enum err batch_grow(struct batch *b, size_t ncells)
{
	if (b->n == b->cap) {
		size_t ncap = b->cap ? b->cap * 2 : 256;
		struct brow *r = realloc(b->rows, ncap * sizeof(*r));

		if (!r)
			return ERR_NOMEM;
		b->rows = r;
		b->cap = ncap;
	}
	if (b->ncells + ncells > b->cells_cap) {
		size_t ncap = b->cells_cap ? b->cells_cap : 1024;
		size_t *o, *l;
		char **p;

		while (ncap < b->ncells + ncells)
			ncap *= 2;
		o = realloc(b->offs, ncap * sizeof(*o));
		if (o)
			b->offs = o;
		l = realloc(b->lens, ncap * sizeof(*l));
		if (l)
			b->lens = l;
		p = realloc(b->ptrs, ncap * sizeof(*p));
		if (p)
			b->ptrs = p;
		if (!o || !l || !p)
			return ERR_NOMEM;
		b->cells_cap = ncap;
	}
	return ERR_OK;
}

/* Copies row (and steals obj) into the batch. */
static enum err batch_add(struct batch *b, const struct row *row, json_t *obj, int blank)
{
	struct brow *r;
	size_t i;
	enum err e;

	e = batch_grow(b, blank ? 0 : row->ncells);
	if (e) {
		json_decref(obj);
		return e;
	}
	r = &b->rows[b->n++];
	memset(r, 0, sizeof(*r));
	r->obj = obj;
	r->blank = blank;
	r->rowno = row->rowno;
	r->line = row->line;
	r->bad_cell = row->bad_cell;
	r->cell0 = b->ncells;
	if (blank)
		return ERR_OK;
	for (i = 0; i < row->ncells; i++) {
		b->offs[b->ncells] = b->cells.len;
		b->lens[b->ncells] = row->lens[i];
		e = buf_add(&b->cells, row->cells[i], row->lens[i] + 1);	/* and its NUL */
		if (e) {	/* the batch without this row, as it was */
			b->ncells = r->cell0;
			json_decref(obj);
			b->n--;
			return e;
		}
		b->ncells++;
		r->ncells++;
	}
	return ERR_OK;
}

/* The workers' side: the rows of one batch. */
static void par_work(void *ctx, unsigned worker, void *item)
{
	struct par *par = ctx;
	struct norm *n = &par->norms[worker];
	struct batch *b = item;
	size_t i;

	for (i = 0; i < b->n; i++) {
		struct brow *r = &b->rows[i];
		struct row row;
		enum err e;

		if (r->blank)
			continue;
		batch_row(b, i, &row);
		if (par->map)
			e = norm_row(n, par->map, &row, par->idx, par->fname, &r->why, &b->info);
		else
			e = norm_json(n, r->obj, &row, par->idx, par->fname, &r->why, &b->info);
		if (!e && r->why == NOT_REJECTED) {
			memcpy(r->key, n->c.phone, sizeof(r->key));
			r->rec_off = b->recs.len;
			r->rec_len = n->rec.len;
			e = buf_add(&b->recs, n->rec.data, n->rec.len);
			if (e)
				e = err_set(&b->info, e, "out of memory");
		}
		if (e) {
			b->err = e;
			break;
		}
	}
	b->ndone = i;
}

/* The consumer's side: a worked batch, row by row, in order. */
static enum err par_consume(struct par *par, struct batch *b)
{
	struct ingest *in = par->in;
	size_t i;
	enum err e;

	for (i = 0; i < b->n; i++) {
		const struct brow *r = &b->rows[i];
		struct row row;

		if (r->blank) {
			in->s->blank++;
			continue;
		}
		in->s->rows_read++;
		tick_at(in, r->bytes);
		if (i == b->ndone && b->err) {
			*in->info = b->info;
			return b->err;
		}
		batch_row(b, i, &row);
		e = apply(in, par->fname, &row, r->why, r->key, b->recs.data + r->rec_off,
			  r->rec_len);
		if (e)
			return e;
	}
	return ERR_OK;
}

/* Takes the oldest batch back and consumes it. */
static enum err par_take(struct par *par)
{
	struct batch *b = pipeline_next(par->pl);
	enum err e;

	e = par_consume(par, b);
	batch_reset(b);
	par->free_list[par->nfree++] = b;
	if (e)
		par->failed = 1;
	return e;
}

/* Hands the batch being filled to the workers (making room first). */
static enum err par_flush(struct par *par)
{
	struct batch *b = par->cur;
	size_t i;
	enum err e;

	if (!b->n)
		return ERR_OK;
	while (pipeline_full(par->pl))
		if ((e = par_take(par)))
			return e;
	for (i = 0; i < b->ncells; i++)
		b->ptrs[i] = b->cells.data + b->offs[i];
	pipeline_submit(par->pl, b);
	par->cur = par->free_list[--par->nfree];
	return ERR_OK;
}

static void par_free(struct par *par)
{
	size_t i;

	if (!par)
		return;
	pipeline_free(par->pl);	/* joins the workers before their data goes */
	for (i = 0; i < par->nbatches; i++)
		batch_free(&par->batches[i]);
	for (i = 0; par->norms && i < par->nworkers; i++)
		norm_free(&par->norms[i]);
	free(par->norms);
	free(par->batches);
	free(par->free_list);
	free(par);
}

/* Starts the workers for one file's rows (map NULL: JSON lines). */
static enum err par_new(struct ingest *in, struct par **out, const struct colmap *map,
			uint32_t idx, const char *fname)
{
	size_t nslots = 2 * (size_t)in->jobs + 2, i;
	struct par *par = calloc(1, sizeof(*par));
	enum err e;

	*out = NULL;
	if (!par)
		return err_set(in->info, ERR_NOMEM, "out of memory");
	par->in = in;
	par->map = map;
	par->idx = idx;
	par->fname = fname;
	par->rows_ahead = in->s->rows_read;
	par->nworkers = in->jobs;
	par->nbatches = nslots + 1;
	par->norms = calloc(par->nworkers, sizeof(*par->norms));
	par->batches = calloc(par->nbatches, sizeof(*par->batches));
	par->free_list = calloc(par->nbatches, sizeof(*par->free_list));
	if (!par->norms || !par->batches || !par->free_list) {
		par_free(par);
		return err_set(in->info, ERR_NOMEM, "out of memory");
	}
	for (i = 0; i < par->nworkers; i++)
		norm_init(&par->norms[i], in->o);
	for (i = 0; i < par->nbatches; i++) {
		buf_init(&par->batches[i].cells, 0);
		buf_init(&par->batches[i].recs, 0);
		par->free_list[par->nfree++] = &par->batches[i];
	}
	par->cur = par->free_list[--par->nfree];
	/* libphonenumber's singleton is made here, before any worker asks */
	(void)phone_region_supported("GB");
	e = pipeline_new(&par->pl, par->nworkers, nslots, par_work, par, in->info);
	if (e) {
		par_free(par);
		return e;
	}
	*out = par;
	return ERR_OK;
}

/* The reader's side: one row read (blank: a blank row after the header;
 * obj: a JSON line's object, stolen). */
static enum err par_add(struct par *par, const struct row *row, json_t *obj, int blank)
{
	struct ingest *in = par->in;
	struct batch *b = par->cur;
	enum err e;

	e = batch_add(b, row, obj, blank);
	if (e)
		return err_set(in->info, e, "out of memory");
	if (!blank && !(++par->rows_ahead % INGEST_PROGRESS_ROWS))
		b->rows[b->n - 1].bytes = read_pos(in);
	if (b->n >= BATCH_ROWS || b->cells.len >= BATCH_BYTES)
		return par_flush(par);
	return ERR_OK;
}

/*
 * The reader stopped with e (ERR_NOT_FOUND at the end of the file): what
 * was read before is consumed first, unless consuming already failed; an
 * error there is an earlier row's and wins. Stops the workers.
 */
static enum err par_end(struct par *par, enum err e)
{
	enum err ce = ERR_OK;

	if (!par->failed)
		ce = par_flush(par);
	while (!ce && !par->failed && pipeline_inflight(par->pl))
		ce = par_take(par);
	par_free(par);
	return ce ? ce : e;
}

static enum err ingest_json(struct ingest *in, FILE *fp, uint32_t idx,
			    const char *fname)
{
	struct norm *n = &in->norm;
	struct jsonin *r;
	struct jsonin_line line;
	struct row row;
	struct par *par = NULL;
	char *cell;
	size_t celllen;
	enum reject why;
	enum err e;

	e = jsonin_open(&r, fp, fname, in->info);
	if (e)
		return e;
	memset(&row, 0, sizeof(row));
	row.ncells = 1;
	row.cells = &cell;
	row.lens = &celllen;
	if (in->jobs > 1)
		e = par_new(in, &par, NULL, idx, fname);
	while (!e && !(e = jsonin_next(r, &line, in->info))) {
		cell = (char *)line.raw;
		celllen = line.rawlen;
		row.rowno = row.line = line.lineno;
		if (par) {
			e = par_add(par, &row, line.obj, 0);
			continue;
		}
		in->s->rows_read++;
		tick(in);
		e = norm_json(n, line.obj, &row, idx, fname, &why, in->info);
		json_decref(line.obj);
		if (!e)
			e = apply(in, fname, &row, why, n->c.phone, n->rec.data, n->rec.len);
	}
	if (par)
		e = par_end(par, e);
	jsonin_close(r);
	return e == ERR_NOT_FOUND ? ERR_OK : e;
}

static enum err add_name(struct ingest *in, const char *name)
{
	char **n = realloc(in->names, (in->nnames + 1) * sizeof(*n));

	if (!n)
		return ERR_NOMEM;
	in->names = n;
	if (!(n[in->nnames] = strdup(name)))
		return ERR_NOMEM;
	in->nnames++;
	return ERR_OK;
}

/* Any reader of rows (CSV, spreadsheets) behind one loop. */
struct source {
	void *r;
	enum err (*next)(void *r, struct row *row, struct errinfo *info);
};

static enum err csv_next(void *r, struct row *row, struct errinfo *info)
{
	return csvin_next(r, row, info);
}

static enum err xlsx_next(void *r, struct row *row, struct errinfo *info)
{
	return xlsxin_next(r, row, info);
}

static enum err ods_next(void *r, struct row *row, struct errinfo *info)
{
	return odsin_next(r, row, info);
}

static enum err xls_next(void *r, struct row *row, struct errinfo *info)
{
	return xlsin_next(r, row, info);
}

/* The header is the first non-blank row at or after --header-row. */
static enum err ingest_rows(struct ingest *in, const struct source *src,
			    uint32_t idx, const char *fname)
{
	unsigned long want = in->o->header_row;
	struct colmap map;
	struct row row;
	struct par *par = NULL;
	int have_map = 0;
	size_t i;
	enum err e;

	memset(&map, 0, sizeof(map));
	while (!(e = src->next(src->r, &row, in->info))) {
		if (!have_map && want && row.rowno < want) {
			in->s->above_header++;
			continue;
		}
		if (have_map && in->jobs > 1) {
			if (!par && (e = par_new(in, &par, &map, idx, fname)))
				break;
			e = par_add(par, &row, NULL, row_is_blank(&row));
			if (e)
				break;
			continue;
		}
		if (row_is_blank(&row)) {
			if (have_map)
				in->s->blank++;
			else if (want && row.rowno == want)
				break;	/* reported below */
			continue;
		}
		if (have_map) {
			e = process_row(in, &map, &row, idx, fname);
			if (e)
				break;
			continue;
		}
		if (want && row.rowno != want) {
			e = err_set(in->info, ERR_USAGE, "'%s' row %lu is empty: no header there",
				    fname, want);
			break;
		}
		e = colmap_build(&map, &row, in->o->maps, in->o->nmaps, fname, in->info);
		if (e)
			break;
		have_map = 1;
		for (i = 0; i < map.nwarnings; i++)
			warn(in, "%s", map.warnings[i]);
	}
	if (par)
		e = par_end(par, e);	/* before the map goes: the workers read it */
	if (e == ERR_NOT_FOUND || (!e && !have_map && want)) {
		e = ERR_OK;
		if (!have_map && want)
			e = err_set(in->info, ERR_USAGE, "'%s' row %lu is empty: no header there",
				    fname, want);
		else if (!have_map)
			warn(in, "'%s' is empty: no header row", fname);
	}
	if (have_map)
		colmap_free(&map);
	return e;
}

static enum err ingest_csv(struct ingest *in, const char *path, uint32_t idx,
			   const char *fname)
{
	struct csvin_opts co = { in->o->delimiter, in->o->encoding, 0, 0 };
	struct source src = { NULL, csv_next };
	struct csvin *r;
	enum err e;

	e = csvin_open(&r, path, fname, &co, in->info);
	if (e)
		return e;
	src.r = r;
	in->cur.csv = r;
	e = ingest_rows(in, &src, idx, fname);
	in->cur.csv = NULL;
	if (!e && csvin_stats(r)->cp1252_cells)
		warn(in, "'%s': %lu cells were not valid UTF-8 and were read as Windows-1252",
		     fname, csvin_stats(r)->cp1252_cells);
	csvin_close(r);
	return e;
}

/*
 * Only one sheet is read; data on the others would be missed without a
 * word (a long export continues on "Contacts (2)"), so say so. ODS is read
 * as a stream and does not know its later sheets at this point.
 */
static void warn_other_sheets(struct ingest *in, enum filekind kind, void *r,
			      const char *fname, const char *sheet)
{
	const char *names[4];
	char list[512] = "";
	size_t n = 0, i, len = 0;

	if (kind == FILEKIND_XLSX)
		n = xlsxin_other_sheets(r, names, 4);
	else if (kind == FILEKIND_XLS)
		n = xlsin_other_sheets(r, names, 4);
	for (i = 0; i < n && i < 4 && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s'%s'",
					i ? ", " : "", names[i]);
	if (n)
		warn(in, "'%s': only sheet '%s' was read; %zu other sheet%s %s not (%s%s): "
		     "read them with --sheet NAME --append",
		     fname, sheet ? sheet : "?", n, n == 1 ? "" : "s", n == 1 ? "was" : "were",
		     list, n > 4 ? ", ..." : "");
}

/* XLSX, ODS and XLS share the sheet options and the row loop. */
static enum err ingest_sheet(struct ingest *in, enum filekind kind,
			     const char *path, uint32_t idx, const char *fname)
{
	const struct sheet_opts *so = &in->o->sheet;
	struct source src = { NULL, NULL };
	const char *sheet = NULL;
	enum err e;

	switch (kind) {
	case FILEKIND_XLSX: {
		struct xlsxin *r;

		e = xlsxin_open(&r, path, fname, so, in->info);
		if (e)
			return e;
		src.r = r;
		src.next = xlsx_next;
		sheet = xlsxin_sheet(r);
		break;
	}
	case FILEKIND_ODS: {
		struct odsin *r;

		e = odsin_open(&r, path, fname, so, in->info);
		if (e)
			return e;
		src.r = r;
		src.next = ods_next;
		sheet = odsin_sheet(r);
		break;
	}
	default: {
		struct xlsin *r;

		e = xlsin_open(&r, path, fname, so, in->info);
		if (e)
			return e;
		src.r = r;
		src.next = xls_next;
		sheet = xlsin_sheet(r);
		break;
	}
	}
	if (in->o->debug)
		in->o->debug(in->o->warn_ctx, fname, sheet);
	e = ingest_rows(in, &src, idx, fname);
	if (!e && !so->sheet)
		warn_other_sheets(in, kind, src.r, fname, sheet);
	if (kind == FILEKIND_XLSX)
		xlsxin_close(src.r);
	else if (kind == FILEKIND_ODS)
		odsin_close(src.r);
	else
		xlsin_close(src.r);
	return e;
}

static enum err ingest_json_file(struct ingest *in, const char *path,
				 uint32_t idx, const char *fname)
{
	FILE *fp = fopen(path, "rb");
	enum err e;

	if (!fp)
		return err_set(in->info, ERR_IO, "cannot open '%s': %s", fname, strerror(errno));
	in->cur.fp = fp;
	e = ingest_json(in, fp, idx, fname);
	in->cur.fp = NULL;
	if (!e && ferror(fp))
		e = err_set(in->info, ERR_IO, "cannot read '%s'", fname);
	fclose(fp);
	return e;
}

/*
 * Standard input, pipes and other files that can be read only once are
 * copied to a temporary file in the store directory first (removed when
 * the file is done): their kind can then be detected like any file's, and
 * zip-based workbooks need to seek anyway.
 */
static enum err spool(struct ingest *in, FILE *src, const char *fname, char **path)
{
	char buf[65536];
	size_t n;
	int fd;
	FILE *out;

	if (asprintf(path, "%s/.stdin-XXXXXX", store_dir(in->st)) < 0)
		return err_set(in->info, ERR_NOMEM, "out of memory");
	fd = mkstemp(*path);
	if (fd < 0 || !(out = fdopen(fd, "wb"))) {
		if (fd >= 0)
			close(fd);
		return err_set(in->info, ERR_IO, "cannot create a temporary file in '%s': %s",
			       store_dir(in->st), strerror(errno));
	}
	while ((n = fread(buf, 1, sizeof(buf), src)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			break;
	if (ferror(src)) {
		fclose(out);
		return err_set(in->info, ERR_IO, "cannot read '%s': %s", fname, strerror(errno));
	}
	if (fclose(out) || n)
		return err_set(in->info, ERR_STORE_FULL, "cannot write a temporary file in '%s': %s",
			       store_dir(in->st), strerror(errno));
	return ERR_OK;
}

static int is_regular(const char *path)
{
	struct stat sb;

	/* A missing file counts as regular: opening it reports the error. */
	return stat(path, &sb) < 0 || S_ISREG(sb.st_mode);
}

static enum err ingest_one(struct ingest *in, const char *path)
{
	const char *fname = strcmp(path, "-") ? path : "stdin";
	uint32_t idx = (uint32_t)in->nnames;
	enum filekind kind;
	char *spooled = NULL;
	enum err e;

	e = add_name(in, fname);
	if (e)
		return err_set(in->info, e, "out of memory");
	if (!strcmp(path, "-")) {
		e = spool(in, stdin, fname, &spooled);
		path = spooled;
	} else if (!is_regular(path)) {
		FILE *src = fopen(path, "rb");

		if (!src)
			return err_set(in->info, ERR_IO, "cannot open '%s': %s", fname,
				       strerror(errno));
		e = spool(in, src, fname, &spooled);
		fclose(src);
		path = spooled;
	}
	if (!e)
		e = filekind_detect(path, fname, &kind, in->info);
	if (!e) {
		struct stat sb;

		in->cur.name = fname;
		/* what is read of a text file tells how far it got */
		in->cur.size = (kind == FILEKIND_CSV || kind == FILEKIND_JSON) &&
			       !stat(path, &sb) ? (uint64_t)sb.st_size : 0;
		log_kind(in, fname, kind);
		switch (kind) {
		case FILEKIND_JSON:
			e = ingest_json_file(in, path, idx, fname);
			break;
		case FILEKIND_CSV:
			e = ingest_csv(in, path, idx, fname);
			break;
		default:
			e = ingest_sheet(in, kind, path, idx, fname);
			break;
		}
	}
	if (spooled) {
		unlink(spooled);
		free(spooled);
	}
	return e;
}

/* With --append the current set is the oldest input (seq 0). */
static enum err load_current(struct ingest *in)
{
	struct store_read *rd;
	struct store_cursor *cur;
	const char **names;
	const void *k, *v;
	size_t kl, vl, n, i;
	enum err e;

	e = store_read_begin(in->st, &rd, in->info);
	if (e)
		return e;
	e = store_files(rd, DATASET, &names, &n, in->info);
	for (i = 0; !e && i < n; i++)
		if (add_name(in, names[i]))
			e = err_set(in->info, ERR_NOMEM, "out of memory");
	if (!e)
		e = store_cursor_open(rd, DATASET, &cur, in->info);
	if (e) {
		store_read_end(rd);
		return e;
	}
	while (!(e = store_cursor_next(cur, &k, &kl, &v, &vl, in->info)))
		if ((e = sorter_add(in->sorter, k, kl, 0, v, vl, in->info)))
			break;
	store_cursor_close(cur);
	store_read_end(rd);
	return e == ERR_NOT_FOUND ? ERR_OK : e;
}

struct group {
	char key[SORTER_KEY_MAX + 1];
	size_t keylen;
	struct buf vals;	/* u32 len, bytes, ... in seq order */
	size_t n;
	int has_current;	/* an entry with seq 0 (the current set) */
};

/* The (file, row) of the group's last row; its records run from `from`
 * to `end`. */
static void last_source(const struct group *g, const char *from, const char *end,
			uint32_t *file, uint64_t *row)
{
	struct contact c;
	const char *last = from;
	uint32_t len;

	while (from < end) {
		last = from;
		memcpy(&len, from, 4);
		from += 4 + len;
	}
	contact_init(&c);
	memcpy(&len, last, 4);
	if (!contact_decode(&c, last + 4, len, g->key, g->keylen, NULL)) {
		*file = c.source_file;
		*row = c.source_row;
	}
	contact_free(&c);
}

static const char *file_name(const struct ingest *in, uint32_t idx)
{
	return idx < in->nnames ? in->names[idx] : "";
}

/* duplicates.csv: row c of group g is merged into the group's last row,
 * (file, row). */
static enum err duplicate(struct ingest *in, const struct group *g, const struct contact *c,
			  uint32_t file, uint64_t row)
{
	char num[24];

	csvout_cell(&in->dupw, g->key, g->keylen);
	csvout_cellz(&in->dupw, file_name(in, c->source_file));
	snprintf(num, sizeof(num), "%llu", (unsigned long long)c->source_row);
	csvout_cellz(&in->dupw, num);
	csvout_cellz(&in->dupw, file_name(in, file));
	snprintf(num, sizeof(num), "%llu", (unsigned long long)row);
	csvout_cellz(&in->dupw, num);
	csvout_end_row(&in->dupw);
	return ferror(in->dup.fp) ? err_set(in->info, ERR_IO, "cannot write duplicates file '%s': %s",
					 in->o->duplicates_path, strerror(errno))
			       : ERR_OK;
}

static enum err flush_group(struct ingest *in, struct store_gen *gen,
			    struct group *g)
{
	struct contact base, later;
	const char *p = g->vals.data;
	uint64_t from_rows = g->n - (g->has_current ? 1 : 0), last_row = 0;
	uint32_t last_file = 0;
	enum err e = ERR_OK;
	uint32_t len;
	size_t i;

	if (!g->n)
		return ERR_OK;
	if (from_rows) {
		in->s->staged++;
		in->s->merged += from_rows - 1;
		if (g->has_current)
			in->s->updated++;
	}
	in->s->total++;
	if (g->n == 1) {
		memcpy(&len, p, 4);
		return store_gen_append(gen, g->key, g->keylen, p + 4, len, in->info);
	}
	if (in->dup.fp)
		last_source(g, g->vals.data, g->vals.data + g->vals.len, &last_file, &last_row);
	contact_init(&base);
	contact_init(&later);
	for (i = 0; i < g->n && !e; i++) {
		memcpy(&len, p, 4);
		e = contact_decode(i ? &later : &base, p + 4, len, g->key,
				   g->keylen, in->info);
		/* a row of this import merged into a later one: say which */
		if (!e && in->dup.fp && i + 1 < g->n && (i || !g->has_current))
			e = duplicate(in, g, i ? &later : &base, last_file, last_row);
		if (!e && i)
			e = contact_merge(&base, &later);
		p += 4 + len;
	}
	if (!e) {
		buf_reset(&in->rec);
		e = contact_encode(&base, &in->rec);
	}
	if (!e)
		e = store_gen_append(gen, g->key, g->keylen, in->rec.data,
				     in->rec.len, in->info);
	else if (!in->info->msg[0])
		err_set(in->info, e, "cannot merge '%s'", g->key);
	contact_free(&base);
	contact_free(&later);
	return e;
}

static enum err merge_into(struct ingest *in, struct store_gen *gen)
{
	struct sorter_entry ent;
	struct group g;
	enum err e;
	uint32_t len;

	memset(&g, 0, sizeof(g));
	buf_init(&g.vals, 0);
	e = sorter_finish(in->sorter, in->info);
	while (!e && !(e = sorter_next(in->sorter, &ent, in->info))) {
		if (g.n && (ent.keylen != g.keylen || memcmp(ent.key, g.key, g.keylen))) {
			e = flush_group(in, gen, &g);
			g.n = 0;
			g.has_current = 0;
			buf_reset(&g.vals);
		}
		if (e)
			break;
		memcpy(g.key, ent.key, ent.keylen);
		g.key[ent.keylen] = '\0';
		g.keylen = ent.keylen;
		len = (uint32_t)ent.vallen;
		if (buf_add(&g.vals, &len, 4) || buf_add(&g.vals, ent.val, ent.vallen)) {
			e = err_set(in->info, ERR_NOMEM, "out of memory");
			break;
		}
		g.n++;
		if (ent.seq == 0)
			g.has_current = 1;
	}
	if (e == ERR_NOT_FOUND)
		e = flush_group(in, gen, &g);
	buf_free(&g.vals);
	return e;
}

/* A CSV file beside the import (rejects, duplicates), when asked for. */
static enum err open_side(struct ingest *in, const char *path, struct outfile *f,
			  struct csvout *w, const char *header)
{
	if (!path)
		return ERR_OK;	/* (a NULL path would make it standard output) */
	return csvout_open(f, w, path, header, in->info);
}

static enum err open_rejects(struct ingest *in)
{
	enum err e = open_side(in, in->o->rejects_path, &in->rej, &in->rejw,
			       "file,row,reason,cells\n");

	if (!e)
		e = open_side(in, in->o->duplicates_path, &in->dup, &in->dupw,
			      "phone,file,row,merged_into_file,merged_into_row\n");
	return e;
}

static void cleanup(struct ingest *in)
{
	size_t i;

	outfile_discard(&in->rej);	/* removes them unless they were published */
	outfile_discard(&in->dup);
	sorter_free(in->sorter);
	for (i = 0; i < in->nnames; i++)
		free(in->names[i]);
	free(in->names);
	norm_free(&in->norm);
	buf_free(&in->rec);
}

static enum err publish(struct ingest *in, struct store_gen **genp)
{
	struct ingest_stats *s = in->s;
	enum err e;

	if (s->rows_read != s->staged + s->merged + s->rejected)
		return err_set(in->info, ERR_INTERNAL,
			       "row accounting does not add up: %llu read, %llu staged, %llu merged, %llu rejected",
			       (unsigned long long)s->rows_read, (unsigned long long)s->staged,
			       (unsigned long long)s->merged, (unsigned long long)s->rejected);
	e = store_gen_set_files(*genp, (const char *const *)in->names, in->nnames, in->info);
	/* the rejects file is synced before the store commits, and renamed
	 * into place only after, so a failed import leaves neither */
	if (!e)
		e = outfile_finish(&in->rej, in->info);
	if (!e)
		e = outfile_finish(&in->dup, in->info);
	if (e)
		return e;
	e = store_gen_commit(*genp, in->info);
	*genp = NULL;
	if (!e)
		e = outfile_publish(&in->rej, in->info);
	if (!e)
		e = outfile_publish(&in->dup, in->info);
	return e;
}

enum err ingest_files(struct store *st, const char *const *files,
		      size_t nfiles, const struct ingest_opts *opts,
		      struct ingest_stats *stats, struct errinfo *info)
{
	struct ingest in;
	struct store_gen *gen = NULL;
	size_t i;
	enum err e;

	memset(&in, 0, sizeof(in));
	memset(stats, 0, sizeof(*stats));
	in.st = st;
	in.o = opts;
	in.s = stats;
	in.info = info;
	in.jobs = opts->jobs ? opts->jobs : pipeline_cpus();
	norm_init(&in.norm, opts);
	buf_init(&in.rec, 0);
	e = sorter_new(&in.sorter, opts->sort_mem ? opts->sort_mem : DEFAULT_SORT_MEM,
		       store_dir(st), info);
	if (!e)
		e = open_rejects(&in);
	if (!e && opts->append)
		e = load_current(&in);
	in.cur.n = nfiles;
	for (i = 0; !e && i < nfiles; i++) {
		in.cur.no = i + 1;
		e = ingest_one(&in, files[i]);
		stats->files++;
	}
	if (!e)
		e = store_gen_begin(st, DATASET, &gen, info);
	if (!e)
		e = merge_into(&in, gen);
	stats->sort_runs = sorter_runs(in.sorter);
	if (!e)
		e = publish(&in, &gen);
	if (gen)
		store_gen_abort(gen);
	cleanup(&in);
	return e;
}
