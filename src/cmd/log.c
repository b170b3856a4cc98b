/* log: text or JSON diagnostics on stderr, and status lines (see log.h). */
#include "log.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define DRAW_EVERY_MS 250	/* status lines: at most four redraws a second */
#define WINDOW_MS 10000		/* the rate is over the last ten seconds */
#define NSAMPLES 64		/* > WINDOW_MS / DRAW_EVERY_MS */
#define LINE_MAX_BYTES 512

static enum log_format g_format = LOG_TEXT;
static enum log_level g_level = LOG_INFO;
static int g_tty;		/* standard error is a terminal */
static int g_dumb;		/* TERM=dumb: no escape sequences at all */
static int g_color;		/* colour the prefixes */
static int g_progress = 1;	/* status lines wanted (--no-progress clears it) */

static const char *const level_names[] = { "error", "warning", "info", "debug" };
static const char *const level_colors[] = { "\033[1;31m", "\033[1;33m" };

/* the status line on the terminal */
static int g_shown;		/* drawn, not erased yet */
static size_t g_shown_len;	/* its length (dumb terminals erase with spaces) */
static long long g_next_draw;	/* not before this (ms, monotonic clock) */

/* the running phase, and the samples its rate is worked out from */
struct sample {
	long long t;
	double done, fraction;
};

static struct {
	char phase[16];
	long long t0;
	int active;
	char what[256];		/* the status line's subject; "" adopts the next */
	struct sample s[NSAMPLES];	/* oldest first */
	size_t n;
} g_ph;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int env_set(const char *name)
{
	const char *v = getenv(name);

	return v && *v;
}

void log_setup(enum log_format fmt, int verbosity)
{
	const char *term = getenv("TERM");

	g_format = fmt;
	/* -q keeps warnings: an unattended run must still say what went wrong. */
	g_level = verbosity < 0 ? LOG_WARN : verbosity > 0 ? LOG_DEBUG : LOG_INFO;
	g_tty = isatty(STDERR_FILENO);
	g_dumb = term && !strcmp(term, "dumb");
	/* https://no-color.org: set and not empty, whatever its value */
	g_color = g_tty && !g_dumb && fmt == LOG_TEXT && !env_set("NO_COLOR");
}

void log_set_progress(int on)
{
	g_progress = on;
}

int log_is_enabled(enum log_level level)
{
	return level <= g_level;
}

enum log_format log_format(void)
{
	return g_format;
}

/* ---- JSON ------------------------------------------------------------------ */

/* Length of the well-formed UTF-8 sequence at s (n bytes left), 0 if none. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* A file name, a server's message cut short: not always UTF-8. */
struct json_t *log_json_str(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p), i = 0, o = 0, len;
	json_t *j = json_string((const char *)p);
	char *out;

	if (j)
		return j;
	out = malloc(n * 3 + 1);
	if (!out)
		return NULL;
	while (i < n) {
		len = utf8_len(p + i, n - i);
		if (len) {
			memcpy(out + o, p + i, len);
			o += len;
			i += len;
		} else {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		}
	}
	out[o] = '\0';
	j = json_string(out);
	free(out);
	return j;
}

static void emit_json(enum log_level level, const char *event, const char *msg, json_t *fields)
{
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;
	json_t *obj = json_object();
	char *line = NULL;

	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (obj) {
		json_object_set_new(obj, "time", json_string(ts));
		json_object_set_new(obj, "level", json_string(level_names[level]));
		json_object_set_new(obj, "msg", log_json_str(msg));
		json_object_set_new(obj, "event", json_string(event));
		if (json_is_object(fields))
			json_object_update_missing(obj, fields);	/* never the four above */
		line = json_dumps(obj, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER |
				  JSON_REAL_PRECISION(15));	/* 0.103, not 0.10299999999999999 */
	}
	if (line)
		fprintf(stderr, "%s\n", line);
	else
		fprintf(stderr, "{\"level\":\"%s\",\"msg\":\"(unprintable)\",\"event\":\"%s\"}\n",
			level_names[level], event);
	free(line);
	json_decref(obj);
	json_decref(fields);
}

/* ---- messages ---------------------------------------------------------------- */

void log_msg(enum log_level level, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	if (!log_is_enabled(level))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_progress_end();
	if (g_format == LOG_JSON) {
		emit_json(level, level_names[level], msg, NULL);
		return;
	}
	if (level == LOG_INFO)
		fprintf(stderr, "%s\n", msg);
	else if (g_color && level <= LOG_WARN)
		fprintf(stderr, "%s%s:\033[m %s\n", level_colors[level], level_names[level], msg);
	else
		fprintf(stderr, "%s: %s\n", level_names[level], msg);
}

void log_event(enum log_level level, const char *event, json_t *fields, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	if (g_format != LOG_JSON || !log_is_enabled(level)) {
		json_decref(fields);
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	emit_json(level, event, msg, fields);
}

/* ---- phases -------------------------------------------------------------------- */

static void window_reset(long long t, double done, double fraction)
{
	g_ph.s[0] = (struct sample){ t, done, fraction };
	g_ph.n = 1;
}

static json_t *phase_fields(const char *phase, const char *profile, json_t *fields)
{
	json_t *o = json_object();

	json_object_set_new(o, "phase", json_string(phase));
	if (profile)
		json_object_set_new(o, "profile", log_json_str(profile));
	if (json_is_object(fields))
		json_object_update_missing(o, fields);
	json_decref(fields);
	return o;
}

void log_phase_start(const char *phase, const char *profile, json_t *fields)
{
	long long t = now_ms();

	log_progress_end();
	snprintf(g_ph.phase, sizeof(g_ph.phase), "%s", phase);
	g_ph.t0 = t;
	g_ph.active = 1;
	g_ph.what[0] = '\0';
	window_reset(t, 0, 0);
	g_next_draw = t + DRAW_EVERY_MS;	/* a phase that is over at once draws nothing */
	if (profile)
		log_event(LOG_INFO, "phase_start", phase_fields(phase, profile, fields),
			  "%s started (profile '%s')", phase, profile);
	else
		log_event(LOG_INFO, "phase_start", phase_fields(phase, NULL, fields),
			  "%s started", phase);
}

void log_phase_end(const char *phase, const char *profile, int ok, json_t *fields)
{
	long long ms = g_ph.active && !strcmp(g_ph.phase, phase) ? now_ms() - g_ph.t0 : 0;
	json_t *o;

	log_progress_end();
	g_ph.active = 0;
	g_ph.what[0] = '\0';
	g_ph.n = 0;
	o = json_object();
	json_object_set_new(o, "ok", json_boolean(ok));
	json_object_set_new(o, "duration_s", json_real((double)ms / 1000.0));
	if (json_is_object(fields))
		json_object_update_missing(o, fields);
	json_decref(fields);
	o = phase_fields(phase, profile, o);
	if (profile)
		log_event(LOG_INFO, "phase_end", o, "%s %s (profile '%s')", phase,
			  ok ? "finished" : "failed", profile);
	else
		log_event(LOG_INFO, "phase_end", o, "%s %s", phase, ok ? "finished" : "failed");
}

/* ---- status lines ----------------------------------------------------------- */

static int status_on(void)
{
	return g_progress && g_tty && g_format == LOG_TEXT && log_is_enabled(LOG_INFO);
}

int log_is_status_due(void)
{
	return status_on() && now_ms() >= g_next_draw;
}

static int term_width(void)
{
	struct winsize ws;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

/* Draws line over the last one, cut to the terminal's width (a line that
 * wrapped could not be drawn over). */
static void draw(const char *line)
{
	size_t len = strlen(line), max = (size_t)term_width() - 1;

	if (len > max) {
		len = max;
		while (len && ((unsigned char)line[len] & 0xc0) == 0x80)
			len--;	/* not in the middle of a character */
	}
	fprintf(stderr, "\r%.*s", (int)len, line);
	if (g_dumb) {
		size_t pad = g_shown && g_shown_len > len ? g_shown_len - len : 0;

		fprintf(stderr, "%*s", (int)pad, "");
	} else {
		fputs("\033[K", stderr);	/* the rest of a longer line drawn before */
	}
	fflush(stderr);
	g_shown = 1;
	g_shown_len = len;
}

/* Adds a sample, keeping one at least WINDOW_MS old when there is one. */
static void window_add(long long t, double done, double fraction)
{
	if (g_ph.n == NSAMPLES) {
		memmove(g_ph.s, g_ph.s + 1, (NSAMPLES - 1) * sizeof(*g_ph.s));
		g_ph.n--;
	}
	g_ph.s[g_ph.n++] = (struct sample){ t, done, fraction };
	while (g_ph.n > 2 && g_ph.s[1].t <= t - WINDOW_MS) {
		memmove(g_ph.s, g_ph.s + 1, (g_ph.n - 1) * sizeof(*g_ph.s));
		g_ph.n--;
	}
}

static int fmt_eta(char *out, size_t cap, double s)
{
	long long t = (long long)(s + 0.5);

	if (s < 0 || s > 99.0 * 3600)
		return 0;
	if (t >= 3600)
		snprintf(out, cap, ", ETA %lld:%02lld:%02lld", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(out, cap, ", ETA %lld:%02lld", t / 60, t % 60);
	return 1;
}

void log_status(const struct log_status *st)
{
	char line[LINE_MAX_BYTES], pct[16] = "", rate[32] = "", eta[32] = "";
	long long t = now_ms();
	const struct sample *a, *b;
	double r = 0, rf = 0, fraction = st->fraction;

	if (!status_on() || t < g_next_draw)
		return;
	g_next_draw = t + DRAW_EVERY_MS;
	if (!g_ph.what[0] || !g_ph.n) {
		/* the first line of the phase (its start is the first sample) */
		snprintf(g_ph.what, sizeof(g_ph.what), "%s", st->what);
		if (!g_ph.n)
			window_reset(t, (double)st->done, fraction);
	} else if (strcmp(g_ph.what, st->what)) {
		/* another file, another account: another rate */
		snprintf(g_ph.what, sizeof(g_ph.what), "%s", st->what);
		window_reset(t, (double)st->done, fraction);
	}
	window_add(t, (double)st->done, fraction);
	a = &g_ph.s[0];
	b = &g_ph.s[g_ph.n - 1];
	if (b->t - a->t >= 500) {
		r = (b->done - a->done) * 1000.0 / (double)(b->t - a->t);
		if (a->fraction >= 0 && b->fraction >= a->fraction)
			rf = (b->fraction - a->fraction) * 1000.0 / (double)(b->t - a->t);
		snprintf(rate, sizeof(rate), r >= 100 ? ", %.0f/s" : ", %.1f/s", r);
	}
	if (st->total) {
		fraction = (double)st->done / (double)st->total;
		if (r > 0 && st->done < st->total)
			fmt_eta(eta, sizeof(eta), (double)(st->total - st->done) / r);
	} else if (fraction >= 0 && rf > 0) {
		fmt_eta(eta, sizeof(eta), (1.0 - fraction) / rf);
	}
	if (fraction >= 0 && (st->total || fraction > 0))
		snprintf(pct, sizeof(pct), " (%d%%)", (int)(fraction > 1 ? 100 : fraction * 100));
	if (st->total)
		snprintf(line, sizeof(line), "%s: %llu of %llu %s%s%s%s%s", st->what,
			 (unsigned long long)st->done, (unsigned long long)st->total, st->unit,
			 pct, rate, eta, st->detail ? st->detail : "");
	else
		snprintf(line, sizeof(line), "%s: %llu %s%s%s%s%s", st->what,
			 (unsigned long long)st->done, st->unit, pct, rate, eta,
			 st->detail ? st->detail : "");
	draw(line);
}

void log_progress(const char *fmt, ...)
{
	char line[LINE_MAX_BYTES];
	long long t = now_ms();
	va_list ap;

	if (!status_on() || t < g_next_draw)
		return;
	g_next_draw = t + DRAW_EVERY_MS;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	draw(line);
}

void log_progress_end(void)
{
	if (!g_shown)
		return;
	if (g_dumb)
		fprintf(stderr, "\r%*s\r", (int)g_shown_len, "");
	else
		fputs("\r\033[K", stderr);	/* back to the start, clear the line */
	g_shown = 0;
	g_shown_len = 0;
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
