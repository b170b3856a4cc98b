/* import_cli: the import options and report shared by `import` and `sync`. */
#include "import_cli.h"

#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "phone.h"
#include "quote.h"
#include "reader.h"
#include "runlog.h"

enum {
	O_REGION = IMPORT_CLI_ID_BASE, O_MAP, O_DELIMITER, O_ENCODING, O_REJECTS, O_DUPLICATES, O_APPEND,
	O_SHEET, O_HEADER_ROW, O_ZIP_MAX_BYTES, O_ZIP_MAX_RATIO, O_JOBS,
	O_PHONES, O_STRICT_PHONE, O_COLUMNS, O_IGNORE, O_SHOW_MAP, O_ALLOW_EMPTY, O_MAX_SHRINK,
	O_MAX_REJECTS,
	O__END
};

/* a new option past the range would collide with push_cli's */
_Static_assert(O__END <= IMPORT_CLI_ID_END, "import option ids out of their range");

const struct opt import_cli_options[] = {
	{ "region", 0, "CC", "default region for national numbers (ISO 3166, e.g. GB)", O_REGION },
	{ "map", 0, "FIELD=COLUMN", "read FIELD from COLUMN (repeatable); FIELD is phone, name,\n"
	  "                                 first_name, last_name, company, tags, opted_out, country,\n"
	  "                                 or custom:KEY for a custom field", O_MAP },
	{ "phones", 0, "best|all", "best: a row's best SMS number is its contact's (default);\n"
	  "                                 all: one contact per distinct valid number of a row", O_PHONES },
	{ "strict-phone", 0, NULL, "read digits without '+' as libphonenumber does, never as an\n"
	  "                                 international number", O_STRICT_PHONE },
	{ "columns", 0, "COL,...", "push only these columns as custom fields", O_COLUMNS },
	{ "ignore", 0, "COL,...", "do not read or push these columns", O_IGNORE },
	{ "show-map", 0, NULL, "print which column became which field", O_SHOW_MAP },
	{ "allow-empty", 0, NULL, "let an import without contacts empty the desired set", O_ALLOW_EMPTY },
	{ "max-shrink-percent", 0, "P", "stop when the desired set would shrink by more than P%\n"
	  "                                 (default 50; --force goes past it)", O_MAX_SHRINK },
	{ "max-rejects", 0, "N|P%", "stop before any write (exit 3) when more than N rows, or\n"
	  "                                 P% of the rows read, are rejected (default 50%)", O_MAX_REJECTS },
	{ "delimiter", 0, "C", "CSV delimiter: ',', ';', '|' or tab (default: detected)", O_DELIMITER },
	{ "encoding", 0, "NAME", "CSV: any iconv encoding (utf-8, utf-16le, windows-1252,\n"
	  "                                 macintosh, iso-8859-2, shift_jis ...; default: detected)", O_ENCODING },
	{ "rejects", 0, "FILE", "write rejected rows to FILE (default: the run's results folder):\n"
	  "                                 the input's header and cells, then _reason, _column,\n"
	  "                                 _value, _source, _row", O_REJECTS },
	{ "duplicates", 0, "FILE", "write rows merged with another of the same number to FILE\n"
	  "                                 (default: the run's results folder)", O_DUPLICATES },
	{ "append", 0, NULL, "merge into the desired set instead of replacing it", O_APPEND },
	{ "sheet", 0, "NAME|N|all|A,B", "spreadsheets: the sheets to read, by name or number,\n"
	  "                                 each with its own header (default: the first visible\n"
	  "                                 sheet and the later ones that start with its header)", O_SHEET },
	{ "header-row", 0, "[FILE=]N", "the header is row N (of FILE only, repeatable; default: the\n"
	  "                                 first of the first 20 rows with a phone column)", O_HEADER_ROW },
	{ "zip-max-bytes", 0, "N", "XLSX/ODS: refuse files that inflate to more than N bytes\n"
	  "                                 (suffixes K, M, G; default 4G)", O_ZIP_MAX_BYTES },
	{ "zip-max-ratio", 0, "R", "XLSX/ODS: refuse parts that inflate more than R times\n"
	  "                                 (default 1000)", O_ZIP_MAX_RATIO },
	{ "jobs", 0, "N", "clean and normalise rows in N threads (default: one per CPU;\n"
	  "                                 1: in the reading thread); the result is the same", O_JOBS },
	{ NULL, 0, NULL, NULL, 0 },
};

static void debug(void *ctx, const char *file, const char *what)
{
	(void)ctx;
	log_debug("reading '%s': %s", file, what);
}

/* "importing 'big.csv' (2 of 3): 120000 rows (63%), 45000/s, ETA 0:02" */
static void progress(void *ctx, const struct ingest_progress *p)
{
	struct log_status st = { NULL, p->rows, 0, "rows", -1, NULL };
	char what[512];

	(void)ctx;
	if (!log_is_status_due())
		return;
	if (p->nfiles > 1)
		snprintf(what, sizeof(what), "importing '%s' (%zu of %zu)", p->file, p->file_no,
			 p->nfiles);
	else
		snprintf(what, sizeof(what), "importing '%s'", p->file);
	st.what = what;
	if (p->size)
		st.fraction = (double)(p->bytes < p->size ? p->bytes : p->size) / (double)p->size;
	log_status(&st);
}

/* Adds name to l unless it is there; -1 when out of memory. */
static int list_add(struct import_cli_list *l, const char *name, size_t len)
{
	char **v;
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strlen(l->v[i]) == len && !memcmp(l->v[i], name, len))
			return 0;
	v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (!v)
		return -1;
	l->v = v;
	if (!(v[l->n] = strndup(name, len)))
		return -1;
	l->n++;
	return 0;
}

static void list_free(struct import_cli_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* "A, B,C" → A, B, C added to l. */
static int list_split(struct import_cli_list *l, const char *arg, struct errinfo *info)
{
	const char *p = arg;

	while (*p) {
		const char *q = strchr(p, ','), *a = p, *b;

		if (!q)
			q = p + strlen(p);
		while (a < q && *a == ' ')
			a++;
		for (b = q; b > a && b[-1] == ' '; b--)
			;
		if (b > a && list_add(l, a, (size_t)(b - a))) {
			err_set(info, ERR_NOMEM, "out of memory");
			return -1;
		}
		p = *q ? q + 1 : q;
	}
	return 0;
}

/*
 * Each file's columns and what they became: printed with --show-map (and
 * -v); the custom fields collected for the summary.
 */
static void mapped(void *ctx, const char *file, const struct row *h, const struct colmap *m)
{
	struct import_cli *o = ctx;
	struct buf use;
	size_t i;

	buf_init(&use, 0);
	if (o->show_map || log_is_enabled(LOG_DEBUG))
		printf("columns of '%s':\n", file);
	for (i = 0; i < m->ncols; i++) {
		if (m->field[i] == FIELD_CUSTOM && m->key[i])
			(void)list_add(&o->custom, m->key[i], strlen(m->key[i]));
		buf_reset(&use);	/* colmap_describe appends */
		if (!(o->show_map || log_is_enabled(LOG_DEBUG)) || colmap_describe(m, i, &use))
			continue;
		printf("  %3zu  %-28.*s  %s\n", i + 1, (int)(i < h->ncells ? h->lens[i] : 0),
		       i < h->ncells ? h->cells[i] : "", buf_str(&use));
	}
	buf_free(&use);
}

void import_cli_init(struct import_cli *o)
{
	memset(o, 0, sizeof(*o));
	o->in.warn = log_warn_hook;
	o->in.debug = debug;
	o->in.progress = progress;
	o->in.mapped = mapped;
	o->in.warn_ctx = o;
	o->in.max_shrink_percent = 50;
	o->in.max_rejects = (struct limit){ LIMIT_SHARE, 0, IMPORT_CLI_MAX_REJECTS_SHARE };
}

enum err import_cli_run(struct store *st, struct import_cli *o, const char *const *files,
			size_t nfiles, const char *profile, struct ingest_stats *stats,
			struct errinfo *info)
{
	json_t *names = json_array(), *end;
	enum err e;
	size_t i;

	for (i = 0; i < nfiles; i++)
		json_array_append_new(names, log_json_str(strcmp(files[i], "-") ? files[i] : "stdin"));
	log_phase_start("import", profile, json_pack("{s:o}", "files", names));
	e = ingest_files(st, files, nfiles, &o->in, stats, info);
	end = import_cli_stats_json(o, stats);	/* as the run records have them */
	json_object_set_new(end, "files", json_integer((json_int_t)stats->files));
	if (e) {
		json_object_set_new(end, "total", json_null());	/* nothing was published */
		json_object_set_new(end, "error", log_json_str(info->msg[0] ? info->msg : err_str(e)));
	}
	log_phase_end("import", profile, !e, end);
	return e;
}

void import_cli_free(struct import_cli *o)
{
	size_t i;

	for (i = 0; i < o->nmaps; i++)
		free((char *)o->maps[i].field);
	free(o->maps);
	o->maps = NULL;
	o->nmaps = 0;
	o->in.maps = NULL;
	o->in.nmaps = 0;
	list_free(&o->columns);
	list_free(&o->ignore);
	list_free(&o->custom);
	for (i = 0; i < o->in.nheader_rows; i++)
		free((char *)o->header_rows[i].file);
	free(o->header_rows);
	o->header_rows = NULL;
}

static int add_map(struct import_cli *o, const char *arg, struct errinfo *info)
{
	const char *eq = strchr(arg, '=');
	struct colmap_override *m;

	if (!eq || eq == arg || !eq[1]) {
		err_set(info, ERR_USAGE, "--map needs FIELD=COLUMN, not '%s'", arg);
		return -1;
	}

	m = realloc(o->maps, (o->nmaps + 1) * sizeof(*m));
	if (!m) {
		err_set(info, ERR_NOMEM, "out of memory");
		return -1;
	}
	o->maps = m;
	o->in.maps = m;
	m[o->nmaps].field = strndup(arg, (size_t)(eq - arg));
	m[o->nmaps].column = eq + 1;
	if (!m[o->nmaps].field) {
		err_set(info, ERR_NOMEM, "out of memory");
		return -1;
	}
	if (colmap_check_field(m[o->nmaps].field, info)) {	/* a typo is no custom field */
		free((char *)m[o->nmaps].field);
		return -1;
	}
	o->in.nmaps = ++o->nmaps;
	return 0;
}

static int parse_count(const char *arg, const char *opt, unsigned long min,
		       unsigned long max, unsigned long *out, struct errinfo *info)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || v < min || v > max) {
		err_set(info, ERR_USAGE, "%s must be a number from %lu to %lu, not '%s'",
			opt, min, max, arg);
		return -1;
	}
	*out = v;
	return 0;
}

/* "500M", "2G", "123456": bytes. */
static int parse_size(const char *arg, uint64_t *out, struct errinfo *info)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	else if (*end == 'G' || *end == 'g')
		shift = 30;
	if (shift)
		end++;
	if (errno || end == arg || *end || arg[0] == '-' || !v || v > (~0ull >> shift)) {
		err_set(info, ERR_USAGE, "--zip-max-bytes must be a size such as 500M or 2G, not '%s'", arg);
		return -1;
	}
	*out = (uint64_t)v << shift;
	return 0;
}

static int set_phones(struct import_cli *o, const char *arg, const char *what,
		      struct errinfo *info)
{
	if (!strcmp(arg, "best"))
		o->in.phones = INGEST_PHONES_BEST;
	else if (!strcmp(arg, "all"))
		o->in.phones = INGEST_PHONES_ALL;
	else {
		err_set(info, ERR_USAGE, "%s must be best or all, not '%s'", what, arg);
		return -1;
	}
	return 0;
}

/* --header-row N, or FILE=N for one file of several (repeatable). */
static int header_row(struct import_cli *o, const char *arg, struct errinfo *info)
{
	const char *eq = strrchr(arg, '=');
	struct ingest_header_row *h;
	unsigned long n;

	if (!eq)
		return parse_count(arg, "--header-row", 1, 1048576, &o->in.header_row, info);
	if (eq == arg || parse_count(eq + 1, "--header-row FILE=N: N", 1, 1048576, &n, info))
		return eq == arg ? (err_set(info, ERR_USAGE, "--header-row needs N or FILE=N, not '%s'",
					    arg), -1) : -1;
	h = realloc(o->header_rows, (o->in.nheader_rows + 1) * sizeof(*h));
	if (!h || !(h[o->in.nheader_rows].file = strndup(arg, (size_t)(eq - arg)))) {
		if (h)
			o->header_rows = h;
		err_set(info, ERR_NOMEM, "out of memory");
		return -1;
	}
	h[o->in.nheader_rows].row = n;
	o->header_rows = h;
	o->in.header_rows = h;
	o->in.nheader_rows++;
	return 0;
}

int import_cli_profile(struct import_cli *o, const char *phones, const char *columns,
		       const char *ignore, struct errinfo *info)
{
	if (phones && !o->phones_given && set_phones(o, phones, "the profile's phones", info))
		return -1;
	if (columns && !o->columns.n) {
		if (list_split(&o->columns, columns, info))
			return -1;
		o->in.columns = (const char *const *)o->columns.v;
		o->in.ncolumns = o->columns.n;
	}
	if (ignore) {
		if (list_split(&o->ignore, ignore, info))
			return -1;
		o->in.ignore = (const char *const *)o->ignore.v;
		o->in.nignore = o->ignore.n;
	}
	return 0;
}

void import_cli_profile_max_rejects(struct import_cli *o, const struct limit *l)
{
	if (l->kind != LIMIT_NONE && !o->max_rejects_given)
		o->in.max_rejects = *l;
}

int import_cli_option(struct import_cli *o, int id, const char *arg, struct errinfo *info)
{
	switch (id) {
	case O_REGION:
		if (!phone_region_canon(arg, o->region)) {
			err_set(info, ERR_USAGE, "unknown region '%s'", arg);
			return -1;
		}
		o->in.region = o->region;
		return 0;
	case O_MAP:
		return add_map(o, arg, info);
	case O_DELIMITER:
		if (reader_parse_delimiter(arg, &o->in.delimiter)) {
			err_set(info, ERR_USAGE, "--delimiter must be ',', ';', '|' or tab, not '%s'", arg);
			return -1;
		}
		return 0;
	case O_ENCODING:
		if (!reader_encoding_known(arg)) {
			err_set(info, ERR_USAGE, "unknown encoding '%s' (any name iconv --list shows: "
				"utf-8, windows-1252, macintosh, iso-8859-2, shift_jis ...)", arg);
			return -1;
		}
		o->in.encoding = arg;
		return 0;
	case O_REJECTS:
		o->in.rejects_path = arg;
		return 0;
	case O_DUPLICATES:
		o->in.duplicates_path = arg;
		return 0;
	case O_APPEND:
		o->in.append = 1;
		return 0;
	case O_SHEET:
		o->in.sheet.sheet = arg;
		return 0;
	case O_HEADER_ROW:
		return header_row(o, arg, info);
	case O_ZIP_MAX_BYTES:
		return parse_size(arg, &o->in.sheet.max_total, info);
	case O_ZIP_MAX_RATIO: {
		unsigned long r;

		if (parse_count(arg, "--zip-max-ratio", 1, 1000000, &r, info))
			return -1;
		o->in.sheet.max_ratio = (unsigned)r;
		return 0;
	}
	case O_PHONES:
		o->phones_given = 1;
		return set_phones(o, arg, "--phones", info);
	case O_STRICT_PHONE:
		o->in.strict_phone = 1;
		return 0;
	case O_COLUMNS:
		if (list_split(&o->columns, arg, info))
			return -1;
		o->in.columns = (const char *const *)o->columns.v;
		o->in.ncolumns = o->columns.n;
		return 0;
	case O_IGNORE:
		if (list_split(&o->ignore, arg, info))
			return -1;
		o->in.ignore = (const char *const *)o->ignore.v;
		o->in.nignore = o->ignore.n;
		return 0;
	case O_SHOW_MAP:
		o->show_map = 1;
		return 0;
	case O_ALLOW_EMPTY:
		o->in.allow_empty = 1;
		return 0;
	case O_MAX_SHRINK: {
		unsigned long n;

		if (parse_count(arg, "--max-shrink-percent", 0, 100, &n, info))
			return -1;
		o->in.max_shrink_percent = (unsigned)n;
		return 0;
	}
	case O_MAX_REJECTS:
		if (limit_parse(arg, &o->in.max_rejects)) {
			err_set(info, ERR_USAGE, "--max-rejects must be a count N or a share P%% "
				"(0 to 100), not '%s'", arg);
			return -1;
		}
		o->max_rejects_given = 1;
		return 0;
	case O_JOBS: {
		unsigned long n;

		if (parse_count(arg, "--jobs", 1, 64, &n, info))
			return -1;
		o->in.jobs = (unsigned)n;
		return 0;
	}
	}
	err_set(info, ERR_INTERNAL, "unknown import option %d", id);
	return -1;
}

/* The names of a list, bounded (quote.h). */
static void print_names(FILE *fp, const struct import_cli_list *l)
{
	struct quote_list ql;
	struct buf b;
	size_t i;

	buf_init(&b, 0);
	quote_list_init(&ql, &b);
	for (i = 0; i < l->n; i++)
		quote_list_add(&ql, l->v[i], strlen(l->v[i]));
	quote_list_end(&ql);
	fputs(buf_str(&b), fp);
	buf_free(&b);
}

void import_cli_report(FILE *fp, const struct import_cli *o, const struct ingest_stats *s)
{
	int r, first = 1;

	fprintf(fp, "rows read %llu", (unsigned long long)s->rows_read);
	if (s->extra)
		fprintf(fp, " + %llu more numbers (--phones all)", (unsigned long long)s->extra);
	fprintf(fp, " = staged %llu + merged %llu + rejected %llu\n",
		(unsigned long long)s->staged, (unsigned long long)s->merged,
		(unsigned long long)s->rejected);
	fprintf(fp, "desired set: %llu contacts", (unsigned long long)s->total);
	if (o->in.append)
		fprintf(fp, " (%llu updated)", (unsigned long long)s->updated);
	if (s->blank)
		fprintf(fp, "; %llu blank rows skipped", (unsigned long long)s->blank);
	if (s->above_header)
		fprintf(fp, "; %llu rows above the header skipped", (unsigned long long)s->above_header);
	fprintf(fp, "\n");
	if (s->merged) {
		fprintf(fp, "merged %llu, of which with different names %llu",
			(unsigned long long)s->merged, (unsigned long long)s->merged_renamed);
		if (s->duplicates)
			fprintf(fp, " (rows in '%s')", s->duplicates);
		fprintf(fp, "\n");
	}
	if (s->international)
		fprintf(fp, "read as international: %llu (numbers without '+' that start with the "
			"region's country code; --strict-phone reads them as national)\n",
			(unsigned long long)s->international);
	if (s->country_ignored)
		fprintf(fp, "countries not understood, ignored for international numbers: %llu\n",
			(unsigned long long)s->country_ignored);
	if (o->custom.n) {
		fprintf(fp, "custom fields pushed: ");
		print_names(fp, &o->custom);
		fprintf(fp, " (choose with --columns or --ignore)\n");
	}
	if (!s->rejected)
		return;
	fprintf(fp, "rejected:");
	for (r = 0; r < REJ__COUNT; r++) {
		if (!s->reasons[r])
			continue;
		fprintf(fp, "%s %s %llu", first ? "" : ",", ingest_reject_code((enum reject)r),
			(unsigned long long)s->reasons[r]);
		first = 0;
	}
	if (s->rejects)
		fprintf(fp, " (rows in '%s'%s: fix them there and import that file again)",
			s->rejects, s->nrejects > 1 ? " and beside it" : "");
	fprintf(fp, "\n");
}

void import_cli_warn_rejects(const struct ingest_stats *s)
{
	if (!s->rejected)
		return;
	if (!s->rejects) {
		log_warn("%llu of %llu rows rejected", (unsigned long long)s->rejected,
			 (unsigned long long)s->rows_read);
		return;
	}
	log_warn("%llu of %llu rows rejected: they are in '%s'%s (fix them there and import "
		 "that file again)", (unsigned long long)s->rejected,
		 (unsigned long long)s->rows_read, s->rejects, s->nrejects > 1 ? " and beside it" : "");
}

json_t *import_cli_stats_json(const struct import_cli *o, const struct ingest_stats *s)
{
	json_t *j = json_object(), *by = json_object(), *files = json_array();
	size_t i;
	int r;

	json_object_set_new(j, "rows_read", json_integer((json_int_t)s->rows_read));
	json_object_set_new(j, "staged", json_integer((json_int_t)s->staged));
	json_object_set_new(j, "merged", json_integer((json_int_t)s->merged));
	json_object_set_new(j, "rejected", json_integer((json_int_t)s->rejected));
	json_object_set_new(j, "blank", json_integer((json_int_t)s->blank));
	json_object_set_new(j, "total", json_integer((json_int_t)s->total));
	for (r = 0; r < REJ__COUNT; r++)
		if (s->reasons[r])
			json_object_set_new(by, ingest_reject_code((enum reject)r),
					    json_integer((json_int_t)s->reasons[r]));
	json_object_set_new(j, "rejected_by", by);
	json_object_set_new(j, "extra", json_integer((json_int_t)s->extra));
	json_object_set_new(j, "merged_renamed", json_integer((json_int_t)s->merged_renamed));
	json_object_set_new(j, "international", json_integer((json_int_t)s->international));
	json_object_set_new(j, "country_ignored", json_integer((json_int_t)s->country_ignored));
	json_object_set_new(j, "sheets_unread", json_integer((json_int_t)s->sheets_unread));
	json_object_set_new(j, "rejects", runlog_path(s->rejects));
	json_object_set_new(j, "duplicates", runlog_path(s->duplicates));
	for (i = 0; i < s->noutputs; i++)
		json_array_append_new(files, runlog_path(s->outputs[i]));
	json_object_set_new(j, "outputs", files);
	(void)o;
	return j;
}
