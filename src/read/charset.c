/* charset: the encoding guess and single-byte readings (see charset.h). */
#include "charset.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>
#include <uchardet/uchardet.h>
#include <utf8proc.h>

/* A reading that differs must trail the winner by this much (one byte read
 * as a letter rather than a symbol) for the guess to be called sure. */
#define CLOSE_MARGIN 4
#define MAX_CAND 6

/* ---- single-byte tables ------------------------------------------------ */

/* One byte through cd: 1 with its code point, 0 undefined, -1 when the byte
 * alone is not one character (a lead byte, a shift, several characters). */
static int one_byte(iconv_t cd, unsigned char b, uint32_t *cp)
{
	unsigned char out[16];
	char *ip = (char *)&b, *op = (char *)out;
	size_t il = 1, ol = sizeof(out);

	iconv(cd, NULL, NULL, NULL, NULL);
	if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1)
		return errno == EILSEQ ? 0 : -1;
	/* a converter that holds a character back (to combine it) flushes it here */
	if (iconv(cd, NULL, NULL, &op, &ol) == (size_t)-1)
		return -1;
	if (sizeof(out) - ol != 4)
		return -1;
	*cp = (uint32_t)out[0] | (uint32_t)out[1] << 8 |
	      (uint32_t)out[2] << 16 | (uint32_t)out[3] << 24;
	return 1;
}

int charset_table(const char *name, struct charset_table *t)
{
	struct charset_table tmp;
	iconv_t cd;
	uint32_t cp;
	unsigned b;
	int k, ok = 1;

	if (!charset_known(name))
		return -1;
	cd = iconv_open("UTF-32LE", name);
	if (cd == (iconv_t)-1)
		return -1;
	if (!t)
		t = &tmp;
	for (b = 0; b < 256 && ok; b++) {
		k = one_byte(cd, (unsigned char)b, &cp);
		if (b < 0x80)
			ok = k == 1 && cp == b;
		else if (k < 0)
			ok = 0;
		else
			t->cp[b - 0x80] = k ? cp : CHARSET_UNDEF;
	}
	iconv_close(cd);
	return ok;
}

int charset_known(const char *name)
{
	iconv_t cd;

	if (!name || !*name || strchr(name, '/'))
		return 0;
	cd = iconv_open("UTF-8", name);
	if (cd == (iconv_t)-1)
		return 0;
	iconv_close(cd);
	return 1;
}

/* ---- the score --------------------------------------------------------- */

enum cls { C_NONE, C_LOWER, C_UPPER, C_LETTER, C_APOS, C_BAD };

static enum cls classify_cp(uint32_t cp)
{
	if (cp == CHARSET_UNDEF || cp > 0x10FFFF)
		return C_BAD;
	if (cp == 0x2019 || cp == 0x2018 || cp == 0x02BC || cp == 0x00B4)
		return C_APOS;
	switch (utf8proc_category((utf8proc_int32_t)cp)) {
	case UTF8PROC_CATEGORY_LL:
		return C_LOWER;
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LT:
		return C_UPPER;
	case UTF8PROC_CATEGORY_LO:
		/* ª and º are letters to Unicode, ordinals to a reader */
		return cp == 0xAA || cp == 0xBA ? C_BAD : C_LETTER;
	case UTF8PROC_CATEGORY_MN:
		return C_LETTER;	/* combining accents (Windows-1258) */
	default:
		return C_BAD;		/* symbols, punctuation, controls, ˆ */
	}
}

static enum cls classify(const struct charset_table *t, unsigned char b)
{
	if (b >= 0x80)
		return classify_cp(t->cp[b - 0x80]);
	if (isupper(b))
		return C_UPPER;
	return islower(b) ? C_LOWER : C_NONE;
}

static int is_letter(enum cls c)
{
	return c == C_LOWER || c == C_UPPER || c == C_LETTER;
}

/* The same positions are scored whatever the reading, so that scores of
 * two readings compare. */
static int wordish(unsigned char b)
{
	return b >= 0x80 || isalpha(b);
}

/* A control character or an undefined byte is never text, wherever it is. */
static int is_control(uint32_t cp)
{
	return cp == CHARSET_UNDEF || cp < 0x20 || (cp >= 0x7F && cp < 0xA0);
}

/* The points of a character of class c between p and q (see charset.h). */
static int points(enum cls p, enum cls c, enum cls q)
{
	switch (c) {
	case C_LOWER:
		return 2;
	case C_UPPER:
		return !is_letter(p) || (p == C_UPPER && q != C_LOWER) ? 2 : -2;
	case C_LETTER:
	case C_APOS:
	case C_NONE:
		return 0;
	default:
		return -2;
	}
}

void charset_score(const struct charset_table *t, const unsigned char *s,
		   size_t n, struct charset_score *out)
{
	enum cls p, c, q;
	size_t i;
	int pt;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < n; i++) {
		if (s[i] < 0x80)
			continue;
		if (!(i > 0 && wordish(s[i - 1])) && !(i + 1 < n && wordish(s[i + 1]))) {
			if (is_control(t->cp[s[i] - 0x80])) {
				out->score -= 2;
				out->words++;
				out->bad++;
			}
			continue;
		}
		p = i > 0 ? classify(t, s[i - 1]) : C_NONE;
		c = classify(t, s[i]);
		q = i + 1 < n ? classify(t, s[i + 1]) : C_NONE;
		pt = points(p, c, q);
		out->score += pt;
		out->words++;
		out->bad += pt < 0;
	}
}

/* ---- the guess --------------------------------------------------------- */

/* uchardet's names for which a superset reads the same text better: the
 * WHATWG encoding standard's mapping of labels to the Windows code pages
 * that files so labelled are written in. (glibc's SHIFT_JIS reads 0x5C and
 * 0x7E as ¥ and ‾; Windows' CP932, what Excel writes, as \ and ~.) */
static const char *const supersets[][2] = {
	{ "ISO-8859-1", "WINDOWS-1252" },
	{ "ISO-8859-9", "WINDOWS-1254" },
	{ "SHIFT_JIS", "CP932" },
	{ "EUC-KR", "CP949" },
	{ "GB2312", "GB18030" },
};

/* Central European answers uchardet confuses with each other: with any of
 * them, the two common ones compete too. */
static const char *const central[] = {
	"ISO-8859-2", "WINDOWS-1250", "ISO-8859-16", "IBM852",
	"MAC-CENTRALEUROPE",
};

static int in_list(const char *name, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(name, list[i]) == 0)
			return 1;
	return 0;
}

static void copy_name(char *dst, const char *src)
{
	size_t i;

	for (i = 0; src[i] && i + 1 < CHARSET_NAME_MAX; i++)
		dst[i] = (char)toupper((unsigned char)src[i]);
	dst[i] = '\0';
}

/* uchardet's answer for the sample into g->detector; "" for none. */
static enum err detect(const unsigned char *s, size_t n, struct charset_guess *g)
{
	uchardet_t ud = uchardet_new();
	const char *ans;

	if (!ud)
		return ERR_NOMEM;
	if (uchardet_handle_data(ud, (const char *)s, n) != 0) {
		uchardet_delete(ud);
		return ERR_NOMEM;
	}
	uchardet_data_end(ud);
	ans = uchardet_get_charset(ud);
	copy_name(g->detector, ans ? ans : "");
	uchardet_delete(ud);
	/* the sample is not UTF-8 (csvin asked first), whatever uchardet says */
	if (strcmp(g->detector, "ASCII") == 0 || strcmp(g->detector, "UTF-8") == 0)
		g->detector[0] = '\0';
	return ERR_OK;
}

/* 1 when the sample converts from `name` without an error (a character cut
 * by the end of an incomplete sample is allowed). */
static int decodes(const char *name, const unsigned char *s, size_t n, int complete)
{
	char out[4096], *ip = (char *)s, *op;
	size_t il = n, ol;
	iconv_t cd = iconv_open("UTF-8", name);
	int ok = 1;

	if (cd == (iconv_t)-1)
		return 0;
	while (il > 0) {
		op = out;
		ol = sizeof(out);
		if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1)
			break;
		if (errno == E2BIG)
			continue;
		ok = errno == EINVAL && !complete;
		break;
	}
	iconv_close(cd);
	return ok;
}

struct cand {
	const char *name;
	struct charset_table t;
	struct charset_score sc;
};

static size_t add_cand(struct cand *c, size_t nc, const char *name)
{
	size_t i;

	for (i = 0; i < nc; i++)
		if (strcasecmp(c[i].name, name) == 0)
			return nc;
	if (nc == MAX_CAND || charset_table(name, &c[nc].t) != 1)
		return nc;
	c[nc].name = name;
	return nc + 1;
}

/* 1 when tables a and b read some byte of the sample differently. */
static int differ(const struct charset_table *a, const struct charset_table *b,
		  const unsigned char seen[128])
{
	size_t i;

	for (i = 0; i < 128; i++)
		if (seen[i] && a->cp[i] != b->cp[i])
			return 1;
	return 0;
}

/* The single-byte readings compete (see the top of charset.h). */
static void compete(const unsigned char *s, size_t n, const char *answer,
		    struct charset_guess *g)
{
	struct cand c[MAX_CAND];
	unsigned char seen[128] = { 0 };
	size_t nc = 0, i, best = 0, rival = MAX_CAND;

	if (answer)
		nc = add_cand(c, nc, answer);
	nc = add_cand(c, nc, "WINDOWS-1252");
	if (answer && in_list(answer, central, sizeof(central) / sizeof(central[0]))) {
		nc = add_cand(c, nc, "WINDOWS-1250");
		nc = add_cand(c, nc, "ISO-8859-2");
	}
	nc = add_cand(c, nc, "MACINTOSH");
	for (i = 0; i < n; i++)
		if (s[i] >= 0x80)
			seen[s[i] - 0x80] = 1;
	for (i = 0; i < nc; i++) {
		charset_score(&c[i].t, s, n, &c[i].sc);
		if (c[i].sc.score > c[best].sc.score)
			best = i;
	}
	for (i = 0; i < nc; i++)
		if (i != best && differ(&c[i].t, &c[best].t, seen) &&
		    (rival == MAX_CAND || c[i].sc.score > c[rival].sc.score))
			rival = i;
	copy_name(g->name, c[best].name);
	if (!answer) {
		g->doubt = CHARSET_NO_ANSWER;
	} else if (rival < MAX_CAND &&
		   c[best].sc.score - c[rival].sc.score < CLOSE_MARGIN) {
		g->doubt = CHARSET_CLOSE;
		copy_name(g->rival, c[rival].name);
	} else if (c[best].sc.bad * 10 > c[best].sc.words) {
		g->doubt = CHARSET_ODD;
	}
}

enum err charset_guess(const unsigned char *s, size_t n, int complete,
		       struct charset_guess *g)
{
	const char *answer;
	size_t i;
	enum err e;

	memset(g, 0, sizeof(*g));
	e = detect(s, n, g);
	if (e)
		return e;
	answer = g->detector[0] ? g->detector : NULL;
	for (i = 0; answer && i < sizeof(supersets) / sizeof(supersets[0]); i++)
		if (strcmp(answer, supersets[i][0]) == 0)
			answer = supersets[i][1];
	switch (answer ? charset_table(answer, NULL) : -1) {
	case 0:
		copy_name(g->name, answer);
		if (!decodes(answer, s, n, complete))
			g->doubt = CHARSET_UNDECODABLE;
		return ERR_OK;
	case -1:
		answer = NULL;	/* a name iconv does not know is no answer */
		break;
	}
	compete(s, n, answer, g);
	return ERR_OK;
}
