/* duration: "1h30m", "500ms", "90" as milliseconds (see duration.h). */
#include "duration.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

/* The unit at *end, stepping over it: milliseconds per unit, or -1. A
 * bare number is seconds, but only as the whole duration. */
static long long unit_at(char **end, int whole)
{
	switch (**end) {
	case 'd': ++*end; return 86400000LL;
	case 'h': ++*end; return 3600000LL;
	case 'm':
		if ((*end)[1] == 's') {
			*end += 2;
			return 1;
		}
		++*end;
		return 60000LL;
	case 's': ++*end; return 1000LL;
	case '\0': return whole ? 1000LL : -1;
	default: return -1;
	}
}

long long duration_ms(const char *s)
{
	long long total = 0, unit, part;
	const char *p = s;

	if (!*p)
		return -1;
	while (*p) {
		char *end;
		double v;

		if (*p == '-' || *p == '+')
			return -1;
		errno = 0;
		v = strtod(p, &end);
		if (errno || end == p || !(v >= 0))	/* !(v >= 0): NaN too */
			return -1;
		unit = unit_at(&end, p == s);
		if (unit < 0 || v * (double)unit > 9e15)
			return -1;
		part = (long long)(v * (double)unit);
		if (total > LLONG_MAX - part)
			return -1;
		total += part;
		p = end;
	}
	return total;
}

char *duration_format(long long ms, char *out, size_t outsize)
{
	static const struct { char unit; long long s; } units[] = {
		{ 'd', 86400 }, { 'h', 3600 }, { 'm', 60 }, { 's', 1 },
	};
	long long s;
	size_t i, o = 0;
	int parts = 0;

	if (!outsize)
		return out;
	if (ms < 1000) {
		snprintf(out, outsize, "%lldms", ms > 0 ? ms : 0);
		return out;
	}
	s = (ms + 500) / 1000;
	out[0] = '\0';
	for (i = 0; i < sizeof(units) / sizeof(units[0]) && parts < 2; i++) {
		long long n = s / units[i].s;

		if (units[i].unit == 'd' && n < 2)
			n = 0;	/* "24h", "36h": a day and a half reads better in hours */
		if (!n) {
			if (parts)
				break;	/* "1h5s" would hide the minutes: "1h" */
			continue;
		}
		s -= n * units[i].s;
		if (o < outsize)
			o += (size_t)snprintf(out + o, outsize - o, "%lld%c", n, units[i].unit);
		parts++;
	}
	return out;
}
