/* ratehdr: rate-limit header values as waits (see ratehdr.h). */
#include "ratehdr.h"

#include <ctype.h>
#include <stddef.h>
#include <time.h>

#include <curl/curl.h>

#define DAY_MS 86400000LL
#define HORIZON_MS (RATEHDR_HORIZON_S * 1000)

/*
 * A non-negative decimal number ("30", "1.5") in thousandths, or -1 for
 * anything else (a sign, an exponent, letters, more than 15 digits in
 * all: no believable wait needs them, and they would overflow).
 */
static long long milli_value(const char *s)
{
	long long v = 0;
	int digits = 0, frac = -1;

	for (; *s; s++) {
		if (*s == '.' && frac < 0 && digits) {
			frac = 0;
			continue;
		}
		if (!isdigit((unsigned char)*s) || ++digits > 15)
			return -1;
		if (frac >= 3)
			continue;	/* below a millisecond: dropped */
		v = v * 10 + (*s - '0');
		if (frac >= 0)
			frac++;
	}
	if (!digits)
		return -1;
	for (frac = frac < 0 ? 0 : frac; frac < 3; frac++)
		v *= 10;
	return v;
}

/* Trims the blanks a header value may carry into buf; NULL when empty. */
static const char *trimmed(const char *v, char *buf, size_t size)
{
	size_t n = 0;

	if (!v)
		return NULL;
	while (*v == ' ' || *v == '\t')
		v++;
	while (v[n] && n + 1 < size)
		n++;
	if (v[n])
		return "?";	/* too long to be a wait: untrusted */
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r' || v[n - 1] == '\n'))
		n--;
	for (size_t i = 0; i < n; i++)
		buf[i] = v[i];
	buf[n] = '\0';
	return n ? buf : NULL;
}

/* A moment at `at` (epoch ms) as a wait from now; untrusted when it is
 * more than a day past or further ahead than the horizon. */
static int until(long long at, long long now_ms, long long *wait_ms)
{
	if (at < now_ms - DAY_MS || at > now_ms + HORIZON_MS)
		return 0;
	*wait_ms = at > now_ms ? at - now_ms : 0;
	return 1;
}

enum ratehdr_kind ratehdr_reset(const char *value, long long now_ms, long long *wait_ms)
{
	char buf[40];
	const char *v = trimmed(value, buf, sizeof(buf));
	long long m;

	if (!v)
		return RATEHDR_ABSENT;
	m = milli_value(v);
	if (m < 0)
		return RATEHDR_UNTRUSTED;
	if (m <= HORIZON_MS) {
		*wait_ms = m;
		return RATEHDR_SECONDS;
	}
	if (until(m, now_ms, wait_ms))
		return RATEHDR_EPOCH_S;
	/* m is the value times 1000: as milliseconds, the value itself */
	if (until(m / 1000, now_ms, wait_ms))
		return RATEHDR_EPOCH_MS;
	return RATEHDR_UNTRUSTED;
}

enum ratehdr_kind ratehdr_retry_after(const char *value, long long now_ms,
				      long long *wait_ms)
{
	char buf[80];
	const char *v = trimmed(value, buf, sizeof(buf));
	long long m;
	time_t t;

	if (!v)
		return RATEHDR_ABSENT;
	if (isdigit((unsigned char)*v)) {
		m = milli_value(v);
		if (m < 0 || m > HORIZON_MS)
			return RATEHDR_UNTRUSTED;
		*wait_ms = m;
		return RATEHDR_SECONDS;
	}
	t = curl_getdate(v, NULL);
	if (t == (time_t)-1 || (long long)t * 1000 > now_ms + HORIZON_MS)
		return RATEHDR_UNTRUSTED;
	/* a date in the past, however far, means "now" to the server */
	m = (long long)t * 1000 - now_ms;
	*wait_ms = m > 0 ? m : 0;
	return RATEHDR_DATE;
}

enum ratehdr_kind ratehdr_retry_after_ms(const char *value, long long *wait_ms)
{
	char buf[40];
	const char *v = trimmed(value, buf, sizeof(buf));
	long long m;

	if (!v)
		return RATEHDR_ABSENT;
	m = milli_value(v);
	if (m < 0 || m / 1000 > HORIZON_MS)
		return RATEHDR_UNTRUSTED;
	*wait_ms = m / 1000;
	return RATEHDR_MS;
}

const char *ratehdr_kind_name(enum ratehdr_kind kind)
{
	switch (kind) {
	case RATEHDR_ABSENT: return "absent";
	case RATEHDR_UNTRUSTED: return "not a believable wait";
	case RATEHDR_SECONDS: return "seconds from now";
	case RATEHDR_EPOCH_S: return "a Unix time in seconds";
	case RATEHDR_EPOCH_MS: return "a Unix time in milliseconds";
	case RATEHDR_MS: return "milliseconds from now";
	case RATEHDR_DATE: return "an HTTP date";
	}
	return "?";
}
