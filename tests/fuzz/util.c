/* Helpers shared by the fuzz targets (see fuzz.h). */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "provider/testing.h"

int fuzz_memfile(const uint8_t *data, size_t size, char *path, size_t cap)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);
	size_t done = 0;

	if (fd < 0)
		return -1;
	while (done < size) {
		ssize_t n = write(fd, data + done, size - done);

		if (n <= 0) {
			close(fd);
			return -1;
		}
		done += (size_t)n;
	}
	snprintf(path, cap, "/proc/self/fd/%d", fd);
	return fd;
}

void fuzz_check_row(const struct row *row)
{
	volatile unsigned sum = 0;
	size_t i, j;

	if (row->ncells && (!row->cells || !row->lens))
		fuzz_fail("row without cell arrays");
	for (i = 0; i < row->ncells; i++) {
		if (!row->cells[i] || row->cells[i][row->lens[i]] != '\0')
			fuzz_fail("cell not NUL-terminated at its length");
		for (j = 0; j < row->lens[i]; j++)
			sum += (unsigned char)row->cells[i][j];
	}
	(void)sum;
}

struct provider_session *fuzz_session(const struct provider *drv)
{
	static struct profile p;
	static struct provider_session sessions[4];
	static const struct provider *opened[4];
	static char name[] = "fuzz", url[] = "https://127.0.0.1:9", book[] = "Customers";
	static char slot1[] = "Email", slot2[] = "Plan";
	static char key[] = "KEY-s3cr3t-4ltum", key_id[] = "kid-0123456789",
		    secret[] = "sec-ABCDEFGHIJ";
	struct secrets sec = { key, key_id, secret };
	struct errinfo info;
	size_t i;

	for (i = 0; i < 4 && opened[i]; i++)
		if (opened[i] == drv)
			return &sessions[i];
	if (i == 4)
		fuzz_fail("too many drivers");
	p.name = name;
	p.provider = (char *)drv->name;
	p.base_url = url;
	p.address_book = book;
	p.custom_slots[0] = slot1;
	p.custom_slots[1] = slot2;
	p.nslots = 2;
	memcpy(p.region, "GB", 3);
	if (provider_session_open(&sessions[i], drv, &p, &sec, NULL, NULL, &info))
		fuzz_fail(info.msg);
	if (drv == &provider_atom)
		atom_set_books(&sessions[i], "17", NULL);
	opened[i] = drv;
	return &sessions[i];
}

void fuzz_response(struct http_response *r, uint8_t sel, const uint8_t *body, size_t len)
{
	static const long statuses[16] = {
		200, 200, 200, 200, 201, 204, 400, 401, 403, 404, 409, 422, 429, 500, 503, 0,
	};

	memset(r, 0, sizeof(*r));
	buf_init(&r->body, 0);
	buf_init(&r->headers, 0);
	r->retry_after_ms = r->ratelimit_remaining = r->ratelimit_reset_s = -1;
	r->should_retry = -1;
	r->attempts = 1;
	r->status = statuses[sel & 15];
	if (!r->status) {
		r->err = ERR_NETWORK;
		snprintf(r->message, sizeof(r->message), "connection refused");
	}
	if (len && buf_add(&r->body, body, len))
		fuzz_fail("out of memory");
}

static void check_str(struct str s)
{
	volatile unsigned sum = 0;
	size_t i;

	if (s.len && !s.ptr)
		fuzz_fail("a string with a length and no bytes");
	for (i = 0; i < s.len; i++)
		sum += (unsigned char)s.ptr[i];
	(void)sum;
}

static enum err sink_contact(void *ctx, const struct remote_contact *rc, struct errinfo *info)
{
	const struct contact *c = &rc->c;
	size_t i;

	(void)ctx;
	(void)info;
	if (!memchr(rc->id, '\0', sizeof(rc->id)) || !memchr(rc->book, '\0', sizeof(rc->book)))
		fuzz_fail("a remote contact's id or book is not NUL-terminated");
	check_str(c->raw_phone);
	check_str(c->name);
	check_str(c->first_name);
	check_str(c->last_name);
	check_str(c->company);
	for (i = 0; i < c->ntags; i++)
		check_str(c->tags[i]);
	for (i = 0; i < c->ncustom; i++) {
		check_str(c->custom[i].key);
		check_str(c->custom[i].val);
	}
	return ERR_OK;
}

const struct pull_sink fuzz_sink = { sink_contact, NULL, NULL, NULL };

void fuzz_check_result(const struct write_result *w)
{
	if ((unsigned)w->outcome > WRITE_RETRY)
		fuzz_fail("a write outcome out of range");
	if (!memchr(w->id, '\0', sizeof(w->id)) || !memchr(w->message, '\0', sizeof(w->message)))
		fuzz_fail("a write result's id or message is not NUL-terminated");
	(void)provider_write_outcome_name(w->outcome);
}

void fuzz_fail(const char *what)
{
	fprintf(stderr, "fuzz: %s\n", what);
	abort();
}

void fuzz_judge(struct provider_session *s, enum write_kind kind, const struct http_response *r)
{
	struct remote_contact remote;
	struct write_op op;
	struct write_result w;

	memset(&remote, 0, sizeof(remote));
	snprintf(remote.id, sizeof(remote.id), "42");
	snprintf(remote.book, sizeof(remote.book), "17");
	memset(&op, 0, sizeof(op));
	op.kind = kind;
	op.phone = "+447400123456";
	op.remote = kind == WRITE_CREATE ? NULL : &remote;
	memset(&w, 0, sizeof(w));
	s->drv->judge_write(s, &op, r, &w);
	fuzz_check_result(&w);
}

void fuzz_sheet_opts(struct sheet_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->max_total = (uint64_t)8 << 20;
	opts->max_row_bytes = (size_t)1 << 20;
	opts->max_cells = 2000;
}
