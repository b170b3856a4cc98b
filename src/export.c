/* export: a dataset as CSV, JSON lines or an XLSX workbook (see export.h). */
#include "export.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "contact.h"
#include "csvout.h"
#include "outfile.h"
#include "snapshot.h"
#include "xlsxout.h"

/* Sorted set of custom keys (strings owned). */
struct keys {
	char **v;
	size_t n, cap;
};

static long keys_find(const struct keys *k, const char *s, size_t len, int *found)
{
	size_t lo = 0, hi = k->n;

	*found = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		size_t ml = strlen(k->v[mid]);
		int r = memcmp(k->v[mid], s, ml < len ? ml : len);

		if (!r)
			r = (ml > len) - (ml < len);
		if (!r) {
			*found = 1;
			return (long)mid;
		}
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (long)lo;
}

static enum err keys_add(struct keys *k, const char *s, size_t len)
{
	int found;
	long at = keys_find(k, s, len, &found);
	char *copy;

	if (found)
		return ERR_OK;
	if (k->n == k->cap) {
		size_t ncap = k->cap ? k->cap * 2 : 16;
		char **nv = realloc(k->v, ncap * sizeof(*nv));

		if (!nv)
			return ERR_NOMEM;
		k->v = nv;
		k->cap = ncap;
	}
	copy = strndup(s, len);
	if (!copy)
		return ERR_NOMEM;
	memmove(k->v + at + 1, k->v + at, (k->n - (size_t)at) * sizeof(*k->v));
	k->v[at] = copy;
	k->n++;
	return ERR_OK;
}

static void keys_free(struct keys *k)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		free(k->v[i]);
	free(k->v);
}

#define REMOTE_LEN (sizeof(STORE_REMOTE_PREFIX) - 1)

static int is_remote(const char *dataset)
{
	return !strncmp(dataset, STORE_REMOTE_PREFIX, REMOTE_LEN);
}

int export_is_dataset(const char *name)
{
	return !strcmp(name, STORE_DESIRED) || (is_remote(name) && name[REMOTE_LEN]);
}

static const char *const format_names[] = {
	[EXPORT_CSV] = "csv", [EXPORT_JSON] = "json", [EXPORT_XLSX] = "xlsx",
};

int export_format_parse(const char *name, enum export_format *out)
{
	size_t i;

	for (i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++)
		if (!strcmp(name, format_names[i])) {
			*out = (enum export_format)i;
			return 0;
		}
	return -1;
}

/* A snapshot that was never pulled is an error, not an empty export. */
enum err export_check_dataset(struct store *st, const char *dataset, struct errinfo *info)
{
	struct store_read *rd;
	int has;
	enum err e;

	if (store_list_of(dataset))
		return ERR_OK;	/* an empty list exports as empty */
	e = store_read_begin(st, &rd, info);
	if (e)
		return e;
	has = store_has(rd, dataset);
	store_read_end(rd);
	if (!has)
		return err_set(info, ERR_USAGE, "no remote snapshot of '%s' yet: run 'contactsync pull %s' first",
			       dataset + REMOTE_LEN, dataset + REMOTE_LEN);
	return ERR_OK;
}

/*
 * Calls fn for every contact of the dataset, decoded: desired records, or
 * a remote snapshot's (whose invalid numbers keep their raw value, which
 * goes in the phone column: phone_column).
 */
static enum err each_contact(struct store *st, const char *dataset,
			     enum err (*fn)(void *ctx, const struct contact *c),
			     void *ctx, struct errinfo *info)
{
	int remote = is_remote(dataset);
	struct store_read *rd;
	struct store_cursor *cur = NULL;
	struct remote_contact rc;
	const void *k, *v;
	size_t kl, vl;
	enum err e;

	memset(&rc, 0, sizeof(rc));
	contact_init(&rc.c);
	e = store_read_begin(st, &rd, info);
	if (e)
		return e;
	e = store_cursor_open(rd, dataset, &cur, info);
	while (!e && !(e = store_cursor_next(cur, &k, &kl, &v, &vl, info))) {
		if (remote)
			e = snapshot_decode(&rc, v, vl, k, kl, info);
		else
			e = contact_decode(&rc.c, v, vl, k, kl, info);
		if (!e && remote && rc.phone_invalid && kl < sizeof(rc.c.phone)) {
			memcpy(rc.c.phone, k, kl);
			rc.c.phone[kl] = '\0';
		}
		if (!e)
			e = fn(ctx, &rc.c);
	}
	store_cursor_close(cur);
	store_read_end(rd);
	contact_free(&rc.c);
	return e == ERR_NOT_FOUND ? ERR_OK : e;
}

static enum err collect_keys(void *ctx, const struct contact *c)
{
	size_t i;
	enum err e;

	for (i = 0; i < c->ncustom; i++) {
		e = keys_add(ctx, c->custom[i].key.ptr, c->custom[i].key.len);
		if (e)
			return e;
	}
	return ERR_OK;
}

static const char *const base_header[] = { "phone", "name", "first_name", "last_name",
					  "company", "tags", "opted_out" };
#define NBASE (sizeof(base_header) / sizeof(base_header[0]))

/*
 * Where put_row sends a row's cells: a CSV or an XLSX writer. The first
 * error sticks and the remaining cells of the row are skipped.
 */
struct sink {
	enum err (*cell)(void *w, const char *s, size_t len);
	enum err (*end_row)(void *w);
	void *w;
	enum err e;
	const struct keys *keys;
	struct buf tags;
};

static void put(struct sink *k, const char *s, size_t len)
{
	if (!k->e)
		k->e = k->cell(k->w, s, len);
}

static void put_str(struct sink *k, const struct str *s)
{
	put(k, s->ptr, s->len);
}

/* The phone column: E.164, or for a remote number that is not valid and
 * longer than any E.164 number, the raw value whole. */
static struct str phone_column(const struct contact *c)
{
	if (!c->phone[0])
		return c->raw_phone;
	return (struct str){ c->phone, strlen(c->phone) };
}

static enum err put_row(struct sink *k, const struct contact *c)
{
	struct str ph = phone_column(c);
	size_t i, j = 0;

	put_str(k, &ph);
	put_str(k, &c->name);
	put_str(k, &c->first_name);
	put_str(k, &c->last_name);
	put_str(k, &c->company);
	buf_reset(&k->tags);
	for (i = 0; i < c->ntags; i++)
		if ((i && buf_addc(&k->tags, ';')) ||
		    buf_add(&k->tags, c->tags[i].ptr, c->tags[i].len))
			return ERR_NOMEM;
	put(k, buf_str(&k->tags), k->tags.len);
	put(k, tri_str(c->opted_out), strlen(tri_str(c->opted_out)));
	/* custom fields are sorted like the key list: one merge pass */
	for (i = 0; i < k->keys->n; i++) {
		const char *key = k->keys->v[i];

		if (j < c->ncustom && c->custom[j].key.len == strlen(key) &&
		    !memcmp(c->custom[j].key.ptr, key, c->custom[j].key.len)) {
			put_str(k, &c->custom[j].val);
			j++;
		} else {
			put(k, "", 0);
		}
	}
	if (!k->e)
		k->e = k->end_row(k->w);
	return k->e;
}

/* csvout reports write errors through the stream, checked per row. */
static enum err csv_cell(void *w, const char *s, size_t len)
{
	csvout_cell(w, s, len);
	return ERR_OK;
}

static enum err csv_end_row(void *w)
{
	struct csvout *cw = w;

	csvout_end_row(cw);
	return ferror(cw->fp) ? ERR_IO : ERR_OK;
}

static enum err write_row(void *ctx, const struct contact *c)
{
	return put_row(ctx, c);
}

static enum err write_json_row(void *ctx, const struct contact *c)
{
	FILE *fp = ctx;
	json_t *o = contact_to_json(c);
	char *line;

	if (!o)
		return ERR_NOMEM;
	line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!line)
		return ERR_NOMEM;
	fprintf(fp, "%s\n", line);
	free(line);
	return ferror(fp) ? ERR_IO : ERR_OK;
}

static enum err write_csv(struct store *st, const char *dataset, FILE *fp,
			  struct errinfo *info)
{
	struct keys keys = { 0 };
	struct csvout w;
	struct sink k = { csv_cell, csv_end_row, &w, ERR_OK, &keys, { 0 } };
	size_t i;
	enum err e;

	buf_init(&k.tags, 0);
	e = each_contact(st, dataset, collect_keys, &keys, info);
	if (e)
		goto out;
	csvout_init(&w, fp, ',');
	for (i = 0; i < NBASE; i++)
		csvout_cellz(&w, base_header[i]);
	for (i = 0; i < keys.n; i++)
		csvout_cellz(&w, keys.v[i]);
	csvout_end_row(&w);
	e = each_contact(st, dataset, write_row, &k, info);
out:
	buf_free(&k.tags);
	keys_free(&keys);
	return e;
}

/* First pass for XLSX: the custom keys, and the size the sheet will have. */
struct scan {
	struct keys keys;
	uint64_t bytes, cells;
};

static void count(struct scan *s, size_t len)
{
	s->bytes += len;
	s->cells += len > 0;
}

static enum err scan_contact(void *ctx, const struct contact *c)
{
	struct scan *s = ctx;
	size_t i;

	count(s, phone_column(c).len);
	count(s, c->name.len);
	count(s, c->first_name.len);
	count(s, c->last_name.len);
	count(s, c->company.len);
	for (i = 0; i < c->ntags; i++)
		count(s, c->tags[i].len + 1);
	count(s, 5);
	for (i = 0; i < c->ncustom; i++)
		count(s, c->custom[i].val.len);
	return collect_keys(&s->keys, c);
}

struct xlsx_ctx {
	struct xlsxout *w;
	struct errinfo *info;
};

static enum err xlsx_cell(void *ctx, const char *s, size_t len)
{
	struct xlsx_ctx *x = ctx;

	return xlsxout_cell(x->w, s, len, x->info);
}

static enum err xlsx_end_row(void *ctx)
{
	struct xlsx_ctx *x = ctx;

	return xlsxout_end_row(x->w, x->info);
}

static const char *column_name(const struct keys *keys, size_t col)
{
	return col < NBASE ? base_header[col] : keys->v[col - NBASE];
}

enum err export_xlsx(struct store *st, const char *dataset, const char *path,
		     const char *name, struct export_stats *stats, struct errinfo *info)
{
	struct scan scan = { { 0 }, 0, 0 };
	struct xlsxout_opts xo = { "Contacts", NULL, 0, 0, 0 };
	struct xlsxout_stats ws;
	struct xlsxout *w = NULL;
	struct xlsx_ctx x = { NULL, info };
	struct sink k = { xlsx_cell, xlsx_end_row, &x, ERR_OK, &scan.keys, { 0 } };
	const char **header = NULL;
	char *tmpdir = NULL;
	size_t i;
	enum err e;

	memset(stats, 0, sizeof(*stats));
	buf_init(&k.tags, 0);
	e = each_contact(st, dataset, scan_contact, &scan, info);
	if (e)
		goto out;
	header = malloc((NBASE + scan.keys.n) * sizeof(*header));
	tmpdir = outfile_dir(name);
	if (!header || !tmpdir) {
		e = err_set(info, ERR_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < NBASE + scan.keys.n; i++)
		header[i] = column_name(&scan.keys, i);
	xo.tmpdir = tmpdir;
	xo.zip64 = xlsxout_needs_zip64(scan.bytes, scan.cells);
	e = xlsxout_open(&w, path, name, &xo, info);
	if (!e)
		e = xlsxout_header(w, header, NBASE + scan.keys.n, info);
	if (e)
		goto out;
	x.w = w;
	e = each_contact(st, dataset, write_row, &k, info);
	if (e)
		goto out;
	e = xlsxout_close(w, &ws, info);
	w = NULL;
	if (e)
		goto out;
	stats->sheets = ws.sheets;
	stats->rows = ws.rows;
	stats->truncated = ws.truncated;
	memcpy(stats->first_truncated, ws.first_truncated, sizeof(stats->first_truncated));
	if (ws.truncated &&
	    !(stats->truncated_column = strdup(column_name(&scan.keys, ws.first_truncated_col))))
		e = err_set(info, ERR_NOMEM, "out of memory");
out:
	xlsxout_abort(w);
	free(tmpdir);
	free(header);
	buf_free(&k.tags);
	keys_free(&scan.keys);
	return e;
}

enum err export_stream(struct store *st, const char *dataset, enum export_format format,
		       FILE *fp, struct errinfo *info)
{
	if (format == EXPORT_CSV)
		return write_csv(st, dataset, fp, info);
	return each_contact(st, dataset, write_json_row, fp, info);
}

void export_stats_free(struct export_stats *s)
{
	free(s->truncated_column);
	s->truncated_column = NULL;
}
