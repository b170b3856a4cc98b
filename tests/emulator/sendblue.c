/*
 * sendblue: Sendblue API v2 contacts, as PROVIDERS.md §3 describes it.
 *
 * Listing is a bare array with limit/offset (offset capped at 10,000) and no
 * total, so large accounts need keyset paging on created_at, whose values
 * have one-second resolution and collide. `{phone}` in paths arrives with a
 * literal '+' or as %2B; MHD only decodes %XX in paths, so '+' is never a
 * space. Every write validates the whole request before changing anything.
 */
#include "emu.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define BASE "/api/v2/contacts"
#define OFFSET_MAX 10000
#define LIMIT_MAX 1000

static const char *sendblue_route(const char *method, const char *path,
				  bool *write)
{
	bool get = strcmp(method, "GET") == 0, post = strcmp(method, "POST") == 0;
	bool put = strcmp(method, "PUT") == 0, del = strcmp(method, "DELETE") == 0;

	*write = false;
	if (strcmp(path, BASE) == 0) {
		*write = post || del;
		return get ? "GET " BASE : post ? "POST " BASE
			: del ? "DELETE " BASE : "other";
	}
	if (strncmp(path, BASE "/", strlen(BASE) + 1) != 0)
		return "other";
	path += strlen(BASE) + 1;
	if (get && strcmp(path, "count") == 0)
		return "GET " BASE "/count";
	if (post && strcmp(path, "verify") == 0)
		return "POST " BASE "/verify";
	if (post && strcmp(path, "opt-out") == 0)
		return *write = true, "POST " BASE "/opt-out";
	if (post && strcmp(path, "bulk") == 0)
		return *write = true, "POST " BASE "/bulk";
	if (strchr(path, '/'))
		return "other";
	*write = put || del;
	return get ? "GET " BASE "/{phone}" : put ? "PUT " BASE "/{phone}"
		: del ? "DELETE " BASE "/{phone}" : "other";
}

static void sendblue_error(struct reply *r, unsigned status, const char *code,
			   const char *msg)
{
	(void)code;
	r->status = status;
	r->empty = false;
	r->ctype = "application/json";
	buf_reset(&r->body.b);
	out_raw(&r->body, "{\"status\":\"ERROR\",\"message\":");
	out_str(&r->body, msg);
	out_raw(&r->body, "}");
}

static bool sendblue_auth(struct req *q, struct reply *r)
{
	struct emu *e = q->emu;
	const char *id = req_header(q, "sb-api-key-id");
	const char *secret = req_header(q, "sb-api-secret-key");
	const char *bearer = req_header(q, "Authorization");

	if (id && secret && strcmp(id, e->key_id) == 0 &&
	    strcmp(secret, e->secret) == 0)
		return true;
	if (bearer && strncmp(bearer, "Bearer ", 7) == 0 &&
	    strcmp(bearer + 7, e->key) == 0)
		return true;
	sendblue_error(r, 401, NULL, "Unauthorized");
	return false;
}

static void write_contact(struct out *o, const struct contact *c)
{
	bool first = true;
	char ts[32];
	size_t i;

	emu_fmt_time(ts, c->created, true);
	out_printf(o, "{\"contact_id\":%" PRIu64 ",\"phone\":", c->id);
	out_str(o, c->phone);
	out_raw(o, ",\"first_name\":");
	out_str(o, c->f[F_FIRST]);
	out_raw(o, ",\"last_name\":");
	out_str(o, c->f[F_LAST]);
	out_raw(o, ",\"company_name\":");
	out_str(o, c->f[F_COMPANY]);
	out_raw(o, ",\"custom_variables\":{");
	for (i = 0; i < c->nvars; i++) {
		out_key(o, &first, c->vars[i].key);
		out_str(o, c->vars[i].val);
	}
	out_raw(o, "},\"tags\":[");
	for (i = 0; i < c->ntags; i++) {
		if (i)
			out_raw(o, ",");
		out_str(o, c->tags[i]);
	}
	out_printf(o, "],\"opt_out\":%s,\"assigned_to_email\":",
		   c->opted_out ? "true" : "false");
	out_str(o, c->f[F_EMAIL]);
	out_raw(o, ",\"sendblue_number\":");
	out_str(o, c->f[F_SBNUM]);
	out_printf(o, ",\"verified\":%s,\"created_at\":\"%s\"}",
		   c->verified ? "true" : "false", ts);
}

static void contact_reply(struct reply *r, const struct contact *c)
{
	out_raw(&r->body, "{\"contact\":");
	write_contact(&r->body, c);
	out_raw(&r->body, ",\"status\":\"OK\"}");
}

/* ---- validation and updates ---------------------------------------------- */

static const struct {
	const char *key;
	enum field f;
	bool create;	/* accepted by create (company_name is not) */
} strfields[] = {
	{ "first_name", F_FIRST, true }, { "last_name", F_LAST, true },
	{ "assigned_to_email", F_EMAIL, true }, { "sendblue_number", F_SBNUM, true },
	{ "company_name", F_COMPANY, false },
};

/* NULL when j's fields have the right types, else the message. */
static const char *check_fields(json_t *j)
{
	json_t *v;
	const char *k;
	size_t i;

	for (i = 0; i < sizeof(strfields) / sizeof(strfields[0]); i++) {
		v = json_object_get(j, strfields[i].key);
		if (v && !json_is_string(v) && !json_is_null(v))
			return "string fields must be strings";
	}
	v = json_object_get(j, "tags");
	if (v && !json_is_null(v)) {
		if (!json_is_array(v) || json_array_size(v) > 256)
			return "tags must be an array of strings";
		for (i = 0; i < json_array_size(v); i++)
			if (!json_is_string(json_array_get(v, i)))
				return "tags must be an array of strings";
	}
	v = json_object_get(j, "custom_variables");
	if (v && !json_is_null(v)) {
		json_t *x;

		if (!json_is_object(v))
			return "custom_variables must be an object of strings";
		json_object_foreach(v, k, x)
			if (!json_is_string(x))
				return "custom_variables must be an object of strings";
	}
	v = json_object_get(j, "opt_out");
	if (v && !json_is_boolean(v))
		return "opt_out must be a boolean";
	return NULL;
}

/* Applies checked fields: custom_variables merge, tags replace. */
static bool apply(struct contact *c, json_t *j, bool create, bool company)
{
	json_t *v, *x;
	const char *k;
	size_t i;

	for (i = 0; i < sizeof(strfields) / sizeof(strfields[0]); i++) {
		if (!strfields[i].create && create && !company)
			continue;
		v = json_object_get(j, strfields[i].key);
		if (v && !mstore_set(&c->f[strfields[i].f], json_string_value(v)))
			return false;
	}
	v = json_object_get(j, "tags");
	if (json_is_array(v)) {
		char *list[256];

		for (i = 0; i < json_array_size(v); i++)
			list[i] = (char *)json_string_value(json_array_get(v, i));
		if (!mstore_settags(c, list, json_array_size(v)))
			return false;
	}
	v = json_object_get(j, "custom_variables");
	if (json_is_object(v)) {
		json_object_foreach(v, k, x)
			if (!mstore_setvar(c, k, json_string_value(x)))
				return false;
	}
	v = json_object_get(j, "opt_out");
	if (!create && json_is_boolean(v))
		c->opted_out = json_is_true(v);
	return true;
}

/* E.164 from a path or body value; a leading space is a '+' that some
 * client form-decoded on its own side. */
static char *phone_of(const char *raw)
{
	if (!raw)
		return NULL;
	if (raw[0] == ' ') {
		char fixed[64];

		snprintf(fixed, sizeof(fixed), "+%s", raw + 1);
		return emu_phone_e164(fixed);
	}
	return emu_phone_e164(raw);
}

/* ---- endpoints ---------------------------------------------------------- */

static bool query_u64(struct req *q, const char *name, uint64_t def,
		      uint64_t *v)
{
	const char *s = req_query(q, name);

	*v = def;
	return !s || emu_parse_u64(s, v);
}

enum order { O_CREATED, O_FIRST, O_LAST, O_PHONE };
/* qsort's comparator context; guarded by the store lock like the rest. */
static enum order sort_order;
static bool sort_desc;

static int cmp_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int cmp_contacts(const void *a, const void *b)
{
	const struct contact *x = *(struct contact *const *)a;
	const struct contact *y = *(struct contact *const *)b;
	int d = 0;

	if (sort_order == O_FIRST)
		d = cmp_str(x->f[F_FIRST], y->f[F_FIRST]);
	else if (sort_order == O_LAST)
		d = cmp_str(x->f[F_LAST], y->f[F_LAST]);
	else if (sort_order == O_PHONE)
		d = strcmp(x->phone, y->phone);
	if (!d)
		d = x->id < y->id ? -1 : x->id > y->id;
	return sort_desc ? -d : d;
}

static bool matches(const struct contact *c, bool has_gte, int64_t gte,
		    uint64_t cid)
{
	return (!has_gte || c->created >= gte) && (!cid || c->id == cid);
}

static void list(struct req *q, struct reply *r)
{
	struct store *s = &q->emu->store;
	const char *ob = req_query(q, "order_by"), *od = req_query(q, "order_direction");
	const char *gte_s = req_query(q, "created_at_gte");
	const char *phone_s = req_query(q, "phone_number");
	uint64_t limit, offset, cid, k, n = 0;
	int64_t gte = 0;
	enum order order = O_CREATED;
	bool desc = true;
	struct contact **tmp = NULL;
	size_t i, lo, hi, ntmp = 0;

	if (!query_u64(q, "limit", 100, &limit) || limit < 1 || limit > LIMIT_MAX) {
		sendblue_error(r, 400, NULL, "limit must be between 1 and 1000");
		return;
	}
	if (!query_u64(q, "offset", 0, &offset) || offset > OFFSET_MAX) {
		sendblue_error(r, 400, NULL, "offset must be between 0 and 10000");
		return;
	}
	if (!query_u64(q, "cid", 0, &cid)) {
		sendblue_error(r, 400, NULL, "invalid cid");
		return;
	}
	if (ob && strcmp(ob, "created_at") != 0) {
		if (strcmp(ob, "firstName") == 0)
			order = O_FIRST;
		else if (strcmp(ob, "lastName") == 0)
			order = O_LAST;
		else if (strcmp(ob, "phone") == 0)
			order = O_PHONE;
		else {
			sendblue_error(r, 400, NULL, "invalid order_by");
			return;
		}
	}
	if (od && strcmp(od, "desc") != 0 && strcmp(od, "asc") != 0) {
		sendblue_error(r, 400, NULL, "order_direction must be asc or desc");
		return;
	}
	desc = !od || strcmp(od, "desc") == 0;
	if (gte_s && !emu_parse_time(gte_s, &gte)) {
		sendblue_error(r, 400, NULL, "created_at_gte must be ISO 8601");
		return;
	}
	mstore_tidy(s);
	out_raw(&r->body, "[");
	if (phone_s) {
		/* One number at most: the map answers. */
		char *p = phone_of(phone_s);
		struct contact *c = p ? mstore_by_phone(s, p) : NULL;

		free(p);
		if (c && offset == 0 && matches(c, gte_s, gte, cid))
			write_contact(&r->body, c);
		out_raw(&r->body, "]");
		return;
	}
	if (order == O_CREATED && !cid) {
		/* The fast path, keyset paging's: binary search the start. */
		struct contact **v = s->by_created.v;

		lo = 0;
		hi = s->by_created.n;
		while (gte_s && lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (v[mid]->created < gte)
				lo = mid + 1;
			else
				hi = mid;
		}
		n = s->by_created.n - lo;
		for (k = offset; k < n && k < offset + limit; k++) {
			if (k > offset)
				out_raw(&r->body, ",");
			write_contact(&r->body, desc ? v[s->by_created.n - 1 - k]
						     : v[lo + k]);
		}
		out_raw(&r->body, "]");
		return;
	}
	/* Other orders: filter and sort a copy (slow on 1M, but correct). */
	tmp = malloc((s->by_id.n ? s->by_id.n : 1) * sizeof(*tmp));
	if (!tmp) {
		sendblue_error(r, 500, NULL, "out of memory");
		return;
	}
	for (i = 0; i < s->by_id.n; i++)
		if (matches(s->by_id.v[i], gte_s, gte, cid))
			tmp[ntmp++] = s->by_id.v[i];
	sort_order = order;
	sort_desc = desc;
	if (order == O_CREATED)
		qsort(tmp, ntmp, sizeof(*tmp), s->by_created.cmp);
	else
		qsort(tmp, ntmp, sizeof(*tmp), cmp_contacts);
	for (k = offset; k < ntmp && k < offset + limit; k++) {
		if (k > offset)
			out_raw(&r->body, ",");
		write_contact(&r->body, order == O_CREATED && desc ? tmp[ntmp - 1 - k]
								   : tmp[k]);
	}
	out_raw(&r->body, "]");
	free(tmp);
}

static json_t *body_object(struct req *q, struct reply *r)
{
	json_t *j = req_json(q);

	if (json_is_object(j))
		return j;
	json_decref(j);
	sendblue_error(r, 400, NULL, "request body must be a JSON object");
	return NULL;
}

static void create(struct req *q, struct reply *r)
{
	struct store *s = &q->emu->store;
	json_t *j = body_object(q, r);
	const char *msg;
	char *phone = NULL;
	struct contact *c;

	if (!j)
		return;
	if (!json_is_string(json_object_get(j, "number"))) {
		sendblue_error(r, 400, NULL, "number is required");
		goto out;
	}
	phone = phone_of(json_string_value(json_object_get(j, "number")));
	if (!phone) {
		sendblue_error(r, 400, NULL, "invalid phone number");
		goto out;
	}
	if ((msg = check_fields(j))) {
		sendblue_error(r, 400, NULL, msg);
		goto out;
	}
	c = mstore_by_phone(s, phone);
	if (c && !json_is_true(json_object_get(j, "update_if_exists"))) {
		q->emu->creates_existing++;
		sendblue_error(r, 409, NULL, "contact already exists");
		goto out;
	}
	if (c) {
		if (!apply(c, j, true, false))
			sendblue_error(r, 500, NULL, "out of memory");
		else
			contact_reply(r, c);
		goto out;
	}
	c = mstore_add(s, phone, 0, 0);
	if (!c || !apply(c, j, true, false)) {
		if (c)
			mstore_del(s, c);
		sendblue_error(r, 500, NULL, "out of memory");
		goto out;
	}
	contact_reply(r, c);
out:
	free(phone);
	json_decref(j);
}

static void update(struct req *q, struct reply *r, struct contact *c)
{
	json_t *j = body_object(q, r);
	const char *msg;

	if (!j)
		return;
	if ((msg = check_fields(j)))
		sendblue_error(r, 400, NULL, msg);
	else if (!apply(c, j, false, true))
		sendblue_error(r, 500, NULL, "out of memory");
	else
		contact_reply(r, c);
	json_decref(j);
}

static void opt_out(struct req *q, struct reply *r)
{
	json_t *j = body_object(q, r);
	json_t *v;
	char *phone;
	struct contact *c;

	if (!j)
		return;
	phone = phone_of(json_string_value(json_object_get(j, "number")));
	v = json_object_get(j, "opted_out");
	c = phone ? mstore_by_phone(&q->emu->store, phone) : NULL;
	if (!phone)
		sendblue_error(r, 400, NULL, "number is required");
	else if (v && !json_is_boolean(v))
		sendblue_error(r, 400, NULL, "opted_out must be a boolean");
	else if (!c)
		sendblue_error(r, 404, NULL, "Contact not found");
	else {
		c->opted_out = v ? json_is_true(v) : true;
		out_raw(&r->body, "{\"number\":");
		out_str(&r->body, c->phone);
		out_printf(&r->body, ",\"opted_out\":%s,\"status\":\"OK\"}",
			   c->opted_out ? "true" : "false");
	}
	free(phone);
	json_decref(j);
}

static void bulk_create(struct req *q, struct reply *r)
{
	struct store *s = &q->emu->store;
	json_t *j = body_object(q, r), *items, *it;
	size_t i, n;
	char msg[128];
	bool first = true;

	if (!j)
		return;
	items = json_object_get(j, "contacts");
	n = json_array_size(items);
	if (!json_is_array(items) || !n) {
		sendblue_error(r, 400, NULL, "contacts must be a non-empty array");
		goto out;
	}
	/* Check everything first: a 400 creates nothing. */
	for (i = 0; i < n; i++) {
		const char *m = NULL;
		char *p;

		it = json_array_get(items, i);
		if (!json_is_object(it) || !json_is_string(json_object_get(it, "phone")))
			m = "phone is required";
		else if (!(p = phone_of(json_string_value(json_object_get(it, "phone")))))
			m = "invalid phone number";
		else
			free(p), m = check_fields(it);
		if (m) {
			snprintf(msg, sizeof(msg), "contacts[%zu]: %s", i, m);
			sendblue_error(r, 400, NULL, msg);
			goto out;
		}
	}
	/* Existing numbers (and repeats in the batch) are skipped, not
	 * updated: only what was created comes back. */
	out_raw(&r->body, "{\"contacts\":[");
	for (i = 0; i < n; i++) {
		char *p;
		struct contact *c;

		it = json_array_get(items, i);
		p = phone_of(json_string_value(json_object_get(it, "phone")));
		if (p && mstore_by_phone(s, p))
			q->emu->creates_existing++;
		c = p && !mstore_by_phone(s, p) ? mstore_add(s, p, 0, 0) : NULL;
		free(p);
		if (!c || !apply(c, it, true, true))
			continue;
		if (!first)
			out_raw(&r->body, ",");
		first = false;
		write_contact(&r->body, c);
	}
	out_raw(&r->body, "],\"status\":\"OK\"}");
out:
	json_decref(j);
}

static void bulk_delete(struct req *q, struct reply *r)
{
	json_t *j = body_object(q, r), *ids;
	size_t i, amount = 0;

	if (!j)
		return;
	ids = json_object_get(j, "contact_ids");
	if (!json_is_array(ids)) {
		sendblue_error(r, 400, NULL, "contact_ids must be an array");
		goto out;
	}
	for (i = 0; i < json_array_size(ids); i++) {
		char *p = phone_of(json_string_value(json_array_get(ids, i)));
		struct contact *c = p ? mstore_by_phone(&q->emu->store, p) : NULL;

		free(p);
		if (c) {
			mstore_del(&q->emu->store, c);
			amount++;
		}
	}
	out_printf(&r->body, "{\"amount\":%zu,\"status\":\"OK\"}", amount);
out:
	json_decref(j);
}

static void verify(struct req *q, struct reply *r)
{
	json_t *j = body_object(q, r);
	char *p;

	if (!j)
		return;
	p = phone_of(json_string_value(json_object_get(j, "number")));
	if (!p)
		sendblue_error(r, 400, NULL, "number is required");
	else if (!mstore_by_phone(&q->emu->store, p))
		sendblue_error(r, 404, NULL, "Contact not found");
	else
		out_raw(&r->body, "{\"status\":\"OK\"}");
	free(p);
	json_decref(j);
}

static void by_phone(struct req *q, struct reply *r)
{
	const char *p = q->pattern;
	char *phone = phone_of(q->path + strlen(BASE) + 1);
	struct contact *c = phone ? mstore_by_phone(&q->emu->store, phone) : NULL;
	bool valid = phone != NULL;

	free(phone);
	if (!valid)
		sendblue_error(r, 400, NULL, "invalid phone number");
	else if (!c)
		sendblue_error(r, 404, NULL, "Contact not found");
	else if (strncmp(p, "GET", 3) == 0)
		contact_reply(r, c);
	else if (strncmp(p, "PUT", 3) == 0)
		update(q, r, c);
	else {
		mstore_del(&q->emu->store, c);
		out_raw(&r->body, "{\"status\":\"OK\"}");
	}
}

static void sendblue_handle(struct req *q, struct reply *r)
{
	const char *p = q->pattern;

	if (strcmp(p, "GET " BASE) == 0)
		list(q, r);
	else if (strcmp(p, "POST " BASE) == 0)
		create(q, r);
	else if (strcmp(p, "DELETE " BASE) == 0)
		bulk_delete(q, r);
	else if (strcmp(p, "GET " BASE "/count") == 0)
		out_printf(&r->body, "{\"count\":%zu}", mstore_count(&q->emu->store));
	else if (strcmp(p, "POST " BASE "/verify") == 0)
		verify(q, r);
	else if (strcmp(p, "POST " BASE "/opt-out") == 0)
		opt_out(q, r);
	else if (strcmp(p, "POST " BASE "/bulk") == 0)
		bulk_create(q, r);
	else if (strstr(p, "{phone}"))
		by_phone(q, r);
	else
		sendblue_error(r, 404, NULL, "Not found");
}

const struct dialect_ops sendblue_ops = {
	.name = "sendblue",
	.form_bodies = false,
	.route = sendblue_route,
	.auth = sendblue_auth,
	.error = sendblue_error,
	.handle = sendblue_handle,
	.fault_body = "{\"contact\":{\"phone\":\"+15550000000\",\"first_name\":null},"
		      "\"status\":\"OK\"}",
};
