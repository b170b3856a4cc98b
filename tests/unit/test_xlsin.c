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
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_error_is_final),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
