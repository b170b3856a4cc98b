/*
 * numfmt: a number through its spreadsheet format, the way LibreOffice's
 * "as shown" CSV writes it (see numfmt.h for what is understood).
 *
 * A code is split into sections at the ';' outside quotes, escapes and
 * brackets; the section is chosen by its conditions, else by the sign
 * (pos;neg;zero, the text section never applies to a number). The chosen
 * section is read twice: once to count its integer and decimal digit
 * placeholders, thousands commas, scaling commas and percent signs, once
 * to write it. The value's digits are taken from its 15 significant digits
 * (all of them for integers up to 2^53, which are exact), rounded half
 * away from zero at the last decimal shown: both spreadsheets round a
 * decimal that way, not the binary value (2.675 shows 2.68).
 *
 * Placeholders fill from the decimal point outwards: integer digits right
 * to left (digits beyond the placeholders go at the first one), decimals
 * left to right; a placeholder without a digit shows '0' for 0, a space
 * for ?, nothing for #, and the decimal point is shown only when a
 * decimal is. Literals sit where they are written, whether or not digits
 * reach them (123 through ###-#### is -123, as LibreOffice shows it).
 */
#include "read/numfmt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "read/cellfmt.h"

#define MAX_SECTIONS 4
#define MAX_INT 40		/* integer digits written (up to 1e40) */
#define MAX_DEC 30		/* decimal placeholders */
#define TWO_53 9007199254740992.0

enum op { OP_NONE, OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE };

struct section {
	const char *s, *end;	/* body, after the leading brackets */
	enum op op;
	double operand;
};

/* What the first reading of a section found. */
struct layout {
	int ni, nd;		/* integer and decimal placeholders */
	char dec[MAX_DEC];	/* the decimal placeholders, in order */
	int group;		/* thousands separators */
	int scale;		/* trailing commas: divide by 1000 each */
	int pct;		/* percent signs: multiply by 100 each */
};

struct out {
	char *p;
	size_t n;
	int full;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->n + n >= NUMFMT_MAX) {
		o->full = 1;
		return;
	}
	memcpy(o->p + o->n, s, n);
	o->n += n;
	o->p[o->n] = '\0';
}

static void put1(struct out *o, char c)
{
	put(o, &c, 1);
}

static int is_ph(char c)
{
	return c == '0' || c == '#' || c == '?';
}

/* ---- sections -------------------------------------------------------- */

/* Splits code into sections; returns their count, -1 if malformed. */
static int split(const char *code, struct section *sec)
{
	const char *p = code, *q;
	int n = 0;

	sec[0].s = p;
	while (*p) {
		if (*p == '"' || *p == '[') {
			q = strchr(p + 1, *p == '"' ? '"' : ']');
			if (!q)
				return -1;
			p = q + 1;
			continue;
		}
		if (*p == '\\' || *p == '_' || *p == '*') {
			if (!p[1])
				return -1;
			p += 2;
			continue;
		}
		if (*p == ';') {
			sec[n].end = p;
			if (++n == MAX_SECTIONS)
				return -1;
			sec[n].s = p + 1;
		}
		p++;
	}
	sec[n].end = p;
	return n + 1;
}

static int is_colour(const char *s, size_t n)
{
	static const char *const names[] = { "black", "blue", "cyan", "green",
		"magenta", "red", "white", "yellow" };
	size_t i;

	if (n > 5 && strncasecmp(s, "color", 5) == 0)
		return 1;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == n && strncasecmp(s, names[i], n) == 0)
			return 1;
	return 0;
}

/* A condition such as "<=9999999"; 0 when it is one. */
static int parse_cond(const char *s, const char *end, struct section *sec)
{
	static const struct { const char *t; enum op op; } ops[] = {
		{ "<=", OP_LE }, { ">=", OP_GE }, { "<>", OP_NE },
		{ "<", OP_LT }, { ">", OP_GT }, { "=", OP_EQ },
	};
	size_t i, n;
	char num[48], *e;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		n = strlen(ops[i].t);
		if (strncmp(s, ops[i].t, n) == 0)
			break;
	}
	if (i == sizeof(ops) / sizeof(ops[0]))
		return -1;
	s += n;
	if (end - s <= 0 || (size_t)(end - s) >= sizeof(num))
		return -1;
	memcpy(num, s, (size_t)(end - s));
	num[end - s] = '\0';
	sec->operand = strtod(num, &e);
	if (e == num || *e)
		return -1;
	sec->op = ops[i].op;
	return 0;
}

/* Reads the brackets a section starts with (conditions, colours, a
 * locale tag without a currency symbol); -1 on any other bracket. */
static int brackets(struct section *sec)
{
	const char *p = sec->s, *q;

	sec->op = OP_NONE;
	while (p < sec->end && *p == '[') {
		q = memchr(p, ']', (size_t)(sec->end - p));
		if (!q)
			return -1;
		p++;
		if (*p == '<' || *p == '>' || *p == '=') {
			if (sec->op != OP_NONE || parse_cond(p, q, sec))
				return -1;
		} else if (*p == '$') {
			if (p[1] != '-' && p + 1 != q)
				return -1;	/* a currency symbol */
		} else if (!is_colour(p, (size_t)(q - p))) {
			return -1;
		}
		p = q + 1;
	}
	sec->s = p;
	return 0;
}

static int matches(const struct section *sec, double v)
{
	switch (sec->op) {
	case OP_LT: return v < sec->operand;
	case OP_LE: return v <= sec->operand;
	case OP_GT: return v > sec->operand;
	case OP_GE: return v >= sec->operand;
	case OP_EQ: return v == sec->operand;
	case OP_NE: return v != sec->operand;
	default: return 0;
	}
}

/* A condition meant for negative numbers shows them without the sign. */
static int for_negatives(const struct section *sec)
{
	return (sec->op == OP_LT || sec->op == OP_LE) && sec->operand <= 0;
}

/* The section showing v, and whether a minus sign goes before it. */
static int choose(const struct section *sec, int n, double v, int *sign)
{
	int i, conds = 0;

	for (i = 0; i < n; i++)
		conds |= sec[i].op != OP_NONE;
	*sign = 0;
	if (!conds) {
		if (n == 1 || v > 0 || (v == 0 && n == 2)) {
			*sign = v < 0;
			return 0;
		}
		return v < 0 ? 1 : 2;
	}
	for (i = 0; i < n && i < 2; i++)
		if (sec[i].op != OP_NONE && matches(&sec[i], v)) {
			*sign = v < 0 && !for_negatives(&sec[i]);
			return i;
		}
	for (i = 0; i < n; i++)
		if (sec[i].op == OP_NONE)
			return i;
	return -1;
}

/* ---- one section ----------------------------------------------------- */

/* Length of the token at p: a quoted string, an escape, _x, *x, or one
 * byte. */
static size_t toklen(const char *p, const char *end)
{
	const char *q;

	if (*p == '"') {
		q = memchr(p + 1, '"', (size_t)(end - p - 1));
		return q ? (size_t)(q - p + 1) : (size_t)(end - p);
	}
	if ((*p == '\\' || *p == '_' || *p == '*') && p + 1 < end)
		return 2;
	return 1;
}

/* A comma between placeholders of the integer part groups thousands;
 * one right after a placeholder (or another such comma) scales. */
static int comma(const char *p, const char *end, int seen_ph, int point,
		 struct layout *l)
{
	if (!seen_ph)
		return 0;	/* literal */
	if (!point && p + 1 < end && is_ph(p[1])) {
		l->group = 1;
		return 1;
	}
	l->scale++;
	return 1;
}

/* First reading: counts placeholders; -1 on what is not rendered. */
static int measure(const char *s, const char *end, struct layout *l)
{
	const char *p = s;
	int point = 0, seen_ph = 0;

	memset(l, 0, sizeof(*l));
	while (p < end) {
		if (is_ph(*p)) {
			seen_ph = 1;
			if (!point) {
				l->ni++;
			} else {
				if (l->nd == MAX_DEC)
					return -1;
				l->dec[l->nd++] = *p;
			}
		} else if (*p == '.') {
			if (point)
				return -1;
			point = 1;
		} else if (*p == ',') {
			comma(p, end, seen_ph, point, l);
		} else if (*p == '%') {
			l->pct++;
		} else if (*p == '[' || *p == '@' || *p == '/' ||
			   ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z')) {
			return -1;	/* E+00, fractions, text, words */
		}
		p += toklen(p, end);
	}
	return 0;
}

/*
 * The digits of a >= 0 rounded half away from zero to nd decimals, from
 * its 15 significant digits (integers up to 2^53 exactly): the integer
 * digits into ip without leading zeros ("" for none), nd decimals into
 * fp. -1 when the integer part has more than MAX_INT digits.
 */
static int digits(double a, int nd, char *ip, char *fp)
{
	char m[32], all[MAX_INT + MAX_DEC + 3], *d;
	int e, i, j, nint, len, k;

	if (a == trunc(a) && a <= TWO_53) {
		snprintf(ip, MAX_INT + 2, "%.0f", a);
		if (strcmp(ip, "0") == 0)
			ip[0] = '\0';
		memset(fp, '0', (size_t)nd);
		fp[nd] = '\0';
		return 0;
	}
	snprintf(m, sizeof(m), "%.14e", a);	/* d.dddddddddddddde+XX */
	e = atoi(strchr(m, 'e') + 1);
	if (e + 1 > MAX_INT)
		return -1;
	m[1] = m[0];
	d = m + 1;		/* the 15 digits, contiguous */
	nint = e + 1 > 0 ? e + 1 : 0;
	len = nint + nd + 1;
	/* all[0] is a spare digit for a carry out of the top */
	all[0] = '0';
	for (i = 0; i < len; i++) {
		j = e - nint + 1 + i;	/* index of this position's digit */
		all[i + 1] = j >= 0 && j < 15 ? d[j] : '0';
	}
	if (all[len] >= '5')
		for (k = len - 1; k >= 0; k--) {
			if (all[k] != '9') {
				all[k]++;
				break;
			}
			all[k] = '0';
		}
	for (i = 0; i <= nint && all[i] == '0'; i++)
		;
	memcpy(ip, all + i, (size_t)(nint + 1 - i));
	ip[nint + 1 - i] = '\0';
	memcpy(fp, all + nint + 1, (size_t)nd);
	fp[nd] = '\0';
	return 0;
}

/* Writes the integer digit at position p (0 = units) and the thousands
 * separator after it. */
static void int_digit(struct out *o, char c, int p, const struct layout *l)
{
	put1(o, c);
	if (l->group && p > 0 && p % 3 == 0 && c != ' ')
		put1(o, ',');
}

/* Second reading: writes the section. */
static void write_section(const char *s, const char *end,
			  const struct layout *l, const char *ip,
			  const char *fp, struct out *o)
{
	const char *p = s;
	int li = (int)strlen(ip), k = l->ni, j = 0, lz = -1, point = 0;
	int seen_ph = 0, shown;
	struct layout scratch;
	size_t n;

	for (n = 0; n < (size_t)l->nd; n++)
		if (fp[n] != '0')
			lz = (int)n;
	for (shown = 0, n = 0; n < (size_t)l->nd; n++)
		shown |= (int)n <= lz || l->dec[n] != '#';
	memset(&scratch, 0, sizeof(scratch));
	while (p < end) {
		n = toklen(p, end);
		if (is_ph(*p) && !point) {
			if (k == l->ni)	/* digits beyond the placeholders */
				for (; li > k; li--)
					int_digit(o, ip[strlen(ip) - (size_t)li],
						  li - 1, l);
			k--;
			if (k < li)
				int_digit(o, ip[strlen(ip) - 1 - (size_t)k], k, l);
			else if (*p != '#')
				int_digit(o, *p == '0' ? '0' : ' ', k, l);
			seen_ph = 1;
		} else if (is_ph(*p)) {
			seen_ph = 1;
			if (j <= lz)
				put1(o, fp[j]);
			else if (*p != '#')
				put1(o, *p == '0' ? '0' : ' ');
			j++;
		} else if (*p == '.') {
			point = 1;
			if (shown)
				put1(o, '.');
		} else if (*p == ',') {
			if (!comma(p, end, seen_ph, point, &scratch))
				put1(o, ',');
		} else if (*p == '"') {
			put(o, p + 1, n >= 2 && p[n - 1] == '"' ? n - 2 : n - 1);
		} else if (*p == '\\') {
			put(o, p + 1, n - 1);
		} else if (*p == '_') {
			put1(o, ' ');
		} else if (*p != '*') {
			put(o, p, n);
		}
		p += n;
	}
}

static int general(double v, char *out)
{
	return (int)cellfmt_number(v, out);
}

int numfmt_render(const char *code, double v, char *out)
{
	struct section sec[MAX_SECTIONS];
	struct layout l;
	struct out o = { out, 0, 0 };
	char ip[MAX_INT + 2], fp[MAX_DEC + 1];
	int n, i, sign;
	double a;

	out[0] = '\0';
	if (!code || !isfinite(v))
		return -1;
	n = split(code, sec);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (brackets(&sec[i]))
			return -1;
	i = choose(sec, n, v, &sign);
	if (i < 0)
		return -1;
	if (sec[i].end - sec[i].s == 7 &&
	    strncasecmp(sec[i].s, "general", 7) == 0)
		return general(sign ? v : fabs(v), out);
	if (measure(sec[i].s, sec[i].end, &l))
		return -1;
	a = fabs(v) * pow(100, l.pct) / pow(1000, l.scale);
	if (digits(a, l.nd, ip, fp))
		return -1;
	if (sign && l.ni + l.nd > 0 && (ip[0] || strspn(fp, "0") < strlen(fp)))
		put1(&o, '-');
	write_section(sec[i].s, sec[i].end, &l, ip, fp, &o);
	return o.full ? -1 : (int)o.n;
}

const char *numfmt_builtin(unsigned id)
{
	switch (id) {
	case 1: return "0";
	case 2: return "0.00";
	case 3: return "#,##0";
	case 4: return "#,##0.00";
	case 9: return "0%";
	case 10: return "0.00%";
	case 37: return "#,##0 ;(#,##0)";
	case 38: return "#,##0 ;[Red](#,##0)";
	case 39: return "#,##0.00;(#,##0.00)";
	case 40: return "#,##0.00;[Red](#,##0.00)";
	default: return NULL;
	}
}
