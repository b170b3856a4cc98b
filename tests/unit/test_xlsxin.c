/*
 * Unit tests for xlsxin. Each workbook is built here from its XML parts
 * and zipped with minizip, so a test shows exactly the bytes it reads;
 * files from real writers come from libxlsxwriter (written by the test)
 * and from openpyxl and LibreOffice (tests/fixtures/xlsx, see its
 * README). Rows are compared as a dump, one line per row,
 * "rowno:[cell][cell]", so a wrong row number, a lost or extra cell or a
 * changed byte shows in the diff.
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
#include <xlsxwriter.h>

#include "buf.h"
#include "read/xlsxin.h"

#define NS_MAIN "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_PKG "http://schemas.openxmlformats.org/package/2006/relationships"

#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
#define WS(rows) XML_DECL "<worksheet xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL \
	"\"><dimension ref=\"A1\"/><sheetData>" rows "</sheetData></worksheet>"
#define SST(items) XML_DECL "<sst xmlns=\"" NS_MAIN "\" count=\"99\">" items "</sst>"
#define IS(ref, text) "<c r=\"" ref "\" t=\"inlineStr\"><is><t>" text "</t></is></c>"

#define CT_PART "[Content_Types].xml"
#define CONTENT_TYPES XML_DECL \
	"<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">" \
	"<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>"
#define PKG_RELS XML_DECL "<Relationships xmlns=\"" NS_PKG "\">" \
	"<Relationship Id=\"rId1\" Type=\"" NS_REL "/officeDocument\" Target=\"xl/workbook.xml\"/>" \
	"</Relationships>"
#define WORKBOOK(pr, sheets) XML_DECL "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL \
	"\">" pr "<sheets>" sheets "</sheets></workbook>"
#define REL(id, type, target) "<Relationship Id=\"" id "\" Type=\"" NS_REL "/" type \
	"\" Target=\"" target "\"/>"
#define RELS(items) XML_DECL "<Relationships xmlns=\"" NS_PKG "\">" items "</Relationships>"

struct part {
	const char *name;
	const char *data;
	size_t len;		/* 0 = strlen(data) */
};

struct result {
	enum err end;		/* what the last xlsxin_next returned */
	struct errinfo info;
	unsigned long rows;
};

static char *tmp_path(void)
{
	char path[] = "/tmp/test_xlsxin_XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	return strdup(path);
}

/* Zips the parts into a new temporary file; returns its path (new). */
static char *zip_parts(const struct part *parts, size_t n)
{
	char *path = tmp_path();
	zipFile zf = zipOpen64(path, APPEND_STATUS_CREATE);
	size_t i, len;

	assert_non_null(zf);
	for (i = 0; i < n; i++) {
		if (!parts[i].name)
			continue;
		len = parts[i].len ? parts[i].len : strlen(parts[i].data);
		assert_int_equal(zipOpenNewFileInZip(zf, parts[i].name, NULL, NULL,
						     0, NULL, 0, NULL, Z_DEFLATED,
						     Z_DEFAULT_COMPRESSION), ZIP_OK);
		assert_int_equal(zipWriteInFileInZip(zf, parts[i].data,
						     (unsigned)len), ZIP_OK);
		assert_int_equal(zipCloseFileInZip(zf), ZIP_OK);
	}
	assert_int_equal(zipClose(zf, NULL), ZIP_OK);
	return path;
}

/*
 * A one-sheet workbook ("Sheet1") with optional shared strings and styles
 * (NULL leaves the part and its relationship out) and workbookPr.
 */
static char *make_book_pr(const char *pr, const char *sst, const char *styles,
			  const char *sheet)
{
	char wb[1024], rels[1024];
	struct part parts[] = {
		{ CT_PART, CONTENT_TYPES, 0 },
		{ "_rels/.rels", PKG_RELS, 0 },
		{ "xl/workbook.xml", wb, 0 },
		{ "xl/_rels/workbook.xml.rels", rels, 0 },
		{ "xl/worksheets/sheet1.xml", sheet, 0 },
		{ sst ? "xl/sharedStrings.xml" : NULL, sst, 0 },
		{ styles ? "xl/styles.xml" : NULL, styles, 0 },
	};

	snprintf(wb, sizeof(wb), WORKBOOK("%s", "<sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/>"),
		 pr ? pr : "");
	snprintf(rels, sizeof(rels), RELS("%s%s%s"),
		 REL("rId1", "worksheet", "worksheets/sheet1.xml"),
		 sst ? REL("rId2", "sharedStrings", "sharedStrings.xml") : "",
		 styles ? REL("rId3", "styles", "styles.xml") : "");
	return zip_parts(parts, sizeof(parts) / sizeof(parts[0]));
}

static char *make_book(const char *sst, const char *styles, const char *sheet)
{
	return make_book_pr(NULL, sst, styles, sheet);
}

static char *write_file(const void *data, size_t n)
{
	char *path = tmp_path();
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
	return path;
}

/* Reads every row of an open reader into a dump (new, caller frees). */
static char *dump_reader(struct xlsxin *r, struct result *res)
{
	char *out = NULL;
	size_t outlen = 0, i;
	FILE *mem = open_memstream(&out, &outlen);
	struct row row;

	assert_non_null(mem);
	res->rows = 0;
	while ((res->end = xlsxin_next(r, &row, &res->info)) == ERR_OK) {
		res->rows++;
		assert_int_equal(row.line, row.rowno);
		assert_int_equal(row.bad_cell, 0);
		fprintf(mem, "%lu:", row.rowno);
		for (i = 0; i < row.ncells; i++) {
			assert_int_equal(strlen(row.cells[i]), row.lens[i]);
			fprintf(mem, "[%s]", row.cells[i]);
		}
		fputc('\n', mem);
	}
	fclose(mem);
	return out;
}

/* Opens path as "book.xlsx", dumps it; the file is removed unless keep. */
static char *read_opts(const char *path, const struct sheet_opts *opts,
		       struct result *res)
{
	struct xlsxin *r;
	char *out;

	memset(res, 0, sizeof(*res));
	res->end = xlsxin_open(&r, path, "book.xlsx", opts, &res->info);
	if (res->end) {
		assert_null(r);
		return strdup("");
	}
	out = dump_reader(r, res);
	xlsxin_close(r);
	return out;
}

/* Reads a workbook made by the test, removes it and checks the dump and
 * that the reader ended cleanly. */
static void expect_rows(char *path, const struct sheet_opts *opts,
			const char *want)
{
	struct result res;
	char *got = read_opts(path, opts, &res);

	if (res.end != ERR_NOT_FOUND)
		print_error("unexpected %s: %s\n", err_name(res.end), res.info.msg);
	assert_int_equal(res.end, ERR_NOT_FOUND);
	assert_string_equal(got, want);
	free(got);
	unlink(path);
	free(path);
}

/* Expects an error (at open or while reading) with exactly this message. */
static void expect_error(char *path, const struct sheet_opts *opts,
			 enum err code, const char *msg)
{
	struct result res;
	char *got = read_opts(path, opts, &res);

	if (res.end != code)
		print_error("unexpected %s: %s\n", err_name(res.end), res.info.msg);
	assert_string_equal(err_name(res.end), err_name(code));
	assert_string_equal(res.info.msg, msg);
	free(got);
	unlink(path);
	free(path);
}

/* ---- strings -------------------------------------------------------- */

static void test_shared_strings(void **state)
{
	(void)state;
	expect_rows(make_book(SST(
		"<si><t>Name</t></si>"
		"<si><r><rPr><b/></rPr><t>Rich</t></r><r><t xml:space=\"preserve\"> text</t></r></si>"
		"<si><t>\xe5\xb1\xb1\xe7\x94\xb0</t><rPh sb=\"0\" eb=\"2\"><t>\xe3\x83\xa4\xe3\x83\x9e\xe3\x83\x80</t></rPh>"
		"<phoneticPr fontId=\"1\"/></si>"
		"<si><t>a_x000D_&#10;b</t></si>"
		"<si><t>_x005F_x0041_ lit</t></si>"
		"<si><t/></si>"
		"<si><t>  padded  </t></si>"
		"<si><t>&lt;&amp;&gt; \"q\"</t></si>"
		"<si><t>_xD83D__xDE00_ _xD800_ _x0000_ _x41_</t></si>\n"
		"<si>\n  <t>pretty</t>\n</si>"),
		NULL, WS(
		"<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
		"<c r=\"C1\" t=\"s\"><v>2</v></c><c r=\"D1\" t=\"s\"><v>3</v></c></row>"
		"<row r=\"2\"><c r=\"A2\" t=\"s\"><v>4</v></c><c r=\"B2\" t=\"s\"><v>5</v></c>"
		"<c r=\"C2\" t=\"s\"><v>6</v></c><c r=\"D2\" t=\"s\"><v>7</v></c>"
		"<c r=\"E2\" t=\"s\"><v>8</v></c><c r=\"F2\" t=\"s\"><v> 9 </v></c></row>")),
		NULL,
		"1:[Name][Rich text][\xe5\xb1\xb1\xe7\x94\xb0][a\r\nb]\n"
		"2:[_x0041_ lit][][  padded  ][<&> \"q\"]"
		"[\xf0\x9f\x98\x80 \xef\xbf\xbd \xef\xbf\xbd _x41_][pretty]\n");
}

static void test_inline_strings(void **state)
{
	(void)state;
	expect_rows(make_book(NULL, NULL, WS(
		"<row r=\"1\">" IS("A1", "plain")
		"<c r=\"B1\" t=\"inlineStr\"><is><r><t>ri</t></r><r><rPr><i/></rPr><t>ch</t></r>"
		"<rPh><t>x</t></rPh></is></c>"
		IS("C1", "tab_x0009_here") IS("D1", "two&#10;lines")
		"<c r=\"E1\" t=\"inlineStr\"><is/></c>" IS("F1", "") "</row>")),
		NULL, "1:[plain][rich][tab\there][two\nlines]\n");
}

/* ---- values --------------------------------------------------------- */

static void test_formulas_booleans_errors(void **state)
{
	(void)state;
	expect_rows(make_book(NULL, NULL, WS(
		"<row r=\"1\">"
		"<c r=\"A1\" t=\"str\"><f>CONCAT(\"a\",\"b\")</f><v>ab</v></c>"
		"<c r=\"B1\"><f>1+2</f><v>3</v></c>"
		"<c r=\"C1\"><f>NOW()</f></c>"
		"<c r=\"D1\" t=\"str\"><f>\"\"</f><v></v></c>"
		"<c r=\"E1\" t=\"e\"><f>1/0</f><v>#DIV/0!</v></c>"
		"<c r=\"F1\" t=\"b\"><v>1</v></c>"
		"<c r=\"G1\" t=\"b\"><v>0</v></c>"
		"<c r=\"H1\" t=\"e\"><v>#N/A</v></c>"
		"<c r=\"I1\" t=\"b\"><f>TRUE()</f><v>1</v></c>"
		"<c r=\"J1\" t=\"str\"><f>A1</f><v>x_x000D_y</v></c>"
		"<c r=\"K1\" t=\"n\"><f>0.1*3</f><v>0.30000000000000004</v></c>"
		"</row>")),
		NULL, "1:[ab][3][][][][TRUE][FALSE][][TRUE][x\ry][0.3]\n");
}

#define STYLES XML_DECL "<styleSheet xmlns=\"" NS_MAIN "\">" \
	"<numFmts count=\"6\">" \
	"<numFmt numFmtId=\"164\" formatCode=\"dd/mm/yyyy\"/>" \
	"<numFmt numFmtId=\"165\" formatCode=\"[h]:mm:ss\"/>" \
	"<numFmt numFmtId=\"166\" formatCode=\"0.00\"/>" \
	"<numFmt numFmtId=\"167\" formatCode=\"[$-409]mmmm d, yyyy;@\"/>" \
	"<numFmt numFmtId=\"168\" formatCode=\"yyyy-mm-dd hh:mm\"/>" \
	"<numFmt numFmtId=\"169\" formatCode=\"&quot;Date: &quot;0\"/>" \
	"</numFmts>" \
	"<cellStyleXfs count=\"2\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/></cellStyleXfs>" \
	"<cellXfs count=\"11\">" \
	"<xf numFmtId=\"0\" xfId=\"1\"/>" \
	"<xf numFmtId=\"14\" applyNumberFormat=\"1\"/>" \
	"<xf numFmtId=\"22\"/><xf numFmtId=\"21\"/><xf numFmtId=\"164\"/>" \
	"<xf numFmtId=\"165\"/><xf numFmtId=\"166\"/><xf numFmtId=\"49\"/>" \
	"<xf numFmtId=\"167\"/><xf numFmtId=\"168\"/><xf numFmtId=\"169\"/>" \
	"</cellXfs>" \
	"<dxfs count=\"1\"><dxf><numFmt numFmtId=\"164\" formatCode=\"0.0\"/></dxf></dxfs>" \
	"</styleSheet>"

static void test_dates_and_formats(void **state)
{
	(void)state;
	expect_rows(make_book(NULL, STYLES, WS(
		"<row r=\"1\">"
		"<c r=\"A1\" s=\"1\"><v>45352</v></c>"
		"<c r=\"B1\" s=\"2\"><v>45352.5729166667</v></c>"
		"<c r=\"C1\" s=\"3\"><v>0.75</v></c>"
		"<c r=\"D1\" s=\"4\"><v>45352</v></c>"
		"<c r=\"E1\" s=\"5\"><v>0.5</v></c>"
		"<c r=\"F1\" s=\"6\"><v>18.5</v></c>"
		"<c r=\"G1\" s=\"7\"><v>447911123456</v></c>"
		"<c r=\"H1\" s=\"8\"><v>45352</v></c>"
		"<c r=\"I1\" s=\"9\"><v>45352.25</v></c>"
		"<c r=\"J1\" s=\"99\"><v>45352</v></c>"
		"<c r=\"K1\" s=\"1\" t=\"d\"><v>2024-03-01T00:00:00Z</v></c>"
		"<c r=\"L1\" s=\"10\"><v>7</v></c>"
		"<c r=\"M1\" s=\"1\"><v>60</v></c>"
		"<c r=\"N1\" s=\"1\"><v>-1</v></c>"
		"<c r=\"O1\" s=\"9\"><v>45352.99999999</v></c>"
		"</row>")),
		NULL,
		/* numbers through their format, as LibreOffice shows them:
		 * 18.5 in 0.00 is 18.50, 7 in "Date: "0 is Date: 7 */
		"1:[2024-03-01][2024-03-01T13:45:00][18:00:00][2024-03-01][12:00:00]"
		"[18.50][447911123456][2024-03-01][2024-03-01T06:00:00][45352]"
		"[2024-03-01][Date: 7][1900-02-29][-1][2024-03-02T00:00:00]\n");
}

static void test_date1904(void **state)
{
	(void)state;
	expect_rows(make_book_pr("<workbookPr date1904=\"1\"/>", NULL, STYLES, WS(
		"<row r=\"1\"><c r=\"A1\" s=\"1\"><v>0</v></c>"
		"<c r=\"B1\" s=\"1\"><v>43890</v></c>"
		"<c r=\"C1\" s=\"2\"><v>43890.5</v></c></row>")),
		NULL, "1:[1904-01-01][2024-03-01][2024-03-01T12:00:00]\n");
}

static void test_numbers(void **state)
{
	(void)state;
	expect_rows(make_book(NULL, NULL, WS(
		"<row r=\"1\">"
		"<c r=\"A1\"><v>447911123456</v></c>"
		"<c r=\"B1\"><v>4.47911123456E+11</v></c>"
		"<c r=\"C1\" t=\"n\"><v>0.1</v></c>"
		"<c r=\"D1\"><v>-3.25</v></c>"
		"<c r=\"E1\"><v>1E-7</v></c>"
		"<c r=\"F1\"><v>18.0</v></c>"
		"<c r=\"G1\"><v> 42 </v></c>"
		"<c r=\"H1\"><v>abc</v></c>"
		"<c r=\"I1\"><v>9007199254740993</v></c>"
		"<c r=\"J1\"><v>-0</v></c>"
		"<c r=\"K1\"><v>0</v></c>"
		"<c r=\"L1\"><v>007</v></c>"
		"</row>")),
		NULL, "1:[447911123456][447911123456][0.1][-3.25][1E-07][18][42][abc]"
		"[9007199254740992][0][0][7]\n");
}

/* ---- layout --------------------------------------------------------- */

static void test_positions(void **state)
{
	(void)state;
	expect_rows(make_book(NULL, NULL, WS(
		"<row r=\"2\">" IS("B2", "b")
		"<c t=\"inlineStr\"><is><t>c</t></is></c><c r=\"E2\"><v>5</v></c></row>"
		"<row><c t=\"inlineStr\"><is><t>next</t></is></c></row>"
		"<row r=\"10\" spans=\"1:3\"><c r=\"C10\"><v>1</v></c></row>"
		"<row><c r=\"A12\"><v>12</v></c></row>"
		"<row><c><v>13</v></c><c/><c><v>13c</v></c></row>")),
		NULL, "2:[][b][c][][5]\n3:[next]\n10:[][][1]\n12:[12]\n13:[13][][13c]\n");
}

static void test_empty_rows_skipped(void **state)
{
	(void)state;
	expect_rows(make_book(SST("<si><t></t></si>"), STYLES, WS(
		"<row r=\"1\">" IS("A1", "x") "</row>"
		"<row r=\"2\"/>"
		"<row r=\"3\" ht=\"20\" customHeight=\"1\"><c r=\"A3\" s=\"1\"/><c r=\"B3\" s=\"2\"/></row>"
		"<row r=\"4\">" IS("A4", "") "<c r=\"B4\" t=\"s\"><v>0</v></c>"
		"<c r=\"C4\" t=\"e\"><v>#REF!</v></c><c r=\"D4\"><f>X()</f></c></row>"
		"<row r=\"6\"><c r=\"A6\"><v>1</v></c><c r=\"XFD6\" s=\"1\"/></row>"
		"<row r=\"7\"><c r=\"A7\" s=\"1\"/></row>"
		"<row r=\"1048576\"><c r=\"C1048576\" s=\"1\"/></row>")),
		NULL, "1:[x]\n6:[1]\n");
}

/* ---- sheets --------------------------------------------------------- */

static char *make_multi(void)
{
	struct part parts[] = {
		{ CT_PART, CONTENT_TYPES, 0 },
		{ "_rels/.rels", PKG_RELS, 0 },
		{ "xl/workbook.xml", WORKBOOK("",
		  "<sheet name=\"Secret\" sheetId=\"1\" state=\"hidden\" r:id=\"rId1\"/>"
		  "<sheet name=\"Chart1\" sheetId=\"5\" r:id=\"rId5\"/>"
		  "<sheet name=\"Contacts\" sheetId=\"2\" state=\"visible\" r:id=\"rId2\"/>"
		  "<sheet name=\"Data 2\" sheetId=\"3\" r:id=\"rId3\"/>"
		  "<sheet name=\"VH\" sheetId=\"4\" state=\"veryHidden\" r:id=\"rId4\"/>"), 0 },
		{ "xl/_rels/workbook.xml.rels",
		  RELS(REL("rId1", "worksheet", "worksheets/sheet1.xml")
		       REL("rId2", "worksheet", "/xl/worksheets/sheet2.xml")
		       REL("rId3", "worksheet", "./worksheets/../worksheets/sheet3.xml")
		       REL("rId4", "worksheet", "worksheets/sheet4.xml")
		       REL("rId5", "chartsheet", "chartsheets/sheet1.xml")), 0 },
		{ "xl/worksheets/sheet1.xml", WS("<row r=\"1\">" IS("A1", "secret") "</row>"), 0 },
		{ "xl/worksheets/sheet2.xml", WS("<row r=\"1\">" IS("A1", "contacts") "</row>"), 0 },
		{ "xl/worksheets/sheet3.xml", WS("<row r=\"1\">" IS("A1", "data") "</row>"), 0 },
		{ "xl/worksheets/sheet4.xml", WS("<row r=\"1\">" IS("A1", "very") "</row>"), 0 },
		{ "xl/chartsheets/sheet1.xml", XML_DECL "<chartsheet/>", 0 },
	};

	return zip_parts(parts, sizeof(parts) / sizeof(parts[0]));
}

static void expect_sheet(const char *want_sheet, const char *name,
			 const char *rows)
{
	struct sheet_opts o = { .sheet = want_sheet };
	struct xlsxin *r;
	struct errinfo info;
	struct result res;
	char *path = make_multi(), *got;

	assert_int_equal(xlsxin_open(&r, path, NULL, &o, &info), ERR_OK);
	assert_string_equal(xlsxin_sheet(r), name);
	got = dump_reader(r, &res);
	assert_string_equal(got, rows);
	free(got);
	xlsxin_close(r);
	unlink(path);
	free(path);
}

static void test_sheet_selection(void **state)
{
	struct sheet_opts o = { .sheet = "Nope" };

	(void)state;
	expect_sheet(NULL, "Contacts", "1:[contacts]\n");
	expect_sheet("Secret", "Secret", "1:[secret]\n");
	expect_sheet("contacts", "Contacts", "1:[contacts]\n");
	expect_sheet("DATA 2", "Data 2", "1:[data]\n");
	expect_sheet("4", "Data 2", "1:[data]\n");
	expect_sheet("5", "VH", "1:[very]\n");
	expect_sheet("1", "Secret", "1:[secret]\n");
	expect_error(make_multi(), &o, ERR_NOT_FOUND,
		     "'book.xlsx': no sheet 'Nope' (sheets: 'Secret', 'Chart1', "
		     "'Contacts', 'Data 2', 'VH')");
	o.sheet = "6";
	expect_error(make_multi(), &o, ERR_NOT_FOUND,
		     "'book.xlsx': no sheet '6' (sheets: 'Secret', 'Chart1', "
		     "'Contacts', 'Data 2', 'VH')");
	o.sheet = "Chart1";
	expect_error(make_multi(), &o, ERR_FORMAT,
		     "'book.xlsx': sheet 'Chart1' is not a worksheet (chartsheet)");
}

static void test_no_visible_sheet(void **state)
{
	struct part parts[] = {
		{ "_rels/.rels", PKG_RELS, 0 },
		{ "xl/workbook.xml", WORKBOOK("",
		  "<sheet name=\"H\" sheetId=\"1\" state=\"hidden\" r:id=\"rId1\"/>"), 0 },
		{ "xl/_rels/workbook.xml.rels",
		  RELS(REL("rId1", "worksheet", "worksheets/sheet1.xml")), 0 },
		{ "xl/worksheets/sheet1.xml", WS(""), 0 },
	};

	(void)state;
	expect_error(zip_parts(parts, 4), NULL, ERR_NOT_FOUND,
		     "'book.xlsx': no visible worksheet (sheets: 'H')");
}

/* ---- unusual but valid packaging ------------------------------------ */

#define STRICT_MAIN "http://purl.oclc.org/ooxml/spreadsheetml/main"
#define STRICT_REL "http://purl.oclc.org/ooxml/officeDocument/relationships"

/* Strict OOXML namespaces, a prefixed SpreadsheetML namespace, the
 * workbook outside xl/ and sheets reached through "..". */
static void test_strict_and_prefixed(void **state)
{
	struct part parts[] = {
		{ "_rels/.rels", XML_DECL "<Relationships xmlns=\"" NS_PKG "\">"
		  "<Relationship Id=\"R1\" Type=\"" STRICT_REL "/officeDocument\" "
		  "Target=\"/book/wb.xml\"/></Relationships>", 0 },
		{ "book/wb.xml", XML_DECL "<x:workbook xmlns:x=\"" STRICT_MAIN "\" "
		  "xmlns:r=\"" STRICT_REL "\"><x:workbookPr date1904=\"true\"/><x:sheets>"
		  "<x:sheet name=\"S\" sheetId=\"1\" r:id=\"R7\"/></x:sheets></x:workbook>", 0 },
		{ "book/_rels/wb.xml.rels", XML_DECL "<Relationships xmlns=\"" NS_PKG "\">"
		  "<Relationship Id=\"R7\" Type=\"" STRICT_REL "/worksheet\" Target=\"../data/s.xml\"/>"
		  "<Relationship Id=\"R8\" Type=\"" STRICT_REL "/sharedStrings\" Target=\"strings.xml\"/>"
		  "<Relationship Id=\"R9\" Type=\"" STRICT_REL "/hyperlink\" "
		  "Target=\"https://example.com/\" TargetMode=\"External\"/>"
		  "</Relationships>", 0 },
		{ "book/strings.xml", XML_DECL "<x:sst xmlns:x=\"" STRICT_MAIN "\">"
		  "<x:si><x:t>strict</x:t></x:si></x:sst>", 0 },
		{ "data/s.xml", XML_DECL "<x:worksheet xmlns:x=\"" STRICT_MAIN "\"><x:sheetData>"
		  "<x:row x:r=\"3\"><x:c r=\"B3\" t=\"s\"><x:v>0</x:v></x:c>"
		  "<x:c r=\"C3\"><x:v>1</x:v></x:c>"
		  "<x:c r=\"D3\" t=\"d\"><x:v>2024-03-01T13:45:00</x:v></x:c></x:row>"
		  "</x:sheetData></x:worksheet>", 0 },
	};

	(void)state;
	expect_rows(zip_parts(parts, 5), NULL,
		    "3:[][strict][1][2024-03-01T13:45:00]\n");
}

/* UTF-16 parts are legal XML; expat converts them. */
static void test_utf16_part(void **state)
{
	static const char ascii[] = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>"
		"<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\">"
		"<is><t>wide</t></is></c></row></sheetData></worksheet>";
	char wide[2 * sizeof(ascii) + 2];
	size_t i;

	(void)state;
	wide[0] = (char)0xFF;
	wide[1] = (char)0xFE;
	for (i = 0; i < sizeof(ascii) - 1; i++) {
		wide[2 + 2 * i] = ascii[i];
		wide[3 + 2 * i] = 0;
	}
	{
		struct part parts[] = {
			{ "_rels/.rels", PKG_RELS, 0 },
			{ "xl/workbook.xml", WORKBOOK("", "<sheet name=\"W\" r:id=\"a\"/>"), 0 },
			{ "xl/_rels/workbook.xml.rels",
			  RELS(REL("a", "worksheet", "s.xml")), 0 },
			{ "xl/s.xml", wide, 2 + 2 * (sizeof(ascii) - 1) },
		};

		expect_rows(zip_parts(parts, 4), NULL, "1:[wide]\n");
	}
}

/* Many rows and a long string cross every chunk boundary of the reader. */
static void test_large_sheet(void **state)
{
	struct buf sheet, sst;
	struct result res;
	char *path, *got, *last;
	unsigned long i;

	(void)state;
	buf_init(&sheet, 0);
	buf_init(&sst, 0);
	assert_int_equal(buf_adds(&sst, XML_DECL "<sst xmlns=\"" NS_MAIN "\"><si><t>"), 0);
	for (i = 0; i < 30000; i++)
		assert_int_equal(buf_adds(&sst, "0123456789"), 0);
	assert_int_equal(buf_adds(&sst, "</t></si><si><t>short</t></si></sst>"), 0);
	assert_int_equal(buf_adds(&sheet, XML_DECL "<worksheet><sheetData>"), 0);
	for (i = 1; i <= 40000; i++)
		assert_int_equal(buf_printf(&sheet,
			"<row r=\"%lu\"><c r=\"A%lu\" t=\"inlineStr\"><is><t>name %lu</t></is></c>"
			"<c r=\"B%lu\"><v>%lu</v></c><c r=\"C%lu\" t=\"s\"><v>%d</v></c></row>\n",
			i, i, i, i, 447700000000UL + i, i, i == 777 ? 0 : 1), 0);
	assert_int_equal(buf_adds(&sheet, "</sheetData></worksheet>"), 0);
	path = make_book(sst.data, NULL, sheet.data);
	got = read_opts(path, NULL, &res);
	assert_int_equal(res.end, ERR_NOT_FOUND);
	assert_int_equal(res.rows, 40000);
	assert_non_null(strstr(got, "1:[name 1][447700000001][short]\n"));
	assert_non_null(strstr(got, "777:[name 777][447700000777][01234567890123"));
	last = strstr(got, "40000:");
	assert_non_null(last);
	assert_string_equal(last, "40000:[name 40000][447700040000][short]\n");
	free(got);
	unlink(path);
	free(path);
	buf_free(&sheet);
	buf_free(&sst);
}

/* ---- errors --------------------------------------------------------- */

static void test_missing_parts(void **state)
{
	struct part no_wb[] = {
		{ "_rels/.rels", PKG_RELS, 0 },
		{ "xl/_rels/workbook.xml.rels", RELS(""), 0 },
	};
	struct part no_rels[] = {
		{ "docProps/app.xml", XML_DECL "<Properties/>", 0 },
	};
	struct part no_wb_rels[] = {
		{ "_rels/.rels", PKG_RELS, 0 },
		{ "xl/workbook.xml", WORKBOOK("", "<sheet name=\"A\" r:id=\"rId1\"/>"), 0 },
	};
	struct part no_sheet_part[] = {
		{ "_rels/.rels", PKG_RELS, 0 },
		{ "xl/workbook.xml", WORKBOOK("", "<sheet name=\"A\" r:id=\"rId1\"/>"), 0 },
		{ "xl/_rels/workbook.xml.rels",
		  RELS(REL("rId1", "worksheet", "worksheets/sheet1.xml")
		       REL("rId2", "sharedStrings", "sharedStrings.xml")), 0 },
		{ "xl/sharedStrings.xml", SST(""), 0 },
	};
	struct part no_sst[] = {
		{ "_rels/.rels", PKG_RELS, 0 },
		{ "xl/workbook.xml", WORKBOOK("", "<sheet name=\"A\" r:id=\"rId1\"/>"), 0 },
		{ "xl/_rels/workbook.xml.rels",
		  RELS(REL("rId1", "worksheet", "worksheets/sheet1.xml")
		       REL("rId2", "sharedStrings", "sharedStrings.xml")), 0 },
		{ "xl/worksheets/sheet1.xml", WS(""), 0 },
	};
	struct part no_rel[] = {
		{ "_rels/.rels", PKG_RELS, 0 },
		{ "xl/workbook.xml", WORKBOOK("", "<sheet name=\"A\" r:id=\"rId9\"/>"), 0 },
		{ "xl/_rels/workbook.xml.rels", RELS(""), 0 },
	};
	struct part no_pkg_rels[] = {
		{ "xl/workbook.xml", WORKBOOK("", "<sheet name=\"A\" r:id=\"rId1\"/>"), 0 },
		{ "xl/_rels/workbook.xml.rels",
		  RELS(REL("rId1", "worksheet", "worksheets/sheet1.xml")), 0 },
		{ "xl/worksheets/sheet1.xml", WS("<row>" IS("A1", "ok") "</row>"), 0 },
	};

	(void)state;
	expect_error(zip_parts(no_wb, 2), NULL, ERR_FORMAT,
		     "'book.xlsx': missing part 'xl/workbook.xml'");
	expect_error(zip_parts(no_rels, 1), NULL, ERR_FORMAT,
		     "'book.xlsx': not an XLSX workbook (missing part '_rels/.rels')");
	expect_error(zip_parts(no_wb_rels, 2), NULL, ERR_FORMAT,
		     "'book.xlsx': missing part 'xl/_rels/workbook.xml.rels'");
	expect_error(zip_parts(no_sheet_part, 4), NULL, ERR_FORMAT,
		     "'book.xlsx': missing part 'xl/worksheets/sheet1.xml'");
	expect_error(zip_parts(no_sst, 4), NULL, ERR_FORMAT,
		     "'book.xlsx': missing part 'xl/sharedStrings.xml'");
	expect_error(zip_parts(no_rel, 3), NULL, ERR_FORMAT,
		     "'book.xlsx': sheet 'A' has no part (no relationship 'rId9' "
		     "in 'xl/_rels/workbook.xml.rels')");
	/* Without package rels, xl/workbook.xml is still found. */
	expect_rows(zip_parts(no_pkg_rels, 3), NULL, "1:[ok]\n");
}

static void test_malformed_xml(void **state)
{
	struct xlsxin *r;
	struct errinfo info;
	struct row row;
	char *path = make_book(NULL, NULL, WS(
		"<row r=\"1\">" IS("A1", "fine") "</row>\n"
		"<row r=\"2\"><c r=\"A2\"><v>1</v></row>"));

	(void)state;
	assert_int_equal(xlsxin_open(&r, path, "book.xlsx", NULL, &info), ERR_OK);
	assert_int_equal(xlsxin_next(r, &row, &info), ERR_OK);
	assert_string_equal(row.cells[0], "fine");
	assert_int_equal(xlsxin_next(r, &row, &info), ERR_FORMAT);
	assert_string_equal(info.msg, "'book.xlsx': malformed XML in "
			    "'xl/worksheets/sheet1.xml' line 3: mismatched tag");
	/* the reader stays failed */
	assert_int_equal(xlsxin_next(r, &row, &info), ERR_FORMAT);
	xlsxin_close(r);
	unlink(path);
	free(path);

	expect_error(make_book(SST("<si><t>x</si>"), NULL, WS("")), NULL,
		     ERR_FORMAT, "'book.xlsx': malformed XML in "
		     "'xl/sharedStrings.xml' line 2: mismatched tag");
	expect_error(make_book(NULL, "<styleSheet>", WS("")), NULL, ERR_FORMAT,
		     "'book.xlsx': malformed XML in 'xl/styles.xml' line 1: "
		     "no element found");
	expect_error(make_book(NULL, NULL, "<?xml version=\"1.0\"?>\n"
			       "<!DOCTYPE w [<!ENTITY a \"aaaa\">]><w>&a;</w>"),
		     NULL, ERR_FORMAT, "'book.xlsx': malformed XML in "
		     "'xl/worksheets/sheet1.xml': DTD not allowed");
}

static void test_bad_cells(void **state)
{
	(void)state;
	expect_error(make_book(NULL, NULL, WS("<row r=\"4\"><c r=\"XFE4\"><v>1</v></c></row>")),
		     NULL, ERR_FORMAT, "'book.xlsx' sheet 'Sheet1' cell XFE4: column beyond XFD");
	expect_error(make_book(NULL, NULL, WS("<row r=\"4\"><c r=\"4A\"><v>1</v></c></row>")),
		     NULL, ERR_FORMAT, "'book.xlsx' sheet 'Sheet1' row 4: invalid cell reference '4A'");
	expect_error(make_book(NULL, NULL, WS("<row r=\"4\"><c r=\"AAAA4\"><v>1</v></c></row>")),
		     NULL, ERR_FORMAT, "'book.xlsx' sheet 'Sheet1' row 4: invalid cell reference 'AAAA4'");
	expect_error(make_book(NULL, NULL, WS("<row r=\"0\"/>")),
		     NULL, ERR_FORMAT, "'book.xlsx' sheet 'Sheet1' row after 0: invalid row number '0'");
	expect_error(make_book(NULL, NULL, WS("<row r=\"1048577\"/>")),
		     NULL, ERR_FORMAT, "'book.xlsx' sheet 'Sheet1' row after 0: invalid row number '1048577'");
	expect_error(make_book(SST("<si><t>a</t></si>"), NULL,
			       WS("<row r=\"7\"><c r=\"B7\" t=\"s\"><v>1</v></c></row>")),
		     NULL, ERR_FORMAT, "'book.xlsx' sheet 'Sheet1' cell B7: no shared string '1' (1 in the file)");
	expect_error(make_book(NULL, NULL, WS("<row r=\"7\"><c r=\"B7\" t=\"s\"><v>0</v></c></row>")),
		     NULL, ERR_FORMAT, "'book.xlsx' sheet 'Sheet1' cell B7: no shared string '0' (0 in the file)");
	expect_error(make_book(NULL, NULL, WS("<row r=\"2\"><c r=\"C2\"><v>1</v></c>"
					      "<c r=\"B2\"><v>2</v></c></row>")),
		     NULL, ERR_FORMAT, "'book.xlsx' sheet 'Sheet1' cell B2: cell out of order");
}

static void test_caps(void **state)
{
	struct sheet_opts o = { .max_cells = 3 };

	(void)state;
	/* an empty styled cell past the cap costs nothing */
	expect_rows(make_book(NULL, NULL, WS("<row r=\"1\"><c r=\"C1\"><v>1</v></c>"
					     "<c r=\"Z1\" s=\"0\"/></row>")),
		    &o, "1:[][][1]\n");
	expect_error(make_book(NULL, NULL, WS("<row r=\"1\"><c r=\"D1\"><v>1</v></c></row>")),
		     &o, ERR_LIMIT, "'book.xlsx' sheet 'Sheet1' cell D1: more than 3 columns");
	o.max_cells = 0;
	o.max_row_bytes = 10;
	expect_rows(make_book(NULL, NULL, WS("<row r=\"1\">" IS("A1", "12345")
					     IS("B1", "67890") "</row>")),
		    &o, "1:[12345][67890]\n");
	expect_error(make_book(NULL, NULL, WS("<row r=\"1\">" IS("A1", "12345")
					      IS("B1", "678901") "</row>")),
		     &o, ERR_LIMIT, "'book.xlsx' sheet 'Sheet1' cell B1: row longer than 10 bytes");
	expect_error(make_book(NULL, NULL, WS("<row r=\"1\">" IS("A1", "0123456789x") "</row>")),
		     &o, ERR_LIMIT, "'book.xlsx' sheet 'Sheet1' cell A1: cell longer than 10 bytes");
}

static void test_zip_caps(void **state)
{
	struct sheet_opts o = { .max_total = 2000 };
	struct buf big;
	struct result res;
	char *path, *got;
	int i;

	(void)state;
	buf_init(&big, 0);
	assert_int_equal(buf_adds(&big, XML_DECL "<worksheet><sheetData><row r=\"1\">"), 0);
	for (i = 0; i < 500; i++)
		assert_int_equal(buf_printf(&big, "<c><v>%d</v></c>", i), 0);
	assert_int_equal(buf_adds(&big, "</row></sheetData></worksheet>"), 0);
	path = make_book(NULL, NULL, big.data);
	got = read_opts(path, &o, &res);
	assert_int_equal(res.end, ERR_LIMIT);
	assert_non_null(strstr(res.info.msg, "'book.xlsx'"));
	free(got);
	unlink(path);
	free(path);
	buf_free(&big);
}

/* One endless tag: expat would buffer it all, the reader stops it. */
static void test_token_cap(void **state)
{
	size_t n = (size_t)17 << 20;
	char *sheet = malloc(n + 200);
	struct result res;
	char *path, *got;
	int k;

	(void)state;
	assert_non_null(sheet);
	k = snprintf(sheet, 200, "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" x=\"");
	memset(sheet + k, 'a', n);
	strcpy(sheet + k + n, "\"/></row></sheetData></worksheet>");
	path = make_book(NULL, NULL, sheet);
	free(sheet);
	got = read_opts(path, NULL, &res);
	assert_int_equal(res.end, ERR_LIMIT);
	assert_string_equal(res.info.msg, "'book.xlsx': XML token longer than "
			    "16777216 bytes in 'xl/worksheets/sheet1.xml'");
	free(got);
	unlink(path);
	free(path);
}

static void test_not_xlsx(void **state)
{
	static const char csv[] = "name,phone\nAnn,07911 123456\n";
	static const unsigned char cfb[16] = {
		0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1
	};
	struct result res;
	char *path, *got, *data;
	long n;
	FILE *fp;

	(void)state;
	path = write_file(csv, sizeof(csv) - 1);
	got = read_opts(path, NULL, &res);
	assert_int_equal(res.end, ERR_FORMAT);
	assert_non_null(strstr(res.info.msg, "'book.xlsx'"));
	assert_non_null(strstr(res.info.msg, "not a zip"));
	free(got);
	unlink(path);
	free(path);

	expect_error(write_file(cfb, sizeof(cfb)), NULL, ERR_FORMAT,
		     "'book.xlsx': encrypted workbook or old .xls file, not XLSX");

	got = read_opts("/nonexistent/dir/x.xlsx", NULL, &res);
	assert_int_equal(res.end, ERR_IO);
	assert_string_equal(res.info.msg,
			    "cannot open 'book.xlsx': No such file or directory");
	free(got);

	/* A truncated file: whatever part is cut, never a crash, always
	 * ERR_FORMAT. (minizip forgives a cut inside the 22-byte end
	 * record, the whole directory being there.) */
	path = make_book(NULL, NULL, WS("<row r=\"1\">" IS("A1", "x") "</row>"));
	fp = fopen(path, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	data = malloc((size_t)n);
	assert_int_equal(fread(data, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	unlink(path);
	free(path);
	for (long cut = 1; cut < n - 22; cut += 7) {
		path = write_file(data, (size_t)cut);
		got = read_opts(path, NULL, &res);
		if (res.end != ERR_FORMAT)
			print_error("cut at %ld of %ld: %s: %s\n", cut, n,
				    err_name(res.end), res.info.msg);
		assert_int_equal(res.end, ERR_FORMAT);
		free(got);
		unlink(path);
		free(path);
	}
	free(data);
}

static void test_reader_ends_cleanly(void **state)
{
	struct xlsxin *r;
	struct errinfo info;
	struct row row;
	char *path = make_book(NULL, NULL, WS(""));

	(void)state;
	assert_int_equal(xlsxin_open(&r, path, NULL, NULL, &info), ERR_OK);
	assert_int_equal(xlsxin_next(r, &row, &info), ERR_NOT_FOUND);
	assert_int_equal(xlsxin_next(r, &row, &info), ERR_NOT_FOUND);
	xlsxin_close(r);
	xlsxin_close(NULL);
	unlink(path);
	free(path);
}

/* ---- files from other writers --------------------------------------- */

static void test_libxlsxwriter(void **state)
{
	lxw_workbook_options opt = { .constant_memory = 0 };
	int pass;

	(void)state;
	for (pass = 0; pass < 2; pass++) {
		char *path = tmp_path();
		lxw_workbook *wb;
		lxw_worksheet *hid, *ws;
		lxw_format *date, *dt, *fixed;
		lxw_datetime d = { 2024, 3, 1, 0, 0, 0 };
		lxw_datetime t = { 2024, 3, 1, 13, 45, 30 };

		/* constant_memory writes inline strings, the default shared */
		opt.constant_memory = (uint8_t)pass;
		wb = workbook_new_opt(path, &opt);
		assert_non_null(wb);
		hid = workbook_add_worksheet(wb, "Old");
		ws = workbook_add_worksheet(wb, "Contacts");
		worksheet_write_string(hid, 0, 0, "hidden", NULL);
		worksheet_hide(hid);
		worksheet_activate(ws);
		date = workbook_add_format(wb);
		format_set_num_format(date, "dd/mm/yyyy");
		dt = workbook_add_format(wb);
		format_set_num_format_index(dt, 22);
		fixed = workbook_add_format(wb);
		format_set_num_format(fixed, "0.00");
		worksheet_write_string(ws, 0, 0, "Name", NULL);
		worksheet_write_string(ws, 0, 1, "Phone", NULL);
		worksheet_write_string(ws, 0, 2, "Since", NULL);
		worksheet_write_string(ws, 0, 3, "Seen", NULL);
		worksheet_write_string(ws, 0, 4, "OK", NULL);
		worksheet_write_string(ws, 0, 5, "Sum", NULL);
		worksheet_write_string(ws, 1, 0, "Zo\xc3\xab \"Z\" <x>", NULL);
		worksheet_write_number(ws, 1, 1, 447911123456.0, NULL);
		worksheet_write_datetime(ws, 1, 2, &d, date);
		worksheet_write_datetime(ws, 1, 3, &t, dt);
		worksheet_write_boolean(ws, 1, 4, 1, NULL);
		worksheet_write_formula_num(ws, 1, 5, "=1.5+1", fixed, 2.5);
		worksheet_write_blank(ws, 2, 3, fixed);
		worksheet_write_string(ws, 3, 1, "+44 7911 123457", NULL);
		worksheet_write_formula_str(ws, 3, 5, "=\"a\"&\"b\"", NULL, "ab");
		worksheet_write_string(ws, 4, 0, "two\nlines", NULL);
		assert_int_equal(workbook_close(wb), LXW_NO_ERROR);

		expect_rows(path, NULL,
			    "1:[Name][Phone][Since][Seen][OK][Sum]\n"
			    "2:[Zo\xc3\xab \"Z\" <x>][447911123456][2024-03-01]"
			    "[2024-03-01T13:45:30][TRUE][2.50]\n"
			    "4:[][+44 7911 123457][][][][ab]\n"
			    "5:[two\nlines]\n");
	}
}

static char *fixture(const char *name)
{
	const char *top = getenv("CONTACTSYNC_TOP");
	char *path;

	assert_true(asprintf(&path, "%s/tests/fixtures/xlsx/%s", top ? top : ".",
			     name) > 0);
	return path;
}

static void expect_fixture(const char *name, const char *sheet,
			   const char *want)
{
	struct sheet_opts o = { .sheet = sheet };
	struct result res;
	char *path = fixture(name), *got;

	got = read_opts(path, &o, &res);
	if (res.end != ERR_NOT_FOUND)
		print_error("%s: %s\n", err_name(res.end), res.info.msg);
	assert_int_equal(res.end, ERR_NOT_FOUND);
	assert_string_equal(got, want);
	free(got);
	free(path);
}

#define FIXTURE_ROWS(score) \
	"1:[First name][Last name][Phone][Email][Birthday][Opt-out][Score][Notes]\n" \
	"2:[Ann][Smith][447911123456][ann@example.com][1990-05-17][FALSE][18.5][line1\nline2]\n" \
	"3:[Bob][Jones][+44 7911 123457][bob@example.com][][TRUE][" score "][  spaced  ]\n" \
	"5:[Zo\xc3\xab][M\xc3\xbc" "ller][4915112345678][][2024-03-01T13:45:00][][0.1]" \
	"[\xc3\x9cn\xc3\xaf" "c\xc3\xb6" "d\xc3\xa9 \xe9\x9b\xbb\xe8\xa9\xb1]\n" \
	"7:[][][07700 900123][][][][][only phone and notes]\n"

static void test_fixture_openpyxl(void **state)
{
	(void)state;
	/* openpyxl writes formulas without a cached value */
	expect_fixture("contacts-openpyxl.xlsx", NULL, FIXTURE_ROWS(""));
	expect_fixture("contacts-openpyxl.xlsx", "Hidden", "1:[not][this][one]\n");
	expect_fixture("contacts-openpyxl.xlsx", "3", "2:[][elsewhere]\n");
}

static void test_fixture_libreoffice(void **state)
{
	(void)state;
	expect_fixture("contacts-libreoffice.xlsx", NULL, FIXTURE_ROWS("3"));
	expect_fixture("contacts-libreoffice.xlsx", "other", "2:[][elsewhere]\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shared_strings),
		cmocka_unit_test(test_inline_strings),
		cmocka_unit_test(test_formulas_booleans_errors),
		cmocka_unit_test(test_dates_and_formats),
		cmocka_unit_test(test_date1904),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_positions),
		cmocka_unit_test(test_empty_rows_skipped),
		cmocka_unit_test(test_sheet_selection),
		cmocka_unit_test(test_no_visible_sheet),
		cmocka_unit_test(test_strict_and_prefixed),
		cmocka_unit_test(test_utf16_part),
		cmocka_unit_test(test_large_sheet),
		cmocka_unit_test(test_missing_parts),
		cmocka_unit_test(test_malformed_xml),
		cmocka_unit_test(test_bad_cells),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_zip_caps),
		cmocka_unit_test(test_token_cap),
		cmocka_unit_test(test_not_xlsx),
		cmocka_unit_test(test_reader_ends_cleanly),
		cmocka_unit_test(test_libxlsxwriter),
		cmocka_unit_test(test_fixture_openpyxl),
		cmocka_unit_test(test_fixture_libreoffice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
