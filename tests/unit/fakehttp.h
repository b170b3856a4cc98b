/*
 * fakehttp: the unit tests' HTTP server (libmicrohttpd on 127.0.0.1, an
 * ephemeral port, a thread per connection). It records every request as
 * it arrived (method, raw URI, headers, body) and answers either from a
 * test's table of canned answers (fakehttp_serve) or through a test's own
 * `answer` function. Shared by test_http.c, test_drivers.c and
 * test_writes.c; the Makefile links fakehttp.c into every unit test.
 */
#ifndef CONTACTSYNC_TESTS_FAKEHTTP_H
#define CONTACTSYNC_TESTS_FAKEHTTP_H

#include <pthread.h>
#include <stddef.h>

#include <microhttpd.h>

struct fakehttp;

/* What the server received, as it received it. */
struct fakehttp_rec {
	char method[8];
	char *uri;	/* raw: path and query, not decoded */
	char *path;	/* the path as libmicrohttpd gives it (decoded, no query) */
	char *headers;	/* "name: value\n"... */
	char *body;	/* (NUL-terminated copy) */
	size_t body_len;
	int hit;	/* this is the hit-th request for path (1 for the first) */
};

/*
 * One row of a test's table: the first row whose method and URI prefix
 * match (and which has answers left) answers, as JSON. `gen`, when set,
 * builds the body from the request instead (new: freed by the server);
 * `cut` declares a longer body than it sends and then closes the
 * connection (a body cut mid-way). A request no row matches is answered
 * 404 and counted in `unmatched`.
 */
struct fakehttp_route {
	const char *method;	/* NULL: any */
	const char *prefix;	/* of the raw URI; NULL ends the table */
	int times;		/* answers this many requests; 0: every one */
	unsigned status;
	const char *body;
	const char *hdrs[6];	/* name, value, ..., NULL */
	char *(*gen)(struct fakehttp *s, struct MHD_Connection *c, const struct fakehttp_rec *r,
		     unsigned *status);
	int cut;
};

#define FAKEHTTP_MAX_ROUTES 16

struct fakehttp {
	struct MHD_Daemon *d;
	unsigned short port;
	char base[64];		/* "http://127.0.0.1:PORT" */
	pthread_mutex_t mu;	/* guards what follows (and a test's own fields) */
	pthread_cond_t cv;	/* for a test's answers that wait; broadcast on stop */
	int stopping;		/* set when the server stops: waiting answers end */
	int connections;	/* TCP connections accepted */
	const struct fakehttp_route *routes;
	int used[FAKEHTTP_MAX_ROUTES];
	struct fakehttp_rec *recs;
	size_t nrecs, recs_cap;
	size_t unmatched;
	/*
	 * A test's own answers, instead of the table when set: r is the
	 * recorded request (borrowed for the call).
	 */
	enum MHD_Result (*answer)(struct fakehttp *s, struct MHD_Connection *c,
				  const struct fakehttp_rec *r);
	void *ctx;		/* for the test's generators and answers */
};

/* cmocka fixtures: start a server into *state, stop and free it. */
int fakehttp_setup(void **state);
int fakehttp_teardown(void **state);

/* Starts answering from a new table, the records cleared (no request is
 * in flight here). */
void fakehttp_serve(struct fakehttp *s, const struct fakehttp_route *routes);

/* How many requests came for path (the path part of the URI). */
int fakehttp_hits(struct fakehttp *s, const char *path);

/* The value of a recorded request's header (case-insensitive) into out,
 * or NULL. */
const char *fakehttp_header(const struct fakehttp_rec *r, const char *name, char *out,
			    size_t cap);

/* Fails the test unless r has header name with value want (want NULL:
 * unless r lacks it). */
void fakehttp_assert_header(const struct fakehttp_rec *r, const char *name, const char *want);

/* Queues an answer: body copied, hdrs "name", "value", ..., NULL (or NULL). */
enum MHD_Result fakehttp_reply(struct MHD_Connection *c, unsigned status, const char *body,
			       const char *const *hdrs);

#endif
