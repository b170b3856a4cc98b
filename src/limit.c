/* limit: a ceiling as a count or a share of a total (see limit.h). */
#include "limit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

/* "12.25" (the part before '%') in hundredths: 0-10000, or -1. */
static long share_of(const char *s, const char *end)
{
	long whole = 0, frac = 0;
	int digits = 0, decimals = 0;

	for (; s < end && *s >= '0' && *s <= '9'; s++, digits++)
		if ((whole = whole * 10 + (*s - '0')) > 100)
			return -1;
	if (s < end && *s == '.')
		for (s++; s < end && *s >= '0' && *s <= '9'; s++, decimals++) {
			if (decimals == 2)
				return -1;
			frac = frac * 10 + (*s - '0');
		}
	if (s != end || !digits)
		return -1;
	if (decimals == 1)
		frac *= 10;
	whole = whole * 100 + frac;
	return whole > 10000 ? -1 : whole;
}

int limit_parse(const char *s, struct limit *out)
{
	const char *pct;
	unsigned long long n;
	char *end;
	long share;

	if (!s || !*s)
		return -1;
	for (pct = s; *pct && *pct != '%'; pct++)
		;
	if (*pct) {
		if (pct[1] || (share = share_of(s, pct)) < 0)
			return -1;
		out->kind = LIMIT_SHARE;
		out->share = (unsigned)share;
		out->count = 0;
		return 0;
	}
	if (*s < '0' || *s > '9')
		return -1;	/* strtoull would take "-1" and " 1" */
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || *end)
		return -1;
	out->kind = LIMIT_COUNT;
	out->count = n;
	out->share = 0;
	return 0;
}

int limit_passed(const struct limit *l, uint64_t n, uint64_t total)
{
	switch (l->kind) {
	case LIMIT_COUNT:
		return n > l->count;
	case LIMIT_SHARE:
		if (n > total)
			return 1;
		/* n <= total: neither product overflows below 1.8e15 rows; past
		 * that (never in a contact list) a long double is near enough */
		if (total > UINT64_MAX / 10000)
			return (long double)n * 10000 > (long double)total * l->share;
		return n * 10000 > total * l->share;
	case LIMIT_NONE:
		break;
	}
	return 0;
}

void limit_str(const struct limit *l, char *buf, size_t cap)
{
	if (!cap)
		return;
	if (l->kind == LIMIT_COUNT)
		snprintf(buf, cap, "%llu", (unsigned long long)l->count);
	else if (l->kind == LIMIT_SHARE && l->share % 100 == 0)
		snprintf(buf, cap, "%u%%", l->share / 100);
	else if (l->kind == LIMIT_SHARE && l->share % 10 == 0)
		snprintf(buf, cap, "%u.%u%%", l->share / 100, l->share / 10 % 10);
	else if (l->kind == LIMIT_SHARE)
		snprintf(buf, cap, "%u.%02u%%", l->share / 100, l->share % 100);
	else
		snprintf(buf, cap, "none");
}
