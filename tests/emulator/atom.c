/*
 * atom: Atom Telecom's SMS API contacts, as PROVIDERS.md §2 describes it.
 *
 * Every call is a POST with a JSON body; auth failures are 403; contacts
 * live in exactly one address book and the only listing is the book's
 * unpaginated detail. IDs are written as strings when id + seed is odd and
 * as numbers otherwise, so a client meets both on every run, and the same
 * ones each time.
 */
#include "emu.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char *const routes[] = {
	"/api/address-book/new", "/api/address-book/edit",
	"/api/address-book/list", "/api/address-book/delete",
	"/api/address-book/detail", "/api/contact/new", "/api/contact/detail",
	"/api/contact/edit", "/api/contact/delete",
};

static const char *const patterns[] = {
	"POST /api/address-book/new", "POST /api/address-book/edit",
	"POST /api/address-book/list", "POST /api/address-book/delete",
	"POST /api/address-book/detail", "POST /api/contact/new",
	"POST /api/contact/detail", "POST /api/contact/edit",
	"POST /api/contact/delete",
};

static const char *const customs[] = { "custom_1", "custom_2", "custom_3",
				       "custom_4" };

static const char *atom_route(const char *method, const char *path, bool *write)
{
	size_t i;

	*write = false;
	if (strcmp(method, "POST") != 0)
		return "other";
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (strcmp(path, routes[i]) != 0)
			continue;
		*write = strstr(path, "/new") || strstr(path, "/edit") ||
			 strstr(path, "/delete");
		return patterns[i];
	}
	return "other";
}

static void atom_error(struct reply *r, unsigned status, const char *code,
		       const char *msg)
{
	r->status = status;
	r->empty = false;
	r->ctype = "application/json";
	buf_reset(&r->body.b);
	out_raw(&r->body, "{\"status\":\"error\",\"message\":");
	out_str(&r->body, msg);
	out_raw(&r->body, ",\"code\":");
	out_str(&r->body, code);
	out_raw(&r->body, "}");
}

static bool atom_auth(struct req *q, struct reply *r)
{
	const char *h = req_header(q, "Authorization");

	if (h && strncmp(h, "Bearer ", 7) == 0 && strcmp(h + 7, q->emu->key) == 0)
		return true;
	atom_error(r, 403, "forbidden", "Invalid or missing access token");
	return false;
}

static void write_id(struct out *o, const struct emu *e, uint64_t id)
{
	if ((id + e->seed) & 1)
		out_printf(o, "\"%" PRIu64 "\"", id);
	else
		out_printf(o, "%" PRIu64, id);
}

/* An id given as a number or a numeric string; 0 when absent or bad. */
static uint64_t json_id(json_t *j, const char *key)
{
	json_t *v = json_object_get(j, key);
	uint64_t id = 0;

	if (json_is_integer(v) && json_integer_value(v) > 0)
		return (uint64_t)json_integer_value(v);
	if (json_is_string(v) && emu_parse_u64(json_string_value(v), &id))
		return id;
	return 0;
}

/* A string field: *ok false when present with a wrong type. The number
 * form is for phone numbers sent as JSON numbers (61444444444). */
static const char *json_text(json_t *j, const char *key, char num[32], bool *ok)
{
	json_t *v = json_object_get(j, key);

	if (!v || json_is_null(v))
		return NULL;
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(num, 32, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return num;
	}
	*ok = false;
	return NULL;
}

static void ok_begin(struct reply *r)
{
	out_raw(&r->body, "{\"status\":\"success\",\"result\":");
}

static void result_id(struct emu *e, struct reply *r, uint64_t id)
{
	ok_begin(r);
	out_raw(&r->body, "{\"id\":");
	write_id(&r->body, e, id);
	out_raw(&r->body, "}}");
}

static void book_new(struct emu *e, json_t *j, struct reply *r)
{
	const char *name = json_string_value(json_object_get(j, "name"));
	struct book *b;

	if (!name || !*name) {
		atom_error(r, 422, "validation_error", "name is required");
		return;
	}
	b = mstore_book_add(&e->store, 0, name);
	if (!b) {
		atom_error(r, 500, "server_error", "out of memory");
		return;
	}
	ok_begin(r);
	out_raw(&r->body, "{\"id\":");
	write_id(&r->body, e, b->id);
	out_raw(&r->body, ",\"name\":");
	out_str(&r->body, b->name);
	out_raw(&r->body, "}}");
}

static void book_edit(struct emu *e, json_t *j, struct reply *r, struct book *b)
{
	const char *name = json_string_value(json_object_get(j, "name"));

	if (!name || !*name) {
		atom_error(r, 422, "validation_error", "name is required");
		return;
	}
	if (!mstore_set(&b->name, name)) {
		atom_error(r, 500, "server_error", "out of memory");
		return;
	}
	ok_begin(r);
	out_raw(&r->body, "{\"id\":");
	write_id(&r->body, e, b->id);
	out_raw(&r->body, ",\"name\":");
	out_str(&r->body, b->name);
	out_raw(&r->body, "}}");
}

static void book_list(struct emu *e, struct reply *r)
{
	size_t i;

	ok_begin(r);
	out_raw(&r->body, "[");
	for (i = 0; i < e->store.nbooks; i++) {
		out_raw(&r->body, i ? ",{\"id\":" : "{\"id\":");
		write_id(&r->body, e, e->store.books[i].id);
		out_raw(&r->body, ",\"name\":");
		out_str(&r->body, e->store.books[i].name);
		out_raw(&r->body, "}");
	}
	out_raw(&r->body, "]}");
}

static void book_detail(struct emu *e, struct reply *r, struct book *b)
{
	struct store *s = &e->store;
	bool first = true;
	size_t i;

	mstore_tidy(s);
	ok_begin(r);
	out_raw(&r->body, "{\"id\":");
	write_id(&r->body, e, b->id);
	out_raw(&r->body, ",\"name\":");
	out_str(&r->body, b->name);
	out_raw(&r->body, ",\"contacts\":[");
	for (i = 0; i < s->by_id.n; i++) {
		const struct contact *c = s->by_id.v[i];

		if (c->book != b->id)
			continue;
		out_raw(&r->body, first ? "{\"id\":" : ",{\"id\":");
		first = false;
		write_id(&r->body, e, c->id);
		out_raw(&r->body, ",\"first_name\":");
		out_str(&r->body, c->f[F_FIRST]);
		out_raw(&r->body, ",\"last_name\":");
		out_str(&r->body, c->f[F_LAST]);
		out_raw(&r->body, ",\"phone_number\":");
		out_str(&r->body, c->phone);
		out_raw(&r->body, "}");
	}
	out_raw(&r->body, "]}}");
}

static void book_delete(struct emu *e, struct reply *r, struct book *b)
{
	uint64_t id = b->id;
	size_t i;

	/* A contact is in exactly one book: it goes with it. */
	mstore_tidy(&e->store);
	for (i = 0; i < e->store.by_id.n; i++)
		if (e->store.by_id.v[i]->book == id && !e->store.by_id.v[i]->dead)
			mstore_del(&e->store, e->store.by_id.v[i]);
	mstore_book_del(&e->store, id);
	result_id(e, r, id);
}

/* Applies the optional fields of contact/new and contact/edit. */
static bool set_fields(struct contact *c, json_t *j)
{
	static const struct {
		const char *key;
		enum field f;
	} map[] = {
		{ "first_name", F_FIRST }, { "last_name", F_LAST },
		{ "company", F_COMPANY }, { "custom_1", F_C1 },
		{ "custom_2", F_C2 }, { "custom_3", F_C3 }, { "custom_4", F_C4 },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		json_t *v = json_object_get(j, map[i].key);

		if (v && !mstore_set(&c->f[map[i].f], json_string_value(v)))
			return false;
	}
	return true;
}

static bool fields_valid(json_t *j)
{
	static const char *const keys[] = { "first_name", "last_name", "company",
					    "custom_1", "custom_2", "custom_3",
					    "custom_4" };
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		json_t *v = json_object_get(j, keys[i]);

		if (v && !json_is_string(v) && !json_is_null(v))
			return false;
	}
	return true;
}

static void contact_new(struct emu *e, json_t *j, struct reply *r)
{
	uint64_t group = json_id(j, "group_id");
	char num[32], *phone = NULL;
	bool ok = true;
	const char *raw = json_text(j, "phone_number", num, &ok);
	struct contact *c;

	if (!group || !ok || !raw || !fields_valid(j)) {
		atom_error(r, 422, "validation_error",
			   "group_id and phone_number are required");
		return;
	}
	if (!mstore_book(&e->store, group)) {
		atom_error(r, 404, "not_found", "address book not found");
		return;
	}
	phone = emu_phone_atom(raw);
	if (!phone) {
		atom_error(r, 422, "validation_error", "invalid phone_number");
		return;
	}
	if (mstore_by_phone(&e->store, phone)) {
		e->creates_existing++;
		atom_error(r, 409, "duplicate", "phone_number already exists");
		goto out;
	}
	c = mstore_add(&e->store, phone, 0, 0);
	if (!c || !set_fields(c, j)) {
		if (c)
			mstore_del(&e->store, c);
		atom_error(r, 500, "server_error", "out of memory");
		goto out;
	}
	c->book = group;
	result_id(e, r, c->id);
out:
	free(phone);
}

static void contact_detail(struct emu *e, struct reply *r, struct contact *c)
{
	size_t i;

	ok_begin(r);
	out_raw(&r->body, "{\"contact\":{\"id\":");
	write_id(&r->body, e, c->id);
	out_raw(&r->body, ",\"first_name\":");
	out_str(&r->body, c->f[F_FIRST]);
	out_raw(&r->body, ",\"last_name\":");
	out_str(&r->body, c->f[F_LAST]);
	out_raw(&r->body, ",\"company\":");
	out_str(&r->body, c->f[F_COMPANY]);
	out_raw(&r->body, ",\"phone_number\":");
	out_str(&r->body, c->phone);
	for (i = 0; i < 4; i++) {
		out_printf(&r->body, ",\"%s\":", customs[i]);
		out_str(&r->body, c->f[F_C1 + i]);
	}
	out_raw(&r->body, "}}}");
}

static void contact_edit(struct emu *e, json_t *j, struct reply *r,
			 struct contact *c)
{
	uint64_t group = json_id(j, "group_id");
	char num[32], *phone = NULL;
	bool ok = true;
	const char *raw = json_text(j, "phone_number", num, &ok);
	struct contact *other;

	if (!ok || !fields_valid(j) ||
	    (json_object_get(j, "group_id") && !group)) {
		atom_error(r, 422, "validation_error", "invalid field");
		return;
	}
	if (group && !mstore_book(&e->store, group)) {
		atom_error(r, 404, "not_found", "address book not found");
		return;
	}
	if (raw && !(phone = emu_phone_atom(raw))) {
		atom_error(r, 422, "validation_error", "invalid phone_number");
		return;
	}
	other = phone ? mstore_by_phone(&e->store, phone) : NULL;
	if (other && other != c) {
		atom_error(r, 409, "duplicate", "phone_number already exists");
		goto out;
	}
	if ((phone && !mstore_rephone(&e->store, c, phone)) || !set_fields(c, j)) {
		atom_error(r, 500, "server_error", "out of memory");
		goto out;
	}
	if (group)
		c->book = group;	/* moves it: still exactly one book */
	result_id(e, r, c->id);
out:
	free(phone);
}

static void atom_handle(struct req *q, struct reply *r)
{
	struct emu *e = q->emu;
	const char *p = q->pattern;
	json_t *j = NULL;
	struct book *b = NULL;
	struct contact *c = NULL;
	bool book_route = strstr(p, "/address-book/") != NULL;

	if (strcmp(p, "other") == 0) {
		atom_error(r, 404, "not_found", "no such endpoint");
		return;
	}
	/* An empty body reads as {} (list needs nothing). */
	j = q->body.len ? req_json(q) : json_object();
	if (!json_is_object(j)) {
		atom_error(r, 400, "invalid_json", "request body must be a JSON object");
		goto out;
	}
	if (strcmp(p, "POST /api/address-book/new") == 0) {
		book_new(e, j, r);
		goto out;
	}
	if (strcmp(p, "POST /api/address-book/list") == 0) {
		book_list(e, r);
		goto out;
	}
	if (strcmp(p, "POST /api/contact/new") == 0) {
		contact_new(e, j, r);
		goto out;
	}
	if (!json_id(j, "id")) {
		atom_error(r, 422, "validation_error", "id is required");
		goto out;
	}
	if (book_route)
		b = mstore_book(&e->store, json_id(j, "id"));
	else
		c = mstore_by_id(&e->store, json_id(j, "id"));
	if (!b && !c) {
		atom_error(r, 404, "not_found",
			   book_route ? "address book not found" : "contact not found");
		goto out;
	}
	if (strcmp(p, "POST /api/address-book/edit") == 0)
		book_edit(e, j, r, b);
	else if (strcmp(p, "POST /api/address-book/detail") == 0)
		book_detail(e, r, b);
	else if (strcmp(p, "POST /api/address-book/delete") == 0)
		book_delete(e, r, b);
	else if (strcmp(p, "POST /api/contact/detail") == 0)
		contact_detail(e, r, c);
	else if (strcmp(p, "POST /api/contact/edit") == 0)
		contact_edit(e, j, r, c);
	else {
		mstore_del(&e->store, c);
		result_id(e, r, c->id);
	}
out:
	json_decref(j);
}

const struct dialect_ops atom_ops = {
	.name = "atom",
	.form_bodies = false,
	.route = atom_route,
	.auth = atom_auth,
	.error = atom_error,
	.handle = atom_handle,
	.fault_body = "{\"status\":\"success\",\"result\":{\"id\":100000}}",
};
