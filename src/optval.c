/*
 * optval: the words of opt-out and consent cells (see optval.h).
 *
 * Every table holds words as they are compared: lower case, accents
 * stripped, no ' ', '-' or '_' (the unit test checks each entry reads back
 * to its own meaning, so an entry written otherwise, or one in two tables,
 * fails it). Non-ASCII letters that are not an accented Latin letter stay
 * as they are (Polish ł, Turkish ı, Cyrillic, Greek) and are written as
 * UTF-8 escapes with the word in the comment.
 */
#include "optval.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Longer than any word: a longer value is no word, without looking. */
#define KEY_MAX 64

/*
 * Yes: the column's question answered yes. Sources:
 *   - English and spreadsheet forms: yes/no, true/false (CSV of a
 *     boolean cell), t (PostgreSQL's boolean text), 1 and 1.0 (a number
 *     written by pandas), x and check marks (a ticked box), on (an HTML
 *     checkbox), checked (Airtable's checkbox export);
 *   - the word for "yes" in each language (a dictionary's);
 *   - the localised name Excel gives TRUE in that language's version
 *     (what a localised Excel writes in a CSV: WAHR, VRAI, VERDADERO,
 *     VERO, VERDADEIRO, WAAR, SANT, SAND, SANN, TOSI, PRAWDA, PRAVDA,
 *     IGAZ, DOĞRU, ИСТИНА).
 */
static const char *const yes_words[] = {
	"yes", "y", "true", "t", "1", "1.0", "x", "on", "checked",
	"\xe2\x9c\x93",			/* ✓ U+2713 check mark */
	"\xe2\x9c\x94",			/* ✔ U+2714 heavy check mark */
	"\xe2\x98\x91",			/* ☑ U+2611 ballot box with check */
	"\xe2\x9c\x85",			/* ✅ U+2705 white heavy check mark */
	"ja", "j", "wahr",		/* German (ja also Dutch, Scandinavian, Latvian jā, Icelandic já) */
	"waar",				/* Dutch */
	"sant", "sand", "sann",		/* Swedish, Danish, Norwegian (Excel's TRUE) */
	"kylla", "tosi",		/* Finnish kyllä */
	"jah",				/* Estonian */
	"oui", "o", "vrai",		/* French */
	"si", "s", "verdadero",	/* Spanish sí (S/N on forms; si also Italian sì) */
	"vero",				/* Italian */
	"sim", "verdadeiro",		/* Portuguese */
	"da",				/* Romanian, Slovene, Croatian, Serbian */
	"tak", "prawda",		/* Polish */
	"ano", "pravda",		/* Czech, Slovak áno */
	"igen", "igaz",			/* Hungarian */
	"evet", "dogru",		/* Turkish doğru */
	"taip",				/* Lithuanian */
	"\xd0\xb4\xd0\xb0",		/* да: Russian, Bulgarian, Serbian */
	"\xd0\xb8\xd1\x81\xd1\x82\xd0\xb8\xd0\xbd\xd0\xb0", /* истина: Russian (Excel's TRUE) */
	"\xd1\x82\xd0\xb0\xd0\xba",	/* так: Ukrainian */
	"\xce\xbd\xce\xb1\xce\xb9",	/* ναι: Greek */
	NULL
};

/* No: the column's question answered no; the same sources as yes_words
 * (Excel's FALSE: FALSCH, FAUX, FALSO, ONWAAR, FALSKT, FALSK, USANN,
 * EPÄTOSI, FAŁSZ, NEPRAVDA, HAMIS, YANLIŞ, ЛОЖЬ), and an empty ballot
 * box. */
static const char *const no_words[] = {
	"no", "n", "false", "f", "0", "0.0", "off", "unchecked",
	"\xe2\x98\x90",			/* ☐ U+2610 ballot box */
	"nein", "falsch",		/* German */
	"nee", "onwaar",		/* Dutch */
	"nej", "falskt", "falsk",	/* Swedish, Danish */
	"nei", "usann",			/* Norwegian, Icelandic */
	"ei", "epatosi",		/* Finnish (ei also Estonian), epätosi */
	"non", "faux",			/* French */
	"falso",			/* Spanish, Italian, Portuguese */
	"nao",				/* Portuguese não */
	"nu", "fals",			/* Romanian */
	"nie",				/* Polish, Slovak */
	"fa\xc5\x82sz", "falsz",	/* Polish fałsz, and typed without ł */
	"ne", "nepravda",		/* Czech, Slovene, Croatian, Serbian, Lithuanian, Latvian nē */
	"nem", "hamis",			/* Hungarian */
	"hay\xc4\xb1r", "hayir",	/* Turkish hayır, and typed without ı */
	"yanl\xc4\xb1s", "yanlis",	/* Turkish yanlış (ş loses its cedilla) */
	"\xd0\xbd\xd0\xb5\xd1\x82",	/* нет: Russian */
	"\xd0\xbb\xd0\xbe\xd0\xb6\xd1\x8c", /* ложь: Russian (Excel's FALSE) */
	"\xd0\xbd\xd0\xb5",		/* не: Bulgarian, Serbian */
	"\xd0\xbd\xd1\x96",		/* ні: Ukrainian */
	"\xce\xbf\xcf\x87\xce\xb9",	/* όχι: Greek */
	NULL
};

/*
 * Opted out in any column. Sources: what SMS users write (opt out, STOP,
 * the carriers' keyword; do not text, DNC lists); Mailchimp's member
 * statuses unsubscribed, cleaned (removed after bounces), pending (double
 * opt-in not confirmed), transactional (no marketing) and archived;
 * Shopify's SmsMarketingState NOT_SUBSCRIBED, UNSUBSCRIBED, PENDING and
 * REDACTED (data erased). Why pending and not_subscribed are here: optval.h.
 */
static const char *const opted_out_words[] = {
	"optout", "optedout", "unsubscribe", "unsubscribed", "unsub",
	"stop", "stopped", "blocked", "blacklisted", "blocklisted",
	"donottext", "donotcontact", "dnc",
	"cleaned", "pending", "transactional", "archived",
	"notsubscribed", "redacted",
	NULL
};

/* Not opted out in any column: Mailchimp's and Shopify's SUBSCRIBED, and
 * what users write for a confirmed opt-in. */
static const char *const subscribed_words[] = {
	"subscribed", "optin", "optedin",
	NULL
};

static const char *const *const tables[OPTVAL_NMEANINGS] = {
	[OPTVAL_YES] = yes_words,
	[OPTVAL_NO] = no_words,
	[OPTVAL_OPTED_OUT] = opted_out_words,
	[OPTVAL_SUBSCRIBED] = subscribed_words,
};

const char *const *optval_words(enum optval_meaning m)
{
	return (unsigned)m < OPTVAL_NMEANINGS ? tables[m] : NULL;
}

static int is_sep(unsigned char c)
{
	return c == ' ' || c == '-' || c == '_';
}

/* Appends s without separators, ASCII letters lowered; -1 when too long. */
static int add_key(const unsigned char *s, size_t len, char *key, size_t *n)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (is_sep(c))
			continue;
		if (*n + 1 >= KEY_MAX)
			return -1;
		key[(*n)++] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
	}
	key[*n] = '\0';
	return 0;
}

/* The comparison form of s into key (KEY_MAX bytes); -1 when it is longer
 * than any word or not UTF-8. Non-ASCII text is case-folded and its marks
 * stripped by utf8proc first (the slow path: most cells are ASCII). */
static int make_key(const char *s, size_t len, char *key)
{
	utf8proc_uint8_t *folded = NULL;
	utf8proc_ssize_t m;
	size_t i, n = 0;
	int rc;

	if (len >= 4 * KEY_MAX)
		return -1;
	for (i = 0; i < len && !((unsigned char)s[i] & 0x80); i++)
		;
	if (i == len)
		return add_key((const unsigned char *)s, len, key, &n);
	m = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &folded,
			 UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |
			 UTF8PROC_STRIPMARK);
	if (m < 0)
		return -1;
	rc = add_key(folded, (size_t)m, key, &n);
	free(folded);
	return rc;
}

static int in_table(const char *key, const char *const *words)
{
	for (; *words; words++)
		if (!strcmp(key, *words))
			return 1;
	return 0;
}

int optval_parse(const char *s, size_t len, int consent, enum tri *opted_out)
{
	char key[KEY_MAX];
	int m;

	if (!len) {
		*opted_out = TRI_UNKNOWN;
		return 0;
	}
	if (make_key(s, len, key) || !key[0])
		return -1;	/* too long for a word, or separators only */
	for (m = 0; m < OPTVAL_NMEANINGS; m++)
		if (in_table(key, tables[m]))
			break;
	switch (m) {
	case OPTVAL_YES:
		*opted_out = consent ? TRI_FALSE : TRI_TRUE;
		return 0;
	case OPTVAL_NO:
		*opted_out = consent ? TRI_TRUE : TRI_FALSE;
		return 0;
	case OPTVAL_OPTED_OUT:
		*opted_out = TRI_TRUE;
		return 0;
	case OPTVAL_SUBSCRIBED:
		*opted_out = TRI_FALSE;
		return 0;
	default:
		return -1;
	}
}
