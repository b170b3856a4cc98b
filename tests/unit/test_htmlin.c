/*
 * Unit tests for htmlin, the reader of HTML tables saved as "xls". Each
 * input is written to a temporary file, detected through reader_detect
 * (so the probe is tested too) and read whole; rows are compared as a
 * dump, one line per row: "rowno:[cell][cell]", so a wrong row number, a
 * lost row, a shifted cell or a changed byte shows in the diff. The
 * expected cells are what a browser shows (whitespace collapsed, <br> a
 * line break, spans leaving their covered cells empty).
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

#include "buf.h"
#include "reader.h"
#include "row.h"

struct result {
	const struct reader *rd;
	enum err detect, open, end;
	struct errinfo info;
	struct buf dump;
};

static char *write_tmp(const char *data, size_t len)
{
	char path[] = "/tmp/test_htmlin_XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	return strdup(path);
}

/* Reads the file as its detected reader would, rows into res->dump. */
static void read_all(const char *data, size_t len, const struct reader_opts *o,
		     struct result *res)
{
	static const struct reader_opts none;
	char *path = write_tmp(data, len);
	struct row row;
	void *priv = NULL;
	size_t i;

	memset(res, 0, sizeof(*res));
	buf_init(&res->dump, 0);
	res->detect = reader_detect(path, "t.xls", &res->rd, &res->info);
	if (!res->detect) {
		res->open = res->rd->open(&priv, path, "t.xls", o ? o : &none, &res->info);
		while (!res->open && !(res->end = res->rd->next(priv, &row, &res->info))) {
			buf_printf(&res->dump, "%lu:", row.rowno);
			for (i = 0; i < row.ncells; i++) {
				assert_int_equal(strlen(row.cells[i]), row.lens[i]);
				buf_printf(&res->dump, "[%s]", row.cells[i]);
			}
			buf_addc(&res->dump, '\n');
		}
		if (!res->open)
			res->rd->close(priv);
	}
	unlink(path);
	free(path);
}

static void expect_rows(const char *html, const char *want)
{
	struct result res;

	read_all(html, strlen(html), NULL, &res);
	assert_int_equal(res.detect, ERR_OK);
	assert_string_equal(res.rd->name, "HTML");
	assert_int_equal(res.open, ERR_OK);
	assert_int_equal(res.end, ERR_NOT_FOUND);
	assert_string_equal(buf_str(&res.dump), want);
	buf_free(&res.dump);
}

/* The template of the common "tableToExcel" script: no charset, UTF-8. */
static void test_webapp_template(void **state)
{
	(void)state;
	expect_rows("<html xmlns:o=\"urn:schemas-microsoft-com:office:office\" "
		    "xmlns:x=\"urn:schemas-microsoft-com:office:excel\" "
		    "xmlns=\"http://www.w3.org/TR/REC-html40\"><head><!--[if gte mso 9]><xml>"
		    "<x:ExcelWorkbook><x:ExcelWorksheets><x:ExcelWorksheet><x:Name>S</x:Name>"
		    "</x:ExcelWorksheet></x:ExcelWorksheets></x:ExcelWorkbook></xml>"
		    "<![endif]--></head><body><table>\n"
		    "  <thead><tr><th>Name</th><th>Phone</th></tr></thead>\n"
		    "  <tbody>\n"
		    "    <tr>\n      <td>  Anna \n Müller </td>\n      <td>0151 23456701</td>\n    </tr>\n"
		    "    <tr><td>J&ouml;rg&nbsp;Wei&szlig; &amp; Co</td><td>&#43;49 151</td></tr>\n"
		    "  </tbody></table></body></html>\n",
		    "1:[Name][Phone]\n"
		    "2:[Anna Müller][0151 23456701]\n"
		    "3:[Jörg Weiß & Co][+49 151]\n");
}

/*
 * Excel's "Save as Web Page" (the Office HTML and XML Reference): a cell
 * keeps its number in x:num when the text differs. A General number too
 * wide for the column is shown "4.91512E+12" and a formatted one "#####":
 * those read as the number (15 significant digits, as General shows it);
 * a text Excel formatted ("+4915123456781" from "+"0) is read as shown.
 */
static void test_excel_web_page(void **state)
{
	(void)state;
	expect_rows("<html xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><body>"
		    "<table x:str><tr><td>Phone</td><td>Share</td></tr>"
		    "<tr><td class=xl65 align=right x:num=\"4915123456781\">4.91512E+12</td>"
		    "<td x:num=\"0.30000000000000004\">0.3</td></tr>"
		    "<tr><td x:num=\"447400123456\">############</td>"
		    "<td x:num=\"-1.5E-3\">-1.50E-03</td></tr>"
		    "<tr><td class=xl66 x:num=\"4915123456781\">+4915123456781</td>"
		    "<td x:num=\"12\">12 kg</td></tr>"
		    "<tr><td x:num=\"oops\">1E+3</td><td>2E+5</td></tr>"
		    "</table></body></html>",
		    "1:[Phone][Share]\n"
		    "2:[4915123456781][0.3]\n"
		    "3:[447400123456][-0.0015]\n"
		    "4:[+4915123456781][12 kg]\n"
		    "5:[1E+3][2E+5]\n");
}

static void test_spans(void **state)
{
	(void)state;
	expect_rows("<table>"
		    "<tr><td colspan=3>Title</td></tr>"
		    "<tr><th>A</th><th>B</th><th>C</th></tr>"
		    "<tr><td rowspan=\"2\">r3a</td><td colspan=\"2\" rowspan=2>r3bc</td></tr>"
		    "<tr><td>r4d</td></tr>"
		    "<tr><td>r5a</td><td>r5b</td><td>r5c</td></tr>"
		    "<tr><td colspan=0>x</td><td colspan=\"2x\">y</td><td>z</td></tr>"
		    "</table>",
		    "1:[Title]\n"
		    "2:[A][B][C]\n"
		    "3:[r3a][r3bc]\n"
		    "4:[][][][r4d]\n"
		    "5:[r5a][r5b][r5c]\n"
		    "6:[x][y][][z]\n");
}

/* Rows without text are skipped but counted; missing end tags repaired. */
static void test_blank_rows_and_repair(void **state)
{
	(void)state;
	expect_rows("<TABLE border=1><TR><TD>a<TD>b\n<TR><TD>&nbsp;<TD> \n"
		    "<TR><TD><TD>d</TABLE>",
		    "1:[a][b]\n"
		    "3:[][d]\n");
}

static void test_breaks_and_blocks(void **state)
{
	(void)state;
	expect_rows("<table><tr><td>a<br>b <br/> c<br><br>d<br></td>"
		    "<td><p>one</p><p> two </p></td><td><div>x</div>y<span> z</span></td>"
		    "<td><script>var s = 1;</script>s<style>td{}</style></td></tr></table>",
		    "1:[a\nb\nc\n\nd][one\ntwo][x\ny z][s]\n");
}

/* A layout table around the data gives way to it; a table after the
 * first one with rows is not read, nor one nested in its cells. */
static void test_table_choice(void **state)
{
	(void)state;
	expect_rows("<body><p>Report</p><table></table>"
		    "<table><tr><td><table><tr><td>h1</td><td>h2</td></tr>"
		    "<tr><td>v1<table><tr><td>no</td></tr></table></td><td>v2</td></tr>"
		    "</table></td></tr></table>"
		    "<table><tr><td>later</td></tr></table>",
		    "1:[h1][h2]\n"
		    "2:[v1][v2]\n");
}

/* The meta charset decides: 0x96 is an en dash in Windows-1252. */
static void test_windows_1252(void **state)
{
	(void)state;
	expect_rows("<meta http-equiv=\"Content-Type\" "
		    "content=\"application/vnd.ms-excel; charset=windows-1252\">\n"
		    "<table><tr><td>Jos\xe9 \x96 M\xfcller</td><td>&euro;&#8364;</td></tr></table>",
		    "1:[José – Müller][€€]\n");
}

static void test_bom_doctype(void **state)
{
	(void)state;
	expect_rows("\xef\xbb\xbf\n  <!DOCTYPE html>\n<html><body><table><tr><td>é</td></tr>"
		    "</table></body></html>",
		    "1:[é]\n");
}

/* Without a charset: UTF-8 when the bytes are, else Windows-1252. */
static void test_undeclared(void **state)
{
	(void)state;
	expect_rows("<html><body><table><tr><td>Jos\xe9 \x96 M\xfcller</td></tr></table>",
		    "1:[José – Müller]\n");
	expect_rows("<table><tr><td>José – Müller</td></tr></table>",
		    "1:[José – Müller]\n");
	/* the tableToExcel template: <html> first did switch libxml2 back */
	expect_rows("<html xmlns=\"http://www.w3.org/TR/REC-html40\"><head></head><body>"
		    "<table><tr><td>Müller</td></tr></table></body></html>",
		    "1:[Müller]\n");
}

static void expect_failure(const char *html, enum err code, const char *msg)
{
	struct result res;

	read_all(html, strlen(html), NULL, &res);
	assert_int_equal(res.detect, ERR_OK);
	assert_string_equal(res.rd->name, "HTML");
	assert_int_equal(res.open, code);
	assert_string_equal(res.info.msg, msg);
	buf_free(&res.dump);
}

static void test_no_table(void **state)
{
	(void)state;
	expect_failure("<html><head><title>Export</title></head><body><p>Session expired"
		       "</p></body></html>", ERR_FORMAT,
		       "'t.xls': an HTML page without a table: not a contact list");
	expect_failure("<html><body><table><tr><td> </td></tr></table></body></html>",
		       ERR_FORMAT,
		       "'t.xls': an HTML page whose tables hold no rows: not a contact list");
}

/* 0x81 is no Windows-1252 character: an error, never the rows after it
 * silently dropped (libxml2 stops there). */
static void test_bad_bytes(void **state)
{
	(void)state;
	expect_failure("<meta charset=\"windows-1252\"><table><tr><td>a</td></tr>\n"
		       "<tr><td>A\x81" "b</td></tr><tr><td>c</td></tr></table>", ERR_ENCODING,
		       "'t.xls': the text after line 1 is not windows-1252 "
		       "(bytes 0x81 0x62 0x3C 0x2F)");
}

static void test_limits(void **state)
{
	struct reader_opts o;
	struct sheet_opts so;
	struct result res;
	const char *html = "<table><tr><td>a</td><td>b</td><td>c</td></tr></table>";

	(void)state;
	memset(&o, 0, sizeof(o));
	memset(&so, 0, sizeof(so));
	so.max_cells = 2;
	o.sheet = &so;
	read_all(html, strlen(html), &o, &res);
	assert_int_equal(res.open, ERR_LIMIT);
	assert_non_null(strstr(res.info.msg, "more than 2 cells in row 1"));
	buf_free(&res.dump);
	so.max_cells = 0;
	so.max_row_bytes = 2;
	read_all(html, strlen(html), &o, &res);
	assert_int_equal(res.open, ERR_LIMIT);
	assert_non_null(strstr(res.info.msg, "row 1 is larger than 2 bytes"));
	buf_free(&res.dump);
}

/* Many rows: the queue is refilled piece by piece, numbers stay right. */
static void test_many_rows(void **state)
{
	struct buf in, want;
	struct result res;
	int i;

	(void)state;
	buf_init(&in, 0);
	buf_init(&want, 0);
	buf_adds(&in, "<html><body><table>\n");
	for (i = 1; i <= 5000; i++) {
		buf_printf(&in, "<tr><td>+49151%08d</td><td>Name %d</td></tr>\n", i, i);
		buf_printf(&want, "%d:[+49151%08d][Name %d]\n", i, i, i);
	}
	buf_adds(&in, "</table></body></html>\n");
	read_all(in.data, in.len, NULL, &res);
	assert_int_equal(res.open, ERR_OK);
	assert_int_equal(res.end, ERR_NOT_FOUND);
	assert_string_equal(buf_str(&res.dump), buf_str(&want));
	buf_free(&res.dump);
	buf_free(&in);
	buf_free(&want);
}

/* What the probe takes and leaves. */
static void test_probe(void **state)
{
	static const struct { const char *head, *reader; } cases[] = {
		{ "<table><tr><td>a</td></tr></table>", "HTML" },
		{ "  <HTML>", "HTML" },
		{ "<!-- saved --><?xml version=\"1.0\"?>\n<!doctype HTML>", "HTML" },
		{ "<meta charset=utf-8><table>", "HTML" },
		{ "<htmlish>,1\n", "CSV" },
		{ "Name,Phone\n<html>,1\n", "CSV" },
		{ "<tablet,1\n", "CSV" },
	};
	const struct reader *rd;
	struct errinfo info;
	size_t i;
	char *path;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		path = write_tmp(cases[i].head, strlen(cases[i].head));
		assert_int_equal(reader_detect(path, "t", &rd, &info), ERR_OK);
		assert_string_equal(rd->name, cases[i].reader);
		unlink(path);
		free(path);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_webapp_template),
		cmocka_unit_test(test_excel_web_page),
		cmocka_unit_test(test_spans),
		cmocka_unit_test(test_blank_rows_and_repair),
		cmocka_unit_test(test_breaks_and_blocks),
		cmocka_unit_test(test_table_choice),
		cmocka_unit_test(test_windows_1252),
		cmocka_unit_test(test_bom_doctype),
		cmocka_unit_test(test_undeclared),
		cmocka_unit_test(test_no_table),
		cmocka_unit_test(test_bad_bytes),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_many_rows),
		cmocka_unit_test(test_probe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
