/* ratelimit: adaptive token bucket with an injected clock. */
#include "ratelimit.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Float slack: refills add fractions of a token, and 10 x 0.1 must be 1. */
#define EPS 1e-9
/* How far a 429 may push the rate down, as a fraction of the configured one. */
#define MIN_FRACTION (1.0 / 64)
/* Additive increase per success, as a fraction of the configured rate. */
#define STEP_FRACTION (1.0 / 10)
/* The bucket keeps this much of the rate in reserve (at least one token):
 * requests reach the server's counter unevenly (the first ones open their
 * connections, later ones reuse them), so a client that spends its last
 * token whenever it may is a little ahead of the server's bucket. */
#define RESERVE_MS 50.0

static int parse_uint(const char **p, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)**p))
		return 0;
	errno = 0;
	v = strtoul(*p, &end, 10);
	if (errno || v > 1000000)
		return 0;
	*p = end;
	*out = v;
	return 1;
}

static int parse_unit(const char **p, long long *unit_ms)
{
	static const struct { const char *name; long long ms; } units[] = {
		{ "min", 60000 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 },
	};
	size_t i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		size_t n = strlen(units[i].name);

		if (strncmp(*p, units[i].name, n) == 0) {
			*p += n;
			*unit_ms = units[i].ms;
			return 1;
		}
	}
	return 0;
}

enum err ratelimit_parse(const char *spec, struct ratelimit_spec *out,
			 struct errinfo *info)
{
	const char *p = spec;
	unsigned long n, mult = 1, burst;
	long long unit;

	memset(out, 0, sizeof(*out));
	if (!spec || !*spec || strcmp(spec, "0") == 0 || strcmp(spec, "none") == 0)
		return ERR_OK;
	if (!parse_uint(&p, &n) || n == 0 || *p++ != '/')
		goto bad;
	if (isdigit((unsigned char)*p) && (!parse_uint(&p, &mult) || mult == 0))
		goto bad;
	if (!parse_unit(&p, &unit))
		goto bad;
	burst = n;
	if (strncmp(p, ",burst=", 7) == 0) {
		p += 7;
		if (!parse_uint(&p, &burst) || burst == 0)
			goto bad;
	}
	if (*p)
		goto bad;
	out->count = (double)n;
	out->period_ms = (long long)mult * unit;
	out->burst = (double)burst;
	return ERR_OK;
bad:
	return err_set(info, ERR_CONFIG,
		       "invalid rate '%s': expected N/s, N/m, N/60s (optionally ,burst=B) or 0 for none",
		       spec);
}

void ratelimit_init(struct ratelimit *rl, const struct ratelimit_spec *spec,
		    long long now_ms)
{
	memset(rl, 0, sizeof(*rl));
	rl->halved_at = LLONG_MIN;
	rl->last_ms = now_ms;
	rl->paused_until = now_ms;
	if (!spec || spec->count <= 0 || spec->period_ms <= 0)
		return;
	rl->base = spec->count / (double)spec->period_ms;
	rl->rate = rl->base;
	rl->burst = spec->burst >= 1 ? spec->burst : 1;
	rl->cap = rl->burst - fmax(1.0, rl->base * RESERVE_MS);
	if (rl->cap < rl->burst / 2)
		rl->cap = rl->burst / 2;
	if (rl->cap < 1)
		rl->cap = 1;
	rl->tokens = rl->cap;
	rl->period_ms = spec->period_ms;
}

/* Brings the bucket up to now at the current rate. Time before last_ms
 * (inside a pause that reset the bucket) earns nothing. */
static void refill(struct ratelimit *rl, long long now_ms)
{
	if (now_ms <= rl->last_ms)
		return;
	/* up to the cap; a window's whole allowance granted above it stays */
	if (rl->tokens < rl->cap) {
		rl->tokens += (double)(now_ms - rl->last_ms) * rl->rate;
		if (rl->tokens > rl->cap)
			rl->tokens = rl->cap;
	}
	rl->last_ms = now_ms;
}

long long ratelimit_acquire(struct ratelimit *rl, long long now_ms)
{
	double wait;

	if (now_ms < rl->paused_until)
		return rl->paused_until - now_ms;
	if (rl->base <= 0)
		return 0;
	refill(rl, now_ms);
	if (rl->tokens >= 1 - EPS) {
		rl->tokens -= 1;
		return 0;
	}
	wait = ceil((1 - rl->tokens) / rl->rate - EPS);
	return wait < 1 ? 1 : (long long)wait;
}

/* Everything waits until `until`; then `tokens` requests may go at once
 * and the bucket fills again from there. */
static void pause_until(struct ratelimit *rl, long long until, double tokens)
{
	if (until <= rl->paused_until)
		return;
	rl->paused_until = until;
	if (rl->base <= 0)
		return;
	rl->tokens = tokens;
	rl->last_ms = until;
}

void ratelimit_throttled(struct ratelimit *rl, long long now_ms,
			 long long sent_ms, long long wait_ms)
{
	if (wait_ms < 0)
		wait_ms = 0;
	if (rl->base > 0 && sent_ms >= rl->halved_at) {
		refill(rl, now_ms);
		rl->rate /= 2;
		if (rl->rate < rl->base * MIN_FRACTION)
			rl->rate = rl->base * MIN_FRACTION;
		rl->halved_at = now_ms;
	}
	/* the server just said we were over: burst credit saved before is
	 * void, one request may go when the pause ends */
	pause_until(rl, now_ms + wait_ms, 1);
}

void ratelimit_succeeded(struct ratelimit *rl, long long now_ms)
{
	if (rl->base <= 0 || rl->rate >= rl->base)
		return;
	refill(rl, now_ms);
	rl->rate += rl->base * STEP_FRACTION;
	if (rl->rate > rl->base - EPS * rl->base)
		rl->rate = rl->base;
}

void ratelimit_remaining(struct ratelimit *rl, long long now_ms,
			 long remaining, long long reset_ms)
{
	if (remaining != 0)
		return;
	if (reset_ms < 0)
		reset_ms = rl->period_ms;	/* a fixed window ends within one period */
	/* the window is used up; the next one starts with its whole allowance,
	 * which a bucket refilling from 1 would waste (half the rate, with
	 * altum's 60 per 60 s window) */
	pause_until(rl, now_ms + reset_ms, rl->burst);
}

double ratelimit_tokens(struct ratelimit *rl, long long now_ms)
{
	if (rl->base <= 0)
		return 0;
	refill(rl, now_ms);
	return rl->tokens;
}

void ratelimit_resume(struct ratelimit *rl, long long now_ms, double tokens,
		      long long age_ms)
{
	double t;

	if (rl->base <= 0 || age_ms < 0 || tokens < 0)
		return;
	refill(rl, now_ms);
	t = tokens + (double)age_ms * rl->base;
	if (t < rl->tokens)
		rl->tokens = t;
}

double ratelimit_rate(const struct ratelimit *rl)
{
	return rl->rate * 1000.0;
}

long long ratelimit_paused_until(const struct ratelimit *rl)
{
	return rl->paused_until;
}
