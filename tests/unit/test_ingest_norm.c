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

#include <stdio.h>
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
	if (colmap_build(&f.map, mkrow(&c, 1, header), &(struct colmap_opts){ 0 }, "t.csv", &f.info))
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

/* The reject reason n's items give, or NOT_REJECTED for a record (the
 * last record's encoding stays in n->rec). */
static enum reject outcome(const struct ingest_norm *n)
{
	const char *p = n->out.data;
	struct norm_item it;

	assert_true(ingest_norm_next(&p, n->out.data + n->out.len, &it));
	return it.type == NORM_REJECT ? (enum reject)it.sub : NOT_REJECTED;
}

/* The first of n's items. */
static struct norm_item first_item(const struct ingest_norm *n)
{
	const char *p = n->out.data;
	struct norm_item it;

	assert_true(ingest_norm_next(&p, n->out.data + n->out.len, &it));
	return it;
}

/* 1 when n's items hold a note of that kind. */
static int has_note(const struct ingest_norm *n, enum norm_note kind)
{
	const char *p = n->out.data;
	struct norm_item it;

	while (ingest_norm_next(&p, n->out.data + n->out.len, &it))
		if (it.type == NORM_NOTE && it.sub == (int)kind)
			return 1;
	return 0;
}

/* What the row of these cells becomes. */
static enum reject norm(struct fix *f, const char *const *v)
{
	struct cells c;

	assert_int_equal(ingest_norm_row(&f->n, &f->map, mkrow(&c, 7, v), 3, "t.csv", &f->info),
			 ERR_OK);
	return outcome(&f->n);
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
	static const char *const lng[] = { "07400 123456", "", "", "Vereinigtes Königreich", NULL };
	static const char *const intl[] = { "+12015550123", "", "", "Narnia", NULL };
	static const char *const wrong[] = { "07400 123456", "", "", "US", NULL };
	struct fix *f = *state;

	assert_int_equal(norm(f, us), NOT_REJECTED);
	assert_string_equal(f->n.c.phone, "+12015550123");
	assert_int_equal(norm(f, gb), NOT_REJECTED);	/* the default region */
	assert_string_equal(f->n.c.phone, "+447400123456");
	assert_int_equal(norm(f, zz), REJ_UNKNOWN_COUNTRY);
	/* a country's name in a major language (country.h) */
	assert_int_equal(norm(f, lng), NOT_REJECTED);
	assert_string_equal(f->n.c.phone, "+447400123456");
	assert_int_not_equal(norm(f, wrong), NOT_REJECTED);
	/* no country, but an international number: the country is ignored, said */
	assert_int_equal(norm(f, intl), NOT_REJECTED);
	assert_string_equal(f->n.c.phone, "+12015550123");
	assert_true(has_note(&f->n, NOTE_COUNTRY_IGNORED));
}

/* A map of the given header (NULL-terminated) into m. */
static void map_of(struct colmap *m, const char *const *header, const struct colmap_opts *co)
{
	struct errinfo info = { 0 };
	struct cells c;

	assert_int_equal(colmap_build(m, mkrow(&c, 1, header), co, "t.csv", &info), ERR_OK);
}

/* The E.164 numbers of the records n's items hold, ' '-joined. */
static const char *records(const struct ingest_norm *n, char *buf, size_t cap)
{
	const char *p = n->out.data;
	struct norm_item it;
	size_t len = 0;

	buf[0] = '\0';
	while (ingest_norm_next(&p, n->out.data + n->out.len, &it))
		if (it.type == NORM_RECORD)
			len += (size_t)snprintf(buf + len, cap - len, "%s%.*s", len ? " " : "",
						(int)it.key.len, it.key.ptr);
	return buf;
}

/*
 * The contact's number among several phone columns (python3-phonenumbers:
 * 020 7946 0000 FIXED_LINE, 07400 123456 / 07400 123457 MOBILE,
 * +12015550123 FIXED_LINE_OR_MOBILE).
 */
static void test_best_number(void **state)
{
	static const char *const header[] = { "Name", "Phone", "Mobile", "Business Fax", NULL };
	static const char *const both[] = { "A", "020 7946 0000", "07400 123456", "", NULL };
	static const char *const mobile_only[] = { "B", "", "07400 123457", "", NULL };
	static const char *const landline[] = { "C", "020 7946 0000", "", "07400 123456", NULL };
	static const char *const bad_mobile[] = { "D", "020 7946 0000", "12", "", NULL };
	static const char *const none[] = { "E", "", "", "07400 123456", NULL };
	static const char *const junk[] = { "F", "hello", "12", "", NULL };
	static const char *const cell[] = { "G", "020 7946 0000 ::: +12015550123", "", "", NULL };
	struct fix *f = *state;
	struct colmap m;
	struct cells c;
	char buf[128];

	map_of(&m, header, &(struct colmap_opts){ 0 });
#define ROW(v) (assert_int_equal(ingest_norm_row(&f->n, &m, mkrow(&c, 2, v), 0, "t.csv", \
						 &f->info), ERR_OK), outcome(&f->n))
	assert_int_equal(ROW(both), NOT_REJECTED);
	assert_string_equal(records(&f->n, buf, sizeof(buf)), "+447400123456");
	/* the number not chosen stays under its column */
	assert_non_null(contact_custom(&f->n.c, "Phone"));
	assert_int_equal(ROW(mobile_only), NOT_REJECTED);
	assert_string_equal(records(&f->n, buf, sizeof(buf)), "+447400123457");
	/* a fax column's number is never the contact's */
	assert_int_equal(ROW(landline), NOT_REJECTED);
	assert_string_equal(records(&f->n, buf, sizeof(buf)), "+442079460000");
	/* an invalid mobile loses to a valid landline */
	assert_int_equal(ROW(bad_mobile), NOT_REJECTED);
	assert_string_equal(records(&f->n, buf, sizeof(buf)), "+442079460000");
	assert_int_equal(ROW(none), REJ_EMPTY);
	/* no valid number: the leftmost one's reason, with its column and value */
	assert_int_equal(ROW(junk), REJ_NOT_A_NUMBER);
	assert_int_equal(first_item(&f->n).col, 1);
	assert_int_equal(first_item(&f->n).data.len, 5);
	/* two numbers in a cell: the mobile-capable one */
	assert_int_equal(ROW(cell), NOT_REJECTED);
	assert_string_equal(records(&f->n, buf, sizeof(buf)), "+12015550123");
	colmap_free(&m);
}

/* Each number not chosen stays under its own column (they are made for the
 * contact and must not share one buffer); a quoted tag with a doubled
 * quote is unquoted into storage that outlives the split. */
static void test_kept_values(void **state)
{
	static const char *const header[] = { "Name", "Mobile Phone", "Mobile Phone 2",
					      "Home Phone", "Other Phone", "Tags", NULL };
	static const char *const row[] = { "A", "07400 123456", "07400 123457",
					   "020 7946 0000", "020 7946 0001 ::: 12",
					   "\"a\"\"b\",VIP", NULL };
	struct fix *f = *state;
	struct colmap m;
	struct cells c;
	const struct str *v;
	char buf[128];

	map_of(&m, header, &(struct colmap_opts){ 0 });
	assert_int_equal(ROW(row), NOT_REJECTED);
	assert_string_equal(records(&f->n, buf, sizeof(buf)), "+447400123456");
	/* decoded from the record, as the store will have it */
	assert_int_equal(contact_decode(&f->n.c, f->n.rec.data, f->n.rec.len, "+447400123456",
					13, &f->info), ERR_OK);
	v = contact_custom(&f->n.c, "Mobile Phone 2");
	assert_non_null(v);
	assert_str(*v, "07400 123457");
	v = contact_custom(&f->n.c, "Home Phone");
	assert_non_null(v);
	assert_str(*v, "020 7946 0000");
	v = contact_custom(&f->n.c, "Other Phone");
	assert_non_null(v);
	assert_str(*v, "020 7946 0001; 12");
	assert_null(contact_custom(&f->n.c, "Mobile Phone"));
	assert_int_equal(f->n.c.ntags, 2);
	assert_str(f->n.c.tags[0], "VIP");
	assert_str(f->n.c.tags[1], "a\"b");
	colmap_free(&m);
}

/* Google's typed pairs: the role comes from the type cell of the row. */
static void test_typed_pairs(void **state)
{
	static const char *const header[] = { "Name", "Phone 1 - Type", "Phone 1 - Value",
					      "Phone 2 - Type", "Phone 2 - Value", NULL };
	static const char *const row[] = { "A", "Home", "+12015550123", "Mobile", "020 7946 0000",
					   NULL };
	static const char *const fax[] = { "B", "Work Fax", "07400 123456", "Work",
					   "020 7946 0000", NULL };
	struct fix *f = *state;
	struct colmap m;
	struct cells c;
	char buf[128];

	map_of(&m, header, &(struct colmap_opts){ 0 });
	/* the mobile-typed one wins although its number is a landline */
	assert_int_equal(ROW(row), NOT_REJECTED);
	assert_string_equal(records(&f->n, buf, sizeof(buf)), "+442079460000");
	assert_int_equal(ROW(fax), NOT_REJECTED);
	assert_string_equal(records(&f->n, buf, sizeof(buf)), "+442079460000");
	colmap_free(&m);
}

/* --phones all: one record per distinct valid number. */
static void test_phones_all(void **state)
{
	static const char *const header[] = { "Name", "Phone", "Mobile", "Other Phone", NULL };
	static const char *const row[] = { "A", "020 7946 0000", "07400 123456", "+44 20 7946 0000",
					   NULL };
	struct fix *f = *state;
	struct colmap m;
	struct cells c;
	char buf[128];

	f->o.phones = INGEST_PHONES_ALL;
	map_of(&m, header, &(struct colmap_opts){ 0 });
	assert_int_equal(ROW(row), NOT_REJECTED);
	assert_string_equal(records(&f->n, buf, sizeof(buf)), "+447400123456 +442079460000");
	f->o.phones = INGEST_PHONES_BEST;
	colmap_free(&m);
}

/* A consent column: yes is not opted out, no is; status words as they say. */
static void test_consent(void **state)
{
	static const char *const header[] = { "Phone", "Accepts SMS Marketing", NULL };
	static const char *const yes[] = { "+447400123456", "yes", NULL };
	static const char *const no[] = { "+447400123456", "no", NULL };
	static const char *const unsub[] = { "+447400123456", "unsubscribed", NULL };
	struct fix *f = *state;
	struct colmap m;
	struct cells c;

	map_of(&m, header, &(struct colmap_opts){ 0 });
	assert_int_equal(ROW(yes), NOT_REJECTED);
	assert_int_equal(f->n.c.opted_out, TRI_FALSE);
	assert_int_equal(ROW(no), NOT_REJECTED);
	assert_int_equal(f->n.c.opted_out, TRI_TRUE);
	assert_int_equal(ROW(unsub), NOT_REJECTED);
	assert_int_equal(f->n.c.opted_out, TRI_TRUE);
#undef ROW
	colmap_free(&m);
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

	assert_int_equal(norm(f, bad), REJ_BAD_ENCODING);
	/* a cell the reader flagged (explicit encoding) */
	mkrow(&c, 9, ok);
	c.row.bad_cell = 2;
	assert_int_equal(ingest_norm_row(&f->n, &f->map, &c.row, 0, "t.csv", &f->info), ERR_OK);
	assert_int_equal(outcome(&f->n), REJ_BAD_ENCODING);
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

	assert_int_equal(ingest_norm_record(&f->n, mkrow(&c, 4, v), 1, "t.jsonl", &f->info),
			 ERR_OK);
	return outcome(&f->n);
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
		cmocka_unit_test(test_best_number),
		cmocka_unit_test(test_kept_values),
		cmocka_unit_test(test_typed_pairs),
		cmocka_unit_test(test_phones_all),
		cmocka_unit_test(test_consent),
		cmocka_unit_test(test_custom),
		cmocka_unit_test(test_encoding),
		cmocka_unit_test(test_too_many_cells),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
