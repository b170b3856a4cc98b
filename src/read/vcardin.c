/* vcardin: vCard 2.1, 3.0 and 4.0 files as a table of cards (see vcardin.h). */
#include "vcardin.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "reader.h"
#include "text.h"

/* The columns, in header order; a kind with `multi` is numbered. */
enum kind {
	K_FIRST, K_LAST, K_NAME, K_COMPANY, K_TAGS,
	K_MOBILE, K_HOME, K_WORK, K_OTHER,
	K_HOME_FAX, K_WORK_FAX, K_OTHER_FAX, K_PAGER,
	K_EMAIL, K_NOTE,
	K__N,
	K_LABEL = K__N,	/* an X-ABLabel: read, never a column */
	K_TEL,		/* a TEL whose kind its group's label says */
};

static const struct kind_info {
	const char *header;
	unsigned multi:1, opt_in:1;
	const char *join;	/* several in one card: joined by this; NULL: the first */
} kinds[K__N] = {
	[K_FIRST] = { "First Name", 0, 0, NULL },
	[K_LAST] = { "Last Name", 0, 0, NULL },
	[K_NAME] = { "Name", 0, 0, NULL },
	[K_COMPANY] = { "Company", 0, 0, NULL },
	[K_TAGS] = { "Categories", 0, 0, ", " },
	[K_MOBILE] = { "Mobile Phone", 1, 0, NULL },
	[K_HOME] = { "Home Phone", 1, 0, NULL },
	[K_WORK] = { "Business Phone", 1, 0, NULL },
	[K_OTHER] = { "Other Phone", 1, 0, NULL },
	[K_HOME_FAX] = { "Home Fax", 1, 0, NULL },
	[K_WORK_FAX] = { "Business Fax", 1, 0, NULL },
	[K_OTHER_FAX] = { "Other Fax", 1, 0, NULL },
	[K_PAGER] = { "Pager", 1, 0, NULL },
	[K_EMAIL] = { "E-mail", 1, 1, NULL },
	[K_NOTE] = { "Note", 0, 1, "\n" },
};

/* TEL types, from TYPE= values, 2.1's bare parameters and X-ABLabel. */
enum {
	T_CELL = 1, T_HOME = 2, T_WORK = 4, T_FAX = 8, T_PAGER = 16, T_TTY = 32, T_PREF = 64,
};

static const struct type_word {
	const char *word;
	unsigned bits;
} type_words[] = {
	{ "cell", T_CELL }, { "mobile", T_CELL }, { "iphone", T_CELL }, { "text", T_CELL },
	{ "home", T_HOME }, { "work", T_WORK }, { "fax", T_FAX }, { "pager", T_PAGER },
	{ "textphone", T_TTY }, { "tty", T_TTY }, { "modem", T_TTY }, { "bbs", T_TTY },
	{ "pref", T_PREF },
	/* Apple's labels, "_$!<HomeFax>!$_" with the marks dropped */
	{ "homefax", T_HOME | T_FAX }, { "workfax", T_WORK | T_FAX }, { "otherfax", T_FAX },
};

/* A value kept from the current card: its text is pool[off, off + len). */
struct prop {
	enum kind kind;
	unsigned types;		/* K_TEL */
	unsigned pref;		/* 1..100, most preferred first; 101: not preferred */
	size_t off, len, goff, glen;	/* text and group in the pool */
};

/* One content line, split (pointers into the logical line). */
struct cline {
	const char *group, *name;
	size_t glen, nlen;
	const char *value;
	size_t vlen;
	unsigned types, pref;
	int qp, b64, uri;
	char charset[40];
};

struct vcardin {
	FILE *fp;
	char *name;
	struct buf line, pool, dec, tmp;
	struct prop *props;
	size_t nprops, cap;
	unsigned long lineno, card_line, cards;
	int v21;		/* the card is a vCard 2.1 */
	size_t ncols[K__N];	/* columns of each kind (the first pass) */
	size_t ncells;
	int header_done;
	struct rowbuf rb;
	iconv_t cd, cp1252;
	char cd_name[40];
};

/* ---- lines ------------------------------------------------------------ */

/* Appends one physical line (without its LF or CRLF) to r->line. 0 at EOF. */
static int read_physical(struct vcardin *r, enum err *e)
{
	int c, any = 0;

	while ((c = getc(r->fp)) != EOF) {
		any = 1;
		if (c == '\n')
			break;
		if ((*e = buf_addc(&r->line, (char)c)))
			return 1;
	}
	if (ferror(r->fp))
		*e = ERR_IO;
	if (any)
		r->lineno++;
	if (r->line.len && r->line.data[r->line.len - 1] == '\r')
		r->line.data[--r->line.len] = '\0';
	return any;
}

/* Whether the next physical line starts with c1 or c2 (not consumed). */
static int next_starts(struct vcardin *r, int c1, int c2)
{
	int c = getc(r->fp);

	if (c == EOF)
		return 0;
	ungetc(c, r->fp);
	return c == c1 || c == c2;
}

/* The name and parameters of a content line: up to its first ':' outside
 * double quotes (len when there is none). */
static size_t head_len(const char *s, size_t len)
{
	size_t i;
	int quoted = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		else if (s[i] == ':' && !quoted)
			return i;
	}
	return len;
}

static int is_qp(const char *s, size_t len)
{
	static const char qp[] = "QUOTED-PRINTABLE";
	size_t i, n = head_len(s, len);

	for (i = 0; i + sizeof(qp) - 1 <= n; i++)
		if (!strncasecmp(s + i, qp, sizeof(qp) - 1))
			return 1;
	return 0;
}

/*
 * The next logical line into r->line: folded continuations joined, and a
 * quoted-printable value's soft line breaks ('=' at the end) followed.
 * 0 at end of input.
 */
static int read_logical(struct vcardin *r, enum err *e)
{
	int any;

	buf_reset(&r->line);
	*e = ERR_OK;
	if (!(any = read_physical(r, e)) || *e)
		return any;
	if (r->lineno == 1 && r->line.len >= 3 && !memcmp(r->line.data, "\xef\xbb\xbf", 3))
		memmove(r->line.data, r->line.data + 3, (r->line.len -= 3) + 1);
	for (;;) {
		if (next_starts(r, ' ', '\t')) {
			(void)getc(r->fp);
		} else if (r->line.len && r->line.data[r->line.len - 1] == '=' &&
			   is_qp(r->line.data, r->line.len) && !next_starts(r, '\n', '\r')) {
			r->line.data[--r->line.len] = '\0';
		} else {
			return 1;
		}
		if (!read_physical(r, e) || *e)
			return 1;
	}
}

static int blank(const struct buf *b)
{
	size_t i;

	for (i = 0; i < b->len; i++)
		if (b->data[i] != ' ' && b->data[i] != '\t' && b->data[i] != '\r')
			return 0;
	return 1;
}

/* ---- content lines ---------------------------------------------------- */

static int word_is(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && !strncasecmp(s, w, n);
}

static unsigned type_bits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(type_words) / sizeof(type_words[0]); i++)
		if (word_is(s, n, type_words[i].word))
			return type_words[i].bits;
	return 0;
}

/* TYPE=a,b or TYPE="a,b": each item's bits. */
static unsigned type_list(const char *s, size_t n)
{
	unsigned bits = 0;
	size_t i, start = 0;

	for (i = 0; i <= n; i++)
		if (i == n || s[i] == ',' || s[i] == '"') {
			bits |= type_bits(s + start, i - start);
			start = i + 1;
		}
	return bits;
}

static void param(struct cline *c, const char *p, size_t n)
{
	const char *eq = memchr(p, '=', n);
	const char *v = eq ? eq + 1 : p;
	size_t k = eq ? (size_t)(eq - p) : 0, vn = eq ? n - k - 1 : n;

	if (vn >= 2 && v[0] == '"' && v[vn - 1] == '"') {
		v++;
		vn -= 2;
	}
	if (!eq || word_is(p, k, "TYPE")) {
		c->types |= type_list(v, vn);
		if (!eq && (word_is(v, vn, "QUOTED-PRINTABLE")))
			c->qp = 1;
		if (!eq && word_is(v, vn, "BASE64"))
			c->b64 = 1;
	} else if (word_is(p, k, "ENCODING")) {
		c->qp |= word_is(v, vn, "QUOTED-PRINTABLE");
		c->b64 |= word_is(v, vn, "B") || word_is(v, vn, "BASE64");
	} else if (word_is(p, k, "CHARSET") && vn < sizeof(c->charset)) {
		memcpy(c->charset, v, vn);
		c->charset[vn] = '\0';
	} else if (word_is(p, k, "PREF")) {
		unsigned long pref = strtoul(v, NULL, 10);

		c->pref = pref >= 1 && pref <= 100 ? (unsigned)pref : 1;
	} else if (word_is(p, k, "VALUE")) {
		c->uri = word_is(v, vn, "uri");
	}
}

/* Splits r->line into c; -1 when it has no ':'. */
static int split_line(const struct buf *line, struct cline *c)
{
	const char *s = line->data, *dot;
	size_t n = line->len, h = head_len(s, n), i, start;
	int quoted = 0;

	memset(c, 0, sizeof(*c));
	c->pref = 101;
	if (h == n)
		return -1;
	c->value = s + h + 1;
	c->vlen = n - h - 1;
	for (i = 0; i < h && s[i] != ';'; i++)
		;
	c->name = s;
	c->nlen = i;
	dot = memchr(s, '.', c->nlen);
	if (dot) {
		c->group = s;
		c->glen = (size_t)(dot - s);
		c->name = dot + 1;
		c->nlen -= c->glen + 1;
	}
	for (start = ++i; i <= h; i++) {
		if (i < h && s[i] == '"')
			quoted = !quoted;
		if (i == h || (s[i] == ';' && !quoted)) {
			if (i > start)
				param(c, s + start, i - start);
			start = i + 1;
		}
	}
	if ((c->types & T_PREF) && c->pref > 100)
		c->pref = 1;
	return 0;
}

/* ---- decoding values -------------------------------------------------- */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Quoted-printable: =XX a byte; anything else (a stray '=') kept. */
static enum err qp_decode(const char *s, size_t n, struct buf *out)
{
	enum err e = ERR_OK;
	size_t i;

	for (i = 0; i < n && !e; i++) {
		int hi = i + 2 < n && s[i] == '=' ? hexval((unsigned char)s[i + 1]) : -1;
		int lo = hi >= 0 ? hexval((unsigned char)s[i + 2]) : -1;

		if (lo >= 0) {
			e = buf_addc(out, (char)(hi << 4 | lo));
			i += 2;
		} else {
			e = buf_addc(out, s[i]);
		}
	}
	return e;
}

/* Converts s with cd to UTF-8 into out; a byte the encoding does not have
 * becomes U+FFFD. */
static enum err convert(iconv_t cd, const char *s, size_t n, struct buf *out)
{
	char *ip = (char *)s, *op;
	size_t il = n, ol;
	enum err e;

	(void)iconv(cd, NULL, NULL, NULL, NULL);
	while (il > 0) {
		if ((e = buf_reserve(out, il * 4 + 8)))
			return e;
		op = out->data + out->len;
		ol = il * 4 + 8;
		if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 && errno != E2BIG) {
			if (errno != EILSEQ && errno != EINVAL)
				return ERR_INTERNAL;
			ip++;
			il--;
			out->len = (size_t)(op - out->data);
			if ((e = buf_add(out, "\xef\xbf\xbd", 3)))
				return e;
			continue;
		}
		out->len = (size_t)(op - out->data);
		out->data[out->len] = '\0';
	}
	return ERR_OK;
}

static int is_utf8_name(const char *cs)
{
	return !*cs || !strcasecmp(cs, "UTF-8") || !strcasecmp(cs, "UTF8") ||
	       !strcasecmp(cs, "US-ASCII") || !strcasecmp(cs, "ASCII");
}

/* The converter from charset cs (one kept open), or (iconv_t)-1 when iconv
 * does not know it. */
static iconv_t charset_cd(struct vcardin *r, const char *cs)
{
	if (r->cd != (iconv_t)-1 && !strcmp(r->cd_name, cs))
		return r->cd;
	if (r->cd != (iconv_t)-1)
		iconv_close(r->cd);
	r->cd = iconv_open("UTF-8", cs);
	snprintf(r->cd_name, sizeof(r->cd_name), "%s", cs);
	return r->cd;
}

/* A cell holds no NUL (text_clean refuses it): "=00" decodes to nothing. */
static void drop_nul(struct buf *b)
{
	size_t i, n = 0;

	for (i = 0; i < b->len; i++)
		if (b->data[i])
			b->data[n++] = b->data[i];
	if (b->data)
		b->data[n] = '\0';
	b->len = n;
}

/* The value of c as UTF-8 text, still escaped, into r->dec. */
static enum err decode_value(struct vcardin *r, const struct cline *c)
{
	const char *s = c->value;
	size_t n = c->vlen;
	iconv_t cd = (iconv_t)-1;
	enum err e;

	buf_reset(&r->dec);
	buf_reset(&r->tmp);
	if (c->qp) {
		if ((e = qp_decode(s, n, &r->tmp)))
			return e;
		s = r->tmp.data ? r->tmp.data : "";
		n = r->tmp.len;
	}
	if (!is_utf8_name(c->charset))
		cd = charset_cd(r, c->charset);
	if (cd == (iconv_t)-1 && !text_utf8_valid(s, n)) {
		if (r->cp1252 == (iconv_t)-1)
			r->cp1252 = iconv_open("UTF-8", "WINDOWS-1252");
		cd = r->cp1252;
	}
	e = cd == (iconv_t)-1 ? buf_add(&r->dec, s, n) : convert(cd, s, n, &r->dec);
	if (!e)
		drop_nul(&r->dec);
	return e;
}

/* The end of the part of s[0, n) that starts at i: the next sep that is not
 * escaped, or n. */
static size_t part_end(const char *s, size_t n, size_t i, char sep)
{
	for (; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n)
			i++;
		else if (s[i] == sep)
			return i;
	}
	return n;
}

/* Appends s[0, n) to the pool unescaped: \, \; \\ and (3.0 on) \n. */
static enum err unescape(struct vcardin *r, const char *s, size_t n)
{
	enum err e = ERR_OK;
	size_t i;

	for (i = 0; i < n && !e; i++) {
		char c = s[i];

		if (c == '\\' && i + 1 < n) {
			c = s[++i];
			if ((c == 'n' || c == 'N') && !r->v21)
				c = '\n';
			else if (c != ',' && c != ';' && c != '\\')
				e = buf_addc(&r->pool, '\\');
		}
		if (!e)
			e = buf_addc(&r->pool, c);
	}
	return e;
}

/* ---- a card's properties ---------------------------------------------- */

static enum err add_prop(struct vcardin *r, enum kind k, const struct cline *c, size_t off)
{
	struct prop *p;

	if (r->nprops == r->cap) {
		size_t ncap = r->cap ? r->cap * 2 : 32;

		if (r->cap >= VCARDIN_MAX_PROPS)
			return ERR_LIMIT;
		p = realloc(r->props, ncap * sizeof(*p));
		if (!p)
			return ERR_NOMEM;
		r->props = p;
		r->cap = ncap;
	}
	p = &r->props[r->nprops++];
	p->kind = k;
	p->types = c->types;
	p->pref = c->pref;
	p->off = off;
	p->len = r->pool.len - off;
	p->goff = r->pool.len;
	p->glen = c->glen;
	return buf_add(&r->pool, c->group ? c->group : "", c->glen);
}

/* Keeps component `idx` (of ';'-separated ones) of the decoded value as a
 * property of kind k; nothing when it is empty. */
static enum err keep_part(struct vcardin *r, const struct cline *c, enum kind k, int idx)
{
	const char *s = r->dec.data ? r->dec.data : "";
	size_t n = r->dec.len, i = 0, end = part_end(s, n, 0, ';'), off = r->pool.len;
	enum err e;

	while (idx-- > 0 && end < n) {
		i = end + 1;
		end = part_end(s, n, i, ';');
	}
	if (idx >= 0 || end == i)
		return ERR_OK;
	if ((e = unescape(r, s + i, end - i)))
		return e;
	return add_prop(r, k, c, off);
}

/* Whole value (idx -1): separators are text. */
static enum err keep_all(struct vcardin *r, const struct cline *c, enum kind k)
{
	size_t off = r->pool.len;
	enum err e;

	if (!r->dec.len)
		return ERR_OK;
	if ((e = unescape(r, r->dec.data, r->dec.len)))
		return e;
	return add_prop(r, k, c, off);
}

/* A tag as taglist reads it back: quoted when it holds a separator. */
static enum err keep_tag(struct vcardin *r, const struct cline *c, const char *s, size_t n)
{
	size_t off = r->pool.len, i, start;
	enum err e;
	int quote;

	if ((e = unescape(r, s, n)))
		return e;
	start = off;
	while (start < r->pool.len && (r->pool.data[start] == ' ' || r->pool.data[start] == '\t'))
		start++;
	if (start == r->pool.len) {
		r->pool.len = off;
		return ERR_OK;
	}
	quote = strpbrk(r->pool.data + off, ",;:\"") != NULL ||
		!strncmp(r->pool.data + start, "* ", 2);
	if (quote) {
		size_t end = r->pool.len;

		for (i = off; i < end && !e; i++) {
			e = buf_addc(&r->pool, r->pool.data[i]);
			if (!e && r->pool.data[i] == '"')
				e = buf_addc(&r->pool, '"');
		}
		if (e)
			return e;
		memmove(r->pool.data + off + 1, r->pool.data + end, r->pool.len - end);
		r->pool.data[off] = '"';
		r->pool.len = off + 1 + (r->pool.len - end);
		if ((e = buf_addc(&r->pool, '"')))
			return e;
	}
	return add_prop(r, K_TAGS, c, off);
}

static enum err keep_tags(struct vcardin *r, const struct cline *c)
{
	const char *s = r->dec.data ? r->dec.data : "";
	size_t n = r->dec.len, i = 0, end;
	enum err e = ERR_OK;

	while (!e && i <= n) {
		end = part_end(s, n, i, ',');
		e = keep_tag(r, c, s + i, end - i);
		i = end + 1;
	}
	return e;
}

/* A TEL: a tel: URI loses its scheme and parameters but ext=. */
static enum err keep_tel(struct vcardin *r, const struct cline *c)
{
	const char *s = r->dec.data ? r->dec.data : "";
	size_t n = r->dec.len, off = r->pool.len, end, i;
	enum err e;

	if (!(c->uri || (n >= 4 && !strncasecmp(s, "tel:", 4))))
		return n ? keep_all(r, c, K_TEL) : ERR_OK;
	if (n >= 4 && !strncasecmp(s, "tel:", 4)) {
		s += 4;
		n -= 4;
	}
	end = part_end(s, n, 0, ';');
	if (!end)
		return ERR_OK;
	if ((e = buf_add(&r->pool, s, end)))
		return e;
	for (i = end; i < n; i = end) {
		end = part_end(s, n, i + 1, ';');
		if (end - i > 5 && !strncasecmp(s + i + 1, "ext=", 4) &&
		    ((e = buf_adds(&r->pool, " ext. ")) ||
		     (e = buf_add(&r->pool, s + i + 5, end - i - 5))))
			return e;
	}
	return add_prop(r, K_TEL, c, off);
}

/* What one content line of a card adds to it. */
static enum err keep_line(struct vcardin *r, const struct cline *c)
{
	enum err e;

	if (word_is(c->name, c->nlen, "VERSION")) {
		r->v21 = c->vlen >= 3 && !strncmp(c->value, "2.1", 3);
		return ERR_OK;
	}
	if (c->b64)
		return ERR_OK;
	if (!word_is(c->name, c->nlen, "N") && !word_is(c->name, c->nlen, "FN") &&
	    !word_is(c->name, c->nlen, "ORG") && !word_is(c->name, c->nlen, "CATEGORIES") &&
	    !word_is(c->name, c->nlen, "TEL") && !word_is(c->name, c->nlen, "EMAIL") &&
	    !word_is(c->name, c->nlen, "NOTE") && !word_is(c->name, c->nlen, "X-ABLABEL"))
		return ERR_OK;
	if ((e = decode_value(r, c)))
		return e;
	if (word_is(c->name, c->nlen, "N"))
		return (e = keep_part(r, c, K_LAST, 0)) ? e : keep_part(r, c, K_FIRST, 1);
	if (word_is(c->name, c->nlen, "FN"))
		return keep_all(r, c, K_NAME);
	if (word_is(c->name, c->nlen, "ORG"))
		return keep_part(r, c, K_COMPANY, 0);
	if (word_is(c->name, c->nlen, "CATEGORIES"))
		return keep_tags(r, c);
	if (word_is(c->name, c->nlen, "TEL"))
		return keep_tel(r, c);
	if (word_is(c->name, c->nlen, "EMAIL"))
		return keep_all(r, c, K_EMAIL);
	if (word_is(c->name, c->nlen, "NOTE"))
		return keep_all(r, c, K_NOTE);
	return c->group ? keep_all(r, c, K_LABEL) : ERR_OK;
}

/* The types an Apple label ("_$!<Mobile>!$_", "Boat") names. */
static unsigned label_bits(const char *s, size_t n)
{
	if (n >= 8 && !memcmp(s, "_$!<", 4) && !memcmp(s + n - 4, ">!$_", 4)) {
		s += 4;
		n -= 8;
	}
	return type_bits(s, n);
}

static enum kind tel_kind(unsigned t)
{
	if (t & T_FAX)
		return (t & T_WORK) ? K_WORK_FAX : (t & T_HOME) ? K_HOME_FAX : K_OTHER_FAX;
	if (t & T_PAGER)
		return K_PAGER;
	if (t & T_TTY)
		return K_OTHER_FAX;
	if (t & T_CELL)
		return K_MOBILE;
	if (t & T_HOME)
		return K_HOME;
	if (t & T_WORK)
		return K_WORK;
	return K_OTHER;
}

/* Each TEL's kind, from its types or else its group's label. */
static void resolve_tels(struct vcardin *r)
{
	size_t i, j;

	for (i = 0; i < r->nprops; i++) {
		struct prop *p = &r->props[i];
		unsigned t = p->types & ~(unsigned)T_PREF;

		if (p->kind != K_TEL)
			continue;
		for (j = 0; !t && p->glen && j < r->nprops; j++) {
			const struct prop *l = &r->props[j];

			if (l->kind == K_LABEL && l->glen == p->glen &&
			    !strncasecmp(r->pool.data + l->goff, r->pool.data + p->goff, p->glen))
				t = label_bits(r->pool.data + l->off, l->len);
		}
		p->kind = tel_kind(t);
	}
}

/* ---- cards ------------------------------------------------------------ */

static int is_begin_end(const struct cline *c, const char *what)
{
	return word_is(c->name, c->nlen, what) && !c->group;
}

static enum err line_error(struct vcardin *r, enum err e, const char *what, struct errinfo *info)
{
	if (e == ERR_LIMIT)
		return err_set(info, e, "'%s' line %lu: %s", r->name, r->lineno,
			       "a line or a card too long, or a card with too many properties");
	if (e == ERR_IO)
		return err_set(info, e, "cannot read '%s': %s", r->name, strerror(errno));
	if (e)
		return err_set(info, e, "'%s' line %lu: %s", r->name, r->lineno, err_str(e));
	return err_set(info, ERR_FORMAT, "'%s' line %lu: %s", r->name, r->lineno, what);
}

/* The next non-blank logical line, split; ERR_NOT_FOUND at the end. */
static enum err next_line(struct vcardin *r, struct cline *c, struct errinfo *info)
{
	enum err e;

	do {
		if (!read_logical(r, &e))
			return e ? line_error(r, e, NULL, info) : ERR_NOT_FOUND;
		if (e)
			return line_error(r, e, NULL, info);
	} while (blank(&r->line));
	if (split_line(&r->line, c))
		return line_error(r, ERR_OK, "not a vCard line (no ':')", info);
	return ERR_OK;
}

/* Reads the next card into r->props; ERR_NOT_FOUND after the last. */
static enum err read_card(struct vcardin *r, struct errinfo *info)
{
	unsigned depth = 1;
	struct cline c;
	enum err e;

	r->nprops = 0;
	r->v21 = 0;
	buf_reset(&r->pool);
	if ((e = next_line(r, &c, info)))
		return e;
	if (!is_begin_end(&c, "BEGIN") || !word_is(c.value, c.vlen, "VCARD"))
		return line_error(r, ERR_OK, "not a vCard (BEGIN:VCARD expected)", info);
	r->card_line = r->lineno;
	for (;;) {
		e = next_line(r, &c, info);
		if (e == ERR_NOT_FOUND)
			return err_set(info, ERR_FORMAT, "'%s' line %lu: the card has no END:VCARD",
				       r->name, r->card_line);
		if (e)
			return e;
		if (is_begin_end(&c, "BEGIN"))
			depth++;	/* a 2.1 AGENT's card: skipped */
		else if (is_begin_end(&c, "END") && --depth == 0)
			break;
		else if (depth == 1 && (e = keep_line(r, &c)))
			return line_error(r, e, NULL, info);
	}
	resolve_tels(r);
	r->cards++;
	return ERR_OK;
}

/* ---- rows ------------------------------------------------------------- */

static size_t count_kind(const struct vcardin *r, enum kind k)
{
	size_t i, n = 0;

	for (i = 0; i < r->nprops; i++)
		n += r->props[i].kind == k;
	return n;
}

/* The first pass: how many columns of each kind. */
static enum err count_columns(struct vcardin *r, struct errinfo *info)
{
	size_t k, n;
	enum err e;

	for (k = 0; k < K__N; k++)
		r->ncols[k] = kinds[k].multi ? 0 : 1;
	r->ncols[K_MOBILE] = 1;	/* a header always has a phone column */
	r->ncols[K_NOTE] = 0;
	while (!(e = read_card(r, info))) {
		for (k = 0; k < K__N; k++) {
			n = count_kind(r, (enum kind)k);
			if (!kinds[k].multi)
				n = n ? 1 : 0;
			if (n > VCARDIN_MAX_PER_KIND)
				return err_set(info, ERR_LIMIT, "'%s' line %lu: more than %d %s in one card",
					       r->name, r->card_line, VCARDIN_MAX_PER_KIND, kinds[k].header);
			if (n > r->ncols[k])
				r->ncols[k] = n;
		}
	}
	if (e != ERR_NOT_FOUND)
		return e;
	for (k = 0; k < K__N; k++)
		r->ncells += r->ncols[k];
	if (fseeko(r->fp, 0, SEEK_SET))
		return err_set(info, ERR_IO, "cannot read '%s': %s", r->name, strerror(errno));
	r->lineno = 0;
	r->cards = 0;
	return ERR_OK;
}

static enum err header_row(struct vcardin *r, struct row *row)
{
	char name[64];
	size_t k, i;
	enum err e;

	rowbuf_reset(&r->rb);
	for (k = 0; k < K__N; k++)
		for (i = 0; i < r->ncols[k]; i++) {
			if (i)
				snprintf(name, sizeof(name), "%s %zu", kinds[k].header, i + 1);
			else
				snprintf(name, sizeof(name), "%s", kinds[k].header);
			if ((e = rowbuf_add(&r->rb, name, strlen(name))))
				return e;
		}
	rowbuf_row(&r->rb, row);
	row->rowno = row->line = 1;
	return ERR_OK;
}

/* The index of the next property of kind k after `after` (-1: from the
 * start) in preference order: lower pref first, then file order. */
static long next_of_kind(const struct vcardin *r, enum kind k, long after)
{
	long i, best = -1;
	unsigned ap = after >= 0 ? r->props[after].pref : 0;

	for (i = 0; i < (long)r->nprops; i++) {
		const struct prop *p = &r->props[i];

		if (p->kind != k || i == after)
			continue;
		if (after >= 0 && (p->pref < ap || (p->pref == ap && i < after)))
			continue;
		if (best < 0 || p->pref < r->props[best].pref)
			best = i;
	}
	return best;
}

/* The cells of kind k: multi kinds one property a column, in preference
 * order; the others the first property, or all joined. */
static enum err kind_cells(struct vcardin *r, enum kind k)
{
	const struct kind_info *ki = &kinds[k];
	size_t col, off = r->rb.cells.len, i;
	long p = -1;
	enum err e = ERR_OK;

	if (!r->ncols[k])
		return ERR_OK;
	if (ki->multi) {
		for (col = 0; col < r->ncols[k] && !e; col++) {
			p = next_of_kind(r, k, p);
			e = p < 0 ? rowbuf_add(&r->rb, "", 0)
				  : rowbuf_add(&r->rb, buf_str(&r->pool) + r->props[p].off,
					       r->props[p].len);
		}
		return e;
	}
	if ((e = rowbuf_reserve(&r->rb)))
		return e;
	for (i = 0, col = 0; i < r->nprops && !e; i++) {
		if (r->props[i].kind != k || (col && !ki->join))
			continue;
		if (col++)
			e = buf_adds(&r->rb.cells, ki->join);
		if (!e)
			e = buf_add(&r->rb.cells, r->pool.data + r->props[i].off, r->props[i].len);
	}
	if (!e)
		e = buf_addc(&r->rb.cells, '\0');
	if (!e)
		rowbuf_commit(&r->rb, off);
	return e;
}

static enum err card_row(struct vcardin *r, struct row *row, struct errinfo *info)
{
	size_t k;
	enum err e = read_card(r, info);

	if (e)
		return e;
	for (k = 0; k < K__N; k++)
		if (kinds[k].multi && count_kind(r, (enum kind)k) > r->ncols[k])
			return err_set(info, ERR_FORMAT, "'%s' changed while it was read", r->name);
	rowbuf_reset(&r->rb);
	for (k = 0; k < K__N && !e; k++)
		e = kind_cells(r, (enum kind)k);
	if (e)
		return err_set(info, e, "'%s' line %lu: %s", r->name, r->card_line, err_str(e));
	rowbuf_row(&r->rb, row);
	row->rowno = r->cards + 1;
	row->line = r->card_line;
	return ERR_OK;
}

/* ---- the reader family (reader.h) ------------------------------------- */

static void vcard_close(void *priv)
{
	struct vcardin *r = priv;

	if (!r)
		return;
	if (r->fp)
		fclose(r->fp);
	if (r->cd != (iconv_t)-1)
		iconv_close(r->cd);
	if (r->cp1252 != (iconv_t)-1)
		iconv_close(r->cp1252);
	buf_free(&r->line);
	buf_free(&r->pool);
	buf_free(&r->dec);
	buf_free(&r->tmp);
	rowbuf_free(&r->rb);
	free(r->props);
	free(r->name);
	free(r);
}

static enum err vcard_open(void **priv, const char *path, const char *name,
			   const struct reader_opts *o, struct errinfo *info)
{
	struct vcardin *r = calloc(1, sizeof(*r));
	enum err e;

	(void)o;
	*priv = NULL;
	if (!r || !(r->name = strdup(name))) {
		free(r);
		return err_set(info, ERR_NOMEM, "out of memory");
	}
	r->cd = r->cp1252 = (iconv_t)-1;
	buf_init(&r->line, VCARDIN_MAX_LINE);
	buf_init(&r->pool, ROW_MAX_BYTES);
	buf_init(&r->dec, VCARDIN_MAX_LINE);
	buf_init(&r->tmp, VCARDIN_MAX_LINE);
	rowbuf_init(&r->rb, K__N * VCARDIN_MAX_PER_KIND, ROW_MAX_BYTES);
	if (!(r->fp = fopen(path, "rb"))) {
		e = err_set(info, ERR_IO, "cannot open '%s': %s", name, strerror(errno));
		vcard_close(r);
		return e;
	}
	if ((e = count_columns(r, info))) {
		vcard_close(r);
		return e;
	}
	*priv = r;
	return ERR_OK;
}

static enum err vcard_next(void *priv, struct row *row, struct errinfo *info)
{
	struct vcardin *r = priv;
	enum err e;

	memset(row, 0, sizeof(*row));
	if (r->header_done)
		return card_row(r, row, info);
	r->header_done = 1;
	if ((e = header_row(r, row)))
		return err_set(info, e, "'%s': %s", r->name, err_str(e));
	return ERR_OK;
}

static uint64_t vcard_offset(void *priv)
{
	off_t off = ftello(((struct vcardin *)priv)->fp);

	return off > 0 ? (uint64_t)off : 0;
}

/* The E-mail and Note columns: custom fields only when asked for. */
static int vcard_opt_in(void *priv, size_t col)
{
	const struct vcardin *r = priv;
	size_t k;

	for (k = 0; k < K__N; k++) {
		if (col < r->ncols[k])
			return kinds[k].opt_in;
		col -= r->ncols[k];
	}
	return 0;
}

/* BEGIN:VCARD first (after a UTF-8 BOM and blank lines), in any case. */
static int vcard_probe(const struct reader_probe *p, struct errinfo *info)
{
	static const char begin[] = "BEGIN:VCARD";
	unsigned char head[512];
	size_t n, i = 0;
	FILE *fp;

	(void)info;
	if (p->zip || p->ole || !(fp = fopen(p->path, "rb")))
		return 0;
	n = fread(head, 1, sizeof(head), fp);
	fclose(fp);
	if (n >= 3 && !memcmp(head, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < n && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n'))
		i++;
	return n - i >= sizeof(begin) - 1 &&
	       !strncasecmp((const char *)head + i, begin, sizeof(begin) - 1);
}

const struct reader reader_vcard = {
	.name = "vCard",
	.probe = vcard_probe,
	.open = vcard_open,
	.next = vcard_next,
	.offset = vcard_offset,
	.opt_in = vcard_opt_in,
	.close = vcard_close,
};
