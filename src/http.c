/*
 * http: requests to one provider over libcurl's multi interface.
 *
 * A request is a job. Jobs wait in `pending` (FIFO; a job backing off before
 * a retry has a not_before time and is skipped until then), move to `active`
 * while curl carries out one attempt, and go back to `pending` for a retry or
 * end with their `done` callback. The loop in http_run starts pending jobs
 * while there are free slots (concurrency) and the rate limiter agrees, lets
 * curl work, and collects finished attempts.
 *
 * CURLcodes and CURLMcodes stop here: a job ends with an `enum err` and a
 * redacted message.
 */
#include "http.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "duration.h"
#include "ratehdr.h"
#include "ratelimit.h"

#define DEF_CONNECT_MS 10000L
#define DEF_TOTAL_MS 60000L
#define DEF_STALL_MS 30000L
#define DEF_DEADLINE_MS 600000L
#define DEF_MAX_BODY ((size_t)32 << 20)
#define DEF_CONCURRENCY 4u
#define MAX_CONCURRENCY 64u
#define DEF_ATTEMPTS 4u
#define DEF_MAX_WAIT_MS 900000L
#define DEF_NOTIFY_MS 2000L
/* Below this many bytes per second for stall_timeout_ms, a transfer is
 * dead: a server dripping a byte now and then must not hold a slot. */
#define STALL_BYTES_PER_S 16L
/* Header lines of one response; curl caps a single line at 100 KiB. */
#define HEADERS_MAX ((size_t)256 << 10)
#define BACKOFF_BASE_MS 500L
#define BACKOFF_MAX_MS 30000L
#define MSG_MAX ((size_t)64 << 10)

struct job {
	struct job *next;
	char *method;
	char *url;
	char *body;
	size_t body_len;
	struct curl_slist *hdrs;
	unsigned max_attempts;
	void (*done)(void *udata, struct http_response *resp);
	void *udata;
	CURL *easy;
	long long not_before;	/* monotonic ms; backoff before a retry */
	long long sent_ms;
	long long first_ms;	/* monotonic ms the first attempt started; 0 before */
	long attempt_ms;	/* this attempt's whole-transfer limit */
	enum err body_err;	/* set when a callback refused data */
	/* the raw values of the headers that ask for a wait, for ratehdr
	 * and for the message that names them ("" absent) */
	char ra_ms_raw[128];	/* retry-after-ms */
	char ra_raw[128];	/* Retry-After */
	char reset_raw[128];	/* X-RateLimit-Reset */
	struct http_response resp;
	char errbuf[CURL_ERROR_SIZE];
};

struct http_client {
	CURLM *multi;
	char *base;		/* base URL without a trailing '/' */
	char *origin;		/* "scheme://host:port" every request must keep */
	int https;
	int insecure;
	long connect_ms, total_ms, stall_ms, deadline_ms, max_wait_ms, notify_ms;
	size_t max_body;
	unsigned concurrency, max_attempts;
	char *user_agent;
	char **headers;		/* "Name: value" lines, sent on every request */
	size_t nheaders;
	char **secrets;
	size_t nsecrets;
	struct ratelimit rl;
	struct job *pending, *pending_tail;
	struct job *active;
	unsigned nactive;
	int running;
	int broken;		/* the loop failed: no new requests */
	long long notified_until;
	long long end_ms;	/* the caller's time budget ends (monotonic); 0: none */
	enum err halt_err;	/* ERR_OK, or why no request leaves any more */
	enum http_halt halt_why;
	char halt_msg[256];
	uint64_t rng;
	struct http_stats stats;
	void (*notify)(void *ctx, enum http_notice what, long ms, const char *msg);
	void *notify_ctx;
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- redaction ------------------------------------------------------- */

void http_redact(const char *in, const char *const *secrets, size_t nsecrets,
		 char *out, size_t outsize)
{
	size_t len, i, k, o = 0;
	unsigned char *mask;

	if (!outsize)
		return;
	len = strlen(in);
	mask = calloc(len + 1, 1);
	if (!mask) {
		/* Fail closed: better no message than a leaked one. */
		snprintf(out, outsize, "(message withheld: out of memory)");
		return;
	}
	for (k = 0; k < nsecrets; k++) {
		const char *s = secrets[k], *p = in;
		size_t slen = s ? strlen(s) : 0;

		if (!slen)
			continue;
		while ((p = strstr(p, s))) {
			memset(mask + (p - in), 1, slen);
			p++;
		}
	}
	for (i = 0; i < len && o + 1 < outsize;) {
		if (!mask[i]) {
			out[o++] = in[i++];
			continue;
		}
		for (k = 0; k < 3 && o + 1 < outsize; k++)
			out[o++] = '*';
		while (i < len && mask[i])
			i++;
	}
	out[o] = '\0';
	free(mask);
}

void http_client_redact(const struct http_client *c, const char *in,
			char *out, size_t outsize)
{
	http_redact(in, (const char *const *)c->secrets, c->nsecrets, out, outsize);
}

/* Formats the whole message before redacting it, so that a cut can never
 * leave the first half of a secret behind. */
static void vformat_redacted(const struct http_client *c, char *out,
			     size_t outsize, const char *fmt, va_list ap)
{
	char *full = malloc(MSG_MAX);

	if (!full) {
		snprintf(out, outsize, "(message withheld: out of memory)");
		return;
	}
	vsnprintf(full, MSG_MAX, fmt, ap);
	http_client_redact(c, full, out, outsize);
	free(full);
}

__attribute__((format(printf, 4, 5)))
static void format_redacted(const struct http_client *c, char *out,
			    size_t outsize, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vformat_redacted(c, out, outsize, fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 4, 5)))
static enum err fail(const struct http_client *c, struct errinfo *info,
		     enum err code, const char *fmt, ...)
{
	va_list ap;

	if (!info)
		return code;
	info->code = code;
	va_start(ap, fmt);
	vformat_redacted(c, info->msg, sizeof(info->msg), fmt, ap);
	va_end(ap);
	return code;
}

__attribute__((format(printf, 4, 5)))
static void notify(struct http_client *c, enum http_notice what, long ms,
		   const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (!c->notify)
		return;
	va_start(ap, fmt);
	vformat_redacted(c, msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->notify(c->notify_ctx, what, ms, msg);
}

static enum err add_secret(struct http_client *c, const char *s, size_t len)
{
	char **v;
	char *copy;

	if (!len)
		return ERR_OK;
	copy = strndup(s, len);
	if (!copy)
		return ERR_NOMEM;
	v = realloc(c->secrets, (c->nsecrets + 1) * sizeof(*v));
	if (!v) {
		free(copy);
		return ERR_NOMEM;
	}
	c->secrets = v;
	c->secrets[c->nsecrets++] = copy;
	return ERR_OK;
}

/* A secret and its percent-encoded form: it may travel in a query string. */
static enum err add_secret_forms(struct http_client *c, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	char *enc;
	size_t i, o = 0;
	enum err e;

	e = add_secret(c, s, len);
	if (e || !len)
		return e;
	enc = malloc(len * 3 + 1);
	if (!enc)
		return ERR_NOMEM;
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (isalnum(ch) || strchr("-._~", ch)) {
			enc[o++] = (char)ch;
		} else {
			enc[o++] = '%';
			enc[o++] = hex[ch >> 4];
			enc[o++] = hex[ch & 15];
		}
	}
	e = o != len ? add_secret(c, enc, o) : ERR_OK;
	free(enc);
	return e;
}

/* Header names that carry credentials: their values are secrets. */
static int is_credential_header(const char *name)
{
	static const char *const words[] = {
		"auth", "key", "secret", "token", "cookie", "session", "password",
		"signature",
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasestr(name, words[i]))
			return 1;
	return 0;
}

/* ---- configuration --------------------------------------------------- */

static int is_tchar(int ch)
{
	return isalnum(ch) || (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

static int valid_header(const struct http_header *h)
{
	const char *p;

	if (!h->name || !*h->name || !h->value)
		return 0;
	for (p = h->name; *p; p++)
		if (!is_tchar((unsigned char)*p))
			return 0;
	return !strpbrk(h->value, "\r\n");
}

/* "Name: value", or "Name;" which is how curl sends an empty value. */
static char *header_line(const struct http_header *h)
{
	size_t n = strlen(h->name) + strlen(h->value) + 3;
	char *s = malloc(n);

	if (!s)
		return NULL;
	if (*h->value)
		snprintf(s, n, "%s: %s", h->name, h->value);
	else
		snprintf(s, n, "%s;", h->name);
	return s;
}

static int is_loopback(const char *host)
{
	unsigned char a[16];
	char tmp[64];
	size_t n = strlen(host);

	if (strcasecmp(host, "localhost") == 0 || strcasecmp(host, "localhost.") == 0)
		return 1;
	if (inet_pton(AF_INET, host, a) == 1)
		return a[0] == 127;
	if (n < 3 || n - 2 >= sizeof(tmp) || host[0] != '[' || host[n - 1] != ']')
		return 0;
	memcpy(tmp, host + 1, n - 2);
	tmp[n - 2] = '\0';
	if (inet_pton(AF_INET6, tmp, a) != 1)
		return 0;
	if (memcmp(a, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 16) == 0)
		return 1;
	/* ::ffff:127.x.x.x */
	return memcmp(a, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0 && a[12] == 127;
}

/*
 * "scheme://host:port" of url (new, free()), with the host for the loopback
 * check and the password for the secrets. NULL when url does not parse.
 */
static char *url_origin(const char *url, char **host_out, char **password_out,
			int *has_query)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *query = NULL;
	char *fragment = NULL, *origin = NULL;
	size_t n;

	if (!u)
		return NULL;
	if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME))
		goto done;
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT))
		goto done;
	if (has_query)
		*has_query = !curl_url_get(u, CURLUPART_QUERY, &query, 0) ||
			     !curl_url_get(u, CURLUPART_FRAGMENT, &fragment, 0);
	if (password_out)
		curl_url_get(u, CURLUPART_PASSWORD, password_out, 0);
	n = strlen(scheme) + strlen(host) + strlen(port) + 5;
	origin = malloc(n);
	if (origin) {
		for (char *p = scheme; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		for (char *p = host; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		snprintf(origin, n, "%s://%s:%s", scheme, host, port);
	}
	if (host_out && origin) {
		*host_out = strdup(host);
		if (!*host_out) {
			free(origin);
			origin = NULL;
		}
	}
done:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(query);
	curl_free(fragment);
	curl_url_cleanup(u);
	return origin;
}

static enum err collect_secrets(struct http_client *c,
				const struct http_config *cfg)
{
	enum err e = ERR_OK;
	size_t i;

	for (i = 0; !e && i < cfg->nsecrets; i++)
		if (cfg->secrets[i])
			e = add_secret_forms(c, cfg->secrets[i], strlen(cfg->secrets[i]));
	for (i = 0; !e && i < cfg->nheaders; i++) {
		const char *v = cfg->headers[i].value, *sp;

		if (!v || !cfg->headers[i].name || !is_credential_header(cfg->headers[i].name))
			continue;
		e = add_secret_forms(c, v, strlen(v));
		/* "Bearer <token>": the token alone is the secret too. */
		sp = strchr(v, ' ');
		if (!e && sp)
			e = add_secret_forms(c, sp + 1, strlen(sp + 1));
	}
	return e;
}

static enum err check_base_url(struct http_client *c,
			       const struct http_config *cfg,
			       struct errinfo *info)
{
	char *host = NULL, *password = NULL;
	int has_query = 0;
	enum err e = ERR_OK;
	size_t n;

	if (!cfg->base_url || !*cfg->base_url)
		return err_set(info, ERR_CONFIG, "no base URL for the HTTP client");
	c->origin = url_origin(cfg->base_url, &host, &password, &has_query);
	if (password)
		e = add_secret_forms(c, password, strlen(password));
	if (e)
		goto done;
	if (!c->origin) {
		/* Unparsed, it may hold a password we could not find: not shown. */
		if (strchr(cfg->base_url, '@'))
			e = err_set(info, ERR_CONFIG, "invalid base URL");
		else
			e = fail(c, info, ERR_CONFIG, "invalid base URL '%s'", cfg->base_url);
		goto done;
	}
	if (strncmp(c->origin, "https://", 8) == 0) {
		c->https = 1;
	} else if (strncmp(c->origin, "http://", 7) != 0) {
		e = fail(c, info, ERR_CONFIG, "base URL '%s' is not http or https",
			 cfg->base_url);
		goto done;
	} else if (!cfg->insecure && !is_loopback(host)) {
		e = fail(c, info, ERR_CONFIG,
			 "refusing plain http to '%s': use https (or allow insecure connections)",
			 host);
		goto done;
	}
	if (has_query) {
		e = fail(c, info, ERR_CONFIG,
			 "base URL '%s' has a query or fragment: put it in the request path",
			 cfg->base_url);
		goto done;
	}
	c->base = strdup(cfg->base_url);
	if (!c->base) {
		e = ERR_NOMEM;
		goto done;
	}
	n = strlen(c->base);
	while (n > 0 && c->base[n - 1] == '/')
		c->base[--n] = '\0';
done:
	free(host);
	curl_free(password);
	return e;
}

static enum err copy_headers(struct http_client *c,
			     const struct http_config *cfg,
			     struct errinfo *info)
{
	size_t i;

	if (!cfg->nheaders)
		return ERR_OK;
	c->headers = calloc(cfg->nheaders, sizeof(*c->headers));
	if (!c->headers)
		return ERR_NOMEM;
	for (i = 0; i < cfg->nheaders; i++) {
		if (!valid_header(&cfg->headers[i]))
			return fail(c, info, ERR_CONFIG,
				    "invalid header '%s': bad name, or a line break in its value",
				    cfg->headers[i].name ? cfg->headers[i].name : "(null)");
		c->headers[i] = header_line(&cfg->headers[i]);
		if (!c->headers[i])
			return ERR_NOMEM;
		c->nheaders = i + 1;
	}
	return ERR_OK;
}

static void apply_defaults(struct http_client *c, const struct http_config *cfg)
{
	c->insecure = cfg->insecure;
	c->connect_ms = cfg->connect_timeout_ms > 0 ? cfg->connect_timeout_ms : DEF_CONNECT_MS;
	c->total_ms = cfg->total_timeout_ms > 0 ? cfg->total_timeout_ms : DEF_TOTAL_MS;
	c->stall_ms = cfg->stall_timeout_ms > 0 ? cfg->stall_timeout_ms : DEF_STALL_MS;
	c->deadline_ms = cfg->deadline_ms > 0 ? cfg->deadline_ms : DEF_DEADLINE_MS;
	c->max_wait_ms = cfg->max_wait_ms > 0 ? cfg->max_wait_ms : DEF_MAX_WAIT_MS;
	c->notify_ms = cfg->notify_wait_ms > 0 ? cfg->notify_wait_ms : DEF_NOTIFY_MS;
	c->max_body = cfg->max_body ? cfg->max_body : DEF_MAX_BODY;
	c->concurrency = cfg->concurrency ? cfg->concurrency : DEF_CONCURRENCY;
	if (c->concurrency > MAX_CONCURRENCY)
		c->concurrency = MAX_CONCURRENCY;
	c->max_attempts = cfg->max_attempts ? cfg->max_attempts : DEF_ATTEMPTS;
	c->notify = cfg->notify;
	c->notify_ctx = cfg->notify_ctx;
	c->rng = (uint64_t)now_ms() * 0x9E3779B97F4A7C15ull ^ (uint64_t)getpid() ^
		 (uint64_t)(uintptr_t)c;
	if (!c->rng)
		c->rng = 1;
}

static enum err setup_multi(struct http_client *c)
{
	long n = (long)c->concurrency;

	c->multi = curl_multi_init();
	if (!c->multi)
		return ERR_NOMEM;
	/* One connection per slot, kept in the cache for the next request;
	 * HTTP/2 multiplexes all slots on one. */
	if (curl_multi_setopt(c->multi, CURLMOPT_MAX_HOST_CONNECTIONS, n) ||
	    curl_multi_setopt(c->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, n) ||
	    curl_multi_setopt(c->multi, CURLMOPT_MAXCONNECTS, n) ||
	    curl_multi_setopt(c->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX))
		return ERR_INTERNAL;
	return ERR_OK;
}

enum err http_new(struct http_client **client, const struct http_config *cfg,
		  struct errinfo *info)
{
	struct http_client *c;
	struct ratelimit_spec spec;
	enum err e;

	*client = NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return err_set(info, ERR_NOMEM, "out of memory");
	apply_defaults(c, cfg);
	/* Secrets first: every message below already goes through them. */
	e = collect_secrets(c, cfg);
	if (!e)
		e = check_base_url(c, cfg, info);
	if (!e)
		e = copy_headers(c, cfg, info);
	if (!e)
		e = ratelimit_parse(cfg->rate, &spec, info);
	if (e)
		goto fail;
	ratelimit_init(&c->rl, &spec, now_ms());
	c->user_agent = strdup(cfg->user_agent ? cfg->user_agent : "contactsync");
	if (!c->user_agent) {
		e = ERR_NOMEM;
		goto fail;
	}
	e = setup_multi(c);
	if (e)
		goto fail;
	*client = c;
	return ERR_OK;
fail:
	if (e == ERR_NOMEM)
		err_set(info, e, "out of memory");
	else if (e == ERR_INTERNAL)
		err_set(info, e, "cannot set up libcurl's multi interface");
	http_free(c);
	return e;
}

/* ---- jobs -------------------------------------------------------------- */

static void response_init(struct http_response *r, size_t max_body)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->body, max_body);
	buf_init(&r->headers, HEADERS_MAX);
	r->retry_after_ms = -1;
	r->ratelimit_remaining = -1;
	r->ratelimit_reset_s = -1;
	r->should_retry = -1;
}

void http_response_free(struct http_response *resp)
{
	if (!resp)
		return;
	buf_free(&resp->body);
	buf_free(&resp->headers);
}

static void job_free(struct job *j)
{
	if (!j)
		return;
	if (j->easy)
		curl_easy_cleanup(j->easy);
	curl_slist_free_all(j->hdrs);
	http_response_free(&j->resp);
	free(j->method);
	free(j->url);
	free(j->body);
	free(j);
}

void http_free(struct http_client *c)
{
	struct job *j;
	size_t i;

	if (!c)
		return;
	while ((j = c->active)) {
		c->active = j->next;
		curl_multi_remove_handle(c->multi, j->easy);
		job_free(j);
	}
	while ((j = c->pending)) {
		c->pending = j->next;
		job_free(j);
	}
	if (c->multi)
		curl_multi_cleanup(c->multi);
	for (i = 0; i < c->nheaders; i++)
		free(c->headers[i]);
	free(c->headers);
	for (i = 0; i < c->nsecrets; i++)
		free(c->secrets[i]);
	free(c->secrets);
	free(c->user_agent);
	free(c->origin);
	free(c->base);
	free(c);
}

static int valid_method(const char *m)
{
	if (!*m)
		return 0;
	for (; *m; m++)
		if (!is_tchar((unsigned char)*m))
			return 0;
	return 1;
}

/* A relative path with nothing that could change the host or the request
 * line; the origin check afterwards is the proof. */
static int valid_path(const char *p)
{
	if (*p && *p != '/' && *p != '?')
		return 0;
	for (; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f || *p == '#' || *p == '\\')
			return 0;
	return 1;
}

static enum err build_url(struct http_client *c, struct job *j,
			  const char *path, struct errinfo *info)
{
	size_t n = strlen(c->base) + strlen(path) + 1;
	char *origin;
	int same;

	if (!valid_path(path))
		return fail(c, info, ERR_USAGE,
			    "invalid request path '%s': must start with '/' or '?', without spaces or controls",
			    path);
	j->url = malloc(n);
	if (!j->url)
		return ERR_NOMEM;
	snprintf(j->url, n, "%s%s", c->base, path);
	origin = url_origin(j->url, NULL, NULL, NULL);
	same = origin && strcmp(origin, c->origin) == 0;
	free(origin);
	if (!same)
		return fail(c, info, ERR_USAGE, "request URL '%s' leaves '%s'",
			    j->url, c->origin);
	return ERR_OK;
}

static enum err append_header(struct curl_slist **list, const char *line)
{
	struct curl_slist *l = curl_slist_append(*list, line);

	if (!l)
		return ERR_NOMEM;
	*list = l;
	return ERR_OK;
}

static enum err build_headers(struct http_client *c, struct job *j,
			      const struct http_request *req,
			      struct errinfo *info)
{
	struct http_header ct = { "Content-Type", req->content_type };
	enum err e = ERR_OK;
	size_t i;
	char *line;

	for (i = 0; !e && i < c->nheaders; i++)
		e = append_header(&j->hdrs, c->headers[i]);
	for (i = 0; !e && i < req->nheaders; i++) {
		if (!valid_header(&req->headers[i]))
			return fail(c, info, ERR_USAGE, "invalid request header '%s'",
				    req->headers[i].name ? req->headers[i].name : "(null)");
		line = header_line(&req->headers[i]);
		if (!line)
			return ERR_NOMEM;
		e = append_header(&j->hdrs, line);
		free(line);
	}
	if (e)
		return e;
	/* Without a type curl would claim a form; "Content-Type:" drops it. */
	if (req->content_type && !valid_header(&ct))
		return fail(c, info, ERR_USAGE, "invalid content type '%s'",
			    req->content_type);
	if (req->content_type) {
		line = header_line(&ct);
		if (!line)
			return ERR_NOMEM;
		e = append_header(&j->hdrs, line);
		free(line);
	} else {
		e = append_header(&j->hdrs, "Content-Type:");
	}
	/* No 100-continue round trip: the servers answer at once anyway. */
	if (!e)
		e = append_header(&j->hdrs, "Expect:");
	return e;
}

static enum err job_new(struct http_client *c, struct job **out,
			const struct http_request *req, struct errinfo *info)
{
	struct job *j = calloc(1, sizeof(*j));
	const char *method = req->method ? req->method : "GET";
	enum err e;

	*out = NULL;
	if (!j)
		return err_set(info, ERR_NOMEM, "out of memory");
	response_init(&j->resp, c->max_body);
	if (!valid_method(method)) {
		e = fail(c, info, ERR_USAGE, "invalid HTTP method '%s'", method);
		goto fail;
	}
	if (req->body_len && !req->body) {
		e = err_set(info, ERR_USAGE, "request body of %zu bytes is NULL", req->body_len);
		goto fail;
	}
	j->method = strdup(method);
	j->body = malloc(req->body_len ? req->body_len : 1);
	e = j->method && j->body ? ERR_OK : ERR_NOMEM;
	if (!e && req->body_len)
		memcpy(j->body, req->body, req->body_len);
	j->body_len = req->body_len;
	if (!e)
		e = build_url(c, j, req->path ? req->path : "", info);
	if (!e)
		e = build_headers(c, j, req, info);
	if (e)
		goto fail;
	j->max_attempts = req->max_attempts ? req->max_attempts : c->max_attempts;
	*out = j;
	return ERR_OK;
fail:
	if (e == ERR_NOMEM)
		err_set(info, e, "out of memory");
	job_free(j);
	return e;
}

static void push_pending(struct http_client *c, struct job *j)
{
	j->next = NULL;
	if (c->pending_tail)
		c->pending_tail->next = j;
	else
		c->pending = j;
	c->pending_tail = j;
}

enum err http_submit(struct http_client *c, const struct http_request *req,
		     void (*done)(void *udata, struct http_response *resp),
		     void *udata, struct errinfo *info)
{
	struct job *j;
	enum err e;

	if (!done)
		return err_set(info, ERR_USAGE, "http_submit without a callback");
	/* Callbacks that resubmit on failure would keep fail_all going. */
	if (c->broken)
		return err_set(info, ERR_INTERNAL, "the HTTP event loop has failed");
	if (c->halt_err)	/* refused here: a callback resubmitting would never end */
		return fail(c, info, c->halt_err, "cannot %s '%s%s': %s",
			    req->method ? req->method : "GET", c->base, req->path ? req->path : "",
			    c->halt_msg);
	e = job_new(c, &j, req, info);
	if (e)
		return e;
	j->done = done;
	j->udata = udata;
	push_pending(c, j);
	return ERR_OK;
}

/* ---- one attempt ------------------------------------------------------- */

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
	struct job *j = ud;
	size_t n = size * nmemb;
	enum err e = buf_add(&j->resp.body, data, n);

	if (e) {
		j->body_err = e;
		return 0;	/* curl ends the transfer: CURLE_WRITE_ERROR */
	}
	return n;
}

/* Copies a header value, trimmed, into out; "" when it does not fit. */
static void header_value(const char *v, size_t len, char *out, size_t outsize)
{
	while (len && (*v == ' ' || *v == '\t')) {
		v++;
		len--;
	}
	while (len && isspace((unsigned char)v[len - 1]))
		len--;
	if (len >= outsize)
		len = 0;
	memcpy(out, v, len);
	out[len] = '\0';
}

static long parse_long(const char *s)
{
	char *end;
	long long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	v = strtoll(s, &end, 10);
	if (*end && *end != '.')
		return -1;
	return v > LONG_MAX / 1000 ? LONG_MAX / 1000 : (long)v;
}

static void parse_header(struct job *j, const char *name, size_t nlen,
			 const char *value, size_t vlen)
{
	char v[128];
	long n;

#define IS(s) (nlen == sizeof(s) - 1 && strncasecmp(name, s, nlen) == 0)
	header_value(value, vlen, v, sizeof(v));
	if (IS("retry-after-ms")) {
		snprintf(j->ra_ms_raw, sizeof(j->ra_ms_raw), "%s", v);
	} else if (IS("retry-after")) {
		snprintf(j->ra_raw, sizeof(j->ra_raw), "%s", v);
	} else if (IS("x-ratelimit-remaining")) {
		n = parse_long(v);
		j->resp.ratelimit_remaining = n;
	} else if (IS("x-ratelimit-reset")) {
		snprintf(j->reset_raw, sizeof(j->reset_raw), "%s", v);
	} else if (IS("x-should-retry")) {
		if (strcasecmp(v, "true") == 0)
			j->resp.should_retry = 1;
		else if (strcasecmp(v, "false") == 0)
			j->resp.should_retry = 0;
	}
#undef IS
}

static void reset_response_headers(struct job *j)
{
	buf_reset(&j->resp.headers);
	j->ra_ms_raw[0] = j->ra_raw[0] = j->reset_raw[0] = '\0';
	j->resp.retry_after_ms = -1;
	j->resp.ratelimit_remaining = -1;
	j->resp.ratelimit_reset_s = -1;
	j->resp.should_retry = -1;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *ud)
{
	struct job *j = ud;
	size_t n = size * nmemb;
	const char *colon;
	enum err e;

	/* A status line starts a new response (after a 100 Continue, say):
	 * only the last one's headers count. */
	if (n >= 5 && strncmp(data, "HTTP/", 5) == 0)
		reset_response_headers(j);
	e = buf_add(&j->resp.headers, data, n);
	if (e) {
		j->body_err = e;
		return 0;
	}
	colon = memchr(data, ':', n);
	if (colon)
		parse_header(j, data, (size_t)(colon - data), colon + 1,
			     n - (size_t)(colon - data) - 1);
	return n;
}

#define SETOPT(h, opt, val)                                                 \
	do {                                                                \
		if (rc == CURLE_OK)                                         \
			rc = curl_easy_setopt(h, opt, val);                 \
	} while (0)

static CURLcode set_method(CURL *h, struct job *j)
{
	CURLcode rc = CURLE_OK;
	int with_body = j->body_len > 0 || strcmp(j->method, "POST") == 0 ||
			strcmp(j->method, "PUT") == 0 || strcmp(j->method, "PATCH") == 0;

	if (strcmp(j->method, "HEAD") == 0) {
		SETOPT(h, CURLOPT_NOBODY, 1L);
		return rc;
	}
	if (strcmp(j->method, "GET") == 0 && !j->body_len) {
		SETOPT(h, CURLOPT_HTTPGET, 1L);
		return rc;
	}
	if (with_body) {
		SETOPT(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)j->body_len);
		SETOPT(h, CURLOPT_POSTFIELDS, j->body);
	}
	if (strcmp(j->method, "POST") != 0)
		SETOPT(h, CURLOPT_CUSTOMREQUEST, j->method);
	return rc;
}

static CURLcode set_options(struct http_client *c, struct job *j, CURL *h)
{
	CURLcode rc = CURLE_OK;
	long stall_ms = c->stall_ms < j->attempt_ms ? c->stall_ms : j->attempt_ms;
	long stall_s = stall_ms / 1000 > 0 ? stall_ms / 1000 : 1;

	SETOPT(h, CURLOPT_URL, j->url);
	SETOPT(h, CURLOPT_PRIVATE, (void *)j);
	SETOPT(h, CURLOPT_ERRORBUFFER, j->errbuf);
	SETOPT(h, CURLOPT_NOSIGNAL, 1L);
	SETOPT(h, CURLOPT_PROTOCOLS_STR, "http,https");
	/* Credentials must never follow a Location to another host. */
	SETOPT(h, CURLOPT_FOLLOWLOCATION, 0L);
	SETOPT(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	/* Over TLS, wait for the first connection to learn whether it
	 * multiplexes rather than opening one per request. */
	SETOPT(h, CURLOPT_PIPEWAIT, c->https ? 1L : 0L);
	SETOPT(h, CURLOPT_CONNECTTIMEOUT_MS, c->connect_ms < j->attempt_ms ? c->connect_ms : j->attempt_ms);
	SETOPT(h, CURLOPT_TIMEOUT_MS, j->attempt_ms);
	SETOPT(h, CURLOPT_LOW_SPEED_LIMIT, STALL_BYTES_PER_S);
	SETOPT(h, CURLOPT_LOW_SPEED_TIME, stall_s);
	SETOPT(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)c->max_body);
	SETOPT(h, CURLOPT_WRITEFUNCTION, on_body);
	SETOPT(h, CURLOPT_WRITEDATA, (void *)j);
	SETOPT(h, CURLOPT_HEADERFUNCTION, on_header);
	SETOPT(h, CURLOPT_HEADERDATA, (void *)j);
	SETOPT(h, CURLOPT_HTTPHEADER, j->hdrs);
	SETOPT(h, CURLOPT_USERAGENT, c->user_agent);
	SETOPT(h, CURLOPT_ACCEPT_ENCODING, "");
	SETOPT(h, CURLOPT_TCP_KEEPALIVE, 1L);
	SETOPT(h, CURLOPT_SSL_VERIFYPEER, c->insecure ? 0L : 1L);
	SETOPT(h, CURLOPT_SSL_VERIFYHOST, c->insecure ? 0L : 2L);
	if (rc == CURLE_OK)
		rc = set_method(h, j);
	return rc;
}

/* What is left of j's deadline at now (the whole deadline before its
 * first attempt). */
static long long time_left(const struct http_client *c, const struct job *j, long long now)
{
	return j->first_ms ? j->first_ms + c->deadline_ms - now : c->deadline_ms;
}

static enum err start_attempt(struct http_client *c, struct job *j, long long now)
{
	long long left = time_left(c, j, now);
	CURL *h;

	if (left <= 0)
		return ERR_TIMEOUT;
	h = curl_easy_init();
	if (!h)
		return ERR_NOMEM;
	if (!j->first_ms)
		j->first_ms = now;
	j->attempt_ms = left < c->total_ms ? (long)left : c->total_ms;
	buf_reset(&j->resp.body);
	reset_response_headers(j);
	j->resp.status = 0;
	j->body_err = ERR_OK;
	j->errbuf[0] = '\0';
	if (set_options(c, j, h) != CURLE_OK ||
	    curl_multi_add_handle(c->multi, h) != CURLM_OK) {
		curl_easy_cleanup(h);
		return ERR_INTERNAL;
	}
	j->easy = h;
	j->sent_ms = now;
	j->resp.attempts++;
	c->stats.requests++;
	if (j->resp.attempts > 1)
		c->stats.retries++;
	j->next = c->active;
	c->active = j;
	c->nactive++;
	return ERR_OK;
}

/* ---- finishing --------------------------------------------------------- */

static void complete(struct job *j)
{
	j->done(j->udata, &j->resp);
	job_free(j);
}

static void unlink_active(struct http_client *c, struct job *j)
{
	struct job **pp;

	for (pp = &c->active; *pp; pp = &(*pp)->next) {
		if (*pp == j) {
			*pp = j->next;
			c->nactive--;
			break;
		}
	}
	j->next = NULL;
}

/* CURLcode -> project error; *retry says whether another attempt may help. */
static enum err translate(CURLcode rc, int *retry)
{
	*retry = 0;
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		*retry = 1;
		return ERR_TIMEOUT;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return ERR_NETWORK;	/* a name that does not resolve: final (halts) */
	case CURLE_COULDNT_CONNECT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_SSL_CONNECT_ERROR:
		*retry = 1;
		return ERR_NETWORK;
	case CURLE_FILESIZE_EXCEEDED:
		return ERR_LIMIT;
	case CURLE_OUT_OF_MEMORY:
		return ERR_NOMEM;
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_BAD_CONTENT_ENCODING:
		return ERR_REMOTE;
	default:
		return ERR_NETWORK;	/* TLS verification and the like: final */
	}
}

static long backoff_ms(struct http_client *c, unsigned attempt)
{
	long d = BACKOFF_BASE_MS;
	uint64_t x;

	while (attempt-- > 1 && d < BACKOFF_MAX_MS)
		d *= 2;
	if (d > BACKOFF_MAX_MS)
		d = BACKOFF_MAX_MS;
	/* xorshift64: jitter only, no need for a good generator. Half fixed,
	 * half random, so clients that failed together do not retry together. */
	x = c->rng;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	c->rng = x;
	return d / 2 + (long)(x % (uint64_t)(d / 2 + 1));
}

/* ---- waits a server asks for -------------------------------------------- */

/* A wait a server asked for, and the header that asked (for the message). */
struct asked {
	long long ms;		/* -1: nothing believable asked */
	const char *name;
	const char *raw;
	enum ratehdr_kind kind;
};

static long long wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The wait headers of j's response, read once against the wall clock
 * (ratehdr.h tells seconds, Unix seconds and Unix milliseconds apart;
 * a value it does not trust counts as absent). */
static void read_waits(struct job *j, struct asked *ra, struct asked *reset)
{
	const struct asked none = { -1, NULL, NULL, RATEHDR_ABSENT };
	long long wall = wall_ms(), ms = -1;
	enum ratehdr_kind k;

	*ra = *reset = none;
	k = ratehdr_retry_after_ms(j->ra_ms_raw, &ms);
	if (k == RATEHDR_MS)
		*ra = (struct asked){ ms, "retry-after-ms", j->ra_ms_raw, k };
	else if ((k = ratehdr_retry_after(j->ra_raw, wall, &ms)) == RATEHDR_SECONDS ||
		 k == RATEHDR_DATE)
		*ra = (struct asked){ ms, "Retry-After", j->ra_raw, k };
	k = ratehdr_reset(j->reset_raw, wall, &ms);
	if (k == RATEHDR_SECONDS || k == RATEHDR_EPOCH_S || k == RATEHDR_EPOCH_MS)
		*reset = (struct asked){ ms, "X-RateLimit-Reset", j->reset_raw, k };
	j->resp.retry_after_ms = ra->ms >= 0 ? (long)ra->ms : -1;
	j->resp.ratelimit_reset_s = reset->ms >= 0 ? (long)((reset->ms + 999) / 1000) : -1;
}

/* The first reason wins: what stopped the client stays its message. */
__attribute__((format(printf, 4, 5)))
static void halt(struct http_client *c, enum err e, enum http_halt why,
		 const char *fmt, ...)
{
	va_list ap;

	if (c->halt_err)
		return;
	c->halt_err = e;
	c->halt_why = why;
	va_start(ap, fmt);
	vformat_redacted(c, c->halt_msg, sizeof(c->halt_msg), fmt, ap);
	va_end(ap);
}

/*
 * 1 (and the client halted) when a wait the server asked for cannot be
 * granted: longer than max_wait, or ending after the time budget. The
 * message names the header and its value as received.
 */
static int refuse_wait(struct http_client *c, const struct asked *a, long long now)
{
	char what[320], w[32], lim[32];

	if (!a || a->ms < 0)
		return 0;
	if (a->kind == RATEHDR_EPOCH_S || a->kind == RATEHDR_EPOCH_MS)
		snprintf(what, sizeof(what), "%s: %s (%s)", a->name, a->raw,
			 ratehdr_kind_name(a->kind));
	else
		snprintf(what, sizeof(what), "%s: %s", a->name, a->raw);
	duration_format(a->ms, w, sizeof(w));
	if (a->ms > c->max_wait_ms) {
		halt(c, ERR_REMOTE, HTTP_HALT_WAIT, "%s asks for a wait of %s, more than max_wait %s",
		     what, w, duration_format(c->max_wait_ms, lim, sizeof(lim)));
		return 1;
	}
	if (c->end_ms && now + a->ms > c->end_ms) {
		halt(c, ERR_BUDGET, HTTP_HALT_BUDGET,
		     "%s asks for a wait of %s, past the end of the time budget (in %s)", what, w,
		     duration_format(c->end_ms > now ? c->end_ms - now : 0, lim, sizeof(lim)));
		return 1;
	}
	return 0;
}

static void count_status(struct http_client *c, long status)
{
	if (status >= 200 && status < 300)
		c->stats.responses_2xx++;
	else if (status >= 300 && status < 400)
		c->stats.responses_3xx++;
	else if (status >= 400 && status < 500)
		c->stats.responses_4xx++;
	else if (status >= 500)
		c->stats.responses_5xx++;
	if (status == 429)
		c->stats.status_429++;
}

/* Retrying a name that does not resolve only delays the news (8 tries in
 * 46 s, once): the client halts, naming the host. */
static void halt_unresolved(struct http_client *c, const struct job *j, CURLcode rc)
{
	char *host = NULL, *origin = url_origin(j->url, &host, NULL, NULL);

	if (rc == CURLE_COULDNT_RESOLVE_PROXY || !host)
		halt(c, ERR_NETWORK, HTTP_HALT_UNRESOLVED,
		     "%s does not resolve: nothing more is sent", rc == CURLE_COULDNT_RESOLVE_PROXY ?
		     "the proxy's host name" : "the host name");
	else
		halt(c, ERR_NETWORK, HTTP_HALT_UNRESOLVED,
		     "the host name '%s' does not resolve: nothing more is sent", host);
	free(host);
	free(origin);
}

/* A response arrived: tells the limiter and says whether to retry. */
static int on_response(struct http_client *c, struct job *j, long long now,
		       long *delay)
{
	struct http_response *r = &j->resp;
	struct asked ra, reset;
	int retry;

	read_waits(j, &ra, &reset);
	count_status(c, r->status);
	retry = r->status == 408 || r->status == 429 || r->status >= 500;
	if (r->status >= 400 && r->should_retry >= 0)
		retry = r->should_retry;
	*delay = ra.ms >= 0 ? (long)ra.ms : r->status == 429 ? (long)reset.ms : -1;
	/* the window is used up: nothing leaves before its reset, which an
	 * unknown (or untrusted) reset bounds by one period of the spec and
	 * by max_wait */
	if (r->ratelimit_remaining == 0 && !refuse_wait(c, &reset, now))
		ratelimit_remaining(&c->rl, now, 0, reset.ms >= 0 ? reset.ms :
				    c->rl.period_ms < c->max_wait_ms ? -1 : c->max_wait_ms);
	if (retry && *delay >= 0)
		refuse_wait(c, ra.ms >= 0 ? &ra : &reset, now);
	if (r->status == 429) {
		if (*delay < 0)
			*delay = backoff_ms(c, r->attempts);
		ratelimit_throttled(&c->rl, now, j->sent_ms,
				    *delay <= c->max_wait_ms ? *delay : c->max_wait_ms);
	} else if (r->status >= 200 && r->status < 300) {
		ratelimit_succeeded(&c->rl, now);
	}
	return retry;
}

static const char *attempts_note(const struct job *j, char *tmp, size_t n)
{
	if (j->resp.attempts <= 1)
		return "";
	snprintf(tmp, n, " (after %u attempts)", j->resp.attempts);
	return tmp;
}

/* The message of a job that ends now, with its final error. */
static void final_message(struct http_client *c, struct job *j, CURLcode rc)
{
	struct http_response *r = &j->resp;
	char note[48], loc[512];
	const char *a = attempts_note(j, note, sizeof(note));

	if (r->err == ERR_LIMIT)
		format_redacted(c, r->message, sizeof(r->message),
				"response to %s '%s' is larger than the %zu-byte limit",
				j->method, j->url, c->max_body);
	else if (r->err)
		format_redacted(c, r->message, sizeof(r->message), "cannot %s '%s': %s%s",
				j->method, j->url,
				j->errbuf[0] ? j->errbuf : curl_easy_strerror(rc), a);
	else if (r->status >= 300 && r->status < 400 &&
		 http_response_header(r, "Location", loc, sizeof(loc)))
		format_redacted(c, r->message, sizeof(r->message),
				"%s '%s' answered %ld, a redirect to '%s': refused (redirects are never followed)",
				j->method, j->url, r->status, loc);
	else if (r->status < 200 || r->status >= 300)
		format_redacted(c, r->message, sizeof(r->message), "%s '%s' answered %ld%s",
				j->method, j->url, r->status, a);
}

static void schedule_retry(struct http_client *c, struct job *j, long long now,
			   long delay, const char *why)
{
	j->not_before = now + delay;
	notify(c, HTTP_NOTICE_RETRY, delay,
	       "retrying %s '%s' in %.1f s (attempt %u of %u): %s", j->method,
	       j->url, (double)delay / 1000.0, j->resp.attempts + 1,
	       j->max_attempts, why);
	push_pending(c, j);
}

static void finish_attempt(struct http_client *c, struct job *j, CURLcode rc)
{
	struct http_response *r = &j->resp;
	long long now = now_ms();
	curl_off_t got = 0;
	long delay = -1;
	int retry = 0;
	char why[CURL_ERROR_SIZE + 32];

	curl_easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &r->status);
	if (curl_easy_getinfo(j->easy, CURLINFO_SIZE_DOWNLOAD_T, &got) == CURLE_OK && got > 0)
		c->stats.bytes_in += (unsigned long long)got;
	unlink_active(c, j);
	curl_multi_remove_handle(c->multi, j->easy);
	curl_easy_cleanup(j->easy);
	j->easy = NULL;
	if (rc == CURLE_OK) {
		r->err = ERR_OK;
		retry = on_response(c, j, now, &delay);
		snprintf(why, sizeof(why), "server answered %ld", r->status);
	} else {
		c->stats.transport_errors++;
		r->err = j->body_err ? j->body_err : translate(rc, &retry);
		if (j->body_err)
			retry = 0;
		snprintf(why, sizeof(why), "%s", j->errbuf[0] ? j->errbuf : curl_easy_strerror(rc));
		if (rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_RESOLVE_PROXY)
			halt_unresolved(c, j, rc);
	}
	if (retry && r->attempts < j->max_attempts && !c->halt_err) {
		if (delay < 0) {	/* our own backoff: bounded, never refused */
			delay = backoff_ms(c, r->attempts);
			if (delay > c->max_wait_ms)
				delay = c->max_wait_ms;
		}
		/* a retry that cannot start before the deadline is not tried */
		if (delay < time_left(c, j, now)) {
			schedule_retry(c, j, now, delay, why);
			return;
		}
	}
	final_message(c, j, rc);
	if (c->halt_err && (retry || r->err)) {
		size_t len = strlen(r->message);

		snprintf(r->message + len, sizeof(r->message) - len, "%s%s",
			 len ? "; " : "", c->halt_msg);
	} else if (retry && r->attempts < j->max_attempts) {
		size_t len = strlen(r->message);

		snprintf(r->message + len, sizeof(r->message) - len,
			 "; not retried: the request's %.1f s deadline has no time left",
			 (double)c->deadline_ms / 1000.0);
	}
	complete(j);
}

/* ---- the loop ---------------------------------------------------------- */

/* Removes j from pending, given the link that points to it. */
static void unlink_pending(struct http_client *c, struct job **pp, struct job *j)
{
	*pp = j->next;
	if (c->pending_tail == j)
		c->pending_tail = pp == &c->pending ? NULL :
			(struct job *)((char *)pp - offsetof(struct job, next));
	j->next = NULL;
}

static void fail_job(struct http_client *c, struct job *j, enum err e,
		     const char *what)
{
	j->resp.err = e;
	format_redacted(c, j->resp.message, sizeof(j->resp.message),
			"cannot %s '%s': %s", j->method, j->url, what);
	complete(j);
}

/*
 * Starts the pending jobs that may start now. Returns the ms until the next
 * one could (-1: none waiting for time); *limited says the rate limiter is
 * the reason, *backoff names the job whose backoff it is otherwise.
 */
static long long start_ready(struct http_client *c, long long now, int *limited,
			     struct job **backoff)
{
	struct job **pp = &c->pending, *j;
	long long wait = -1, w;
	enum err e;

	*limited = 0;
	*backoff = NULL;
	/* the client was halted: what waits would wait in vain */
	while (c->halt_err && (j = c->pending)) {
		unlink_pending(c, &c->pending, j);
		fail_job(c, j, c->halt_err, c->halt_msg);
	}
	while ((j = *pp) && c->nactive < c->concurrency) {
		if (j->not_before > now) {
			w = j->not_before - now;
			if (wait < 0 || w < wait) {
				wait = w;
				*backoff = j;
			}
			pp = &j->next;
			continue;
		}
		w = ratelimit_acquire(&c->rl, now);
		if (w > 0) {
			if (wait < 0 || w <= wait) {
				wait = w;
				*limited = 1;
				*backoff = NULL;
			}
			break;
		}
		unlink_pending(c, pp, j);
		e = start_attempt(c, j, now);
		if (e == ERR_TIMEOUT)
			fail_job(c, j, e, "the request's deadline passed before another attempt could start");
		else if (e)
			fail_job(c, j, e, "cannot start the transfer");
	}
	return wait;
}

static int collect_done(struct http_client *c)
{
	CURLMsg *m;
	struct job *j;
	int left, n = 0;

	while ((m = curl_multi_info_read(c->multi, &left))) {
		if (m->msg != CURLMSG_DONE)
			continue;
		j = NULL;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&j);
		if (!j)
			continue;
		finish_attempt(c, j, m->data.result);
		n++;
	}
	return n;
}

/* An idle wait is the rate limit's when the limiter holds a request back,
 * or when the next retry answers a 429; otherwise it is a retry's backoff. */
static int is_rate_wait(int limited, const struct job *backoff)
{
	return limited || !backoff || backoff->resp.status == 429;
}

/* Halts the client when an idle wait of the loop (pacing, a pause, a
 * backoff) would end after the time budget: better stop now than sleep
 * into it. 1 when it did. */
static int past_budget(struct http_client *c, long long now, long long wait,
		       int limited, const struct job *backoff)
{
	char w[32], left[32];

	if (!c->end_ms || wait < 0 || now + wait <= c->end_ms)
		return 0;
	duration_format(wait, w, sizeof(w));
	duration_format(c->end_ms > now ? c->end_ms - now : 0, left, sizeof(left));
	if (is_rate_wait(limited, backoff))
		halt(c, ERR_BUDGET, HTTP_HALT_BUDGET,
		     "the rate limit lets the next request leave in %s, past the end of the time budget (in %s)",
		     w, left);
	else
		halt(c, ERR_BUDGET, HTTP_HALT_BUDGET,
		     "the next attempt of %s '%s' could start in %s, past the end of the time budget (in %s)",
		     backoff->method, backoff->url, w, left);
	return 1;
}

/* Tells the caller about a long idle wait, once per wait. */
static void note_wait(struct http_client *c, long long now, long long wait,
		      int limited, const struct job *backoff)
{
	if (!c->notify || wait < c->notify_ms || now + wait <= c->notified_until)
		return;
	c->notified_until = now + wait;
	if (is_rate_wait(limited, backoff))
		notify(c, HTTP_NOTICE_WAIT, (long)wait,
		       "waiting %.1f s for the rate limit", (double)wait / 1000.0);
	else
		notify(c, HTTP_NOTICE_WAIT, (long)wait,
		       "waiting %.1f s before retrying %s '%s'", (double)wait / 1000.0,
		       backoff->method, backoff->url);
}

/* The loop itself failed: every job ends with that error, so no caller
 * is left without an answer. */
static void fail_all(struct http_client *c, enum err e, const char *what)
{
	struct job *j;

	c->broken = 1;
	while (c->active || c->pending) {
		if ((j = c->active)) {
			unlink_active(c, j);
			curl_multi_remove_handle(c->multi, j->easy);
		} else {
			j = c->pending;
			unlink_pending(c, &c->pending, j);
		}
		fail_job(c, j, e, what);
	}
}

static enum err run_loop(struct http_client *c, struct errinfo *info)
{
	long long now, wait, timeout;
	struct job *backoff;
	int limited, still;
	CURLMcode mc;

	for (;;) {
		now = now_ms();
		wait = start_ready(c, now, &limited, &backoff);
		if (!c->pending && !c->nactive)
			return ERR_OK;
		if (!c->nactive && past_budget(c, now, wait, limited, backoff))
			continue;	/* start_ready fails what is pending */
		mc = curl_multi_perform(c->multi, &still);
		if (mc != CURLM_OK)
			break;
		if (collect_done(c) > 0)
			continue;	/* free slots: fill them before sleeping */
		timeout = c->nactive ? 1000 : wait;
		if (c->nactive && wait >= 0 && wait < timeout)
			timeout = wait;
		if (timeout < 0 || timeout > INT_MAX)
			timeout = 1000;
		if (!c->nactive)
			note_wait(c, now, timeout, limited, backoff);
		mc = curl_multi_poll(c->multi, NULL, 0, (int)timeout, NULL);
		if (mc != CURLM_OK)
			break;
		/* a free slot held back by the limiter is waiting for the
		 * rate limit, even while other transfers run */
		if (limited || (!c->nactive && is_rate_wait(limited, backoff)))
			c->stats.wait_ms += now_ms() - now;
		else if (!c->nactive)
			c->stats.backoff_ms += now_ms() - now;
	}
	fail_all(c, mc == CURLM_OUT_OF_MEMORY ? ERR_NOMEM : ERR_INTERNAL,
		 curl_multi_strerror(mc));
	return err_set(info, mc == CURLM_OUT_OF_MEMORY ? ERR_NOMEM : ERR_INTERNAL,
		       "HTTP event loop failed: %s", curl_multi_strerror(mc));
}

enum err http_run(struct http_client *c, struct errinfo *info)
{
	enum err e;

	if (c->running)
		return err_set(info, ERR_USAGE, "http_run called from a request callback");
	c->running = 1;
	e = run_loop(c, info);
	c->running = 0;
	c->broken = 0;
	return e;
}

/* Cutting an already redacted message is safe. */
static void copy_message(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

struct do_ctx {
	struct http_response *out;
};

static void do_done(void *udata, struct http_response *resp)
{
	struct do_ctx *ctx = udata;

	/* Move the response out; the job frees what is left behind. */
	*ctx->out = *resp;
	buf_init(&resp->body, resp->body.max);
	buf_init(&resp->headers, resp->headers.max);
}

enum err http_do(struct http_client *c, const struct http_request *req,
		 struct http_response *resp, struct errinfo *info)
{
	struct do_ctx ctx = { resp };
	struct errinfo why = { 0 };
	enum err e;

	response_init(resp, c->max_body);
	if (c->running)
		e = err_set(&why, ERR_USAGE, "http_do called from a request callback");
	else
		e = http_submit(c, req, do_done, &ctx, &why);
	if (e) {
		copy_message(resp->message, sizeof(resp->message), why.msg);
		return resp->err = err_set(info, e, "%s", why.msg);
	}
	e = http_run(c, info);
	if (e)
		return e;
	if (resp->err)
		err_set(info, resp->err, "%s", resp->message);
	return resp->err;
}

/* ---- inspection -------------------------------------------------------- */

const char *http_response_header(const struct http_response *resp,
				 const char *name, char *out, size_t outsize)
{
	const char *p = buf_str(&resp->headers), *end, *found = NULL;
	size_t nlen = strlen(name), flen = 0;

	if (!outsize)
		return NULL;
	for (; *p; p = *end ? end + 1 : end) {
		end = strchr(p, '\n');
		if (!end)
			end = p + strlen(p);
		if ((size_t)(end - p) > nlen && p[nlen] == ':' &&
		    strncasecmp(p, name, nlen) == 0) {
			found = p + nlen + 1;
			flen = (size_t)(end - found);
		}
	}
	if (!found)
		return NULL;
	while (flen && (*found == ' ' || *found == '\t')) {
		found++;
		flen--;
	}
	while (flen && isspace((unsigned char)found[flen - 1]))
		flen--;
	if (flen >= outsize)
		flen = outsize - 1;
	memcpy(out, found, flen);
	out[flen] = '\0';
	return out;
}

struct http_stats http_stats(const struct http_client *c)
{
	return c->stats;
}

int http_is_rate_limited(const struct http_client *c)
{
	return ratelimit_rate(&c->rl) > 0;
}

double http_rate_tokens(struct http_client *c)
{
	return ratelimit_tokens(&c->rl, now_ms());
}

void http_rate_resume(struct http_client *c, double tokens, long long age_ms)
{
	ratelimit_resume(&c->rl, now_ms(), tokens, age_ms);
}

void http_set_budget(struct http_client *c, long long ms_from_now)
{
	c->end_ms = ms_from_now > 0 ? now_ms() + ms_from_now : 0;
}

enum http_halt http_halted(const struct http_client *c, struct errinfo *info)
{
	if (c->halt_err && info)
		err_set(info, c->halt_err, "%s", c->halt_msg);
	return c->halt_err ? c->halt_why : HTTP_RUNNING;
}
