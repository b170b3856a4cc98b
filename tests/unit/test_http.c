/*
 * Unit tests of the HTTP client against the unit tests' fake HTTP server
 * (fakehttp.h) on 127.0.0.1, started fresh for every test, with this
 * file's scripted answers (route). The server counts hits per path,
 * connections and requests in flight, so the tests check what the server
 * saw, not how fast anything went.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "http.h"

#include "fakehttp.h"

#define HUGE_BODY ((uint64_t)100 << 20)

/* What this file's answers keep besides the requests (s->ctx, under s->mu). */
struct extra {
	int inflight, max_inflight, conc_target;
	uint64_t huge_sent;
};

static struct extra *extra(struct fakehttp *s)
{
	return s->ctx;
}

/* name, value, name, value, ..., NULL */
static enum MHD_Result reply(struct MHD_Connection *c, unsigned status,
			     const char *body, ...)
{
	const char *hdrs[9];
	size_t n = 0;
	va_list ap;

	va_start(ap, body);
	while (n < 8 && (hdrs[n] = va_arg(ap, const char *)))
		n++;
	va_end(ap);
	hdrs[n] = NULL;
	return fakehttp_reply(c, status, body, hdrs);
}

static ssize_t huge_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct fakehttp *s = cls;

	if (pos >= HUGE_BODY)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (max > HUGE_BODY - pos)
		max = (size_t)(HUGE_BODY - pos);
	memset(buf, 'x', max);
	pthread_mutex_lock(&s->mu);
	extra(s)->huge_sent += max;
	pthread_mutex_unlock(&s->mu);
	return (ssize_t)max;
}

/* Promises 1000 bytes, sends 500 and hangs up. */
static ssize_t drop_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)cls;
	if (pos >= 500)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	if (max > 500 - pos)
		max = (size_t)(500 - pos);
	memset(buf, 'y', max);
	return (ssize_t)max;
}

static enum MHD_Result reply_reader(struct MHD_Connection *c, uint64_t size,
				    MHD_ContentReaderCallback cb, void *cls)
{
	struct MHD_Response *r = MHD_create_response_from_callback(size, 64 * 1024, cb, cls, NULL);
	enum MHD_Result ret = MHD_queue_response(c, 200, r);

	MHD_destroy_response(r);
	return ret;
}

/* Holds each request until `conc_target` are in flight at once (or 3 s
 * pass), so the peak the server sees is exactly what the client allows. */
static void barrier(struct fakehttp *s)
{
	struct timespec deadline;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 3;
	pthread_mutex_lock(&s->mu);
	extra(s)->inflight++;
	if (extra(s)->inflight > extra(s)->max_inflight)
		extra(s)->max_inflight = extra(s)->inflight;
	pthread_cond_broadcast(&s->cv);
	while (extra(s)->max_inflight < extra(s)->conc_target && !s->stopping)
		if (pthread_cond_timedwait(&s->cv, &s->mu, &deadline))
			break;
	pthread_mutex_unlock(&s->mu);
	usleep(5000);	/* stay in flight a little: later ones overlap too */
	pthread_mutex_lock(&s->mu);
	extra(s)->inflight--;
	pthread_mutex_unlock(&s->mu);
}

/* The scripted answers, by path; n: the how-manieth request for it. */
static enum MHD_Result route(struct fakehttp *s, struct MHD_Connection *c,
			     const struct fakehttp_rec *r)
{
	const char *url = r->path, *method = r->method;
	int n = r->hit;
	char tmp[512];

	if (strcmp(url, "/json") == 0)
		return reply(c, 200, "{\"ok\":true}", "Content-Type", "application/json",
			     "X-RateLimit-Remaining", "5", NULL);
	if (strcmp(url, "/404") == 0)
		return reply(c, 404, "{\"error\":\"no such thing\"}", NULL);
	if (strcmp(url, "/flaky") == 0)
		return n == 1 ? reply(c, 500, "oops", NULL) : reply(c, 200, "fine", NULL);
	if (strcmp(url, "/ra1") == 0)
		return n == 1 ? reply(c, 429, "slow down", "Retry-After", "1", NULL)
			      : reply(c, 200, "fine", NULL);
	if (strcmp(url, "/rams") == 0)	/* the ms header wins over the 30 s one */
		return n == 1 ? reply(c, 429, "slow down", "Retry-After", "30",
				      "retry-after-ms", "50", NULL)
			      : reply(c, 200, "fine", NULL);
	if (strcmp(url, "/reset") == 0)
		return n == 1 ? reply(c, 429, "{\"errors\":[]}", "X-RateLimit-Limit", "60",
				      "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", "1", NULL)
			      : reply(c, 200, "fine", NULL);
	if (strcmp(url, "/date") == 0)	/* a date in the past: retry at once */
		return n == 1 ? reply(c, 503, "later", "Retry-After",
				      "Wed, 21 Oct 2015 07:28:00 GMT", NULL)
			      : reply(c, 200, "fine", NULL);
	if (strcmp(url, "/date503") == 0)
		return reply(c, 503, "later", "Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT", NULL);
	if (strcmp(url, "/noretry") == 0)
		return reply(c, 503, "down", "x-should-retry", "false", NULL);
	if (strcmp(url, "/retry400") == 0)
		return n == 1 ? reply(c, 400, "again", "x-should-retry", "true", NULL)
			      : reply(c, 200, "fine", NULL);
	if (strcmp(url, "/rem0") == 0)
		return reply(c, 200, "last one", "X-RateLimit-Remaining", "0",
			     "X-RateLimit-Reset", "1", NULL);
	if (strcmp(url, "/rem86400") == 0)
		return reply(c, 200, "last one", "X-RateLimit-Remaining", "0",
			     "X-RateLimit-Reset", "86400", NULL);
	if (strcmp(url, "/remms5") == 0) {	/* Unix ms, 5 s from now */
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		snprintf(tmp, sizeof(tmp), "%lld",
			 (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + 5000);
		return reply(c, 200, "last one", "X-RateLimit-Remaining", "0",
			     "X-RateLimit-Reset", tmp, NULL);
	}
	if (strcmp(url, "/remabsurd") == 0)
		return reply(c, 200, "last one", "X-RateLimit-Remaining", "0",
			     "X-RateLimit-Reset", "99999999999999", NULL);
	if (strcmp(url, "/huge") == 0)
		return reply_reader(c, HUGE_BODY, huge_reader, s);
	if (strcmp(url, "/huge-chunked") == 0)
		return reply_reader(c, MHD_SIZE_UNKNOWN, huge_reader, s);
	if (strcmp(url, "/drop") == 0)
		return reply_reader(c, 1000, drop_reader, s);
	if (strcmp(url, "/redirect") == 0) {
		snprintf(tmp, sizeof(tmp), "%s/json", s->base);
		return reply(c, 302, "", "Location", tmp, NULL);
	}
	if (strcmp(url, "/conc") == 0) {
		barrier(s);
		return reply(c, 200, "fine", NULL);
	}
	if (strcmp(url, "/hang") == 0) {
		for (n = 0; n < 300 && !s->stopping; n++)
			usleep(10000);
		return reply(c, 200, "too late", NULL);
	}
	if (strcmp(url, "/echo") == 0) {
		const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
		const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");

		snprintf(tmp, sizeof(tmp), "%s %zu %s %s", method, r->body_len,
			 ct ? ct : "-", auth ? auth : "-");
		return reply(c, 200, tmp, NULL);
	}
	return reply(c, 404, "unknown path", NULL);
}

static int server_start(void **state)
{
	struct fakehttp *s;

	fakehttp_setup(state);
	s = *state;
	s->ctx = calloc(1, sizeof(struct extra));
	assert_non_null(s->ctx);
	s->answer = route;
	return 0;
}

static int server_stop(void **state)
{
	struct fakehttp *s = *state;
	struct extra *x = s->ctx;

	fakehttp_teardown(state);
	free(x);
	return 0;
}

/* ---- client helpers -------------------------------------------------- */

struct notes {
	int n;
	char last_wait[256];
	char all[4096];
};

static void on_notice(void *ctx, enum http_notice what, long ms, const char *msg)
{
	struct notes *nt = ctx;
	size_t len = strlen(nt->all);

	(void)ms;
	nt->n++;
	if (what == HTTP_NOTICE_WAIT)
		snprintf(nt->last_wait, sizeof(nt->last_wait), "%s", msg);
	snprintf(nt->all + len, sizeof(nt->all) - len, "%s\n", msg);
}

/* "waiting 1.0 s for the rate limit" (or 0.9 s, a millisecond later) */
static void assert_wait_notice(const struct notes *nt)
{
	double secs = 0;
	char rest[64] = "";

	assert_int_equal(sscanf(nt->last_wait, "waiting %lf s %63[a-z ]", &secs, rest), 2);
	assert_true(secs >= 0.9 && secs <= 1.0);
	assert_string_equal(rest, "for the rate limit");
}

static struct http_client *client_for(struct fakehttp *s, struct http_config *cfg,
				      struct notes *nt)
{
	struct http_client *c = NULL;
	struct errinfo info = { 0 };

	cfg->base_url = s->base;
	if (nt) {
		cfg->notify = on_notice;
		cfg->notify_ctx = nt;
		cfg->notify_wait_ms = 100;	/* a 1 s wait is seen as 999 ms */
	}
	assert_int_equal(http_new(&c, cfg, &info), ERR_OK);
	return c;
}

static void get(struct http_client *c, const char *path, struct http_response *r,
		enum err want)
{
	struct http_request req = { .method = "GET", .path = path };
	struct errinfo info = { 0 };

	assert_int_equal(http_do(c, &req, r, &info), want);
	if (want)
		assert_string_equal(info.msg, r->message);
}

/* ---- tests ----------------------------------------------------------- */

static void test_json_200(void **state)
{
	struct fakehttp *s = *state;
	struct http_config cfg = { 0 };
	struct http_client *c = client_for(s, &cfg, NULL);
	struct http_response r;
	struct http_stats st;
	char v[64];

	get(c, "/json", &r, ERR_OK);
	assert_int_equal(r.status, 200);
	assert_string_equal(buf_str(&r.body), "{\"ok\":true}");
	assert_int_equal(r.attempts, 1);
	assert_int_equal(r.ratelimit_remaining, 5);
	assert_int_equal(r.should_retry, -1);
	assert_string_equal(r.message, "");
	assert_non_null(http_response_header(&r, "content-type", v, sizeof(v)));
	assert_string_equal(v, "application/json");
	assert_null(http_response_header(&r, "X-Nope", v, sizeof(v)));
	st = http_stats(c);
	assert_int_equal(st.requests, 1);
	assert_int_equal(st.responses_2xx, 1);
	assert_int_equal(st.bytes_in, 11);
	http_response_free(&r);
	http_free(c);
}

static void test_404_not_retried(void **state)
{
	struct fakehttp *s = *state;
	struct http_config cfg = { 0 };
	struct http_client *c = client_for(s, &cfg, NULL);
	struct http_response r;

	get(c, "/404", &r, ERR_OK);
	assert_int_equal(r.status, 404);
	assert_int_equal(r.attempts, 1);
	assert_int_equal(fakehttp_hits(s, "/404"), 1);
	assert_non_null(strstr(r.message, "answered 404"));
	assert_string_equal(buf_str(&r.body), "{\"error\":\"no such thing\"}");
	assert_int_equal(http_stats(c).responses_4xx, 1);
	http_response_free(&r);
	http_free(c);
}

static void test_500_then_200(void **state)
{
	struct fakehttp *s = *state;
	struct http_config cfg = { 0 };
	struct notes nt = { 0 };
	struct http_client *c = client_for(s, &cfg, &nt);
	struct http_response r;
	struct http_stats st;

	get(c, "/flaky", &r, ERR_OK);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.attempts, 2);
	assert_string_equal(buf_str(&r.body), "fine");
	assert_int_equal(fakehttp_hits(s, "/flaky"), 2);
	st = http_stats(c);
	assert_int_equal(st.requests, 2);
	assert_int_equal(st.retries, 1);
	assert_int_equal(st.responses_5xx, 1);
	assert_int_equal(st.responses_2xx, 1);
	/* the pause before the retry is a backoff, not the rate limit */
	assert_int_equal(st.wait_ms, 0);
	assert_true(st.backoff_ms > 0);
	assert_non_null(strstr(nt.all, "retrying GET"));
	assert_non_null(strstr(nt.all, "server answered 500"));
	http_response_free(&r);
	http_free(c);
}

static void test_429_retry_after_seconds(void **state)
{
	struct fakehttp *s = *state;
	struct http_config cfg = { 0 };
	struct notes nt = { 0 };
	struct http_client *c = client_for(s, &cfg, &nt);
	struct http_response r;
	struct http_stats st;

	get(c, "/ra1", &r, ERR_OK);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.attempts, 2);
	st = http_stats(c);
	assert_int_equal(st.status_429, 1);
	/* It waited what the server asked (1 s), not a backoff of its own. */
	assert_true(st.wait_ms >= 950);
	assert_wait_notice(&nt);
	http_response_free(&r);
	http_free(c);
}

static void test_429_retry_after_ms_wins(void **state)
{
	struct fakehttp *s = *state;
	/* Were Retry-After: 30 used, 30 s > max_wait: no retry, attempts 1. */
	struct http_config cfg = { .max_wait_ms = 10000 };
	struct http_client *c = client_for(s, &cfg, NULL);
	struct http_response r;

	get(c, "/rams", &r, ERR_OK);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.attempts, 2);
	assert_int_equal(fakehttp_hits(s, "/rams"), 2);
	http_response_free(&r);
	http_free(c);
}

static void test_429_wait_too_long(void **state)
{
	struct fakehttp *s = *state;
	/* /ra1 answers 429 with 1 s; a 500 ms ceiling refuses to wait. */
	struct http_config cfg = { .max_wait_ms = 500 };
	struct http_client *c = client_for(s, &cfg, NULL);
	struct http_response r;

	get(c, "/ra1", &r, ERR_OK);
	assert_int_equal(r.status, 429);
	assert_int_equal(r.attempts, 1);
	assert_int_equal(r.retry_after_ms, 1000);
	assert_non_null(strstr(r.message,
			       "answered 429; Retry-After: 1 asks for a wait of 1s, more than max_wait 500ms"));
	http_response_free(&r);
	/* the client is halted: the next request never leaves */
	get(c, "/json", &r, ERR_REMOTE);
	assert_int_equal(fakehttp_hits(s, "/json"), 0);
	assert_non_null(strstr(r.message, "Retry-After: 1 asks for a wait of 1s"));
	http_response_free(&r);
	http_free(c);
}

/* X-RateLimit-Remaining: 0 on a success with a reset a day away: the
 * answer stands, nothing more leaves, the message names the header. */
static void test_reset_beyond_max_wait(void **state)
{
	struct fakehttp *s = *state;
	struct http_config cfg = { 0 };	/* max_wait: the default, 15 min */
	struct http_client *c = client_for(s, &cfg, NULL);
	struct http_response r;
	struct errinfo info = { 0 };

	get(c, "/rem86400", &r, ERR_OK);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.ratelimit_reset_s, 86400);
	http_response_free(&r);
	get(c, "/json", &r, ERR_REMOTE);
	assert_int_equal(fakehttp_hits(s, "/json"), 0);
	assert_non_null(strstr(r.message,
			       "X-RateLimit-Reset: 86400 asks for a wait of 24h, more than max_wait 15m"));
	http_response_free(&r);
	assert_int_equal(http_halted(c, &info), HTTP_HALT_WAIT);
	assert_int_equal(info.code, ERR_REMOTE);
	assert_string_equal(info.msg,
			    "X-RateLimit-Reset: 86400 asks for a wait of 24h, more than max_wait 15m");
	http_free(c);
}

/* A reset in Unix milliseconds five seconds ahead is five seconds, not
 * 56,000 years: with max_wait 2 s it is refused as 5 s. */
static void test_reset_epoch_ms(void **state)
{
	struct fakehttp *s = *state;
	struct http_config cfg = { .max_wait_ms = 2000 };
	struct http_client *c = client_for(s, &cfg, NULL);
	struct http_response r;

	get(c, "/remms5", &r, ERR_OK);
	assert_true(r.ratelimit_reset_s >= 4 && r.ratelimit_reset_s <= 5);
	http_response_free(&r);
	get(c, "/json", &r, ERR_REMOTE);
	assert_non_null(strstr(r.message, "(a Unix time in milliseconds) asks for a wait of 5s, "
				       "more than max_wait 2s"));
	assert_int_equal(fakehttp_hits(s, "/json"), 0);
	http_response_free(&r);
	http_free(c);
}

/* A reset that is no believable time (neither seconds, nor a Unix time in
 * s or ms near now) is not trusted: as if absent, nothing halts. */
static void test_reset_absurd_untrusted(void **state)
{
	struct fakehttp *s = *state;
	struct http_config cfg = { .max_wait_ms = 2000 };
	struct http_client *c = client_for(s, &cfg, NULL);
	struct http_response r;

	get(c, "/remabsurd", &r, ERR_OK);
	assert_int_equal(r.ratelimit_reset_s, -1);
	http_response_free(&r);
	get(c, "/json", &r, ERR_OK);
	assert_int_equal(r.status, 200);
	assert_int_equal(http_halted(c, NULL), HTTP_RUNNING);
	http_response_free(&r);
	http_free(c);
}

/* A wait that would end after the caller's time budget stops at once. */
static void test_reset_past_budget(void **state)
{
	struct fakehttp *s = *state;
	struct http_config cfg = { 0 };
	struct http_client *c = client_for(s, &cfg, NULL);
	struct http_response r;
	struct errinfo info = { 0 };

	http_set_budget(c, 500);
	get(c, "/rem0", &r, ERR_OK);
	http_response_free(&r);
	get(c, "/json", &r, ERR_BUDGET);
	assert_int_equal(fakehttp_hits(s, "/json"), 0);
	assert_int_equal(http_halted(c, &info), HTTP_HALT_BUDGET);
	assert_non_null(strstr(info.msg, "X-RateLimit-Reset: 1 asks for a wait of 1s, "
				     "past the end of the time budget"));
	http_response_free(&r);
	http_free(c);
}

/* A 503 whose backoff would end after the budget: not retried. */
static void test_backoff_past_budget(void **state)
{
	struct fakehttp *s = *state;
	struct http_config cfg = { 0 };
	struct http_client *c = client_for(s, &cfg, NULL);
	struct http_response r;
	struct errinfo info = { 0 };

	http_set_budget(c, 100);	/* the first backoff is 250 to 500 ms */
	get(c, "/flaky", &r, ERR_BUDGET);
	assert_int_equal(r.status, 500);
	assert_int_equal(fakehttp_hits(s, "/flaky"), 1);
	assert_int_equal(http_halted(c, &info), HTTP_HALT_BUDGET);
	assert_non_null(strstr(info.msg, "past the end of the time budget"));
	http_response_free(&r);
	http_free(c);
}

/* A host name that does not resolve is not retried, and is named. */
static void test_unresolved_host(void **state)
{
	struct http_config cfg = { .base_url = "http://no-such-host.invalid/", .insecure = 1,
				   .connect_timeout_ms = 5000 };
	struct http_client *c = NULL;
	struct http_response r;
	struct errinfo info = { 0 };

	(void)state;
	assert_int_equal(http_new(&c, &cfg, &info), ERR_OK);
	get(c, "/json", &r, ERR_NETWORK);
	assert_int_equal(r.attempts, 1);
	assert_non_null(strstr(r.message, "the host name 'no-such-host.invalid' does not resolve"));
	assert_int_equal(http_halted(c, &info), HTTP_HALT_UNRESOLVED);
	http_response_free(&r);
	http_free(c);
}

static void test_429_ratelimit_reset(void **state)
{
	struct fakehttp *s = *state;
	struct http_config cfg = { .max_wait_ms = 5000 };
	struct http_client *c = client_for(s, &cfg, NULL);
	struct http_response r;

	get(c, "/reset", &r, ERR_OK);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.attempts, 2);
	assert_true(http_stats(c).wait_ms >= 950);
	http_response_free(&r);
	http_free(c);
}

static void test_retry_after_http_date(void **state)
{
	struct fakehttp *s = *state;
	struct http_config cfg = { 0 };
	struct http_client *c = client_for(s, &cfg, NULL);
	struct http_request req = { .path = "/date503", .max_attempts = 1 };
	struct http_response r;
	struct errinfo info = { 0 };

	get(c, "/date", &r, ERR_OK);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.attempts, 2);
	http_response_free(&r);
	/* A date in the past parses to "now", not to "absent". */
	assert_int_equal(http_do(c, &req, &r, &info), ERR_OK);
	assert_int_equal(r.status, 503);
	assert_int_equal(r.retry_after_ms, 0);
	http_response_free(&r);
	http_free(c);
}

static void test_should_retry_false(void **state)
{
	struct fakehttp *s = *state;
	struct http_config cfg = { 0 };
	struct http_client *c = client_for(s, &cfg, NULL);
	struct http_response r;

	get(c, "/noretry", &r, ERR_OK);
	assert_int_equal(r.status, 503);
	assert_int_equal(r.attempts, 1);
	assert_int_equal(r.should_retry, 0);
	assert_int_equal(fakehttp_hits(s, "/noretry"), 1);
	http_response_free(&r);
	http_free(c);
}

static void test_should_retry_true_on_4xx(void **state)
{
	struct fakehttp *s = *state;
	struct http_config cfg = { 0 };
	struct http_client *c = client_for(s, &cfg, NULL);
	struct http_response r;

	get(c, "/retry400", &r, ERR_OK);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.attempts, 2);
	http_response_free(&r);
	http_free(c);
}

static void test_huge_body(void **state, const char *path)
{
	struct fakehttp *s = *state;
	struct http_config cfg = { .max_body = 1 << 20 };
	struct http_client *c = client_for(s, &cfg, NULL);
	struct http_response r;

	get(c, path, &r, ERR_LIMIT);
	assert_int_equal(r.attempts, 1);
	assert_true(r.body.len <= (size_t)1 << 20);
	assert_true(r.body.cap <= (size_t)2 << 20);
	assert_non_null(strstr(r.message, "larger than the 1048576-byte limit"));
	http_response_free(&r);
	http_free(c);
	/* The client hung up early: the server never produced 100 MB. */
	pthread_mutex_lock(&s->mu);
	assert_true(extra(s)->huge_sent < HUGE_BODY / 2);
	pthread_mutex_unlock(&s->mu);
}

static void test_huge_content_length(void **state)
{
	test_huge_body(state, "/huge");
}

static void test_huge_chunked(void **state)
{
	test_huge_body(state, "/huge-chunked");
}

static void test_drop_mid_body(void **state)
{
	struct fakehttp *s = *state;
	struct http_config cfg = { .max_attempts = 2 };
	struct http_client *c = client_for(s, &cfg, NULL);
	struct http_response r;

	get(c, "/drop", &r, ERR_NETWORK);
	assert_int_equal(r.attempts, 2);
	assert_int_equal(fakehttp_hits(s, "/drop"), 2);
	assert_non_null(strstr(r.message, "cannot GET"));
	assert_non_null(strstr(r.message, "(after 2 attempts)"));
	assert_int_equal(http_stats(c).transport_errors, 2);
	http_response_free(&r);
	http_free(c);
}

static void test_redirect_not_followed(void **state)
{
	struct fakehttp *s = *state;
	struct http_config cfg = { 0 };
	struct http_client *c = client_for(s, &cfg, NULL);
	struct http_response r;

	get(c, "/redirect", &r, ERR_OK);
	assert_int_equal(r.status, 302);
	assert_int_equal(r.attempts, 1);
	assert_int_equal(fakehttp_hits(s, "/json"), 0);
	assert_non_null(strstr(r.message, "refused (redirects are never followed)"));
	assert_int_equal(http_stats(c).responses_3xx, 1);
	http_response_free(&r);
	http_free(c);
}

static void test_timeout(void **state)
{
	struct fakehttp *s = *state;
	struct http_config cfg = { .total_timeout_ms = 200, .max_attempts = 1 };
	struct http_client *c = client_for(s, &cfg, NULL);
	struct http_response r;

	get(c, "/hang", &r, ERR_TIMEOUT);
	assert_int_equal(r.attempts, 1);
	assert_non_null(strstr(r.message, "cannot GET"));
	http_response_free(&r);
	http_free(c);
}

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The deadline cuts an attempt short: a server that never finishes
 * costs deadline_ms, not total_timeout_ms times max_attempts. */
static void test_deadline_cuts_attempt(void **state)
{
	struct fakehttp *s = *state;
	struct http_config cfg = { .total_timeout_ms = 5000, .deadline_ms = 300,
				   .max_attempts = 4 };
	struct http_client *c = client_for(s, &cfg, NULL);
	struct http_response r;
	long long t0 = mono_ms();

	get(c, "/hang", &r, ERR_TIMEOUT);
	assert_true(mono_ms() - t0 < 2000);
	assert_int_equal(r.attempts, 1);
	assert_non_null(strstr(r.message, "cannot GET"));
	assert_non_null(strstr(r.message, "deadline"));
	http_response_free(&r);
	http_free(c);
}

/* Retries stop when the next one could not start before the deadline. */
static void test_deadline_stops_retries(void **state)
{
	struct fakehttp *s = *state;
	struct http_config cfg = { .total_timeout_ms = 200, .deadline_ms = 1000,
				   .max_attempts = 10 };
	struct http_client *c = client_for(s, &cfg, NULL);
	struct http_response r;
	long long t0 = mono_ms();

	get(c, "/hang", &r, ERR_TIMEOUT);
	assert_true(mono_ms() - t0 < 2500);
	assert_true(r.attempts >= 2 && r.attempts < 10);
	assert_non_null(strstr(r.message, "deadline"));
	http_response_free(&r);
	http_free(c);
}

struct tally {
	int done, ok;
};

static void count_done(void *udata, struct http_response *resp)
{
	struct tally *t = udata;

	t->done++;
	if (resp->err == ERR_OK && resp->status == 200)
		t->ok++;
}

static void test_concurrency_and_reuse(void **state)
{
	struct fakehttp *s = *state;
	struct http_config cfg = { .concurrency = 4 };
	struct http_client *c = client_for(s, &cfg, NULL);
	struct http_request req = { .path = "/conc" };
	struct errinfo info = { 0 };
	struct tally t = { 0 };
	int i;

	extra(s)->conc_target = 4;
	for (i = 0; i < 20; i++)
		assert_int_equal(http_submit(c, &req, count_done, &t, &info), ERR_OK);
	assert_int_equal(http_run(c, &info), ERR_OK);
	assert_int_equal(t.done, 20);
	assert_int_equal(t.ok, 20);
	assert_int_equal(fakehttp_hits(s, "/conc"), 20);
	pthread_mutex_lock(&s->mu);
	assert_int_equal(extra(s)->max_inflight, 4);	/* reached, never passed */
	assert_true(s->connections <= 4);	/* kept alive and reused */
	pthread_mutex_unlock(&s->mu);
	http_free(c);
}

static void test_keepalive_sequential(void **state)
{
	struct fakehttp *s = *state;
	struct http_config cfg = { .concurrency = 1 };
	struct http_client *c = client_for(s, &cfg, NULL);
	struct http_response r;
	int i;

	for (i = 0; i < 10; i++) {
		get(c, "/json", &r, ERR_OK);
		assert_int_equal(r.status, 200);
		http_response_free(&r);
	}
	pthread_mutex_lock(&s->mu);
	assert_int_equal(s->connections, 1);
	pthread_mutex_unlock(&s->mu);
	http_free(c);
}

struct chain {
	struct http_client *c;
	int left, done;
};

static void chain_done(void *udata, struct http_response *resp)
{
	struct chain *ch = udata;
	struct http_request req = { .path = "/json" };

	assert_int_equal(resp->status, 200);
	ch->done++;
	if (ch->left-- > 0)
		assert_int_equal(http_submit(ch->c, &req, chain_done, ch, NULL), ERR_OK);
}

static void test_submit_from_callback(void **state)
{
	struct fakehttp *s = *state;
	struct http_config cfg = { 0 };
	struct chain ch = { client_for(s, &cfg, NULL), 4, 0 };
	struct http_request req = { .path = "/json" };
	struct http_response r;
	struct errinfo info = { 0 };

	assert_int_equal(http_submit(ch.c, &req, chain_done, &ch, &info), ERR_OK);
	assert_int_equal(http_run(ch.c, &info), ERR_OK);
	assert_int_equal(ch.done, 5);
	assert_int_equal(fakehttp_hits(s, "/json"), 5);
	/* http_do is refused from inside the loop only. */
	get(ch.c, "/json", &r, ERR_OK);
	http_response_free(&r);
	http_free(ch.c);
}

static void test_remaining_zero_waits(void **state)
{
	struct fakehttp *s = *state;
	struct http_config cfg = { 0 };
	struct notes nt = { 0 };
	struct http_client *c = client_for(s, &cfg, &nt);
	struct http_response r;

	get(c, "/rem0", &r, ERR_OK);
	assert_int_equal(r.ratelimit_remaining, 0);
	assert_int_equal(r.ratelimit_reset_s, 1);
	http_response_free(&r);
	assert_int_equal(http_stats(c).wait_ms, 0);
	get(c, "/rem0", &r, ERR_OK);
	http_response_free(&r);
	assert_true(http_stats(c).wait_ms >= 950);
	assert_wait_notice(&nt);
	http_free(c);
}

/* The bucket holds requests back: 10/s with no burst spaces 4 requests by
 * 100 ms, and the client spends that time waiting (a lower bound: it may
 * not send faster, it may well be slower). */
static void test_rate_paces_requests(void **state)
{
	struct fakehttp *s = *state;
	struct http_config cfg = { .rate = "10/s,burst=1", .concurrency = 4 };
	struct http_client *c = client_for(s, &cfg, NULL);
	struct http_request req = { .path = "/json" };
	struct errinfo info = { 0 };
	struct tally t = { 0 };
	int i;

	for (i = 0; i < 4; i++)
		assert_int_equal(http_submit(c, &req, count_done, &t, &info), ERR_OK);
	assert_int_equal(http_run(c, &info), ERR_OK);
	assert_int_equal(t.ok, 4);
	/* free slots held back by the limiter, while others ran: rate wait */
	assert_true(http_stats(c).wait_ms >= 200);
	assert_int_equal(http_stats(c).backoff_ms, 0);
	http_free(c);
}

static void test_post_and_headers(void **state)
{
	struct fakehttp *s = *state;
	struct http_header h[] = { { "Authorization", "Bearer tok-123" } };
	struct http_config cfg = { .headers = h, .nheaders = 1 };
	struct http_client *c = client_for(s, &cfg, NULL);
	struct http_request req = {
		.method = "POST", .path = "/echo", .content_type = "application/json",
		.body = "{\"a\":1}", .body_len = 7,
	};
	struct http_response r;
	struct errinfo info = { 0 };

	assert_int_equal(http_do(c, &req, &r, &info), ERR_OK);
	assert_string_equal(buf_str(&r.body), "POST 7 application/json Bearer tok-123");
	http_response_free(&r);
	req.method = "DELETE";
	req.body = NULL;
	req.body_len = 0;
	req.content_type = NULL;
	assert_int_equal(http_do(c, &req, &r, &info), ERR_OK);
	assert_string_equal(buf_str(&r.body), "DELETE 0 - Bearer tok-123");
	http_response_free(&r);
	http_free(c);
}

static void test_bad_requests(void **state)
{
	struct fakehttp *s = *state;
	struct http_config cfg = { 0 };
	struct http_client *c = client_for(s, &cfg, NULL);
	static const char *const bad[] = {
		"relative", "/a b", "@evil.example/", "/a\r\nX: y", "/x#frag",
	};
	struct http_request req = { 0 };
	struct http_response r;
	struct errinfo info = { 0 };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		req.path = bad[i];
		assert_int_equal(http_do(c, &req, &r, &info), ERR_USAGE);
		http_response_free(&r);
	}
	req.path = "/json";
	req.method = "GE T";
	assert_int_equal(http_do(c, &req, &r, &info), ERR_USAGE);
	http_response_free(&r);
	assert_int_equal(http_stats(c).requests, 0);
	http_free(c);
}

static void test_config_checks(void **state)
{
	static const struct { const char *url; int insecure; enum err want; } cases[] = {
		{ "http://example.com/api", 0, ERR_CONFIG },
		{ "http://10.0.0.1/", 0, ERR_CONFIG },
		{ "http://example.com/api", 1, ERR_OK },
		{ "https://example.com/api", 0, ERR_OK },
		{ "http://127.0.0.5:8080", 0, ERR_OK },
		{ "http://localhost:8080/", 0, ERR_OK },
		{ "http://[::1]:8080", 0, ERR_OK },
		{ "ftp://example.com/", 0, ERR_CONFIG },
		{ "https://example.com/api?key=1", 0, ERR_CONFIG },
		{ "not a url", 0, ERR_CONFIG },
		{ "", 0, ERR_CONFIG },
	};
	struct http_header nl[] = { { "X-A", "b\r\nX-Evil: 1" } };
	struct http_config cfg = { 0 };
	struct http_client *c;
	struct errinfo info = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&cfg, 0, sizeof(cfg));
		cfg.base_url = cases[i].url;
		cfg.insecure = cases[i].insecure;
		info.msg[0] = '\0';
		assert_int_equal(http_new(&c, &cfg, &info), cases[i].want);
		if (cases[i].want)
			assert_true(info.msg[0]);
		http_free(c);
	}
	cfg.base_url = "http://example.com/api";
	cfg.insecure = 0;
	assert_int_equal(http_new(&c, &cfg, &info), ERR_CONFIG);
	assert_string_equal(info.msg,
			    "refusing plain http to 'example.com': use https (or allow insecure connections)");
	cfg.base_url = "https://example.com";
	cfg.rate = "fast";
	assert_int_equal(http_new(&c, &cfg, &info), ERR_CONFIG);
	assert_non_null(strstr(info.msg, "invalid rate 'fast'"));
	cfg.rate = "10/s";
	cfg.headers = nl;
	cfg.nheaders = 1;
	assert_int_equal(http_new(&c, &cfg, &info), ERR_CONFIG);
	assert_non_null(strstr(info.msg, "'X-A'"));
}

static void test_redact(void **state)
{
	const char *sec[] = { "abc", "bcdef", "", NULL, "zz" };
	char out[64];

	(void)state;
	http_redact("xabcdefx abc zzz", sec, 5, out, sizeof(out));
	assert_string_equal(out, "x***x *** ***");
	http_redact("no secret here", sec, 5, out, sizeof(out));
	assert_string_equal(out, "no secret here");
	/* Cut after redaction: no prefix of a secret survives a short buffer. */
	http_redact("0123abcdef", sec, 5, out, 7);
	assert_string_equal(out, "0123**");
	http_redact("0123abcdef", sec, 2, out, 6);
	assert_string_equal(out, "0123*");
	http_redact("abc", sec, 5, out, 1);
	assert_string_equal(out, "");
}

static int closed_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

static void assert_clean(const char *msg)
{
	assert_null(strstr(msg, "tok-SECRET-123"));
	assert_null(strstr(msg, "SECRET"));
	assert_null(strstr(msg, "urlkey/XYZ"));
	assert_null(strstr(msg, "urlkey%2FXYZ"));
	assert_null(strstr(msg, "pw-hidden"));
}

static void test_secrets_never_shown(void **state)
{
	struct fakehttp *s = *state;
	const char *secrets[] = { "urlkey/XYZ" };
	struct http_header h[] = {
		{ "Authorization", "Bearer tok-SECRET-123" }, { "Accept", "application/json" },
	};
	struct http_config cfg = {
		.headers = h, .nheaders = 2, .secrets = secrets, .nsecrets = 1,
		.max_attempts = 2,
	};
	struct notes nt = { 0 };
	struct http_client *c;
	struct http_response r;
	struct errinfo info = { 0 };
	char base[64];

	/* A refused connection, secrets in the path, raw and encoded. */
	snprintf(base, sizeof(base), "http://127.0.0.1:%d", closed_port());
	cfg.base_url = base;
	cfg.notify = on_notice;
	cfg.notify_ctx = &nt;
	assert_int_equal(http_new(&c, &cfg, &info), ERR_OK);
	get(c, "/x?key=urlkey%2FXYZ&t=tok-SECRET-123&k2=urlkey/XYZ", &r, ERR_NETWORK);
	assert_int_equal(r.attempts, 2);
	assert_non_null(strstr(r.message, "cannot GET"));
	assert_non_null(strstr(r.message, "key=***&t=***&k2=***"));
	assert_clean(r.message);
	assert_clean(info.msg);
	assert_non_null(strstr(nt.all, "retrying GET"));
	assert_clean(nt.all);
	http_response_free(&r);
	http_free(c);

	/* A final 404 names the URL: redacted too. */
	cfg.base_url = s->base;
	assert_int_equal(http_new(&c, &cfg, &info), ERR_OK);
	get(c, "/404?key=urlkey/XYZ", &r, ERR_OK);
	assert_int_equal(r.status, 404);
	assert_non_null(strstr(r.message, "answered 404"));
	assert_clean(r.message);
	http_response_free(&r);
	/* And a bad path. */
	get(c, "/a b?t=tok-SECRET-123", &r, ERR_USAGE);
	assert_clean(r.message);
	http_response_free(&r);
	http_free(c);

	/* A password in the base URL, in a refusal. */
	cfg.base_url = "http://user:pw-hidden@example.com/";
	assert_int_equal(http_new(&c, &cfg, &info), ERR_CONFIG);
	assert_clean(info.msg);
	cfg.base_url = "http://user:pw-hidden@exa mple.com/";
	assert_int_equal(http_new(&c, &cfg, &info), ERR_CONFIG);
	assert_clean(info.msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_config_checks),
		cmocka_unit_test_setup_teardown(test_json_200, server_start, server_stop),
		cmocka_unit_test_setup_teardown(test_404_not_retried, server_start, server_stop),
		cmocka_unit_test_setup_teardown(test_500_then_200, server_start, server_stop),
		cmocka_unit_test_setup_teardown(test_429_retry_after_seconds, server_start, server_stop),
		cmocka_unit_test_setup_teardown(test_429_retry_after_ms_wins, server_start, server_stop),
		cmocka_unit_test_setup_teardown(test_429_wait_too_long, server_start, server_stop),
		cmocka_unit_test_setup_teardown(test_429_ratelimit_reset, server_start, server_stop),
		cmocka_unit_test_setup_teardown(test_reset_beyond_max_wait, server_start, server_stop),
		cmocka_unit_test_setup_teardown(test_reset_epoch_ms, server_start, server_stop),
		cmocka_unit_test_setup_teardown(test_reset_absurd_untrusted, server_start, server_stop),
		cmocka_unit_test_setup_teardown(test_reset_past_budget, server_start, server_stop),
		cmocka_unit_test_setup_teardown(test_backoff_past_budget, server_start, server_stop),
		cmocka_unit_test(test_unresolved_host),
		cmocka_unit_test_setup_teardown(test_retry_after_http_date, server_start, server_stop),
		cmocka_unit_test_setup_teardown(test_should_retry_false, server_start, server_stop),
		cmocka_unit_test_setup_teardown(test_should_retry_true_on_4xx, server_start, server_stop),
		cmocka_unit_test_setup_teardown(test_huge_content_length, server_start, server_stop),
		cmocka_unit_test_setup_teardown(test_huge_chunked, server_start, server_stop),
		cmocka_unit_test_setup_teardown(test_drop_mid_body, server_start, server_stop),
		cmocka_unit_test_setup_teardown(test_redirect_not_followed, server_start, server_stop),
		cmocka_unit_test_setup_teardown(test_timeout, server_start, server_stop),
		cmocka_unit_test_setup_teardown(test_deadline_cuts_attempt, server_start, server_stop),
		cmocka_unit_test_setup_teardown(test_deadline_stops_retries, server_start, server_stop),
		cmocka_unit_test_setup_teardown(test_concurrency_and_reuse, server_start, server_stop),
		cmocka_unit_test_setup_teardown(test_keepalive_sequential, server_start, server_stop),
		cmocka_unit_test_setup_teardown(test_submit_from_callback, server_start, server_stop),
		cmocka_unit_test_setup_teardown(test_remaining_zero_waits, server_start, server_stop),
		cmocka_unit_test_setup_teardown(test_rate_paces_requests, server_start, server_stop),
		cmocka_unit_test_setup_teardown(test_post_and_headers, server_start, server_stop),
		cmocka_unit_test_setup_teardown(test_bad_requests, server_start, server_stop),
		cmocka_unit_test_setup_teardown(test_secrets_never_shown, server_start, server_stop),
	};
	int rc;

	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
