/*
 * Unit tests for exitcode: every code of the table has a name and its three
 * wordings, the codes run without a gap from 0, and the published words
 * (status, report, --help) are the ones scripts read.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "exitcode.h"

static void test_every_code_has_words(void **state)
{
	long long c;

	(void)state;
	assert_int_equal(EXITCODE_COUNT, 7);
	for (c = 0; c < EXITCODE_COUNT; c++) {
		assert_non_null(exitcode_name(c));
		assert_int_equal(strncmp(exitcode_name(c), "EXIT_", 5), 0);
		assert_true(strlen(exitcode_brief(c)) > 0);
		assert_true(strlen(exitcode_words(c)) > 0);
		assert_true(strlen(exitcode_help(c)) > 0);
		assert_string_not_equal(exitcode_brief(c), "failed");
	}
}

static void test_names_match_values(void **state)
{
	(void)state;
	assert_int_equal(EXIT_OK, 0);
	assert_int_equal(EXIT_BUDGET, 6);
	assert_string_equal(exitcode_name(EXIT_GUARD), "EXIT_GUARD");
	assert_string_equal(exitcode_name(EXIT_STORE), "EXIT_STORE");
}

static void test_unknown_codes(void **state)
{
	(void)state;
	assert_null(exitcode_name(-1));
	assert_null(exitcode_name(EXITCODE_COUNT));
	assert_string_equal(exitcode_brief(42), "failed");
	assert_string_equal(exitcode_words(-3), "failed");
	assert_string_equal(exitcode_help(7), "failed");
}

static void test_published_words(void **state)
{
	(void)state;
	assert_string_equal(exitcode_brief(EXIT_GUARD), "stopped by a guard");
	assert_string_equal(exitcode_words(EXIT_GUARD), EXIT_WORDS_GUARD);
	assert_string_equal(exitcode_words(EXIT_OK), EXIT_WORDS_OK);
	assert_string_equal(exitcode_words(EXIT_BUDGET), "stopped early: run again to continue");
	assert_string_equal(exitcode_brief(EXIT_PARTIAL), "operations failed");
	assert_string_equal(EXITCODE_HELP + 0,
			    "  0  success (rejected input rows are reported, not failed)\n"
			    "  1  some operations failed at the provider, or an output could not be\n"
			    "     written (diff --exit-code: changes are planned; phone: a number is\n"
			    "     not valid)\n"
			    "  2  usage or configuration error, or an unreadable input file\n"
			    "  3  a safety guard stopped the run before any write (too many rejected\n"
			    "     rows, an empty or shrinking list or remote listing, too many\n"
			    "     deletes or opt-outs)\n"
			    "  4  a remote service error stopped the run\n"
			    "  5  local store error (locked, corrupt, full, unwritable), or a results\n"
			    "     file that cannot be written\n"
			    "  6  stopped early (time budget, SIGINT, SIGTERM, or a wait beyond\n"
			    "     max_wait), run again to continue\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_code_has_words),
		cmocka_unit_test(test_names_match_values),
		cmocka_unit_test(test_unknown_codes),
		cmocka_unit_test(test_published_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
