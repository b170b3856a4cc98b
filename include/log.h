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

void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
