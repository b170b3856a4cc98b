/*
 * drv_sendblue: Sendblue API v2, see shared/api/PROVIDERS.md §3.
 *
 * What sendblue stores of a contact: first and last name, company, tags
 * (replaced as a whole on update), custom variables (merged on update: a
 * key can not be removed by leaving it out) and the opt-out flag. Bulk
 * create and bulk delete exist.
 */
#include "provider.h"

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
 */
#define PAGE_SIZE 1000
#define OFFSET_MAX 10000

struct keyset {
	char boundary[64];	/* created_at of the last contact seen */
	long long at_boundary;	/* contacts seen with exactly that created_at */
};

static enum err sendblue_contact(const struct pull_sink *sink, struct remote_contact *rc,
				 json_t *item, struct errinfo *info)
{
	json_t *tags = json_object_get(item, "tags");
	json_t *custom = json_object_get(item, "custom_variables");
	json_t *out = json_object_get(item, "opt_out");
	json_t *v;
	const char *k;
	size_t i;

	if (!custom)
		custom = json_object_get(item, "customVariables");
	if (!out)
		out = json_object_get(item, "optOut");
	contact_reset(&rc->c);
	rc->phone_invalid = 0;
	rc->id[0] = rc->book[0] = '\0';
	provider_json_id(item, "contact_id", rc->id, sizeof(rc->id));
	rc->c.raw_phone = provider_json_str(item, "phone", "phone_number");
	rc->c.first_name = provider_json_str(item, "first_name", "firstName");
	rc->c.last_name = provider_json_str(item, "last_name", "lastName");
	rc->c.company = provider_json_str(item, "company_name", "companyName");
	rc->c.opted_out = json_is_true(out) ? TRI_TRUE : TRI_FALSE;
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
	return sink->contact(sink->ctx, rc, info);
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
		if (!e && ks->at_boundary)
			e = buf_printf(path, "&offset=%lld", ks->at_boundary);
	}
	return e;
}

static enum err sendblue_page(struct provider_session *s, const struct pull_sink *sink,
			      struct keyset *ks, struct remote_contact *rc,
			      unsigned long long *done, size_t *got, struct errinfo *info)
{
	struct http_request req;
	struct buf path;
	json_t *root = NULL, *item;
	size_t i;
	enum err e;

	buf_init(&path, 4096);
	memset(&req, 0, sizeof(req));
	e = page_path(ks, &path);
	req.path = buf_str(&path);
	if (!e)
		e = provider_fetch_json(s, &req, "listing contacts", &root, info);
	if (!e && !json_is_array(root))
		e = err_set(info, ERR_REMOTE, "profile '%s': listing contacts: the answer is not a list",
			    s->profile->name);
	*got = e ? 0 : json_array_size(root);
	json_array_foreach(root, i, item) {
		struct str at;

		if (e)
			break;
		at = provider_json_str(item, "created_at", "createdAt");
		if (at.len && at.len < sizeof(ks->boundary) &&
		    !(strlen(ks->boundary) == at.len && !memcmp(ks->boundary, at.ptr, at.len))) {
			memcpy(ks->boundary, at.ptr, at.len);
			ks->boundary[at.len] = '\0';
			ks->at_boundary = 0;
		}
		ks->at_boundary++;
		e = sendblue_contact(sink, rc, item, info);
		(*done)++;
	}
	json_decref(root);
	buf_free(&path);
	return e;
}

static enum err sendblue_pull(struct provider_session *s, const struct pull_sink *sink,
			      struct errinfo *info)
{
	struct keyset ks = { "", 0 };
	struct remote_contact rc;
	unsigned long long done = 0;
	size_t got = PAGE_SIZE;
	enum err e = ERR_OK;

	memset(&rc, 0, sizeof(rc));
	contact_init(&rc.c);
	while (!e && got == PAGE_SIZE) {
		if (ks.at_boundary > OFFSET_MAX) {
			e = err_set(info, ERR_REMOTE,
				    "profile '%s': more than %d contacts share created_at '%s': sendblue's listing cannot page past them",
				    s->profile->name, OFFSET_MAX, ks.boundary);
			break;
		}
		e = sendblue_page(s, sink, &ks, &rc, &done, &got, info);
		if (!e && sink->progress)
			sink->progress(sink->ctx, done, 0);
	}
	contact_free(&rc.c);
	return e;
}

const struct provider provider_sendblue = {
	.name = "sendblue",
	.caps = PROVIDER_CAP_LIST | PROVIDER_CAP_BULK_CREATE | PROVIDER_CAP_BULK_DELETE | PROVIDER_CAP_OPT_OUT |
		PROVIDER_CAP_PARTIAL_UPDATE | PROVIDER_CAP_CUSTOM_FIELDS |
		PROVIDER_CAP_CUSTOM_MERGE | PROVIDER_CAP_TAGS | PROVIDER_CAP_COMPANY |
		PROVIDER_CAP_SPLIT_NAME,
	.default_base_url = "https://api.sendblue.co",
	.default_rate = NULL,
	.default_concurrency = 4,
	.project = sendblue_project,
	.auth = sendblue_auth,
	.pull = sendblue_pull,
};
