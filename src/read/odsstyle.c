/*
 * odsstyle: ODS data styles as numfmt format codes (see odsstyle.h).
 *
 * A data style (ODF 1.3 §16.27) becomes the code LibreOffice (7.4) makes
 * of it when it loads the file (xmloff's number format import), so numfmt
 * renders it as LibreOffice shows it:
 *
 *   - number:text is a quoted literal ("+"), except the '%' of a
 *     percentage style, which is the percent sign (it scales by 100);
 *   - number:number is min-integer-digits zeros, grouped "#,##0" when
 *     number:grouping (padded with '#' to four digits), "#" for none;
 *     min-decimal-places zeros after the point, then '#' up to
 *     decimal-places; a display-factor adds one scaling comma per 1000;
 *     embedded texts are quoted into the integer digits, position n
 *     having n digits on its right ('#' added so a digit is left of the
 *     leftmost text), and turn grouping off. Without decimal-places the
 *     number is "General";
 *   - style:map value()<=9999999 -> N1P0 puts "[<=9999999]" and N1P0's
 *     code in a section before the style's own; a lone value()>=0 map,
 *     and a text style's last map, go without their condition;
 *   - number:text-content is "@", number:fill-character is dropped (the
 *     CSV does not fill), style:text-properties (a colour) ignored.
 *
 * Not rendered (the caller keeps its General rendering): scientific
 * numbers, fractions, currency styles with a currency symbol, decimal
 * replacement, date, time and boolean styles, maps to styles that have
 * maps themselves, and codes longer than CODE_CAP.
 *
 * Styles live in one arena (names and codes, NUL-terminated, reached by
 * offset) and one array of entries, found through an open-addressing hash
 * of (kind, name). A later style of the same kind and name hides an
 * earlier one: content.xml's automatic styles are read after styles.xml.
 */
#include "read/odsstyle.h"

#include <expat.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "read/numfmt.h"

#define NS_STYLE "urn:oasis:names:tc:opendocument:xmlns:style:1.0|"
#define NS_NUMBER "urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0|"
#define NS_OFFICE "urn:oasis:names:tc:opendocument:xmlns:office:1.0|"
#define NS_LOEXT \
	"urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0|"

#define NO_OFF UINT32_MAX
#define MAX_MAPS 3		/* LibreOffice writes at most three */
#define CODE_CAP 256		/* a style's own code */
#define FULL_CAP 1024		/* with its maps' sections */
#define MAX_EMB 8
#define EMB_CAP 32
#define MAX_INT 40
#define MAX_DEC 30
#define MAX_PARENTS 16
#define MAX_DEPTH 1000
#define CHUNK ((size_t)64 << 10)
#define UNKNOWN (-2)

enum kind { K_DATA = 1, K_CELL };
enum dtype { T_NUMBER, T_PERCENT, T_CURRENCY, T_TEXT };

struct entry {
	uint32_t name;
	uint8_t kind;
	/* data style */
	uint8_t type, bad, nmaps;
	uint32_t code;
	uint32_t cond[MAX_MAPS], apply[MAX_MAPS];
	int32_t full;		/* arena offset, ODSSTYLE_NONE, or UNKNOWN */
	/* cell style */
	uint32_t data, parent;
	int32_t fmt;		/* resolved data style, or UNKNOWN */
};

/* The number:number being read. */
struct num {
	int min_int, dec, min_dec, grouping, nemb;
	double factor;
	int pos[MAX_EMB];
	char emb[MAX_EMB][EMB_CAP];
};

struct colrun {
	uint64_t end;		/* one past its last column */
	int fmt;
};

struct odsstyle {
	char *name;
	struct buf arena;
	struct entry *e;
	size_t n, cap;
	uint32_t *slot;		/* entry index + 1, 0 = free */
	size_t nslot;

	/* the style being read */
	unsigned depth, data_d, num_d, text_d;
	struct entry cur;
	struct num num;
	struct buf code, text;

	struct colrun *cols;
	size_t ncols;
	int dflt;
};

/* ---- tables ---------------------------------------------------------- */

static uint32_t hash(int kind, const char *s)
{
	uint32_t h = 2166136261u ^ (uint32_t)kind;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static const char *str(const struct odsstyle *s, uint32_t off)
{
	return s->arena.data + off;
}

static int find(const struct odsstyle *s, int kind, const char *name)
{
	size_t i, mask = s->nslot - 1;
	const struct entry *e;

	if (!s->nslot || !name)
		return -1;
	for (i = hash(kind, name) & mask; s->slot[i]; i = (i + 1) & mask) {
		e = &s->e[s->slot[i] - 1];
		if (e->kind == kind && strcmp(str(s, e->name), name) == 0)
			return (int)(s->slot[i] - 1);
	}
	return -1;
}

static void place(struct odsstyle *s, uint32_t idx)
{
	size_t i, mask = s->nslot - 1;
	const struct entry *e = &s->e[idx], *o;

	for (i = hash(e->kind, str(s, e->name)) & mask; s->slot[i];
	     i = (i + 1) & mask) {
		o = &s->e[s->slot[i] - 1];
		if (o->kind == e->kind &&
		    strcmp(str(s, o->name), str(s, e->name)) == 0)
			break;	/* the later style hides the earlier */
	}
	s->slot[i] = idx + 1;
}

static enum err rehash(struct odsstyle *s)
{
	size_t n = s->nslot ? s->nslot * 2 : 64, i;
	uint32_t *slot = calloc(n, sizeof(*slot));

	if (!slot)
		return ERR_NOMEM;
	free(s->slot);
	s->slot = slot;
	s->nslot = n;
	for (i = 0; i < s->n; i++)
		place(s, (uint32_t)i);
	return ERR_OK;
}

static enum err add_entry(struct odsstyle *s, const struct entry *e)
{
	struct entry *grown;
	size_t cap;
	enum err err;

	if (s->n == ODSSTYLE_MAX_STYLES)
		return ERR_LIMIT;
	if (s->n == s->cap) {
		cap = s->cap ? s->cap * 2 : 64;
		grown = realloc(s->e, cap * sizeof(*grown));
		if (!grown)
			return ERR_NOMEM;
		s->e = grown;
		s->cap = cap;
	}
	if ((s->n + 1) * 2 > s->nslot && (err = rehash(s)))
		return err;
	s->e[s->n] = *e;
	place(s, (uint32_t)s->n++);
	return ERR_OK;
}

/* A string into the arena: its offset, NO_OFF for NULL. */
static enum err keep(struct odsstyle *s, const char *t, uint32_t *off)
{
	*off = NO_OFF;
	if (!t)
		return ERR_OK;
	*off = (uint32_t)s->arena.len;
	return buf_add(&s->arena, t, strlen(t) + 1);
}

/* ---- building a code ------------------------------------------------- */

/* t as a quoted literal; a '"' in it as \". */
static enum err quote(struct buf *b, const char *t, size_t n)
{
	enum err e = ERR_OK;
	size_t i;

	if (n == 0)
		return ERR_OK;
	e = buf_addc(b, '"');
	for (i = 0; !e && i < n; i++)
		e = t[i] == '"' ? buf_adds(b, "\"\\\"\"") : buf_addc(b, t[i]);
	return e ? e : buf_addc(b, '"');
}

/* A number:text: in a percentage style, its first '%' is the sign. */
static enum err add_literal(struct odsstyle *s, const char *t, size_t n)
{
	const char *pct = s->cur.type == T_PERCENT ? memchr(t, '%', n) : NULL;
	enum err e;

	if (!pct)
		return quote(&s->code, t, n);
	if ((e = quote(&s->code, t, (size_t)(pct - t))) ||
	    (e = buf_addc(&s->code, '%')))
		return e;
	return quote(&s->code, pct + 1, n - (size_t)(pct - t) - 1);
}

/* Inserts t (tn bytes) at byte at of the string s (len, cap). */
static int insert(char *s, size_t *len, size_t cap, size_t at, const char *t,
		  size_t tn)
{
	if (*len + tn + 1 > cap)
		return -1;
	memmove(s + at + tn, s + at, *len - at + 1);
	memcpy(s + at, t, tn);
	*len += tn;
	return 0;
}

/* The integer digits as LibreOffice generates them (en-US grouping). */
static size_t int_digits(const struct num *n, int grouping, char *d)
{
	char tmp[2 * MAX_INT + 8];
	size_t k = sizeof(tmp) - 1;
	int i;

	tmp[k] = '\0';
	if (n->min_int == 0) {
		strcpy(d, grouping ? "#,###" : "#");
		return strlen(d);
	}
	for (i = 0; i < n->min_int; i++) {
		if (grouping && i > 0 && i % 3 == 0)
			tmp[--k] = ',';
		tmp[--k] = '0';
	}
	for (; grouping && i < 4; i++) {
		if (i % 3 == 0)
			tmp[--k] = ',';
		tmp[--k] = '#';
	}
	strcpy(d, tmp + k);
	return strlen(d);
}

/* Sorts the embedded texts by position, ascending (at most MAX_EMB). */
static void sort_emb(struct num *n)
{
	char t[EMB_CAP];
	int i, j, p;

	for (i = 1; i < n->nemb; i++)
		for (j = i; j > 0 && n->pos[j - 1] > n->pos[j]; j--) {
			p = n->pos[j];
			n->pos[j] = n->pos[j - 1];
			n->pos[j - 1] = p;
			memcpy(t, n->emb[j], EMB_CAP);
			memcpy(n->emb[j], n->emb[j - 1], EMB_CAP);
			memcpy(n->emb[j - 1], t, EMB_CAP);
		}
}

/* Embedded texts quoted into the digits d (len, cap), right to left. */
static int embed(struct num *n, char *d, size_t *len, size_t cap)
{
	struct buf q;
	size_t zero = strcspn(d, "."), add;
	int i, bad = 0;

	sort_emb(n);
	if ((size_t)n->pos[n->nemb - 1] >= zero) {
		add = (size_t)n->pos[n->nemb - 1] + 1 - zero;
		while (add-- > 0 && !bad)
			bad = insert(d, len, cap, 0, "#", 1);
		zero = strcspn(d, ".");
	}
	buf_init(&q, CODE_CAP);
	for (i = 0; i < n->nemb && !bad; i++) {
		buf_reset(&q);
		if (n->pos[i] < 0 || (size_t)n->pos[i] > zero)
			continue;
		bad = quote(&q, n->emb[i], strlen(n->emb[i])) != ERR_OK ||
		      insert(d, len, cap, zero - (size_t)n->pos[i],
			     buf_str(&q), q.len);
	}
	buf_free(&q);
	return bad ? -1 : 0;
}

/* The code of a number:number, appended to the style's. */
static void end_number(struct odsstyle *s)
{
	struct num *n = &s->num;
	char d[CODE_CAP];
	size_t len;
	int prec, grouping, i, seps = 0;
	enum err e = ERR_OK;

	if (n->dec < 0) {	/* no decimal-places: General */
		if (buf_adds(&s->code, "General"))
			s->cur.bad = 1;
		return;
	}
	if (n->min_int > MAX_INT || n->dec > MAX_DEC) {
		s->cur.bad = 1;
		return;
	}
	prec = n->min_dec >= 0 && n->min_dec < n->dec ? n->min_dec : n->dec;
	grouping = n->grouping &&
		!(n->nemb > 0 && n->pos[n->nemb - 1] > 0);
	len = int_digits(n, grouping, d);
	if (prec > 0) {
		d[len++] = '.';
		memset(d + len, '0', (size_t)prec);
		len += (size_t)prec;
		d[len] = '\0';
	}
	if (n->nemb > 0 && embed(n, d, &len, sizeof(d))) {
		s->cur.bad = 1;
		return;
	}
	e = buf_add(&s->code, d, len);
	if (!e && prec < n->dec && prec == 0)
		e = buf_addc(&s->code, '.');
	for (i = prec; !e && i < n->dec; i++)
		e = buf_addc(&s->code, '#');
	if (n->factor > 1 && n->factor < 1e24)	/* NaN fails both */
		seps = (int)lround(log10(n->factor) / 3.0);
	for (i = 0; !e && i < seps && i < 8; i++)
		e = buf_addc(&s->code, ',');
	if (e)
		s->cur.bad = 1;
}

static int int_attr(const char **a, const char *name, int dflt)
{
	for (; a[0]; a += 2)
		if (strcmp(a[0], name) == 0)
			return a[1][0] >= '0' && a[1][0] <= '9' &&
			       strlen(a[1]) < 6 ? atoi(a[1]) : 1000000;
	return dflt;
}

static const char *attr(const char **a, const char *name)
{
	for (; a[0]; a += 2)
		if (strcmp(a[0], name) == 0)
			return a[1];
	return NULL;
}

static void start_number(struct odsstyle *s, const char **a)
{
	struct num *n = &s->num;
	const char *g = attr(a, NS_NUMBER "grouping");
	const char *f = attr(a, NS_NUMBER "display-factor");

	memset(n, 0, sizeof(*n));
	n->min_int = int_attr(a, NS_NUMBER "min-integer-digits", 0);
	n->dec = int_attr(a, NS_NUMBER "decimal-places", -1);
	n->min_dec = int_attr(a, NS_NUMBER "min-decimal-places",
			      int_attr(a, NS_LOEXT "min-decimal-places", -1));
	n->grouping = g && strcmp(g, "true") == 0;
	n->factor = f ? strtod(f, NULL) : 1;
	if (attr(a, NS_NUMBER "decimal-replacement"))
		s->cur.bad = 1;
	s->num_d = s->depth;
}

/* ---- reading the elements -------------------------------------------- */

static int data_type(const char *el)
{
	if (strcmp(el, NS_NUMBER "number-style") == 0)
		return T_NUMBER;
	if (strcmp(el, NS_NUMBER "percentage-style") == 0)
		return T_PERCENT;
	if (strcmp(el, NS_NUMBER "currency-style") == 0)
		return T_CURRENCY;
	if (strcmp(el, NS_NUMBER "text-style") == 0)
		return T_TEXT;
	return -1;
}

static enum err cell_style(struct odsstyle *s, const char **a)
{
	const char *family = attr(a, NS_STYLE "family");
	struct entry e;
	enum err err;

	if (!family || strcmp(family, "table-cell") != 0 ||
	    !attr(a, NS_STYLE "name"))
		return ERR_OK;
	memset(&e, 0, sizeof(e));
	e.kind = K_CELL;
	e.fmt = UNKNOWN;
	if ((err = keep(s, attr(a, NS_STYLE "name"), &e.name)) ||
	    (err = keep(s, attr(a, NS_STYLE "data-style-name"), &e.data)) ||
	    (err = keep(s, attr(a, NS_STYLE "parent-style-name"), &e.parent)))
		return err;
	return add_entry(s, &e);
}

static enum err start_style(struct odsstyle *s, const char *el,
			    const char **a)
{
	int type = data_type(el);

	if (type < 0)
		return strcmp(el, NS_STYLE "style") == 0 ? cell_style(s, a) :
			ERR_OK;
	if (!attr(a, NS_STYLE "name"))
		return ERR_OK;
	memset(&s->cur, 0, sizeof(s->cur));
	s->cur.kind = K_DATA;
	s->cur.type = (uint8_t)type;
	s->cur.full = UNKNOWN;
	buf_reset(&s->code);
	s->data_d = s->depth;
	return keep(s, attr(a, NS_STYLE "name"), &s->cur.name);
}

static enum err add_map(struct odsstyle *s, const char **a)
{
	struct entry *c = &s->cur;
	const char *cond = attr(a, NS_STYLE "condition");
	const char *apply = attr(a, NS_STYLE "apply-style-name");
	enum err e;

	if (!cond || !apply)
		return ERR_OK;
	if (c->nmaps == MAX_MAPS) {
		c->bad = 1;
		return ERR_OK;
	}
	if ((e = keep(s, cond, &c->cond[c->nmaps])) ||
	    (e = keep(s, apply, &c->apply[c->nmaps])))
		return e;
	c->nmaps++;
	return ERR_OK;
}

/* A child of the data style being read. */
static enum err in_data(struct odsstyle *s, const char *el, const char **a)
{
	if (s->depth == s->num_d + 1 && s->num_d &&
	    strcmp(el, NS_NUMBER "embedded-text") == 0) {
		if (s->num.nemb == MAX_EMB) {
			s->cur.bad = 1;
			return ERR_OK;
		}
		s->num.pos[s->num.nemb] =
			int_attr(a, NS_NUMBER "position", 1000000);
		s->text_d = s->depth;
		buf_reset(&s->text);
		return ERR_OK;
	}
	if (s->depth != s->data_d + 1)
		return ERR_OK;
	if (strcmp(el, NS_NUMBER "text") == 0) {
		s->text_d = s->depth;
		buf_reset(&s->text);
	} else if (strcmp(el, NS_NUMBER "number") == 0) {
		start_number(s, a);
	} else if (strcmp(el, NS_STYLE "map") == 0) {
		return add_map(s, a);
	} else if (strcmp(el, NS_NUMBER "text-content") == 0) {
		if (buf_addc(&s->code, '@'))
			s->cur.bad = 1;
	} else if (strcmp(el, NS_NUMBER "currency-symbol") == 0 ||
		   (strcmp(el, NS_NUMBER "fill-character") != 0 &&
		    strcmp(el, NS_STYLE "text-properties") != 0)) {
		s->cur.bad = 1;	/* scientific, fraction, dates, ... */
	}
	return ERR_OK;
}

void odsstyle_text(struct odsstyle *s, const char *t, size_t n)
{
	if (s->text_d && s->depth == s->text_d && buf_add(&s->text, t, n))
		s->cur.bad = 1;
}

static void end_text(struct odsstyle *s)
{
	struct num *n = &s->num;

	if (s->num_d && s->text_d == s->num_d + 1) {
		if (s->text.len >= EMB_CAP) {
			s->cur.bad = 1;
			return;
		}
		memcpy(n->emb[n->nemb], buf_str(&s->text), s->text.len + 1);
		n->nemb++;
	} else if (add_literal(s, buf_str(&s->text), s->text.len)) {
		s->cur.bad = 1;
	}
}

/* The data style is complete: its own code goes to the arena. */
static enum err end_data(struct odsstyle *s)
{
	enum err e;

	s->data_d = 0;
	s->cur.code = (uint32_t)s->arena.len;
	if ((e = buf_add(&s->arena, buf_str(&s->code), s->code.len + 1)))
		return e;
	return add_entry(s, &s->cur);
}

static enum err style_err(const struct odsstyle *s, const char *part,
			  enum err e, struct errinfo *info)
{
	if (e == ERR_LIMIT)
		return err_set(info, e,
			       "'%s': %s: more than %d styles or %zu bytes of styles",
			       s->name, part, ODSSTYLE_MAX_STYLES,
			       (size_t)ODSSTYLE_MAX_BYTES);
	if (e)
		return err_set(info, e, "out of memory");
	return ERR_OK;
}

enum err odsstyle_end(struct odsstyle *s, const char *part,
		      struct errinfo *info)
{
	unsigned d = s->depth--;

	if (!s->data_d)
		return ERR_OK;
	if (d == s->text_d) {
		end_text(s);
		s->text_d = 0;
	} else if (d == s->num_d) {
		s->num_d = 0;
		end_number(s);
	} else if (d == s->data_d) {
		return style_err(s, part, end_data(s), info);
	}
	return ERR_OK;
}

enum err odsstyle_start(struct odsstyle *s, const char *part, const char *el,
			const char **a, struct errinfo *info)
{
	enum err e;

	s->depth++;
	if (s->depth == 1)
		e = start_style(s, el, a);
	else if (s->data_d)
		e = in_data(s, el, a);
	else
		e = ERR_OK;
	return style_err(s, part, e, info);
}

/* ---- resolving ------------------------------------------------------- */

/* A value() condition as a numfmt bracket ("value()!=0" -> "[<>0]"). */
static enum err add_cond(struct buf *b, const char *cond)
{
	const char *ne;

	cond += 7;
	ne = strstr(cond, "!=");
	if (ne)
		return buf_printf(b, "[%.*s<>%s]", (int)(ne - cond), cond,
				  ne + 2);
	return buf_printf(b, "[%s]", cond);
}

static int compose(struct odsstyle *s, const struct entry *e, struct buf *b)
{
	const struct entry *m;
	const char *cond;
	int i, k, plain, bad = 0;

	for (i = 0; i < e->nmaps; i++) {
		k = find(s, K_DATA, str(s, e->apply[i]));
		cond = str(s, e->cond[i]);
		if (k < 0 || strncmp(cond, "value()", 7) != 0)
			continue;
		m = &s->e[k];
		if (m->bad || m->nmaps)
			return -1;
		plain = (e->nmaps == 1 && strcmp(cond + 7, ">=0") == 0) ||
			(e->type == T_TEXT && i == e->nmaps - 1);
		if (!plain)
			bad |= add_cond(b, cond) != ERR_OK;
		bad |= buf_adds(b, str(s, m->code)) != ERR_OK;
		bad |= buf_addc(b, ';') != ERR_OK;
	}
	bad |= buf_adds(b, *str(s, e->code) ? str(s, e->code) : "\"\"") !=
		ERR_OK;
	return bad ? -1 : 0;
}

/* The full code of data style idx, composed once. */
static int full(struct odsstyle *s, int idx)
{
	struct entry *e = &s->e[idx];
	struct buf b;
	uint32_t off = (uint32_t)s->arena.len;

	if (e->full != UNKNOWN)
		return e->full;
	e->full = ODSSTYLE_NONE;
	if (e->bad)
		return e->full;
	buf_init(&b, FULL_CAP);
	if (compose(s, e, &b) == 0 &&
	    buf_add(&s->arena, buf_str(&b), b.len + 1) == ERR_OK)
		s->e[idx].full = (int32_t)off;
	buf_free(&b);
	return s->e[idx].full;
}

int odsstyle_cell(struct odsstyle *s, const char *cell_style)
{
	int i = find(s, K_CELL, cell_style), k = i, d, n;
	int fmt = ODSSTYLE_NONE;

	if (i < 0)
		return ODSSTYLE_NONE;
	if (s->e[i].fmt != UNKNOWN)
		return s->e[i].fmt;
	for (n = 0; k >= 0 && n < MAX_PARENTS; n++) {
		if (s->e[k].data != NO_OFF) {
			d = find(s, K_DATA, str(s, s->e[k].data));
			if (d >= 0 && full(s, d) >= 0)
				fmt = d;
			break;
		}
		k = s->e[k].parent == NO_OFF ? -1 :
			find(s, K_CELL, str(s, s->e[k].parent));
	}
	s->e[i].fmt = fmt;
	return fmt;
}

int odsstyle_render(const struct odsstyle *s, int fmt, double v, char *out)
{
	if (fmt < 0 || (size_t)fmt >= s->n || s->e[fmt].full < 0)
		return -1;
	return numfmt_render(str(s, (uint32_t)s->e[fmt].full), v, out);
}

const char *odsstyle_code(struct odsstyle *s, const char *data_style)
{
	int k = find(s, K_DATA, data_style);

	if (k < 0 || full(s, k) < 0)
		return NULL;
	return str(s, (uint32_t)s->e[k].full);
}

/* ---- columns --------------------------------------------------------- */

void odsstyle_cols_reset(struct odsstyle *s)
{
	s->ncols = 0;
	s->dflt = odsstyle_cell(s, "Default");
}

enum err odsstyle_cols_add(struct odsstyle *s, uint32_t repeat,
			   const char *cell_style)
{
	int fmt = odsstyle_cell(s, cell_style ? cell_style : "Default");
	uint64_t start = s->ncols ? s->cols[s->ncols - 1].end : 0;

	if (s->ncols && s->cols[s->ncols - 1].fmt == fmt) {
		s->cols[s->ncols - 1].end += repeat;
		return ERR_OK;
	}
	if (s->ncols == ODSSTYLE_MAX_COLS)
		return ERR_LIMIT;
	if (!s->cols) {
		s->cols = malloc(ODSSTYLE_MAX_COLS * sizeof(*s->cols));
		if (!s->cols)
			return ERR_NOMEM;
	}
	s->cols[s->ncols].end = start + repeat;
	s->cols[s->ncols++].fmt = fmt;
	return ERR_OK;
}

int odsstyle_col(struct odsstyle *s, uint64_t col)
{
	size_t lo = 0, hi = s->ncols, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (s->cols[mid].end <= col)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->ncols ? s->cols[lo].fmt : s->dflt;
}

/* ---- styles.xml ------------------------------------------------------ */

struct part {
	struct odsstyle *s;
	XML_Parser xp;
	const char *part;
	unsigned depth, styles_d;
	size_t since;
	enum err fail;
	struct errinfo *info;
};

static void XMLCALL p_start(void *ud, const XML_Char *el, const XML_Char **a)
{
	struct part *p = ud;

	p->since = 0;
	if (p->fail)
		return;
	if (++p->depth > MAX_DEPTH) {
		p->fail = err_set(p->info, ERR_LIMIT,
				  "'%s': %s: elements nested deeper than %d",
				  p->s->name, p->part, MAX_DEPTH);
	} else if (p->styles_d) {
		p->fail = odsstyle_start(p->s, p->part, el, a, p->info);
	} else if (p->depth == 2 && strcmp(el, NS_OFFICE "styles") == 0) {
		p->styles_d = p->depth;
	}
	if (p->fail)
		XML_StopParser(p->xp, XML_FALSE);
}

static void XMLCALL p_end(void *ud, const XML_Char *el)
{
	struct part *p = ud;

	(void)el;
	p->since = 0;
	if (p->fail)
		return;
	if (p->styles_d && p->depth > p->styles_d)
		p->fail = odsstyle_end(p->s, p->part, p->info);
	else if (p->depth == p->styles_d)
		p->styles_d = 0;
	p->depth--;
	if (p->fail)
		XML_StopParser(p->xp, XML_FALSE);
}

static void XMLCALL p_text(void *ud, const XML_Char *t, int len)
{
	struct part *p = ud;

	p->since = 0;
	if (p->styles_d && !p->fail)
		odsstyle_text(p->s, t, (size_t)len);
}

static void XMLCALL p_doctype(void *ud, const XML_Char *name,
			      const XML_Char *sysid, const XML_Char *pubid,
			      int has_internal)
{
	struct part *p = ud;

	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal;
	p->fail = err_set(p->info, ERR_FORMAT, "'%s': %s: a DTD is not allowed",
			  p->s->name, p->part);
	XML_StopParser(p->xp, XML_FALSE);
}

static enum err part_begin(struct part *p, struct odsstyle *s,
			   const char *part, struct errinfo *info)
{
	memset(p, 0, sizeof(*p));
	p->s = s;
	p->part = part;
	p->info = info;
	s->depth = s->data_d = s->num_d = s->text_d = 0;
	p->xp = XML_ParserCreateNS(NULL, '|');
	if (!p->xp)
		return err_set(info, ERR_NOMEM, "out of memory");
	XML_SetUserData(p->xp, p);
	XML_SetElementHandler(p->xp, p_start, p_end);
	XML_SetCharacterDataHandler(p->xp, p_text);
	XML_SetStartDoctypeDeclHandler(p->xp, p_doctype);
	return ERR_OK;
}

static enum err part_status(struct part *p, enum XML_Status st)
{
	if (p->fail)
		return p->fail;
	if (st != XML_STATUS_ERROR)
		return ERR_OK;
	return p->fail = err_set(p->info, ERR_FORMAT,
				 "'%s': %s line %lu column %lu: %s",
				 p->s->name, p->part,
				 (unsigned long)XML_GetCurrentLineNumber(p->xp),
				 (unsigned long)XML_GetCurrentColumnNumber(p->xp),
				 XML_ErrorString(XML_GetErrorCode(p->xp)));
}

enum err odsstyle_read_part(struct odsstyle *s, struct unzip *z,
			    const char *part, size_t max_token,
			    struct errinfo *info)
{
	struct part p;
	size_t got = 1;
	void *buf;
	enum err e;

	if ((e = part_begin(&p, s, part, info)))
		return e;
	if ((e = unzip_entry_open(z, part, info))) {
		XML_ParserFree(p.xp);
		return e;
	}
	while (!e && got > 0) {
		buf = XML_GetBuffer(p.xp, (int)CHUNK);
		if (!buf) {
			e = err_set(info, ERR_NOMEM, "out of memory");
			break;
		}
		if ((e = unzip_entry_read(z, buf, CHUNK, &got, info)))
			break;
		p.since += got;
		e = part_status(&p, XML_ParseBuffer(p.xp, (int)got, got == 0));
		if (!e && p.since > max_token)
			e = err_set(info, ERR_LIMIT,
				    "'%s': %s line %lu: an XML token is larger than %zu bytes",
				    s->name, part,
				    (unsigned long)XML_GetCurrentLineNumber(p.xp),
				    max_token);
	}
	unzip_entry_close(z);
	XML_ParserFree(p.xp);
	return e;
}

enum err odsstyle_read_xml(struct odsstyle *s, const char *xml, size_t len,
			   struct errinfo *info)
{
	struct part p;
	enum err e;

	if ((e = part_begin(&p, s, "styles.xml", info)))
		return e;
	e = part_status(&p, XML_Parse(p.xp, xml, (int)len, 1));
	XML_ParserFree(p.xp);
	return e;
}

/* ---- life ------------------------------------------------------------ */

enum err odsstyle_new(struct odsstyle **out, const char *name)
{
	struct odsstyle *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s || !(s->name = strdup(name))) {
		free(s);
		return ERR_NOMEM;
	}
	buf_init(&s->arena, ODSSTYLE_MAX_BYTES);
	buf_init(&s->code, CODE_CAP);
	buf_init(&s->text, CODE_CAP);
	s->dflt = ODSSTYLE_NONE;
	*out = s;
	return ERR_OK;
}

void odsstyle_free(struct odsstyle *s)
{
	if (!s)
		return;
	buf_free(&s->arena);
	buf_free(&s->code);
	buf_free(&s->text);
	free(s->e);
	free(s->slot);
	free(s->cols);
	free(s->name);
	free(s);
}
