/*
 * sendblue: Sendblue API v2, see shared/api/PROVIDERS.md §3.
 *
 * What sendblue stores of a contact: first and last name, company, tags
 * (replaced as a whole on update), custom variables (merged on update: a
 * key can not be removed by leaving it out) and the opt-out flag. Bulk
 * create and bulk delete exist.
 */
#include "provider/driver.h"
#include "provider/testing.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum err sendblue_project(const struct profile *p, const struct contact *in,
				 struct contact *out, struct buf *scratch)
{
	size_t i;
	enum err e = ERR_OK;

	(void)p;
	(void)scratch;
	provider_project_start(in, out);
	provider_split_name(in, &out->first_name, &out->last_name);
	out->company = in->company;
	for (i = 0; !e && i < in->ntags; i++)
		e = contact_add_tag(out, in->tags[i].ptr, in->tags[i].len);
	for (i = 0; !e && i < in->ncustom; i++)
		e = contact_add_custom(out, in->custom[i].key.ptr, in->custom[i].key.len,
				       in->custom[i].val.ptr, in->custom[i].val.len);
	if (!e)
		contact_sort(out);
	return e;
}

static size_t sendblue_auth(const struct secrets *sec, struct http_header out[2],
			    char *buf, size_t cap)
{
	size_t half = cap / 2;

	if (sec->key_id && sec->secret) {
		snprintf(buf, half, "%s", sec->key_id);
		snprintf(buf + half, cap - half, "%s", sec->secret);
		out[0].name = "sb-api-key-id";
		out[0].value = buf;
		out[1].name = "sb-api-secret-key";
		out[1].value = buf + half;
		return 2;
	}
	snprintf(buf, cap, "Bearer %s", sec->key ? sec->key : "");
	out[0].name = "Authorization";
	out[0].value = buf;
	return 1;
}

/*
 * Listing: offset paging stops at 10,000, so the listing walks
 * created_at upwards (keyset paging): each request asks for contacts
 * created at or after the last timestamp seen, skipping with `offset` the
 * ones already seen at exactly that timestamp. Nothing repeats, nothing
 * is skipped, whatever the number of contacts sharing a timestamp (up to
 * the offset cap, which is reported).
 *
 * The offset skips one contact less than were seen, so every page after
 * the first starts with the last contact of the one before: a contact at
 * the boundary deleted meanwhile would shift the offset past one never
 * seen, and then that first contact is another one (ERR_CHANGED: the
 * pull lists the account again).
 *
 * A keyset listing ends only when a page is not full, so a server could
 * keep it going for ever: the pull bounds the count (pull.h), and here a
 * full page that adds no number not in it or the page before, twice in a
 * row, ends the listing (ERR_REMOTE): it is not moving on.
 */
#define PAGE_SIZE 1000
#define OFFSET_MAX 10000
#define IDLE_PAGES_MAX 2

struct keyset {
	char boundary[64];	/* created_at of the last contact seen */
	long long at_boundary;	/* contacts seen with exactly that created_at */
	uint64_t last;		/* the last contact seen's phone, hashed (a phone
				   of any length compares whole) */
	/* the numbers (hashed) of this page and the one before, sorted at
	   the page's end, and full pages in a row that added none */
	uint64_t cur[PAGE_SIZE], prev[PAGE_SIZE];
	size_t ncur, nprev;
	int idle;
};

/* A contact of the API into rc (strings borrowed from item). */
static enum err sendblue_fill(struct remote_contact *rc, json_t *item, struct errinfo *info)
{
	json_t *tags = json_object_get(item, "tags");
	json_t *custom = json_object_get(item, "custom_variables");
	json_t *v;
	const char *k;
	size_t i;

	if (!custom)
		custom = json_object_get(item, "customVariables");
	contact_reset(&rc->c);
	rc->phone_invalid = 0;
	rc->id[0] = rc->book[0] = '\0';
	provider_json_id(item, "contact_id", rc->id, sizeof(rc->id));
	rc->c.raw_phone = provider_json_str(item, "phone", "phone_number");
	rc->c.first_name = provider_json_str(item, "first_name", "firstName");
	rc->c.last_name = provider_json_str(item, "last_name", "lastName");
	rc->c.company = provider_json_str(item, "company_name", "companyName");
	rc->c.opted_out = provider_json_bool(item, "opt_out", "optOut") ? TRI_TRUE : TRI_FALSE;
	json_array_foreach(tags, i, v)
		if (json_is_string(v) && json_string_length(v) &&
		    contact_add_tag(&rc->c, json_string_value(v), json_string_length(v)))
			return err_set(info, ERR_NOMEM, "out of memory");
	if (json_is_object(custom))
		json_object_foreach(custom, k, v)
			if (json_is_string(v) && json_string_length(v) &&
			    contact_add_custom(&rc->c, k, strlen(k), json_string_value(v),
					       json_string_length(v)))
				return err_set(info, ERR_NOMEM, "out of memory");
	contact_sort(&rc->c);
	return ERR_OK;
}

static enum err sendblue_contact(const struct pull_sink *sink, struct remote_contact *rc,
				 json_t *item, struct errinfo *info)
{
	enum err e = sendblue_fill(rc, item, info);

	return e ? e : sink->contact(sink->ctx, rc, info);
}

static enum err page_path(const struct keyset *ks, struct buf *path)
{
	enum err e;

	buf_reset(path);
	e = buf_printf(path, "/api/v2/contacts?limit=%d&order_by=created_at&order_direction=asc",
		       PAGE_SIZE);
	if (!e && ks->boundary[0]) {
		e = buf_adds(path, "&created_at_gte=");
		if (!e)
			e = provider_urlencode(ks->boundary, path);
		if (!e && ks->at_boundary > 1)
			e = buf_printf(path, "&offset=%lld", ks->at_boundary - 1);
	}
	return e;
}

static uint64_t phone_hash(struct str ph)
{
	uint64_t h = 0xcbf29ce484222325ull;	/* FNV-1a 64 */
	size_t i;

	for (i = 0; i < ph.len; i++)
		h = (h ^ (unsigned char)ph.ptr[i]) * 0x100000001b3ull;
	return h;
}

/* A page after the first starts where the one before ended, or the
 * account changed under the listing. */
static enum err overlap(struct provider_session *s, const struct keyset *ks, json_t *page,
			struct errinfo *info)
{
	struct str ph = provider_json_str(json_array_get(page, 0), "phone", "phone_number");

	if (phone_hash(ph) == ks->last)
		return ERR_OK;
	return err_set(info, ERR_CHANGED,
		       "profile '%s': the account changed while it was listed (the page after created_at '%s' does not start with the last contact seen)",
		       s->profile->name, ks->boundary);
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* How many numbers of the page just read are in neither the page before
 * nor earlier in it; the page becomes the one before. */
static size_t page_new(struct keyset *ks)
{
	size_t i, n = 0;

	qsort(ks->cur, ks->ncur, sizeof(ks->cur[0]), u64_cmp);
	for (i = 0; i < ks->ncur; i++)
		if ((!i || ks->cur[i] != ks->cur[i - 1]) &&
		    !bsearch(&ks->cur[i], ks->prev, ks->nprev, sizeof(ks->prev[0]), u64_cmp))
			n++;
	memcpy(ks->prev, ks->cur, ks->ncur * sizeof(ks->cur[0]));
	ks->nprev = ks->ncur;
	ks->ncur = 0;
	return n;
}

/* A full page that added nobody, twice in a row: the listing is stuck. */
static enum err check_moving(struct provider_session *s, struct keyset *ks, size_t got,
			     struct errinfo *info)
{
	size_t added = page_new(ks);

	if (got < PAGE_SIZE || added)
		ks->idle = 0;
	else if (++ks->idle >= IDLE_PAGES_MAX)
		return err_set(info, ERR_REMOTE,
			       "profile '%s': listing contacts: %d full pages in a row (after created_at '%s') added no contact not listed already: the listing does not move on",
			       s->profile->name, IDLE_PAGES_MAX, ks->boundary);
	return ERR_OK;
}

/* A listing page's answer into the sink; *got: how many it held. */
static enum err page_items(struct provider_session *s, const struct pull_sink *sink,
			   json_t *root, struct keyset *ks, struct remote_contact *rc,
			   unsigned long long *done, size_t *got, struct errinfo *info)
{
	json_t *item;
	size_t i;
	enum err e = ERR_OK;

	*got = 0;
	if (!json_is_array(root))
		return err_set(info, ERR_REMOTE, "profile '%s': listing contacts: the answer is not a list",
			       s->profile->name);
	*got = json_array_size(root);
	if (ks->boundary[0])
		e = overlap(s, ks, root, info);
	json_array_foreach(root, i, item) {
		struct str at, ph;

		if (e)
			break;
		if (i == 0 && ks->boundary[0])
			continue;	/* the overlap, seen already */
		at = provider_json_str(item, "created_at", "createdAt");
		ph = provider_json_str(item, "phone", "phone_number");
		if (!at.len) {
			e = err_set(info, ERR_REMOTE,
				    "profile '%s': listing contacts: a contact without 'created_at': the listing cannot go on from it",
				    s->profile->name);
			break;
		}
		ks->last = phone_hash(ph);
		if (at.len && at.len < sizeof(ks->boundary) &&
		    !(strlen(ks->boundary) == at.len && !memcmp(ks->boundary, at.ptr, at.len))) {
			memcpy(ks->boundary, at.ptr, at.len);
			ks->boundary[at.len] = '\0';
			ks->at_boundary = 0;
		}
		ks->at_boundary++;
		if (ks->ncur < PAGE_SIZE)
			ks->cur[ks->ncur++] = phone_hash(ph);
		e = sendblue_contact(sink, rc, item, info);
		(*done)++;
	}
	return e;
}

static enum err sendblue_page(struct provider_session *s, const struct pull_sink *sink,
			      struct keyset *ks, struct remote_contact *rc,
			      unsigned long long *done, size_t *got, struct errinfo *info)
{
	struct http_request req;
	struct buf path;
	json_t *root = NULL;
	enum err e;

	buf_init(&path, 4096);
	memset(&req, 0, sizeof(req));
	e = page_path(ks, &path);
	req.path = buf_str(&path);
	*got = 0;
	if (!e)
		e = provider_fetch_json(s, &req, "listing contacts", &root, info);
	if (!e)
		e = page_items(s, sink, root, ks, rc, done, got, info);
	json_decref(root);
	buf_free(&path);
	return e;
}

enum err sendblue_parse_page(struct provider_session *s, const struct http_response *r,
			     const struct pull_sink *sink, struct errinfo *info)
{
	struct keyset *ks = calloc(1, sizeof(*ks));
	struct remote_contact rc;
	unsigned long long done = 0;
	size_t got;
	json_t *root = NULL;
	enum err e;

	if (!ks)
		return err_set(info, ERR_NOMEM, "out of memory");
	memset(&rc, 0, sizeof(rc));
	contact_init(&rc.c);
	e = provider_check(s, "listing contacts", r, info);
	if (!e)
		e = provider_json(s, "listing contacts", r, &root, info);
	if (!e)
		e = page_items(s, sink, root, ks, &rc, &done, &got, info);
	json_decref(root);
	contact_free(&rc.c);
	free(ks);
	return e;
}

static enum err sendblue_pull(struct provider_session *s, const struct pull_sink *sink,
			      struct errinfo *info)
{
	struct keyset *ks = calloc(1, sizeof(*ks));
	struct remote_contact rc;
	unsigned long long done = 0;
	size_t got = PAGE_SIZE;
	enum err e = ERR_OK;

	if (!ks)
		return err_set(info, ERR_NOMEM, "out of memory");
	memset(&rc, 0, sizeof(rc));
	contact_init(&rc.c);
	while (!e && got == PAGE_SIZE) {
		if (ks->at_boundary > OFFSET_MAX) {
			e = err_set(info, ERR_REMOTE,
				    "profile '%s': more than %d contacts share created_at '%s': sendblue's listing cannot page past them",
				    s->profile->name, OFFSET_MAX, ks->boundary);
			break;
		}
		e = sendblue_page(s, sink, ks, &rc, &done, &got, info);
		if (!e)
			e = check_moving(s, ks, got, info);
		if (!e && sink->progress)
			sink->progress(sink->ctx, done, 0);
	}
	contact_free(&rc.c);
	free(ks);
	return e;
}

/* ---- writes -------------------------------------------------------------- */

/* "/api/v2/contacts/%2B15551234567": '+' is sent encoded, never as a space. */
static enum err phone_path(const char *phone, struct buf *path)
{
	enum err e = buf_adds(path, "/api/v2/contacts/");

	return e ? e : provider_urlencode(phone, path);
}

static json_t *tags_json(const struct contact *c)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < c->ntags; i++)
		if (json_array_append_new(a, provider_json_strn(c->tags[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* Custom variables of c; only those op changes when op is not NULL. */
static json_t *custom_json(const struct contact *c, const struct write_op *op)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; o && i < c->ncustom; i++) {
		const struct contact_kv *kv = &c->custom[i];
		char key[1024];

		if (!kv->val.len || kv->key.len >= sizeof(key) ||
		    (op && !provider_has_custom_change(op, kv->key)))
			continue;
		memcpy(key, kv->key.ptr, kv->key.len);
		key[kv->key.len] = '\0';
		if (json_object_set_new(o, key, provider_json_strn(kv->val))) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

static int set_str(json_t *o, const char *key, struct str s)
{
	json_t *v;

	if (!s.len)
		return 0;
	v = provider_json_strn(s);
	return !v || json_object_set_new(o, key, v);
}

/* A bulk item: everything the contact has (company too, unlike the
 * single create). Opt-out cannot be sent here: see the report of the
 * create in sendblue_judge_bulk. */
static json_t *bulk_item(const struct write_op *op)
{
	const struct contact *d = op->desired;
	json_t *o = json_pack("{s:s}", "phone", op->phone);
	int bad = !o;

	if (bad)
		return NULL;
	bad |= set_str(o, "first_name", d->first_name);
	bad |= set_str(o, "last_name", d->last_name);
	bad |= set_str(o, "company_name", d->company);
	if (d->ntags)
		bad |= json_object_set_new(o, "tags", tags_json(d));
	if (d->ncustom)
		bad |= json_object_set_new(o, "custom_variables", custom_json(d, NULL));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* A changed string field: its new value, "" for a clear (plan.h). */
static int set_changed(json_t *o, const char *key, struct str s)
{
	json_t *v = provider_json_strn(s);

	return !v || json_object_set_new(o, key, v);
}

/*
 * The custom variables op clears, as "" in cv: PUT merges the variables
 * sent into the contact's, so a key left out keeps its value and cannot
 * be removed; the value emptied is the clear the API allows.
 */
static int clear_custom(const struct write_op *op, json_t *cv)
{
	const struct contact *r = op->remote ? &op->remote->c : NULL;
	size_t i;

	for (i = 0; r && i < r->ncustom; i++) {
		const struct contact_kv *kv = &r->custom[i];
		const struct str *dv = contact_custom_n(op->desired, kv->key.ptr, kv->key.len);
		char key[1024];

		if ((dv && dv->len) || kv->key.len >= sizeof(key) ||
		    !provider_has_custom_change(op, kv->key))
			continue;
		memcpy(key, kv->key.ptr, kv->key.len);
		key[kv->key.len] = '\0';
		if (json_object_set_new(cv, key, json_string("")))
			return -1;
	}
	return 0;
}

static json_t *update_json(const struct write_op *op)
{
	const struct contact *d = op->desired;
	json_t *o = json_object();
	int bad = !o;

	if (bad)
		return NULL;
	if (provider_has_change(op, "first_name"))
		bad |= set_changed(o, "first_name", d->first_name);
	if (provider_has_change(op, "last_name"))
		bad |= set_changed(o, "last_name", d->last_name);
	if (provider_has_change(op, "company"))
		bad |= set_changed(o, "company_name", d->company);
	if (provider_has_change(op, "tags"))	/* replaced: the whole list, [] clears */
		bad |= json_object_set_new(o, "tags", tags_json(d));
	if (provider_has_any_custom_change(op)) {	/* merged: the changed keys only */
		json_t *cv = custom_json(d, op);

		bad |= !cv || clear_custom(op, cv);
		if (cv && json_object_size(cv))
			bad |= json_object_set_new(o, "custom_variables", cv);
		else
			json_decref(cv);
	}
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static enum err sendblue_build_bulk(const struct provider_session *s, enum write_kind kind,
				    const struct write_op *ops, size_t n, struct http_request *req,
				    struct buf *path, struct buf *body, struct errinfo *info)
{
	const char *pname = s->profile->name;
	json_t *list = json_array(), *root;
	size_t i;
	int bad = !list;
	enum err e;

	memset(req, 0, sizeof(*req));
	buf_reset(path);
	buf_reset(body);
	if (kind != WRITE_CREATE && kind != WRITE_DELETE) {
		json_decref(list);
		return err_set(info, ERR_USAGE, "profile '%s': sendblue has no bulk %s", pname,
			       kind == WRITE_UPDATE ? "update" : "opt-out");
	}
	if (!n) {
		json_decref(list);
		return err_set(info, ERR_USAGE, "profile '%s': an empty bulk request", pname);
	}
	for (i = 0; !bad && i < n; i++) {
		if (kind == WRITE_CREATE && !ops[i].desired) {
			json_decref(list);
			return err_set(info, ERR_USAGE, "profile '%s': no desired contact for '%s'",
				       pname, ops[i].phone);
		}
		bad |= json_array_append_new(list, kind == WRITE_CREATE ? bulk_item(&ops[i])
									: json_string(ops[i].phone));
	}
	root = bad ? NULL : json_pack("{s:o}", kind == WRITE_CREATE ? "contacts" : "contact_ids", list);
	if (bad)
		json_decref(list);
	e = root ? provider_json_body(root, body) : ERR_NOMEM;
	json_decref(root);
	if (!e)
		e = buf_adds(path, kind == WRITE_CREATE ? "/api/v2/contacts/bulk" : "/api/v2/contacts");
	if (e)
		return err_set(info, e, "profile '%s': cannot build the bulk request: %s", pname,
			       err_str(e));
	req->method = kind == WRITE_CREATE ? "POST" : "DELETE";
	req->path = buf_str(path);
	req->content_type = "application/json";
	req->body = buf_str(body);
	req->body_len = body->len;
	req->max_attempts = 1;	/* a repeated create or delete is not the same request */
	return ERR_OK;
}

static enum err sendblue_build_write(const struct provider_session *s, const struct write_op *op,
				     struct http_request *req, struct buf *path, struct buf *body,
				     struct errinfo *info)
{
	const char *pname = s->profile->name;
	json_t *o = NULL;
	enum err e;

	/* one create is a one-item bulk: the single create loses company_name */
	if (op->kind == WRITE_CREATE)
		return sendblue_build_bulk(s, WRITE_CREATE, op, 1, req, path, body, info);
	memset(req, 0, sizeof(*req));
	buf_reset(path);
	buf_reset(body);
	if (op->kind == WRITE_UPDATE && !op->desired)
		return err_set(info, ERR_USAGE, "profile '%s': no desired contact for '%s'", pname,
			       op->phone);
	switch (op->kind) {
	case WRITE_UPDATE:
		o = update_json(op);
		if (o && !json_object_size(o)) {
			json_decref(o);
			return err_set(info, ERR_USAGE,
				       "profile '%s': the update of '%s' changes nothing sendblue stores",
				       pname, op->phone);
		}
		req->method = "PUT";
		e = o ? phone_path(op->phone, path) : ERR_NOMEM;
		break;
	case WRITE_OPT_OUT:
		if (op->nchanges && op->desired) {
			/* fields change too: one PUT carries both */
			o = update_json(op);
			if (o && json_object_set_new(o, "opt_out", json_true()))
				json_decref(o), o = NULL;
			req->method = "PUT";
			e = o ? phone_path(op->phone, path) : ERR_NOMEM;
			break;
		}
		o = json_pack("{s:s,s:b}", "number", op->phone, "opted_out", 1);
		req->method = "POST";
		e = o ? buf_adds(path, "/api/v2/contacts/opt-out") : ERR_NOMEM;
		break;
	default:
		req->method = "DELETE";
		req->max_attempts = 1;	/* repeated after it worked, it answers 404 */
		e = phone_path(op->phone, path);
		break;
	}
	if (!e && o)
		e = provider_json_body(o, body);
	json_decref(o);
	if (e)
		return err_set(info, e, "profile '%s': cannot build the request for '%s': %s", pname,
			       op->phone, err_str(e));
	req->path = buf_str(path);
	if (body->len) {
		req->content_type = "application/json";
		req->body = buf_str(body);
		req->body_len = body->len;
	}
	return ERR_OK;
}

/*
 * A bulk create answers with the contacts it created; a requested number
 * missing from the answer was there already (the server skips those).
 * Each contact answered stands for one request item, so a number asked
 * twice in one batch is created once and found existing once.
 */
static void bulk_created(const struct write_op *ops, size_t n, const struct http_response *r,
			 struct write_result *results)
{
	json_error_t jerr;
	json_t *root = json_loadb(r->body.data ? r->body.data : "", r->body.len, 0, &jerr);
	json_t *list = json_object_get(root, "contacts"), *item, *made = json_object();
	size_t i;

	if (!json_is_array(list) || !made) {
		for (i = 0; i < n; i++) {
			results[i].outcome = WRITE_VERIFY;
			snprintf(results[i].message, sizeof(results[i].message),
				 "the answer lists no contacts: they may have been created");
		}
		goto out;
	}
	json_array_foreach(list, i, item) {
		struct str ph = provider_json_str(item, "phone", "phone_number");
		char id[64];

		if (!ph.len || ph.len >= 64) {
			/* a contact answered without its number: which one was
			 * made cannot be told, so none is taken as done */
			size_t k;

			for (k = 0; k < n; k++) {
				results[k].outcome = WRITE_VERIFY;
				snprintf(results[k].message, sizeof(results[k].message),
					 "the answer lists a contact without a number: they may have been created");
			}
			goto out;
		}
		if (!provider_json_id(item, "contact_id", id, sizeof(id)))
			snprintf(id, sizeof(id), "%.*s", (int)ph.len, ph.ptr);
		json_object_set_new(made, ph.ptr, json_string(id));
	}
	for (i = 0; i < n; i++) {
		json_t *id = json_object_get(made, ops[i].phone);

		if (id) {
			snprintf(results[i].id, sizeof(results[i].id), "%s", json_string_value(id));
			json_object_del(made, ops[i].phone);
		} else {
			results[i].outcome = WRITE_EXISTS;
			snprintf(results[i].message, sizeof(results[i].message),
				 "the number is already there (not created by the bulk request)");
		}
	}
out:
	json_decref(made);
	json_decref(root);
}

static void sendblue_judge_bulk(const struct provider_session *s, enum write_kind kind,
				const struct write_op *ops, size_t n, const struct http_response *r,
				struct write_result *results)
{
	size_t i;

	for (i = 0; i < n; i++)
		provider_judge_status(s, kind == WRITE_CREATE, r, &results[i]);
	if (!n || results[0].outcome != WRITE_OK)
		return;
	if (kind == WRITE_CREATE) {
		bulk_created(ops, n, r, results);
		return;
	}
	/* a bulk delete says only how many went: numbers already gone count
	 * as deleted all the same; an answer that cannot be read says nothing */
	for (i = 0; i < n; i++)
		provider_judge_body(r, 0, &results[i]);
}

static void sendblue_judge_write(const struct provider_session *s, const struct write_op *op,
				 const struct http_response *r, struct write_result *out)
{
	if (op->kind == WRITE_CREATE) {
		sendblue_judge_bulk(s, WRITE_CREATE, op, 1, r, out);
		return;
	}
	provider_judge_status(s, 0, r, out);
	provider_judge_body(r, 0, out);
	if (out->outcome == WRITE_OK && op->remote)
		snprintf(out->id, sizeof(out->id), "%s", op->remote->id);
}

static enum err sendblue_build_lookup(const struct provider_session *s, const char *e164,
					struct http_request *req, struct buf *path,
					struct errinfo *info)
{
	(void)s;
	buf_reset(path);
	memset(req, 0, sizeof(*req));
	if (phone_path(e164, path))
		return err_set(info, ERR_NOMEM, "out of memory");
	req->path = buf_str(path);
	req->max_attempts = PROVIDER_READ_ATTEMPTS;
	return ERR_OK;
}

static enum err sendblue_judge_lookup(const struct provider_session *s,
				      const struct http_response *r, struct remote_contact *out,
				      int *found, json_t **root, struct errinfo *info)
{
	enum err e;
	json_t *c;

	*found = 0;
	*root = NULL;
	if (!r->err && r->status == 404)
		return ERR_OK;
	e = provider_check(s, "looking up a contact", r, info);
	if (!e)
		e = provider_json(s, "looking up a contact", r, root, info);
	if (e)
		return e;
	c = json_object_get(*root, "contact");
	if (!json_is_object(c))
		c = *root;	/* tolerate the contact itself */
	if (!json_is_object(c) || !provider_json_str(c, "phone", "phone_number").len)
		return err_set(info, ERR_REMOTE, "profile '%s': looking up a contact: no contact in the answer",
			       s->profile->name);
	e = sendblue_fill(out, c, info);
	if (!e)
		*found = 1;
	return e;
}

const struct provider provider_sendblue = {
	.name = "sendblue",
	.caps = PROVIDER_CAP_BULK_CREATE | PROVIDER_CAP_BULK_DELETE | PROVIDER_CAP_OPT_OUT |
		PROVIDER_CAP_TAGS | PROVIDER_CAP_COMPANY | PROVIDER_CAP_SPLIT_NAME,
	.profile_keys = PROVIDER_KEY_ID_SECRET,
	.default_base_url = "https://api.sendblue.co",
	.default_rate = NULL,
	.default_concurrency = 4,
	.project = sendblue_project,
	.auth = sendblue_auth,
	.pull = sendblue_pull,
	.build_write = sendblue_build_write,
	.judge_write = sendblue_judge_write,
	.build_bulk = sendblue_build_bulk,
	.judge_bulk = sendblue_judge_bulk,
	.build_lookup = sendblue_build_lookup,
	.judge_lookup = sendblue_judge_lookup,
};
