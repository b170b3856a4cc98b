/*
 * Fuzz target: the phone normaliser. The first byte picks the default
 * region (among a few, "none" and one libphonenumber does not know), the
 * rest is the number as a cell would hold it. A valid result must be
 * E.164 that parses again, without a region, to itself, and the native
 * fast path (phonefast.h) must give the answer libphonenumber alone gives.
 * Every input is parsed again with the international reading
 * (PHONE_READ_INTL): the same answer unless read_international says it
 * changed, to a mobile number; fast path or not.
 */
#include <string.h>

#include "fuzz.h"
#include "phone.h"
#include "phonefast.h"

static const char *const regions[] = {
	NULL, "GB", "US", "DE", "FR", "BR", "IN", "JP", "AU", "it", "ZZ", "XK",
};

/* The same verdict with the fast path off: libphonenumber's own. */
static void check_valid(const struct phone_result *pr)
{
	struct phone_result again;
	size_t i, n = strlen(pr->e164);

	if (pr->e164[0] != '+' || n < 3 || n > PHONE_E164_MAX)
		fuzz_fail("a valid number is not E.164");
	for (i = 1; i < n; i++)
		if (pr->e164[i] < '0' || pr->e164[i] > '9')
			fuzz_fail("a valid number is not E.164");
	if (phone_parse(pr->e164, n, NULL, 0, &again) || again.reason != PHONE_OK ||
	    strcmp(again.e164, pr->e164))
		fuzz_fail("an E.164 result does not parse to itself");
}

static int same(const struct phone_result *a, const struct phone_result *b)
{
	return a->reason == b->reason && !strcmp(a->e164, b->e164) &&
	       !strcmp(a->region, b->region) && !strcmp(a->extension, b->extension) &&
	       a->type == b->type && a->read_international == b->read_international;
}

static void check_same_without_fastpath(const uint8_t *data, size_t size,
					const char *region, unsigned flags,
					const struct phone_result *pr)
{
	struct phone_result slow;
	int was = phonefast_is_enabled();
	enum err e;

	phonefast_set_enabled(0);
	e = phone_parse((const char *)data + 1, size - 1, region, flags, &slow);
	phonefast_set_enabled(was);
	if (e != ERR_OK || !same(&slow, pr))
		fuzz_fail("the fast path and libphonenumber disagree");
}

/* The international reading against the strict answer `pr`. */
static void check_read_intl(const uint8_t *data, size_t size, const char *region,
			    const struct phone_result *pr)
{
	const unsigned flags = PHONE_WANT_TYPE | PHONE_READ_INTL;
	struct phone_result in;

	if (pr->read_international)
		fuzz_fail("read_international without PHONE_READ_INTL");
	if (phone_parse((const char *)data + 1, size - 1, region, flags, &in))
		return;
	check_same_without_fastpath(data, size, region, flags, &in);
	if (!in.read_international) {
		if (!same(&in, pr))
			fuzz_fail("PHONE_READ_INTL changed the answer unsaid");
		return;
	}
	if (in.reason != PHONE_OK || !strcmp(in.e164, pr->e164) ||
	    (in.type != PHONE_TYPE_MOBILE && in.type != PHONE_TYPE_FIXED_LINE_OR_MOBILE))
		fuzz_fail("read as international, but not to another mobile number");
	check_valid(&in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct phone_result pr;
	const char *region;
	char canon[3];

	if (!size || size > 4096)
		return 0;
	region = regions[data[0] % (sizeof(regions) / sizeof(regions[0]))];
	if (phone_parse((const char *)data + 1, size - 1, region, PHONE_WANT_TYPE, &pr))
		return 0;
	(void)phone_reason_code(pr.reason);
	check_same_without_fastpath(data, size, region, PHONE_WANT_TYPE, &pr);
	check_read_intl(data, size, region, &pr);
	if (pr.reason == PHONE_OK) {
		check_valid(&pr);
		(void)phone_type_name(pr.type);
	} else if (pr.e164[0]) {
		fuzz_fail("an invalid number has an E.164 form");
	}
	if (!memchr(pr.extension, '\0', sizeof(pr.extension)))
		fuzz_fail("the extension is not NUL-terminated");
	if (size < 8) {
		char s[8];

		memcpy(s, data + 1, size - 1);
		s[size - 1] = '\0';
		(void)phone_region_canon(s, canon);
	}
	return 0;
}
