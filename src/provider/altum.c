/*
 * altum: AltumCode 66text (lopbe.com, smsflow.su, …), see
 * shared/api/PROVIDERS.md §1.
 *
 * What altum stores of a contact: one `name` (cut at 256 characters by
 * the server), the phone, and custom parameters (keys cut at 64, values at
 * 512). No first/last name, company or tags; opt-out is read-only (set by
 * an inbound STOP only), so it can be read but never planned. No bulk
 * endpoints.
 */
#include "provider/driver.h"
#include "provider/testing.h"

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
 * page says how many there are (told to the sink, which may refuse a
 * count beyond belief); the rest are requested a window at a time, each
 * answer queueing the next page, and the HTTP client spreads them over
 * the rate limit (60 requests a minute). Never all at once: memory must
 * not depend on the count a server announces.
 */
#define PAGE_SIZE 1000
#define PAGE_WINDOW 16	/* page requests queued at once */

struct listing {
	struct provider_session *s;
	const struct pull_sink *sink;
	struct errinfo *info;
	enum err failed;
	struct errinfo first_error;
	unsigned long long done, total;
	long long pages;
	long long next_page;		/* the next page to ask for */
	long long total_results;	/* page 1's count, -1 when it gave none */
	long long per_page;		/* page 1's results_per_page (builds that
					   refuse 1000 silently give 25) */
	char first_id[64], last_id[64];	/* page 1's first and last contact */
	int recheck;			/* reading page 1 again: compare, emit nothing */
	int refused;			/* the sink refused page 1's count: not asked again */
	struct remote_contact rc;
};

struct page_req {
	struct listing *l;
	long long page;
	int tries;
	char path[96];
};

static enum err submit_page(struct page_req *pr, struct errinfo *info);
static enum err submit_next(struct listing *l, struct errinfo *info);

/* One contact of a listing page → the sink. */
static enum err altum_contact(struct listing *l, json_t *item)
{
	struct remote_contact *rc = &l->rc;
	json_t *custom = json_object_get(item, "custom_parameters");
	const char *k;
	json_t *v;

	contact_reset(&rc->c);
	rc->phone_invalid = 0;
	rc->book[0] = '\0';
	provider_json_id(item, "id", rc->id, sizeof(rc->id));
	rc->c.raw_phone = provider_json_str(item, "phone_number", NULL);
	rc->c.name = provider_json_str(item, "name", NULL);
	rc->c.opted_out = provider_json_bool(item, "has_opted_out", NULL) ? TRI_TRUE : TRI_FALSE;
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

static long long meta_total(json_t *root)
{
	json_t *meta = json_object_get(root, "meta");
	long long tr = provider_json_count(meta, "total_results");

	return tr >= 0 ? tr : provider_json_count(meta, "total");	/* the docs' name */
}

/* The ids of page 1's first and last contact ("" when none). */
static void page_ends(json_t *data, char *first, char *last, size_t cap)
{
	size_t n = json_array_size(data);

	first[0] = last[0] = '\0';
	if (!n)
		return;
	provider_json_id(json_array_get(data, 0), "id", first, cap);
	provider_json_id(json_array_get(data, n - 1), "id", last, cap);
}

/*
 * Page numbers are positions in a list ordered by id, newest first, so a
 * contact deleted while the listing runs moves every later one up a place
 * and one of them would be skipped, unseen. So every page must agree with
 * page 1 on the count and hold the contacts the count says; page 1, read
 * again at the end, must be what it was (a contact added shifts it).
 * Anything else is ERR_CHANGED, and the pull lists the account again.
 */
static enum err page_consistent(struct listing *l, long long page, json_t *root, json_t *data)
{
	const char *pname = l->s->profile->name;
	long long tr = meta_total(root), want;
	size_t n = json_array_size(data);
	char first[64], last[64];

	if (page == 1 && l->recheck) {
		page_ends(data, first, last, sizeof(first));
		if (tr != l->total_results || strcmp(first, l->first_id) || strcmp(last, l->last_id))
			return err_set(l->info, ERR_CHANGED,
				       "profile '%s': the account changed while it was listed (page 1 is not what it was: %lld contacts, was %lld)",
				       pname, tr, l->total_results);
		return ERR_OK;
	}
	if (page == 1) {
		l->total_results = tr;
		l->pages = provider_json_count(json_object_get(root, "meta"), "total_pages");
		l->per_page = provider_json_count(json_object_get(root, "meta"), "results_per_page");
		if (l->per_page < 1)
			l->per_page = PAGE_SIZE;
		l->total = tr > 0 ? (unsigned long long)tr : 0;
		page_ends(data, l->first_id, l->last_id, sizeof(l->first_id));
		/* a page that is not full is the last one, whatever meta says;
		 * a full one without a count could be followed by anything */
		if ((long long)n < l->per_page && (l->pages <= 1 || tr < 0))
			l->pages = 1;
		else if (l->pages < 1 || tr < 0)
			return err_set(l->info, ERR_REMOTE,
				       "profile '%s': listing page 1: a full page without a usable 'meta' (total_pages, total_results): cannot tell how many pages follow",
				       pname);
		if (tr > 0 && l->pages != (tr + l->per_page - 1) / l->per_page)
			return err_set(l->info, ERR_REMOTE,
				       "profile '%s': listing page 1: meta says %lld pages for %lld contacts",
				       pname, l->pages, tr);
	} else if (tr != l->total_results) {
		return err_set(l->info, ERR_CHANGED,
			       "profile '%s': the account changed while it was listed (page %lld says %lld contacts, page 1 said %lld)",
			       pname, page, tr, l->total_results);
	}
	if (l->total_results < 0)
		return ERR_OK;
	want = l->total_results - (page - 1) * l->per_page;
	if (want > l->per_page)
		want = l->per_page;
	if (want < 0)
		want = 0;
	if ((long long)n != want)
		return err_set(l->info, page == 1 ? ERR_REMOTE : ERR_CHANGED,
			       "profile '%s': listing page %lld holds %zu contacts where its count says %lld",
			       pname, page, n, want);
	return ERR_OK;
}

static enum err altum_page(struct listing *l, long long page, const struct http_response *r)
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
	/* the count first: pages beyond belief are never asked for */
	if (page == 1 && !l->recheck && l->sink->announce && meta_total(root) > 0) {
		e = l->sink->announce(l->sink->ctx, (unsigned long long)meta_total(root), l->info);
		l->refused = e != ERR_OK;
	}
	if (!e)
		e = page_consistent(l, page, root, data);
	if (e) {
		json_decref(root);
		return e;
	}
	json_array_foreach(data, i, item) {
		if (l->recheck)
			break;
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

enum err altum_parse_page(struct provider_session *s, const struct http_response *r,
			  const struct pull_sink *sink, struct errinfo *info)
{
	struct listing l;
	enum err e;

	memset(&l, 0, sizeof(l));
	l.s = s;
	l.sink = sink;
	l.info = info;
	contact_init(&l.rc.c);
	e = altum_page(&l, 1, r);
	contact_free(&l.rc.c);
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
		if (!e)
			e = submit_next(l, &info);	/* the window moves on */
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

/* The next page of the listing into the HTTP client's queue, if any is left. */
static enum err submit_next(struct listing *l, struct errinfo *info)
{
	struct page_req *pr;
	enum err e;

	if (l->next_page < 2 || l->next_page > l->pages)
		return ERR_OK;
	pr = calloc(1, sizeof(*pr));
	if (!pr)
		return err_set(info, ERR_NOMEM, "out of memory");
	pr->l = l;
	pr->page = l->next_page++;
	snprintf(pr->path, sizeof(pr->path), "/api/contacts?page=%lld&results_per_page=%d",
		 pr->page, PAGE_SIZE);
	e = submit_page(pr, info);
	if (e)
		free(pr);
	return e;
}

/* Page 1, alone (it says how many follow), asked again when cut short. */
static enum err first_page(struct listing *l, const struct http_request *req)
{
	struct http_response r;
	enum err e = ERR_OK;
	int tries;

	for (tries = 0; tries < PROVIDER_READ_TRIES; tries++) {
		long status;

		http_do(l->s->http, req, &r, NULL);
		status = r.status;
		e = altum_page(l, 1, &r);
		http_response_free(&r);
		if (e != ERR_REMOTE || l->done || l->refused || status < 200 || status >= 300)
			break;
	}
	return e;
}

static enum err altum_pull(struct provider_session *s, const struct pull_sink *sink,
			   struct errinfo *info)
{
	struct listing l;
	struct http_request req;
	char path[96];
	int w;
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
	e = first_page(&l, &req);
	l.next_page = 2;
	for (w = 0; !e && w < PAGE_WINDOW; w++)
		e = submit_next(&l, info);
	if (!e)
		e = http_run(s->http, info);
	if (!e && l.failed) {
		e = l.failed;
		if (info)
			*info = l.first_error;
	}
	if (!e && l.pages > 1) {
		l.recheck = 1;
		e = first_page(&l, &req);
	}
	contact_free(&l.rc.c);
	return e;
}

/*
 * Writes: form bodies only (altum does not read JSON). An update sends
 * only what changed, except custom parameters: sending any key replaces
 * the whole set, so the remote set merged with the desired one goes out,
 * or the keys not sent would be lost. A clear (a change to "", plan.h)
 * sends `name=` empty, and leaves a custom key out of the merged set; a
 * set left empty goes as one empty key (`custom_parameter_key[0]=`), which
 * the server drops, so that the set is replaced by nothing: a form cannot
 * say "no keys" otherwise, and sending none keeps the set.
 */
static enum err add_custom_pair(struct buf *body, size_t i, struct str k, struct str v)
{
	char key[48];
	enum err e;

	snprintf(key, sizeof(key), "custom_parameter_key[%zu]", i);
	e = provider_form_add(body, key, k);
	snprintf(key, sizeof(key), "custom_parameter_value[%zu]", i);
	return e ? e : provider_form_add(body, key, v);
}

/* Remote custom values with the desired ones over them (both sorted),
 * without those op clears. */
static enum err add_merged_custom(struct buf *body, const struct write_op *op,
				  const struct contact *remote, const struct contact *desired)
{
	size_t i, n = 0;
	enum err e = ERR_OK;

	for (i = 0; !e && remote && i < remote->ncustom; i++) {
		const struct contact_kv *kv = &remote->custom[i];
		const struct str *dv = contact_custom_n(desired, kv->key.ptr, kv->key.len);

		if ((!dv || !dv->len) && provider_has_custom_change(op, kv->key))
			continue;	/* cleared */
		e = add_custom_pair(body, n++, kv->key, dv && dv->len ? *dv : kv->val);
	}
	for (i = 0; !e && i < desired->ncustom; i++) {
		const struct contact_kv *kv = &desired->custom[i];

		if (!kv->val.len || (remote && contact_custom_n(remote, kv->key.ptr, kv->key.len)))
			continue;
		e = add_custom_pair(body, n++, kv->key, kv->val);
	}
	if (!e && !n)
		e = add_custom_pair(body, 0, (struct str){ "", 0 }, (struct str){ "", 0 });
	return e;
}

static enum err altum_create_body(const struct write_op *op, struct buf *body)
{
	const struct contact *d = op->desired;
	enum err e;
	size_t i;

	e = provider_form_add(body, "phone_number", (struct str){ op->phone, strlen(op->phone) });
	if (!e && d->name.len)
		e = provider_form_add(body, "name", d->name);
	for (i = 0; !e && i < d->ncustom; i++)
		e = add_custom_pair(body, i, d->custom[i].key, d->custom[i].val);
	return e;
}

static enum err altum_update_body(const struct write_op *op, struct buf *body)
{
	const struct contact *d = op->desired;
	enum err e = ERR_OK;

	if (provider_has_change(op, "name"))	/* empty: a clear */
		e = provider_form_add(body, "name", d->name);
	if (!e && provider_has_any_custom_change(op))
		e = add_merged_custom(body, op, &op->remote->c, d);
	return e;
}

static enum err altum_build_write(const struct provider_session *s, const struct write_op *op,
				  struct http_request *req, struct buf *path, struct buf *body,
				  struct errinfo *info)
{
	const char *pname = s->profile->name;
	enum err e = ERR_OK;

	memset(req, 0, sizeof(*req));
	buf_reset(path);
	buf_reset(body);
	req->max_attempts = 1;	/* see provider.h: every altum write is judged, not repeated */
	if (op->kind == WRITE_OPT_OUT)
		return err_set(info, ERR_USAGE,
			       "profile '%s': altum cannot opt out '%s': has_opted_out is read-only (set only by an inbound STOP)",
			       pname, op->phone);
	if (op->kind != WRITE_CREATE && (!op->remote || !op->remote->id[0]))
		return err_set(info, ERR_USAGE, "profile '%s': no altum id for '%s'", pname, op->phone);
	if (op->kind != WRITE_DELETE && !op->desired)
		return err_set(info, ERR_USAGE, "profile '%s': no desired contact for '%s'", pname,
			       op->phone);
	switch (op->kind) {
	case WRITE_CREATE:
		req->method = "POST";
		e = buf_adds(path, "/api/contacts");
		if (!e)
			e = altum_create_body(op, body);
		break;
	case WRITE_UPDATE:
		req->method = "POST";
		e = buf_adds(path, "/api/contacts/");
		if (!e)
			e = provider_urlencode(op->remote->id, path);
		if (!e)
			e = altum_update_body(op, body);
		if (!e && !body->len)
			return err_set(info, ERR_USAGE,
				       "profile '%s': the update of '%s' changes nothing altum stores",
				       pname, op->phone);
		break;
	default:
		req->method = "DELETE";
		e = buf_adds(path, "/api/contacts/");
		if (!e)
			e = provider_urlencode(op->remote->id, path);
		break;
	}
	if (e)
		return err_set(info, e, "profile '%s': cannot build the request for '%s': %s", pname,
			       op->phone, err_str(e));
	req->path = buf_str(path);
	if (op->kind != WRITE_DELETE) {
		req->content_type = "application/x-www-form-urlencoded";
		req->body = buf_str(body);
		req->body_len = body->len;
	}
	return ERR_OK;
}

/*
 * altum answers 401 both for a bad key and for a validation failure (a
 * missing field, a quota): both are permanent, the message tells which.
 */
static void altum_401(struct write_result *out)
{
	char msg[sizeof(out->message) + 64];
	int auth = !out->message[0] || !strcmp(out->message, "HTTP 401") ||
		   strstr(out->message, "access to the API") || strstr(out->message, "API key");

	snprintf(msg, sizeof(msg), "%s (HTTP 401): %s",
		 auth ? "authentication failed" : "rejected", out->message);
	memcpy(out->message, msg, sizeof(out->message) - 1);
	out->message[sizeof(out->message) - 1] = '\0';
}

/* A create's answer: 201 {"data":{"id":N}}, N == 0 for a duplicate. */
static void altum_created(const struct http_response *r, struct write_result *out)
{
	json_error_t jerr;
	json_t *root = json_loadb(r->body.data ? r->body.data : "", r->body.len, 0, &jerr);
	json_t *data = json_object_get(root, "data");

	if (!provider_json_id(data, "id", out->id, sizeof(out->id))) {
		out->outcome = WRITE_VERIFY;
		snprintf(out->message, sizeof(out->message),
			 "the answer has no contact id: it may have been created");
	} else if (!strcmp(out->id, "0")) {
		out->outcome = WRITE_EXISTS;
		out->id[0] = '\0';
		snprintf(out->message, sizeof(out->message),
			 "the number is already there (altum answered id 0)");
	}
	json_decref(root);
}

static void altum_judge_write(const struct provider_session *s, const struct write_op *op,
			      const struct http_response *r, struct write_result *out)
{
	provider_judge_status(s, op->kind == WRITE_CREATE, r, out);
	if (!r->err && r->status == 401)
		altum_401(out);
	/* some builds answer 500 after saving an update */
	if (op->kind == WRITE_UPDATE && !r->err && r->status == 500)
		out->outcome = WRITE_VERIFY;
	if (out->outcome != WRITE_OK)
		return;
	if (op->kind == WRITE_CREATE) {
		altum_created(r, out);
		return;
	}
	/* a DELETE answers 200 with an empty body; anything else, JSON */
	provider_judge_body(r, op->kind == WRITE_DELETE, out);
	if (out->outcome == WRITE_OK && op->remote)
		snprintf(out->id, sizeof(out->id), "%s", op->remote->id);
}

const struct provider provider_altum = {
	.name = "altum",
	.caps = PROVIDER_CAP_FULL_NAME,
	.default_base_url = NULL,
	.default_rate = "60/60s",
	.default_concurrency = 1,
	.project = altum_project,
	.auth = altum_auth,
	.pull = altum_pull,
	.build_write = altum_build_write,
	.judge_write = altum_judge_write,
};
