/* Unit tests of the error table, the option parser and the buffer cap. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "cmd/opts.h"

static void test_every_error_has_a_message(void **state)
{
	int e;

	(void)state;
	for (e = 0; e < ERR__COUNT; e++) {
		assert_non_null(err_str((enum err)e));
		assert_true(strlen(err_str((enum err)e)) > 0);
		assert_string_not_equal(err_str((enum err)e), "unknown error");
		assert_true(strncmp(err_name((enum err)e), "ERR_", 4) == 0);
	}
	assert_string_equal(err_str(ERR__COUNT), "unknown error");
	/* published codes never move */
	assert_int_equal(ERR_OK, 0);
	assert_int_equal(ERR_USAGE, 2);
	assert_int_equal(ERR_STORE_LOCKED, 10);
}

enum { O_A, O_B, O_FLAG, O_QUIET };

static const struct opt table[] = {
	{ "alpha", 'a', "X", "an option", O_A },
	{ "beta", 0, "Y", "another", O_B },
	{ "flag", 'f', NULL, "a flag", O_FLAG },
	{ "quiet", 'q', NULL, "quiet", O_QUIET },
	{ NULL, 0, NULL, NULL, 0 },
};

struct seen {
	char log[256];
};

static int cb(void *ctx, int id, const char *arg, struct errinfo *info)
{
	struct seen *s = ctx;
	size_t n = strlen(s->log);

	(void)info;
	snprintf(s->log + n, sizeof(s->log) - n, "%d=%s;", id, arg ? arg : "-");
	return 0;
}

static enum opts_result parse(const struct opts_spec *spec, int argc, const char **argv_in,
			      struct seen *s, int *npos, char **argv, struct errinfo *info)
{
	int i;

	for (i = 0; i < argc; i++)
		argv[i] = (char *)argv_in[i];
	memset(s, 0, sizeof(*s));
	return opts_parse(spec, argc, argv, cb, s, npos, info);
}

static void test_opts_forms(void **state)
{
	const struct opts_spec spec = { "t", NULL, table, NULL, 0 };
	const char *in[] = { "cmd", "--alpha", "1", "file1", "--beta=2", "-a3", "-fq",
			     "-a", "4", "-", "--", "--alpha" };
	char *argv[12];
	struct seen s;
	struct errinfo info = { 0 };
	int npos;

	(void)state;
	assert_int_equal(parse(&spec, 12, in, &s, &npos, argv, &info), OPTS_OK);
	assert_string_equal(s.log, "0=1;1=2;0=3;2=-;3=-;0=4;");
	assert_int_equal(npos, 3);
	assert_string_equal(argv[0], "file1");
	assert_string_equal(argv[1], "-");
	assert_string_equal(argv[2], "--alpha");
}

static void test_opts_errors(void **state)
{
	const struct opts_spec spec = { "t", NULL, table, NULL, 0 };
	const char *unknown[] = { "cmd", "--nope" };
	const char *missing[] = { "cmd", "--alpha" };
	const char *flagval[] = { "cmd", "--flag=1" };
	const char *shortbad[] = { "cmd", "-z" };
	const char *help[] = { "cmd", "x", "--help" };
	char *argv[4];
	struct seen s;
	struct errinfo info = { 0 };
	int npos;

	(void)state;
	assert_int_equal(parse(&spec, 2, unknown, &s, &npos, argv, &info), OPTS_ERROR);
	assert_string_equal(info.msg, "unknown option '--nope'");
	assert_int_equal(parse(&spec, 2, missing, &s, &npos, argv, &info), OPTS_ERROR);
	assert_non_null(strstr(info.msg, "needs a value"));
	assert_int_equal(parse(&spec, 2, flagval, &s, &npos, argv, &info), OPTS_ERROR);
	assert_int_equal(parse(&spec, 2, shortbad, &s, &npos, argv, &info), OPTS_ERROR);
	assert_int_equal(parse(&spec, 3, help, &s, &npos, argv, &info), OPTS_HELP);
}

static void test_opts_stop_at_positional(void **state)
{
	const struct opts_spec spec = { "t", NULL, table, NULL, 1 };
	const char *in[] = { "prog", "-q", "import", "--alpha", "1" };
	char *argv[5];
	struct seen s;
	struct errinfo info = { 0 };
	int npos;

	(void)state;
	assert_int_equal(parse(&spec, 5, in, &s, &npos, argv, &info), OPTS_OK);
	assert_string_equal(s.log, "3=-;");
	assert_int_equal(npos, 3);
	assert_string_equal(argv[0], "import");
	assert_string_equal(argv[1], "--alpha");
}

static void test_opts_concat(void **state)
{
	static const struct opt more[] = {
		{ "gamma", 'g', "Z", "a third", 1000 },
		{ NULL, 0, NULL, NULL, 0 },
	};
	struct opt *both = opts_concat(table, more);
	const struct opts_spec spec = { "t", NULL, both, NULL, 0 };
	const char *in[] = { "cmd", "--gamma", "9", "-f", "-g8", "--alpha=1" };
	char *argv[6];
	struct seen s;
	struct errinfo info = { 0 };
	int npos;

	(void)state;
	assert_non_null(both);
	assert_string_equal(both[0].lng, "alpha");
	assert_string_equal(both[4].lng, "gamma");
	assert_null(both[5].lng);
	assert_int_equal(parse(&spec, 6, in, &s, &npos, argv, &info), OPTS_OK);
	assert_string_equal(s.log, "1000=9;2=-;1000=8;0=1;");
	free(both);
}

static void test_buf_cap(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 10);
	assert_int_equal(buf_adds(&b, "0123456789"), ERR_OK);
	assert_int_equal(buf_addc(&b, 'x'), ERR_LIMIT);
	assert_int_equal(b.len, 10);
	assert_string_equal(buf_str(&b), "0123456789");
	buf_reset(&b);
	assert_int_equal(buf_printf(&b, "%d-%s", 42, "ab"), ERR_OK);
	assert_string_equal(buf_str(&b), "42-ab");
	assert_int_equal(buf_printf(&b, "%s", "toolongtoolong"), ERR_LIMIT);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_error_has_a_message),
		cmocka_unit_test(test_opts_forms),
		cmocka_unit_test(test_opts_errors),
		cmocka_unit_test(test_opts_stop_at_positional),
		cmocka_unit_test(test_opts_concat),
		cmocka_unit_test(test_buf_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
