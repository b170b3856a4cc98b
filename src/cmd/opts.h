/*
 * opts: one option parser for every command, driven by tables
 * ({long, short, argument, help}), so `-h` is printed from the very table
 * that is parsed and help can never lie about an option.
 *
 * Accepts `--long value`, `--long=value`, `-s value`, `-svalue`, bundled
 * short flags (`-qv`), `--` to end options, and `-` as a positional
 * argument. Options and positional arguments may be mixed unless
 * `stop_at_positional` is set (global options before the command).
 */
#ifndef CONTACTSYNC_OPTS_H
#define CONTACTSYNC_OPTS_H

#include <stdio.h>

#include "err.h"

struct opt {
	const char *lng;	/* without the dashes */
	char shrt;		/* 0 when none */
	const char *arg;	/* argument name for help, NULL for a flag */
	const char *help;
	int id;
};

struct opts_spec {
	const char *usage;	/* "contactsync import [OPTIONS] FILE..." */
	const char *summary;	/* one line */
	const struct opt *opts;	/* terminated by an entry with lng == NULL */
	const char *footer;	/* more help text, or NULL */
	int stop_at_positional;
};

enum opts_result { OPTS_OK, OPTS_HELP, OPTS_ERROR };

/*
 * Parses argv[1..argc). For each option calls cb(ctx, id, arg) (arg is NULL
 * for flags); a non-zero return stops parsing with OPTS_ERROR and the
 * callback is expected to have filled info. Positional arguments are moved
 * to the front of argv ([0..*npos)). -h/--help gives OPTS_HELP.
 */
enum opts_result opts_parse(const struct opts_spec *spec, int argc, char **argv,
			    int (*cb)(void *ctx, int id, const char *arg,
				      struct errinfo *info),
			    void *ctx, int *npos, struct errinfo *info);

void opts_help(FILE *fp, const struct opts_spec *spec);

/*
 * A new table with a's entries then b's, terminated, for a command that
 * takes the options of two modules (sync: import's and push's). The ids
 * are kept, so the tables must use ranges of their own. The entries'
 * strings are borrowed from a and b. Caller frees it with free; NULL when
 * out of memory.
 */
struct opt *opts_concat(const struct opt *a, const struct opt *b);

#endif
