/*
 * phonemeta: libphonenumber's own metadata as C tables, for the fast path
 * (phonefast.c). The tables live in build/phonemeta.c, which the Makefile
 * generates at build time with src/gen/phonemeta_gen.cc from the installed
 * libphonenumber (never committed, never edited by hand), so the fast path
 * decides nothing that the library's metadata does not say.
 *
 * Invariants: pm_regions holds every region and every non-geographical
 * entity ("001") of the library; pm_geo indexes the geographical ones
 * sorted by id; pm_codes is sorted by calling code and lists each code's
 * regions in libphonenumber's order (the main country first).
 */
#ifndef CONTACTSYNC_PHONEMETA_H
#define CONTACTSYNC_PHONEMETA_H

#include <stddef.h>

/* The descs GetNumberTypeHelper tries, general first, in its order. */
enum pm_desc_kind {
	PM_GENERAL,
	PM_PREMIUM_RATE,
	PM_TOLL_FREE,
	PM_SHARED_COST,
	PM_VOIP,
	PM_PERSONAL_NUMBER,
	PM_PAGER,
	PM_UAN,
	PM_VOICEMAIL,
	PM_FIXED_LINE,
	PM_MOBILE,
	PM_NDESC
};

#define PM_LEN_MAX 20

struct pm_desc {
	const char *pattern;		/* national_number_pattern; "" when none */
	const char *example;		/* example_number (tests); "" when none */
	unsigned char nlen;		/* possible_length count */
	unsigned char nlocal;		/* possible_length_local_only count */
	signed char len[PM_LEN_MAX];	/* in the metadata's order */
	signed char local[PM_LEN_MAX];
};

struct pm_region {
	const char *id;			/* "GB", or "001" for a non-geo entity */
	int cc;				/* country calling code */
	const char *idd;		/* international_prefix; "" when none */
	const char *national_prefix;	/* national_prefix (tests); "" when none */
	const char *preferred_idd;	/* preferred_international_prefix (tests) */
	const char *npfp;		/* national_prefix_for_parsing; "" when none */
	const char *transform;		/* national_prefix_transform_rule; "" when none */
	const char *leading;		/* leading_digits; NULL when absent */
	int same_mobile_fixed;		/* same_mobile_and_fixed_line_pattern */
	struct pm_desc desc[PM_NDESC];
};

struct pm_code {
	int cc;
	unsigned short first;		/* into pm_code_regions */
	unsigned short n;
};

extern const struct pm_region pm_regions[];
extern const size_t pm_nregions;
extern const unsigned short pm_geo[];	/* geographical regions by id */
extern const size_t pm_ngeo;
extern const struct pm_code pm_codes[];
extern const size_t pm_ncodes;
extern const unsigned short pm_code_regions[];

#endif
