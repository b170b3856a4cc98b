/*
 * phonebatch: phone numbers normalised on a second thread while the caller
 * goes on with the next ones.
 *
 * A pull spends most of its time in libphonenumber (phone.h), one number
 * after the other, while the listing's next page waits. Here numbers are
 * queued with a payload in batches; a full batch goes to a worker thread
 * and the caller fills the next one; a caller that has filled it before
 * the worker is through parses the rest of the worker's batch alongside
 * it instead of waiting. The verdicts come back to the caller,
 * on the caller's thread and in the order the numbers were queued, through
 * the `done` callback: so whatever `done` does (sorting, warnings) sees
 * exactly what a single-threaded loop would.
 *
 * At most two batches exist (one filling, one being parsed), so memory is
 * bounded by the batch size, not by the number of contacts. phone_parse is
 * thread-safe (phone.h).
 */
#ifndef CONTACTSYNC_PHONEBATCH_H
#define CONTACTSYNC_PHONEBATCH_H

#include <stddef.h>

#include "err.h"
#include "phone.h"

struct phonebatch_item {
	const char *raw;	/* the number as queued (borrowed until done returns) */
	size_t rawlen;
	char *payload;		/* the caller's bytes, copied; done may change them */
	size_t paylen;
	struct phone_result pr;	/* the verdict */
};

/* Called for each number in queue order; an error stops the batch and is
 * returned by the phonebatch_add or phonebatch_finish that ran it. */
typedef enum err (*phonebatch_done_fn)(void *ctx, struct phonebatch_item *it,
				       struct errinfo *info);

struct phonebatch;

/* region: the default region for national numbers (copied; NULL or ""
 * for none); batch: numbers per batch (0: 1024). ERR_NOMEM. */
enum err phonebatch_new(struct phonebatch **out, const char *region, size_t batch,
			phonebatch_done_fn done, void *ctx, struct errinfo *info);
/* Queues one number (raw and payload copied). May hand the earlier batch's
 * verdicts to done first. ERR_NOMEM, ERR_PHONE, or done's error. */
enum err phonebatch_add(struct phonebatch *pb, const char *raw, size_t rawlen,
			const void *payload, size_t paylen, struct errinfo *info);
/* The same for a number whose verdict the caller knows already (pr is
 * copied): it keeps its place in the order and is not parsed again. */
enum err phonebatch_add_known(struct phonebatch *pb, const char *raw, size_t rawlen,
			      const void *payload, size_t paylen, const struct phone_result *pr,
			      struct errinfo *info);
/* Every number queued so far through done. */
enum err phonebatch_finish(struct phonebatch *pb, struct errinfo *info);
/* Drops everything queued and not yet done. */
void phonebatch_reset(struct phonebatch *pb);
void phonebatch_free(struct phonebatch *pb);

#endif
