/*
 * Unit tests for duration: the one grammar of the configuration's timeout
 * and of --time-budget / --max-snapshot-age, at its edges. Every form
 * either of the two former parsers took keeps its value.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "duration.h"

static void test_units(void **state)
{
	(void)state;
	assert_int_equal(duration_ms("500ms"), 500);
	assert_int_equal(duration_ms("90s"), 90000);
	assert_int_equal(duration_ms("5m"), 300000);
	assert_int_equal(duration_ms("6h"), 21600000);
	assert_int_equal(duration_ms("1d"), 86400000);
	assert_int_equal(duration_ms("90"), 90000);	/* bare seconds */
	assert_int_equal(duration_ms("0"), 0);		/* the caller refuses it */
}

static void test_combinations(void **state)
{
	(void)state;
	assert_int_equal(duration_ms("1h30m"), 5400000);
	assert_int_equal(duration_ms("1m30s500ms"), 90500);
	assert_int_equal(duration_ms("1d1h"), 90000000);
	assert_int_equal(duration_ms("1h1h"), 7200000);
	assert_int_equal(duration_ms("1h 30m"), 5400000);	/* strtod skips spaces */
}

static void test_fractions(void **state)
{
	(void)state;
	assert_int_equal(duration_ms("1.5h"), 5400000);
	assert_int_equal(duration_ms(".5s"), 500);
	assert_int_equal(duration_ms("1.9ms"), 1);	/* truncated */
	assert_int_equal(duration_ms("0.5ms"), 0);
	assert_int_equal(duration_ms("0.5ms0.5ms"), 0);	/* each part on its own */
	assert_int_equal(duration_ms("1e3ms"), 1000);
	assert_int_equal(duration_ms("2.5"), 2500);
}

static void test_refused(void **state)
{
	(void)state;
	assert_int_equal(duration_ms(""), -1);
	assert_int_equal(duration_ms("-5s"), -1);
	assert_int_equal(duration_ms("+5s"), -1);
	assert_int_equal(duration_ms("1h-5m"), -1);
	assert_int_equal(duration_ms("1h30"), -1);	/* ambiguous */
	assert_int_equal(duration_ms("5x"), -1);
	assert_int_equal(duration_ms("5 s"), -1);
	assert_int_equal(duration_ms("5s "), -1);
	assert_int_equal(duration_ms("s"), -1);
	assert_int_equal(duration_ms("1hh"), -1);
	assert_int_equal(duration_ms("inf"), -1);
	assert_int_equal(duration_ms("nan"), -1);
	assert_int_equal(duration_ms("nans"), -1);
	assert_int_equal(duration_ms("1e400s"), -1);	/* out of range for strtod */
}

static void test_limits(void **state)
{
	char many[1100 * 6 + 1];	/* 1,100 parts of 9e15 ms: beyond 9.2e18 */
	int i;

	(void)state;
	assert_int_equal(duration_ms("9e15ms"), 9000000000000000LL);
	assert_int_equal(duration_ms("9.000001e15ms"), -1);	/* a part beyond 9e15 ms */
	assert_int_equal(duration_ms("104166666d"), 104166666LL * 86400000LL);
	assert_int_equal(duration_ms("104166667d"), -1);
	/* parts each in range whose sum a long long cannot hold */
	for (i = 0; i < 1100; i++)
		memcpy(many + 6 * i, "9e15ms", 6);
	many[sizeof(many) - 1] = '\0';
	assert_int_equal(duration_ms(many), -1);
	many[6 * 2] = '\0';
	assert_int_equal(duration_ms(many), 18000000000000000LL);
}

/* Written back for messages: two largest units at most, nearest second. */
static void test_format(void **state)
{
	char b[32];

	(void)state;
	assert_string_equal(duration_format(86400000, b, sizeof(b)), "24h");
	assert_string_equal(duration_format(900000, b, sizeof(b)), "15m");
	assert_string_equal(duration_format(2000, b, sizeof(b)), "2s");
	assert_string_equal(duration_format(4996, b, sizeof(b)), "5s");
	assert_string_equal(duration_format(500, b, sizeof(b)), "500ms");
	assert_string_equal(duration_format(0, b, sizeof(b)), "0ms");
	assert_string_equal(duration_format(5400000, b, sizeof(b)), "1h30m");
	assert_string_equal(duration_format(3605000, b, sizeof(b)), "1h");	/* not "1h5s" */
	assert_string_equal(duration_format(90000, b, sizeof(b)), "1m30s");
	assert_string_equal(duration_format(7 * 86400000LL + 3600000, b, sizeof(b)), "7d1h");
	/* each one reads back as about what it said */
	assert_int_equal(duration_ms("1h30m"), 5400000);
	assert_int_equal(duration_ms("7d1h"), 7 * 86400000LL + 3600000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_combinations),
		cmocka_unit_test(test_fractions),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
