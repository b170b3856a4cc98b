/*
 * contactsync-emulator: a local stand-in for the three providers' contact
 * APIs (see tests/emulator/README.md and /work/shared/api/PROVIDERS.md).
 *
 * This file owns the command line, the MHD daemon and the life of a
 * request. MHD runs a thread per connection, so the latency option, a
 * stalled fault or a slow client only ever hold up their own connection;
 * sleeping threads wait on one condition variable that shutdown broadcasts,
 * so SIGTERM ends the process at once even with stalls in progress.
 */
#include "emu.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/opts.h"

/* Request bodies: API bodies are small, admin loads carry 1M contacts. */
#define API_BODY_MAX ((size_t)64 << 20)
#define ADMIN_BODY_MAX ((size_t)1 << 30)
/* Responses: a dump of 1M contacts is a few hundred MB. */
#define REPLY_MAX ((size_t)2 << 30)

enum fault { FAULT_NONE, FAULT_500, FAULT_502, FAULT_503, FAULT_STALL,
	     FAULT_DROP, FAULT_TRUNC, FAULT__COUNT };

static pthread_mutex_t sleep_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sleep_cond = PTHREAD_COND_INITIALIZER;
static bool shutting_down;
static unsigned stall_ms = 30000;

bool emu_sleep(unsigned ms)
{
	struct timespec until;
	bool woke;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&sleep_lock);
	while (!shutting_down &&
	       pthread_cond_timedwait(&sleep_cond, &sleep_lock, &until) != ETIMEDOUT)
		;
	woke = shutting_down;
	pthread_mutex_unlock(&sleep_lock);
	return !woke;
}

void reply_header(struct reply *r, const char *name, const char *fmt, ...)
{
	va_list ap;
	unsigned i;

	/* A later value replaces an earlier one of the same name. */
	for (i = 0; i < r->nhdr; i++)
		if (strcmp(r->hdr[i].name, name) == 0)
			break;
	if (i == r->nhdr) {
		if (r->nhdr == sizeof(r->hdr) / sizeof(r->hdr[0]))
			return;
		r->nhdr++;
	}
	snprintf(r->hdr[i].name, sizeof(r->hdr[i].name), "%s", name);
	va_start(ap, fmt);
	vsnprintf(r->hdr[i].value, sizeof(r->hdr[i].value), fmt, ap);
	va_end(ap);
}

const char *req_header(struct req *q, const char *name)
{
	return MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND, name);
}

const char *req_query(struct req *q, const char *name)
{
	return MHD_lookup_connection_value(q->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *req_form(struct req *q, const char *key)
{
	size_t i;

	for (i = 0; i < q->nform; i++)
		if (strcmp(q->form[i].key, key) == 0)
			return buf_str(&q->form[i].val);
	return NULL;
}

json_t *req_json(struct req *q)
{
	json_t *j;

	if (!q->body.len)
		return NULL;
	j = json_loadb(q->body.data, q->body.len, 0, NULL);
	if (j && !json_is_object(j) && !json_is_array(j)) {
		json_decref(j);
		return NULL;
	}
	return j;
}

static struct formfield *form_field(struct req *q, const char *key, bool fresh)
{
	struct formfield *f;
	size_t i, n = strlen(key);
	/* PHP appends `name[]` fields to a list: each one is a new field. */
	bool list = n >= 2 && strcmp(key + n - 2, "[]") == 0;

	for (i = q->nform; i-- > 0 && !(list && fresh);) {
		if (strcmp(q->form[i].key, key) != 0)
			continue;
		/* A repeated field replaces the earlier one, as PHP does. */
		if (fresh)
			buf_reset(&q->form[i].val);
		return &q->form[i];
	}
	if (q->nform == q->capform) {
		size_t ncap = q->capform ? q->capform * 2 : 8;
		struct formfield *nf;

		if (ncap > 4096)
			return NULL;
		nf = realloc(q->form, ncap * sizeof(*nf));
		if (!nf)
			return NULL;
		q->form = nf;
		q->capform = ncap;
	}
	f = &q->form[q->nform];
	f->key = strdup(key);
	if (!f->key)
		return NULL;
	buf_init(&f->val, 1 << 20);
	q->nform++;
	return f;
}

static enum MHD_Result on_post_field(void *cls, enum MHD_ValueKind kind,
				     const char *key, const char *filename,
				     const char *content_type,
				     const char *transfer_encoding,
				     const char *data, uint64_t off, size_t size)
{
	struct req *q = cls;
	struct formfield *f;

	(void)kind, (void)filename, (void)content_type, (void)transfer_encoding;
	f = form_field(q, key, off == 0);
	if (!f || buf_add(&f->val, data, size)) {
		q->too_big = true;
		return MHD_NO;
	}
	return MHD_YES;
}

static struct req *req_new(struct emu *e, struct MHD_Connection *conn,
			   const char *url, const char *method)
{
	struct req *q = calloc(1, sizeof(*q));
	size_t n;

	if (!q)
		return NULL;
	q->emu = e;
	q->conn = conn;
	q->method = method;
	q->path = strdup(url);
	if (!q->path) {
		free(q);
		return NULL;
	}
	/* "/api/contacts/" is "/api/contacts" (AltumCode's router agrees). */
	n = strlen(q->path);
	while (n > 1 && q->path[n - 1] == '/')
		q->path[--n] = '\0';
	q->admin = strncmp(q->path, "/_emulator/", 11) == 0;
	buf_init(&q->body, q->admin ? ADMIN_BODY_MAX : API_BODY_MAX);
	if (q->admin) {
		q->pattern = "admin";
		return q;
	}
	q->pattern = e->ops->route(method, q->path, &q->write);
	/* NULL when the body is not a form: then it is simply not read. */
	if (e->ops->form_bodies)
		q->pp = MHD_create_post_processor(conn, 64 * 1024, on_post_field, q);
	return q;
}

static void req_free(struct req *q)
{
	size_t i;

	if (q->pp)
		MHD_destroy_post_processor(q->pp);
	for (i = 0; i < q->nform; i++) {
		free(q->form[i].key);
		buf_free(&q->form[i].val);
	}
	free(q->form);
	buf_free(&q->body);
	free(q->path);
	free(q);
}

/* Keeps the last bytes of a form body for form_tail. */
static void keep_tail(struct req *q, const char *data, size_t size)
{
	size_t cap = sizeof(q->tail);

	if (size >= cap) {
		memcpy(q->tail, data + size - cap, cap);
		q->ntail = cap;
		return;
	}
	if (q->ntail + size > cap) {
		memmove(q->tail, q->tail + q->ntail + size - cap, cap - size);
		q->ntail = cap - size;
	}
	memcpy(q->tail + q->ntail, data, size);
	q->ntail += size;
}

/*
 * libmicrohttpd (0.9.75) never reports an urlencoded body's last field
 * when its value is empty ("...&name="), where PHP reads it as "": an
 * update's `name=` (a clear) must reach the handler as the server would
 * see it. Adds that field, empty, once the body is complete.
 */
static void form_tail(struct req *q)
{
	char key[256];
	size_t i, start = 0;
	struct formfield *f;

	if (!q->pp || !q->ntail || q->tail[q->ntail - 1] != '=')
		return;
	for (i = q->ntail - 1; i-- > 0;)
		if (q->tail[i] == '&' || q->tail[i] == '=' || q->tail[i] == '\n') {
			start = i + 1;
			if (q->tail[i] != '&')
				return;	/* "a=b=": not a key alone; or not a form */
			break;
		}
	if (start == 0 && q->ntail == sizeof(q->tail))
		return;	/* the key began before the bytes kept */
	memcpy(key, q->tail + start, q->ntail - 1 - start);
	key[q->ntail - 1 - start] = '\0';
	MHD_http_unescape(key);
	if (!*key || req_form(q, key))
		return;
	f = form_field(q, key, true);
	if (!f)
		q->too_big = true;
}

static void req_feed(struct req *q, const char *data, size_t size)
{
	if (q->too_big)
		return;
	if (q->pp) {
		keep_tail(q, data, size);
		if (MHD_post_process(q->pp, data, size) != MHD_YES)
			q->too_big = true;
		return;
	}
	if (q->emu->ops->form_bodies && !q->admin)
		return;	/* altum does not read JSON bodies */
	if (buf_add(&q->body, data, size))
		q->too_big = true;
}

static enum fault pick_fault(struct emu *e)
{
	uint64_t r = emu_mix64(emu_mix64(e->seed) ^ e->nrequests++);
	double u = (double)(r >> 11) / 9007199254740992.0;

	if (e->fail_rate <= 0 || u >= e->fail_rate)
		return FAULT_NONE;
	return (enum fault)(1 + emu_mix64(r) % (FAULT__COUNT - 1));
}

struct dropper {
	char *data;
	size_t len, cut;
};

static ssize_t drop_read(void *cls, uint64_t pos, char *out, size_t max)
{
	struct dropper *d = cls;
	size_t n;

	/* Part of the body, then an error: MHD closes the connection with
	 * fewer bytes sent than Content-Length promised. */
	if (pos >= d->cut)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	n = d->cut - (size_t)pos;
	if (n > max)
		n = max;
	memcpy(out, d->data + pos, n);
	return (ssize_t)n;
}

static void drop_free(void *cls)
{
	struct dropper *d = cls;

	free(d->data);
	free(d);
}

static enum MHD_Result send_reply(struct req *q, struct reply *r, enum fault f)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	size_t len;
	char *data;
	unsigned i;

	if (r->body.e) {
		/* The reply overflowed its cap: say so rather than send half. */
		r->status = 500;
		r->empty = false;
		buf_reset(&r->body.b);
		r->body.e = ERR_OK;
		out_raw(&r->body, "response too large");
		r->ctype = "text/plain";
	}
	len = r->body.b.len;
	data = buf_detach(&r->body.b);
	if (!data)
		return MHD_NO;
	if (r->empty)
		len = 0;
	if (f == FAULT_TRUNC && len > 1)
		len = len / 2;
	if (f == FAULT_DROP && len > 1) {
		struct dropper *d = malloc(sizeof(*d));

		if (!d) {
			free(data);
			return MHD_NO;
		}
		d->data = data;
		d->len = len;
		d->cut = len / 2;
		resp = MHD_create_response_from_callback(len, 4096, drop_read, d,
							 drop_free);
		if (!resp) {
			drop_free(d);
			return MHD_NO;
		}
	} else {
		resp = MHD_create_response_from_buffer_with_free_callback(len, data,
									  free);
		if (!resp) {
			free(data);
			return MHD_NO;
		}
	}
	if (!r->empty)
		MHD_add_response_header(resp, "Content-Type", r->ctype);
	for (i = 0; i < r->nhdr; i++)
		MHD_add_response_header(resp, r->hdr[i].name, r->hdr[i].value);
	ret = MHD_queue_response(q->conn, r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void count_status(struct emu *e, struct req *q, unsigned status,
			 const char *fault)
{
	char code[8];

	if (fault) {
		emu_stats_count(e, q->pattern, fault);
		return;
	}
	snprintf(code, sizeof(code), "%u", status);
	emu_stats_count(e, q->pattern, code);
}

/* The dialect's rate limit; false (and r filled) when over it. Lock held. */
static bool rate_check(struct emu *e, struct reply *r)
{
	int64_t now = emu_now_ms(), retry_ms;
	unsigned remaining, reset_s;

	switch (e->dialect) {
	case D_ALTUM:
		if (!e->rate.n)
			return true;
		/* Headers on every authenticated answer, the 429 included. */
		if (emu_limiter_window(&e->limiter, now, &remaining, &reset_s)) {
			reply_header(r, "X-RateLimit-Limit", "%u", e->rate.n);
			reply_header(r, "X-RateLimit-Remaining", "%u", remaining);
			return true;
		}
		reply_header(r, "X-RateLimit-Limit", "%u", e->rate.n);
		reply_header(r, "X-RateLimit-Remaining", "0");
		reply_header(r, "X-RateLimit-Reset", "%u", reset_s);
		e->ops->error(r, 429, "rate_limited", "Too many requests");
		return false;
	case D_ATOM:
		if (!e->rate.n || emu_limiter_bucket(&e->limiter, now, &retry_ms))
			return true;
		reply_header(r, "Retry-After", "%" PRId64, (retry_ms + 999) / 1000);
		e->ops->error(r, 429, "rate_limited", "Rate limit exceeded");
		return false;
	case D_SENDBLUE:
		if (e->max_inflight && e->inflight > e->max_inflight) {
			reply_header(r, "retry-after-ms", "250");
			reply_header(r, "x-should-retry", "true");
			e->ops->error(r, 429, "rate_limited", "Too many concurrent requests");
			return false;
		}
		if (!e->rate.n || emu_limiter_bucket(&e->limiter, now, &retry_ms))
			return true;
		reply_header(r, "Retry-After", "%" PRId64, (retry_ms + 999) / 1000);
		reply_header(r, "x-should-retry", "true");
		e->ops->error(r, 429, "rate_limited", "Too many requests");
		return false;
	}
	return true;
}

static enum MHD_Result serve_api(struct emu *e, struct req *q, struct reply *r)
{
	enum fault f;
	enum hmode h;
	static const unsigned codes[] = { 0, 500, 502, 503 };

	/* In flight from here (the latency included) to MHD's completion. */
	pthread_mutex_lock(&e->lock);
	e->inflight++;
	q->counted_inflight = true;
	pthread_mutex_unlock(&e->lock);
	if (e->latency_ms && !emu_sleep(e->latency_ms))
		return MHD_NO;
	pthread_mutex_lock(&e->lock);
	f = pick_fault(e);
	pthread_mutex_unlock(&e->lock);

	if (f == FAULT_500 || f == FAULT_502 || f == FAULT_503) {
		e->ops->error(r, codes[f], "server_error", "Injected fault");
		pthread_mutex_lock(&e->lock);
		count_status(e, q, codes[f], NULL);
		pthread_mutex_unlock(&e->lock);
		return send_reply(q, r, FAULT_NONE);
	}
	if (f == FAULT_STALL) {
		pthread_mutex_lock(&e->lock);
		count_status(e, q, 0, "stall");
		pthread_mutex_unlock(&e->lock);
		emu_sleep(stall_ms);
		return MHD_NO;
	}
	if ((f == FAULT_TRUNC || f == FAULT_DROP) && q->write) {
		/* The write is not applied: the client must not assume it was. */
		r->status = 200;
		out_raw(&r->body, e->ops->fault_body);
		pthread_mutex_lock(&e->lock);
		count_status(e, q, 200, f == FAULT_TRUNC ? "truncated" : "dropped");
		pthread_mutex_unlock(&e->lock);
		return send_reply(q, r, f);
	}

	pthread_mutex_lock(&e->lock);
	h = hostile_pick(e, q->pattern);
	if (h == H_REDIRECT) {
		count_status(e, q, 0, "redirect");
		pthread_mutex_unlock(&e->lock);
		return hostile_send(e, q, r, h);
	}
	form_tail(q);
	if (h == H_CUT && q->write) {
		/* a success cut short, for a write that never happened */
		r->status = 200;
		out_raw(&r->body, e->ops->fault_body);
		count_status(e, q, 200, "cut");
		pthread_mutex_unlock(&e->lock);
		return send_reply(q, r, FAULT_TRUNC);
	}
	if (q->too_big)
		e->ops->error(r, 413, "too_large", "Request body too large");
	else if (e->ops->auth(q, r) && rate_check(e, r))
		e->ops->handle(q, r);
	if (h == H_LOST && q->write) {
		/* applied, and the answer lost halfway */
		count_status(e, q, 0, "lost");
		pthread_mutex_unlock(&e->lock);
		if (r->empty || r->body.b.len < 2)
			return MHD_NO;
		return send_reply(q, r, FAULT_DROP);
	}
	if (h != H_NONE)
		hostile_after(e, q, r, h);
	count_status(e, q, r->status, h != H_NONE ? hostile_name(h) :
		     f == FAULT_TRUNC ? "truncated" : f == FAULT_DROP ? "dropped" : NULL);
	pthread_mutex_unlock(&e->lock);
	if (hostile_streams(h))
		return hostile_send(e, q, r, h);
	return send_reply(q, r, f);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *upload_data,
				  size_t *upload_size, void **ctx)
{
	struct emu *e = cls;
	struct req *q = *ctx;
	struct reply r;
	enum MHD_Result ret;

	(void)version;
	if (!q) {
		q = req_new(e, conn, url, method);
		if (!q)
			return MHD_NO;
		*ctx = q;
		return MHD_YES;
	}
	if (*upload_size) {
		req_feed(q, upload_data, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	memset(&r, 0, sizeof(r));
	r.status = 200;
	r.ctype = "application/json";
	out_init(&r.body, REPLY_MAX);
	if (q->admin) {
		pthread_mutex_lock(&e->lock);
		admin_handle(e, q, &r);
		pthread_mutex_unlock(&e->lock);
		ret = send_reply(q, &r, FAULT_NONE);
	} else {
		ret = serve_api(e, q, &r);
	}
	out_free(&r.body);
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **ctx,
			 enum MHD_RequestTerminationCode toe)
{
	struct emu *e = cls;
	struct req *q = *ctx;

	(void)conn, (void)toe;
	if (!q)
		return;
	if (q->counted_inflight) {
		pthread_mutex_lock(&e->lock);
		e->inflight--;
		pthread_mutex_unlock(&e->lock);
	}
	req_free(q);
	*ctx = NULL;
}

/* ---- command line ------------------------------------------------------ */

enum { O_DIALECT, O_PORT, O_BIND, O_KEY, O_KEY_ID, O_SECRET, O_RATE,
       O_LATENCY, O_FAIL_RATE, O_SEED, O_QUIRKS, O_CONCURRENCY, O_STALL, O_HOSTILE };

static const struct opt options[] = {
	{ "dialect", 'd', "NAME", "altum, atom or sendblue (required)", O_DIALECT },
	{ "port", 'p', "N", "TCP port; 0 picks a free one (default 0)", O_PORT },
	{ "bind", 0, "ADDR", "IPv4 address to listen on (default 127.0.0.1)", O_BIND },
	{ "key", 'k', "KEY", "bearer token (default 'test-key')", O_KEY },
	{ "key-id", 0, "ID", "sendblue sb-api-key-id (default 'test-key-id')", O_KEY_ID },
	{ "secret", 0, "S", "sendblue sb-api-secret-key (default 'test-secret')", O_SECRET },
	{ "rate", 0, "SPEC", "rate limit: 60/60s, 10/s, 100/500ms, 0 = none", O_RATE },
	{ "latency", 0, "MS", "delay added to every API request", O_LATENCY },
	{ "fail-rate", 0, "P", "fraction of API requests that fail (0..1)", O_FAIL_RATE },
	{ "seed", 0, "N", "seed for faults and quirks (default 1)", O_SEED },
	{ "quirks", 0, NULL, "enable the optional quirks (altum 500 after update)", O_QUIRKS },
	{ "concurrency", 0, "N", "sendblue: more concurrent requests get 429 (default 16, 0 = none)", O_CONCURRENCY },
	{ "stall", 0, "MS", "how long a stalled fault stalls (default 30000)", O_STALL },
	{ "hostile", 0, "MODE[,MODE]", "huge, endless, drip, badjson, shape (= nulls), nulls, strings, missing, redirect, mutate, ratelimit (reset 60 s), cut, lost, slow, keyset, repeat, pages, longphone or empty, on every API request", O_HOSTILE },
	{ NULL, 0, NULL, NULL, 0 }
};

static const struct opts_spec spec = {
	"contactsync-emulator --dialect altum|atom|sendblue [OPTIONS]",
	"emulate an SMS provider's contacts API on 127.0.0.1 for tests",
	options,
	"Prints 'listening on ADDR:PORT' when ready; admin endpoints under\n"
	"/_emulator/ (see tests/emulator/README.md). Stops on SIGTERM/SIGINT.\n",
	0
};

struct cli {
	struct emu *e;
	const char *bind;
	unsigned port;
	bool have_dialect, have_rate;
};

static bool parse_uint(const char *s, unsigned max, unsigned *v)
{
	uint64_t x;

	if (!emu_parse_u64(s, &x) || x > max)
		return false;
	*v = (unsigned)x;
	return true;
}

static int on_option(void *ctx, int id, const char *arg, struct errinfo *info)
{
	struct cli *c = ctx;
	struct emu *e = c->e;
	char *end;

	switch (id) {
	case O_DIALECT:
		if (strcmp(arg, "altum") == 0)
			e->dialect = D_ALTUM, e->ops = &altum_ops;
		else if (strcmp(arg, "atom") == 0)
			e->dialect = D_ATOM, e->ops = &atom_ops;
		else if (strcmp(arg, "sendblue") == 0)
			e->dialect = D_SENDBLUE, e->ops = &sendblue_ops;
		else
			return err_set(info, ERR_USAGE, "unknown dialect '%s'", arg), 1;
		c->have_dialect = true;
		return 0;
	case O_PORT:
		if (!parse_uint(arg, 65535, &c->port))
			return err_set(info, ERR_USAGE, "invalid port '%s'", arg), 1;
		return 0;
	case O_BIND:
		c->bind = arg;
		return 0;
	case O_KEY:
		e->key = arg;
		return 0;
	case O_KEY_ID:
		e->key_id = arg;
		return 0;
	case O_SECRET:
		e->secret = arg;
		return 0;
	case O_RATE:
		if (!emu_rate_parse(arg, &e->rate))
			return err_set(info, ERR_USAGE, "invalid rate '%s'", arg), 1;
		c->have_rate = true;
		return 0;
	case O_LATENCY:
		if (!parse_uint(arg, 600000, &e->latency_ms))
			return err_set(info, ERR_USAGE, "invalid latency '%s'", arg), 1;
		return 0;
	case O_FAIL_RATE:
		e->fail_rate = strtod(arg, &end);
		if (end == arg || *end || e->fail_rate < 0 || e->fail_rate > 1)
			return err_set(info, ERR_USAGE, "invalid fail rate '%s'", arg), 1;
		return 0;
	case O_SEED:
		if (!emu_parse_u64(arg, &e->seed))
			return err_set(info, ERR_USAGE, "invalid seed '%s'", arg), 1;
		return 0;
	case O_QUIRKS:
		e->quirks = true;
		return 0;
	case O_CONCURRENCY:
		if (!parse_uint(arg, 100000, &e->max_inflight))
			return err_set(info, ERR_USAGE, "invalid concurrency '%s'", arg), 1;
		return 0;
	case O_STALL:
		if (!parse_uint(arg, 3600000, &stall_ms))
			return err_set(info, ERR_USAGE, "invalid stall '%s'", arg), 1;
		return 0;
	case O_HOSTILE:
		if (!hostile_parse(e, arg))
			return err_set(info, ERR_USAGE, "invalid hostile mode list '%s'", arg), 1;
		return 0;
	}
	return 0;
}

static void default_rate(struct emu *e)
{
	/* PROVIDERS.md: altum 60 per 60 s; atom about 10/s with bursts;
	 * sendblue documents none (only the concurrency limit applies). */
	if (e->dialect == D_ALTUM)
		e->rate = (struct rate){ 60, 60000 };
	else if (e->dialect == D_ATOM)
		e->rate = (struct rate){ 10, 1000 };
	else
		e->rate = (struct rate){ 0, 1000 };
}

int main(int argc, char **argv)
{
	static struct emu emu;
	struct cli cli = { &emu, "127.0.0.1", 0, false, false };
	struct errinfo info = { ERR_OK, "" };
	struct sockaddr_in sa;
	struct MHD_Daemon *d = NULL, *target = NULL;
	const union MHD_DaemonInfo *di;
	sigset_t sigs;
	int npos = 0, sig, rc = 1;

	emu.key = "test-key";
	emu.key_id = "test-key-id";
	emu.secret = "test-secret";
	emu.seed = 1;
	emu.max_inflight = 16;
	switch (opts_parse(&spec, argc, argv, on_option, &cli, &npos, &info)) {
	case OPTS_HELP:
		opts_help(stdout, &spec);
		return 0;
	case OPTS_ERROR:
		fprintf(stderr, "contactsync-emulator: %s\n", info.msg);
		return 2;
	case OPTS_OK:
		break;
	}
	if (npos || !cli.have_dialect) {
		fprintf(stderr, "contactsync-emulator: %s\n",
			npos ? "unexpected argument" : "missing '--dialect'");
		return 2;
	}
	if (!cli.have_rate)
		default_rate(&emu);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)cli.port);
	if (inet_pton(AF_INET, cli.bind, &sa.sin_addr) != 1) {
		fprintf(stderr, "contactsync-emulator: invalid bind address '%s'\n",
			cli.bind);
		return 2;
	}
	pthread_mutex_init(&emu.lock, NULL);
	mstore_init(&emu.store);
	emu_limiter_reset(&emu.limiter);
	emu.limiter.rate = emu.rate;

	/* Every thread MHD starts inherits this mask, so the signals reach
	 * sigwait below and nothing else. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION |
			     MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL,
			     0, NULL, NULL, on_request, &emu,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
			     MHD_OPTION_NOTIFY_COMPLETED, on_completed, &emu,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned)2000,
			     MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1,
			     MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "contactsync-emulator: cannot listen on '%s:%u'\n",
			cli.bind, cli.port);
		goto out;
	}
	target = hostile_target_start(&emu, &sa);
	if (!target) {
		fprintf(stderr, "contactsync-emulator: cannot start the redirect target\n");
		goto out;
	}
	di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	emu.port = di ? di->port : cli.port;
	printf("listening on %s:%u\n", cli.bind, emu.port);
	if (fflush(stdout) != 0)
		goto out;

	while (sigwait(&sigs, &sig) != 0)
		;
	pthread_mutex_lock(&sleep_lock);
	shutting_down = true;
	pthread_cond_broadcast(&sleep_cond);
	pthread_mutex_unlock(&sleep_lock);
	rc = 0;
out:
	if (d)
		MHD_stop_daemon(d);
	if (target)
		MHD_stop_daemon(target);
	mstore_clear(&emu.store);
	emu_stats_reset(&emu);
	free(emu.stats);
	return rc;
}
