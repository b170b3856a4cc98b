/*
 * Unit tests for taglist: tag cells as Mailchimp (quoted names), Google
 * Contacts (" ::: " and "* " system groups) and people (commas,
 * semicolons, stray spaces) write them. Each case lists the tags expected,
 * written by hand, joined by '|' in the order of the cell.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "buf.h"
#include "taglist.h"

struct tcase {
	const char *cell;
	const char *tags;
};

static const struct tcase cases[] = {
	{ "", "" },
	{ "   ", "" },
	{ "VIP", "VIP" },
	{ "VIP,Newsletter", "VIP|Newsletter" },
	{ " VIP ,  Newsletter ", "VIP|Newsletter" },
	{ "VIP;Newsletter; Summer sale", "VIP|Newsletter|Summer sale" },
	{ "a,,b;;c, ,", "a|b|c" },
	{ ",;", "" },
	/* Mailchimp */
	{ "\"VIP\",\"Newsletter\"", "VIP|Newsletter" },
	{ "\"Smith, Jones\",VIP", "Smith, Jones|VIP" },
	{ "\"a;b ::: c\"", "a;b ::: c" },
	{ "\"Say \"\"hi\"\"\",x", "Say \"hi\"|x" },
	{ "\"\"\"quoted\"\"\"", "\"quoted\"" },
	{ "\"\",VIP", "VIP" },
	{ " \"VIP\" , \"Newsletter\" ", "VIP|Newsletter" },
	{ "\"VIP\" extra,b", "VIP extra|b" },
	{ "\"  padded  \"", "  padded  " },
	{ "\"unclosed, x", "\"unclosed|x" },
	{ "O\"Neil,b", "O\"Neil|b" },
	{ "\"a\"\"", "\"a\"\"" },		/* the last "" is an escaped quote: not closed */
	/* Google Contacts */
	{ "* myContacts ::: Friends", "myContacts|Friends" },
	{ "Friends ::: * starred ::: Family", "Friends|starred|Family" },
	{ "Work:::Gym", "Work|Gym" },
	{ "*", "*" },
	{ "*VIP", "*VIP" },
	{ "* ", "*" },
	{ "a : b", "a : b" },
	{ "a :: b", "a :: b" },
	{ "\xc3\x89t\xc3\xa9, caf\xc3\xa9", "\xc3\x89t\xc3\xa9|caf\xc3\xa9" },
	{ "tab\there,\tx\t", "tab\there|x" },
};

static enum err collect(void *ctx, const char *tag, size_t len)
{
	struct buf *b = ctx;
	enum err e = ERR_OK;

	assert_true(len > 0);
	if (b->len)
		e = buf_addc(b, '|');
	return e ? e : buf_add(b, tag, len);
}

static void test_cases(void **state)
{
	struct buf b;
	size_t i;

	(void)state;
	buf_init(&b, 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_reset(&b);
		assert_int_equal(taglist_split(cases[i].cell, strlen(cases[i].cell), collect, &b),
				 ERR_OK);
		if (strcmp(buf_str(&b), cases[i].tags))
			fail_msg("'%s': got '%s', wanted '%s'", cases[i].cell, buf_str(&b),
				 cases[i].tags);
	}
	buf_free(&b);
}

static enum err stop_at_second(void *ctx, const char *tag, size_t len)
{
	int *n = ctx;

	(void)tag;
	(void)len;
	return ++*n == 2 ? ERR_LIMIT : ERR_OK;
}

/* The callback's error stops the split and is returned. */
static void test_error_stops(void **state)
{
	int n = 0;

	(void)state;
	assert_int_equal(taglist_split("a,\"b\"\"\",c,d", 12, stop_at_second, &n), ERR_LIMIT);
	assert_int_equal(n, 2);
}

/* Only len bytes are read: a cell inside a larger buffer. */
static void test_len_bounds(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(taglist_split("VIP,Newsletter", 4, collect, &b), ERR_OK);
	assert_string_equal(buf_str(&b), "VIP");
	buf_reset(&b);
	assert_int_equal(taglist_split("\"a,b\"", 4, collect, &b), ERR_OK);
	assert_string_equal(buf_str(&b), "\"a|b");	/* the closing quote is past len */
	buf_reset(&b);
	assert_int_equal(taglist_split("x:::y", 4, collect, &b), ERR_OK);
	assert_string_equal(buf_str(&b), "x");
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_error_stops),
		cmocka_unit_test(test_len_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
