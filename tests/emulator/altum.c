/*
 * altum: AltumCode 66text's contacts API as PROVIDERS.md §1 describes it.
 *
 * Bodies are forms (multipart or urlencoded; JSON is not read), validation
 * errors are 401, a duplicate create is "201 with id 0", DELETE answers an
 * empty 200, an empty custom set is `[]`, has_opted_out is read-only, and
 * with --quirks a seeded fraction of updates answer 500 after saving.
 */
#include "emu.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define KEY_PREFIX "custom_parameter_key["
#define VAL_PREFIX "custom_parameter_value["

static const char *altum_route(const char *method, const char *path, bool *write)
{
	bool get = strcmp(method, "GET") == 0, post = strcmp(method, "POST") == 0;
	bool del = strcmp(method, "DELETE") == 0;
	const char *rest;
	uint64_t id;

	*write = false;
	if (strcmp(path, "/api/contacts") == 0) {
		*write = post;
		return get ? "GET /api/contacts" : post ? "POST /api/contacts"
						       : "other /api/contacts";
	}
	if (strncmp(path, "/api/contacts/", 14) != 0)
		return "other";
	rest = path + 14;
	if (!emu_parse_u64(rest, &id))
		return "other";
	*write = post || del;
	return get ? "GET /api/contacts/{id}" : post ? "POST /api/contacts/{id}"
		: del ? "DELETE /api/contacts/{id}" : "other /api/contacts/{id}";
}

static void altum_error(struct reply *r, unsigned status, const char *code,
			const char *msg)
{
	(void)code;
	r->status = status;
	r->empty = false;
	r->ctype = "application/json";
	buf_reset(&r->body.b);
	out_raw(&r->body, "{\"errors\":[{\"title\":");
	out_str(&r->body, msg);
	out_printf(&r->body, ",\"status\":%u}]}", status);
}

static bool altum_auth(struct req *q, struct reply *r)
{
	const char *h = req_header(q, "Authorization");

	if (!h) {
		/* The one place the status is a string. */
		altum_error(r, 401, NULL, "");
		buf_reset(&r->body.b);
		out_raw(&r->body, "{\"errors\":[{\"title\":\"You do not have access to "
			"the API.\",\"status\":\"401\"}]}");
		return false;
	}
	/* "Bearer" is case-sensitive, as in AltumCode's check. */
	if (strncmp(h, "Bearer ", 7) != 0 || strcmp(h + 7, q->emu->key) != 0) {
		altum_error(r, 401, NULL, "You do not have access to the API.");
		return false;
	}
	return true;
}

static const struct {
	const char *prefix, *country, *continent;
} countries[] = {
	{ "+1", "US", "NA" }, { "+44", "GB", "EU" }, { "+33", "FR", "EU" },
	{ "+49", "DE", "EU" }, { "+39", "IT", "EU" }, { "+34", "ES", "EU" },
	{ "+31", "NL", "EU" }, { "+61", "AU", "OC" }, { "+64", "NZ", "OC" },
	{ "+81", "JP", "AS" }, { "+91", "IN", "AS" }, { "+55", "BR", "SA" },
	{ "+27", "ZA", "AF" }, { "+7", "RU", "EU" },
};

static void write_contact(struct out *o, const struct contact *c)
{
	const char *country = NULL, *continent = NULL;
	bool first = true;
	char ts[32];
	size_t i;

	for (i = 0; i < sizeof(countries) / sizeof(countries[0]); i++) {
		if (strncmp(c->phone, countries[i].prefix,
			    strlen(countries[i].prefix)) == 0) {
			country = countries[i].country;
			continent = countries[i].continent;
			break;
		}
	}
	emu_fmt_time(ts, c->created, false);
	out_printf(o, "{\"id\":%" PRIu64 ",\"user_id\":1,\"name\":", c->id);
	out_str(o, c->f[F_FIRST]);
	out_raw(o, ",\"phone_number\":");
	out_str(o, c->phone);
	out_raw(o, ",\"custom_parameters\":");
	if (!c->nvars) {
		out_raw(o, "[]");	/* PHP's json_encode of an empty array */
	} else {
		out_raw(o, "{");
		for (i = 0; i < c->nvars; i++) {
			out_key(o, &first, c->vars[i].key);
			out_str(o, c->vars[i].val);
		}
		out_raw(o, "}");
	}
	out_raw(o, ",\"continent_code\":");
	out_str(o, continent);
	out_raw(o, ",\"country_code\":");
	out_str(o, country);
	out_printf(o, ",\"has_opted_out\":%s,\"total_sent_sms\":0,"
		   "\"total_pending_sms\":0,\"total_failed_sms\":0,"
		   "\"total_received_sms\":0,\"last_sent_datetime\":null,"
		   "\"last_received_datetime\":null,\"last_datetime\":null,"
		   "\"datetime\":\"%s\"}", c->opted_out ? "true" : "false", ts);
}

static const unsigned per_page[] = { 10, 25, 50, 100, 250, 500, 1000 };

static void page_link(struct out *o, const char *host, uint64_t page)
{
	out_printf(o, "\"http://%s/api/contacts?&page=%" PRIu64 "\"", host, page);
}

static void list(struct req *q, struct reply *r)
{
	struct store *s = &q->emu->store;
	const char *raw_page = req_query(q, "page");
	const char *raw_rpp = req_query(q, "results_per_page");
	const char *host = req_header(q, "Host");
	uint64_t page = 1, rpp = 25, v, total, pages, start, k;
	size_t i;

	if (raw_page && emu_parse_u64(raw_page, &v) && v > 0)
		page = v;
	/* Anything but the allowed sizes silently becomes 25. */
	if (raw_rpp && emu_parse_u64(raw_rpp, &v))
		for (i = 0; i < sizeof(per_page) / sizeof(per_page[0]); i++)
			if (v == per_page[i])
				rpp = v;
	if (!host)
		host = "127.0.0.1";
	mstore_tidy(s);
	total = s->by_id.n;
	pages = total ? (total + rpp - 1) / rpp : 1;
	out_raw(&r->body, "{\"data\":[");
	/* Default order contact_id DESC: walk the id vector from its end. */
	start = page <= pages ? (page - 1) * rpp : total;
	for (k = start; k < total && k < start + rpp; k++) {
		if (k > start)
			out_raw(&r->body, ",");
		write_contact(&r->body, s->by_id.v[total - 1 - k]);
	}
	out_raw(&r->body, "],\"meta\":{\"page\":");
	if (raw_page)
		out_str(&r->body, raw_page);	/* echoed raw: "2" */
	else
		out_raw(&r->body, "1");
	out_printf(&r->body, ",\"results_per_page\":%" PRIu64 ",\"total_results\":%"
		   PRIu64 ",\"total_pages\":%" PRIu64 "},\"links\":{\"first\":",
		   rpp, total, pages);
	page_link(&r->body, host, 1);
	out_raw(&r->body, ",\"last\":");
	page_link(&r->body, host, pages);
	out_raw(&r->body, ",\"next\":");
	if (page < pages)
		page_link(&r->body, host, page + 1);
	else
		out_raw(&r->body, "null");
	out_raw(&r->body, ",\"prev\":");
	if (page > 1)
		page_link(&r->body, host, page - 1);
	else
		out_raw(&r->body, "null");
	out_raw(&r->body, ",\"self\":");
	page_link(&r->body, host, page);
	out_raw(&r->body, "}}");
}

static struct contact *path_contact(struct req *q)
{
	uint64_t id;

	if (!emu_parse_u64(q->path + 14, &id))
		return NULL;
	return mstore_by_id(&q->emu->store, id);
}

/* The value paired with a custom_parameter_key[...] field: same index, or
 * for `[]` keys the same ordinal among the `[]` values. */
static const char *value_for(struct req *q, size_t keypos, const char *index)
{
	char name[128];
	size_t i, ord = 0;

	if (*index != ']') {
		snprintf(name, sizeof(name), VAL_PREFIX "%s", index);
		return req_form(q, name);
	}
	for (i = 0; i < keypos; i++)
		if (strcmp(q->form[i].key, KEY_PREFIX "]") == 0)
			ord++;
	for (i = 0; i < q->nform; i++)
		if (strcmp(q->form[i].key, VAL_PREFIX "]") == 0 && ord-- == 0)
			return buf_str(&q->form[i].val);
	return NULL;
}

static bool has_custom(struct req *q)
{
	size_t i;

	for (i = 0; i < q->nform; i++)
		if (strncmp(q->form[i].key, KEY_PREFIX, strlen(KEY_PREFIX)) == 0)
			return true;
	return false;
}

/* Replaces c's custom set with the request's; false on allocation failure. */
static bool set_custom(struct req *q, struct contact *c)
{
	size_t i;

	mstore_clearvars(c);
	for (i = 0; i < q->nform; i++) {
		const char *key = q->form[i].key, *val;
		char *k, *v;
		bool ok;

		if (strncmp(key, KEY_PREFIX, strlen(KEY_PREFIX)) != 0)
			continue;
		if (!*buf_str(&q->form[i].val))
			continue;	/* empty keys are dropped */
		val = value_for(q, i, key + strlen(KEY_PREFIX));
		k = emu_utf8_cut(buf_str(&q->form[i].val), 64);
		v = emu_utf8_cut(val ? val : "", 512);
		ok = k && v && mstore_setvar(c, k, v);
		free(k);
		free(v);
		if (!ok)
			return false;
	}
	return true;
}

static bool set_name(struct req *q, struct contact *c)
{
	const char *name = req_form(q, "name");
	char *cut;
	bool ok;

	if (!name)
		return true;
	cut = emu_utf8_cut(name, 256);
	ok = cut && mstore_set(&c->f[F_FIRST], cut);
	free(cut);
	return ok;
}

static void create(struct req *q, struct reply *r)
{
	struct store *s = &q->emu->store;
	const char *raw = req_form(q, "phone_number");
	struct contact *c;
	char *phone;

	if (!raw || !*raw) {
		altum_error(r, 401, NULL, "The phone_number field is required.");
		return;
	}
	phone = emu_phone_altum(raw);
	if (!phone) {
		altum_error(r, 401, NULL, "The phone_number field is invalid.");
		return;
	}
	r->status = 201;
	if (mstore_by_phone(s, phone)) {
		/* The unique key refused the insert and nobody checked. */
		q->emu->creates_existing++;
		out_raw(&r->body, "{\"data\":{\"id\":0}}");
		goto out;
	}
	c = mstore_add(s, phone, 0, 0);
	if (!c || !set_name(q, c) || !set_custom(q, c)) {
		if (c)
			mstore_del(s, c);
		altum_error(r, 500, NULL, "out of memory");
		goto out;
	}
	out_printf(&r->body, "{\"data\":{\"id\":%" PRIu64 "}}", c->id);
out:
	free(phone);
}

static void update(struct req *q, struct reply *r, struct contact *c)
{
	struct emu *e = q->emu;
	const char *raw = req_form(q, "phone_number");
	char *phone = NULL;
	struct contact *other;

	if (raw && *raw) {
		phone = emu_phone_altum(raw);
		if (!phone) {
			altum_error(r, 401, NULL, "The phone_number field is invalid.");
			return;
		}
		other = mstore_by_phone(&e->store, phone);
		if (other && other != c) {
			/* The unique key refuses the row, the code does not check. */
			out_printf(&r->body, "{\"data\":{\"id\":%" PRIu64 "}}", c->id);
			goto out;
		}
	}
	if ((phone && !mstore_rephone(&e->store, c, phone)) || !set_name(q, c) ||
	    (has_custom(q) && !set_custom(q, c))) {
		altum_error(r, 500, NULL, "out of memory");
		goto out;
	}
	/* has_opted_out is read-only: set only by an inbound STOP. */
	if (e->quirks && emu_mix64(emu_mix64(e->seed ^ 0xa17u) ^ e->nupdates++) % 4 == 0) {
		/* Saved, then the page died: PHP's bare 500. */
		r->status = 500;
		r->ctype = "text/html";
		out_raw(&r->body, "");
		r->empty = true;
		goto out;
	}
	out_printf(&r->body, "{\"data\":{\"id\":%" PRIu64 "}}", c->id);
out:
	free(phone);
}

static void altum_handle(struct req *q, struct reply *r)
{
	const char *p = q->pattern;
	struct contact *c = NULL;

	if (strcmp(p, "GET /api/contacts") == 0) {
		list(q, r);
		return;
	}
	if (strcmp(p, "POST /api/contacts") == 0) {
		create(q, r);
		return;
	}
	if (strstr(p, "{id}"))
		c = path_contact(q);
	/* Unsupported methods (PUT, PATCH) are 404, like unknown routes. */
	if (!c || strncmp(p, "other", 5) == 0) {
		altum_error(r, 404, NULL, "The resource you requested does not exist.");
		return;
	}
	if (strcmp(p, "GET /api/contacts/{id}") == 0) {
		out_raw(&r->body, "{\"data\":");
		write_contact(&r->body, c);
		out_raw(&r->body, "}");
	} else if (strcmp(p, "POST /api/contacts/{id}") == 0) {
		update(q, r, c);
	} else {
		mstore_del(&q->emu->store, c);
		r->empty = true;	/* 200 with no body at all */
	}
}

const struct dialect_ops altum_ops = {
	.name = "altum",
	.form_bodies = true,
	.route = altum_route,
	.auth = altum_auth,
	.error = altum_error,
	.handle = altum_handle,
	.fault_body = "{\"data\":{\"id\":100000}}",
};
