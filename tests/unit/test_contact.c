/* Unit tests of the contact record encoding and merge. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "contact.h"

#define S(x) ((struct str){ x, sizeof(x) - 1 })

static void fill(struct contact *c)
{
	contact_init(c);
	strcpy(c->phone, "+447911123456");
	c->raw_phone = S("07911 123456");
	c->name = S("Ann Smith");
	c->first_name = S("Ann");
	c->last_name = S("Smith");
	c->company = S("Acme");
	c->opted_out = TRI_TRUE;
	c->source_file = 3;
	c->source_row = 123456789;
	contact_add_tag(c, "vip", 3);
	contact_add_tag(c, "uk", 2);
	contact_add_tag(c, "vip", 3);
	contact_add_custom(c, "plan", 4, "gold", 4);
	contact_add_custom(c, "city", 4, "Leeds", 5);
	contact_add_custom(c, "plan", 4, "platinum", 8);
	contact_sort(c);
}

static void test_sort_dedups(void **state)
{
	struct contact c;

	(void)state;
	fill(&c);
	assert_int_equal(c.ntags, 2);
	assert_memory_equal(c.tags[0].ptr, "uk", 2);
	assert_memory_equal(c.tags[1].ptr, "vip", 3);
	assert_int_equal(c.ncustom, 2);
	assert_memory_equal(c.custom[0].key.ptr, "city", 4);
	assert_memory_equal(c.custom[1].val.ptr, "platinum", 8);	/* last wins */
	assert_non_null(contact_custom(&c, "city"));
	assert_null(contact_custom(&c, "nope"));
	contact_free(&c);
}

static void test_round_trip(void **state)
{
	struct contact a, b;
	struct buf rec;
	struct errinfo info = { 0 };

	(void)state;
	fill(&a);
	contact_init(&b);
	buf_init(&rec, 0);
	assert_int_equal(contact_encode(&a, &rec), ERR_OK);
	assert_int_equal((unsigned char)rec.data[0], CONTACT_RECORD_VERSION);
	assert_int_equal(contact_decode(&b, rec.data, rec.len, a.phone, strlen(a.phone), &info), ERR_OK);
	assert_true(contact_is_same(&a, &b));
	assert_int_equal(b.source_file, 3);
	assert_true(b.source_row == 123456789);
	assert_int_equal(b.raw_phone.len, 12);
	assert_int_equal(b.opted_out, TRI_TRUE);
	buf_free(&rec);
	contact_free(&a);
	contact_free(&b);
}

static void test_empty_contact(void **state)
{
	struct contact a, b;
	struct buf rec;
	struct errinfo info = { 0 };

	(void)state;
	contact_init(&a);
	contact_init(&b);
	strcpy(a.phone, "+12125550142");
	buf_init(&rec, 0);
	assert_int_equal(contact_encode(&a, &rec), ERR_OK);
	assert_int_equal(rec.len, 4);	/* version, flags, file, row */
	assert_int_equal(contact_decode(&b, rec.data, rec.len, "+12125550142", 12, &info), ERR_OK);
	assert_true(contact_is_same(&a, &b));
	assert_int_equal(b.opted_out, TRI_UNKNOWN);
	buf_free(&rec);
	contact_free(&a);
	contact_free(&b);
}

/* Every truncation and every single-byte corruption is either decoded or
 * reported as corrupt: never a crash or an overread (run under ASan). */
static void test_corruption_detected(void **state)
{
	struct contact a, b;
	struct buf rec;
	struct errinfo info = { 0 };
	size_t i;
	int bit;

	(void)state;
	fill(&a);
	contact_init(&b);
	buf_init(&rec, 0);
	assert_int_equal(contact_encode(&a, &rec), ERR_OK);
	for (i = 0; i < rec.len; i++) {
		enum err e = contact_decode(&b, rec.data, i, NULL, 0, &info);

		assert_true(e == ERR_OK || e == ERR_STORE_CORRUPT);
		if (i < 3)
			assert_int_equal(e, ERR_STORE_CORRUPT);
	}
	for (i = 0; i < rec.len; i++) {
		for (bit = 0; bit < 8; bit++) {
			char *copy = malloc(rec.len);
			enum err e;

			memcpy(copy, rec.data, rec.len);
			copy[i] ^= (char)(1 << bit);
			e = contact_decode(&b, copy, rec.len, NULL, 0, &info);
			assert_true(e == ERR_OK || e == ERR_STORE_CORRUPT);
			free(copy);
		}
	}
	rec.data[0] = 9;
	assert_int_equal(contact_decode(&b, rec.data, rec.len, "+1", 2, &info), ERR_STORE_CORRUPT);
	assert_non_null(strstr(info.msg, "unknown record version"));
	buf_free(&rec);
	contact_free(&a);
	contact_free(&b);
}

/* Found by fuzz_records: a record with an empty tag or custom key decoded,
 * then lost that field when written back (contact_encode skips them), so
 * the same bytes did not mean the same contact twice. Such a record did
 * not come from contact_encode: it is corrupt. */
static void test_empty_tag_or_key_is_corrupt(void **state)
{
	static const unsigned char empty_tag[] = { 1, 1, 0, 0, 6, 0 };
	static const unsigned char empty_key[] = { 1, 1, 0, 0, 7, 3, 0, 'a', 'b' };
	static const unsigned char fine[] = { 1, 1, 0, 0, 6, 1, 't', 7, 4, 1, 'k', 'a', 'b' };
	struct contact c;
	struct errinfo info = { 0 };

	(void)state;
	contact_init(&c);
	assert_int_equal(contact_decode(&c, empty_tag, sizeof(empty_tag), NULL, 0, &info),
			 ERR_STORE_CORRUPT);
	assert_int_equal(contact_decode(&c, empty_key, sizeof(empty_key), NULL, 0, &info),
			 ERR_STORE_CORRUPT);
	assert_int_equal(contact_decode(&c, fine, sizeof(fine), NULL, 0, &info), ERR_OK);
	assert_int_equal(c.ntags, 1);
	assert_int_equal(c.ncustom, 1);
	assert_memory_equal(c.custom[0].val.ptr, "ab", 2);
	contact_free(&c);
}

static void test_merge_later_non_empty_wins(void **state)
{
	struct contact base, later;

	(void)state;
	fill(&base);
	contact_init(&later);
	strcpy(later.phone, base.phone);
	later.name = S("Ann Jones");
	later.opted_out = TRI_UNKNOWN;
	later.source_row = 99;
	contact_add_custom(&later, "city", 4, "York", 4);
	contact_add_custom(&later, "plan", 4, "", 0);	/* empty: keeps the old */
	contact_add_custom(&later, "zone", 4, "north", 5);
	contact_sort(&later);
	assert_int_equal(contact_merge(&base, &later), ERR_OK);
	assert_memory_equal(base.name.ptr, "Ann Jones", 9);
	assert_memory_equal(base.company.ptr, "Acme", 4);	/* kept */
	assert_int_equal(base.opted_out, TRI_TRUE);		/* unknown keeps */
	assert_int_equal(base.ntags, 2);			/* no tags: kept */
	assert_int_equal(base.ncustom, 3);
	assert_memory_equal(contact_custom(&base, "city")->ptr, "York", 4);
	assert_memory_equal(contact_custom(&base, "plan")->ptr, "platinum", 8);
	assert_memory_equal(contact_custom(&base, "zone")->ptr, "north", 5);
	assert_true(base.source_row == 99);

	contact_reset(&later);
	later.opted_out = TRI_FALSE;
	contact_add_tag(&later, "new", 3);
	assert_int_equal(contact_merge(&base, &later), ERR_OK);
	assert_int_equal(base.opted_out, TRI_FALSE);
	assert_int_equal(base.ntags, 1);			/* tags replaced as a whole */
	assert_memory_equal(base.tags[0].ptr, "new", 3);
	contact_free(&base);
	contact_free(&later);
}

static void test_tri_str(void **state)
{
	(void)state;
	assert_string_equal(tri_str(TRI_TRUE), "true");
	assert_string_equal(tri_str(TRI_FALSE), "false");
	assert_string_equal(tri_str(TRI_UNKNOWN), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sort_dedups),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_empty_contact),
		cmocka_unit_test(test_corruption_detected),
		cmocka_unit_test(test_empty_tag_or_key_is_corrupt),
		cmocka_unit_test(test_merge_later_non_empty_wins),
		cmocka_unit_test(test_tri_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
