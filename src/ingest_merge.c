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

#include "contact.h"
#include "results.h"


enum err ingest_add_name(struct ingest *in, const char *name)
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

/*
 * The side files, with their headers as results.h declares them (the
 * rows: ingest_reject, duplicate). A CSV file beside the import, when
 * asked for.
 */
static enum err open_side(struct ingest *in, const char *path, struct outfile *f,
			  struct csvout *w, enum results_file which)
{
	if (!path)
		return ERR_OK;	/* (a NULL path would make it standard output) */
	return results_open_csv(f, w, path, which, in->info);
}

enum err ingest_open_side_files(struct ingest *in)
{
	enum err e = open_side(in, in->o->rejects_path, &in->rej, &in->rejw,
			       RESULTS_REJECTS);

	if (!e)
		e = open_side(in, in->o->duplicates_path, &in->dup, &in->dupw,
			      RESULTS_DUPLICATES);
	return e;
}

enum err ingest_reject(struct ingest *in, const char *fname, const struct row *row,
		       enum reject why)
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

	outfile_discard(&in->rej);	/* removes them unless they were published */
	outfile_discard(&in->dup);
	sorter_free(in->sorter);
	for (i = 0; i < in->nnames; i++)
		free(in->names[i]);
	free(in->names);
	ingest_norm_free(&in->norm);
	buf_free(&in->rec);
}

enum err ingest_publish(struct ingest *in, struct store_gen **genp)
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
