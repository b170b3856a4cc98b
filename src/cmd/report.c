/*
 * contactsync report: a run (the last of a profile, the last of any, or
 * one by id) as an XLSX workbook: its summary, a chart of its operations,
 * and its results files as sheets (report.h).
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "log.h"
#include "report.h"
#include "runlog.h"

enum { O_RUN, O_OUTPUT };

static const struct opt options[] = {
	{ "run", 0, "ID", "the run with this id (see 'contactsync status') instead of the last", O_RUN },
	{ "output", 'o', "FILE", "the workbook to write (replaced atomically); required", O_OUTPUT },
	{ NULL, 0, NULL, NULL, 0 },
};

static const struct opts_spec spec = {
	.usage = "contactsync report [PROFILE] [--run ID] -o FILE.xlsx",
	.summary = "Writes a run of push or sync as an Excel workbook: the last run of\n"
		   "PROFILE, or of any profile when none is given, or the run ID. Sheets:\n"
		   "Summary (the run's counts, with a chart of the operations), Operations,\n"
		   "Changes (one row per operation, each changed field before and after),\n"
		   "Failures, Skipped, Rejects and Duplicates, from the run's results folder.\n"
		   "A results file that is missing leaves its sheet empty, with a warning,\n"
		   "and the Summary says so. Temporary files go beside FILE.",
	.opts = options,
	.footer = "exit status: 0 written; 1 written, but a cell was cut to Excel's 32,767\n"
		  "  characters; 2 no such run, a malformed results file, or FILE cannot be\n"
		  "  written; 5 store error.\n",
};

struct report_cli {
	const char *run;
	const char *output;
};

static int option(void *ctx, int id, const char *arg, struct errinfo *info)
{
	struct report_cli *o = ctx;

	(void)info;
	if (id == O_RUN)
		o->run = arg;
	else
		o->output = arg;
	return 0;
}

/* A run found by id alone, whatever its profile. */
struct by_id {
	const char *id;
	json_t *rec;
};

static int match_id(void *ctx, const char *profile, json_t *rec)
{
	struct by_id *b = ctx;
	const char *id = json_string_value(json_object_get(rec, "id"));

	(void)profile;
	if (!id || strcmp(id, b->id))
		return 0;
	b->rec = json_incref(rec);
	return 1;
}

static const char *field(json_t *rec, const char *key)
{
	const char *s = json_string_value(json_object_get(rec, key));

	return s ? s : "?";
}

static enum err find_run(struct store *st, const char *profile, const char *id, json_t **rec,
			 struct errinfo *info)
{
	struct by_id b = { id, NULL };
	enum err e;

	if (profile || !id)
		return runlog_get(st, profile, id, rec, info);
	e = runlog_each(st, NULL, match_id, &b, info);
	if (!e && !b.rec)
		e = err_set(info, ERR_NOT_FOUND, "no run '%s' recorded", id);
	*rec = b.rec;
	return e;
}

static void missing(void *ctx, const char *run, const char *why, const char *sheet)
{
	(void)ctx;
	log_warn("report of run '%s': %s: sheet '%s' left empty", run, why, sheet);
}

const struct report_opts report_cli_opts = { .missing = missing };

int cmd_report(int argc, char **argv, struct app *app)
{
	struct report_cli o = { NULL, NULL };
	struct errinfo info = { ERR_OK, "" };
	struct report_stats stats;
	json_t *rec = NULL;
	int npos, done, rc;
	enum err e;

	rc = app_parse(app, &spec, argc, argv, option, &o, &npos, &done);
	if (done)
		return rc;
	if (npos > 1) {
		log_error("report takes at most one PROFILE (see 'contactsync report --help')");
		return EXIT_USAGE;
	}
	if (!o.output) {
		log_error("report needs -o FILE.xlsx (see 'contactsync report --help')");
		return EXIT_USAGE;
	}
	e = find_run(app->store, npos ? argv[0] : NULL, o.run, &rec, &info);
	if (e)
		return app_fail(e, &info);
	e = report_save(rec, o.output, &report_cli_opts, &stats, &info);
	if (e) {
		rc = app_fail(e, &info);
		goto out;
	}
	if (log_is_enabled(LOG_INFO)) {
		printf("report of run %s ('%s', %s) in '%s': %llu changes, %llu failures, "
		       "%llu skipped, %llu rejects, %llu duplicates",
		       field(rec, "id"), field(rec, "profile"), field(rec, "command"), o.output,
		       (unsigned long long)stats.changes, (unsigned long long)stats.failures,
		       (unsigned long long)stats.skipped, (unsigned long long)stats.rejects,
		       (unsigned long long)stats.duplicates);
		if (json_is_object(json_object_get(rec, "migrate")))
			printf(", %llu unmapped values, %llu not migrated",
			       (unsigned long long)stats.unmapped, (unsigned long long)stats.not_migrated);
		putchar('\n');
	}
	if (stats.truncated) {
		log_warn("'%s': %llu value%s cut to a cell's 32767 characters (the first at %s)",
			 o.output, (unsigned long long)stats.truncated,
			 stats.truncated == 1 ? "" : "s", stats.first_truncated);
		rc = EXIT_PARTIAL;
	}
out:
	json_decref(rec);
	return rc;
}
