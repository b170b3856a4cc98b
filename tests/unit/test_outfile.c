/* Unit tests of outfile: whole or nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outfile.h"

static char dir[64];

static void path_in(char *out, size_t cap, const char *name)
{
	snprintf(out, cap, "%s/%s", dir, name);
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void read_file(const char *path, char *out, size_t cap)
{
	FILE *fp = fopen(path, "r");
	size_t n;

	assert_non_null(fp);
	n = fread(out, 1, cap - 1, fp);
	out[n] = '\0';
	fclose(fp);
}

static int count_entries(void)
{
	char cmd[128];
	FILE *p;
	int n = 0;

	snprintf(cmd, sizeof(cmd), "ls -A '%s' | wc -l", dir);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_int_equal(fscanf(p, "%d", &n), 1);
	pclose(p);
	return n;
}

static void test_replaces_whole(void **state)
{
	struct outfile of;
	struct errinfo info = { 0 };
	char path[128], got[64];

	(void)state;
	path_in(path, sizeof(path), "a.csv");
	write_file(path, "old\n");
	assert_int_equal(outfile_open(&of, path, &info), ERR_OK);
	fputs("new\n", of.fp);
	read_file(path, got, sizeof(got));
	assert_string_equal(got, "old\n");	/* not visible before the commit */
	assert_int_equal(outfile_commit(&of, ERR_OK, &info), ERR_OK);
	read_file(path, got, sizeof(got));
	assert_string_equal(got, "new\n");
	assert_int_equal(count_entries(), 1);	/* no temporary file left */
}

static void test_failure_keeps_old(void **state)
{
	struct outfile of;
	struct errinfo info = { 0 };
	char path[128], got[64];

	(void)state;
	path_in(path, sizeof(path), "b.csv");
	write_file(path, "old\n");
	assert_int_equal(outfile_open(&of, path, &info), ERR_OK);
	fputs("half", of.fp);
	assert_int_equal(outfile_commit(&of, ERR_FORMAT, &info), ERR_FORMAT);
	read_file(path, got, sizeof(got));
	assert_string_equal(got, "old\n");
	assert_int_equal(count_entries(), 2);	/* a.csv and b.csv only */
}

static void test_two_steps_and_discard(void **state)
{
	struct outfile of;
	struct errinfo info = { 0 };
	char path[128];

	(void)state;
	path_in(path, sizeof(path), "c.csv");
	assert_int_equal(outfile_open(&of, path, &info), ERR_OK);
	fputs("x\n", of.fp);
	assert_int_equal(outfile_finish(&of, &info), ERR_OK);
	outfile_discard(&of);	/* finished but never published */
	assert_int_equal(access(path, F_OK), -1);
	outfile_discard(&of);	/* twice is fine */
	assert_int_equal(count_entries(), 2);
}

static void test_cannot_create(void **state)
{
	struct outfile of;
	struct errinfo info = { 0 };

	(void)state;
	assert_int_equal(outfile_open(&of, "/nonexistent-dir/x.csv", &info), ERR_IO);
	assert_non_null(strstr(info.msg, "cannot create '/nonexistent-dir/x.csv'"));
	assert_null(of.fp);
}

static void test_stdout(void **state)
{
	struct outfile of;
	struct errinfo info = { 0 };

	(void)state;
	assert_int_equal(outfile_open(&of, NULL, &info), ERR_OK);
	assert_ptr_equal(of.fp, stdout);
	assert_int_equal(outfile_commit(&of, ERR_OK, &info), ERR_OK);
	assert_int_equal(fileno(stdout), 1);	/* standard output stays open */
}

static int setup(void **state)
{
	char tmpl[] = "/tmp/cs-outfile-XXXXXX";

	(void)state;
	if (!mkdtemp(tmpl))
		return -1;
	snprintf(dir, sizeof(dir), "%s", tmpl);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replaces_whole),
		cmocka_unit_test(test_failure_keeps_old),
		cmocka_unit_test(test_two_steps_and_discard),
		cmocka_unit_test(test_cannot_create),
		cmocka_unit_test(test_stdout),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
