/*
 * Unit tests for sst (xlsxin's shared strings): the same strings read back
 * by index whether the table stayed in memory or was spilled to disk (a
 * spill threshold of a few hundred bytes forces it), the fix applied to
 * each string, the cap on one string, and indexes past the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "read/sst.h"

/* "s0", "s1" ... "s{i}" repeated i % 7 times, so lengths differ. */
static void expected(size_t i, char *out, size_t cap)
{
	size_t k, len = 0;

	out[0] = '\0';
	for (k = 0; k <= i % 7; k++)
		len += (size_t)snprintf(out + len, cap - len, "s%zu", i);
}

/* Upper-cases in place, as xlsxin's unescape rewrites a string. */
static size_t upper(char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == 's')
			s[i] = 'S';
	return n;
}

static void fill_and_check(size_t spill_at, int spilled)
{
	struct sst s;
	struct errinfo info;
	char want[256];
	const char *got;
	size_t i, len;

	assert_int_equal(sst_init(&s, 100, spill_at, NULL, &info), ERR_OK);
	for (i = 0; i < 1000; i++) {
		expected(i, want, sizeof(want));
		sst_begin(&s);
		assert_int_equal(sst_add(&s, want, 1, &info), ERR_OK);
		assert_int_equal(sst_add(&s, want + 1, strlen(want) - 1, &info), ERR_OK);
		assert_int_equal(sst_end(&s, i % 2 ? upper : NULL, &info), ERR_OK);
	}
	assert_int_equal(sst_done(&s, &info), ERR_OK);
	assert_int_equal(sst_spilled(&s), spilled);
	assert_int_equal(sst_count(&s), 1000);
	for (i = 1000; i-- > 0;) {
		expected(i, want, sizeof(want));
		if (i % 2)
			upper(want, strlen(want));
		assert_int_equal(sst_get(&s, i, &got, &len, &info), ERR_OK);
		assert_int_equal(len, strlen(want));
		assert_string_equal(got, want);
	}
	assert_int_equal(sst_get(&s, 1000, &got, &len, &info), ERR_NOT_FOUND);
	sst_free(&s);
}

static void test_in_memory(void **state)
{
	(void)state;
	fill_and_check(0, 0);
}

static void test_spilled(void **state)
{
	(void)state;
	fill_and_check(300, 1);
}

static void test_string_cap(void **state)
{
	struct sst s;
	struct errinfo info;
	char big[40];

	(void)state;
	memset(big, 'x', sizeof(big));
	assert_int_equal(sst_init(&s, 50, 0, NULL, &info), ERR_OK);
	sst_begin(&s);
	assert_int_equal(sst_add(&s, big, sizeof(big), &info), ERR_OK);
	assert_int_equal(sst_add(&s, big, sizeof(big), &info), ERR_LIMIT);
	sst_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_memory),
		cmocka_unit_test(test_spilled),
		cmocka_unit_test(test_string_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
