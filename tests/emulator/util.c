/*
 * util: the emulator's small helpers: JSON output into a capped buffer,
 * times in the providers' formats, strict number parsing, phone rules, and
 * the rate limiters (pure functions of the clock passed in, so they are
 * deterministic and the caller holds the lock).
 */
#include "emu.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void out_init(struct out *o, size_t max)
{
	buf_init(&o->b, max);
	o->e = ERR_OK;
}

void out_free(struct out *o)
{
	buf_free(&o->b);
}

void out_raw(struct out *o, const char *s)
{
	if (o->e)
		return;
	o->e = buf_adds(&o->b, s);
}

void out_printf(struct out *o, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n;

	if (o->e)
		return;
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		o->e = ERR_INTERNAL;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		o->e = buf_add(&o->b, small, (size_t)n);
		return;
	}
	/* Rare: long strings go through the buf's own printf. */
	va_start(ap, fmt);
	{
		char *big = NULL;

		if (vasprintf(&big, fmt, ap) < 0)
			o->e = ERR_NOMEM;
		else
			o->e = buf_adds(&o->b, big);
		free(big);
	}
	va_end(ap);
}

void out_str(struct out *o, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p;
	const unsigned char *run;

	if (!s) {
		out_raw(o, "null");
		return;
	}
	if (o->e)
		return;
	o->e = buf_addc(&o->b, '"');
	/* Copy runs of plain bytes at once: dumps of 1M contacts go here. */
	for (p = run = (const unsigned char *)s; *p && !o->e; p++) {
		char esc[7];

		if (*p >= 0x20 && *p != '"' && *p != '\\')
			continue;
		o->e = buf_add(&o->b, run, (size_t)(p - run));
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			esc[2] = '\0';
		} else if (*p == '\n') {
			strcpy(esc, "\\n");
		} else {
			esc[0] = '\\';
			esc[1] = 'u';
			esc[2] = '0';
			esc[3] = '0';
			esc[4] = hex[*p >> 4];
			esc[5] = hex[*p & 15];
			esc[6] = '\0';
		}
		if (!o->e)
			o->e = buf_adds(&o->b, esc);
		run = p + 1;
	}
	if (!o->e)
		o->e = buf_add(&o->b, run, (size_t)(p - run));
	if (!o->e)
		o->e = buf_addc(&o->b, '"');
}

void out_key(struct out *o, bool *first, const char *key)
{
	if (!*first)
		out_raw(o, ",");
	*first = false;
	out_str(o, key);
	out_raw(o, ":");
}

uint64_t emu_mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

void emu_fmt_time(char out[32], int64_t t, bool iso)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 32, iso ? "%Y-%m-%dT%H:%M:%S.000Z" : "%Y-%m-%d %H:%M:%S",
		 &tm);
}

static bool digits(const char **p, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return false;
		*v = *v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return true;
}

bool emu_parse_time(const char *s, int64_t *t)
{
	struct tm tm = { 0 };
	int y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0, sign = 0;
	bool frac = false;
	const char *p = s;

	if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) ||
	    *p++ != '-' || !digits(&p, 2, &d))
		return false;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi))
			return false;
		if (*p == ':') {
			p++;
			if (!digits(&p, 2, &sec))
				return false;
		}
		if (*p == '.') {
			for (p++; isdigit((unsigned char)*p); p++)
				if (*p != '0')
					frac = true;
		}
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			sign = *p++ == '-' ? -1 : 1;
			if (!digits(&p, 2, &oh))
				return false;
			if (*p == ':')
				p++;
			if (*p && !digits(&p, 2, &om))
				return false;
		}
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60)
		return false;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*t = (int64_t)timegm(&tm) - sign * (oh * 3600 + om * 60) + (frac ? 1 : 0);
	return true;
}

bool emu_parse_u64(const char *s, uint64_t *v)
{
	uint64_t x = 0;

	if (!s || !*s)
		return false;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return false;
		if (x > (UINT64_MAX - 9) / 10)
			return false;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	*v = x;
	return true;
}

char *emu_utf8_cut(const char *s, size_t max)
{
	size_t i = 0, chars = 0;

	while (s[i] && chars < max) {
		i++;
		while (((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		chars++;
	}
	return strndup(s, i);
}

int64_t emu_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

char *emu_phone_altum(const char *in)
{
	size_t n = strlen(in), i, j = 0;
	char *p = malloc(n + 2);

	if (!p)
		return NULL;
	for (i = 0; i < n; i++)
		if (isdigit((unsigned char)in[i]) || in[i] == '+')
			p[j++] = in[i];
	p[j] = '\0';
	if (p[0] != '+') {
		memmove(p + 1, p, j + 1);
		p[0] = '+';
		j++;
	}
	/* ^\+\d{1,15}$: a '+' anywhere else, or no digits, fails. */
	if (j < 2 || j > 16 || strchr(p + 1, '+')) {
		free(p);
		return NULL;
	}
	return p;
}

char *emu_phone_e164(const char *in)
{
	size_t n = strlen(in), i, j = 0;
	char *p = malloc(n + 1);

	if (!p)
		return NULL;
	for (i = 0; i < n; i++) {
		if (strchr(" -.()", in[i]))
			continue;
		p[j++] = in[i];
	}
	p[j] = '\0';
	if (j < 8 || j > 16 || p[0] != '+' || p[1] < '1' || p[1] > '9')
		goto bad;
	for (i = 1; i < j; i++)
		if (!isdigit((unsigned char)p[i]))
			goto bad;
	return p;
bad:
	free(p);
	return NULL;
}

/* "60/60s", "10/s", "5/2s", "100/500ms", "30/1m", "0" (unlimited). */
bool emu_rate_parse(const char *spec, struct rate *r)
{
	char *end;
	unsigned long n;
	double w = 1;
	int64_t unit = 1000;

	if (!spec || !*spec || spec[0] == '-')
		return false;
	n = strtoul(spec, &end, 10);
	if (end == spec || n > 1000000)
		return false;
	if (n == 0 && *end == '\0') {
		r->n = 0;
		r->window_ms = 1000;
		return true;
	}
	if (*end != '/' || n == 0)
		return false;
	spec = end + 1;
	if (isdigit((unsigned char)*spec)) {
		w = strtod(spec, &end);
		spec = end;
	}
	if (strcmp(spec, "ms") == 0)
		unit = 1;
	else if (strcmp(spec, "s") == 0)
		unit = 1000;
	else if (strcmp(spec, "m") == 0)
		unit = 60000;
	else
		return false;
	if (w <= 0 || w * (double)unit < 1)
		return false;
	r->n = (unsigned)n;
	r->window_ms = (int64_t)(w * (double)unit);
	return true;
}

void emu_limiter_reset(struct limiter *l)
{
	l->win_start = 0;
	l->win_count = 0;
	l->tokens = 0;
	l->last_ms = 0;
	l->started = false;
}

bool emu_limiter_window(struct limiter *l, int64_t now, unsigned *remaining,
		    unsigned *reset_s)
{
	/* The window starts at the first request after the previous one ended,
	 * and rejected requests count too (AltumCode counts before it checks). */
	if (!l->started || now >= l->win_start + l->rate.window_ms) {
		l->started = true;
		l->win_start = now;
		l->win_count = 0;
	}
	l->win_count++;
	*remaining = l->win_count >= l->rate.n ? 0 : l->rate.n - l->win_count;
	*reset_s = (unsigned)((l->win_start + l->rate.window_ms - now + 999) / 1000);
	return l->win_count <= l->rate.n;
}

bool emu_limiter_bucket(struct limiter *l, int64_t now, int64_t *retry_ms)
{
	double per_ms = (double)l->rate.n / (double)l->rate.window_ms;

	if (!l->started) {
		l->started = true;
		l->tokens = l->rate.n;
		l->last_ms = now;
	}
	l->tokens += (double)(now - l->last_ms) * per_ms;
	if (l->tokens > l->rate.n)
		l->tokens = l->rate.n;
	l->last_ms = now;
	if (l->tokens >= 1) {
		l->tokens -= 1;
		return true;
	}
	*retry_ms = (int64_t)((1 - l->tokens) / per_ms) + 1;
	return false;
}

char *emu_phone_atom(const char *in)
{
	size_t n = strlen(in), i, j = 0, nd = 0;
	char *p = malloc(n + 1);

	if (!p)
		return NULL;
	for (i = 0; i < n; i++) {
		if (in[i] == '+' && j == 0) {
			p[j++] = '+';
		} else if (isdigit((unsigned char)in[i])) {
			p[j++] = in[i];
			nd++;
		} else if (!strchr(" -.()", in[i])) {
			free(p);
			return NULL;
		}
	}
	p[j] = '\0';
	if (nd < 6 || nd > 15) {
		free(p);
		return NULL;
	}
	return p;
}
