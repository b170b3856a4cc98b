/*
 * ratehdr: what a server's rate-limit headers ask of a client, as a wait.
 *
 * Servers say "come back later" in several ways, and X-RateLimit-Reset in
 * three units that must not be confused: seconds from now ("30"), a Unix
 * time in seconds ("1767225600") or in milliseconds ("1767225600000").
 * Taking one for another turns a minute into 56,000 years, so a value is
 * classified by where it falls against the current time:
 *   - 0 .. RATEHDR_HORIZON_S             seconds from now
 *   - now - 1 day .. now + the horizon   a Unix time in seconds
 *   - the same window in milliseconds     a Unix time in milliseconds
 *   - anything else (negative, a sign, letters, a time decades away)
 *                                         not trusted: the caller backs
 *                                         off as if the header were absent
 * A Unix time already past asks for no wait (clock skew).
 *
 * The clock is injected (now_ms: milliseconds since the Unix epoch) so the
 * unit tests can use hand-derived values. Nothing here sleeps.
 */
#ifndef CONTACTSYNC_RATEHDR_H
#define CONTACTSYNC_RATEHDR_H

/* The furthest a wait may be and still be believed: a year. */
#define RATEHDR_HORIZON_S (365LL * 86400)

enum ratehdr_kind {
	RATEHDR_ABSENT,		/* no value (NULL or empty) */
	RATEHDR_UNTRUSTED,	/* a value that is no believable wait */
	RATEHDR_SECONDS,	/* seconds from now */
	RATEHDR_EPOCH_S,	/* a Unix time in seconds */
	RATEHDR_EPOCH_MS,	/* a Unix time in milliseconds */
	RATEHDR_MS,		/* milliseconds from now (retry-after-ms) */
	RATEHDR_DATE,		/* an HTTP-date (Retry-After) */
};

/* X-RateLimit-Reset: *wait_ms is set (>= 0) for a trusted value only. */
enum ratehdr_kind ratehdr_reset(const char *value, long long now_ms, long long *wait_ms);

/* Retry-After: delta seconds or an HTTP-date (RFC 9110, 10.2.3). */
enum ratehdr_kind ratehdr_retry_after(const char *value, long long now_ms,
				      long long *wait_ms);

/* retry-after-ms: milliseconds from now. */
enum ratehdr_kind ratehdr_retry_after_ms(const char *value, long long *wait_ms);

/* "seconds", "Unix time in seconds", ...: for messages. Never NULL. */
const char *ratehdr_kind_name(enum ratehdr_kind kind);

#endif
