/*
 * Unit tests for optval: opt-out and consent cells as real exports write
 * them. The expected meanings are written by hand from the exporters'
 * documentation (Mailchimp's member statuses, Shopify's SmsMarketingState)
 * and dictionaries, not read from the tables under test; the tables are
 * only checked for being well-formed (each word reads as its own meaning).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "optval.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A value and what it means in an opt-out and in a consent column
 * (-1: unreadable). */
struct tcase {
	const char *value;
	int optout;
	int consent;
};

#define OUT TRI_TRUE
#define IN TRI_FALSE

static const struct tcase cases[] = {
	/* empty: unknown in both */
	{ "", TRI_UNKNOWN, TRI_UNKNOWN },
	/* yes-words: opted out / consented */
	{ "yes", OUT, IN },
	{ "YES", OUT, IN },
	{ "Y", OUT, IN },
	{ "TRUE", OUT, IN },
	{ "True", OUT, IN },
	{ "t", OUT, IN },
	{ "1", OUT, IN },
	{ "1.0", OUT, IN },
	{ "-1", OUT, IN },		/* Access's True */
	{ "x", OUT, IN },
	{ "X", OUT, IN },
	{ "on", OUT, IN },
	{ "\xe2\x9c\x93", OUT, IN },	/* ✓ */
	{ "\xe2\x9c\x94\xef\xb8\x8f", OUT, IN },	/* ✔️ with variation selector 16 */
	{ "Ja", OUT, IN },
	{ "WAHR", OUT, IN },
	{ "Oui", OUT, IN },
	{ "VRAI", OUT, IN },
	{ "s\xc3\xad", OUT, IN },	/* sí */
	{ "S\xc3\x8d", OUT, IN },	/* SÍ */
	{ "s\xc3\xac", OUT, IN },	/* sì */
	{ "VERDADERO", OUT, IN },
	{ "sim", OUT, IN },
	{ "VERDADEIRO", OUT, IN },
	{ "vero", OUT, IN },
	{ "Tak", OUT, IN },
	{ "PRAWDA", OUT, IN },
	{ "kyll\xc3\xa4", OUT, IN },	/* kyllä */
	{ "KYLL\xc3\x84", OUT, IN },	/* KYLLÄ */
	{ "igen", OUT, IN },
	{ "ano", OUT, IN },
	{ "\xc3\xa1no", OUT, IN },	/* áno */
	{ "da", OUT, IN },
	{ "evet", OUT, IN },
	{ "DO\xc4\x9eRU", OUT, IN },	/* DOĞRU */
	{ "\xd0\x94\xd0\xb0", OUT, IN },	/* Да */
	{ "\xd0\x98\xd0\xa1\xd0\xa2\xd0\x98\xd0\x9d\xd0\x90", OUT, IN },	/* ИСТИНА */
	{ "\xce\x9d\xce\xb1\xce\xb9", OUT, IN },	/* Ναι */
	/* no-words: not opted out / no consent */
	{ "no", IN, OUT },
	{ "N", IN, OUT },
	{ "FALSE", IN, OUT },
	{ "f", IN, OUT },
	{ "0", IN, OUT },
	{ "0.0", IN, OUT },
	{ "off", IN, OUT },
	{ "Nein", IN, OUT },
	{ "FALSCH", IN, OUT },
	{ "non", IN, OUT },
	{ "FAUX", IN, OUT },
	{ "falso", IN, OUT },
	{ "n\xc3\xa3o", IN, OUT },	/* não */
	{ "N\xc3\x83O", IN, OUT },	/* NÃO */
	{ "nao", IN, OUT },
	{ "nie", IN, OUT },
	{ "FA\xc5\x81SZ", IN, OUT },	/* FAŁSZ */
	{ "fa\xc5\x82sz", IN, OUT },	/* fałsz */
	{ "nee", IN, OUT },
	{ "ONWAAR", IN, OUT },
	{ "nej", IN, OUT },
	{ "nei", IN, OUT },
	{ "ei", IN, OUT },
	{ "nem", IN, OUT },
	{ "ne", IN, OUT },
	{ "hay\xc4\xb1r", IN, OUT },	/* hayır */
	{ "HAYIR", IN, OUT },
	{ "YANLI\xc5\x9e", IN, OUT },	/* YANLIŞ */
	{ "\xd0\x9d\xd0\xb5\xd1\x82", IN, OUT },	/* Нет */
	{ "\xd0\x9b\xd0\x9e\xd0\x96\xd0\xac", IN, OUT },	/* ЛОЖЬ */
	{ "\xce\x8c\xcf\x87\xce\xb9", IN, OUT },	/* Όχι */
	{ "\xe2\x98\x90", IN, OUT },	/* ☐ */
	/* opted out whatever the column */
	{ "opt out", OUT, OUT },
	{ "Opt-Out", OUT, OUT },
	{ "optout", OUT, OUT },
	{ "opted out", OUT, OUT },
	{ "Opted Out", OUT, OUT },
	{ "opted-out", OUT, OUT },
	{ "OPTED_OUT", OUT, OUT },
	{ "unsubscribe", OUT, OUT },
	{ "unsubscribed", OUT, OUT },
	{ "UNSUBSCRIBED", OUT, OUT },
	{ "STOP", OUT, OUT },
	{ "stopped", OUT, OUT },
	{ "blocked", OUT, OUT },
	{ "Do Not Text", OUT, OUT },
	{ "DNC", OUT, OUT },
	{ "cleaned", OUT, OUT },	/* Mailchimp: removed after bounces */
	{ "pending", OUT, OUT },	/* double opt-in not confirmed */
	{ "PENDING", OUT, OUT },	/* Shopify */
	{ "not_subscribed", OUT, OUT },	/* Shopify: never agreed */
	{ "NOT_SUBSCRIBED", OUT, OUT },
	{ "transactional", OUT, OUT },	/* Mailchimp: no marketing */
	{ "archived", OUT, OUT },
	{ "REDACTED", OUT, OUT },	/* Shopify: data erased */
	/* not opted out whatever the column */
	{ "subscribed", IN, IN },
	{ "SUBSCRIBED", IN, IN },
	{ "opted in", IN, IN },
	{ "Opt-In", IN, IN },
	{ "optin", IN, IN },
	{ "opted_in", IN, IN },
	/* unreadable: the row is rejected */
	{ "maybe", -1, -1 },
	{ "2", -1, -1 },
	{ "yes please", -1, -1 },
	{ "opted", -1, -1 },
	{ "-", -1, -1 },
	{ "_ -", -1, -1 },
	{ "active", -1, -1 },		/* ambiguous: see optval.h */
	{ "n/a", -1, -1 },
	{ "1.5", -1, -1 },
	{ "\xe2\x9c\x97", -1, -1 },	/* ✗: a cross may mean either */
};

static void check(const char *value, int consent, int want)
{
	enum tri t = (enum tri)99;
	int rc = optval_parse(value, strlen(value), consent, &t);

	if (want < 0) {
		if (rc != -1)
			fail_msg("'%s' (consent %d) read as %d, wanted unreadable", value,
				 consent, (int)t);
		assert_int_equal(t, 99);	/* left alone */
		return;
	}
	if (rc != 0 || (int)t != want)
		fail_msg("'%s' (consent %d): rc %d, value %d, wanted %d", value, consent, rc,
			 (int)t, want);
}

static void test_cases(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		check(cases[i].value, 0, cases[i].optout);
		check(cases[i].value, 1, cases[i].consent);
	}
}

/* Every table word is in comparison form and in one table only: read back,
 * it means what its table says in both kinds of column. */
static void test_tables_well_formed(void **state)
{
	static const int want[OPTVAL_NMEANINGS][2] = {
		[OPTVAL_YES] = { OUT, IN },
		[OPTVAL_NO] = { IN, OUT },
		[OPTVAL_OPTED_OUT] = { OUT, OUT },
		[OPTVAL_SUBSCRIBED] = { IN, IN },
	};
	int m;

	(void)state;
	for (m = 0; m < OPTVAL_NMEANINGS; m++) {
		const char *const *w = optval_words((enum optval_meaning)m);

		assert_non_null(w);
		assert_non_null(*w);
		for (; *w; w++) {
			check(*w, 0, want[m][0]);
			check(*w, 1, want[m][1]);
		}
	}
	assert_null(optval_words(OPTVAL_NMEANINGS));
}

/* Length is taken from len, not a NUL: a value inside a larger buffer. */
static void test_len_bounds(void **state)
{
	char longer[300];
	enum tri t;

	(void)state;
	assert_int_equal(optval_parse("yesterday", 3, 0, &t), 0);
	assert_int_equal(t, TRI_TRUE);
	assert_int_equal(optval_parse("no way", 2, 1, &t), 0);
	assert_int_equal(t, TRI_TRUE);
	memset(longer, 'y', sizeof(longer));
	assert_int_equal(optval_parse(longer, sizeof(longer), 0, &t), -1);
	memset(longer, ' ', sizeof(longer));
	memcpy(longer + 100, "yes", 3);	/* separators do not count */
	assert_int_equal(optval_parse(longer, 200, 0, &t), 0);
	assert_int_equal(t, TRI_TRUE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_tables_well_formed),
		cmocka_unit_test(test_len_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
