/* contactsync pull: a profile's remote contacts → its snapshot in the store (pull.h). */
#include <stdio.h>

#include "app.h"
#include "listsel.h"
#include "lockfile.h"
#include "log.h"
#include "pull_cli.h"

enum { O_DEEP, O_FORCE, O_SHRINK };

static const struct opt options[] = {
	{ "deep", 0, NULL, "atom: read every contact's detail, not only those the list needs", O_DEEP },
	{ "max-remote-shrink-percent", 0, "P", PULL_CLI_SHRINK_HELP, O_SHRINK },
	{ "force", 0, NULL, "use the listing even when it shrank that much, and follow one\n"
	  "                                 beyond the bounds on its size", O_FORCE },
	{ NULL, 0, NULL, NULL, 0 },
};

static const struct opts_spec spec = {
	.usage = "contactsync pull PROFILE [--deep] [--max-remote-shrink-percent P] [--force]",
	.summary = "Fetches every contact of PROFILE's account into the store as its remote\n"
		   "snapshot (used by diff and export --from remote:PROFILE). The previous\n"
		   "snapshot is replaced only when the whole listing arrived. Remote numbers\n"
		   "that are not valid are kept under their raw value and reported.\n"
		   "A listing is bounded: beyond ten times the last snapshot (or the list,\n"
		   "when larger) plus 10,000 contacts (a first pull: 1,000,000), announced\n"
		   "or listed, or two full pages in a row that add nobody new, it ends with\n"
		   "exit 4. A listing that shrank by more than --max-remote-shrink-percent\n"
		   "is not used (exit 3).",
	.opts = options,
};

static int option(void *ctx, int id, const char *arg, struct errinfo *info)
{
	struct pull_opts *o = ctx;

	if (id == O_DEEP)
		o->deep = 1;
	else if (id == O_FORCE)
		o->force = 1;
	else if (id == O_SHRINK)
		return pull_cli_shrink_option(arg, &o->max_shrink_percent, info);
	return 0;
}

int cmd_pull(int argc, char **argv, struct app *app)
{
	struct errinfo info = { ERR_OK, "" };
	struct pull_opts o;
	struct pull_stats stats;
	struct lockfile lock = LOCKFILE_INIT;
	const struct profile *p;
	const struct provider *drv;
	char list[STORE_LIST_DATASET_MAX];
	int npos, done, rc;
	enum err e;

	pull_cli_init(&o);
	rc = app_parse(app, &spec, argc, argv, option, &o, &npos, &done);
	if (done)
		return rc;
	if (npos != 1) {
		log_error("pull needs exactly one PROFILE (see 'contactsync pull --help')");
		return EXIT_USAGE;
	}
	p = config_profile(&app->config, argv[0], &info);
	if (!p)
		return app_fail(ERR_CONFIG, &info);
	drv = pull_driver(p, &info);
	if (!drv)
		return app_fail(ERR_CONFIG, &info);
	e = listsel_profile(app->store, p, 0, list, &info);
	if (!e)
		e = lockfile_take_profile(&lock, store_dir(app->store), p->name, &info);
	if (e)
		return app_fail(e, &info);
	o.desired = list;
	e = pull_cli_run(app->store, p, drv, &o, &stats, &info);
	lockfile_release(&lock);
	if (e) {
		rc = app_fail(e, &info);
		log_error("pull failed: the previous snapshot of '%s' is unchanged", p->name);
		return rc;
	}
	if (log_is_enabled(LOG_INFO))
		pull_stats_print(stdout, p, drv, &stats);
	return EXIT_OK;
}
