/*
 * provider/driver.h: the drivers' toolkit (curl's vtls_int.h beside
 * vtls.h). What every dialect shares: judging an answer, tolerant JSON
 * reading, request bodies, the change list of an update, projections.
 * Only src/provider/ includes it; the engine's view is provider.h.
 */
#ifndef CONTACTSYNC_PROVIDER_DRIVER_H
#define CONTACTSYNC_PROVIDER_DRIVER_H

#include <stddef.h>

#include <jansson.h>

#include "buf.h"
#include "contact.h"
#include "err.h"
#include "http.h"
#include "provider.h"

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

/* http_do + provider_check + provider_json, with the retries of a read
 * (PROVIDER_READ_ATTEMPTS, PROVIDER_READ_TRIES: provider.h). */
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

/*
 * A 2xx is only as good as its body: when out is OK but the body is not a
 * JSON object (cut short, an error page, the wrong shape), out becomes
 * VERIFY ("the answer could not be read"), so the engine checks the
 * operation instead of taking it as done. empty_ok: an empty body is the
 * expected answer (altum's DELETE).
 */
void provider_judge_body(const struct http_response *r, int empty_ok, struct write_result *out);

/* Appends "key=value" (with '&' unless first) to a form body, the value
 * percent-encoded ('+' as %2B, space as %20). */
enum err provider_form_add(struct buf *body, const char *key, struct str val);
/* Percent-encodes len bytes of s into out (unreserved characters kept). */
enum err provider_urlencode_n(const char *s, size_t len, struct buf *out);
/* o as compact JSON into body (emptied first); steals nothing. */
enum err provider_json_body(json_t *o, struct buf *body);
/* A JSON string from a struct str (new reference; NULL on bad UTF-8). */
json_t *provider_json_strn(struct str s);

/*
 * An update's changes (write_op.changes, change.h's struct plan_change,
 * read only in provider.c): whether op's changes
 * include field ("name" …), the custom field key (matched the way diff
 * names it, long keys cut alike), or any custom.
 */
int provider_has_change(const struct write_op *op, const char *field);
int provider_has_custom_change(const struct write_op *op, struct str key);
int provider_has_any_custom_change(const struct write_op *op);

/* Helpers for drivers' projections (and provider_full_name,
 * provider_split_name: provider.h). */

/* Starts a projection: out emptied, then identity, raw phone, opt-out
 * and source copied from in (what every provider keeps). */
void provider_project_start(const struct contact *in, struct contact *out);

/* s cut to at most max characters (UTF-8 code points), never mid-character. */
struct str provider_cut(struct str s, size_t max);

#endif
