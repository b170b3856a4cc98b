/*
 * colmap: header → field mapping (see colmap.h). The words it knows are
 * data in colmap_words.c; this file applies them: --map first, then
 * Google's typed pairs, then the header words, then --ignore and
 * --columns, then the order of the phone columns and the custom keys.
 */
#include "colmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "colmap_words.h"
#include "quote.h"
#include "text.h"

static const char *const field_names[FIELD_IGNORED + 1] = {
	[FIELD_PHONE] = "phone",
	[FIELD_NAME] = "name",
	[FIELD_FIRST_NAME] = "first_name",
	[FIELD_LAST_NAME] = "last_name",
	[FIELD_COMPANY] = "company",
	[FIELD_TAGS] = "tags",
	[FIELD_OPTED_OUT] = "opted_out",
	[FIELD_COUNTRY] = "country",
	[FIELD_CUSTOM] = "custom",
	[FIELD_PHONE_TYPE] = "phone_type",
	[FIELD_IGNORED] = "ignored",
};

#define CUSTOM_PREFIX "custom:"
#define CUSTOM_PREFIX_LEN 7
#define RANK_PAIR ((size_t)-1 / 2)	/* a typed pair's strength: after every word */

const char *colmap_field_name(enum field f)
{
	return (unsigned)f <= FIELD_IGNORED ? field_names[f] : "custom";
}

enum field colmap_field_lookup(const char *name)
{
	int f;

	for (f = 0; f < FIELD__STD; f++)
		if (!strcmp(name, field_names[f]))
			return (enum field)f;
	return FIELD_CUSTOM;
}

/* The headers in a message, bounded (quote.h): the message must keep its
 * hint, which comes first, and never end mid-word. */
static void list_headers(const struct row *h, struct buf *out)
{
	struct quote_list l;
	size_t i;

	quote_list_init(&l, out);
	for (i = 0; i < h->ncells; i++)
		quote_list_add(&l, h->cells[i], h->lens[i]);
	quote_list_end(&l);
}

/* A NUL byte is never text: in a header it is most often a UTF-16 file
 * without a byte order mark, read as UTF-8. */
static enum err check_nul(const struct row *h, const char *file,
			  struct errinfo *info)
{
	size_t i;

	for (i = 0; i < h->ncells; i++)
		if (memchr(h->cells[i], '\0', h->lens[i]))
			return err_set(info, ERR_FORMAT,
				       "'%s': the header (column %zu) holds NUL bytes: not a text file, "
				       "or UTF-16 without a byte order mark (try --encoding utf-16le or utf-16be)",
				       file, i + 1);
	return ERR_OK;
}

/* What colmap_build works with besides the map itself. */
struct build {
	struct colmap *m;
	const struct row *h;
	const struct colmap_opts *o;
	const char *file;
	char **hkey;			/* per column: header key, "" when none */
	const struct colmap_word **word;	/* per column: its header's word, or NULL */
	size_t *rank;			/* per column: the word's strength */
	const char **ov_key;		/* per column: custom key given by --map */
	unsigned char *mapped;		/* per column: named by --map */
	unsigned char *drop_key;	/* per column: --ignore / --columns refuse its key */
	long *map_phones;		/* --map phone columns, in the order given */
	size_t nmap_phones;
	int fixed[FIELD__STD];		/* field chosen by --map */
	struct buf msg;
};

static enum err add_warning(struct colmap *m, const char *msg)
{
	char **w = realloc(m->warnings, (m->nwarnings + 1) * sizeof(*w));

	if (!w)
		return ERR_NOMEM;
	m->warnings = w;
	if (!(w[m->nwarnings] = strdup(msg)))
		return ERR_NOMEM;
	m->nwarnings++;
	return ERR_OK;
}

/* Columns a name picks (--map, --ignore, --columns): the exact cleaned
 * header, else the loose key. With all = 0 only the first; returns how
 * many were marked in hit (which may be NULL). */
static size_t find_columns(const struct build *b, const char *name, int all, long *first,
			   unsigned char *hit)
{
	const struct colmap *m = b->m;
	struct buf key;
	size_t i, n = 0;

	*first = -1;
	for (i = 0; i < m->ncols && (all || !n); i++)
		if (!strcmp(m->header[i], name)) {
			if (hit)
				hit[i] = 1;
			if (!n++)
				*first = (long)i;
		}
	if (n)
		return n;
	buf_init(&key, 0);
	if (!text_header_key(name, strlen(name), &key) && key.len)
		for (i = 0; i < m->ncols && (all || !n); i++)
			if (!strcmp(b->hkey[i], buf_str(&key))) {
				if (hit)
					hit[i] = 1;
				if (!n++)
					*first = (long)i;
			}
	buf_free(&key);
	return n;
}

/* Column col no longer does what an earlier --map made it do. */
static void unmap(struct build *b, long col)
{
	struct colmap *m = b->m;
	size_t i, j;
	int f;

	for (i = j = 0; i < b->nmap_phones; i++)
		if (b->map_phones[i] != col)
			b->map_phones[j++] = b->map_phones[i];
	b->nmap_phones = j;
	for (f = 0; f < FIELD__STD; f++)
		if (m->col[f] == col)
			m->col[f] = -1;
	b->ov_key[col] = NULL;
	m->field[col] = FIELD_CUSTOM;
	m->role[col] = ROLE_GENERIC;
}

static enum err apply_map(struct build *b, const struct colmap_override *ov, struct errinfo *info)
{
	struct colmap *m = b->m;
	enum field f = colmap_field_lookup(ov->field);
	long col;

	find_columns(b, ov->column, 0, &col, NULL);
	if (col < 0) {
		struct buf list;

		buf_init(&list, 0);
		list_headers(b->h, &list);
		err_set(info, ERR_USAGE, "'%s': --map %s=%s: no column '%s' (columns: %s)",
			b->file, ov->field, ov->column, ov->column, buf_str(&list));
		buf_free(&list);
		return ERR_USAGE;
	}
	if (b->mapped[col])
		unmap(b, col);	/* the later --map of a column wins */
	b->mapped[col] = 1;
	m->note[col] = NOTE_MAP;
	if (f == FIELD_CUSTOM) {
		b->ov_key[col] = ov->field;
		if (!strncmp(ov->field, CUSTOM_PREFIX, CUSTOM_PREFIX_LEN))
			b->ov_key[col] += CUSTOM_PREFIX_LEN;
		return ERR_OK;
	}
	m->field[col] = f;
	if (f == FIELD_PHONE) {
		m->role[col] = ROLE_MOBILE;	/* the user named it: strongest */
		b->map_phones[b->nmap_phones++] = col;
		return ERR_OK;
	}
	if (m->col[f] >= 0 && m->col[f] != col) {
		m->field[m->col[f]] = FIELD_CUSTOM;	/* the earlier --map of f is undone */
		m->note[m->col[f]] = NOTE_AUTO;
		b->mapped[m->col[f]] = 0;
	}
	m->col[f] = col;
	b->fixed[f] = 1;
	return ERR_OK;
}

/* "phone12value" → 12 and the kind ("value", "type", "label"); 0 when
 * the key is not a Google-style typed phone column. */
static unsigned long pair_number(const char *key, const char **kind)
{
	unsigned long n = 0;
	const char *p = key + 5;

	if (strncmp(key, "phone", 5) || *p < '1' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9' && n < 100000)
		n = n * 10 + (unsigned long)(*p++ - '0');
	if (strcmp(p, "value") && strcmp(p, "type") && strcmp(p, "label"))
		return 0;
	*kind = p;
	return n;
}

/* Google's "Phone N - Value" with its "Phone N - Type" (or "- Label"). */
static void typed_pairs(struct build *b)
{
	struct colmap *m = b->m;
	size_t i, j;

	for (i = 0; i < m->ncols; i++) {
		const char *kind, *tkind;
		unsigned long n = pair_number(b->hkey[i], &kind);

		if (!n || strcmp(kind, "value") || b->mapped[i] || m->field[i] != FIELD_CUSTOM)
			continue;
		m->field[i] = FIELD_PHONE;
		m->role[i] = ROLE_GENERIC;
		b->rank[i] = RANK_PAIR;
		for (j = 0; j < m->ncols; j++)
			if (!b->mapped[j] && m->field[j] == FIELD_CUSTOM &&
			    pair_number(b->hkey[j], &tkind) == n && strcmp(tkind, "value")) {
				m->field[j] = FIELD_PHONE_TYPE;
				m->role[i] = ROLE_BY_TYPE;
				m->type_col[i] = (long)j;
				break;
			}
	}
}

/* The header words: phone columns, fax columns, each field's strongest
 * candidate (unless --map chose the field). */
static void auto_map(struct build *b)
{
	struct colmap *m = b->m;
	size_t i;
	int f;

	for (i = 0; i < m->ncols; i++) {
		const struct colmap_word *w = b->word[i];

		if (!w || b->mapped[i] || m->field[i] != FIELD_CUSTOM)
			continue;
		if (w->kind == WORD_FAX) {
			m->note[i] = NOTE_FAX;
		} else if (w->kind == WORD_NOT_SMS) {
			m->note[i] = NOTE_EMAIL_OPTOUT;
		} else if (w->field == FIELD_PHONE) {
			m->field[i] = FIELD_PHONE;
			m->role[i] = w->role;
		} else if (!b->fixed[w->field] &&
			   (m->col[w->field] < 0 || b->rank[i] < b->rank[m->col[w->field]])) {
			m->col[w->field] = (long)i;
		}
	}
	for (f = 0; f < FIELD__STD; f++)
		if (f != FIELD_PHONE && !b->fixed[f] && m->col[f] >= 0)
			m->field[m->col[f]] = (enum field)f;
}

/* --ignore and --columns: custom columns dropped, an ignored automatic
 * choice (a phone column too) unmapped, the numbers of a phone column not in
 * --columns not kept. A --map is kept. */
static enum err filter(struct build *b, const char *const *names, size_t n, int allow)
{
	struct colmap *m = b->m;
	unsigned char *hit = calloc(m->ncols + 1, 1);
	size_t i;
	long first;
	enum err e = ERR_OK;

	if (!hit)
		return ERR_NOMEM;
	for (i = 0; i < n && !e; i++)
		if (!find_columns(b, names[i], 1, &first, hit)) {
			buf_reset(&b->msg);
			buf_printf(&b->msg, "'%s': %s ", b->file, allow ? "--columns" : "--ignore");
			quote_str(&b->msg, names[i]);
			buf_adds(&b->msg, " matches no column");
			e = add_warning(m, buf_str(&b->msg));
		}
	for (i = 0; i < m->ncols && !e; i++) {
		enum field f = m->field[i];

		if (hit[i] == allow)
			continue;	/* allowed, or not ignored */
		/* a phone column not in --columns is still read, its other
		 * numbers not kept; an ignored one is not read at all, unless
		 * --map named it */
		if (f == FIELD_PHONE && (allow || b->mapped[i])) {
			b->drop_key[i] = 1;
			continue;
		}
		if (b->mapped[i] || (allow && f != FIELD_CUSTOM))
			continue;	/* --columns leaves standard fields alone */
		if (f < FIELD__STD && m->col[f] == (long)i)
			m->col[f] = -1;
		if (f == FIELD_PHONE_TYPE) {
			size_t j;

			for (j = 0; j < m->ncols; j++)
				if (m->type_col[j] == (long)i) {
					m->type_col[j] = -1;
					m->role[j] = ROLE_GENERIC;
				}
		}
		m->field[i] = FIELD_IGNORED;
		m->note[i] = allow ? NOTE_NOT_IN_COLUMNS : NOTE_IGNORE;
	}
	free(hit);
	return e;
}

/* Strength of a phone column's role for the order: by-type counts as
 * generic (its row says more, per row). */
static int role_order(enum phone_role r)
{
	return r == ROLE_BY_TYPE ? ROLE_GENERIC : (int)r;
}

static int phone_before(const struct build *b, long x, long y)
{
	const struct colmap *m = b->m;

	if (role_order(m->role[x]) != role_order(m->role[y]))
		return role_order(m->role[x]) < role_order(m->role[y]);
	if (b->rank[x] != b->rank[y])
		return b->rank[x] < b->rank[y];
	return x < y;
}

/* m->phones: the --map ones in their order, then the rest by strength. */
static void order_phones(struct build *b)
{
	struct colmap *m = b->m;
	size_t i, n;

	memcpy(m->phones, b->map_phones, b->nmap_phones * sizeof(*m->phones));
	n = b->nmap_phones;
	for (i = 0; i < m->ncols; i++) {
		size_t k;

		if (m->field[i] != FIELD_PHONE || b->mapped[i])
			continue;
		for (k = n; k > b->nmap_phones && phone_before(b, (long)i, m->phones[k - 1]); k--)
			m->phones[k] = m->phones[k - 1];
		m->phones[k] = (long)i;
		n++;
	}
	m->nphones = n;
	m->col[FIELD_PHONE] = n ? m->phones[0] : -1;
}

/* Opt-out and consent columns that are not the one used: said, so that a
 * wrong choice can be seen and fixed with --map. */
static enum err warn_optouts(struct build *b)
{
	struct colmap *m = b->m;
	long used = m->col[FIELD_OPTED_OUT];
	size_t i;
	enum err e = ERR_OK;

	for (i = 0; i < m->ncols && !e; i++) {
		const struct colmap_word *w = b->word[i];

		if (!w || w->field != FIELD_OPTED_OUT || (long)i == used ||
		    m->field[i] != FIELD_CUSTOM || b->mapped[i])
			continue;
		buf_reset(&b->msg);
		buf_printf(&b->msg, "'%s': column ", b->file);
		quote_value(&b->msg, b->h->cells[i], b->h->lens[i], QUOTE_VALUE_MAX);
		if (w->kind == WORD_NOT_SMS) {
			buf_adds(&b->msg, " is about e-mail or fax, not SMS: not used as the opt-out");
		} else {
			buf_adds(&b->msg, w->kind == WORD_CONSENT ? " looks like a consent column but "
							       : " looks like an opt-out column but ");
			if (used >= 0) {
				quote_value(&b->msg, b->h->cells[used], b->h->lens[used], QUOTE_VALUE_MAX);
				buf_adds(&b->msg, " is used");
			} else {
				buf_adds(&b->msg, "it is not used");
			}
			m->note[i] = NOTE_OPTOUT_UNUSED;
		}
		buf_adds(&b->msg, "; map it with --map opted_out=COLUMN if that is wrong");
		e = add_warning(m, buf_str(&b->msg));
	}
	return e;
}

static int key_taken(const struct colmap *m, size_t upto, const char *key)
{
	size_t i;

	for (i = 0; i < upto; i++)
		if (m->key[i] && !strcmp(m->key[i], key))
			return 1;
	return 0;
}

/* Custom keys (and phone columns' kept keys): cleaned header, column_N
 * when empty, suffixed when repeated. */
static enum err assign_keys(struct build *b)
{
	struct colmap *m = b->m;
	struct buf name;
	size_t i;
	enum err e = ERR_OK;

	buf_init(&name, 0);
	for (i = 0; i < m->ncols && !e; i++) {
		int n;

		if (m->field[i] != FIELD_CUSTOM && (m->field[i] != FIELD_PHONE || b->drop_key[i]))
			continue;
		buf_reset(&name);
		e = buf_adds(&name, b->ov_key[i] ? b->ov_key[i] : m->header[i]);
		if (!e && !name.len)
			e = buf_printf(&name, "column_%zu", i + 1);
		for (n = 2; !e && key_taken(m, i, buf_str(&name)); n++) {
			size_t base = name.len;

			e = buf_printf(&name, " (%d)", n);
			if (!e && !key_taken(m, i, buf_str(&name))) {
				buf_reset(&b->msg);
				buf_printf(&b->msg, "'%s': header ", b->file);
				quote_value(&b->msg, name.data, base, QUOTE_VALUE_MAX);
				buf_printf(&b->msg, " is repeated; column %zu is kept under that name "
					   "followed by ' (%d)'", i + 1, n);
				e = add_warning(m, buf_str(&b->msg));
				break;
			}
			name.len = base;
			name.data[base] = '\0';
		}
		if (!e && !(m->key[i] = strdup(buf_str(&name))))
			e = ERR_NOMEM;
	}
	buf_free(&name);
	return e;
}

/* Per-column arrays, headers and their keys and words. */
static enum err setup(struct build *b)
{
	struct colmap *m = b->m;
	size_t i, n = b->h->ncells + 1;
	struct buf t;
	enum err e = ERR_OK;

	m->ncols = b->h->ncells;
	m->field = calloc(n, sizeof(*m->field));
	m->key = calloc(n, sizeof(*m->key));
	m->role = calloc(n, sizeof(*m->role));
	m->type_col = calloc(n, sizeof(*m->type_col));
	m->phones = calloc(n, sizeof(*m->phones));
	m->header = calloc(n, sizeof(*m->header));
	m->note = calloc(n, sizeof(*m->note));
	b->hkey = calloc(n, sizeof(*b->hkey));
	b->word = calloc(n, sizeof(*b->word));
	b->rank = calloc(n, sizeof(*b->rank));
	b->ov_key = calloc(n, sizeof(*b->ov_key));
	b->mapped = calloc(n, 1);
	b->drop_key = calloc(n, 1);
	b->map_phones = calloc(n, sizeof(*b->map_phones));
	if (!m->field || !m->key || !m->role || !m->type_col || !m->phones || !m->header ||
	    !m->note || !b->hkey || !b->word || !b->rank || !b->ov_key || !b->mapped ||
	    !b->drop_key || !b->map_phones)
		return ERR_NOMEM;
	for (i = 0; i < FIELD__STD; i++)
		m->col[i] = -1;
	buf_init(&t, 0);
	for (i = 0; i < m->ncols && !e; i++) {
		m->field[i] = FIELD_CUSTOM;
		m->role[i] = ROLE_GENERIC;
		m->type_col[i] = -1;
		e = text_clean(b->h->cells[i], b->h->lens[i], &t);
		if (e && e != ERR_NOMEM) {
			buf_reset(&t);	/* not text: an empty header, column_N */
			e = ERR_OK;
		}
		if (!e && !(m->header[i] = strdup(buf_str(&t))))
			e = ERR_NOMEM;
		if (!e && text_header_key(b->h->cells[i], b->h->lens[i], &t))
			buf_reset(&t);	/* not UTF-8: no key, matches nothing */
		if (!e && !(b->hkey[i] = strdup(buf_str(&t))))
			e = ERR_NOMEM;
		if (!e)
			b->word[i] = colmap_word_find(b->hkey[i], &b->rank[i]);
	}
	buf_free(&t);
	return e;
}

static void build_free(struct build *b)
{
	size_t i;

	if (b->hkey)
		for (i = 0; i < b->m->ncols; i++)
			free(b->hkey[i]);
	free(b->hkey);
	free(b->word);
	free(b->rank);
	free(b->ov_key);
	free(b->mapped);
	free(b->drop_key);
	free(b->map_phones);
	buf_free(&b->msg);
}

static enum err no_phone(const struct build *b, struct errinfo *info)
{
	struct buf list;

	buf_init(&list, 0);
	list_headers(b->h, &list);
	err_set(info, ERR_CONFIG,
		"'%s': no phone column found; name it with --map phone=COLUMN (columns: %s)",
		b->file, buf_str(&list));
	buf_free(&list);
	return ERR_CONFIG;
}

enum err colmap_build(struct colmap *m, const struct row *h, const struct colmap_opts *o,
		      const char *file, struct errinfo *info)
{
	static const struct colmap_opts none;
	struct build b;
	size_t i;
	enum err e;

	memset(m, 0, sizeof(*m));
	memset(&b, 0, sizeof(b));
	if ((e = check_nul(h, file, info)))
		return e;
	b.m = m;
	b.h = h;
	b.o = o ? o : &none;
	b.file = file;
	buf_init(&b.msg, 0);
	if ((e = setup(&b)))
		goto nomem;
	for (i = 0; i < b.o->nmaps; i++)
		if ((e = apply_map(&b, &b.o->maps[i], info)))
			goto done;
	typed_pairs(&b);
	auto_map(&b);
	if ((e = filter(&b, b.o->ignore, b.o->nignore, 0)))
		goto nomem;
	if (b.o->ncolumns && (e = filter(&b, b.o->columns, b.o->ncolumns, 1)))
		goto nomem;
	order_phones(&b);
	if (!m->nphones) {
		e = no_phone(&b, info);
		goto done;
	}
	if (m->col[FIELD_OPTED_OUT] >= 0) {
		const struct colmap_word *w = b.word[m->col[FIELD_OPTED_OUT]];

		m->optout_consent = w && w->kind == WORD_CONSENT;
	}
	if ((e = warn_optouts(&b)) || (e = assign_keys(&b)))
		goto nomem;
	goto done;
nomem:
	e = err_set(info, ERR_NOMEM, "out of memory");
done:
	build_free(&b);
	if (e)
		colmap_free(m);
	return e;
}

static void describe_phone(const struct colmap *m, size_t col, struct buf *out)
{
	long t = m->type_col[col];

	buf_adds(out, "phone (");
	if (m->role[col] == ROLE_BY_TYPE && t >= 0) {
		buf_adds(out, "type from ");
		quote_str(out, m->header[t]);
	} else {
		buf_adds(out, colmap_role_name(m->role[col]));
	}
	if (m->note[col] == NOTE_MAP)
		buf_adds(out, ", --map");
	if (!m->key[col])
		buf_adds(out, "; its numbers are not kept");
	buf_addc(out, ')');
}

static void describe_custom(const struct colmap *m, size_t col, struct buf *out)
{
	buf_adds(out, "custom ");
	quote_str(out, m->key[col]);
	switch (m->note[col]) {
	case NOTE_FAX:
		buf_adds(out, " (fax: never a contact's number)");
		break;
	case NOTE_EMAIL_OPTOUT:
		buf_adds(out, " (e-mail or fax, not SMS: not used as the opt-out)");
		break;
	case NOTE_OPTOUT_UNUSED:
		buf_adds(out, " (looks like an opt-out: another column is used)");
		break;
	case NOTE_MAP:
		buf_adds(out, " (--map)");
		break;
	default:
		break;
	}
}

enum err colmap_describe(const struct colmap *m, size_t col, struct buf *out)
{
	size_t len = out->len, j;
	enum field f;

	if (col >= m->ncols)
		return ERR_NOT_FOUND;
	f = m->field[col];
	if (f == FIELD_PHONE) {
		describe_phone(m, col, out);
	} else if (f == FIELD_CUSTOM) {
		describe_custom(m, col, out);
	} else if (f == FIELD_PHONE_TYPE) {
		buf_adds(out, "phone type of ");
		for (j = 0; j < m->ncols; j++)
			if (m->type_col[j] == (long)col)
				quote_str(out, m->header[j]);
	} else if (f == FIELD_IGNORED) {
		buf_adds(out, m->note[col] == NOTE_NOT_IN_COLUMNS ? "ignored (not in --columns)"
								   : "ignored (--ignore)");
	} else {
		buf_adds(out, colmap_field_name(f));
		if (f == FIELD_OPTED_OUT && m->optout_consent)
			buf_adds(out, " (consent: read inverted)");
		if (m->note[col] == NOTE_MAP)
			buf_adds(out, " (--map)");
	}
	/* every description says something: nothing added is a full buffer */
	return out->len > len ? ERR_OK : ERR_NOMEM;
}

/* Edit distance with transpositions ("phoen" is one from "phone"), or
 * max + 1 once it is sure to be more than max. */
static size_t distance(const char *a, const char *b, size_t max)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t d[3][24];	/* rows i-2, i-1, i over b */

	if (lb >= 24 || (la > lb ? la - lb : lb - la) > max)
		return max + 1;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		size_t *cur = d[i % 3], *prev = d[(i - 1) % 3], *pp = d[(i - 2) % 3];

		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1], v = prev[j - 1] + cost;

			if (prev[j] + 1 < v)
				v = prev[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			cur[j] = v;
		}
	}
	return d[la % 3][lb];
}

/* The standard field a --map name is close to, or NULL. */
static const char *near_field(const char *name)
{
	struct buf key, fkey, low;
	const char *near = NULL;
	size_t i;
	int f;

	buf_init(&key, 0);
	buf_init(&fkey, 0);
	buf_init(&low, 0);
	for (i = 0; name[i]; i++)
		buf_addc(&low, (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] - 'A' + 'a' : name[i]));
	if (text_header_key(name, strlen(name), &key))
		buf_reset(&key);
	for (f = 0; f < FIELD__STD && !near; f++) {
		size_t max = strlen(field_names[f]) <= 5 ? 1 : 2;

		text_header_key(field_names[f], strlen(field_names[f]), &fkey);
		if ((key.len && !strcmp(buf_str(&key), buf_str(&fkey))) ||
		    distance(buf_str(&low), field_names[f], max) <= max)
			near = field_names[f];
	}
	buf_free(&key);
	buf_free(&fkey);
	buf_free(&low);
	return near;
}

enum err colmap_check_field(const char *field, struct errinfo *info)
{
	const char *near;

	if (colmap_field_lookup(field) != FIELD_CUSTOM)
		return ERR_OK;
	if (!strncmp(field, CUSTOM_PREFIX, CUSTOM_PREFIX_LEN))
		return field[CUSTOM_PREFIX_LEN] ? ERR_OK
			: err_set(info, ERR_USAGE, "--map %s=...: a custom field needs a name after 'custom:'",
				  field);
	if (!(near = near_field(field)))
		return ERR_OK;
	return err_set(info, ERR_USAGE,
		       "--map %s=...: unknown field '%s'; did you mean '%s'? (a custom field is named custom:%s)",
		       field, field, near, field);
}

void colmap_free(struct colmap *m)
{
	size_t i;

	for (i = 0; i < m->ncols; i++) {
		if (m->key)
			free(m->key[i]);
		if (m->header)
			free(m->header[i]);
	}
	for (i = 0; i < m->nwarnings; i++)
		free(m->warnings[i]);
	free(m->key);
	free(m->header);
	free(m->field);
	free(m->role);
	free(m->type_col);
	free(m->phones);
	free(m->note);
	free(m->warnings);
	memset(m, 0, sizeof(*m));
}
