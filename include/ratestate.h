/*
 * ratestate: a profile's rate limiter carried from one run to the next.
 *
 * A provider counts requests per account, not per process: the listing a
 * pull has just sent used part of the burst that the push starting a second
 * later would otherwise believe it has whole (and likewise the last run's
 * requests for tonight's). The state is kept in the store's "state" table
 * under "ratelimit:<profile>": the tokens left and the wall-clock time they
 * were left at. Nothing is kept for a profile without a rate limit.
 */
#ifndef CONTACTSYNC_RATESTATE_H
#define CONTACTSYNC_RATESTATE_H

#include "provider.h"
#include "hook.h"
#include "store.h"

/* Starts s's limiter from what the profile's last session left (nothing
 * when there is no record, or the clock went back). */
void ratestate_resume(struct store *st, struct provider_session *s);

/* Records what s's limiter has left, for the next session. A failure
 * only costs the next session its knowledge; it is told to warn (with
 * ctx; may be NULL) as a message naming the profile. */
void ratestate_save(struct store *st, struct provider_session *s,
		    hook_fn *warn, void *ctx);

#endif
