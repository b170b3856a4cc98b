/*
 * contactsync sync: import + pull + push in one run, for cron and systemd.
 *
 * One run per profile at a time: a lock file per profile in the store
 * (lockfile.h) makes a second sync of the same profile stop at once
 * (exit 5) naming the first one's pid, however long the first one runs.
 * Syncs of other profiles run beside it; the profile's list (listsel.h)
 * is locked only while the import writes it.
 *
 * The steps, each as its own command does it: import the files (a failed
 * import stops the run, as do more rejects than --max-rejects; rejected
 * rows below it are reported and leave the exit status alone), pull the
 * account, then push
 * the plan. A failed pull does not stop the run when an earlier snapshot
 * exists: the push goes on with it, told so (no deletes), and the run
 * still ends with exit 4, so a cron job notices. A listing the pull does
 * not trust (it shrank too much: ERR_GUARD) stops the run before the push.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "import_cli.h"
#include "listsel.h"
#include "lockfile.h"
#include "log.h"
#include "pull_cli.h"
#include "push.h"
#include "push_cli.h"
#include "report.h"
#include "results.h"
#include "runlog.h"
#include "snapshot.h"

static const char usage[] = "contactsync sync PROFILE FILE... [import options] [push options]";

static const char summary[] =
	"Imports FILE... into PROFILE's list (as 'import --list' does: the profile's\n"
	"'list', else the list named as the profile), pulls PROFILE's account (as\n"
	"'pull') and pushes the changes that make it match the list, in one run for\n"
	"cron and systemd. Syncs of different profiles run at the same time; a\n"
	"second sync of the same profile stops at once (exit 5), and one of a\n"
	"profile sharing the list waits for its import. A failed import stops the\n"
	"run; rejected rows do not. When\n"
	"the pull fails the push goes on with the previous snapshot, without\n"
	"deletes, and the exit status is 4; without a previous snapshot nothing is\n"
	"pushed. A listing that shrank by more than --max-remote-shrink-percent\n"
	"stops the run before the push (exit 3).";

static const char footer[] =
	EXITCODE_FOOTER
	"Rejected rows are counted, kept in the rejects file and named in a warning\n"
	"(even with -q); more than --max-rejects (or the profile's max_rejects) stop\n"
	"the run before the pull (3). A failed pull with an earlier snapshot still\n"
	"pushes, and the run ends with 4; another sync of PROFILE running is 5. A\n"
	"--report that cannot be written turns 0 or 1 into 2 (the run stays recorded).\n\n"
	IMPORT_CLI_REASONS_HELP;

/* sync's own options, with ids between import_cli's and push_cli's. */
enum { S_REPORT = IMPORT_CLI_ID_END, S_REMOTE_SHRINK };

static const struct opt sync_options[] = {
	{ "report", 0, "FILE.xlsx", "after the run, write its report to FILE (as 'contactsync report')", S_REPORT },
	{ "max-remote-shrink-percent", 0, "P", PULL_CLI_SHRINK_HELP "; --force\n"
	  "                                 uses it, and follows a listing beyond its bounds", S_REMOTE_SHRINK },
	{ NULL, 0, NULL, NULL, 0 },
};

struct sync_opts {
	struct import_cli import;
	struct push_opts push;
	const char *report;
	char list[STORE_LIST_DATASET_MAX];	/* the profile's list's dataset */
	unsigned max_remote_shrink;
};

static int option(void *ctx, int id, const char *arg, struct errinfo *info)
{
	struct sync_opts *o = ctx;

	if (id == S_REPORT) {
		o->report = arg;
		return 0;
	}
	if (id == S_REMOTE_SHRINK)
		return pull_cli_shrink_option(arg, &o->max_remote_shrink, info);
	if (id >= PUSH_CLI_ID_BASE)
		return push_cli_option(&o->push, id, arg, info);
	return import_cli_option(&o->import, id, arg, info);
}

/* Imports the files; -1 when the run must stop (rc set), else 0. */
static int import(struct app *app, struct import_cli *o, const char *profile, char **files,
		  int nfiles, int *rc, struct runlog_run *run)
{
	struct ingest_stats stats = { 0 };
	struct errinfo info = { ERR_OK, "" };
	enum err e;

	e = import_cli_run(app->store, o, (const char *const *)files, (size_t)nfiles,
			   profile, &stats, &info);
	if (e == ERR_GUARD && log_is_enabled(LOG_INFO))
		import_cli_report(stdout, o, &stats);
	if (e) {
		*rc = app_fail(e, &info);
		log_error("import %s: list '%s' is unchanged; nothing pulled or pushed",
			  e == ERR_GUARD ? "stopped" : "failed", import_cli_list_name(o));
		ingest_stats_free(&stats);
		return -1;
	}
	run->import = import_cli_stats_json(o, &stats);
	if (log_is_enabled(LOG_INFO))
		import_cli_report(stdout, o, &stats);
	/* reported, not failed: exit 1 is for operations that failed */
	import_cli_warn_rejects(&stats);
	ingest_stats_free(&stats);
	return 0;
}

static int has_snapshot(struct store *st, const struct profile *p)
{
	struct store_read *rd;
	char dataset[256];
	int has;

	if (store_read_begin(st, &rd, NULL))
		return 0;
	snapshot_dataset(p->name, dataset, sizeof(dataset));
	has = store_has(rd, dataset);
	store_read_end(rd);
	return has;
}

/*
 * Pulls; on failure goes on with the previous snapshot if there is one.
 * -1 when the run must stop (rc set), else 0.
 */
static int pull(struct app *app, const struct profile *p, const struct provider *drv,
		struct sync_opts *so, int *rc, struct runlog_run *run)
{
	struct push_opts *push = &so->push;
	struct pull_opts o;
	struct pull_stats stats;
	struct errinfo info = { ERR_OK, "" };
	enum err e;

	pull_cli_init(&o);
	o.desired = push->desired;
	o.force = push->force;
	o.max_shrink_percent = so->max_remote_shrink;
	e = pull_cli_run(app->store, p, drv, &o, &stats, &info);
	run->pull = pull_stats_json(&stats);
	if (!e) {
		if (log_is_enabled(LOG_INFO))
			pull_stats_print(stdout, p, drv, &stats);
		push->snapshot_fresh = 1;
		return 0;
	}
	*rc = app_fail(e, &info);
	if (e == ERR_GUARD) {
		/* a listing not trusted is no ground for a plan either way */
		log_error("the pull of '%s' stopped: its last snapshot is kept; nothing pushed", p->name);
		return -1;
	}
	if (!has_snapshot(app->store, p)) {
		log_error("pull failed and '%s' has no earlier snapshot: nothing pushed", p->name);
		return -1;
	}
	log_warn("pull failed: pushing to '%s' against its previous snapshot, without deletes",
		 p->name);
	push->pull_failed = 1;
	return 0;
}

/*
 * The run's results folder, made before the import so that the rejected
 * and the merged rows (unless --rejects and --duplicates say elsewhere),
 * the mapping and the warnings land beside the push's files. The
 * profile's import settings apply where the command line is silent.
 */
static int results_dir(struct app *app, const struct profile *p, struct sync_opts *o,
		       char *dir, size_t cap, int *rc)
{
	struct errinfo info = { ERR_OK, "" };

	if (import_cli_profile(&o->import, p->phones, p->columns, p->ignore, &info)) {
		*rc = app_fail(ERR_CONFIG, &info);
		return -1;
	}
	import_cli_profile_max_rejects(&o->import, &p->max_rejects);
	o->import.in.force = o->push.force;
	push_results_dir(app->store, p->name, &o->push, dir, cap);
	if (results_mkdir(dir, &info)) {
		*rc = app_fail(ERR_IO, &info);
		return -1;
	}
	o->push.results_dir = dir;
	o->import.in.results_dir = dir;
	return 0;
}

/*
 * Keeps the run's record for 'status' and 'report'; a failure only warns.
 * Returns the record (new reference; NULL when out of memory).
 */
static json_t *record(struct app *app, struct runlog_run *run)
{
	struct errinfo info = { ERR_OK, "" };
	json_t *rec;

	run->end = time(NULL);
	rec = runlog_record(run);
	if (!rec)
		log_warn("profile '%s': the run was not recorded: out of memory", run->profile);
	else if (runlog_put(app->store, run->profile, run->id, rec, &info))
		log_warn("profile '%s': the run was not recorded: %s", run->profile, info.msg);
	json_decref(run->import);
	json_decref(run->pull);
	json_decref(run->push);
	return rec;
}

/*
 * --report: the run's workbook. A report that cannot be written leaves the
 * run's record as it is, and turns a run that was otherwise fine (0, 1)
 * into the report's error.
 */
static int report(json_t *rec, const char *path, int rc)
{
	struct errinfo info = { ERR_OK, "" };
	enum err e;

	e = rec ? report_save(rec, path, &report_cli_opts, NULL, &info)
		: err_set(&info, ERR_NOMEM, "out of memory");
	if (!e)
		return rc;
	log_warn("the report '%s' was not written: %s", path, info.msg);
	return rc == EXIT_OK || rc == EXIT_PARTIAL ? app_exit_code(e) : rc;
}

static int run(struct app *app, struct sync_opts *o, char **argv, int npos)
{
	struct errinfo info = { ERR_OK, "" };
	struct lockfile lock = LOCKFILE_INIT;
	struct push_summary sum;
	struct runlog_run run = { .command = "sync" };
	json_t *rec;
	const struct profile *p;
	const struct provider *drv;
	char id[64], dir[4096];
	int rc = EXIT_OK;
	enum err e;

	p = config_profile(&app->config, argv[0], &info);
	if (!p)
		return app_fail(ERR_CONFIG, &info);
	drv = pull_driver(p, &info);
	if (!drv)
		return app_fail(ERR_CONFIG, &info);
	e = listsel_profile(app->store, p, 0, o->list, &info);
	if (!e)
		e = lockfile_take_profile(&lock, store_dir(app->store), p->name, &info);
	if (e) {
		rc = app_fail(e, &info);
		goto out;
	}
	o->import.list = profile_list(p);
	o->push.desired = o->list;
	run.start = runlog_id(id, sizeof(id));
	run.id = o->push.run_id = id;
	run.profile = p->name;
	run.provider = drv->name;
	if (results_dir(app, p, o, dir, sizeof(dir), &rc))
		goto out;
	run.results = dir;
	if (import(app, &o->import, p->name, argv + 1, npos - 1, &rc, &run) ||
	    pull(app, p, drv, o, &rc, &run))
		goto done;
	e = push_cli_run(app->store, p, drv, &o->push, &sum, &info);
	run.push = push_summary_json(&sum);
	if (log_is_enabled(LOG_INFO))
		push_summary_print(stdout, &sum, log_format() == LOG_JSON);
	if (e)
		rc = app_fail(e, &info);	/* guard 3, budget 6, remote 4, store 5 */
	else if (o->push.pull_failed)
		rc = EXIT_REMOTE;
	else if (push_summary_is_partial(&sum))
		rc = EXIT_PARTIAL;
done:
	run.exit_status = rc;
	rec = record(app, &run);
	if (o->report)
		rc = report(rec, o->report, rc);
	json_decref(rec);
out:
	lockfile_release(&lock);
	return rc;
}

int cmd_sync(int argc, char **argv, struct app *app)
{
	struct sync_opts o;
	struct errinfo info = { ERR_OK, "" };
	struct opts_spec spec = { .usage = usage, .summary = summary, .footer = footer };
	struct opt *both, *table = NULL;
	int npos, done, rc;

	import_cli_init(&o.import);
	push_opts_init(&o.push);
	o.report = NULL;
	o.max_remote_shrink = PULL_MAX_SHRINK;
	both = opts_concat(import_cli_options, push_cli_options);
	if (both)
		table = opts_concat(both, sync_options);
	free(both);
	if (!table) {
		rc = app_fail(ERR_NOMEM, NULL);
		goto out;
	}
	spec.opts = table;
	rc = app_parse(app, &spec, argc, argv, option, &o, &npos, &done);
	if (done)
		goto out;
	if (push_cli_finish(&o.push, &info)) {
		log_error("%s (see 'contactsync sync --help')", info.msg);
		rc = EXIT_USAGE;
		goto out;
	}
	if (npos < 2) {
		log_error("sync needs a PROFILE and at least one FILE (see 'contactsync sync --help')");
		rc = EXIT_USAGE;
		goto out;
	}
	rc = run(app, &o, argv, npos);
out:
	free(table);
	import_cli_free(&o.import);
	return rc;
}
