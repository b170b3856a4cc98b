/*
 * Unit tests of country names and codes to alpha-2 codes. The expected
 * codes are ISO 3166-1's; the names are CLDR's (as the comments say where
 * a case depends on what CLDR holds).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <string.h>

#include "country.h"

/* The code s gives, or "" when none. */
static const char *look(const char *s)
{
	static char out[3];

	if (!country_lookup(s, strlen(s), out))
		assert_string_equal(out, "");
	return out;
}

static const struct {
	const char *in;
	const char *want;
} threaded[] = {
	{ "Deutschland", "DE" }, { "gb", "GB" }, { "Royaume-Uni", "GB" },
	{ "Estados Unidos", "US" }, { "Atlantis", "" }, { "Polska", "PL" },
	{ "CZE", "CZ" }, { "Schweiz", "CH" },
};

static void *lookup_many(void *arg)
{
	(void)arg;
	for (int round = 0; round < 200; round++) {
		for (size_t i = 0; i < sizeof(threaded) / sizeof(threaded[0]); i++) {
			char out[3];
			int found = country_lookup(threaded[i].in, strlen(threaded[i].in), out);

			if (found != (threaded[i].want[0] != '\0') || strcmp(out, threaded[i].want))
				return (void *)1;
		}
	}
	return NULL;
}

/* First in the file: four threads race to build the table. */
static void test_threads(void **state)
{
	pthread_t t[4];

	(void)state;
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, lookup_many, NULL), 0);
	for (int i = 0; i < 4; i++) {
		void *bad = (void *)1;

		assert_int_equal(pthread_join(t[i], &bad), 0);
		assert_null(bad);
	}
}

static void test_codes(void **state)
{
	(void)state;
	assert_string_equal(look("gb"), "GB");
	assert_string_equal(look("GB"), "GB");
	assert_string_equal(look(" us "), "US");
	assert_string_equal(look("GBR"), "GB");
	assert_string_equal(look("usa"), "US");
	assert_string_equal(look("DEU"), "DE");
	assert_string_equal(look("che"), "CH");
	assert_string_equal(look("U.S."), "US");
	assert_string_equal(look("g-b"), "GB");
	/* libphonenumber's regions beyond ISO 3166-1 proper */
	assert_string_equal(look("XK"), "XK");
	assert_string_equal(look("AC"), "AC");
	assert_string_equal(look("TA"), "TA");
	/* a valid code libphonenumber has no plan for is still a country */
	assert_string_equal(look("AQ"), "AQ");
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(look("United Kingdom"), "GB");
	assert_string_equal(look("United States"), "US");
	assert_string_equal(look("Canada"), "CA");
	assert_string_equal(look("Deutschland"), "DE");
	assert_string_equal(look("\xc3\x96sterreich"), "AT");		/* Österreich */
	assert_string_equal(look("Osterreich"), "AT");
	assert_string_equal(look("O\xcc\x88STERREICH"), "AT");		/* O + combining diaeresis */
	assert_string_equal(look("Espa\xc3\xb1" "a"), "ES");		/* España */
	assert_string_equal(look("Royaume-Uni"), "GB");
	assert_string_equal(look("Vereinigtes K\xc3\xb6nigreich"), "GB");
	assert_string_equal(look("Estados Unidos"), "US");
	assert_string_equal(look("Italia"), "IT");
	assert_string_equal(look("Nederland"), "NL");
	assert_string_equal(look("The Netherlands"), "NL");
	assert_string_equal(look("the  netherlands"), "NL");
	assert_string_equal(look("THE NETHERLANDS"), "NL");
	/* NFKC: full-width ＣＡＮＡＤＡ is CANADA */
	assert_string_equal(look("\xef\xbc\xa3\xef\xbc\xa1\xef\xbc\xae\xef\xbc\xa1\xef\xbc\xa4\xef\xbc\xa1"), "CA");
	assert_string_equal(look("Polska"), "PL");
	assert_string_equal(look("Schweiz"), "CH");
	assert_string_equal(look("Suisse"), "CH");
	assert_string_equal(look("Czech Republic"), "CZ");	/* CLDR's variant */
	assert_string_equal(look("Czechia"), "CZ");
	assert_string_equal(look("C\xc3\xb4te d\xe2\x80\x99Ivoire"), "CI");	/* Côte d’Ivoire */
	assert_string_equal(look("cote d'ivoire"), "CI");
	assert_string_equal(look("Ivory Coast"), "CI");
	assert_string_equal(look("T\xc3\xbcrkiye"), "TR");
	assert_string_equal(look("Turkey"), "TR");
	assert_string_equal(look("Kosovo"), "XK");
	/* other scripts: Россия, Γερμανία, ドイツ, 德国, 日本, ألمانيا */
	assert_string_equal(look("\xd0\xa0\xd0\xbe\xd1\x81\xd1\x81\xd0\xb8\xd1\x8f"), "RU");
	assert_string_equal(look("\xce\x93\xce\xb5\xcf\x81\xce\xbc\xce\xb1\xce\xbd\xce\xaf\xce\xb1"), "DE");
	assert_string_equal(look("\xe3\x83\x89\xe3\x82\xa4\xe3\x83\x84"), "DE");
	assert_string_equal(look("\xe5\xbe\xb7\xe5\x9b\xbd"), "DE");
	assert_string_equal(look("\xe6\x97\xa5\xe6\x9c\xac"), "JP");
	assert_string_equal(look("\xd8\xa3\xd9\x84\xd9\x85\xd8\xa7\xd9\x86\xd9\x8a\xd8\xa7"), "DE");
}

static void test_aliases(void **state)
{
	(void)state;
	assert_string_equal(look("UK"), "GB");		/* CLDR's English short name */
	assert_string_equal(look("U.K."), "GB");
	assert_string_equal(look("USA"), "US");
	assert_string_equal(look("Great Britain"), "GB");
	assert_string_equal(look("England"), "GB");
	assert_string_equal(look("Scotland"), "GB");
	assert_string_equal(look("United States of America"), "US");
	assert_string_equal(look("EE. UU."), "US");	/* CLDR's Spanish short name */
}

static void test_rejects(void **state)
{
	char out[3] = "ZZ";

	(void)state;
	assert_string_equal(look("Atlantis"), "");
	assert_string_equal(look(""), "");
	assert_string_equal(look("   "), "");
	assert_string_equal(look("U"), "");
	assert_string_equal(look("XX"), "");
	assert_string_equal(look("123"), "");
	assert_string_equal(look("-"), "");
	assert_string_equal(look("\xff\xfe"), "");		/* not UTF-8 */
	assert_string_equal(look("Europe"), "");
	assert_string_equal(look("world"), "");
	assert_int_equal(country_lookup("Canada", 0, out), 0);
	assert_string_equal(out, "");
}

/* Only len bytes are read; an over-long cell is no country. */
static void test_lengths(void **state)
{
	char big[1000];
	char out[3];

	(void)state;
	assert_int_equal(country_lookup("Canada, Ontario", 6, out), 1);
	assert_string_equal(out, "CA");
	assert_int_equal(country_lookup("gbr", 2, out), 1);
	assert_string_equal(out, "GB");
	memset(big, ' ', sizeof(big));
	memcpy(big + 500, "Canada", 6);
	assert_int_equal(country_lookup(big, sizeof(big), out), 0);
}

/*
 * Keys that mean two regions. CLDR's Polish name of CG and its Norwegian
 * name of CD are both "Kongo": neither. "EU" is the European Union's code
 * in CLDR, and French short name of the US, "É.-U.", has its key: neither.
 * A code wins over a name: French short name of GB, "R.-U.", has the key
 * of Russia's code.
 */
static void test_ambiguous(void **state)
{
	(void)state;
	assert_string_equal(look("Kongo"), "");
	assert_string_equal(look("Kongo-Brazzaville"), "CG");
	assert_string_equal(look("Kongo-Kinshasa"), "CD");
	assert_string_equal(look("EU"), "");
	assert_string_equal(look("\xc3\x89.-U."), "");
	assert_string_equal(look("UN"), "");
	assert_string_equal(look("R.-U."), "RU");
	assert_string_equal(look("RU"), "RU");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_codes),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_aliases),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_ambiguous),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
