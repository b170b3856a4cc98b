/* pipeline: ordered worker pool (see pipeline.h). */
#include "pipeline.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

/*
 * Items live in a ring of nslots. Sequence numbers only grow:
 *   tail <= next <= head, head - tail <= nslots
 * [tail, next) have been taken by a worker (done[] says which finished),
 * [next, head) wait for one. Everything is under mu.
 */
struct pipeline {
	pthread_mutex_t mu;
	pthread_cond_t work_cv;	/* workers: an item to take, or stop */
	pthread_cond_t done_cv;	/* the consumer: an item finished */
	void **items;
	unsigned char *done;
	size_t nslots;
	uint64_t head, next, tail;
	int stop;
	pthread_t *threads;
	unsigned nthreads;	/* started */
	pipeline_work_fn *work;
	void *ctx;
};

struct worker_arg {
	struct pipeline *p;
	unsigned no;
};

static void *worker_main(void *arg_)
{
	struct worker_arg *arg = arg_;
	struct pipeline *p = arg->p;
	unsigned no = arg->no;

	free(arg);
	pthread_mutex_lock(&p->mu);
	for (;;) {
		uint64_t i;

		while (!p->stop && p->next == p->head)
			pthread_cond_wait(&p->work_cv, &p->mu);
		if (p->stop)
			break;
		i = p->next++;
		pthread_mutex_unlock(&p->mu);
		p->work(p->ctx, no, p->items[i % p->nslots]);
		pthread_mutex_lock(&p->mu);
		p->done[i % p->nslots] = 1;
		if (i == p->tail)
			pthread_cond_signal(&p->done_cv);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

enum err pipeline_new(struct pipeline **out, unsigned nworkers, size_t nslots,
		      pipeline_work_fn *work, void *ctx, struct errinfo *info)
{
	struct pipeline *p = calloc(1, sizeof(*p));
	unsigned i;

	*out = NULL;
	if (!p)
		return err_set(info, ERR_NOMEM, "out of memory");
	if (!nworkers)
		nworkers = 1;
	if (!nslots)
		nslots = 1;
	p->nslots = nslots;
	p->work = work;
	p->ctx = ctx;
	p->items = calloc(nslots, sizeof(*p->items));
	p->done = calloc(nslots, 1);
	p->threads = calloc(nworkers, sizeof(*p->threads));
	if (!p->items || !p->done || !p->threads) {
		free(p->items);
		free(p->done);
		free(p->threads);
		free(p);
		return err_set(info, ERR_NOMEM, "out of memory");
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work_cv, NULL);
	pthread_cond_init(&p->done_cv, NULL);
	for (i = 0; i < nworkers; i++) {
		struct worker_arg *arg = malloc(sizeof(*arg));

		if (!arg)
			break;
		arg->p = p;
		arg->no = i;
		if (pthread_create(&p->threads[i], NULL, worker_main, arg)) {
			free(arg);
			break;
		}
		p->nthreads++;
	}
	if (p->nthreads < nworkers) {
		pipeline_free(p);
		return err_set(info, ERR_NOMEM, "cannot start %u import threads", nworkers);
	}
	*out = p;
	return ERR_OK;
}

void pipeline_submit(struct pipeline *p, void *item)
{
	pthread_mutex_lock(&p->mu);
	p->items[p->head % p->nslots] = item;
	p->done[p->head % p->nslots] = 0;
	p->head++;
	pthread_cond_signal(&p->work_cv);
	pthread_mutex_unlock(&p->mu);
}

/* head and tail change only in the consumer's own calls: no lock needed */
size_t pipeline_inflight(const struct pipeline *p)
{
	return (size_t)(p->head - p->tail);
}

int pipeline_is_full(const struct pipeline *p)
{
	return pipeline_inflight(p) >= p->nslots;
}

void *pipeline_next(struct pipeline *p)
{
	void *item;

	if (p->tail == p->head)
		return NULL;
	pthread_mutex_lock(&p->mu);
	while (!p->done[p->tail % p->nslots])
		pthread_cond_wait(&p->done_cv, &p->mu);
	item = p->items[p->tail % p->nslots];
	p->tail++;
	pthread_mutex_unlock(&p->mu);
	return item;
}

void pipeline_free(struct pipeline *p)
{
	unsigned i;

	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_broadcast(&p->work_cv);
	pthread_mutex_unlock(&p->mu);
	for (i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	pthread_cond_destroy(&p->done_cv);
	pthread_cond_destroy(&p->work_cv);
	pthread_mutex_destroy(&p->mu);
	free(p->threads);
	free(p->done);
	free(p->items);
	free(p);
}

unsigned pipeline_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 64 ? 64 : (unsigned)n;
}
