/*
 * htmlin: reader of HTML tables saved as "xls", as web apps export them
 * (a page with a <table>, often with <meta http-equiv=Content-Type
 * content="application/vnd.ms-excel">, the Office namespaces and
 * mso-number-format styles), which Excel and LibreOffice open as a sheet.
 *
 * libxml2's HTML parser reads the file as a stream (the push parser with
 * SAX callbacks, no tree), in CHUNK-byte pieces; it repairs the markup
 * (implied </td> and </tr>, unquoted attributes), decodes entities and
 * converts to UTF-8 from the encoding a BOM or a meta charset names. A
 * page that names none (the common "tableToExcel" script writes UTF-8
 * without saying so) is read as UTF-8 when its first SNIFF bytes are,
 * else as Windows-1252, as browsers and Excel assume. The rows a
 * piece completes wait in a queue holding only their non-empty cells, so
 * memory is bounded by a piece's text, never the table's.
 *
 * The table read is the first one with a non-blank row of its own: a
 * table without rows is passed over, and a table nested in a table that
 * has no row yet (a layout table around the data) replaces it; once a
 * table has given a row, tables nested in its cells are not read. Reading
 * stops at its end. Rows are its <tr>s, wherever they sit (thead, tbody,
 * tfoot), numbered from 1 as the sheet shows them; cells its <td>s and
 * <th>s. A cell's colspan and rowspan cover the cells to its right and
 * below, which stay empty, so columns keep their positions (LibreOffice
 * does the same with a merge); spans are clamped as browsers do (colspan
 * 1000, rowspan 65534).
 *
 * Cell text, as a browser lays it out and LibreOffice imports it:
 * whitespace runs (no-break spaces included: Excel writes &nbsp; for an
 * empty cell) become one space, ends trimmed; <br> is a line break, and so
 * is the edge of a block (<p>, <div>, <li>) between text. Comments,
 * scripts and styles are not text. The shown text is what is read (it
 * is what the page's author formatted), except where Excel's "Save as Web
 * Page" wrote a number that lost digits to its column's width
 * ("4.91512E+12", "#####"): then the cell's x:num attribute, the number
 * itself, is read as General, as LibreOffice's CSV of the sheet holds it.
 *
 * Bounds: a row holds max_cells cells and max_row_bytes of text; libxml2
 * may go no further than max_row_bytes + MAX_TOKEN_SLACK bytes of input
 * without reporting anything (one huge tag or text run), and elements may
 * nest MAX_DEPTH deep. libxml2 never reaches the network (NONET).
 */
#include <ctype.h>
#include <errno.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "read/cellfmt.h"
#include "read/sheet.h"
#include "reader.h"
#include "row.h"
#include "text.h"

#define CHUNK ((size_t)16 << 10)
/* How much of a page is looked at for its encoding. */
#define SNIFF ((size_t)64 << 10)
#define DEFAULT_MAX_ROW ((size_t)16 << 20)
#define DEFAULT_MAX_CELLS 20000
/* Room for an x:num value: a double as Excel writes it ("4915123456781",
 * "0.30000000000000004", "1.2345678901234E+20"). */
#define XNUM_MAX 32
#define MAX_TOKEN_SLACK ((size_t)1 << 20)
#define MAX_DEPTH 1000
#define MAX_COLSPAN 1000
#define MAX_ROWSPAN 65534

enum phase {
	PH_SCAN,	/* looking for the table */
	PH_READ,	/* inside it */
	PH_DONE,	/* past its end */
};

/* Non-empty cells of one or more rows: their text, each + NUL, in one
 * buf, and where each sits. */
struct cells {
	struct buf text;
	struct cell { uint64_t col; size_t off, len; } *v;
	size_t n, cap;
};

/* A complete row waiting in the queue: cells [first, first + n). */
struct qrow {
	unsigned long rowno, line;
	size_t first, n;
};

struct htmlin {
	char *name;
	FILE *fp;
	htmlParserCtxtPtr ctxt;
	char *chunk;
	size_t max_row, max_cells, max_token;
	uint64_t fed;
	size_t since_event;
	int eof;
	enum err failed;
	enum err hfail;		/* set by a callback, which cannot return it */
	struct errinfo herr;

	enum phase phase;
	int saw_table;
	unsigned depth, skip, table_d, row_d, cell_d;
	unsigned long rows_out;	/* non-blank rows the table has given */

	/* The row being built. */
	unsigned long tr_no, tr_line;
	uint64_t col, colspan;
	unsigned long rowspan;
	unsigned long *occ;	/* per column: the last row a rowspan covers */
	size_t nocc;
	struct buf cur;		/* the cell's text */
	char xnum[XNUM_MAX];	/* the cell's x:num value, "" when none */
	int space, brk;		/* a space or line break is due before more text */
	struct cells row;
	uint64_t row_bytes;

	/* Complete rows, handed out from qhead. */
	struct cells q;
	struct qrow *qr;
	size_t nq, qcap, qhead;
	struct rowbuf rb;
};

/* ---- errors ---------------------------------------------------------- */

#define fail(r, info, ...) reader_fail(&(r)->failed, info, __VA_ARGS__)

static unsigned long line_of(const struct htmlin *r)
{
	return r->ctxt && r->ctxt->input ? (unsigned long)r->ctxt->input->line : 0;
}

/* From a callback: keeps the first error; the reader stops feeding. */
__attribute__((format(printf, 3, 4)))
static void hfail(struct htmlin *r, enum err code, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	if (r->hfail)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	err_set(&r->herr, code, "'%s' line %lu: %s", r->name, line_of(r), msg);
	r->hfail = code;
}

/* ---- cells ----------------------------------------------------------- */

static void cells_init(struct cells *c, size_t max)
{
	memset(c, 0, sizeof(*c));
	buf_init(&c->text, max);
}

static void cells_free(struct cells *c)
{
	buf_free(&c->text);
	free(c->v);
}

static void cells_reset(struct cells *c)
{
	buf_reset(&c->text);
	c->n = 0;
}

static enum err cells_add(struct cells *c, uint64_t col, const char *s, size_t len)
{
	size_t off = c->text.len;
	struct cell *v;
	enum err e;

	if (c->n == c->cap) {
		v = realloc(c->v, (c->cap ? c->cap * 2 : 64) * sizeof(*v));
		if (!v)
			return ERR_NOMEM;
		c->v = v;
		c->cap = c->cap ? c->cap * 2 : 64;
	}
	if ((e = buf_add(&c->text, s, len)) || (e = buf_addc(&c->text, '\0')))
		return e;
	c->v[c->n++] = (struct cell){ col, off, len };
	return ERR_OK;
}

/* ---- cell text ------------------------------------------------------- */

static void add(struct htmlin *r, const char *s, size_t n)
{
	enum err e = buf_add(&r->cur, s, n);

	if (e == ERR_LIMIT)
		hfail(r, e, "a cell of row %lu is larger than %zu bytes", r->tr_no,
		      r->max_row);
	else if (e)
		hfail(r, e, "out of memory");
}

/* Length of the whitespace at s (n bytes), 0 when none: ASCII blanks
 * and U+00A0 (C2 A0). */
static size_t space_at(const unsigned char *s, size_t n)
{
	if (s[0] && strchr(" \t\r\n\f", s[0]))
		return 1;
	return n >= 2 && s[0] == 0xC2 && s[1] == 0xA0 ? 2 : 0;
}

static void add_text(struct htmlin *r, const unsigned char *s, size_t n)
{
	size_t i = 0, k, run;

	while (i < n && !r->hfail) {
		if ((k = space_at(s + i, n - i))) {
			r->space = 1;
			i += k;
			continue;
		}
		for (run = i; run < n && !space_at(s + run, n - run); run++)
			;
		if (r->cur.len > 0 && (r->brk || r->space))
			add(r, r->brk ? "\n" : " ", 1);
		r->brk = r->space = 0;
		add(r, (const char *)s + i, run - i);
		i = run;
	}
}

/* <br>: a break even in an empty line; a block's edge: one between text. */
static void add_break(struct htmlin *r, int forced)
{
	if (forced) {
		if (r->brk && r->cur.len > 0)
			add(r, "\n", 1);
		r->brk = 1;
	} else if (r->cur.len > 0) {
		r->brk = 1;
	}
	r->space = 0;
}

static int is_block(const char *el)
{
	static const char *const blocks[] = {
		"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
		"blockquote", "pre", "dl", "dt", "dd", "hr", "address", NULL,
	};
	size_t i;

	for (i = 0; blocks[i]; i++)
		if (strcmp(el, blocks[i]) == 0)
			return 1;
	return 0;
}

/* ---- rows and cells -------------------------------------------------- */

/* A span attribute's value, clamped to [1, max]; like a browser, the
 * leading digits count and anything else is 1. */
static unsigned long span_of(const xmlChar **a, const char *name, unsigned long max)
{
	unsigned long v = 0;
	const char *s = NULL;

	for (; a && a[0]; a += 2)
		if (strcasecmp((const char *)a[0], name) == 0 && a[1])
			s = (const char *)a[1];
	if (!s)
		return 1;
	while (*s == ' ' || *s == '\t')
		s++;
	for (; *s >= '0' && *s <= '9' && v <= max; s++)
		v = v * 10 + (unsigned long)(*s - '0');
	return v < 1 ? 1 : v > max ? max : v;
}

static void row_start(struct htmlin *r)
{
	r->row_d = r->depth;
	r->tr_no++;
	r->tr_line = line_of(r);
	r->col = 0;
	r->row_bytes = 0;
	cells_reset(&r->row);
}

static int covered(const struct htmlin *r, uint64_t col)
{
	return col < r->nocc && r->occ[col] >= r->tr_no;
}

/* The cell's x:num value (Excel's "Save as Web Page": the number behind
 * the text shown), kept when it is short enough to be one. */
static void note_xnum(struct htmlin *r, const xmlChar **a)
{
	r->xnum[0] = '\0';
	for (; a && a[0]; a += 2)
		if (strcasecmp((const char *)a[0], "x:num") == 0 && a[1] &&
		    strlen((const char *)a[1]) < sizeof(r->xnum))
			strcpy(r->xnum, (const char *)a[1]);
}

static void cell_start(struct htmlin *r, const xmlChar **a)
{
	note_xnum(r, a);
	r->cell_d = r->depth;
	while (covered(r, r->col))
		r->col++;
	r->colspan = span_of(a, "colspan", MAX_COLSPAN);
	r->rowspan = span_of(a, "rowspan", MAX_ROWSPAN);
	buf_reset(&r->cur);
	r->space = r->brk = 0;
}

/* Marks the columns a rowspan covers in the rows below. */
static void cover(struct htmlin *r)
{
	uint64_t end = r->col + r->colspan, i;
	unsigned long *occ;

	if (r->rowspan <= 1 || r->col >= r->max_cells)
		return;
	if (end > r->max_cells)
		end = r->max_cells;
	if (end > r->nocc) {
		occ = realloc(r->occ, (size_t)end * sizeof(*occ));
		if (!occ) {
			hfail(r, ERR_NOMEM, "out of memory");
			return;
		}
		memset(occ + r->nocc, 0, ((size_t)end - r->nocc) * sizeof(*occ));
		r->occ = occ;
		r->nocc = (size_t)end;
	}
	for (i = r->col; i < end; i++)
		r->occ[i] = r->tr_no + r->rowspan - 1;
}

/*
 * Whether the text shown for a number lost digits that a CSV of the sheet
 * would keep: Excel writes a General number too wide for its column as
 * "4.91512E+12" and a formatted one as "#######"; LibreOffice's "as shown"
 * CSV holds every digit of a General number whatever the column width.
 */
static int lossy_text(const char *s, size_t len)
{
	size_t i = 0, hashes = 0;

	while (hashes < len && s[hashes] == '#')
		hashes++;
	if (len && hashes == len)
		return 1;
	if (i < len && (s[i] == '-' || s[i] == '+'))
		i++;
	if (i >= len || !isdigit((unsigned char)s[i++]))
		return 0;
	if (i < len && s[i] == '.')
		for (i++; i < len && isdigit((unsigned char)s[i]); i++)
			;
	if (i >= len || (s[i] != 'E' && s[i] != 'e'))
		return 0;
	if (++i < len && (s[i] == '+' || s[i] == '-'))
		i++;
	if (i >= len)
		return 0;
	while (i < len && isdigit((unsigned char)s[i]))
		i++;
	return i == len;
}

/* A cell whose shown text lost digits reads as its x:num, as General. */
static void use_xnum(struct htmlin *r)
{
	char out[CELLFMT_MAX], *end;
	double v;
	size_t n;

	if (!r->xnum[0] || !lossy_text(r->cur.data, r->cur.len))
		return;
	errno = 0;
	v = strtod(r->xnum, &end);
	if (end == r->xnum || *end || errno || !isfinite(v))
		return;
	n = cellfmt_number(v, out);
	buf_reset(&r->cur);
	if (buf_add(&r->cur, out, n))
		hfail(r, ERR_NOMEM, "out of memory");
}

static void cell_end(struct htmlin *r)
{
	enum err e;

	r->cell_d = 0;
	use_xnum(r);
	cover(r);
	if (r->cur.len > 0) {
		if (r->col >= r->max_cells) {
			hfail(r, ERR_LIMIT, "more than %zu cells in row %lu", r->max_cells,
			      r->tr_no);
			return;
		}
		if (r->cur.len > r->max_row - r->row_bytes) {
			hfail(r, ERR_LIMIT, "row %lu is larger than %zu bytes", r->tr_no,
			      r->max_row);
			return;
		}
		r->row_bytes += r->cur.len;
		if ((e = cells_add(&r->row, r->col, r->cur.data, r->cur.len))) {
			hfail(r, e, "%s", err_str(e));
			return;
		}
	}
	r->col += r->colspan;
}

/* A row with a non-empty cell joins the queue. */
static void row_end(struct htmlin *r)
{
	struct qrow *qr;
	size_t i;
	enum err e = ERR_OK;

	if (r->cell_d)
		cell_end(r);
	r->row_d = 0;
	if (r->row.n == 0 || r->hfail)
		return;
	if (r->nq == r->qcap) {
		qr = realloc(r->qr, (r->qcap ? r->qcap * 2 : 64) * sizeof(*qr));
		if (!qr) {
			hfail(r, ERR_NOMEM, "out of memory");
			return;
		}
		r->qr = qr;
		r->qcap = r->qcap ? r->qcap * 2 : 64;
	}
	r->qr[r->nq++] = (struct qrow){ r->tr_no, r->tr_line, r->q.n, r->row.n };
	for (i = 0; !e && i < r->row.n; i++)
		e = cells_add(&r->q, r->row.v[i].col, r->row.text.data + r->row.v[i].off,
			      r->row.v[i].len);
	if (e)
		hfail(r, e, "%s", err_str(e));
	r->rows_out++;
}

/* (Re)starts reading at a table: row numbers and spans are its own. */
static void table_start(struct htmlin *r)
{
	r->phase = PH_READ;
	r->saw_table = 1;
	r->table_d = r->depth;
	r->row_d = r->cell_d = 0;
	r->tr_no = 0;
	r->nocc = 0;
	r->rows_out = 0;
}

/* A table without rows is passed over: the next one may hold them. */
static void table_end(struct htmlin *r)
{
	r->table_d = 0;
	r->row_d = r->cell_d = 0;
	r->phase = r->rows_out ? PH_DONE : PH_SCAN;
}

/* ---- SAX callbacks --------------------------------------------------- */

static void in_table(struct htmlin *r, const char *el, const xmlChar **a)
{
	if (strcmp(el, "table") == 0) {
		if (r->rows_out == 0)
			table_start(r);	/* the outer one was for layout */
		else
			r->skip = r->depth;
	} else if (r->cell_d) {
		if (strcmp(el, "br") == 0)
			add_break(r, 1);
		else if (is_block(el))
			add_break(r, 0);
		else if (strcmp(el, "script") == 0 || strcmp(el, "style") == 0)
			r->skip = r->depth;
	} else if (strcmp(el, "tr") == 0) {
		row_start(r);
	} else if (r->row_d && (strcmp(el, "td") == 0 || strcmp(el, "th") == 0)) {
		cell_start(r, a);
	} else if (strcmp(el, "caption") == 0) {
		r->skip = r->depth;
	}
}

static void on_start(void *ud, const xmlChar *name, const xmlChar **a)
{
	struct htmlin *r = ud;
	const char *el = (const char *)name;

	r->since_event = 0;
	r->depth++;
	if (r->depth > MAX_DEPTH) {
		hfail(r, ERR_LIMIT, "elements nested deeper than %d", MAX_DEPTH);
		return;
	}
	if (r->skip || r->hfail || r->phase == PH_DONE)
		return;
	if (r->phase == PH_READ)
		in_table(r, el, a);
	else if (strcmp(el, "table") == 0)
		table_start(r);
}

static void on_end(void *ud, const xmlChar *name)
{
	struct htmlin *r = ud;
	const char *el = (const char *)name;
	unsigned d = r->depth;

	r->since_event = 0;
	if (r->depth > 0)
		r->depth--;
	if (r->skip) {
		if (d == r->skip)
			r->skip = 0;
		return;
	}
	if (r->hfail || r->phase != PH_READ)
		return;
	if (d == r->table_d)
		table_end(r);
	else if (d == r->row_d)
		row_end(r);
	else if (d == r->cell_d)
		cell_end(r);
	else if (r->cell_d && is_block(el))
		add_break(r, 0);
}

static void on_text(void *ud, const xmlChar *s, int len)
{
	struct htmlin *r = ud;

	r->since_event = 0;
	if (r->cell_d && !r->skip && !r->hfail && len > 0)
		add_text(r, s, (size_t)len);
}

/* Script and style bodies: without this libxml2 reports them as text. */
static void on_cdata(void *ud, const xmlChar *s, int len)
{
	struct htmlin *r = ud;

	(void)s;
	(void)len;
	r->since_event = 0;
}

/*
 * The parser repairs what it can and its complaints are not the user's,
 * except one: bytes that are not text in the page's encoding stop it for
 * good (libxml2 would leave the rows after them unread, silently).
 */
static void on_error(void *ud, xmlErrorPtr error)
{
	struct htmlin *r = ud;
	const char *enc = "its encoding", *bytes;

	if (!r || !error || error->domain != XML_FROM_I18N || r->hfail)
		return;
	if (r->ctxt && r->ctxt->input && r->ctxt->input->buf &&
	    r->ctxt->input->buf->encoder && r->ctxt->input->buf->encoder->name)
		enc = r->ctxt->input->buf->encoder->name;
	bytes = error->message ? strstr(error->message, "bytes ") : NULL;
	err_set(&r->herr, ERR_ENCODING, "'%s': the text after line %lu is not %s (%.*s)",
		r->name, line_of(r), enc, bytes ? (int)strcspn(bytes, "\n") : 0,
		bytes ? bytes : "");
	r->hfail = ERR_ENCODING;
}

/* libxml2 reports errors without a parser (encodings) through a
 * per-thread handler, to stderr unless one is set: on_error, only for
 * the time of a call into libxml2. */
static void catch_errors(struct htmlin *r, int on)
{
	xmlSetStructuredErrorFunc(on ? r : NULL, on ? on_error : NULL);
}

/* ---- driving the parser ---------------------------------------------- */

/* Feeds the next piece of the file (or the end). */
static enum err feed(struct htmlin *r, struct errinfo *info)
{
	size_t got = fread(r->chunk, 1, CHUNK, r->fp);

	if (ferror(r->fp))
		return fail(r, info, ERR_IO, "cannot read '%s': %s", r->name, strerror(errno));
	r->fed += got;
	r->since_event += got;
	r->eof = got == 0;
	catch_errors(r, 1);
	htmlParseChunk(r->ctxt, r->chunk, (int)got, r->eof);
	catch_errors(r, 0);
	if (r->hfail) {
		r->failed = r->hfail;
		return err_set(info, r->hfail, "%s", r->herr.msg);
	}
	if (r->ctxt->errNo == XML_ERR_NO_MEMORY)
		return fail(r, info, ERR_NOMEM, "out of memory");
	if (r->ctxt->instate == XML_PARSER_EOF && !r->eof)
		return fail(r, info, ERR_FORMAT, "'%s' line %lu: the HTML parser stopped",
			    r->name, line_of(r));
	if (r->since_event > r->max_token)
		return fail(r, info, ERR_LIMIT,
			    "'%s' line %lu: a tag or text run is larger than %zu bytes",
			    r->name, line_of(r), r->max_token);
	return ERR_OK;
}

/* Feeds until a row waits in the queue, the table ends or the file. */
static enum err fill(struct htmlin *r, struct errinfo *info)
{
	enum err e;

	cells_reset(&r->q);
	r->nq = r->qhead = 0;
	while (r->nq == 0 && r->phase != PH_DONE && !r->eof)
		if ((e = feed(r, info)))
			return e;
	return ERR_OK;
}

/* Whether the page's head names its encoding ("charset" in a meta),
 * ignoring case; libxml2 then follows it. */
static int declares_charset(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i + 7 <= n; i++)
		if (strncasecmp(s + i, "charset", 7) == 0)
			return 1;
	return 0;
}

/* Valid UTF-8 up to a sequence the window cuts. */
static int utf8_head(const char *s, size_t n, int cut)
{
	size_t back = 0;
	unsigned char lead;

	while (cut && back < 3 && back < n && ((unsigned char)s[n - 1 - back] & 0xC0) == 0x80)
		back++;
	if (cut && back < n) {
		lead = (unsigned char)s[n - 1 - back];
		if (lead >= 0xC0 && back + 1 < (lead >= 0xF0 ? 4u : lead >= 0xE0 ? 3u : 2u))
			n -= back + 1;
	}
	return text_utf8_valid(s, n);
}

/*
 * The encoding of a page that does not name one: UTF-8 when its head is
 * (what the web apps' scripts write), else Windows-1252 (what browsers
 * and Excel assume); UTF-8 after a UTF-8 BOM; NULL when a meta charset
 * decides.
 */
static const char *default_encoding(struct htmlin *r, struct errinfo *info)
{
	char *head = malloc(SNIFF);
	const char *enc = NULL;
	size_t n;

	if (!head)
		return NULL;
	n = fread(head, 1, SNIFF, r->fp);
	/* libxml2's push parser does not look for a BOM itself */
	if (n >= 3 && !memcmp(head, "\xef\xbb\xbf", 3))
		enc = "UTF-8";
	else if (!declares_charset(head, n))
		enc = utf8_head(head, n, n == SNIFF) ? "UTF-8" : "windows-1252";
	free(head);
	if (ferror(r->fp) || fseek(r->fp, 0, SEEK_SET) != 0)
		fail(r, info, ERR_IO, "cannot read '%s': %s", r->name, strerror(errno));
	return enc;
}

static enum err start(struct htmlin *r, struct errinfo *info)
{
	const char *enc = default_encoding(r, info);
	/* UTF-8 is said at creation: switching to it later does not stick
	 * once libxml2 meets <html> */
	int utf8 = enc && strcmp(enc, "UTF-8") == 0;
	xmlCharEncodingHandlerPtr h;
	xmlSAXHandler sax;

	if (r->failed)
		return r->failed;
	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;	/* so that serror is used */
	sax.startElement = on_start;
	sax.endElement = on_end;
	sax.characters = on_text;
	sax.ignorableWhitespace = on_text;
	sax.cdataBlock = on_cdata;
	sax.serror = on_error;
	r->ctxt = htmlCreatePushParserCtxt(&sax, r, NULL, 0, r->name, utf8 ?
					   XML_CHAR_ENCODING_UTF8 : XML_CHAR_ENCODING_NONE);
	if (!r->ctxt)
		return fail(r, info, ERR_NOMEM, "out of memory");
	htmlCtxtUseOptions(r->ctxt, HTML_PARSE_RECOVER | HTML_PARSE_NONET |
			   HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
	catch_errors(r, 1);
	if (enc && !utf8 && (h = xmlFindCharEncodingHandler(enc)) &&
	    xmlSwitchToEncoding(r->ctxt, h) < 0)
		fail(r, info, ERR_NOMEM, "out of memory");
	catch_errors(r, 0);
	return r->failed;
}

static void destroy(struct htmlin *r)
{
	if (r->ctxt) {
		if (r->ctxt->myDoc)
			xmlFreeDoc(r->ctxt->myDoc);
		htmlFreeParserCtxt(r->ctxt);
	}
	if (r->fp)
		fclose(r->fp);
	cells_free(&r->row);
	cells_free(&r->q);
	rowbuf_free(&r->rb);
	buf_free(&r->cur);
	free(r->qr);
	free(r->occ);
	free(r->chunk);
	free(r->name);
	free(r);
}

static enum err htmlin_open(struct htmlin **out, const char *path, const char *name,
			    const struct reader_opts *o, struct errinfo *info)
{
	const struct sheet_opts *so = o ? o->sheet : NULL;
	struct htmlin *r;
	enum err e;

	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return err_set(info, ERR_NOMEM, "out of memory");
	r->max_row = so && so->max_row_bytes ? so->max_row_bytes : DEFAULT_MAX_ROW;
	r->max_cells = so && so->max_cells ? so->max_cells : DEFAULT_MAX_CELLS;
	r->max_token = r->max_row + MAX_TOKEN_SLACK;
	buf_init(&r->cur, r->max_row);
	cells_init(&r->row, r->max_row + r->max_cells + 1);
	/* What one piece can complete: its text (entities only shrink),
	 * what libxml2 held back, and each cell's NUL. */
	cells_init(&r->q, 2 * (r->max_token + CHUNK));
	rowbuf_init(&r->rb, r->max_cells, r->max_row + r->max_cells + 1);
	r->name = strdup(name);
	r->chunk = malloc(CHUNK);
	if (!r->name || !r->chunk) {
		e = err_set(info, ERR_NOMEM, "out of memory");
		goto fail;
	}
	if (!(r->fp = fopen(path, "rb"))) {
		e = err_set(info, ERR_IO, "cannot open '%s': %s", name, strerror(errno));
		goto fail;
	}
	if ((e = start(r, info)) || (e = fill(r, info)))
		goto fail;
	if (r->nq == 0) {
		e = fail(r, info, ERR_FORMAT, r->saw_table ?
			 "'%s': an HTML page whose tables hold no rows: not a contact list" :
			 "'%s': an HTML page without a table: not a contact list", name);
		goto fail;
	}
	*out = r;
	return ERR_OK;
fail:
	destroy(r);
	return e;
}

/* The queued row at qhead into the rowbuf, empty cells in the gaps. */
static enum err put_row(struct htmlin *r, struct row *row, struct errinfo *info)
{
	const struct qrow *qr = &r->qr[r->qhead++];
	const struct cell *c;
	enum err e = ERR_OK;
	size_t i;

	rowbuf_reset(&r->rb);
	for (i = 0; !e && i < qr->n; i++) {
		c = &r->q.v[qr->first + i];
		while (!e && r->rb.ncells < c->col)
			e = rowbuf_add(&r->rb, "", 0);
		if (!e)
			e = rowbuf_add(&r->rb, r->q.text.data + c->off, c->len);
	}
	if (e)
		return fail(r, info, e, "'%s' line %lu: row %lu: %s", r->name, qr->line,
			    qr->rowno, err_str(e));
	rowbuf_row(&r->rb, row);
	row->rowno = qr->rowno;
	row->line = qr->line;
	row->bad_cell = 0;
	return ERR_OK;
}

static enum err htmlin_next(struct htmlin *r, struct row *row, struct errinfo *info)
{
	enum err e;

	if (r->failed)
		return err_set(info, r->failed, "'%s': cannot read on after an error", r->name);
	if (r->qhead == r->nq && (e = fill(r, info)))
		return e;
	if (r->qhead == r->nq)
		return err_set(info, ERR_NOT_FOUND, "'%s': no more rows", r->name);
	return put_row(r, row, info);
}

/* ---- the reader family (reader.h) ------------------------------------ */

/* Whether s (n bytes) starts with the tag word w, ignoring case, and
 * the word ends there. */
static int tag_at(const char *s, size_t n, const char *w)
{
	size_t k = strlen(w);

	return n >= k && strncasecmp(s, w, k) == 0 &&
	       (n == k || (s[k] && strchr(" \t\r\n>/", s[k])));
}

static size_t skip_blanks(const char *h, size_t i, size_t n)
{
	while (i < n && h[i] && strchr(" \t\r\n\f", h[i]))
		i++;
	return i;
}

/* Past a UTF-8 BOM, blanks, an XML prolog and comments, the page starts
 * with <!DOCTYPE html, <html, <head, <body, <meta or <table. */
static int html_probe(const struct reader_probe *p, struct errinfo *info)
{
	static const char *const starts[] = {
		"<!doctype html", "<html", "<head", "<body", "<meta", "<table", NULL,
	};
	const char *h = (const char *)p->head, *end;
	size_t i = 0, n = p->n, k;

	(void)info;
	if (p->zip || p->ole)
		return 0;
	if (n >= 3 && !memcmp(h, "\xef\xbb\xbf", 3))
		i = 3;
	for (;;) {
		i = skip_blanks(h, i, n);
		if (n - i >= 5 && !memcmp(h + i, "<?xml", 5))
			end = memmem(h + i, n - i, "?>", 2);
		else if (n - i >= 4 && !memcmp(h + i, "<!--", 4))
			end = memmem(h + i, n - i, "-->", 3);
		else
			break;
		if (!end)
			return 0;
		i = (size_t)(end - h) + (h[i + 1] == '?' ? 2 : 3);
	}
	for (k = 0; starts[k]; k++)
		if (tag_at(h + i, n - i, starts[k]))
			return 1;
	return 0;
}

static enum err html_open(void **priv, const char *path, const char *name,
			  const struct reader_opts *o, struct errinfo *info)
{
	struct htmlin *r;
	enum err e = htmlin_open(&r, path, name, o, info);

	*priv = r;
	return e;
}

static enum err html_next(void *priv, struct row *row, struct errinfo *info)
{
	return htmlin_next(priv, row, info);
}

static uint64_t html_offset(void *priv)
{
	return ((struct htmlin *)priv)->fed;
}

static void html_close(void *priv)
{
	if (priv)
		destroy(priv);
}

const struct reader reader_html = {
	.name = "HTML",
	.probe = html_probe,
	.open = html_open,
	.next = html_next,
	.offset = html_offset,
	.close = html_close,
};
