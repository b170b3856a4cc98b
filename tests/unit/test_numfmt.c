/*
 * Unit tests for numfmt: numbers through spreadsheet number formats.
 * Expected texts are derived by hand from the format's meaning (literals,
 * placeholders 0 # ?, sections and conditions, grouping and scaling
 * commas, percent, rounding half away from zero), and agree with what
 * LibreOffice 7.4's "as shown" CSV writes for the same cells.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "read/numfmt.h"

static const char *fmt(const char *code, double v)
{
	static char out[NUMFMT_MAX];
	int n = numfmt_render(code, v, out);

	assert_true(n >= 0);
	assert_int_equal((size_t)n, strlen(out));
	return out;
}

static int refused(const char *code, double v)
{
	char out[NUMFMT_MAX];

	return numfmt_render(code, v, out) == -1;
}

static void test_phones(void **state)
{
	(void)state;
	assert_string_equal(fmt("\"+\"0", 4915123456781.0), "+4915123456781");
	assert_string_equal(fmt("\\+0", 4915123456781.0), "+4915123456781");
	assert_string_equal(fmt("\"tel: \"0", 4915123456781.0),
			    "tel: 4915123456781");
	assert_string_equal(fmt("0##########", 612345677), "0612345677");
	assert_string_equal(fmt("0000000000", 612345677), "0612345677");
	assert_string_equal(fmt("000000", 42), "000042");
	/* more digits than placeholders: the rest go at the first one */
	assert_string_equal(fmt("###-####", 12345678), "1234-5678");
	/* literals stay where written even without digits to reach them */
	assert_string_equal(fmt("###-####", 123), "-123");
	assert_string_equal(fmt("0 000", 1234), "1 234");
	/* a minus sign goes before the whole section */
	assert_string_equal(fmt("\"+\"0", -5), "-+5");
}

static void test_conditions(void **state)
{
	const char *us = "[<=9999999]###-####;(###) ###-####";

	(void)state;
	assert_string_equal(fmt(us, 2025550123), "(202) 555-0123");
	assert_string_equal(fmt(us, 5550123), "555-0123");
	assert_string_equal(fmt(us, 9999999), "999-9999");
	assert_string_equal(fmt(us, 10000000), "(1) 000-0000");
	assert_string_equal(fmt("[>=10]\"big\";[<0]\"neg\";\"small\"", 5),
			    "small");
	assert_string_equal(fmt("[>=10]\"big\";[<0]\"neg\";\"small\"", 10),
			    "big");
	assert_string_equal(fmt("[<0]\"neg\";0", -7), "neg");
	/* the section after the conditions shows a number without sign */
	assert_string_equal(fmt("[>0]0;0", -7), "7");
	/* no section for the value: left to the caller */
	assert_true(refused("[>100]0", 5));
}

static void test_sections(void **state)
{
	(void)state;
	assert_string_equal(fmt("0;(0)", -5), "(5)");
	assert_string_equal(fmt("0;(0)", 5), "5");
	assert_string_equal(fmt("0;(0)", 0), "0");
	assert_string_equal(fmt("0;-0;\"zero\"", 0), "zero");
	assert_string_equal(fmt("0;-0;\"zero\"", -5), "-5");
	assert_string_equal(fmt("0;0", -3), "3");
	assert_string_equal(fmt("0;0;0;@", 3), "3");
	assert_string_equal(fmt("0;;", -3), "");
	assert_string_equal(fmt("#,##0 ;(#,##0)", 1234.5), "1,235 ");
	assert_string_equal(fmt("#,##0 ;(#,##0)", -1234.5), "(1,235)");
	/* colours and a locale tag without a currency change nothing */
	assert_string_equal(fmt("[Red]0", 12345), "12345");
	assert_string_equal(fmt("[Color 10]0", 12345), "12345");
	assert_string_equal(fmt("[$-409]0", 12345), "12345");
	assert_string_equal(fmt("#,##0;[Red]-#,##0", -1234), "-1,234");
	assert_string_equal(fmt("General", 18), "18");
	assert_string_equal(fmt("0;General", -18), "18");
}

static void test_grouping_and_scaling(void **state)
{
	(void)state;
	assert_string_equal(fmt("#,##0", 1234567), "1,234,567");
	assert_string_equal(fmt("#,##0", -1234567), "-1,234,567");
	assert_string_equal(fmt("#,##0", 123), "123");
	assert_string_equal(fmt("#,##0", 0), "0");
	assert_string_equal(fmt("0,0", 1234567), "1,234,567");
	assert_string_equal(fmt("#,###", 1234567), "1,234,567");
	assert_string_equal(fmt("000,000", 42), "000,042");
	assert_string_equal(fmt("#,##0.00", 1234.5), "1,234.50");
	assert_string_equal(fmt("#,##0,", 1234567), "1,235");
	assert_string_equal(fmt("#,", 1234567), "1235");
	assert_string_equal(fmt("#,##0.00,,", 1234567), "1.23");
}

static void test_decimals(void **state)
{
	(void)state;
	assert_string_equal(fmt("0.00", 3.14159), "3.14");
	assert_string_equal(fmt("0.00", 18.5), "18.50");
	/* half away from zero, on the decimal digits */
	assert_string_equal(fmt("0", 2.5), "3");
	assert_string_equal(fmt("0", -2.5), "-3");
	assert_string_equal(fmt("0.00", 0.125), "0.13");
	assert_string_equal(fmt("0.00", 2.675), "2.68");
	assert_string_equal(fmt("0.00", 1.005), "1.01");
	assert_string_equal(fmt("0.0", 4.35), "4.4");
	assert_string_equal(fmt("0.00", 99.999), "100.00");
	assert_string_equal(fmt("0.00", 0.999), "1.00");
	/* a negative number rounded to zero has no sign */
	assert_string_equal(fmt("0.00", -0.001), "0.00");
	assert_string_equal(fmt("0.00", 1e-20), "0.00");
	/* # shows nothing for a zero, and the point only with a decimal */
	assert_string_equal(fmt("#", 0), "");
	assert_string_equal(fmt("#.##", 0.5), ".5");
	assert_string_equal(fmt("#.##", 5), "5");
	assert_string_equal(fmt("0.", 5), "5");
	assert_string_equal(fmt("0.0#", 12), "12.0");
	assert_string_equal(fmt("0.0#", 12.345), "12.35");
	assert_string_equal(fmt("0.0?", 0.5), "0.5 ");
	/* integers exact up to 2^53, 15 significant digits past it */
	assert_string_equal(fmt("0", 1234567890123456.0), "1234567890123456");
	assert_string_equal(fmt("0", 123456789012345678.0),
			    "123456789012346000");
	assert_string_equal(fmt("0", 1e20), "100000000000000000000");
}

static void test_percent_and_literals(void **state)
{
	(void)state;
	assert_string_equal(fmt("0%", 0.256), "26%");
	assert_string_equal(fmt("0.00%", 0.256), "25.60%");
	assert_string_equal(fmt("0.0?%", 0.5), "50.0 %");
	assert_string_equal(fmt("0\"%\"", 25), "25%");
	assert_string_equal(fmt("00\" kg\"", 7), "07 kg");
	assert_string_equal(fmt("_(0_)", 5), " 5 ");
	assert_string_equal(fmt("*-0", 5), "5");
	assert_string_equal(fmt("$0.00", 5), "$5.00");
}

static void test_refused(void **state)
{
	(void)state;
	assert_true(refused("[$\xe2\x82\xac-407]0", 5));	/* currency */
	assert_true(refused("# ?/?", 1.5));		/* fraction */
	assert_true(refused("0.00E+00", 12345));	/* scientific */
	assert_true(refused("@", 123));
	assert_true(refused("[DBNum1]0", 5));
	assert_true(refused("0;0;0;0;0", 5));		/* five sections */
	assert_true(refused("\"unclosed", 5));
	assert_true(refused("0.0.0", 5));
	assert_true(refused("0", 1e300));		/* too many digits */
	assert_true(refused("0", 0.0 / 0.0));
}

static void test_builtin(void **state)
{
	(void)state;
	assert_null(numfmt_builtin(0));
	assert_string_equal(numfmt_builtin(1), "0");
	assert_string_equal(numfmt_builtin(3), "#,##0");
	assert_string_equal(numfmt_builtin(10), "0.00%");
	assert_null(numfmt_builtin(11));	/* scientific */
	assert_null(numfmt_builtin(14));	/* a date */
	assert_null(numfmt_builtin(49));	/* text */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_phones),
		cmocka_unit_test(test_conditions),
		cmocka_unit_test(test_sections),
		cmocka_unit_test(test_grouping_and_scaling),
		cmocka_unit_test(test_decimals),
		cmocka_unit_test(test_percent_and_literals),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_builtin),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
