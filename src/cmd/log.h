/*
 * log: diagnostics on standard error, as text (`error: ...`) or as one
 * JSON object per line for log collectors (the schema is in README.md,
 * "Logs for machines": every object has "time", "level", "msg" and
 * "event"; field names are never renamed or reused).
 * Standard output is left to the commands' results.
 *
 * On a terminal, and only there, this module also draws: the `error:` and
 * `warning:` prefixes in colour (never when NO_COLOR is set and not empty,
 * or TERM is dumb), and a status line per phase of a run, redrawn in place
 * at most four times a second, with the rate and the time left worked out
 * here. Modules never draw: they report numbers through hooks, and the
 * commands' glue (import_cli, pull_cli, push_cli) turns those into status
 * lines and events.
 */
#ifndef CONTACTSYNC_LOG_H
#define CONTACTSYNC_LOG_H

#include <stdint.h>

struct json_t;	/* jansson's */

enum log_format { LOG_TEXT, LOG_JSON };
enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* verbosity: -1 quiet (errors and warnings only), 0 normal, 1 verbose
 * (debug). Looks at standard error and the environment (NO_COLOR, TERM)
 * once, here. */
void log_setup(enum log_format fmt, int verbosity);
/* --no-progress: no status lines (on by default; they are drawn only when
 * standard error is a terminal, the format is text and info is shown). */
void log_set_progress(int on);
int log_is_enabled(enum log_level level);
/* The format log_setup chose (commands that print results as JSON follow it). */
enum log_format log_format(void);

/* A message: text "error: ..." (info without a prefix), or in JSON an
 * event named after its level ("error", "warning", "info", "debug"). */
void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

/*
 * An event for log collectors, in JSON only (text logs say the same in the
 * commands' reports): {"time","level","msg","event", fields...}. fields is
 * an object or NULL, stolen (freed here, whatever happens); a field named
 * like one of the four common ones is dropped. Nothing when level is not
 * shown.
 */
void log_event(enum log_level level, const char *event, struct json_t *fields,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* A JSON string of s (NULL: ""), bytes that are not UTF-8 replaced by
 * U+FFFD, so that a field is never lost to a bad byte (new reference). */
struct json_t *log_json_str(const char *s);

/*
 * A phase of a run: phase is "import", "pull" or "push", profile NULL when
 * none. log_phase_start emits phase_start and starts the phase's clock and
 * status line; log_phase_end erases the status line and emits phase_end
 * with "ok", "duration_s" and fields (stolen, may be NULL). One phase at a
 * time.
 */
void log_phase_start(const char *phase, const char *profile, struct json_t *fields);
void log_phase_end(const char *phase, const char *profile, int ok, struct json_t *fields);

/*
 * The status line of the running phase:
 *   "<what>: <done>[ of <total>] <unit>[ (<pct>%)][, <rate>/s][, ETA m:ss][<detail>]"
 * The rate is over the last ten seconds; the time left comes from total,
 * else from fraction (e.g. bytes read of a file's size). Cut to the
 * terminal's width. A new `what` starts a new rate window.
 */
struct log_status {
	const char *what;	/* "pushing to 'shop'" */
	uint64_t done;
	uint64_t total;		/* 0: not known */
	const char *unit;	/* "operations" */
	double fraction;	/* of the whole, 0..1, when total is not known; < 0: not known */
	const char *detail;	/* ", 3 failed, 120 requests", or NULL */
};

/* 1 when a status line would be drawn now: hooks ask before formatting. */
int log_is_status_due(void);
void log_status(const struct log_status *st);

/*
 * A free-form status line ("pulling 'shop': 1200 of 25000"), under the
 * same rules. Any message, log_progress_end and log_phase_end erase it.
 */
void log_progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_progress_end(void);

/* log_warn, log_info and log_progress in the shape of the message hooks
 * modules take (void (*)(void *ctx, const char *msg)); ctx is unused.
 * log_progress_hook with a NULL msg is log_progress_end. */
void log_warn_hook(void *ctx, const char *msg);
void log_info_hook(void *ctx, const char *msg);
void log_progress_hook(void *ctx, const char *msg);

#endif
