/* ingest_norm: one row → a contact record or a reject reason, the
 * workers' part of an import (see ingest_norm.h). Thread-safe. */
#include "ingest_norm.h"

#include <stdlib.h>
#include <string.h>

#include "phone.h"
#include "text.h"

void ingest_norm_init(struct ingest_norm *n, const struct ingest_opts *o)
{
	memset(n, 0, sizeof(*n));
	n->o = o;
	buf_init(&n->arena, 0);
	buf_init(&n->clean, 0);
	buf_init(&n->rec, 0);
	contact_init(&n->c);
}

void ingest_norm_free(struct ingest_norm *n)
{
	buf_free(&n->arena);
	buf_free(&n->clean);
	buf_free(&n->rec);
	contact_free(&n->c);
	free(n->f.custom);
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

/* A table row's mapped cells → fields. */
static enum err fields_from_row(struct ingest_norm *n, const struct colmap *m,
				const struct row *row)
{
	size_t i, nc = row->ncells < m->ncols ? row->ncells : m->ncols;
	enum err e = ERR_OK;

	ingest_norm_reset(n);
	for (i = 0; i < nc && !e; i++) {
		enum field f = m->field[i];

		if (!row->lens[i] || f == FIELD_PHONE_TYPE || f == FIELD_IGNORED)
			continue;
		/* only the first phone column gives the number (for now); the
		 * others' numbers are kept under their key */
		if (f == FIELD_PHONE && (long)i != m->col[FIELD_PHONE])
			f = m->key[i] ? FIELD_CUSTOM : FIELD_IGNORED;
		if (f == FIELD_CUSTOM)
			e = ingest_norm_put_custom(n, m->key[i], strlen(m->key[i]),
						   row->cells[i], row->lens[i]);
		else if (f < FIELD__STD)
			e = put_clean(n, row->cells[i], row->lens[i], &n->f.std[f]);
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
static int record_region(const struct ingest_norm *n, char region[3], const char **reg)
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
static enum err build_contact(struct ingest_norm *n, const struct row *row, uint32_t file_idx,
			      const char *fname, int consent, enum reject *why, struct errinfo *info)
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
	if (consent && c->opted_out != TRI_UNKNOWN)	/* "Accepts SMS Marketing: yes" */
		c->opted_out = c->opted_out == TRI_TRUE ? TRI_FALSE : TRI_TRUE;
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

enum err ingest_norm_row(struct ingest_norm *n, const struct colmap *m, const struct row *row,
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
	return build_contact(n, row, file_idx, fname, m->optout_consent, why, info);
}

enum err ingest_norm_record(struct ingest_norm *n, const struct row *row, uint32_t file_idx,
			    const char *fname, enum reject *why, struct errinfo *info)
{
	enum err e;

	*why = REJ_BAD_JSON;
	e = ingest_json_fields(n, row->cells[0], row->lens[0]);
	if (e == ERR_FORMAT || e == ERR_ENCODING)
		return ERR_OK;
	if (e)
		return err_set(info, e, "out of memory");
	return build_contact(n, row, file_idx, fname, 0, why, info);
}
