/*
 * ingest_merge: the end of an import (see ingest_int.h): the side files
 * (rejects, duplicates) and their rows, the current set as the oldest
 * input with --append, the merge of the sorted records into a new
 * generation of the desired set, and publishing it all at once.
 */
#include "ingest_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "contact.h"
#include "results.h"


enum err ingest_add_name(struct ingest *in, const char *name)
{
	char **n = realloc(in->names, (in->nnames + 1) * sizeof(*n));
	char **c;

	if (!n)
		return ERR_NOMEM;
	in->names = n;
	c = realloc(in->cols, (in->nnames + 1) * sizeof(*c));
	if (!c)
		return ERR_NOMEM;
	in->cols = c;
	n[in->nnames] = strdup(name);
	c[in->nnames] = strdup("");
	if (!n[in->nnames] || !c[in->nnames]) {
		free(n[in->nnames]);
		free(c[in->nnames]);
		return ERR_NOMEM;
	}
	in->nnames++;
	return ERR_OK;
}

/* Appends "\nfield\n" to *entry unless it is there. */
static enum err add_column(char **entry, const char *field)
{
	size_t have = strlen(*entry), len = strlen(field);
	char *n;

	if (have) {
		char *at = *entry;

		while ((at = strstr(at, field)))
			if (at[-1] == '\n' && at[len] == '\n')
				return ERR_OK;
			else
				at++;
	}
	n = realloc(*entry, have + len + (have ? 2 : 3));
	if (!n)
		return ERR_NOMEM;
	sprintf(n + have, "%s%s\n", have ? "" : "\n", field);
	*entry = n;
	return ERR_OK;
}

/*
 * The plan clears a remote field only where the list has a column for it
 * (--blank clear, plan.h): a list without a company column says nothing
 * about companies. A name column of any kind speaks for the whole name,
 * since each provider splits or joins it its own way.
 */
enum err ingest_note_columns(struct ingest *in, uint32_t idx, const struct colmap *map)
{
	static const char *const std[FIELD__STD] = {
		[FIELD_NAME] = "name", [FIELD_FIRST_NAME] = "first_name",
		[FIELD_LAST_NAME] = "last_name", [FIELD_COMPANY] = "company", [FIELD_TAGS] = "tags",
	};
	char custom[80];
	size_t i;
	enum err e = ERR_OK;

	if (idx >= in->nnames)
		return ERR_OK;
	for (i = 0; !e && i < map->ncols; i++) {
		enum field f = map->field[i];

		if (f == FIELD_NAME || f == FIELD_FIRST_NAME || f == FIELD_LAST_NAME) {
			e = add_column(&in->cols[idx], "name");
			if (!e)
				e = add_column(&in->cols[idx], "first_name");
			if (!e)
				e = add_column(&in->cols[idx], "last_name");
		} else if (f < FIELD__STD && std[f]) {
			e = add_column(&in->cols[idx], std[f]);
		} else if (f == FIELD_CUSTOM && map->key[i] && map->key[i][0]) {
			/* cut as plan_change's field is */
			snprintf(custom, sizeof(custom), "custom:%s", map->key[i]);
			e = add_column(&in->cols[idx], custom);
		}
	}
	return e ? err_set(in->info, e, "out of memory") : ERR_OK;
}

/* ---- the side files ---------------------------------------------------- */

/* dir/name, new string; NULL when out of memory. */
static char *in_dir(const char *dir, const char *name)
{
	char *p;

	return asprintf(&p, "%s/%s", dir, name) < 0 ? NULL : p;
}

/* Where a side file goes: the path asked for, else the results folder;
 * *path NULL when neither says. */
static enum err side_path(const struct ingest *in, const char *asked, const char *name,
			  char **path)
{
	*path = NULL;
	if (asked)
		*path = strdup(asked);
	else if (in->o->results_dir)
		*path = in_dir(in->o->results_dir, name);
	else
		return ERR_OK;
	return *path ? ERR_OK : err_set(in->info, ERR_NOMEM, "out of memory");
}

/*
 * The duplicates and mapping files are opened at the start (an empty one
 * still says there was nothing); the rejects and warnings at their first
 * row (ingest_reject, ingest_note).
 */
enum err ingest_open_side_files(struct ingest *in)
{
	char *map = NULL;
	enum err e = side_path(in, in->o->duplicates_path,
			       results_files[RESULTS_DUPLICATES].name, &in->dup_path);

	if (!e && in->dup_path)
		e = results_open_csv(&in->dup, &in->dupw, in->dup_path, RESULTS_DUPLICATES,
				     in->info);
	if (!e && in->o->results_dir)
		e = side_path(in, NULL, results_files[RESULTS_MAPPING].name, &map);
	if (!e && map)
		e = results_open_csv(&in->mapf, &in->mapw, map, RESULTS_MAPPING, in->info);
	free(map);
	return e;
}

static void header_free(struct header_copy *h)
{
	buf_free(&h->bytes);
	free(h->offs);
	free(h->lens);
	memset(h, 0, sizeof(*h));
}

static const char *header_cell(const struct header_copy *h, size_t i)
{
	return h->bytes.data + h->offs[i];
}

/* h := n cells (NULL row: JSON lines' one column "line"). */
static enum err header_set(struct header_copy *h, const struct row *row)
{
	static const char *line = "line";
	size_t n = row ? row->ncells : 1, i;
	enum err e = ERR_OK;

	buf_reset(&h->bytes);
	free(h->offs);
	free(h->lens);
	h->n = 0;
	h->offs = calloc(n + 1, sizeof(*h->offs));
	h->lens = calloc(n + 1, sizeof(*h->lens));
	if (!h->offs || !h->lens)
		return ERR_NOMEM;
	for (i = 0; i < n && !e; i++) {
		const char *c = row ? row->cells[i] : line;
		size_t len = row ? row->lens[i] : strlen(line);

		h->offs[i] = h->bytes.len;
		h->lens[i] = len;
		e = buf_add(&h->bytes, c, len);
		if (!e)
			e = buf_addc(&h->bytes, '\0');
	}
	h->n = n;
	return e;
}

/* dst := a copy of src. */
static enum err header_copy(struct header_copy *dst, const struct header_copy *src)
{
	struct row r;
	char **cells = calloc(src->n + 1, sizeof(*cells));
	size_t i;
	enum err e;

	if (!cells)
		return ERR_NOMEM;
	for (i = 0; i < src->n; i++)
		cells[i] = (char *)header_cell(src, i);
	memset(&r, 0, sizeof(r));
	r.ncells = src->n;
	r.cells = cells;
	r.lens = src->lens;
	e = header_set(dst, &r);
	free(cells);
	return e;
}

static int header_equal(const struct header_copy *a, const struct header_copy *b)
{
	size_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (a->lens[i] != b->lens[i] ||
		    memcmp(header_cell(a, i), header_cell(b, i), a->lens[i]))
			return 0;
	return 1;
}

int ingest_is_header(const struct ingest *in, const struct row *row)
{
	const struct header_copy *h = &in->cur.header;
	size_t i;

	if (h->n != row->ncells)
		return 0;
	for (i = 0; i < h->n; i++)
		if (h->lens[i] != row->lens[i] || memcmp(header_cell(h, i), row->cells[i], h->lens[i]))
			return 0;
	return 1;
}

enum err ingest_set_header(struct ingest *in, const struct row *h)
{
	in->cur.rej = -1;
	if (header_set(&in->cur.header, h))
		return err_set(in->info, ERR_NOMEM, "out of memory");
	return ERR_OK;
}

static const char *const reject_extra[] = { "_reason", "_column", "_value", "_source", "_row" };
#define NEXTRA (sizeof(reject_extra) / sizeof(reject_extra[0]))

/* The n-th (0-based) rejects file's path: the first as asked, then
 * NAME-2.csv, NAME-3.csv … */
static char *rejects_path(const char *first, size_t n)
{
	const char *slash = strrchr(first, '/');
	const char *dot = strrchr(slash ? slash + 1 : first, '.');
	char *p;

	if (!n)
		return strdup(first);
	if (!dot)
		return asprintf(&p, "%s-%zu", first, n + 1) < 0 ? NULL : p;
	return asprintf(&p, "%.*s-%zu%s", (int)(dot - first), first, n + 1, dot) < 0 ? NULL : p;
}

/* A new rejects file for the current header, with it as its first line. */
static enum err open_rejects(struct ingest *in, const char *first)
{
	struct rejfile *r, *rs = realloc(in->rejs, (in->nrejs + 1) * sizeof(*rs));
	size_t i;
	enum err e;

	if (!rs)
		return err_set(in->info, ERR_NOMEM, "out of memory");
	in->rejs = rs;
	r = &rs[in->nrejs];
	memset(r, 0, sizeof(*r));
	buf_init(&r->h.bytes, 0);
	r->path = rejects_path(first, in->nrejs);
	if (!r->path || header_copy(&r->h, &in->cur.header)) {
		free(r->path);
		header_free(&r->h);
		return err_set(in->info, ERR_NOMEM, "out of memory");
	}
	e = csvout_open(&r->of, &r->w, r->path, "", in->info);
	if (e) {
		free(r->path);
		header_free(&r->h);
		return e;
	}
	in->nrejs++;
	for (i = 0; i < r->h.n; i++)
		csvout_cell(&r->w, header_cell(&r->h, i), r->h.lens[i]);
	for (i = 0; i < NEXTRA; i++)
		csvout_cellz(&r->w, reject_extra[i]);
	csvout_end_row(&r->w);
	return ERR_OK;
}

/* The rejects file of the current header: one already open with the same
 * header, or a new one; *out NULL when rejects are not written. */
static enum err rejects_for_header(struct ingest *in, struct rejfile **out)
{
	char *first = NULL;
	size_t i;
	enum err e;

	*out = NULL;
	if (in->cur.rej >= 0) {
		*out = &in->rejs[in->cur.rej];
		return ERR_OK;
	}
	for (i = 0; i < in->nrejs; i++)
		if (header_equal(&in->rejs[i].h, &in->cur.header)) {
			in->cur.rej = (long)i;
			*out = &in->rejs[i];
			return ERR_OK;
		}
	e = side_path(in, in->o->rejects_path, results_files[RESULTS_REJECTS].name, &first);
	if (e || !first)
		return e;
	e = open_rejects(in, first);
	free(first);
	if (e)
		return e;
	in->cur.rej = (long)in->nrejs - 1;
	*out = &in->rejs[in->cur.rej];
	return ERR_OK;
}

/* The name of column col of the current header ("column N" past it, ""
 * for none). */
static struct str column_name(const struct ingest *in, long col, char *buf, size_t cap)
{
	const struct header_copy *h = &in->cur.header;
	struct str s = { "", 0 };

	if (col < 0)
		return s;
	if ((size_t)col < h->n && h->lens[col]) {
		s.ptr = header_cell(h, (size_t)col);
		s.len = h->lens[col];
		return s;
	}
	snprintf(buf, cap, "column %ld", col + 1);
	s.ptr = buf;
	s.len = strlen(buf);
	return s;
}

enum err ingest_reject(struct ingest *in, const char *fname, const struct row *row,
		       const struct norm_item *it)
{
	struct rejfile *r;
	char rowno[24], colbuf[32];
	struct str cname;
	size_t i;
	enum err e;

	in->s->rejected++;
	in->s->reasons[it->sub]++;
	e = rejects_for_header(in, &r);
	if (e || !r)
		return e;
	/* the row as it was, as many cells as its header has, then why */
	for (i = 0; i < r->h.n; i++) {
		if (i < row->ncells)
			csvout_cell(&r->w, row->cells[i], row->lens[i]);
		else
			csvout_cell(&r->w, "", 0);
	}
	cname = column_name(in, it->col, colbuf, sizeof(colbuf));
	snprintf(rowno, sizeof(rowno), "%lu", row->rowno);
	csvout_cellz(&r->w, ingest_reject_code((enum reject)it->sub));
	csvout_cell(&r->w, cname.ptr, cname.len);
	csvout_cell(&r->w, it->data.ptr, it->data.len);
	csvout_cellz(&r->w, fname);
	csvout_cellz(&r->w, rowno);
	csvout_end_row(&r->w);
	return ferror(r->of.fp) ? err_set(in->info, ERR_IO, "cannot write rejects file '%s': %s",
					 r->path, strerror(errno))
				: ERR_OK;
}

static const char *const note_words[] = {
	[NOTE_INTERNATIONAL] = "read as international: the digits start with the region's "
			       "country code (--strict-phone reads them as national)",
	[NOTE_COUNTRY_IGNORED] = "country not understood, ignored: the number is international",
};

enum err ingest_note(struct ingest *in, const char *fname, const struct row *row,
		     const struct norm_item *it)
{
	char rowno[24], colbuf[32];
	struct str cname;
	enum err e = ERR_OK;

	if (it->sub == NOTE_INTERNATIONAL)
		in->s->international++;
	else
		in->s->country_ignored++;
	if (!in->o->results_dir)
		return ERR_OK;
	if (!in->warnf.fp) {
		char *path = in_dir(in->o->results_dir, results_files[RESULTS_WARNINGS].name);

		e = path ? results_open_csv(&in->warnf, &in->warnw, path, RESULTS_WARNINGS,
					    in->info)
			 : err_set(in->info, ERR_NOMEM, "out of memory");
		free(path);
		if (e)
			return e;
	}
	cname = column_name(in, it->col, colbuf, sizeof(colbuf));
	snprintf(rowno, sizeof(rowno), "%lu", row->rowno);
	csvout_cellz(&in->warnw, fname);
	csvout_cellz(&in->warnw, rowno);
	csvout_cell(&in->warnw, cname.ptr, cname.len);
	csvout_cell(&in->warnw, it->data.ptr, it->data.len);
	csvout_cell(&in->warnw, it->key.ptr, it->key.len);
	csvout_cellz(&in->warnw, note_words[it->sub]);
	csvout_end_row(&in->warnw);
	return ferror(in->warnf.fp) ? err_set(in->info, ERR_IO, "cannot write warnings file: %s",
					     strerror(errno))
				    : ERR_OK;
}

enum err ingest_write_mapping(struct ingest *in, const char *fname, const struct row *h,
			      const struct colmap *m)
{
	struct buf use;
	char num[24];
	size_t i;
	enum err e = ERR_OK;

	if (!in->mapf.fp)
		return ERR_OK;
	buf_init(&use, 0);
	for (i = 0; i < m->ncols && !e; i++) {
		buf_reset(&use);	/* colmap_describe appends */
		e = colmap_describe(m, i, &use);
		snprintf(num, sizeof(num), "%zu", i + 1);
		csvout_cellz(&in->mapw, fname);
		csvout_cellz(&in->mapw, num);
		csvout_cell(&in->mapw, i < h->ncells ? h->cells[i] : "",
			    i < h->ncells ? h->lens[i] : 0);
		csvout_cell(&in->mapw, buf_str(&use), use.len);
		csvout_end_row(&in->mapw);
	}
	buf_free(&use);
	if (e)
		return err_set(in->info, e, "out of memory");
	return ferror(in->mapf.fp) ? err_set(in->info, ERR_IO, "cannot write the mapping file: %s",
					    strerror(errno))
				   : ERR_OK;
}

enum err ingest_count_previous(struct ingest *in)
{
	struct store_read *rd;
	enum err e = store_read_begin(in->st, &rd, in->info);

	if (e)
		return e;
	e = store_count(rd, STORE_DESIRED, &in->s->previous, in->info);
	store_read_end(rd);
	return e;
}

/* The current set's column table, for its files from index first on
 * (--append keeps what each file said). */
static enum err load_columns(struct ingest *in, struct store_read *rd, size_t first)
{
	const char **cols;
	size_t n, i;
	enum err e = store_columns(rd, STORE_DESIRED, &cols, &n, in->info);

	for (i = 0; !e && i < n && first + i < in->nnames; i++) {
		char *c = strdup(cols[i]);

		if (!c)
			return err_set(in->info, ERR_NOMEM, "out of memory");
		free(in->cols[first + i]);
		in->cols[first + i] = c;
	}
	return e;
}

/* With --append the current set is the oldest input (seq 0). */
enum err ingest_load_current(struct ingest *in)
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
	e = store_files(rd, STORE_DESIRED, &names, &n, in->info);
	for (i = 0; !e && i < n; i++)
		if (ingest_add_name(in, names[i]))
			e = err_set(in->info, ERR_NOMEM, "out of memory");
	if (!e)
		e = load_columns(in, rd, in->nnames - n);
	if (!e)
		e = store_cursor_open(rd, STORE_DESIRED, &cur, in->info);
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

static const char *file_name(const struct ingest *in, uint32_t idx)
{
	return idx < in->nnames ? in->names[idx] : "";
}

/* A contact's given name: its first name, else the first word of its full
 * name (a view). */
static struct str given_name(const struct contact *c)
{
	struct str s = c->first_name;
	size_t i;

	if (s.len || !c->name.len)
		return s;
	s = c->name;
	for (i = 0; i < s.len && s.ptr[i] != ' '; i++)
		;
	s.len = i;
	return s;
}

/* 1 when both values are there and differ (case aside). */
static int both_differ(struct str a, struct str b)
{
	return a.len && b.len && (a.len != b.len || strncasecmp(a.ptr, b.ptr, a.len));
}

/*
 * 1 when the two are different people: both give a given name and they
 * differ (or, neither giving one, both give a last name and those differ).
 * A row that only adds a name, or changes the last name (a marriage, a
 * double-barrelled name), is the same person written again.
 */
static int other_person(const struct contact *a, const struct contact *b)
{
	struct str ga = given_name(a), gb = given_name(b);

	if (ga.len && gb.len)
		return both_differ(ga, gb);
	if (!ga.len && !gb.len)
		return both_differ(a->last_name, b->last_name);
	return 0;
}

/* duplicates.csv: record c of the group went into the group's final
 * contact, (file, row); how: merged, or replaced by another person's row. */
static enum err duplicate(struct ingest *in, const struct group *g, const struct contact *c,
			  const struct contact *last, int replaced)
{
	char num[24];

	csvout_cell(&in->dupw, g->key, g->keylen);
	csvout_cellz(&in->dupw, file_name(in, c->source_file));
	snprintf(num, sizeof(num), "%llu", (unsigned long long)c->source_row);
	csvout_cellz(&in->dupw, num);
	csvout_cellz(&in->dupw, file_name(in, last->source_file));
	snprintf(num, sizeof(num), "%llu", (unsigned long long)last->source_row);
	csvout_cellz(&in->dupw, num);
	csvout_cellz(&in->dupw, replaced ? "replaced: another person's row came later"
					 : "merged: the same person");
	csvout_end_row(&in->dupw);
	return ferror(in->dup.fp) ? err_set(in->info, ERR_IO, "cannot write duplicates file '%s': %s",
					 in->dup_path, strerror(errno))
			       : ERR_OK;
}

/* The record at p (u32 len, bytes) decoded into c; *p moved past it. */
static enum err decode_next(const struct group *g, const char **p, struct contact *c,
			    struct errinfo *info)
{
	uint32_t len;

	memcpy(&len, *p, 4);
	*p += 4 + len;
	return contact_decode(c, *p - len, len, g->key, g->keylen, info);
}

/*
 * The records of one number, oldest first, become one contact: a record
 * of the same person merges into it (contact_merge: its non-empty fields
 * win), a record naming another person replaces it whole, keeping only an
 * opt-out the new record says nothing about (the number's owner asked).
 * Returns, in *cut, the index of the last replacing record (0: none), for
 * the duplicates file: the records before it were dropped.
 */
static enum err merge_group(struct ingest *in, const struct group *g, struct contact *base,
			    struct contact *later, size_t *cut)
{
	const char *p = g->vals.data;
	enum err e;
	size_t i;

	*cut = 0;
	e = decode_next(g, &p, base, in->info);
	for (i = 1; i < g->n && !e; i++) {
		const char *at = p;

		e = decode_next(g, &p, later, in->info);
		if (e)
			break;
		if (!other_person(base, later)) {
			e = contact_merge(base, later);
			continue;
		}
		in->s->merged_renamed++;
		*cut = i;
		{
			enum tri out = base->opted_out;

			e = decode_next(g, &at, base, in->info);
			if (!e && base->opted_out == TRI_UNKNOWN && out == TRI_TRUE)
				base->opted_out = TRI_TRUE;
		}
	}
	return e;
}

/* The duplicates file's lines of a group: every record of this import
 * but the last went into the final contact. */
static enum err group_duplicates(struct ingest *in, const struct group *g,
				 const struct contact *final, size_t cut)
{
	struct contact c;
	const char *p = g->vals.data;
	size_t i;
	enum err e = ERR_OK;

	contact_init(&c);
	for (i = 0; i + 1 < g->n && !e; i++) {
		e = decode_next(g, &p, &c, in->info);
		if (!e && (i || !g->has_current))
			e = duplicate(in, g, &c, final, i < cut);
	}
	contact_free(&c);
	return e;
}

static enum err flush_group(struct ingest *in, struct store_gen *gen,
			    struct group *g)
{
	struct contact base, later;
	uint64_t from_rows = g->n - (g->has_current ? 1 : 0);
	size_t cut = 0;
	enum err e;
	uint32_t len;

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
		memcpy(&len, g->vals.data, 4);
		return store_gen_append(gen, g->key, g->keylen, g->vals.data + 4, len, in->info);
	}
	contact_init(&base);
	contact_init(&later);
	e = merge_group(in, g, &base, &later, &cut);
	if (!e && in->dup.fp)
		e = group_duplicates(in, g, &base, cut);
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

/* A new generation of the desired set in *genp (to publish or abort),
 * the sorted records merged group by group into it. */
enum err ingest_merge_into(struct ingest *in, struct store_gen **genp)
{
	struct store_gen *gen;
	struct sorter_entry ent;
	struct group g;
	enum err e;
	uint32_t len;

	e = store_gen_begin(in->st, STORE_DESIRED, genp, in->info);
	if (e)
		return e;
	gen = *genp;
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

void ingest_cleanup(struct ingest *in)
{
	size_t i;

	/* removes what was not published */
	for (i = 0; i < in->nrejs; i++) {
		outfile_discard(&in->rejs[i].of);
		free(in->rejs[i].path);
		header_free(&in->rejs[i].h);
	}
	free(in->rejs);
	outfile_discard(&in->dup);
	outfile_discard(&in->mapf);
	outfile_discard(&in->warnf);
	free(in->dup_path);
	header_free(&in->cur.header);
	sorter_free(in->sorter);
	for (i = 0; i < in->nnames; i++) {
		free(in->names[i]);
		free(in->cols[i]);
	}
	free(in->names);
	free(in->cols);
	ingest_norm_free(&in->norm);
	buf_free(&in->rec);
}

void ingest_stats_free(struct ingest_stats *s)
{
	size_t i;

	for (i = 0; i < s->noutputs; i++)
		free(s->outputs[i]);
	free(s->outputs);
	s->outputs = NULL;
	s->noutputs = 0;
	s->rejects = s->duplicates = NULL;
	s->nrejects = 0;
}

/* A published side file's path, for the summary (stats->outputs). */
static enum err add_output(struct ingest *in, const char *path, char **as)
{
	char **o = realloc(in->s->outputs, (in->s->noutputs + 1) * sizeof(*o));

	if (!o || !(o[in->s->noutputs] = strdup(path))) {
		if (o)
			in->s->outputs = o;
		return err_set(in->info, ERR_NOMEM, "out of memory");
	}
	in->s->outputs = o;
	if (as && !*as)
		*as = o[in->s->noutputs];
	in->s->noutputs++;
	return ERR_OK;
}

/* Each side file: synced (finish) or, once the store committed, renamed
 * into place (publish). */
static enum err side_files(struct ingest *in, int publish)
{
	struct outfile *f[3] = { &in->dup, &in->mapf, &in->warnf };
	enum err e = ERR_OK;
	size_t i;

	/* a rejects file asked for by name is written even empty, so that one
	 * from an earlier run is not taken for this one's */
	if (!publish && in->o->rejects_path && !in->nrejs && in->cur.header.n)
		e = open_rejects(in, in->o->rejects_path);

	for (i = 0; i < in->nrejs && !e; i++) {
		e = publish ? outfile_publish(&in->rejs[i].of, in->info)
			    : outfile_finish(&in->rejs[i].of, in->info);
		if (!e && publish) {
			e = add_output(in, in->rejs[i].path, &in->s->rejects);
			in->s->nrejects++;
		}
	}
	for (i = 0; i < 3 && !e; i++) {
		char *path = f[i]->path ? strdup(f[i]->path) : NULL;

		if (f[i]->path && !path)
			return err_set(in->info, ERR_NOMEM, "out of memory");
		if (f[i]->path)
			e = publish ? outfile_publish(f[i], in->info) : outfile_finish(f[i], in->info);
		if (!e && publish && path)
			e = add_output(in, path, i == 0 ? &in->s->duplicates : NULL);
		free(path);
	}
	return e;
}

/*
 * More rejects than --max-rejects: the list read is not the list meant (a
 * wrong file, a wrong --region), whether it replaces the set or is
 * appended to it. ERR_GUARD naming both counts and the ceiling.
 */
static enum err rejects_guard(struct ingest *in)
{
	const struct ingest_stats *s = in->s;
	char max[32];

	if (!limit_passed(&in->o->max_rejects, s->rejected, s->rows_read))
		return ERR_OK;
	limit_str(&in->o->max_rejects, max, sizeof(max));
	return err_set(in->info, ERR_GUARD,
		       "%llu of %llu rows rejected, more than --max-rejects %s: the desired set "
		       "is unchanged%s%s%s; fix the list, or raise --max-rejects",
		       (unsigned long long)s->rejected, (unsigned long long)s->rows_read, max,
		       in->nrejs ? " (the rows are in '" : "", in->nrejs ? in->rejs[0].path : "",
		       in->nrejs ? "')" : "");
}

/*
 * The guards (ingest_opts): an import that yields nothing, or a set much
 * smaller than the one it would replace, is most often a wrong or broken
 * export, and replacing the list with it would delete everyone at the
 * next push. ERR_GUARD with what to do.
 */
static enum err guard(struct ingest *in)
{
	const struct ingest_stats *s = in->s;
	unsigned long long prev = s->previous, total = s->total;

	if (!total && !in->o->allow_empty)
		return err_set(in->info, ERR_GUARD,
			       "the import yields no contacts (%llu rows read, %llu rejected): "
			       "the desired set (%llu contacts) is kept; --allow-empty replaces it "
			       "with an empty one", (unsigned long long)s->rows_read,
			       (unsigned long long)s->rejected, prev);
	if (total && !in->o->force && prev && total < prev &&
	    (prev - total) * 100 > prev * in->o->max_shrink_percent)
		return err_set(in->info, ERR_GUARD,
			       "the desired set would shrink from %llu to %llu contacts (-%llu%%), "
			       "more than --max-shrink-percent %u: it is kept; --force replaces it",
			       prev, total, ((prev - total) * 100 + prev - 1) / prev,
			       in->o->max_shrink_percent);
	return ERR_OK;
}

enum err ingest_publish(struct ingest *in, struct store_gen **genp)
{
	struct ingest_stats *s = in->s;
	enum err e, stop;

	if (s->rows_read + s->extra != s->staged + s->merged + s->rejected)
		return err_set(in->info, ERR_INTERNAL,
			       "row accounting does not add up: %llu read + %llu more numbers, "
			       "%llu staged, %llu merged, %llu rejected",
			       (unsigned long long)s->rows_read, (unsigned long long)s->extra,
			       (unsigned long long)s->staged, (unsigned long long)s->merged,
			       (unsigned long long)s->rejected);
	/* a guard keeps the set but leaves the files that say why */
	stop = rejects_guard(in);
	if (!stop && !in->o->append)
		stop = guard(in);
	e = store_gen_set_files(*genp, (const char *const *)in->names, in->nnames, in->info);
	if (!e)
		e = store_gen_set_columns(*genp, (const char *const *)in->cols, in->nnames, in->info);
	/* the side files are synced before the store commits, and renamed
	 * into place only after, so a failed import leaves none */
	if (!e)
		e = side_files(in, 0);
	if (e)
		return e;
	if (stop) {
		e = side_files(in, 1);
		return e ? e : stop;
	}
	e = store_gen_commit(*genp, in->info);
	*genp = NULL;
	if (!e)
		e = side_files(in, 1);
	return e;
}
