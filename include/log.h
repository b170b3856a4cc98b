/*
 * log: diagnostics on standard error, as text (`error: ...`) or as one
 * JSON object per line ({"time","level","msg"}) for log collectors.
 * Standard output is left to the commands' results.
 */
#ifndef CONTACTSYNC_LOG_H
#define CONTACTSYNC_LOG_H

enum log_format { LOG_TEXT, LOG_JSON };
enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* verbosity: -1 quiet (errors only), 0 normal, 1 verbose (debug). */
void log_setup(enum log_format fmt, int verbosity);
int log_enabled(enum log_level level);
/* The format log_setup chose (commands that print results as JSON follow it). */
enum log_format log_format(void);

void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

/*
 * A status line for a long wait ("pulling 'shop': 1200 of 25000"), redrawn
 * in place at most once a second, and only when standard error is a
 * terminal and info messages are shown, so that a log file never gets
 * carriage returns. Any message, and log_progress_end, erases it first.
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
