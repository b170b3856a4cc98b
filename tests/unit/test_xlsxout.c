/*
 * Unit tests of the XLSX writer: cell text (escapes, truncation at Excel's
 * limit counted in UTF-16 units), display widths, and tables longer than a
 * sheet continuing on the next one (with a small row limit). Workbooks are
 * read back with the project's unzip module.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "read/unzip.h"
#include "xlsxout.h"

static const char *text(const char *in, size_t max, int *cut)
{
	static struct buf b;

	if (!b.max)
		buf_init(&b, 0);
	assert_int_equal(xlsxout_text(in, strlen(in), max, &b, cut), ERR_OK);
	return buf_str(&b);
}

static void test_text_escapes(void **state)
{
	int cut;

	(void)state;
	assert_string_equal(text("+447400123456", 100, &cut), "+447400123456");
	assert_int_equal(cut, 0);
	/* Excel would read these as escapes for 'A' and '_' */
	assert_string_equal(text("_x0041_", 100, &cut), "_x005F_x0041_");
	assert_string_equal(text("a_x00fF_b", 100, &cut), "a_x005F_x00fF_b");
	assert_string_equal(text("__x0041__", 100, &cut), "__x005F_x0041__");
	/* not escapes: left alone */
	assert_string_equal(text("_x004_", 100, &cut), "_x004_");
	assert_string_equal(text("_x004G_", 100, &cut), "_x004G_");
	assert_string_equal(text("_X0041_", 100, &cut), "_X0041_");
	assert_string_equal(text("snake_case_x", 100, &cut), "snake_case_x");
	assert_int_equal(cut, 0);
}

static void test_text_nul(void **state)
{
	struct buf b;
	int cut;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(xlsxout_text("a\0b", 3, 100, &b, &cut), ERR_OK);
	assert_string_equal(buf_str(&b), "a_x0000_b");
	buf_free(&b);
}

static void test_text_truncation(void **state)
{
	int cut;

	(void)state;
	assert_string_equal(text("abcdef", 6, &cut), "abcdef");
	assert_int_equal(cut, 0);
	assert_string_equal(text("abcdefg", 6, &cut), "abcdef");
	assert_int_equal(cut, 1);
	/* é is one character of two bytes: never split */
	assert_string_equal(text("\xc3\xa9\xc3\xa9\xc3\xa9", 2, &cut), "\xc3\xa9\xc3\xa9");
	assert_int_equal(cut, 1);
	/* beyond the BMP a character counts two, as in Excel's UTF-16 */
	assert_string_equal(text("a\xf0\x9f\x98\x80" "b", 3, &cut), "a\xf0\x9f\x98\x80");
	assert_int_equal(cut, 1);
	assert_string_equal(text("a\xf0\x9f\x98\x80" "b", 2, &cut), "a");
	assert_int_equal(cut, 1);
	/* an escape counts its seven characters and is never split */
	assert_string_equal(text("ab_x0041_", 8, &cut), "ab");
	assert_int_equal(cut, 1);
	assert_string_equal(text("ab_x0041_", 15, &cut), "ab_x005F_x0041_");
	assert_int_equal(cut, 0);
	/* so do the controls libxlsxwriter escapes; tab and newline do not */
	assert_string_equal(text("a\x01" "b", 7, &cut), "a");
	assert_string_equal(text("a\tb\nc", 5, &cut), "a\tb\nc");
	assert_int_equal(cut, 0);
}

static void test_text_excel_limit(void **state)
{
	size_t n = XLSXOUT_MAX_CELL + 10;
	char *s = malloc(n * 2 + 1);
	struct buf b;
	size_t i;
	int cut;

	(void)state;
	assert_non_null(s);
	for (i = 0; i < n; i++)
		memcpy(s + 2 * i, "\xc3\xa9", 2);
	buf_init(&b, 0);
	assert_int_equal(xlsxout_text(s, n * 2, XLSXOUT_MAX_CELL, &b, &cut), ERR_OK);
	assert_int_equal(cut, 1);
	assert_int_equal(b.len, (size_t)XLSXOUT_MAX_CELL * 2);
	assert_int_equal(xlsxout_text(s, (size_t)XLSXOUT_MAX_CELL * 2, XLSXOUT_MAX_CELL,
				      &b, &cut), ERR_OK);
	assert_int_equal(cut, 0);
	buf_free(&b);
	free(s);
}

static unsigned dw(const char *s, unsigned cap)
{
	return xlsxout_display_width(s, strlen(s), cap);
}

static void test_display_width(void **state)
{
	(void)state;
	assert_int_equal(dw("", 60), 0);
	assert_int_equal(dw("+447400123456", 60), 13);
	assert_int_equal(dw("Chlo\xc3\xa9", 60), 5);		/* code points, not bytes */
	assert_int_equal(dw("Cafe\xcc\x81", 60), 4);		/* combining accent */
	assert_int_equal(dw("\xe6\x9d\xb1\xe4\xba\xac", 60), 4);	/* 東京: wide */
	assert_int_equal(dw("abcdefghij", 4), 4);		/* capped */
}

struct tmp {
	char dir[64];
	char path[128];
};

static void tmp_make(struct tmp *t)
{
	strcpy(t->dir, "/tmp/cs-xlsxout-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof(t->path), "%s/t.xlsx", t->dir);
}

static void tmp_remove(struct tmp *t)
{
	unlink(t->path);
	assert_int_equal(rmdir(t->dir), 0);	/* no temporary file left behind */
}

/* Entry of a workbook, as a string (new buf, caller frees). */
static void read_entry(const char *path, const char *entry, struct buf *out)
{
	struct errinfo info = { 0 };
	struct unzip *z;

	buf_init(out, 0);
	assert_int_equal(unzip_open(&z, path, NULL, NULL, &info), ERR_OK);
	assert_int_equal(unzip_read_all(z, entry, out, &info), ERR_OK);
	unzip_close(z);
}

static int has_entry(const char *path, const char *entry)
{
	struct errinfo info = { 0 };
	struct unzip *z;
	int r;

	assert_int_equal(unzip_open(&z, path, NULL, NULL, &info), ERR_OK);
	r = unzip_has(z, entry);
	unzip_close(z);
	return r;
}

static void write_rows(struct xlsxout *w, int from, int to)
{
	struct errinfo info = { 0 };
	char phone[32], name[32];
	int i;

	for (i = from; i <= to; i++) {
		snprintf(phone, sizeof(phone), "+4474001234%02d", i);
		snprintf(name, sizeof(name), "row %d", i);
		assert_int_equal(xlsxout_cellz(w, phone, &info), ERR_OK);
		assert_int_equal(xlsxout_cellz(w, name, &info), ERR_OK);
		assert_int_equal(xlsxout_end_row(w, &info), ERR_OK);
	}
}

static void test_sheet_continuation(void **state)
{
	static const char *const header[] = { "phone", "name" };
	struct xlsxout_opts o = { "Contacts", NULL, 4, 0, 0 };
	struct errinfo info = { 0 };
	struct xlsxout_stats st;
	struct xlsxout *w;
	struct buf x;
	struct tmp t;

	(void)state;
	tmp_make(&t);
	o.tmpdir = t.dir;
	assert_int_equal(xlsxout_open(&w, t.path, NULL, &o, &info), ERR_OK);
	assert_int_equal(xlsxout_header(w, header, 2, &info), ERR_OK);
	write_rows(w, 1, 7);	/* 3 + 3 + 1 below the headers */
	assert_int_equal(xlsxout_close(w, &st, &info), ERR_OK);
	assert_int_equal(st.rows, 7);
	assert_int_equal(st.sheets, 3);
	assert_int_equal(st.truncated, 0);

	read_entry(t.path, "xl/workbook.xml", &x);
	assert_non_null(strstr(x.data, "name=\"Contacts\""));
	assert_non_null(strstr(x.data, "name=\"Contacts (2)\""));
	assert_non_null(strstr(x.data, "name=\"Contacts (3)\""));
	buf_free(&x);
	assert_false(has_entry(t.path, "xl/worksheets/sheet4.xml"));

	/* every sheet: header, frozen, filtered over its own rows, all text */
	read_entry(t.path, "xl/worksheets/sheet1.xml", &x);
	assert_non_null(strstr(x.data, "<c r=\"A1\" s=\"1\" t=\"inlineStr\"><is><t>phone</t>"));
	assert_non_null(strstr(x.data, "ySplit=\"1\""));
	assert_non_null(strstr(x.data, "<autoFilter ref=\"A1:B4\"/>"));
	assert_non_null(strstr(x.data, "<c r=\"A4\" t=\"inlineStr\"><is><t>+447400123403</t>"));
	assert_null(strstr(x.data, "r=\"A5\""));
	buf_free(&x);
	read_entry(t.path, "xl/worksheets/sheet2.xml", &x);
	assert_non_null(strstr(x.data, "<c r=\"B1\" s=\"1\" t=\"inlineStr\"><is><t>name</t>"));
	assert_non_null(strstr(x.data, "ySplit=\"1\""));
	assert_non_null(strstr(x.data, "<c r=\"A2\" t=\"inlineStr\"><is><t>+447400123404</t>"));
	assert_non_null(strstr(x.data, "<autoFilter ref=\"A1:B4\"/>"));
	buf_free(&x);
	read_entry(t.path, "xl/worksheets/sheet3.xml", &x);
	assert_non_null(strstr(x.data, "<c r=\"B2\" t=\"inlineStr\"><is><t>row 7</t>"));
	assert_non_null(strstr(x.data, "<autoFilter ref=\"A1:B2\"/>"));
	assert_null(strstr(x.data, "t=\"n\""));
	buf_free(&x);
	tmp_remove(&t);
}

/* A workbook whose first table ("Summary") has one row: a label, a number. */
static struct xlsxout *summary_sheet(struct tmp *t, struct xlsxout_opts *o)
{
	static const char *const facts[] = { "measure", "value" };
	struct errinfo info = { 0 };
	struct xlsxout *w;

	tmp_make(t);
	o->tmpdir = t->dir;
	assert_int_equal(xlsxout_open(&w, t->path, NULL, o, &info), ERR_OK);
	assert_int_equal(xlsxout_header(w, facts, 2, &info), ERR_OK);
	assert_int_equal(xlsxout_cellz(w, "a rather long profile label", &info), ERR_OK);
	assert_int_equal(xlsxout_number(w, 1234567, &info), ERR_OK);
	assert_int_equal(xlsxout_end_row(w, &info), ERR_OK);
	return w;
}

/* Several tables in one workbook: each on its own sheets with its own
 * header, filter and widths; number cells; a chart of the second table
 * drawn on the first sheet. */
static void test_tables_numbers_chart(void **state)
{
	static const char *const ops[] = { "operation", "done", "failed" };
	static const char *const changes[] = { "phone", "name" };
	static const char *const kinds[] = { "create", "update", "opt-out", "delete" };
	struct xlsxout_opts o = { "Summary", NULL, 3, 0, 0 };
	struct xlsxout_chart c = { "Operations", "Summary", 4, 1, 2, 4, 3, 1 };
	struct errinfo info = { 0 };
	struct xlsxout_stats st;
	struct xlsxout *w;
	struct buf x;
	struct tmp t;
	int i;

	(void)state;
	w = summary_sheet(&t, &o);
	/* a sheet name Excel refuses */
	assert_int_equal(xlsxout_table(w, "Bad/Name", ops, 3, &info), ERR_USAGE);
	xlsxout_abort(w);
	tmp_remove(&t);

	o.max_rows = 5;
	w = summary_sheet(&t, &o);
	assert_int_equal(xlsxout_table(w, "Operations", ops, 3, &info), ERR_OK);
	for (i = 0; i < 4; i++) {
		assert_int_equal(xlsxout_cellz(w, kinds[i], &info), ERR_OK);
		assert_int_equal(xlsxout_number(w, 10 * i, &info), ERR_OK);
		assert_int_equal(xlsxout_number(w, i, &info), ERR_OK);
		assert_int_equal(xlsxout_end_row(w, &info), ERR_OK);
	}
	assert_int_equal(xlsxout_chart(w, &c, &info), ERR_OK);
	c.last_col = 3;	/* past the table */
	assert_int_equal(xlsxout_chart(w, &c, &info), ERR_INTERNAL);
	assert_int_equal(xlsxout_table(w, "Changes", changes, 2, &info), ERR_OK);
	write_rows(w, 1, 5);	/* 4 + 1: continues on "Changes (2)" */
	assert_int_equal(xlsxout_close(w, &st, &info), ERR_OK);
	assert_int_equal(st.sheets, 4);
	assert_int_equal(st.rows, 1 + 4 + 5);

	read_entry(t.path, "xl/workbook.xml", &x);
	assert_non_null(strstr(x.data, "name=\"Summary\""));
	assert_non_null(strstr(x.data, "name=\"Operations\""));
	assert_non_null(strstr(x.data, "name=\"Changes\""));
	assert_non_null(strstr(x.data, "name=\"Changes (2)\""));
	buf_free(&x);
	/* Summary: its own filter and widths, a number cell, and the chart */
	read_entry(t.path, "xl/worksheets/sheet1.xml", &x);
	assert_non_null(strstr(x.data, "<autoFilter ref=\"A1:B2\"/>"));
	assert_non_null(strstr(x.data, "<c r=\"B2\"><v>1234567</v></c>"));
	assert_non_null(strstr(x.data, "<col min=\"1\" max=\"1\" width=\"28."));
	assert_non_null(strstr(x.data, "<drawing r:id="));
	buf_free(&x);
	/* Operations: numbers, its own filter over its 4 rows and 3 columns */
	read_entry(t.path, "xl/worksheets/sheet2.xml", &x);
	assert_non_null(strstr(x.data, "<autoFilter ref=\"A1:C5\"/>"));
	assert_non_null(strstr(x.data, "<c r=\"B5\"><v>30</v></c>"));
	assert_non_null(strstr(x.data, "<c r=\"A5\" t=\"inlineStr\"><is><t>delete</t>"));
	assert_null(strstr(x.data, "<drawing"));
	buf_free(&x);
	/* Changes continues on its second sheet, headers and filter again */
	read_entry(t.path, "xl/worksheets/sheet4.xml", &x);
	assert_non_null(strstr(x.data, "<c r=\"A1\" s=\"1\" t=\"inlineStr\"><is><t>phone</t>"));
	assert_non_null(strstr(x.data, "<autoFilter ref=\"A1:B2\"/>"));
	buf_free(&x);
	/* the chart: a stacked column chart of Operations' done and failed */
	read_entry(t.path, "xl/charts/chart1.xml", &x);
	assert_non_null(strstr(x.data, "<c:grouping val=\"stacked\"/>"));
	assert_non_null(strstr(x.data, "<c:f>Operations!$B$2:$B$5</c:f>"));
	assert_non_null(strstr(x.data, "<c:f>Operations!$C$2:$C$5</c:f>"));
	assert_non_null(strstr(x.data, "<c:f>Operations!$A$2:$A$5</c:f>"));
	assert_non_null(strstr(x.data, "<c:f>Operations!$B$1</c:f>"));
	buf_free(&x);
	tmp_remove(&t);
}

/* A sheet of number cells: their XML is shorter than a text cell's, which
 * the size check after close must not take for a short sheet (it did:
 * "sheet 1 came out short ... disk full?"). */
static void test_many_numbers(void **state)
{
	static const char *const header[] = { "row", "status", "attempts" };
	struct xlsxout_opts o = { "Numbers", NULL, 0, 0, 0 };
	struct errinfo info = { 0 };
	struct xlsxout *w;
	struct buf x;
	struct tmp t;
	int i;

	(void)state;
	tmp_make(&t);
	o.tmpdir = t.dir;
	assert_int_equal(xlsxout_open(&w, t.path, NULL, &o, &info), ERR_OK);
	assert_int_equal(xlsxout_header(w, header, 3, &info), ERR_OK);
	for (i = 0; i < 5000; i++) {
		assert_int_equal(xlsxout_number(w, i, &info), ERR_OK);
		assert_int_equal(xlsxout_number(w, 400, &info), ERR_OK);
		assert_int_equal(xlsxout_number(w, 3, &info), ERR_OK);
		assert_int_equal(xlsxout_end_row(w, &info), ERR_OK);
	}
	assert_int_equal(xlsxout_close(w, NULL, &info), ERR_OK);
	read_entry(t.path, "xl/worksheets/sheet1.xml", &x);
	assert_non_null(strstr(x.data, "<c r=\"C5001\"><v>3</v></c>"));
	buf_free(&x);
	tmp_remove(&t);
}

static void test_exact_fill_adds_no_sheet(void **state)
{
	static const char *const header[] = { "phone", "name" };
	struct xlsxout_opts o = { "Contacts", NULL, 4, 0, 0 };
	struct errinfo info = { 0 };
	struct xlsxout_stats st;
	struct xlsxout *w;
	struct tmp t;

	(void)state;
	tmp_make(&t);
	o.tmpdir = t.dir;
	assert_int_equal(xlsxout_open(&w, t.path, NULL, &o, &info), ERR_OK);
	assert_int_equal(xlsxout_header(w, header, 2, &info), ERR_OK);
	write_rows(w, 1, 3);
	assert_int_equal(xlsxout_close(w, &st, &info), ERR_OK);
	assert_int_equal(st.sheets, 1);
	assert_int_equal(st.rows, 3);
	tmp_remove(&t);
}

static void test_widths_and_truncation(void **state)
{
	static const char *const header[] = { "phone", "notes", "x" };
	struct xlsxout_opts o = { "T", NULL, 0, 13, 0 };
	struct errinfo info = { 0 };
	struct xlsxout_stats st;
	struct xlsxout *w;
	struct buf x;
	char long_text[200];
	struct tmp t;

	(void)state;
	tmp_make(&t);
	o.tmpdir = t.dir;
	memset(long_text, 'n', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	assert_int_equal(xlsxout_open(&w, t.path, NULL, &o, &info), ERR_OK);
	assert_int_equal(xlsxout_header(w, header, 3, &info), ERR_OK);
	/* header: its width plus room for the filter button */
	assert_int_equal(xlsxout_width(w, 0), 5 + 2 + 1);
	assert_int_equal(xlsxout_width(w, 2), 4);	/* the minimum */
	assert_int_equal(xlsxout_cellz(w, "+447400123456", &info), ERR_OK);
	assert_int_equal(xlsxout_cellz(w, "short", &info), ERR_OK);
	assert_int_equal(xlsxout_end_row(w, &info), ERR_OK);
	assert_int_equal(xlsxout_width(w, 0), 13 + 1);
	assert_int_equal(xlsxout_cellz(w, "+1", &info), ERR_OK);
	assert_int_equal(xlsxout_cellz(w, long_text, &info), ERR_OK);
	assert_int_equal(xlsxout_cellz(w, "0123456789", &info), ERR_OK);
	assert_int_equal(xlsxout_end_row(w, &info), ERR_OK);
	assert_int_equal(xlsxout_cellz(w, "+2", &info), ERR_OK);
	assert_int_equal(xlsxout_cellz(w, "0123456789ABCD", &info), ERR_OK);
	/* a fourth cell has no column */
	assert_int_equal(xlsxout_cellz(w, "a", &info), ERR_OK);
	assert_int_equal(xlsxout_cellz(w, "b", &info), ERR_INTERNAL);
	assert_int_equal(xlsxout_end_row(w, &info), ERR_OK);
	/* widths follow the values as written in full, capped */
	assert_int_equal(xlsxout_width(w, 0), 13 + 1);
	assert_int_equal(xlsxout_width(w, 1), XLSXOUT_WIDTH_MAX);
	assert_int_equal(xlsxout_width(w, 2), 10 + 1);
	assert_int_equal(xlsxout_width(w, 3), 0);
	assert_int_equal(xlsxout_close(w, &st, &info), ERR_OK);
	assert_int_equal(st.truncated, 2);
	assert_string_equal(st.first_truncated, "'T'!B3");
	assert_int_equal(st.first_truncated_col, 1);

	read_entry(t.path, "xl/worksheets/sheet1.xml", &x);
	assert_non_null(strstr(x.data, "<t>+447400123456</t>"));
	assert_non_null(strstr(x.data, "<t>nnnnnnnnnnnnn</t>"));
	assert_non_null(strstr(x.data, "<t>0123456789ABC</t>"));
	assert_null(strstr(x.data, "0123456789ABCD"));
	assert_non_null(strstr(x.data, "<col min=\"2\" max=\"2\" width=\"60."));
	buf_free(&x);
	tmp_remove(&t);
}

static void test_errors(void **state)
{
	static const char *const header[] = { "phone" };
	struct xlsxout_opts o = { "Contacts", NULL, 1, 0, 0 };
	struct errinfo info = { 0 };
	struct xlsxout *w;

	(void)state;
	assert_int_equal(xlsxout_open(&w, "/tmp/never.xlsx", NULL, &o, &info), ERR_USAGE);
	o.max_rows = XLSXOUT_MAX_ROWS + 1;
	assert_int_equal(xlsxout_open(&w, "/tmp/never.xlsx", NULL, &o, &info), ERR_USAGE);
	o.max_rows = 0;
	o.max_cell = XLSXOUT_MAX_CELL + 1;
	assert_int_equal(xlsxout_open(&w, "/tmp/never.xlsx", NULL, &o, &info), ERR_USAGE);
	o.max_cell = 0;
	o.sheet = "bad[name]";
	assert_int_equal(xlsxout_open(&w, "/tmp/never.xlsx", NULL, &o, &info), ERR_USAGE);
	assert_non_null(strstr(info.msg, "'bad[name]'"));
	o.sheet = "Contacts";

	/* a row before the header */
	assert_int_equal(xlsxout_open(&w, "/tmp/never.xlsx", NULL, &o, &info), ERR_OK);
	assert_int_equal(xlsxout_cellz(w, "x", &info), ERR_INTERNAL);
	xlsxout_abort(w);
	assert_int_equal(access("/tmp/never.xlsx", F_OK), -1);

	/* libxlsxwriter's failure becomes ERR_IO naming the file */
	assert_int_equal(xlsxout_open(&w, "/nonexistent-dir/x.xlsx", "x.xlsx", &o, &info),
			 ERR_OK);
	assert_int_equal(xlsxout_header(w, header, 1, &info), ERR_OK);
	assert_int_equal(xlsxout_close(w, NULL, &info), ERR_IO);
	assert_non_null(strstr(info.msg, "cannot write 'x.xlsx': "));
	assert_non_null(strstr(info.msg, "No such file or directory"));
}

/* The ZIP64 container is only used past 4 GB: check that it is a zip. */
static void test_zip64_container(void **state)
{
	static const char *const header[] = { "phone", "name" };
	struct xlsxout_opts o = { "Contacts", NULL, 0, 0, 1 };
	struct errinfo info = { 0 };
	struct xlsxout *w;
	struct buf x;
	struct tmp t;

	(void)state;
	tmp_make(&t);
	o.tmpdir = t.dir;
	assert_int_equal(xlsxout_open(&w, t.path, NULL, &o, &info), ERR_OK);
	assert_int_equal(xlsxout_header(w, header, 2, &info), ERR_OK);
	write_rows(w, 1, 3);
	assert_int_equal(xlsxout_close(w, NULL, &info), ERR_OK);
	read_entry(t.path, "xl/worksheets/sheet1.xml", &x);
	assert_non_null(strstr(x.data, "<t>row 3</t>"));
	buf_free(&x);
	tmp_remove(&t);
}

static void test_zip64_estimate(void **state)
{
	(void)state;
	/* a million contacts of ten short cells: far below 4 GB */
	assert_false(xlsxout_needs_zip64(120000000ull, 10000000ull));
	/* a million rows of a hundred cells, or 4 KB of notes a row: above */
	assert_true(xlsxout_needs_zip64(1000000000ull, 100000000ull));
	assert_true(xlsxout_needs_zip64(4000000000ull, 10000000ull));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_escapes),
		cmocka_unit_test(test_text_nul),
		cmocka_unit_test(test_text_truncation),
		cmocka_unit_test(test_text_excel_limit),
		cmocka_unit_test(test_display_width),
		cmocka_unit_test(test_sheet_continuation),
		cmocka_unit_test(test_tables_numbers_chart),
		cmocka_unit_test(test_many_numbers),
		cmocka_unit_test(test_exact_fill_adds_no_sheet),
		cmocka_unit_test(test_widths_and_truncation),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_zip64_container),
		cmocka_unit_test(test_zip64_estimate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
