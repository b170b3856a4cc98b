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
 * This header is the engine's view of the family (what diff, pull, push
 * and migrate call); the drivers' toolkit is provider/driver.h, and the
 * entry points only tests and fuzzers call are in provider/testing.h.
 * The one list of providers is the table in provider.c.
 *
 * Operations that a provider lacks are NULL (no `pull`: it cannot list;
 * no `build_write`: it cannot be written to); the capability bits are
 * facts of its data model that the core plans with, nothing else.
 */
#ifndef CONTACTSYNC_PROVIDER_H
#define CONTACTSYNC_PROVIDER_H

#include <jansson.h>
#include <stddef.h>

#include "buf.h"
#include "contact.h"
#include "err.h"
#include "http.h"
#include "profile.h"

#define PROVIDER_CAP_BULK_CREATE	(1u << 0)	/* build_bulk takes creates */
#define PROVIDER_CAP_BULK_DELETE	(1u << 1)	/* build_bulk takes deletes */
#define PROVIDER_CAP_OPT_OUT		(1u << 2)	/* can set opt-out */
#define PROVIDER_CAP_CUSTOM_SLOTS	(1u << 3)	/* numbered slots (profile custom_slots) */
#define PROVIDER_CAP_TAGS		(1u << 4)
#define PROVIDER_CAP_COMPANY		(1u << 5)
#define PROVIDER_CAP_SPLIT_NAME		(1u << 6)	/* first and last name */
#define PROVIDER_CAP_FULL_NAME		(1u << 7)	/* one name field */

/* Profile keys (profile.h) a provider takes beyond the common ones; the
 * configuration refuses them for the others. */
#define PROVIDER_KEY_ID_SECRET		(1u << 0)	/* api_key_id_env + api_secret_env */
#define PROVIDER_KEY_SUPPRESS_BOOK	(1u << 1)	/* optout_action = suppress_book, suppress_book */

/* A remote contact as a listing gives it. */
struct remote_contact {
	struct contact c;	/* phone: E.164, or the raw remote value when invalid */
	char id[64];		/* the provider's id ("" when it has none: sendblue) */
	int phone_invalid;	/* the remote number is not valid E.164 */
	int partial;		/* only the names are known (atom's book listing):
				   diff compares nothing else */
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
	/* The count the account announces, before any page beyond the one
	   that said it is asked for; an error stops the listing (the count
	   is beyond what the core will follow). May be NULL. */
	enum err (*announce)(void *ctx, unsigned long long total, struct errinfo *info);
};

/*
 * A driver's connection to one account: the profile, an HTTP client set
 * up from it (base URL, auth headers, rate, concurrency, TLS), and what a
 * listing may consult. Opened by provider_session_open; the caller may
 * set deep and desired before the listing.
 */
struct provider_session {
	const struct provider *drv;
	const struct profile *profile;
	struct http_client *http;
	/* A listing reads every contact in full, even where the list alone
	   tells enough (providers whose list gives only part of a contact
	   read the rest one request at a time: `pull --deep`). */
	int deep;
	/* The desired contact for an E.164 number, or NULL (may be unset). */
	const struct contact *(*desired)(void *ctx, const char *e164);
	void *desired_ctx;
	/* The driver's own state (its open hook's, freed by its close hook);
	   the core never looks into it. */
	void *priv;
};

/*
 * Writes. A driver builds the one request for an operation and judges its
 * answer; it never sends anything itself, so an engine decides when to
 * send, how many in flight, and what to journal before and after. The
 * desired contact is the projected one (provider.h's `project`), so only
 * what the provider stores is ever sent.
 *
 * Attempts: build_write sets req->max_attempts. Creates (not idempotent),
 * deletes (a repeat answers 404; atom's opt-out with optout_action =
 * delete is one) and altum updates (500 may mean saved) get one attempt,
 * so every transient failure comes back as RETRY or VERIFY for the engine
 * to decide; updates and opt-outs, which can be repeated harmlessly
 * (sendblue's flag, atom's move to the suppression book), get the HTTP
 * client's retries. An atom opt-out with optout_action = skip is refused
 * (ERR_USAGE): the engine is not to send one.
 */
struct plan_change;	/* change.h; read by the drivers through provider/driver.h */

enum write_kind { WRITE_CREATE, WRITE_UPDATE, WRITE_DELETE, WRITE_OPT_OUT };

struct write_op {
	enum write_kind kind;
	const char *phone;			/* E.164 */
	const struct contact *desired;		/* projected (create, update, opt-out) */
	const struct remote_contact *remote;	/* update, delete, opt-out: id, book, current values */
	const struct plan_change *changes;	/* update (and opt-out, where the provider
						   can change fields with it): these fields */
	size_t nchanges;
};

enum write_outcome {
	WRITE_OK,
	WRITE_FAILED,	/* permanent: 4xx with the server's message */
	WRITE_EXISTS,	/* a create found the number already there */
	WRITE_VERIFY,	/* may have been applied: read back before retrying */
	WRITE_RETRY,	/* transient: try again later */
};

struct write_result {
	enum write_outcome outcome;
	char id[64];		/* the remote id when known (creates: the new one) */
	long status;		/* HTTP status; 0 when no answer arrived */
	char message[256];	/* why, for anything but OK; redacted */
};

const char *provider_write_outcome_name(enum write_outcome o);

struct provider {
	const char *name;
	unsigned caps;			/* PROVIDER_CAP_* */
	unsigned profile_keys;		/* PROVIDER_KEY_* */
	const char *default_base_url;	/* NULL when every account has its own */
	const char *default_rate;	/* "60/60s" … */
	unsigned default_concurrency;

	/*
	 * The provider's own rules on a profile, checked after the common
	 * ones of provider_check_profile (base_url) and before the rest:
	 * ERR_CONFIG with info saying what is wrong in words that follow
	 * "profile 'NAME' " ("needs address_book (…)"); NULL when none.
	 */
	enum err (*check_profile)(const struct profile *p, struct errinfo *info);

	/*
	 * Sets up the driver's state in s->priv once the session's HTTP
	 * client is ready (provider_session_open calls it); close frees it.
	 * NULL for drivers that keep none.
	 */
	enum err (*open)(struct provider_session *s, struct errinfo *info);
	void (*close)(struct provider_session *s);

	/*
	 * Projects a canonical contact onto what this provider stores: out
	 * borrows from in, the profile and scratch (which the caller resets
	 * and keeps alive while out is used; out's arrays are its own).
	 * Used on the desired side before comparing; remote contacts come
	 * out of `pull` already in that shape.
	 */
	enum err (*project)(const struct profile *p, const struct contact *in,
			    struct contact *out, struct buf *scratch);

	/*
	 * Authentication headers for the secrets (values written into buf,
	 * cap bytes); returns how many of out[0..2] are set.
	 */
	size_t (*auth)(const struct secrets *sec, struct http_header out[2],
		       char *buf, size_t cap);

	/* Lists every remote contact into sink; NULL when it cannot list. */
	enum err (*pull)(struct provider_session *s, const struct pull_sink *sink,
			 struct errinfo *info);

	/*
	 * Resolves what build_write needs from the account before the first
	 * write, into the driver's state (atom: the address book's id and,
	 * for optout_action = suppress_book, the suppression book's id,
	 * creating that book when missing: so prepare itself may write);
	 * NULL when nothing is needed.
	 */
	enum err (*prepare)(struct provider_session *s, struct errinfo *info);

	/*
	 * The one request for op: req's strings point into path and body,
	 * which the caller owns and keeps alive until the request is sent.
	 * ERR_USAGE (with info) for an operation the provider cannot do
	 * (altum opt-out) or an update that changes nothing it stores.
	 */
	enum err (*build_write)(const struct provider_session *s, const struct write_op *op,
				struct http_request *req, struct buf *path, struct buf *body,
				struct errinfo *info);
	/* Judges the answer to build_write's request (or its failure). */
	void (*judge_write)(const struct provider_session *s, const struct write_op *op,
			    const struct http_response *r, struct write_result *out);

	/* Bulk (sendblue creates and deletes): n ops of one kind in one
	 * request, one result per op. */
	enum err (*build_bulk)(const struct provider_session *s, enum write_kind kind,
			       const struct write_op *ops, size_t n, struct http_request *req,
			       struct buf *path, struct buf *body, struct errinfo *info);
	void (*judge_bulk)(const struct provider_session *s, enum write_kind kind,
			   const struct write_op *ops, size_t n, const struct http_response *r,
			   struct write_result *results);

	/*
	 * One contact by number, to reconcile a create that may have happened
	 * (sendblue GET by phone); NULL where only a listing can tell. Built
	 * and judged like a write, so an engine sends many at once.
	 * build_lookup: req's path points into path (the caller's).
	 * judge_lookup: ERR_OK with *found 0 for a 404, else 1 and out filled
	 * (out->c contact_init'ed by the caller; its strings borrow from
	 * *root, which the caller json_decref's); an error with info
	 * otherwise, ERR_REMOTE with a 2xx status being an answer cut short
	 * that is worth asking again.
	 */
	enum err (*build_lookup)(const struct provider_session *s, const char *e164,
				 struct http_request *req, struct buf *path, struct errinfo *info);
	enum err (*judge_lookup)(const struct provider_session *s, const struct http_response *r,
				 struct remote_contact *out, int *found, json_t **root,
				 struct errinfo *info);
};

/*
 * Opens a session for profile p with driver drv and the profile's
 * secrets; notify (may be NULL) hears about rate-limit waits and retries.
 * provider_session_close undoes it (harmless after a failed open too).
 */
enum err provider_session_open(struct provider_session *s, const struct provider *drv,
			       const struct profile *p, const struct secrets *sec,
			       void (*notify)(void *ctx, enum http_notice what, long ms,
					      const char *msg),
			       void *notify_ctx, struct errinfo *info);
void provider_session_close(struct provider_session *s);

/*
 * Listing reads are idempotent: they get more attempts than writes, and a
 * body cut short or not JSON (which the HTTP layer cannot judge) is
 * fetched again, up to PROVIDER_READ_TRIES times.
 */
#define PROVIDER_READ_ATTEMPTS 8
#define PROVIDER_READ_TRIES 4

/* The driver named by a profile's `provider` key, or NULL. */
const struct provider *provider_find(const char *name);

/* What a command needs of the profile's driver (provider_for). */
enum provider_need {
	PROVIDER_NEED_ANY,	/* only that it exists */
	PROVIDER_NEED_PULL,	/* it can list contacts */
	PROVIDER_NEED_WRITE,	/* it can be written to */
};

/*
 * The driver of profile p (borrowed, static), or NULL with info (ERR_CONFIG
 * naming the profile) when there is none or it lacks what need asks.
 */
const struct provider *provider_for(const struct profile *p, enum provider_need need,
				    struct errinfo *info);

/*
 * The configuration's questions to the table. provider_names: every
 * provider's name, "altum, atom or sendblue", into out.
 * provider_check_profile: what is wrong with profile p for its provider
 * (p->provider set), worded to follow "profile 'NAME' " in info:
 * base_url, the driver's own rules, the keys only some drivers take
 * (custom_slots, suppress_book), the credentials.
 */
void provider_names(char *out, size_t cap);
enum err provider_check_profile(const struct profile *p, struct errinfo *info);
/* Says which providers can have custom_slots and how many ("atom has
 * only 4 slots") into out, for the configuration's message. */
void provider_slots_words(char *out, size_t cap);

/* Name helpers that projections and conversions share. */

/* "First Last" from the parts when name is empty (into scratch). */
enum err provider_full_name(const struct contact *in, struct str *out,
			    struct buf *scratch);
/* First and last name from the parts, or split from name at its last
 * space when both are empty ("Mary Ann Smith" → "Mary Ann", "Smith"). */
void provider_split_name(const struct contact *in, struct str *first,
			 struct str *last);

#endif
