/*
 * cellfmt: spreadsheet values as the text a CSV of the sheet would hold.
 *
 * Numbers: integral values up to 2^53 are printed with all their digits
 * (a phone stored as a number must reach the normaliser digit for digit),
 * other values with 15 significant digits, as Excel's General format and
 * LibreOffice's Standard one show them: 0.1 + 0.2 (0.30000000000000004,
 * which SheetJS writes for 0.3) is 0.3 and 1/3 is 0.333333333333333, as
 * in the CSV either would save. Exponents are written as Excel shows them
 * (1E-07; LibreOffice shows 0.0000001 and 1E+016).
 *
 * Dates: a serial counts days, the fraction is the time of day. Excel's
 * 1900 system believes 1900 was a leap year (a bug inherited from Lotus
 * 1-2-3): serial 60 is 1900-02-29, which never existed, and is printed as
 * Excel shows it; serials below 60 are one day later than a plain count
 * from 1899-12-30 would make them. The 1904 system (old Mac workbooks)
 * counts from 1904-01-01 and has no such quirk.
 */
#include "read/cellfmt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TWO_53 9007199254740992.0
/* 9999-12-31 in the 1900 system, the last day Excel can show. */
#define SERIAL_MAX 2958465.0
/* Days from 1899-12-30 (serial 0 of the 1900 system past its bug) to
 * 1904-01-01 (serial 0 of the 1904 system). */
#define EPOCH_1904 1462

/* Turns C's "1e-07" into Excel's "1E-07"; returns the length. */
static size_t upper_exponent(char *out)
{
	char *e = strchr(out, 'e');

	if (e)
		*e = 'E';
	return strlen(out);
}

size_t cellfmt_number(double v, char *out)
{
	if (!isfinite(v))
		return (size_t)snprintf(out, CELLFMT_MAX, "%s",
					isnan(v) ? "NaN" : v < 0 ? "-Infinity" :
					"Infinity");
	if (v == 0)
		return (size_t)snprintf(out, CELLFMT_MAX, "0");	/* not -0 */
	if (fabs(v) <= TWO_53 && v == trunc(v))
		return (size_t)snprintf(out, CELLFMT_MAX, "%.0f", v);
	snprintf(out, CELLFMT_MAX, "%.15g", v);
	return upper_exponent(out);
}

/* Proleptic Gregorian date of a day count from 1970-01-01 (Howard
 * Hinnant's civil_from_days). */
static void civil(long long z, int *y, unsigned *m, unsigned *d)
{
	long long era, yy;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = (long long)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yy + (*m <= 2));
}

/* 1899-12-30 counted from 1970-01-01. */
#define DAYS_1899_12_30 (-25569LL)

/* Writes the date of a whole day serial; 0 when it is outside
 * 1900..9999 or is day 0 of the 1900 system ("1900-01-00"). */
static int write_date(long long day, int date1904, char *out)
{
	int y;
	unsigned m, d;

	if (!date1904) {
		if (day < 1)
			return 0;
		if (day == 60) {	/* the day Excel made up */
			memcpy(out, "1900-02-29", 11);
			return 1;
		}
		if (day < 60)
			day++;
	} else {
		day += EPOCH_1904;
	}
	civil(day + DAYS_1899_12_30, &y, &m, &d);
	if (y < 1900 || y > 9999)
		return 0;
	snprintf(out, CELLFMT_MAX, "%04d-%02u-%02u", y, m, d);
	return 1;
}

size_t cellfmt_serial(double serial, int date1904, enum cellfmt_kind kind,
		      char *out)
{
	char date[CELLFMT_MAX];
	long long day, secs;

	if (kind != CELLFMT_DATE && kind != CELLFMT_TIME &&
	    kind != CELLFMT_DATETIME)
		return cellfmt_number(serial, out);
	if (!isfinite(serial) || serial < 0 || serial >= SERIAL_MAX + 1)
		return cellfmt_number(serial, out);
	/* Round to the second first, so 0.99999999 is the next midnight. */
	day = (long long)floor(serial);
	secs = llround((serial - (double)day) * 86400.0);
	if (secs >= 86400) {
		day++;
		secs -= 86400;
	}
	if (kind == CELLFMT_TIME)
		return (size_t)snprintf(out, CELLFMT_MAX, "%02lld:%02lld:%02lld",
					secs / 3600, secs / 60 % 60, secs % 60);
	if (!write_date(day, date1904, date)) {
		/* A time of day with a date-time format, as Excel shows it
		 * ("1/0/1900 18:00"), has no date worth printing. */
		if (kind == CELLFMT_DATETIME && !date1904 && day == 0)
			return cellfmt_serial(serial, 0, CELLFMT_TIME, out);
		return cellfmt_number(serial, out);
	}
	if (kind == CELLFMT_DATE)
		return (size_t)snprintf(out, CELLFMT_MAX, "%s", date);
	return (size_t)snprintf(out, CELLFMT_MAX, "%sT%02lld:%02lld:%02lld",
				date, secs / 3600, secs / 60 % 60, secs % 60);
}

enum cellfmt_kind cellfmt_builtin(unsigned id)
{
	switch (id) {
	case 14: case 15: case 16: case 17:
		return CELLFMT_DATE;
	case 18: case 19: case 20: case 21:
	case 45: case 46: case 47:
		return CELLFMT_TIME;
	case 22:
		return CELLFMT_DATETIME;
	case 49:
		return CELLFMT_TEXT;
	/* East Asian locale formats: hours and minutes in every locale for
	 * 32 and 33; the others are dates in some locales and times in
	 * others, and a date loses less. */
	case 32: case 33:
		return CELLFMT_TIME;
	default:
		if ((id >= 27 && id <= 36) || (id >= 50 && id <= 58))
			return CELLFMT_DATE;
		return CELLFMT_NUMBER;
	}
}

/* Tokens of a format code that matter for its kind; NONE separates
 * nothing (":" "/" "-" " " ...) and OTHER (digits, '#', '@' ...) ends an
 * h/m/s run. */
enum tok { TOK_NONE, TOK_Y, TOK_M, TOK_D, TOK_H, TOK_S, TOK_AMPM, TOK_AT,
	   TOK_OTHER };

#define MAX_TOKS 64

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Token at s (a letter group counts once), *len its length in bytes. */
static enum tok next_tok(const char *s, size_t *len)
{
	int c = lower((unsigned char)s[0]);
	size_t n = 1;

	if (strncasecmp(s, "am/pm", 5) == 0) {
		*len = 5;
		return TOK_AMPM;
	}
	if (strncasecmp(s, "a/p", 3) == 0) {
		*len = 3;
		return TOK_AMPM;
	}
	if (strncasecmp(s, "general", 7) == 0) {
		*len = 7;
		return TOK_OTHER;
	}
	if (strchr("ymdhs", c) && c) {
		while (lower((unsigned char)s[n]) == c)
			n++;
		*len = n;
		return c == 'y' ? TOK_Y : c == 'm' ? TOK_M : c == 'd' ? TOK_D :
			c == 'h' ? TOK_H : TOK_S;
	}
	*len = 1;
	if (c == '@')
		return TOK_AT;
	if (c == '0' || c == '#' || c == '?' || c == 'e' || c == '%')
		return TOK_OTHER;
	return TOK_NONE;
}

/* Elapsed-time brackets ([h], [mm], [ss]) count as their letter; other
 * brackets (colours, locales, conditions) as nothing. */
static enum tok bracket_tok(const char *s, size_t n)
{
	size_t i;
	int c;

	if (n == 0)
		return TOK_NONE;
	c = lower((unsigned char)s[0]);
	if (c != 'h' && c != 'm' && c != 's')
		return TOK_NONE;
	for (i = 1; i < n; i++)
		if (lower((unsigned char)s[i]) != c)
			return TOK_NONE;
	return c == 'h' ? TOK_H : c == 'm' ? TOK_M : TOK_S;
}

/* Splits the first section of a format code into tokens (quoted text,
 * escapes, fill and padding characters skipped); returns their count. */
static size_t tokenize(const char *code, enum tok *toks)
{
	const char *p = code, *end;
	size_t n = 0, len;
	enum tok t;

	while (*p && *p != ';' && n < MAX_TOKS) {
		switch (*p) {
		case '"':
			end = strchr(p + 1, '"');
			p = end ? end + 1 : p + strlen(p);
			continue;
		case '\\': case '_': case '*':
			p += p[1] ? 2 : 1;
			continue;
		case '[':
			end = strchr(p + 1, ']');
			if (!end)
				return n;
			t = bracket_tok(p + 1, (size_t)(end - p - 1));
			if (t != TOK_NONE)
				toks[n++] = t;
			p = end + 1;
			continue;
		default:
			break;
		}
		t = next_tok(p, &len);
		if (t != TOK_NONE)
			toks[n++] = t;
		p += len;
	}
	return n;
}

enum cellfmt_kind cellfmt_classify(const char *code)
{
	enum tok toks[MAX_TOKS];
	size_t n, i;
	int date = 0, time = 0, at = 0;

	if (!code)
		return CELLFMT_NUMBER;
	n = tokenize(code, toks);
	for (i = 0; i < n; i++) {
		switch (toks[i]) {
		case TOK_Y: case TOK_D:
			date = 1;
			break;
		case TOK_H: case TOK_S: case TOK_AMPM:
			time = 1;
			break;
		case TOK_M:
			/* Minutes right after hours or right before seconds,
			 * separators between them not counting. */
			if ((i > 0 && toks[i - 1] == TOK_H) ||
			    (i + 1 < n && toks[i + 1] == TOK_S))
				time = 1;
			else
				date = 1;
			break;
		case TOK_AT:
			at = 1;
			break;
		default:
			break;
		}
	}
	if (date && time)
		return CELLFMT_DATETIME;
	if (date)
		return CELLFMT_DATE;
	if (time)
		return CELLFMT_TIME;
	return at ? CELLFMT_TEXT : CELLFMT_NUMBER;
}
