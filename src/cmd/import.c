/* contactsync import: contact files → the store's desired set (ingest.h). */
#include <stdio.h>

#include "app.h"
#include "import_cli.h"
#include "ingest.h"
#include "log.h"

static const struct opts_spec spec = {
	.usage = "contactsync import [--region CC] [--map FIELD=COLUMN]... [--delimiter C] [--encoding NAME]\n"
		 "       [--sheet NAME|N] [--header-row N] [--zip-max-bytes N] [--zip-max-ratio R]\n"
		 "       [--rejects FILE] [--duplicates FILE] [--append] [--jobs N] FILE...",
	.summary = "Reads contact files (CSV, XLSX, ODS, XLS, or JSON lines as 'export --format\n"
		   "json' writes; '-' is standard input) into the desired set.\n"
		   "Without --append the files replace the desired set; the previous set stays\n"
		   "in place until the new one is complete, so a failed import changes nothing.\n"
		   "Exit status 1 when some rows were rejected.",
	.opts = import_cli_options,
	.footer = IMPORT_CLI_REASONS_HELP,
};

static int option(void *ctx, int id, const char *arg, struct errinfo *info)
{
	return import_cli_option(ctx, id, arg, info);
}

int cmd_import(int argc, char **argv, struct app *app)
{
	struct import_cli o;
	struct ingest_stats stats;
	struct errinfo info = { ERR_OK, "" };
	int npos, done, rc;
	enum err e;

	import_cli_init(&o);
	rc = app_parse(app, &spec, argc, argv, option, &o, &npos, &done);
	if (done)
		goto out;
	if (npos == 0) {
		log_error("import needs at least one FILE (see 'contactsync import --help')");
		rc = EXIT_USAGE;
		goto out;
	}
	e = import_cli_run(app->store, &o, (const char *const *)argv, (size_t)npos, NULL,
			   &stats, &info);
	if (e) {
		rc = app_fail(e, &info);
		log_error("import failed: the desired set is unchanged");
		goto out;
	}
	if (log_is_enabled(LOG_INFO))
		import_cli_report(stdout, &o, &stats);
	rc = stats.rejected ? EXIT_PARTIAL : EXIT_OK;
out:
	import_cli_free(&o);
	return rc;
}
