/*
 * http: the only door to the network. Drivers call this module, never
 * libcurl.
 *
 * One client talks to one provider (one base URL). Requests are queued with
 * http_submit and carried out by http_run, one event loop on libcurl's multi
 * interface: at most `concurrency` transfers in flight, connections kept
 * alive and reused, HTTP/2 when the server offers it over TLS; no threads.
 * http_do is the synchronous shorthand built on the same loop.
 *
 * Invariants the rest of the program relies on:
 * - Requests only ever go to the base URL's scheme, host and port: the path
 *   must be relative ('/' or '?' first) and redirects are never followed (a
 *   3xx is a final response). So the configured headers (credentials) can
 *   only reach that host.
 * - Plain http:// is refused unless the host is loopback or `insecure` is set.
 * - Every message this module writes (errinfo, response messages, notices)
 *   has gone through http_redact: no configured secret, no header value, no
 *   URL password appears in it, not even cut in half.
 * - Response bodies are capped at max_body: a larger body fails with
 *   ERR_LIMIT before it is held in memory (an endless one too).
 * - Time is bounded three ways: an attempt ends after total_timeout_ms, or
 *   when it receives less than 16 bytes a second for stall_timeout_ms (a
 *   server dripping bytes), and a request, all its attempts and the waits
 *   between them included, ends with ERR_TIMEOUT once deadline_ms have
 *   passed since its first attempt started (no retry starts that could not
 *   finish in time; each attempt's limits are cut to what is left).
 * - Pacing: a token bucket (see ratelimit.h) never exceeds `rate`; a 429
 *   pauses the whole client for what the server asked and halves the rate,
 *   successes bring it back; X-RateLimit-Remaining: 0 pauses until the reset.
 * - Every wait has a ceiling. A wait a server asks for (retry-after-ms,
 *   Retry-After, X-RateLimit-Reset, read by ratehdr.h, which tells seconds
 *   from Unix seconds and milliseconds and distrusts the absurd) that is
 *   longer than max_wait, or that would end after the caller's time budget
 *   (http_set_budget), halts the client: no request leaves any more, those
 *   waiting fail at once with a message naming the header and its value
 *   ("X-RateLimit-Reset: 86400 asks for a wait of 24h, more than max_wait
 *   15m"), and http_halted says why. So does an idle wait of its own
 *   (pacing, a backoff) that would end after the budget. A host name that
 *   does not resolve halts it too: no retry would find it.
 * - Retries: connection errors, timeouts, 408, 429 and 5xx only, with
 *   exponential backoff and jitter, or after what the server asked
 *   (retry-after-ms, Retry-After, X-RateLimit-Reset); `x-should-retry:
 *   true|false` on a 4xx/5xx overrides the decision. Other 4xx are final.
 *   Note that a POST is retried too: drivers set max_attempts = 1 on requests
 *   that must not be repeated.
 *
 * libcurl must be initialised once by main (curl_global_init) before
 * http_new. A client is used from one thread.
 */
#ifndef CONTACTSYNC_HTTP_H
#define CONTACTSYNC_HTTP_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

struct http_client;

struct http_header {
	const char *name;
	const char *value;
};

/* What the client tells the caller through `notify`. */
enum http_notice {
	HTTP_NOTICE_WAIT,	/* idle, waiting for the rate limit or a backoff */
	HTTP_NOTICE_RETRY,	/* an attempt failed and will be repeated */
};

/*
 * Everything is borrowed during http_new only (copied); 0 / NULL picks the
 * default shown.
 */
struct http_config {
	const char *base_url;		/* "https://api.example.com/v2"; no query */
	int insecure;			/* allow http://, skip TLS verification */
	long connect_timeout_ms;	/* per attempt; 10 s */
	long total_timeout_ms;		/* per attempt, whole transfer; 60 s */
	long stall_timeout_ms;		/* abort below 16 B/s for this long; 30 s */
	long deadline_ms;		/* per request, retries and waits included; 10 min */
	size_t max_body;		/* response body cap; 32 MiB */
	unsigned concurrency;		/* transfers in flight; 4 (at most 64) */
	const char *rate;		/* "10/s", "60/60s", "100/m[,burst=B]"; none */
	unsigned max_attempts;		/* per request, first try included; 4 */
	long max_wait_ms;		/* longest wait a server may ask; 15 min */
	/* Sent on every request. Values of headers whose names look like
	 * credentials (auth, key, secret, token, cookie, session, password,
	 * signature) are secrets too, as is the part after "Bearer ". */
	const struct http_header *headers;
	size_t nheaders;
	const char *const *secrets;	/* never shown in any message */
	size_t nsecrets;
	const char *user_agent;		/* "contactsync" */
	/*
	 * Called (when not NULL) with a redacted, human message, e.g.
	 * "waiting 12.0 s for the rate limit": for idle waits of at least
	 * notify_wait_ms (2 s: the steady 1 s pacing of a 60/60s limit is
	 * not news) and for every retry. ms is the wait.
	 */
	void (*notify)(void *ctx, enum http_notice what, long ms, const char *msg);
	void *notify_ctx;
	long notify_wait_ms;
};

/* Borrowed during http_submit / http_do only: the request is copied. */
struct http_request {
	const char *method;		/* "GET", "POST", ...; NULL = GET */
	const char *path;		/* appended to base_url, query included */
	const char *content_type;	/* NULL: none */
	const void *body;
	size_t body_len;
	const struct http_header *headers;	/* extra headers for this request */
	size_t nheaders;
	unsigned max_attempts;		/* 0 = the client's */
};

struct http_response {
	long status;		/* as received, even if the body then broke; 0: none */
	struct buf body;	/* capped by max_body */
	struct buf headers;	/* the final response's header lines, raw */
	long retry_after_ms;	/* what the server asked, -1 absent */
	long ratelimit_remaining;	/* -1 absent */
	long ratelimit_reset_s;	/* seconds from now (Unix times converted); -1 absent */
	int should_retry;	/* x-should-retry: 1, 0, or -1 absent */
	unsigned attempts;
	/*
	 * ERR_OK whenever an HTTP response arrived, whatever its status (the
	 * driver judges 4xx/5xx); otherwise ERR_NETWORK, ERR_TIMEOUT,
	 * ERR_LIMIT (body too large), ERR_NOMEM, ERR_USAGE (bad request).
	 */
	enum err err;
	/* For failures and non-2xx answers: what happened, redacted. */
	char message[256];
};

/*
 * Validates cfg and makes a client (new: free with http_free). ERR_CONFIG
 * with a message for a bad URL, plain http to a non-loopback host, a bad
 * rate, or a header with a line break.
 */
enum err http_new(struct http_client **client, const struct http_config *cfg,
		  struct errinfo *info);
/* Requests still queued are dropped without their callbacks. */
void http_free(struct http_client *client);

/*
 * Queues a request; `done` is called from inside http_run with the response
 * (borrowed: valid during the call; the callback may take the body with
 * buf_detach). The callback may submit more requests. ERR_USAGE for a bad
 * method or path (then `done` is never called).
 */
enum err http_submit(struct http_client *client, const struct http_request *req,
		     void (*done)(void *udata, struct http_response *resp),
		     void *udata, struct errinfo *info);

/*
 * Runs until every submitted request, including those submitted by
 * callbacks, is done. Failed requests are reported through their callbacks;
 * the return value is for the loop itself (ERR_USAGE when called from a
 * callback, ERR_INTERNAL/ERR_NOMEM when libcurl's loop fails, after which
 * every remaining request is completed with that error).
 */
enum err http_run(struct http_client *client, struct errinfo *info);

/*
 * Sends one request and waits for it (and for anything else queued).
 * resp is filled (new: free with http_response_free) whatever the result.
 * Returns resp->err, with the message in info. Not from a callback.
 */
enum err http_do(struct http_client *client, const struct http_request *req,
		 struct http_response *resp, struct errinfo *info);

void http_response_free(struct http_response *resp);

/*
 * The value of the response header `name` (case-insensitive; the last one
 * when repeated) copied into out, or NULL when absent. Values longer than
 * outsize are cut.
 */
const char *http_response_header(const struct http_response *resp,
				 const char *name, char *out, size_t outsize);

struct http_stats {
	unsigned long requests;		/* attempts sent, retries included */
	unsigned long retries;
	unsigned long responses_2xx;
	unsigned long responses_3xx;
	unsigned long responses_4xx;
	unsigned long responses_5xx;
	unsigned long status_429;
	unsigned long transport_errors;	/* no (complete) response */
	long long wait_ms;		/* a free slot held back by the rate limit (429s included) */
	long long backoff_ms;		/* idle, waiting to retry after another failure */
	unsigned long long bytes_in;	/* response body bytes */
};

struct http_stats http_stats(const struct http_client *client);

/* Why a client sends nothing more (see the invariants above). */
enum http_halt {
	HTTP_RUNNING,
	HTTP_HALT_WAIT,		/* a server asked for a wait beyond max_wait (ERR_REMOTE) */
	HTTP_HALT_BUDGET,	/* a wait would end after the time budget (ERR_BUDGET) */
	HTTP_HALT_UNRESOLVED,	/* the host name does not resolve (ERR_NETWORK) */
};

/*
 * The caller's time budget ends ms_from_now from now (0: no budget): a
 * wait that would end after it halts the client with ERR_BUDGET.
 */
void http_set_budget(struct http_client *client, long long ms_from_now);

/* HTTP_RUNNING, or why the client halted, with the error code and its
 * message (naming the header and value that asked) in info. Every request
 * after a halt fails with that code and message. */
enum http_halt http_halted(const struct http_client *client, struct errinfo *info);

/*
 * The rate limiter's tokens left now (0 without a limit), and resuming
 * from what an earlier client of the same account left (ratelimit_resume):
 * how one run hands its limiter's state to the next.
 */
int http_is_rate_limited(const struct http_client *client);
double http_rate_tokens(struct http_client *client);
void http_rate_resume(struct http_client *client, double tokens, long long age_ms);

/* The client's redaction, for callers that build messages of their own. */
void http_client_redact(const struct http_client *client, const char *in,
			char *out, size_t outsize);

/*
 * Copies `in` to `out` (at most outsize - 1 bytes, NUL-terminated) with
 * every occurrence of every non-empty secret replaced by "***". Overlapping
 * secrets are covered as a whole, and the cut happens after redaction, so no
 * part of a secret survives.
 */
void http_redact(const char *in, const char *const *secrets, size_t nsecrets,
		 char *out, size_t outsize);

#endif
