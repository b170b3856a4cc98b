/*
 * biff: one walk over the records of a .xls workbook stream (BIFF5 and
 * BIFF8, MS-XLS), for what FreeXL 1.0.6 gets wrong or cannot tell.
 *
 * FreeXL trusts the lengths it finds in the file. Found by fuzz_xlsin:
 * string lengths reaching past their record made it copy up to 128 KB
 * past its 8224-byte record buffer into the text of a cell (another part
 * of the heap, imported as a contact's field), and sheets sized twice or
 * not at all made it crash or leak (struct sheets). So the walk frames the
 * records the way FreeXL does and refuses the stream when a string FreeXL
 * would read from FORMAT (BIFF8), LABEL or the shared strings reaches past
 * its record, or when the sheets' sizes would confuse FreeXL.
 *
 * On the way it notes the cells FreeXL reads wrong (struct biff_notes),
 * each with its sheet (BOUNDSHEET order: FreeXL's numbering), row and
 * column, kept in a table of BIFF_MAX_CELLS at most, sorted once:
 *   - BOOLERR records, which FreeXL gives as the integers 1 and 0 (an
 *     error constant too), and formulas whose cached result is a boolean,
 *     which FreeXL skips;
 *   - numbers in NUMBER, RK and MULRK records whose cell format numfmt
 *     renders: FreeXL gives their bare value. The formats come from the
 *     globals: FORMAT records (an id and its code) and XF records (a
 *     cell's ixfe counts every XF record; the format id is at offset 2
 *     in BIFF5 and BIFF8 alike), the built-in ids through numfmt_builtin.
 *     General, dates, times and text are not noted: FreeXL writes dates
 *     and times as text itself, General is cellfmt_number's.
 * Formulas with a numeric cached result are not noted: FreeXL gives
 * nothing for them, so there is no value to render (biff.h).
 */
#include "read/biff.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "read/cellfmt.h"
#include "read/numfmt.h"

#define BIFF_BOF 0x0809
#define BIFF_SST 0x00FC
#define BIFF_CONTINUE 0x003C
#define BIFF_FORMAT 0x041E
#define BIFF_XF 0x00E0
#define BIFF_LABEL 0x0204
#define BIFF_DIMENSION 0x0200
#define BIFF_BOUNDSHEET 0x0085
#define BIFF_EOF 0x000A
#define BIFF_BOOLERR 0x0205
#define BIFF_FORMULA 0x0006
#define BIFF_NUMBER 0x0203
#define BIFF_RK 0x027E
#define BIFF_MULRK 0x00BD
#define BIFF8 0x0600
#define BIFF_RECORD_MAX 8224	/* FreeXL's record buffer */
#define SST_MAX 1048576		/* FreeXL refuses more strings */

unsigned long long biff_le(const unsigned char *p, int n)
{
	unsigned long long v = 0;
	int i;

	for (i = n - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/*
 * Where the characters of a BIFF8 string start: after its option byte at
 * p and the run count (option 0x08) and extension size (0x04) it
 * announces, in that order; the bytes of runs and extension that follow
 * the characters go to *extra. 0 when the header itself does not fit.
 */
static size_t string_start(const unsigned char *rec, size_t sz, size_t p, int *wide,
			   size_t *extra)
{
	unsigned opt;
	size_t runs = 0, ext = 0;

	if (p + 1 > sz)
		return 0;
	opt = rec[p++];
	*wide = opt & 1;
	if (opt & 0x08) {
		if (p + 2 > sz)
			return 0;
		runs = biff_le(rec + p, 2);
		p += 2;
	}
	if (opt & 0x04) {
		if (p + 4 > sz)
			return 0;
		ext = biff_le(rec + p, 4);
		p += 4;
	}
	*extra = runs * 4 + ext;
	return p;
}

/* 1 if the BIFF8 string of FORMAT or LABEL (its length at lenpos, its
 * option byte at optpos) ends inside the record. */
static int string_fits(const unsigned char *rec, size_t sz, size_t lenpos, size_t optpos)
{
	size_t p, extra, len;
	int wide;

	if (lenpos + 2 > sz)
		return 0;
	len = biff_le(rec + lenpos, 2);
	p = string_start(rec, sz, optpos, &wide, &extra);
	return p && p + len * (wide ? 2 : 1) <= sz;
}

/*
 * The shared strings as FreeXL reads them: strings one after another from
 * the SST record on, each one's header inside a record, the characters of
 * the last one of a record allowed to go on in the next CONTINUE (after an
 * option byte of their own) but not beyond it, runs and extension skipped
 * where they end. Its state between records mirrors FreeXL's.
 */
struct sst {
	int started;
	size_t count, index;
	size_t pend_len, pend_off;	/* a string cut at the end of a record */
	size_t skip;			/* its runs and extension */
	size_t next_skip;		/* what the last string took of the next record */
};

/* 0 when the record reads within itself. */
static int sst_record(struct sst *s, const unsigned char *rec, size_t sz, int first)
{
	size_t p = 0;

	if (first) {
		if (s->started || sz < 8)
			return -1;
		s->started = 1;
		s->count = biff_le(rec + 4, 4);
		if (s->count > SST_MAX)
			return -1;
		p = 8;
	} else if (s->pend_len) {
		if (sz < 1)
			return -1;
		p = 1 + (s->pend_len - s->pend_off) * ((rec[0] & 1) ? 2 : 1);
		if (p > sz)
			return -1;
		s->pend_len = 0;
		s->next_skip = 0;
		s->index++;
		p += s->skip;
	}
	for (; s->index < s->count; s->index++) {
		size_t len, need, extra;
		int wide;

		if (p >= sz)
			return 0;
		p += s->next_skip;
		if (p + 2 > sz)
			return -1;
		len = biff_le(rec + p, 2);
		p = string_start(rec, sz, p + 2, &wide, &extra);
		if (!p)
			return -1;
		s->skip = extra;
		s->next_skip = 0;
		need = len * (wide ? 2 : 1);
		if (need > sz - p) {
			s->pend_len = len;
			s->pend_off = wide ? (sz - p) / 2 : sz - p;
			return 0;
		}
		p += need + extra;
		s->next_skip = p > sz ? p - sz : 0;
		if (s->next_skip > BIFF_RECORD_MAX)
			return -1;
	}
	return 0;
}

/*
 * The sheets as FreeXL tracks them: one per BOUNDSHEET record, by the
 * offset of its BOF; a BOF that follows an EOF makes the sheet whose
 * offset it is at the active one (or none); a DIMENSION record sizes the
 * active sheet's cells. FreeXL sizes a sheet's cells by its last DIMENSION
 * and frees them by it, so a second one made it free past the cells it
 * had (SIGSEGV, fuzz_xlsin); and at the end it sizes every sheet that had
 * none as if it were the active one (leaking, and emptying the active
 * one), which only the active sheet may therefore lack.
 */
struct sheets {
	struct {
		size_t off;
		int sized;
	} *v;
	size_t n, cap;
	long active;	/* -1: none */
	int after_eof;
};

static int sheet_add(struct sheets *sh, size_t off)
{
	if (sh->n == sh->cap) {
		size_t ncap = sh->cap ? sh->cap * 2 : 8;
		void *p = realloc(sh->v, ncap * sizeof(*sh->v));

		if (!p)
			return -1;
		sh->v = p;
		sh->cap = ncap;
	}
	sh->v[sh->n].off = off;
	sh->v[sh->n].sized = 0;
	sh->n++;
	return 0;
}

static void sheet_select(struct sheets *sh, size_t at)
{
	size_t i;

	sh->active = -1;
	for (i = 0; i < sh->n; i++)
		if (sh->v[i].off == at) {
			sh->active = (long)i;
			return;
		}
}

/* "" when the record is fine, else why it is not. */
static const char *check_record(struct sheets *sh, struct sst *sst, unsigned long version,
				unsigned long type, unsigned long prev, const unsigned char *rec,
				size_t sz, size_t at)
{
	static const char *const text = "a text runs past its record";

	switch (type) {
	case BIFF_CONTINUE:
		return prev == BIFF_SST && sst_record(sst, rec, sz, 0) ? text : "";
	case BIFF_SST:
		return sst_record(sst, rec, sz, 1) ? text : "";
	case BIFF_FORMAT:
		return version == BIFF8 && !string_fits(rec, sz, 2, 4) ? text : "";
	case BIFF_LABEL:
		if (version == BIFF8)
			return string_fits(rec, sz, 6, 8) ? "" : text;
		return sz < 8 || 8 + biff_le(rec + 6, 2) > sz ? text : "";
	case BIFF_BOUNDSHEET:
		return sz >= 4 && sheet_add(sh, biff_le(rec, 4)) ? "out of memory" : "";
	case BIFF_EOF:
		sh->after_eof = 1;
		return "";
	case BIFF_BOF:
		if (sh->after_eof)
			sheet_select(sh, at);
		sh->after_eof = 0;
		return "";
	case BIFF_DIMENSION:
		if (sh->active < 0)
			return "";
		if (sh->v[sh->active].sized || sz < (version == BIFF8 ? 14u : 10u))
			return "a sheet with a wrong or second DIMENSION record";
		sh->v[sh->active].sized = 1;
		return "";
	default:
		return "";
	}
}

/* ---- the notes --------------------------------------------------------- */

#define NO_SLOT 0xFFFF
#define MAX_SLOTS 4096		/* format codes kept; later ones not rendered */
#define MAX_XFS 65536		/* ixfe is 16 bits */
#define MAX_CODE 255		/* longer codes are not rendered */

struct biff_notes {
	struct biff_cell *v;
	size_t n, cap;
	int sorted;
	char **fmts;		/* a slot's format code (new) */
	size_t nfmts;
};

/*
 * The number formats met so far, for the walk only: by format id, 0 when
 * none is known yet, NO_SLOT when numfmt does not render it, else its
 * slot + 1 (slots stay below MAX_SLOTS); each XF record's slot in order.
 */
struct formats {
	uint16_t *by_id;	/* 65536 entries, allocated at the first need */
	uint16_t *xf;
	size_t nxf, capxf;
};

static const char full_msg[] = "too many noted cells";

/* p (of *cap elements of size sz) grown to hold n + 1: the new pointer,
 * or NULL past max or out of memory (p is then left as it was). */
static void *grow(void *p, size_t *cap, size_t n, size_t sz, size_t max)
{
	size_t ncap = *cap ? *cap * 2 : 64;

	if (n < *cap)
		return p;
	if (n >= max)
		return NULL;
	if (ncap > max)
		ncap = max;
	p = realloc(p, ncap * sz);
	if (p)
		*cap = ncap;
	return p;
}

/* "" when noted, else why not. */
static const char *add_cell(struct biff_notes **bn, const struct biff_cell *c)
{
	struct biff_notes *b = *bn;
	void *p;

	if (!b && !(b = *bn = calloc(1, sizeof(*b))))
		return "out of memory";
	if (b->n >= BIFF_MAX_CELLS)
		return full_msg;
	if (!(p = grow(b->v, &b->cap, b->n, sizeof(*b->v), BIFF_MAX_CELLS)))
		return "out of memory";
	b->v = p;
	b->v[b->n++] = *c;
	return "";
}

/* A new slot holding a copy of code, or NO_SLOT (no room, no memory:
 * the cells are then not rendered, as before). */
static uint16_t add_slot(struct biff_notes **bn, const char *code)
{
	struct biff_notes *b = *bn;
	char *copy;
	void *p;

	if (!b && !(b = *bn = calloc(1, sizeof(*b))))
		return NO_SLOT;
	if (b->nfmts >= MAX_SLOTS || !(copy = strdup(code)))
		return NO_SLOT;
	p = realloc(b->fmts, (b->nfmts + 1) * sizeof(*b->fmts));
	if (!p) {
		free(copy);
		return NO_SLOT;
	}
	b->fmts = p;
	b->fmts[b->nfmts] = copy;
	return (uint16_t)b->nfmts++;
}

/* 1 if numfmt renders numbers through code and FreeXL gives them bare. */
static int renderable(const char *code)
{
	char out[NUMFMT_MAX];

	return strcasecmp(code, "General") != 0 &&
	       cellfmt_classify(code) == CELLFMT_NUMBER && numfmt_render(code, 1, out) >= 0;
}

/* ---- number formats ---------------------------------------------------- */

static size_t put_utf8(char *out, unsigned c)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xC0 | c >> 6);
		out[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	out[0] = (char)(0xE0 | c >> 12);
	out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
	out[2] = (char)(0x80 | (c & 0x3F));
	return 3;
}

/*
 * The code of a FORMAT record as UTF-8 in out (3 * MAX_CODE + 1 bytes):
 * BIFF8 an XLUnicodeString (16-bit count, option byte, Latin-1 or UTF-16
 * characters), BIFF5 a byte count and bytes in the workbook's code page,
 * taken when they are ASCII. 0, or -1 when it is not kept (too long, a
 * surrogate, non-ASCII BIFF5, cut short: check_record refuses the last).
 */
static int format_code(const unsigned char *rec, size_t sz, int biff8, char *out)
{
	size_t p, len, extra, i, o = 0;
	int wide = 0;
	unsigned c;

	if (biff8) {
		if (sz < 5)
			return -1;
		len = biff_le(rec + 2, 2);
		p = string_start(rec, sz, 4, &wide, &extra);
	} else {
		if (sz < 3)
			return -1;
		len = rec[2];
		p = 3;
	}
	if (!p || len > MAX_CODE || p + len * (wide ? 2 : 1) > sz)
		return -1;
	for (i = 0; i < len; i++) {
		c = wide ? (unsigned)biff_le(rec + p + 2 * i, 2) : rec[p + i];
		if ((c >= 0xD800 && c <= 0xDFFF) || c == 0 || (!biff8 && c >= 0x80))
			return -1;
		o += put_utf8(out + o, c);
	}
	out[o] = '\0';
	return 0;
}

/* The table of format ids, 0 if out of memory. */
static int by_id(struct formats *f)
{
	if (!f->by_id)
		f->by_id = calloc(65536, sizeof(*f->by_id));
	return f->by_id != NULL;
}

/* A FORMAT record: its id gets the slot of its code, or NO_SLOT when
 * numfmt does not render it (which hides a built-in format of that id). */
static const char *note_format(struct biff_notes **bn, struct formats *f,
			       const unsigned char *rec, size_t sz, int biff8)
{
	char code[3 * MAX_CODE + 1];
	uint16_t slot = NO_SLOT;

	if (sz < 2)
		return "";
	if (!by_id(f))
		return "out of memory";
	if (format_code(rec, sz, biff8, code) == 0 && renderable(code))
		slot = add_slot(bn, code);
	f->by_id[biff_le(rec, 2)] = slot == NO_SLOT ? NO_SLOT : (uint16_t)(slot + 1);
	return "";
}

/* The slot of format id ifmt: its last FORMAT record's, else the
 * built-in format's that numfmt renders (one slot each), else NO_SLOT. */
static uint16_t format_slot(struct biff_notes **bn, struct formats *f, unsigned ifmt)
{
	const char *code;
	uint16_t slot;

	if (f->by_id[ifmt] == NO_SLOT)
		return NO_SLOT;
	if (f->by_id[ifmt])
		return (uint16_t)(f->by_id[ifmt] - 1);
	code = numfmt_builtin(ifmt);
	slot = code ? add_slot(bn, code) : NO_SLOT;
	f->by_id[ifmt] = slot == NO_SLOT ? NO_SLOT : (uint16_t)(slot + 1);
	return slot;
}

/* An XF record (MS-XLS 2.4.353): the slot of its format, in XF order.
 * The formats come before the XFs in the globals, as MS-XLS orders them. */
static const char *note_xf(struct biff_notes **bn, struct formats *f, const unsigned char *rec,
			   size_t sz)
{
	uint16_t *p;

	if (sz < 4)
		return "";
	if (!by_id(f))
		return "out of memory";
	if (!(p = grow(f->xf, &f->capxf, f->nxf, sizeof(*f->xf), MAX_XFS)))
		return f->nxf < MAX_XFS ? "out of memory" : "";	/* beyond: not rendered */
	f->xf = p;
	f->xf[f->nxf++] = format_slot(bn, f, (unsigned)biff_le(rec + 2, 2));
	return "";
}

/* A number at (row, col) of sheet with XF ixfe, noted if its format is
 * rendered. */
static const char *note_number(struct biff_notes **bn, const struct formats *f, long sheet,
			       unsigned row, unsigned col, unsigned ixfe)
{
	struct biff_cell c = { 0 };

	if (ixfe >= f->nxf || f->xf[ixfe] == NO_SLOT)
		return "";
	c.row = row;
	c.col = (uint16_t)col;
	c.sheet = (uint16_t)sheet;
	c.what = BIFF_NUMFMT;
	c.fmt = f->xf[ixfe];
	return add_cell(bn, &c);
}

/*
 * NUMBER and RK (row, column, ixfe, value) and MULRK (row, first column,
 * then an ixfe and an RK value for each column, the last column last;
 * MS-XLS 2.4.180, 2.4.220, 2.4.175).
 */
static const char *note_numbers(struct biff_notes **bn, const struct formats *f, long sheet,
				unsigned long type, const unsigned char *rec, size_t sz)
{
	const char *why = "";
	unsigned row, col;
	size_t i, n;

	if (sz < 6)
		return "";
	row = (unsigned)biff_le(rec, 2);
	col = (unsigned)biff_le(rec + 2, 2);
	if (type != BIFF_MULRK)
		return note_number(bn, f, sheet, row, col, (unsigned)biff_le(rec + 4, 2));
	n = (sz - 6) / 6;
	for (i = 0; !*why && i < n && col + i <= 0xFFFF; i++)
		why = note_number(bn, f, sheet, row, (unsigned)(col + i),
				  (unsigned)biff_le(rec + 4 + 6 * i, 2));
	return why;
}

/*
 * A BOOLERR record (row, column, XF, value, 1 if an error) or a FORMULA
 * record whose cached result is a boolean (row, column, XF, then the
 * 8-byte result: type 1 in its first byte, the value in its third, 0xFFFF
 * in its last two) (MS-XLS 2.4.24, 2.4.127).
 */
static const char *note_boolean(struct biff_notes **bn, long sheet, unsigned long type,
				const unsigned char *rec, size_t sz)
{
	struct biff_cell c = { 0 };

	if (type == BIFF_BOOLERR && sz >= 8) {
		c.what = rec[7] ? BIFF_ERROR : rec[6] ? BIFF_TRUE : BIFF_FALSE;
	} else if (type == BIFF_FORMULA && sz >= 20 && biff_le(rec + 12, 2) == 0xFFFF &&
		   rec[6] == 1) {
		c.what = rec[8] ? BIFF_TRUE : BIFF_FALSE;
		c.from_formula = 1;
	} else {
		return "";
	}
	c.row = (uint32_t)biff_le(rec, 2);
	c.col = (uint16_t)biff_le(rec + 2, 2);
	c.sheet = (uint16_t)sheet;
	return add_cell(bn, &c);
}

/* Notes what record `type` of sheet (-1: the globals) tells. "" when
 * noted or nothing to note, else why not. */
static const char *note_record(struct biff_notes **bn, struct formats *f, long sheet,
			       unsigned long version, unsigned long type,
			       const unsigned char *rec, size_t sz)
{
	if (type == BIFF_FORMAT)
		return note_format(bn, f, rec, sz, version == BIFF8);
	if (type == BIFF_XF)
		return note_xf(bn, f, rec, sz);
	if (sheet < 0 || sheet > 65535)
		return "";
	if (type == BIFF_NUMBER || type == BIFF_RK || type == BIFF_MULRK)
		return note_numbers(bn, f, sheet, type, rec, sz);
	return note_boolean(bn, sheet, type, rec, sz);
}

/* ---- the walk ---------------------------------------------------------- */

static enum err walk_error(const char *why, size_t at, const char *name,
			   struct errinfo *info)
{
	if (!strcmp(why, "out of memory"))
		return err_set(info, ERR_NOMEM, "out of memory");
	if (why == full_msg)
		return err_set(info, ERR_LIMIT,
			       "'%s': more than %zu boolean, error and formatted number cells; save it as XLSX",
			       name, BIFF_MAX_CELLS);
	return err_set(info, ERR_FORMAT,
		       "cannot read '%s': not a valid .xls workbook (%s at byte %zu of the workbook stream)%s",
		       name, why, at,
		       strstr(why, "without") ? "; FreeXL cannot read it: save it as XLSX" : "");
}

/*
 * Walks the records the way FreeXL frames them: it stops at a record of
 * type 0 and size 0, one longer than its buffer, one cut by the end of
 * the stream, a first record that is not a BOF of BIFF5 or BIFF8, a
 * record after an EOF that is not a BOF.
 */
enum err biff_check(struct biff_notes **out, const char *name, const unsigned char *s,
		    size_t len, struct errinfo *info)
{
	struct sheets sh = { NULL, 0, 0, -1, 0 };
	struct formats f;
	struct sst sst = { 0 };
	unsigned long version = 0, prev = 0;
	const char *why = "";
	size_t pos = 0, at = 0, i;

	*out = NULL;
	memset(&f, 0, sizeof(f));
	while (!*why && pos + 4 <= len) {
		unsigned long type = biff_le(s + pos, 2);
		size_t sz = biff_le(s + pos + 2, 2);

		at = pos;
		if ((type == 0 && sz == 0) || sz > BIFF_RECORD_MAX || pos + 4 + sz > len)
			break;
		pos += 4 + sz;
		if (!version) {
			if (type != BIFF_BOF || sz < 2)
				break;
			version = biff_le(s + at + 4, 2);
			if (version != 0x0500 && version != BIFF8)
				break;
			prev = type;
			continue;
		}
		if (sh.after_eof && type != BIFF_BOF)
			break;
		why = check_record(&sh, &sst, version, type, prev, s + at + 4, sz, at);
		if (!*why)
			why = note_record(out, &f, sh.active, version, type, s + at + 4, sz);
		if (type != BIFF_CONTINUE)
			prev = type;
	}
	for (i = 0; !*why && i < sh.n; i++)
		if (!sh.v[i].sized && (long)i != sh.active) {
			why = "a sheet without its DIMENSION record";
			at = sh.v[i].off;
		}
	free(sh.v);
	free(f.by_id);
	free(f.xf);
	if (!*why)
		return ERR_OK;
	biff_notes_free(*out);
	*out = NULL;
	return walk_error(why, at, name, info);
}

/* ---- reading the notes ------------------------------------------------- */

static int cell_before(const struct biff_cell *x, unsigned sheet, unsigned row, unsigned col)
{
	if (x->sheet != sheet)
		return x->sheet < sheet;
	return x->row < row || (x->row == row && x->col < col);
}

static int cell_cmp(const void *a, const void *b)
{
	const struct biff_cell *x = a, *y = b;

	if (x->sheet != y->sheet)
		return x->sheet < y->sheet ? -1 : 1;
	if (x->row != y->row)
		return x->row < y->row ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return x->what < y->what ? -1 : x->what > y->what;
}

/* All cells are kept, sorted once, because --sheet all reads on to the
 * next sheet. */
size_t biff_rewind(struct biff_notes *bn, unsigned sheet)
{
	size_t i;

	if (!bn)
		return 0;
	if (!bn->sorted && bn->n)	/* formats but no cells: v is NULL */
		qsort(bn->v, bn->n, sizeof(*bn->v), cell_cmp);
	bn->sorted = 1;
	for (i = 0; i < bn->n && bn->v[i].sheet < sheet; i++)
		;
	return i;
}

const struct biff_cell *biff_cell_at(const struct biff_notes *bn, size_t *next,
				     unsigned sheet, unsigned row, unsigned col)
{
	const struct biff_cell *x;

	if (!bn)
		return NULL;
	while (*next < bn->n && cell_before(&bn->v[*next], sheet, row, col))
		(*next)++;
	if (*next == bn->n)
		return NULL;
	x = &bn->v[*next];
	return x->sheet == sheet && x->row == row && x->col == col ? x : NULL;
}

const char *biff_format(const struct biff_notes *bn, const struct biff_cell *c)
{
	return c->what == BIFF_NUMFMT && c->fmt < bn->nfmts ? bn->fmts[c->fmt] : NULL;
}

void biff_notes_free(struct biff_notes *bn)
{
	size_t i;

	if (!bn)
		return;
	for (i = 0; i < bn->nfmts; i++)
		free(bn->fmts[i]);
	free(bn->fmts);
	free(bn->v);
	free(bn);
}
