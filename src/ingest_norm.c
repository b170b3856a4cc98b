/* ingest_norm: one row → contact records or a reject reason, the workers'
 * part of an import (see ingest_norm.h). Thread-safe. */
#include "ingest_norm.h"

#include <stdlib.h>
#include <string.h>

#include "country.h"
#include "optval.h"
#include "phone.h"
#include "taglist.h"
#include "text.h"

void ingest_norm_init(struct ingest_norm *n, const struct ingest_opts *o)
{
	memset(n, 0, sizeof(*n));
	n->o = o;
	buf_init(&n->arena, 0);
	buf_init(&n->clean, 0);
	buf_init(&n->rec, 0);
	buf_init(&n->out, 0);
	buf_init(&n->keep, 0);
	contact_init(&n->c);
}

void ingest_norm_free(struct ingest_norm *n)
{
	buf_free(&n->arena);
	buf_free(&n->clean);
	buf_free(&n->rec);
	buf_free(&n->out);
	buf_free(&n->keep);
	contact_free(&n->c);
	free(n->f.custom);
	free(n->f.cand);
}

/* ---- the items of n->out (ingest_norm.h) ---- */

static enum err put_u32(struct buf *b, uint32_t v)
{
	return buf_add(b, &v, sizeof(v));
}

static uint32_t get_u32(const char **p)
{
	uint32_t v;

	memcpy(&v, *p, sizeof(v));
	*p += sizeof(v);
	return v;
}

static enum err put_item(struct buf *b, enum norm_item_type type, int sub, long col,
			 struct str key, struct str data)
{
	unsigned char head[2] = { (unsigned char)type, (unsigned char)sub };
	enum err e = buf_add(b, head, 2);

	if (!e)
		e = put_u32(b, (uint32_t)(int32_t)col);
	if (!e)
		e = put_u32(b, (uint32_t)key.len);
	if (!e)
		e = buf_add(b, key.ptr, key.len);
	if (!e)
		e = put_u32(b, (uint32_t)data.len);
	if (!e)
		e = buf_add(b, data.ptr, data.len);
	return e;
}

int ingest_norm_next(const char **p, const char *end, struct norm_item *it)
{
	const char *q = *p;

	if (q >= end)
		return 0;
	it->type = (enum norm_item_type)(unsigned char)q[0];
	it->sub = (unsigned char)q[1];
	q += 2;
	it->col = (long)(int32_t)get_u32(&q);
	it->key.len = get_u32(&q);
	it->key.ptr = q;
	q += it->key.len;
	it->data.len = get_u32(&q);
	it->data.ptr = q;
	q += it->data.len;
	*p = q;
	return 1;
}

/* ---- the fields of a row ---- */

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

static int has_text(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 1;
	return 0;
}

/* Cleans s into the arena; *sp says where it went. A value that is not
 * valid UTF-8 fails (ERR_ENCODING): the row is rejected (contact.h). */
static enum err put_clean(struct ingest_norm *n, const char *s, size_t len, struct norm_span *sp)
{
	return contact_clean_value(&n->arena, &n->clean, s, len, CONTACT_BAD_TEXT_FAILS,
				   &sp->off, &sp->len);
}

enum err ingest_norm_put(struct ingest_norm *n, const char *s, size_t len, enum field fld)
{
	return put_clean(n, s, len, &n->f.std[fld]);
}

enum err ingest_norm_put_custom(struct ingest_norm *n, const char *k, size_t klen,
				const char *v, size_t vlen)
{
	struct norm_fields *f = &n->f;
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

void ingest_norm_reset(struct ingest_norm *n)
{
	buf_reset(&n->arena);
	memset(n->f.std, 0, sizeof(n->f.std));
	n->f.ncustom = 0;
	n->f.ncand = 0;
	n->f.country_col = -1;
	n->f.optout_col = -1;
	n->f.consent = 0;
}

static struct str resolve(const struct ingest_norm *n, struct norm_span sp)
{
	struct str s = { "", 0 };

	if (sp.len) {
		s.ptr = n->arena.data + sp.off;
		s.len = sp.len;
	}
	return s;
}

/* A number of the row (one piece of a phone cell), cleaned into the arena;
 * an empty one is none. */
static enum err add_cand(struct ingest_norm *n, long col, int role,
			 const char *s, size_t len)
{
	struct norm_fields *f = &n->f;
	struct norm_cand *c;
	enum err e;

	if (f->ncand == f->cand_cap) {
		size_t ncap = f->cand_cap ? f->cand_cap * 2 : 8;
		void *p = realloc(f->cand, ncap * sizeof(*f->cand));

		if (!p)
			return ERR_NOMEM;
		f->cand = p;
		f->cand_cap = ncap;
	}
	c = &f->cand[f->ncand];
	c->col = col;
	c->role = role;
	e = put_clean(n, s, len, &c->val);
	if (e)
		return e;
	if (c->val.len)
		f->ncand++;
	return ERR_OK;
}

/* A value already cleaned into the arena (a JSON line's phone) as the
 * row's one candidate. */
static enum err add_cand_span(struct ingest_norm *n, struct norm_span val)
{
	struct norm_fields *f = &n->f;

	if (!f->cand_cap) {
		f->cand = malloc(8 * sizeof(*f->cand));
		if (!f->cand)
			return ERR_NOMEM;
		f->cand_cap = 8;
	}
	f->cand[0].col = -1;
	f->cand[0].role = ROLE_GENERIC;
	f->cand[0].val = val;
	f->ncand = 1;
	return ERR_OK;
}

/* Where the next separator of a list of numbers in a cell starts (Google's
 * " ::: ", ';', a line break), and *seplen its length; end when none. */
static const char *next_sep(const char *p, const char *end, size_t *seplen)
{
	for (; p < end; p++) {
		if (*p == ';' || *p == '\n' || *p == '\r') {
			*seplen = 1;
			return p;
		}
		if (*p == ':' && end - p >= 3 && p[1] == ':' && p[2] == ':') {
			*seplen = 3;
			return p;
		}
	}
	*seplen = 0;
	return end;
}

/* A phone column's cell: each number in it is a candidate. */
static enum err phone_cell(struct ingest_norm *n, long col, int role, const char *s, size_t len)
{
	const char *p = s, *end = s + len;
	enum err e = ERR_OK;

	while (p <= end && !e) {
		size_t seplen;
		const char *q = next_sep(p, end, &seplen);

		if (has_text(p, (size_t)(q - p)))
			e = add_cand(n, col, role, p, (size_t)(q - p));
		if (q == end)
			break;
		p = q + seplen;
	}
	return e;
}

/* The role of phone column i in this row (a typed pair's from its type cell). */
static int row_role(const struct colmap *m, const struct row *row, size_t i)
{
	long t = m->type_col[i];

	if (m->role[i] != ROLE_BY_TYPE)
		return (int)m->role[i];
	if (t < 0 || (size_t)t >= row->ncells)
		return ROLE_GENERIC;
	return (int)colmap_role_of_type(row->cells[t], row->lens[t]);
}

/* A table row's mapped cells → fields and phone candidates (in the order
 * of m->phones: a --map phone column first, then by role, word and column). */
static enum err fields_from_row(struct ingest_norm *n, const struct colmap *m,
				const struct row *row)
{
	size_t i, k, nc = row->ncells < m->ncols ? row->ncells : m->ncols;
	enum err e = ERR_OK;

	ingest_norm_reset(n);
	n->f.country_col = m->col[FIELD_COUNTRY];
	n->f.optout_col = m->col[FIELD_OPTED_OUT];
	n->f.consent = m->optout_consent;
	for (i = 0; i < nc && !e; i++) {
		if (!row->lens[i])
			continue;
		switch (m->field[i]) {
		case FIELD_CUSTOM:
			e = ingest_norm_put_custom(n, m->key[i], strlen(m->key[i]),
						   row->cells[i], row->lens[i]);
			break;
		case FIELD_PHONE:	/* below, strongest column first */
		case FIELD_PHONE_TYPE:
		case FIELD_IGNORED:
			break;
		default:
			e = put_clean(n, row->cells[i], row->lens[i], &n->f.std[m->field[i]]);
		}
	}
	for (k = 0; k < m->nphones && !e; k++) {
		i = (size_t)m->phones[k];
		if (i < nc && row->lens[i])
			e = phone_cell(n, (long)i, row_role(m, row, i), row->cells[i],
				       row->lens[i]);
	}
	return e;
}

/*
 * The contact's strings made for it (a tag unquoted, a column's other
 * numbers joined) are kept in one buffer until it is encoded: the contact
 * only points at them, so the buffer is given room for all of them first
 * (keep_room) and never moves while they are added.
 */
struct keep {
	struct contact *c;
	struct buf *text;
};

/* What the strings made for this row's contact can take at most: the
 * tags (unquoting only shortens them) and every number with "; ". */
static enum err keep_room(const struct ingest_norm *n, struct buf *text)
{
	size_t need = n->f.std[FIELD_TAGS].len + 1, i;

	for (i = 0; i < n->f.ncand; i++)
		need += n->f.cand[i].val.len + 2;
	buf_reset(text);
	return buf_reserve(text, need);
}

/* A copy of s in the kept text (room made by keep_room). */
static const char *keep_copy(struct buf *text, const char *s, size_t len)
{
	size_t at = text->len;

	if (text->cap - text->len <= len || buf_add(text, s, len))
		return NULL;	/* never moved: what points into it stays valid */
	return text->data + at;
}

static enum err add_tag(void *ctx, const char *s, size_t len)
{
	struct keep *k = ctx;
	const char *t = keep_copy(k->text, s, len);	/* s may not outlive the call */

	return t ? contact_add_tag(k->c, t, len) : ERR_NOMEM;
}

/* ---- the contact's number ---- */

/* How good a candidate is for SMS: lower is better; -1 when it is not one. */
static int cand_class(const struct norm_cand *c, const struct phone_result *pr)
{
	if (pr->reason != PHONE_OK || c->role == ROLE_FAX)
		return -1;
	if (c->role == ROLE_MOBILE)
		return 0;
	if (pr->type == PHONE_TYPE_MOBILE)
		return 1;
	if (pr->type == PHONE_TYPE_FIXED_LINE_OR_MOBILE)
		return 2;
	return 3;
}

/* Numbers of one row that are read (a row holds a handful). */
#define MAX_CANDS 16

/* The row's candidates read: a verdict and a class each. */
struct verdicts {
	struct phone_result *pr;
	int *cls;
	size_t n;
};

/*
 * The region the numbers of the row are read with: its country cell when
 * there is one, else the default. *unreadable when the cell holds
 * something that is no country: the numbers are then read without a
 * region, so that only international ones are valid.
 */
static const char *row_region(const struct ingest_norm *n, char region[3], int *unreadable)
{
	struct str country = resolve(n, n->f.std[FIELD_COUNTRY]);

	*unreadable = 0;
	if (!country.len)
		return n->o->region;
	/* a region libphonenumber cannot read numbers with is no help */
	if (country_lookup(country.ptr, country.len, region) && phone_is_region_supported(region))
		return region;
	*unreadable = 1;
	return NULL;
}

static enum err emit_reject(struct ingest_norm *n, enum reject why, long col, struct str val)
{
	static const struct str none = { "", 0 };

	buf_reset(&n->out);
	return put_item(&n->out, NORM_REJECT, (int)why, col, none, val);
}

/*
 * Numbers of the row that are not its contact's stay custom fields under
 * their columns' keys (several of one cell joined by "; "): nothing a file
 * holds is dropped. chosen: the candidate that is the contact's number.
 * The joined values go to the kept text (keep_room made room for them).
 */
static enum err keep_others(struct ingest_norm *n, const struct colmap *m, size_t chosen,
			    struct buf *text)
{
	struct norm_fields *f = &n->f;
	size_t i, j;
	enum err e = ERR_OK;

	for (i = 0; i < f->ncand && !e; i = j) {
		long col = f->cand[i].col;
		const char *start = text->data + text->len;
		size_t at = text->len;

		for (j = i; j < f->ncand && f->cand[j].col == col; j++) {
			struct str v = resolve(n, f->cand[j].val);

			if (j == chosen)
				continue;
			if (text->len > at && !keep_copy(text, "; ", 2))
				e = ERR_NOMEM;
			if (!e && !keep_copy(text, v.ptr, v.len))
				e = ERR_NOMEM;
		}
		if (!e && text->len > at && col >= 0 && m && m->key[col])
			e = contact_add_custom(&n->c, m->key[col], strlen(m->key[col]), start,
					       text->len - at);
	}
	return e;
}

/* The record of the row with candidate `chosen` as its number → n->out. */
static enum err emit_record(struct ingest_norm *n, const struct colmap *m, const struct row *row,
			    uint32_t file_idx, size_t chosen, const struct phone_result *pr,
			    enum tri opted_out)
{
	struct contact *c = &n->c;
	struct keep keep = { c, &n->keep };
	struct str key, v;
	size_t i;
	enum err e;

	e = keep_room(n, &n->keep);
	if (e)
		return e;
	contact_reset(c);
	memcpy(c->phone, pr->e164, sizeof(c->phone));
	c->raw_phone = resolve(n, n->f.cand[chosen].val);
	c->opted_out = opted_out;
	c->name = resolve(n, n->f.std[FIELD_NAME]);
	c->first_name = resolve(n, n->f.std[FIELD_FIRST_NAME]);
	c->last_name = resolve(n, n->f.std[FIELD_LAST_NAME]);
	c->company = resolve(n, n->f.std[FIELD_COMPANY]);
	c->source_file = file_idx;
	c->source_row = row->rowno;
	v = resolve(n, n->f.std[FIELD_TAGS]);
	e = taglist_split(v.ptr, v.len, add_tag, &keep);
	for (i = 0; !e && i < n->f.ncustom; i++) {
		struct str k = resolve(n, n->f.custom[i].key);

		v = resolve(n, n->f.custom[i].val);
		e = contact_add_custom(c, k.ptr, k.len, v.ptr, v.len);
	}
	if (!e)
		e = keep_others(n, m, chosen, &n->keep);
	if (!e && pr->extension[0])
		e = contact_add_custom(c, "phone_extension", 15, pr->extension,
				       strlen(pr->extension));
	if (e)
		return e;
	contact_sort(c);
	buf_reset(&n->rec);
	e = contact_encode(c, &n->rec);
	if (e)
		return e;
	key.ptr = c->phone;
	key.len = strlen(c->phone);
	v.ptr = n->rec.data;
	v.len = n->rec.len;
	return put_item(&n->out, NORM_RECORD, 0, -1, key, v);
}

/* A number read as international, an unreadable country ignored: told. */
static enum err emit_notes(struct ingest_norm *n, size_t chosen, const struct phone_result *pr,
			   int country_ignored)
{
	struct str e164 = { pr->e164, strlen(pr->e164) };
	enum err e = ERR_OK;

	if (pr->read_international)
		e = put_item(&n->out, NORM_NOTE, NOTE_INTERNATIONAL, n->f.cand[chosen].col, e164,
			     resolve(n, n->f.cand[chosen].val));
	if (!e && country_ignored)
		e = put_item(&n->out, NORM_NOTE, NOTE_COUNTRY_IGNORED, n->f.country_col, e164,
			     resolve(n, n->f.std[FIELD_COUNTRY]));
	return e;
}

/* 1 when candidate i's number is one an earlier valid candidate has. */
static int seen_before(const struct verdicts *vd, size_t i)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (vd->cls[j] >= 0 && !strcmp(vd->pr[j].e164, vd->pr[i].e164))
			return 1;
	return 0;
}

/*
 * Reads the row's numbers (the first MAX_CANDS of them; more are kept, not
 * read) into vd; the index of the best for SMS, -1 when none is valid. A
 * failure of the phone library stops the import.
 */
static enum err read_numbers(struct ingest_norm *n, const char *reg, struct verdicts *vd,
			     int *best)
{
	struct norm_fields *f = &n->f;
	unsigned flags = n->o->strict_phone ? 0 : PHONE_READ_INTL;
	size_t i;
	enum err e;

	if (f->ncand > 1)
		flags |= PHONE_WANT_TYPE;	/* to rank them; one needs no rank */
	vd->n = f->ncand < MAX_CANDS ? f->ncand : MAX_CANDS;
	*best = -1;
	for (i = 0; i < vd->n; i++) {
		struct str p = resolve(n, f->cand[i].val);

		e = phone_parse(p.ptr, p.len, reg, flags, &vd->pr[i]);
		if (e)
			return e;
		vd->cls[i] = cand_class(&f->cand[i], &vd->pr[i]);
		if (vd->cls[i] >= 0 && (*best < 0 || vd->cls[i] < vd->cls[*best]))
			*best = (int)i;
	}
	return ERR_OK;
}

/* No valid number: the leftmost that could have been one says why (with
 * its column and value); an unreadable country when it needed one. */
static enum err reject_numbers(struct ingest_norm *n, const struct verdicts *vd, int unreadable)
{
	const struct norm_fields *f = &n->f;
	size_t i, j;

	for (i = 0; i + 1 < vd->n && f->cand[i].role == ROLE_FAX; i++)
		;
	for (j = i + 1; j < vd->n; j++)
		if (f->cand[j].role != ROLE_FAX && f->cand[j].col < f->cand[i].col)
			i = j;
	if (unreadable && vd->pr[i].reason == PHONE_NO_REGION)
		return emit_reject(n, REJ_UNKNOWN_COUNTRY, f->country_col,
				   resolve(n, f->std[FIELD_COUNTRY]));
	if (f->cand[i].role == ROLE_FAX)	/* a fax is no number to text */
		return emit_reject(n, REJ_EMPTY, f->cand[i].col, resolve(n, f->cand[i].val));
	return emit_reject(n, reject_for_phone(vd->pr[i].reason), f->cand[i].col,
			   resolve(n, f->cand[i].val));
}

/* The row's records: the best number's, or with --phones all one per
 * distinct valid number; and their notes. */
static enum err emit_contacts(struct ingest_norm *n, const struct colmap *m, const struct row *row,
			      uint32_t file_idx, const struct verdicts *vd, int best,
			      enum tri opted_out, int unreadable)
{
	size_t i;
	enum err e = ERR_OK;

	for (i = 0; i < vd->n && !e; i++) {
		if (n->o->phones == INGEST_PHONES_ALL ? vd->cls[i] < 0 || seen_before(vd, i)
						      : (int)i != best)
			continue;
		e = emit_record(n, m, row, file_idx, i, &vd->pr[i], opted_out);
		if (!e)
			e = emit_notes(n, i, &vd->pr[i], unreadable);
	}
	return e;
}

/*
 * Fields → the row's items in n->out: the records (with --phones best one,
 * its number the best SMS candidate: a mobile column's first, then a
 * mobile number, then fixed-line-or-mobile, then any valid one; ties by
 * the map's order of the columns, then within a cell), or the reason to
 * reject the row with the column and value it is about.
 */
static enum err build(struct ingest_norm *n, const struct colmap *m, const struct row *row,
		      uint32_t file_idx, const char *fname, struct errinfo *info)
{
	static const struct str none = { "", 0 };
	struct norm_fields *f = &n->f;
	struct phone_result prs[MAX_CANDS];
	int cls[MAX_CANDS];
	struct verdicts vd = { prs, cls, 0 };
	char region[3] = "";
	const char *reg;
	int unreadable, best;
	enum tri opted_out;
	struct str v;
	enum err e;

	buf_reset(&n->out);
	if (!f->ncand && f->std[FIELD_PHONE].len)
		e = add_cand_span(n, f->std[FIELD_PHONE]);	/* a JSON line's phone */
	else
		e = ERR_OK;
	if (!e && !f->ncand)
		e = emit_reject(n, REJ_EMPTY, m ? m->col[FIELD_PHONE] : -1, none);
	if (e || !f->ncand)
		return e ? err_set(info, e, "out of memory") : ERR_OK;
	reg = row_region(n, region, &unreadable);
	e = read_numbers(n, reg, &vd, &best);
	if (e)
		return err_set(info, e, "'%s' row %lu: phone library failed", fname, row->rowno);
	v = resolve(n, f->std[FIELD_OPTED_OUT]);
	if (best < 0)
		e = reject_numbers(n, &vd, unreadable);
	else if (optval_parse(v.ptr, v.len, f->consent, &opted_out))
		e = emit_reject(n, REJ_BAD_OPT_OUT, f->optout_col, v);
	else
		e = emit_contacts(n, m, row, file_idx, &vd, best, opted_out, unreadable);
	if (e)
		return err_set(info, e, "'%s' row %lu: %s", fname, row->rowno,
			       e == ERR_NOMEM ? "out of memory" : "record too large");
	return ERR_OK;
}

enum err ingest_norm_row(struct ingest_norm *n, const struct colmap *m, const struct row *row,
			 uint32_t file_idx, const char *fname, struct errinfo *info)
{
	static const struct str none = { "", 0 };
	size_t i;
	enum err e;

	if (row->bad_cell) {
		e = emit_reject(n, REJ_BAD_ENCODING, (long)row->bad_cell - 1, none);
		return e ? err_set(info, e, "out of memory") : ERR_OK;
	}
	for (i = m->ncols; i < row->ncells; i++)
		if (has_text(row->cells[i], row->lens[i])) {
			struct str v = { row->cells[i], row->lens[i] };

			/* the value is not valid text when the rest of the row is not */
			if (!text_utf8_valid(v.ptr, v.len))
				v = none;
			e = emit_reject(n, REJ_TOO_MANY_CELLS, (long)i, v);
			return e ? err_set(info, e, "out of memory") : ERR_OK;
		}
	e = fields_from_row(n, m, row);
	if (e == ERR_ENCODING) {
		e = emit_reject(n, REJ_BAD_ENCODING, -1, none);
		return e ? err_set(info, e, "out of memory") : ERR_OK;
	}
	if (e)
		return err_set(info, e, "'%s' row %lu: %s", fname, row->rowno, err_str(e));
	return build(n, m, row, file_idx, fname, info);
}

enum err ingest_norm_record(struct ingest_norm *n, const struct row *row, uint32_t file_idx,
			    const char *fname, struct errinfo *info)
{
	static const struct str none = { "", 0 };
	enum err e;

	ingest_norm_reset(n);
	e = ingest_json_fields(n, row->cells[0], row->lens[0]);
	if (e == ERR_FORMAT || e == ERR_ENCODING) {
		e = emit_reject(n, REJ_BAD_JSON, -1, none);
		return e ? err_set(info, e, "out of memory") : ERR_OK;
	}
	if (e)
		return err_set(info, e, "out of memory");
	return build(n, NULL, row, file_idx, fname, info);
}
