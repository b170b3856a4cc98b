/*
 * xmlssin: streaming reader of Excel 2003 XML Spreadsheets
 * ("SpreadsheetML"), the "xls" many web apps and report tools write:
 *
 *     <?xml version="1.0"?><?mso-application progid="Excel.Sheet"?>
 *     <Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" ...>
 *      <Worksheet ss:Name="Contacts"><Table>
 *       <Row><Cell><Data ss:Type="String">Phone</Data></Cell></Row> ...
 *
 * The file is fed to expat CHUNK bytes at a time and parsed event by
 * event; the parser is suspended (XML_StopParser, resumable) whenever a
 * non-empty row is complete and resumed on the next call, so the reader
 * holds one chunk, one row and expat's state, never the sheet. Elements
 * and attributes are matched by namespace URI, not by prefix.
 *
 * Sheet selection, as odsin's: no --sheet, the first Worksheet (whether a
 * sheet is hidden is said in its WorksheetOptions, after its Table, which
 * a stream has read by then); --sheet NAME the Worksheet of exactly that
 * ss:Name, else the first matching it ignoring ASCII case, else, when it
 * is a number n, the n-th Worksheet. The latter two need the whole file
 * to rule out an exact match, and cost a second pass up to the sheet.
 *
 * Rows and cells: a Row's ss:Index is its row number (rows it skips are
 * absent, and row numbers stay the sheet's); a Cell's ss:Index its 1-based
 * column, cells it skips are empty; ss:MergeAcross="n" makes the cell
 * span n more columns, which stay empty (as LibreOffice's CSV of a merge).
 * An index that goes backwards is malformed. ss:MergeDown covers cells of
 * later rows, which Excel writes with ss:Index anyway, so it is ignored.
 *
 * Values (the Data element; a Cell's Comment is not its value):
 *   String    the text of Data and of any formatting inside it (<B>, <Font>)
 *   Number    through cellfmt_number: 4915123456781, 0.25, 18
 *   Boolean   1/0 as TRUE/FALSE
 *   DateTime  "2024-03-01T13:45:00.000" as 2024-03-01T13:45:00, or
 *             2024-03-01 at midnight; on Excel's day 0 (1899-12-31), where
 *             times of day live, 13:45:00
 *   Error     empty, as the other readers leave error cells
 * A value that does not parse for its type is malformed, naming the line.
 *
 * Memory is bounded: a row may hold max_cells cells and max_row_bytes of
 * text; expat may buffer no token larger than max_row_bytes plus
 * MAX_TAG_SLACK, nor nest deeper than MAX_DEPTH. DTDs are refused, so no
 * entity can be declared at all. Encodings: what expat knows (UTF-8,
 * UTF-16, ISO-8859-1, US-ASCII) and Windows-1252.
 */
#include <errno.h>
#include <expat.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "read/cellfmt.h"
#include "quote.h"
#include "read/sheet.h"
#include "reader.h"
#include "row.h"

#define CHUNK ((size_t)64 << 10)
#define DEFAULT_MAX_ROW ((size_t)16 << 20)
#define DEFAULT_MAX_CELLS 20000
/* Excel's own limit; a row index past it is a hostile file. */
#define MAX_ROWS ((uint64_t)1 << 20)
#define MAX_TAG_SLACK ((size_t)1 << 20)
#define MAX_DEPTH 1000
/* How far the probe looks for the workbook's marks. */
#define PROBE_WINDOW 4096

/* expat reports names as "URI|local" (XML_ParserCreateNS with '|'). */
#define NS_SS "urn:schemas-microsoft-com:office:spreadsheet"
#define SS NS_SS "|"

enum phase {
	PH_SCAN,	/* looking for the sheet to read */
	PH_READ,	/* inside its Table */
	PH_DONE,	/* past its end */
};

enum dtype { DT_STRING, DT_NUMBER, DT_BOOLEAN, DT_DATETIME, DT_ERROR };

struct xmlssin {
	char *name;
	char *sheet;
	FILE *fp;
	XML_Parser xp;
	size_t max_row, max_cells, max_token;
	char *chunk;

	/* Parser driving. */
	int suspended, final_fed, xml_end;
	size_t since_event;	/* bytes fed since a handler last ran */
	uint64_t fed;		/* bytes of the file fed so far */
	enum err failed;
	enum err hfail;		/* set by a handler, which cannot return it */
	struct errinfo herr;

	/* Selection. */
	const char *spec;
	unsigned long spec_num;
	long target, ci_cand, num_cand, nsheets;
	struct buf names;
	struct quote_list names_q;
	int saw_book;
	enum phase phase;

	/* Depth of the element we are in, 0 when outside it. */
	unsigned depth, skip, book_d, ws_d, table_d, row_d, cell_d, data_d;

	/* The row being built. */
	uint64_t next_row, row_no;
	unsigned long row_line;
	uint64_t col;		/* column of the current cell, 0-based */
	uint64_t span;		/* columns it covers */
	enum dtype type;
	struct buf cur;
	struct rowbuf rb;
	uint64_t row_bytes;

	int row_ready;
};

/* ---- errors ---------------------------------------------------------- */

#define fail(r, info, ...) reader_fail(&(r)->failed, info, __VA_ARGS__)

static unsigned long line_of(const struct xmlssin *r)
{
	return (unsigned long)XML_GetCurrentLineNumber(r->xp);
}

/* From a handler: keeps the error and aborts the parse. */
__attribute__((format(printf, 3, 4)))
static void hfail(struct xmlssin *r, enum err code, const char *fmt, ...)
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

/* A failure at the current line, named the same way for every check. */
__attribute__((format(printf, 3, 4)))
static void line_fail(struct xmlssin *r, enum err code, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	hfail(r, code, "'%s' sheet '%s' line %lu: %s", r->name,
	      r->sheet ? r->sheet : "", line_of(r), msg);
}

/* ---- XML helpers ----------------------------------------------------- */

/* The attribute in the spreadsheet namespace, or unprefixed. */
static const char *attr(const XML_Char **a, const char *local)
{
	for (; a[0]; a += 2) {
		const char *n = a[0];

		if (strncmp(n, SS, sizeof(SS) - 1) == 0)
			n += sizeof(SS) - 1;
		else if (strchr(n, '|'))
			continue;
		if (strcmp(n, local) == 0)
			return a[1];
	}
	return NULL;
}

static int is_ss(const char *el, const char *local)
{
	return strncmp(el, SS, sizeof(SS) - 1) == 0 &&
	       strcmp(el + sizeof(SS) - 1, local) == 0;
}

/* A positive decimal index (ss:Index); 0 when absent, -1 when bad. */
static int64_t index_of(const char *s)
{
	int64_t v = 0;

	if (!s)
		return 0;
	if (*s < '1' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (*s - '0');
		if (v > (int64_t)1 << 40)
			return -1;
	}
	return *s ? -1 : v;
}

static void skip(struct xmlssin *r)
{
	r->skip = r->depth;
}

/* ---- values ---------------------------------------------------------- */

static void trim(struct buf *b)
{
	size_t s = 0, e = b->len;

	if (e == 0)
		return;		/* data may still be NULL */
	while (s < e && strchr(" \t\r\n", b->data[s]))
		s++;
	while (e > s && strchr(" \t\r\n", b->data[e - 1]))
		e--;
	memmove(b->data, b->data + s, e - s);
	b->len = e - s;
	b->data[b->len] = '\0';
}

/* xsd:double; strtod alone would also take hex, "inf" and "nan". */
static size_t fmt_number(const char *s, char *out)
{
	const char *p;
	char *end;
	double v;

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
	if (strcmp(s, "1") == 0 || strcasecmp(s, "true") == 0)
		return (size_t)snprintf(out, CELLFMT_MAX, "TRUE");
	if (strcmp(s, "0") == 0 || strcasecmp(s, "false") == 0)
		return (size_t)snprintf(out, CELLFMT_MAX, "FALSE");
	return 0;
}

/* Exactly n digits into *v; 0 when they are not there. */
static int digits(const char **s, int n, int *v)
{
	*v = 0;
	for (; n > 0; n--, (*s)++) {
		if (**s < '0' || **s > '9')
			return 0;
		*v = *v * 10 + (**s - '0');
	}
	return 1;
}

/* "yyyy-mm-ddThh:mm:ss[.fff]" (the time optional) as ISO 8601: the day
 * alone at midnight, the time alone on Excel's day 0. 0 when bad. */
static size_t fmt_datetime(const char *s, char *out)
{
	int y, mo, d, h = 0, mi = 0, sec = 0;

	if (!digits(&s, 4, &y) || *s++ != '-' || !digits(&s, 2, &mo) ||
	    *s++ != '-' || !digits(&s, 2, &d) || mo < 1 || mo > 12 || d < 1 || d > 31)
		return 0;
	if (*s == 'T') {
		s++;
		if (!digits(&s, 2, &h) || *s++ != ':' || !digits(&s, 2, &mi) ||
		    h > 23 || mi > 59)
			return 0;
		if (*s == ':' && (s++, !digits(&s, 2, &sec) || sec > 59))
			return 0;
		if (*s == '.')
			for (s++; *s >= '0' && *s <= '9'; s++)
				;
	}
	if (*s && strcmp(s, "Z") != 0)
		return 0;
	if (y == 1899 && mo == 12 && d == 31)
		return (size_t)snprintf(out, CELLFMT_MAX, "%02d:%02d:%02d", h, mi, sec);
	if (h == 0 && mi == 0 && sec == 0)
		return (size_t)snprintf(out, CELLFMT_MAX, "%04d-%02d-%02d", y, mo, d);
	return (size_t)snprintf(out, CELLFMT_MAX, "%04d-%02d-%02dT%02d:%02d:%02d",
				y, mo, d, h, mi, sec);
}

static enum dtype type_of(const char *t)
{
	if (!t || strcmp(t, "String") == 0)
		return DT_STRING;
	if (strcmp(t, "Number") == 0)
		return DT_NUMBER;
	if (strcmp(t, "Boolean") == 0)
		return DT_BOOLEAN;
	if (strcmp(t, "DateTime") == 0)
		return DT_DATETIME;
	if (strcmp(t, "Error") == 0)
		return DT_ERROR;
	return DT_STRING;	/* a type from the future: show its text */
}

/* Turns the Data's text into the cell's text, by its type. */
static void data_end(struct xmlssin *r)
{
	static const char *const what[] = { "", "Number", "Boolean", "DateTime", "" };
	char out[CELLFMT_MAX];
	size_t n;

	if (r->type == DT_STRING)
		return;
	if (r->type == DT_ERROR) {
		buf_reset(&r->cur);
		return;
	}
	trim(&r->cur);
	if (r->cur.len == 0)
		return;
	n = r->cur.len > 64 ? 0 :
		r->type == DT_NUMBER ? fmt_number(r->cur.data, out) :
		r->type == DT_BOOLEAN ? fmt_bool(r->cur.data, out) :
		fmt_datetime(r->cur.data, out);
	if (n == 0) {
		char q[QUOTE_CAP];

		line_fail(r, ERR_FORMAT, "bad %s %s", what[r->type],
			  quote_to(q, r->cur.data, r->cur.len));
		return;
	}
	buf_reset(&r->cur);
	if (buf_add(&r->cur, out, n))
		line_fail(r, ERR_NOMEM, "out of memory");
}

/* ---- the row --------------------------------------------------------- */

static void store_failed(struct xmlssin *r, enum err e)
{
	if (e == ERR_LIMIT)
		line_fail(r, e, "row %llu is larger than %zu bytes",
			  (unsigned long long)r->row_no, r->max_row);
	else
		line_fail(r, e, "%s", err_str(e));
}

/* An attribute's value in a message (quote.h). */
static const char *quote_attr(char q[QUOTE_CAP], const char *v)
{
	return v ? quote_to(q, v, strlen(v)) : "''";
}

static void cell_start(struct xmlssin *r, const XML_Char **a)
{
	int64_t idx = index_of(attr(a, "Index"));
	int64_t merge = index_of(attr(a, "MergeAcross"));
	const char *m = attr(a, "MergeAcross");
	char q[QUOTE_CAP];

	r->cell_d = r->depth;
	buf_reset(&r->cur);
	if (idx < 0 || (idx > 0 && (uint64_t)idx - 1 < r->col)) {
		line_fail(r, ERR_FORMAT, "bad ss:Index %s (column %llu was already read)",
			  quote_attr(q, attr(a, "Index")), (unsigned long long)r->col);
		return;
	}
	if (idx > 0)
		r->col = (uint64_t)idx - 1;
	/* "0" is a merge of nothing, which index_of calls bad. */
	if (m && strcmp(m, "0") != 0 && merge < 0) {
		line_fail(r, ERR_FORMAT, "bad ss:MergeAcross %s", quote_attr(q, m));
		return;
	}
	r->span = 1 + (merge > 0 ? (uint64_t)merge : 0);
}

/* A non-empty cell is stored after the empty cells before it. */
static void cell_end(struct xmlssin *r)
{
	enum err e = ERR_OK;

	if (r->cur.len == 0) {
		r->col += r->span;
		return;
	}
	if (r->col >= r->max_cells) {
		line_fail(r, ERR_LIMIT, "more than %zu cells in row %llu", r->max_cells,
			  (unsigned long long)r->row_no);
		return;
	}
	if (r->cur.len > r->max_row - r->row_bytes) {
		store_failed(r, ERR_LIMIT);
		return;
	}
	r->row_bytes += r->cur.len;
	while (!e && r->rb.ncells < r->col)
		e = rowbuf_add(&r->rb, "", 0);
	if (!e)
		e = rowbuf_add(&r->rb, r->cur.data, r->cur.len);
	if (e) {
		store_failed(r, e);
		return;
	}
	r->col += r->span;
}

static void row_start(struct xmlssin *r, const XML_Char **a)
{
	int64_t idx = index_of(attr(a, "Index"));
	char q[QUOTE_CAP];

	r->row_d = r->depth;
	if (idx < 0 || (idx > 0 && (uint64_t)idx < r->next_row)) {
		line_fail(r, ERR_FORMAT, "bad ss:Index %s (row %llu was already read)",
			  quote_attr(q, attr(a, "Index")), (unsigned long long)r->next_row - 1);
		return;
	}
	r->row_no = idx > 0 ? (uint64_t)idx : r->next_row;
	if (r->row_no > MAX_ROWS) {
		line_fail(r, ERR_LIMIT, "row %llu: more than %llu rows",
			  (unsigned long long)r->row_no, (unsigned long long)MAX_ROWS);
		return;
	}
	r->next_row = r->row_no + 1;
	r->row_line = line_of(r);
	r->col = 0;
	r->row_bytes = 0;
	rowbuf_reset(&r->rb);
}

/* A non-empty row suspends the parse until the reader hands it out. */
static void row_end(struct xmlssin *r)
{
	if (r->rb.ncells == 0)
		return;
	r->row_ready = 1;
	XML_StopParser(r->xp, XML_TRUE);
}

/* ---- sheets ---------------------------------------------------------- */

static void note_name(struct xmlssin *r, const char *name)
{
	quote_list_add(&r->names_q, name, strlen(name));
}

/* Whether sheet idx is the one to read, on this pass. */
static int wanted(struct xmlssin *r, long idx, const char *name)
{
	if (r->target >= 0)
		return idx == r->target;
	if (!r->spec)
		return 1;
	if (strcmp(name, r->spec) == 0)
		return 1;
	if (r->ci_cand < 0 && strcasecmp(name, r->spec) == 0)
		r->ci_cand = idx;
	if (r->num_cand < 0 && r->spec_num == (unsigned long)idx + 1)
		r->num_cand = idx;
	return 0;
}

static void worksheet_start(struct xmlssin *r, const XML_Char **a)
{
	const char *name = attr(a, "Name");
	long idx = r->nsheets++;

	if (!name)
		name = "";
	if (r->target < 0)
		note_name(r, name);
	if (r->phase != PH_SCAN || !wanted(r, idx, name)) {
		skip(r);
		return;
	}
	r->sheet = strdup(name);
	if (!r->sheet) {
		hfail(r, ERR_NOMEM, "out of memory");
		return;
	}
	r->ws_d = r->depth;
}

static void table_start(struct xmlssin *r)
{
	r->phase = PH_READ;
	r->table_d = r->depth;
	r->next_row = 1;
	/* open returns here; the rows wait for next. */
	XML_StopParser(r->xp, XML_TRUE);
}

static void book_start(struct xmlssin *r)
{
	r->book_d = r->depth;
	r->saw_book = 1;
}

/* ---- expat handlers -------------------------------------------------- */

static void in_row(struct xmlssin *r, const char *el, const XML_Char **a)
{
	if (r->data_d)
		return;		/* formatting inside Data: its text counts */
	if (r->cell_d) {
		if (r->depth == r->cell_d + 1 && is_ss(el, "Data")) {
			r->data_d = r->depth;
			r->type = type_of(attr(a, "Type"));
		} else {
			skip(r);	/* Comment, NamedCell, PhoneticText */
		}
	} else if (is_ss(el, "Cell")) {
		cell_start(r, a);
	} else {
		skip(r);
	}
}

static void XMLCALL on_start(void *ud, const XML_Char *el, const XML_Char **a)
{
	struct xmlssin *r = ud;

	r->since_event = 0;
	r->depth++;
	if (r->depth > MAX_DEPTH) {
		hfail(r, ERR_LIMIT, "'%s' line %lu: elements nested deeper than %d",
		      r->name, line_of(r), MAX_DEPTH);
		return;
	}
	if (r->skip || r->hfail)
		return;
	if (r->row_d)
		in_row(r, el, a);
	else if (r->table_d && is_ss(el, "Row"))
		row_start(r, a);
	else if (r->table_d)
		skip(r);	/* Column */
	else if (r->ws_d && r->depth == r->ws_d + 1 && is_ss(el, "Table"))
		table_start(r);
	else if (r->ws_d)
		skip(r);	/* Names, WorksheetOptions, a second Table */
	else if (r->book_d && r->depth == r->book_d + 1 && is_ss(el, "Worksheet"))
		worksheet_start(r, a);
	else if (r->depth == 1 && is_ss(el, "Workbook"))
		book_start(r);
	else
		skip(r);	/* Styles, DocumentProperties, ExcelWorkbook */
}

static void XMLCALL on_end(void *ud, const XML_Char *el)
{
	struct xmlssin *r = ud;
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
	if (d == r->data_d) {
		r->data_d = 0;
		data_end(r);
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
	} else if (d == r->ws_d) {
		r->ws_d = 0;
		if (r->phase == PH_SCAN)	/* a sheet without a Table */
			r->phase = PH_DONE;
	} else if (d == r->book_d) {
		r->book_d = 0;
	}
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
	struct xmlssin *r = ud;
	enum err e;

	r->since_event = 0;
	if (!r->data_d || r->skip || r->hfail)
		return;
	if ((e = buf_add(&r->cur, s, (size_t)len)))
		store_failed(r, e);
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
			       const XML_Char *pubid, int has_internal)
{
	struct xmlssin *r = ud;

	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal;
	hfail(r, ERR_FORMAT, "'%s' line %lu: a DTD is not allowed", r->name, line_of(r));
}

/* Windows-1252, which PHP writers declare; expat knows only Latin-1. */
static int XMLCALL on_encoding(void *ud, const XML_Char *name, XML_Encoding *info)
{
	static const unsigned short c1[32] = {
		0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
		0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
		0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
		0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
	};
	int i;

	(void)ud;
	if (strcasecmp(name, "windows-1252") != 0 && strcasecmp(name, "cp1252") != 0)
		return XML_STATUS_ERROR;
	for (i = 0; i < 256; i++)
		info->map[i] = i >= 0x80 && i < 0xA0 ? (c1[i - 0x80] ? c1[i - 0x80] : i) : i;
	info->data = NULL;
	info->convert = NULL;
	info->release = NULL;
	return XML_STATUS_OK;
}

/* ---- driving the parser ---------------------------------------------- */

static enum err xml_failure(struct xmlssin *r, struct errinfo *info)
{
	if (r->hfail) {
		r->failed = r->hfail;
		return err_set(info, r->hfail, "%s", r->herr.msg);
	}
	return fail(r, info, ERR_FORMAT, "'%s' line %lu column %lu: %s", r->name,
		    line_of(r), (unsigned long)XML_GetCurrentColumnNumber(r->xp),
		    XML_ErrorString(XML_GetErrorCode(r->xp)));
}

/* Parses until a handler suspends the parser or the file ends. */
static enum err pump(struct xmlssin *r, struct errinfo *info)
{
	enum XML_Status st;
	size_t got;

	if (r->suspended) {
		r->suspended = 0;
		st = XML_ResumeParser(r->xp);
	} else {
		got = fread(r->chunk, 1, CHUNK, r->fp);
		if (ferror(r->fp))
			return fail(r, info, ERR_IO, "cannot read '%s': %s", r->name,
				    strerror(errno));
		r->fed += got;
		r->since_event += got;
		r->final_fed = got == 0;
		st = XML_Parse(r->xp, r->chunk, (int)got, r->final_fed);
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
			    "'%s' line %lu: an XML token is larger than %zu bytes", r->name,
			    line_of(r), r->max_token);
	return ERR_OK;
}

/* (Re)starts parsing from the file's beginning; target is the index of
 * the sheet to read, or -1 to choose on the way. */
static enum err start_parse(struct xmlssin *r, long target, struct errinfo *info)
{
	if (fseek(r->fp, 0, SEEK_SET) != 0)
		return fail(r, info, ERR_IO, "cannot read '%s': %s", r->name, strerror(errno));
	if (r->xp) {
		if (!XML_ParserReset(r->xp, NULL))
			return fail(r, info, ERR_NOMEM, "out of memory");
	} else if (!(r->xp = XML_ParserCreateNS(NULL, '|'))) {
		return fail(r, info, ERR_NOMEM, "out of memory");
	}
	XML_SetUserData(r->xp, r);
	XML_SetElementHandler(r->xp, on_start, on_end);
	XML_SetCharacterDataHandler(r->xp, on_text);
	XML_SetStartDoctypeDeclHandler(r->xp, on_doctype);
	XML_SetUnknownEncodingHandler(r->xp, on_encoding, NULL);
	r->suspended = r->final_fed = r->xml_end = 0;
	r->since_event = 0;
	r->fed = 0;
	r->depth = r->skip = r->book_d = r->ws_d = r->table_d = 0;
	r->row_d = r->cell_d = r->data_d = 0;
	r->nsheets = 0;
	r->target = target;
	r->phase = PH_SCAN;
	free(r->sheet);
	r->sheet = NULL;
	return ERR_OK;
}

static enum err scan(struct xmlssin *r, struct errinfo *info)
{
	enum err e;

	while (r->phase == PH_SCAN && !r->xml_end)
		if ((e = pump(r, info)))
			return e;
	return ERR_OK;
}

static enum err select_sheet(struct xmlssin *r, struct errinfo *info)
{
	long target;
	enum err e;

	if ((e = scan(r, info)))
		return e;
	if (r->phase != PH_SCAN)
		return ERR_OK;
	if (!r->saw_book)
		return fail(r, info, ERR_FORMAT,
			    "'%s': not an XML spreadsheet (no Workbook in the namespace '%s')",
			    r->name, NS_SS);
	if (r->nsheets == 0)
		return fail(r, info, ERR_NOT_FOUND, "'%s': no sheets", r->name);
	target = r->ci_cand >= 0 ? r->ci_cand : r->num_cand >= 0 ? r->num_cand :
		r->spec ? -1 : 0;
	if (target < 0)
		return fail(r, info, ERR_NOT_FOUND, "'%s': no sheet '%s' (sheets: %s)",
			    r->name, r->spec, sheet_names(&r->names_q));
	if ((e = start_parse(r, target, info)) || (e = scan(r, info)))
		return e;
	if (r->phase == PH_SCAN)
		return fail(r, info, ERR_FORMAT, "'%s' changed while it was read", r->name);
	return ERR_OK;
}

static void destroy(struct xmlssin *r)
{
	if (r->xp)
		XML_ParserFree(r->xp);
	if (r->fp)
		fclose(r->fp);
	rowbuf_free(&r->rb);
	buf_free(&r->cur);
	buf_free(&r->names);
	free(r->chunk);
	free(r->sheet);
	free(r->name);
	free(r);
}

static enum err xmlssin_open(struct xmlssin **out, const char *path, const char *name,
			     const struct sheet_opts *opts, struct errinfo *info)
{
	static const struct sheet_opts defaults;
	struct xmlssin *r;
	enum err e;

	*out = NULL;
	if (!opts)
		opts = &defaults;
	r = calloc(1, sizeof(*r));
	if (!r)
		return err_set(info, ERR_NOMEM, "out of memory");
	r->max_row = opts->max_row_bytes ? opts->max_row_bytes : DEFAULT_MAX_ROW;
	r->max_cells = opts->max_cells ? opts->max_cells : DEFAULT_MAX_CELLS;
	r->max_token = r->max_row + MAX_TAG_SLACK;
	r->spec = opts->sheet;
	r->spec_num = sheet_number(opts->sheet);
	r->ci_cand = r->num_cand = -1;
	buf_init(&r->cur, r->max_row);
	rowbuf_init(&r->rb, r->max_cells, r->max_row + r->max_cells + 1);
	buf_init(&r->names, 0);
	quote_list_init(&r->names_q, &r->names);
	r->name = strdup(name);
	r->chunk = malloc(CHUNK);
	if (!r->name || !r->chunk) {
		e = err_set(info, ERR_NOMEM, "out of memory");
		goto fail;
	}
	r->fp = fopen(path, "rb");
	if (!r->fp) {
		e = err_set(info, ERR_IO, "cannot open '%s': %s", name, strerror(errno));
		goto fail;
	}
	if ((e = start_parse(r, -1, info)) || (e = select_sheet(r, info)))
		goto fail;
	*out = r;
	return ERR_OK;
fail:
	destroy(r);
	return e;
}

static enum err xmlssin_next(struct xmlssin *r, struct row *row, struct errinfo *info)
{
	enum err e;

	if (r->failed)
		return err_set(info, r->failed, "'%s': cannot read on after an error", r->name);
	r->row_ready = 0;
	while (!r->row_ready) {
		if (r->phase != PH_READ || r->xml_end)
			return err_set(info, ERR_NOT_FOUND, "'%s': no more rows", r->name);
		if ((e = pump(r, info)))
			return e;
	}
	rowbuf_row(&r->rb, row);
	row->rowno = (unsigned long)r->row_no;
	row->line = r->row_line;
	row->bad_cell = 0;
	return ERR_OK;
}

/* ---- the reader family (reader.h) ------------------------------------ */

/* Past a UTF-8 BOM and blanks, a '<' (the prolog or the root), and
 * within the first PROBE_WINDOW bytes Excel's processing instruction or
 * a Workbook in the spreadsheet namespace. */
static int xmlss_probe(const struct reader_probe *p, struct errinfo *info)
{
	size_t i = 0, n = p->n < PROBE_WINDOW ? p->n : PROBE_WINDOW;
	const char *h = (const char *)p->head;

	(void)info;
	if (p->zip || p->ole)
		return 0;
	if (n >= 3 && !memcmp(h, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < n && strchr(" \t\r\n", h[i]))
		i++;
	if (i >= n || h[i] != '<')
		return 0;
	if (memmem(h, n, "progid=\"Excel.Sheet\"", 20))
		return 1;
	return (memmem(h, n, "<Workbook", 9) || memmem(h, n, "<ss:Workbook", 12)) &&
	       memmem(h, n, NS_SS, sizeof(NS_SS) - 1);
}

static enum err xmlss_open(void **priv, const char *path, const char *name,
			   const struct reader_opts *o, struct errinfo *info)
{
	struct xmlssin *r;
	enum err e = xmlssin_open(&r, path, name, o->sheet, info);

	*priv = r;
	return e;
}

static enum err xmlss_next(void *priv, struct row *row, struct errinfo *info)
{
	return xmlssin_next(priv, row, info);
}

static const char *xmlss_sheet(void *priv)
{
	return ((struct xmlssin *)priv)->sheet;
}

static uint64_t xmlss_offset(void *priv)
{
	return ((struct xmlssin *)priv)->fed;
}

static void xmlss_close(void *priv)
{
	if (priv)
		destroy(priv);
}

/* No other_sheets: read as a stream, it does not know the later sheets
 * when the chosen one ends. */
const struct reader reader_xmlss = {
	.name = "SpreadsheetML",
	.probe = xmlss_probe,
	.open = xmlss_open,
	.next = xmlss_next,
	.sheet = xmlss_sheet,
	.offset = xmlss_offset,
	.close = xmlss_close,
};
