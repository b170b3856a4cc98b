/* Unit tests of the phone batch: verdicts come back in queue order, with
 * their payloads, whatever the batch size; reset drops what is queued; an
 * error of the callback stops the delivery. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phonebatch.h"

struct seen {
	size_t n;
	size_t invalid;
	size_t fail_at;	/* 0: never */
	int order_ok;
};

/* Payload i is the decimal i; number i is valid when i is not a multiple
 * of 7 (then it is "not a number"). */
static void number(size_t i, char *out, size_t cap)
{
	if (i % 7 == 0)
		snprintf(out, cap, "x%zu", i);
	else
		snprintf(out, cap, "07710 0%05zu", i % 100000);
}

static enum err done(void *ctx, struct phonebatch_item *it, struct errinfo *info)
{
	struct seen *s = ctx;
	char want[32], e164[32];
	size_t i = s->n++;

	snprintf(want, sizeof(want), "%zu", i);
	if (it->paylen != strlen(want) + 1 || strcmp(it->payload, want))
		s->order_ok = 0;
	if (i % 7 == 0) {
		s->invalid++;
		if (it->pr.reason == PHONE_OK)
			s->order_ok = 0;
	} else {
		snprintf(e164, sizeof(e164), "+4477100%05zu", i % 100000);
		if (it->pr.reason != PHONE_OK || strcmp(it->pr.e164, e164))
			s->order_ok = 0;
	}
	if (s->fail_at && s->n == s->fail_at)
		return err_set(info, ERR_LIMIT, "stop at %zu", s->n);
	return ERR_OK;
}

static void run(size_t batch, size_t count)
{
	struct errinfo info = { 0 };
	struct seen s = { 0, 0, 0, 1 };
	struct phonebatch *pb;
	char num[32], pay[32];
	size_t i;

	assert_int_equal(phonebatch_new(&pb, "GB", batch, done, &s, &info), ERR_OK);
	for (i = 0; i < count; i++) {
		number(i, num, sizeof(num));
		snprintf(pay, sizeof(pay), "%zu", i);
		assert_int_equal(phonebatch_add(pb, num, strlen(num), pay, strlen(pay) + 1, &info), ERR_OK);
	}
	assert_int_equal(phonebatch_finish(pb, &info), ERR_OK);
	assert_int_equal(s.n, count);
	assert_int_equal(s.invalid, (count + 6) / 7);
	assert_true(s.order_ok);
	phonebatch_free(pb);
}

static void test_order_small_batches(void **state)
{
	(void)state;
	run(3, 1000);
	run(1, 50);
}

/* Tiny batches, many hand-overs: the worker and the caller race for
 * slots thousands of times, and nothing may be lost or repeated. */
static void test_many_handovers(void **state)
{
	(void)state;
	run(1, 20000);
	run(2, 20000);
	run(5, 20000);
}

static void test_order_default_batch(void **state)
{
	(void)state;
	run(0, 5000);
	run(0, 1024);
	run(0, 0);
}

static void test_reset_drops(void **state)
{
	struct errinfo info = { 0 };
	struct seen s = { 0, 0, 0, 1 };
	struct phonebatch *pb;
	char num[32], pay[32];
	size_t i;

	(void)state;
	assert_int_equal(phonebatch_new(&pb, "GB", 10, done, &s, &info), ERR_OK);
	for (i = 0; i < 35; i++) {
		number(i, num, sizeof(num));
		snprintf(pay, sizeof(pay), "%zu", i);
		assert_int_equal(phonebatch_add(pb, num, strlen(num), pay, strlen(pay) + 1, &info), ERR_OK);
	}
	phonebatch_reset(pb);
	/* what was delivered before the reset was in order; the rest is gone */
	assert_true(s.order_ok);
	assert_true(s.n <= 30);
	s.n = 0;
	s.invalid = 0;
	for (i = 0; i < 25; i++) {
		number(i, num, sizeof(num));
		snprintf(pay, sizeof(pay), "%zu", i);
		assert_int_equal(phonebatch_add(pb, num, strlen(num), pay, strlen(pay) + 1, &info), ERR_OK);
	}
	assert_int_equal(phonebatch_finish(pb, &info), ERR_OK);
	assert_int_equal(s.n, 25);
	assert_true(s.order_ok);
	phonebatch_free(pb);
}

static void test_callback_error_stops(void **state)
{
	struct errinfo info = { 0 };
	struct seen s = { 0, 0, 15, 1 };
	struct phonebatch *pb;
	char num[32], pay[32];
	size_t i;
	enum err e = ERR_OK;

	(void)state;
	assert_int_equal(phonebatch_new(&pb, "GB", 10, done, &s, &info), ERR_OK);
	for (i = 0; !e && i < 100; i++) {
		number(i, num, sizeof(num));
		snprintf(pay, sizeof(pay), "%zu", i);
		e = phonebatch_add(pb, num, strlen(num), pay, strlen(pay) + 1, &info);
	}
	if (!e)
		e = phonebatch_finish(pb, &info);
	assert_int_equal(e, ERR_LIMIT);
	assert_int_equal(s.n, 15);
	assert_string_equal(info.msg, "stop at 15");
	phonebatch_free(pb);
}

/* A verdict given with the number is delivered as given, in its place. */
struct got {
	size_t n;
	char payload[100][8];
	char e164[100][PHONE_E164_MAX + 1];
	enum phone_reason reason[100];
};

static enum err record(void *ctx, struct phonebatch_item *it, struct errinfo *info)
{
	struct got *g = ctx;

	(void)info;
	if (g->n < 100) {
		snprintf(g->payload[g->n], sizeof(g->payload[0]), "%s", it->payload);
		snprintf(g->e164[g->n], sizeof(g->e164[0]), "%s", it->pr.e164);
		g->reason[g->n] = it->pr.reason;
	}
	g->n++;
	return ERR_OK;
}

static void test_known_not_parsed(void **state)
{
	struct errinfo info = { 0 };
	static struct got g;
	struct phonebatch *pb;
	struct phone_result pr;
	char pay[8];
	size_t i;

	(void)state;
	memset(&pr, 0, sizeof(pr));
	pr.reason = PHONE_OK;
	snprintf(pr.e164, sizeof(pr.e164), "+15550000000");
	assert_int_equal(phonebatch_new(&pb, "GB", 4, record, &g, &info), ERR_OK);
	for (i = 0; i < 30; i++) {
		snprintf(pay, sizeof(pay), "%zu", i);
		/* "nonsense" would not parse: the odd ones come with a verdict */
		if (i % 2)
			assert_int_equal(phonebatch_add_known(pb, "nonsense", 8, pay, strlen(pay) + 1, &pr,
							      &info), ERR_OK);
		else
			assert_int_equal(phonebatch_add(pb, "nonsense", 8, pay, strlen(pay) + 1, &info),
					 ERR_OK);
	}
	assert_int_equal(phonebatch_finish(pb, &info), ERR_OK);
	assert_int_equal(g.n, 30);
	for (i = 0; i < 30; i++) {
		snprintf(pay, sizeof(pay), "%zu", i);
		assert_string_equal(g.payload[i], pay);
		if (i % 2) {
			assert_int_equal(g.reason[i], PHONE_OK);
			assert_string_equal(g.e164[i], "+15550000000");
		} else {
			assert_int_not_equal(g.reason[i], PHONE_OK);
		}
	}
	phonebatch_free(pb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_small_batches),
		cmocka_unit_test(test_order_default_batch),
		cmocka_unit_test(test_many_handovers),
		cmocka_unit_test(test_known_not_parsed),
		cmocka_unit_test(test_reset_drops),
		cmocka_unit_test(test_callback_error_stops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
