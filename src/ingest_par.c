/*
 * ingest_par: the parallel path of an import (--jobs N, N > 1; see
 * ingest_int.h). The reading thread copies rows into batches and hands
 * them to N workers (pipeline.h), which run ingest_norm_row /
 * ingest_norm_record, each with its own struct ingest_norm, and leave what
 * every row became in the batch. The reading thread takes the batches back
 * in input order and does, row by row, what the single-threaded path does
 * after the row work: the counts, the progress hook, the rejects file, the
 * sorter (ingest_apply). So rejects, sequence numbers, counts and messages come
 * out exactly as with --jobs 1. Workers touch nothing but their batch and
 * their norm, and run nothing but ingest_norm.h.
 *
 * A worker stops its batch at the first row whose work failed (memory, the
 * phone library) and records the error; the consumer returns it when it
 * reaches that row, after counting it, as the single-threaded path would.
 * The reader may be ahead: an error of its own (or the end of the file)
 * is acted on only after every row read before it was consumed, so an
 * earlier row's error wins and the counts are those of --jobs 1.
 */
#include "ingest_int.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "phone.h"
#include "pipeline.h"

#define BATCH_ROWS 2048
#define BATCH_BYTES ((size_t)1 << 20)	/* of cells: a batch is handed over past it */

struct brow {
	/* from the reader */
	size_t cell0, ncells;	/* in the batch's cell tables */
	unsigned long rowno, line;
	size_t bad_cell;
	uint64_t bytes;		/* where the reader was, when a progress tick is due */
	int blank;		/* a blank row: only counted */
	/* from the worker: what the row became (ingest_norm's items) */
	size_t out_off, out_len;	/* in outs */
};

struct batch {
	struct brow *rows;
	size_t n, cap;
	struct buf cells;	/* every cell's bytes, each NUL-terminated */
	size_t *offs, *lens;
	char **ptrs;		/* resolved when the batch is handed over */
	size_t ncells, cells_cap;

	struct buf outs;	/* the rows' items */
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
	struct ingest_norm *norms;	/* one per worker */
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
	b->n = 0;
	b->ncells = 0;
	buf_reset(&b->cells);
	buf_reset(&b->outs);
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
	buf_free(&b->outs);
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

/* Copies row into the batch. */
static enum err batch_add(struct batch *b, const struct row *row, int blank)
{
	struct brow *r;
	size_t i;
	enum err e;

	e = batch_grow(b, blank ? 0 : row->ncells);
	if (e)
		return e;
	r = &b->rows[b->n++];
	memset(r, 0, sizeof(*r));
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
	struct ingest_norm *n = &par->norms[worker];
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
			e = ingest_norm_row(n, par->map, &row, par->idx, par->fname, &b->info);
		else
			e = ingest_norm_record(n, &row, par->idx, par->fname, &b->info);
		if (!e) {
			r->out_off = b->outs.len;
			r->out_len = n->out.len;
			e = buf_add(&b->outs, n->out.data, n->out.len);
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
		ingest_tick_at(in, r->bytes);
		if (i == b->ndone && b->err) {
			*in->info = b->info;
			return b->err;
		}
		batch_row(b, i, &row);
		e = ingest_apply(in, par->fname, &row, b->outs.data + r->out_off, r->out_len);
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
	while (pipeline_is_full(par->pl))
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
		ingest_norm_free(&par->norms[i]);
	free(par->norms);
	free(par->batches);
	free(par->free_list);
	free(par);
}

enum err ingest_par_new(struct ingest *in, struct par **out, const struct colmap *map,
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
		ingest_norm_init(&par->norms[i], in->o);
	for (i = 0; i < par->nbatches; i++) {
		buf_init(&par->batches[i].cells, 0);
		buf_init(&par->batches[i].outs, 0);
		par->free_list[par->nfree++] = &par->batches[i];
	}
	par->cur = par->free_list[--par->nfree];
	/* libphonenumber's singleton and jansson's hash seed are made here,
	 * before any worker needs them */
	(void)phone_is_region_supported("GB");
	json_object_seed(0);
	e = pipeline_new(&par->pl, par->nworkers, nslots, par_work, par, in->info);
	if (e) {
		par_free(par);
		return e;
	}
	*out = par;
	return ERR_OK;
}

/* The reader's side. */
enum err ingest_par_add(struct par *par, const struct row *row, int blank)
{
	struct ingest *in = par->in;
	struct batch *b = par->cur;
	enum err e;

	e = batch_add(b, row, blank);
	if (e)
		return err_set(in->info, e, "out of memory");
	if (!blank && !(++par->rows_ahead % INGEST_PROGRESS_ROWS))
		b->rows[b->n - 1].bytes = ingest_read_pos(in);
	if (b->n >= BATCH_ROWS || b->cells.len >= BATCH_BYTES)
		return par_flush(par);
	return ERR_OK;
}

/* What was read before is consumed first, unless consuming already
 * failed; an error there is an earlier row's and wins. */
enum err ingest_par_end(struct par *par, enum err e)
{
	enum err ce = ERR_OK;

	if (!par->failed)
		ce = par_flush(par);
	while (!ce && !par->failed && pipeline_inflight(par->pl))
		ce = par_take(par);
	par_free(par);
	return ce ? ce : e;
}

