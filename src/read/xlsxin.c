/*
 * xlsxin: streaming reader of Office Open XML workbooks.
 *
 * An XLSX file is a zip of XML parts tied together by relationship parts:
 *
 *   _rels/.rels                 -> the workbook part (xl/workbook.xml)
 *   xl/workbook.xml             sheet names, visibility, r:id; date1904
 *   xl/_rels/workbook.xml.rels  r:id -> sheet parts, sharedStrings, styles
 *   xl/sharedStrings.xml        the strings cells refer to by index
 *   xl/styles.xml               cellXfs: cell style -> number format id
 *   xl/worksheets/sheetN.xml    <sheetData><row><c r t s><v>|<is>
 *
 * Every part goes through expat in chunks straight from the inflater; no
 * part is ever held whole. The sheet's parser is suspended (XML_StopParser
 * resumable) at the end of each non-empty row and resumed by the next
 * call, so the reader holds one row, one input chunk and expat's buffer.
 * The tables kept for the whole read are the shared strings (sst.h: in
 * memory up to a few MB, then in unlinked temporary files under
 * opts->tmp_dir), one byte of format kind per cell style, and the number
 * formats numfmt renders, one pointer per cell style into their arena.
 *
 * Names are compared on their local part (after any prefix), without
 * namespace processing: transitional and strict OOXML (purl.oclc.org)
 * use the same local names, and some writers prefix SpreadsheetML
 * elements ("x:c"). Relationship types are recognised by their last path
 * segment for the same reason.
 *
 * Cells become the text a CSV saved by Excel or LibreOffice would hold,
 * with dates in ISO 8601, numbers through their number format (numfmt:
 * "+"0 shows +4915123456781) or else without float noise (cellfmt):
 * shared and inline strings with rich-text runs joined and phonetic runs
 * (<rPh>) dropped, Excel's _xHHHH_ escapes decoded; booleans TRUE/FALSE;
 * error values empty; formulas by their cached value. Text is kept as
 * written whatever xml:space says, as Excel does.
 *
 * Row numbers: a row's r attribute, else one more than the previous row,
 * else the row of its first cell reference. Cells without r follow the
 * previous cell. Empty cells are only materialised as padding before a
 * non-empty one, so styled empty cells cost nothing, and a row without a
 * value is never returned. A sheet has no physical lines: row->line is
 * the row number too.
 */
#include "read/xlsxin.h"

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
#include "reader.h"
#include "read/sheet.h"
#include "read/sst.h"
#include "unzip.h"

#define CHUNK ((size_t)128 << 10)
#define DEFAULT_MAX_ROW ((size_t)16 << 20)
#define DEFAULT_MAX_CELLS 20000
/* Bytes expat may be fed without reporting anything: a single tag,
 * attribute or comment this long is an attack. Expat buffers all of it
 * and, before 2.6, rescans it on every chunk (quadratic), so the cap
 * stays well below what a genuine part needs (text, however long, is
 * reported piece by piece). */
#define QUIET_MAX ((size_t)16 << 20)
#define MAX_SHEETS 65536
#define MAX_RELS 65536
#define MAX_XF (1u << 20)
#define NFMT_IDS 65536		/* custom number format ids kept */
#define FMT_CODES_MAX ((size_t)1 << 20)	/* their codes, in bytes */
#define NO_CODE UINT32_MAX
#define EXCEL_COLS 16384	/* A..XFD */
#define EXCEL_ROWS 1048576

enum ctype { CT_NUM, CT_SST, CT_INLINE, CT_STR, CT_BOOL, CT_ERR, CT_DATE };

struct rel {
	char *id;
	char *type;		/* last segment of the type URI */
	char *target;		/* part name in the zip */
};

struct sheetent {
	char *name;
	char *rid;
	int hidden;
	int worksheet;	/* a worksheet (not a chart sheet); set before rels go */
	char *part;	/* a worksheet's part; set before rels go */
};

struct xlsxin {
	char *name;
	struct unzip *z;
	size_t max_row;
	size_t max_cells;
	enum err failed;

	/* workbook */
	int date1904;
	struct sheetent *sheets;
	size_t nsheets;
	size_t sheets_cap;
	struct rel *rels;
	size_t nrels;
	size_t rels_cap;
	const char *rel_source;	/* part whose relationships are read */
	char *sheet;		/* the selected sheet's name */
	size_t cur;		/* its index in sheets */

	struct sst sst;		/* shared strings */

	/* styles */
	unsigned char *fmt_kind;	/* NFMT_IDS entries, 0xFF = built-in */
	unsigned *xf_fmt;		/* numFmtId of each cellXfs entry */
	unsigned char *xf_kind;
	uint32_t *fmt_code;		/* NFMT_IDS offsets into codes */
	struct buf codes;		/* custom number formats, each + NUL */
	const char **xf_code;		/* format numfmt renders, or NULL */
	size_t nxf;
	size_t xf_cap;

	/* the part being parsed */
	XML_Parser p;
	char *part;
	int suspended;
	int final;
	int done;
	unsigned long events;
	size_t quiet;
	struct errinfo cb;	/* error raised inside a handler */
	int in[4];		/* element nesting flags of the part's handlers */
	struct buf text;	/* character data being collected */
	int collect;

	/* the sheet */
	int in_data;
	int in_cell;
	int in_v;
	int in_is;
	int in_t;
	int in_rph;
	enum ctype ctype;
	unsigned style;
	unsigned long rowno;
	int row_has_r;
	unsigned long col;	/* 0-based column of the current cell */
	unsigned long next_col;

	/* the row being built */
	struct rowbuf rb;
	size_t row_bytes;
	int row_ready;
};

/* ---- small helpers -------------------------------------------------- */

/* Local part of a name ("x:c" -> "c"); names are short, and this runs
 * for every element, so no library call. */
static const char *local(const char *name)
{
	const char *p;

	for (p = name; *p; p++)
		if (*p == ':')
			return p + 1;
	return name;
}

static const char *attr(const char **atts, const char *want)
{
	size_t i;

	for (i = 0; atts[i]; i += 2)
		if (strcmp(local(atts[i]), want) == 0)
			return atts[i + 1];
	return NULL;
}

/*
 * Makes room for element n of array p (*cap elements of size sz, at most
 * max): returns the array, possibly moved, or NULL with *e set to
 * ERR_LIMIT or ERR_NOMEM (p is then still valid).
 */
static void *grow(void *p, size_t *cap, size_t n, size_t sz, size_t max,
		  enum err *e)
{
	size_t ncap;
	void *q;

	if (n < *cap)
		return p;
	if (n >= max) {
		*e = ERR_LIMIT;
		return NULL;
	}
	ncap = *cap ? *cap * 2 : 16;
	if (ncap > max)
		ncap = max;
	q = realloc(p, ncap * sz);
	if (!q) {
		*e = ERR_NOMEM;
		return NULL;
	}
	*cap = ncap;
	return q;
}

/* "AB" for column index 27 (0-based). */
static void col_name(unsigned long col, char *out)
{
	char tmp[16];
	size_t n = 0, i;

	col++;
	while (col && n < sizeof(tmp)) {
		tmp[n++] = (char)('A' + (col - 1) % 26);
		col = (col - 1) / 26;
	}
	for (i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
}

/* Parses "AB12": 0-based column and row; -1 when it is no reference.
 * Three letters at most (XFD is the last column). */
static int parse_ref(const char *s, unsigned long *col, unsigned long *row)
{
	unsigned long c = 0, rw = 0;
	size_t i = 0, j;
	int ch;

	for (; (ch = s[i]) && ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z')); i++) {
		if (i == 3)
			return -1;
		c = c * 26 + (unsigned long)((ch | 0x20) - 'a' + 1);
	}
	if (i == 0)
		return -1;
	for (j = i; s[j] >= '0' && s[j] <= '9'; j++) {
		if (j - i == 9)
			return -1;
		rw = rw * 10 + (unsigned long)(s[j] - '0');
	}
	if (j == i || s[j])
		return -1;
	*col = c - 1;
	*row = rw;
	return 0;
}

/* Decimal without sign or spaces; -1 when s is not one or is too big. */
static int parse_uint(const char *s, unsigned long long max,
		      unsigned long long *out)
{
	unsigned long long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned)(*s - '0');
		if (v > max)
			return -1;
	}
	*out = v;
	return 0;
}

static size_t put_utf8(char *p, unsigned long c)
{
	if (c < 0x80) {
		p[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		p[0] = (char)(0xC0 | c >> 6);
		p[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		p[0] = (char)(0xE0 | c >> 12);
		p[1] = (char)(0x80 | (c >> 6 & 0x3F));
		p[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	p[0] = (char)(0xF0 | c >> 18);
	p[1] = (char)(0x80 | (c >> 12 & 0x3F));
	p[2] = (char)(0x80 | (c >> 6 & 0x3F));
	p[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

/* The code unit of "_xHHHH_" at s, or -1. */
static long xescape(const char *s, size_t n)
{
	long v = 0;
	size_t i;

	if (n < 7 || s[0] != '_' || (s[1] != 'x' && s[1] != 'X') || s[6] != '_')
		return -1;
	for (i = 2; i < 6; i++) {
		int c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v |= (c | 0x20) - 'a' + 10;
		else
			return -1;
	}
	return v;
}

/*
 * Decodes Excel's ST_Xstring escapes in place: "_xHHHH_" is UTF-16 code
 * unit HHHH (how Excel stores characters XML cannot hold, such as the CR
 * of "_x000D_"; "_x005F_" escapes a literal underscore). Surrogate pairs
 * are joined; a lone surrogate and NUL become U+FFFD. Returns the new
 * length; the result is never longer.
 */
static size_t unescape(char *s, size_t n)
{
	size_t i = 0, o = 0;
	long hi, lo;
	unsigned long c;

	if (!memchr(s, '_', n))
		return n;
	while (i < n) {
		hi = s[i] == '_' ? xescape(s + i, n - i) : -1;
		if (hi < 0) {
			s[o++] = s[i++];
			continue;
		}
		i += 7;
		c = (unsigned long)hi;
		if (hi >= 0xD800 && hi < 0xDC00 &&
		    (lo = xescape(s + i, n - i)) >= 0xDC00 && lo < 0xE000) {
			c = 0x10000 + (((unsigned long)hi - 0xD800) << 10) +
				((unsigned long)lo - 0xDC00);
			i += 7;
		} else if ((hi >= 0xD800 && hi < 0xE000) || hi == 0) {
			c = 0xFFFD;
		}
		o += put_utf8(s + o, c);
	}
	s[o] = '\0';
	return o;
}

/* ---- errors --------------------------------------------------------- */

/* From inside a handler: records the error and aborts the parse. */
__attribute__((format(printf, 3, 4)))
static void cb_fail(struct xlsxin *r, enum err code, const char *fmt, ...)
{
	va_list ap;

	if (r->cb.code)
		return;
	r->cb.code = code;
	va_start(ap, fmt);
	vsnprintf(r->cb.msg, sizeof(r->cb.msg), fmt, ap);
	va_end(ap);
	XML_StopParser(r->p, XML_FALSE);
}

/* Same, for the current cell: "'f.xlsx' sheet 'S' cell B7: ...". */
__attribute__((format(printf, 3, 4)))
static void cell_fail(struct xlsxin *r, enum err code, const char *fmt, ...)
{
	char what[sizeof(r->cb.msg)], col[16];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	col_name(r->col, col);
	cb_fail(r, code, "'%s' sheet '%s' cell %s%lu: %s", r->name, r->sheet,
		col, r->rowno, what);
}

static void nomem(struct xlsxin *r)
{
	cb_fail(r, ERR_NOMEM, "out of memory");
}

/* ---- driving expat -------------------------------------------------- */

static void XMLCALL no_doctype(void *ud, const XML_Char *name,
			       const XML_Char *sysid, const XML_Char *pubid,
			       int has_internal_subset)
{
	struct xlsxin *r = ud;

	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal_subset;
	/* OOXML parts never have one; entity tricks start there. */
	cb_fail(r, ERR_FORMAT, "'%s': malformed XML in '%s': DTD not allowed",
		r->name, r->part);
}

static void xml_end(struct xlsxin *r)
{
	if (r->p)
		XML_ParserFree(r->p);
	r->p = NULL;
	unzip_entry_close(r->z);
	free(r->part);
	r->part = NULL;
}

static enum err xml_begin(struct xlsxin *r, const char *part,
			  XML_StartElementHandler start,
			  XML_EndElementHandler end,
			  XML_CharacterDataHandler chars, struct errinfo *info)
{
	enum err e;

	if (!unzip_has(r->z, part))
		return err_set(info, ERR_FORMAT, "'%s': missing part '%s'",
			       r->name, part);
	e = unzip_entry_open(r->z, part, info);
	if (e)
		return e;
	r->part = strdup(part);
	r->p = XML_ParserCreate(NULL);
	if (!r->part || !r->p) {
		xml_end(r);
		return err_set(info, ERR_NOMEM, "out of memory");
	}
	XML_SetUserData(r->p, r);
	XML_SetElementHandler(r->p, start, end);
	XML_SetCharacterDataHandler(r->p, chars);
	XML_SetStartDoctypeDeclHandler(r->p, no_doctype);
	r->suspended = 0;
	r->final = 0;
	r->done = 0;
	r->quiet = 0;
	r->collect = 0;
	memset(r->in, 0, sizeof(r->in));
	buf_reset(&r->text);
	return ERR_OK;
}

static enum err xml_error(struct xlsxin *r, struct errinfo *info)
{
	if (r->cb.code)
		return err_set(info, r->cb.code, "%s", r->cb.msg);
	return err_set(info, ERR_FORMAT,
		       "'%s': malformed XML in '%s' line %lu: %s", r->name,
		       r->part, (unsigned long)XML_GetCurrentLineNumber(r->p),
		       XML_ErrorString(XML_GetErrorCode(r->p)));
}

/*
 * Feeds the part to expat until a handler suspends the parser (a row is
 * ready) or the part ends (r->done).
 */
static enum err xml_pump(struct xlsxin *r, struct errinfo *info)
{
	enum XML_Status st;
	unsigned long seen;
	size_t got;
	void *b;
	enum err e;

	for (;;) {
		if (r->suspended) {
			r->suspended = 0;
			st = XML_ResumeParser(r->p);
		} else if (r->final) {
			r->done = 1;
			return ERR_OK;
		} else {
			b = XML_GetBuffer(r->p, (int)CHUNK);
			if (!b)
				return err_set(info, ERR_NOMEM, "out of memory");
			e = unzip_entry_read(r->z, b, CHUNK, &got, info);
			if (e)
				return e;
			r->final = got == 0;
			seen = r->events;
			st = XML_ParseBuffer(r->p, (int)got, r->final);
			r->quiet = r->events == seen ? r->quiet + got : 0;
			if (r->quiet > QUIET_MAX)
				return err_set(info, ERR_LIMIT,
					       "'%s': XML token longer than %zu bytes in '%s'",
					       r->name, QUIET_MAX, r->part);
		}
		if (st == XML_STATUS_ERROR)
			return xml_error(r, info);
		if (st == XML_STATUS_SUSPENDED) {
			r->suspended = 1;
			return ERR_OK;
		}
	}
}

/* Parses a whole part (one without rows to hand over one by one). */
static enum err xml_run(struct xlsxin *r, const char *part,
			XML_StartElementHandler start,
			XML_EndElementHandler end,
			XML_CharacterDataHandler chars, struct errinfo *info)
{
	enum err e;

	e = xml_begin(r, part, start, end, chars, info);
	if (e)
		return e;
	e = xml_pump(r, info);
	xml_end(r);
	return e;
}

/* ---- relationships -------------------------------------------------- */

/*
 * Resolves a relationship target against the directory of its source
 * part ("" for the package): "worksheets/s1.xml" from "xl/workbook.xml"
 * is "xl/worksheets/s1.xml", "/xl/x.xml" is absolute, ".." goes up.
 */
static char *resolve(const char *source, const char *target)
{
	struct buf b;
	const char *slash, *seg;
	size_t n;
	int dir;

	buf_init(&b, 0);
	if (target[0] == '/') {
		target++;
	} else {
		slash = strrchr(source, '/');
		if (slash && buf_add(&b, source, (size_t)(slash - source) + 1))
			goto fail;
	}
	for (seg = target; *seg; seg += n + dir) {
		n = strcspn(seg, "/");
		dir = seg[n] == '/';
		if (n == 0 || (n == 1 && seg[0] == '.'))
			continue;
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			if (b.len)
				b.len--;	/* the directory's slash */
			while (b.len && b.data[b.len - 1] != '/')
				b.len--;
			continue;
		}
		if (buf_add(&b, seg, n) || (dir && buf_addc(&b, '/')))
			goto fail;
	}
	if (b.len && b.data[b.len - 1] == '/')
		b.len--;
	if (b.data)
		b.data[b.len] = '\0';
	return buf_detach(&b);
fail:
	buf_free(&b);
	return NULL;
}

/* "xl/workbook.xml" -> "xl/_rels/workbook.xml.rels" (new). */
static char *rels_of(const char *part)
{
	const char *slash = strrchr(part, '/');
	size_t dir = slash ? (size_t)(slash - part) + 1 : 0;
	struct buf b;

	buf_init(&b, 0);
	if (buf_add(&b, part, dir) || buf_adds(&b, "_rels/") ||
	    buf_adds(&b, part + dir) || buf_adds(&b, ".rels")) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
}

static void free_rels(struct xlsxin *r)
{
	size_t i;

	for (i = 0; i < r->nrels; i++) {
		free(r->rels[i].id);
		free(r->rels[i].type);
		free(r->rels[i].target);
	}
	free(r->rels);
	r->rels = NULL;
	r->nrels = 0;
	r->rels_cap = 0;
}

static void XMLCALL rels_start(void *ud, const char *name, const char **atts)
{
	struct xlsxin *r = ud;
	const char *id, *type, *target, *mode, *seg;
	struct rel *rel, *q;
	enum err e;

	r->events++;
	if (r->cb.code || strcmp(local(name), "Relationship") != 0)
		return;
	id = attr(atts, "Id");
	type = attr(atts, "Type");
	target = attr(atts, "Target");
	mode = attr(atts, "TargetMode");
	if (!id || !type || !target || (mode && strcmp(mode, "External") == 0))
		return;
	seg = strrchr(type, '/');
	seg = seg ? seg + 1 : type;
	q = grow(r->rels, &r->rels_cap, r->nrels, sizeof(*q), MAX_RELS, &e);
	if (!q) {
		if (e == ERR_LIMIT)
			cb_fail(r, e, "'%s': more than %d relationships in '%s'",
				r->name, MAX_RELS, r->part);
		else
			nomem(r);
		return;
	}
	r->rels = q;
	rel = &r->rels[r->nrels];
	rel->id = strdup(id);
	rel->type = strdup(seg);
	rel->target = resolve(r->rel_source, target);
	r->nrels++;
	if (!rel->id || !rel->type || !rel->target)
		nomem(r);
}

static void XMLCALL no_end(void *ud, const char *name)
{
	struct xlsxin *r = ud;

	(void)name;
	r->events++;
}

static void XMLCALL no_chars(void *ud, const XML_Char *s, int len)
{
	struct xlsxin *r = ud;

	(void)s;
	(void)len;
	r->events++;
}

/* Reads the relationships of `source` ("" = the package). */
static enum err read_rels(struct xlsxin *r, const char *source,
			  const char *relpart, struct errinfo *info)
{
	free_rels(r);
	r->rel_source = source;
	return xml_run(r, relpart, rels_start, no_end, no_chars, info);
}

static const struct rel *find_rel_type(const struct xlsxin *r,
				       const char *type)
{
	size_t i;

	for (i = 0; i < r->nrels; i++)
		if (strcmp(r->rels[i].type, type) == 0)
			return &r->rels[i];
	return NULL;
}

static const struct rel *find_rel_id(const struct xlsxin *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->nrels; i++)
		if (strcmp(r->rels[i].id, id) == 0)
			return &r->rels[i];
	return NULL;
}

/* ---- workbook ------------------------------------------------------- */

enum { WB_SHEETS };

static void XMLCALL wb_start(void *ud, const char *name, const char **atts)
{
	struct xlsxin *r = ud;
	const char *n = local(name), *v, *rid, *state;
	struct sheetent *s;
	enum err e;

	r->events++;
	if (r->cb.code)
		return;
	if (strcmp(n, "workbookPr") == 0) {
		v = attr(atts, "date1904");
		r->date1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
		return;
	}
	if (strcmp(n, "sheets") == 0) {
		r->in[WB_SHEETS] = 1;
		return;
	}
	if (!r->in[WB_SHEETS] || strcmp(n, "sheet") != 0)
		return;
	v = attr(atts, "name");
	rid = attr(atts, "id");
	state = attr(atts, "state");
	if (!v || !rid)
		return;
	s = grow(r->sheets, &r->sheets_cap, r->nsheets, sizeof(*s), MAX_SHEETS,
		 &e);
	if (!s) {
		if (e == ERR_LIMIT)
			cb_fail(r, e, "'%s': more than %d sheets", r->name,
				MAX_SHEETS);
		else
			nomem(r);
		return;
	}
	r->sheets = s;
	s = &r->sheets[r->nsheets++];
	memset(s, 0, sizeof(*s));
	s->name = strdup(v);
	s->rid = strdup(rid);
	s->hidden = state && (strcmp(state, "hidden") == 0 ||
			      strcmp(state, "veryHidden") == 0);
	if (!s->name || !s->rid)
		nomem(r);
}

static void XMLCALL wb_end(void *ud, const char *name)
{
	struct xlsxin *r = ud;

	r->events++;
	if (strcmp(local(name), "sheets") == 0)
		r->in[WB_SHEETS] = 0;
}

/* ---- styles --------------------------------------------------------- */

enum { ST_NUMFMTS, ST_CELLXFS };

/* Keeps a custom number format's code; past FMT_CODES_MAX bytes of them,
 * cells of the format are shown as if it were General. */
static void keep_code(struct xlsxin *r, unsigned id, const char *code)
{
	size_t off = r->codes.len;

	r->fmt_code[id] = NO_CODE;
	if (r->fmt_kind[id] != CELLFMT_NUMBER)
		return;
	if (buf_add(&r->codes, code, strlen(code) + 1) == ERR_OK)
		r->fmt_code[id] = (uint32_t)off;
}

static void XMLCALL st_start(void *ud, const char *name, const char **atts)
{
	struct xlsxin *r = ud;
	const char *n = local(name), *id, *code;
	unsigned long long v;
	unsigned *q;
	enum err e;

	r->events++;
	if (r->cb.code)
		return;
	if (strcmp(n, "numFmts") == 0) {
		r->in[ST_NUMFMTS] = 1;
	} else if (strcmp(n, "cellXfs") == 0) {
		r->in[ST_CELLXFS] = 1;
	} else if (r->in[ST_NUMFMTS] && strcmp(n, "numFmt") == 0) {
		id = attr(atts, "numFmtId");
		code = attr(atts, "formatCode");
		if (id && code && parse_uint(id, NFMT_IDS - 1, &v) == 0) {
			r->fmt_kind[v] = (unsigned char)cellfmt_classify(code);
			keep_code(r, (unsigned)v, code);
		}
	} else if (r->in[ST_CELLXFS] && strcmp(n, "xf") == 0) {
		id = attr(atts, "numFmtId");
		q = grow(r->xf_fmt, &r->xf_cap, r->nxf, sizeof(*q), MAX_XF, &e);
		if (!q) {
			if (e == ERR_LIMIT)
				cb_fail(r, e, "'%s': more than %u cell styles in '%s'",
					r->name, MAX_XF, r->part);
			else
				nomem(r);
			return;
		}
		r->xf_fmt = q;
		r->xf_fmt[r->nxf++] = id && parse_uint(id, UINT32_MAX, &v) == 0 ?
			(unsigned)v : 0;
	}
}

static void XMLCALL st_end(void *ud, const char *name)
{
	struct xlsxin *r = ud;
	const char *n = local(name);

	r->events++;
	if (strcmp(n, "numFmts") == 0)
		r->in[ST_NUMFMTS] = 0;
	else if (strcmp(n, "cellXfs") == 0)
		r->in[ST_CELLXFS] = 0;
}

static enum err read_styles(struct xlsxin *r, const char *part,
			    struct errinfo *info)
{
	enum err e;
	size_t i;
	unsigned id;

	r->fmt_kind = malloc(NFMT_IDS);
	r->fmt_code = malloc(NFMT_IDS * sizeof(*r->fmt_code));
	if (!r->fmt_kind || !r->fmt_code)
		return err_set(info, ERR_NOMEM, "out of memory");
	memset(r->fmt_kind, 0xFF, NFMT_IDS);
	memset(r->fmt_code, 0xFF, NFMT_IDS * sizeof(*r->fmt_code));
	e = xml_run(r, part, st_start, st_end, no_chars, info);
	if (e)
		return e;
	r->xf_kind = malloc(r->nxf ? r->nxf : 1);
	r->xf_code = calloc(r->nxf ? r->nxf : 1, sizeof(*r->xf_code));
	if (!r->xf_kind || !r->xf_code)
		return err_set(info, ERR_NOMEM, "out of memory");
	/* the arena is complete: pointers into it stay valid */
	for (i = 0; i < r->nxf; i++) {
		id = r->xf_fmt[i];
		r->xf_kind[i] = id < NFMT_IDS && r->fmt_kind[id] != 0xFF ?
			r->fmt_kind[id] : (unsigned char)cellfmt_builtin(id);
		if (id < NFMT_IDS && r->fmt_code[id] != NO_CODE)
			r->xf_code[i] = r->codes.data + r->fmt_code[id];
		else if (id >= NFMT_IDS || r->fmt_kind[id] == 0xFF)
			r->xf_code[i] = numfmt_builtin(id);
	}
	free(r->xf_fmt);
	r->xf_fmt = NULL;
	free(r->fmt_kind);
	r->fmt_kind = NULL;
	free(r->fmt_code);
	r->fmt_code = NULL;
	return ERR_OK;
}

/* ---- shared strings ------------------------------------------------- */

enum { SS_SI, SS_T, SS_RPH };

/* An error of the table (sst.h) raised inside a handler. */
static void sst_fail(struct xlsxin *r, enum err e, const struct errinfo *info)
{
	cb_fail(r, e, "'%s': %s", r->name, info->msg);
}

static void XMLCALL ss_start(void *ud, const char *name, const char **atts)
{
	struct xlsxin *r = ud;
	const char *n = local(name);

	(void)atts;
	r->events++;
	if (r->cb.code)
		return;
	if (strcmp(n, "si") == 0) {
		r->in[SS_SI] = 1;
		r->in[SS_RPH] = 0;
		sst_begin(&r->sst);
	} else if (strcmp(n, "rPh") == 0) {
		r->in[SS_RPH] = 1;
	} else if (strcmp(n, "t") == 0 && r->in[SS_SI] && !r->in[SS_RPH]) {
		r->in[SS_T] = 1;
	}
}

static void XMLCALL ss_end(void *ud, const char *name)
{
	struct xlsxin *r = ud;
	const char *n = local(name);
	struct errinfo info;
	enum err e;

	r->events++;
	if (r->cb.code)
		return;
	if (strcmp(n, "t") == 0) {
		r->in[SS_T] = 0;
	} else if (strcmp(n, "rPh") == 0) {
		r->in[SS_RPH] = 0;
	} else if (strcmp(n, "si") == 0 && r->in[SS_SI]) {
		r->in[SS_SI] = 0;
		if ((e = sst_end(&r->sst, unescape, &info)))
			sst_fail(r, e, &info);
	}
}

static void XMLCALL ss_chars(void *ud, const XML_Char *s, int len)
{
	struct xlsxin *r = ud;
	struct errinfo info;
	enum err e;

	r->events++;
	if (!r->in[SS_T] || r->cb.code)
		return;
	if ((e = sst_add(&r->sst, s, (size_t)len, &info)))
		sst_fail(r, e, &info);
}

/* ---- the sheet ------------------------------------------------------ */

static enum cellfmt_kind style_kind(const struct xlsxin *r)
{
	return r->style < r->nxf ? (enum cellfmt_kind)r->xf_kind[r->style] :
		CELLFMT_NUMBER;
}

/* Appends one cell (bytes copied) to the row. */
static int push_cell(struct xlsxin *r, const char *s, size_t n)
{
	r->row_bytes += n;
	if (r->row_bytes > r->max_row) {
		cell_fail(r, ERR_LIMIT, "row longer than %zu bytes", r->max_row);
		return -1;
	}
	/* the caller has checked the column cap */
	if (rowbuf_add(&r->rb, s, n)) {
		nomem(r);
		return -1;
	}
	return 0;
}

/* Stores a non-empty value at the current column, padding skipped ones. */
static void put_value(struct xlsxin *r, const char *s, size_t n)
{
	if (n == 0)
		return;
	if (r->col >= r->max_cells) {
		cell_fail(r, ERR_LIMIT, "more than %zu columns", r->max_cells);
		return;
	}
	if (r->col < r->rb.ncells) {
		cell_fail(r, ERR_FORMAT, "cell out of order");
		return;
	}
	while (r->rb.ncells < r->col)
		if (push_cell(r, "", 0))
			return;
	push_cell(r, s, n);
}

/* t="d": an ISO 8601 date-time; shown by the style as a serial would be. */
static void put_iso(struct xlsxin *r, const char *s, size_t n)
{
	enum cellfmt_kind k = style_kind(r);
	const char *t = n > 10 && (s[10] == 'T' || s[10] == ' ') ? s + 11 : NULL;
	char out[CELLFMT_MAX];
	size_t tn = 0;

	if (n < 10 || s[4] != '-' || s[7] != '-') {
		put_value(r, s, n);
		return;
	}
	if (t)
		tn = n - 11 >= 8 ? 8 : n - 11;
	if (k == CELLFMT_TIME && t) {
		put_value(r, t, tn);
	} else if (k == CELLFMT_DATE || !t ||
		   (k != CELLFMT_DATETIME && strncmp(t, "00:00:00", tn) == 0)) {
		put_value(r, s, 10);
	} else {
		memcpy(out, s, 10);
		out[10] = 'T';
		memcpy(out + 11, t, tn);
		put_value(r, out, 11 + tn);
	}
}

/* A plain integer printed as written: no leading zero, no "-0", fewer
 * than 16 digits (so exact in a double). */
static int plain_int(const char *s, size_t n)
{
	size_t i = s[0] == '-';

	if (n - i == 0 || n - i > 15 || (s[i] == '0' && (n > 1)))
		return 0;
	for (; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* The number format numfmt renders for the cell's style, or NULL. */
static const char *style_code(const struct xlsxin *r)
{
	return r->style < r->nxf ? r->xf_code[r->style] : NULL;
}

static void put_number(struct xlsxin *r, const char *s, size_t n)
{
	enum cellfmt_kind k = style_kind(r);
	const char *code = style_code(r);
	char out[NUMFMT_MAX], *end;
	double v;
	int shown;

	if (code) {
		v = strtod(s, &end);
		shown = end != s && !*end ? numfmt_render(code, v, out) : -1;
		if (shown >= 0) {
			put_value(r, out, (size_t)shown);
			return;
		}
	}
	if (k != CELLFMT_DATE && k != CELLFMT_TIME && k != CELLFMT_DATETIME &&
	    plain_int(s, n)) {
		put_value(r, s, n);
		return;
	}
	v = strtod(s, &end);
	while (end > s && (*end == ' ' || *end == '\t' || *end == '\n' ||
			   *end == '\r'))
		end++;
	if (end == s || *end) {
		put_value(r, s, n);	/* not a number: keep what is there */
		return;
	}
	if (k == CELLFMT_DATE || k == CELLFMT_TIME || k == CELLFMT_DATETIME)
		n = cellfmt_serial(v, r->date1904, k, out);
	else
		n = cellfmt_number(v, out);
	put_value(r, out, n);
}

static void put_shared(struct xlsxin *r, char *s)
{
	unsigned long long i;
	struct errinfo info;
	const char *str;
	size_t n;
	enum err e;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' ||
		     s[n - 1] == '\r'))
		s[--n] = '\0';
	if (!n)
		return;
	if (parse_uint(s, SIZE_MAX, &i) != 0 || i >= sst_count(&r->sst)) {
		cell_fail(r, ERR_FORMAT, "no shared string '%s' (%zu in the file)",
			  s, sst_count(&r->sst));
		return;
	}
	e = sst_get(&r->sst, (size_t)i, &str, &n, &info);
	if (e)
		cell_fail(r, e, "%s", info.msg);
	else
		put_value(r, str, n);
}

static void end_cell(struct xlsxin *r)
{
	char *s = r->text.data ? r->text.data : (char *)"";
	size_t n = r->text.len;

	switch (r->ctype) {
	case CT_SST:
		put_shared(r, s);
		break;
	case CT_INLINE:
	case CT_STR:
		put_value(r, s, n ? unescape(s, n) : 0);
		break;
	case CT_BOOL:
		if (strcmp(s, "1") == 0 || strcmp(s, "true") == 0)
			put_value(r, "TRUE", 4);
		else if (strcmp(s, "0") == 0 || strcmp(s, "false") == 0)
			put_value(r, "FALSE", 5);
		else
			put_value(r, s, n);
		break;
	case CT_ERR:
		break;
	case CT_DATE:
		put_iso(r, s, n);
		break;
	case CT_NUM:
		if (n)
			put_number(r, s, n);
		break;
	}
}

static enum ctype cell_type(const char *t)
{
	if (!t)
		return CT_NUM;
	switch (t[0]) {
	case 's':
		return t[1] == '\0' ? CT_SST : strcmp(t, "str") == 0 ? CT_STR :
			CT_NUM;
	case 'i':
		return strcmp(t, "inlineStr") == 0 ? CT_INLINE : CT_NUM;
	case 'b':
		return CT_BOOL;
	case 'e':
		return CT_ERR;
	case 'd':
		return CT_DATE;
	default:
		return CT_NUM;
	}
}

static void start_row(struct xlsxin *r, const char **atts)
{
	const char *v = attr(atts, "r");
	unsigned long long n;

	rowbuf_reset(&r->rb);
	r->row_bytes = 0;
	r->next_col = 0;
	r->row_has_r = v != NULL;
	if (!v) {
		r->rowno++;
	} else if (parse_uint(v, EXCEL_ROWS, &n) == 0 && n > 0) {
		r->rowno = (unsigned long)n;
	} else {
		cb_fail(r, ERR_FORMAT, "'%s' sheet '%s' row after %lu: invalid row number '%s'",
			r->name, r->sheet, r->rowno, v);
		return;
	}
	if (r->rowno > EXCEL_ROWS)
		cb_fail(r, ERR_FORMAT, "'%s' sheet '%s': more than %d rows",
			r->name, r->sheet, EXCEL_ROWS);
}

static void start_cell(struct xlsxin *r, const char **atts)
{
	const char *ref = NULL, *t = NULL, *s = NULL, *n;
	unsigned long col, row;
	unsigned long long style;
	size_t i;
	char cn[16];

	for (i = 0; atts[i]; i += 2) {
		n = local(atts[i]);
		if (n[0] && !n[1]) {
			if (n[0] == 'r')
				ref = atts[i + 1];
			else if (n[0] == 't')
				t = atts[i + 1];
			else if (n[0] == 's')
				s = atts[i + 1];
		}
	}
	if (ref) {
		if (parse_ref(ref, &col, &row) != 0 || row == 0 ||
		    row > EXCEL_ROWS) {
			cb_fail(r, ERR_FORMAT, "'%s' sheet '%s' row %lu: invalid cell reference '%s'",
				r->name, r->sheet, r->rowno, ref);
			return;
		}
		/* A row without r takes its number from its first cell. */
		if (!r->row_has_r && r->next_col == 0)
			r->rowno = row;
	} else {
		col = r->next_col;
	}
	r->col = col;
	if (col >= EXCEL_COLS) {
		col_name(col, cn);
		cb_fail(r, ERR_FORMAT, "'%s' sheet '%s' cell %s%lu: column beyond XFD",
			r->name, r->sheet, cn, r->rowno);
		return;
	}
	r->next_col = col + 1;
	r->ctype = cell_type(t);
	r->style = s && parse_uint(s, UINT32_MAX, &style) == 0 ?
		(unsigned)style : 0;
	r->in_cell = 1;
	r->in_v = r->in_is = r->in_t = r->in_rph = 0;
	buf_reset(&r->text);
}

static void XMLCALL sheet_start(void *ud, const char *name, const char **atts)
{
	struct xlsxin *r = ud;
	const char *n = local(name);

	r->events++;
	if (r->cb.code)
		return;
	if (!r->in_data) {
		if (strcmp(n, "sheetData") == 0)
			r->in_data = 1;
		return;
	}
	if (r->in_cell) {
		if (n[0] == 'v' && !n[1]) {
			r->in_v = 1;
			buf_reset(&r->text);
		} else if (n[0] == 't' && !n[1]) {
			r->in_t = 1;
		} else if (strcmp(n, "is") == 0) {
			r->in_is = 1;
			buf_reset(&r->text);
		} else if (strcmp(n, "rPh") == 0) {
			r->in_rph = 1;
		}
		r->collect = r->in_v || (r->in_is && r->in_t && !r->in_rph);
		return;
	}
	if (n[0] == 'c' && !n[1])
		start_cell(r, atts);
	else if (strcmp(n, "row") == 0)
		start_row(r, atts);
}

static void XMLCALL sheet_end(void *ud, const char *name)
{
	struct xlsxin *r = ud;
	const char *n = local(name);

	r->events++;
	if (r->cb.code || !r->in_data)
		return;
	if (r->in_cell) {
		if (n[0] == 'c' && !n[1]) {
			r->in_cell = 0;
			r->collect = 0;
			end_cell(r);
			return;
		}
		if (n[0] == 'v' && !n[1])
			r->in_v = 0;
		else if (n[0] == 't' && !n[1])
			r->in_t = 0;
		else if (strcmp(n, "is") == 0)
			r->in_is = 0;
		else if (strcmp(n, "rPh") == 0)
			r->in_rph = 0;
		r->collect = r->in_v || (r->in_is && r->in_t && !r->in_rph);
		return;
	}
	if (strcmp(n, "row") == 0) {
		if (r->rb.ncells) {
			r->row_ready = 1;
			XML_StopParser(r->p, XML_TRUE);
		}
	} else if (strcmp(n, "sheetData") == 0) {
		r->in_data = 0;
	}
}

static void XMLCALL sheet_chars(void *ud, const XML_Char *s, int len)
{
	struct xlsxin *r = ud;

	r->events++;
	if (!r->collect || r->cb.code)
		return;
	if (buf_add(&r->text, s, (size_t)len))
		cell_fail(r, ERR_LIMIT, "cell longer than %zu bytes", r->max_row);
}

/* ---- opening -------------------------------------------------------- */

/* Default sheet: the first visible one that is not a chart or dialog
 * sheet (one without a part is taken, to fail naming it). */
static const struct sheetent *default_sheet(const struct xlsxin *r)
{
	const struct rel *rel;
	size_t i;

	for (i = 0; i < r->nsheets; i++) {
		rel = find_rel_id(r, r->sheets[i].rid);
		if (!r->sheets[i].hidden &&
		    (!rel || strcmp(rel->type, "worksheet") == 0))
			return &r->sheets[i];
	}
	return NULL;
}

static const char *name_of(const void *ctx, size_t i)
{
	const struct xlsxin *r = ctx;

	return r->sheets[i].name;
}

/* By name (sheet.h), then by 1-based number (leading zeros allowed). */
static const struct sheetent *named_sheet(const struct xlsxin *r,
					  const char *want)
{
	unsigned long long n;
	long i = sheet_by_name(want, r->nsheets, name_of, r);

	if (i >= 0)
		return &r->sheets[i];
	if (parse_uint(want, MAX_SHEETS, &n) == 0 && n >= 1 && n <= r->nsheets)
		return &r->sheets[n - 1];
	return NULL;
}

static enum err no_sheet(struct xlsxin *r, const char *want,
			 struct errinfo *info)
{
	struct buf list;
	const char *names;
	enum err e;

	buf_init(&list, 0);
	names = sheet_list_names(&list, r->nsheets, name_of, r);
	if (want)
		e = err_set(info, ERR_NOT_FOUND, "'%s': no sheet '%s' (sheets: %s)",
			    r->name, want, names);
	else
		e = err_set(info, ERR_NOT_FOUND, "'%s': no visible worksheet (sheets: %s)",
			    r->name, names);
	buf_free(&list);
	return e;
}

/* The workbook part named by the package relationships. */
static enum err find_workbook(struct xlsxin *r, char **out,
			      struct errinfo *info)
{
	const struct rel *rel;
	enum err e;

	*out = NULL;
	if (!unzip_has(r->z, "_rels/.rels")) {
		/* Lenient: some hand-made files skip the package rels. */
		if (unzip_has(r->z, "xl/workbook.xml")) {
			*out = strdup("xl/workbook.xml");
			return *out ? ERR_OK : err_set(info, ERR_NOMEM, "out of memory");
		}
		return err_set(info, ERR_FORMAT,
			       "'%s': not an XLSX workbook (missing part '_rels/.rels')",
			       r->name);
	}
	e = read_rels(r, "", "_rels/.rels", info);
	if (e)
		return e;
	rel = find_rel_type(r, "officeDocument");
	if (!rel)
		return err_set(info, ERR_FORMAT,
			       "'%s': not an XLSX workbook (no office document in '_rels/.rels')",
			       r->name);
	if (strlen(rel->target) > 4 &&
	    strcmp(rel->target + strlen(rel->target) - 4, ".bin") == 0)
		return err_set(info, ERR_FORMAT,
			       "'%s': binary workbook (.xlsb) not supported; save it as .xlsx",
			       r->name);
	*out = strdup(rel->target);
	return *out ? ERR_OK : err_set(info, ERR_NOMEM, "out of memory");
}

/* A CFB (OLE2) file named .xlsx is an encrypted workbook or an .xls. */
static int is_cfb(const char *path)
{
	static const unsigned char magic[8] = {
		0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1
	};
	unsigned char head[8];
	FILE *fp = fopen(path, "rb");
	size_t n;

	if (!fp)
		return 0;
	n = fread(head, 1, sizeof(head), fp);
	fclose(fp);
	return n == sizeof(head) && memcmp(head, magic, sizeof(head)) == 0;
}

/* Everything from the package rels to the first byte of the sheet. */
static enum err setup(struct xlsxin *r, const struct sheet_opts *opts,
		      const char *path, struct errinfo *info)
{
	struct unzip_limits lim = { opts->max_total, opts->max_ratio };
	const struct sheetent *sh;
	const struct rel *rel;
	char *wb = NULL, *wbrels = NULL, *sheet_part = NULL, *sst_part = NULL;
	char *styles_part = NULL;
	size_t i;
	enum err e;

	if (is_cfb(path)) {
		e = err_set(info, ERR_FORMAT,
			    "'%s': encrypted workbook or old .xls file, not XLSX",
			    r->name);
		goto out;
	}
	e = unzip_open(&r->z, path, r->name, &lim, info);
	if (e)
		goto out;
	e = find_workbook(r, &wb, info);
	if (e)
		goto out;
	wbrels = rels_of(wb);
	if (!wbrels) {
		e = err_set(info, ERR_NOMEM, "out of memory");
		goto out;
	}
	e = xml_run(r, wb, wb_start, wb_end, no_chars, info);
	if (e)
		goto out;
	e = read_rels(r, wb, wbrels, info);
	if (e)
		goto out;

	sh = opts->sheet ? named_sheet(r, opts->sheet) : default_sheet(r);
	if (!sh) {
		e = no_sheet(r, opts->sheet, info);
		goto out;
	}
	r->sheet = strdup(sh->name);
	r->cur = (size_t)(sh - r->sheets);
	rel = find_rel_id(r, sh->rid);
	if (!r->sheet) {
		e = err_set(info, ERR_NOMEM, "out of memory");
		goto out;
	}
	if (!rel) {
		e = err_set(info, ERR_FORMAT, "'%s': sheet '%s' has no part (no relationship '%s' in '%s')",
			    r->name, sh->name, sh->rid, wbrels);
		goto out;
	}
	if (strcmp(rel->type, "worksheet") != 0) {
		e = err_set(info, ERR_FORMAT, "'%s': sheet '%s' is not a worksheet (%s)",
			    r->name, sh->name, rel->type);
		goto out;
	}
	sheet_part = strdup(rel->target);
	rel = find_rel_type(r, "sharedStrings");
	sst_part = rel ? strdup(rel->target) : NULL;
	rel = find_rel_type(r, "styles");
	styles_part = rel ? strdup(rel->target) : NULL;
	if (!sheet_part) {
		e = err_set(info, ERR_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < r->nsheets; i++) {
		rel = find_rel_id(r, r->sheets[i].rid);
		r->sheets[i].worksheet = rel && strcmp(rel->type, "worksheet") == 0;
		if (r->sheets[i].worksheet && !(r->sheets[i].part = strdup(rel->target))) {
			e = err_set(info, ERR_NOMEM, "out of memory");
			goto out;
		}
	}
	free_rels(r);

	if (styles_part) {
		e = read_styles(r, styles_part, info);
		if (e)
			goto out;
	}
	if (sst_part) {
		e = sst_init(&r->sst, r->max_row, 0, opts->tmp_dir, info);
		if (!e)
			e = xml_run(r, sst_part, ss_start, ss_end, ss_chars, info);
		if (!e)
			e = sst_done(&r->sst, info);
		if (e)
			goto out;
	}
	e = xml_begin(r, sheet_part, sheet_start, sheet_end,
		      sheet_chars, info);
out:
	free(styles_part);
	free(sst_part);
	free(sheet_part);
	free(wbrels);
	free(wb);
	return e;
}

static void destroy(struct xlsxin *r)
{
	size_t i;

	if (r->z)
		xml_end(r);
	unzip_close(r->z);
	for (i = 0; i < r->nsheets; i++) {
		free(r->sheets[i].name);
		free(r->sheets[i].rid);
		free(r->sheets[i].part);
	}
	free(r->sheets);
	free_rels(r);
	free(r->sheet);
	sst_free(&r->sst);
	free(r->fmt_kind);
	free(r->xf_fmt);
	free(r->xf_kind);
	free(r->fmt_code);
	free(r->xf_code);
	buf_free(&r->codes);
	buf_free(&r->text);
	rowbuf_free(&r->rb);
	free(r->name);
	free(r);
}

enum err xlsxin_open(struct xlsxin **out, const char *path, const char *name,
		     const struct sheet_opts *opts, struct errinfo *info)
{
	static const struct sheet_opts defaults;
	struct xlsxin *r;
	enum err e;

	*out = NULL;
	if (!path)
		return err_set(info, ERR_USAGE, "no input file given");
	if (!opts)
		opts = &defaults;
	r = calloc(1, sizeof(*r));
	if (!r)
		return err_set(info, ERR_NOMEM, "out of memory");
	r->max_row = opts->max_row_bytes ? opts->max_row_bytes : DEFAULT_MAX_ROW;
	r->max_cells = opts->max_cells ? opts->max_cells : DEFAULT_MAX_CELLS;
	/* A cell's text can never outgrow its row; the row also holds a
	 * NUL per cell. */
	buf_init(&r->text, r->max_row);
	rowbuf_init(&r->rb, r->max_cells, r->max_row + r->max_cells + 1);
	buf_init(&r->codes, FMT_CODES_MAX);
	r->name = strdup(name ? name : path);
	if (!r->name) {
		e = err_set(info, ERR_NOMEM, "out of memory");
		goto fail;
	}
	e = setup(r, opts, path, info);
	if (e)
		goto fail;
	*out = r;
	return ERR_OK;
fail:
	destroy(r);
	return e;
}

enum err xlsxin_next(struct xlsxin *r, struct row *row, struct errinfo *info)
{
	enum err e;

	if (r->failed)
		return err_set(info, r->failed,
			       "'%s': cannot read on after an error", r->name);
	r->row_ready = 0;
	while (!r->row_ready) {
		if (r->done)
			return err_set(info, ERR_NOT_FOUND, "'%s': no more rows",
				       r->name);
		e = xml_pump(r, info);
		if (e) {
			r->failed = e;
			return e;
		}
	}
	rowbuf_row(&r->rb, row);
	row->rowno = r->rowno;
	row->line = r->rowno;
	row->bad_cell = 0;
	return ERR_OK;
}

const char *xlsxin_sheet(const struct xlsxin *r)
{
	return r->sheet;
}

/*
 * The next visible worksheet after the one being read, in workbook order:
 * its part replaces the current one, the shared strings and styles stay.
 */
enum err xlsxin_next_sheet(struct xlsxin *r, struct errinfo *info)
{
	size_t i;
	char *name;
	enum err e;

	if (r->failed)
		return err_set(info, r->failed, "'%s': cannot read on after an error", r->name);
	for (i = r->cur + 1; i < r->nsheets; i++)
		if (!r->sheets[i].hidden && r->sheets[i].worksheet)
			break;
	if (i >= r->nsheets)
		return err_set(info, ERR_NOT_FOUND, "'%s': no more sheets", r->name);
	name = strdup(r->sheets[i].name);
	if (!name)
		return err_set(info, ERR_NOMEM, "out of memory");
	free(r->sheet);
	r->sheet = name;
	r->cur = i;
	xml_end(r);
	r->in_data = r->in_cell = r->in_v = r->in_is = r->in_t = r->in_rph = 0;
	r->rowno = 0;
	r->row_ready = 0;
	e = xml_begin(r, r->sheets[i].part, sheet_start, sheet_end, sheet_chars, info);
	if (e)
		r->failed = e;
	return e;
}

/* Sheets other than the one being read that may hold data (the visible worksheets):
 * their number, and up to `max` of their names in `names` (borrowed). */
static size_t xlsxin_other_sheets(const struct xlsxin *r, const char **names, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < r->nsheets; i++) {
		if (r->sheets[i].hidden || !r->sheets[i].worksheet ||
		    (r->sheet && !strcmp(r->sheets[i].name, r->sheet)))
			continue;
		if (n < max)
			names[n] = r->sheets[i].name;
		n++;
	}
	return n;
}

void xlsxin_close(struct xlsxin *r)
{
	if (r)
		destroy(r);
}

/* ---- the reader family (reader.h) ------------------------------------ */

static int xlsx_probe(const struct reader_probe *p, struct errinfo *info)
{
	(void)info;
	return p->zip && unzip_has(p->zip, "[Content_Types].xml");
}

static enum err xlsx_open(void **priv, const char *path, const char *name,
			  const struct reader_opts *o, struct errinfo *info)
{
	struct xlsxin *r;
	enum err e = xlsxin_open(&r, path, name, o->sheet, info);

	*priv = r;
	return e;
}

static enum err xlsx_next(void *priv, struct row *row, struct errinfo *info)
{
	return xlsxin_next(priv, row, info);
}

static const char *xlsx_sheet(void *priv)
{
	return xlsxin_sheet(priv);
}

static size_t xlsx_other_sheets(void *priv, const char **names, size_t max)
{
	return xlsxin_other_sheets(priv, names, max);
}

static enum err xlsx_next_sheet(void *priv, struct errinfo *info)
{
	return xlsxin_next_sheet(priv, info);
}

static void xlsx_close(void *priv)
{
	xlsxin_close(priv);
}

const struct reader reader_xlsx = {
	.name = "XLSX",
	.probe = xlsx_probe,
	.open = xlsx_open,
	.next = xlsx_next,
	.sheet = xlsx_sheet,
	.other_sheets = xlsx_other_sheets,
	.next_sheet = xlsx_next_sheet,
	.close = xlsx_close,
};
