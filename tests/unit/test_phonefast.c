/*
 * Unit tests for phonefast, the native fast path in front of
 * libphonenumber. Each case says whether the fast path must be certain
 * and, when it is, its answer must be lpn_parse's field by field (the
 * library is asked live: it is the reference). The expected E.164 and
 * region were checked against libphonenumber 8.12.57 (Debian 12) too, so
 * a case also fails when both sides drift together.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lpn.h"
#include "phone.h"
#include "phonefast.h"
#include "phonemeta.h"

struct fast_case {
	const char *region;	/* NULL: no default region */
	const char *input;
	int sure;		/* the fast path must answer (1) or decline (0) */
	const char *e164;	/* when sure: "" for not valid */
	const char *iso;	/* when sure and valid */
};

static const struct fast_case idd_cases[] = {
	{ "GB", "0044 20 7946 0018", 1, "+442079460018", "GB" },
	{ "US", "011 44 20 7946 0018", 1, "+442079460018", "GB" },
	{ "JP", "010 44 20 7946 0018", 1, "+442079460018", "GB" },
	/* The digit after the IDD is 0: not an IDD, read nationally. */
	{ "GB", "00 0 44 20 7946 0018", 1, "", "" },
	/* '+' then an IDD: the library strips the '+' and tries again. */
	{ "GB", "+0044 20 7946 0018", 1, "+442079460018", "GB" },
	/* Too short after the IDD, and an unknown code after it. */
	{ "GB", "0044", 1, "", "" },
	{ "GB", "00 999 1234 5678", 1, "", "" },
};

static const struct fast_case trunk_cases[] = {
	{ "GB", "020 7946 0018", 1, "+442079460018", "GB" },
	{ "GB", "(020) 7946-0018", 1, "+442079460018", "GB" },
	{ "GB", "+44 (0)20 7946 0018", 1, "+442079460018", "GB" },
	{ "DE", "030 123456", 1, "+4930123456", "DE" },
	{ "DE", "+49 (0)30 123456", 1, "+4930123456", "DE" },
	{ "BR", "0 21 2345 6789", 1, "+552123456789", "BR" },
	{ "GB", "020 7946", 1, "", "" },
};

static const struct fast_case cc_no_plus_cases[] = {
	{ "GB", "44 20 7946 0018", 1, "+442079460018", "GB" },
	{ "DE", "49 30 123456", 1, "+4930123456", "DE" },
	{ "IT", "39 06 1234 5678", 1, "+390612345678", "IT" },
	{ "CA", "1 416 555 0123", 1, "+14165550123", "CA" },
	{ "AG", "1 268 464 1234", 1, "+12684641234", "AG" },
};

static const struct fast_case shared_cases[] = {
	{ NULL, "+1 212 555 0123", 1, "+12125550123", "US" },
	{ NULL, "+1 416 555 0123", 1, "+14165550123", "CA" },
	{ NULL, "+1 441 295 1234", 1, "+14412951234", "BM" },
	{ "US", "441 295 1234", 1, "+14412951234", "BM" },
	{ NULL, "+7 701 123 4567", 1, "+77011234567", "KZ" },
	{ NULL, "+7 912 345 6789", 1, "+79123456789", "RU" },
	{ NULL, "+44 7781 123456", 1, "+447781123456", "GG" },
	{ NULL, "+44 7624 123456", 1, "+447624123456", "IM" },
	{ "GB", "07911 123456", 1, "+447911123456", "GG" },
	{ NULL, "+44 7797 123456", 1, "", "" },
};

static const struct fast_case italian_cases[] = {
	{ "IT", "06 1234 5678", 1, "+390612345678", "IT" },
	{ "IT", "0039 06 1234 5678", 1, "+390612345678", "IT" },
	{ NULL, "+39 06 1234 5678", 1, "+390612345678", "IT" },
	{ NULL, "+39 0 1234", 1, "", "" },
};

static const struct fast_case unsure_cases[] = {
	{ "GB", "+44 20 7946 0018 ext. 12", 0, NULL, NULL },
	{ "GB", "020 7946 0018 x12", 0, NULL, NULL },
	{ "GB", "tel:+44-20-7946-0018", 0, NULL, NULL },
	{ "GB", "0800 FLOWERS", 0, NULL, NULL },
	{ "GB", "12+34", 0, NULL, NULL },
	{ "GB", "\xef\xbc\x8b" "44 20 7946 0018", 0, NULL, NULL },
	{ "GB", "020\t7946 0018", 0, NULL, NULL },
	{ "GB", "020 7946 0018#", 0, NULL, NULL },
	{ "GB", "020 7946 0018;ext=1", 0, NULL, NULL },
	{ "GB", "(020) 7946 0018 ~", 0, NULL, NULL },
};

/* National prefix transform rules: a 7-digit NANPA local number gets its
 * area code, a Brazilian carrier code goes, Guernsey's 6-digit local number
 * gets 1481. */
static const struct fast_case transform_cases[] = {
	{ "AG", "464 1234", 1, "+12684641234", "AG" },
	{ "BR", "021 11 98765 4321", 1, "+5511987654321", "BR" },
	{ "BR", "0 15 21 2345 6789", 1, "+552123456789", "BR" },
	{ "GG", "256789", 1, "+441481256789", "GG" },
};

/* Certain verdicts that are not numbers, for the record. */
static const struct fast_case not_number_cases[] = {
	{ "GB", "5", 1, "", "" },
	{ "GB", "1-2", 1, "", "" },
	{ "GB", "+12", 1, "", "" },
	{ "GB", "--", 1, "", "" },
	{ NULL, "020 7946 0018", 1, "", "" },
	{ "XX", "020 7946 0018", 1, "", "" },
};

static void check(const struct fast_case *c, unsigned flags)
{
	struct lpn_number f, l;
	enum lpn_status fs, ls;
	int sure;

	sure = phonefast_parse(c->input, strlen(c->input), c->region, flags, &f, &fs);
	if (sure != c->sure)
		fail_msg("'%s' (%s): fast path %s", c->input, c->region ? c->region : "none",
			 sure ? "answered" : "declined");
	if (!sure)
		return;
	ls = lpn_parse(c->input, strlen(c->input), c->region, flags, &l);
	assert_int_equal(fs, ls);
	assert_int_equal(f.valid, l.valid);
	assert_int_equal(f.possible, l.possible);
	assert_int_equal(f.type, l.type);
	assert_string_equal(f.e164, l.e164);
	assert_string_equal(f.region, l.region);
	assert_int_equal(f.ext_len, l.ext_len);
	assert_string_equal(f.e164, c->e164);
	if (f.valid)
		assert_string_equal(f.region, c->iso);
}

static void check_all(const struct fast_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		check(&cases[i], 0);
		check(&cases[i], LPN_WANT_TYPE);
	}
}

#define CHECK_ALL(t) check_all(t, sizeof(t) / sizeof(t[0]))

static void test_idd(void **state)
{
	(void)state;
	CHECK_ALL(idd_cases);
}

static void test_trunk_prefix(void **state)
{
	(void)state;
	CHECK_ALL(trunk_cases);
}

static void test_cc_without_plus(void **state)
{
	(void)state;
	CHECK_ALL(cc_no_plus_cases);
}

static void test_shared_codes(void **state)
{
	(void)state;
	CHECK_ALL(shared_cases);
}

static void test_italian_zeros(void **state)
{
	(void)state;
	CHECK_ALL(italian_cases);
}

static void test_transform_rules(void **state)
{
	(void)state;
	CHECK_ALL(transform_cases);
}

static void test_unsure(void **state)
{
	(void)state;
	CHECK_ALL(unsure_cases);
}

static void test_not_numbers(void **state)
{
	(void)state;
	CHECK_ALL(not_number_cases);
}

/* Every non-geographical entity's example numbers, from the metadata:
 * certain, valid, region "001", and libphonenumber's answer. */
static void test_non_geographical(void **state)
{
	static const int want[] = { 800, 808, 870, 878, 881, 882, 883, 888, 979 };
	size_t seen = 0;

	(void)state;
	for (size_t i = 0; i < pm_nregions; i++) {
		const struct pm_region *r = &pm_regions[i];

		if (strcmp(r->id, "001") != 0)
			continue;
		for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++)
			seen += r->cc == want[k];
		for (int d = 1; d < PM_NDESC; d++) {
			char in[64], e164[64];
			struct fast_case c = { NULL, in, 1, e164, "001" };

			if (!r->desc[d].example[0])
				continue;
			snprintf(in, sizeof(in), "+%d %s", r->cc, r->desc[d].example);
			snprintf(e164, sizeof(e164), "+%d%s", r->cc, r->desc[d].example);
			check(&c, LPN_WANT_TYPE);
		}
	}
	assert_int_equal(seen, sizeof(want) / sizeof(want[0]));
}

/* Off means off, and on again answers again. */
static void test_disable(void **state)
{
	struct lpn_number n;
	enum lpn_status st;
	int was = phonefast_is_enabled();

	(void)state;
	phonefast_set_enabled(0);
	assert_int_equal(phonefast_parse("020 7946 0018", 13, "GB", 0, &n, &st), 0);
	phonefast_set_enabled(1);
	assert_int_equal(phonefast_parse("020 7946 0018", 13, "GB", 0, &n, &st), 1);
	phonefast_set_enabled(was);
}

/* Threads that start together (regions compiled on first use, per-thread
 * match data) must each get libphonenumber's answers. */
static const char *const thread_inputs[] = {
	"+44 20 7946 0018", "+1 441 295 1234", "+7 701 123 4567", "+39 06 1234 5678",
	"+800 1234 5678", "+55 11 98765 4321", "+61 412 345 678", "+91 98765 43210",
	"+49 30 123456", "+33 6 12 34 56 78", "+81 90 1234 5678", "+86 138 0013 8000",
};

static void *thread_main(void *arg)
{
	long bad = 0;

	(void)arg;
	for (int rep = 0; rep < 200; rep++) {
		for (size_t i = 0; i < sizeof(thread_inputs) / sizeof(thread_inputs[0]); i++) {
			const char *in = thread_inputs[i];
			struct lpn_number f, l;
			enum lpn_status fs, ls;

			if (!phonefast_parse(in, strlen(in), NULL, LPN_WANT_TYPE, &f, &fs)) {
				bad++;
				continue;
			}
			if (rep > 0)
				continue;
			ls = lpn_parse(in, strlen(in), NULL, LPN_WANT_TYPE, &l);
			bad += fs != ls || f.valid != l.valid || strcmp(f.e164, l.e164) ||
			       strcmp(f.region, l.region) || f.type != l.type;
		}
	}
	return (void *)bad;
}

static void test_threads(void **state)
{
	pthread_t t[4];
	void *bad;

	(void)state;
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, thread_main, NULL), 0);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], &bad), 0);
		assert_int_equal((long)bad, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_idd),
		cmocka_unit_test(test_trunk_prefix),
		cmocka_unit_test(test_cc_without_plus),
		cmocka_unit_test(test_shared_codes),
		cmocka_unit_test(test_italian_zeros),
		cmocka_unit_test(test_non_geographical),
		cmocka_unit_test(test_transform_rules),
		cmocka_unit_test(test_unsure),
		cmocka_unit_test(test_not_numbers),
		cmocka_unit_test(test_disable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
