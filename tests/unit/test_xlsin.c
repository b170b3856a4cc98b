/*
 * Unit tests for xlsin. BIFF cannot reasonably be written here, so the
 * workbooks are fixtures made by LibreOffice (tests/fixtures/xls/README
 * says how each was made, and which were then patched). Rows are compared
 * as a dump, one line per row: "rowno:[cell][cell]".
 *
 * Some expectations record what FreeXL cannot do rather than what a CSV
 * saved by LibreOffice would hold (booleans as 1/0, formula cells empty,
 * hidden sheets not known): they fail if a newer FreeXL changes that, so
 * that the reader and its documentation can follow.
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

#include "row.h"
#include "read/biff.h"
#include "read/cfb.h"
#include "read/xlsin.h"

struct result {
	enum err open;	/* what xlsin_open returned */
	enum err end;	/* what the last xlsin_next returned */
	struct errinfo info;
	char sheet[64];
};

static char *fixture(const char *name)
{
	const char *top = getenv("CONTACTSYNC_TOP");
	char *path;

	assert_true(asprintf(&path, "%s/tests/fixtures/xls/%s", top ? top : ".",
			     name) > 0);
	return path;
}

/* Reads every row of path, as 't.xls' in messages, into a dump (new). */
static char *dump_file(const char *path, const struct sheet_opts *opts,
		       struct result *res)
{
	char *out = NULL;
	size_t outlen = 0, i;
	FILE *mem = open_memstream(&out, &outlen);
	struct xlsin *r;
	struct row row;

	assert_non_null(mem);
	memset(res, 0, sizeof(*res));
	res->open = xlsin_open(&r, path, "t.xls", opts, &res->info);
	if (res->open) {
		assert_null(r);
		res->end = res->open;
	} else {
		snprintf(res->sheet, sizeof(res->sheet), "%s", xlsin_sheet(r));
		while ((res->end = xlsin_next(r, &row, &res->info)) == ERR_OK) {
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
		xlsin_close(r);
	}
	assert_int_equal(fclose(mem), 0);
	return out;
}

static const struct sheet_opts *sheet(const char *name)
{
	static struct sheet_opts o;

	memset(&o, 0, sizeof(o));
	o.sheet = name;
	return &o;
}

static void expect(const char *file, const struct sheet_opts *opts,
		   const char *want_sheet, const char *want)
{
	char *path = fixture(file), *got;
	struct result res;

	got = dump_file(path, opts, &res);
	if (res.end != ERR_NOT_FOUND)
		fail_msg("%s: %s: %s", file, err_name(res.end), res.info.msg);
	assert_string_equal(res.sheet, want_sheet);
	assert_string_equal(got, want);
	free(got);
	free(path);
}

static void expect_error(const char *path, const struct sheet_opts *opts,
			 enum err code, const char *msg)
{
	struct result res;
	char *got = dump_file(path, opts, &res);

	assert_string_equal(err_name(res.end), err_name(code));
	assert_string_equal(res.info.msg, msg);
	free(got);
}

#define CONTACTS                                                            \
	"1:[Name][Phone][Born][Note][Age]\n"                                \
	"2:[Alice Smith][447911123456][2024-03-01][Hello, \"world\"][18]\n" \
	"4:[Bob][+44 7911 123457][1999-12-31T13:45:00][two\nlines][0.1]\n"  \
	"5:[Carol][447911123458][13:45:00][  spaced  out][TRUE]\n"

/* A numeric phone, a date, a date-time, a time, text with a comma, a
 * quote, a line break and leading spaces, a blank row in the middle. The
 * boolean TRUE in E5 (a BOOLERR record) reads as TRUE, as in the .ods it
 * was made from (FreeXL alone gives 1). */
static void test_contacts(void **state)
{
	(void)state;
	expect("contacts.xls", sheet("Contacts"), "Contacts", CONTACTS);
}

static void test_second_sheet(void **state)
{
	(void)state;
	expect("contacts.xls", sheet("Second"), "Second",
	       "1:[Name][Phone]\n2:[Dave][447911123459]\n");
	expect("contacts.xls", sheet("3"), "Second",
	       "1:[Name][Phone]\n2:[Dave][447911123459]\n");
	expect("contacts.xls", sheet("contacts"), "Contacts", CONTACTS);
	expect("contacts.xls", sheet("2"), "Contacts", CONTACTS);
}

/* FreeXL does not say which sheets are hidden: the first one is read,
 * though LibreOffice wrote it hidden. */
static void test_hidden_sheet_not_known(void **state)
{
	(void)state;
	expect("contacts.xls", NULL, "Hidden", "1:[secret]\n");
}

static void test_from_csv(void **state)
{
	(void)state;
	expect("from_csv.xls", NULL, "from_csv",
	       "1:[Name][Phone][Born][Note]\n"
	       "2:[Alice][447911123456][2024-03-01][Hello, \"world\"]\n"
	       "4:[Bob][447911123457][1999-12-31][plain]\n");
}

/*
 * Booleans and error constants as two programs write them
 * (tests/fixtures/exports/make-booleans.py): xlwt as BOOLERR records,
 * LibreOffice as the formulas =TRUE() and =FALSE() with a cached result
 * (which FreeXL skips: they read as empty before). Booleans read as TRUE
 * and FALSE, the error constants #N/A and #NULL! as empty cells (FreeXL
 * gives 1 and 0, as if they were booleans).
 */
static void test_booleans(void **state)
{
	static const char *const files[] = { "../exports/optout-booleans-xlwt.xls",
					     "../exports/optout-booleans-libreoffice.xls" };
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++)
		expect(files[i], NULL, "Contacts",
		       "1:[Phone][Name][Opted Out][VIP]\n"
		       "2:[+447911123401][Ann][TRUE][TRUE]\n"
		       "3:[+447911123402][Bob][FALSE][FALSE]\n"
		       "4:[+447911123403][Cy][][TRUE]\n"
		       "5:[+447911123404][Di][][FALSE]\n"
		       "6:[+447911123405][Ed]\n"
		       "7:[+447911123406][Fay][yes]\n"
		       "8:[+447911123407][Gus][1][0]\n"
		       "9:[+447911123408][Hal][0][1]\n");
}

/* FreeXL skips formula records: B1 to D1 come back empty. */
static void test_formulas_empty(void **state)
{
	(void)state;
	expect("formulas.xls", NULL, "Formulas",
	       "1:[447911123456][][][][0][-2.5][1E-07][end]\n");
}

/* FreeXL rounds times to the second without carrying: 23:59:59.9 comes
 * as "24:00:00" and is carried into the next day here. */
static void test_times_rounded_to_midnight(void **state)
{
	(void)state;
	expect("times.xls", NULL, "Times",
	       "1:[2024-03-01T00:00:00][2024-02-29T00:00:00][2024-01-01T00:00:00]"
	       "[00:00:00][13:45:30]\n");
}

static void test_missing_sheet(void **state)
{
	char *path = fixture("contacts.xls");

	(void)state;
	expect_error(path, sheet("Nope"), ERR_NOT_FOUND,
		     "'t.xls': no sheet 'Nope' (sheets: 'Hidden', 'Contacts', 'Second')");
	expect_error(path, sheet("4"), ERR_NOT_FOUND,
		     "'t.xls': no sheet '4' (sheets: 'Hidden', 'Contacts', 'Second')");
	free(path);
}

static void test_limits(void **state)
{
	struct sheet_opts o = { .sheet = "Contacts", .max_cells = 4 };
	char *path = fixture("contacts.xls");

	(void)state;
	expect_error(path, &o, ERR_LIMIT,
		     "'t.xls' sheet 'Contacts' cell E1: more than 4 cells in the row");
	o.max_cells = 0;
	o.max_row_bytes = 20;
	expect_error(path, &o, ERR_LIMIT,
		     "'t.xls' sheet 'Contacts' cell B2: row is larger than 20 bytes");
	free(path);
}

static void test_password_protected(void **state)
{
	char *path = fixture("protected.xls");

	(void)state;
	expect_error(path, NULL, ERR_FORMAT, "'t.xls' is password-protected");
	free(path);
}

/* A DIMENSION record claiming 16M rows: FreeXL answers FREEXL_OK with
 * no handle. */
static void test_crafted(void **state)
{
	char *path = fixture("crafted.xls");

	(void)state;
	expect_error(path, NULL, ERR_FORMAT,
		     "cannot read 't.xls': not a valid .xls workbook (corrupt, crafted or encrypted)");
	free(path);
}

/* The whole file at path (new), its size in *n. */
static void *read_file(const char *path, long *n)
{
	FILE *fp = fopen(path, "rb");
	void *data;

	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	*n = ftell(fp);
	rewind(fp);
	data = malloc((size_t)*n);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)*n, fp), (size_t)*n);
	fclose(fp);
	return data;
}

static void write_file(const char *path, const void *data, size_t n)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

static void test_not_xls(void **state)
{
	char path[] = "/tmp/test_xlsin_XXXXXX";
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	write_file(path, "Name,Phone\nAlice,1\n", 19);
	expect_error(path, NULL, ERR_FORMAT,
		     "cannot read 't.xls': not a valid .xls workbook (truncated or unreadable)");
	write_file(path, "", 0);
	expect_error(path, NULL, ERR_FORMAT,
		     "cannot read 't.xls': not a valid .xls workbook (truncated or unreadable)");
	unlink(path);
}

/* Cut anywhere, a workbook gives an error or its rows (a cut in unused
 * trailing sectors), never a crash. */
static void test_truncated(void **state)
{
	char tmp[] = "/tmp/test_xlsin_XXXXXX";
	char *path = fixture("contacts.xls"), *data, *got;
	struct result res;
	long n, cut;
	int fd = mkstemp(tmp);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	data = read_file(path, &n);
	for (cut = 0; cut < n; cut += 61) {
		write_file(tmp, data, (size_t)cut);
		got = dump_file(tmp, NULL, &res);
		if (res.end != ERR_FORMAT && res.end != ERR_NOT_FOUND)
			fail_msg("cut at %ld: %s %s", cut, err_name(res.end),
				 res.info.msg);
		free(got);
	}
	unlink(tmp);
	free(data);
	free(path);
}

/* Found by fuzz_xlsin: FreeXL 1.0.6 converts a directory entry's name with
 * the length the entry claims, unchecked, reading far past its buffer (an
 * ASan report; without ASan, garbage or a crash). Such a file is refused
 * before FreeXL sees it. */
static void test_directory_name_too_long(void **state)
{
	char tmp[] = "/tmp/test_xlsin_XXXXXX";
	char *path = fixture("contacts.xls");
	unsigned char *data;
	size_t ss, at;
	long n;
	int fd = mkstemp(tmp);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	data = read_file(path, &n);
	ss = (size_t)1 << (data[30] | data[31] << 8);
	at = (data[48] | data[49] << 8 | (size_t)data[50] << 16 | (size_t)data[51] << 24) + 1;
	at = at * ss + 128 + 64;	/* the second entry's name length */
	assert_true(at + 2 <= (size_t)n);
	data[at] = 0x00;
	data[at + 1] = 0x2b;	/* 11008 bytes */
	write_file(tmp, data, (size_t)n);
	expect_error(tmp, NULL, ERR_FORMAT,
		     "cannot read 't.xls': not a valid .xls workbook (corrupt directory entry)");
	unlink(tmp);
	free(data);
	free(path);
}

static void expect_crash_file(const char *file, const char *msg)
{
	const char *top = getenv("CONTACTSYNC_TOP");
	char *path;

	assert_true(asprintf(&path, "%s/tests/fuzz/crashes/xlsin/%s", top ? top : ".", file) > 0);
	expect_error(path, NULL, ERR_FORMAT, msg);
	free(path);
}

/* Found by fuzz_xlsin: a 7 KB workbook on which FreeXL 1.0.6 dies of
 * SIGSEGV inside freexl_open (so did `contactsync import`): a sheet's
 * second DIMENSION record, empty, which FreeXL reads from the bytes of the
 * record before. Refused before FreeXL reads it (the child process that
 * loads every workbook first would refuse it too, as it did before). */
static void test_freexl_crash_refused(void **state)
{
	(void)state;
	expect_crash_file("freexl-segv",
			  "cannot read 't.xls': not a valid .xls workbook (a sheet with a wrong or second "
			  "DIMENSION record at byte 3028 of the workbook stream)");
	expect_crash_file("freexl-dimensions-leak",
			  "cannot read 't.xls': not a valid .xls workbook (a sheet with a wrong or second "
			  "DIMENSION record at byte 3449 of the workbook stream)");
	/* Found by make fuzz-freexl: FreeXL sizes every sheet without one as
	 * if it were the active sheet, leaking and emptying that one */
	expect_crash_file("freexl-sheet-without-dimension-leak",
			  "cannot read 't.xls': not a valid .xls workbook (a sheet without its DIMENSION "
			  "record at byte 2057 of the workbook stream); FreeXL cannot read it: save it as XLSX");
}

/* Found by fuzz_xlsin: a FORMAT record whose text claims more characters
 * than the record holds; FreeXL 1.0.6 copied up to 128 KB from past its
 * record buffer into the text (an ASan report; without ASan, other heap
 * memory imported as a cell). Refused before FreeXL reads it. */
static void test_text_past_record_refused(void **state)
{
	(void)state;
	expect_crash_file("freexl-heap-overread-1",
			  "cannot read 't.xls': not a valid .xls workbook (a text runs past its record "
			  "at byte 429 of the workbook stream)");
	expect_crash_file("freexl-heap-overread-2",
			  "cannot read 't.xls': not a valid .xls workbook (a text runs past its record "
			  "at byte 382 of the workbook stream)");
}

/*
 * Numbers through their cell format, as python3-xlwt writes them
 * (tests/fixtures/numfmt/make-numfmt-xls.py: FORMAT records from id 164,
 * #,##0 and 0.00 by their built-in ids; RK records for 1234567, 5550123,
 * 42, 18.5 and -5, NUMBER for the others). Each
 * expectation read off the format code: "+"0 puts a + before the digits,
 * 0########## pads to 10 digits with a leading 0, [<=9999999]###-####
 * takes 7 digits and (###) ###-#### the larger one, #,##0 groups by three,
 * 000000 pads to 6, 0.0% is 25.6, \+0 and "tel: "0 are literals before
 * the digits, 0.00 shows 2 decimals, 0;(0) puts a negative in parentheses
 * without its sign; General as before (0.1+0.2 as 0.3, 1/3 to 15 digits).
 */
static void test_number_formats_xlwt(void **state)
{
	(void)state;
	expect("../numfmt/numfmt-xlwt.xls", NULL, "Contacts",
	       "1:[Phone][Name][Value]\n"
	       "2:[+447911100001][plus49][+4915123456781]\n"
	       "3:[+447911100002][it_zero][0612345677]\n"
	       "4:[+447911100003][us_cond][(202) 555-0123]\n"
	       "5:[+447911100004][us_short][555-0123]\n"
	       "6:[+447911100005][noise][0.3]\n"
	       "7:[+447911100006][thousands][1,234,567]\n"
	       "8:[+447911100007][pad6][000042]\n"
	       "9:[+447911100008][percent][25.6%]\n"
	       "10:[+447911100009][esc_plus][+4915123456781]\n"
	       "11:[+447911100010][tel][tel: 4915123456781]\n"
	       "12:[+447911100011][dec2][18.50]\n"
	       "13:[+447911100012][neg_paren][(5)]\n"
	       "14:[+447911100013][integer][447400123456]\n"
	       "15:[+447911100014][third][0.333333333333333]\n");
}

/* ---- crafted workbook streams --------------------------------------- */

struct stream {
	unsigned char *p;
	size_t n;
};

static void put(struct stream *s, const void *data, size_t n)
{
	if (n == 0)
		return;	/* an empty record's body may be NULL */
	s->p = realloc(s->p, s->n + n);
	assert_non_null(s->p);
	memcpy(s->p + s->n, data, n);
	s->n += n;
}

static void put_le(struct stream *s, unsigned long long v, int n)
{
	unsigned char b[8];
	int i;

	for (i = 0; i < n; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	put(s, b, (size_t)n);
}

/* A record: its type, its size, its n bytes of body. */
static void record(struct stream *s, unsigned type, const void *body, size_t n)
{
	put_le(s, type, 2);
	put_le(s, n, 2);
	put(s, body, n);
}

static size_t le(unsigned char *b, size_t at, unsigned long long v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		b[at + (size_t)i] = (unsigned char)(v >> (8 * i));
	return at + (size_t)n;
}

static void bof(struct stream *s, unsigned version, unsigned kind)
{
	unsigned char b[16] = { 0 };

	le(b, le(b, 0, version, 2), kind, 2);
	record(s, 0x0809, b, version == 0x0600 ? 16 : 8);
}

/* A FORMAT record: BIFF8 with a Latin-1 XLUnicodeString (wide = 0) or a
 * UTF-16 one (wide = 1), BIFF5 with a byte count. */
static void format(struct stream *s, int biff8, unsigned id, const char *code, int wide)
{
	unsigned char b[300];
	size_t n = le(b, 0, id, 2), len = strlen(code), i;

	if (biff8) {
		n = le(b, n, len, 2);
		b[n++] = (unsigned char)wide;
	} else {
		b[n++] = (unsigned char)len;
	}
	for (i = 0; i < len; i++)
		n = le(b, n, (unsigned char)code[i], wide ? 2 : 1);
	record(s, 0x041E, b, n);
}

static void xf(struct stream *s, int biff8, unsigned ifmt)
{
	unsigned char b[20] = { 0 };

	le(b, 2, ifmt, 2);
	record(s, 0x00E0, b, biff8 ? 20 : 16);
}

/* RK values (MS-XLS 2.5.217): an integer in the 30 high bits (fInt, bit
 * 1), hundredths when bit 0 (fX100) is set too. */
static unsigned long rk_int(long v)
{
	return ((unsigned long)v << 2) | 2;
}

static unsigned long rk_hundredths(long v)
{
	return ((unsigned long)v << 2) | 3;
}

/*
 * A workbook stream with one sheet "Formats" of two rows: A1 a NUMBER,
 * B1 and C1 RK records, A2:E2 one MULRK record. XFs: 0 General, 1 "+"0,
 * 2 000000 (a UTF-16 code in BIFF8), 3 the built-in #,##0 (id 3), 4 the
 * built-in date m/d/yy (id 14), 5 the US condition, 6 0.00E+00 (not
 * rendered), 7 the built-in 0.00 (id 2).
 */
static void formats_workbook(struct stream *s, int biff8)
{
	static const unsigned xf_fmt[] = { 0, 164, 165, 3, 14, 166, 167, 2 };
	static const unsigned long mulrk[][2] = {
		{ 0, 7 * 4 + 2 }, { 3, 1234567 * 4 + 2 }, { 4, 45352 * 4 + 2 },
		{ 5, 5550123 * 4 + 2 }, { 6, 50 * 4 + 3 },
	};
	unsigned char b[64];
	size_t i, n, sheet_at;
	double phone = 4915123456781.0;
	uint64_t bits;

	bof(s, biff8 ? 0x0600 : 0x0500, 0x0005);
	le(b, 0, biff8 ? 1200 : 1252, 2);	/* CODEPAGE: UTF-16, Windows-1252 */
	record(s, 0x0042, b, 2);
	format(s, biff8, 164, "\"+\"0", 0);
	format(s, biff8, 165, "000000", biff8);
	format(s, biff8, 166, "[<=9999999]###-####;(###) ###-####", 0);
	format(s, biff8, 167, "0.00E+00", 0);
	for (i = 0; i < sizeof(xf_fmt) / sizeof(xf_fmt[0]); i++)
		xf(s, biff8, xf_fmt[i]);
	/* BOUNDSHEET: where the sheet's BOF will be */
	n = le(b, 0, 0, 4);
	b[n++] = 0;
	b[n++] = 0;
	b[n++] = 7;
	if (biff8)
		b[n++] = 0;
	memcpy(b + n, "Formats", 7);
	sheet_at = s->n + 4;
	record(s, 0x0085, b, n + 7);
	record(s, 0x000A, NULL, 0);
	le(s->p, sheet_at, s->n, 4);

	bof(s, biff8 ? 0x0600 : 0x0500, 0x0010);
	if (biff8)
		n = le(b, le(b, le(b, le(b, le(b, 0, 0, 4), 2, 4), 0, 2), 5, 2), 0, 2);
	else
		n = le(b, le(b, le(b, le(b, le(b, 0, 0, 2), 2, 2), 0, 2), 5, 2), 0, 2);
	record(s, 0x0200, b, n);
	memcpy(&bits, &phone, 8);
	n = le(b, le(b, le(b, le(b, 0, 0, 2), 0, 2), 1, 2), bits, 8);
	record(s, 0x0203, b, n);				/* A1: NUMBER, "+"0 */
	n = le(b, le(b, le(b, le(b, 0, 0, 2), 1, 2), 2, 2), rk_int(42), 4);
	record(s, 0x027E, b, n);				/* B1: RK, 000000 */
	n = le(b, le(b, le(b, le(b, 0, 0, 2), 2, 2), 7, 2), rk_hundredths(1850), 4);
	record(s, 0x027E, b, n);				/* C1: RK 18.5, 0.00 */
	n = le(b, le(b, 0, 1, 2), 0, 2);			/* A2:E2: MULRK */
	for (i = 0; i < sizeof(mulrk) / sizeof(mulrk[0]); i++)
		n = le(b, le(b, n, mulrk[i][0], 2), mulrk[i][1], 4);
	n = le(b, n, 4, 2);
	record(s, 0x00BD, b, n);
	record(s, 0x000A, NULL, 0);
}

/* The stream in a compound file at a new temporary path (free it). */
static char *workbook_file(const struct stream *s)
{
	char *path = strdup("/tmp/test_xlsin_XXXXXX");
	struct errinfo info;
	int fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(cfb_write_stream(fd, "t.xls", "Workbook", s->p, s->n, &info), ERR_OK);
	close(fd);
	return path;
}

/*
 * The crafted workbook, BIFF8 and BIFF5, read through xlsin: each number
 * through its format, by hand: "+"0 gives +4915123456781; 000000 pads 42
 * to 000042; 0.00 shows the RK hundredths 1850 as 18.50; General leaves 7;
 * #,##0 groups 1234567 as 1,234,567; the date format is FreeXL's (serial
 * 45352 is 2024-03-01); 5550123 is at most 9999999, so ###-#### gives
 * 555-0123; 0.00E+00 is not rendered: 0.5 as before.
 */
static void test_number_formats_crafted(void **state)
{
	int biff8;

	(void)state;
	for (biff8 = 1; biff8 >= 0; biff8--) {
		struct stream s = { NULL, 0 };
		struct result res;
		char *path, *got;

		formats_workbook(&s, biff8);
		path = workbook_file(&s);
		got = dump_file(path, NULL, &res);
		if (res.end != ERR_NOT_FOUND)
			fail_msg("BIFF%d: %s: %s", biff8 ? 8 : 5, err_name(res.end), res.info.msg);
		assert_string_equal(res.sheet, "Formats");
		assert_string_equal(got, "1:[+4915123456781][000042][18.50]\n"
					 "2:[7][1,234,567][2024-03-01][555-0123][0.5]\n");
		unlink(path);
		free(path);
		free(got);
		free(s.p);
	}
}

/* What biff noted of the crafted workbook: the cells whose format numfmt
 * renders, with their codes (the UTF-16 one made UTF-8), and no other. */
static void test_biff_notes(void **state)
{
	static const struct {
		unsigned row, col;
		const char *code;
	} want[] = {
		{ 0, 0, "\"+\"0" }, { 0, 1, "000000" }, { 0, 2, "0.00" },
		{ 1, 0, NULL }, { 1, 1, "#,##0" }, { 1, 2, NULL },
		{ 1, 3, "[<=9999999]###-####;(###) ###-####" }, { 1, 4, NULL },
	};
	struct stream s = { NULL, 0 };
	struct biff_notes *bn;
	struct errinfo info;
	const struct biff_cell *c;
	size_t next, i;

	(void)state;
	formats_workbook(&s, 1);
	assert_int_equal(biff_check(&bn, "t.xls", s.p, s.n, &info), ERR_OK);
	assert_non_null(bn);
	next = biff_rewind(bn, 0);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		c = biff_cell_at(bn, &next, 0, want[i].row, want[i].col);
		if (!want[i].code) {
			assert_null(c);
			continue;
		}
		assert_non_null(c);
		assert_int_equal(c->what, BIFF_NUMFMT);
		assert_string_equal(biff_format(bn, c), want[i].code);
	}
	assert_null(biff_cell_at(bn, &next, 1, 0, 0));
	biff_notes_free(bn);
	free(s.p);
}

/* Past BIFF_MAX_CELLS formatted numbers (MULRK records of 1000 cells
 * with the format "+"0) the workbook is refused, naming the file. */
static void test_biff_notes_bounded(void **state)
{
	struct stream s = { NULL, 0 }, sheet = { NULL, 0 };
	struct biff_notes *bn = NULL;
	struct errinfo info;
	unsigned char *b = malloc(6 + 6 * 1000);
	size_t rows = BIFF_MAX_CELLS / 1000 + 1, r, i, n;

	(void)state;
	assert_non_null(b);
	formats_workbook(&sheet, 1);
	/* the crafted workbook up to its sheet's last EOF, then the rows */
	put(&s, sheet.p, sheet.n - 4);
	for (r = 0; r < rows; r++) {
		n = le(b, le(b, 0, r + 2, 2), 0, 2);
		for (i = 0; i < 1000; i++)
			n = le(b, le(b, n, 1, 2), rk_int(1), 4);
		n = le(b, n, 999, 2);
		record(&s, 0x00BD, b, n);
	}
	record(&s, 0x000A, NULL, 0);
	assert_int_equal(biff_check(&bn, "t.xls", s.p, s.n, &info), ERR_LIMIT);
	assert_null(bn);
	assert_string_equal(info.msg, "'t.xls': more than 4194304 boolean, error and "
				      "formatted number cells; save it as XLSX");
	free(b);
	free(s.p);
	free(sheet.p);
}

static void test_missing_file(void **state)
{
	struct errinfo info;
	struct xlsin *r;

	(void)state;
	assert_int_equal(xlsin_open(&r, "/nonexistent/x.xls", NULL, NULL, &info),
			 ERR_IO);
	assert_null(r);
	assert_string_equal(info.msg,
			    "cannot open '/nonexistent/x.xls': No such file or directory");
}

static void test_error_is_final(void **state)
{
	struct sheet_opts o = { .sheet = "Contacts", .max_cells = 4 };
	char *path = fixture("contacts.xls");
	struct errinfo info;
	struct xlsin *r;
	struct row row;

	(void)state;
	assert_int_equal(xlsin_open(&r, path, NULL, &o, &info), ERR_OK);
	assert_int_equal(xlsin_next(r, &row, &info), ERR_LIMIT);
	assert_int_equal(xlsin_next(r, &row, &info), ERR_LIMIT);
	assert_non_null(strstr(info.msg, "cannot read on after an error"));
	xlsin_close(r);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_contacts),
		cmocka_unit_test(test_second_sheet),
		cmocka_unit_test(test_hidden_sheet_not_known),
		cmocka_unit_test(test_from_csv),
		cmocka_unit_test(test_booleans),
		cmocka_unit_test(test_formulas_empty),
		cmocka_unit_test(test_times_rounded_to_midnight),
		cmocka_unit_test(test_missing_sheet),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_password_protected),
		cmocka_unit_test(test_crafted),
		cmocka_unit_test(test_directory_name_too_long),
		cmocka_unit_test(test_freexl_crash_refused),
		cmocka_unit_test(test_not_xls),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_text_past_record_refused),
		cmocka_unit_test(test_number_formats_xlwt),
		cmocka_unit_test(test_number_formats_crafted),
		cmocka_unit_test(test_biff_notes),
		cmocka_unit_test(test_biff_notes_bounded),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_error_is_final),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
