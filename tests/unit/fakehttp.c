/* fakehttp: the unit tests' HTTP server (see fakehttp.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "buf.h"
#include "fakehttp.h"

/* A request being received. */
struct req_state {
	char *uri;
	char *path;
	struct buf body;
	int started;
};

static void rec_free(struct fakehttp_rec *r)
{
	free(r->uri);
	free(r->path);
	free(r->headers);
	free(r->body);
}

static void recs_clear(struct fakehttp *s)
{
	size_t i;

	for (i = 0; i < s->nrecs; i++)
		rec_free(&s->recs[i]);
	s->nrecs = 0;
}

void fakehttp_serve(struct fakehttp *s, const struct fakehttp_route *routes)
{
	pthread_mutex_lock(&s->mu);
	s->routes = routes;
	memset(s->used, 0, sizeof(s->used));
	recs_clear(s);
	s->unmatched = 0;
	pthread_mutex_unlock(&s->mu);
}

int fakehttp_hits(struct fakehttp *s, const char *path)
{
	size_t i;
	int n = 0;

	pthread_mutex_lock(&s->mu);
	for (i = 0; i < s->nrecs; i++)
		n += !strcmp(s->recs[i].path, path);
	pthread_mutex_unlock(&s->mu);
	return n;
}

const char *fakehttp_header(const struct fakehttp_rec *r, const char *name, char *out,
			    size_t cap)
{
	const char *p = r->headers;
	size_t n = strlen(name);

	while (p && *p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);

		if (len > n + 1 && !strncasecmp(p, name, n) && p[n] == ':') {
			const char *v = p + n + 1;

			while (*v == ' ')
				v++;
			snprintf(out, cap, "%.*s", (int)(p + len - v), v);
			return out;
		}
		p = eol ? eol + 1 : NULL;
	}
	return NULL;
}

enum MHD_Result fakehttp_reply(struct MHD_Connection *c, unsigned status, const char *body,
			       const char *const *hdrs)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	size_t i;

	r = MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
	for (i = 0; hdrs && hdrs[i] && hdrs[i + 1]; i += 2)
		MHD_add_response_header(r, hdrs[i], hdrs[i + 1]);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* ---- the canned table ---------------------------------------------------- */

struct cut_body {
	char *data;
	size_t len;
};

static ssize_t cut_reader(void *cls, uint64_t pos, char *out, size_t max)
{
	struct cut_body *cb = cls;
	size_t n;

	if (pos >= cb->len)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	n = cb->len - (size_t)pos;
	if (n > max)
		n = max;
	memcpy(out, cb->data + pos, n);
	return (ssize_t)n;
}

static void cut_free(void *cls)
{
	struct cut_body *cb = cls;

	free(cb->data);
	free(cb);
}

/* A row's answer (status and body possibly from its generator), as JSON. */
static enum MHD_Result reply_row(struct MHD_Connection *c, const struct fakehttp_route *row,
				 unsigned status, const char *body)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	size_t i, len = strlen(body);

	if (row->cut) {
		struct cut_body *cb = calloc(1, sizeof(*cb));

		cb->data = strdup(body);
		cb->len = len;
		r = MHD_create_response_from_callback(len + 64, 1024, cut_reader, cb, cut_free);
	} else {
		r = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	}
	MHD_add_response_header(r, "Content-Type", "application/json");
	for (i = 0; row->hdrs[i] && row->hdrs[i + 1]; i += 2)
		MHD_add_response_header(r, row->hdrs[i], row->hdrs[i + 1]);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static const struct fakehttp_route no_route = {
	NULL, "", 0, 404, "{\"status\":\"ERROR\",\"message\":\"no canned answer\"}", { NULL }, NULL, 0
};

/* The first row that answers r (its use counted), or NULL; under s->mu. */
static const struct fakehttp_route *find_row(struct fakehttp *s, const struct fakehttp_rec *r)
{
	size_t i;

	for (i = 0; s->routes && s->routes[i].prefix && i < FAKEHTTP_MAX_ROUTES; i++) {
		const struct fakehttp_route *t = &s->routes[i];

		if ((t->method && strcmp(t->method, r->method)) ||
		    strncmp(r->uri, t->prefix, strlen(t->prefix)) ||
		    (t->times && s->used[i] >= t->times))
			continue;
		s->used[i]++;
		return t;
	}
	s->unmatched++;
	return NULL;
}

static enum MHD_Result answer_row(struct fakehttp *s, struct MHD_Connection *c,
				  const struct fakehttp_route *row, const struct fakehttp_rec *r)
{
	unsigned status;
	enum MHD_Result ret;
	char *gen;

	if (!row)
		return reply_row(c, &no_route, no_route.status, no_route.body);
	status = row->status;
	if (!row->gen)
		return reply_row(c, row, status, row->body);
	gen = row->gen(s, c, r, &status);
	if (!gen)
		return fakehttp_reply(c, 500, "{\"message\":\"generator failed\"}", NULL);
	ret = reply_row(c, row, status, gen);
	free(gen);
	return ret;
}

/* ---- receiving ----------------------------------------------------------- */

static enum MHD_Result add_header(void *cls, enum MHD_ValueKind kind,
				  const char *key, const char *value)
{
	(void)kind;
	buf_printf(cls, "%s: %s\n", key, value ? value : "");
	return MHD_YES;
}

static void *uri_logger(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct req_state *rs = calloc(1, sizeof(*rs));

	(void)cls;
	(void)c;
	if (!rs)
		return NULL;
	rs->uri = strdup(uri);
	buf_init(&rs->body, 1 << 20);
	return rs;
}

/* The request as received into r, and recorded (under s->mu): 1 when
 * s->recs keeps it (r's strings then belong to the record, valid until
 * the next fakehttp_serve), 0 when r's strings are the caller's. */
static int record(struct fakehttp *s, struct MHD_Connection *c, const char *method,
		   const struct req_state *rs, struct fakehttp_rec *r)
{
	struct buf hb;
	size_t i;

	buf_init(&hb, 0);
	MHD_get_connection_values(c, MHD_HEADER_KIND, add_header, &hb);
	memset(r, 0, sizeof(*r));
	snprintf(r->method, sizeof(r->method), "%s", method);
	r->uri = strdup(rs->uri ? rs->uri : "");
	r->path = strdup(rs->path ? rs->path : "");
	r->headers = strdup(buf_str(&hb));
	r->body = strdup(buf_str(&rs->body));
	r->body_len = rs->body.len;
	buf_free(&hb);
	if (s->answer)	/* only a test's own answers count hits */
		for (r->hit = 1, i = 0; i < s->nrecs; i++)
			r->hit += !strcmp(s->recs[i].path, r->path);
	if (s->nrecs == s->recs_cap) {
		size_t cap = s->recs_cap ? s->recs_cap * 2 : 32;
		struct fakehttp_rec *v = realloc(s->recs, cap * sizeof(*v));

		if (v) {
			s->recs = v;
			s->recs_cap = cap;
		}
	}
	if (s->nrecs == s->recs_cap)
		return 0;
	s->recs[s->nrecs++] = *r;
	return 1;
}

static enum MHD_Result answer(struct fakehttp *s, struct MHD_Connection *c,
			      const char *method, const struct req_state *rs)
{
	const struct fakehttp_route *row = NULL;
	struct fakehttp_rec r;
	enum MHD_Result ret;
	int kept;

	pthread_mutex_lock(&s->mu);
	kept = record(s, c, method, rs, &r);
	if (!s->answer)
		row = find_row(s, &r);
	pthread_mutex_unlock(&s->mu);
	ret = s->answer ? s->answer(s, c, &r) : answer_row(s, c, row, &r);
	if (!kept)
		rec_free(&r);
	return ret;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
			       const char *method, const char *version,
			       const char *upload, size_t *upload_size, void **con_cls)
{
	struct req_state *rs = *con_cls;

	(void)version;
	if (!rs)
		return MHD_NO;
	if (!rs->started) {
		rs->started = 1;
		rs->path = strdup(url);
		return MHD_YES;
	}
	if (*upload_size) {
		buf_add(&rs->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	return answer(cls, c, method, rs);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct req_state *rs = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (rs) {
		free(rs->uri);
		free(rs->path);
		buf_free(&rs->body);
		free(rs);
	}
	*con_cls = NULL;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_ctx,
			  enum MHD_ConnectionNotificationCode toe)
{
	struct fakehttp *s = cls;

	(void)c;
	(void)socket_ctx;
	if (toe != MHD_CONNECTION_NOTIFY_STARTED)
		return;
	pthread_mutex_lock(&s->mu);
	s->connections++;
	pthread_mutex_unlock(&s->mu);
}

/* ---- starting and stopping ----------------------------------------------- */

int fakehttp_setup(void **state)
{
	struct fakehttp *s = calloc(1, sizeof(*s));
	struct sockaddr_in addr;
	const union MHD_DaemonInfo *info;

	assert_non_null(s);
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	addr.sin_port = 0;
	s->d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD,
				0, NULL, NULL, handler, s,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
				MHD_OPTION_URI_LOG_CALLBACK, uri_logger, s,
				MHD_OPTION_NOTIFY_COMPLETED, completed, s,
				MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10,
				MHD_OPTION_END);
	assert_non_null(s->d);
	info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	assert_non_null(info);
	s->port = info->port;
	snprintf(s->base, sizeof(s->base), "http://127.0.0.1:%u", s->port);
	*state = s;
	return 0;
}

int fakehttp_teardown(void **state)
{
	struct fakehttp *s = *state;

	pthread_mutex_lock(&s->mu);
	s->stopping = 1;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	MHD_stop_daemon(s->d);
	recs_clear(s);
	free(s->recs);
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	free(s);
	return 0;
}

void fakehttp_assert_header(const struct fakehttp_rec *r, const char *name, const char *want)
{
	char v[256];

	if (!want) {
		assert_null(fakehttp_header(r, name, v, sizeof(v)));
		return;
	}
	assert_non_null(fakehttp_header(r, name, v, sizeof(v)));
	assert_string_equal(v, want);
}
