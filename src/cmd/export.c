/*
 * contactsync export: the desired set as CSV, JSON lines or an XLSX
 * workbook. CSV and XLSX share one definition of the columns (put_row),
 * so the two can never disagree.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "buf.h"
#include "contact.h"
#include "csvout.h"
#include "log.h"
#include "outfile.h"
#include "snapshot.h"
#include "store.h"
#include "xlsxout.h"

enum { O_FROM, O_FORMAT, O_OUTPUT };
enum format { FMT_CSV, FMT_JSON, FMT_XLSX };

static const struct opt options[] = {
	{ "from", 0, "desired|remote:PROFILE", "the desired set (default), or PROFILE's remote snapshot", O_FROM },
	{ "format", 0, "csv|json|xlsx", "output format (default csv); xlsx needs -o FILE", O_FORMAT },
	{ "output", 'o', "FILE", "write to FILE (replaced atomically) instead of stdout", O_OUTPUT },
	{ NULL, 0, NULL, NULL, 0 },
};

static const struct opts_spec spec = {
	.usage = "contactsync export [--from desired|remote:PROFILE] [--format csv|json|xlsx] [-o FILE]",
	.summary = "Writes the desired set. CSV columns: phone, name, first_name, last_name,\n"
		   "company, tags (joined with ';'), opted_out (true, false or empty), then one\n"
		   "column per custom field, sorted. JSON: one object per line.\n"
		   "XLSX: the CSV's columns, every cell text, on sheet 'Contacts' (continued on\n"
		   "'Contacts (2)' ... past 1,048,575 contacts); temporary files go beside FILE.\n"
		   "A value longer than a cell's 32,767 characters is cut, with a warning and\n"
		   "exit status 1.",
	.opts = options,
};

struct export_opts {
	const char *dataset;
	enum format format;
	const char *output;
};

static int option(void *ctx, int id, const char *arg, struct errinfo *info)
{
	struct export_opts *o = ctx;

	switch (id) {
	case O_FROM:
		if (strcmp(arg, "desired") && (strncmp(arg, "remote:", 7) || !arg[7])) {
			err_set(info, ERR_USAGE, "--from must be 'desired' or 'remote:PROFILE', not '%s'", arg);
			return -1;
		}
		o->dataset = arg;	/* the store's dataset names are the same */
		return 0;
	case O_FORMAT:
		if (!strcmp(arg, "csv"))
			o->format = FMT_CSV;
		else if (!strcmp(arg, "json"))
			o->format = FMT_JSON;
		else if (!strcmp(arg, "xlsx"))
			o->format = FMT_XLSX;
		else {
			err_set(info, ERR_USAGE, "--format must be csv, json or xlsx, not '%s'", arg);
			return -1;
		}
		return 0;
	case O_OUTPUT:
		o->output = arg;
		return 0;
	}
	return -1;
}

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

/*
 * Calls fn for every contact of the dataset, decoded: desired records, or
 * a remote snapshot's (whose invalid numbers keep their raw value, which
 * goes in the phone column).
 */
static enum err each_contact(struct store *st, const char *dataset,
			     enum err (*fn)(void *ctx, const struct contact *c),
			     void *ctx, struct errinfo *info)
{
	int remote = !strncmp(dataset, "remote:", 7);
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

/* A snapshot that was never pulled is an error, not an empty export. */
static enum err check_dataset(struct store *st, const char *dataset, struct errinfo *info)
{
	struct store_read *rd;
	int has;
	enum err e;

	if (!strcmp(dataset, "desired"))
		return ERR_OK;
	e = store_read_begin(st, &rd, info);
	if (e)
		return e;
	has = store_has(rd, dataset);
	store_read_end(rd);
	if (!has)
		return err_set(info, ERR_USAGE, "no remote snapshot of '%s' yet: run 'contactsync pull %s' first",
			       dataset + 7, dataset + 7);
	return ERR_OK;
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

static enum err put_row(struct sink *k, const struct contact *c)
{
	size_t i, j = 0;

	put(k, c->phone, strlen(c->phone));
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

	count(s, strlen(c->phone));
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

/*
 * Writes the workbook at path (`name` in messages). A value cut to fit a
 * cell is reported here and sets *partial: the file is complete but does
 * not hold everything.
 */
static enum err write_xlsx(struct store *st, const char *dataset, const char *path,
			   const char *name, int *partial, struct errinfo *info)
{
	struct scan scan = { { 0 }, 0, 0 };
	struct xlsxout_opts xo = { "Contacts", NULL, 0, 0, 0 };
	struct xlsxout_stats stats;
	struct xlsxout *w = NULL;
	struct xlsx_ctx x = { NULL, info };
	struct sink k = { xlsx_cell, xlsx_end_row, &x, ERR_OK, &scan.keys, { 0 } };
	const char **header = NULL;
	char *tmpdir = NULL;
	size_t i;
	enum err e;

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
	e = xlsxout_close(w, &stats, info);
	w = NULL;
	if (e)
		goto out;
	if (stats.sheets > 1)
		log_info("'%s': %llu contacts on %u sheets, 'Contacts' to 'Contacts (%u)' "
			 "(import reads one: --sheet N --append for the others)",
			 name, (unsigned long long)stats.rows, stats.sheets, stats.sheets);
	if (stats.truncated) {
		log_warn("'%s': %llu value%s cut to a cell's %u characters (the first "
			 "at %s, column '%s')", name, (unsigned long long)stats.truncated,
			 stats.truncated == 1 ? "" : "s", XLSXOUT_MAX_CELL,
			 stats.first_truncated,
			 column_name(&scan.keys, stats.first_truncated_col));
		*partial = 1;
	}
out:
	xlsxout_abort(w);
	free(tmpdir);
	free(header);
	buf_free(&k.tags);
	keys_free(&scan.keys);
	return e;
}

int cmd_export(int argc, char **argv, struct app *app)
{
	struct export_opts o = { "desired", FMT_CSV, NULL };
	struct errinfo info = { ERR_OK, "" };
	struct outfile out;
	int npos, done, rc, partial = 0;
	enum err e;

	rc = app_parse(app, &spec, argc, argv, option, &o, &npos, &done);
	if (done)
		return rc;
	if (npos) {
		log_error("export takes no arguments (see 'contactsync export --help')");
		return EXIT_USAGE;
	}
	if (o.format == FMT_XLSX && !o.output) {
		log_error("--format xlsx needs -o FILE: a workbook is a zip archive, not text "
			  "for standard output");
		return EXIT_USAGE;
	}
	e = check_dataset(app->store, o.dataset, &info);
	if (e)
		return app_fail(e, &info);
	e = outfile_open(&out, o.output, &info);
	if (e)
		return app_fail(e, &info);
	/*
	 * libxlsxwriter writes the workbook at out.tmp through a stream of its
	 * own (truncating the same inode); ours stays empty, and its fsync in
	 * outfile_commit covers what libxlsxwriter wrote.
	 */
	if (o.format == FMT_CSV)
		e = write_csv(app->store, o.dataset, out.fp, &info);
	else if (o.format == FMT_JSON)
		e = each_contact(app->store, o.dataset, write_json_row, out.fp, &info);
	else
		e = write_xlsx(app->store, o.dataset, out.tmp, o.output, &partial, &info);
	e = outfile_commit(&out, e, &info);
	if (e == ERR_IO && !info.msg[0])
		err_set(&info, ERR_IO, "cannot write the export: %s", strerror(errno));
	if (!e)
		return partial ? EXIT_PARTIAL : EXIT_OK;
	rc = app_fail(e, &info);
	/* The store was read fine; only the output failed. */
	return e == ERR_IO ? EXIT_PARTIAL : rc;
}
