/*
 * exitcode: the exit codes, the contract with cron jobs and scripts, as one
 * table that generates the enum, `contactsync --help`'s list, the words of
 * `status` and of the report, and the words the command footers share.
 * Codes are appended, never renumbered.
 *
 * Columns: value, name, then three wordings of the same meaning:
 *   brief  what `status` prints after a run's code: "exit 6 (stopped early)"
 *   words  the report's Summary ("6: stopped early: run again to continue")
 *   help   the line of `contactsync --help` (and of the man page)
 * Three and not one because each is published output that people and
 * scripts already read byte for byte; they sit side by side here so that
 * they cannot drift apart and a new code gets all three.
 *
 * The footers of `sync --help` and `migrate --help` say most codes in their
 * command's own terms (which step failed, which file lists what) and splice
 * in the words of the codes that mean the same for every command; those are
 * string macros (EXIT_WORDS_*) so that a footer stays one constant string.
 */
#ifndef CONTACTSYNC_EXITCODE_H
#define CONTACTSYNC_EXITCODE_H

#define EXIT_WORDS_OK "done"
#define EXIT_WORDS_GUARD "a guard stopped the run before any write"

/*
 * One meaning per code. Rejected input rows are no failure: they are
 * reported (counts, the rejects file, a warning that -q still shows) and
 * leave the status alone, so that 1 keeps meaning "operations failed" and
 * a cron job with one bad number in its list does not fail every night;
 * too many of them is a guard (3, --max-rejects). A help line may run on
 * over lines indented by five spaces (the man page and the README's table
 * hold the same words, checked by tests/e2e/t_exitcodes.sh).
 */
#define EXIT_CODES(X)                                                                   \
	X(0, EXIT_OK, "ok", EXIT_WORDS_OK,                                              \
	  "success (rejected input rows are reported, not failed)")                    \
	X(1, EXIT_PARTIAL, "operations failed",                                         \
	  "some operations failed, or an output could not be written",                 \
	  "some operations failed at the provider, or an output could not be\n"       \
	  "     written (diff --exit-code: changes are planned; phone: a number is\n"  \
	  "     not valid)")                                                            \
	X(2, EXIT_USAGE, "usage or configuration error",                                \
	  "usage or configuration error, or a bad file",                               \
	  "usage or configuration error, or an unreadable input file")                 \
	X(3, EXIT_GUARD, "stopped by a guard", EXIT_WORDS_GUARD,                        \
	  "a safety guard stopped the run before any write (too many rejected\n"      \
	  "     rows, an empty or shrinking list or remote listing, too many\n"       \
	  "     deletes or opt-outs)")                                                 \
	X(4, EXIT_REMOTE, "remote error", "the remote service failed",                  \
	  "a remote service error stopped the run")                                     \
	X(5, EXIT_STORE, "store error", "store error",                                  \
	  "local store error (locked, corrupt, full, unwritable), or a results\n"     \
	  "     file that cannot be written")                                          \
	X(6, EXIT_BUDGET, "stopped early", "stopped early: run again to continue",      \
	  "stopped early (time budget, SIGINT, SIGTERM, or a wait beyond\n"          \
	  "     max_wait), run again to continue")

#define EXITCODE_ENUM_(value, name, brief, words, help) name = value,
enum exit_code { EXIT_CODES(EXITCODE_ENUM_) };
#undef EXITCODE_ENUM_

/* The lines of --help's list, one string constant: "  0  success\n" … */
#define EXITCODE_HELP_LINE_(value, name, brief, words, help) "  " #value "  " help "\n"
#define EXITCODE_HELP EXIT_CODES(EXITCODE_HELP_LINE_)

/* The footer that commands' --help end with (then their own notes). */
#define EXITCODE_FOOTER "exit status:\n" EXITCODE_HELP "\n"

/* The number of codes; they run from 0 to EXITCODE_COUNT - 1. */
#define EXITCODE_COUNT_(value, name, brief, words, help) + 1
#define EXITCODE_COUNT (0 EXIT_CODES(EXITCODE_COUNT_))

/* Static strings, never NULL; "failed" for a code not in the table (a
 * damaged run record). */
const char *exitcode_brief(long long code);
const char *exitcode_words(long long code);
const char *exitcode_help(long long code);

/* "EXIT_GUARD" for 3, or NULL for a code not in the table. */
const char *exitcode_name(long long code);

#endif
