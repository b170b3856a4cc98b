/*
 * odsin: streaming reader of OpenDocument spreadsheets (.ods).
 *
 * An .ods file is a zip holding `mimetype` (the media type, stored first)
 * and `content.xml`, which has the automatic styles first and then every
 * sheet as a table:table inside office:spreadsheet. content.xml is inflated
 * CHUNK bytes at a time straight into expat's buffer and parsed event by
 * event; the parser is suspended (XML_StopParser, resumable) whenever a
 * non-empty row is complete and resumed on the next call. The reader holds
 * one chunk, one row and expat's state, never the sheet. Elements are
 * matched by namespace URI, not by prefix.
 *
 * Sheet selection (odsin_open parses up to the start of the chosen table):
 *   - no sheet given: the first table whose style is not hidden
 *     (style:table-properties table:display="false" in the automatic
 *     styles, which come before the body), else the first table;
 *   - a sheet given: the table of exactly that name, else the first whose
 *     name matches ignoring ASCII case, else, when it is a number n, the
 *     n-th table (hidden ones count, as in the sheet tabs). An exact match
 *     is taken as soon as it is seen; the other two only win once the end
 *     of content.xml has shown there is no exact match, so they cost a
 *     second pass up to the chosen table (and count twice against the
 *     zip's inflation cap).
 *
 * Cells, as LibreOffice (7.4) saves the sheet as CSV, with values written
 * the project's way:
 *   - float, percentage, currency: office:value as its data style shows
 *     it ("+"0, zero padding, ###-####, #,##0, 0.0%: see odsstyle.c),
 *     else through cellfmt_number (0.25 without a style); date: office:date-value as ISO 8601, without a
 *     midnight time, seconds kept and fractions dropped; time:
 *     office:time-value (PT13H45M00S) as 13:45:00, hours past 24 kept
 *     (PT36H -> 36:00:00); boolean, and a float whose formula is =TRUE()
 *     or =FALSE() (LibreOffice's booleans from XLSX): TRUE or FALSE; a
 *     value attribute that does not parse is ERR_FORMAT naming the cell
 *     (LibreOffice would silently show 0). Without its value attribute a cell is read as text.
 *   - string, no type, unknown type: office:string-value when present,
 *     else the text of its text:p/text:h paragraphs joined with "\n", with
 *     text:s (text:c spaces), text:tab, text:line-break expanded and spans,
 *     links and fields taken as their text. Whitespace is kept as written:
 *     LibreOffice does not collapse it on import, contrary to ODF.
 *     Annotations, notes and drawings in a cell are not its text.
 *   - errors (calcext:value-type="error"), void cells and covered cells
 *     (the hidden part of a merge) are empty.
 *
 * Rows: row->rowno counts every table:table-row, repeats included, and
 * row->line is the same number (there are no lines to speak of: LibreOffice
 * writes content.xml on two). Empty cells are counted, never stored, until
 * a non-empty cell follows them in the row, and empty rows are counted,
 * never expanded: LibreOffice ends every sheet with a row repeated about a
 * million times and rows with a cell repeated 16384 times. A non-empty row
 * repeated n times is returned n times (the row is kept, not re-parsed),
 * up to row ODS_MAX_ROWS; non-empty repeated cells are stored n times, up
 * to opts->max_cells.
 *
 * A cell's data style comes from its table:style-name, else from its
 * column's table:default-cell-style-name, else from the "Default" cell
 * style; a row's default cell style is not looked at (LibreOffice 7.4
 * does not either). Cell and data styles are read from styles.xml's
 * office:styles before content.xml, and from content.xml's automatic
 * styles on the first pass (odsstyle holds them, within its caps).
 *
 * Memory is bounded: a row may hold at most max_cells cells and
 * max_row_bytes bytes of text (ERR_LIMIT naming the cell), and expat may
 * buffer no token (a tag with its attributes, a comment) larger than
 * max_row_bytes plus MAX_TAG_SLACK, nor elements nested deeper than
 * MAX_DEPTH. DTDs are refused, so no entity can be declared at all.
 */
#include "read/odsin.h"

#include <expat.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "read/cellfmt.h"
#include "read/numfmt.h"
#include "read/odsstyle.h"
#include "reader.h"
#include "quote.h"
#include "read/sheet.h"
#include "unzip.h"

#define CHUNK ((size_t)64 << 10)
#define DEFAULT_MAX_ROW ((size_t)16 << 20)
#define DEFAULT_MAX_CELLS 20000
/* LibreOffice's jumbo sheets stop at 16M rows; a row repeated beyond that
 * is a hostile file, not a contact list. */
#define ODS_MAX_ROWS ((uint64_t)1 << 24)
/* Room for the attributes around the longest allowed string-value. */
#define MAX_TAG_SLACK ((size_t)1 << 20)
#define HIDDEN_CAP ((size_t)64 << 10)
#define STYLE_NAME_CAP 1024
#define MIMETYPE_CAP 256
#define MANIFEST_CAP ((size_t)4 << 20)
/* expat keeps every open element; ODS nests a few levels, lists and
 * spans in a cell a few more. */
#define MAX_DEPTH 1000

#define MIME_ODS "application/vnd.oasis.opendocument.spreadsheet"
#define MIME_OTS "application/vnd.oasis.opendocument.spreadsheet-template"

/* expat reports names as "URI|local" (XML_ParserCreateNS with '|'). */
#define NS_OFFICE "urn:oasis:names:tc:opendocument:xmlns:office:1.0|"
#define NS_TABLE "urn:oasis:names:tc:opendocument:xmlns:table:1.0|"
#define NS_TEXT "urn:oasis:names:tc:opendocument:xmlns:text:1.0|"
#define NS_STYLE "urn:oasis:names:tc:opendocument:xmlns:style:1.0|"
#define NS_DRAW "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0|"
#define NS_CALCEXT \
	"urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0|"

enum phase {
	PH_SCAN,	/* looking for the table to read */
	PH_READ,	/* inside it */
	PH_DONE,	/* past its end */
};

struct odsin {
	char *name;
	char *sheet;
	struct unzip *z;
	XML_Parser xp;
	size_t max_row;
	size_t max_cells;
	size_t max_token;

	/* Parser driving. */
	int entry_open;
	int suspended;
	int final_fed;
	int xml_end;
	size_t since_event;	/* bytes fed since a handler last ran */
	enum err failed;
	enum err hfail;		/* set by a handler, which cannot return it */
	struct errinfo herr;

	/* Selection. */
	const char *spec;	/* opts->sheet */
	unsigned long spec_num;	/* spec as a 1-based number, else 0 */
	long target;		/* second pass: index of the table, else -1 */
	long ci_cand, num_cand;
	long ntables;
	struct buf names;	/* "'A', 'B'" for the message */
	struct quote_list names_q;
	struct buf hidden;	/* hidden table styles' names, each + NUL */
	struct buf style_name;	/* table style being read */
	int style_hidden;
	struct odsstyle *styles;	/* data and cell styles */
	int styles_read;	/* content.xml's, on the first pass */
	int saw_sheet;
	enum phase phase;

	/* Depth of the element we are in, 0 when outside it. */
	unsigned depth, skip;
	unsigned styles_d, style_d, sheet_d, table_d, row_d, cell_d, para_d;

	/* The row being built. */
	uint64_t next_row;	/* number of the next table:table-row */
	uint64_t row_no;	/* number of the current one */
	uint32_t row_rep;
	uint64_t col;		/* column of the current cell, 0-based */
	uint32_t col_rep;
	int collect;		/* the cell's text is its value */
	unsigned npara;
	struct buf cur;		/* the current cell's text */
	struct rowbuf rb;	/* stored cells */
	uint64_t row_bytes;	/* text in the stored cells, NULs aside */

	/* The row handed out. */
	int row_ready;
	uint64_t out_row;
	uint64_t repeats_left;
};

/* ---- errors ---------------------------------------------------------- */

/* Every error the reader returns is sticky (r->failed). */
#define fail(r, info, ...) reader_fail(&(r)->failed, info, __VA_ARGS__)

/* From a handler: keeps the error and aborts the parse. */
__attribute__((format(printf, 3, 4)))
static void hfail(struct odsin *r, enum err code, const char *fmt, ...)
{
	va_list ap;

	if (r->hfail)
		return;
	va_start(ap, fmt);
	vsnprintf(r->herr.msg, sizeof(r->herr.msg), fmt, ap);
	va_end(ap);
	r->herr.code = code;
	r->hfail = code;
	XML_StopParser(r->xp, XML_FALSE);
}

/* "B7" for 0-based column col of row rowno. */
static void cell_name(char *out, size_t cap, uint64_t col, uint64_t rowno)
{
	char letters[16];
	size_t n = 0, i;

	col++;
	while (col > 0 && n < sizeof(letters)) {
		letters[n++] = (char)('A' + (col - 1) % 26);
		col = (col - 1) / 26;
	}
	for (i = 0; i < n && i + 1 < cap; i++)
		out[i] = letters[n - 1 - i];
	snprintf(out + i, cap - i, "%llu", (unsigned long long)rowno);
}

__attribute__((format(printf, 3, 4)))
static void cell_fail(struct odsin *r, enum err code, const char *fmt, ...)
{
	char where[48], msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cell_name(where, sizeof(where), r->col, r->row_no);
	hfail(r, code, "'%s' sheet '%s' cell %s: %s", r->name, r->sheet,
	      where, msg);
}

/* ---- XML helpers ----------------------------------------------------- */

static const char *attr(const XML_Char **a, const char *name)
{
	for (; a[0]; a += 2)
		if (strcmp(a[0], name) == 0)
			return a[1];
	return NULL;
}

/* A repeat count: absent, zero or garbage is 1, huge is clamped. */
static uint32_t repeat_of(const char *s)
{
	unsigned long long v = 0;

	if (!s || *s < '0' || *s > '9')
		return 1;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (unsigned)(*s - '0');
		if (v > UINT32_MAX)
			return UINT32_MAX;
	}
	return v ? (uint32_t)v : 1;
}

static void skip(struct odsin *r)
{
	r->skip = r->depth;
}

/* ---- values ---------------------------------------------------------- */

/* Reads exactly n digits; -1 when they are not there. */
static long digits(const char **s, int n)
{
	long v = 0;

	for (; n > 0; n--, (*s)++) {
		if (**s < '0' || **s > '9')
			return -1;
		v = v * 10 + (**s - '0');
	}
	return v;
}

/*
 * xsd:dateTime or xsd:date ("2024-03-01", "2024-03-01T13:45:30.5",
 * optionally with a zone, which is ignored as LibreOffice does) as
 * "2024-03-01" or "2024-03-01T13:45:30". Returns the length, 0 if bad.
 */
static size_t fmt_date(const char *s, char *out)
{
	const char *y = s;
	long mo, d, h = 0, mi = 0, sec = 0;
	int frac_zero = 1;
	size_t ylen;

	if (*s == '-')
		s++;
	while (*s >= '0' && *s <= '9')
		s++;
	ylen = (size_t)(s - y);
	if (ylen < 4 || ylen > 12 || *s++ != '-')
		return 0;
	mo = digits(&s, 2);
	if (mo < 1 || mo > 12 || *s++ != '-')
		return 0;
	d = digits(&s, 2);
	if (d < 1 || d > 31)
		return 0;
	if (*s == 'T') {
		s++;
		h = digits(&s, 2);
		if (h < 0 || h > 24 || *s++ != ':')
			return 0;
		mi = digits(&s, 2);
		if (mi < 0 || mi > 59)
			return 0;
		if (*s == ':') {
			s++;
			sec = digits(&s, 2);
			if (sec < 0 || sec > 60)
				return 0;
			if (*s == '.' || *s == ',') {
				for (s++; *s >= '0' && *s <= '9'; s++)
					frac_zero &= *s == '0';
			}
		}
	}
	if (*s && *s != 'Z' && *s != '+' && *s != '-')
		return 0;
	if (h == 0 && mi == 0 && sec == 0 && frac_zero)
		return (size_t)snprintf(out, CELLFMT_MAX, "%.*s-%02ld-%02ld",
					(int)ylen, y, mo, d);
	return (size_t)snprintf(out, CELLFMT_MAX,
				"%.*s-%02ld-%02ldT%02ld:%02ld:%02ld", (int)ylen,
				y, mo, d, h, mi, sec);
}

/* One "<digits>[.<digits>]<unit>" of a duration; *v stays when absent. */
static int duration_part(const char **s, char unit, unsigned long long *v)
{
	const char *p = *s;
	unsigned long long n = 0;
	int nd = 0;

	for (; *p >= '0' && *p <= '9'; p++, nd++) {
		if (nd >= 12)
			return -1;
		n = n * 10 + (unsigned)(*p - '0');
	}
	if (unit == 'S' && *p == '.' && nd > 0)
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	if (nd == 0 || *p != unit)
		return 0;
	*v = n;
	*s = p + 1;
	return 1;
}

/* xsd:duration as LibreOffice writes times ("PT13H45M00S", maybe with
 * days or a sign) as "13:45:00"; fractions of a second dropped. Returns
 * the length, 0 if bad. */
static size_t fmt_time(const char *s, char *out)
{
	unsigned long long d = 0, h = 0, m = 0, sec = 0, total;
	int neg = 0, any = 0, k;

	if (*s == '-') {
		neg = 1;
		s++;
	}
	if (*s++ != 'P')
		return 0;
	if ((k = duration_part(&s, 'D', &d)) < 0)
		return 0;
	any |= k;
	if (*s == 'T') {
		s++;
		if ((k = duration_part(&s, 'H', &h)) < 0)
			return 0;
		any |= k;
		if ((k = duration_part(&s, 'M', &m)) < 0)
			return 0;
		any |= k;
		if ((k = duration_part(&s, 'S', &sec)) < 0)
			return 0;
		any |= k;
	}
	if (*s || !any)
		return 0;
	total = ((d * 24 + h) * 60 + m) * 60 + sec;
	return (size_t)snprintf(out, CELLFMT_MAX, "%s%02llu:%02llu:%02llu",
				neg && total ? "-" : "", total / 3600,
				total / 60 % 60, total % 60);
}

/* xsd:double in the C locale (the program never calls setlocale). */
static size_t fmt_float(const char *s, char *out)
{
	const char *p;
	char *end;
	double v;

	/* strtod would also take hex, "inf" and "nan". */
	for (p = s; *p; p++)
		if (!strchr("0123456789+-.eE", *p))
			return 0;
	v = strtod(s, &end);
	if (end == s || *end || v != v || v - v != 0)
		return 0;
	return cellfmt_number(v, out);
}

static size_t fmt_bool(const char *s, char *out)
{
	if (strcmp(s, "true") == 0 || strcmp(s, "1") == 0)
		return (size_t)snprintf(out, CELLFMT_MAX, "TRUE");
	if (strcmp(s, "false") == 0 || strcmp(s, "0") == 0)
		return (size_t)snprintf(out, CELLFMT_MAX, "FALSE");
	return 0;
}

/* A float cell's value; TRUE or FALSE for the formulas =TRUE() and
 * =FALSE(), which is how LibreOffice keeps the booleans of an XLSX it
 * opens (their value 1 or 0, shown as TRUE or FALSE). */
static int is_bool_formula(const char *formula)
{
	return formula && (strcmp(formula, "of:=TRUE()") == 0 ||
			   strcmp(formula, "of:=FALSE()") == 0);
}

static size_t fmt_float_cell(const char *formula, const char *v, char *out)
{
	size_t n = is_bool_formula(formula) ? fmt_bool(v, out) : 0;

	return n ? n : fmt_float(v, out);
}

/* The data style of the cell: its own style's, else its column's default
 * cell style's. A row's table:default-cell-style-name is not looked at:
 * LibreOffice (7.4) does not either. */
static int cell_fmt(struct odsin *r, const XML_Char **a)
{
	const char *name = attr(a, NS_TABLE "style-name");

	if (name)
		return odsstyle_cell(r->styles, name);
	return odsstyle_col(r->styles, r->col);
}

/* A number cell's value (out, n bytes: v as General) as its data style
 * shows it, when numfmt renders that style; the new length. */
static size_t fmt_shown(struct odsin *r, const XML_Char **a, const char *v,
			char *out, size_t n)
{
	char shown[NUMFMT_MAX];
	int fmt, k;

	if (is_bool_formula(attr(a, NS_TABLE "formula")))
		return n;
	fmt = cell_fmt(r, a);
	if (fmt == ODSSTYLE_NONE)
		return n;
	k = odsstyle_render(r->styles, fmt, strtod(v, NULL), shown);
	if (k < 0 || k >= CELLFMT_MAX)
		return n;
	memcpy(out, shown, (size_t)k + 1);
	return (size_t)k;
}

/* ---- the row --------------------------------------------------------- */

static void store_failed(struct odsin *r, enum err e)
{
	if (e == ERR_LIMIT)
		cell_fail(r, e, "row is larger than %zu bytes", r->max_row);
	else
		cell_fail(r, e, "%s", err_str(e));
}

/* Ends a cell: a non-empty one is stored col_rep times, after the empty
 * cells that precede it. */
static void cell_end(struct odsin *r)
{
	uint64_t i;
	enum err e;

	if (r->cur.len == 0) {
		r->col += r->col_rep;
		return;
	}
	if (r->col >= r->max_cells || r->col_rep > r->max_cells - r->col) {
		if (r->col < r->max_cells)
			r->col = r->max_cells;
		cell_fail(r, ERR_LIMIT, "more than %zu cells in the row",
			  r->max_cells);
		return;
	}
	if ((uint64_t)r->cur.len * r->col_rep > r->max_row - r->row_bytes) {
		store_failed(r, ERR_LIMIT);
		return;
	}
	r->row_bytes += (uint64_t)r->cur.len * r->col_rep;
	e = ERR_OK;
	while (!e && r->rb.ncells < r->col)
		e = rowbuf_add(&r->rb, "", 0);
	for (i = 0; !e && i < r->col_rep; i++)
		e = rowbuf_add(&r->rb, r->cur.data, r->cur.len);
	if (e) {
		store_failed(r, e);
		return;
	}
	r->col += r->col_rep;
}

static void row_start(struct odsin *r, const XML_Char **a)
{
	r->row_d = r->depth;
	r->row_no = r->next_row;
	r->row_rep = repeat_of(attr(a, NS_TABLE "number-rows-repeated"));
	r->next_row += r->row_rep;
	r->col = 0;
	r->row_bytes = 0;
	rowbuf_reset(&r->rb);
}

/* A non-empty row suspends the parse until odsin_next hands it out. */
static void row_end(struct odsin *r)
{
	if (r->rb.ncells == 0)
		return;
	if (r->row_no + r->row_rep - 1 > ODS_MAX_ROWS) {
		hfail(r, ERR_LIMIT, "'%s' sheet '%s' row %llu: more than %llu rows",
		      r->name, r->sheet, (unsigned long long)r->row_no,
		      (unsigned long long)ODS_MAX_ROWS);
		return;
	}
	r->row_ready = 1;
	r->out_row = r->row_no;
	r->repeats_left = r->row_rep - 1;
	XML_StopParser(r->xp, XML_TRUE);
}

/* Reads the cell's attributes: its value now, or whether its paragraphs
 * are the value. */
static void cell_start(struct odsin *r, const XML_Char **a, int covered)
{
	const char *type, *calctype, *v, *what = NULL;
	char out[CELLFMT_MAX];
	size_t n = 0;
	int number = 0;
	enum err e;

	r->cell_d = r->depth;
	r->col_rep = repeat_of(attr(a, NS_TABLE "number-columns-repeated"));
	r->collect = 0;
	r->npara = 0;
	buf_reset(&r->cur);
	if (covered)
		return;
	type = attr(a, NS_OFFICE "value-type");
	calctype = attr(a, NS_CALCEXT "value-type");
	if ((calctype && strcmp(calctype, "error") == 0) ||
	    (type && strcmp(type, "void") == 0))
		return;
	if (!type || strcmp(type, "string") == 0) {
		v = attr(a, NS_OFFICE "string-value");
		r->collect = !v;
		if (v && (e = buf_adds(&r->cur, v)))
			store_failed(r, e);
		return;
	}
	if (strcmp(type, "float") == 0 || strcmp(type, "percentage") == 0 ||
	    strcmp(type, "currency") == 0) {
		what = "value";
		number = 1;
		if ((v = attr(a, NS_OFFICE "value")))
			n = fmt_float_cell(attr(a, NS_TABLE "formula"), v, out);
	} else if (strcmp(type, "date") == 0) {
		what = "date-value";
		if ((v = attr(a, NS_OFFICE "date-value")))
			n = fmt_date(v, out);
	} else if (strcmp(type, "time") == 0) {
		what = "time-value";
		if ((v = attr(a, NS_OFFICE "time-value")))
			n = fmt_time(v, out);
	} else if (strcmp(type, "boolean") == 0) {
		what = "boolean-value";
		if ((v = attr(a, NS_OFFICE "boolean-value")))
			n = fmt_bool(v, out);
	} else {
		v = NULL;	/* a type from the future: show its text */
	}
	if (v && n == 0) {
		char q[QUOTE_CAP];

		cell_fail(r, ERR_FORMAT, "bad office:%s %s", what, quote_to(q, v, strlen(v)));
		return;
	}
	if (v && number)
		n = fmt_shown(r, a, v, out, n);
	r->collect = !v;
	if (v && (e = buf_add(&r->cur, out, n)))
		store_failed(r, e);
}

/* ---- cell text ------------------------------------------------------- */

static void add_text(struct odsin *r, const char *s, size_t n)
{
	enum err e = buf_add(&r->cur, s, n);

	if (e)
		store_failed(r, e);
}

static void add_spaces(struct odsin *r, const char *c)
{
	static const char spaces[] = "                                ";
	uint32_t n = repeat_of(c);
	size_t k;

	/* The buf's cap stops a hostile count long before it is reached. */
	while (n > 0 && !r->hfail) {
		k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
		add_text(r, spaces, k);
		n -= (uint32_t)k;
	}
}

static int is_noise(const char *el)
{
	return strcmp(el, NS_OFFICE "annotation") == 0 ||
	       strcmp(el, NS_TEXT "note") == 0 ||
	       strncmp(el, NS_DRAW, sizeof(NS_DRAW) - 1) == 0;
}

static void in_cell(struct odsin *r, const char *el, const XML_Char **a)
{
	if (!r->collect || is_noise(el)) {
		skip(r);
		return;
	}
	if (r->para_d) {
		if (strcmp(el, NS_TEXT "s") == 0)
			add_spaces(r, attr(a, NS_TEXT "c"));
		else if (strcmp(el, NS_TEXT "tab") == 0)
			add_text(r, "\t", 1);
		else if (strcmp(el, NS_TEXT "line-break") == 0)
			add_text(r, "\n", 1);
		else
			return;	/* span, a, fields: their text is the text */
		skip(r);
		return;
	}
	if (strcmp(el, NS_TEXT "p") == 0 || strcmp(el, NS_TEXT "h") == 0) {
		r->para_d = r->depth;
		if (r->npara++ > 0)
			add_text(r, "\n", 1);
	} else if (strncmp(el, NS_TABLE, sizeof(NS_TABLE) - 1) == 0) {
		skip(r);	/* a table in the cell */
	}
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
	struct odsin *r = ud;

	r->since_event = 0;
	if (r->para_d && !r->skip && !r->hfail)
		add_text(r, s, (size_t)len);
	else if (r->styles_d && !r->styles_read && !r->skip && !r->hfail)
		odsstyle_text(r->styles, s, (size_t)len);
}

/* ---- sheets and styles ----------------------------------------------- */

static int is_hidden_style(const struct odsin *r, const char *style)
{
	size_t off = 0, n;

	if (!style)
		return 0;
	while (off < r->hidden.len) {
		n = strlen(r->hidden.data + off);
		if (strcmp(r->hidden.data + off, style) == 0)
			return 1;
		off += n + 1;
	}
	return 0;
}

/* Notes the table styles that hide their table (a name too long for
 * style_name is simply not noted: its table counts as visible), and hands
 * every style element to odsstyle on the first pass. */
static void in_styles(struct odsin *r, const char *el, const XML_Char **a)
{
	const char *family, *name, *display;
	struct errinfo info;
	enum err e;

	if (r->depth == r->styles_d + 1 && strcmp(el, NS_STYLE "style") == 0) {
		family = attr(a, NS_STYLE "family");
		name = attr(a, NS_STYLE "name");
		buf_reset(&r->style_name);
		if (family && strcmp(family, "table") == 0 && name &&
		    buf_adds(&r->style_name, name) == ERR_OK) {
			r->style_d = r->depth;
			r->style_hidden = 0;
		}
	} else if (r->style_d && r->depth == r->style_d + 1 &&
		   strcmp(el, NS_STYLE "table-properties") == 0) {
		display = attr(a, NS_TABLE "display");
		r->style_hidden = display && strcmp(display, "false") == 0;
	}
	if (r->styles_read)
		return;
	e = odsstyle_start(r->styles, "content.xml", el, a, &info);
	if (e)
		hfail(r, e, "%s", info.msg);
}

static void style_end(struct odsin *r)
{
	r->style_d = 0;
	if (!r->style_hidden)
		return;
	if (buf_add(&r->hidden, r->style_name.data, r->style_name.len + 1))
		hfail(r, ERR_LIMIT,
		      "'%s': content.xml: more than %zu bytes of hidden table styles",
		      r->name, HIDDEN_CAP);
}

/* The end of an element inside office:automatic-styles. */
static void styles_end(struct odsin *r, unsigned d)
{
	struct errinfo info;
	enum err e;

	if (d == r->style_d)
		style_end(r);
	if (r->styles_read)
		return;
	e = odsstyle_end(r->styles, "content.xml", &info);
	if (e)
		hfail(r, e, "%s", info.msg);
}

/* Adds a sheet name to the list for the message, or ", ..." once the
 * list is long enough. */
static void note_name(struct odsin *r, const char *name)
{
	quote_list_add(&r->names_q, name, strlen(name));
}

/* Whether table idx is the one to read, on the first pass. */
static int wanted(struct odsin *r, long idx, const char *name,
		  const char *style)
{
	if (r->target >= 0)
		return idx == r->target;
	if (!r->spec)
		return !is_hidden_style(r, style);
	if (strcmp(name, r->spec) == 0)
		return 1;
	if (r->ci_cand < 0 && strcasecmp(name, r->spec) == 0)
		r->ci_cand = idx;
	if (r->num_cand < 0 && r->spec_num == (unsigned long)idx + 1)
		r->num_cand = idx;
	return 0;
}

static void table_start(struct odsin *r, const XML_Char **a)
{
	const char *name = attr(a, NS_TABLE "name");
	long idx = r->ntables++;

	if (!name)
		name = "";
	if (r->target < 0)
		note_name(r, name);
	if (r->phase != PH_SCAN ||
	    !wanted(r, idx, name, attr(a, NS_TABLE "style-name"))) {
		skip(r);
		return;
	}
	r->sheet = strdup(name);
	if (!r->sheet) {
		hfail(r, ERR_NOMEM, "out of memory");
		return;
	}
	r->phase = PH_READ;
	r->table_d = r->depth;
	r->next_row = 1;
	odsstyle_cols_reset(r->styles);
	/* odsin_open returns here; the rows wait for odsin_next. */
	XML_StopParser(r->xp, XML_TRUE);
}

static int is_col_wrapper(const char *el)
{
	return strcmp(el, NS_TABLE "table-columns") == 0 ||
	       strcmp(el, NS_TABLE "table-header-columns") == 0 ||
	       strcmp(el, NS_TABLE "table-column-group") == 0;
}

/* A table:table-column: its default cell style for the cells without
 * one of their own. */
static void column(struct odsin *r, const XML_Char **a)
{
	enum err e = odsstyle_cols_add(r->styles,
				       repeat_of(attr(a, NS_TABLE "number-columns-repeated")),
				       attr(a, NS_TABLE "default-cell-style-name"));

	if (e == ERR_LIMIT)
		hfail(r, e, "'%s' sheet '%s': more than %d column descriptions",
		      r->name, r->sheet, ODSSTYLE_MAX_COLS);
	else if (e)
		hfail(r, e, "out of memory");
	skip(r);
}

static int is_row_wrapper(const char *el)
{
	return strcmp(el, NS_TABLE "table-header-rows") == 0 ||
	       strcmp(el, NS_TABLE "table-row-group") == 0 ||
	       strcmp(el, NS_TABLE "table-rows") == 0;
}

/* ---- expat handlers -------------------------------------------------- */

static void XMLCALL on_start(void *ud, const XML_Char *el, const XML_Char **a)
{
	struct odsin *r = ud;

	r->since_event = 0;
	r->depth++;
	if (r->depth > MAX_DEPTH) {
		hfail(r, ERR_LIMIT,
		      "'%s': content.xml line %lu: elements nested deeper than %d",
		      r->name, (unsigned long)XML_GetCurrentLineNumber(r->xp),
		      MAX_DEPTH);
		return;
	}
	if (r->skip || r->hfail)
		return;
	if (r->cell_d) {
		in_cell(r, el, a);
	} else if (r->row_d) {
		if (strcmp(el, NS_TABLE "table-cell") == 0)
			cell_start(r, a, 0);
		else if (strcmp(el, NS_TABLE "covered-table-cell") == 0)
			cell_start(r, a, 1);
		else
			skip(r);
	} else if (r->table_d) {
		if (strcmp(el, NS_TABLE "table-row") == 0)
			row_start(r, a);
		else if (strcmp(el, NS_TABLE "table-column") == 0)
			column(r, a);
		else if (!is_row_wrapper(el) && !is_col_wrapper(el))
			skip(r);
	} else if (r->sheet_d) {
		if (r->depth == r->sheet_d + 1 &&
		    strcmp(el, NS_TABLE "table") == 0)
			table_start(r, a);
		else
			skip(r);
	} else if (r->styles_d) {
		in_styles(r, el, a);
	} else if (strcmp(el, NS_OFFICE "automatic-styles") == 0) {
		r->styles_d = r->depth;
	} else if (strcmp(el, NS_OFFICE "spreadsheet") == 0) {
		r->sheet_d = r->depth;
		r->saw_sheet = 1;
	} else if (r->depth > 1 && strcmp(el, NS_OFFICE "body") != 0) {
		skip(r);	/* fonts, scripts, other bodies */
	}
}

static void XMLCALL on_end(void *ud, const XML_Char *el)
{
	struct odsin *r = ud;
	unsigned d = r->depth--;

	(void)el;
	r->since_event = 0;
	if (r->skip) {
		if (d == r->skip)
			r->skip = 0;
		return;
	}
	if (r->hfail)
		return;
	if (d == r->para_d) {
		r->para_d = 0;
	} else if (d == r->cell_d) {
		r->cell_d = 0;
		cell_end(r);
	} else if (d == r->row_d) {
		r->row_d = 0;
		row_end(r);
	} else if (d == r->table_d) {
		r->table_d = 0;
		r->phase = PH_DONE;
		XML_StopParser(r->xp, XML_TRUE);
	} else if (r->styles_d && d > r->styles_d) {
		styles_end(r, d);
	} else if (d == r->styles_d) {
		r->styles_d = 0;
		r->styles_read = 1;
	} else if (d == r->sheet_d) {
		r->sheet_d = 0;
	}
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name,
			       const XML_Char *sysid, const XML_Char *pubid,
			       int has_internal)
{
	struct odsin *r = ud;

	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal;
	hfail(r, ERR_FORMAT, "'%s': content.xml line %lu: a DTD is not allowed",
	      r->name, (unsigned long)XML_GetCurrentLineNumber(r->xp));
}

/* ---- driving the parser ---------------------------------------------- */

static enum err xml_failure(struct odsin *r, struct errinfo *info)
{
	enum XML_Error code = XML_GetErrorCode(r->xp);

	if (r->hfail) {
		r->failed = r->hfail;
		return err_set(info, r->hfail, "%s", r->herr.msg);
	}
	return fail(r, info, ERR_FORMAT,
		    "'%s': content.xml line %lu column %lu: %s", r->name,
		    (unsigned long)XML_GetCurrentLineNumber(r->xp),
		    (unsigned long)XML_GetCurrentColumnNumber(r->xp),
		    XML_ErrorString(code));
}

/* Parses until a handler suspends the parser or content.xml ends. */
static enum err pump(struct odsin *r, struct errinfo *info)
{
	enum XML_Status st;
	size_t got;
	void *p;
	enum err e;

	if (r->suspended) {
		r->suspended = 0;
		st = XML_ResumeParser(r->xp);
	} else {
		p = XML_GetBuffer(r->xp, (int)CHUNK);
		if (!p)
			return fail(r, info, ERR_NOMEM, "out of memory");
		e = unzip_entry_read(r->z, p, CHUNK, &got, info);
		if (e) {
			r->failed = e;
			return e;
		}
		r->since_event += got;
		r->final_fed = got == 0;
		st = XML_ParseBuffer(r->xp, (int)got, r->final_fed);
	}
	if (st == XML_STATUS_ERROR)
		return xml_failure(r, info);
	if (st == XML_STATUS_SUSPENDED) {
		r->suspended = 1;
		return ERR_OK;
	}
	if (r->final_fed)
		r->xml_end = 1;
	else if (r->since_event > r->max_token)
		return fail(r, info, ERR_LIMIT,
			    "'%s': content.xml line %lu: an XML token is larger than %zu bytes",
			    r->name,
			    (unsigned long)XML_GetCurrentLineNumber(r->xp),
			    r->max_token);
	return ERR_OK;
}

/* (Re)starts parsing content.xml from its beginning; target is the index
 * of the table to read, or -1 to choose on the way. */
static enum err start_parse(struct odsin *r, long target,
			    struct errinfo *info)
{
	enum err e;

	if (r->entry_open) {
		unzip_entry_close(r->z);
		r->entry_open = 0;
	}
	if (r->xp) {
		if (!XML_ParserReset(r->xp, NULL))
			return fail(r, info, ERR_NOMEM, "out of memory");
	} else {
		r->xp = XML_ParserCreateNS(NULL, '|');
		if (!r->xp)
			return fail(r, info, ERR_NOMEM, "out of memory");
	}
	XML_SetUserData(r->xp, r);
	XML_SetElementHandler(r->xp, on_start, on_end);
	XML_SetCharacterDataHandler(r->xp, on_text);
	XML_SetStartDoctypeDeclHandler(r->xp, on_doctype);
	r->suspended = r->final_fed = r->xml_end = 0;
	r->since_event = 0;
	r->depth = r->skip = 0;
	r->styles_d = r->style_d = r->sheet_d = r->table_d = 0;
	r->row_d = r->cell_d = r->para_d = 0;
	r->ntables = 0;
	r->target = target;
	r->phase = PH_SCAN;
	buf_reset(&r->hidden);
	e = unzip_entry_open(r->z, "content.xml", info);
	if (e) {
		r->failed = e;
		return e;
	}
	r->entry_open = 1;
	return ERR_OK;
}

static enum err scan(struct odsin *r, struct errinfo *info)
{
	enum err e;

	while (r->phase == PH_SCAN && !r->xml_end)
		if ((e = pump(r, info)))
			return e;
	return ERR_OK;
}

static enum err select_sheet(struct odsin *r, struct errinfo *info)
{
	long target;
	enum err e;

	if ((e = scan(r, info)))
		return e;
	if (r->phase != PH_SCAN)
		return ERR_OK;
	if (!r->saw_sheet)
		return fail(r, info, ERR_FORMAT,
			    "'%s': not a spreadsheet (content.xml has no office:spreadsheet)",
			    r->name);
	if (r->ntables == 0)
		return fail(r, info, ERR_NOT_FOUND, "'%s': no sheets", r->name);
	target = r->ci_cand >= 0 ? r->ci_cand : r->num_cand >= 0 ?
		r->num_cand : r->spec ? -1 : 0;
	if (target < 0)
		return fail(r, info, ERR_NOT_FOUND, "'%s': no sheet '%s' (sheets: %s)",
			    r->name, r->spec, sheet_names(&r->names_q));
	if ((e = start_parse(r, target, info)) || (e = scan(r, info)))
		return e;
	if (r->phase == PH_SCAN)
		return fail(r, info, ERR_FORMAT,
			    "'%s': content.xml changed while it was read", r->name);
	return ERR_OK;
}

/* ---- the package ----------------------------------------------------- */

/* The mimetype entry, when there is one (ODF requires it, but nothing
 * else needs it to read the file). */
static enum err check_mimetype(struct odsin *r, struct errinfo *info)
{
	struct buf b;
	enum err e;

	if (!unzip_has(r->z, "mimetype"))
		return ERR_OK;
	buf_init(&b, MIMETYPE_CAP);
	e = unzip_read_all(r->z, "mimetype", &b, info);
	while (!e && b.len > 0 && strchr(" \r\n", b.data[b.len - 1]))
		b.data[--b.len] = '\0';
	if (!e && strcmp(buf_str(&b), MIME_ODS) != 0 &&
	    strcmp(buf_str(&b), MIME_OTS) != 0) {
		struct buf q;

		buf_init(&q, 0);
		quote_value(&q, b.data, b.len, 100);	/* a long type name whole */
		e = err_set(info, ERR_FORMAT, "'%s': not an OpenDocument spreadsheet (mimetype %s)",
			    r->name, buf_str(&q));
		buf_free(&q);
	}
	buf_free(&b);
	return e;
}

/* An encrypted package says so in its manifest; its content.xml would
 * only give an XML error. */
static enum err check_encryption(struct odsin *r, struct errinfo *info)
{
	struct buf b;
	enum err e;

	if (!unzip_has(r->z, "META-INF/manifest.xml"))
		return ERR_OK;
	buf_init(&b, MANIFEST_CAP);
	e = unzip_read_all(r->z, "META-INF/manifest.xml", &b, info);
	if (!e && b.len > 0 && memmem(b.data, b.len, "encryption-data", 15))
		e = err_set(info, ERR_FORMAT, "'%s' is password-protected",
			    r->name);
	buf_free(&b);
	return e;
}

static enum err check_package(struct odsin *r, struct errinfo *info)
{
	enum err e;

	if (!(e = check_mimetype(r, info)) && !unzip_has(r->z, "content.xml"))
		e = err_set(info, ERR_FORMAT,
			    "'%s': not an OpenDocument spreadsheet (no 'content.xml')",
			    r->name);
	if (!e)
		e = check_encryption(r, info);
	r->failed = e;
	return e;
}

/* styles.xml's named styles (a cell style "Default", the data styles
 * LibreOffice keeps there), before content.xml's automatic ones. */
static enum err read_styles(struct odsin *r, struct errinfo *info)
{
	enum err e;

	if (odsstyle_new(&r->styles, r->name))
		return err_set(info, ERR_NOMEM, "out of memory");
	if (!unzip_has(r->z, "styles.xml"))
		return ERR_OK;
	e = odsstyle_read_part(r->styles, r->z, "styles.xml", r->max_token,
			       info);
	r->failed = e;
	return e;
}

static void destroy(struct odsin *r)
{
	if (r->xp)
		XML_ParserFree(r->xp);
	if (r->entry_open)
		unzip_entry_close(r->z);
	unzip_close(r->z);
	rowbuf_free(&r->rb);
	odsstyle_free(r->styles);
	buf_free(&r->cur);
	buf_free(&r->style_name);
	buf_free(&r->hidden);
	buf_free(&r->names);
	free(r->sheet);
	free(r->name);
	free(r);
}

enum err odsin_open(struct odsin **out, const char *path, const char *name,
		    const struct sheet_opts *opts, struct errinfo *info)
{
	static const struct sheet_opts defaults;
	struct unzip_limits lim;
	struct odsin *r;
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
	r->max_token = r->max_row + MAX_TAG_SLACK;
	r->spec = opts->sheet;
	r->spec_num = sheet_number(opts->sheet);
	r->ci_cand = r->num_cand = -1;
	buf_init(&r->cur, r->max_row);
	/* Each cell adds its NUL. */
	rowbuf_init(&r->rb, r->max_cells, r->max_row + r->max_cells + 1);
	buf_init(&r->style_name, STYLE_NAME_CAP);
	buf_init(&r->hidden, HIDDEN_CAP);
	buf_init(&r->names, 0);
	quote_list_init(&r->names_q, &r->names);
	r->name = strdup(name);
	if (!r->name) {
		e = err_set(info, ERR_NOMEM, "out of memory");
		goto fail;
	}
	lim.max_total = opts->max_total;
	lim.max_ratio = opts->max_ratio;
	if ((e = unzip_open(&r->z, path, name, &lim, info)))
		goto fail;
	if ((e = check_package(r, info)))
		goto fail;
	if ((e = read_styles(r, info)))
		goto fail;
	if ((e = start_parse(r, -1, info)))
		goto fail;
	if ((e = select_sheet(r, info)))
		goto fail;
	*out = r;
	return ERR_OK;
fail:
	destroy(r);
	return e;
}

static void put_row(struct odsin *r, struct row *row)
{
	rowbuf_row(&r->rb, row);
	row->rowno = (unsigned long)r->out_row;
	row->line = row->rowno;
	row->bad_cell = 0;
}

enum err odsin_next(struct odsin *r, struct row *row, struct errinfo *info)
{
	enum err e;

	if (r->failed)
		return err_set(info, r->failed,
			       "'%s': cannot read on after an error", r->name);
	if (r->row_ready && r->repeats_left > 0) {
		r->repeats_left--;
		r->out_row++;
		put_row(r, row);
		return ERR_OK;
	}
	r->row_ready = 0;
	while (!r->row_ready) {
		if (r->phase != PH_READ || r->xml_end)
			return err_set(info, ERR_NOT_FOUND, "'%s': no more rows",
				       r->name);
		if ((e = pump(r, info)))
			return e;
	}
	put_row(r, row);
	return ERR_OK;
}

/*
 * content.xml read on past the rest of the current table, to the next
 * visible one: a stream cannot go back, and needs not (tables are read
 * in document order).
 */
enum err odsin_next_sheet(struct odsin *r, struct errinfo *info)
{
	enum err e;

	if (r->failed)
		return err_set(info, r->failed,
			       "'%s': cannot read on after an error", r->name);
	while (r->phase == PH_READ && !r->xml_end) {
		r->row_ready = 0;
		if ((e = pump(r, info)))
			return e;
	}
	r->row_ready = 0;
	r->repeats_left = 0;
	r->spec = NULL;
	r->target = -1;
	free(r->sheet);
	r->sheet = NULL;
	if (r->xml_end)
		return err_set(info, ERR_NOT_FOUND, "'%s': no more sheets", r->name);
	r->phase = PH_SCAN;
	if ((e = scan(r, info)))
		return e;
	if (r->phase != PH_READ)
		return err_set(info, ERR_NOT_FOUND, "'%s': no more sheets", r->name);
	return ERR_OK;
}

const char *odsin_sheet(const struct odsin *r)
{
	return r->sheet;
}

void odsin_close(struct odsin *r)
{
	if (r)
		destroy(r);
}

/* ---- the reader family (reader.h) ------------------------------------ */

/* ODF encrypts the parts inside the zip and says so in the manifest. */
static int odf_is_encrypted(struct unzip *z)
{
	struct buf manifest;
	struct errinfo ignored;
	int enc = 0;

	buf_init(&manifest, (size_t)4 << 20);
	if (!unzip_read_all(z, "META-INF/manifest.xml", &manifest, &ignored))
		enc = strstr(buf_str(&manifest), "encryption-data") != NULL;
	buf_free(&manifest);
	return enc;
}

static int ods_probe(const struct reader_probe *p, struct errinfo *info)
{
	if (!p->zip || !(unzip_has(p->zip, "content.xml") || unzip_has(p->zip, "mimetype")))
		return 0;
	if (!odf_is_encrypted(p->zip))
		return 1;
	return reader_encrypted(info, p->name);
}

static enum err ods_open(void **priv, const char *path, const char *name,
			 const struct reader_opts *o, struct errinfo *info)
{
	struct odsin *r;
	enum err e = odsin_open(&r, path, name, o->sheet, info);

	*priv = r;
	return e;
}

static enum err ods_next(void *priv, struct row *row, struct errinfo *info)
{
	return odsin_next(priv, row, info);
}

static const char *ods_sheet(void *priv)
{
	return odsin_sheet(priv);
}

static enum err ods_next_sheet(void *priv, struct errinfo *info)
{
	return odsin_next_sheet(priv, info);
}

static void ods_close(void *priv)
{
	odsin_close(priv);
}

/* No other_sheets: read as a stream, it does not know its later sheets
 * when the chosen one ends. */
const struct reader reader_ods = {
	.name = "ODS",
	.probe = ods_probe,
	.open = ods_open,
	.next = ods_next,
	.sheet = ods_sheet,
	.next_sheet = ods_next_sheet,
	.close = ods_close,
};
