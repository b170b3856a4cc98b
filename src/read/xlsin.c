/*
 * xlsin: legacy Excel workbooks (.xls, BIFF2-BIFF8) through FreeXL.
 *
 * Not streaming: freexl_open reads the whole workbook before the first
 * row. What FreeXL (1.0.6) holds, measured:
 *   - for every sheet, not only the one read, an array of 16 bytes per
 *     cell of the range its DIMENSION record claims (rows x columns,
 *     touched at once to mark every cell empty), plus a malloc'd copy of
 *     every text, date and time cell and every shared string. A full
 *     BIFF8 sheet (65536 x 256) costs about 270 MB whatever it holds: a
 *     5 KB file that claims that much for one sheet made FreeXL use 264
 *     MB, and a file with many such sheets would take that many times
 *     more. FreeXL refuses claims beyond 65536 rows (see below), and
 *     check_claims adds up the claims of all sheets before FreeXL loads
 *     anything (its own "info" mode allocates just the same).
 *   - freexl_open returns FREEXL_OK with a NULL handle for some crafted
 *     files (such as a DIMENSION claiming more than 65536 rows) and for
 *     RC4-encrypted ones, and a non-NULL handle to be closed when it
 *     fails to open the file.
 *
 * What FreeXL 1.0.6 cannot tell us, and what this reader does about it:
 *   - sheet visibility: the BOUNDSHEET flag is read but not exposed, so
 *     without opts->sheet the first sheet is read even when it is hidden
 *     (Excel and LibreOffice put hidden helper sheets after the data far
 *     more often than first). A hidden sheet can be chosen by name, as
 *     in the other readers.
 *   - formulas: FORMULA records are skipped, so cells holding a formula
 *     read as empty where LibreOffice's CSV would hold the cached value.
 *     LibreOffice writes every boolean cell to .xls as the formula =TRUE()
 *     or =FALSE(), so its booleans came out empty (an opt-out column
 *     imported as unknown with exit 0): a formula whose cached result is
 *     a boolean is read here (biff.h) as TRUE or FALSE. Other cached
 *     results (numbers, text) still read as empty.
 *   - booleans and error constants (BOOLERR records) arrive as the
 *     integers 1 and 0 (an error constant as 1, #NULL! as 0, as if it were
 *     a boolean): they are read here instead, booleans as TRUE and FALSE
 *     as the other readers give them, error constants as empty cells as
 *     the other readers do.
 *   - number formats: FreeXL reads them only to tell dates and times
 *     (which it writes as text) from numbers, and gives every other number
 *     bare, so "+"0 showed 4915123456781 and 000000 showed 42. biff.c
 *     reads the FORMAT and XF records and notes the NUMBER, RK and MULRK
 *     cells whose format numfmt renders; they read as LibreOffice's "as
 *     shown" CSV holds them (+4915123456781, 000042), as in the XLSX
 *     reader. A workbook with more than BIFF_MAX_CELLS such cells,
 *     booleans and error constants is refused (save it as XLSX).
 *   - encryption: when FreeXL gets past a FILEPASS record (it reads the
 *     records after it as if they were plain), freexl_get_info
 *     (FREEXL_BIFF_PASSWORD) answers something other than
 *     FREEXL_BIFF_PLAIN, which is reported as password-protected (older
 *     FreeXL answered garbage there instead of FREEXL_BIFF_OBFUSCATED). A
 *     real RC4-encrypted workbook from LibreOffice makes freexl_open
 *     fail instead, and is reported as unreadable here: the importer
 *     recognises it before (filekind_detect) and says why.
 *
 * Cells as the other readers give them (cellfmt): numbers through their
 * format (numfmt, above), else cellfmt_number; FreeXL turns numbers with
 * a date or time format into text itself ("2024-03-01", "2024-03-01
 * 13:45:00", "13:45:00"), which is made ISO 8601 ("2024-03-01T13:45:00"),
 * with FreeXL's rounding to "24:00:00" carried into the next day as
 * cellfmt_serial does; text is UTF-8 from FreeXL. Rows are read one at a
 * time from FreeXL's array: only non-empty ones are returned, with their
 * real number, cells at their columns, trailing empty cells dropped.
 */
#include "read/xlsin.h"

#include <errno.h>
#include <signal.h>
#include <freexl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "read/biff.h"
#include "read/cellfmt.h"
#include "read/cfb.h"
#include "read/numfmt.h"
#include "reader.h"
#include "read/sheet.h"

#define DEFAULT_MAX_ROW ((size_t)16 << 20)
#define DEFAULT_MAX_CELLS 20000

struct xlsin {
	const void *xl;		/* FreeXL handle */
	char *name;
	const char *sheet;	/* FreeXL's, valid until freexl_close */
	unsigned rows;
	unsigned short cols;
	unsigned next;		/* 0-based row to look at next */
	size_t max_row;
	size_t max_cells;
	enum err failed;

	/* The row handed out. */
	struct rowbuf rb;
	size_t row_bytes;

	struct biff_notes *notes;	/* cells FreeXL reads wrong (NULL: none) */
	size_t nnext;		/* biff_cell_at's cursor */
	unsigned cur;		/* the sheet being read, 0-based */
	unsigned nsheets;
};

/* Every error the reader returns is sticky (r->failed). */
#define fail(r, info, ...) reader_fail(&(r)->failed, info, __VA_ARGS__)

/* "B7" for 0-based column col of 1-based row rowno. */
static void cell_name(char *out, size_t cap, unsigned col, unsigned long rowno)
{
	char letters[8];
	size_t n = 0, i;

	col++;
	while (col > 0 && n < sizeof(letters)) {
		letters[n++] = (char)('A' + (col - 1) % 26);
		col = (col - 1) / 26;
	}
	for (i = 0; i < n && i + 1 < cap; i++)
		out[i] = letters[n - 1 - i];
	snprintf(out + i, cap - i, "%lu", rowno);
}

__attribute__((format(printf, 5, 6)))
static enum err cell_fail(struct xlsin *r, struct errinfo *info, enum err code,
			  unsigned col, const char *fmt, ...)
{
	char where[24], msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cell_name(where, sizeof(where), col, (unsigned long)r->next + 1);
	return fail(r, info, code, "'%s' sheet '%s' cell %s: %s", r->name,
		    r->sheet, where, msg);
}

static const char *freexl_reason(int rc)
{
	switch (rc) {
	case FREEXL_INVALID_CFBF_HEADER:
	case FREEXL_CFBF_INVALID_SIGNATURE:
		return "not an OLE2 compound file";
	case FREEXL_CFBF_READ_ERROR:
	case FREEXL_CFBF_SEEK_ERROR:
		return "truncated or unreadable";
	case FREEXL_BIFF_WORKBOOK_NOT_FOUND:
		return "no Workbook stream";
	case FREEXL_BIFF_INVALID_BOF:
		return "no BIFF workbook inside";
	case FREEXL_UNSUPPORTED_CHARSET:
		return "unsupported code page";
	case FREEXL_INVALID_CHARACTER:
		return "invalid text";
	default:
		return "corrupt";
	}
}

/* ---- dates ----------------------------------------------------------- */

static int is_leap(long y)
{
	/* Excel's 1900 system, which FreeXL follows, has a 1900-02-29. */
	return y == 1900 || (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}

static int days_in(long y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31 };

	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Digits of s[0..n) as a number; -1 if any is not a digit. */
static long num(const char *s, int n)
{
	long v = 0;

	for (; n > 0; n--, s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/*
 * FreeXL's "YYYY-MM-DD HH:MM:SS" as "YYYY-MM-DDTHH:MM:SS", and its
 * "HH:MM:SS" with 24:00:00 (a time rounded up to midnight) as 00:00:00 of
 * the next day. Anything else is passed through. Returns the length.
 */
static size_t fmt_datetime(const char *s, int kind, char *out)
{
	size_t len = strlen(s);
	long y, mo, d;

	if (kind == FREEXL_CELL_TIME) {
		if (len == 8 && strncmp(s, "24:", 3) == 0)
			return (size_t)snprintf(out, CELLFMT_MAX, "00:%s",
						s + 3);
		return (size_t)snprintf(out, CELLFMT_MAX, "%s", s);
	}
	if (kind != FREEXL_CELL_DATETIME || len != 19 || s[10] != ' ')
		return (size_t)snprintf(out, CELLFMT_MAX, "%s", s);
	y = num(s, 4);
	mo = num(s + 5, 2);
	d = num(s + 8, 2);
	if (strncmp(s + 11, "24:", 3) != 0 || y < 0 || mo < 1 || mo > 12 ||
	    d < 1)
		return (size_t)snprintf(out, CELLFMT_MAX, "%.10sT%s", s,
					s + 11);
	if (d >= days_in(y, (int)mo)) {
		d = 1;
		if (++mo > 12) {
			mo = 1;
			y++;
		}
	} else {
		d++;
	}
	return (size_t)snprintf(out, CELLFMT_MAX, "%04ld-%02ld-%02ldT00:%s", y,
				mo, d, s + 14);
}

/* ---- rows ------------------------------------------------------------ */

/* The text of one cell (borrowed from FreeXL or written into tmp). */
static const char *cell_text(const FreeXL_CellValue *v, char *tmp, size_t *n)
{
	switch (v->type) {
	case FREEXL_CELL_INT:
		*n = cellfmt_number((double)v->value.int_value, tmp);
		return tmp;
	case FREEXL_CELL_DOUBLE:
		*n = cellfmt_number(v->value.double_value, tmp);
		return tmp;
	case FREEXL_CELL_TEXT:
	case FREEXL_CELL_SST_TEXT:
		if (!v->value.text_value)
			break;
		*n = strlen(v->value.text_value);
		return v->value.text_value;
	case FREEXL_CELL_DATE:
	case FREEXL_CELL_DATETIME:
	case FREEXL_CELL_TIME:
		if (!v->value.text_value)
			break;
		*n = fmt_datetime(v->value.text_value, v->type, tmp);
		return tmp;
	}
	*n = 0;
	return "";
}

/* The number FreeXL gave for the cell through the format biff noted for
 * it, into tmp (NUMFMT_MAX bytes); the length, or -1 if not rendered. */
static int render(const struct xlsin *r, const struct biff_cell *x, const FreeXL_CellValue *v,
		  char *tmp)
{
	double d;

	if (v->type == FREEXL_CELL_INT)
		d = (double)v->value.int_value;
	else if (v->type == FREEXL_CELL_DOUBLE)
		d = v->value.double_value;
	else
		return -1;	/* a date or time FreeXL wrote as text */
	return numfmt_render(biff_format(r->notes, x), d, tmp);
}

/* The cell at column col of row r->next as this reader knows it (biff.h)
 * when FreeXL reads it wrong: a boolean as TRUE or FALSE, an error
 * constant as empty, a number through its format. An entry is used only
 * where FreeXL gave what it gives for that record (an integer for
 * BOOLERR, nothing for a formula, a number for NUMBER, RK and MULRK),
 * which bounds what a wrong guess about a record's sheet could change. */
static void fixed_cell(struct xlsin *r, unsigned short col, const FreeXL_CellValue *v,
		       char *tmp, const char **s, size_t *n)
{
	const struct biff_cell *x = biff_cell_at(r->notes, &r->nnext, r->cur, r->next, col);
	int len;

	if (!x)
		return;
	if (x->what == BIFF_NUMFMT) {
		if ((len = render(r, x, v, tmp)) < 0)
			return;
		*s = tmp;
		*n = (size_t)len;
		return;
	}
	if (v->type != (x->from_formula ? FREEXL_CELL_NULL : FREEXL_CELL_INT))
		return;
	*s = x->what == BIFF_TRUE ? "TRUE" : x->what == BIFF_FALSE ? "FALSE" : "";
	*n = strlen(*s);
}

/* Stores the non-empty cell at col after the empty ones before it. */
static enum err put_cell(struct xlsin *r, unsigned col, const char *s, size_t n,
			 struct errinfo *info)
{
	enum err e = ERR_OK;

	if (col >= r->max_cells)
		return cell_fail(r, info, ERR_LIMIT, col,
				 "more than %zu cells in the row",
				 r->max_cells);
	if (n > r->max_row - r->row_bytes)
		return cell_fail(r, info, ERR_LIMIT, col,
				 "row is larger than %zu bytes", r->max_row);
	r->row_bytes += n;
	while (!e && r->rb.ncells < col)
		e = rowbuf_add(&r->rb, "", 0);
	if (!e)
		e = rowbuf_add(&r->rb, s, n);
	if (e)
		return cell_fail(r, info, e, col, "%s", err_str(e));
	return ERR_OK;
}

/* Reads row r->next into the cell buffer. */
static enum err read_row(struct xlsin *r, struct errinfo *info)
{
	FreeXL_CellValue v;
	char tmp[NUMFMT_MAX > CELLFMT_MAX ? NUMFMT_MAX : CELLFMT_MAX];
	const char *s;
	unsigned short c;
	size_t n;
	enum err e;
	int rc;

	rowbuf_reset(&r->rb);
	r->row_bytes = 0;
	for (c = 0; c < r->cols; c++) {
		rc = freexl_get_cell_value(r->xl, r->next, c, &v);
		if (rc != FREEXL_OK)
			return cell_fail(r, info, ERR_FORMAT, c,
					 "cannot read the cell (FreeXL error %d)", rc);
		s = cell_text(&v, tmp, &n);
		fixed_cell(r, c, &v, tmp, &s, &n);
		if (n > 0 && (e = put_cell(r, c, s, n, info)))
			return e;
	}
	return ERR_OK;
}

enum err xlsin_next(struct xlsin *r, struct row *row, struct errinfo *info)
{
	enum err e;

	if (r->failed)
		return err_set(info, r->failed,
			       "'%s': cannot read on after an error", r->name);
	for (; r->next < r->rows; r->next++) {
		if ((e = read_row(r, info)))
			return e;
		if (r->rb.ncells > 0)
			break;
	}
	if (r->next >= r->rows)
		return err_set(info, ERR_NOT_FOUND, "'%s': no more rows",
			       r->name);
	rowbuf_row(&r->rb, row);
	row->rowno = (unsigned long)r->next + 1;
	row->line = row->rowno;
	row->bad_cell = 0;
	r->next++;
	return ERR_OK;
}

/* ---- opening --------------------------------------------------------- */

static const char *sheet_name(const struct xlsin *r, unsigned i)
{
	const char *name = NULL;

	if (freexl_get_worksheet_name(r->xl, (unsigned short)i, &name) !=
	    FREEXL_OK || !name)
		return "";
	return name;
}

static const char *name_of(const void *r, size_t i)
{
	return sheet_name(r, (unsigned)i);
}

/* Index of the sheet opts asks for: by name (sheet.h), then 1-based
 * number; the first sheet when none is given. */
static long find_sheet(const struct xlsin *r, const char *spec, unsigned n)
{
	unsigned long k = sheet_number(spec);
	long i;

	if (!spec)
		return 0;
	i = sheet_by_name(spec, n, name_of, r);
	if (i >= 0)
		return i;
	return k >= 1 && k <= n ? (long)k - 1 : -1;
}

static enum err no_sheet(struct xlsin *r, const char *spec, unsigned n,
			 struct errinfo *info)
{
	struct buf names;
	enum err e;

	buf_init(&names, 0);
	e = fail(r, info, ERR_NOT_FOUND, "'%s': no sheet '%s' (sheets: %s)",
		 r->name, spec, sheet_list_names(&names, n, name_of, r));
	buf_free(&names);
	return e;
}

static enum err use_sheet(struct xlsin *r, unsigned idx, struct errinfo *info);

/* After freexl_open: encryption, then the sheet. */
static enum err select_sheet(struct xlsin *r, const char *spec,
			     struct errinfo *info)
{
	unsigned n = 0, pw = FREEXL_BIFF_PLAIN;
	long idx;

	if (freexl_get_info(r->xl, FREEXL_BIFF_PASSWORD, &pw) == FREEXL_OK &&
	    pw != FREEXL_BIFF_PLAIN)
		return fail(r, info, ERR_FORMAT, "'%s' is password-protected",
			    r->name);
	if (freexl_get_info(r->xl, FREEXL_BIFF_SHEET_COUNT, &n) != FREEXL_OK ||
	    n == 0)
		return fail(r, info, ERR_NOT_FOUND, "'%s': no sheets", r->name);
	if (n > 65535)
		n = 65535;	/* FreeXL's sheet numbers are unsigned short */
	idx = find_sheet(r, spec, n);
	if (idx < 0)
		return no_sheet(r, spec, n, info);
	r->nsheets = n;
	return use_sheet(r, (unsigned)idx, info);
}

/* Sheet idx becomes the one read, from its first row. */
static enum err use_sheet(struct xlsin *r, unsigned idx, struct errinfo *info)
{
	int rc;

	r->cur = idx;
	r->next = 0;
	r->sheet = sheet_name(r, idx);
	r->nnext = biff_rewind(r->notes, idx);
	rc = freexl_select_active_worksheet(r->xl, (unsigned short)idx);
	if (rc == FREEXL_OK)
		rc = freexl_worksheet_dimensions(r->xl, &r->rows, &r->cols);
	if (rc != FREEXL_OK)
		return fail(r, info, ERR_FORMAT,
			    "'%s' sheet '%s': cannot read it (FreeXL error %d)",
			    r->name, r->sheet, rc);
	return ERR_OK;
}

/*
 * FreeXL allocates 16 bytes for every cell of every sheet's claimed range
 * as it loads a workbook, and freexl_open_info does the same, so the
 * claims are read from the file itself first: every DIMENSIONS record
 * (0x0200; 14 bytes in BIFF8, 10 in BIFF3-5) that is plausible (first <=
 * last, at most 65536 rows and 256 columns, reserved word zero) adds its
 * range. More than XLS_MAX_CELL_BYTES in all is refused before FreeXL
 * sees the file. A record split across two OLE sectors is not seen: this
 * stops oversized and naively crafted files, not one built to dodge it.
 */
#define XLS_MAX_CELL_BYTES ((unsigned long long)1 << 30)

/* Cells claimed by a DIMENSIONS record at p (header included), or 0. */
static unsigned long long claim_at(const unsigned char *p)
{
	unsigned long long r0, r1, c0, c1, reserved;

	if (p[2] == 14) {
		r0 = biff_le(p + 4, 4);
		r1 = biff_le(p + 8, 4);
		c0 = biff_le(p + 12, 2);
		c1 = biff_le(p + 14, 2);
		reserved = biff_le(p + 16, 2);
	} else {
		r0 = biff_le(p + 4, 2);
		r1 = biff_le(p + 6, 2);
		c0 = biff_le(p + 8, 2);
		c1 = biff_le(p + 10, 2);
		reserved = biff_le(p + 12, 2);
	}
	if (reserved || r0 > r1 || c0 > c1 || r1 > 65536 || c1 > 256)
		return 0;
	return r1 * c1;
}

static enum err check_claims(struct xlsin *r, const char *path, struct errinfo *info)
{
	unsigned char chunk[65536 + 18];
	unsigned long long cells = 0;
	size_t keep = 0, n, i;
	FILE *fp = fopen(path, "rb");

	if (!fp)
		return ERR_OK;	/* load reports it */
	while ((n = fread(chunk + keep, 1, sizeof(chunk) - keep, fp)) > 0) {
		size_t len = keep + n;

		for (i = 0; i + 18 <= len; i++)
			if (chunk[i] == 0x00 && chunk[i + 1] == 0x02 && chunk[i + 3] == 0x00 &&
			    (chunk[i + 2] == 14 || chunk[i + 2] == 10))
				cells += claim_at(chunk + i);
		keep = len < 17 ? len : 17;
		memmove(chunk, chunk + len - keep, keep);
	}
	fclose(fp);
	if (cells * 16 > XLS_MAX_CELL_BYTES)
		return fail(r, info, ERR_LIMIT,
			    "'%s': the sheets claim %llu MB of cells, more than the %llu MB a legacy .xls may use; save it as XLSX",
			    r->name, (cells * 16) >> 20, XLS_MAX_CELL_BYTES >> 20);
	return ERR_OK;
}

/*
 * FreeXL 1.0.6 trusts the lengths it finds in the file. Found by
 * fuzz_xlsin: a directory entry whose name claims more than its 64 bytes
 * made it read up to 64 KB past a stack buffer (also when the directory's
 * offset wraps in its 32-bit arithmetic), and string lengths reaching past
 * their record made it copy up to 128 KB past its 8224-byte record buffer
 * into the text of a cell. So FreeXL never sees the file given: cfb reads
 * its workbook stream strictly, biff_check checks the records FreeXL reads
 * strings from (and notes what FreeXL reads wrong), and FreeXL reads a
 * compound file cfb wrote around that stream (in memory), whose container
 * holds nothing to misread.
 */
/*
 * The workbook stream of path, checked, in a new compound file held in
 * memory: its path (for FreeXL) in canon, its descriptor in *fd (close it
 * once FreeXL has opened the path).
 */
static enum err canonical_copy(struct xlsin *r, const char *path, char *canon, size_t cap,
			       int *fd, struct errinfo *info)
{
	static const char *const streams[] = { "Workbook", "Book", NULL };
	unsigned char *data;
	size_t len;
	enum err e;

	*fd = -1;
	e = cfb_read_stream(path, r->name, streams, &data, &len, info);
	if (e) {
		r->failed = e;
		return e;
	}
	e = biff_check(&r->notes, r->name, data, len, info);
	if (!e) {
		*fd = memfd_create("contactsync-xls", MFD_CLOEXEC);
		if (*fd < 0)
			e = fail(r, info, ERR_IO, "cannot read '%s': %s", r->name, strerror(errno));
	}
	if (!e)
		e = cfb_write_stream(*fd, r->name, "Workbook", data, len, info);
	free(data);
	if (e) {
		r->failed = e;
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		return e;
	}
	snprintf(canon, cap, "/proc/self/fd/%d", *fd);
	return ERR_OK;
}

/*
 * FreeXL 1.0.6 crashes on some crafted files (fuzz_xlsin: a 7 KB workbook
 * made `import` die of SIGSEGV inside freexl_open; others read past its
 * heap buffers) and can be made to take gigabytes (six sheets of 65536 x
 * 256 cells that check_claims does not see). So a child process loads the
 * workbook first, and this one only when the child came through: a child
 * killed by a signal (or ended by a sanitizer) means the file is refused,
 * and so does one that grew by more than XLS_PROBE_GROWTH. The load is
 * done twice; legacy workbooks are small.
 */
#define XLS_PROBE_GROWTH (XLS_MAX_CELL_BYTES + ((unsigned long long)256 << 20))
#define PROBE_OK 0
#define PROBE_FREEXL_FAILED 3	/* freexl_open said no: the parent hears why */

static enum err probe_load(struct xlsin *r, const char *path, struct errinfo *info)
{
	struct rusage self, child;
	int status;
	pid_t pid;

	if (getrusage(RUSAGE_SELF, &self))
		self.ru_maxrss = 0;
	pid = fork();
	if (pid < 0)
		return ERR_OK;	/* cannot probe: load it as before */
	if (pid == 0) {
		static const int fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
		const void *xl = NULL;
		size_t i;
		int rc;

		/* a crash is to end the child, not to run a handler inherited
		 * from the parent (a test framework's, a fuzzer's) */
		for (i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
			signal(fatal[i], SIG_DFL);
		rc = freexl_open(path, &xl);

		if (xl)
			freexl_close(xl);
		_exit(rc == FREEXL_OK && xl ? PROBE_OK : PROBE_FREEXL_FAILED);
	}
	while (wait4(pid, &status, 0, &child) < 0)
		if (errno != EINTR)
			return ERR_OK;
	if (!WIFEXITED(status) ||
	    (WEXITSTATUS(status) != PROBE_OK && WEXITSTATUS(status) != PROBE_FREEXL_FAILED))
		return fail(r, info, ERR_FORMAT,
			    "cannot read '%s': not a valid .xls workbook (FreeXL crashed reading it)",
			    r->name);
	/* ru_maxrss in KB; the child starts with what this process holds */
	if ((unsigned long long)child.ru_maxrss >
	    (unsigned long long)self.ru_maxrss + (XLS_PROBE_GROWTH >> 10))
		return fail(r, info, ERR_LIMIT,
			    "'%s': FreeXL needs more than %llu MB to read it; save it as XLSX",
			    r->name, XLS_PROBE_GROWTH >> 20);
	return ERR_OK;
}

static enum err load(struct xlsin *r, const char *path, struct errinfo *info)
{
	const void *xl = NULL;
	char canon[64];
	enum err e;
	int rc, fd;

	e = canonical_copy(r, path, canon, sizeof(canon), &fd, info);
	if (e)
		return e;
	e = check_claims(r, canon, info);
	if (!e)
		e = probe_load(r, canon, info);
	if (e) {
		close(fd);
		return e;
	}
	/* FreeXL opens the path itself and keeps the file until freexl_close */
	rc = freexl_open(canon, &xl);
	close(fd);
	if (rc == FREEXL_OK && xl) {
		r->xl = xl;
		return ERR_OK;
	}
	if (xl)
		freexl_close(xl);
	if (rc == FREEXL_INSUFFICIENT_MEMORY)
		return fail(r, info, ERR_NOMEM,
			    "'%s': out of memory while loading the workbook",
			    r->name);
	/* FreeXL's answer to some crafted files, and to RC4 encryption. */
	if (rc == FREEXL_OK)
		return fail(r, info, ERR_FORMAT,
			    "cannot read '%s': not a valid .xls workbook (corrupt, crafted or encrypted)",
			    r->name);
	return fail(r, info, ERR_FORMAT,
		    "cannot read '%s': not a valid .xls workbook (%s)",
		    r->name, freexl_reason(rc));
}

static void destroy(struct xlsin *r)
{
	if (r->xl)
		freexl_close(r->xl);
	biff_notes_free(r->notes);
	rowbuf_free(&r->rb);
	free(r->name);
	free(r);
}

enum err xlsin_open(struct xlsin **out, const char *path, const char *name,
		    const struct sheet_opts *opts, struct errinfo *info)
{
	static const struct sheet_opts defaults;
	struct xlsin *r;
	enum err e;

	*out = NULL;
	if (!path)
		return err_set(info, ERR_USAGE, "no input file given");
	if (!opts)
		opts = &defaults;
	if (!name)
		name = path;
	r = calloc(1, sizeof(*r));
	if (!r)
		return err_set(info, ERR_NOMEM, "out of memory");
	r->max_row = opts->max_row_bytes ? opts->max_row_bytes :
		DEFAULT_MAX_ROW;
	r->max_cells = opts->max_cells ? opts->max_cells : DEFAULT_MAX_CELLS;
	/* Each cell adds its NUL. */
	rowbuf_init(&r->rb, r->max_cells, r->max_row + r->max_cells + 1);
	r->name = strdup(name);
	if (!r->name) {
		e = err_set(info, ERR_NOMEM, "out of memory");
		goto fail;
	}
	if ((e = load(r, path, info)) ||
	    (e = select_sheet(r, opts->sheet, info)))
		goto fail;
	*out = r;
	return ERR_OK;
fail:
	destroy(r);
	return e;
}

const char *xlsin_sheet(const struct xlsin *r)
{
	return r->sheet;
}

/* The sheet after the current one (FreeXL cannot tell hidden ones apart:
 * every one counts). */
enum err xlsin_next_sheet(struct xlsin *r, struct errinfo *info)
{
	if (r->failed)
		return err_set(info, r->failed,
			       "'%s': cannot read on after an error", r->name);
	if (r->cur + 1 >= r->nsheets)
		return err_set(info, ERR_NOT_FOUND, "'%s': no more sheets", r->name);
	return use_sheet(r, r->cur + 1, info);
}

/* Sheets other than the one being read that may hold data (every one: FreeXL cannot tell hidden sheets apart):
 * their number, and up to `max` of their names in `names` (borrowed). */
static size_t xlsin_other_sheets(const struct xlsin *r, const char **names, size_t max)
{
	unsigned count = 0, i;
	size_t n = 0;

	if (freexl_get_info(r->xl, FREEXL_BIFF_SHEET_COUNT, &count) != FREEXL_OK)
		return 0;
	for (i = 0; i < count; i++) {
		const char *name = NULL;

		if (freexl_get_worksheet_name(r->xl, (unsigned short)i, &name) != FREEXL_OK ||
		    !name || (r->sheet && !strcmp(name, r->sheet)))
			continue;
		if (n < max)
			names[n] = name;
		n++;
	}
	return n;
}

void xlsin_close(struct xlsin *r)
{
	if (r)
		destroy(r);
}

/* ---- the reader family (reader.h) ------------------------------------ */

/*
 * An encrypted OOXML workbook is an OLE container holding the streams
 * "EncryptionInfo" and "EncryptedPackage"; their names sit in the OLE
 * directory as UTF-16LE. Scanning for one is cheap and needs no OLE parser.
 */
static int ole_is_encrypted(FILE *fp)
{
	static const char pat[] = "E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e";
	const size_t plen = sizeof(pat) - 1;
	char chunk[65536 + sizeof(pat)];
	size_t keep = 0, n;

	rewind(fp);
	while ((n = fread(chunk + keep, 1, sizeof(chunk) - keep, fp)) > 0) {
		size_t len = keep + n;

		if (memmem(chunk, len, pat, plen))
			return 1;
		keep = len < plen ? len : plen - 1;
		memmove(chunk, chunk + len - keep, keep);
	}
	return 0;
}

/*
 * A BIFF8 workbook whose globals substream (BOF record 0x0809, version
 * 0x0600, type 0x0005) is followed at once by a FILEPASS record (0x002F)
 * is encrypted; FreeXL 1.0 does not notice RC4 encryption by itself.
 */
static int biff_is_encrypted(FILE *fp)
{
	static const unsigned char bof[8] = { 0x09, 0x08, 0x10, 0x00, 0x00, 0x06, 0x05, 0x00 };
	unsigned char chunk[65536 + 32];
	size_t keep = 0, n;

	rewind(fp);
	while ((n = fread(chunk + keep, 1, sizeof(chunk) - keep, fp)) > 0) {
		size_t len = keep + n;
		unsigned char *p = memmem(chunk, len, bof, sizeof(bof));

		if (p && p + 22 <= chunk + len)
			return p[20] == 0x2F && p[21] == 0x00;
		keep = len < 31 ? len : 31;
		memmove(chunk, chunk + len - keep, keep);
	}
	return 0;
}

/* Every OLE container is taken as a legacy workbook, unless encrypted. */
static int xls_probe(const struct reader_probe *p, struct errinfo *info)
{
	FILE *fp;
	int encrypted;

	if (!p->ole)
		return 0;
	fp = fopen(p->path, "rb");
	if (!fp) {
		err_set(info, ERR_IO, "cannot open '%s': %s", p->name, strerror(errno));
		return -1;
	}
	encrypted = ole_is_encrypted(fp) || biff_is_encrypted(fp);
	fclose(fp);
	if (!encrypted)
		return 1;
	return reader_encrypted(info, p->name);
}

static enum err xls_open(void **priv, const char *path, const char *name,
			 const struct reader_opts *o, struct errinfo *info)
{
	struct xlsin *r;
	enum err e = xlsin_open(&r, path, name, o->sheet, info);

	*priv = r;
	return e;
}

static enum err xls_next(void *priv, struct row *row, struct errinfo *info)
{
	return xlsin_next(priv, row, info);
}

static const char *xls_sheet(void *priv)
{
	return xlsin_sheet(priv);
}

static enum err xls_next_sheet(void *priv, struct errinfo *info)
{
	return xlsin_next_sheet(priv, info);
}

static size_t xls_other_sheets(void *priv, const char **names, size_t max)
{
	return xlsin_other_sheets(priv, names, max);
}

static void xls_close(void *priv)
{
	xlsin_close(priv);
}

const struct reader reader_xls = {
	.name = "XLS",
	.probe = xls_probe,
	.open = xls_open,
	.next = xls_next,
	.sheet = xls_sheet,
	.other_sheets = xls_other_sheets,
	.next_sheet = xls_next_sheet,
	.close = xls_close,
};
