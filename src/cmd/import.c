/* contactsync import: contact files → the store's desired set. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "colmap.h"
#include "csvin.h"
#include "ingest.h"
#include "log.h"
#include "phone.h"

enum { O_REGION, O_MAP, O_DELIMITER, O_ENCODING, O_REJECTS, O_APPEND, O_SHEET,
       O_HEADER_ROW, O_ZIP_MAX_BYTES, O_ZIP_MAX_RATIO };

static const struct opt options[] = {
	{ "region", 0, "CC", "default region for national numbers (ISO 3166, e.g. GB)", O_REGION },
	{ "map", 0, "FIELD=COLUMN", "read FIELD from COLUMN (repeatable); FIELD is phone, name,\n"
	  "                                 first_name, last_name, company, tags, opted_out, country,\n"
	  "                                 or any other name for a custom field", O_MAP },
	{ "delimiter", 0, "C", "CSV delimiter: ',', ';', '|' or tab (default: detected)", O_DELIMITER },
	{ "encoding", 0, "NAME", "utf-8, utf-16, utf-16le, utf-16be, windows-1252, latin1\n"
	  "                                 (default: detected)", O_ENCODING },
	{ "rejects", 0, "FILE", "write rejected rows to FILE (CSV: file, row, reason, cells)", O_REJECTS },
	{ "append", 0, NULL, "merge into the desired set instead of replacing it", O_APPEND },
	{ "sheet", 0, "NAME|N", "spreadsheets: the sheet to read, by name or number\n"
	  "                                 (default: the first visible sheet)", O_SHEET },
	{ "header-row", 0, "N", "the header is row N (default: the first non-empty row)", O_HEADER_ROW },
	{ "zip-max-bytes", 0, "N", "XLSX/ODS: refuse files that inflate to more than N bytes\n"
	  "                                 (suffixes K, M, G; default 4G)", O_ZIP_MAX_BYTES },
	{ "zip-max-ratio", 0, "R", "XLSX/ODS: refuse parts that inflate more than R times\n"
	  "                                 (default 1000)", O_ZIP_MAX_RATIO },
	{ NULL, 0, NULL, NULL, 0 },
};

static const struct opts_spec spec = {
	.usage = "contactsync import [--region CC] [--map FIELD=COLUMN]... [--delimiter C] [--encoding NAME] [--sheet NAME|N] [--header-row N] [--rejects FILE] [--append] FILE...",
	.summary = "Reads contact files (CSV, or JSON lines as 'export --format json' writes;\n"
		   "'-' is standard input) into the desired set.\n"
		   "Without --append the files replace the desired set; the previous set stays\n"
		   "in place until the new one is complete, so a failed import changes nothing.\n"
		   "Exit status 1 when some rows were rejected.",
	.opts = options,
	.footer = "reject reasons: empty, not_a_number, invalid_country_code, too_short, too_long,\n"
		  "  invalid_for_region, no_region, bad_opt_out, unknown_country, too_many_cells,\n"
		  "  bad_encoding, bad_json\n",
};

struct import_opts {
	struct ingest_opts in;
	char region[3];
	struct colmap_override *maps;
	size_t nmaps;
};

static int add_map(struct import_opts *o, const char *arg, struct errinfo *info)
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
	m[o->nmaps].field = strndup(arg, (size_t)(eq - arg));
	m[o->nmaps].column = eq + 1;
	if (!m[o->nmaps].field) {
		err_set(info, ERR_NOMEM, "out of memory");
		return -1;
	}
	o->nmaps++;
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

static int option(void *ctx, int id, const char *arg, struct errinfo *info)
{
	struct import_opts *o = ctx;

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
		if (csvin_parse_delimiter(arg, &o->in.delimiter)) {
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
	}
	return -1;
}

static void warn(void *ctx, const char *msg)
{
	(void)ctx;
	log_warn("%s", msg);
}

static void debug(void *ctx, const char *file, const char *what)
{
	(void)ctx;
	log_debug("reading '%s': %s", file, what);
}

static void report(const struct ingest_stats *s, const struct import_opts *o)
{
	int r, first = 1;

	if (!log_enabled(LOG_INFO))
		return;
	printf("rows read %llu = staged %llu + merged %llu + rejected %llu\n",
	       (unsigned long long)s->rows_read, (unsigned long long)s->staged,
	       (unsigned long long)s->merged, (unsigned long long)s->rejected);
	printf("desired set: %llu contacts", (unsigned long long)s->total);
	if (o->in.append)
		printf(" (%llu updated)", (unsigned long long)s->updated);
	if (s->blank)
		printf("; %llu blank rows skipped", (unsigned long long)s->blank);
	if (s->above_header)
		printf("; %llu rows above the header skipped", (unsigned long long)s->above_header);
	printf("\n");
	if (!s->rejected)
		return;
	printf("rejected:");
	for (r = 0; r < REJ__COUNT; r++) {
		if (!s->reasons[r])
			continue;
		printf("%s %s %llu", first ? "" : ",", ingest_reject_code((enum reject)r),
		       (unsigned long long)s->reasons[r]);
		first = 0;
	}
	if (o->in.rejects_path)
		printf(" (rows in '%s')", o->in.rejects_path);
	printf("\n");
}

int cmd_import(int argc, char **argv, struct app *app)
{
	struct import_opts o;
	struct ingest_stats stats;
	struct errinfo info = { ERR_OK, "" };
	int npos, done, rc;
	size_t i;
	enum err e;

	memset(&o, 0, sizeof(o));
	o.in.warn = warn;
	o.in.debug = debug;
	rc = app_parse(app, &spec, argc, argv, option, &o, &npos, &done);
	if (done)
		goto out;
	if (npos == 0) {
		log_error("import needs at least one FILE (see 'contactsync import --help')");
		rc = EXIT_USAGE;
		goto out;
	}
	o.in.maps = o.maps;
	o.in.nmaps = o.nmaps;
	e = ingest_files(app->store, (const char *const *)argv, (size_t)npos,
			 &o.in, &stats, &info);
	if (e) {
		rc = app_fail(e, &info);
		log_error("import failed: the desired set is unchanged");
		goto out;
	}
	report(&stats, &o);
	rc = stats.rejected ? EXIT_PARTIAL : EXIT_OK;
out:
	for (i = 0; i < o.nmaps; i++)
		free((char *)o.maps[i].field);
	free(o.maps);
	return rc;
}
