/* Unit tests of the token bucket, driven by a fake clock: no sleeping. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "ratelimit.h"

/* Acquires one token, advancing the fake clock by the waits the bucket asks
 * for; returns the fake time at which the request went out. */
static long long acquire_at(struct ratelimit *rl, long long *now)
{
	long long w;
	int rounds = 0;

	while ((w = ratelimit_acquire(rl, *now)) > 0) {
		assert_true(++rounds < 1000);	/* the bucket must converge */
		*now += w;
	}
	return *now;
}

static void init(struct ratelimit *rl, const char *spec, long long now)
{
	struct ratelimit_spec s;
	struct errinfo info = { 0 };

	assert_int_equal(ratelimit_parse(spec, &s, &info), ERR_OK);
	ratelimit_init(rl, &s, now);
}

static void test_parse(void **state)
{
	struct ratelimit_spec s;
	struct errinfo info = { 0 };
	static const char *const bad[] = {
		"10", "10/", "/s", "0/s", "10/0s", "10/60", "10/x", "-1/s", "10/s ",
		"10/s,burst=0", "10/s,burst=", "10/s,bursts=2", "99999999/s", "1.5/s",
	};
	size_t i;

	(void)state;
	assert_int_equal(ratelimit_parse("10/s", &s, &info), ERR_OK);
	assert_true(s.count == 10 && s.period_ms == 1000 && s.burst == 10);
	assert_int_equal(ratelimit_parse("60/60s", &s, &info), ERR_OK);
	assert_true(s.count == 60 && s.period_ms == 60000 && s.burst == 60);
	assert_int_equal(ratelimit_parse("100/m", &s, &info), ERR_OK);
	assert_true(s.count == 100 && s.period_ms == 60000);
	assert_int_equal(ratelimit_parse("5/2min", &s, &info), ERR_OK);
	assert_true(s.count == 5 && s.period_ms == 120000);
	assert_int_equal(ratelimit_parse("1000/h,burst=20", &s, &info), ERR_OK);
	assert_true(s.count == 1000 && s.period_ms == 3600000 && s.burst == 20);
	assert_int_equal(ratelimit_parse("0", &s, &info), ERR_OK);
	assert_true(s.count == 0);
	assert_int_equal(ratelimit_parse("none", &s, &info), ERR_OK);
	assert_true(s.count == 0);
	assert_int_equal(ratelimit_parse(NULL, &s, &info), ERR_OK);
	assert_true(s.count == 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		info.msg[0] = '\0';
		assert_int_equal(ratelimit_parse(bad[i], &s, &info), ERR_CONFIG);
		assert_non_null(strstr(info.msg, bad[i]));
	}
}

/* 10/s with a burst of 10: 25 requests at t=0 go out as 9 at once (one
 * token stays in reserve), then one every 100 ms, the 25th at 1.6 s. */
static void test_burst_then_steady(void **state)
{
	struct ratelimit rl;
	long long now = 0, t;
	int i;

	(void)state;
	init(&rl, "10/s", 0);
	for (i = 0; i < 25; i++) {
		t = acquire_at(&rl, &now);
		if (i < 9)
			assert_int_equal(t, 0);
		else
			assert_int_equal(t, (i - 8) * 100);
	}
	/* Never more than burst + rate x time in any window from 0. */
	assert_int_equal(now, 1600);
}

/* The reserve is 50 ms of the rate, at least one token, at most half the
 * burst: 100/s keeps 5 of 100, 1000/s,burst=20 keeps 10, a burst of 1 or 2
 * sends one at once. */
static void test_reserve(void **state)
{
	static const struct {
		const char *spec;
		int at_once;
	} cases[] = {
		{ "100/s", 95 }, { "1000/s,burst=20", 10 }, { "60/60s", 59 },
		{ "60/60s,burst=1", 1 }, { "5/s,burst=2", 1 }, { "20/2s", 19 },
	};
	struct ratelimit rl;
	size_t i;
	int n;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		init(&rl, cases[i].spec, 0);
		for (n = 0; ratelimit_acquire(&rl, 0) == 0; n++)
			;
		if (n != cases[i].at_once)
			fail_msg("%s: %d at once, expected %d", cases[i].spec, n, cases[i].at_once);
	}
}

/* An idle bucket refills up to the burst less the reserve, not beyond. */
static void test_refill_capped(void **state)
{
	struct ratelimit rl;
	long long now = 0;
	int i, immediate = 0;

	(void)state;
	init(&rl, "5/s", 0);
	for (i = 0; i < 4; i++)
		assert_int_equal(ratelimit_acquire(&rl, 0), 0);
	assert_int_equal(ratelimit_acquire(&rl, 0), 200);
	now = 60000;	/* a minute idle */
	for (i = 0; i < 20; i++)
		if (ratelimit_acquire(&rl, now) == 0)
			immediate++;
	assert_int_equal(immediate, 4);
}

/* A new bucket resumes from what an earlier client left, plus what the rate
 * gave back since; it never gains from it. */
static void test_resume(void **state)
{
	struct ratelimit rl;
	int n;

	(void)state;
	init(&rl, "10/s", 1000);
	/* 2 tokens left 300 ms ago: 5 now */
	ratelimit_resume(&rl, 1000, 2, 300);
	assert_true(fabs(ratelimit_tokens(&rl, 1000) - 5.0) < 1e-9);
	for (n = 0; ratelimit_acquire(&rl, 1000) == 0; n++)
		;
	assert_int_equal(n, 5);
	/* more than this bucket has: nothing changes */
	init(&rl, "10/s", 0);
	ratelimit_resume(&rl, 0, 100, 0);
	assert_true(fabs(ratelimit_tokens(&rl, 0) - 9.0) < 1e-9);
	/* a clock that went back: ignored */
	ratelimit_resume(&rl, 0, 0, -5000);
	assert_true(fabs(ratelimit_tokens(&rl, 0) - 9.0) < 1e-9);
	/* unlimited: nothing to resume */
	init(&rl, "0", 0);
	ratelimit_resume(&rl, 0, 0, 0);
	assert_int_equal(ratelimit_acquire(&rl, 0), 0);
	assert_true(ratelimit_tokens(&rl, 0) == 0);
}

static void test_explicit_burst(void **state)
{
	struct ratelimit rl;
	long long now = 0;

	(void)state;
	init(&rl, "60/60s,burst=1", 0);
	assert_int_equal(acquire_at(&rl, &now), 0);
	assert_int_equal(acquire_at(&rl, &now), 1000);
	assert_int_equal(acquire_at(&rl, &now), 2000);
}

static void test_unlimited(void **state)
{
	struct ratelimit rl;
	int i;

	(void)state;
	init(&rl, "none", 0);
	for (i = 0; i < 10000; i++)
		assert_int_equal(ratelimit_acquire(&rl, 0), 0);
	/* A 429 still pauses, though there is no rate to lower. */
	ratelimit_throttled(&rl, 5, 0, 50);
	assert_int_equal(ratelimit_acquire(&rl, 5), 50);
	assert_int_equal(ratelimit_acquire(&rl, 55), 0);
	assert_true(ratelimit_rate(&rl) == 0);
	/* Remaining 0 with an unknown reset: nothing known, nothing to wait. */
	ratelimit_remaining(&rl, 60, 0, -1);
	assert_int_equal(ratelimit_acquire(&rl, 60), 0);
}

/* A 429 pauses for its wait, halves the rate once per episode, and
 * successes bring the rate back by steps of a tenth. */
static void test_throttle_halves_and_recovers(void **state)
{
	struct ratelimit rl;
	long long now = 0;
	int i;

	(void)state;
	init(&rl, "10/s", 0);
	for (i = 0; i < 9; i++)
		acquire_at(&rl, &now);
	assert_int_equal(now, 0);
	/* Two 429s for requests sent at t=0 arrive at t=20: one halving. */
	ratelimit_throttled(&rl, 20, 0, 1000);
	ratelimit_throttled(&rl, 20, 0, 500);
	assert_true(fabs(ratelimit_rate(&rl) - 5.0) < 1e-9);
	assert_int_equal(ratelimit_paused_until(&rl), 1020);
	assert_int_equal(ratelimit_acquire(&rl, 20), 1000);
	assert_int_equal(ratelimit_acquire(&rl, 1019), 1);
	/* At the end of the pause one request goes, then 5/s: every 200 ms. */
	now = 1020;
	assert_int_equal(acquire_at(&rl, &now), 1020);
	assert_int_equal(acquire_at(&rl, &now), 1220);
	assert_int_equal(acquire_at(&rl, &now), 1420);
	/* A 429 for a request sent after the halving halves again. */
	ratelimit_throttled(&rl, 1500, 1420, 0);
	assert_true(fabs(ratelimit_rate(&rl) - 2.5) < 1e-9);
	/* Recovery: +1/s per success, capped at the configured 10/s. */
	ratelimit_succeeded(&rl, 1500);
	assert_true(fabs(ratelimit_rate(&rl) - 3.5) < 1e-9);
	for (i = 0; i < 20; i++)
		ratelimit_succeeded(&rl, 1500);
	assert_true(fabs(ratelimit_rate(&rl) - 10.0) < 1e-9);
}

/* Repeated 429s bottom out at 1/64 of the configured rate. */
static void test_throttle_floor(void **state)
{
	struct ratelimit rl;
	long long t;

	(void)state;
	init(&rl, "64/s", 0);
	for (t = 0; t < 20; t++)
		ratelimit_throttled(&rl, t, t, 0);
	assert_true(fabs(ratelimit_rate(&rl) - 1.0) < 1e-9);
}

/* A pause never shortens: a later, shorter Retry-After keeps the longer one. */
static void test_pause_only_extends(void **state)
{
	struct ratelimit rl;

	(void)state;
	init(&rl, "10/s", 0);
	ratelimit_throttled(&rl, 0, 0, 3000);
	ratelimit_throttled(&rl, 100, 0, 100);
	assert_int_equal(ratelimit_acquire(&rl, 100), 2900);
}

/* X-RateLimit-Remaining: 0 waits for the reset; without a reset, for one
 * period of the spec (a fixed window ends within one period). */
static void test_remaining_zero(void **state)
{
	struct ratelimit rl;
	long long now;

	(void)state;
	init(&rl, "60/60s", 0);
	ratelimit_remaining(&rl, 10, 5, 2000);	/* not 0: nothing happens */
	assert_int_equal(ratelimit_acquire(&rl, 10), 0);
	ratelimit_remaining(&rl, 10, 0, 2000);
	assert_int_equal(ratelimit_acquire(&rl, 10), 2000);
	now = 2015;
	assert_int_equal(acquire_at(&rl, &now), 2015);
	/* The window is over: the next one's whole allowance may go (60 in
	 * all, 59 after the one above; the reserve is not taken from it), and
	 * no more. */
	for (int i = 0; i < 59; i++)
		assert_int_equal(ratelimit_acquire(&rl, 2016 + i), 0);
	assert_int_equal(ratelimit_acquire(&rl, 2075), 941);
	ratelimit_remaining(&rl, 3000, 0, -1);
	assert_int_equal(ratelimit_acquire(&rl, 3000), 60000);
	/* Remaining 0 leaves the rate alone: it is not a 429. */
	assert_true(fabs(ratelimit_rate(&rl) - 1.0) < 1e-9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_burst_then_steady),
		cmocka_unit_test(test_reserve),
		cmocka_unit_test(test_refill_capped),
		cmocka_unit_test(test_resume),
		cmocka_unit_test(test_explicit_burst),
		cmocka_unit_test(test_unlimited),
		cmocka_unit_test(test_throttle_halves_and_recovers),
		cmocka_unit_test(test_throttle_floor),
		cmocka_unit_test(test_pause_only_extends),
		cmocka_unit_test(test_remaining_zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
