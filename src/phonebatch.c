/* phonebatch: numbers normalised on a worker thread (see phonebatch.h). */
#include "phonebatch.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

#define DEFAULT_BATCH 1024
/* A batch's bytes (numbers and payloads) before it is handed over early. */
#define BATCH_BYTES ((size_t)8 << 20)

struct slot {
	size_t raw, rawlen, payload, paylen;	/* offsets into the batch's data */
	int known;		/* the verdict came with the number */
	struct phone_result pr;
	enum err e;
};

struct batch {
	struct slot *slots;
	size_t n;
	struct buf data;
	size_t next;		/* the next slot to claim (lock held) */
	size_t finished;	/* slots parsed (lock held) */
};

struct phonebatch {
	char region[8];
	size_t cap;
	phonebatch_done_fn done;
	void *ctx;

	struct batch b[2];
	int filling;		/* index of the batch being filled */
	int parsed_waiting;	/* the other batch holds verdicts not yet done */

	pthread_t thread;
	int started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch *work;	/* handed to the worker; NULL once parsed */
	int quit;
	int inited;	/* mu and cv */
};

/*
 * Parses slots of b until none is left to claim. The worker and the
 * caller (when it would otherwise wait) both claim slots, one at a time
 * and under the lock, and only while b is the batch handed over (a
 * worker late to a batch the caller has finished and filled again claims
 * nothing of it); whoever finishes the last slot marks the batch done.
 */
static void parse_some(struct phonebatch *pb, struct batch *b)
{
	const char *region = pb->region[0] ? pb->region : NULL;

	for (;;) {
		struct slot *s;

		pthread_mutex_lock(&pb->mu);
		if (pb->work != b || b->next >= b->n) {
			pthread_mutex_unlock(&pb->mu);
			return;
		}
		s = &b->slots[b->next++];
		pthread_mutex_unlock(&pb->mu);
		if (!s->known)
			s->e = phone_parse(b->data.data + s->raw, s->rawlen, region, 0, &s->pr);
		pthread_mutex_lock(&pb->mu);
		if (++b->finished == b->n) {
			pb->work = NULL;
			pthread_cond_broadcast(&pb->cv);
		}
		pthread_mutex_unlock(&pb->mu);
	}
}

/* Whether the worker has slots to claim. Lock held. */
static int claimable(const struct phonebatch *pb)
{
	return pb->work && pb->work->next < pb->work->n;
}

static void *worker(void *arg)
{
	struct phonebatch *pb = arg;

	pthread_mutex_lock(&pb->mu);
	for (;;) {
		struct batch *b;

		while (!claimable(pb) && !pb->quit)
			pthread_cond_wait(&pb->cv, &pb->mu);
		if (!claimable(pb))
			break;
		b = pb->work;
		pthread_mutex_unlock(&pb->mu);
		parse_some(pb, b);
		pthread_mutex_lock(&pb->mu);
	}
	pthread_mutex_unlock(&pb->mu);
	return NULL;
}

/* Helps with the batch the worker has, then waits until it is done. */
static void wait_idle(struct phonebatch *pb)
{
	struct batch *b;

	pthread_mutex_lock(&pb->mu);
	b = pb->work;
	pthread_mutex_unlock(&pb->mu);
	if (b)
		parse_some(pb, b);
	pthread_mutex_lock(&pb->mu);
	while (pb->work)
		pthread_cond_wait(&pb->cv, &pb->mu);
	pthread_mutex_unlock(&pb->mu);
}

static void clear(struct batch *b)
{
	b->n = 0;
	b->next = 0;
	b->finished = 0;
	buf_reset(&b->data);
}

enum err phonebatch_new(struct phonebatch **out, const char *region, size_t batch,
			phonebatch_done_fn done, void *ctx, struct errinfo *info)
{
	struct phonebatch *pb = calloc(1, sizeof(*pb));
	int i;

	*out = NULL;
	if (!pb)
		return err_set(info, ERR_NOMEM, "out of memory");
	snprintf(pb->region, sizeof(pb->region), "%s", region ? region : "");
	pb->cap = batch ? batch : DEFAULT_BATCH;
	pb->done = done;
	pb->ctx = ctx;
	for (i = 0; i < 2; i++) {
		buf_init(&pb->b[i].data, BATCH_BYTES + ((size_t)1 << 20));
		pb->b[i].slots = calloc(pb->cap, sizeof(struct slot));
		if (!pb->b[i].slots) {
			phonebatch_free(pb);
			return err_set(info, ERR_NOMEM, "out of memory");
		}
	}
	pthread_mutex_init(&pb->mu, NULL);
	pthread_cond_init(&pb->cv, NULL);
	pb->inited = 1;
	/* without a worker, batches are parsed on the caller's thread */
	pb->started = !pthread_create(&pb->thread, NULL, worker, pb);
	*out = pb;
	return ERR_OK;
}

/* The verdicts of b through done, in order; b is emptied. */
static enum err deliver(struct phonebatch *pb, struct batch *b, struct errinfo *info)
{
	size_t i;
	enum err e = ERR_OK;

	for (i = 0; !e && i < b->n; i++) {
		struct slot *s = &b->slots[i];
		struct phonebatch_item it = { b->data.data + s->raw, s->rawlen,
					      b->data.data + s->payload, s->paylen, s->pr };

		if (s->e)
			e = err_set(info, s->e, "phone library failed");
		else
			e = pb->done(pb->ctx, &it, info);
	}
	clear(b);
	return e;
}

/* The filling batch to the worker; the one it had back through done. */
static enum err hand_over(struct phonebatch *pb, struct errinfo *info)
{
	struct batch *full = &pb->b[pb->filling], *other = &pb->b[!pb->filling];
	enum err e = ERR_OK;

	wait_idle(pb);
	if (pb->parsed_waiting)
		e = deliver(pb, other, info);
	pb->parsed_waiting = 0;
	if (e) {
		clear(full);
		return e;
	}
	pthread_mutex_lock(&pb->mu);
	full->next = full->finished = 0;
	pb->work = full;
	pthread_cond_broadcast(&pb->cv);
	pthread_mutex_unlock(&pb->mu);
	if (!pb->started)
		parse_some(pb, full);	/* no worker: parsed here and now */
	pb->parsed_waiting = 1;
	pb->filling = !pb->filling;
	return ERR_OK;
}

enum err phonebatch_add(struct phonebatch *pb, const char *raw, size_t rawlen,
			const void *payload, size_t paylen, struct errinfo *info)
{
	return phonebatch_add_known(pb, raw, rawlen, payload, paylen, NULL, info);
}

enum err phonebatch_add_known(struct phonebatch *pb, const char *raw, size_t rawlen,
			      const void *payload, size_t paylen, const struct phone_result *pr,
			      struct errinfo *info)
{
	struct batch *b = &pb->b[pb->filling];
	struct slot *s;
	enum err e;

	if (b->n == pb->cap || b->data.len >= BATCH_BYTES) {
		e = hand_over(pb, info);
		if (e)
			return e;
		b = &pb->b[pb->filling];
	}
	s = &b->slots[b->n];
	s->known = pr != NULL;
	s->e = ERR_OK;
	if (pr)
		s->pr = *pr;
	s->raw = b->data.len;
	s->rawlen = rawlen;
	e = buf_add(&b->data, raw, rawlen);
	s->payload = b->data.len;
	s->paylen = paylen;
	if (!e)
		e = buf_add(&b->data, payload, paylen);
	if (e)
		return err_set(info, e, "out of memory");
	b->n++;
	return ERR_OK;
}

enum err phonebatch_finish(struct phonebatch *pb, struct errinfo *info)
{
	struct batch *last = &pb->b[pb->filling];
	enum err e;

	if (last->n) {
		e = hand_over(pb, info);
		if (e)
			return e;
	}
	wait_idle(pb);
	pb->parsed_waiting = 0;
	return deliver(pb, &pb->b[!pb->filling], info);
}

void phonebatch_reset(struct phonebatch *pb)
{
	wait_idle(pb);
	clear(&pb->b[0]);
	clear(&pb->b[1]);
	pb->parsed_waiting = 0;
}

void phonebatch_free(struct phonebatch *pb)
{
	int i;

	if (!pb)
		return;
	if (pb->started) {
		pthread_mutex_lock(&pb->mu);
		pb->quit = 1;
		pthread_cond_broadcast(&pb->cv);
		pthread_mutex_unlock(&pb->mu);
		pthread_join(pb->thread, NULL);
	}
	if (pb->inited) {
		pthread_mutex_destroy(&pb->mu);
		pthread_cond_destroy(&pb->cv);
	}
	for (i = 0; i < 2; i++) {
		free(pb->b[i].slots);
		buf_free(&pb->b[i].data);
	}
	free(pb);
}
