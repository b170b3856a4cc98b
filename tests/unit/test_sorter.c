/* Unit tests of the external sorter: order, stability, spilling. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sorter.h"

static int lmdb_order(const char *a, size_t al, const char *b, size_t bl)
{
	size_t n = al < bl ? al : bl;
	int r = memcmp(a, b, n);

	return r ? r : (al > bl) - (al < bl);
}

/* 50,000 records through a 64 KiB arena: many runs, and the merged output
 * is in (key, seq) order with every record present exactly once. */
static void test_spill_and_merge(void **state)
{
	struct errinfo info = { 0 };
	struct sorter *s;
	struct sorter_entry e;
	char key[32], prev[32] = "", val[32];
	size_t prevlen = 0, n = 0;
	uint64_t prevseq = 0, sum = 0;
	unsigned i;

	(void)state;
	assert_int_equal(sorter_new(&s, 1 << 16, "/tmp", &info), ERR_OK);
	srand(7);
	for (i = 1; i <= 50000; i++) {
		int k = rand() % 20000;	/* many duplicates */
		int len = snprintf(key, sizeof(key), "+%d", k * 37);

		snprintf(val, sizeof(val), "v%u", i);
		assert_int_equal(sorter_add(s, key, (size_t)len, i, val, strlen(val), &info), ERR_OK);
	}
	assert_true(sorter_runs(s) > 10);
	/* every run spilled was a nearly full 64 KiB arena: the bytes on disk
	 * are counted (a caller caps its temporary files by them) */
	assert_true(sorter_spilled(s) > (uint64_t)sorter_runs(s) * 60000);
	assert_true(sorter_spilled(s) <= (uint64_t)sorter_runs(s) * 65536);
	assert_int_equal(sorter_finish(s, &info), ERR_OK);
	while (sorter_next(s, &e, &info) == ERR_OK) {
		int c = lmdb_order(prev, prevlen, e.key, e.keylen);
		char want[32];

		assert_true(n == 0 || c < 0 || (c == 0 && e.seq > prevseq));
		snprintf(want, sizeof(want), "v%llu", (unsigned long long)e.seq);
		assert_int_equal(e.vallen, strlen(want));
		assert_memory_equal(e.val, want, e.vallen);
		memcpy(prev, e.key, e.keylen);
		prevlen = e.keylen;
		prevseq = e.seq;
		sum += e.seq;
		n++;
	}
	assert_int_equal(n, 50000);
	assert_true(sum == 50000ull * 50001ull / 2);
	sorter_free(s);
}

static void test_in_memory_only(void **state)
{
	struct errinfo info = { 0 };
	struct sorter *s;
	struct sorter_entry e;

	(void)state;
	assert_int_equal(sorter_new(&s, 1 << 20, "/tmp", &info), ERR_OK);
	assert_int_equal(sorter_add(s, "+2", 2, 1, "a", 1, &info), ERR_OK);
	assert_int_equal(sorter_add(s, "+10", 3, 2, "b", 1, &info), ERR_OK);
	assert_int_equal(sorter_add(s, "+1", 2, 3, "c", 1, &info), ERR_OK);
	assert_int_equal(sorter_finish(s, &info), ERR_OK);
	assert_int_equal(sorter_runs(s), 0);
	assert_int_equal(sorter_spilled(s), 0);
	assert_int_equal(sorter_next(s, &e, &info), ERR_OK);
	assert_memory_equal(e.key, "+1", 2);
	assert_int_equal(sorter_next(s, &e, &info), ERR_OK);
	assert_memory_equal(e.key, "+10", 3);
	assert_int_equal(sorter_next(s, &e, &info), ERR_OK);
	assert_memory_equal(e.key, "+2", 2);
	assert_int_equal(sorter_next(s, &e, &info), ERR_NOT_FOUND);
	sorter_free(s);
}

/* An empty input (an empty account, an empty file) sorts to nothing. */
static void test_empty(void **state)
{
	struct errinfo info = { 0 };
	struct sorter *s;
	struct sorter_entry e;

	(void)state;
	assert_int_equal(sorter_new(&s, 1 << 16, "/tmp", &info), ERR_OK);
	assert_int_equal(sorter_finish(s, &info), ERR_OK);
	assert_int_equal(sorter_next(s, &e, &info), ERR_NOT_FOUND);
	sorter_free(s);
}

static void test_bad_tmpdir(void **state)
{
	struct errinfo info = { 0 };
	struct sorter *s;
	char big[70000];
	unsigned i;
	enum err e = ERR_OK;

	(void)state;
	memset(big, 'x', sizeof(big));
	assert_int_equal(sorter_new(&s, 1 << 16, "/nonexistent-dir", &info), ERR_OK);
	assert_int_equal(sorter_add(s, "+1", 2, 1, big, sizeof(big), &info), ERR_LIMIT);
	for (i = 0; i < 10000 && !e; i++)
		e = sorter_add(s, "+1", 2, i + 1, big, 100, &info);
	assert_int_equal(e, ERR_IO);
	assert_non_null(strstr(info.msg, "/nonexistent-dir"));
	sorter_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spill_and_merge),
		cmocka_unit_test(test_in_memory_only),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_bad_tmpdir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
