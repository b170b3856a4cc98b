/* contactsync export: the desired set as CSV or JSON lines. */
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
#include "store.h"

enum { O_FROM, O_FORMAT, O_OUTPUT };
enum format { FMT_CSV, FMT_JSON };

static const struct opt options[] = {
	{ "from", 0, "desired", "what to export (default desired)", O_FROM },
	{ "format", 0, "csv|json", "output format (default csv)", O_FORMAT },
	{ "output", 'o', "FILE", "write to FILE (replaced atomically) instead of stdout", O_OUTPUT },
	{ NULL, 0, NULL, NULL, 0 },
};

static const struct opts_spec spec = {
	.usage = "contactsync export [--from desired] [--format csv|json] [-o FILE]",
	.summary = "Writes the desired set. CSV columns: phone, name, first_name, last_name,\n"
		   "company, tags (joined with ';'), opted_out (true, false or empty), then one\n"
		   "column per custom field, sorted. JSON: one object per line.",
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
		if (strcmp(arg, "desired")) {
			err_set(info, ERR_USAGE, "--from must be 'desired', not '%s'", arg);
			return -1;
		}
		o->dataset = "desired";
		return 0;
	case O_FORMAT:
		if (!strcmp(arg, "csv"))
			o->format = FMT_CSV;
		else if (!strcmp(arg, "json"))
			o->format = FMT_JSON;
		else {
			err_set(info, ERR_USAGE, "--format must be csv or json, not '%s'", arg);
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

/* Calls fn for every contact of the dataset, decoded. */
static enum err each_contact(struct store *st, const char *dataset,
			     enum err (*fn)(void *ctx, const struct contact *c),
			     void *ctx, struct errinfo *info)
{
	struct store_read *rd;
	struct store_cursor *cur = NULL;
	struct contact c;
	const void *k, *v;
	size_t kl, vl;
	enum err e;

	contact_init(&c);
	e = store_read_begin(st, &rd, info);
	if (e)
		return e;
	e = store_cursor_open(rd, dataset, &cur, info);
	while (!e && !(e = store_cursor_next(cur, &k, &kl, &v, &vl, info))) {
		e = contact_decode(&c, v, vl, k, kl, info);
		if (!e)
			e = fn(ctx, &c);
	}
	store_cursor_close(cur);
	store_read_end(rd);
	contact_free(&c);
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

struct csv_ctx {
	struct csvout w;
	const struct keys *keys;
	FILE *fp;
	struct buf tags;
};

static void cell(struct csvout *w, const struct str *s)
{
	csvout_cell(w, s->ptr, s->len);
}

static enum err write_csv_row(void *ctx, const struct contact *c)
{
	struct csv_ctx *x = ctx;
	size_t i, j = 0;

	csvout_cellz(&x->w, c->phone);
	cell(&x->w, &c->name);
	cell(&x->w, &c->first_name);
	cell(&x->w, &c->last_name);
	cell(&x->w, &c->company);
	buf_reset(&x->tags);
	for (i = 0; i < c->ntags; i++)
		if ((i && buf_addc(&x->tags, ';')) ||
		    buf_add(&x->tags, c->tags[i].ptr, c->tags[i].len))
			return ERR_NOMEM;
	csvout_cell(&x->w, buf_str(&x->tags), x->tags.len);
	csvout_cellz(&x->w, tri_str(c->opted_out));
	/* custom fields are sorted like the key list: one merge pass */
	for (i = 0; i < x->keys->n; i++) {
		const char *key = x->keys->v[i];

		if (j < c->ncustom && c->custom[j].key.len == strlen(key) &&
		    !memcmp(c->custom[j].key.ptr, key, c->custom[j].key.len)) {
			cell(&x->w, &c->custom[j].val);
			j++;
		} else {
			csvout_cell(&x->w, "", 0);
		}
	}
	csvout_end_row(&x->w);
	return ferror(x->fp) ? ERR_IO : ERR_OK;
}

static json_t *jstr(const struct str *s)
{
	return s->len ? json_stringn(s->ptr, s->len) : json_null();
}

static enum err write_json_row(void *ctx, const struct contact *c)
{
	FILE *fp = ctx;
	json_t *o = json_object(), *tags = json_array(), *custom = json_object();
	char *line;
	size_t i;

	json_object_set_new(o, "phone", json_string(c->phone));
	json_object_set_new(o, "name", jstr(&c->name));
	json_object_set_new(o, "first_name", jstr(&c->first_name));
	json_object_set_new(o, "last_name", jstr(&c->last_name));
	json_object_set_new(o, "company", jstr(&c->company));
	for (i = 0; i < c->ntags; i++)
		json_array_append_new(tags, json_stringn(c->tags[i].ptr, c->tags[i].len));
	json_object_set_new(o, "tags", tags);
	json_object_set_new(o, "opted_out", c->opted_out == TRI_UNKNOWN ? json_null()
					    : json_boolean(c->opted_out == TRI_TRUE));
	for (i = 0; i < c->ncustom; i++) {
		char *k = strndup(c->custom[i].key.ptr, c->custom[i].key.len);

		if (k)
			json_object_set_new(custom, k, jstr(&c->custom[i].val));
		free(k);
	}
	json_object_set_new(o, "custom", custom);
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
	static const char *const header[] = { "phone", "name", "first_name", "last_name",
					      "company", "tags", "opted_out" };
	struct keys keys = { 0 };
	struct csv_ctx x;
	size_t i;
	enum err e;

	e = each_contact(st, dataset, collect_keys, &keys, info);
	if (e) {
		keys_free(&keys);
		return e;
	}
	csvout_init(&x.w, fp, ',');
	buf_init(&x.tags, 0);
	x.keys = &keys;
	x.fp = fp;
	for (i = 0; i < sizeof(header) / sizeof(header[0]); i++)
		csvout_cellz(&x.w, header[i]);
	for (i = 0; i < keys.n; i++)
		csvout_cellz(&x.w, keys.v[i]);
	csvout_end_row(&x.w);
	e = each_contact(st, dataset, write_csv_row, &x, info);
	buf_free(&x.tags);
	keys_free(&keys);
	return e;
}

int cmd_export(int argc, char **argv, struct app *app)
{
	struct export_opts o = { "desired", FMT_CSV, NULL };
	struct errinfo info = { ERR_OK, "" };
	char *tmp = NULL;
	FILE *fp = stdout;
	int npos, done, rc;
	enum err e;

	rc = app_parse(&spec, argc, argv, option, &o, &npos, &done);
	if (done)
		return rc;
	if (npos) {
		log_error("export takes no arguments (see 'contactsync export --help')");
		return EXIT_USAGE;
	}
	if (o.output) {
		if (asprintf(&tmp, "%s.tmp%ld", o.output, (long)getpid()) < 0)
			return app_fail(ERR_NOMEM, NULL);
		fp = fopen(tmp, "w");
		if (!fp) {
			log_error("cannot create '%s': %s", o.output, strerror(errno));
			free(tmp);
			return EXIT_USAGE;
		}
	}
	if (o.format == FMT_CSV)
		e = write_csv(app->store, o.dataset, fp, &info);
	else
		e = each_contact(app->store, o.dataset, write_json_row, fp, &info);
	if (o.output) {
		if (fflush(fp) || ferror(fp) || fsync(fileno(fp)))
			e = e ? e : err_set(&info, ERR_IO, "cannot write '%s': %s",
					    o.output, strerror(errno));
		if (fclose(fp) && !e)
			e = err_set(&info, ERR_IO, "cannot write '%s': %s", o.output, strerror(errno));
		if (!e && rename(tmp, o.output) < 0)
			e = err_set(&info, ERR_IO, "cannot rename '%s' to '%s': %s", tmp,
				    o.output, strerror(errno));
		if (e)
			unlink(tmp);
		free(tmp);
	}
	if (e == ERR_IO && !info.msg[0])
		err_set(&info, ERR_IO, "cannot write the export: %s", strerror(errno));
	if (!e)
		return EXIT_OK;
	rc = app_fail(e, &info);
	/* The store was read fine; only the output failed. */
	return e == ERR_IO ? EXIT_PARTIAL : rc;
}
