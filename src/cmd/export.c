/*
 * contactsync export: options and messages around the library's export
 * (export.h), which reads the dataset and writes CSV, JSON or XLSX.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "export.h"
#include "listsel.h"
#include "log.h"
#include "outfile.h"
#include "store.h"
#include "xlsxout.h"

enum { O_FROM, O_LIST, O_FORMAT, O_OUTPUT };

static const struct opt options[] = {
	{ "list", 0, "NAME", "the list to write (default: default)", O_LIST },
	{ "from", 0, "desired|remote:PROFILE", "the list 'default' (default), or PROFILE's remote snapshot", O_FROM },
	{ "format", 0, "csv|json|xlsx", "output format (default csv); xlsx needs -o FILE", O_FORMAT },
	{ "output", 'o', "FILE", "write to FILE (replaced atomically) instead of stdout", O_OUTPUT },
	{ NULL, 0, NULL, NULL, 0 },
};

static const struct opts_spec spec = {
	.usage = "contactsync export [--list NAME | --from desired|remote:PROFILE] [--format csv|json|xlsx]\n"
		 "       [-o FILE]",
	.summary = "Writes a list (a desired set), or a profile's remote snapshot. CSV columns:\n"
		   "phone, name, first_name, last_name,\n"
		   "company, tags (joined with ';'), opted_out (true, false or empty), then one\n"
		   "column per custom field, sorted. JSON: one object per line.\n"
		   "XLSX: the CSV's columns, every cell text, on sheet 'Contacts' (continued on\n"
		   "'Contacts (2)' ... past 1,048,575 contacts); temporary files go beside FILE.\n"
		   "A value longer than a cell's 32,767 characters is cut, with a warning and\n"
		   "exit status 1.",
	.opts = options,
};

struct export_args {
	const char *dataset;
	const char *list;	/* --list */
	enum export_format format;
	const char *output;
};

static int option(void *ctx, int id, const char *arg, struct errinfo *info)
{
	struct export_args *o = ctx;

	switch (id) {
	case O_FROM:
		if (!export_is_dataset(arg)) {
			err_set(info, ERR_USAGE, "--from must be 'desired' or 'remote:PROFILE', not '%s'", arg);
			return -1;
		}
		o->dataset = arg;	/* the store's dataset names are the same */
		return 0;
	case O_LIST:
		o->list = arg;
		return 0;
	case O_FORMAT:
		if (export_format_parse(arg, &o->format)) {
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

/* What export_xlsx counted, as the command says it; 1 when values were
 * cut (the workbook does not hold everything). */
static int xlsx_notices(const char *name, const struct export_stats *s)
{
	if (s->sheets > 1)
		log_info("'%s': %llu contacts on %u sheets, 'Contacts' to 'Contacts (%u)' "
			 "(import reads one: --sheet N --append for the others)",
			 name, (unsigned long long)s->rows, s->sheets, s->sheets);
	if (!s->truncated)
		return 0;
	log_warn("'%s': %llu value%s cut to a cell's %u characters (the first "
		 "at %s, column '%s')", name, (unsigned long long)s->truncated,
		 s->truncated == 1 ? "" : "s", XLSXOUT_MAX_CELL, s->first_truncated,
		 s->truncated_column);
	return 1;
}

int cmd_export(int argc, char **argv, struct app *app)
{
	struct export_args o = { STORE_DESIRED, NULL, EXPORT_CSV, NULL };
	char list[STORE_LIST_DATASET_MAX];
	struct errinfo info = { ERR_OK, "" };
	struct export_stats xs;
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
	if (o.format == EXPORT_XLSX && !o.output) {
		log_error("--format xlsx needs -o FILE: a workbook is a zip archive, not text "
			  "for standard output");
		return EXIT_USAGE;
	}
	if (o.list && strcmp(o.dataset, STORE_DESIRED)) {
		log_error("--list and --from name two things to export: give one");
		return EXIT_USAGE;
	}
	if (o.list) {
		e = listsel_named(app->store, o.list, strcmp(o.list, STORE_LIST_DEFAULT) != 0,
				  list, &info);
		if (e)
			return app_fail(e == ERR_NOT_FOUND ? ERR_USAGE : e, &info);
		o.dataset = list;
	}
	e = export_check_dataset(app->store, o.dataset, &info);
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
	if (o.format != EXPORT_XLSX) {
		e = export_stream(app->store, o.dataset, o.format, out.fp, &info);
	} else {
		e = export_xlsx(app->store, o.dataset, out.tmp, o.output, &xs, &info);
		if (!e)
			partial = xlsx_notices(o.output, &xs);
		export_stats_free(&xs);
	}
	e = outfile_commit(&out, e, &info);
	if (e == ERR_IO && !info.msg[0])
		err_set(&info, ERR_IO, "cannot write the export: %s", strerror(errno));
	if (!e)
		return partial ? EXIT_PARTIAL : EXIT_OK;
	rc = app_fail(e, &info);
	/* The store was read fine; only the output failed. */
	return e == ERR_IO ? EXIT_PARTIAL : rc;
}
