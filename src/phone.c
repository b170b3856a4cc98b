/*
 * phone: normalisation to E.164 on top of libphonenumber (lpn.h).
 *
 * Every validity decision is libphonenumber's (answered natively by
 * phonefast.c for the common forms, with the library's exact answers, or by
 * the library itself); this file only prepares the input (trim,
 * spreadsheet forms), chooses between the national and the '+' reading of
 * digits (spreadsheet recovery, PHONE_READ_INTL: both readings are
 * verdicts of the library) and turns the verdict into the reason codes of
 * the CLI contract. It allocates nothing: inputs longer than
 * PHONE_INPUT_MAX are refused before libphonenumber sees them, and the
 * spreadsheet digits live on the stack.
 */
#include "phone.h"

#include <stdio.h>
#include <string.h>

#include "lpn.h"
#include "phonefast.h"

/*
 * No phone number with an extension comes near this; libphonenumber itself
 * refuses more than 250 characters, so nothing valid is lost.
 */
#define PHONE_INPUT_MAX 256

/* verdict() copies lpn's buffers whole. */
_Static_assert(PHONE_E164_MAX == LPN_E164_MAX, "e164 buffers differ");
_Static_assert(PHONE_EXT_MAX < LPN_EXT_MAX, "lpn must see past PHONE_EXT_MAX");

static const char *const reason_codes[] = {
#define PHONE_NAME_(c, s) [c] = s,
	PHONE_REASON_LIST(PHONE_NAME_)
#undef PHONE_NAME_
};

static const char *const type_names[] = {
#define PHONE_NAME_(c, s) [c] = s,
	PHONE_TYPE_LIST(PHONE_NAME_)
#undef PHONE_NAME_
};

const char *phone_reason_code(enum phone_reason r)
{
	if ((unsigned)r >= PHONE_REASON__COUNT)
		return "unknown";
	return reason_codes[r];
}

const char *phone_type_name(enum phone_type t)
{
	if ((unsigned)t >= PHONE_TYPE__COUNT)
		return "unknown";
	return type_names[t];
}

/*
 * Length of the whitespace at the start of s: ASCII, and the Unicode
 * spaces spreadsheets and web forms leave around numbers (NBSP U+00A0,
 * U+2000..U+200A, narrow NBSP U+202F, U+205F, ideographic U+3000, and a
 * stray BOM U+FEFF). 0 when s does not start with one.
 */
static size_t space_len(const unsigned char *s, size_t len)
{
	if (len >= 1 && (s[0] == ' ' || (s[0] >= '\t' && s[0] <= '\r')))
		return 1;
	if (len >= 2 && s[0] == 0xc2 && s[1] == 0xa0)
		return 2;
	if (len < 3)
		return 0;
	if (s[0] == 0xe2 && s[1] == 0x80 &&
	    ((s[2] >= 0x80 && s[2] <= 0x8a) || s[2] == 0xaf))
		return 3;
	if ((s[0] == 0xe2 && s[1] == 0x81 && s[2] == 0x9f) ||
	    (s[0] == 0xe3 && s[1] == 0x80 && s[2] == 0x80) ||
	    (s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf))
		return 3;
	return 0;
}

/* Narrows [*s, *s + *len) to its content without surrounding whitespace. */
static void trim(const char **s, size_t *len)
{
	const unsigned char *p = (const unsigned char *)*s;
	size_t n = *len, k;

	while ((k = space_len(p, n)) > 0) {
		p += k;
		n -= k;
	}
	for (;;) {
		if (n >= 1 && space_len(p + n - 1, 1) == 1)
			n -= 1;
		else if (n >= 2 && space_len(p + n - 2, 2) == 2)
			n -= 2;
		else if (n >= 3 && space_len(p + n - 3, 3) == 3)
			n -= 3;
		else
			break;
	}
	*s = (const char *)p;
	*len = n;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static size_t digit_run(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && is_digit(s[i]))
		i++;
	return i;
}

enum sheet {
	SHEET_NONE,	/* not a spreadsheet number: parse the text as given */
	SHEET_DIGITS,	/* recovered digits */
	SHEET_LOSSY	/* exponent form that lost or invented digits */
};

/*
 * Recognises what a spreadsheet does to a number typed without '+':
 * `447911123456`, `447911123456.0` and `4.47911123456E+11`. The exponent
 * form is accepted only when it names an integer whose every digit is
 * written, i.e. the exponent equals the number of fraction digits: a
 * shorter exponent leaves a fraction, a longer one would need zeros that
 * the spreadsheet may have dropped, and guessing them would make up a
 * phone number. Writes the digits, NUL-terminated, to `digits` (len + 1
 * bytes suffice).
 */
static enum sheet sheet_digits(const char *s, size_t len, char *digits,
			       size_t *ndigits)
{
	size_t ilen, flen = 0, elen, i, exp = 0;
	const char *frac = NULL;
	int negative = 0;

	ilen = digit_run(s, len);
	if (ilen == 0)
		return SHEET_NONE;
	i = ilen;
	if (i < len && s[i] == '.') {
		frac = s + i + 1;
		flen = digit_run(frac, len - i - 1);
		if (flen == 0)
			return SHEET_NONE;
		i += 1 + flen;
	}
	if (i == len) {
		/* Plain digits, or an integer shown with a zero fraction. */
		for (size_t j = 0; j < flen; j++)
			if (frac[j] != '0')
				return SHEET_NONE;
		memcpy(digits, s, ilen);
		digits[ilen] = '\0';
		*ndigits = ilen;
		return SHEET_DIGITS;
	}
	if (s[i] != 'e' && s[i] != 'E')
		return SHEET_NONE;
	i++;
	if (i < len && (s[i] == '+' || s[i] == '-')) {
		negative = s[i] == '-';
		i++;
	}
	elen = digit_run(s + i, len - i);
	if (elen == 0 || i + elen != len)
		return SHEET_NONE;
	/* Past 3 digits the exponent cannot match a fraction that fits. */
	if (negative || elen > 3)
		return SHEET_LOSSY;
	for (size_t j = 0; j < elen; j++)
		exp = exp * 10 + (size_t)(s[i + j] - '0');
	if (exp != flen)
		return SHEET_LOSSY;
	memcpy(digits, s, ilen);
	if (flen)
		memcpy(digits + ilen, frac, flen);
	digits[ilen + flen] = '\0';
	*ndigits = ilen + flen;
	return SHEET_DIGITS;
}

/*
 * Whether the number is written in international form: the first plus or
 * digit (where libphonenumber starts reading) is a plus, ASCII or
 * full-width U+FF0B.
 */
static int international(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '+')
			return 1;
		if (is_digit(s[i]))
			return 0;
		if (i + 2 < len && (unsigned char)s[i] == 0xef &&
		    (unsigned char)s[i + 1] == 0xbc &&
		    (unsigned char)s[i + 2] == 0x8b)
			return 1;
	}
	return 0;
}

/*
 * Syntactic part of phone_region_canon: two ASCII letters, whitespace
 * around allowed, upper-cased into out. Cheap enough for every call.
 */
static int region_syntax(const char *region, char out[3])
{
	size_t len;

	if (!region)
		return 0;
	len = strlen(region);
	trim(&region, &len);
	if (len != 2)
		return 0;
	for (size_t i = 0; i < 2; i++) {
		char c = region[i];

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c < 'A' || c > 'Z')
			return 0;
		out[i] = c;
	}
	out[2] = '\0';
	return 1;
}

int phone_region_canon(const char *region, char out[3])
{
	char r[3];

	if (!region_syntax(region, r) || !lpn_is_region_supported(r)) {
		if (out)
			out[0] = '\0';
		return 0;
	}
	if (out)
		memcpy(out, r, sizeof(r));
	return 1;
}

int phone_is_region_supported(const char *region)
{
	return phone_region_canon(region, NULL);
}

static enum phone_reason reason_of_status(enum lpn_status st,
					  const char *region, const char *s,
					  size_t len)
{
	switch (st) {
	case LPN_INVALID_COUNTRY_CODE:
		/*
		 * libphonenumber says the same when the '+' code is unknown
		 * and when it had no region to read a national number with;
		 * the user needs to know which. An unsupported region was
		 * as good as none (checked only here, off the hot path).
		 */
		if (international(s, len))
			return PHONE_INVALID_COUNTRY_CODE;
		if (!region || !lpn_is_region_supported(region))
			return PHONE_NO_REGION;
		return PHONE_INVALID_COUNTRY_CODE;
	case LPN_TOO_SHORT_AFTER_IDD:
	case LPN_TOO_SHORT_NSN:
		return PHONE_TOO_SHORT;
	case LPN_TOO_LONG_NSN:
		return PHONE_TOO_LONG;
	default:
		return PHONE_NOT_A_NUMBER;
	}
}

static enum phone_reason reason_of_possible(enum lpn_possible p)
{
	switch (p) {
	case LPN_POSSIBLE_TOO_SHORT:
		return PHONE_TOO_SHORT;
	case LPN_POSSIBLE_TOO_LONG:
		return PHONE_TOO_LONG;
	case LPN_POSSIBLE_INVALID_COUNTRY_CODE:
		return PHONE_INVALID_COUNTRY_CODE;
	default:
		/* Right length, wrong digits (or local-only) for the region. */
		return PHONE_INVALID_FOR_REGION;
	}
}

static enum phone_type type_of(enum lpn_type t)
{
	switch (t) {
	case LPN_TYPE_FIXED_LINE:
		return PHONE_TYPE_FIXED_LINE;
	case LPN_TYPE_MOBILE:
		return PHONE_TYPE_MOBILE;
	case LPN_TYPE_FIXED_LINE_OR_MOBILE:
		return PHONE_TYPE_FIXED_LINE_OR_MOBILE;
	case LPN_TYPE_TOLL_FREE:
		return PHONE_TYPE_TOLL_FREE;
	case LPN_TYPE_PREMIUM_RATE:
		return PHONE_TYPE_PREMIUM_RATE;
	case LPN_TYPE_SHARED_COST:
		return PHONE_TYPE_SHARED_COST;
	case LPN_TYPE_VOIP:
		return PHONE_TYPE_VOIP;
	case LPN_TYPE_PERSONAL_NUMBER:
		return PHONE_TYPE_PERSONAL_NUMBER;
	case LPN_TYPE_PAGER:
		return PHONE_TYPE_PAGER;
	case LPN_TYPE_UAN:
		return PHONE_TYPE_UAN;
	case LPN_TYPE_VOICEMAIL:
		return PHONE_TYPE_VOICEMAIL;
	default:
		return PHONE_TYPE_UNKNOWN;
	}
}

static void clear(struct phone_result *out)
{
	out->reason = PHONE_NOT_A_NUMBER;
	out->e164[0] = '\0';
	out->extension[0] = '\0';
	out->region[0] = '\0';
	out->type = PHONE_TYPE_UNKNOWN;
	out->read_international = 0;
}

/* One libphonenumber verdict on [s, s + len) into out (cleared before). */
static enum err verdict(const char *s, size_t len, const char *region,
			unsigned flags, struct phone_result *out)
{
	struct lpn_number n;
	enum lpn_status st;

	unsigned lflags = (flags & PHONE_WANT_TYPE) ? LPN_WANT_TYPE : 0;

	/* The native fast path answers the common forms exactly as
	 * libphonenumber would (phonefast.h); the rest goes to the library. */
	if (!phonefast_parse(s, len, region, lflags, &n, &st))
		st = lpn_parse(s, len, region, lflags, &n);
	if (st == LPN_NOMEM)
		return ERR_NOMEM;
	if (st == LPN_FAILURE)
		return ERR_PHONE;
	if (st != LPN_OK) {
		out->reason = reason_of_status(st, region, s, len);
		return ERR_OK;
	}
	if (!n.valid) {
		out->reason = reason_of_possible(n.possible);
		return ERR_OK;
	}
	/* More than any dialler takes: text that happened to parse. */
	if (n.ext_len > PHONE_EXT_MAX) {
		out->reason = PHONE_NOT_A_NUMBER;
		return ERR_OK;
	}
	out->reason = PHONE_OK;
	memcpy(out->e164, n.e164, sizeof(out->e164));
	memcpy(out->extension, n.extension, n.ext_len + 1);
	/* Non-geographical numbers (+800 ...) have region "001": no ISO code. */
	if (strlen(n.region) == 2)
		memcpy(out->region, n.region, 3);
	if (flags & PHONE_WANT_TYPE)
		out->type = type_of(n.type);
	return ERR_OK;
}

/*
 * The digits of a spreadsheet number: national for the region first (a
 * national number is what was typed most of the time), then as if the
 * '+' had been eaten. When neither is valid the first verdict is the one
 * reported, since the '+' was only a guess. *tried_plus says whether the
 * '+' reading was asked for.
 */
static enum err parse_sheet(char *plus, size_t ndigits, const char *region,
			    unsigned flags, struct phone_result *out,
			    int *tried_plus)
{
	enum phone_reason first;
	enum err e;

	*tried_plus = 0;
	e = verdict(plus + 1, ndigits, region, flags, out);
	if (e != ERR_OK || out->reason == PHONE_OK)
		return e;
	first = out->reason;
	*tried_plus = 1;
	e = verdict(plus, ndigits + 1, region, flags, out);
	if (e != ERR_OK || out->reason == PHONE_OK)
		return e;
	clear(out);
	out->reason = first;
	return ERR_OK;
}

/*
 * The first n digits of [s, s + len) into out, read past the separators
 * people write between them (space - . / ( )); 0 when there are fewer, or
 * anything else comes first.
 */
static int lead_digits(const char *s, size_t len, char *out, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < len && k < n; i++) {
		if (is_digit(s[i]))
			out[k++] = s[i];
		else if (!strchr(" -./()", s[i]) || s[i] == '\0')
			return 0;
	}
	return k == n;
}

/*
 * Whether the international reading (phone.h, PHONE_READ_INTL) may look
 * at [s, s + len): it starts with a digit, so no '+'; its digits start
 * with the region's own calling code and not with its trunk prefix. No
 * region's international prefix starts with its own calling code (true of
 * every region in libphonenumber 8.12's metadata: they start with 0, or
 * are such as 810 or 14xx0011 beside codes 375 or 61), so the IDD needs
 * no test of its own. The trunk prefix test matters for the +1 regions
 * alone, whose trunk prefix is their code: 1 202 555 0123 reads the same
 * either way.
 */
static int intl_candidate(const char *s, size_t len, const char *region)
{
	/* The last region's prefixes, per thread: import asks for one region
	 * over and over, and libphonenumber's lookup costs a string copy. */
	static _Thread_local struct {
		char region[3];
		char cc[4];
		char ndd[LPN_NDD_MAX + 1];
	} last;
	char lead[LPN_NDD_MAX + 4];
	size_t ncc, nndd;

	if (!region || !is_digit(s[0]))
		return 0;
	if (strcmp(last.region, region) != 0) {
		int code = lpn_region_prefixes(region, last.ndd);

		if (code <= 0 || code > 999)
			last.cc[0] = '\0';
		else
			snprintf(last.cc, sizeof(last.cc), "%d", code);
		memcpy(last.region, region, sizeof(last.region));
	}
	ncc = strlen(last.cc);
	nndd = strlen(last.ndd);
	if (ncc == 0 || !lead_digits(s, len, lead, ncc > nndd ? ncc : nndd))
		return 0;
	return memcmp(lead, last.cc, ncc) == 0 &&
	       (nndd == 0 || memcmp(lead, last.ndd, nndd) != 0);
}

static int mobile_capable(const struct phone_result *r)
{
	return r->reason == PHONE_OK && (r->type == PHONE_TYPE_MOBILE ||
					 r->type == PHONE_TYPE_FIXED_LINE_OR_MOBILE);
}

/*
 * The international reading of a candidate: `plus` is the input with a
 * '+' put in front, *out the answer without the rule (national, with
 * types). The '+' reading replaces it only when that one can take a text
 * and the national one cannot: a German "4930123456" is Berlin either
 * way, and a national mobile stays what libphonenumber says.
 */
static enum err read_intl(const char *plus, size_t len, const char *region,
			  unsigned flags, struct phone_result *out)
{
	struct phone_result alt;
	enum err e;

	if (mobile_capable(out))
		return ERR_OK;
	clear(&alt);
	e = verdict(plus, len, region, flags, &alt);
	if (e != ERR_OK || !mobile_capable(&alt) ||
	    strcmp(alt.e164, out->e164) == 0)
		return e;
	*out = alt;
	out->read_international = 1;
	return ERR_OK;
}

enum err phone_parse(const char *input, size_t len, const char *region,
		     unsigned flags, struct phone_result *out)
{
	char reg[3];
	const char *r = NULL;
	char plus[PHONE_INPUT_MAX + 2];
	size_t ndigits = 0;
	enum sheet sheet;
	int candidate, tried_plus = 0;
	unsigned f = flags;
	enum err e;

	clear(out);
	if (!input)
		len = 0;
	trim(&input, &len);
	if (len == 0) {
		out->reason = PHONE_EMPTY;
		return ERR_OK;
	}
	if (len > PHONE_INPUT_MAX) {
		out->reason = PHONE_TOO_LONG;
		return ERR_OK;
	}
	if (region_syntax(region, reg))
		r = reg;

	plus[0] = '+';
	sheet = sheet_digits(input, len, plus + 1, &ndigits);
	if (sheet == SHEET_LOSSY) {
		out->reason = PHONE_NOT_A_NUMBER;
		return ERR_OK;
	}
	/* The rule compares types: ask for them only where it may apply. */
	candidate = (flags & PHONE_READ_INTL) &&
		    (sheet == SHEET_DIGITS ? intl_candidate(plus + 1, ndigits, r)
					   : intl_candidate(input, len, r));
	if (candidate)
		f |= PHONE_WANT_TYPE;
	if (candidate && sheet == SHEET_NONE) {
		memcpy(plus + 1, input, len);
		ndigits = len;
	}
	if (sheet == SHEET_DIGITS)
		e = parse_sheet(plus, ndigits, r, f, out, &tried_plus);
	else
		e = verdict(input, len, r, f, out);
	/* A '+' the spreadsheet recovery tried already was its answer. */
	if (e == ERR_OK && candidate && !tried_plus)
		e = read_intl(plus, ndigits + 1, r, f, out);
	if (!(flags & PHONE_WANT_TYPE))
		out->type = PHONE_TYPE_UNKNOWN;
	return e;
}
