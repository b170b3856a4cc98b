/*
 * provider: the driver interface, one const vtable per provider (in the
 * style of curl's TLS backends). The core asks capabilities, never names.
 *
 * A driver knows its API's dialect: how to authenticate, how to list every
 * remote contact, and what of a canonical contact the provider can store.
 * That last part, `project`, is what keeps diffs honest: the desired
 * contact is projected through the driver before it is compared with the
 * remote one, so a field the provider cannot store (altum has no company,
 * atom no tags, custom fields beyond atom's four slots …) never shows up
 * as a change, and no run ever "updates" it again and again.
 *
 * Operations that a provider lacks are NULL; the capability bits say what
 * the core may plan.
 */
#ifndef CONTACTSYNC_PROVIDER_H
#define CONTACTSYNC_PROVIDER_H

#include <stddef.h>

#include "config.h"
#include "contact.h"
#include "buf.h"
#include "err.h"

#define PROVIDER_CAP_LIST		(1u << 0)	/* full listing */
#define PROVIDER_CAP_BULK_CREATE	(1u << 1)
#define PROVIDER_CAP_BULK_DELETE	(1u << 2)
#define PROVIDER_CAP_OPT_OUT		(1u << 3)	/* can set opt-out */
#define PROVIDER_CAP_PARTIAL_UPDATE	(1u << 4)	/* fields not sent are kept */
#define PROVIDER_CAP_CUSTOM_FIELDS	(1u << 5)	/* named custom fields */
#define PROVIDER_CAP_CUSTOM_SLOTS	(1u << 6)	/* numbered slots (profile custom_slots) */
#define PROVIDER_CAP_TAGS		(1u << 7)
#define PROVIDER_CAP_COMPANY		(1u << 8)
#define PROVIDER_CAP_SPLIT_NAME		(1u << 9)	/* first and last name */
#define PROVIDER_CAP_FULL_NAME		(1u << 10)	/* one name field */
#define PROVIDER_CAP_CUSTOM_MERGE	(1u << 11)	/* custom fields merge: omitted keys stay */

/* A remote contact as a listing gives it. */
struct remote_contact {
	struct contact c;	/* phone: E.164, or the raw remote value when invalid */
	char id[64];		/* the provider's id ("" when it has none: sendblue) */
	int phone_invalid;	/* the remote number is not valid E.164 */
	char book[64];		/* atom: the address book */
};

/* Where a listing goes, one contact at a time (borrowed for the call). */
struct pull_sink {
	enum err (*contact)(void *ctx, const struct remote_contact *rc,
			    struct errinfo *info);
	/* Progress: done so far, and the total when known (else 0). */
	void (*progress)(void *ctx, unsigned long long done,
			 unsigned long long total);
	void *ctx;
};

struct provider_session;	/* a driver's connection state (opaque) */

struct provider {
	const char *name;
	unsigned caps;
	const char *default_base_url;	/* NULL when every account has its own */
	const char *default_rate;	/* "60/60s" … */
	unsigned default_concurrency;

	/*
	 * Projects a canonical contact onto what this provider stores: out
	 * borrows from in, the profile and scratch (which the caller resets
	 * and keeps alive while out is used; out's arrays are its own).
	 * Used on the desired side before comparing; remote contacts come
	 * out of `pull` already in that shape.
	 */
	enum err (*project)(const struct profile *p, const struct contact *in,
			    struct contact *out, struct buf *scratch);

	/* Lists every remote contact into sink; NULL without CAP_LIST. */
	enum err (*pull)(struct provider_session *s, const struct pull_sink *sink,
			 struct errinfo *info);
};

/* The driver named by a profile's `provider` key, or NULL. */
const struct provider *provider_find(const char *name);

/* Helpers for drivers' projections. */

/* "First Last" from the parts when name is empty (into scratch). */
enum err provider_full_name(const struct contact *in, struct str *out,
			    struct buf *scratch);
/* First and last name from the parts, or split from name at its last
 * space when both are empty ("Mary Ann Smith" → "Mary Ann", "Smith"). */
void provider_split_name(const struct contact *in, struct str *first,
			 struct str *last);
/* s cut to at most max characters (UTF-8 code points), never mid-character. */
struct str provider_cut(struct str s, size_t max);

extern const struct provider provider_altum;
extern const struct provider provider_atom;
extern const struct provider provider_sendblue;

#endif
