/*
 * Unit tests of the one cleaning of a contact's values that import and
 * pull share (contact_clean_value, contact.h), under both rules for a
 * value that is not valid UTF-8: import's (the row fails) and pull's (the
 * bytes are kept).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "contact.h"

static const enum contact_bad_text rules[] = { CONTACT_BAD_TEXT_FAILS, CONTACT_BAD_TEXT_KEPT };

/* Cleans s under rule into arena; checks where it went. */
static enum err clean(struct buf *arena, struct buf *tmp, const char *s,
		      enum contact_bad_text rule, struct str *out)
{
	size_t before = arena->len, off = 99, len = 99;
	enum err e = contact_clean_value(arena, tmp, s, strlen(s), rule, &off, &len);

	assert_int_equal(off, before);
	if (!e) {
		assert_int_equal(arena->len, before + len);
		out->ptr = arena->data + off;
		out->len = len;
	}
	return e;
}

static void assert_str(struct str s, const char *want)
{
	assert_int_equal(s.len, strlen(want));
	assert_memory_equal(s.ptr, want, s.len);
}

/* Valid text is cleaned the same way whichever side it comes from. */
static void test_same_for_both(void **state)
{
	static const char *const cases[][2] = {
		{ "  Ann \t Lee  ", "Ann Lee" },
		{ "Ann\xc2\xa0\xc2\xa0Lee", "Ann Lee" },	/* no-break spaces */
		{ "Cafe\xcc\x81", "Caf\xc3\xa9" },		/* NFC */
		{ "\n x \r\n", "x" },
		{ "plain", "plain" },
	};
	struct buf arena, tmp;
	struct str s;
	size_t i, r;

	(void)state;
	for (r = 0; r < 2; r++) {
		buf_init(&arena, 0);
		buf_init(&tmp, 0);
		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			assert_int_equal(clean(&arena, &tmp, cases[i][0], rules[r], &s), ERR_OK);
			assert_str(s, cases[i][1]);
		}
		buf_free(&arena);
		buf_free(&tmp);
	}
}

static void test_empty(void **state)
{
	struct buf arena, tmp;
	size_t off = 99, len = 99, r;

	(void)state;
	for (r = 0; r < 2; r++) {
		buf_init(&arena, 0);
		buf_init(&tmp, 0);
		assert_int_equal(buf_add(&arena, "abc", 3), ERR_OK);
		assert_int_equal(contact_clean_value(&arena, &tmp, "", 0, rules[r], &off, &len),
				 ERR_OK);
		assert_int_equal(off, 3);
		assert_int_equal(len, 0);
		assert_int_equal(arena.len, 3);
		/* blank cleans to empty: nothing appended either */
		assert_int_equal(contact_clean_value(&arena, &tmp, "  ", 2, rules[r], &off, &len),
				 ERR_OK);
		assert_int_equal(len, 0);
		assert_int_equal(arena.len, 3);
		buf_free(&arena);
		buf_free(&tmp);
	}
}

/* Import: a value that is not UTF-8 fails, so its row is rejected
 * (bad_encoding), and nothing is appended. */
static void test_import_rule(void **state)
{
	static const char *const bad[] = { "Ann \xff", "\xc3", "a\xed\xa0\x80" };
	struct buf arena, tmp;
	struct str s;
	size_t i;

	(void)state;
	buf_init(&arena, 0);
	buf_init(&tmp, 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(clean(&arena, &tmp, bad[i], CONTACT_BAD_TEXT_FAILS, &s),
				 ERR_ENCODING);
		assert_int_equal(arena.len, 0);
	}
	buf_free(&arena);
	buf_free(&tmp);
}

/* Pull: a remote value that is not UTF-8 is kept byte for byte (the
 * snapshot says what the provider holds), not trimmed either. */
static void test_pull_rule(void **state)
{
	struct buf arena, tmp;
	struct str a, b;

	(void)state;
	buf_init(&arena, 0);
	buf_init(&tmp, 0);
	assert_int_equal(clean(&arena, &tmp, " Ann \xff ", CONTACT_BAD_TEXT_KEPT, &a), ERR_OK);
	assert_str(a, " Ann \xff ");
	/* the arena goes on after it */
	assert_int_equal(clean(&arena, &tmp, " Bob ", CONTACT_BAD_TEXT_KEPT, &b), ERR_OK);
	assert_str(b, "Bob");
	assert_int_equal(arena.len, strlen(" Ann \xff ") + 3);
	buf_free(&arena);
	buf_free(&tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_for_both),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_import_rule),
		cmocka_unit_test(test_pull_rule),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
