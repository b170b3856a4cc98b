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
#include "http.h"
#include <jansson.h>

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
};

/*
 * A driver's connection to one account: the profile, an HTTP client set
 * up from it (base URL, auth headers, rate, concurrency, TLS), and what a
 * listing may consult. Opened by provider_session_open.
 */
struct provider_session {
	const struct provider *drv;
	const struct profile *profile;
	struct http_client *http;
	int deep;		/* atom: read every contact's detail */
	/* The desired contact for an E.164 number, or NULL (may be unset). */
	const struct contact *(*desired)(void *ctx, const char *e164);
	void *desired_ctx;
	/* atom: the address book's id, once a listing or `prepare` found it */
	char book_id[64];
	/* atom: the id of the book opted-out contacts move to, resolved (and
	   created when missing) by `prepare` when the profile's optout_action
	   is suppress_book; "" otherwise */
	char suppress_book_id[64];
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
struct plan_change;	/* diff.h */

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

	/*
	 * Authentication headers for the secrets (values written into buf,
	 * cap bytes); returns how many of out[0..2] are set.
	 */
	size_t (*auth)(const struct secrets *sec, struct http_header out[2],
		       char *buf, size_t cap);

	/* Lists every remote contact into sink; NULL without CAP_LIST. */
	enum err (*pull)(struct provider_session *s, const struct pull_sink *sink,
			 struct errinfo *info);

	/*
	 * Resolves what build_write needs from the account before the first
	 * write (atom: the address book id into s->book_id and, for
	 * optout_action = suppress_book, the suppression book's id into
	 * s->suppress_book_id, creating that book when missing: so prepare
	 * itself may write); NULL when nothing is needed.
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
 */
enum err provider_session_open(struct provider_session *s, const struct provider *drv,
			       const struct profile *p, const struct secrets *sec,
			       void (*notify)(void *ctx, enum http_notice what, long ms,
					      const char *msg),
			       void *notify_ctx, struct errinfo *info);
void provider_session_close(struct provider_session *s);

/*
 * Judges a response: ERR_OK for 2xx; otherwise ERR_AUTH for 401/403,
 * ERR_REMOTE for other statuses and failures (ERR_NETWORK, ERR_TIMEOUT
 * kept), with a message naming the profile and `what` (e.g. "listing
 * page 3") and the server's (redacted) message.
 */
enum err provider_check(const struct provider_session *s, const char *what,
			const struct http_response *r, struct errinfo *info);

/* Percent-encodes s for a URL query or path segment into out. */
enum err provider_urlencode(const char *s, struct buf *out);

/* JSON helpers for tolerant parsing (servers send ids as numbers or
 * strings, old builds camelCase keys). Results are borrowed from o. */
struct str provider_json_str(json_t *o, const char *key, const char *alt);
/* An id (number or string) into out; 0 when absent or not an id. */
int provider_json_id(json_t *o, const char *key, char *out, size_t cap);
/* A flag that may be a boolean, 0/1, or "true"/"false"/"1"/"0" (servers
 * that send strings for everything); 0 when absent or anything else. */
int provider_json_bool(json_t *o, const char *key, const char *alt);
/* A count that may be a number or a numeric string; -1 when absent. */
long long provider_json_count(json_t *o, const char *key);
/*
 * Listing reads are idempotent: they get more attempts than writes, and a
 * body cut short or not JSON (which the HTTP layer cannot judge) is
 * fetched again, up to PROVIDER_READ_TRIES times.
 */
#define PROVIDER_READ_ATTEMPTS 8
#define PROVIDER_READ_TRIES 4

/* http_do + provider_check + provider_json, with those retries. */
enum err provider_fetch_json(const struct provider_session *s,
			     struct http_request *req, const char *what,
			     json_t **out, struct errinfo *info);

/* Parses a 2xx body as JSON, or says which request gave bad JSON. */
enum err provider_json(const struct provider_session *s, const char *what,
		       const struct http_response *r, json_t **out,
		       struct errinfo *info);

/* Helpers for drivers' writes. */

/*
 * The outcome every dialect shares, from the status alone: 2xx OK; 409
 * EXISTS for a create, else FAILED; 408/429/5xx RETRY, except a create
 * answered 5xx or 303 See Other (VERIFY: it may have been applied); other
 * statuses FAILED (redirects are never followed: 301/302/307/308 say the
 * request was not carried out here).
 * A transport failure is RETRY, or VERIFY for a create once the request
 * may have reached the server. x-should-retry overrides RETRY/FAILED.
 * The message is the server's own words (redacted); out->id is left "".
 */
void provider_judge_status(const struct provider_session *s, int create,
			   const struct http_response *r, struct write_result *out);

/* Appends "key=value" (with '&' unless first) to a form body, the value
 * percent-encoded ('+' as %2B, space as %20). */
enum err provider_form_add(struct buf *body, const char *key, struct str val);
/* Percent-encodes len bytes of s into out (unreserved characters kept). */
enum err provider_urlencode_n(const char *s, size_t len, struct buf *out);
/* o as compact JSON into body (emptied first); steals nothing. */
enum err provider_json_body(json_t *o, struct buf *body);
/* A JSON string from a struct str (new reference; NULL on bad UTF-8). */
json_t *provider_json_strn(struct str s);
/* The key of a "custom:KEY" change field, or NULL for other fields. */
const char *provider_change_custom_key(const char *field);
/* Whether op's changes include field ("name" …), the custom field key
 * (matched the way diff names it, long keys cut alike), or any custom. */
int provider_changes(const struct write_op *op, const char *field);
int provider_changes_custom(const struct write_op *op, struct str key);
int provider_changes_any_custom(const struct write_op *op);

/* The driver named by a profile's `provider` key, or NULL. */
const struct provider *provider_find(const char *name);

/* Helpers for drivers' projections. */

/* Starts a projection: out emptied, then identity, raw phone, opt-out
 * and source copied from in (what every provider keeps). */
void provider_project_start(const struct contact *in, struct contact *out);

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

/*
 * The listings' parsers: the half of a listing request that reads the
 * answer (r: status and body, as http_do gives it), sending nothing. Each
 * judges r like the listing does (provider_check, then the JSON), then
 * hands every contact to sink; the pulls call them, and tests/fuzz calls
 * them on arbitrary bodies. s needs a profile and an http client (for
 * redaction); atom's book reading must have s->deep 0 and no s->desired,
 * else it would queue detail requests on s->http.
 */
/* altum: one page of GET /api/contacts (the first: its meta is read). */
enum err altum_parse_page(struct provider_session *s, const struct http_response *r,
			  const struct pull_sink *sink, struct errinfo *info);
/* atom: the address book list, the id of the book `want` names or
 * numbers into id ("" when none); the book's contacts (partial, in book
 * s->book_id); one contact's detail. */
enum err atom_parse_books(const struct provider_session *s, const struct http_response *r,
			  const char *want, char *id, size_t cap, struct errinfo *info);
enum err atom_parse_book(struct provider_session *s, const struct http_response *r,
			 const struct pull_sink *sink, struct errinfo *info);
enum err atom_parse_contact(struct provider_session *s, const struct http_response *r,
			    const struct pull_sink *sink, struct errinfo *info);
/* sendblue: one page of GET /api/v2/contacts. */
enum err sendblue_parse_page(struct provider_session *s, const struct http_response *r,
			     const struct pull_sink *sink, struct errinfo *info);

#endif
