/* contactsync import: contact files → the store's desired set (ingest.h). */
#include <stdio.h>
#include <stdlib.h>

#include "app.h"
#include "import_cli.h"
#include "ingest.h"
#include "log.h"
#include "results.h"
#include "runlog.h"

enum { O_FORCE = IMPORT_CLI_ID_END };

static const struct opt import_only[] = {
	{ "force", 0, NULL, "replace the desired set even when the shrink guard says stop", O_FORCE },
	{ NULL, 0, NULL, NULL, 0 },
};

static const char usage[] =
	"contactsync import [--region CC] [--map FIELD=COLUMN]... [--phones best|all] [--strict-phone]\n"
	"       [--columns COL,...] [--ignore COL,...] [--show-map] [--delimiter C] [--encoding NAME]\n"
	"       [--sheet NAME|N|all|A,B] [--header-row [FILE=]N] [--zip-max-bytes N] [--zip-max-ratio R]\n"
	"       [--rejects FILE] [--duplicates FILE] [--append] [--allow-empty]\n"
	"       [--max-shrink-percent P] [--max-rejects N|P%] [--force] [--jobs N] FILE...";

static const char summary[] =
	"Reads contact files (CSV, XLSX, ODS, XLS, or JSON lines as 'export --format\n"
	"json' writes; '-' is standard input) into the desired set.\n"
	"Without --append the files replace the desired set; the previous set stays\n"
	"in place until the new one is complete, so a failed import changes nothing.\n"
	"The rejected rows, the merged ones, what each column became and the numbers\n"
	"read as international are kept in the store's results folder for the run.\n"
	"Rejected rows and sheets left unread (later sheets with the header of the\n"
	"one --sheet named) are reported, with a warning even with -q, and do not\n"
	"change the exit status; more rejects than --max-rejects, an import without\n"
	"contacts or one that shrinks the set by more than half keep the set (exit 3).";

static int option(void *ctx, int id, const char *arg, struct errinfo *info)
{
	struct import_cli *o = ctx;

	if (id == O_FORCE) {
		o->in.force = 1;
		return 0;
	}
	return import_cli_option(ctx, id, arg, info);
}

/* <store>/results/import-<run id>, made. */
static int results_dir(struct app *app, struct import_cli *o, char *dir, size_t cap)
{
	struct errinfo info = { ERR_OK, "" };
	char id[64];

	runlog_id(id, sizeof(id));
	snprintf(dir, cap, "%s/results/import-%s", store_dir(app->store), id);
	if (results_mkdir(dir, &info))
		return app_fail(ERR_IO, &info);
	o->in.results_dir = dir;
	return 0;
}

int cmd_import(int argc, char **argv, struct app *app)
{
	struct opts_spec spec = { .usage = usage, .summary = summary,
				  .footer = EXITCODE_FOOTER IMPORT_CLI_REASONS_HELP };
	struct import_cli o;
	struct ingest_stats stats = { 0 };
	struct errinfo info = { ERR_OK, "" };
	struct opt *table;
	char dir[4096];
	int npos, done, rc;
	enum err e;

	import_cli_init(&o);
	table = opts_concat(import_cli_options, import_only);
	if (!table) {
		rc = app_fail(ERR_NOMEM, NULL);
		goto out;
	}
	spec.opts = table;
	rc = app_parse(app, &spec, argc, argv, option, &o, &npos, &done);
	if (done)
		goto out;
	if (npos == 0) {
		log_error("import needs at least one FILE (see 'contactsync import --help')");
		rc = EXIT_USAGE;
		goto out;
	}
	if ((rc = results_dir(app, &o, dir, sizeof(dir))))
		goto out;
	e = import_cli_run(app->store, &o, (const char *const *)argv, (size_t)npos, NULL,
			   &stats, &info);
	if (e == ERR_GUARD && log_is_enabled(LOG_INFO))
		import_cli_report(stdout, &o, &stats);
	if (e) {
		rc = app_fail(e, &info);
		log_error("import %s: the desired set is unchanged",
			  e == ERR_GUARD ? "stopped" : "failed");
		goto out;
	}
	if (log_is_enabled(LOG_INFO))
		import_cli_report(stdout, &o, &stats);
	/* rejects and unread sheets are reported (a warning each), not failed */
	import_cli_warn_rejects(&stats);
	rc = EXIT_OK;
out:
	ingest_stats_free(&stats);
	free(table);
	import_cli_free(&o);
	return rc;
}
