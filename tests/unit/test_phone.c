/*
 * Unit tests for phone (and the lpn binding under it).
 *
 * Every expectation in the table was checked against libphonenumber
 * 8.12.57 itself (Debian 12), with a throwaway program calling
 * PhoneNumberUtil directly: parse status, IsValidNumber,
 * IsPossibleNumberWithReason, E.164 and GetRegionCodeForNumber. A newer
 * metadata release may move a number range; fix the row, not the code.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8

#include <pcre2.h>

#include "lpn.h"
#include "phone.h"
#include "phonefast.h"
#include "phonemeta.h"

struct phone_case {
	const char *region;	/* NULL: no default region */
	const char *input;
	enum phone_reason reason;
	const char *e164;
	const char *ext;
	const char *iso;
};

#define OK(reg, in, e164, iso) { reg, in, PHONE_OK, e164, "", iso }
#define OKX(reg, in, e164, ext, iso) { reg, in, PHONE_OK, e164, ext, iso }
#define NO(reg, in, reason) { reg, in, reason, "", "", "" }

/* Split string literals keep \x escapes from eating the digits after them. */
static const struct phone_case cases[] = {
	/* GB: national, international, separators, trunk prefix */
	OK("GB", "020 7946 0018", "+442079460018", "GB"),
	OK("GB", "+44 20 7946 0018", "+442079460018", "GB"),
	OK("GB", "0044 20 7946 0018", "+442079460018", "GB"),
	OK("GB", "(020) 7946-0018", "+442079460018", "GB"),
	OK("GB", "020.7946.0018", "+442079460018", "GB"),
	OK("GB", "+44 (0) 20 7946 0018", "+442079460018", "GB"),
	OK("GB", "tel:+44-20-7946-0018", "+442079460018", "GB"),
	OK("GB", "07400 123456", "+447400123456", "GB"),
	OK("GB", "07400-123-456", "+447400123456", "GB"),
	OK("GB", "+44 (0)7400 123456", "+447400123456", "GB"),
	OK("GB", "7400123456", "+447400123456", "GB"),
	OK("GB", "0161 496 0000", "+441614960000", "GB"),
	OK("GB", "0800 123 4567", "+448001234567", "GB"),
	/* 07911 1xxxxx is a Guernsey range inside +44. */
	OK("GB", "07911 123456", "+447911123456", "GG"),
	/* Unicode: full-width plus and digits, Arabic-Indic digits, spaces */
	OK("GB", "\xef\xbc\x8b" "44 20 7946 0018", "+442079460018", "GB"),
	OK("GB", "\xef\xbc\x90\xef\xbc\x92\xef\xbc\x90 7946 0018",
	   "+442079460018", "GB"),
	OK("GB", "\xd9\xa0\xd9\xa2\xd9\xa0 7946 0018", "+442079460018", "GB"),
	OK("GB", "\xc2\xa0" "020 7946 0018\xc2\xa0", "+442079460018", "GB"),
	OK("GB", "\xef\xbb\xbf+44 20 7946 0018", "+442079460018", "GB"),
	OK("GB", "020\xc2\xa0" "7946\xc2\xa0" "0018", "+442079460018", "GB"),
	OK("GB", "  020 7946 0018\t\r\n", "+442079460018", "GB"),
	/* extensions */
	OKX("GB", "020 7946 0018 ext. 123", "+442079460018", "123", "GB"),
	OKX("GB", "020 7946 0018 x123", "+442079460018", "123", "GB"),
	OKX("GB", "+44 20 7946 0018 extension 4567", "+442079460018", "4567",
	    "GB"),
	OKX("GB", "+44 20 7946 0018;ext=555", "+442079460018", "555", "GB"),
	OKX("GB", "020 7946 0018 #42", "+442079460018", "42", "GB"),
	OKX("GB", "+44 20 7946 0018 ext. 12345678901234567890",
	    "+442079460018", "12345678901234567890", "GB"),
	/* spreadsheet forms */
	OK("GB", "447400123456", "+447400123456", "GB"),
	OK("GB", "447400123456.0", "+447400123456", "GB"),
	OK("GB", "447400123456.00", "+447400123456", "GB"),
	OK("GB", "4.47400123456E+11", "+447400123456", "GB"),
	OK("GB", "4.47400123456e11", "+447400123456", "GB"),
	OK("GB", "4.47400123456E11", "+447400123456", "GB"),
	OK("GB", "4.47400123456E+011", "+447400123456", "GB"),
	OK("GB", " 4.47400123456E+11\t", "+447400123456", "GB"),
	OK("GB", "4.47911123456E+11", "+447911123456", "GG"),
	/* not valid in GB, valid once the '+' is put back */
	OK("GB", "33612345678", "+33612345678", "FR"),
	/* a zero would have to be invented */
	NO("GB", "4.474001234E+11", PHONE_NOT_A_NUMBER),
	/* a fraction would be left */
	NO("GB", "4.474001234567E+11", PHONE_NOT_A_NUMBER),
	NO("GB", "4.47400123456E-11", PHONE_NOT_A_NUMBER),
	NO("GB", "4E+11", PHONE_NOT_A_NUMBER),
	/* neither attempt valid: the national attempt's reason */
	NO("GB", "1234567", PHONE_INVALID_FOR_REGION),
	NO("GB", "12", PHONE_TOO_SHORT),
	NO("GB", "12345678901234", PHONE_TOO_LONG),
	/* not a spreadsheet form: libphonenumber reads 13 digits */
	NO("GB", "447400123456.5", PHONE_TOO_LONG),
	NO("GB", "0", PHONE_NOT_A_NUMBER),
	NO("GB", "0.0", PHONE_NOT_A_NUMBER),
	/* every reason */
	NO("GB", "", PHONE_EMPTY),
	NO("GB", "   ", PHONE_EMPTY),
	NO("GB", "\t\xc2\xa0\xe3\x80\x80\r\n", PHONE_EMPTY),
	NO("GB", "abc", PHONE_NOT_A_NUMBER),
	NO("GB", "+44", PHONE_NOT_A_NUMBER),
	NO("GB", "07400 12345", PHONE_INVALID_FOR_REGION),
	/* Ofcom's drama range: right length, never allocated */
	NO("GB", "01632 960001", PHONE_INVALID_FOR_REGION),
	NO("GB", "+44 791", PHONE_TOO_SHORT),
	NO("GB", "+44 1", PHONE_TOO_SHORT),
	NO("GB", "0044", PHONE_TOO_SHORT),
	NO("GB", "+44 7400 1234567", PHONE_TOO_LONG),
	NO("GB", "+999 1234 5678", PHONE_INVALID_COUNTRY_CODE),
	NO("GB", "00 999 1234 5678", PHONE_INVALID_COUNTRY_CODE),
	/* no default region */
	NO(NULL, "07400123456", PHONE_NO_REGION),
	NO(NULL, "0044 20 7946 0018", PHONE_NO_REGION),
	NO(NULL, "Tel: 020 7946 0018", PHONE_NO_REGION),
	NO(NULL, "123456", PHONE_NO_REGION),
	OK(NULL, "+44 20 7946 0018", "+442079460018", "GB"),
	NO(NULL, "+999 1234 5678", PHONE_INVALID_COUNTRY_CODE),
	NO(NULL, "\xef\xbc\x8b" "999 1234 5678", PHONE_INVALID_COUNTRY_CODE),
	NO(NULL, "Tel: +999 1234 5678", PHONE_INVALID_COUNTRY_CODE),
	NO(NULL, "abc", PHONE_NOT_A_NUMBER),
	NO(NULL, "5", PHONE_NOT_A_NUMBER),
	OK(NULL, "447400123456", "+447400123456", "GB"),
	OK(NULL, "4.47400123456E+11", "+447400123456", "GB"),
	/* non-geographical: valid, but region 001 has no ISO code */
	OK(NULL, "+800 1234 5678", "+80012345678", ""),
	/* region argument: empty, unsupported, malformed, any case */
	NO("", "07400123456", PHONE_NO_REGION),
	NO("XX", "020 7946 0018", PHONE_NO_REGION),
	NO("GBR", "020 7946 0018", PHONE_NO_REGION),
	OK("gb", "020 7946 0018", "+442079460018", "GB"),
	OK(" gb ", "020 7946 0018", "+442079460018", "GB"),
	/* US */
	OK("US", "(201) 555-0123", "+12015550123", "US"),
	OK("US", "201.555.0123", "+12015550123", "US"),
	OK("US", "+1 201 555 0123", "+12015550123", "US"),
	OK("US", "1-201-555-0123", "+12015550123", "US"),
	OK("US", "011 44 20 7946 0018", "+442079460018", "GB"),
	OK("US", "800-555-0199", "+18005550199", "US"),
	OK("US", "1-800-FLOWERS", "+18003569377", "US"),
	OK("US", "2015550123", "+12015550123", "US"),
	OK("US", "12015550123", "+12015550123", "US"),
	OK("US", "2.015550123E+9", "+12015550123", "US"),
	OK("US", "447400123456", "+447400123456", "GB"),
	OKX("US", "201-555-0123 ext. 7", "+12015550123", "7", "US"),
	/* local-only (7 digits) is possible but not valid */
	NO("US", "555-0123", PHONE_INVALID_FOR_REGION),
	NO("US", "123-456-7890", PHONE_INVALID_FOR_REGION),
	NO("US", "201 555 01234", PHONE_TOO_LONG),
	NO("US", "201 555 012", PHONE_TOO_SHORT),
	NO("US", "011 4", PHONE_TOO_SHORT),
	NO("US", "999999999999", PHONE_TOO_LONG),
	/* CA */
	OK("CA", "(416) 967-1111", "+14169671111", "CA"),
	OK("CA", "+1 604 555 0199", "+16045550199", "CA"),
	OKX("CA", "416-967-1111 x 22", "+14169671111", "22", "CA"),
	/* DE */
	OK("DE", "030 12345678", "+493012345678", "DE"),
	OK("DE", "+49 30 12345678", "+493012345678", "DE"),
	OK("DE", "0049 30 12345678", "+493012345678", "DE"),
	OK("DE", "+49 (0)30 12345678", "+493012345678", "DE"),
	OK("DE", "030/12345678", "+493012345678", "DE"),
	OK("DE", "0151 2345 6789", "+4915123456789", "DE"),
	OK("DE", "0800 1234567", "+498001234567", "DE"),
	/*
	 * German area codes are open-ended: these digits are a valid German
	 * fixed line, so the national attempt wins and the '+' is never
	 * tried. libphonenumber's answer, kept on purpose.
	 */
	OK("DE", "4915123456789", "+494915123456789", "DE"),
	OK("DE", "4.915123456789E+12", "+494915123456789", "DE"),
	OK("DE", "33612345678", "+4933612345678", "DE"),
	/* FR */
	OK("FR", "01 23 45 67 89", "+33123456789", "FR"),
	OK("FR", "06 12 34 56 78", "+33612345678", "FR"),
	OK("FR", "+33 6 12 34 56 78", "+33612345678", "FR"),
	OK("FR", "0033 6 12 34 56 78", "+33612345678", "FR"),
	OK("FR", "33612345678", "+33612345678", "FR"),
	OK("FR", "3.3612345678E+10", "+33612345678", "FR"),
	OK("FR", "0 800 12 34 56", "+33800123456", "FR"),
	NO("FR", "06 12 34 56", PHONE_TOO_SHORT),
	NO("FR", "06 12 34 56 78 90", PHONE_TOO_LONG),
	/* AU */
	OK("AU", "(02) 9374 4000", "+61293744000", "AU"),
	OK("AU", "0412 345 678", "+61412345678", "AU"),
	OK("AU", "+61 412 345 678", "+61412345678", "AU"),
	OK("AU", "61412345678", "+61412345678", "AU"),
	OK("AU", "1800 123 456", "+611800123456", "AU"),
	OK("AU", "0011 44 20 7946 0018", "+442079460018", "GB"),
	OK("AU", "4.47400123456E+11", "+447400123456", "GB"),
	/* IN */
	OK("IN", "98765 43210", "+919876543210", "IN"),
	OK("IN", "+91 98765 43210", "+919876543210", "IN"),
	OK("IN", "011 2345 6789", "+911123456789", "IN"),
	OK("IN", "919876543210", "+919876543210", "IN"),
	OK("IN", "1800 123 4567", "+9118001234567", "IN"),
	OK("IN", "27821234567", "+27821234567", "ZA"),
	/* BR */
	OK("BR", "(11) 91234-5678", "+5511912345678", "BR"),
	OK("BR", "+55 11 91234 5678", "+5511912345678", "BR"),
	OK("BR", "(11) 3456-7890", "+551134567890", "BR"),
	OK("BR", "5511912345678", "+5511912345678", "BR"),
	OK("BR", "0800 123 4567", "+558001234567", "BR"),
	OK("BR", "393123456789", "+393123456789", "IT"),
	/* JP */
	OK("JP", "03-1234-5678", "+81312345678", "JP"),
	OK("JP", "090-1234-5678", "+819012345678", "JP"),
	OK("JP", "+81 3 1234 5678", "+81312345678", "JP"),
	OK("JP", "010 44 20 7946 0018", "+442079460018", "GB"),
	OK("JP", "0120-123-456", "+81120123456", "JP"),
	OK("JP", "12015550123", "+12015550123", "US"),
	/* ZA */
	OK("ZA", "021 123 4567", "+27211234567", "ZA"),
	OK("ZA", "082 123 4567", "+27821234567", "ZA"),
	OK("ZA", "+27 82 123 4567", "+27821234567", "ZA"),
	OK("ZA", "27821234567", "+27821234567", "ZA"),
	OK("ZA", "6.1412345678E+10", "+61412345678", "AU"),
	/* NG */
	OK("NG", "0803 123 4567", "+2348031234567", "NG"),
	OK("NG", "+234 803 123 4567", "+2348031234567", "NG"),
	OK("NG", "01 234 5678", "+23412345678", "NG"),
	/* MX: the old mobile '1' after +52 is dropped */
	OK("MX", "55 1234 5678", "+525512345678", "MX"),
	OK("MX", "+52 55 1234 5678", "+525512345678", "MX"),
	OK("MX", "+52 1 55 1234 5678", "+525512345678", "MX"),
	/* ES */
	OK("ES", "912 34 56 78", "+34912345678", "ES"),
	OK("ES", "612 34 56 78", "+34612345678", "ES"),
	OK("ES", "+34 612 34 56 78", "+34612345678", "ES"),
	OK("ES", "34612345678", "+34612345678", "ES"),
	OK("ES", "900 123 456", "+34900123456", "ES"),
	/* IT: the leading zero of fixed lines stays in E.164 */
	OK("IT", "06 1234 5678", "+390612345678", "IT"),
	OK("IT", "+39 06 1234 5678", "+390612345678", "IT"),
	OK("IT", "312 345 6789", "+393123456789", "IT"),
	OK("IT", "390612345678", "+390612345678", "IT"),
	/* NL */
	OK("NL", "020 123 4567", "+31201234567", "NL"),
	OK("NL", "06 12345678", "+31612345678", "NL"),
	OK("NL", "+31 6 12345678", "+31612345678", "NL"),
	OK("NL", "0800 1234", "+318001234", "NL"),
	OK("NL", "31612345678", "+31612345678", "NL"),
	/* SG: no trunk prefix */
	OK("SG", "6123 4567", "+6561234567", "SG"),
	OK("SG", "9123 4567", "+6591234567", "SG"),
	OK("SG", "+65 9123 4567", "+6591234567", "SG"),
	OK("SG", "6591234567", "+6591234567", "SG"),
	OK("SG", "1800 123 4567", "+6518001234567", "SG"),
	/* CH, SE */
	OK("CH", "044 668 18 00", "+41446681800", "CH"),
	OK("SE", "08-123 456 78", "+46812345678", "SE"),
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

/* 0 when `r` is what row `c` expects; prints the difference otherwise. */
static int check_case(const struct phone_case *c, enum err e,
		      const struct phone_result *r)
{
	if (e == ERR_OK && r->reason == c->reason &&
	    strcmp(r->e164, c->e164) == 0 && strcmp(r->extension, c->ext) == 0 &&
	    strcmp(r->region, c->iso) == 0)
		return 0;
	print_error("%s '%s': got err %d %s '%s' ext '%s' region '%s', "
		    "want %s '%s' ext '%s' region '%s'\n",
		    c->region ? c->region : "(none)", c->input, (int)e,
		    phone_reason_code(r->reason), r->e164, r->extension,
		    r->region, phone_reason_code(c->reason), c->e164, c->ext,
		    c->iso);
	return 1;
}

static int run_table(void)
{
	int failed = 0;

	for (size_t i = 0; i < NCASES; i++) {
		const struct phone_case *c = &cases[i];
		struct phone_result r;
		enum err e;

		e = phone_parse(c->input, strlen(c->input), c->region, 0, &r);
		failed += check_case(c, e, &r);
	}
	return failed;
}

static void test_table(void **state)
{
	(void)state;
	assert_true(NCASES >= 100);
	assert_int_equal(run_table(), 0);
}

/* The table's claim to breadth: every reason and at least 15 regions. */
static void test_table_coverage(void **state)
{
	int seen[PHONE_REASON__COUNT] = { 0 };
	char regions[64][3];
	size_t nregions = 0;

	(void)state;
	for (size_t i = 0; i < NCASES; i++) {
		size_t j;

		seen[cases[i].reason] = 1;
		if (!cases[i].region || strlen(cases[i].region) != 2)
			continue;
		for (j = 0; j < nregions; j++)
			if (strcmp(regions[j], cases[i].region) == 0)
				break;
		if (j == nregions && nregions < 64)
			strcpy(regions[nregions++], cases[i].region);
	}
	for (int r = 0; r < PHONE_REASON__COUNT; r++)
		assert_true(seen[r]);
	assert_true(nregions >= 15);
}

/*
 * The international reading (PHONE_READ_INTL). Every expectation comes from
 * python3-phonenumbers 8.12.57 (Debian 12), not from this code:
 *   raw   phone_parse without the flag: p.parse(digits, region) when
 *         p.is_valid_number, else (spreadsheet digits) p.parse('+' + digits);
 *   intl  i = p.parse('+' + digits), taken when p.is_valid_number(i) and
 *         p.number_type(i) is MOBILE or FIXED_LINE_OR_MOBILE while the raw
 *         answer's type is neither, for inputs starting with a digit whose
 *         digits start with p.country_code_for_region(region) and not with
 *         p.ndd_prefix_for_region(region, True);
 * e.g. python3 -c "import phonenumbers as p; i = p.parse('+4915123456781');
 *   n = p.parse('4915123456781', 'DE'); print(p.format_number(i, 0),
 *   p.number_type(i), p.format_number(n, 0), p.number_type(n))"
 * gives "+4915123456781 1 +494915123456781 0" (1 mobile, 0 fixed line).
 */
struct intl_case {
	const char *region;
	const char *input;
	const char *raw;	/* E.164 without PHONE_READ_INTL */
	const char *intl;	/* E.164 with it */
	const char *ext;
	int read_international;
};

#define IC(reg, in, raw, intl, ext, ri) { reg, in, raw, intl, ext, ri }

static const struct intl_case intl_cases[] = {
	/* German mobiles whose '+' a spreadsheet dropped: libphonenumber
	 * reads a fixed line in the open-ended area code 4915 / 4917 */
	IC("DE", "4915123456781", "+494915123456781", "+4915123456781", "", 1),
	IC("DE", "4917612345678", "+494917612345678", "+4917612345678", "", 1),
	IC("DE", "4915123456781.0", "+494915123456781", "+4915123456781", "", 1),
	IC("DE", "4.915123456781E+12", "+494915123456781", "+4915123456781", "", 1),
	IC("DE", "49 151 23456781", "+494915123456781", "+4915123456781", "", 1),
	IC("DE", "49-176-1234-5678", "+494917612345678", "+4917612345678", "", 1),
	IC("DE", "4915123456781 ext. 12", "+494915123456781", "+4915123456781", "12", 1),
	/* a German landline with its code: Berlin either way, not a mobile */
	IC("DE", "4930123456", "+4930123456", "+4930123456", "", 0),
	/* the '+' reading is valid but not a mobile: the national one stays,
	 * be it the same number or not (shared cost, a Jakarta fixed line,
	 * toll free) */
	IC("DE", "498001234567", "+498001234567", "+498001234567", "", 0),
	IC("DE", "4918085383", "+494918085383", "+494918085383", "", 0),
	IC("ID", "62218321180", "+6262218321180", "+6262218321180", "", 0),
	IC("ID", "6280002561", "+626280002561", "+626280002561", "", 0),
	/* trunk prefix, '+', IDD: not the rule's */
	IC("DE", "015123456781", "+4915123456781", "+4915123456781", "", 0),
	IC("DE", "0151 23456781", "+4915123456781", "+4915123456781", "", 0),
	IC("DE", "01761234567", "+491761234567", "+491761234567", "", 0),
	IC("DE", "+4915123456781", "+4915123456781", "+4915123456781", "", 0),
	IC("DE", "004915123456781", "+4915123456781", "+4915123456781", "", 0),
	/* Indonesia's open numbering does the same to its mobiles */
	IC("ID", "62812345678", "+6262812345678", "+62812345678", "", 1),
	IC("ID", "62 812 345678", "+6262812345678", "+62812345678", "", 1),
	IC("ID", "0812345678", "+62812345678", "+62812345678", "", 0),
	/* libphonenumber extracts the code itself: same answer, flag 0 */
	IC("GB", "447911123456", "+447911123456", "+447911123456", "", 0),
	IC("GB", "447400123456", "+447400123456", "+447400123456", "", 0),
	IC("GB", "442079460018", "+442079460018", "+442079460018", "", 0),
	IC("FR", "33612345678", "+33612345678", "+33612345678", "", 0),
	IC("FR", "33123456789", "+33123456789", "+33123456789", "", 0),
	IC("IT", "393123456789", "+393123456789", "+393123456789", "", 0),
	IC("IT", "39 312 345 6789", "+393123456789", "+393123456789", "", 0),
	IC("IT", "390612345678", "+390612345678", "+390612345678", "", 0),
	IC("ES", "34612345678", "+34612345678", "+34612345678", "", 0),
	IC("NL", "31612345678", "+31612345678", "+31612345678", "", 0),
	IC("PL", "48512345678", "+48512345678", "+48512345678", "", 0),
	IC("PL", "48123456789", "+48123456789", "+48123456789", "", 0),
	IC("IN", "919876543210", "+919876543210", "+919876543210", "", 0),
	IC("AT", "436641234567", "+436641234567", "+436641234567", "", 0),
	/* a national reading that is itself a mobile stays national (the
	 * '+' reading, +9198765432 and +3931234567, is not valid) */
	IC("IN", "9198765432", "+919198765432", "+919198765432", "", 0),
	IC("IT", "3931234567", "+393931234567", "+393931234567", "", 0),
	/* +1: the code is the trunk prefix; both readings are one number */
	IC("US", "12025550123", "+12025550123", "+12025550123", "", 0),
	IC("CA", "14165550123", "+14165550123", "+14165550123", "", 0),
	/* invalid for US: the spreadsheet recovery's '+', with or without
	 * the flag, so the rule changed nothing */
	IC("US", "4915123456781", "+4915123456781", "+4915123456781", "", 0),
};

#define NINTL (sizeof(intl_cases) / sizeof(intl_cases[0]))

static int check_intl(const struct intl_case *c, unsigned flags)
{
	int intl = (flags & PHONE_READ_INTL) != 0;
	const char *want = intl ? c->intl : c->raw;
	int want_ri = intl ? c->read_international : 0;
	struct phone_result r;
	enum err e;

	e = phone_parse(c->input, strlen(c->input), c->region, flags, &r);
	if (e == ERR_OK && r.reason == PHONE_OK && strcmp(r.e164, want) == 0 &&
	    strcmp(r.extension, c->ext) == 0 && r.read_international == want_ri &&
	    /* the type only when asked, and then the '+' reading's */
	    ((flags & PHONE_WANT_TYPE) ? !r.read_international ||
					   r.type == PHONE_TYPE_MOBILE
				       : r.type == PHONE_TYPE_UNKNOWN))
		return 0;
	print_error("%s '%s' flags %u fast path %d: got err %d %s '%s' ext '%s' "
		    "type %s read_international %d, want '%s' ext '%s' %d\n",
		    c->region, c->input, flags, phonefast_is_enabled(), (int)e,
		    phone_reason_code(r.reason), r.e164, r.extension,
		    phone_type_name(r.type), r.read_international, want, c->ext,
		    want_ri);
	return 1;
}

/* Every row four ways, with the fast path on and off: the same answers. */
static void test_read_international(void **state)
{
	static const unsigned flags[] = {
		0, PHONE_WANT_TYPE, PHONE_READ_INTL,
		PHONE_READ_INTL | PHONE_WANT_TYPE,
	};
	int was = phonefast_is_enabled(), failed = 0, changed = 0;

	(void)state;
	for (int fast = 0; fast <= 1; fast++) {
		phonefast_set_enabled(fast);
		for (size_t i = 0; i < NINTL; i++)
			for (size_t f = 0; f < sizeof(flags) / sizeof(flags[0]); f++)
				failed += check_intl(&intl_cases[i], flags[f]);
	}
	phonefast_set_enabled(was);
	for (size_t i = 0; i < NINTL; i++)
		changed += intl_cases[i].read_international;
	assert_int_equal(failed, 0);
	/* the table holds both outcomes */
	assert_true(changed >= 5 && changed < (int)NINTL - 10);
}

/* Without a region, or with an unsupported one, there is no code to match. */
static void test_read_international_no_region(void **state)
{
	struct phone_result r;

	(void)state;
	assert_int_equal(phone_parse("4915123456781", 13, NULL, PHONE_READ_INTL, &r), ERR_OK);
	assert_int_equal(r.reason, PHONE_OK);
	assert_string_equal(r.e164, "+4915123456781");
	assert_int_equal(r.read_international, 0);
	assert_int_equal(phone_parse("49 151 23456781", 15, "XX", PHONE_READ_INTL, &r), ERR_OK);
	assert_int_equal(r.reason, PHONE_NO_REGION);
	assert_int_equal(r.read_international, 0);
}

/*
 * What the rule takes from the metadata without testing it per number
 * (phone.c, intl_candidate): no region's international prefix can start
 * a string that starts with its own calling code, and only the +1
 * regions' trunk prefix starts with their code. A new metadata release
 * that breaks either must fail here.
 */
static void test_read_international_metadata(void **state)
{
	pcre2_match_data *md = pcre2_match_data_create(4, NULL);
	int nanpa = 0;

	(void)state;
	assert_non_null(md);
	for (size_t g = 0; g < pm_ngeo; g++) {
		const struct pm_region *r = &pm_regions[pm_geo[g]];
		char cc[8], subject[32];
		pcre2_code *re;
		int err;
		PCRE2_SIZE off;

		snprintf(cc, sizeof(cc), "%d", r->cc);
		if (r->national_prefix[0] &&
		    strncmp(cc, r->national_prefix, strlen(r->national_prefix)) == 0) {
			assert_int_equal(r->cc, 1);
			nanpa++;
		}
		if (!r->idd[0])
			continue;
		re = pcre2_compile((PCRE2_SPTR)r->idd, PCRE2_ZERO_TERMINATED,
				   PCRE2_ANCHORED, &err, &off, NULL);
		assert_non_null(re);
		for (char d = '0'; d <= '9'; d++) {
			snprintf(subject, sizeof(subject), "%s%c%c%c%c%c%c%c%c%c%c",
				 cc, d, d, d, d, d, d, d, d, d, d);
			if (pcre2_match(re, (PCRE2_SPTR)subject, strlen(subject), 0, 0,
					md, NULL) >= 0)
				print_error("%s: IDD '%s' matches '%s'\n", r->id, r->idd,
					    subject);
			assert_true(pcre2_match(re, (PCRE2_SPTR)subject, strlen(subject),
						0, 0, md, NULL) < 0);
		}
		pcre2_code_free(re);
	}
	pcre2_match_data_free(md);
	assert_true(nanpa >= 20);
}

static void test_not_nul_terminated(void **state)
{
	/* Only the first 13 bytes count; the rest would make it too long. */
	const char buf[] = "020 7946 0018999999";
	struct phone_result r;

	(void)state;
	assert_int_equal(phone_parse(buf, 13, "GB", 0, &r), ERR_OK);
	assert_int_equal(r.reason, PHONE_OK);
	assert_string_equal(r.e164, "+442079460018");
}

struct type_case {
	const char *region;
	const char *input;
	enum phone_type type;
};

static const struct type_case types[] = {
	{ "GB", "07400 123456", PHONE_TYPE_MOBILE },
	{ "GB", "020 7946 0018", PHONE_TYPE_FIXED_LINE },
	{ "US", "(201) 555-0123", PHONE_TYPE_FIXED_LINE_OR_MOBILE },
	{ "GB", "0800 123 4567", PHONE_TYPE_TOLL_FREE },
	{ "GB", "090 9876 5432", PHONE_TYPE_PREMIUM_RATE },
	{ "ES", "901 123 456", PHONE_TYPE_SHARED_COST },
	{ "GB", "056 1234 5678", PHONE_TYPE_VOIP },
	{ "GB", "070 1234 5678", PHONE_TYPE_PERSONAL_NUMBER },
	{ "GB", "07640 123456", PHONE_TYPE_PAGER },
	{ "GB", "0303 123 4567", PHONE_TYPE_UAN },
	{ NULL, "+800 1234 5678", PHONE_TYPE_TOLL_FREE },
	{ "DE", "0151 2345 6789", PHONE_TYPE_MOBILE },
	{ "FR", "06 12 34 56 78", PHONE_TYPE_MOBILE },
	{ "JP", "0120-123-456", PHONE_TYPE_TOLL_FREE },
	/* spreadsheet recovery keeps the type of what was recovered */
	{ "GB", "4.47400123456E+11", PHONE_TYPE_MOBILE },
};

static void test_types(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		const struct type_case *t = &types[i];
		struct phone_result r;

		assert_int_equal(phone_parse(t->input, strlen(t->input),
					     t->region, PHONE_WANT_TYPE, &r),
				 ERR_OK);
		assert_int_equal(r.reason, PHONE_OK);
		if (r.type != t->type)
			print_error("'%s': type %s, want %s\n", t->input,
				    phone_type_name(r.type),
				    phone_type_name(t->type));
		assert_int_equal(r.type, t->type);
	}
}

static void test_type_only_when_asked(void **state)
{
	struct phone_result r;

	(void)state;
	assert_int_equal(phone_parse("07400 123456", 12, "GB", 0, &r), ERR_OK);
	assert_int_equal(r.reason, PHONE_OK);
	assert_int_equal(r.type, PHONE_TYPE_UNKNOWN);
	assert_int_equal(phone_parse("07400 12345", 11, "GB", PHONE_WANT_TYPE,
				     &r),
			 ERR_OK);
	assert_int_equal(r.reason, PHONE_INVALID_FOR_REGION);
	assert_int_equal(r.type, PHONE_TYPE_UNKNOWN);
}

static void test_region_supported(void **state)
{
	(void)state;
	assert_true(phone_is_region_supported("GB"));
	assert_true(phone_is_region_supported("gb"));
	assert_true(phone_is_region_supported("Us"));
	assert_true(phone_is_region_supported("DE"));
	assert_true(phone_is_region_supported("GG"));
	assert_true(phone_is_region_supported("SG"));
	assert_false(phone_is_region_supported(NULL));
	assert_false(phone_is_region_supported(""));
	assert_false(phone_is_region_supported("XX"));
	assert_false(phone_is_region_supported("ZZ"));
	assert_false(phone_is_region_supported("001"));
	assert_false(phone_is_region_supported("G"));
	assert_false(phone_is_region_supported("GBR"));
	assert_false(phone_is_region_supported("G1"));
	assert_false(phone_is_region_supported("UK"));
}

static void test_region_canon(void **state)
{
	char out[3];

	(void)state;
	assert_true(phone_region_canon("gb", out));
	assert_string_equal(out, "GB");
	assert_true(phone_region_canon(" gb ", out));
	assert_string_equal(out, "GB");
	assert_true(phone_region_canon("\tfR\n", out));
	assert_string_equal(out, "FR");
	assert_true(phone_region_canon("US", out));
	assert_string_equal(out, "US");
	memcpy(out, "AB", 3);
	assert_false(phone_region_canon("xx", out));
	assert_string_equal(out, "");
	assert_false(phone_region_canon("g b", out));
	assert_false(phone_region_canon("", out));
	assert_false(phone_region_canon(NULL, out));
	assert_false(phone_region_canon("\xc3\xa9" "e", out));
}

static void test_names(void **state)
{
	(void)state;
	for (int r = 0; r < PHONE_REASON__COUNT; r++) {
		const char *s = phone_reason_code((enum phone_reason)r);

		assert_non_null(s);
		assert_true(s[0] != '\0');
		for (int q = 0; q < r; q++)
			assert_string_not_equal(
				s, phone_reason_code((enum phone_reason)q));
	}
	for (int t = 0; t < PHONE_TYPE__COUNT; t++) {
		const char *s = phone_type_name((enum phone_type)t);

		assert_non_null(s);
		assert_true(s[0] != '\0');
		for (int q = 0; q < t; q++)
			assert_string_not_equal(
				s, phone_type_name((enum phone_type)q));
	}
	assert_string_equal(phone_reason_code(PHONE_TOO_SHORT), "too_short");
	assert_string_equal(phone_reason_code(PHONE_NO_REGION), "no_region");
	assert_string_equal(phone_type_name(PHONE_TYPE_MOBILE), "mobile");
	assert_non_null(phone_reason_code((enum phone_reason)999));
	assert_non_null(phone_type_name((enum phone_type)999));
}

static void expect_reason(const char *in, size_t len, const char *region,
			  enum phone_reason want)
{
	struct phone_result r;

	assert_int_equal(phone_parse(in, len, region, PHONE_WANT_TYPE, &r),
			 ERR_OK);
	assert_int_equal(r.reason, want);
	if (want != PHONE_OK) {
		assert_string_equal(r.e164, "");
		assert_string_equal(r.region, "");
	}
}

static void test_binary(void **state)
{
	(void)state;
	expect_reason(NULL, 0, "GB", PHONE_EMPTY);
	expect_reason("\x00\x01\x02\xff\xfe", 5, "GB", PHONE_NOT_A_NUMBER);
	/* libphonenumber rejects any invalid UTF-8 or NUL, digits or not */
	expect_reason("020 7946\0 0018", 14, "GB", PHONE_NOT_A_NUMBER);
	expect_reason("020 7946 0018\xff", 14, "GB", PHONE_NOT_A_NUMBER);
	expect_reason("\xff" "020 7946 0018", 14, "GB", PHONE_NOT_A_NUMBER);
	expect_reason("020 \xc3\x28 7946 0018", 16, "GB", PHONE_NOT_A_NUMBER);
	expect_reason("\x00", 1, NULL, PHONE_NOT_A_NUMBER);
	/* a truncated UTF-8 space at the end is not a space */
	expect_reason("020 7946 0018\xc2", 14, "GB", PHONE_NOT_A_NUMBER);
}

static void test_long_inputs(void **state)
{
	static char big[10240];
	const char *num = "020 7946 0018";

	(void)state;
	memset(big, 'A', sizeof(big));
	expect_reason(big, sizeof(big), "GB", PHONE_TOO_LONG);
	memset(big, '7', sizeof(big));
	expect_reason(big, sizeof(big), "GB", PHONE_TOO_LONG);
	memset(big, 0xff, sizeof(big));
	expect_reason(big, sizeof(big), NULL, PHONE_TOO_LONG);
	memset(big, ' ', sizeof(big));
	expect_reason(big, sizeof(big), "GB", PHONE_EMPTY);
	/* padding is trimmed before the cap applies */
	memcpy(big + 5000, num, strlen(num));
	expect_reason(big, sizeof(big), "GB", PHONE_OK);

	/* around the cap: 256 bytes still reach libphonenumber */
	memset(big, 'x', 257);
	expect_reason(big, 256, "GB", PHONE_NOT_A_NUMBER);
	expect_reason(big, 257, "GB", PHONE_TOO_LONG);
	/* libphonenumber's own limit is 250 characters */
	memset(big, '1', 251);
	expect_reason(big, 250, "GB", PHONE_TOO_LONG);
	expect_reason(big, 251, "GB", PHONE_TOO_LONG);
	/* exponent forms with absurd exponents */
	expect_reason("4.4E+99999999999999999999", 25, "GB",
		      PHONE_NOT_A_NUMBER);
	expect_reason("4.4E+", 5, "GB", PHONE_NOT_A_NUMBER);
}

static uint32_t next_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Whatever the bytes, a verdict, and a consistent one. */
static void test_random_bytes(void **state)
{
	static const char alphabet[] = "0123456789+.eE x-()#;=\t";
	char in[300];
	uint32_t seed = 12345;

	(void)state;
	for (int i = 0; i < 20000; i++) {
		size_t len = next_rand(&seed) % sizeof(in);
		struct phone_result r;

		for (size_t j = 0; j < len; j++) {
			uint32_t v = next_rand(&seed);

			in[j] = (v & 0x300) ? alphabet[v % (sizeof(alphabet) - 1)]
					    : (char)(v >> 12);
		}
		assert_int_equal(phone_parse(in, len, (i & 1) ? "GB" : NULL,
					     PHONE_WANT_TYPE, &r),
				 ERR_OK);
		assert_true((unsigned)r.reason < PHONE_REASON__COUNT);
		assert_true((unsigned)r.type < PHONE_TYPE__COUNT);
		assert_true(strlen(r.region) == 0 || strlen(r.region) == 2);
		assert_true(strlen(r.extension) <= PHONE_EXT_MAX);
		if (r.reason == PHONE_OK) {
			assert_int_equal(r.e164[0], '+');
			assert_true(strlen(r.e164) >= 3);
		} else {
			assert_string_equal(r.e164, "");
			assert_string_equal(r.extension, "");
		}
	}
}

/* lpn reports libphonenumber's own statuses, one for one. */
static void test_lpn_statuses(void **state)
{
	struct lpn_number n;

	(void)state;
	assert_int_equal(lpn_parse("abc", 3, "GB", 0, &n), LPN_NOT_A_NUMBER);
	assert_int_equal(lpn_parse("07400123456", 11, NULL, 0, &n),
			 LPN_INVALID_COUNTRY_CODE);
	assert_int_equal(lpn_parse("0044", 4, "GB", 0, &n),
			 LPN_TOO_SHORT_AFTER_IDD);
	assert_int_equal(lpn_parse("+44 1", 5, "GB", 0, &n), LPN_TOO_SHORT_NSN);
	assert_int_equal(lpn_parse("44791112345612345678901", 23, "GB", 0, &n),
			 LPN_TOO_LONG_NSN);
	assert_int_equal(lpn_parse(NULL, 0, "GB", 0, &n), LPN_NOT_A_NUMBER);

	assert_int_equal(lpn_parse("555-0123", 8, "US", 0, &n), LPN_OK);
	assert_false(n.valid);
	assert_int_equal(n.possible, LPN_IS_POSSIBLE_LOCAL_ONLY);
	assert_string_equal(n.e164, "");

	assert_int_equal(lpn_parse("+800 1234 5678", 14, NULL, LPN_WANT_TYPE,
				   &n),
			 LPN_OK);
	assert_true(n.valid);
	assert_string_equal(n.e164, "+80012345678");
	assert_string_equal(n.region, "001");
	assert_int_equal(n.type, LPN_TYPE_TOLL_FREE);

	assert_int_equal(lpn_parse("020 7946 0018 x99", 17, "GB", 0, &n),
			 LPN_OK);
	assert_true(n.valid);
	assert_string_equal(n.extension, "99");
	assert_int_equal(n.ext_len, 2);
	assert_int_equal(n.type, LPN_TYPE_UNKNOWN);

	assert_true(lpn_is_region_supported("GB"));
	assert_false(lpn_is_region_supported("gb"));
	assert_false(lpn_is_region_supported("001"));
	assert_false(lpn_is_region_supported("ZZ"));
	assert_false(lpn_is_region_supported(NULL));
}

static void *table_thread(void *arg)
{
	int *failed = arg;

	for (int i = 0; i < 20; i++) {
		*failed += run_table();
		/* regions change from row to row: the per-thread prefixes */
		for (size_t j = 0; j < NINTL; j++)
			*failed += check_intl(&intl_cases[j], PHONE_READ_INTL);
	}
	return NULL;
}

/* No state of our own: the same answers from four threads at once. */
static void test_threads(void **state)
{
	pthread_t th[4];
	int failed[4] = { 0 };

	(void)state;
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&th[i], NULL, table_thread,
						&failed[i]),
				 0);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(failed[i], 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_table_coverage),
		cmocka_unit_test(test_not_nul_terminated),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_type_only_when_asked),
		cmocka_unit_test(test_region_supported),
		cmocka_unit_test(test_region_canon),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_binary),
		cmocka_unit_test(test_long_inputs),
		cmocka_unit_test(test_random_bytes),
		cmocka_unit_test(test_lpn_statuses),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_read_international),
		cmocka_unit_test(test_read_international_no_region),
		cmocka_unit_test(test_read_international_metadata),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
