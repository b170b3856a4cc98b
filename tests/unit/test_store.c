/* Unit tests of the LMDB store: generations, lock, schema, map growth. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "store.h"

static char *make_dir(void)
{
	char tmpl[] = "/tmp/cs-store-XXXXXX";
	char *d = mkdtemp(tmpl);

	assert_non_null(d);
	return strdup(d);
}

static void remove_dir(char *d)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d);
	assert_int_equal(system(cmd), 0);
	free(d);
}

static void write_gen(struct store *st, const char *ds, int n, const char *prefix)
{
	struct errinfo info = { 0 };
	struct store_gen *g;
	char key[32], val[64];
	int i;

	assert_int_equal(store_gen_begin(st, ds, &g, &info), ERR_OK);
	for (i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "+44%08d", i);
		snprintf(val, sizeof(val), "%s-%d", prefix, i);
		assert_int_equal(store_gen_append(g, key, strlen(key), val, strlen(val), &info), ERR_OK);
	}
	assert_int_equal(store_gen_count(g), (uint64_t)n);
	assert_int_equal(store_gen_commit(g, &info), ERR_OK);
}

static uint64_t count(struct store *st, const char *ds)
{
	struct errinfo info = { 0 };
	struct store_read *rd;
	uint64_t n;

	assert_int_equal(store_read_begin(st, &rd, &info), ERR_OK);
	assert_int_equal(store_count(rd, ds, &n, &info), ERR_OK);
	store_read_end(rd);
	return n;
}

static void first_value(struct store *st, const char *ds, char *out, size_t cap)
{
	struct errinfo info = { 0 };
	struct store_read *rd;
	struct store_cursor *cur;
	const void *k, *v;
	size_t kl, vl;

	assert_int_equal(store_read_begin(st, &rd, &info), ERR_OK);
	assert_int_equal(store_cursor_open(rd, ds, &cur, &info), ERR_OK);
	assert_int_equal(store_cursor_next(cur, &k, &kl, &v, &vl, &info), ERR_OK);
	assert_true(vl < cap);
	memcpy(out, v, vl);
	out[vl] = '\0';
	store_cursor_close(cur);
	store_read_end(rd);
}

static void test_generation_replaces(void **state)
{
	struct errinfo info = { 0 };
	struct store *st;
	char *dir = make_dir(), v[64];

	(void)state;
	assert_int_equal(store_open(&st, dir, STORE_WRITE, &info), ERR_OK);
	assert_int_equal(count(st, "desired"), 0);
	write_gen(st, "desired", 10, "a");
	assert_int_equal(count(st, "desired"), 10);
	write_gen(st, "desired", 3, "b");
	assert_int_equal(count(st, "desired"), 3);
	first_value(st, "desired", v, sizeof(v));
	assert_string_equal(v, "b-0");
	store_close(st);
	remove_dir(dir);
}

static void test_abort_keeps_old(void **state)
{
	struct errinfo info = { 0 };
	struct store *st;
	struct store_gen *g;
	char *dir = make_dir(), v[64];

	(void)state;
	assert_int_equal(store_open(&st, dir, STORE_WRITE, &info), ERR_OK);
	write_gen(st, "desired", 5, "old");
	assert_int_equal(store_gen_begin(st, "desired", &g, &info), ERR_OK);
	assert_int_equal(store_gen_append(g, "+1", 2, "new", 3, &info), ERR_OK);
	store_gen_abort(g);
	assert_int_equal(count(st, "desired"), 5);
	first_value(st, "desired", v, sizeof(v));
	assert_string_equal(v, "old-0");
	store_close(st);
	remove_dir(dir);
}

static void test_out_of_order_refused(void **state)
{
	struct errinfo info = { 0 };
	struct store *st;
	struct store_gen *g;
	char *dir = make_dir();

	(void)state;
	assert_int_equal(store_open(&st, dir, STORE_WRITE, &info), ERR_OK);
	assert_int_equal(store_gen_begin(st, "desired", &g, &info), ERR_OK);
	assert_int_equal(store_gen_append(g, "+2", 2, "x", 1, &info), ERR_OK);
	assert_int_equal(store_gen_append(g, "+1", 2, "x", 1, &info), ERR_INTERNAL);
	assert_int_equal(store_gen_append(g, "+2", 2, "x", 1, &info), ERR_INTERNAL);
	store_gen_abort(g);
	store_close(st);
	remove_dir(dir);
}

/* A crashed writer leaves an unpublished generation: it stays invisible and
 * the next writer drops it. */
static void test_crash_leaves_old_set(void **state)
{
	struct errinfo info = { 0 };
	struct store *st;
	char *dir = make_dir(), v[64];
	pid_t pid;
	int status;

	(void)state;
	assert_int_equal(store_open(&st, dir, STORE_WRITE, &info), ERR_OK);
	write_gen(st, "desired", 4, "kept");
	store_close(st);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct store_gen *g;
		char key[32];
		int i;

		if (store_open(&st, dir, STORE_WRITE, &info) ||
		    store_gen_begin(st, "desired", &g, &info))
			_exit(1);
		for (i = 0; i < 200000; i++) {
			snprintf(key, sizeof(key), "+1%010d", i);
			if (store_gen_append(g, key, strlen(key), "lost", 4, &info))
				_exit(1);
		}
		_exit(0);	/* dies without commit, like a kill -9 */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(store_open(&st, dir, 0, &info), ERR_OK);
	assert_int_equal(count(st, "desired"), 4);
	first_value(st, "desired", v, sizeof(v));
	assert_string_equal(v, "kept-0");
	store_close(st);
	assert_int_equal(store_open(&st, dir, STORE_WRITE, &info), ERR_OK);
	write_gen(st, "desired", 2, "next");
	assert_int_equal(count(st, "desired"), 2);
	store_close(st);
	remove_dir(dir);
}

static void test_map_grows(void **state)
{
	struct errinfo info = { 0 };
	struct store *st;
	struct store_gen *g;
	char *dir = make_dir(), key[32], val[300];
	int i;

	(void)state;
	memset(val, 'v', sizeof(val));
	assert_int_equal(store_open_sized(&st, dir, STORE_WRITE, (size_t)1 << 20, &info), ERR_OK);
	assert_int_equal(store_gen_begin(st, "desired", &g, &info), ERR_OK);
	for (i = 0; i < 40000; i++) {	/* ~13 MB into a 1 MB map */
		snprintf(key, sizeof(key), "+44%08d", i);
		assert_int_equal(store_gen_append(g, key, strlen(key), val, sizeof(val), &info), ERR_OK);
	}
	assert_int_equal(store_gen_commit(g, &info), ERR_OK);
	assert_int_equal(count(st, "desired"), 40000);
	store_close(st);
	remove_dir(dir);
}

/*
 * Writers share the store: while this process holds a generation of one
 * list half written, another process opens the store for writing, writes
 * and publishes another list, and neither loses anything (before lists,
 * the second writer was refused; and a writer opening the store must not
 * take the half-written generation for a crashed writer's leftover).
 */
static void test_writers_share_the_store(void **state)
{
	struct errinfo info = { 0 };
	struct store *a, *r;
	struct store_gen *g;
	char *dir = make_dir(), key[32];
	pid_t pid;
	int status, i;

	(void)state;
	assert_int_equal(store_open(&a, dir, STORE_WRITE, &info), ERR_OK);
	assert_int_equal(store_gen_begin(a, "list:a", &g, &info), ERR_OK);
	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "+44%08d", i);
		assert_int_equal(store_gen_append(g, key, strlen(key), "a", 1, &info), ERR_OK);
	}
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct store *b;

		if (store_open(&b, dir, STORE_WRITE, &info))
			_exit(1);
		write_gen(b, "list:b", 7, "b");
		store_close(b);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	for (; i < 2000; i++) {
		snprintf(key, sizeof(key), "+44%08d", i);
		assert_int_equal(store_gen_append(g, key, strlen(key), "a", 1, &info), ERR_OK);
	}
	assert_int_equal(store_gen_commit(g, &info), ERR_OK);
	store_close(a);
	assert_int_equal(store_open(&r, dir, 0, &info), ERR_OK);
	assert_int_equal(count(r, "list:a"), 2000);
	assert_int_equal(count(r, "list:b"), 7);
	store_close(r);
	remove_dir(dir);
}

static int note_dataset(void *ctx, const char *dataset)
{
	struct buf *b = ctx;

	buf_printf(b, "[%s]", dataset);
	return 0;
}

/* List names and their datasets; the live datasets of a prefix. */
static void test_lists(void **state)
{
	struct errinfo info = { 0 };
	struct store *st;
	struct store_read *rd;
	struct buf b;
	char *dir = make_dir(), ds[STORE_LIST_DATASET_MAX], long65[66];

	(void)state;
	assert_string_equal(store_list_dataset("default", ds), "desired");
	assert_string_equal(store_list_dataset("shop eu", ds), "list:shop eu");
	assert_string_equal(store_list_dataset("a#b", ds), "");
	assert_string_equal(store_list_dataset("", ds), "");
	assert_string_equal(store_list_dataset("   ", ds), "");
	assert_string_equal(store_list_dataset("a\nb", ds), "");
	memset(long65, 'x', 65);
	long65[65] = '\0';
	assert_string_equal(store_list_dataset(long65, ds), "");
	long65[64] = '\0';
	assert_string_equal(store_list_dataset(long65, ds) + 5, long65);
	assert_string_equal(store_list_of("desired"), "default");
	assert_string_equal(store_list_of("list:shop"), "shop");
	assert_null(store_list_of("remote:shop"));

	assert_int_equal(store_open(&st, dir, STORE_WRITE, &info), ERR_OK);
	write_gen(st, "list:b", 1, "b");
	write_gen(st, "remote:x", 1, "x");
	write_gen(st, "list:a", 1, "a");
	write_gen(st, "list:a", 2, "a2");	/* one live generation, listed once */
	buf_init(&b, 0);
	assert_int_equal(store_read_begin(st, &rd, &info), ERR_OK);
	assert_int_equal(store_datasets(rd, "list:", note_dataset, &b), 0);
	store_read_end(rd);
	assert_string_equal(buf_str(&b), "[list:a][list:b]");
	buf_free(&b);
	store_close(st);
	remove_dir(dir);
}

static void test_missing_store(void **state)
{
	struct errinfo info = { 0 };
	struct store *st;

	(void)state;
	assert_int_equal(store_open(&st, "/nonexistent/cs-store", 0, &info), ERR_STORE);
	assert_non_null(strstr(info.msg, "/nonexistent/cs-store"));
	assert_null(st);
}

static void test_files_table(void **state)
{
	struct errinfo info = { 0 };
	struct store *st;
	struct store_gen *g;
	struct store_read *rd;
	const char *names[] = { "a.csv", "dir/b.csv" };
	const char **got;
	size_t n;
	char *dir = make_dir();

	(void)state;
	assert_int_equal(store_open(&st, dir, STORE_WRITE, &info), ERR_OK);
	assert_int_equal(store_gen_begin(st, "desired", &g, &info), ERR_OK);
	assert_int_equal(store_gen_set_files(g, names, 2, &info), ERR_OK);
	assert_int_equal(store_gen_commit(g, &info), ERR_OK);
	assert_int_equal(store_read_begin(st, &rd, &info), ERR_OK);
	assert_int_equal(store_files(rd, "desired", &got, &n, &info), ERR_OK);
	assert_int_equal(n, 2);
	assert_string_equal(got[0], "a.csv");
	assert_string_equal(got[1], "dir/b.csv");
	store_read_end(rd);
	store_close(st);
	remove_dir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generation_replaces),
		cmocka_unit_test(test_abort_keeps_old),
		cmocka_unit_test(test_out_of_order_refused),
		cmocka_unit_test(test_crash_leaves_old_set),
		cmocka_unit_test(test_map_grows),
		cmocka_unit_test(test_writers_share_the_store),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_missing_store),
		cmocka_unit_test(test_files_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
