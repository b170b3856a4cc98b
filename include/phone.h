/*
 * phone: normalisation of phone numbers to E.164.
 *
 * libphonenumber is the reference: every validity decision is its answer
 * (through the lpn binding, lpn.h). On top of it this module adds what a
 * contact list needs:
 *   - trimming and the `empty` reason;
 *   - recovery of numbers that spreadsheets stored as numbers: `447911123456`,
 *     `4.47911123456E+11` and `447911123456.0` mean +447911123456 when the
 *     digits alone are not valid for the region. An exponent form that lost
 *     digits (mantissa shorter than the exponent needs) or has a fraction is
 *     rejected as not_a_number, never guessed;
 *   - extensions (`x123`, `ext. 123`, `;ext=123`) split off into `extension`;
 *   - on request (PHONE_READ_INTL), the international reading of numbers
 *     whose '+' was lost, below;
 *   - the reason codes of the CLI contract.
 *
 * The international reading. Spreadsheets drop the '+' of international
 * numbers (+4915123456781 becomes the number 4915123456781), and
 * libphonenumber may accept the digits as a different national number of
 * the default region: in DE, +494915123456781, a fixed line in the open-
 * ended area code 4915, so a text would go to a stranger. With
 * PHONE_READ_INTL the '+' reading wins when all of these hold:
 *   - the input starts with a digit: no '+', so no IDD (00, 011) either;
 *   - its digits start with the default region's own calling code (49 in
 *     DE) and not with its trunk prefix (0 in DE, 1 in US: +1 numbers read
 *     the same either way, so the rule never looks at them);
 *   - with a '+' in front they form a valid number of type mobile or
 *     fixed_line_or_mobile;
 *   - the answer without the rule is not one of those: invalid, or valid
 *     of another type (fixed line, toll free ...).
 * So a German 4930123456 (Berlin read either way, a fixed line) and a
 * number whose national reading is itself a mobile stay libphonenumber's.
 * read_international is 1 exactly when the rule changed the answer, i.e.
 * when phone_parse without PHONE_READ_INTL answers differently. Bare
 * digits invalid nationally get the '+' from the spreadsheet recovery
 * above with or without the flag, so read_international stays 0 for them
 * (with region US, 4915123456781 is +4915123456781 either way). The rule
 * costs one more parse (and the types of both) only for inputs it may
 * apply to; the answer is the same with the fast path on or off, since
 * both readings are verdicts of either.
 *
 * libphonenumber's answers for the common forms come from a native fast
 * path (phonefast.h) that replays the library over its own metadata; the
 * rest from the library. CONTACTSYNC_PHONE_FASTPATH=0 turns the fast path
 * off; the answers do not change.
 *
 * Thread-safe: no global mutable state besides libphonenumber's singleton,
 * which is itself thread-safe, and the fast path's compiled patterns
 * (compiled once per region under a lock); the international reading keeps
 * the last region's prefixes per thread.
 */
#ifndef CONTACTSYNC_PHONE_H
#define CONTACTSYNC_PHONE_H

#include <stddef.h>

#include "err.h"

#define PHONE_REASON_LIST(X)                                   \
	X(PHONE_OK, "ok")                                      \
	X(PHONE_EMPTY, "empty")                                \
	X(PHONE_NOT_A_NUMBER, "not_a_number")                  \
	X(PHONE_INVALID_COUNTRY_CODE, "invalid_country_code")  \
	X(PHONE_TOO_SHORT, "too_short")                        \
	X(PHONE_TOO_LONG, "too_long")                          \
	X(PHONE_INVALID_FOR_REGION, "invalid_for_region")      \
	X(PHONE_NO_REGION, "no_region")

enum phone_reason {
#define PHONE_ENUM_(c, s) c,
	PHONE_REASON_LIST(PHONE_ENUM_)
#undef PHONE_ENUM_
	PHONE_REASON__COUNT
};

#define PHONE_TYPE_LIST(X)                                     \
	X(PHONE_TYPE_UNKNOWN, "unknown")                       \
	X(PHONE_TYPE_FIXED_LINE, "fixed_line")                 \
	X(PHONE_TYPE_MOBILE, "mobile")                         \
	X(PHONE_TYPE_FIXED_LINE_OR_MOBILE, "fixed_line_or_mobile") \
	X(PHONE_TYPE_TOLL_FREE, "toll_free")                   \
	X(PHONE_TYPE_PREMIUM_RATE, "premium_rate")             \
	X(PHONE_TYPE_SHARED_COST, "shared_cost")               \
	X(PHONE_TYPE_VOIP, "voip")                             \
	X(PHONE_TYPE_PERSONAL_NUMBER, "personal_number")       \
	X(PHONE_TYPE_PAGER, "pager")                           \
	X(PHONE_TYPE_UAN, "uan")                               \
	X(PHONE_TYPE_VOICEMAIL, "voicemail")

enum phone_type {
#define PHONE_ENUM_(c, s) c,
	PHONE_TYPE_LIST(PHONE_ENUM_)
#undef PHONE_ENUM_
	PHONE_TYPE__COUNT
};

/* E.164 is at most 15 digits plus '+'. */
#define PHONE_E164_MAX 16
#define PHONE_EXT_MAX 40

/* Ask phone_parse for the number type (costs another metadata lookup). */
#define PHONE_WANT_TYPE 0x1u
/*
 * Apply the international reading (above) to numbers written without
 * '+'. Import passes it unless the user asked for --strict-phone; raw
 * libphonenumber comparisons (tests/tools/phone_diff) never do.
 */
#define PHONE_READ_INTL 0x2u

struct phone_result {
	enum phone_reason reason;	/* PHONE_OK when valid */
	char e164[PHONE_E164_MAX + 1];	/* "" unless valid */
	char extension[PHONE_EXT_MAX + 1];	/* "" when none */
	char region[3];			/* ISO 3166 region of a valid number, "" otherwise */
					/* ("" too for non-geographical +800 ...) */
	enum phone_type type;		/* only with PHONE_WANT_TYPE and valid */
	int read_international;		/* 1 when PHONE_READ_INTL changed the */
					/* answer: e164 is the '+' reading */
};

/*
 * Normalises `input` (len bytes, UTF-8, need not be NUL-terminated) with
 * `region` (ISO 3166-1 alpha-2, case-insensitive; NULL or "" for none) as
 * the default region for national numbers. A region libphonenumber does
 * not support counts as none (national numbers then get no_region).
 *
 * Returns ERR_OK whenever a verdict was reached (valid or not: see
 * out->reason); another code only for a failure of the library itself
 * (ERR_NOMEM, ERR_PHONE).
 */
enum err phone_parse(const char *input, size_t len, const char *region,
		     unsigned flags, struct phone_result *out);

/* "too_short" ...; never NULL. */
const char *phone_reason_code(enum phone_reason r);
/* "mobile" ...; never NULL. */
const char *phone_type_name(enum phone_type t);

/* 1 if `region` (case-insensitive) is a region libphonenumber supports. */
int phone_is_region_supported(const char *region);

/*
 * Copies `region` uppercased into out (3 bytes) when it is a supported
 * region; returns 0 when it is not. Accepts "gb", "GB", " gb ".
 */
int phone_region_canon(const char *region, char out[3]);

#endif
