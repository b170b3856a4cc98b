/* import_cli: the import options and report shared by `import` and `sync`. */
#include "import_cli.h"

#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "phone.h"
#include "reader.h"
#include "runlog.h"

enum {
	O_REGION = IMPORT_CLI_ID_BASE, O_MAP, O_DELIMITER, O_ENCODING, O_REJECTS, O_DUPLICATES, O_APPEND,
	O_SHEET, O_HEADER_ROW, O_ZIP_MAX_BYTES, O_ZIP_MAX_RATIO, O_JOBS,
	O__END
};

/* a new option past the range would collide with push_cli's */
_Static_assert(O__END <= IMPORT_CLI_ID_END, "import option ids out of their range");

const struct opt import_cli_options[] = {
	{ "region", 0, "CC", "default region for national numbers (ISO 3166, e.g. GB)", O_REGION },
	{ "map", 0, "FIELD=COLUMN", "read FIELD from COLUMN (repeatable); FIELD is phone, name,\n"
	  "                                 first_name, last_name, company, tags, opted_out, country,\n"
	  "                                 or any other name for a custom field", O_MAP },
	{ "delimiter", 0, "C", "CSV delimiter: ',', ';', '|' or tab (default: detected)", O_DELIMITER },
	{ "encoding", 0, "NAME", "utf-8, utf-16, utf-16le, utf-16be, windows-1252, latin1\n"
	  "                                 (default: detected)", O_ENCODING },
	{ "rejects", 0, "FILE", "write rejected rows to FILE (CSV: file, row, reason, cells)", O_REJECTS },
	{ "duplicates", 0, "FILE", "write rows merged into a later row of the same number to FILE\n"
	  "                                 (CSV: phone, file, row, merged_into_file, merged_into_row)", O_DUPLICATES },
	{ "append", 0, NULL, "merge into the desired set instead of replacing it", O_APPEND },
	{ "sheet", 0, "NAME|N", "spreadsheets: the sheet to read, by name or number\n"
	  "                                 (default: the first visible sheet)", O_SHEET },
	{ "header-row", 0, "N", "the header is row N (default: the first non-empty row)", O_HEADER_ROW },
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

void import_cli_init(struct import_cli *o)
{
	memset(o, 0, sizeof(*o));
	o->in.warn = log_warn_hook;
	o->in.debug = debug;
	o->in.progress = progress;
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
		return parse_count(arg, "--header-row", 1, 1048576, &o->in.header_row, info);
	case O_ZIP_MAX_BYTES:
		return parse_size(arg, &o->in.sheet.max_total, info);
	case O_ZIP_MAX_RATIO: {
		unsigned long r;

		if (parse_count(arg, "--zip-max-ratio", 1, 1000000, &r, info))
			return -1;
		o->in.sheet.max_ratio = (unsigned)r;
		return 0;
	}
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

void import_cli_report(FILE *fp, const struct import_cli *o, const struct ingest_stats *s)
{
	int r, first = 1;

	fprintf(fp, "rows read %llu = staged %llu + merged %llu + rejected %llu\n",
		(unsigned long long)s->rows_read, (unsigned long long)s->staged,
		(unsigned long long)s->merged, (unsigned long long)s->rejected);
	fprintf(fp, "desired set: %llu contacts", (unsigned long long)s->total);
	if (o->in.append)
		fprintf(fp, " (%llu updated)", (unsigned long long)s->updated);
	if (s->blank)
		fprintf(fp, "; %llu blank rows skipped", (unsigned long long)s->blank);
	if (s->above_header)
		fprintf(fp, "; %llu rows above the header skipped", (unsigned long long)s->above_header);
	fprintf(fp, "\n");
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
	if (o->in.rejects_path)
		fprintf(fp, " (rows in '%s')", o->in.rejects_path);
	fprintf(fp, "\n");
}

json_t *import_cli_stats_json(const struct import_cli *o, const struct ingest_stats *s)
{
	json_t *j = json_object(), *by = json_object();
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
	json_object_set_new(j, "rejects", runlog_path(o->in.rejects_path));
	json_object_set_new(j, "duplicates", runlog_path(o->in.duplicates_path));
	return j;
}
