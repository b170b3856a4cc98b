/*
 * Unit tests for csvin: every input is written to a temporary file and read
 * back through the public API. Rows are compared as a dump, one line per
 * row: "rowno@line:[cell][cell]" plus "!n" when row->bad_cell is n, so a
 * wrong row number, a lost blank row or a changed byte shows in the diff.
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

#include "read/csvin.h"
#include "reader.h"
#include "row.h"

#define CHUNK (64 * 1024)

struct result {
	enum err end;		/* what the last csvin_next returned */
	struct errinfo info;
	struct csvin_stats stats;	/* its encoding points at encoding below */
	char encoding[64];	/* the reader's, copied: it lives until csvin_close */
	unsigned long rows;
};

static char *write_tmp(const void *data, size_t n)
{
	char path[] = "/tmp/test_csvin_XXXXXX";
	int fd = mkstemp(path);
	const char *p = data;
	ssize_t k;

	assert_true(fd >= 0);
	while (n > 0) {
		k = write(fd, p, n);
		assert_true(k > 0);
		p += k;
		n -= (size_t)k;
	}
	assert_int_equal(close(fd), 0);
	return strdup(path);
}

/* Reads every row of an open reader into a dump (new, caller frees). */
static char *dump_reader(struct csvin *r, struct result *res)
{
	char *out = NULL;
	size_t outlen = 0, i;
	FILE *mem = open_memstream(&out, &outlen);
	struct row row;

	assert_non_null(mem);
	res->rows = 0;
	while ((res->end = csvin_next(r, &row, &res->info)) == ERR_OK) {
		res->rows++;
		fprintf(mem, "%lu@%lu:", row.rowno, row.line);
		for (i = 0; i < row.ncells; i++) {
			assert_int_equal(row.cells[i][row.lens[i]], '\0');
			fputc('[', mem);
			fwrite(row.cells[i], 1, row.lens[i], mem);
			fputc(']', mem);
		}
		if (row.bad_cell)
			fprintf(mem, "!%zu", row.bad_cell);
		fputc('\n', mem);
	}
	res->stats = *csvin_stats(r);
	snprintf(res->encoding, sizeof(res->encoding), "%s",
		 res->stats.encoding ? res->stats.encoding : "");
	res->stats.encoding = res->encoding;
	assert_int_equal(fclose(mem), 0);
	return out;
}

/* Writes data to a file named 't.csv' in messages and dumps its rows. */
static char *read_all(const void *data, size_t n,
		      const struct csvin_opts *opts, struct result *res)
{
	char *path = write_tmp(data, n), *out;
	struct csvin *r;
	enum err e;

	memset(res, 0, sizeof(*res));
	e = csvin_open(&r, path, "t.csv", opts, &res->info);
	unlink(path);	/* before any assert can leave it behind */
	free(path);
	assert_int_equal(e, ERR_OK);
	out = dump_reader(r, res);
	csvin_close(r);
	return out;
}

static char *read_str(const char *s, const struct csvin_opts *opts,
		      struct result *res)
{
	return read_all(s, strlen(s), opts, res);
}

/* Reads s and checks the whole dump and a clean end. */
static void check(const char *s, const struct csvin_opts *opts,
		  const char *want)
{
	struct result res;
	char *got = read_str(s, opts, &res);

	assert_string_equal(got, want);
	assert_int_equal(res.end, ERR_NOT_FOUND);
	free(got);
}

/* Checks that a (long) dump ends with `want`. */
static void assert_ends_with(const char *dump, const char *want)
{
	size_t n = strlen(dump), k = strlen(want);

	assert_true(n >= k);
	assert_string_equal(dump + n - k, want);
}

/* "x\n" repeated to fill exactly n bytes (n even), then s. */
static char *filled(size_t n, const char *s, size_t *len)
{
	size_t sl = strlen(s), i;
	char *b = malloc(n + sl + 1);

	assert_non_null(b);
	for (i = 0; i < n; i += 2)
		memcpy(b + i, "x\n", 2);
	memcpy(b + n, s, sl + 1);
	*len = n + sl;
	return b;
}

/* UTF-16 (with BOM) of a UTF-8 string; new, caller frees. */
static unsigned char *utf16(const char *s, int be, size_t *len)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char *out = malloc(2 + 4 * strlen(s)), *o = out;
	unsigned long cp, u[2];
	int n, i;

	assert_non_null(out);
	cp = 0xFEFF;
	for (;;) {
		if (cp >= 0x10000) {
			cp -= 0x10000;
			u[0] = 0xD800 | (cp >> 10);
			u[1] = 0xDC00 | (cp & 0x3FF);
			n = 2;
		} else {
			u[0] = cp;
			n = 1;
		}
		for (i = 0; i < n; i++) {
			*o++ = (unsigned char)(be ? u[i] >> 8 : u[i] & 0xFF);
			*o++ = (unsigned char)(be ? u[i] & 0xFF : u[i] >> 8);
		}
		if (!*p)
			break;
		if (*p < 0x80) {
			cp = *p++;
		} else if (*p < 0xE0) {
			cp = (p[0] & 0x1Ful) << 6 | (p[1] & 0x3F);
			p += 2;
		} else if (*p < 0xF0) {
			cp = (p[0] & 0x0Ful) << 12 | (p[1] & 0x3Ful) << 6 |
			     (p[2] & 0x3F);
			p += 3;
		} else {
			cp = (p[0] & 0x07ul) << 18 | (p[1] & 0x3Ful) << 12 |
			     (p[2] & 0x3Ful) << 6 | (p[3] & 0x3F);
			p += 4;
		}
	}
	*len = (size_t)(o - out);
	return out;
}

/* ---- quoting ---------------------------------------------------------- */

static void test_quoting(void **state)
{
	(void)state;
	check("a,\"b,c\",\"d\"\"e\"\r\n"
	      "\"x\r\ny\",\"p\nq\",5\" screen\n"
	      "z,\"\"\n",
	      NULL,
	      "1@1:[a][b,c][d\"e]\n"
	      "2@2:[x\r\ny][p\nq][5\" screen]\n"
	      "3@5:[z][]\n");
}

static void test_padding_after_closing_quote(void **state)
{
	struct csvin_opts tab = { .delimiter = '\t' };
	struct csvin_opts comma = { .delimiter = ',' };
	struct result res;
	size_t n;
	char *in, *got;

	(void)state;
	check("a,\"b\" \nc,d\n", NULL, "1@1:[a][b]\n2@2:[c][d]\n");
	check("\"a\" \t ,\"x\"\" \"\t\r\n\"e\"  ", &comma,
	      "1@1:[a][x\" ]\n2@2:[e]\n");
	check("\"a\" \t b\n", &tab, "1@1:[a][ b]\n");
	/* text after the closing quote: libcsv keeps the quote and goes on */
	check("\"a\" b\",c\n", NULL, "1@1:[a\" b][c]\n");
	/* padding cut by the chunk end */
	in = filled(CHUNK - 4, "\"a\"  ,b\n", &n);
	got = read_all(in, n, NULL, &res);
	assert_int_equal(res.end, ERR_NOT_FOUND);
	assert_ends_with(got, "32767@32767:[a][b]\n");
	free(got);
	free(in);
}

static void test_quoted_cr_counts_a_line(void **state)
{
	(void)state;
	check("\"a\rb\",c\rd\r", NULL, "1@1:[a\rb][c]\n2@3:[d]\n");
}

static void test_content_kept_exactly(void **state)
{
	(void)state;
	check(" a , b ,\t\n  \n", NULL, "1@1:[ a ][ b ][\t]\n2@2:[  ]\n");
}

static void test_unterminated_quote(void **state)
{
	struct result res;
	char *got = read_str("h\nok\n\"abc\nmore\n", NULL, &res);

	(void)state;
	assert_string_equal(got, "1@1:[h]\n2@2:[ok]\n");
	assert_int_equal(res.end, ERR_FORMAT);
	assert_string_equal(res.info.msg,
			    "'t.csv' row 3: unterminated quoted field");
	free(got);

	/* the row is the one where the field started, not the last line */
	got = read_str("h\n\n\"a\"\"\nb\nc", NULL, &res);
	assert_int_equal(res.end, ERR_FORMAT);
	assert_string_equal(res.info.msg,
			    "'t.csv' row 3: unterminated quoted field");
	free(got);
}

/* ---- delimiters ------------------------------------------------------- */

static void test_detect_each_delimiter(void **state)
{
	static const char delims[] = { ',', ';', '\t', '|' };
	char in[64];
	struct result res;
	char *got;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(delims); i++) {
		snprintf(in, sizeof(in), "a%cb%cc\n1%c2%c3\n", delims[i],
			 delims[i], delims[i], delims[i]);
		got = read_str(in, NULL, &res);
		assert_string_equal(got, "1@1:[a][b][c]\n2@2:[1][2][3]\n");
		assert_int_equal(res.stats.delimiter, delims[i]);
		free(got);
	}
}

static void test_explicit_delimiter(void **state)
{
	struct csvin_opts o = { .delimiter = ';' };
	struct result res;
	char *got;

	(void)state;
	check("a,b;c\nd,e;f\n", &o, "1@1:[a,b][c]\n2@2:[d,e][f]\n");
	o.delimiter = '|';
	got = read_str("a,b,c\n", &o, &res);
	assert_string_equal(got, "1@1:[a,b,c]\n");
	assert_int_equal(res.stats.delimiter, '|');
	free(got);
	o.delimiter = '\t';
	check("a b\tc,d\n", &o, "1@1:[a b][c,d]\n");
}

static void test_semicolon_with_quoted_commas(void **state)
{
	struct result res;
	char *got;

	(void)state;
	got = read_str("Name;Address;Phone\n"
		       "\"Smith, John\";\"1 Main St, Springfield, IL\";555\n"
		       "\"Doe, Jane\";\"2 Elm St, Shelbyville, IL, US\";556\n",
		       NULL, &res);
	assert_int_equal(res.stats.delimiter, ';');
	assert_string_equal(got,
			    "1@1:[Name][Address][Phone]\n"
			    "2@2:[Smith, John][1 Main St, Springfield, IL][555]\n"
			    "3@3:[Doe, Jane][2 Elm St, Shelbyville, IL, US][556]\n");
	free(got);
}

static void test_detect_most_consistent(void **state)
{
	struct result res;
	char *got;

	(void)state;
	/* commas in unquoted addresses vary, tabs do not */
	got = read_str("name\taddress\tphone\n"
		       "Ann\t1 Main St, Springfield, IL\t555\n"
		       "Bob\tElm St\t556\n"
		       "Cid\tOak St, Ogdenville\t557\n", NULL, &res);
	assert_int_equal(res.stats.delimiter, '\t');
	free(got);
	/* a stray quote in an unquoted field does not open a quoted one */
	got = read_str("Product,Size\nTV,5\" screen\nPhone,6\" screen\n", NULL,
		       &res);
	assert_int_equal(res.stats.delimiter, ',');
	assert_string_equal(got, "1@1:[Product][Size]\n2@2:[TV][5\" screen]\n"
			    "3@3:[Phone][6\" screen]\n");
	free(got);
	/* one line: every candidate is consistent, the higher count wins */
	got = read_str("a;b;c,d\n", NULL, &res);
	assert_int_equal(res.stats.delimiter, ';');
	free(got);
}

static void test_single_column(void **state)
{
	struct result res;
	char *got;

	(void)state;
	got = read_str("Name\nAlice\n\"Smith, Bob\"\n", NULL, &res);
	assert_int_equal(res.stats.delimiter, ',');
	assert_string_equal(got, "1@1:[Name]\n2@2:[Alice]\n3@3:[Smith, Bob]\n");
	free(got);
}

static void test_parse_delimiter(void **state)
{
	static const struct {
		const char *in;
		char want;
	} ok[] = {
		{ ",", ',' }, { ";", ';' }, { "|", '|' }, { "\\t", '\t' },
		{ "tab", '\t' }, { "TAB", '\t' }, { "\t", '\t' },
	};
	static const char *const bad[] = { "", "x", ",,", "t", "\\", "\\n" };
	char c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		c = 0;
		assert_int_equal(reader_parse_delimiter(ok[i].in, &c), 0);
		assert_int_equal(c, ok[i].want);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_not_equal(reader_parse_delimiter(bad[i], &c), 0);
}

/* ---- lines and rows --------------------------------------------------- */

static void test_line_endings(void **state)
{
	static const char *const ins[] = {
		"a,b\nc,d\n", "a,b\r\nc,d\r\n", "a,b\rc,d\r", "a,b\r\nc,d\n",
		"a,b\nc,d", "a,b\r\nc,d", "a,b\rc,d",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ins) / sizeof(ins[0]); i++)
		check(ins[i], NULL, "1@1:[a][b]\n2@2:[c][d]\n");
}

static void test_no_final_newline(void **state)
{
	(void)state;
	check("a,b\nc,", NULL, "1@1:[a][b]\n2@2:[c][]\n");
	check("a,b\n\"c\nd\"", NULL, "1@1:[a][b]\n2@2:[c\nd]\n");
	check("x", NULL, "1@1:[x]\n");
}

static void test_blank_lines(void **state)
{
	static const char *const ins[] = {
		"\nh\n\nx\n\n\ny\n",
		"\r\nh\r\n\r\nx\r\n\r\n\r\ny\r\n",
		"\rh\r\rx\r\r\ry\r",
		"\nh\r\n\nx\r\r\n\ny",
	};
	const char *want = "1@1:\n2@2:[h]\n3@3:\n4@4:[x]\n5@5:\n6@6:\n7@7:[y]\n";
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ins) / sizeof(ins[0]); i++)
		check(ins[i], NULL, want);
	/* after a cell holding newlines, rows and lines part ways */
	check("h\n\"a\r\nb\nc\"\n\nz\n", NULL,
	      "1@1:[h]\n2@2:[a\r\nb\nc]\n3@5:\n4@6:[z]\n");
}

static void test_row_is_blank(void **state)
{
	char *cells[3] = { "", "", "" };
	size_t lens[3] = { 0, 0, 0 };
	struct row r = { .ncells = 3, .cells = cells, .lens = lens };
	struct csvin_opts o = { .delimiter = ',' };
	struct result res;
	char *got;

	(void)state;
	assert_true(row_is_blank(&r));
	cells[1] = " ";
	lens[1] = 1;
	assert_false(row_is_blank(&r));
	r.ncells = 0;
	assert_true(row_is_blank(&r));
	got = read_str(",,\n\n", &o, &res);
	assert_string_equal(got, "1@1:[][][]\n2@2:\n");
	free(got);
}

static void test_ragged_rows(void **state)
{
	(void)state;
	check("a,b,c\n1\n1,2,3,4\n,\n", NULL,
	      "1@1:[a][b][c]\n2@2:[1]\n3@3:[1][2][3][4]\n4@4:[][]\n");
}

static void test_empty_file(void **state)
{
	struct result res;
	char *got = read_str("", NULL, &res);

	(void)state;
	assert_string_equal(got, "");
	assert_int_equal(res.end, ERR_NOT_FOUND);
	assert_int_equal(res.rows, 0);
	assert_string_equal(res.stats.encoding, "utf-8");
	free(got);
}

/* ---- encodings -------------------------------------------------------- */

static void test_utf8_bom(void **state)
{
	struct result res;
	char *got;

	(void)state;
	got = read_str("\xEF\xBB\xBFname,phone\nJos\xC3\xA9,1\n", NULL, &res);
	assert_string_equal(got, "1@1:[name][phone]\n2@2:[Jos\xC3\xA9][1]\n");
	assert_string_equal(res.stats.encoding, "utf-8");
	assert_true(res.stats.had_bom);
	free(got);
	got = read_str("name\n", NULL, &res);
	assert_false(res.stats.had_bom);
	free(got);
}

static void test_utf16(void **state)
{
	const char *text = "name;phone\r\nJos\xC3\xA9;\xF0\x9F\x98\x80\r\n"
			   "\"a\r\nb\";x\r\n";
	const char *want = "1@1:[name][phone]\n"
			   "2@2:[Jos\xC3\xA9][\xF0\x9F\x98\x80]\n"
			   "3@3:[a\r\nb][x]\n";
	struct csvin_opts o = { .encoding = "utf-16" };
	struct result res;
	unsigned char *in;
	size_t n;
	char *got;
	int be;

	(void)state;
	for (be = 0; be <= 1; be++) {
		in = utf16(text, be, &n);
		got = read_all(in, n, NULL, &res);
		assert_string_equal(got, want);
		assert_int_equal(res.end, ERR_NOT_FOUND);
		assert_string_equal(res.stats.encoding,
				    be ? "utf-16be" : "utf-16le");
		assert_true(res.stats.had_bom);
		assert_int_equal(res.stats.delimiter, ';');
		free(got);
		/* "utf-16" given: the BOM still picks the byte order */
		got = read_all(in, n, &o, &res);
		assert_string_equal(got, want);
		assert_string_equal(res.stats.encoding,
				    be ? "utf-16be" : "utf-16le");
		free(got);
		free(in);
	}
}

static void test_utf16_invalid(void **state)
{
	/* BOM, "a,b\n", a lone low surrogate, "\n" */
	static const unsigned char in[] = {
		0xFF, 0xFE, 'a', 0, ',', 0, 'b', 0, '\n', 0,
		'c', 0, 0x00, 0xDC, '\n', 0,
	};
	struct csvin_opts o = { .encoding = "utf-16" };
	struct result res;
	char *got;

	(void)state;
	got = read_all(in, sizeof(in), NULL, &res);
	assert_string_equal(got, "1@1:[a][b]\n");
	assert_int_equal(res.end, ERR_ENCODING);
	assert_string_equal(res.info.msg,
			    "'t.csv' row 2: invalid UTF-16 at byte 12");
	free(got);

	/* given explicitly: the cell is flagged instead */
	got = read_all(in, sizeof(in), &o, &res);
	assert_string_equal(got, "1@1:[a][b]\n2@2:[c\xEF\xBF\xBD]!1\n");
	assert_int_equal(res.end, ERR_NOT_FOUND);
	assert_string_equal(res.stats.encoding, "utf-16le");
	free(got);

	/* odd length: the last character is cut */
	got = read_all(in, 11, NULL, &res);
	assert_int_equal(res.end, ERR_ENCODING);
	assert_string_equal(res.info.msg,
			    "'t.csv' row 2: incomplete UTF-16 character at byte 10");
	free(got);
}

static void test_windows_1252(void **state)
{
	struct result res;
	char *got;

	(void)state;
	got = read_str("Ren\xE9,\x80 5\nab,\x81\n", NULL, &res);
	assert_string_equal(got, "1@1:[Ren\xC3\xA9][\xE2\x82\xAC 5]\n"
			    "2@2:[ab][\xC2\x81]\n");
	assert_string_equal(res.stats.encoding, "windows-1252");
	assert_int_equal(res.stats.cp1252_cells, 0);
	free(got);
}

static void test_late_cp1252_cell(void **state)
{
	struct result res;
	size_t n;
	char *in = filled(70000, "Ren\xE9,ok,\xC3\xA9\n", &n), *got;

	(void)state;
	got = read_all(in, n, NULL, &res);
	assert_ends_with(got,
			    "35001@35001:[Ren\xC3\xA9][ok][\xC3\xA9]\n");
	assert_string_equal(res.stats.encoding, "utf-8");
	assert_int_equal(res.stats.cp1252_cells, 1);
	assert_int_equal(res.end, ERR_NOT_FOUND);
	free(got);
	free(in);
}

static void test_explicit_encoding_bad_bytes(void **state)
{
	struct csvin_opts o = { .encoding = "UTF-8" };
	struct result res;
	char *got;

	(void)state;
	/* overlong, surrogate, above U+10FFFF, cut sequence */
	got = read_str("ok,bad\xFF\nfine,x\n\xC0\xAF,\xED\xA0\x80\n"
		       "a,\xF4\x90\x80\x80\n\xC3\n", &o, &res);
	assert_string_equal(got,
			    "1@1:[ok][bad\xEF\xBF\xBD]!2\n"
			    "2@2:[fine][x]\n"
			    "3@3:[\xEF\xBF\xBD\xEF\xBF\xBD]"
			    "[\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD]!1\n"
			    "4@4:[a][\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
			    "\xEF\xBF\xBD]!2\n"
			    "5@5:[\xEF\xBF\xBD]!1\n");
	assert_int_equal(res.stats.cp1252_cells, 0);
	free(got);

	o.encoding = "cp1252";
	got = read_str("\x80,\x81\n", &o, &res);
	assert_string_equal(got, "1@1:[\xE2\x82\xAC][\xEF\xBF\xBD]!2\n");
	assert_string_equal(res.stats.encoding, "windows-1252");
	free(got);

	o.encoding = "latin1";
	got = read_str("\x80,\xE9\n", &o, &res);
	assert_string_equal(got, "1@1:[\xC2\x80][\xC3\xA9]\n");
	assert_string_equal(res.stats.encoding, "iso-8859-1");
	free(got);

	/* valid UTF-8 read as Windows-1252 because the user said so */
	o.encoding = "windows-1252";
	got = read_str("\xC3\xA9\n", &o, &res);
	assert_string_equal(got, "1@1:[\xC3\x83\xC2\xA9]\n");
	free(got);
}

/* Any encoding iconv knows; the bytes are Python's str.encode of the text
 * in the comments. */
static void test_any_iconv_encoding(void **state)
{
	struct csvin_opts o = { .encoding = "macintosh" };
	struct result res;
	char *got;

	(void)state;
	/* "José,Groß" in Mac Roman */
	got = read_str("Jos\x8e,Gro\xa7\n", &o, &res);
	assert_string_equal(got, "1@1:[Jos\xC3\xA9][Gro\xC3\x9F]\n");
	assert_string_equal(res.stats.encoding, "macintosh");
	free(got);

	/* "Łódź" in ISO-8859-2 */
	o.encoding = "ISO-8859-2";
	got = read_str("\xa3\xf3" "d\xbc\n", &o, &res);
	assert_string_equal(got, "1@1:[\xC5\x81\xC3\xB3" "d\xC5\xBA]\n");
	assert_string_equal(res.stats.encoding, "iso-8859-2");
	free(got);

	/* Shift-JIS "ポ" is 0x83 0x7C: its second byte is '|', which must not
	 * split the cell (the stream is decoded before libcsv sees it) */
	o.encoding = "shift_jis";
	o.delimiter = '|';
	got = read_str("\x83|\x83||x\n", &o, &res);
	assert_string_equal(got, "1@1:[\xE3\x83\x9D\xE3\x83\x9D][x]\n");
	assert_string_equal(res.stats.encoding, "shift_jis");
	free(got);

	/* Shift-JIS as Windows and Python read it: 0x5C is '\\', 0x7E '~'
	 * (glibc's SHIFT_JIS would give ¥ and ‾) */
	o.delimiter = ',';
	got = read_str("C:\\x~,\x8eR\n", &o, &res);
	assert_string_equal(got, "1@1:[C:\\x~][\xE5\xB1\xB1]\n");
	free(got);

	/* a byte invalid in it flags the cell, as with UTF-8 given */
	o.delimiter = ',';
	got = read_str("ok,\x83|\xff\nnext,x\n", &o, &res);
	assert_string_equal(got, "1@1:[ok][\xE3\x83\x9D\xEF\xBF\xBD]!2\n2@2:[next][x]\n");
	assert_int_equal(res.end, ERR_NOT_FOUND);
	free(got);
}

/* A GB18030 four-byte character cut by the first 64 KiB read. */
static void test_chunk_boundary_in_gb18030_char(void **state)
{
	struct csvin_opts o = { .encoding = "gb18030" };
	struct result res;
	size_t n, i;
	char *in, *got;

	(void)state;
	/* 21845 * "x\r\n" is 65535 bytes: "😀" (0x94 0x39 0xFC 0x36) starts
	 * at the last byte of the read */
	in = malloc(3 * 21845 + 32);
	assert_non_null(in);
	for (i = 0; i < 21845; i++)
		memcpy(in + 3 * i, "x\r\n", 3);
	strcpy(in + 3 * i, "\x94\x39\xfc\x36,\xa8\xa6\r\nend\r\n");
	n = strlen(in);
	got = read_all(in, n, &o, &res);
	assert_int_equal(res.end, ERR_NOT_FOUND);
	assert_ends_with(got, "21846@21846:[\xF0\x9F\x98\x80][\xC3\xA9]\n"
			 "21847@21847:[end]\n");
	free(got);
	free(in);
}

static void test_unknown_encoding(void **state)
{
	struct csvin_opts o = { .encoding = "ebcdic" };
	struct errinfo info;
	struct csvin *r = (void *)&info;	/* must come back NULL */
	char *path = write_tmp("a\n", 2);

	(void)state;
	assert_int_equal(csvin_open(&r, path, "t.csv", &o, &info), ERR_USAGE);
	assert_null(r);
	assert_string_equal(info.msg, "unknown encoding 'ebcdic'");
	unlink(path);
	free(path);
}

/* ---- limits and errors ------------------------------------------------ */

static void test_max_row_bytes(void **state)
{
	struct csvin_opts o = { .max_row_bytes = 16 };
	struct result res;
	char *got, *big;
	size_t n;

	(void)state;
	got = read_str("short\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n", &o, &res);
	assert_string_equal(got, "1@1:[short]\n");
	assert_int_equal(res.end, ERR_LIMIT);
	assert_string_equal(res.info.msg,
			    "'t.csv' row 2: row is larger than 16 bytes");
	free(got);

	/* an unterminated quote in a file many times the limit */
	o.max_row_bytes = 100000;
	n = 4 << 20;
	big = malloc(n);
	assert_non_null(big);
	memcpy(big, "h\n\n\"", 4);
	memset(big + 4, 'a', n - 4);
	got = read_all(big, n, &o, &res);
	assert_string_equal(got, "1@1:[h]\n2@2:\n");
	assert_int_equal(res.end, ERR_LIMIT);
	assert_string_equal(res.info.msg,
			    "'t.csv' row 3: row is larger than 100000 bytes");
	free(got);
	free(big);
}

static void test_max_cells(void **state)
{
	struct csvin_opts o = { .max_cells = 4 };
	struct result res;
	char *got;

	(void)state;
	got = read_str("a,b,c,d\na,b,c,d,e\n", &o, &res);
	assert_string_equal(got, "1@1:[a][b][c][d]\n");
	assert_int_equal(res.end, ERR_LIMIT);
	assert_string_equal(res.info.msg, "'t.csv' row 2: more than 4 cells");
	free(got);
}

static void test_missing_file(void **state)
{
	struct errinfo info;
	struct csvin *r = (void *)&info;	/* must come back NULL */

	(void)state;
	assert_int_equal(csvin_open(&r, "/nonexistent-dir/x.csv", NULL, NULL,
				    &info), ERR_IO);
	assert_null(r);
	assert_string_equal(info.msg, "cannot open '/nonexistent-dir/x.csv': "
			    "No such file or directory");
}

static void test_read_error(void **state)
{
	struct csvin *r;
	struct errinfo info;

	(void)state;
	assert_int_equal(csvin_open(&r, "/tmp", "dir", NULL, &info), ERR_IO);
	assert_null(r);
	assert_string_equal(info.msg, "cannot read 'dir': Is a directory");
}

static void test_error_is_final(void **state)
{
	struct csvin_opts o = { .max_cells = 1 };
	char *path = write_tmp("a,b\nc\n", 6);
	struct errinfo info;
	struct csvin *r;
	struct row row;

	(void)state;
	assert_int_equal(csvin_open(&r, path, NULL, &o, &info), ERR_OK);
	assert_int_equal(csvin_next(r, &row, &info), ERR_LIMIT);
	assert_int_equal(csvin_next(r, &row, &info), ERR_LIMIT);
	csvin_close(r);
	unlink(path);
	free(path);
}

static void test_stream(void **state)
{
	static char data[] = "a;b\n1;2\n";
	FILE *fp = fmemopen(data, strlen(data), "rb");
	struct result res;
	struct csvin *r;
	char *got;

	(void)state;
	assert_non_null(fp);
	memset(&res, 0, sizeof(res));
	assert_int_equal(csvin_open_stream(&r, fp, "mem", NULL, &res.info),
			 ERR_OK);
	got = dump_reader(r, &res);
	csvin_close(r);
	assert_string_equal(got, "1@1:[a][b]\n2@2:[1][2]\n");
	/* the stream is the caller's: still open */
	assert_int_equal(fclose(fp), 0);
	free(got);
}

static void test_binary_garbage(void **state)
{
	static const char *const encs[] = { NULL, "utf-8", "utf-16",
					    "windows-1252" };
	struct csvin_opts o = { .max_row_bytes = 4096, .max_cells = 64 };
	size_t n = 300000, i, e;
	unsigned char *in = malloc(n);
	struct result res;
	char *got;

	(void)state;
	assert_non_null(in);
	srand(1);
	for (e = 0; e < sizeof(encs) / sizeof(encs[0]); e++) {
		for (i = 0; i < n; i++)
			in[i] = (unsigned char)rand();
		if (e == 2) {
			in[0] = 0xFF;
			in[1] = 0xFE;
		}
		o.encoding = encs[e];
		got = read_all(in, n, &o, &res);
		assert_true(res.end == ERR_NOT_FOUND || res.end == ERR_LIMIT ||
			    res.end == ERR_FORMAT || res.end == ERR_ENCODING);
		free(got);
	}
	o.encoding = NULL;
	got = read_all(in, n, &o, &res);	/* no BOM, auto */
	free(got);
	in[0] = 0xFE;
	in[1] = 0xFF;
	got = read_all(in, n, &o, &res);	/* UTF-16BE BOM, auto */
	assert_true(res.end != ERR_OK);
	free(got);
	free(in);
}

/* ---- chunk boundaries ------------------------------------------------- */

static void test_chunk_boundary_in_quoted_field(void **state)
{
	struct result res;
	size_t n;
	char *in = filled(CHUNK - 6, "\"abc,de\r\nfg\"\"hi\",z\nend\n", &n);
	char *got;

	(void)state;
	got = read_all(in, n, NULL, &res);
	assert_int_equal(res.end, ERR_NOT_FOUND);
	assert_ends_with(got, "32766@32766:[abc,de\r\nfg\"hi][z]\n"
			    "32767@32768:[end]\n");
	free(got);
	free(in);
}

static void test_chunk_boundary_in_crlf(void **state)
{
	struct result res;
	size_t n;
	char *in = filled(CHUNK - 4, "a,b\r\nc,d\r\n", &n), *got;

	(void)state;
	assert_int_equal(in[CHUNK - 1], '\r');
	assert_int_equal(in[CHUNK], '\n');
	got = read_all(in, n, NULL, &res);
	assert_int_equal(res.end, ERR_NOT_FOUND);
	assert_int_equal(res.rows, 32768);
	assert_ends_with(got, "32767@32767:[a][b]\n"
			    "32768@32768:[c][d]\n");
	free(got);
	free(in);
}

static void test_chunk_boundary_in_utf8_char(void **state)
{
	static const char *const ends[] = {
		"y\xC3\xA9,z\n", "\xE2\x82\xAC,z\n", "y\xF0\x9F\x98\x80,z\n",
	};
	static const char *const want[] = {
		"32768@32768:[y\xC3\xA9][z]\n", "32768@32768:[\xE2\x82\xAC][z]\n",
		"32768@32768:[y\xF0\x9F\x98\x80][z]\n",
	};
	struct result res;
	size_t n, i;
	char *in, *got;

	(void)state;
	for (i = 0; i < 3; i++) {
		/* the multi-byte character is cut by the end of the first
		 * chunk, which is also the encoding-detection sample */
		in = filled(CHUNK - 2, ends[i], &n);
		got = read_all(in, n, NULL, &res);
		assert_ends_with(got, want[i]);
		assert_string_equal(res.stats.encoding, "utf-8");
		assert_int_equal(res.stats.cp1252_cells, 0);
		free(got);
		free(in);
	}
}

static void test_chunk_boundary_in_utf16_char(void **state)
{
	struct result res;
	unsigned char *in;
	size_t n, i;
	char *text, *got;
	int be;

	(void)state;
	/* BOM + 10922 * "x\r\n" is 65534 bytes: the surrogate pair that
	 * follows is cut in two by the first 64 KiB read */
	text = malloc(3 * 10922 + 64);
	assert_non_null(text);
	for (i = 0; i < 10922; i++)
		memcpy(text + 3 * i, "x\r\n", 3);
	strcpy(text + 3 * i, "\xF0\x9F\x98\x80,\xC3\xA9\r\nend\r\n");
	for (be = 0; be <= 1; be++) {
		in = utf16(text, be, &n);
		assert_int_equal(in[65534], be ? 0xD8 : 0x3D);
		got = read_all(in, n, NULL, &res);
		assert_int_equal(res.end, ERR_NOT_FOUND);
		assert_ends_with(got,
				    "10923@10923:[\xF0\x9F\x98\x80][\xC3\xA9]\n"
				    "10924@10924:[end]\n");
		free(got);
		free(in);
	}

	/* and a UTF-16 CR at 65534, its LF in the next read */
	for (i = 0; i < 10921; i++)
		memcpy(text + 3 * i, "x\r\n", 3);
	strcpy(text + 3 * i, "abc\r\nd\r\n");
	in = utf16(text, 0, &n);
	assert_int_equal(in[65534], '\r');
	got = read_all(in, n, NULL, &res);
	assert_int_equal(res.end, ERR_NOT_FOUND);
	assert_ends_with(got, "10922@10922:[abc]\n10923@10923:[d]\n");
	free(got);
	free(in);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_padding_after_closing_quote),
		cmocka_unit_test(test_quoted_cr_counts_a_line),
		cmocka_unit_test(test_content_kept_exactly),
		cmocka_unit_test(test_unterminated_quote),
		cmocka_unit_test(test_detect_each_delimiter),
		cmocka_unit_test(test_explicit_delimiter),
		cmocka_unit_test(test_semicolon_with_quoted_commas),
		cmocka_unit_test(test_detect_most_consistent),
		cmocka_unit_test(test_single_column),
		cmocka_unit_test(test_parse_delimiter),
		cmocka_unit_test(test_line_endings),
		cmocka_unit_test(test_no_final_newline),
		cmocka_unit_test(test_blank_lines),
		cmocka_unit_test(test_row_is_blank),
		cmocka_unit_test(test_ragged_rows),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_utf8_bom),
		cmocka_unit_test(test_utf16),
		cmocka_unit_test(test_utf16_invalid),
		cmocka_unit_test(test_windows_1252),
		cmocka_unit_test(test_late_cp1252_cell),
		cmocka_unit_test(test_explicit_encoding_bad_bytes),
		cmocka_unit_test(test_any_iconv_encoding),
		cmocka_unit_test(test_unknown_encoding),
		cmocka_unit_test(test_max_row_bytes),
		cmocka_unit_test(test_max_cells),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_read_error),
		cmocka_unit_test(test_error_is_final),
		cmocka_unit_test(test_stream),
		cmocka_unit_test(test_binary_garbage),
		cmocka_unit_test(test_chunk_boundary_in_quoted_field),
		cmocka_unit_test(test_chunk_boundary_in_crlf),
		cmocka_unit_test(test_chunk_boundary_in_utf8_char),
		cmocka_unit_test(test_chunk_boundary_in_utf16_char),
		cmocka_unit_test(test_chunk_boundary_in_gb18030_char),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
