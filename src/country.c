/*
 * country: names and codes of countries to alpha-2 codes (country.h).
 *
 * The table is a sorted array of (key, region): every code, alpha-3 code,
 * CLDR name and alias reduced to its key (country_key), built once from
 * ICU and searched by bisection. Building collects candidates, sorts them
 * by key and keeps one region per key (resolve_key), dropping the keys
 * that mean two regions.
 */
#include "country.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/udata.h>
#include <unicode/uenum.h>
#include <unicode/uloc.h>
#include <unicode/uregion.h>
#include <unicode/ures.h>
#include <unicode/ustring.h>
#include <utf8proc.h>

#include "buf.h"

/* A longer cell is no country name (CLDR's longest here is under 100 bytes). */
#define INPUT_MAX 256
/* Code points of a decomposed input; bytes of a key. */
#define CPS_MAX (2 * INPUT_MAX)
#define KEY_MAX (4 * CPS_MAX)
/* ICU's region bundles (uresimp.h's U_ICUDATA_REGION, not public). */
#define REGION_TREE U_ICUDATA_NAME U_TREE_SEPARATOR_STRING "region"

/* The locales whose names are read: the brief's list of major languages,
 * and the second script or spelling CLDR has for two of them. */
static const char *const locales[] = {
	"en", "de", "fr", "es", "it", "pt", "pt_PT", "nl", "pl", "sv", "da",
	"nb", "fi", "cs", "ro", "hu", "el", "tr", "ru", "ja", "zh", "zh_Hant",
	"ar",
};

/* CLDR's display names and its alternates (the "alt" forms). */
static const char *const name_tables[] = {
	"Countries", "Countries%short", "Countries%variant",
};

/*
 * What no data source has but exports hold. Each is the common word for
 * the one region that has a phone numbering plan.
 */
static const struct {
	const char *name;
	const char *region;
} aliases[] = {
	/* The island, not the state, but exports use it for the state;
	 * CLDR has it only in languages whose word for GB it is
	 * (Polish "Wielka Brytania") */
	{ "Great Britain", "GB" },
	/* The four nations of the United Kingdom: no ISO 3166-1 code of
	 * their own (ISO 3166-2 only), all on the +44 plan of GB */
	{ "England", "GB" },
	{ "Scotland", "GB" },
	{ "Wales", "GB" },
	{ "Northern Ireland", "GB" },
	/* The official name, common in forms; CLDR's English name is
	 * "United States" and its short one "US" */
	{ "United States of America", "US" },
};

/* Precedence of a candidate: a code wins over a name with the same key. */
enum rank { RANK_CODE, RANK_NAME };

/* A candidate while building: key at arena offset `key`; region "" for a
 * CLDR region that is not a country (EU, UN, "Europe"). */
struct cand {
	size_t key;
	char region[3];
	unsigned char rank;
};

struct entry {
	const char *key;
	char region[3];
};

struct builder {
	struct buf arena;	/* the keys, NUL-separated */
	struct cand *v;
	size_t n, cap;
	char (*terr)[3];	/* the territories, sorted */
	size_t nterr;
	int failed;
};

static struct {
	struct entry *v;
	size_t n;
	char *keys;
} table;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static int is_key_char(utf8proc_int32_t cp)
{
	utf8proc_category_t cat = utf8proc_category(cp);

	return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
	       (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
}

/* Index of the first key character after a leading "the" word, or 0. */
static size_t skip_the(const utf8proc_int32_t *cp, size_t n)
{
	size_t i = 0;

	while (i < n && !is_key_char(cp[i]))
		i++;
	if (i + 3 < n && cp[i] == 't' && cp[i + 1] == 'h' && cp[i + 2] == 'e' &&
	    !is_key_char(cp[i + 3]))
		return i + 3;
	return 0;
}

/* country_key of a string with a byte >= 0x80. */
static size_t unicode_key(const char *s, size_t len, char *out)
{
	const utf8proc_option_t opt = UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
				      UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK;
	utf8proc_int32_t cp[CPS_MAX];
	utf8proc_ssize_t n;
	size_t k = 0;

	n = utf8proc_decompose((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len,
			       cp, CPS_MAX, opt);
	if (n < 0 || n > CPS_MAX)
		return 0;
	n = utf8proc_normalize_utf32(cp, n, opt);
	if (n < 0)
		return 0;
	for (size_t i = skip_the(cp, (size_t)n); i < (size_t)n; i++) {
		if (!is_key_char(cp[i]))
			continue;
		k += (size_t)utf8proc_encode_char(cp[i], (utf8proc_uint8_t *)out + k);
	}
	out[k] = '\0';
	return k;
}

static int ascii_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/*
 * country_key of ASCII, the common case, without utf8proc: the same key
 * (NFKC and case folding of ASCII are lower-casing, its letters and
 * digits are a-z and 0-9).
 */
static size_t ascii_key(const char *s, size_t len, char *out)
{
	size_t i = 0, k = 0;

	for (size_t j = 0; j < len; j++) {
		char c = s[j];

		out[j] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	while (i < len && !ascii_alnum(out[i]))
		i++;
	if (i + 3 < len && !memcmp(out + i, "the", 3) && !ascii_alnum(out[i + 3]))
		i += 3;
	for (; i < len; i++)
		if (ascii_alnum(out[i]))
			out[k++] = out[i];
	out[k] = '\0';
	return k;
}

/*
 * The matching key of s into out (KEY_MAX + 1 bytes, NUL-terminated):
 * NFKC case fold, marks stripped, letters and digits only, a leading "the"
 * dropped. Returns its length; 0 when s has no key (empty, no letter or
 * digit, invalid UTF-8, too long).
 */
static size_t country_key(const char *s, size_t len, char *out)
{
	if (len > INPUT_MAX)
		return 0;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return unicode_key(s, len, out);
	return ascii_key(s, len, out);
}

/* Two ASCII letters (blanks around allowed), upper-cased into code. */
static int two_letters(const char *s, size_t len, char code[3])
{
	while (len && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len != 2)
		return 0;
	for (size_t i = 0; i < 2; i++) {
		char c = s[i];

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c < 'A' || c > 'Z')
			return 0;
		code[i] = c;
	}
	code[2] = '\0';
	return 1;
}

/* 1 when code is exactly a CLDR territory's code (not an alias of one). */
static int is_territory(const char *code)
{
	UErrorCode st = U_ZERO_ERROR;
	const URegion *r = uregion_getRegionFromCode(code, &st);

	return U_SUCCESS(st) && r && uregion_getType(r) == URGN_TERRITORY &&
	       !strcmp(uregion_getRegionCode(r), code);
}

static void add(struct builder *b, const char *s, size_t len, const char *region,
		enum rank rank)
{
	char key[KEY_MAX + 1];
	size_t klen = country_key(s, len, key);
	struct cand *c;

	if (!klen || b->failed)
		return;
	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 4096;
		struct cand *v = realloc(b->v, cap * sizeof(*v));

		if (!v) {
			b->failed = 1;
			return;
		}
		b->v = v;
		b->cap = cap;
	}
	c = &b->v[b->n++];
	c->key = b->arena.len;
	memset(c->region, 0, sizeof(c->region));
	memcpy(c->region, region, strnlen(region, 2));
	c->rank = (unsigned char)rank;
	if (buf_add(&b->arena, key, klen + 1))
		b->failed = 1;
}

static int cmp_code(const void *a, const void *b)
{
	return strcmp(a, b);
}

static int in_territories(const struct builder *b, const char *code)
{
	return strlen(code) == 2 &&
	       bsearch(code, b->terr, b->nterr, sizeof(*b->terr), cmp_code) != NULL;
}

/* The territories, sorted, with their codes and alpha-3 codes. */
static void add_codes(struct builder *b)
{
	UErrorCode st = U_ZERO_ERROR;
	UEnumeration *e = uregion_getAvailable(URGN_TERRITORY, &st);
	int32_t n = e ? uenum_count(e, &st) : 0;
	const char *code;

	if (U_FAILURE(st) || n <= 0 || !(b->terr = calloc((size_t)n, sizeof(*b->terr)))) {
		b->failed = 1;
		uenum_close(e);
		return;
	}
	while ((code = uenum_next(e, NULL, &st)) && U_SUCCESS(st) &&
	       b->nterr < (size_t)n) {
		char loc[4] = "_";
		const char *a3;

		if (strlen(code) != 2)
			continue;
		memcpy(b->terr[b->nterr++], code, 3);
		add(b, code, 2, code, RANK_CODE);
		strcpy(loc + 1, code);
		a3 = uloc_getISO3Country(loc);
		if (a3 && strlen(a3) == 3)
			add(b, a3, 3, code, RANK_CODE);
	}
	uenum_close(e);
	qsort(b->terr, b->nterr, sizeof(*b->terr), cmp_code);
}

/*
 * One table of names of one locale. A region that is not a territory but
 * has a letter code (EU, UN, ZZ) or a name ("Europe", "Americas") adds its
 * key as "not a country"; numeric codes (001, 419) are not codes a cell
 * would hold.
 */
static void add_table(struct builder *b, UResourceBundle *bundle, const char *name)
{
	UErrorCode st = U_ZERO_ERROR;
	UResourceBundle *t = ures_getByKey(bundle, name, NULL, &st);

	while (U_SUCCESS(st) && ures_hasNext(t)) {
		char utf8[4 * INPUT_MAX];
		const char *code;
		int32_t ulen, len;
		const UChar *u = ures_getNextString(t, &ulen, &code, &st);
		const char *region = "";

		if (U_FAILURE(st) || !code)
			break;
		u_strToUTF8(utf8, sizeof(utf8), &len, u, ulen, &st);
		if (U_FAILURE(st) || len >= (int32_t)sizeof(utf8)) {
			st = U_ZERO_ERROR;
			continue;
		}
		if (in_territories(b, code))
			region = code;
		else if (code[0] >= 'A' && code[0] <= 'Z')
			add(b, code, strlen(code), "", RANK_CODE);
		add(b, utf8, (size_t)len, region, RANK_NAME);
	}
	ures_close(t);
}

static void add_names(struct builder *b)
{
	for (size_t i = 0; i < sizeof(locales) / sizeof(locales[0]); i++) {
		UErrorCode st = U_ZERO_ERROR;
		UResourceBundle *r = ures_open(REGION_TREE, locales[i], &st);

		for (size_t j = 0; U_SUCCESS(st) && j < sizeof(name_tables) / sizeof(name_tables[0]); j++)
			add_table(b, r, name_tables[j]);
		ures_close(r);
	}
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		add(b, aliases[i].name, strlen(aliases[i].name), aliases[i].region, RANK_NAME);
}

static int cmp_cand(const void *pa, const void *pb, void *arena)
{
	const struct cand *a = pa, *b = pb;
	int c = strcmp((const char *)arena + a->key, (const char *)arena + b->key);

	if (c)
		return c;
	if (a->rank != b->rank)
		return a->rank - b->rank;
	return strcmp(a->region, b->region);
}

/*
 * The region of the candidates v[0..n) sharing a key (sorted: best rank
 * first), or NULL when the best rank names no region or more than one.
 */
static const char *resolve_key(const struct cand *v, size_t n)
{
	for (size_t i = 1; i < n && v[i].rank == v[0].rank; i++)
		if (strcmp(v[i].region, v[0].region))
			return NULL;
	return v[0].region[0] ? v[0].region : NULL;
}

/* Sorts the candidates and keeps one entry per unambiguous key. */
static void finish(struct builder *b)
{
	struct entry *v;
	char *keys;
	size_t i, j, n = 0;

	qsort_r(b->v, b->n, sizeof(*b->v), cmp_cand, b->arena.data);
	v = malloc((b->n ? b->n : 1) * sizeof(*v));
	keys = buf_detach(&b->arena);
	if (!v || !keys) {
		free(v);
		free(keys);
		return;
	}
	for (i = 0; i < b->n; i = j) {
		const char *region;

		for (j = i + 1; j < b->n && !strcmp(keys + b->v[j].key, keys + b->v[i].key); j++)
			;
		region = resolve_key(b->v + i, j - i);
		if (!region)
			continue;
		v[n].key = keys + b->v[i].key;
		memcpy(v[n].region, region, 3);
		n++;
	}
	table.v = v;
	table.n = n;
	table.keys = keys;
}

/* pthread_once's routine: on failure the table stays empty. */
static void table_build(void)
{
	struct builder b = { .failed = 0 };

	buf_init(&b.arena, 0);
	add_codes(&b);
	if (!b.failed)
		add_names(&b);
	if (!b.failed)
		finish(&b);
	buf_free(&b.arena);
	free(b.v);
	free(b.terr);
}

static int cmp_entry(const void *key, const void *pe)
{
	return strcmp(key, ((const struct entry *)pe)->key);
}

int country_lookup(const char *s, size_t len, char out[3])
{
	char key[KEY_MAX + 1];
	const struct entry *e;

	out[0] = '\0';
	if (two_letters(s, len, out) && is_territory(out))
		return 1;
	out[0] = '\0';
	if (!country_key(s, len, key))
		return 0;
	pthread_once(&table_once, table_build);
	if (!table.n)
		return 0;
	e = bsearch(key, table.v, table.n, sizeof(*table.v), cmp_entry);
	if (!e)
		return 0;
	memcpy(out, e->region, 3);
	return 1;
}
