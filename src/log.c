/* log: text or JSON diagnostics on stderr (see log.h). */
#include "log.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static enum log_format g_format = LOG_TEXT;
static enum log_level g_level = LOG_INFO;
static int g_progress_shown;	/* a status line is on the terminal */
static time_t g_progress_time;	/* when it was last drawn */

static const char *const level_names[] = { "error", "warning", "info", "debug" };

void log_setup(enum log_format fmt, int verbosity)
{
	g_format = fmt;
	/* -q keeps warnings: an unattended run must still say what went wrong. */
	g_level = verbosity < 0 ? LOG_WARN : verbosity > 0 ? LOG_DEBUG : LOG_INFO;
}

int log_enabled(enum log_level level)
{
	return level <= g_level;
}

enum log_format log_format(void)
{
	return g_format;
}

static void emit_json(enum log_level level, const char *msg)
{
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;
	json_t *obj;
	char *line;

	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	obj = json_pack("{s:s, s:s, s:s}", "time", ts, "level",
			level_names[level], "msg", msg);
	line = obj ? json_dumps(obj, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	if (line)
		fprintf(stderr, "%s\n", line);
	else
		fprintf(stderr, "{\"level\":\"%s\",\"msg\":\"(unprintable)\"}\n",
			level_names[level]);
	free(line);
	json_decref(obj);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	if (!log_enabled(level))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_progress_end();
	if (g_format == LOG_JSON) {
		emit_json(level, msg);
		return;
	}
	if (level == LOG_INFO)
		fprintf(stderr, "%s\n", msg);
	else
		fprintf(stderr, "%s: %s\n", level_names[level], msg);
}

void log_progress(const char *fmt, ...)
{
	time_t now = time(NULL);
	va_list ap;

	if (!log_enabled(LOG_INFO) || !isatty(STDERR_FILENO) || now == g_progress_time)
		return;
	g_progress_time = now;
	fputc('\r', stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\033[K", stderr);	/* the rest of a longer line drawn before */
	g_progress_shown = 1;
}

void log_progress_end(void)
{
	if (!g_progress_shown)
		return;
	fputs("\r\033[K", stderr);	/* back to the start, clear the line */
	g_progress_shown = 0;
}

void log_warn_hook(void *ctx, const char *msg)
{
	(void)ctx;
	log_warn("%s", msg);
}

void log_info_hook(void *ctx, const char *msg)
{
	(void)ctx;
	log_info("%s", msg);
}

void log_progress_hook(void *ctx, const char *msg)
{
	(void)ctx;
	if (msg)
		log_progress("%s", msg);
	else
		log_progress_end();
}
