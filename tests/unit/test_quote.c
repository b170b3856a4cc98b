/*
 * Unit tests for quote: file text in messages, bounded without cutting a
 * word or a character. Expected strings are written out by hand from the
 * rules in quote.h.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "quote.h"

static void check_value(const char *in, size_t max, const char *want)
{
	struct buf b;

	buf_init(&b, 0);
	assert_int_equal(quote_value(&b, in, strlen(in), max), ERR_OK);
	assert_string_equal(buf_str(&b), want);
	buf_free(&b);
}

static void test_short_values_whole(void **state)
{
	(void)state;
	check_value("Mobile Phone", 40, "'Mobile Phone'");
	check_value("", 40, "''");
	check_value("a\x01" "b\x7f", 40, "'a\\x01b\\x7f'");
}

/* Words of 4 letters and a space: byte 40 starts the ninth word, so the
 * cut falls on the space before it. */
static void test_long_value_cut_at_a_space(void **state)
{
	(void)state;
	check_value("aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj", 40,
		    "'aaaa bbbb cccc dddd eeee ffff gggg hhhh...'");
}

/* No space in the second half: cut at the byte bound, but never inside
 * a UTF-8 sequence (é is 2 bytes: 41 bytes would split the 21st). */
static void test_long_word_cut_between_characters(void **state)
{
	char in[61], want[64];
	int i;

	(void)state;
	for (i = 0; i < 30; i++)
		memcpy(in + 2 * i, "\xc3\xa9", 2);
	in[60] = '\0';
	want[0] = '\'';
	memcpy(want + 1, in, 40);
	memcpy(want + 41, "...'", 5);
	check_value(in, 40, want);
	check_value(in, 41, want);
}

static void test_quote_to_array(void **state)
{
	char q[QUOTE_CAP];

	(void)state;
	assert_string_equal(quote_to(q, "12abc", 5), "'12abc'");
	/* 50 control bytes: 40 shown as \xNN, the most the array holds */
	memset(q, 0, sizeof(q));
	{
		char in[50];

		memset(in, 1, sizeof(in));
		quote_to(q, in, sizeof(in));
		assert_int_equal(strlen(q), 1 + 40 * 4 + 4);
		assert_memory_equal(q + strlen(q) - 4, "...'", 4);
	}
}

static const char *list_of(const char *const *v, size_t n, struct buf *b)
{
	struct quote_list l;
	size_t i;

	buf_reset(b);
	quote_list_init(&l, b);
	for (i = 0; i < n; i++)
		quote_list_add(&l, v[i], strlen(v[i]));
	assert_int_equal(quote_list_end(&l), ERR_OK);
	return buf_str(b);
}

static void test_lists(void **state)
{
	static const char *const abc[] = { "a", "b", "c" };
	const char *many[20];
	char names[20][4];
	struct buf b;
	size_t i;

	(void)state;
	buf_init(&b, 0);
	assert_string_equal(list_of(abc, 3, &b), "'a', 'b', 'c'");
	assert_string_equal(list_of(abc, 0, &b), "none");
	for (i = 0; i < 20; i++) {
		snprintf(names[i], sizeof(names[i]), "c%zu", i + 1);
		many[i] = names[i];
	}
	assert_string_equal(list_of(many, 20, &b),
			    "'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9', 'c10', "
			    "'c11', 'c12' ... and 8 more");
	buf_free(&b);
}

/* Items of 40 bytes take 42 quoted and 2 more for ", ": 42 + 5 * 44 =
 * 262 bytes fit in 280, a seventh would make 306; and once an item is
 * left out, a shorter one after it is not shown either (the order holds). */
static void test_list_bounded_in_bytes(void **state)
{
	const char *v[9];
	char long40[41];
	struct buf b;
	const char *got;
	size_t i;

	(void)state;
	memset(long40, 'x', 40);
	long40[40] = '\0';
	for (i = 0; i < 8; i++)
		v[i] = long40;
	v[8] = "short";
	buf_init(&b, 0);
	got = list_of(v, 9, &b);
	assert_int_equal(strlen(got), 262 + strlen(" ... and 3 more"));
	assert_non_null(strstr(got, "' ... and 3 more"));
	assert_null(strstr(got, "short"));
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_values_whole),
		cmocka_unit_test(test_long_value_cut_at_a_space),
		cmocka_unit_test(test_long_word_cut_between_characters),
		cmocka_unit_test(test_quote_to_array),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_list_bounded_in_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
