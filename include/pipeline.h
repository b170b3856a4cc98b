/*
 * pipeline: a fixed pool of worker threads that process items handed in
 * by one thread and give them back to it in the order they were handed in.
 *
 * The caller owns the items; the pipeline only holds pointers to them.
 * At most `nslots` items are in flight (submitted and not yet taken back
 * with pipeline_next), so memory stays bounded whatever the input size:
 * the caller takes the oldest item back before submitting past the limit.
 * Workers call `work(ctx, worker, item)` with worker = 0 .. nworkers - 1,
 * so the caller can keep per-worker scratch; an item is processed by one
 * worker, and everything that worker wrote to it is visible to the thread
 * that takes it back (the hand-over goes through the pipeline's mutex).
 *
 * Errors in the work are the caller's business (record them in the item).
 * pipeline_free stops early: items not yet started are never processed,
 * the ones being processed are finished, and every thread is joined
 * before it returns.
 *
 * One thread submits and takes back; the functions are not for several.
 */
#ifndef CONTACTSYNC_PIPELINE_H
#define CONTACTSYNC_PIPELINE_H

#include <stddef.h>

#include "err.h"

struct pipeline;

typedef void pipeline_work_fn(void *ctx, unsigned worker, void *item);

/* Starts nworkers threads (at least 1). ERR_NOMEM (with info) when memory
 * or a thread cannot be had; nothing is left running then. */
enum err pipeline_new(struct pipeline **out, unsigned nworkers, size_t nslots,
		      pipeline_work_fn *work, void *ctx, struct errinfo *info);
/* Hands item to the workers. The caller makes sure fewer than nslots
 * items are in flight (pipeline_is_full). */
void pipeline_submit(struct pipeline *p, void *item);
/* 1 when nslots items are in flight. */
int pipeline_is_full(const struct pipeline *p);
/* Items in flight. */
size_t pipeline_inflight(const struct pipeline *p);
/* Waits for the oldest item in flight to be processed and returns it
 * (the caller's again); NULL when none is in flight. */
void *pipeline_next(struct pipeline *p);
/* Stops the workers and joins them (see above). NULL is allowed. */
void pipeline_free(struct pipeline *p);

/* Online CPUs, at least 1. */
unsigned pipeline_cpus(void);

#endif
