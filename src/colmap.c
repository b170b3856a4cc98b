/* colmap: header → field mapping (see colmap.h). */
#include "colmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "text.h"

static const char *const field_names[FIELD__STD] = {
	[FIELD_PHONE] = "phone",
	[FIELD_NAME] = "name",
	[FIELD_FIRST_NAME] = "first_name",
	[FIELD_LAST_NAME] = "last_name",
	[FIELD_COMPANY] = "company",
	[FIELD_TAGS] = "tags",
	[FIELD_OPTED_OUT] = "opted_out",
	[FIELD_COUNTRY] = "country",
};

/* Header keys (text_header_key form), strongest first within a field. */
static const struct synonym {
	const char *key;
	enum field field;
} synonyms[] = {
	{ "phone", FIELD_PHONE },
	{ "mobile", FIELD_PHONE },
	{ "cell", FIELD_PHONE },
	{ "msisdn", FIELD_PHONE },
	{ "telephone", FIELD_PHONE },
	{ "phonenumber", FIELD_PHONE },
	{ "mobilenumber", FIELD_PHONE },
	{ "mobilephone", FIELD_PHONE },
	{ "cellphone", FIELD_PHONE },
	{ "cellnumber", FIELD_PHONE },
	{ "number", FIELD_PHONE },
	{ "firstname", FIELD_FIRST_NAME },
	{ "givenname", FIELD_FIRST_NAME },
	{ "forename", FIELD_FIRST_NAME },
	{ "lastname", FIELD_LAST_NAME },
	{ "surname", FIELD_LAST_NAME },
	{ "familyname", FIELD_LAST_NAME },
	{ "name", FIELD_NAME },
	{ "fullname", FIELD_NAME },
	{ "company", FIELD_COMPANY },
	{ "organisation", FIELD_COMPANY },
	{ "organization", FIELD_COMPANY },
	{ "companyname", FIELD_COMPANY },
	{ "tags", FIELD_TAGS },
	{ "labels", FIELD_TAGS },
	{ "optedout", FIELD_OPTED_OUT },
	{ "optout", FIELD_OPTED_OUT },
	{ "unsubscribed", FIELD_OPTED_OUT },
	{ "donottext", FIELD_OPTED_OUT },
	{ "stop", FIELD_OPTED_OUT },
	{ "country", FIELD_COUNTRY },
};

#define NSYN (sizeof(synonyms) / sizeof(synonyms[0]))

const char *colmap_field_name(enum field f)
{
	return (unsigned)f < FIELD__STD ? field_names[f] : "custom";
}

enum field colmap_field_lookup(const char *name)
{
	int f;

	for (f = 0; f < FIELD__STD; f++)
		if (!strcmp(name, field_names[f]))
			return (enum field)f;
	return FIELD_CUSTOM;
}

static int synonym_rank(const char *key)
{
	size_t i;

	for (i = 0; i < NSYN; i++)
		if (!strcmp(synonyms[i].key, key))
			return (int)i;
	return -1;
}

#define LIST_CELL_MAX 40	/* bytes of a header shown in a message */

/* A header as a message shows it: control bytes as \xNN (a binary file's
 * first line must not drive the terminal), cut after LIST_CELL_MAX bytes. */
static void list_header(struct buf *out, const char *s, size_t len)
{
	size_t i, n = len < LIST_CELL_MAX ? len : LIST_CELL_MAX;

	while (n < len && n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;	/* not inside a UTF-8 sequence */
	buf_addc(out, '\'');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			buf_printf(out, "\\x%02x", c);
		else
			buf_addc(out, (char)c);
	}
	buf_adds(out, n < len ? "...'" : "'");
}

static void list_headers(const struct row *h, struct buf *out)
{
	size_t i;

	for (i = 0; i < h->ncells; i++) {
		if (i)
			buf_adds(out, ", ");
		list_header(out, h->cells[i], h->lens[i]);
	}
	if (!h->ncells)
		buf_adds(out, "none");
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

/* Column for an override: exact header, then the loose header key. */
static long find_column(const struct row *h, const char *name, struct buf *tmp,
			struct buf *tmp2)
{
	size_t i;

	for (i = 0; i < h->ncells; i++) {
		text_clean(h->cells[i], h->lens[i], tmp);
		if (!strcmp(buf_str(tmp), name))
			return (long)i;
	}
	if (text_header_key(name, strlen(name), tmp2))
		return -1;
	for (i = 0; i < h->ncells; i++) {
		if (text_header_key(h->cells[i], h->lens[i], tmp))
			continue;
		if (tmp->len && !strcmp(buf_str(tmp), buf_str(tmp2)))
			return (long)i;
	}
	return -1;
}

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

static int key_taken(const struct colmap *m, size_t upto, const char *key)
{
	size_t i;

	for (i = 0; i < upto; i++)
		if (m->key[i] && !strcmp(m->key[i], key))
			return 1;
	return 0;
}

/* Custom keys: cleaned header, column_N when empty, suffixed when repeated. */
static enum err assign_keys(struct colmap *m, const struct row *h,
			    const char *const *ov_key, const char *file)
{
	struct buf name, msg;
	size_t i;
	enum err e = ERR_OK;

	buf_init(&name, 0);
	buf_init(&msg, 0);
	for (i = 0; i < m->ncols && !e; i++) {
		int n;

		if (m->field[i] != FIELD_CUSTOM)
			continue;
		buf_reset(&name);
		if (ov_key[i])
			e = buf_adds(&name, ov_key[i]);
		else if (i < h->ncells)
			e = text_clean(h->cells[i], h->lens[i], &name);
		if (!e && !name.len)
			e = buf_printf(&name, "column_%zu", i + 1);
		for (n = 2; !e && key_taken(m, i, buf_str(&name)); n++) {
			size_t base = name.len;

			e = buf_printf(&name, " (%d)", n);
			if (!key_taken(m, i, buf_str(&name))) {
				buf_reset(&msg);
				buf_printf(&msg, "'%s': header '%.*s' is repeated; column %zu is kept as '%s'",
					   file, (int)base, name.data, i + 1, buf_str(&name));
				e = add_warning(m, buf_str(&msg));
				break;
			}
			name.len = base;
			name.data[base] = '\0';
		}
		if (!e && !(m->key[i] = strdup(buf_str(&name))))
			e = ERR_NOMEM;
	}
	buf_free(&name);
	buf_free(&msg);
	return e;
}

static enum err auto_map(struct colmap *m, const struct row *h,
			 const int *fixed, const char *const *ov_key)
{
	int best_rank[FIELD__STD];
	struct buf key;
	size_t i;
	int f;

	buf_init(&key, 0);
	for (f = 0; f < FIELD__STD; f++)
		best_rank[f] = (int)NSYN;
	for (i = 0; i < h->ncells; i++) {
		int rank;

		if (m->field[i] != FIELD_CUSTOM || ov_key[i])
			continue;	/* taken by an override */
		if (text_header_key(h->cells[i], h->lens[i], &key))
			continue;
		rank = synonym_rank(buf_str(&key));
		if (rank < 0)
			continue;
		f = synonyms[rank].field;
		if (fixed[f] || rank >= best_rank[f])
			continue;
		best_rank[f] = rank;
		m->col[f] = (long)i;
	}
	for (f = 0; f < FIELD__STD; f++)
		if (!fixed[f] && m->col[f] >= 0)
			m->field[m->col[f]] = (enum field)f;
	buf_free(&key);
	return ERR_OK;
}

/* SHIM until the colmap branch lands */
enum phone_role colmap_role_of_type(const char *s, size_t len)
{
	if (len >= 6 && !strncasecmp(s, "mobile", 6))
		return ROLE_MOBILE;
	return len ? ROLE_OTHER : ROLE_GENERIC;
}

const char *colmap_role_name(enum phone_role r)
{
	static const char *const n[] = { "mobile", "phone", "home", "work", "other", "fax", "by type" };

	return n[r];
}

enum err colmap_check_field(const char *field, struct errinfo *info)
{
	(void)field;
	(void)info;
	return ERR_OK;
}

enum err colmap_describe(const struct colmap *m, size_t col, struct buf *out)
{
	buf_reset(out);
	if (m->field[col] == FIELD_CUSTOM)
		return buf_printf(out, "custom '%s'", m->key[col]);
	return buf_adds(out, colmap_field_name(m->field[col]));
}

enum err colmap_build(struct colmap *m, const struct row *h,
		      const struct colmap_opts *o, const char *file, struct errinfo *info)
{
	const struct colmap_override *ov = o->maps;
	size_t nov = o->nmaps;
	const char **ov_key = NULL;
	int fixed[FIELD__STD] = { 0 };
	struct buf t1, t2, list;
	enum err e = ERR_OK;
	size_t i;

	memset(m, 0, sizeof(*m));
	if ((e = check_nul(h, file, info)))
		return e;
	buf_init(&t1, 0);
	buf_init(&t2, 0);
	buf_init(&list, 0);
	m->ncols = h->ncells;
	m->field = calloc(h->ncells + 1, sizeof(*m->field));
	m->key = calloc(h->ncells + 1, sizeof(*m->key));
	m->role = calloc(h->ncells + 1, sizeof(*m->role));
	m->type_col = calloc(h->ncells + 1, sizeof(*m->type_col));
	ov_key = calloc(h->ncells + 1, sizeof(*ov_key));
	if (!m->field || !m->key || !ov_key) {
		e = err_set(info, ERR_NOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < FIELD__STD; i++)
		m->col[i] = -1;
	for (i = 0; i < h->ncells; i++)
		m->field[i] = FIELD_CUSTOM;
	for (i = 0; i < nov; i++) {
		long col = find_column(h, ov[i].column, &t1, &t2);
		enum field f = colmap_field_lookup(ov[i].field);

		if (col < 0) {
			list_headers(h, &list);
			e = err_set(info, ERR_USAGE,
				    "'%s': --map %s=%s: no column '%s' (columns: %s)",
				    file, ov[i].field, ov[i].column, ov[i].column,
				    buf_str(&list));
			goto done;
		}
		m->field[col] = f;
		if (f == FIELD_CUSTOM) {
			ov_key[col] = ov[i].field;
		} else {
			if (m->col[f] >= 0 && m->col[f] != col)
				m->field[m->col[f]] = FIELD_CUSTOM;
			m->col[f] = col;
			fixed[f] = 1;
		}
	}
	auto_map(m, h, fixed, ov_key);
	if (m->col[FIELD_PHONE] < 0) {
		list_headers(h, &list);
		e = err_set(info, ERR_CONFIG,
			    "'%s': no phone column found (columns: %s); name it with --map phone=COLUMN",
			    file, buf_str(&list));
		goto done;
	}
	m->nphones = 1;
	for (i = 0; i < h->ncells; i++)
		m->type_col[i] = -1;
	if (assign_keys(m, h, ov_key, file))
		e = err_set(info, ERR_NOMEM, "out of memory");
done:
	free(ov_key);
	buf_free(&t1);
	buf_free(&t2);
	buf_free(&list);
	if (e)
		colmap_free(m);
	return e;
}

void colmap_free(struct colmap *m)
{
	size_t i;

	if (m->key)
		for (i = 0; i < m->ncols; i++)
			free(m->key[i]);
	for (i = 0; i < m->nwarnings; i++)
		free(m->warnings[i]);
	free(m->key);
	free(m->role);
	free(m->type_col);
	free(m->field);
	free(m->warnings);
	memset(m, 0, sizeof(*m));
}
