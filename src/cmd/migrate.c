/*
 * contactsync migrate: every contact of one profile's account to another
 * profile's account, opt-outs included (migrate.h says what is carried).
 *
 * The steps: a deep pull of FROM, its snapshot converted into the dataset
 * "migrate:FROM" (values TO has no place for listed in unmapped.csv), a
 * pull of TO, then TO's push with that dataset as the desired set. The
 * push is journaled like any other, so a migration that stops (crash,
 * kill, --time-budget) is run again with the same command and continues;
 * nothing is created twice. Both profiles are locked for the run, as a
 * sync locks its profile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "lockfile.h"
#include "log.h"
#include "migrate.h"
#include "pull_cli.h"
#include "push.h"
#include "push_cli.h"
#include "results.h"
#include "runlog.h"

enum { O_FROM, O_TO };

static const struct opt own_options[] = {
	{ "from", 0, "PROFILE", "the profile whose account's contacts are migrated (required)", O_FROM },
	{ "to", 0, "PROFILE", "the profile whose account receives them (required)", O_TO },
	{ NULL, 0, NULL, NULL, 0 },
};

static const char usage[] = "contactsync migrate --from PROFILE --to PROFILE [push options]";

static const char summary[] =
	"Copies every contact of FROM's account to TO's account: pulls FROM (with\n"
	"every contact's details), converts its contacts for TO, pulls TO and pushes\n"
	"(mode upsert unless --mode says otherwise). Names, company, tags and custom\n"
	"fields go where TO keeps them (atom: the custom_slots of TO's profile); a\n"
	"value TO has no place for is listed in unmapped.csv in the results folder.\n"
	"Opt-outs carry over: an opted-out contact arrives opted out, or as TO's\n"
	"optout_action says; where TO cannot record it, the contact is not created\n"
	"and its number is kept in the store so that no later push to TO creates it.\n"
	"A migration that stops is continued by running the same command again.";

static const char footer[] =
	EXITCODE_FOOTER
	"Contacts and values that could not be carried over are reported, with a\n"
	"warning each kind (not_migrated.csv, unmapped.csv), and leave the status\n"
	"alone; failed operations (errors.csv) make it 1. A sync or migrate of either\n"
	"profile running is 5; after 6, run the same command again to continue.\n";

struct migrate_opts {
	const char *from, *to;
	struct push_opts push;
};

static int option(void *ctx, int id, const char *arg, struct errinfo *info)
{
	struct migrate_opts *o = ctx;

	if (id >= PUSH_CLI_ID_BASE)
		return push_cli_option(&o->push, id, arg, info);
	if (id == O_FROM)
		o->from = arg;
	else
		o->to = arg;
	return 0;
}

struct run {
	struct app *app;
	struct migrate_opts *o;
	const struct profile *from, *to;
	const struct provider *from_drv, *to_drv;
	char dataset[256];
	struct migrate_stats stats;
	struct runlog_run rec;
	json_t *mig;		/* the record's "migrate" */
	int rc;
};

/* Pulls p; 0 when done, else -1 with rc set and the record's JSON kept. */
static int pull(struct run *r, const struct profile *p, const struct provider *drv, int deep,
		json_t **stats_json)
{
	struct pull_opts o;
	struct pull_stats stats;
	struct errinfo info = { ERR_OK, "" };
	enum err e;

	pull_cli_init(&o);
	o.deep = deep;
	o.desired = r->dataset;
	e = pull_cli_run(r->app->store, p, drv, &o, &stats, &info);
	*stats_json = pull_stats_json(&stats);
	if (e) {
		r->rc = app_fail(e, &info);
		log_error("the migration stopped: the pull of '%s' failed", p->name);
		return -1;
	}
	if (log_is_enabled(LOG_INFO))
		pull_stats_print(stdout, p, drv, &stats);
	return 0;
}

static void print_conversion(const struct run *r, const char *dir)
{
	const struct migrate_stats *s = &r->stats;
	size_t i;

	if (log_format() == LOG_JSON) {
		char *line = json_dumps(r->mig, JSON_COMPACT | JSON_PRESERVE_ORDER);

		if (line && log_is_enabled(LOG_INFO))
			printf("%s\n", line);
		free(line);
	} else if (log_is_enabled(LOG_INFO)) {
		printf("migration from '%s' (%s) to '%s' (%s): %llu contacts, %llu carried over "
		       "(%llu opted out), %llu not\n", r->from->name, r->from_drv->name, r->to->name,
		       r->to_drv->name, (unsigned long long)s->contacts,
		       (unsigned long long)s->carried, (unsigned long long)s->opted_out,
		       (unsigned long long)(s->invalid + s->partial));
	}
	if (s->invalid)
		log_warn("%llu contacts of '%s' not carried over: their number is not a valid phone "
			 "number (%s/not_migrated.csv)", (unsigned long long)s->invalid,
			 r->from->name, dir);
	if (s->partial)
		log_warn("%llu contacts of '%s' not carried over: only their name was listed "
			 "(%s/not_migrated.csv)", (unsigned long long)s->partial, r->from->name, dir);
	for (i = 0; i < s->nfields; i++) {
		const struct migrate_field *f = &s->fields[i];

		if (f->dropped)
			log_warn("'%s' (%s) has no place for %s: %llu values not carried over%s (%s/unmapped.csv)",
				 r->to->name, r->to_drv->name, f->name, (unsigned long long)f->dropped,
				 !strncmp(f->name, "custom:", 7) && (r->to_drv->caps & PROVIDER_CAP_CUSTOM_SLOTS)
				 ? "; name the field in its custom_slots" : "", dir);
		if (f->cut)
			log_warn("'%s' (%s) keeps %llu values of %s shortened (%s/unmapped.csv)",
				 r->to->name, r->to_drv->name, (unsigned long long)f->cut, f->name, dir);
	}
}

/* FROM's snapshot as the dataset; -1 when the run must stop (rc set). */
static int convert(struct run *r, const char *dir)
{
	struct errinfo info = { ERR_OK, "" };
	json_t *stats;
	enum err e;

	e = migrate_convert(r->app->store, r->from, r->to, r->to_drv, dir, &r->stats, &info);
	if (e) {
		r->rc = app_fail(e, &info);
		log_error("the migration stopped: the contacts of '%s' could not be converted",
			  r->from->name);
		return -1;
	}
	stats = migrate_stats_json(&r->stats);
	if (stats)
		json_object_update(r->mig, stats);
	json_decref(stats);
	print_conversion(r, dir);
	return 0;
}

/* Opt-outs TO cannot record, kept in the store (not on a dry run). */
static int remember_optouts(struct run *r)
{
	struct errinfo info = { ERR_OK, "" };
	uint64_t added;
	enum err e;

	if (r->o->push.dry_run)
		return 0;
	e = migrate_remember_optouts(r->app->store, r->dataset, r->to, r->to_drv, &added, &info);
	if (e) {
		r->rc = app_fail(e, &info);
		return -1;
	}
	json_object_set_new(r->mig, "optouts_remembered", json_integer((json_int_t)added));
	if (added)
		log_info("%llu numbers opted out at '%s' are not created at '%s' (%s cannot record "
			 "an opt-out); the store keeps them so that no push to '%s' ever creates them",
			 (unsigned long long)added, r->from->name, r->to->name, r->to_drv->name,
			 r->to->name);
	return 0;
}

static void push(struct run *r)
{
	struct errinfo info = { ERR_OK, "" };
	struct push_summary sum;
	enum err e;

	r->o->push.desired = r->dataset;
	r->o->push.snapshot_fresh = 1;
	e = push_cli_run(r->app->store, r->to, r->to_drv, &r->o->push, &sum, &info);
	r->rec.push = push_summary_json(&sum);
	if (log_is_enabled(LOG_INFO))
		push_summary_print(stdout, &sum, log_format() == LOG_JSON);
	if (e)
		r->rc = app_fail(e, &info);	/* guard 3, budget 6, remote 4, store 5 */
	else if (push_summary_is_partial(&sum))	/* what was not carried over warned */
		r->rc = EXIT_PARTIAL;
}

static void record(struct run *r)
{
	struct errinfo info = { ERR_OK, "" };

	r->rec.exit_status = r->rc;
	r->rec.end = time(NULL);
	r->rec.migrate = r->mig;
	if (runlog_save(r->app->store, &r->rec, &info))
		log_warn("profile '%s': the run was not recorded: %s", r->to->name, info.msg);
	json_decref(r->rec.pull);
	json_decref(r->rec.push);
	json_decref(r->mig);
}

/* The two profiles and their drivers; -1 with rc set when unusable. */
static int profiles(struct run *r)
{
	struct errinfo info = { ERR_OK, "" };

	if (!strcmp(r->o->from, r->o->to)) {
		log_error("--from and --to name the same profile '%s'", r->o->from);
		return r->rc = EXIT_USAGE, -1;
	}
	if (!(r->from = config_profile(&r->app->config, r->o->from, &info)) ||
	    !(r->to = config_profile(&r->app->config, r->o->to, &info)) ||
	    !(r->from_drv = pull_driver(r->from, &info)) || !(r->to_drv = pull_driver(r->to, &info)))
		return r->rc = app_fail(ERR_CONFIG, &info), -1;
	return 0;
}

static int run(struct app *app, struct migrate_opts *o)
{
	struct errinfo info = { ERR_OK, "" };
	struct lockfile lock_from = LOCKFILE_INIT, lock_to = LOCKFILE_INIT;
	struct run r;
	char id[64], dir[4096];
	json_t *from_pull = NULL;
	enum err e;

	memset(&r, 0, sizeof(r));
	r.app = app;
	r.o = o;
	r.rc = EXIT_OK;
	if (profiles(&r))
		return r.rc;
	e = lockfile_take_profile(&lock_from, store_dir(app->store), r.from->name, &info);
	if (!e)
		e = lockfile_take_profile(&lock_to, store_dir(app->store), r.to->name, &info);
	if (e) {
		r.rc = app_fail(e, &info);
		goto out;
	}
	migrate_dataset(r.from->name, r.dataset, sizeof(r.dataset));
	r.rec.command = "migrate";
	r.rec.start = runlog_id(id, sizeof(id));
	r.rec.id = o->push.run_id = id;
	r.rec.profile = r.to->name;
	r.rec.provider = r.to_drv->name;
	r.mig = json_pack("{s:s,s:s}", "from", r.from->name, "from_provider", r.from_drv->name);
	if (!r.mig) {
		r.rc = app_fail(ERR_NOMEM, NULL);
		goto out;
	}
	push_results_dir(app->store, r.to->name, &o->push, dir, sizeof(dir));
	if (results_mkdir(dir, &info)) {
		r.rc = app_fail(ERR_IO, &info);
		json_decref(r.mig);
		goto out;
	}
	o->push.results_dir = dir;
	r.rec.results = dir;
	if (!pull(&r, r.from, r.from_drv, 1, &from_pull)) {
		json_object_set_new(r.mig, "pull", from_pull);
		if (!convert(&r, dir) && !pull(&r, r.to, r.to_drv, 0, &r.rec.pull) &&
		    !remember_optouts(&r))
			push(&r);
	} else {
		json_object_set_new(r.mig, "pull", from_pull);
	}
	record(&r);
out:
	migrate_stats_free(&r.stats);
	lockfile_release(&lock_to);
	lockfile_release(&lock_from);
	return r.rc;
}

int cmd_migrate(int argc, char **argv, struct app *app)
{
	struct migrate_opts o;
	struct errinfo info = { ERR_OK, "" };
	struct opts_spec spec = { .usage = usage, .summary = summary, .footer = footer };
	struct opt *table;
	int npos, done, rc;

	memset(&o, 0, sizeof(o));
	push_opts_init(&o.push);
	table = opts_concat(own_options, push_cli_options);
	if (!table)
		return app_fail(ERR_NOMEM, NULL);
	spec.opts = table;
	rc = app_parse(app, &spec, argc, argv, option, &o, &npos, &done);
	if (done)
		goto out;
	if (push_cli_finish(&o.push, &info)) {
		log_error("%s (see 'contactsync migrate --help')", info.msg);
		rc = EXIT_USAGE;
		goto out;
	}
	if (npos || !o.from || !o.to) {
		log_error("migrate needs --from PROFILE and --to PROFILE, and no other arguments "
			  "(see 'contactsync migrate --help')");
		rc = EXIT_USAGE;
		goto out;
	}
	rc = run(app, &o);
out:
	free(table);
	return rc;
}
