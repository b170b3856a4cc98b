/*
 * contactsync: entry point. Parses the global options, looks the command up
 * in the single command table, does the setup its row asks for (store open
 * for read or write), runs it, and turns a failed write of standard output
 * into a failure, as git does.
 */
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "log.h"

#define VERSION "0.1.0"

enum needs {
	NEEDS_NOTHING = 0,
	NEEDS_STORE_READ = 1,
	NEEDS_STORE_WRITE = 2,
	NEEDS_CONFIG = 4,
};

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv, struct app *app);
	unsigned needs;	/* enum needs flags */
	const char *summary;
} commands[] = {
	{ "phone", cmd_phone, NEEDS_NOTHING, "normalise phone numbers to E.164" },
	{ "import", cmd_import, NEEDS_STORE_WRITE, "read contact files into the desired set" },
	{ "export", cmd_export, NEEDS_STORE_READ, "write the desired set as CSV, JSON or XLSX" },
	{ "pull", cmd_pull, NEEDS_STORE_WRITE | NEEDS_CONFIG, "fetch a profile's remote contacts into the store" },
	{ "diff", cmd_diff, NEEDS_STORE_READ | NEEDS_CONFIG, "plan the changes that make a profile's account match" },
	{ "push", cmd_push, NEEDS_STORE_WRITE | NEEDS_CONFIG, "apply the plan to a profile's account" },
	{ "sync", cmd_sync, NEEDS_STORE_WRITE | NEEDS_CONFIG, "import, pull and push a profile in one run (for cron)" },
	{ "migrate", cmd_migrate, NEEDS_STORE_WRITE | NEEDS_CONFIG, "copy every contact of one profile's account to another's" },
	{ "status", cmd_status, NEEDS_STORE_READ | NEEDS_CONFIG, "the store, each profile's snapshot, journal and last runs" },
	{ "report", cmd_report, NEEDS_STORE_READ, "a run as an Excel workbook: summary, chart, changes, failures" },
	{ NULL, NULL, 0, NULL },
};

enum { G_STORE, G_CONFIG, G_LOG_FORMAT, G_NO_PROGRESS, G_QUIET, G_VERBOSE, G_VERSION };

static const struct opt global_opts[] = {
	{ "store", 0, "DIR", "store directory (default $CONTACTSYNC_STORE, else ./.contactsync)", G_STORE },
	{ "config", 0, "FILE", "configuration file", G_CONFIG },
	{ "log-format", 0, "text|json", "format of diagnostics on stderr (default text)", G_LOG_FORMAT },
	{ "no-progress", 0, NULL, "no status lines on a terminal", G_NO_PROGRESS },
	{ "quiet", 'q', NULL, "only warnings and errors", G_QUIET },
	{ "verbose", 'v', NULL, "also debug messages", G_VERBOSE },
	{ "version", 0, NULL, "print the version and exit", G_VERSION },
	{ NULL, 0, NULL, NULL, 0 },
};

static const char exit_help[] = "exit codes:\n" EXITCODE_HELP;

static const struct opts_spec global_spec = {
	.usage = "contactsync [--store DIR] [--config FILE] [--log-format text|json] [--no-progress] [-q|-v] COMMAND [ARGS]",
	.summary = "Keeps SMS-platform contact lists in sync.",
	.opts = global_opts,
	.footer = NULL,
	.stop_at_positional = 1,
};

struct globals {
	struct app *app;
	enum log_format fmt;
	int no_progress;
	int version;
};

int app_exit_code(enum err e)
{
	switch (e) {
	case ERR_OK:
		return EXIT_OK;
	case ERR_USAGE:
	case ERR_CONFIG:
	case ERR_IO:
	case ERR_NOT_FOUND:
	case ERR_LIMIT:
	case ERR_FORMAT:
	case ERR_ENCODING:
		return EXIT_USAGE;
	case ERR_STORE:
	case ERR_STORE_LOCKED:
	case ERR_STORE_CORRUPT:
	case ERR_STORE_FULL:
	case ERR_STORE_VERSION:
	case ERR_RESULTS:	/* the undo record (before.jsonl) is local state */
		return EXIT_STORE;
	case ERR_REMOTE:
	case ERR_AUTH:
	case ERR_NETWORK:
	case ERR_TIMEOUT:
	case ERR_CHANGED:
		return EXIT_REMOTE;
	case ERR_GUARD:
		return EXIT_GUARD;
	case ERR_BUDGET:
	case ERR_INTERRUPTED:
		return EXIT_BUDGET;
	default:
		return EXIT_PARTIAL;
	}
}

int app_fail(enum err e, const struct errinfo *info)
{
	if (info && info->msg[0])
		log_error("%s", info->msg);
	else
		log_error("%s", err_str(e));
	return app_exit_code(e);
}

static void global_help(FILE *fp)
{
	const struct command *c;

	opts_help(fp, &global_spec);
	fprintf(fp, "\ncommands:\n");
	for (c = commands; c->name; c++)
		fprintf(fp, "  %-10s %s\n", c->name, c->summary);
	fprintf(fp, "\n'contactsync COMMAND --help' describes a command.\n\n%s", exit_help);
}

static int setup(const struct command *c, struct app *app);

int app_parse(struct app *app, const struct opts_spec *spec, int argc, char **argv,
	      int (*cb)(void *ctx, int id, const char *arg, struct errinfo *info),
	      void *ctx, int *npos, int *done)
{
	struct errinfo info = { ERR_OK, "" };
	int rc;

	*done = 1;
	switch (opts_parse(spec, argc, argv, cb, ctx, npos, &info)) {
	case OPTS_HELP:
		opts_help(stdout, spec);
		return EXIT_OK;
	case OPTS_ERROR: {
		/* "contactsync import [...]" → "contactsync import" */
		const char *sp = strchr(spec->usage, ' ');
		int len = sp && strchr(sp + 1, ' ') ? (int)(strchr(sp + 1, ' ') - spec->usage)
						    : (int)strlen(spec->usage);

		log_error("%s (see '%.*s --help')", info.msg[0] ? info.msg : "invalid usage",
			  len, spec->usage);
		return EXIT_USAGE;
	}
	default:
		break;
	}
	rc = app->cmd ? setup(app->cmd, app) : EXIT_OK;
	*done = rc != EXIT_OK;
	return rc;
}

static int global_cb(void *ctx, int id, const char *arg, struct errinfo *info)
{
	struct globals *g = ctx;

	switch (id) {
	case G_STORE:
		g->app->store_dir = arg;
		return 0;
	case G_CONFIG:
		g->app->config_path = arg;
		return 0;
	case G_LOG_FORMAT:
		if (!strcmp(arg, "text"))
			g->fmt = LOG_TEXT;
		else if (!strcmp(arg, "json"))
			g->fmt = LOG_JSON;
		else {
			err_set(info, ERR_USAGE, "--log-format must be text or json, not '%s'", arg);
			return -1;
		}
		return 0;
	case G_NO_PROGRESS:
		g->no_progress = 1;
		return 0;
	case G_QUIET:
		g->app->verbosity = -1;
		return 0;
	case G_VERBOSE:
		g->app->verbosity = 1;
		return 0;
	case G_VERSION:
		g->version = 1;
		return 0;
	}
	return -1;
}

static const struct command *find_command(const char *name)
{
	const struct command *c;

	for (c = commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static int setup(const struct command *c, struct app *app)
{
	struct errinfo info = { ERR_OK, "" };
	unsigned flags = 0;
	enum err e;

	if (c->needs & NEEDS_CONFIG) {
		e = config_load(&app->config, app->config_path, &info);
		if (e)
			return app_fail(e, &info);
	}
	if (!(c->needs & (NEEDS_STORE_READ | NEEDS_STORE_WRITE)))
		return EXIT_OK;
	if (c->needs & NEEDS_STORE_WRITE)
		flags = STORE_WRITE | STORE_CREATE;
	e = store_open(&app->store, app->store_dir, flags, &info);
	if (e)
		return app_fail(e, &info);
	return EXIT_OK;
}

/* A command whose output could not be written has failed (git does this). */
static int finish_stdout(int rc)
{
	int failed = fflush(stdout) != 0 || ferror(stdout);

	if (fclose(stdout) != 0)
		failed = 1;
	if (failed && errno != EPIPE) {
		log_error("cannot write to standard output: %s", strerror(errno));
		return rc ? rc : EXIT_PARTIAL;
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct app app = { 0 };
	struct globals g = { &app, LOG_TEXT, 0, 0 };
	const struct command *cmd;
	int npos = 0, rc;

	struct errinfo info = { ERR_OK, "" };

	switch (opts_parse(&global_spec, argc, argv, global_cb, &g, &npos, &info)) {
	case OPTS_HELP:
		global_help(stdout);
		return finish_stdout(EXIT_OK);
	case OPTS_ERROR:
		log_error("%s (see 'contactsync --help')", info.msg);
		return EXIT_USAGE;
	default:
		break;
	}
	log_setup(g.fmt, app.verbosity);
	log_set_progress(!g.no_progress);
	if (g.version) {
		printf("contactsync %s\n", VERSION);
		return finish_stdout(EXIT_OK);
	}
	if (npos == 0) {
		global_help(stderr);
		return EXIT_USAGE;
	}
	/* argv[0..npos) now holds COMMAND ARGS... */
	if (!strcmp(argv[0], "help") && npos > 1) {
		argv[0] = argv[1];
		argv[1] = "--help";
		npos = 2;
	}
	/* once per process, before any thread or transfer (libcurl's rule) */
	if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
		log_error("cannot initialise libcurl");
		return EXIT_REMOTE;
	}
	atexit(curl_global_cleanup);
	cmd = find_command(argv[0]);
	if (!cmd) {
		log_error("unknown command '%s' (see 'contactsync --help')", argv[0]);
		return EXIT_USAGE;
	}
	if (!app.store_dir)
		app.store_dir = getenv("CONTACTSYNC_STORE");
	if (!app.store_dir || !*app.store_dir)
		app.store_dir = "./.contactsync";
	app.cmd = cmd;
	rc = cmd->fn(npos, argv, &app);
	store_close(app.store);
	config_free(&app.config);
	return finish_stdout(rc);
}
