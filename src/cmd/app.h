/*
 * app: what `main` sets up once for every command (the exit codes are
 * exitcode.h's table).
 *
 * Commands (src/cmd/) receive a struct app with the store already opened
 * as their table row asks; they never open LMDB themselves. Only main and
 * the cmd_* functions decide exit codes.
 */
#ifndef CONTACTSYNC_APP_H
#define CONTACTSYNC_APP_H

#include "config.h"
#include "err.h"
#include "exitcode.h"	/* enum exit_code */
#include "opts.h"
#include "store.h"

struct command;

struct app {
	const struct command *cmd;	/* the command's table row */
	const char *store_dir;
	const char *config_path;	/* NULL when none given */
	struct store *store;		/* opened by main per the command's needs */
	struct config config;		/* loaded by main when the command needs profiles */
	int verbosity;			/* -1 quiet, 0 normal, 1 verbose */
};

/* Exit code for an error that stopped a command. */
int app_exit_code(enum err e);

/* Prints "error: <info>" and returns app_exit_code(e). */
int app_fail(enum err e, const struct errinfo *info);

/*
 * Standard handling of opts_parse for a command: prints help (returns 0
 * with *done set), or a one-line usage error (returns EXIT_USAGE with
 * *done set). When the options are good it then does the setup the
 * command's table row asks for (configuration, store), so a usage error
 * is always reported as one, before any store or configuration problem.
 */
int app_parse(struct app *app, const struct opts_spec *spec, int argc, char **argv,
	      int (*cb)(void *ctx, int id, const char *arg, struct errinfo *info),
	      void *ctx, int *npos, int *done);

int cmd_phone(int argc, char **argv, struct app *app);
int cmd_import(int argc, char **argv, struct app *app);
int cmd_export(int argc, char **argv, struct app *app);
int cmd_diff(int argc, char **argv, struct app *app);
int cmd_pull(int argc, char **argv, struct app *app);
int cmd_push(int argc, char **argv, struct app *app);
int cmd_sync(int argc, char **argv, struct app *app);
int cmd_status(int argc, char **argv, struct app *app);
int cmd_migrate(int argc, char **argv, struct app *app);
int cmd_report(int argc, char **argv, struct app *app);

struct report_opts;

/* report.h's options as the commands that write a report (report, sync
 * --report) set them: a missing results file is a warning. */
extern const struct report_opts report_cli_opts;

#endif
