/*
 * Unit tests for limit: the grammar of "N" and "P%" (what --max-rejects and
 * the profile's max_rejects accept and refuse) and where a ceiling is
 * passed, exactly at its edge (2 of 4 is 50%: not more than 50%).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "limit.h"

static void test_parse(void **state)
{
	struct limit l;

	(void)state;
	assert_int_equal(limit_parse("25", &l), 0);
	assert_int_equal(l.kind, LIMIT_COUNT);
	assert_int_equal(l.count, 25);
	assert_int_equal(limit_parse("0", &l), 0);
	assert_int_equal(l.kind, LIMIT_COUNT);
	assert_int_equal(l.count, 0);
	assert_int_equal(limit_parse("50%", &l), 0);
	assert_int_equal(l.kind, LIMIT_SHARE);
	assert_int_equal(l.share, 5000);
	assert_int_equal(limit_parse("0.5%", &l), 0);
	assert_int_equal(l.share, 50);
	assert_int_equal(limit_parse("12.25%", &l), 0);
	assert_int_equal(l.share, 1225);
	assert_int_equal(limit_parse("100%", &l), 0);
	assert_int_equal(l.share, 10000);
	assert_int_equal(limit_parse("0%", &l), 0);
	assert_int_equal(l.share, 0);
}

static void test_parse_refuses(void **state)
{
	static const char *const bad[] = {
		"", "%", "-1", " 1", "1 ", "1.5", "101%", "100.01%", "1.234%", "50%%",
		"5%0", "abc", "1e3", ".5%", "18446744073709551616",
	};
	struct limit l = { LIMIT_COUNT, 7, 0 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(limit_parse(bad[i], &l), -1);
		assert_int_equal(l.kind, LIMIT_COUNT);	/* untouched */
		assert_int_equal(l.count, 7);
	}
	assert_int_equal(limit_parse(NULL, &l), -1);
}

static void test_passed(void **state)
{
	struct limit none = { LIMIT_NONE, 0, 0 }, l;

	(void)state;
	assert_false(limit_passed(&none, 1000, 1000));
	assert_int_equal(limit_parse("2", &l), 0);
	assert_false(limit_passed(&l, 2, 3));
	assert_true(limit_passed(&l, 3, 1000));
	assert_int_equal(limit_parse("0", &l), 0);
	assert_false(limit_passed(&l, 0, 10));
	assert_true(limit_passed(&l, 1, 10));
	assert_int_equal(limit_parse("50%", &l), 0);
	assert_false(limit_passed(&l, 2, 4));
	assert_true(limit_passed(&l, 3, 4));
	assert_false(limit_passed(&l, 0, 0));
	assert_int_equal(limit_parse("0.5%", &l), 0);
	assert_false(limit_passed(&l, 5, 1000));
	assert_true(limit_passed(&l, 6, 1000));
	assert_int_equal(limit_parse("0%", &l), 0);
	assert_true(limit_passed(&l, 1, 1000000));
	assert_int_equal(limit_parse("100%", &l), 0);
	assert_false(limit_passed(&l, 7, 7));
	assert_false(limit_passed(&l, UINT64_MAX / 2, UINT64_MAX / 2));
}

static void test_str(void **state)
{
	struct limit l = { LIMIT_NONE, 0, 0 };
	char buf[32];

	(void)state;
	limit_str(&l, buf, sizeof(buf));
	assert_string_equal(buf, "none");
	limit_parse("12.25%", &l);
	limit_str(&l, buf, sizeof(buf));
	assert_string_equal(buf, "12.25%");
	limit_parse("0.5%", &l);
	limit_str(&l, buf, sizeof(buf));
	assert_string_equal(buf, "0.5%");
	limit_parse("0.05%", &l);
	limit_str(&l, buf, sizeof(buf));
	assert_string_equal(buf, "0.05%");
	limit_parse("50%", &l);
	limit_str(&l, buf, sizeof(buf));
	assert_string_equal(buf, "50%");
	limit_parse("123", &l);
	limit_str(&l, buf, sizeof(buf));
	assert_string_equal(buf, "123");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_refuses),
		cmocka_unit_test(test_passed),
		cmocka_unit_test(test_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
