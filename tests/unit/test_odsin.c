/*
 * Unit tests for odsin. Most inputs are small .ods files written here:
 * content.xml (and mimetype, manifest) zipped with minizip into a
 * temporary file; the files in tests/fixtures/ods/ were made by
 * LibreOffice (see the README there). Rows are compared as a dump, one
 * line per row: "rowno:[cell][cell]", so a wrong row number, a lost or
 * extra row, a shifted cell or a changed byte shows in the diff.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <minizip/zip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "read/odsin.h"
#include "read/odsstyle.h"
#include "row.h"

#define MIME "application/vnd.oasis.opendocument.spreadsheet"

#define NS                                                                   \
	"xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" " \
	"xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\" "   \
	"xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" "     \
	"xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" "   \
	"xmlns:draw=\"urn:oasis:names:tc:opendocument:xmlns:drawing:1.0\" "  \
	"xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "                     \
	"xmlns:calcext=\"urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0\""

/* content.xml with the given automatic styles and tables. */
#define DOC(styles, tables)                                                  \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                       \
	"<office:document-content " NS " office:version=\"1.3\">\n"           \
	"<office:automatic-styles>" styles "</office:automatic-styles>\n"    \
	"<office:body><office:spreadsheet>\n" tables                         \
	"</office:spreadsheet></office:body></office:document-content>\n"

#define TABLE(name, rows) \
	"<table:table table:name=\"" name "\">" rows "</table:table>\n"
#define ROW(cells) "<table:table-row>" cells "</table:table-row>\n"
#define STR(s)                                                             \
	"<table:table-cell office:value-type=\"string\"><text:p>" s            \
	"</text:p></table:table-cell>"
#define FLOAT(v)                                                           \
	"<table:table-cell office:value-type=\"float\" office:value=\"" v      \
	"\"><text:p>shown</text:p></table:table-cell>"
#define EMPTY "<table:table-cell/>"

/* The style LibreOffice gives a hidden sheet. */
#define HIDDEN_STYLE                                                       \
	"<style:style style:name=\"ta2\" style:family=\"table\">"            \
	"<style:table-properties table:display=\"false\"/></style:style>"    \
	"<style:style style:name=\"ta1\" style:family=\"table\">"            \
	"<style:table-properties table:display=\"true\"/></style:style>"

struct part {
	const char *name;
	const char *data;
	size_t len;	/* 0 = strlen(data) */
};

struct result {
	enum err open;	/* what odsin_open returned */
	enum err end;	/* what the last odsin_next returned */
	struct errinfo info;
	char sheet[64];
	unsigned long rows;
};

static char *tmp_path(void)
{
	char path[] = "/tmp/test_odsin_XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(close(fd), 0);
	return strdup(path);
}

/* Writes a zip of the parts (mimetype stored, the rest deflated). */
static char *write_zip(const struct part *parts, size_t n)
{
	char *path = tmp_path();
	zipFile zf = zipOpen64(path, APPEND_STATUS_CREATE);
	size_t i, len;
	int method;

	assert_non_null(zf);
	for (i = 0; i < n; i++) {
		len = parts[i].len ? parts[i].len : strlen(parts[i].data);
		method = strcmp(parts[i].name, "mimetype") == 0 ? 0 : Z_DEFLATED;
		assert_int_equal(zipOpenNewFileInZip(zf, parts[i].name, NULL,
						     NULL, 0, NULL, 0, NULL,
						     method, 6), ZIP_OK);
		assert_int_equal(zipWriteInFileInZip(zf, parts[i].data,
						     (unsigned)len), ZIP_OK);
		assert_int_equal(zipCloseFileInZip(zf), ZIP_OK);
	}
	assert_int_equal(zipClose(zf, NULL), ZIP_OK);
	return path;
}

static char *write_ods(const char *content)
{
	struct part parts[] = {
		{ "mimetype", MIME, 0 },
		{ "content.xml", content, 0 },
	};

	return write_zip(parts, 2);
}

/* Reads every row of path, as 't.ods' in messages, into a dump (new). */
static char *dump_file(const char *path, const struct sheet_opts *opts,
		       struct result *res)
{
	char *out = NULL;
	size_t outlen = 0, i;
	FILE *mem = open_memstream(&out, &outlen);
	struct odsin *r;
	struct row row;

	assert_non_null(mem);
	memset(res, 0, sizeof(*res));
	res->open = odsin_open(&r, path, "t.ods", opts, &res->info);
	if (res->open) {
		assert_null(r);
		res->end = res->open;
	} else {
		snprintf(res->sheet, sizeof(res->sheet), "%s", odsin_sheet(r));
		while ((res->end = odsin_next(r, &row, &res->info)) == ERR_OK) {
			res->rows++;
			fprintf(mem, "%lu:", row.rowno);
			assert_int_equal(row.line, row.rowno);
			assert_int_equal(row.bad_cell, 0);
			for (i = 0; i < row.ncells; i++) {
				assert_int_equal(row.cells[i][row.lens[i]], '\0');
				assert_int_equal(strlen(row.cells[i]), row.lens[i]);
				fputc('[', mem);
				fwrite(row.cells[i], 1, row.lens[i], mem);
				fputc(']', mem);
			}
			fputc('\n', mem);
		}
		odsin_close(r);
	}
	assert_int_equal(fclose(mem), 0);
	return out;
}

static char *read_ods(const char *content, const struct sheet_opts *opts,
		      struct result *res)
{
	char *path = write_ods(content), *out;

	out = dump_file(path, opts, res);
	unlink(path);
	free(path);
	return out;
}

/* Reads content and checks the dump and a clean end. */
static void expect(const char *content, const struct sheet_opts *opts,
		   const char *want)
{
	struct result res;
	char *got = read_ods(content, opts, &res);

	if (res.end != ERR_NOT_FOUND)
		fail_msg("ended with %s: %s", err_name(res.end), res.info.msg);
	assert_string_equal(got, want);
	free(got);
}

/* Reads content and checks the error it ends with. */
static void expect_error(const char *content, const struct sheet_opts *opts,
			 enum err code, const char *msg)
{
	struct result res;
	char *got = read_ods(content, opts, &res);

	assert_string_equal(err_name(res.end), err_name(code));
	assert_string_equal(res.info.msg, msg);
	free(got);
}

static const struct sheet_opts *sheet(const char *name)
{
	static struct sheet_opts o;

	memset(&o, 0, sizeof(o));
	o.sheet = name;
	return &o;
}

/* ---- cell text -------------------------------------------------------- */

static void test_strings(void **state)
{
	(void)state;
	expect(DOC("", TABLE("S",
		ROW(STR("plain")
		    "<table:table-cell office:value-type=\"string\">"
		    "<text:p>line1</text:p><text:p>line2</text:p><text:p/>"
		    "<text:p>line4</text:p></table:table-cell>"
		    STR("<text:s text:c=\"2\"/>two <text:s/>spaces <text:s/>")
		    STR("a<text:s text:c=\"3\"/>b<text:s/>c"))
		ROW(STR("x<text:span text:style-name=\"T1\">bold</text:span>y")
		    STR("<text:a xlink:href=\"http://e.org\" "
			"xmlns:xlink=\"http://www.w3.org/1999/xlink\">link</text:a>!")
		    STR("tab<text:tab/>x<text:line-break/>y")
		    STR("  kept   as   written  "))
		ROW("<table:table-cell office:value-type=\"string\" "
		    "office:string-value=\"attribute\"><text:p>paragraph</text:p>"
		    "</table:table-cell>"
		    "<table:table-cell office:value-type=\"string\">"
		    "<office:annotation><dc:creator>me</dc:creator>"
		    "<text:p>a note</text:p></office:annotation>"
		    "<text:p>body</text:p></table:table-cell>"
		    "<table:table-cell><text:p>no type</text:p></table:table-cell>"
		    STR("Hello, &quot;world&quot; &amp; &lt;&gt; \xc3\xa9\xe2\x82\xac"))
		ROW("<table:table-cell office:value-type=\"string\">"
		    "<text:p>a<draw:frame><draw:text-box><text:p>shape</text:p>"
		    "</draw:text-box></draw:frame>b</text:p></table:table-cell>"
		    "<table:table-cell office:value-type=\"string\">"
		    "<text:list><text:list-item><text:p>i1</text:p></text:list-item>"
		    "<text:list-item><text:p>i2</text:p></text:list-item></text:list>"
		    "</table:table-cell>"
		    "<table:table-cell office:value-type=\"string\">\n  "
		    "<text:p>pretty</text:p>\n</table:table-cell>"))),
	       NULL,
	       "1:[plain][line1\nline2\n\nline4][  two  spaces  ][a   b c]\n"
	       "2:[xboldy][link!][tab\tx\ny][  kept   as   written  ]\n"
	       "3:[attribute][body][no type][Hello, \"world\" & <> \xc3\xa9\xe2\x82\xac]\n"
	       "4:[ab][i1\ni2][pretty]\n");
}

static void test_numbers(void **state)
{
	(void)state;
	expect(DOC("", TABLE("S",
		ROW(FLOAT("18") FLOAT("0.1") FLOAT("447911123456") FLOAT("-3"))
		ROW(FLOAT("1E+020") FLOAT("0.00000015") FLOAT("2.5")
		    FLOAT("1.23456789012346E+017"))
		ROW("<table:table-cell office:value-type=\"percentage\" "
		    "office:value=\"0.25\"><text:p>25%</text:p></table:table-cell>"
		    "<table:table-cell office:value-type=\"currency\" "
		    "office:currency=\"EUR\" office:value=\"5.5\">"
		    "<text:p>5,50 \xe2\x82\xac</text:p></table:table-cell>"
		    FLOAT("0") FLOAT("18.000")))),
	       NULL,
	       "1:[18][0.1][447911123456][-3]\n"
	       "2:[1E+20][1.5E-07][2.5][1.23456789012346E+17]\n"
	       "3:[0.25][5.5][0][18]\n");
}

#define NS_NUMBER \
	"xmlns:number=\"urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0\""
#define PLUS_STYLE                                                         \
	"<number:number-style " NS_NUMBER " style:name=\"N1\">"              \
	"<number:text>+</number:text><number:number number:decimal-places=" \
	"\"0\" number:min-integer-digits=\"1\"/></number:number-style>"      \
	"<style:style style:name=\"ce1\" style:family=\"table-cell\" "       \
	"style:data-style-name=\"N1\"/>"
#define STYLED(style, v)                                                   \
	"<table:table-cell table:style-name=\"" style "\" "                 \
	"office:value-type=\"float\" office:value=\"" v "\"/>"

/* Reads content with a styles.xml beside it. */
static char *read_styled(const char *styles, const char *content,
			 const struct sheet_opts *opts, struct result *res)
{
	struct part parts[] = {
		{ "mimetype", MIME, 0 },
		{ "styles.xml", styles, 0 },
		{ "content.xml", content, 0 },
	};
	char *path = write_zip(parts, 3), *out;

	out = dump_file(path, opts, res);
	unlink(path);
	free(path);
	return out;
}

static void test_data_styles(void **state)
{
	static const char styles[] =
		"<office:document-styles " NS " " NS_NUMBER "><office:styles>"
		"<number:number-style style:name=\"Pad\"><number:number "
		"number:decimal-places=\"0\" number:min-integer-digits=\"10\"/>"
		"</number:number-style>"
		"<style:style style:name=\"Default\" style:family=\"table-cell\"/>"
		"<style:style style:name=\"Phone\" style:family=\"table-cell\" "
		"style:data-style-name=\"Pad\"/>"
		"</office:styles></office:document-styles>";
	static const char content[] = DOC(PLUS_STYLE,
		TABLE("Other", ROW(STR("x")))
		"<table:table table:name=\"S\">"
		"<table:table-column table:number-columns-repeated=\"2\"/>"
		"<table:table-column table:default-cell-style-name=\"Phone\"/>"
		ROW(STYLED("ce1", "4915123456781") STYLED("Phone", "612345677")
		    FLOAT("612345677") FLOAT("612345677"))
		"<table:table-row table:default-cell-style-name=\"ce1\">"
		STYLED("Default", "7") FLOAT("0.5") FLOAT("42")
		"<table:table-cell table:style-name=\"ce1\" office:value-type="
		"\"float\" office:value=\"1\" table:formula=\"of:=TRUE()\"/>"
		"</table:table-row></table:table>");
	struct result res;
	char *got;

	(void)state;
	/* "s": chosen on a second pass over content.xml */
	got = read_styled(styles, content, sheet("s"), &res);
	if (res.end != ERR_NOT_FOUND)
		fail_msg("ended with %s: %s", err_name(res.end), res.info.msg);
	assert_string_equal(got,
		"1:[+4915123456781][0612345677][0612345677][612345677]\n"
		"2:[7][0.5][0000000042][TRUE]\n");
	free(got);
}

/* Millions of styles are refused, naming the file and the part. */
static void test_style_limit(void **state)
{
	struct buf b;
	struct result res;
	char *got, want[200];
	size_t i;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(buf_adds(&b, "<office:document-content " NS
				  "><office:automatic-styles>"), ERR_OK);
	for (i = 0; i <= ODSSTYLE_MAX_STYLES; i++)
		assert_int_equal(buf_printf(&b, "<style:style style:name=\"c%zu\" "
					    "style:family=\"table-cell\"/>", i),
				 ERR_OK);
	assert_int_equal(buf_adds(&b, "</office:automatic-styles><office:body>"
				  "<office:spreadsheet>" TABLE("S", ROW(STR("x")))
				  "</office:spreadsheet></office:body>"
				  "</office:document-content>"), ERR_OK);
	got = read_ods(b.data, NULL, &res);
	assert_string_equal(err_name(res.open), "ERR_LIMIT");
	snprintf(want, sizeof(want),
		 "'t.ods': content.xml: more than %d styles or %zu bytes of styles",
		 ODSSTYLE_MAX_STYLES, (size_t)ODSSTYLE_MAX_BYTES);
	assert_string_equal(res.info.msg, want);
	free(got);
	buf_free(&b);
}

static void test_dates_times_booleans(void **state)
{
	(void)state;
	expect(DOC("", TABLE("S",
		ROW("<table:table-cell office:value-type=\"date\" "
		    "office:date-value=\"2024-03-01\"/>"
		    "<table:table-cell office:value-type=\"date\" "
		    "office:date-value=\"2024-03-01T13:45:00\"/>"
		    "<table:table-cell office:value-type=\"date\" "
		    "office:date-value=\"2024-03-01T00:00:00\"/>"
		    "<table:table-cell office:value-type=\"date\" "
		    "office:date-value=\"2024-03-01T13:45:30.5\"/>"
		    "<table:table-cell office:value-type=\"date\" "
		    "office:date-value=\"2024-03-01T23:59:59.999\"/>")
		ROW("<table:table-cell office:value-type=\"time\" "
		    "office:time-value=\"PT13H45M00S\"/>"
		    "<table:table-cell office:value-type=\"time\" "
		    "office:time-value=\"PT36H00M00S\"/>"
		    "<table:table-cell office:value-type=\"time\" "
		    "office:time-value=\"PT00H00M05.75S\"/>"
		    "<table:table-cell office:value-type=\"time\" "
		    "office:time-value=\"-PT1H\"/>"
		    "<table:table-cell office:value-type=\"time\" "
		    "office:time-value=\"P1DT2H\"/>")
		ROW("<table:table-cell office:value-type=\"boolean\" "
		    "office:boolean-value=\"true\"><text:p>TRUE</text:p>"
		    "</table:table-cell>"
		    "<table:table-cell office:value-type=\"boolean\" "
		    "office:boolean-value=\"false\"/>"
		    "<table:table-cell table:formula=\"of:=1/0\" "
		    "office:value-type=\"string\" office:string-value=\"\" "
		    "calcext:value-type=\"error\"><text:p>#DIV/0!</text:p>"
		    "</table:table-cell>"
		    "<table:table-cell calcext:value-type=\"error\">"
		    "<text:p>Err:502</text:p></table:table-cell>"
		    STR("after")))),
	       NULL,
	       "1:[2024-03-01][2024-03-01T13:45:00][2024-03-01]"
	       "[2024-03-01T13:45:30][2024-03-01T23:59:59]\n"
	       "2:[13:45:00][36:00:00][00:00:05][-01:00:00][26:00:00]\n"
	       "3:[TRUE][FALSE][][][after]\n");
}

static void test_value_missing_is_text(void **state)
{
	(void)state;
	expect(DOC("", TABLE("S",
		ROW("<table:table-cell office:value-type=\"float\">"
		    "<text:p>12</text:p></table:table-cell>"
		    "<table:table-cell office:value-type=\"date\">"
		    "<text:p>1 March</text:p></table:table-cell>"
		    "<table:table-cell office:value-type=\"future\">"
		    "<text:p>new</text:p></table:table-cell>"
		    "<table:table-cell office:value-type=\"void\">"
		    "<text:p>gone</text:p></table:table-cell>" STR("z")))),
	       NULL, "1:[12][1 March][new][][z]\n");
}

static void test_bad_values(void **state)
{
	(void)state;
	expect_error(DOC("", TABLE("Contacts", ROW(STR("h")) ROW(STR("a")
		FLOAT("12x")))), NULL, ERR_FORMAT,
		"'t.ods' sheet 'Contacts' cell B2: bad office:value '12x'");
	expect_error(DOC("", TABLE("S", ROW(FLOAT("nan")))), NULL, ERR_FORMAT,
		     "'t.ods' sheet 'S' cell A1: bad office:value 'nan'");
	expect_error(DOC("", TABLE("S", ROW(FLOAT("1e400")))), NULL, ERR_FORMAT,
		     "'t.ods' sheet 'S' cell A1: bad office:value '1e400'");
	expect_error(DOC("", TABLE("S", ROW(EMPTY EMPTY
		"<table:table-cell office:value-type=\"date\" "
		"office:date-value=\"03/01/2024\"/>"))), NULL, ERR_FORMAT,
		"'t.ods' sheet 'S' cell C1: bad office:date-value '03/01/2024'");
	expect_error(DOC("", TABLE("S", ROW(
		"<table:table-cell office:value-type=\"time\" "
		"office:time-value=\"13:45\"/>"))), NULL, ERR_FORMAT,
		"'t.ods' sheet 'S' cell A1: bad office:time-value '13:45'");
	expect_error(DOC("", TABLE("S", ROW(
		"<table:table-cell office:value-type=\"boolean\" "
		"office:boolean-value=\"yes\"/>"))), NULL, ERR_FORMAT,
		"'t.ods' sheet 'S' cell A1: bad office:boolean-value 'yes'");
}

/* ---- rows and repeats --------------------------------------------------- */

/* How LibreOffice ends every sheet: rows repeated to row 1048576, each
 * with one cell repeated over the 16384 columns. max_cells is far below
 * 16384, so a reader that stored those cells would fail. */
static void test_repeated_empty_rows_and_columns(void **state)
{
	struct sheet_opts o = { .max_cells = 10 };

	(void)state;
	expect(DOC("", TABLE("S",
		"<table:table-column table:number-columns-repeated=\"16384\"/>"
		ROW(STR("a") STR("b")
		    "<table:table-cell table:number-columns-repeated=\"16382\"/>")
		"<table:table-row table:number-rows-repeated=\"1048000\">"
		"<table:table-cell table:number-columns-repeated=\"16384\"/>"
		"</table:table-row>"
		ROW(STR("c") "<table:table-cell table:number-columns-repeated=\"16383\"/>")
		"<table:table-row table:number-rows-repeated=\"4294967295\">"
		"<table:table-cell table:number-columns-repeated=\"4294967295\"/>"
		"</table:table-row>"
		ROW("<table:table-cell table:number-columns-repeated=\"16384\"/>"))),
	       &o, "1:[a][b]\n1048002:[c]\n");
}

static void test_blank_rows_skipped(void **state)
{
	(void)state;
	expect(DOC("", TABLE("S",
		ROW(STR("h1") STR("h2"))
		ROW(EMPTY EMPTY)
		ROW(STR(""))
		"<table:table-row/>"
		ROW(STR("<text:s/>"))
		ROW("<table:covered-table-cell/>")
		ROW(EMPTY "<table:table-cell office:value-type=\"string\" "
		    "office:string-value=\"\"/>")
		ROW(EMPTY EMPTY STR("c3")))),
	       NULL, "1:[h1][h2]\n5:[ ]\n8:[][][c3]\n");
}

static void test_repeated_nonempty(void **state)
{
	(void)state;
	expect(DOC("", TABLE("S",
		ROW("<table:table-cell table:number-columns-repeated=\"3\" "
		    "office:value-type=\"string\"><text:p>x</text:p></table:table-cell>"
		    "<table:table-cell table:number-columns-repeated=\"2\"/>"
		    FLOAT("7"))
		"<table:table-row table:number-rows-repeated=\"3\">"
		STR("same") "<table:table-cell table:number-columns-repeated=\"2\" "
		"office:value-type=\"float\" office:value=\"1\"/>"
		"</table:table-row>"
		ROW(STR("last")))),
	       NULL,
	       "1:[x][x][x][][][7]\n"
	       "2:[same][1][1]\n3:[same][1][1]\n4:[same][1][1]\n"
	       "5:[last]\n");
}

static void test_repeat_limits(void **state)
{
	struct sheet_opts o = { .max_cells = 5 };

	(void)state;
	expect_error(DOC("", TABLE("S", ROW(STR("ok"))
		ROW(STR("a") "<table:table-cell table:number-columns-repeated=\"5\" "
		    "office:value-type=\"string\"><text:p>x</text:p>"
		    "</table:table-cell>"))),
		&o, ERR_LIMIT,
		"'t.ods' sheet 'S' cell F2: more than 5 cells in the row");
	/* An empty run puts the next non-empty cell past the limit. */
	expect_error(DOC("", TABLE("S",
		ROW("<table:table-cell table:number-columns-repeated=\"20000\"/>"
		    STR("far")))),
		NULL, ERR_LIMIT,
		"'t.ods' sheet 'S' cell ACOG1: more than 20000 cells in the row");
	expect_error(DOC("", TABLE("S",
		"<table:table-row table:number-rows-repeated=\"4294967295\">"
		STR("again") "</table:table-row>")),
		NULL, ERR_LIMIT, "'t.ods' sheet 'S' row 1: more than 16777216 rows");
}

static void test_max_row_bytes(void **state)
{
	struct sheet_opts o = { .max_row_bytes = 10 };

	(void)state;
	expect(DOC("", TABLE("S", ROW(STR("0123456789")))), &o,
	       "1:[0123456789]\n");
	expect_error(DOC("", TABLE("S", ROW(STR("a")) ROW(STR("01234") STR("56789x")))),
		     &o, ERR_LIMIT,
		     "'t.ods' sheet 'S' cell B2: row is larger than 10 bytes");
	expect_error(DOC("", TABLE("S", ROW(STR("a<text:s text:c=\"2000000000\"/>")))),
		     &o, ERR_LIMIT,
		     "'t.ods' sheet 'S' cell A1: row is larger than 10 bytes");
}

static void test_covered_cells(void **state)
{
	(void)state;
	expect(DOC("", TABLE("S",
		ROW("<table:table-cell office:value-type=\"string\" "
		    "table:number-columns-spanned=\"3\" table:number-rows-spanned=\"2\">"
		    "<text:p>merged</text:p></table:table-cell>"
		    "<table:covered-table-cell table:number-columns-repeated=\"2\"/>"
		    STR("x"))
		ROW("<table:covered-table-cell office:value-type=\"string\">"
		    "<text:p>hidden by the merge</text:p></table:covered-table-cell>"
		    "<table:covered-table-cell table:number-columns-repeated=\"2\"/>"
		    STR("y")))),
	       NULL, "1:[merged][][][x]\n2:[][][][y]\n");
}

static void test_row_wrappers(void **state)
{
	(void)state;
	expect(DOC("", TABLE("S",
		"<table:table-column table:number-columns-repeated=\"3\"/>"
		"<table:table-header-rows>" ROW(STR("head")) "</table:table-header-rows>"
		"<table:table-row-group>" ROW(STR("g1"))
		"<table:table-row-group>" ROW(STR("g2")) "</table:table-row-group>"
		"</table:table-row-group>"
		"<table:shapes><draw:frame><draw:text-box>"
		"<table:table-row><table:table-cell office:value-type=\"string\">"
		"<text:p>not a row</text:p></table:table-cell></table:table-row>"
		"</draw:text-box></draw:frame></table:shapes>"
		ROW(STR("last")))),
	       NULL, "1:[head]\n2:[g1]\n3:[g2]\n4:[last]\n");
}

/* ---- sheets ------------------------------------------------------------- */

#define THREE_SHEETS                                                       \
	DOC(HIDDEN_STYLE,                                                    \
	    "<table:table table:name=\"Secret\" table:style-name=\"ta2\">"   \
	    ROW(STR("secret")) "</table:table>"                              \
	    "<table:table table:name=\"Contacts\" table:style-name=\"ta1\">" \
	    ROW(STR("contacts")) "</table:table>"                            \
	    "<table:table table:name=\"Other\">" ROW(STR("other"))           \
	    "</table:table>")

static void test_hidden_sheet_skipped(void **state)
{
	struct result res;
	char *got;

	(void)state;
	got = read_ods(THREE_SHEETS, NULL, &res);
	assert_int_equal(res.end, ERR_NOT_FOUND);
	assert_string_equal(res.sheet, "Contacts");
	assert_string_equal(got, "1:[contacts]\n");
	free(got);
	/* Every sheet hidden: the first. */
	got = read_ods(DOC(HIDDEN_STYLE,
			   "<table:table table:name=\"H1\" table:style-name=\"ta2\">"
			   ROW(STR("h1")) "</table:table>"
			   "<table:table table:name=\"H2\" table:style-name=\"ta2\">"
			   ROW(STR("h2")) "</table:table>"), NULL, &res);
	assert_string_equal(res.sheet, "H1");
	assert_string_equal(got, "1:[h1]\n");
	free(got);
}

static void test_select_sheet(void **state)
{
	struct result res;
	char *got;

	(void)state;
	expect(THREE_SHEETS, sheet("Other"), "1:[other]\n");
	expect(THREE_SHEETS, sheet("Secret"), "1:[secret]\n");	/* hidden */
	expect(THREE_SHEETS, sheet("contacts"), "1:[contacts]\n");
	expect(THREE_SHEETS, sheet("OTHER"), "1:[other]\n");
	expect(THREE_SHEETS, sheet("1"), "1:[secret]\n");
	expect(THREE_SHEETS, sheet("3"), "1:[other]\n");
	got = read_ods(THREE_SHEETS, sheet("2"), &res);
	assert_string_equal(res.sheet, "Contacts");
	assert_string_equal(got, "1:[contacts]\n");
	free(got);
	/* An exact name wins over a case-insensitive one and a number, even
	 * when it comes later. */
	expect(DOC("", TABLE("abc", ROW(STR("lower"))) TABLE("ABC", ROW(STR("upper")))),
	       sheet("ABC"), "1:[upper]\n");
	expect(DOC("", TABLE("Abc", ROW(STR("first"))) TABLE("aBC", ROW(STR("second")))
		   TABLE("x", ROW(STR("x")))),
	       sheet("abc"), "1:[first]\n");
	expect(DOC("", TABLE("A", ROW(STR("a"))) TABLE("B", ROW(STR("b")))
		   TABLE("1", ROW(STR("named 1")))),
	       sheet("1"), "1:[named 1]\n");
}

static void test_missing_sheet(void **state)
{
	(void)state;
	expect_error(DOC("", TABLE("A", ROW(STR("a"))) TABLE("B", ROW(STR("b")))),
		     sheet("X"), ERR_NOT_FOUND,
		     "'t.ods': no sheet 'X' (sheets: 'A', 'B')");
	expect_error(DOC("", TABLE("A", ROW(STR("a")))), sheet("2"), ERR_NOT_FOUND,
		     "'t.ods': no sheet '2' (sheets: 'A')");
	expect_error(DOC("", ""), NULL, ERR_NOT_FOUND, "'t.ods': no sheets");
}

static void test_many_sheet_names(void **state)
{
	struct result res;
	char *got;

#define T10 TABLE("a-rather-long-sheet-name", "") TABLE("a-rather-long-sheet-name", "") \
	TABLE("a-rather-long-sheet-name", "") TABLE("a-rather-long-sheet-name", "") \
	TABLE("a-rather-long-sheet-name", "")
	(void)state;
	got = read_ods(DOC("", T10 T10 T10 T10), sheet("nope"), &res);
	assert_int_equal(res.end, ERR_NOT_FOUND);
	assert_true(strlen(res.info.msg) < 450);
	/* 26 bytes quoted, 28 with ", ": 26 + 9 * 28 = 278 of quote.h's 280 */
	assert_non_null(strstr(res.info.msg, "'a-rather-long-sheet-name' ... and 10 more)"));
	free(got);
#undef T10
}

/* ---- broken files -------------------------------------------------------- */

static void test_malformed_xml(void **state)
{
	(void)state;
	expect_error(DOC("", TABLE("S", ROW(STR("a")) "\n<table:table-row><oops>"
					"</table:table-row>")),
		     NULL, ERR_FORMAT,
		     "'t.ods': content.xml line 7 column 25: mismatched tag");
	/* Cut inside the table. (The rest of the document after the table
	 * that is read is never parsed, so a cut there goes unnoticed.) */
	expect_error("<?xml version=\"1.0\"?>\n<office:document-content " NS ">"
		     "<office:body><office:spreadsheet>"
		     "<table:table table:name=\"S\">" ROW(STR("a")),
		     NULL, ERR_FORMAT,
		     "'t.ods': content.xml line 3 column 0: no element found");
	expect_error("<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY a \"aaaa\">]>"
		     "<office:document-content " NS "/>",
		     NULL, ERR_FORMAT, "'t.ods': content.xml line 2: a DTD is not allowed");
	expect_error("<?xml version=\"1.0\"?>\n<office:document-content " NS ">"
		     "<office:body><office:text/></office:body>"
		     "</office:document-content>",
		     NULL, ERR_FORMAT,
		     "'t.ods': not a spreadsheet (content.xml has no office:spreadsheet)");
}

/* content.xml = head + n times unit + tail (new). */
static char *repeat_doc(const char *head, const char *unit, size_t n,
			const char *tail)
{
	size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail), i;
	char *doc = malloc(hl + n * ul + tl + 1), *p;

	assert_non_null(doc);
	memcpy(doc, head, hl);
	for (p = doc + hl, i = 0; i < n; i++, p += ul)
		memcpy(p, unit, ul);
	memcpy(p, tail, tl + 1);
	return doc;
}

/* What would make expat hold a lot of memory: elements nested without
 * end, one tag (or comment) larger than a row may be. */
static void test_xml_limits(void **state)
{
	struct sheet_opts o = { .max_row_bytes = 10 };
	char *doc;

	(void)state;
	doc = repeat_doc("<?xml version=\"1.0\"?>\n<office:document-content " NS
			 "><office:body><office:spreadsheet><table:table "
			 "table:name=\"S\"><table:table-row><table:table-cell>"
			 "<text:p>", "<text:span>", 2000, "");
	expect_error(doc, NULL, ERR_LIMIT,
		     "'t.ods': content.xml line 2: elements nested deeper than 1000");
	free(doc);
	doc = repeat_doc("<?xml version=\"1.0\"?>\n<office:document-content " NS
			 "><office:body><office:spreadsheet><table:table "
			 "table:name=\"S\"><table:table-row><table:table-cell "
			 "office:value-type=\"string\" office:string-value=\"",
			 "0123456789abcdef", 200000, "\"/></table:table-row>"
			 "</table:table></office:spreadsheet></office:body>"
			 "</office:document-content>");
	expect_error(doc, &o, ERR_LIMIT,
		     "'t.ods': content.xml line 2: an XML token is larger than 1048586 bytes");
	free(doc);
	doc = repeat_doc("<?xml version=\"1.0\"?>\n<office:document-content " NS
			 "><!--", "0123456789abcdef", 200000, "-->"
			 "</office:document-content>");
	expect_error(doc, &o, ERR_LIMIT,
		     "'t.ods': content.xml line 2: an XML token is larger than 1048586 bytes");
	free(doc);
}

/* The rows before a syntax error are read; the error is then final. */
static void test_error_is_final(void **state)
{
	char *path = write_ods(DOC("", TABLE("S", ROW(STR("a")) "<bad></table:table-row>")));
	struct errinfo info;
	struct odsin *r;
	struct row row;

	(void)state;
	assert_int_equal(odsin_open(&r, path, NULL, NULL, &info), ERR_OK);
	assert_int_equal(odsin_next(r, &row, &info), ERR_OK);
	assert_string_equal(row.cells[0], "a");
	assert_int_equal(odsin_next(r, &row, &info), ERR_FORMAT);
	assert_int_equal(odsin_next(r, &row, &info), ERR_FORMAT);
	assert_non_null(strstr(info.msg, "cannot read on after an error"));
	odsin_close(r);
	unlink(path);
	free(path);
}

static void test_package_errors(void **state)
{
	const char *ok = DOC("", TABLE("S", ROW(STR("a"))));
	struct part no_content[] = { { "mimetype", MIME, 0 },
				     { "styles.xml", "<x/>", 0 } };
	struct part wrong_mime[] = {
		{ "mimetype", "application/vnd.oasis.opendocument.text", 0 },
		{ "content.xml", ok, 0 },
	};
	struct part no_mime[] = { { "content.xml", ok, 0 } };
	struct part encrypted[] = {
		{ "mimetype", MIME, 0 },
		{ "content.xml", "\x8f\x12garbage", 0 },
		{ "META-INF/manifest.xml",
		  "<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\">"
		  "<manifest:file-entry manifest:full-path=\"content.xml\">"
		  "<manifest:encryption-data manifest:checksum-type=\"SHA1/1K\"/>"
		  "</manifest:file-entry></manifest:manifest>", 0 },
	};
	struct result res;
	char *path, *got;

	(void)state;
	path = write_zip(no_content, 2);
	got = dump_file(path, NULL, &res);
	assert_int_equal(res.open, ERR_FORMAT);
	assert_string_equal(res.info.msg,
			    "'t.ods': not an OpenDocument spreadsheet (no 'content.xml')");
	free(got);
	unlink(path);
	free(path);

	path = write_zip(wrong_mime, 2);
	got = dump_file(path, NULL, &res);
	assert_int_equal(res.open, ERR_FORMAT);
	assert_string_equal(res.info.msg,
			    "'t.ods': not an OpenDocument spreadsheet (mimetype "
			    "'application/vnd.oasis.opendocument.text')");
	free(got);
	unlink(path);
	free(path);

	/* The mimetype is required by ODF but not needed to read the file. */
	path = write_zip(no_mime, 1);
	got = dump_file(path, NULL, &res);
	assert_int_equal(res.end, ERR_NOT_FOUND);
	assert_string_equal(got, "1:[a]\n");
	free(got);
	unlink(path);
	free(path);

	path = write_zip(encrypted, 3);
	got = dump_file(path, NULL, &res);
	assert_int_equal(res.open, ERR_FORMAT);
	assert_string_equal(res.info.msg, "'t.ods' is password-protected");
	free(got);
	unlink(path);
	free(path);
}

static char *slurp(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	char *data;
	long len;

	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	len = ftell(fp);
	assert_true(len > 0);
	rewind(fp);
	data = malloc((size_t)len);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)len, fp), (size_t)len);
	fclose(fp);
	*n = (size_t)len;
	return data;
}

static void spill(const char *path, const char *data, size_t n)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

/*
 * A zip cut anywhere gives an error, never rows made up or a crash. The
 * rows read before the error are a prefix of the real ones; cutting only
 * the last bytes of the end record (its comment length, the high byte of
 * an offset) leaves the archive whole for minizip.
 */
static void test_truncated_zip(void **state)
{
	char *path = write_ods(DOC("", TABLE("S", ROW(STR("a") FLOAT("1"))
		ROW(STR("b") FLOAT("2")) ROW(STR("c") FLOAT("3")))));
	const char *whole = "1:[a][1]\n2:[b][2]\n3:[c][3]\n";
	char *data, *got;
	struct result res;
	size_t n, cut;

	(void)state;
	data = slurp(path, &n);
	for (cut = 0; cut < n; cut++) {
		spill(path, data, cut);
		got = dump_file(path, NULL, &res);
		assert_true(strncmp(got, whole, strlen(got)) == 0);
		if (res.end == ERR_NOT_FOUND && cut >= n - 4)
			assert_string_equal(got, whole);
		else if (res.end != ERR_FORMAT)
			fail_msg("cut at %zu of %zu: %s %s", cut, n,
				 err_name(res.end), res.info.msg);
		free(got);
	}
	spill(path, "PK\3\4 not really", 15);
	got = dump_file(path, NULL, &res);
	assert_int_equal(res.open, ERR_FORMAT);
	free(got);
	free(data);
	unlink(path);
	free(path);
}

/* Damaged deflate data in content.xml, the zip directory intact. */
static void test_corrupt_entry(void **state)
{
	char *path = write_ods(DOC("", TABLE("S", ROW(STR("alpha") FLOAT("1"))
		ROW(STR("beta") FLOAT("2")) ROW(STR("gamma") FLOAT("3")))));
	char *data, *got;
	struct result res;
	size_t n, at;

	(void)state;
	data = slurp(path, &n);
	/* Past the stored mimetype entry and content.xml's local header. */
	at = 30 + 8 + strlen(MIME) + 30 + 11 + 40;
	data[at] ^= 0x55;
	data[at + 1] ^= 0xAA;
	spill(path, data, n);
	got = dump_file(path, NULL, &res);
	assert_string_equal(err_name(res.end), "ERR_FORMAT");
	assert_non_null(strstr(res.info.msg, "'t.ods'"));
	free(got);
	free(data);
	unlink(path);
	free(path);
}

static void test_missing_file(void **state)
{
	struct errinfo info;
	struct odsin *r;

	(void)state;
	assert_int_equal(odsin_open(&r, "/nonexistent/x.ods", NULL, NULL, &info),
			 ERR_IO);
	assert_null(r);
	assert_string_equal(info.msg,
			    "cannot open '/nonexistent/x.ods': No such file or directory");
}

/* ---- files made by LibreOffice -------------------------------------------- */

static char *fixture(const char *name)
{
	const char *top = getenv("CONTACTSYNC_TOP");
	char *path;

	assert_true(asprintf(&path, "%s/tests/fixtures/ods/%s", top ? top : ".",
			     name) > 0);
	return path;
}

static void expect_fixture(const char *name, const char *sheet_name,
			   const char *want_sheet, const char *want)
{
	char *path = fixture(name), *got;
	struct result res;

	got = dump_file(path, sheet(sheet_name), &res);
	if (res.end != ERR_NOT_FOUND)
		fail_msg("%s: %s: %s", name, err_name(res.end), res.info.msg);
	assert_string_equal(res.sheet, want_sheet);
	assert_string_equal(got, want);
	free(got);
	free(path);
}

/*
 * LibreOffice keeps the booleans of an XLSX it opens as the formulas
 * =TRUE() and =FALSE() with a float value (as in the content.xml of
 * tests/fixtures/exports/optout-booleans-libreoffice.ods): TRUE and FALSE,
 * as a boolean cell; any other formula keeps its number.
 */
static void test_boolean_formulas(void **state)
{
	char *path;
	struct result res;
	char *got;

	(void)state;
	expect(DOC("", TABLE("S",
		ROW("<table:table-cell table:formula=\"of:=TRUE()\" "
		    "office:value-type=\"float\" office:value=\"1\" "
		    "calcext:value-type=\"float\"><text:p>TRUE</text:p></table:table-cell>"
		    "<table:table-cell table:formula=\"of:=FALSE()\" "
		    "office:value-type=\"float\" office:value=\"0\"/>"
		    "<table:table-cell table:formula=\"of:=1+0\" "
		    "office:value-type=\"float\" office:value=\"1\"/>"
		    "<table:table-cell table:formula=\"of:=TRUE()\" "
		    "office:value-type=\"float\" office:value=\"2.5\"/>"))),
	       NULL, "1:[TRUE][FALSE][1][2.5]\n");
	assert_true(asprintf(&path, "%s/tests/fixtures/exports/optout-booleans-libreoffice.ods",
			     getenv("CONTACTSYNC_TOP") ? getenv("CONTACTSYNC_TOP") : ".") > 0);
	got = dump_file(path, NULL, &res);
	assert_string_equal(err_name(res.end), err_name(ERR_NOT_FOUND));
	assert_string_equal(got, "1:[Phone][Name][Opted Out][VIP]\n"
			    "2:[+447911123401][Ann][TRUE][TRUE]\n"
			    "3:[+447911123402][Bob][FALSE][FALSE]\n"
			    "4:[+447911123403][Cy][][TRUE]\n"
			    "5:[+447911123404][Di][][FALSE]\n"
			    "6:[+447911123405][Ed]\n"
			    "7:[+447911123406][Fay][yes]\n"
			    "8:[+447911123407][Gus][1][0]\n"
			    "9:[+447911123408][Hal][0][1]\n");
	free(got);
	free(path);
}

static void test_libreoffice_contacts(void **state)
{
	(void)state;
	expect_fixture("contacts.ods", NULL, "Contacts",
		       "1:[Name][Phone][Born][Note][Age]\n"
		       "2:[Alice Smith][447911123456][2024-03-01][Hello, \"world\"][18]\n"
		       "4:[Bob][+44 7911 123457][1999-12-31T13:45:00][two\nlines][0.1]\n"
		       "5:[Carol][447911123458][13:45:00][  spaced  out][TRUE]\n");
	expect_fixture("contacts.ods", "Second", "Second",
		       "1:[Name][Phone]\n2:[Dave][447911123459]\n");
	expect_fixture("contacts.ods", "hidden", "Hidden", "1:[secret]\n");
}

static void test_libreoffice_from_csv(void **state)
{
	(void)state;
	expect_fixture("from_csv.ods", NULL, "from_csv",
		       "1:[Name][Phone][Born][Note]\n"
		       "2:[Alice][447911123456][2024-03-01][Hello, \"world\"]\n"
		       "4:[Bob][447911123457][1999-12-31][plain]\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_dates_times_booleans),
		cmocka_unit_test(test_boolean_formulas),
		cmocka_unit_test(test_data_styles),
		cmocka_unit_test(test_style_limit),
		cmocka_unit_test(test_value_missing_is_text),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_repeated_empty_rows_and_columns),
		cmocka_unit_test(test_blank_rows_skipped),
		cmocka_unit_test(test_repeated_nonempty),
		cmocka_unit_test(test_repeat_limits),
		cmocka_unit_test(test_max_row_bytes),
		cmocka_unit_test(test_covered_cells),
		cmocka_unit_test(test_row_wrappers),
		cmocka_unit_test(test_hidden_sheet_skipped),
		cmocka_unit_test(test_select_sheet),
		cmocka_unit_test(test_missing_sheet),
		cmocka_unit_test(test_many_sheet_names),
		cmocka_unit_test(test_malformed_xml),
		cmocka_unit_test(test_xml_limits),
		cmocka_unit_test(test_error_is_final),
		cmocka_unit_test(test_package_errors),
		cmocka_unit_test(test_truncated_zip),
		cmocka_unit_test(test_corrupt_entry),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_libreoffice_contacts),
		cmocka_unit_test(test_libreoffice_from_csv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
