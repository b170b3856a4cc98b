/*
 * pull_cli: the pull as `pull` and `sync` run it (as import_cli and
 * push_cli are for theirs): its messages to the log, a status line on a
 * terminal while the account is listed, phase_start and phase_end events.
 */
#ifndef CONTACTSYNC_PULL_CLI_H
#define CONTACTSYNC_PULL_CLI_H

#include "pull.h"

/* Options with the log's hooks (warnings, rate-limit waits, progress). */
void pull_cli_init(struct pull_opts *o);

/* --max-remote-shrink-percent P (pull and sync): 0 with P in *out, or -1
 * with info set (ERR_USAGE). */
int pull_cli_shrink_option(const char *arg, unsigned *out, struct errinfo *info);

/* The help line of that option and of --force, for pull's table. */
#define PULL_CLI_SHRINK_HELP "do not use a listing that shrank by more than P% against\n" \
	"                                 the last snapshot: exit 3, the snapshot kept (default 50)"

/* pull_profile between a phase_start and a phase_end event. */
enum err pull_cli_run(struct store *st, const struct profile *p, const struct provider *drv,
		      const struct pull_opts *o, struct pull_stats *stats,
		      struct errinfo *info);

#endif
