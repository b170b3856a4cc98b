/*
 * admin: the emulator's own endpoints under /_emulator/, for tests to see
 * and set up what the "provider" holds. No auth, no rate limit, no faults,
 * and not counted in the stats, so checking a test never changes it.
 *
 * Contacts are dumped and loaded in one shape for every dialect (the fields
 * a dialect does not have are left out), ordered by id:
 *   {id, phone, created_at (ISO 8601), opted_out, ...dialect fields}
 */
#include "emu.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const customs[] = { "custom_1", "custom_2", "custom_3",
				       "custom_4" };

void emu_stats_count(struct emu *e, const char *pattern, const char *code)
{
	size_t i;
	struct stat_row *row;

	for (i = 0; i < e->nstats; i++) {
		if (strcmp(e->stats[i].pattern, pattern) == 0 &&
		    strcmp(e->stats[i].code, code) == 0) {
			e->stats[i].n++;
			return;
		}
	}
	if (e->nstats == e->capstats) {
		size_t ncap = e->capstats ? e->capstats * 2 : 32;
		struct stat_row *nr = realloc(e->stats, ncap * sizeof(*nr));

		if (!nr)
			return;	/* a lost counter is better than a lost request */
		e->stats = nr;
		e->capstats = ncap;
	}
	row = &e->stats[e->nstats];
	row->pattern = strdup(pattern);
	if (!row->pattern)
		return;
	snprintf(row->code, sizeof(row->code), "%s", code);
	row->n = 1;
	e->nstats++;
}

void emu_stats_reset(struct emu *e)
{
	size_t i;

	e->creates_existing = 0;
	for (i = 0; i < e->nstats; i++)
		free(e->stats[i].pattern);
	e->nstats = 0;
}

static void emu_stats_dump(struct emu *e, struct out *o)
{
	bool first = true;
	size_t i, j;

	out_printf(o, "{\"requests\":%" PRIu64 ",\"creates_of_existing\":%" PRIu64 ",\"endpoints\":{",
		   e->nrequests, e->creates_existing);
	for (i = 0; i < e->nstats; i++) {
		bool seen = false, inner = true;
		unsigned long total = 0;

		for (j = 0; j < i && !seen; j++)
			seen = strcmp(e->stats[j].pattern, e->stats[i].pattern) == 0;
		if (seen)
			continue;
		out_key(o, &first, e->stats[i].pattern);
		out_raw(o, "{");
		for (j = i; j < e->nstats; j++) {
			if (strcmp(e->stats[j].pattern, e->stats[i].pattern) != 0)
				continue;
			out_key(o, &inner, e->stats[j].code);
			out_printf(o, "%lu", e->stats[j].n);
			total += e->stats[j].n;
		}
		out_printf(o, ",\"total\":%lu}", total);
	}
	out_raw(o, "}}");
}

static void dump_vars(struct out *o, const struct contact *c)
{
	bool first = true;
	size_t i;

	out_raw(o, "{");
	for (i = 0; i < c->nvars; i++) {
		out_key(o, &first, c->vars[i].key);
		out_str(o, c->vars[i].val);
	}
	out_raw(o, "}");
}

static void dump_contact(struct emu *e, struct out *o, const struct contact *c)
{
	char ts[32];
	size_t i;

	emu_fmt_time(ts, c->created, true);
	out_printf(o, "{\"id\":%" PRIu64 ",\"phone\":", c->id);
	out_str(o, c->phone);
	out_printf(o, ",\"created_at\":\"%s\",\"opted_out\":%s", ts,
		   c->opted_out ? "true" : "false");
	switch (e->dialect) {
	case D_ALTUM:
		out_raw(o, ",\"name\":");
		out_str(o, c->f[F_FIRST]);
		out_raw(o, ",\"custom_parameters\":");
		dump_vars(o, c);
		break;
	case D_ATOM:
		out_printf(o, ",\"book\":%" PRIu64 ",\"first_name\":", c->book);
		out_str(o, c->f[F_FIRST]);
		out_raw(o, ",\"last_name\":");
		out_str(o, c->f[F_LAST]);
		out_raw(o, ",\"company\":");
		out_str(o, c->f[F_COMPANY]);
		for (i = 0; i < 4; i++) {
			out_printf(o, ",\"%s\":", customs[i]);
			out_str(o, c->f[F_C1 + i]);
		}
		break;
	case D_SENDBLUE:
		out_raw(o, ",\"first_name\":");
		out_str(o, c->f[F_FIRST]);
		out_raw(o, ",\"last_name\":");
		out_str(o, c->f[F_LAST]);
		out_raw(o, ",\"company_name\":");
		out_str(o, c->f[F_COMPANY]);
		out_raw(o, ",\"custom_variables\":");
		dump_vars(o, c);
		out_raw(o, ",\"tags\":[");
		for (i = 0; i < c->ntags; i++) {
			if (i)
				out_raw(o, ",");
			out_str(o, c->tags[i]);
		}
		out_raw(o, "],\"assigned_to_email\":");
		out_str(o, c->f[F_EMAIL]);
		out_raw(o, ",\"sendblue_number\":");
		out_str(o, c->f[F_SBNUM]);
		out_printf(o, ",\"verified\":%s", c->verified ? "true" : "false");
		break;
	}
	out_raw(o, "}");
}

static void dump_contacts(struct emu *e, struct out *o)
{
	size_t i;

	mstore_tidy(&e->store);
	out_raw(o, "[");
	for (i = 0; i < e->store.by_id.n; i++) {
		if (i)
			out_raw(o, ",\n");
		dump_contact(e, o, e->store.by_id.v[i]);
	}
	out_raw(o, "]\n");
}

static void dump_books(struct emu *e, struct out *o)
{
	size_t i;

	out_raw(o, "[");
	for (i = 0; i < e->store.nbooks; i++) {
		out_printf(o, "%s{\"id\":%" PRIu64 ",\"name\":", i ? "," : "",
			   e->store.books[i].id);
		out_str(o, e->store.books[i].name);
		out_raw(o, "}");
	}
	out_raw(o, "]\n");
}

static void admin_error(struct reply *r, unsigned status, const char *msg)
{
	r->status = status;
	buf_reset(&r->body.b);
	out_raw(&r->body, "{\"error\":");
	out_str(&r->body, msg);
	out_raw(&r->body, "}\n");
}

static const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Sets a string field from a JSON string or number; false on bad type. */
static bool load_field(json_t *item, const char *key, char **slot)
{
	json_t *v = json_object_get(item, key);
	char num[32];

	if (!v || json_is_null(v))
		return true;
	if (json_is_string(v))
		return mstore_set(slot, json_string_value(v));
	if (json_is_integer(v)) {
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return mstore_set(slot, num);
	}
	return false;
}

static bool load_vars(struct contact *c, json_t *vars)
{
	const char *k;
	json_t *v;

	if (!vars || json_is_null(vars) || (json_is_array(vars) && !json_array_size(vars)))
		return true;
	if (!json_is_object(vars))
		return false;
	json_object_foreach(vars, k, v) {
		char num[32];
		const char *s = json_string_value(v);

		if (!s && json_is_integer(v)) {
			snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
				 json_integer_value(v));
			s = num;
		}
		if (!s || !mstore_setvar(c, k, s))
			return false;
	}
	return true;
}

static bool load_tags(struct contact *c, json_t *tags)
{
	char *list[256];
	size_t i, n;

	if (!tags || json_is_null(tags))
		return true;
	n = json_array_size(tags);
	if (!json_is_array(tags) || n > 256)
		return false;
	for (i = 0; i < n; i++)
		if (!(list[i] = (char *)json_string_value(json_array_get(tags, i))))
			return false;
	return mstore_settags(c, list, n);
}

static bool load_bool(json_t *item, const char *key, bool *out)
{
	json_t *v = json_object_get(item, key);

	if (!v)
		return true;
	if (!json_is_boolean(v) && !json_is_integer(v))
		return false;
	*out = json_is_true(v) || (json_is_integer(v) && json_integer_value(v));
	return true;
}

static bool load_id(json_t *v, uint64_t *id)
{
	if (!v || json_is_null(v))
		return true;
	if (json_is_integer(v) && json_integer_value(v) > 0) {
		*id = (uint64_t)json_integer_value(v);
		return true;
	}
	return json_is_string(v) && emu_parse_u64(json_string_value(v), id) && *id;
}

static char *load_phone(struct emu *e, const char *raw)
{
	if (e->dialect == D_ALTUM)
		return emu_phone_altum(raw);
	if (e->dialect == D_ATOM)
		return emu_phone_atom(raw);
	return emu_phone_e164(raw);
}

/* One item; NULL and msg set on error. */
static struct contact *load_one(struct emu *e, json_t *item, int64_t created,
				const char **msg)
{
	struct store *s = &e->store;
	const char *raw = jstr(item, "phone");
	struct contact *c;
	char *phone = NULL;
	uint64_t id = 0, book = 0;
	json_t *ts = json_object_get(item, "created_at");
	size_t i;
	bool ok;

	if (!raw)
		raw = jstr(item, "phone_number");
	if (!raw)
		raw = jstr(item, "number");
	*msg = "missing or invalid phone";
	if (!json_is_object(item) || !raw || !(phone = load_phone(e, raw)))
		goto fail;
	*msg = "duplicate phone";
	if (mstore_by_phone(s, phone))
		goto fail;
	*msg = "invalid id";
	if (!load_id(json_object_get(item, "id"), &id) || (id && mstore_by_id(s, id)))
		goto fail;
	*msg = "invalid created_at";
	if (json_is_integer(ts))
		created = json_integer_value(ts);
	else if (ts && (!json_is_string(ts) ||
			!emu_parse_time(json_string_value(ts), &created)))
		goto fail;
	*msg = "invalid book";
	if (!load_id(json_object_get(item, "book"), &book) ||
	    !load_id(json_object_get(item, "group_id"), &book))
		goto fail;
	*msg = "out of memory";
	c = mstore_add(s, phone, id, created);
	free(phone);
	phone = NULL;
	if (!c)
		goto fail;
	ok = load_field(item, "first_name", &c->f[F_FIRST]) &&
	     load_field(item, "name", &c->f[F_FIRST]) &&
	     load_field(item, "last_name", &c->f[F_LAST]) &&
	     load_field(item, "company", &c->f[F_COMPANY]) &&
	     load_field(item, "company_name", &c->f[F_COMPANY]) &&
	     load_field(item, "assigned_to_email", &c->f[F_EMAIL]) &&
	     load_field(item, "sendblue_number", &c->f[F_SBNUM]) &&
	     load_bool(item, "opted_out", &c->opted_out) &&
	     load_bool(item, "verified", &c->verified) &&
	     load_vars(c, json_object_get(item, "custom_parameters")) &&
	     load_vars(c, json_object_get(item, "custom_variables")) &&
	     load_tags(c, json_object_get(item, "tags"));
	for (i = 0; ok && i < 4; i++)
		ok = load_field(item, customs[i], &c->f[F_C1 + i]);
	if (e->dialect == D_ATOM && ok) {
		/* A contact is always in exactly one book: make it exist. */
		if (!book)
			book = s->nbooks ? s->books[0].id : 1;
		if (!mstore_book(s, book)) {
			char name[40];

			snprintf(name, sizeof(name), "Book %" PRIu64, book);
			ok = mstore_book_add(s, book, name) != NULL;
		}
		c->book = book;
	}
	*msg = "invalid field";
	if (!ok) {
		mstore_del(s, c);
		return NULL;
	}
	return c;
fail:
	free(phone);
	return NULL;
}

static void load_contacts(struct emu *e, struct req *q, struct reply *r)
{
	json_t *arr = req_json(q);
	struct contact **added = NULL;
	size_t n, i;
	int64_t base;
	const char *msg = "";

	if (!arr || !json_is_array(arr)) {
		admin_error(r, 400, "body must be a JSON array of contacts");
		goto out;
	}
	n = json_array_size(arr);
	added = calloc(n ? n : 1, sizeof(*added));
	if (!added) {
		admin_error(r, 500, "out of memory");
		goto out;
	}
	/* Three contacts per second, ending a day ago: same-second
	 * timestamps are the norm, as after a real bulk import. */
	base = (int64_t)time(NULL) - 86400 - (int64_t)(n / 3) - 1;
	for (i = 0; i < n; i++) {
		added[i] = load_one(e, json_array_get(arr, i), base + (int64_t)(i / 3),
				    &msg);
		if (added[i])
			continue;
		r->status = 400;
		out_printf(&r->body, "{\"error\":\"item %zu: %s\"}\n", i + 1, msg);
		/* All or nothing: undo this call's contacts. */
		while (i--)
			mstore_del(&e->store, added[i]);
		goto out;
	}
	out_printf(&r->body, "{\"loaded\":%zu,\"count\":%zu}\n", n,
		   mstore_count(&e->store));
out:
	free(added);
	json_decref(arr);
}

/*
 * POST /_emulator/generate {"count":N, "first_phone":"+447700000000"}:
 * N contacts made here, for tests that need an account of a million
 * (loading a million through JSON takes seconds and a gigabyte). Contact
 * i (from 0) has the number first_phone + i, "First<i>" and "Last<i>"
 * (altum: "First<i> Last<i>"), the custom field email "p<i>@example.com"
 * (atom: custom_1) and, for sendblue, the tag "gen"; times are three per
 * second ending a day ago, as the JSON load's. All or nothing.
 */
#define GENERATE_MAX 20000000ULL

static bool gen_one(struct emu *e, const char *phone, uint64_t i, int64_t created,
		    const char **msg)
{
	struct contact *c;
	char first[32], last[32], mail[48];
	char *norm = load_phone(e, phone);
	bool ok;

	*msg = "invalid phone";
	if (!norm)
		return false;
	*msg = "duplicate phone";
	if (mstore_by_phone(&e->store, norm)) {
		free(norm);
		return false;
	}
	*msg = "out of memory";
	c = mstore_add(&e->store, norm, 0, created);
	free(norm);
	if (!c)
		return false;
	snprintf(first, sizeof(first), "First%" PRIu64, i);
	snprintf(last, sizeof(last), "Last%" PRIu64, i);
	snprintf(mail, sizeof(mail), "p%" PRIu64 "@example.com", i);
	if (e->dialect == D_ALTUM) {
		char name[64];

		snprintf(name, sizeof(name), "%s %s", first, last);
		return mstore_set(&c->f[F_FIRST], name) && mstore_setvar(c, "email", mail);
	}
	ok = mstore_set(&c->f[F_FIRST], first) && mstore_set(&c->f[F_LAST], last);
	if (e->dialect == D_ATOM) {
		if (ok && !mstore_book(&e->store, 1))
			ok = mstore_book_add(&e->store, 1, "Book 1") != NULL;
		c->book = 1;
		return ok && mstore_set(&c->f[F_C1], mail);
	}
	if (ok) {
		char *tags[1] = { "gen" };

		ok = mstore_settags(c, tags, 1);
	}
	return ok && mstore_setvar(c, "email", mail);
}

static void generate(struct emu *e, struct req *q, struct reply *r)
{
	json_t *j = req_json(q);
	json_t *cnt = j ? json_object_get(j, "count") : NULL;
	const char *first = j ? jstr(j, "first_phone") : NULL;
	uint64_t n, i, base = 0, ndig;
	size_t before = e->store.by_id.n;
	const char *msg = "";
	char phone[40];
	int64_t t0;

	if (!json_is_integer(cnt) || json_integer_value(cnt) < 0 ||
	    (uint64_t)json_integer_value(cnt) > GENERATE_MAX || !first || first[0] != '+' ||
	    strlen(first) > 16 || !emu_parse_u64(first + 1, &base)) {
		admin_error(r, 400, "body must be {\"count\": N, \"first_phone\": \"+DIGITS\"}");
		goto out;
	}
	n = (uint64_t)json_integer_value(cnt);
	ndig = strlen(first + 1);
	t0 = (int64_t)time(NULL) - 86400 - (int64_t)(n / 3) - 1;
	for (i = 0; i < n; i++) {
		snprintf(phone, sizeof(phone), "+%0*" PRIu64, (int)ndig, base + i);
		if (gen_one(e, phone, i, t0 + (int64_t)(i / 3), &msg))
			continue;
		r->status = 400;
		out_printf(&r->body, "{\"error\":\"contact %" PRIu64 " (%s): %s\"}\n", i + 1, phone, msg);
		/* All or nothing: this call's contacts are the vector's tail
		 * (the one that failed half-made among them). */
		for (i = before; i < e->store.by_id.n; i++)
			if (!e->store.by_id.v[i]->dead)
				mstore_del(&e->store, e->store.by_id.v[i]);
		goto out;
	}
	out_printf(&r->body, "{\"loaded\":%" PRIu64 ",\"count\":%zu}\n", n,
		   mstore_count(&e->store));
out:
	json_decref(j);
}

static void set_opt_out(struct emu *e, struct req *q, struct reply *r)
{
	json_t *j = req_json(q);
	const char *raw = j ? jstr(j, "phone") : NULL;
	char *phone = raw ? load_phone(e, raw) : NULL;
	struct contact *c = phone ? mstore_by_phone(&e->store, phone) : NULL;
	json_t *v = j ? json_object_get(j, "opted_out") : NULL;

	if (!c) {
		admin_error(r, 404, "no contact with that phone");
		goto out;
	}
	c->opted_out = v ? json_is_true(v) : true;
	out_printf(&r->body, "{\"phone\":\"%s\",\"opted_out\":%s}\n", c->phone,
		   c->opted_out ? "true" : "false");
out:
	free(phone);
	json_decref(j);
}

void admin_handle(struct emu *e, struct req *q, struct reply *r)
{
	const char *p = q->path + strlen("/_emulator");
	bool get = strcmp(q->method, "GET") == 0;
	bool post = strcmp(q->method, "POST") == 0;

	if (q->too_big) {
		admin_error(r, 413, "body too large");
		return;
	}
	if (strcmp(p, "/contacts") == 0 && get) {
		dump_contacts(e, &r->body);
	} else if (strcmp(p, "/contacts") == 0 && post) {
		load_contacts(e, q, r);
	} else if (strcmp(p, "/generate") == 0 && post) {
		generate(e, q, r);
	} else if (strcmp(p, "/books") == 0 && get) {
		dump_books(e, &r->body);
	} else if (strcmp(p, "/opt-out") == 0 && post) {
		set_opt_out(e, q, r);
	} else if (strcmp(p, "/reset") == 0 && post) {
		mstore_clear(&e->store);
		emu_limiter_reset(&e->limiter);
		e->nrequests = 0;
		e->nupdates = 0;
		e->nhostile = 0;
		e->mutations = 0;
		out_raw(&r->body, "{\"status\":\"reset\"}\n");
	} else if (strcmp(p, "/stats") == 0 && get) {
		emu_stats_dump(e, &r->body);
		out_raw(&r->body, "\n");
	} else if (strcmp(p, "/hostile") == 0 && (get || post)) {
		hostile_admin(e, q, r);
	} else if (strcmp(p, "/stats/reset") == 0 && post) {
		emu_stats_reset(e);
		out_raw(&r->body, "{\"status\":\"reset\"}\n");
	} else {
		admin_error(r, 404, "no such admin endpoint");
	}
}
