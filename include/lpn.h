/*
 * lpn: a plain C view of Google libphonenumber (src/lpn.cc, the project's
 * only C++ file).
 *
 * Deliberately thin: it reports what libphonenumber says and decides
 * nothing. Reason codes, trimming and spreadsheet recovery live in phone.c.
 * One call does the whole parse because a parsed number is a C++ object
 * that cannot cross into C without an allocation per call.
 *
 * Invariants: no C++ exception leaves this module (they become
 * LPN_NOMEM / LPN_FAILURE); no state of its own, so every function is
 * thread-safe (libphonenumber's singleton is); nothing is allocated that
 * outlives a call.
 */
#ifndef CONTACTSYNC_LPN_H
#define CONTACTSYNC_LPN_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* libphonenumber's PhoneNumberUtil::ErrorType, plus two library failures. */
enum lpn_status {
	LPN_OK,				/* parsed; see lpn_number.valid */
	LPN_INVALID_COUNTRY_CODE,
	LPN_NOT_A_NUMBER,
	LPN_TOO_SHORT_AFTER_IDD,
	LPN_TOO_SHORT_NSN,
	LPN_TOO_LONG_NSN,
	LPN_NOMEM,			/* std::bad_alloc inside the library */
	LPN_FAILURE			/* any other exception */
};

/* PhoneNumberUtil::ValidationResult (IsPossibleNumberWithReason). */
enum lpn_possible {
	LPN_IS_POSSIBLE,
	LPN_IS_POSSIBLE_LOCAL_ONLY,
	LPN_POSSIBLE_INVALID_COUNTRY_CODE,
	LPN_POSSIBLE_TOO_SHORT,
	LPN_POSSIBLE_INVALID_LENGTH,
	LPN_POSSIBLE_TOO_LONG
};

/* PhoneNumberUtil::PhoneNumberType, same order. */
enum lpn_type {
	LPN_TYPE_FIXED_LINE,
	LPN_TYPE_MOBILE,
	LPN_TYPE_FIXED_LINE_OR_MOBILE,
	LPN_TYPE_TOLL_FREE,
	LPN_TYPE_PREMIUM_RATE,
	LPN_TYPE_SHARED_COST,
	LPN_TYPE_VOIP,
	LPN_TYPE_PERSONAL_NUMBER,
	LPN_TYPE_PAGER,
	LPN_TYPE_UAN,
	LPN_TYPE_VOICEMAIL,
	LPN_TYPE_UNKNOWN
};

#define LPN_E164_MAX 16		/* '+' and at most 15 digits */
#define LPN_REGION_MAX 3	/* "GB", or "001" for non-geographical numbers */
#define LPN_EXT_MAX 64

/* Ask lpn_parse for the number type (another metadata walk). */
#define LPN_WANT_TYPE 0x1u

struct lpn_number {
	int valid;			/* IsValidNumber */
	enum lpn_possible possible;	/* only when parsed and not valid */
	enum lpn_type type;		/* LPN_TYPE_UNKNOWN unless asked and valid */
	char e164[LPN_E164_MAX + 1];	/* "" unless valid */
	char region[LPN_REGION_MAX + 1];	/* "" unless valid */
	size_t ext_len;			/* full length, even when truncated */
	char extension[LPN_EXT_MAX + 1];	/* first LPN_EXT_MAX bytes */
};

/*
 * Parses `len` bytes of `input` (need not be NUL-terminated, may hold any
 * bytes) with `region` as the default region: a NUL-terminated upper-case
 * code such as "GB", or NULL for none (only numbers in international form
 * then parse). `out` is always fully written.
 */
enum lpn_status lpn_parse(const char *input, size_t len, const char *region,
			  unsigned flags, struct lpn_number *out);

/*
 * 1 if `region` (exact, upper case: "GB") is a geographical region
 * libphonenumber has metadata for; "001" and "ZZ" are not.
 */
int lpn_is_region_supported(const char *region);

#define LPN_NDD_MAX 7	/* room for a national (trunk) prefix: 2 digits at most in 8.12 */

/*
 * Returns the country calling code of `region` (exact, upper case: 49 for
 * "DE") and writes its national (trunk) prefix, digits only, to ndd ("0";
 * "" when it has none). Returns 0, ndd "", for a region the library does
 * not support.
 */
int lpn_region_prefixes(const char *region, char ndd[LPN_NDD_MAX + 1]);

#ifdef __cplusplus
}
#endif

#endif
