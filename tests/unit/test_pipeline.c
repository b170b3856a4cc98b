/* Unit tests of the ordered worker pool: order, bound, early stop. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pipeline.h"

struct item {
	unsigned no;
	unsigned long in, out;	/* out = f(in), written by a worker */
	unsigned worker;
	int worked;
};

struct ctx {
	unsigned nworkers;
	pthread_mutex_t mu;
	unsigned running, max_running;	/* workers inside work() at once */
	unsigned worked;
};

/* Unequal amounts of work, so that items finish out of order. */
static void work(void *ctx_, unsigned worker, void *item_)
{
	struct ctx *ctx = ctx_;
	struct item *it = item_;
	unsigned long v = it->in, i, n = (it->no * 7919u) % 5000u;

	pthread_mutex_lock(&ctx->mu);
	if (++ctx->running > ctx->max_running)
		ctx->max_running = ctx->running;
	pthread_mutex_unlock(&ctx->mu);
	for (i = 0; i < n * 20; i++)
		v = v * 6364136223846793005ul + 1442695040888963407ul;
	if (!(it->no % 13)) {
		struct timespec ts = { 0, 200000 };

		nanosleep(&ts, NULL);
	}
	it->out = v;
	it->worker = worker;
	it->worked = 1;
	pthread_mutex_lock(&ctx->mu);
	ctx->running--;
	ctx->worked++;
	pthread_mutex_unlock(&ctx->mu);
}

static unsigned long expect(const struct item *it)
{
	unsigned long v = it->in, i, n = (it->no * 7919u) % 5000u;

	for (i = 0; i < n * 20; i++)
		v = v * 6364136223846793005ul + 1442695040888963407ul;
	return v;
}

/* 2000 items through 4 slots and 3 workers come back in the order they
 * went in, each worked once, by workers numbered 0..2. */
static void test_order(void **state)
{
	struct errinfo info = { 0 };
	struct ctx ctx = { .nworkers = 3 };
	struct pipeline *p;
	struct item *items = calloc(2000, sizeof(*items));
	unsigned i, next_out = 0;
	struct item *it;

	(void)state;
	pthread_mutex_init(&ctx.mu, NULL);
	assert_int_equal(pipeline_new(&p, 3, 4, work, &ctx, &info), ERR_OK);
	for (i = 0; i < 2000; i++) {
		items[i].no = i;
		items[i].in = i * 31u;
		while (pipeline_is_full(p)) {
			it = pipeline_next(p);
			assert_ptr_equal(it, &items[next_out]);
			assert_true(it->worked);
			next_out++;
		}
		assert_true(pipeline_inflight(p) < 4);
		pipeline_submit(p, &items[i]);
	}
	while ((it = pipeline_next(p))) {
		assert_ptr_equal(it, &items[next_out]);
		next_out++;
	}
	assert_int_equal(next_out, 2000);
	assert_int_equal(pipeline_inflight(p), 0);
	pipeline_free(p);
	for (i = 0; i < 2000; i++) {
		assert_int_equal(items[i].out, expect(&items[i]));
		assert_true(items[i].worker < 3);
	}
	assert_int_equal(ctx.worked, 2000);
	assert_true(ctx.max_running <= 3);
	pthread_mutex_destroy(&ctx.mu);
	free(items);
}

/* Freed with items in flight and none taken back: returns (every thread
 * joined), having worked at most what was submitted. */
static void test_early_free(void **state)
{
	struct errinfo info = { 0 };
	struct ctx ctx = { .nworkers = 2 };
	struct pipeline *p;
	struct item items[8];
	unsigned i;

	(void)state;
	memset(items, 0, sizeof(items));
	pthread_mutex_init(&ctx.mu, NULL);
	assert_int_equal(pipeline_new(&p, 2, 8, work, &ctx, &info), ERR_OK);
	for (i = 0; i < 8; i++) {
		items[i].no = i + 1;
		pipeline_submit(p, &items[i]);
	}
	pipeline_free(p);
	assert_true(ctx.worked <= 8);
	assert_int_equal(ctx.running, 0);
	pthread_mutex_destroy(&ctx.mu);
}

/* Nothing submitted: next gives NULL, free returns. */
static void test_empty(void **state)
{
	struct errinfo info = { 0 };
	struct ctx ctx = { .nworkers = 4 };
	struct pipeline *p;

	(void)state;
	pthread_mutex_init(&ctx.mu, NULL);
	assert_int_equal(pipeline_new(&p, 4, 2, work, &ctx, &info), ERR_OK);
	assert_null(pipeline_next(p));
	assert_false(pipeline_is_full(p));
	pipeline_free(p);
	pipeline_free(NULL);
	assert_int_equal(ctx.worked, 0);
	assert_true(pipeline_cpus() >= 1);
	pthread_mutex_destroy(&ctx.mu);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_early_free),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
