/*
 * Unit tests of ingest's row normalisation (ingest_norm.h), the part the
 * import workers run: a row of cells and a column map → a contact record,
 * or the reason to reject the row.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "colmap.h"
#include "contact.h"
#include "ingest_norm.h"

#define MAXC 16

struct cells {
	struct row row;
	char *cells[MAXC];
	size_t lens[MAXC];
};

/* A row of the given cells (NULL-terminated), numbered rowno. */
static const struct row *mkrow(struct cells *c, unsigned long rowno, const char *const *v)
{
	size_t n = 0;

	for (; v[n]; n++) {
		c->cells[n] = (char *)v[n];
		c->lens[n] = strlen(v[n]);
	}
	memset(&c->row, 0, sizeof(c->row));
	c->row.ncells = n;
	c->row.cells = c->cells;
	c->row.lens = c->lens;
	c->row.rowno = c->row.line = rowno;
	return &c->row;
}

struct fix {
	struct ingest_opts o;
	struct colmap map;
	struct ingest_norm n;
	struct errinfo info;
};

static int setup(void **state)
{
	static const char *const header[] = { "Phone", "Name", "Opted Out", "Country", "Tags",
					      "Favourite Colour", NULL };
	static struct fix f;
	struct cells c;

	memset(&f, 0, sizeof(f));
	f.o.region = "GB";
	if (colmap_build(&f.map, mkrow(&c, 1, header), NULL, "t.csv", &f.info))
		return -1;
	ingest_norm_init(&f.n, &f.o);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	ingest_norm_free(&f->n);
	colmap_free(&f->map);
	return 0;
}

/* What the row of these cells becomes. */
static enum reject norm(struct fix *f, const char *const *v)
{
	struct cells c;
	enum reject why = REJ__COUNT;

	assert_int_equal(ingest_norm_row(&f->n, &f->map, mkrow(&c, 7, v), 3, "t.csv", &why,
					 &f->info),
			 ERR_OK);
	return why;
}

static void assert_str(struct str s, const char *want)
{
	assert_int_equal(s.len, strlen(want));
	assert_memory_equal(s.ptr, want, s.len);
}

static void test_contact(void **state)
{
	static const char *const v[] = { " 07400 123456 ", "  Ann \t  Lee ", "no", "",
					  "vip, new ;vip", "Blue", NULL };
	struct fix *f = *state;
	struct contact dec;

	assert_int_equal(norm(f, v), NOT_REJECTED);
	assert_string_equal(f->n.c.phone, "+447400123456");
	assert_str(f->n.c.raw_phone, "07400 123456");
	assert_str(f->n.c.name, "Ann Lee");
	assert_int_equal(f->n.c.opted_out, TRI_FALSE);
	assert_int_equal(f->n.c.source_file, 3);
	assert_int_equal(f->n.c.source_row, 7);
	assert_int_equal(f->n.c.ntags, 2);	/* sorted, unique */
	assert_str(f->n.c.tags[0], "new");
	assert_str(f->n.c.tags[1], "vip");
	assert_non_null(contact_custom(&f->n.c, "Favourite Colour"));
	assert_str(*contact_custom(&f->n.c, "Favourite Colour"), "Blue");
	/* the record left in n.rec decodes to the same contact */
	contact_init(&dec);
	assert_int_equal(contact_decode(&dec, f->n.rec.data, f->n.rec.len, f->n.c.phone,
					strlen(f->n.c.phone), NULL),
			 ERR_OK);
	assert_true(contact_is_same(&dec, &f->n.c));
	contact_free(&dec);
}

static void test_phone(void **state)
{
	static const char *const empty[] = { "", "Ann", NULL };
	static const char *const blank[] = { "   ", "Ann", NULL };
	static const char *const text[] = { "call me", "Ann", NULL };
	static const char *const shrt[] = { "+44 1", "Ann", NULL };
	static const char *const region[] = { "0740", "Ann", NULL };
	static const char *const code[] = { "+999 1234 5678", "Ann", NULL };
	static const char *const ext[] = { "+44 7400 123456 ext. 12", "Ann", NULL };
	struct fix *f = *state;

	assert_int_equal(norm(f, empty), REJ_EMPTY);
	assert_int_equal(norm(f, blank), REJ_EMPTY);
	assert_int_equal(norm(f, text), REJ_NOT_A_NUMBER);
	assert_int_equal(norm(f, shrt), REJ_TOO_SHORT);
	assert_int_equal(norm(f, region), REJ_INVALID_FOR_REGION);
	assert_int_equal(norm(f, code), REJ_INVALID_COUNTRY_CODE);
	assert_int_equal(norm(f, ext), NOT_REJECTED);
	assert_string_equal(f->n.c.phone, "+447400123456");
	assert_non_null(contact_custom(&f->n.c, "phone_extension"));
	assert_str(*contact_custom(&f->n.c, "phone_extension"), "12");
}

static void test_no_region(void **state)
{
	static const char *const v[] = { "07400 123456", "Ann", NULL };
	struct fix *f = *state;

	f->o.region = NULL;
	assert_int_equal(norm(f, v), REJ_NO_REGION);
	f->o.region = "GB";
}

static void test_opt_out(void **state)
{
	static const char *const yes[] = { "+447400123456", "", " YES ", NULL };
	static const char *const stop[] = { "+447400123456", "", "stop", NULL };
	static const char *const zero[] = { "+447400123456", "", "0", NULL };
	static const char *const none[] = { "+447400123456", "", "", NULL };
	static const char *const bad[] = { "+447400123456", "", "maybe", NULL };
	struct fix *f = *state;

	assert_int_equal(norm(f, yes), NOT_REJECTED);
	assert_int_equal(f->n.c.opted_out, TRI_TRUE);
	assert_int_equal(norm(f, stop), NOT_REJECTED);
	assert_int_equal(f->n.c.opted_out, TRI_TRUE);
	assert_int_equal(norm(f, zero), NOT_REJECTED);
	assert_int_equal(f->n.c.opted_out, TRI_FALSE);
	assert_int_equal(norm(f, none), NOT_REJECTED);
	assert_int_equal(f->n.c.opted_out, TRI_UNKNOWN);
	assert_int_equal(norm(f, bad), REJ_BAD_OPT_OUT);
}

static void test_country(void **state)
{
	static const char *const us[] = { "(201) 555-0123", "", "", "us", NULL };
	static const char *const gb[] = { "07400 123456", "", "", "", NULL };
	static const char *const zz[] = { "07400 123456", "", "", "ZZ", NULL };
	static const char *const lng[] = { "07400 123456", "", "", "United Kingdom", NULL };
	static const char *const wrong[] = { "07400 123456", "", "", "US", NULL };
	struct fix *f = *state;

	assert_int_equal(norm(f, us), NOT_REJECTED);
	assert_string_equal(f->n.c.phone, "+12015550123");
	assert_int_equal(norm(f, gb), NOT_REJECTED);	/* the default region */
	assert_string_equal(f->n.c.phone, "+447400123456");
	assert_int_equal(norm(f, zz), REJ_UNKNOWN_COUNTRY);
	assert_int_equal(norm(f, lng), REJ_UNKNOWN_COUNTRY);
	assert_int_not_equal(norm(f, wrong), NOT_REJECTED);
}

static void test_custom(void **state)
{
	static const char *const blank[] = { "+447400123456", "", "", "", "", "  ", NULL };
	static const char *const nfc[] = { "+447400123456", "", "", "", "", "Cafe\xcc\x81", NULL };
	struct fix *f = *state;

	assert_int_equal(norm(f, blank), NOT_REJECTED);
	assert_null(contact_custom(&f->n.c, "Favourite Colour"));	/* empty once cleaned */
	assert_int_equal(norm(f, nfc), NOT_REJECTED);
	assert_str(*contact_custom(&f->n.c, "Favourite Colour"), "Caf\xc3\xa9");
}

static void test_encoding(void **state)
{
	static const char *const bad[] = { "+447400123456", "Ann \xff", NULL };
	static const char *const ok[] = { "+447400123456", "Ann", NULL };
	struct fix *f = *state;
	struct cells c;
	enum reject why;

	assert_int_equal(norm(f, bad), REJ_BAD_ENCODING);
	/* a cell the reader flagged (explicit encoding) */
	mkrow(&c, 9, ok);
	c.row.bad_cell = 2;
	assert_int_equal(ingest_norm_row(&f->n, &f->map, &c.row, 0, "t.csv", &why, &f->info),
			 ERR_OK);
	assert_int_equal(why, REJ_BAD_ENCODING);
}

static void test_too_many_cells(void **state)
{
	static const char *const more[] = { "+447400123456", "", "", "", "", "", "extra", NULL };
	static const char *const blank[] = { "+447400123456", "", "", "", "", "", " \t", NULL };
	struct fix *f = *state;

	assert_int_equal(norm(f, more), REJ_TOO_MANY_CELLS);
	assert_int_equal(norm(f, blank), NOT_REJECTED);
}

/* What a JSON line becomes. */
static enum reject record(struct fix *f, const char *line)
{
	const char *const v[] = { line, NULL };
	struct cells c;
	enum reject why = REJ__COUNT;

	assert_int_equal(ingest_norm_record(&f->n, mkrow(&c, 4, v), 1, "t.jsonl", &why,
					    &f->info),
			 ERR_OK);
	return why;
}

static void test_json(void **state)
{
	struct fix *f = *state;

	assert_int_equal(record(f, "{\"phone\":\"+447400123456\",\"name\":\" Ann  Lee\","
				   "\"tags\":[\"b\",\"a\"],\"opted_out\":true,"
				   "\"custom\":{\"k\":\"v\",\"n\":3},\"extra\":1.5}"),
			 NOT_REJECTED);
	assert_string_equal(f->n.c.phone, "+447400123456");
	assert_str(f->n.c.name, "Ann Lee");
	assert_int_equal(f->n.c.opted_out, TRI_TRUE);
	assert_int_equal(f->n.c.ntags, 2);
	assert_str(*contact_custom(&f->n.c, "k"), "v");
	assert_str(*contact_custom(&f->n.c, "n"), "3");
	assert_str(*contact_custom(&f->n.c, "extra"), "1.5");
	assert_int_equal(f->n.c.source_row, 4);
	assert_int_equal(record(f, "not json"), REJ_BAD_JSON);
	assert_int_equal(record(f, "[1, 2]"), REJ_BAD_JSON);
	assert_int_equal(record(f, "{\"phone\":[\"+447400123456\"]}"), REJ_BAD_JSON);
	assert_int_equal(record(f, "{\"phone\":\"1\",\"phone\":\"2\"}"), REJ_BAD_JSON);
	assert_int_equal(record(f, "{\"name\":\"Ann\"}"), REJ_EMPTY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_contact),
		cmocka_unit_test(test_phone),
		cmocka_unit_test(test_no_region),
		cmocka_unit_test(test_opt_out),
		cmocka_unit_test(test_country),
		cmocka_unit_test(test_custom),
		cmocka_unit_test(test_encoding),
		cmocka_unit_test(test_too_many_cells),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
