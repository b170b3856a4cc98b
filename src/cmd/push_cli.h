/*
 * push_cli: the push options, shared by `push` and `sync` (one table, one
 * parser, so both commands accept and document them alike).
 */
#ifndef CONTACTSYNC_PUSH_CLI_H
#define CONTACTSYNC_PUSH_CLI_H

#include "opts.h"
#include "push.h"

/* Option ids in the table are PUSH_CLI_ID_BASE and above, so a command can
 * put its own options (ids below) in the same parse. */
#define PUSH_CLI_ID_BASE 1000

/* Terminated by an entry with lng == NULL. */
extern const struct opt push_cli_options[];

/* Handles one option of push_cli_options (-1 with info on a bad value). */
int push_cli_option(struct push_opts *o, int id, const char *arg, struct errinfo *info);

/* Checks the combination after parsing (mode mirror vs --on-missing …). */
int push_cli_finish(struct push_opts *o, struct errinfo *info);

/*
 * push_run as `push` and `sync` run it: a status line on a terminal while
 * requests run (not in a dry run, which prints its requests), a failure
 * event for every operation that failed (a debug message in text logs),
 * phase_start and phase_end events, and the summary as an event (not
 * when the push could not start: ERR_USAGE, ERR_CONFIG). Sets o's hooks,
 * and catches SIGINT and SIGTERM while push_run runs (o->stop; a second
 * signal ends the process at once).
 */
enum err push_cli_run(struct store *st, const struct profile *p, const struct provider *drv,
		      struct push_opts *o, struct push_summary *sum, struct errinfo *info);


#endif
