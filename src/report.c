/* report: a run's record and results files as an XLSX workbook (see report.h). */
#include "report.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "exitcode.h"
#include "ingest.h"
#include "outfile.h"
#include "quote.h"
#include "reader.h"
#include "results.h"
#include "xlsxout.h"

/* Changes: operation, phone, id, fields, then a pair per field. */
#define CHANGES_KEY_COLS 4u
#define MAX_FIELDS ((XLSXOUT_MAX_COLS - CHANGES_KEY_COLS) / 2)
#define MAX_FIELD_NAME 255u
/* A field value longer than this is not kept allocated for the next
 * operation (a hostile file must not pin 16 MiB per field). */
#define KEEP_VALUE_BYTES ((size_t)1 << 20)

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A results file (results.h) as this run has it. */
struct source {
	const struct results_def *def;
	char *path;		/* NULL: nothing to read */
	char *absent;		/* why not, for the Summary (NULL when path) */
	int unused;		/* no sheet in this run: a migrate's, of another run,
			 * or a file that has none (success.csv) */
	uint64_t bytes, lines;	/* for the size estimate */
	size_t ncells;		/* a trailing file's header's cells */
};

/* A text cell or a number cell taken from a column of the file. */
enum kind { TEXT, NUMBER };

struct column {
	const char *title;
	size_t from;	/* cell of the file's row */
	enum kind kind;
};

static const struct column failures_cols[] = {
	{ "operation", 0, TEXT }, { "phone", 1, TEXT }, { "source file", 2, TEXT },
	{ "source row", 3, NUMBER }, { "HTTP status", 4, NUMBER },
	{ "server message", 5, TEXT }, { "attempts", 6, NUMBER },
};
static const struct column skipped_cols[] = {
	{ "operation", 0, TEXT }, { "phone", 1, TEXT }, { "source file", 2, TEXT },
	{ "source row", 3, NUMBER }, { "reason", 4, TEXT },
};
static const struct column duplicates_cols[] = {
	{ "phone", 0, TEXT }, { "file", 1, TEXT }, { "row", 2, NUMBER },
	{ "merged into file", 3, TEXT }, { "merged into row", 4, NUMBER }, { "how", 5, TEXT },
};
static const char *const rejects_titles[] = { "file", "row", "reason", "reason code", "column",
					       "value", "cells" };
static const struct column unmapped_cols[] = {
	{ "phone", 0, TEXT }, { "field", 1, TEXT }, { "value", 2, TEXT },
	{ "what the destination keeps", 3, TEXT },
};
static const struct column not_migrated_cols[] = { { "phone", 0, TEXT }, { "reason", 1, TEXT } };

struct report;

/*
 * How each results file with a sheet (results_files) becomes it: the
 * sheets are written, and named on the Summary, in the table's order.
 */
struct sheet_def {
	enum err (*write)(struct report *r, enum results_file f);
	const struct column *cols;	/* plain_table's columns */
	size_t ncols;
	size_t rows;			/* plain_table's count: offsetof in
					 * struct report_stats */
	unsigned cells_out;		/* non-empty cells a row gives at most */
	const char *record_key;		/* an import's file: the key of its path
					 * in the record's "import" */
};

static enum err changes(struct report *r, enum results_file f);
static enum err plain_table(struct report *r, enum results_file f);
static enum err rejects(struct report *r, enum results_file f);

#define PLAIN(cols, count) plain_table, cols, N(cols), offsetof(struct report_stats, count), N(cols)

static const struct sheet_def sheets[RESULTS__COUNT] = {
	[RESULTS_CHANGES] = { changes, NULL, 0, 0, 6, NULL },
	[RESULTS_ERRORS] = { PLAIN(failures_cols, failures), NULL },
	[RESULTS_SKIPPED] = { PLAIN(skipped_cols, skipped), NULL },
	[RESULTS_REJECTS] = { rejects, NULL, 0, 0, N(rejects_titles), "rejects" },
	[RESULTS_DUPLICATES] = { PLAIN(duplicates_cols, duplicates), "duplicates" },
	[RESULTS_UNMAPPED] = { PLAIN(unmapped_cols, unmapped), NULL },
	[RESULTS_NOT_MIGRATED] = { PLAIN(not_migrated_cols, not_migrated), NULL },
};

struct report {
	const struct report_opts *o;	/* NULL: the defaults */
	json_t *rec;
	const char *name;
	struct xlsxout *w;
	struct source src[RESULTS__COUNT];
	struct report_stats *stats;
	struct buf scratch;
	struct errinfo *info;
};

/* ---- finding the files ------------------------------------------------- */

static const char *str_field(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static enum err set_absent(struct report *r, struct source *s, int missing, const char *fmt,
			   const char *arg)
{
	char why[1024];

	snprintf(why, sizeof(why), fmt, arg);
	free(s->path);
	s->path = NULL;
	s->absent = strdup(why);
	if (!s->absent)
		return err_set(r->info, ERR_NOMEM, "out of memory");
	if (missing) {
		r->stats->missing++;
		if (r->o && r->o->missing)
			r->o->missing(r->o->ctx, str_field(r->rec, "id"), why, s->def->sheet);
	}
	return ERR_OK;
}

/* Lines in a file: an upper bound on its rows (a quoted line break counts). */
static enum err count_lines(const char *path, uint64_t *lines, struct errinfo *info)
{
	char chunk[65536];
	const char *p, *end;
	FILE *fp = fopen(path, "rb");
	size_t n;

	*lines = 0;
	if (!fp)
		return err_set(info, ERR_IO, "cannot read '%s': %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		for (p = chunk, end = chunk + n; (p = memchr(p, '\n', (size_t)(end - p))); p++)
			(*lines)++;
	if (ferror(fp)) {
		fclose(fp);
		return err_set(info, ERR_IO, "cannot read '%s': %s", path, strerror(errno));
	}
	fclose(fp);
	(*lines)++;	/* a last line without its line end */
	return ERR_OK;
}

/* The file at s->path is there (sizes it), or it is missing. */
static enum err check_present(struct report *r, struct source *s, const char *dir)
{
	struct stat sb;

	if (!stat(s->path, &sb)) {
		if (!S_ISREG(sb.st_mode))
			return err_set(r->info, ERR_IO, "cannot read '%s': not a file", s->path);
		s->bytes = (uint64_t)sb.st_size;
		return count_lines(s->path, &s->lines, r->info);
	}
	if (errno != ENOENT)
		return err_set(r->info, ERR_IO, "cannot read '%s': %s", s->path, strerror(errno));
	if (dir && stat(dir, &sb))
		return set_absent(r, s, 1, "the results folder '%s' is missing (deleted?)", dir);
	return set_absent(r, s, 1, "'%s' is missing (deleted?)", s->path);
}

/* How a run without the step says so ("the import did not run" …). */
static const char *step_absent(json_t *rec, const char *step)
{
	const char *cmd = str_field(rec, "command");

	if (!strcmp(step, "import"))
		return cmd && !strcmp(cmd, "sync") ? "the import did not complete"
						    : "the import did not run";
	if (!strcmp(step, "pull"))
		return "the pull did not run";
	return "the push did not run";
}

/* A file of the run's results folder: its path, or why there is none. */
static enum err in_folder(struct report *r, struct source *s, const char *dir)
{
	if (!dir)
		return set_absent(r, s, 1, "%s", "the run has no results folder");
	if (asprintf(&s->path, "%s/%s", dir, s->def->name) < 0) {
		s->path = NULL;
		return err_set(r->info, ERR_NOMEM, "out of memory");
	}
	return check_present(r, s, dir);
}

static enum err resolve_migrate(struct report *r, struct source *s, const char *dir)
{
	json_t *mig = json_object_get(r->rec, "migrate");

	if (!json_is_object(mig)) {
		s->unused = 1;
		return ERR_OK;
	}
	if (!json_is_integer(json_object_get(mig, "carried")))
		return set_absent(r, s, 0, "%s", "the migration stopped before its conversion");
	return in_folder(r, s, dir);
}

static enum err resolve_import(struct report *r, struct source *s, const char *key)
{
	json_t *imp = json_object_get(r->rec, "import");
	const char *path = str_field(imp, key);

	if (!json_is_object(imp))
		return set_absent(r, s, 0, "%s", step_absent(r->rec, "import"));
	if (!path)
		return set_absent(r, s, 0, "the import wrote no %s file", key);
	if (!(s->path = strdup(path)))
		return err_set(r->info, ERR_NOMEM, "out of memory");
	return check_present(r, s, NULL);
}

static enum err resolve_push(struct report *r, struct source *s, const char *dir)
{
	json_t *push = json_object_get(r->rec, "push");

	if (!json_is_object(push))
		return set_absent(r, s, 1, "%s", step_absent(r->rec, "push"));
	if (json_is_true(json_object_get(push, "dry_run")))
		return set_absent(r, s, 0, "%s", "a dry run changes nothing");
	return in_folder(r, s, dir);
}

static enum err resolve(struct report *r)
{
	const char *dir = str_field(r->rec, "results");
	struct source *s;
	int i;
	enum err e = ERR_OK;

	if (!dir)
		dir = str_field(json_object_get(r->rec, "push"), "results");
	for (i = 0; i < RESULTS__COUNT && !e; i++) {
		s = &r->src[i];
		s->def = &results_files[i];
		if (!s->def->sheet)
			s->unused = 1;
		else if (s->def->by == RESULTS_BY_MIGRATE)
			e = resolve_migrate(r, s, dir);
		else if (s->def->by == RESULTS_BY_IMPORT)
			e = resolve_import(r, s, sheets[i].record_key);
		else
			e = resolve_push(r, s, dir);
	}
	return e;
}

/* ---- reading the files -------------------------------------------------- */

/* The results files are CSV that contactsync wrote: read through the CSV
 * member of the reader family, as UTF-8 with commas, never guessed. */
static const struct reader *const csv = &reader_csv;

static enum err open_source(struct report *r, struct source *s, void **in)
{
	static const struct reader_opts co = { .delimiter = ',', .encoding = "utf-8" };
	const struct results_def *d = s->def;
	struct row row;
	size_t i;
	enum err e;

	e = csv->open(in, s->path, NULL, &co, r->info);
	if (e)
		return e;
	e = csv->next(*in, &row, r->info);
	if (e == ERR_NOT_FOUND)
		e = err_set(r->info, ERR_FORMAT, "'%s' is empty: no header row", s->path);
	for (i = 0; !e && i < d->ncolumns; i++) {
		/* a trailing file's own columns end its header */
		size_t at = d->trailing ? row.ncells - d->ncolumns + i : i;

		if ((d->trailing ? row.ncells < d->ncolumns : row.ncells != d->ncolumns) ||
		    strcmp(row.cells[at], d->columns[i]))
			e = err_set(r->info, ERR_FORMAT, "'%s' row 1: not the header of %s "
				    "(expected '%s', …)", s->path, d->name, d->columns[0]);
	}
	if (!e)
		s->ncells = row.ncells;
	if (e) {
		if (*in)
			csv->close(*in);
		*in = NULL;
	}
	return e;
}

/* The next row that is not blank; ERR_NOT_FOUND at the end. */
static enum err next_row(struct report *r, const struct source *s, void *in,
			 struct row *row)
{
	size_t ncells;
	enum err e;

	do
		e = csv->next(in, row, r->info);
	while (!e && row_is_blank(row));
	if (e)
		return e;
	/* a trailing file's rows have as many cells as its header */
	ncells = s->def->trailing ? s->ncells : s->def->ncolumns;
	if (row->ncells != ncells)
		return err_set(r->info, ERR_FORMAT, "'%s' row %lu: %zu cells, %zu expected",
			       s->path, row->rowno, row->ncells, ncells);
	return ERR_OK;
}

/* A number cell from a count column: digits only (at most 15, which a
 * double holds exactly); empty gives an empty cell. */
static enum err number_cell(struct report *r, const struct source *s, const struct row *row,
			    size_t col)
{
	const char *c = row->cells[col];
	size_t len = row->lens[col], i;
	char q[QUOTE_CAP];

	if (!len)
		return xlsxout_cell(r->w, "", 0, r->info);
	for (i = 0; i < len && c[i] >= '0' && c[i] <= '9'; i++)
		;
	if (i < len || len > 15)
		return err_set(r->info, ERR_FORMAT, "'%s' row %lu: %s %s is not a number",
			       s->path, row->rowno,
			       s->def->columns[col - (s->def->trailing ? row->ncells - s->def->ncolumns : 0)],
			       quote_to(q, c, len));
	return xlsxout_number(r->w, strtod(c, NULL), r->info);
}

/* ---- Summary and Operations --------------------------------------------- */

static enum err text_row(struct report *r, const char *item, const char *value)
{
	enum err e = xlsxout_cellz(r->w, item, r->info);

	if (!e)
		e = xlsxout_cellz(r->w, value ? value : "not recorded", r->info);
	return e ? e : xlsxout_end_row(r->w, r->info);
}

static enum err number_row(struct report *r, const char *item, json_t *v)
{
	enum err e;

	if (!json_is_number(v))
		return text_row(r, item, NULL);
	e = xlsxout_cellz(r->w, item, r->info);
	if (!e)
		e = xlsxout_number(r->w, json_number_value(v), r->info);
	return e ? e : xlsxout_end_row(r->w, r->info);
}

/* A count of a step: the step saying it did not run when it did not. */
static enum err count_row(struct report *r, const char *item, const char *step,
			  const char *key)
{
	json_t *o = json_object_get(r->rec, step);

	if (!json_is_object(o))
		return text_row(r, item, step_absent(r->rec, step));
	return number_row(r, item, json_object_get(o, key));
}

/* A migrate's own facts (migrate.h): where from, what was carried. */
static enum err migrate_rows(struct report *r)
{
	static const struct { const char *item, *key; } rows[] = {
		{ "contacts at the source", "contacts" }, { "carried over", "carried" },
		{ "of those, opted out at the source", "opted_out" },
		{ "not carried over: number not valid", "invalid" },
		{ "not carried over: only the name known", "partial" },
		{ "values the destination has no place for or shortens", "unmapped_values" },
		{ "opt-outs remembered (destination cannot record them)", "optouts_remembered" },
	};
	json_t *mig = json_object_get(r->rec, "migrate");
	json_t *pull = json_object_get(mig, "pull");
	size_t i;
	enum err e;

	e = text_row(r, "migrated from", str_field(mig, "from"));
	if (!e)
		e = text_row(r, "source provider", str_field(mig, "from_provider"));
	if (!e)
		e = json_is_object(pull) ? number_row(r, "contacts pulled from the source",
						     json_object_get(pull, "contacts"))
					 : text_row(r, "contacts pulled from the source",
						    "the pull did not run");
	for (i = 0; !e && i < N(rows); i++) {
		json_t *v = json_object_get(mig, rows[i].key);

		e = json_is_number(v) ? number_row(r, rows[i].item, v)
				      : text_row(r, rows[i].item, "not reached");
	}
	return e;
}

static enum err summary_rows(struct report *r)
{
	static const struct { const char *item, *key; } import_rows[] = {
		{ "rows read", "rows_read" }, { "rows staged", "staged" },
		{ "rows merged (duplicates)", "merged" }, { "rows rejected", "rejected" },
		{ "blank rows", "blank" },
	};
	static const struct { const char *item, *key; } push_rows[] = {
		{ "operations unchanged", "unchanged" }, { "push requests", "requests" },
		{ "push retries", "retries" }, { "push 429 answers", "status_429" },
		{ "push rate-limit wait (s)", "rate_wait_s" }, { "push retry wait (s)", "retry_wait_s" },
	};
	json_t *rec = r->rec, *push = json_object_get(rec, "push"), *v;
	char text[1200];
	size_t i;
	enum err e;

	e = text_row(r, "profile", str_field(rec, "profile"));
	if (!e)
		e = text_row(r, "provider", str_field(rec, "provider"));
	if (!e)
		e = text_row(r, "command", str_field(rec, "command"));
	if (!e)
		e = text_row(r, "run id", str_field(rec, "id"));
	if (!e)
		e = text_row(r, "start (UTC)", str_field(rec, "start"));
	if (!e)
		e = text_row(r, "end (UTC)", str_field(rec, "end"));
	if (!e)
		e = number_row(r, "duration (s)", json_object_get(rec, "duration_s"));
	v = json_object_get(rec, "exit_status");
	snprintf(text, sizeof(text), "%lld: %s", (long long)json_integer_value(v),
		 exitcode_words(json_integer_value(v)));
	if (!e)
		e = text_row(r, "exit status", json_is_integer(v) ? text : NULL);
	if (!e)
		e = text_row(r, "dry run", !json_is_object(push) ? step_absent(rec, "push")
					   : json_is_true(json_object_get(push, "dry_run")) ? "yes" : "no");
	for (i = 0; !e && i < N(import_rows); i++)
		e = count_row(r, import_rows[i].item, "import", import_rows[i].key);
	if (!e)
		e = count_row(r, "contacts pulled", "pull", "contacts");
	for (i = 0; !e && i < N(push_rows); i++)
		e = count_row(r, push_rows[i].item, "push", push_rows[i].key);
	v = json_object_get(push, "stopped_by");
	snprintf(text, sizeof(text), "yes: %s", json_is_string(v) ? json_string_value(v) : "");
	if (!e)
		e = text_row(r, "stopped early", !json_is_object(push) ? step_absent(rec, "push")
					 : json_is_string(v) ? text : "no");
	if (!e && json_is_object(json_object_get(rec, "migrate")))
		e = migrate_rows(r);
	if (!e)
		e = text_row(r, "results folder", str_field(rec, "results") ? str_field(rec, "results")
									: "none");
	for (i = 0; !e && i < RESULTS__COUNT; i++) {
		if (!r->src[i].absent)
			continue;
		snprintf(text, sizeof(text), "%s sheet", r->src[i].def->sheet);
		e = text_row(r, text, r->src[i].absent);
	}
	return e;
}

static enum err operations(struct report *r)
{
	static const char *const header[] = { "kind", "done", "failed", "skipped", "pending" };
	static const char *const kinds[] = { "create", "update", "opt-out", "delete" };
	static const struct xlsxout_chart chart = {
		.title = "Operations by kind and outcome", .on_sheet = "Summary",
		.rows = 4, .first_col = 1, .last_col = 4, .at_row = 1, .at_col = 3, .stacked = 1,
	};
	json_t *ops = json_object_get(json_object_get(r->rec, "push"), "operations");
	size_t k, c;
	enum err e;

	e = xlsxout_table(r->w, "Operations", header, N(header), r->info);
	for (k = 0; !e && k < N(kinds); k++) {
		json_t *kind = json_object_get(ops, kinds[k]);

		e = xlsxout_cellz(r->w, kinds[k], r->info);
		for (c = 1; !e && c < N(header); c++) {
			json_t *v = json_object_get(kind, header[c]);

			e = json_is_number(v) ? xlsxout_number(r->w, json_number_value(v), r->info)
					      : xlsxout_cell(r->w, "", 0, r->info);
		}
		if (!e)
			e = xlsxout_end_row(r->w, r->info);
	}
	return e ? e : xlsxout_chart(r->w, &chart, r->info);
}

/* ---- Changes ---------------------------------------------------------------- */

/* The fields of changes.csv, in the order their columns take. */
struct fields {
	char **v;
	size_t n, cap;
};

static int field_rank(const char *f)
{
	static const char *const known[] = { "name", "first_name", "last_name", "company", "tags",
					     "opted_out" };
	size_t i;

	for (i = 0; i < N(known); i++)
		if (!strcmp(f, known[i]))
			return (int)i;
	return (int)N(known);
}

static int field_cmp(const char *a, const char *b)
{
	int ra = field_rank(a), rb = field_rank(b);

	return ra != rb ? ra - rb : strcmp(a, b);
}

/* Index of f, or where it would go (*found 0). */
static size_t fields_find(const struct fields *fs, const char *f, int *found)
{
	size_t lo = 0, hi = fs->n;

	*found = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = field_cmp(fs->v[mid], f);

		if (!c) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static enum err fields_add(struct report *r, struct fields *fs, const struct source *s,
			   const struct row *row)
{
	const char *f = row->cells[3];
	size_t at;
	int found;
	char *copy, q[QUOTE_CAP];

	if (!row->lens[3])
		return ERR_OK;
	if (row->lens[3] > MAX_FIELD_NAME || memchr(f, '\0', row->lens[3]))
		return err_set(r->info, ERR_FORMAT, "'%s' row %lu: %s is not a field name",
			       s->path, row->rowno, quote_to(q, f, row->lens[3]));
	at = fields_find(fs, f, &found);
	if (found)
		return ERR_OK;
	if (fs->n == MAX_FIELDS)
		return err_set(r->info, ERR_LIMIT, "'%s': more than %u different fields, more "
			       "than the columns of a sheet hold", s->path, (unsigned)MAX_FIELDS);
	if (fs->n == fs->cap) {
		size_t ncap = fs->cap ? fs->cap * 2 : 16;
		char **nv = realloc(fs->v, ncap * sizeof(*nv));

		if (!nv)
			return err_set(r->info, ERR_NOMEM, "out of memory");
		fs->v = nv;
		fs->cap = ncap;
	}
	if (!(copy = strdup(f)))
		return err_set(r->info, ERR_NOMEM, "out of memory");
	memmove(fs->v + at + 1, fs->v + at, (fs->n - at) * sizeof(*fs->v));
	fs->v[at] = copy;
	fs->n++;
	return ERR_OK;
}

static void fields_free(struct fields *fs)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		free(fs->v[i]);
	free(fs->v);
}

/* First pass: the field names (and every row checked). */
static enum err collect_fields(struct report *r, struct source *s, struct fields *fs)
{
	void *in;
	struct row row;
	enum err e;

	e = open_source(r, s, &in);
	if (e)
		return e;
	while (!(e = next_row(r, s, in, &row)))
		if ((e = fields_add(r, fs, s, &row)))
			break;
	csv->close(in);
	return e == ERR_NOT_FOUND ? ERR_OK : e;
}

/* One operation being gathered: its key and its fields' values. */
struct group {
	int open;
	struct buf op, phone, id;
	struct buf *before, *after;	/* per field */
	unsigned char *set;		/* per field */
	size_t nf;
};

static enum err group_init(struct group *g, size_t nf)
{
	size_t i;

	memset(g, 0, sizeof(*g));
	g->nf = nf;
	buf_init(&g->op, 0);
	buf_init(&g->phone, 0);
	buf_init(&g->id, 0);
	g->before = calloc(nf ? nf : 1, sizeof(*g->before));
	g->after = calloc(nf ? nf : 1, sizeof(*g->after));
	g->set = calloc(nf ? nf : 1, 1);
	if (!g->before || !g->after || !g->set)
		return ERR_NOMEM;
	for (i = 0; i < nf; i++) {
		buf_init(&g->before[i], ROW_MAX_BYTES);
		buf_init(&g->after[i], ROW_MAX_BYTES);
	}
	return ERR_OK;
}

static void group_free(struct group *g)
{
	size_t i;

	for (i = 0; g->before && g->after && i < g->nf; i++) {
		buf_free(&g->before[i]);
		buf_free(&g->after[i]);
	}
	free(g->before);
	free(g->after);
	free(g->set);
	buf_free(&g->op);
	buf_free(&g->phone);
	buf_free(&g->id);
}

static int same(const struct buf *b, const char *s, size_t len)
{
	return b->len == len && !memcmp(buf_str(b), s, len);
}

static void shrink(struct buf *b)
{
	size_t max = b->max;

	if (b->cap > KEEP_VALUE_BYTES) {
		buf_free(b);
		buf_init(b, max);
	}
	buf_reset(b);
}

/* Writes the gathered operation as one row and empties the group. */
static enum err group_flush(struct report *r, struct group *g, const struct fields *fs)
{
	size_t i;
	enum err e;

	if (!g->open)
		return ERR_OK;
	buf_reset(&r->scratch);
	for (i = 0; i < fs->n; i++)
		if (g->set[i] && ((r->scratch.len && buf_adds(&r->scratch, ", ")) ||
				  buf_adds(&r->scratch, fs->v[i])))
			return err_set(r->info, ERR_NOMEM, "out of memory");
	e = xlsxout_cell(r->w, g->op.data, g->op.len, r->info);
	if (!e)
		e = xlsxout_cell(r->w, g->phone.data, g->phone.len, r->info);
	if (!e)
		e = xlsxout_cell(r->w, g->id.data, g->id.len, r->info);
	if (!e)
		e = xlsxout_cell(r->w, r->scratch.data, r->scratch.len, r->info);
	for (i = 0; !e && i < fs->n; i++) {
		e = xlsxout_cell(r->w, g->before[i].data, g->set[i] ? g->before[i].len : 0,
				 r->info);
		if (!e)
			e = xlsxout_cell(r->w, g->after[i].data, g->set[i] ? g->after[i].len : 0,
					 r->info);
		if (g->set[i]) {
			shrink(&g->before[i]);
			shrink(&g->after[i]);
			g->set[i] = 0;
		}
	}
	if (!e)
		e = xlsxout_end_row(r->w, r->info);
	g->open = 0;
	r->stats->changes += !e;
	return e;
}

static enum err copy(struct report *r, struct buf *b, const char *s, size_t len)
{
	buf_reset(b);
	return buf_add(b, s, len) ? err_set(r->info, ERR_NOMEM, "out of memory") : ERR_OK;
}

/* Adds a row of changes.csv to the operation, or starts the next one. */
static enum err group_add(struct report *r, struct group *g, const struct fields *fs,
			  const struct source *s, const struct row *row)
{
	char *const *c = row->cells;
	const size_t *l = row->lens;
	size_t at = 0;
	int found = 0;
	enum err e = ERR_OK;
	char q[QUOTE_CAP];

	if (l[3]) {
		at = fields_find(fs, c[3], &found);
		if (!found)
			return err_set(r->info, ERR_FORMAT, "'%s' row %lu: field %s was not in "
				       "the file when it was first read (did it change meanwhile?)",
				       s->path, row->rowno, quote_to(q, c[3], l[3]));
	}
	if (g->open && (!same(&g->op, c[0], l[0]) || !same(&g->phone, c[1], l[1]) ||
			!same(&g->id, c[2], l[2]) || (found && g->set[at])))
		e = group_flush(r, g, fs);
	if (!e && !g->open) {
		e = copy(r, &g->op, c[0], l[0]);
		if (!e)
			e = copy(r, &g->phone, c[1], l[1]);
		if (!e)
			e = copy(r, &g->id, c[2], l[2]);
		g->open = 1;
	}
	if (e || !found)
		return e;
	g->set[at] = 1;
	e = copy(r, &g->before[at], c[4], l[4]);
	return e ? e : copy(r, &g->after[at], c[5], l[5]);
}

static enum err changes_header_names(struct report *r, const struct fields *fs,
				     const char ***out, size_t *n)
{
	static const char *const key[CHANGES_KEY_COLS] = { "operation", "phone", "id", "fields" };
	const char **h = calloc(CHANGES_KEY_COLS + 2 * fs->n, sizeof(*h));
	size_t i;

	*out = h;
	*n = CHANGES_KEY_COLS + 2 * fs->n;
	if (!h)
		return err_set(r->info, ERR_NOMEM, "out of memory");
	memcpy(h, key, sizeof(key));
	for (i = 0; i < fs->n; i++)
		if (asprintf((char **)&h[CHANGES_KEY_COLS + 2 * i], "%s before", fs->v[i]) < 0 ||
		    asprintf((char **)&h[CHANGES_KEY_COLS + 2 * i + 1], "%s after", fs->v[i]) < 0)
			return err_set(r->info, ERR_NOMEM, "out of memory");
	return ERR_OK;
}

static void free_header_names(const char **h, size_t n)
{
	size_t i;

	for (i = CHANGES_KEY_COLS; h && i < n; i++)
		free((char *)h[i]);
	free(h);
}

static enum err changes(struct report *r, enum results_file f)
{
	struct source *s = &r->src[f];
	struct fields fs = { 0 };
	struct group g;
	void *in = NULL;
	struct row row;
	const char **header = NULL;
	size_t n = 0;
	enum err e = ERR_OK;

	memset(&g, 0, sizeof(g));
	if (s->path)
		e = collect_fields(r, s, &fs);
	if (!e)
		e = changes_header_names(r, &fs, &header, &n);
	if (!e)
		e = xlsxout_table(r->w, s->def->sheet, header, n, r->info);
	if (e || !s->path)
		goto out;
	if (group_init(&g, fs.n)) {
		e = err_set(r->info, ERR_NOMEM, "out of memory");
		goto out;
	}
	e = open_source(r, s, &in);
	while (!e && !(e = next_row(r, s, in, &row)))
		e = group_add(r, &g, &fs, s, &row);
	if (e == ERR_NOT_FOUND)
		e = group_flush(r, &g, &fs);
out:
	csv->close(in);
	group_free(&g);
	free_header_names(header, n);
	fields_free(&fs);
	return e;
}

/* ---- Failures, Skipped, Duplicates, Rejects -------------------------------- */

static enum err plain_table(struct report *r, enum results_file f)
{
	struct source *s = &r->src[f];
	const struct column *cols = sheets[f].cols;
	size_t ncols = sheets[f].ncols;
	uint64_t *rows = (uint64_t *)((char *)r->stats + sheets[f].rows);
	const char *titles[8];
	void *in = NULL;
	struct row row;
	size_t i;
	enum err e;

	for (i = 0; i < ncols; i++)
		titles[i] = cols[i].title;
	e = xlsxout_table(r->w, s->def->sheet, titles, ncols, r->info);
	if (e || !s->path)
		return e;
	e = open_source(r, s, &in);
	while (!e && !(e = next_row(r, s, in, &row))) {
		for (i = 0; !e && i < ncols; i++)
			e = cols[i].kind == NUMBER
				? number_cell(r, s, &row, cols[i].from)
				: xlsxout_cell(r->w, row.cells[cols[i].from], row.lens[cols[i].from],
					       r->info);
		if (!e)
			e = xlsxout_end_row(r->w, r->info);
		*rows += !e;
	}
	csv->close(in);
	return e == ERR_NOT_FOUND ? ERR_OK : e;
}

/* The cells from `from` up to `to` as one CSV line, as the file had them. */
static enum err join_csv(struct report *r, const struct row *row, size_t from, size_t to)
{
	struct buf *b = &r->scratch;
	size_t i, j;
	enum err e = ERR_OK;

	buf_reset(b);
	for (i = from; !e && i < to; i++) {
		const char *c = row->cells[i];
		size_t len = row->lens[i];
		int quote = len && (strpbrk(c, ",\"\r\n") || c[0] == ' ' || c[len - 1] == ' ');

		if (i > from)
			e = buf_addc(b, ',');
		if (!e && quote)
			e = buf_addc(b, '"');
		for (j = 0; !e && j < len; j++)
			e = c[j] == '"' ? buf_add(b, "\"\"", 2) : buf_addc(b, c[j]);
		if (!e && quote)
			e = buf_addc(b, '"');
	}
	return e ? err_set(r->info, e, "cannot write '%s': the cells of row %lu: %s", r->name,
			   row->rowno, err_str(e)) : ERR_OK;
}

static enum err rejects(struct report *r, enum results_file f)
{
	struct source *s = &r->src[f];
	void *in = NULL;
	struct row row;
	enum err e;

	e = xlsxout_table(r->w, s->def->sheet, rejects_titles, N(rejects_titles), r->info);
	if (e || !s->path)
		return e;
	e = open_source(r, s, &in);
	/* the input's cells, then _reason, _column, _value, _source, _row */
	while (!e && !(e = next_row(r, s, in, &row))) {
		size_t x = row.ncells - s->def->ncolumns;

		e = xlsxout_cell(r->w, row.cells[x + 3], row.lens[x + 3], r->info);
		if (!e)
			e = number_cell(r, s, &row, x + 4);
		if (!e)
			e = xlsxout_cellz(r->w, ingest_reject_words(ingest_reject_from_code(row.cells[x])),
					  r->info);
		if (!e)
			e = xlsxout_cell(r->w, row.cells[x], row.lens[x], r->info);
		if (!e)
			e = xlsxout_cell(r->w, row.cells[x + 1], row.lens[x + 1], r->info);
		if (!e)
			e = xlsxout_cell(r->w, row.cells[x + 2], row.lens[x + 2], r->info);
		if (!e)
			e = join_csv(r, &row, 0, x);
		if (!e)
			e = xlsxout_cell(r->w, r->scratch.data, r->scratch.len, r->info);
		if (!e)
			e = xlsxout_end_row(r->w, r->info);
		r->stats->rejects += !e;
	}
	csv->close(in);
	return e == ERR_NOT_FOUND ? ERR_OK : e;
}

/* ---- the workbook -------------------------------------------------------------- */

static int needs_zip64(const struct report *r)
{
	uint64_t bytes = 0, cells = 0;
	int i;

	for (i = 0; i < RESULTS__COUNT; i++)
		if (r->src[i].path) {
			bytes += r->src[i].bytes;
			cells += r->src[i].lines * sheets[i].cells_out;
		}
	return xlsxout_needs_zip64(bytes, cells);
}

static enum err write_book(struct report *r, const char *path, const struct report_opts *o)
{
	static const char *const summary_header[] = { "item", "value" };
	struct xlsxout_opts xo = { "Summary", NULL, 0, 0, 0 };
	struct xlsxout_stats xs;
	int f;
	enum err e;

	xo.tmpdir = o ? o->tmpdir : NULL;
	xo.max_rows = o ? o->max_rows : 0;
	xo.zip64 = needs_zip64(r);
	e = xlsxout_open(&r->w, path, r->name, &xo, r->info);
	if (e)
		return e;
	e = xlsxout_header(r->w, summary_header, N(summary_header), r->info);
	if (!e)
		e = summary_rows(r);
	if (!e)
		e = operations(r);
	for (f = 0; !e && f < RESULTS__COUNT; f++)
		if (!r->src[f].unused)
			e = sheets[f].write(r, (enum results_file)f);
	if (e) {
		xlsxout_abort(r->w);
		return e;
	}
	e = xlsxout_close(r->w, &xs, r->info);
	r->stats->truncated = xs.truncated;
	snprintf(r->stats->first_truncated, sizeof(r->stats->first_truncated), "%s",
		 xs.first_truncated);
	return e;
}

enum err report_write(json_t *rec, const char *path, const char *name,
		      const struct report_opts *o, struct report_stats *stats,
		      struct errinfo *info)
{
	struct report_stats local;
	struct report r;
	int i;
	enum err e;

	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	if (!json_is_object(rec) || !str_field(rec, "id"))
		return err_set(info, ERR_FORMAT, "the run record is not an object with an id");
	memset(&r, 0, sizeof(r));
	r.o = o;
	r.rec = rec;
	r.name = name ? name : path;
	r.stats = stats;
	r.info = info;
	buf_init(&r.scratch, ROW_MAX_BYTES * 2);
	e = resolve(&r);
	if (!e)
		e = write_book(&r, path, o);
	for (i = 0; i < RESULTS__COUNT; i++) {
		free(r.src[i].path);
		free(r.src[i].absent);
	}
	buf_free(&r.scratch);
	return e;
}

enum err report_save(json_t *rec, const char *path, const struct report_opts *opts,
		     struct report_stats *stats, struct errinfo *info)
{
	struct report_opts o = { NULL, 0, NULL, NULL };
	struct outfile out;
	char *dir;
	enum err e;

	if (opts)
		o = *opts;
	dir = outfile_dir(path);
	if (!dir)
		return err_set(info, ERR_NOMEM, "out of memory");
	e = outfile_open(&out, path, info);
	if (e) {
		free(dir);
		return e;
	}
	/*
	 * libxlsxwriter writes the workbook at out.tmp through a stream of its
	 * own (truncating the same inode); ours stays empty, and its fsync in
	 * outfile_commit covers what libxlsxwriter wrote.
	 */
	o.tmpdir = dir;
	e = report_write(rec, out.tmp, path, &o, stats, info);
	e = outfile_commit(&out, e, info);
	free(dir);
	return e;
}
