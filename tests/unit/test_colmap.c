/* Unit tests of the column mapper. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "colmap.h"

#define MAXC 16

struct hdr {
	struct row row;
	char *cells[MAXC];
	size_t lens[MAXC];
};

static struct row *header(struct hdr *h, const char *const *names)
{
	size_t n = 0;

	for (; names[n]; n++) {
		h->cells[n] = (char *)names[n];
		h->lens[n] = strlen(names[n]);
	}
	memset(&h->row, 0, sizeof(h->row));
	h->row.ncells = n;
	h->row.cells = h->cells;
	h->row.lens = h->lens;
	h->row.rowno = 1;
	return &h->row;
}

static void test_synonyms(void **state)
{
	static const char *const names[] = { "Mobile Number", "Given Name", "SURNAME",
					     "Organisation", "Labels", "Do Not Text",
					     "Country", "Full Name", "Email", NULL };
	struct hdr h;
	struct colmap m;
	struct errinfo info = { 0 };

	(void)state;
	assert_int_equal(colmap_build(&m, header(&h, names), &(struct colmap_opts){ 0 }, "f.csv", &info), ERR_OK);
	assert_int_equal(m.col[FIELD_PHONE], 0);
	assert_int_equal(m.col[FIELD_FIRST_NAME], 1);
	assert_int_equal(m.col[FIELD_LAST_NAME], 2);
	assert_int_equal(m.col[FIELD_COMPANY], 3);
	assert_int_equal(m.col[FIELD_TAGS], 4);
	assert_int_equal(m.col[FIELD_OPTED_OUT], 5);
	assert_int_equal(m.col[FIELD_COUNTRY], 6);
	assert_int_equal(m.col[FIELD_NAME], 7);
	assert_int_equal(m.field[8], FIELD_CUSTOM);
	assert_string_equal(m.key[8], "Email");
	assert_null(m.key[0]);
	colmap_free(&m);
}

static void test_strongest_synonym_wins(void **state)
{
	static const char *const names[] = { "Number", "Cell", "Phone", NULL };
	struct hdr h;
	struct colmap m;
	struct errinfo info = { 0 };

	(void)state;
	assert_int_equal(colmap_build(&m, header(&h, names), &(struct colmap_opts){ 0 }, "f.csv", &info), ERR_OK);
	assert_int_equal(m.col[FIELD_PHONE], 2);
	assert_string_equal(m.key[0], "Number");	/* the others stay as custom fields */
	assert_string_equal(m.key[1], "Cell");
	colmap_free(&m);
}

static void test_overrides(void **state)
{
	static const char *const names[] = { "Phone", "Tel 2", "Who", "Extra", NULL };
	const struct colmap_override ov[] = {
		{ "phone", "tel2" },		/* loose match of "Tel 2" */
		{ "first_name", "Who" },
		{ "notes", "Extra" },		/* custom key */
	};
	struct hdr h;
	struct colmap m;
	struct errinfo info = { 0 };

	(void)state;
	assert_int_equal(colmap_build(&m, header(&h, names), &(struct colmap_opts){ .maps = ov, .nmaps = 3 }, "f.csv", &info), ERR_OK);
	assert_int_equal(m.col[FIELD_PHONE], 1);
	assert_int_equal(m.field[0], FIELD_CUSTOM);	/* displaced "Phone" is kept */
	assert_string_equal(m.key[0], "Phone");
	assert_int_equal(m.col[FIELD_FIRST_NAME], 2);
	assert_string_equal(m.key[3], "notes");
	colmap_free(&m);
}

static void test_errors(void **state)
{
	static const char *const names[] = { "name", "email", NULL };
	const struct colmap_override ov[] = { { "phone", "Tel" } };
	struct hdr h;
	struct colmap m;
	struct errinfo info = { 0 };

	(void)state;
	assert_int_equal(colmap_build(&m, header(&h, names), &(struct colmap_opts){ 0 }, "f.csv", &info), ERR_CONFIG);
	assert_non_null(strstr(info.msg, "'f.csv': no phone column found (columns: 'name', 'email')"));
	assert_int_equal(colmap_build(&m, header(&h, names), &(struct colmap_opts){ .maps = ov, .nmaps = 1 }, "f.csv", &info), ERR_USAGE);
	assert_non_null(strstr(info.msg, "no column 'Tel'"));
}

/* A binary file's first line: control bytes escaped, long headers cut;
 * NUL bytes in the header (UTF-16 without BOM) are an error of their own. */
static void test_hostile_headers(void **state)
{
	static const char *const names[] = { "a\x1b[2Jb\x07", "0123456789012345678901234567890123456789xyz", NULL };
	struct hdr h;
	struct colmap m;
	struct errinfo info = { 0 };

	(void)state;
	assert_int_equal(colmap_build(&m, header(&h, names), &(struct colmap_opts){ 0 }, "f.csv", &info), ERR_CONFIG);
	assert_non_null(strstr(info.msg, "(columns: 'a\\x1b[2Jb\\x07', '0123456789012345678901234567890123456789...')"));
	assert_null(strchr(info.msg, '\x1b'));
	header(&h, names);
	h.cells[0] = "p\0h\0o\0n\0e\0";
	h.lens[0] = 10;
	assert_int_equal(colmap_build(&m, &h.row, &(struct colmap_opts){ 0 }, "u.csv", &info), ERR_FORMAT);
	assert_non_null(strstr(info.msg, "'u.csv': the header (column 1) holds NUL bytes"));
}

static void test_repeated_and_empty_headers(void **state)
{
	static const char *const names[] = { "phone", "Email", "", "Email", "Email", NULL };
	struct hdr h;
	struct colmap m;
	struct errinfo info = { 0 };

	(void)state;
	assert_int_equal(colmap_build(&m, header(&h, names), &(struct colmap_opts){ 0 }, "f.csv", &info), ERR_OK);
	assert_string_equal(m.key[1], "Email");
	assert_string_equal(m.key[2], "column_3");
	assert_string_equal(m.key[3], "Email (2)");
	assert_string_equal(m.key[4], "Email (3)");
	assert_int_equal(m.nwarnings, 2);
	assert_non_null(strstr(m.warnings[0], "header 'Email' is repeated"));
	colmap_free(&m);
}

static void test_field_names(void **state)
{
	int f;

	(void)state;
	for (f = 0; f < FIELD__STD; f++)
		assert_int_equal(colmap_field_lookup(colmap_field_name((enum field)f)), f);
	assert_int_equal(colmap_field_lookup("email"), FIELD_CUSTOM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_synonyms),
		cmocka_unit_test(test_strongest_synonym_wins),
		cmocka_unit_test(test_overrides),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_hostile_headers),
		cmocka_unit_test(test_repeated_and_empty_headers),
		cmocka_unit_test(test_field_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
