/* Unit tests of snapshot: the keys of remote numbers that are not valid
 * (a value of any length is kept, a long one under a hash), and a long
 * raw value's round trip through the record. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "snapshot.h"

/* A value that fits a store key is its own key. */
static void test_short_key_is_raw(void **state)
{
	char key[SNAPSHOT_KEY_MAX];
	const char *raw = "0791 ext 12";

	(void)state;
	assert_int_equal(snapshot_key(raw, strlen(raw), key), strlen(raw));
	assert_memory_equal(key, raw, strlen(raw));
	/* exactly 64 bytes still fits */
	{
		char raw64[64];

		memset(raw64, '7', sizeof(raw64));
		assert_int_equal(snapshot_key(raw64, 64, key), 64);
		assert_memory_equal(key, raw64, 64);
	}
}

/*
 * A longer value: its first 40 bytes, '#', 16 hex digits; the same value
 * gives the same key, values differing only past the prefix (even in the
 * last byte) give different keys. The FNV-1a 64 of "a"×65 is worked out
 * here independently of snapshot.c.
 */
static void test_long_key_is_hashed(void **state)
{
	char raw[65], other[65], key[SNAPSHOT_KEY_MAX], key2[SNAPSHOT_KEY_MAX], want[17];
	uint64_t h = 0xcbf29ce484222325ull;
	size_t n, i;

	(void)state;
	memset(raw, 'a', sizeof(raw));
	for (i = 0; i < sizeof(raw); i++)
		h = (h ^ 'a') * 0x100000001b3ull;
	snprintf(want, sizeof(want), "%016llx", (unsigned long long)h);
	n = snapshot_key(raw, sizeof(raw), key);
	assert_int_equal(n, SNAPSHOT_KEY_KEEP + 1 + 16);
	assert_true(n <= SNAPSHOT_KEY_MAX);
	assert_memory_equal(key, raw, SNAPSHOT_KEY_KEEP);
	assert_int_equal(key[SNAPSHOT_KEY_KEEP], '#');
	assert_memory_equal(key + SNAPSHOT_KEY_KEEP + 1, want, 16);
	assert_int_equal(snapshot_key(raw, sizeof(raw), key2), n);
	assert_memory_equal(key, key2, n);
	memcpy(other, raw, sizeof(raw));
	other[64] = 'b';
	assert_int_equal(snapshot_key(other, sizeof(other), key2), n);
	assert_memory_not_equal(key, key2, n);
}

/* The record keeps the whole value: decoded under its hashed key, the
 * contact's raw_phone is the value, and the flag says it is not valid. */
static void test_long_value_round_trip(void **state)
{
	static const char raw[] = "07911 123456 ext. 4321 - ask for Ms Okafor at reception, weekday mornings only";
	struct remote_contact in, out;
	struct errinfo info = { 0 };
	char key[SNAPSHOT_KEY_MAX];
	struct buf rec;
	size_t kl;

	(void)state;
	memset(&in, 0, sizeof(in));
	memset(&out, 0, sizeof(out));
	contact_init(&in.c);
	contact_init(&out.c);
	buf_init(&rec, 0);
	in.c.raw_phone = (struct str){ raw, sizeof(raw) - 1 };
	in.c.first_name = (struct str){ "Ada", 3 };
	in.phone_invalid = 1;
	snprintf(in.id, sizeof(in.id), "17");
	assert_int_equal(snapshot_encode(&in, &rec), ERR_OK);
	kl = snapshot_key(raw, sizeof(raw) - 1, key);
	assert_int_equal(snapshot_decode(&out, rec.data, rec.len, key, kl, &info), ERR_OK);
	assert_true(out.phone_invalid);
	assert_string_equal(out.id, "17");
	assert_int_equal(out.c.raw_phone.len, sizeof(raw) - 1);
	assert_memory_equal(out.c.raw_phone.ptr, raw, sizeof(raw) - 1);
	assert_string_equal(out.c.phone, "");
	assert_int_equal(out.c.first_name.len, 3);
	buf_free(&rec);
	contact_free(&in.c);
	contact_free(&out.c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_key_is_raw),
		cmocka_unit_test(test_long_key_is_hashed),
		cmocka_unit_test(test_long_value_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
