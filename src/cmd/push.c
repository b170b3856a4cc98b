/* contactsync push: apply a profile's plan to its account. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "log.h"
#include "push_cli.h"
#include "runlog.h"

static const struct opts_spec spec = {
	.usage = "contactsync push PROFILE [--dry-run] [--mode insert|update|upsert|mirror] [--on-missing none|optout|delete]\n"
		 "       [--blank keep|clear] [--max-delete N] [--max-delete-percent P] [--force]\n"
		 "       [--concurrency N] [--rate SPEC] [--batch-size N] [--time-budget DURATION]\n"
		 "       [--max-snapshot-age DURATION] [--results DIR]",
	.summary = "Makes PROFILE's account match the desired set: plans against the last pull\n"
		   "(see 'diff'), checks the safety guards, then sends creates, updates and\n"
		   "opt-outs, and deletes last. Every operation is journaled in the store first,\n"
		   "so a run that stops (crash, kill, --time-budget) continues where it was;\n"
		   "failed operations are tried again by the next run. Opt-outs are never undone.",
	.opts = push_cli_options,
	.footer = EXITCODE_FOOTER "The failed operations are listed in errors.csv in the results folder.\n",
};

static int option(void *ctx, int id, const char *arg, struct errinfo *info)
{
	return push_cli_option(ctx, id, arg, info);
}

/* Keeps the run's record for 'status' and 'report'; a failure only warns. */
static void record(struct app *app, struct runlog_run *run, const struct push_summary *sum)
{
	struct errinfo info = { ERR_OK, "" };

	run->end = time(NULL);
	run->push = push_summary_json(sum);
	run->results = sum->results_dir[0] ? sum->results_dir : NULL;
	if (runlog_save(app->store, run, &info))
		log_warn("profile '%s': the run was not recorded: %s", run->profile, info.msg);
	json_decref(run->push);
	run->push = NULL;
}

static int push(struct app *app, const struct profile *p, const struct provider *drv,
		struct push_opts *o, struct runlog_run *run)
{
	struct push_summary sum;
	struct errinfo info = { ERR_OK, "" };
	enum err e;

	e = push_cli_run(app->store, p, drv, o, &sum, &info);
	if (e == ERR_GUARD || e == ERR_USAGE || e == ERR_CONFIG) {
		run->exit_status = app_fail(e, &info);
		record(app, run, &sum);
		return run->exit_status;
	}
	push_summary_print(stdout, &sum, log_format() == LOG_JSON);
	fflush(stdout);
	if (e) {
		run->exit_status = app_fail(e, &info);
	} else if (push_summary_is_partial(&sum)) {
		log_error("profile '%s': some operations failed; the next run tries them again (details in %s/errors.csv)",
			  p->name, sum.results_dir[0] ? sum.results_dir : "the results folder");
		run->exit_status = EXIT_PARTIAL;
	} else {
		run->exit_status = EXIT_OK;
	}
	record(app, run, &sum);
	return run->exit_status;
}

int cmd_push(int argc, char **argv, struct app *app)
{
	struct push_opts o;
	struct errinfo info = { ERR_OK, "" };
	struct runlog_run run = { .command = "push" };
	const struct profile *p;
	const struct provider *drv;
	char id[64];
	int npos, done, rc;

	push_opts_init(&o);
	rc = app_parse(app, &spec, argc, argv, option, &o, &npos, &done);
	if (done)
		return rc;
	if (npos != 1) {
		log_error("push needs exactly one PROFILE (see 'contactsync push --help')");
		return EXIT_USAGE;
	}
	if (push_cli_finish(&o, &info))
		return app_fail(ERR_USAGE, &info);
	p = config_profile(&app->config, argv[0], &info);
	if (!p)
		return app_fail(ERR_CONFIG, &info);
	drv = provider_for(p, PROVIDER_NEED_WRITE, &info);
	if (!drv)
		return app_fail(ERR_CONFIG, &info);
	run.start = runlog_id(id, sizeof(id));
	run.id = o.run_id = id;
	run.profile = p->name;
	run.provider = drv->name;
	return push(app, p, drv, &o, &run);
}
