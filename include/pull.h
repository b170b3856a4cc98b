/*
 * pull: a profile's remote contacts → its snapshot in the store
 * (snapshot.h, dataset "remote:<profile>").
 *
 * The driver lists the account; every remote contact gets the same
 * cleaning as the list's values (trimmed, whitespace collapsed, NFC), so a
 * stray space at the provider does not look like a change on every run,
 * and its number is normalised with the profile's region (a number the
 * store already holds as valid E.164, in the desired set or the last
 * snapshot, is not parsed again). A number that is not valid is kept
 * under its raw value, never dropped. Records go through
 * an external sort (sorter.h) keyed by number, so memory stays bounded;
 * where a number repeats, the first listed wins. The new snapshot replaces
 * the previous one only when the whole listing arrived: a failed pull
 * leaves the old snapshot live. A contact without a number is a malformed
 * answer (the pull fails). A driver that sees the account change under
 * its paging in a way that could skip someone returns ERR_CHANGED: the
 * listing is then started over, three times in all, before the pull fails
 * with that error.
 *
 * A listing is never trusted too far. It is bounded: a count the account
 * announces, or without one the contacts listed so far, beyond ten times
 * the last snapshot (or the desired set, when larger: a push may have
 * created it all) plus 10,000 (on a first pull, or after an empty
 * snapshot, at least 1,000,000) ends the pull with ERR_REMOTE, as does a
 * sort spill beyond 1 KiB per contact of that bound (both lifted by
 * force). A listing that shrank by more
 * than max_shrink_percent against the last snapshot is not published
 * (ERR_GUARD naming both counts; force accepts it): a provider that
 * suddenly lists nobody would otherwise make the next plan create
 * everyone again.
 *
 * Used by `pull` and `sync`. Knows nothing of the terminal or the log:
 * what it has to say goes to the hooks in struct pull_opts.
 */
#ifndef CONTACTSYNC_PULL_H
#define CONTACTSYNC_PULL_H

#include <stdio.h>

#include "config.h"
#include "err.h"
#include "hook.h"
#include "http.h"
#include "provider.h"
#include "store.h"

/* The shrink guard's default, and the listing's bounds (see above). */
#define PULL_MAX_SHRINK 50
#define PULL_BOUND_FACTOR 10ull
#define PULL_BOUND_SLACK 10000ull
#define PULL_BOUND_FIRST 1000000ull
#define PULL_SPILL_PER_CONTACT 1024ull

/* How far a listing got (borrowed for the call). */
struct pull_progress {
	const char *profile;
	unsigned long long listed;	/* contacts listed so far */
	unsigned long long total;	/* in the account, when the provider says; else 0 */
	unsigned long requests;		/* sent so far, retries included */
	long long wait_ms;		/* spent waiting for the rate limit so far */
};

struct pull_opts {
	int deep;	/* read every contact in full (provider_session.deep) */
	const char *desired;	/* the desired set a listing may consult (atom:
				   which details are worth a request); NULL:
				   "desired" */
	/*
	 * Messages, each hook may be NULL. warn: remote numbers that are not
	 * valid (the first few by name, then how many in all) and repeated
	 * numbers; info: rate-limit waits and retries. Every message names
	 * the profile. progress: how far the listing got, after every page,
	 * and NULL once the listing is over (time to erase a status line).
	 */
	int force;	/* lift the listing's bounds and the shrink guard */
	unsigned max_shrink_percent;	/* 0-100 (pull_cli_init: PULL_MAX_SHRINK) */
	hook_fn *warn;
	hook_fn *info;
	void (*progress)(void *ctx, const struct pull_progress *p);
	void *ctx;
};

struct pull_stats {
	unsigned long long pulled;	/* contacts in the new snapshot */
	unsigned long long invalid;	/* of those, numbers kept raw as not valid */
	unsigned long long duplicates;	/* listed again under a number already seen: dropped */
	struct http_stats http;		/* the session's requests */
};

/*
 * The driver for p's provider, when it can list contacts; else NULL with
 * ERR_CONFIG in info naming the profile.
 */
const struct provider *pull_driver(const struct profile *p, struct errinfo *info);

/*
 * Pulls p's account through drv (from pull_driver) into p's snapshot.
 * stats is filled as far as the pull got. On any error the previous
 * snapshot is unchanged: ERR_AUTH, ERR_REMOTE, ERR_NETWORK, ERR_TIMEOUT from
 * the service (info names the profile, never a secret; ERR_REMOTE also for
 * a listing beyond its bounds), ERR_GUARD for a listing that shrank too
 * much, ERR_CONFIG for missing secrets, store errors.
 */
enum err pull_profile(struct store *st, const struct profile *p, const struct provider *drv,
		      const struct pull_opts *o, struct pull_stats *stats,
		      struct errinfo *info);

/* The stats as a JSON object (new reference): contacts, invalid,
 * duplicates, requests, retries, status_429, rate_wait_s. */
json_t *pull_stats_json(const struct pull_stats *stats);
/* "pulled N contacts from 'p' (driver): R requests, …", one line. */
void pull_stats_print(FILE *fp, const struct profile *p, const struct provider *drv,
		      const struct pull_stats *stats);

#endif
