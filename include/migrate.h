/*
 * migrate: one provider account's contacts as another profile's desired
 * set, for `contactsync migrate --from A --to B`.
 *
 * A's snapshot (a deep pull) is read as canonical contacts (snapshot.h:
 * the driver already named every field the canonical way, atom's slots by
 * A's custom_slots) and written as the dataset "migrate:<A>", which B's
 * push then uses as its desired set (push_opts.desired), so the imported
 * list of a nightly sync is left alone. Every contact of A is accounted
 * for:
 *   - carried: in the dataset, with A's opt-out state (an opted-out
 *     contact arrives opted out at B, or as B's optout_action says);
 *   - not carried, each named in not_migrated.csv (phone, reason): A holds
 *     a number that is not a valid phone number, or only a contact's name
 *     is known (an atom listing without details).
 * Every value B has no place for (a custom field outside B's
 * custom_slots, tags or a company where B keeps none) or keeps shortened
 * is written to unmapped.csv (phone, field, value, what B keeps) and
 * counted by field; nothing is dropped without a word.
 *
 * Opt-outs B cannot record: a contact opted out at A that B has no
 * opt-out for is not created there (plan.h), and migrate_remember_optouts
 * adds its number to B's optouts table, so no later push to B (a nightly
 * sync whose list still has the number) ever subscribes it.
 */
#ifndef CONTACTSYNC_MIGRATE_H
#define CONTACTSYNC_MIGRATE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "err.h"
#include "provider.h"
#include "store.h"

/* A field of A's contacts that B does not keep whole. */
struct migrate_field {
	char *name;		/* "custom:plan", "tags", "company", "name" */
	uint64_t dropped;	/* contacts whose value B has no place for */
	uint64_t cut;		/* contacts whose value B keeps shortened */
};

struct migrate_stats {
	uint64_t contacts;	/* in A's snapshot */
	uint64_t carried;	/* in the dataset */
	uint64_t opted_out;	/* of those, opted out at A */
	uint64_t invalid;	/* not carried: not a valid phone number */
	uint64_t partial;	/* not carried: only the name known */
	uint64_t values;	/* rows of unmapped.csv */
	struct migrate_field *fields;	/* in the order first seen */
	size_t nfields;
};

/* "migrate:<from>" into out (cap bytes). */
void migrate_dataset(const char *from, char *out, size_t cap);

/*
 * Writes migrate_dataset(from->name) from from's snapshot, projecting
 * each contact through to_drv for to's profile to find what it loses;
 * unmapped.csv and not_migrated.csv go to dir (which exists). ERR_USAGE
 * when from has no snapshot; store and file errors. The dataset replaces
 * the previous one whole or not at all; so do the two files.
 */
enum err migrate_convert(struct store *st, const struct profile *from,
			 const struct profile *to, const struct provider *to_drv,
			 const char *dir, struct migrate_stats *s, struct errinfo *info);

/*
 * Adds every opted-out contact of the dataset to to's optouts table when
 * to_drv cannot record an opt-out (push.h's push_optouts_table); *added
 * counts the numbers new to it.
 */
enum err migrate_remember_optouts(struct store *st, const char *dataset,
				  const struct profile *to, const struct provider *to_drv,
				  uint64_t *added, struct errinfo *info);

/* The stats as a JSON object (new reference), for the run record. */
json_t *migrate_stats_json(const struct migrate_stats *s);

void migrate_stats_free(struct migrate_stats *s);

#endif
