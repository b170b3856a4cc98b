/*
 * drv_altum: AltumCode 66text (lopbe.com, smsflow.su, …), see
 * shared/api/PROVIDERS.md §1.
 *
 * What altum stores of a contact: one `name` (cut at 256 characters by
 * the server), the phone, and custom parameters (keys cut at 64, values at
 * 512). No first/last name, company or tags; opt-out is read-only (set by
 * an inbound STOP only), so it can be read but never planned. No bulk
 * endpoints.
 */
#include "provider.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_CHARS 256
#define KEY_MAX_CHARS 64
#define VALUE_MAX_CHARS 512

static enum err altum_project(const struct profile *p, const struct contact *in,
			      struct contact *out, struct buf *scratch)
{
	size_t i;
	enum err e;

	(void)p;
	provider_project_start(in, out);
	e = provider_full_name(in, &out->name, scratch);
	if (e)
		return e;
	out->name = provider_cut(out->name, NAME_MAX_CHARS);
	for (i = 0; i < in->ncustom; i++) {
		struct str k = provider_cut(in->custom[i].key, KEY_MAX_CHARS);
		struct str v = provider_cut(in->custom[i].val, VALUE_MAX_CHARS);

		e = contact_add_custom(out, k.ptr, k.len, v.ptr, v.len);
		if (e)
			return e;
	}
	contact_sort(out);
	return ERR_OK;
}

static size_t altum_auth(const struct secrets *sec, struct http_header out[2],
			 char *buf, size_t cap)
{
	snprintf(buf, cap, "Bearer %s", sec->key ? sec->key : "");
	out[0].name = "Authorization";
	out[0].value = buf;
	return 1;
}

/*
 * Listing: pages of 1000 (the largest size altum accepts). The first
 * page says how many there are; the rest are requested at once and the
 * HTTP client spreads them over the rate limit (60 requests a minute).
 */
#define PAGE_SIZE 1000

struct listing {
	struct provider_session *s;
	const struct pull_sink *sink;
	struct errinfo *info;
	enum err failed;
	struct errinfo first_error;
	unsigned long long done, total;
	long long pages;
	struct remote_contact rc;
};

struct page_req {
	struct listing *l;
	long long page;
	int tries;
	char path[96];
};

static enum err submit_page(struct page_req *pr, struct errinfo *info);

/* One contact of a listing page → the sink. */
static enum err altum_contact(struct listing *l, json_t *item)
{
	struct remote_contact *rc = &l->rc;
	json_t *custom = json_object_get(item, "custom_parameters");
	json_t *out = json_object_get(item, "has_opted_out");
	const char *k;
	json_t *v;

	contact_reset(&rc->c);
	rc->phone_invalid = 0;
	rc->book[0] = '\0';
	provider_json_id(item, "id", rc->id, sizeof(rc->id));
	rc->c.raw_phone = provider_json_str(item, "phone_number", NULL);
	rc->c.name = provider_json_str(item, "name", NULL);
	rc->c.opted_out = json_is_true(out) || (json_is_integer(out) && json_integer_value(out))
				  ? TRI_TRUE : TRI_FALSE;
	/* an empty set comes as [] (tolerated); values are strings */
	if (json_is_object(custom))
		json_object_foreach(custom, k, v) {
			struct str val = json_is_string(v) ? (struct str){ json_string_value(v), json_string_length(v) }
							   : (struct str){ "", 0 };

			if (val.len && contact_add_custom(&rc->c, k, strlen(k), val.ptr, val.len))
				return err_set(l->info, ERR_NOMEM, "out of memory");
		}
	contact_sort(&rc->c);
	return l->sink->contact(l->sink->ctx, rc, l->info);
}

static enum err altum_page(struct listing *l, long long page, struct http_response *r)
{
	char what[64];
	json_t *root = NULL, *data, *item;
	size_t i;
	enum err e;

	snprintf(what, sizeof(what), "listing page %lld", page);
	e = provider_check(l->s, what, r, l->info);
	if (!e)
		e = provider_json(l->s, what, r, &root, l->info);
	if (e)
		return e;
	data = json_object_get(root, "data");
	if (!json_is_array(data)) {
		json_decref(root);
		return err_set(l->info, ERR_REMOTE, "profile '%s': %s: no 'data' list in the answer",
			       l->s->profile->name, what);
	}
	if (page == 1) {
		json_t *meta = json_object_get(root, "meta");
		long long tr = provider_json_count(meta, "total_results");

		l->pages = provider_json_count(meta, "total_pages");
		if (tr < 0)
			tr = provider_json_count(meta, "total");	/* the docs' name */
		l->total = tr > 0 ? (unsigned long long)tr : 0;
		if (l->pages < 1)
			l->pages = 1;
	}
	json_array_foreach(data, i, item) {
		e = altum_contact(l, item);
		if (e)
			break;
		l->done++;
	}
	json_decref(root);
	if (!e && l->sink->progress)
		l->sink->progress(l->sink->ctx, l->done, l->total);
	return e;
}

static void page_done(void *udata, struct http_response *r)
{
	struct page_req *pr = udata;
	struct listing *l = pr->l;
	struct errinfo info = { ERR_OK, "" };
	enum err e;

	if (!l->failed) {
		struct errinfo *saved = l->info;
		unsigned long long before = l->done;

		l->info = &info;
		e = altum_page(l, pr->page, r);
		l->info = saved;
		/* a cut or garbled body (no contact of it taken yet): ask again */
		if (e == ERR_REMOTE && l->done == before && r->status >= 200 && r->status < 300 &&
		    ++pr->tries < PROVIDER_READ_TRIES && !submit_page(pr, &info))
			return;
		if (e) {
			l->failed = e;
			l->first_error = info;
		}
	}
	free(pr);
}

static enum err submit_page(struct page_req *pr, struct errinfo *info)
{
	struct http_request req;

	memset(&req, 0, sizeof(req));
	req.path = pr->path;
	req.max_attempts = PROVIDER_READ_ATTEMPTS;
	return http_submit(pr->l->s->http, &req, page_done, pr, info);
}

static enum err altum_pull(struct provider_session *s, const struct pull_sink *sink,
			   struct errinfo *info)
{
	struct listing l;
	struct http_request req;
	struct http_response r;
	char path[96];
	long long p;
	int tries;
	enum err e = ERR_OK;

	memset(&l, 0, sizeof(l));
	l.s = s;
	l.sink = sink;
	l.info = info;
	contact_init(&l.rc.c);
	memset(&req, 0, sizeof(req));
	snprintf(path, sizeof(path), "/api/contacts?page=1&results_per_page=%d", PAGE_SIZE);
	req.path = path;
	req.max_attempts = PROVIDER_READ_ATTEMPTS;
	for (tries = 0; tries < PROVIDER_READ_TRIES; tries++) {
		long status;

		e = http_do(s->http, &req, &r, info);
		if (e)
			break;
		status = r.status;
		e = altum_page(&l, 1, &r);
		http_response_free(&r);
		if (e != ERR_REMOTE || l.done || status < 200 || status >= 300)
			break;
	}
	for (p = 2; !e && p <= l.pages; p++) {
		struct page_req *pr = calloc(1, sizeof(*pr));

		if (!pr) {
			e = err_set(info, ERR_NOMEM, "out of memory");
			break;
		}
		pr->l = &l;
		pr->page = p;
		snprintf(pr->path, sizeof(pr->path), "/api/contacts?page=%lld&results_per_page=%d",
			 p, PAGE_SIZE);
		e = submit_page(pr, info);
		if (e)
			free(pr);
	}
	if (!e)
		e = http_run(s->http, info);
	if (!e && l.failed) {
		e = l.failed;
		if (info)
			*info = l.first_error;
	}
	contact_free(&l.rc.c);
	return e;
}

const struct provider provider_altum = {
	.name = "altum",
	.caps = PROVIDER_CAP_LIST | PROVIDER_CAP_PARTIAL_UPDATE |
		PROVIDER_CAP_CUSTOM_FIELDS | PROVIDER_CAP_FULL_NAME,
	.default_base_url = NULL,
	.default_rate = "60/60s",
	.default_concurrency = 1,
	.project = altum_project,
	.auth = altum_auth,
	.pull = altum_pull,
};
