/*
 * Unit tests for cellfmt: numbers printed without float noise, Excel date
 * serials (1900 system with its leap-year bug, 1904 system) as ISO 8601,
 * and the kind of built-in and custom number formats.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "read/cellfmt.h"

static const char *num(double v)
{
	static char out[CELLFMT_MAX];
	size_t n = cellfmt_number(v, out);

	assert_int_equal(n, strlen(out));
	return out;
}

static const char *serial(double v, int date1904, enum cellfmt_kind kind)
{
	static char out[CELLFMT_MAX];
	size_t n = cellfmt_serial(v, date1904, kind, out);

	assert_int_equal(n, strlen(out));
	return out;
}

static void test_numbers(void **state)
{
	(void)state;
	assert_string_equal(num(18), "18");
	assert_string_equal(num(18.5), "18.5");
	assert_string_equal(num(0.1), "0.1");
	assert_string_equal(num(1e-7), "1E-07");
	assert_string_equal(num(447911123456.0), "447911123456");
	assert_string_equal(num(strtod("4.47911123456E+11", NULL)), "447911123456");
	assert_string_equal(num(-3.25), "-3.25");
	assert_string_equal(num(-447911123456.0), "-447911123456");
	assert_string_equal(num(9007199254740992.0), "9007199254740992");
	assert_string_equal(num(-9007199254740992.0), "-9007199254740992");
	assert_string_equal(num(0), "0");
	assert_string_equal(num(-0.0), "0");
	/* 15 significant digits, as Excel and LibreOffice show them */
	assert_string_equal(num(1.0 / 3), "0.333333333333333");
	assert_string_equal(num(0.1 + 0.2), "0.3");
	assert_string_equal(num(0.1 + 0.7), "0.8");
	assert_string_equal(num(123456.7891234567), "123456.789123457");
	assert_string_equal(num(123456789012.5), "123456789012.5");
	assert_string_equal(num(2.5e-5), "2.5E-05");
	/* past 2^53 integers are no longer exact: 15 digits too */
	assert_string_equal(num(1e20), "1E+20");
	assert_string_equal(num(18014398509481984.0), "1.8014398509482E+16");
	assert_string_equal(num(123456789012345678901.0), "1.23456789012346E+20");
	assert_string_equal(num(-1.7976931348623157e308), "-1.79769313486232E+308");
	assert_string_equal(num(5e-324), "4.94065645841247E-324");
	assert_string_equal(num(NAN), "NaN");
	assert_string_equal(num(-INFINITY), "-Infinity");
}

/* Every number reads back as itself to 15 significant digits. */
static void test_numbers_round_trip(void **state)
{
	char out[CELLFMT_MAX];
	double v = 0.000123;
	int i;

	(void)state;
	for (i = 0; i < 2000; i++) {
		cellfmt_number(v, out);
		/* within half a unit of the 15th significant digit */
		assert_true(fabs(strtod(out, NULL) - v) <= fabs(v) * 5e-15);
		v = v * 1.37 + 0.001;
	}
}

static void test_serial_1900(void **state)
{
	(void)state;
	assert_string_equal(serial(1, 0, CELLFMT_DATE), "1900-01-01");
	assert_string_equal(serial(59, 0, CELLFMT_DATE), "1900-02-28");
	assert_string_equal(serial(60, 0, CELLFMT_DATE), "1900-02-29");
	assert_string_equal(serial(61, 0, CELLFMT_DATE), "1900-03-01");
	assert_string_equal(serial(60.5, 0, CELLFMT_DATETIME), "1900-02-29T12:00:00");
	assert_string_equal(serial(45352, 0, CELLFMT_DATE), "2024-03-01");
	assert_string_equal(serial(45000.5, 0, CELLFMT_DATE), "2023-03-15");
	assert_string_equal(serial(45000.5, 0, CELLFMT_DATETIME), "2023-03-15T12:00:00");
	assert_string_equal(serial(45000.5, 0, CELLFMT_TIME), "12:00:00");
	assert_string_equal(serial(2958465, 0, CELLFMT_DATE), "9999-12-31");
	/* outside the calendar Excel shows: the number */
	assert_string_equal(serial(2958466, 0, CELLFMT_DATE), "2958466");
	assert_string_equal(serial(-1, 0, CELLFMT_DATE), "-1");
	assert_string_equal(serial(0, 0, CELLFMT_DATE), "0");
	assert_string_equal(serial(0.25, 0, CELLFMT_DATE), "0.25");
	/* a number kind is just a number */
	assert_string_equal(serial(45352, 0, CELLFMT_NUMBER), "45352");
	assert_string_equal(serial(45352, 0, CELLFMT_TEXT), "45352");
}

static void test_serial_time(void **state)
{
	(void)state;
	assert_string_equal(serial(0.75, 0, CELLFMT_TIME), "18:00:00");
	assert_string_equal(serial(0, 0, CELLFMT_TIME), "00:00:00");
	/* day 0 ("1900-01-00") with a date-time format: only the time */
	assert_string_equal(serial(0.75, 0, CELLFMT_DATETIME), "18:00:00");
	assert_string_equal(serial(13.0 / 24 + 45.0 / 1440, 0, CELLFMT_TIME), "13:45:00");
	/* rounded to the second, carrying into the next minute/day */
	assert_string_equal(serial(45352.5729166667, 0, CELLFMT_DATETIME),
			    "2024-03-01T13:45:00");
	assert_string_equal(serial(1.0 / 86400 - 1e-9, 0, CELLFMT_TIME), "00:00:01");
	assert_string_equal(serial(0.99999999, 0, CELLFMT_TIME), "00:00:00");
	assert_string_equal(serial(45000.99999999, 0, CELLFMT_DATETIME),
			    "2023-03-16T00:00:00");
	assert_string_equal(serial(45000.99999999, 0, CELLFMT_DATE), "2023-03-16");
	assert_string_equal(serial(59.99999999, 0, CELLFMT_DATE), "1900-02-29");
	assert_string_equal(serial(-0.5, 0, CELLFMT_TIME), "-0.5");
}

static void test_serial_1904(void **state)
{
	(void)state;
	assert_string_equal(serial(0, 1, CELLFMT_DATE), "1904-01-01");
	assert_string_equal(serial(1, 1, CELLFMT_DATE), "1904-01-02");
	assert_string_equal(serial(59, 1, CELLFMT_DATE), "1904-02-29");
	assert_string_equal(serial(60, 1, CELLFMT_DATE), "1904-03-01");
	assert_string_equal(serial(45352 - 1462, 1, CELLFMT_DATE), "2024-03-01");
	assert_string_equal(serial(43890.75, 1, CELLFMT_DATETIME), "2024-03-01T18:00:00");
	assert_string_equal(serial(0.75, 1, CELLFMT_DATETIME), "1904-01-01T18:00:00");
	assert_string_equal(serial(2957003, 1, CELLFMT_DATE), "9999-12-31");
	assert_string_equal(serial(2957004, 1, CELLFMT_DATE), "2957004");
}

static void test_builtin(void **state)
{
	unsigned id;

	(void)state;
	for (id = 0; id <= 13; id++)
		assert_int_equal(cellfmt_builtin(id), CELLFMT_NUMBER);
	for (id = 14; id <= 17; id++)
		assert_int_equal(cellfmt_builtin(id), CELLFMT_DATE);
	for (id = 18; id <= 21; id++)
		assert_int_equal(cellfmt_builtin(id), CELLFMT_TIME);
	assert_int_equal(cellfmt_builtin(22), CELLFMT_DATETIME);
	for (id = 37; id <= 44; id++)
		assert_int_equal(cellfmt_builtin(id), CELLFMT_NUMBER);
	for (id = 45; id <= 47; id++)
		assert_int_equal(cellfmt_builtin(id), CELLFMT_TIME);
	assert_int_equal(cellfmt_builtin(48), CELLFMT_NUMBER);
	assert_int_equal(cellfmt_builtin(49), CELLFMT_TEXT);
	for (id = 27; id <= 36; id++)
		if (id != 32 && id != 33)
			assert_int_equal(cellfmt_builtin(id), CELLFMT_DATE);
	assert_int_equal(cellfmt_builtin(32), CELLFMT_TIME);
	assert_int_equal(cellfmt_builtin(33), CELLFMT_TIME);
	for (id = 50; id <= 58; id++)
		assert_int_equal(cellfmt_builtin(id), CELLFMT_DATE);
	assert_int_equal(cellfmt_builtin(164), CELLFMT_NUMBER);
	assert_int_equal(cellfmt_builtin(100000), CELLFMT_NUMBER);
}

static void test_classify(void **state)
{
	static const struct {
		const char *code;
		enum cellfmt_kind kind;
	} cases[] = {
		{ "dd/mm/yyyy", CELLFMT_DATE },
		{ "[h]:mm:ss", CELLFMT_TIME },
		{ "[mm]:ss", CELLFMT_TIME },
		{ "[ss]", CELLFMT_TIME },
		{ "mm:ss", CELLFMT_TIME },
		{ "mm:ss.0", CELLFMT_TIME },
		{ "h:mm AM/PM", CELLFMT_TIME },
		{ "h AM/PM", CELLFMT_TIME },
		{ "m/d/yy h:mm", CELLFMT_DATETIME },
		{ "yyyy-mm-dd hh:mm", CELLFMT_DATETIME },
		{ "yyyy-mm-dd\\Thh:mm:ss", CELLFMT_DATETIME },
		{ "mmm-yy", CELLFMT_DATE },
		{ "mmmm", CELLFMT_DATE },
		{ "d-mmm", CELLFMT_DATE },
		{ "DD.MM.YYYY", CELLFMT_DATE },
		{ "[$-409]mmmm d, yyyy;@", CELLFMT_DATE },
		{ "[$-F800]dddd, mmmm dd, yyyy", CELLFMT_DATE },
		{ "[DBNum1][$-804]yyyy\"\xe5\xb9\xb4\"m\"\xe6\x9c\x88\"d\"\xe6\x97\xa5\"", CELLFMT_DATE },
		{ "0.00", CELLFMT_NUMBER },
		{ "#,##0", CELLFMT_NUMBER },
		{ "\"Date: \"0", CELLFMT_NUMBER },
		{ "\"yd\"0", CELLFMT_NUMBER },
		{ "0\\d", CELLFMT_NUMBER },
		{ "0_d", CELLFMT_NUMBER },
		{ "0*d", CELLFMT_NUMBER },
		{ "[Red]0.00", CELLFMT_NUMBER },
		{ "[Red][<=100]0.00;[Blue]0", CELLFMT_NUMBER },
		{ "#,##0.00 [$\xe2\x82\xac-1];[Red]-#,##0.00", CELLFMT_NUMBER },
		{ "0.00E+00", CELLFMT_NUMBER },
		{ "0%", CELLFMT_NUMBER },
		{ "General", CELLFMT_NUMBER },
		{ "general", CELLFMT_NUMBER },
		{ "", CELLFMT_NUMBER },
		{ "@", CELLFMT_TEXT },
		{ "\"Name: \"@", CELLFMT_TEXT },
		/* only the first section counts */
		{ "0;yyyy", CELLFMT_NUMBER },
		{ "yyyy;0", CELLFMT_DATE },
		/* broken codes do not crash */
		{ "\"unterminated", CELLFMT_NUMBER },
		{ "[h", CELLFMT_NUMBER },
		{ "\\", CELLFMT_NUMBER },
		{ "yyyy[", CELLFMT_DATE },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (cellfmt_classify(cases[i].code) != cases[i].kind)
			fail_msg("'%s': kind %d, want %d", cases[i].code,
				 cellfmt_classify(cases[i].code), cases[i].kind);
	}
	assert_int_equal(cellfmt_classify(NULL), CELLFMT_NUMBER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_numbers_round_trip),
		cmocka_unit_test(test_serial_1900),
		cmocka_unit_test(test_serial_time),
		cmocka_unit_test(test_serial_1904),
		cmocka_unit_test(test_builtin),
		cmocka_unit_test(test_classify),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
