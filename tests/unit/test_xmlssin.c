/*
 * Unit tests for xmlssin, the reader of Excel 2003 XML Spreadsheets
 * ("SpreadsheetML"). Each input is written to a temporary file, detected
 * through reader_detect (so the probe is tested too) and read whole; rows
 * are compared as a dump, one line per row: "rowno:[cell][cell]". The
 * expected cells follow Microsoft's XML Spreadsheet Reference: ss:Index
 * places rows and cells, ss:MergeAcross spans columns, Data's ss:Type
 * says how its text reads.
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

#define HEAD                                                                 \
	"<?xml version=\"1.0\"?>\n<?mso-application progid=\"Excel.Sheet\"?>\n" \
	"<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\"\n"   \
	" xmlns:o=\"urn:schemas-microsoft-com:office:office\"\n"               \
	" xmlns:x=\"urn:schemas-microsoft-com:office:excel\"\n"                \
	" xmlns:ss=\"urn:schemas-microsoft-com:office:spreadsheet\"\n"         \
	" xmlns:html=\"http://www.w3.org/TR/REC-html40\">\n"
#define SHEET(name, rows)                                                    \
	"<Worksheet ss:Name=\"" name "\"><Table>\n" rows "</Table>"           \
	"<WorksheetOptions xmlns=\"urn:schemas-microsoft-com:office:excel\">" \
	"<Selected/></WorksheetOptions></Worksheet>\n"
#define BOOK(sheets) HEAD sheets "</Workbook>\n"
#define S(v) "<Cell><Data ss:Type=\"String\">" v "</Data></Cell>"
#define N(v) "<Cell><Data ss:Type=\"Number\">" v "</Data></Cell>"

struct result {
	const struct reader *rd;
	enum err detect, open, end;
	struct errinfo info;
	char sheet[64];
	struct buf dump;
};

static char *write_tmp(const char *data, size_t len)
{
	char path[] = "/tmp/test_xmlssin_XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	return strdup(path);
}

static void read_all(const char *data, const char *sheet, struct result *res)
{
	struct sheet_opts so = { .sheet = sheet };
	struct reader_opts o = { .sheet = &so };
	char *path = write_tmp(data, strlen(data));
	struct row row;
	void *priv = NULL;
	size_t i;

	memset(res, 0, sizeof(*res));
	buf_init(&res->dump, 0);
	res->detect = reader_detect(path, "t.xls", &res->rd, &res->info);
	if (!res->detect) {
		res->open = res->rd->open(&priv, path, "t.xls", &o, &res->info);
		if (!res->open && res->rd->sheet)
			snprintf(res->sheet, sizeof(res->sheet), "%s", res->rd->sheet(priv));
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

static void expect_rows(const char *xml, const char *sheet, const char *want_sheet,
			const char *want)
{
	struct result res;

	read_all(xml, sheet, &res);
	assert_int_equal(res.detect, ERR_OK);
	assert_string_equal(res.rd->name, "SpreadsheetML");
	assert_int_equal(res.open, ERR_OK);
	assert_int_equal(res.end, ERR_NOT_FOUND);
	assert_string_equal(res.sheet, want_sheet);
	assert_string_equal(buf_str(&res.dump), want);
	buf_free(&res.dump);
}

static void expect_failure(const char *xml, const char *sheet, enum err code,
			   const char *msg)
{
	struct result res;

	read_all(xml, sheet, &res);
	assert_int_equal(res.detect, ERR_OK);
	assert_string_equal(res.rd->name, "SpreadsheetML");
	assert_int_equal(res.open ? res.open : res.end, code);
	assert_string_equal(res.info.msg, msg);
	buf_free(&res.dump);
}

static void test_types(void **state)
{
	(void)state;
	expect_rows(BOOK(SHEET("Contacts",
		"<Row>" S("Phone") S("Opt out") S("Born") S("Score") "</Row>\n"
		"<Row>" N("4915123456781") "<Cell><Data ss:Type=\"Boolean\">1</Data></Cell>"
		"<Cell ss:StyleID=\"s21\"><Data ss:Type=\"DateTime\">1980-05-17T00:00:00.000</Data></Cell>"
		N("0.25") "</Row>\n"
		"<Row>" N(" 18 ") "<Cell><Data ss:Type=\"Boolean\">0</Data></Cell>"
		"<Cell><Data ss:Type=\"DateTime\">2024-03-01T13:45:07.250</Data></Cell>"
		"<Cell><Data ss:Type=\"DateTime\">1899-12-31T08:30:00.000</Data></Cell>"
		"<Cell ss:Formula=\"=1/0\"><Data ss:Type=\"Error\">#DIV/0!</Data></Cell>"
		S("x") "</Row>\n")), NULL, "Contacts",
		"1:[Phone][Opt out][Born][Score]\n"
		"2:[4915123456781][TRUE][1980-05-17][0.25]\n"
		"3:[18][FALSE][2024-03-01T13:45:07][08:30:00][][x]\n");
}

/* ss:Index on rows and cells, MergeAcross, comments and rich text. */
static void test_positions(void **state)
{
	(void)state;
	expect_rows(BOOK(SHEET("S",
		"<Column ss:Width=\"80\"/>"
		"<Row>" S("A") "<Cell ss:Index=\"3\"><Data ss:Type=\"String\">C</Data></Cell>"
		"</Row>\n"
		"<Row ss:Index=\"4\"><Cell ss:MergeAcross=\"2\"><Data ss:Type=\"String\">wide</Data>"
		"</Cell>" S("D") "</Row>\n"
		"<Row><Cell><ss:Data ss:Type=\"String\" xmlns=\"http://www.w3.org/TR/REC-html40\">"
		"<B>Dr.</B> <Font html:Color=\"#FF0000\">Weber</Font></ss:Data>"
		"<Comment ss:Author=\"me\"><ss:Data>not this</ss:Data></Comment></Cell>"
		"<Cell ss:Index=\"2\"/><Cell><Data ss:Type=\"String\">two&#10;lines &amp; more</Data></Cell>"
		"</Row>\n"
		"<Row ss:Index=\"9\"><Cell ss:Index=\"2\"><Data ss:Type=\"String\"></Data></Cell></Row>\n"
		"<Row>" S("last") "</Row>\n")), NULL, "S",
		"1:[A][][C]\n"
		"4:[wide][][][D]\n"
		"5:[Dr. Weber][][two\nlines & more]\n"
		"10:[last]\n");
}

static void test_sheet_choice(void **state)
{
	const char *book = BOOK(SHEET("Kontakte", "<Row>" S("first") "</Row>")
				SHEET("Archiv", "<Row>" S("second") "</Row>")
				SHEET("archiv", "<Row>" S("third") "</Row>"));

	(void)state;
	expect_rows(book, NULL, "Kontakte", "1:[first]\n");
	expect_rows(book, "archiv", "archiv", "1:[third]\n");
	expect_rows(book, "ARCHIV", "Archiv", "1:[second]\n");
	expect_rows(book, "2", "Archiv", "1:[second]\n");
	expect_failure(book, "Nope", ERR_NOT_FOUND,
		       "'t.xls': no sheet 'Nope' (sheets: 'Kontakte', 'Archiv', 'archiv')");
}

static void test_malformed(void **state)
{
	(void)state;
	expect_failure(HEAD "<Worksheet ss:Name=\"S\"><Table>\n<Row>" S("a") "</Row>\n"
		       "<Row><Cell><Data>b</Cell></Row>\n</Table></Worksheet></Workbook>\n",
		       NULL, ERR_FORMAT, "'t.xls' line 10 column 20: mismatched tag");
	expect_failure(BOOK(SHEET("S", "<Row>" S("a") "</Row>\n<Row>" N("12abc") "</Row>\n")),
		       NULL, ERR_FORMAT, "'t.xls' sheet 'S' line 10: bad Number '12abc'");
	expect_failure(BOOK(SHEET("S", "<Row ss:Index=\"3\">" S("a") "</Row>\n"
				       "<Row ss:Index=\"2\">" S("b") "</Row>\n")),
		       NULL, ERR_FORMAT,
		       "'t.xls' sheet 'S' line 10: bad ss:Index '2' (row 3 was already read)");
	expect_failure(BOOK(SHEET("S", "<Row>" S("a") S("b")
				       "<Cell ss:Index=\"1\"><Data ss:Type=\"String\">c</Data></Cell>"
				       "</Row>\n")),
		       NULL, ERR_FORMAT,
		       "'t.xls' sheet 'S' line 9: bad ss:Index '1' (column 2 was already read)");
	expect_failure("<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY a \"aaaa\">]>\n"
		       "<?mso-application progid=\"Excel.Sheet\"?><Workbook/>",
		       NULL, ERR_FORMAT, "'t.xls' line 2: a DTD is not allowed");
}

static void test_windows_1252(void **state)
{
	(void)state;
	expect_rows("<?xml version=\"1.0\" encoding=\"windows-1252\"?>\n"
		    "<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\" "
		    "xmlns:ss=\"urn:schemas-microsoft-com:office:spreadsheet\">"
		    SHEET("Liste", "<Row>" S("M\xfcller \x96 \x80") "</Row>") "</Workbook>",
		    NULL, "Liste", "1:[Müller – €]\n");
}

static void test_probe(void **state)
{
	static const struct { const char *head, *reader; } cases[] = {
		{ "\xef\xbb\xbf<?xml version=\"1.0\"?><?mso-application progid=\"Excel.Sheet\"?>",
		  "SpreadsheetML" },
		{ "<ss:Workbook xmlns:ss=\"urn:schemas-microsoft-com:office:spreadsheet\">",
		  "SpreadsheetML" },
		{ "<?xml version=\"1.0\"?><root/>", "CSV" },
		{ "Name,progid=\"Excel.Sheet\"\n", "CSV" },
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
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_positions),
		cmocka_unit_test(test_sheet_choice),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_windows_1252),
		cmocka_unit_test(test_probe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
