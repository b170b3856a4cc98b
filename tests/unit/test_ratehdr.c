/*
 * Unit tests for ratehdr: rate-limit header values as waits. The clock is
 * fixed at 2026-01-01T00:00:00Z = 1767225600 s (calendar.timegm), and
 * every expected wait is worked out by hand from it: 1767225660 is a
 * minute later, 1767139200 exactly a day earlier, 1799000000 is
 * 31,774,400 s (more than a year of 31,536,000 s) ahead.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "ratehdr.h"

#define NOW 1767225600000LL

static void expect_reset(const char *v, enum ratehdr_kind kind, long long ms)
{
	long long w = -7;

	assert_int_equal(ratehdr_reset(v, NOW, &w), kind);
	assert_int_equal(w, ms);
}

static void test_reset_seconds(void **state)
{
	(void)state;
	expect_reset("30", RATEHDR_SECONDS, 30000);
	expect_reset("0", RATEHDR_SECONDS, 0);
	expect_reset(" 30 ", RATEHDR_SECONDS, 30000);
	expect_reset("1.5", RATEHDR_SECONDS, 1500);
	expect_reset("86400", RATEHDR_SECONDS, 86400000LL);	/* a day: believed, refused by max_wait */
	expect_reset("31536000", RATEHDR_SECONDS, 31536000000LL);	/* a year, the horizon */
}

static void test_reset_epoch_seconds(void **state)
{
	(void)state;
	expect_reset("1767225660", RATEHDR_EPOCH_S, 60000);
	expect_reset("1767225600", RATEHDR_EPOCH_S, 0);
	expect_reset("1767225540", RATEHDR_EPOCH_S, 0);		/* a minute past: now */
	expect_reset("1767139200", RATEHDR_EPOCH_S, 0);		/* a day past: still now */
}

static void test_reset_epoch_ms(void **state)
{
	(void)state;
	/* as seconds this would be 56,000 years */
	expect_reset("1767225605000", RATEHDR_EPOCH_MS, 5000);
	expect_reset("1767225600000", RATEHDR_EPOCH_MS, 0);
	expect_reset("1767225660250", RATEHDR_EPOCH_MS, 60250);
}

static void test_reset_untrusted(void **state)
{
	(void)state;
	expect_reset("31536001", RATEHDR_UNTRUSTED, -7);	/* past the horizon, not a time */
	expect_reset("1767139199", RATEHDR_UNTRUSTED, -7);	/* more than a day past */
	expect_reset("1799000000", RATEHDR_UNTRUSTED, -7);	/* more than a year ahead */
	expect_reset("99999999999999", RATEHDR_UNTRUSTED, -7);
	expect_reset("1234567890123456789012", RATEHDR_UNTRUSTED, -7);
	expect_reset("-5", RATEHDR_UNTRUSTED, -7);
	expect_reset("+5", RATEHDR_UNTRUSTED, -7);
	expect_reset("5e3", RATEHDR_UNTRUSTED, -7);
	expect_reset("soon", RATEHDR_UNTRUSTED, -7);
	expect_reset(".5", RATEHDR_UNTRUSTED, -7);
	expect_reset("", RATEHDR_ABSENT, -7);
	expect_reset("  ", RATEHDR_ABSENT, -7);
	expect_reset(NULL, RATEHDR_ABSENT, -7);
}

static void test_retry_after(void **state)
{
	long long w = -7;

	(void)state;
	assert_int_equal(ratehdr_retry_after("120", NOW, &w), RATEHDR_SECONDS);
	assert_int_equal(w, 120000);
	/* RFC 9110's IMF-fixdate, 90 s after NOW */
	assert_int_equal(ratehdr_retry_after("Thu, 01 Jan 2026 00:01:30 GMT", NOW, &w),
			 RATEHDR_DATE);
	assert_int_equal(w, 90000);
	/* a date long past: at once */
	assert_int_equal(ratehdr_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", NOW, &w),
			 RATEHDR_DATE);
	assert_int_equal(w, 0);
	w = -7;
	assert_int_equal(ratehdr_retry_after("99999999999", NOW, &w), RATEHDR_UNTRUSTED);
	assert_int_equal(ratehdr_retry_after("Thu, 01 Jan 2099 00:00:00 GMT", NOW, &w),
			 RATEHDR_UNTRUSTED);
	assert_int_equal(ratehdr_retry_after("later", NOW, &w), RATEHDR_UNTRUSTED);
	assert_int_equal(ratehdr_retry_after("-1", NOW, &w), RATEHDR_UNTRUSTED);
	assert_int_equal(ratehdr_retry_after("", NOW, &w), RATEHDR_ABSENT);
	assert_int_equal(w, -7);
}

static void test_retry_after_ms(void **state)
{
	long long w = -7;

	(void)state;
	assert_int_equal(ratehdr_retry_after_ms("250", &w), RATEHDR_MS);
	assert_int_equal(w, 250);
	w = -7;
	assert_int_equal(ratehdr_retry_after_ms("-1", &w), RATEHDR_UNTRUSTED);
	assert_int_equal(ratehdr_retry_after_ms("99999999999999", &w), RATEHDR_UNTRUSTED);
	assert_int_equal(ratehdr_retry_after_ms(NULL, &w), RATEHDR_ABSENT);
	assert_int_equal(w, -7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset_seconds),
		cmocka_unit_test(test_reset_epoch_seconds),
		cmocka_unit_test(test_reset_epoch_ms),
		cmocka_unit_test(test_reset_untrusted),
		cmocka_unit_test(test_retry_after),
		cmocka_unit_test(test_retry_after_ms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
