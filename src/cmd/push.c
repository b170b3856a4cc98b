/* contactsync push: apply a profile's plan to its account. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "log.h"
#include "push_cli.h"

static const struct opts_spec spec = {
	.usage = "contactsync push PROFILE [--dry-run] [--mode insert|update|upsert|mirror] [--on-missing none|optout|delete]\n"
		 "       [--max-delete N] [--max-delete-percent P] [--force] [--concurrency N] [--rate SPEC]\n"
		 "       [--batch-size N] [--time-budget DURATION] [--max-snapshot-age DURATION] [--results DIR]",
	.summary = "Makes PROFILE's account match the desired set: plans against the last pull\n"
		   "(see 'diff'), checks the safety guards, then sends creates, updates and\n"
		   "opt-outs, and deletes last. Every operation is journaled in the store first,\n"
		   "so a run that stops (crash, kill, --time-budget) continues where it was;\n"
		   "failed operations are tried again by the next run. Opt-outs are never undone.",
	.opts = push_cli_options,
	.footer = "exit status: 0 done, 1 some operations failed (see errors.csv), 3 a guard\n"
		  "  stopped the run before any write, 4 remote error, 5 store error, 6 stopped\n"
		  "  early by the time budget, SIGINT or SIGTERM (run again to continue)\n",
};

static int option(void *ctx, int id, const char *arg, struct errinfo *info)
{
	return push_cli_option(ctx, id, arg, info);
}

int cmd_push(int argc, char **argv, struct app *app)
{
	struct push_opts o;
	struct push_summary sum;
	struct errinfo info = { ERR_OK, "" };
	const struct profile *p;
	const struct provider *drv;
	int npos, done, rc;
	enum err e;

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
	drv = provider_find(p->provider);
	if (!drv || !drv->build_write)
		return app_fail(err_set(&info, ERR_CONFIG, "profile '%s': provider '%s' cannot be written to",
					p->name, p->provider), &info);
	e = push_cli_run(app->store, p, drv, &o, &sum, &info);
	if (e != ERR_GUARD && e != ERR_USAGE && e != ERR_CONFIG)
		push_summary_print(stdout, &sum, log_format() == LOG_JSON);
	fflush(stdout);
	if (e)
		return app_fail(e, &info);
	if (push_summary_partial(&sum)) {
		log_error("profile '%s': some operations failed; the next run tries them again (details in %s/errors.csv)",
			  p->name, sum.results_dir[0] ? sum.results_dir : "the results folder");
		return EXIT_PARTIAL;
	}
	return EXIT_OK;
}
