/* Unit tests of value cleaning and opt-out parsing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "text.h"

static const char *clean(const char *in)
{
	static struct buf b;

	if (!b.max)
		buf_init(&b, 0);
	assert_int_equal(text_clean(in, strlen(in), &b), ERR_OK);
	return buf_str(&b);
}

static void test_clean(void **state)
{
	(void)state;
	assert_string_equal(clean(""), "");
	assert_string_equal(clean("   "), "");
	assert_string_equal(clean("  Ann  "), "Ann");
	assert_string_equal(clean("Ann \t\r\n Smith"), "Ann Smith");
	assert_string_equal(clean("a  b   c"), "a b c");
	/* NBSP and other Unicode spaces are whitespace too */
	assert_string_equal(clean("\xc2\xa0" "Ann\xe2\x80\x83Smith\xc2\xa0"), "Ann Smith");
	/* NFC: e + combining acute → é */
	assert_string_equal(clean("Cafe\xcc\x81"), "Caf\xc3\xa9");
	assert_string_equal(clean("  Zo\xc3\xab   M\xc3\xbcller "), "Zo\xc3\xab M\xc3\xbcller");
}

static void test_clean_rejects_bad_utf8(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(text_clean("\xc3\x28", 2, &b), ERR_ENCODING);
	/* NUL bytes (a UTF-16 file read as UTF-8), in the ASCII and UTF-8 paths */
	assert_int_equal(text_clean("A\0nn", 4, &b), ERR_ENCODING);
	assert_int_equal(text_clean("J\xc3\xa9\0r", 5, &b), ERR_ENCODING);
	buf_free(&b);
	assert_true(text_utf8_valid("Caf\xc3\xa9", 5));
	assert_false(text_utf8_valid("\xff", 1));
	assert_false(text_utf8_valid("\xed\xa0\x80", 3));	/* surrogate */
}

static void test_header_key(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(text_header_key(" First-Name ", 12, &b), ERR_OK);
	assert_string_equal(buf_str(&b), "firstname");
	assert_int_equal(text_header_key("PHONE_NUMBER", 12, &b), ERR_OK);
	assert_string_equal(buf_str(&b), "phonenumber");
	assert_int_equal(text_header_key("Do not text?", 12, &b), ERR_OK);
	assert_string_equal(buf_str(&b), "donottext");
	assert_int_equal(text_header_key("T\xc3\x89L", 4, &b), ERR_OK);
	assert_string_equal(buf_str(&b), "t\xc3\xa9l");
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_clean_rejects_bad_utf8),
		cmocka_unit_test(test_header_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
