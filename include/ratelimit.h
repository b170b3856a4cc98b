/*
 * ratelimit: an adaptive token bucket that keeps a client under a provider's
 * request rate.
 *
 * The clock is injected: every call takes the current time in milliseconds
 * (any monotonic origin), so the bucket never reads a clock or sleeps and
 * tests can drive it with a fake one.
 *
 * Invariants:
 * - Never more than `burst` requests at once, never more than the configured
 *   rate on average: the current rate only goes down from it (on a 429) and
 *   back up to it (on successes), never above.
 * - The bucket refills to the burst less a reserve (50 ms of the rate, at
 *   least one token, at most half the burst) that absorbs requests reaching
 *   the server closer together than they left; only a fixed window that the
 *   server says has ended (X-RateLimit-Remaining) is used whole.
 * - A pause (a 429's Retry-After, or X-RateLimit-Remaining reaching 0) blocks
 *   every acquisition until it ends; pauses only ever extend, never shorten.
 * - The rate is halved at most once per throttling episode: a 429 for a
 *   request sent before the last halving says nothing about the new rate.
 *
 * An unlimited bucket (rate spec "0" or "none") never makes anyone wait except
 * for pauses.
 */
#ifndef CONTACTSYNC_RATELIMIT_H
#define CONTACTSYNC_RATELIMIT_H

#include "err.h"

/* A parsed rate spec: `count` requests per `period_ms`, `burst` at once. */
struct ratelimit_spec {
	double count;		/* 0 = unlimited */
	long long period_ms;
	double burst;
};

/*
 * Parses "N/s", "N/m", "N/h", "N/Ms" ("60/60s": 60 requests per 60 s),
 * optionally followed by ",burst=B" (default: N, what a fixed window
 * allows at once), or "0", "none" or "" for no limit.
 */
enum err ratelimit_parse(const char *spec, struct ratelimit_spec *out,
			 struct errinfo *info);

/* Fields are private; the struct is public so that it can be embedded. */
struct ratelimit {
	double base;		/* configured rate, tokens per ms; 0 = unlimited */
	double rate;		/* current rate, tokens per ms, <= base */
	double burst;
	double cap;		/* what the bucket refills to: burst less a reserve */
	double tokens;
	long long period_ms;	/* the spec's window: the wait when a reset is unknown */
	long long last_ms;	/* tokens were last refilled up to here */
	long long paused_until;
	long long halved_at;	/* when the rate was last halved */
};

void ratelimit_init(struct ratelimit *rl, const struct ratelimit_spec *spec,
		    long long now_ms);

/*
 * Takes a token and returns 0 when a request may be sent now; otherwise
 * takes nothing and returns the milliseconds to wait before asking again.
 */
long long ratelimit_acquire(struct ratelimit *rl, long long now_ms);

/*
 * A 429 for a request sent at sent_ms: pauses everything for wait_ms and
 * halves the rate (down to 1/64 of the configured one), once per episode.
 */
void ratelimit_throttled(struct ratelimit *rl, long long now_ms,
			 long long sent_ms, long long wait_ms);

/* A successful response: the rate creeps back up by a tenth of the
 * configured rate (additive increase). */
void ratelimit_succeeded(struct ratelimit *rl, long long now_ms);

/*
 * The server's X-RateLimit-Remaining (and X-RateLimit-Reset in ms, -1 when
 * absent). At 0 remaining everything pauses until the reset, or for one
 * period of the spec when the reset is unknown.
 */
void ratelimit_remaining(struct ratelimit *rl, long long now_ms,
			 long remaining, long long reset_ms);

/* The tokens left at now_ms (0 when unlimited: nothing to carry over). */
double ratelimit_tokens(struct ratelimit *rl, long long now_ms);

/*
 * Starts from `tokens` that an earlier client of the same account had left
 * age_ms ago (plus what the rate has given back since) rather than from a
 * full burst: the server has not forgotten what that client spent. Only
 * ever lowers the tokens.
 */
void ratelimit_resume(struct ratelimit *rl, long long now_ms, double tokens,
		      long long age_ms);

/* The current rate in requests per second (0 = unlimited). */
double ratelimit_rate(const struct ratelimit *rl);

/* The end of the current pause (<= now when there is none). */
long long ratelimit_paused_until(const struct ratelimit *rl);

#endif
