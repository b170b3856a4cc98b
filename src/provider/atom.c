/*
 * atom: Atom Telecom, see shared/api/PROVIDERS.md §2.
 *
 * What atom stores of a contact: first and last name, company, the phone
 * and four numbered custom slots, which the profile's `custom_slots` names
 * (custom_1 = the first key listed, …); every other custom field has no
 * place there. No tags, and no opt-out flag: what an opt-out does is the
 * profile's optout_action. `delete` deletes the contact; `suppress_book`
 * moves it (contact/edit with group_id) to the suppression book, which
 * `prepare` finds by name or id and creates when missing; `skip` sends
 * nothing, so build_write refuses the opt-out. No bulk endpoints.
 *
 * Books are looked up by listing them; creating one is never repeated
 * blindly (a repeat could make two), the listing is consulted first.
 */
#include "phone.h"
#include "provider/driver.h"
#include "provider/testing.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const slot_names[PROFILE_MAX_SLOTS] = {
	"custom_1", "custom_2", "custom_3", "custom_4"
};

/* A session's own state (s->priv), from atom_open to atom_close. */
struct atom_state {
	/* the address book's id, once a listing or `prepare` found it */
	char book_id[64];
	/* the id of the book opted-out contacts move to, resolved (and
	   created when missing) by `prepare` when the profile's optout_action
	   is suppress_book; "" otherwise */
	char suppress_book_id[64];
};

static struct atom_state *state(const struct provider_session *s)
{
	return s->priv;
}

static enum err atom_open(struct provider_session *s, struct errinfo *info)
{
	s->priv = calloc(1, sizeof(struct atom_state));
	if (!s->priv)
		return err_set(info, ERR_NOMEM, "profile '%s': %s", s->profile->name,
			       err_str(ERR_NOMEM));
	return ERR_OK;
}

static void atom_close(struct provider_session *s)
{
	free(s->priv);
}

const char *atom_book_id(const struct provider_session *s)
{
	return state(s)->book_id;
}

const char *atom_suppress_book_id(const struct provider_session *s)
{
	return state(s)->suppress_book_id;
}

void atom_set_books(struct provider_session *s, const char *book, const char *suppress)
{
	struct atom_state *st = state(s);

	if (book)
		snprintf(st->book_id, sizeof(st->book_id), "%s", book);
	if (suppress)
		snprintf(st->suppress_book_id, sizeof(st->suppress_book_id), "%s", suppress);
}

/* atom keeps every contact in an address book: the profile names it. */
static enum err atom_check_profile(const struct profile *p, struct errinfo *info)
{
	if (!p->address_book)
		return err_set(info, ERR_CONFIG,
			       "needs address_book (atom keeps contacts in address books)");
	return ERR_OK;
}

static enum err atom_project(const struct profile *p, const struct contact *in,
			     struct contact *out, struct buf *scratch)
{
	size_t i;
	enum err e;

	(void)scratch;
	provider_project_start(in, out);
	provider_split_name(in, &out->first_name, &out->last_name);
	out->company = in->company;
	for (i = 0; p && i < p->nslots; i++) {
		const struct str *v = contact_custom(in, p->custom_slots[i]);

		if (!v || !v->len)
			continue;
		e = contact_add_custom(out, p->custom_slots[i], strlen(p->custom_slots[i]),
				       v->ptr, v->len);
		if (e)
			return e;
	}
	contact_sort(out);
	return ERR_OK;
}

static size_t atom_auth(const struct secrets *sec, struct http_header out[2],
			char *buf, size_t cap)
{
	snprintf(buf, cap, "Bearer %s", sec->key ? sec->key : "");
	out[0].name = "Authorization";
	out[0].value = buf;
	return 1;
}

/* The answer's `result` as a new reference; steals root. */
static enum err result_of(const struct provider_session *s, json_t *root, const char *what,
			  json_t **result, struct errinfo *info)
{
	*result = json_incref(json_object_get(root, "result"));
	json_decref(root);
	if (!*result)
		return err_set(info, ERR_REMOTE, "profile '%s': %s: no 'result' in the answer",
			       s->profile->name, what);
	return ERR_OK;
}

/* POST with a JSON body; the answer's `result` as a new reference. */
static enum err atom_call(struct provider_session *s, const char *path, json_t *body,
			  const char *what, json_t **result, struct errinfo *info)
{
	struct http_request req;
	json_t *root = NULL;
	char *text = json_dumps(body, JSON_COMPACT);
	enum err e;

	*result = NULL;
	if (!text)
		return err_set(info, ERR_NOMEM, "out of memory");
	memset(&req, 0, sizeof(req));
	req.method = "POST";	/* atom reads with POST: these are reads all the same */
	req.path = path;
	req.content_type = "application/json";
	req.body = text;
	req.body_len = strlen(text);
	e = provider_fetch_json(s, &req, what, &root, info);
	free(text);
	if (e)
		return e;
	return result_of(s, root, what, result, info);
}

/* atom_call's reading of an answer already received (the parsers'). */
static enum err atom_answer(const struct provider_session *s, const struct http_response *r,
			    const char *what, json_t **result, struct errinfo *info)
{
	json_t *root = NULL;
	enum err e;

	*result = NULL;
	e = provider_check(s, what, r, info);
	if (!e)
		e = provider_json(s, what, r, &root, info);
	return e ? e : result_of(s, root, what, result, info);
}

/* The list of books: an array, or an object holding one (tolerated). */
static json_t *first_array(json_t *v)
{
	const char *k;
	json_t *m;

	if (json_is_array(v))
		return v;
	json_object_foreach(v, k, m)
		if (json_is_array(m))
			return m;
	return NULL;
}

/* The id of the book that `want` names or numbers into id; "" when the
 * account has no such book. */
static enum err books_find(const struct provider_session *s, json_t *res, const char *want,
			   char *id, size_t cap, struct errinfo *info)
{
	json_t *books = first_array(res), *b;
	size_t i;

	id[0] = '\0';
	if (!books)
		return err_set(info, ERR_REMOTE,
			       "profile '%s': listing address books: no list of books in the answer",
			       s->profile->name);
	json_array_foreach(books, i, b) {
		struct str name = provider_json_str(b, "name", NULL);
		char bid[64];

		if (!provider_json_id(b, "id", bid, sizeof(bid)))
			return err_set(info, ERR_REMOTE,
				       "profile '%s': listing address books: a book without an id: the answer is malformed",
				       s->profile->name);
		/* the profile may name the book or give its id */
		if ((name.len == strlen(want) && !memcmp(name.ptr, want, name.len)) ||
		    !strcmp(bid, want)) {
			snprintf(id, cap, "%s", bid);
			break;
		}
	}
	return ERR_OK;
}

static enum err lookup_book(struct provider_session *s, const char *want, char *id,
			    size_t cap, struct errinfo *info)
{
	json_t *body = json_object(), *res = NULL;
	enum err e;

	id[0] = '\0';
	e = atom_call(s, "/api/address-book/list", body, "listing address books", &res, info);
	json_decref(body);
	if (!e)
		e = books_find(s, res, want, id, cap, info);
	json_decref(res);
	return e;
}

enum err atom_parse_books(const struct provider_session *s, const struct http_response *r,
			  const char *want, char *id, size_t cap, struct errinfo *info)
{
	json_t *res;
	enum err e = atom_answer(s, r, "listing address books", &res, info);

	id[0] = '\0';
	if (!e)
		e = books_find(s, res, want, id, cap, info);
	json_decref(res);
	return e;
}

/* The profile's address book, which must exist. */
static enum err find_book(struct provider_session *s, char *id, size_t cap,
			  struct errinfo *info)
{
	enum err e = lookup_book(s, s->profile->address_book, id, cap, info);

	if (!e && !id[0])
		return err_set(info, ERR_CONFIG, "profile '%s': no address book '%s' in the account",
			       s->profile->name, s->profile->address_book);
	return e;
}

/*
 * Whether a contact's detail is worth a request: the book listing gives
 * names and phone only, and atom allows 10 requests a second, so details
 * are read only where the listed names differ from the list's (or for
 * every contact with --deep). The others are kept as partial: diff then
 * compares their names only.
 */
static int needs_detail(struct provider_session *s, const struct remote_contact *rc,
			const char *e164)
{
	const struct contact *d;
	struct str first, last;

	if (s->deep)
		return 1;
	if (!s->desired || !e164)
		return 0;
	d = s->desired(s->desired_ctx, e164);
	if (!d)
		return 0;	/* not in the list: nothing to compare */
	provider_split_name(d, &first, &last);
	return (first.len && (first.len != rc->c.first_name.len ||
			      memcmp(first.ptr, rc->c.first_name.ptr, first.len))) ||
	       (last.len && (last.len != rc->c.last_name.len ||
			     memcmp(last.ptr, rc->c.last_name.ptr, last.len)));
}

struct detail_req {
	struct provider_session *s;
	const struct pull_sink *sink;
	enum err *failed;
	struct errinfo *first_error;
	int tries;
	char book[64];
	char body[400];	/* {"id": the id, JSON-escaped (63 bytes, 6 each at most)} */
};

static enum err submit_detail(struct detail_req *d, struct errinfo *info);

/* The detail request's body for a contact id as the listing gave it: a
 * server's id is data, so it goes through the JSON encoder ('"' or '\\'
 * in it must not break the request). */
static enum err detail_body(struct detail_req *d, const char *id, struct errinfo *info)
{
	json_t *o = json_pack("{s:s}", "id", id);
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	int n = text ? snprintf(d->body, sizeof(d->body), "%s", text) : -1;

	json_decref(o);
	free(text);
	if (n < 0 || (size_t)n >= sizeof(d->body))
		return err_set(info, o ? ERR_REMOTE : ERR_NOMEM,
			       "profile '%s': reading the address book: a contact id that cannot be sent back",
			       d->s->profile->name);
	return ERR_OK;
}

static enum err emit_detail(struct detail_req *d, const struct http_response *r,
			    struct errinfo *info)
{
	struct remote_contact rc;
	json_t *root = NULL, *c;
	size_t i;
	enum err e;

	if (!r->err && r->status == 404)	/* listed in the book a moment ago */
		return err_set(info, ERR_CHANGED,
			       "profile '%s': the account changed while it was listed (a contact of the book is gone: %s)",
			       d->s->profile->name, d->body);
	e = provider_check(d->s, "reading a contact", r, info);
	if (!e)
		e = provider_json(d->s, "reading a contact", r, &root, info);
	if (e)
		return e;
	c = json_object_get(json_object_get(root, "result"), "contact");
	if (!json_is_object(c)) {
		json_decref(root);
		return err_set(info, ERR_REMOTE, "profile '%s': reading a contact: no contact in the answer",
			       d->s->profile->name);
	}
	memset(&rc, 0, sizeof(rc));
	contact_init(&rc.c);
	provider_json_id(c, "id", rc.id, sizeof(rc.id));
	snprintf(rc.book, sizeof(rc.book), "%s", d->book);
	rc.c.raw_phone = provider_json_str(c, "phone_number", NULL);
	rc.c.first_name = provider_json_str(c, "first_name", NULL);
	rc.c.last_name = provider_json_str(c, "last_name", NULL);
	rc.c.company = provider_json_str(c, "company", NULL);
	rc.c.opted_out = TRI_FALSE;	/* in the book = subscribed */
	/* a slot the profile names is that field; an unnamed one keeps its
	 * own name ("custom_4"), so an export or a migration carries its
	 * value (diff compares only the desired set's fields) */
	for (i = 0; !e && i < PROFILE_MAX_SLOTS; i++) {
		const char *key = i < d->s->profile->nslots ? d->s->profile->custom_slots[i]
							      : slot_names[i];	/* (borrowed) */
		struct str v = provider_json_str(c, slot_names[i], NULL);

		if (v.len)
			e = contact_add_custom(&rc.c, key, strlen(key), v.ptr, v.len);
	}
	contact_sort(&rc.c);
	if (!e)
		e = d->sink->contact(d->sink->ctx, &rc, info);
	contact_free(&rc.c);
	json_decref(root);
	return e;
}

enum err atom_parse_contact(struct provider_session *s, const struct http_response *r,
			    const struct pull_sink *sink, struct errinfo *info)
{
	struct detail_req d;
	enum err failed = ERR_OK;
	struct errinfo first = { ERR_OK, "" };

	memset(&d, 0, sizeof(d));
	d.s = s;
	d.sink = sink;
	d.failed = &failed;
	d.first_error = &first;
	snprintf(d.book, sizeof(d.book), "%s", state(s)->book_id);
	return emit_detail(&d, r, info);
}

static void detail_done(void *udata, struct http_response *r)
{
	struct detail_req *d = udata;
	struct errinfo info = { ERR_OK, "" };
	enum err e;

	if (!*d->failed) {
		e = emit_detail(d, r, &info);
		/* a cut or garbled body: ask again (it is a read) */
		if (e == ERR_REMOTE && r->status >= 200 && r->status < 300 &&
		    ++d->tries < PROVIDER_READ_TRIES && !submit_detail(d, &info))
			return;
		if (e) {
			*d->failed = e;
			*d->first_error = info;
		}
	}
	free(d);
}

static enum err submit_detail(struct detail_req *d, struct errinfo *info)
{
	struct http_request req;

	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.path = "/api/contact/detail";
	req.content_type = "application/json";
	req.body = d->body;
	req.body_len = strlen(d->body);
	req.max_attempts = PROVIDER_READ_ATTEMPTS;
	return http_submit(d->s->http, &req, detail_done, d, info);
}

static enum err book_contacts(struct provider_session *s, const struct pull_sink *sink,
			      json_t *res, const char *book, enum err *failed,
			      struct errinfo *first, struct errinfo *info);

static enum err atom_pull(struct provider_session *s, const struct pull_sink *sink,
			  struct errinfo *info)
{
	char book[64];
	json_t *body, *res = NULL;
	struct errinfo first = { ERR_OK, "" };
	enum err e, failed = ERR_OK;

	e = find_book(s, book, sizeof(book), info);
	if (e)
		return e;
	atom_set_books(s, book, NULL);	/* for writes */
	body = json_pack("{s:s}", "id", book);
	e = atom_call(s, "/api/address-book/detail", body, "reading the address book", &res, info);
	json_decref(body);
	if (e)
		return e;
	e = book_contacts(s, sink, res, book, &failed, &first, info);
	if (e) {
		/* details already queued still have to run to be freed; with
		 * `failed` set their callbacks only free them */
		struct errinfo ignored;

		if (!failed)
			failed = e;
		http_run(s->http, &ignored);
	} else {
		e = http_run(s->http, info);
	}
	if (!e && failed) {
		e = failed;
		if (info)
			*info = first;
	}
	json_decref(res);
	return e;
}

enum err atom_parse_book(struct provider_session *s, const struct http_response *r,
			 const struct pull_sink *sink, struct errinfo *info)
{
	struct errinfo first = { ERR_OK, "" };
	enum err failed = ERR_OK;
	json_t *res;
	enum err e = atom_answer(s, r, "reading the address book", &res, info);

	if (!e)
		e = book_contacts(s, sink, res, state(s)->book_id, &failed, &first, info);
	json_decref(res);
	return e;
}

/*
 * The book's contacts (res: the answer's result) into the sink, or for
 * those whose detail is worth reading (needs_detail), requests submitted
 * to s->http, which report into *failed and *first.
 */
static enum err book_contacts(struct provider_session *s, const struct pull_sink *sink,
			      json_t *res, const char *book, enum err *failed,
			      struct errinfo *first, struct errinfo *info)
{
	json_t *list = json_object_get(res, "contacts"), *item;
	struct remote_contact rc;
	unsigned long long done = 0;
	size_t i;
	enum err e = ERR_OK;

	if (!json_is_array(list))
		/* read as an empty book, it would plan to create everyone */
		return err_set(info, ERR_REMOTE,
			       "profile '%s': reading the address book: no 'contacts' list in the answer",
			       s->profile->name);
	/* the book is one answer: its size is the count, told before any
	 * detail is asked for */
	if (sink->announce && (e = sink->announce(sink->ctx, json_array_size(list), info)))
		return e;
	memset(&rc, 0, sizeof(rc));
	contact_init(&rc.c);
	json_array_foreach(list, i, item) {
		struct str raw = provider_json_str(item, "phone_number", NULL);
		char e164[PHONE_E164_MAX + 1] = "";
		struct phone_result pr;

		if (!phone_parse(raw.ptr, raw.len, s->profile->region, 0, &pr) && pr.reason == PHONE_OK)
			memcpy(e164, pr.e164, sizeof(e164));
		contact_reset(&rc.c);
		provider_json_id(item, "id", rc.id, sizeof(rc.id));
		snprintf(rc.book, sizeof(rc.book), "%s", book);
		rc.c.raw_phone = raw;
		rc.c.first_name = provider_json_str(item, "first_name", NULL);
		rc.c.last_name = provider_json_str(item, "last_name", NULL);
		rc.c.opted_out = TRI_FALSE;
		rc.partial = 1;
		if (rc.id[0] && needs_detail(s, &rc, e164[0] ? e164 : NULL)) {
			struct detail_req *d = calloc(1, sizeof(*d));

			if (!d) {
				e = err_set(info, ERR_NOMEM, "out of memory");
				break;
			}
			d->s = s;
			d->sink = sink;
			d->failed = failed;
			d->first_error = first;
			snprintf(d->book, sizeof(d->book), "%s", book);
			e = detail_body(d, rc.id, info);
			if (!e)
				e = submit_detail(d, info);
			if (e) {
				free(d);
				break;
			}
			continue;
		}
		e = sink->contact(sink->ctx, &rc, info);
		if (e)
			break;
		if (sink->progress && !(++done % 1000))
			sink->progress(sink->ctx, done, json_array_size(list));
	}
	contact_free(&rc.c);
	return e;
}

/* ---- writes -------------------------------------------------------------- */

/*
 * POST /api/address-book/new {name}: the new book's id into id. Sent once,
 * since a repeated create could make two books; *again says whether the
 * failure was transient (or the answer lost), so that the book may or may
 * not exist now and the caller should look before creating it again.
 */
static enum err create_book(struct provider_session *s, const char *name, char *id,
			    size_t cap, int *again, struct errinfo *info)
{
	json_t *body = json_pack("{s:s}", "name", name), *root = NULL;
	struct http_request req;
	struct http_response r;
	struct write_result wr;
	char what[128], *text;
	enum err e;

	snprintf(what, sizeof(what), "creating the suppression book '%s'", name);
	*again = 0;
	id[0] = '\0';
	if (!body)
		return err_set(info, ERR_CONFIG, "profile '%s': suppress_book is not valid UTF-8",
			       s->profile->name);
	text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (!text)
		return err_set(info, ERR_NOMEM, "out of memory");
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.path = "/api/address-book/new";
	req.content_type = "application/json";
	req.body = text;
	req.body_len = strlen(text);
	req.max_attempts = 1;
	http_do(s->http, &req, &r, info);
	free(text);
	provider_judge_status(s, 1, &r, &wr);
	*again = wr.outcome == WRITE_RETRY || wr.outcome == WRITE_VERIFY;
	e = provider_check(s, what, &r, info);
	if (!e)
		e = provider_json(s, what, &r, &root, info);
	http_response_free(&r);
	if (e)
		return e;
	if (!provider_json_id(json_object_get(root, "result"), "id", id, cap)) {
		*again = 1;	/* made, perhaps: the listing will tell */
		e = err_set(info, ERR_REMOTE, "profile '%s': %s: no book id in the answer",
			    s->profile->name, what);
	}
	json_decref(root);
	return e;
}

/* Creates tried before giving up, each after a listing, so that a create
 * whose answer was lost is found instead of made twice. */
#define SUPPRESS_CREATES 3

/* The suppression book's id into the session's state, creating the book
 * when the account lacks it. */
static enum err find_suppress_book(struct provider_session *s, struct errinfo *info)
{
	const char *want = s->profile->suppress_book, *pname = s->profile->name;
	struct errinfo created = { ERR_OK, "" };
	char *id = state(s)->suppress_book_id;
	size_t cap = sizeof(state(s)->suppress_book_id);
	int tries, again;
	enum err e;

	if (!want || !*want)
		return err_set(info, ERR_CONFIG,
			       "profile '%s': optout_action is suppress_book but no suppress_book is set",
			       pname);
	for (tries = 0;; tries++) {
		e = lookup_book(s, want, id, cap, info);
		if (e || id[0])
			break;
		if (tries < SUPPRESS_CREATES) {
			e = create_book(s, want, id, cap, &again, &created);
			if (!e)
				break;
			if (again)
				continue;	/* look before creating again */
		}
		/* nothing was made: the last create says why */
		if (info)
			*info = created;
		e = created.code;
		break;
	}
	if (!e && !strcmp(id, state(s)->book_id))
		e = err_set(info, ERR_CONFIG, "profile '%s': suppress_book '%s' is the address book itself",
			    pname, want);
	if (e)
		id[0] = '\0';
	return e;
}

static enum err atom_prepare(struct provider_session *s, struct errinfo *info)
{
	struct atom_state *st = state(s);
	enum err e = ERR_OK;

	if (!st->book_id[0])
		e = find_book(s, st->book_id, sizeof(st->book_id), info);
	if (!e && s->profile->optout_action == OPTOUT_ACTION_SUPPRESS_BOOK &&
	    !st->suppress_book_id[0])
		e = find_suppress_book(s, info);
	return e;
}

/* Sets key to s when s is not empty (an empty desired field is no
 * opinion), or when clear: an update's change to "" (plan.h), which
 * contact/edit takes as the empty string. */
static int set_str(json_t *o, const char *key, struct str s, int clear)
{
	json_t *v;

	if (!s.len && !clear)
		return 0;
	v = provider_json_strn(s);
	return !v || json_object_set_new(o, key, v);
}

/* The profile's slots (custom_1..4) from the desired contact; only the
 * changed ones for an update (op->changes), all of them for a create. */
static int set_slots(const struct profile *p, const struct write_op *op, json_t *o, int changed_only)
{
	char slot[32];
	size_t i;

	for (i = 0; i < p->nslots; i++) {
		const char *key = p->custom_slots[i];
		const struct str *v = contact_custom(op->desired, key);
		int changed = provider_has_custom_change(op, (struct str){ key, strlen(key) });

		if (changed_only ? !changed : !v || !v->len)
			continue;	/* an update's changed slot may be a clear */
		snprintf(slot, sizeof(slot), "custom_%zu", i + 1);
		if (set_str(o, slot, v ? *v : (struct str){ "", 0 }, changed_only))
			return -1;
	}
	return 0;
}

/* Whether op moves the contact to the suppression book (an edit). */
static int moves_out(const struct provider_session *s, const struct write_op *op)
{
	return op->kind == WRITE_OPT_OUT && s->profile->optout_action == OPTOUT_ACTION_SUPPRESS_BOOK;
}

static enum err atom_write_json(const struct provider_session *s, const struct write_op *op,
				json_t *o, const char **path)
{
	const struct contact *d = op->desired;
	int bad = 0, changed = op->kind == WRITE_UPDATE;

	switch (op->kind) {
	case WRITE_CREATE:
		*path = "/api/contact/new";
		bad |= json_object_set_new(o, "group_id", json_string(state(s)->book_id));
		bad |= json_object_set_new(o, "phone_number", json_string(op->phone));
		break;
	case WRITE_UPDATE:
		*path = "/api/contact/edit";
		bad |= json_object_set_new(o, "id", json_string(op->remote->id));
		break;
	default:	/* delete, and opt-out: deleted or moved to the suppression book */
		*path = moves_out(s, op) ? "/api/contact/edit" : "/api/contact/delete";
		bad |= json_object_set_new(o, "id", json_string(op->remote->id));
		if (moves_out(s, op))
			bad |= json_object_set_new(o, "group_id", json_string(state(s)->suppress_book_id));
		return bad ? ERR_NOMEM : ERR_OK;
	}
	if (!changed || provider_has_change(op, "first_name"))
		bad |= set_str(o, "first_name", d->first_name, changed);
	if (!changed || provider_has_change(op, "last_name"))
		bad |= set_str(o, "last_name", d->last_name, changed);
	if (!changed || provider_has_change(op, "company"))
		bad |= set_str(o, "company", d->company, changed);
	bad |= set_slots(s->profile, op, o, changed);
	return bad ? ERR_NOMEM : ERR_OK;
}

static enum err atom_build_write(const struct provider_session *s, const struct write_op *op,
				 struct http_request *req, struct buf *path, struct buf *body,
				 struct errinfo *info)
{
	const char *pname = s->profile->name, *p = NULL;
	json_t *o;
	enum err e;

	memset(req, 0, sizeof(*req));
	buf_reset(path);
	buf_reset(body);
	if (op->kind == WRITE_CREATE && !state(s)->book_id[0])
		return err_set(info, ERR_USAGE,
			       "profile '%s': the address book is not resolved yet (prepare first)", pname);
	if (op->kind == WRITE_OPT_OUT && s->profile->optout_action == OPTOUT_ACTION_SKIP)
		return err_set(info, ERR_USAGE,
			       "profile '%s': optout_action is skip: the opt-out of '%s' is not sent", pname,
			       op->phone);
	if (moves_out(s, op) && !state(s)->suppress_book_id[0])
		return err_set(info, ERR_USAGE,
			       "profile '%s': the suppression book is not resolved yet (prepare first)", pname);
	if (op->kind != WRITE_CREATE && (!op->remote || !op->remote->id[0]))
		return err_set(info, ERR_USAGE, "profile '%s': no atom id for '%s'", pname, op->phone);
	if ((op->kind == WRITE_CREATE || op->kind == WRITE_UPDATE) && !op->desired)
		return err_set(info, ERR_USAGE, "profile '%s': no desired contact for '%s'", pname,
			       op->phone);
	o = json_object();
	e = o ? atom_write_json(s, op, o, &p) : ERR_NOMEM;
	if (!e && op->kind == WRITE_UPDATE && json_object_size(o) < 2)
		e = err_set(info, ERR_USAGE,
			    "profile '%s': the update of '%s' changes nothing atom stores", pname,
			    op->phone);
	else if (!e)
		e = provider_json_body(o, body);
	if (!e)
		e = buf_adds(path, p);
	json_decref(o);
	if (e == ERR_USAGE)
		return e;
	if (e)
		return err_set(info, e, "profile '%s': cannot build the request for '%s': %s", pname,
			       op->phone, err_str(e));
	req->method = "POST";
	req->path = buf_str(path);
	req->content_type = "application/json";
	req->body = buf_str(body);
	req->body_len = body->len;
	/* edits (moving to the suppression book is one) can be repeated; a
	 * repeated create or delete could not */
	req->max_attempts = op->kind == WRITE_UPDATE || moves_out(s, op) ? 0 : 1;
	return ERR_OK;
}

static void atom_judge_write(const struct provider_session *s, const struct write_op *op,
			     const struct http_response *r, struct write_result *out)
{
	json_error_t jerr;
	json_t *root;

	provider_judge_status(s, op->kind == WRITE_CREATE, r, out);
	if (!r->err && (r->status == 401 || r->status == 403)) {
		char msg[sizeof(out->message) + 96];

		snprintf(msg, sizeof(msg),
			 "authentication failed (HTTP %ld): check the token in the profile's environment variables (%s)",
			 r->status, out->message);
		memcpy(out->message, msg, sizeof(out->message) - 1);
		out->message[sizeof(out->message) - 1] = '\0';
	}
	if (out->outcome != WRITE_OK)
		return;
	if (op->kind != WRITE_CREATE) {
		provider_judge_body(r, 0, out);
		snprintf(out->id, sizeof(out->id), "%s", op->remote ? op->remote->id : "");
		return;
	}
	root = json_loadb(r->body.data ? r->body.data : "", r->body.len, 0, &jerr);
	if (!provider_json_id(json_object_get(root, "result"), "id", out->id, sizeof(out->id))) {
		out->outcome = WRITE_VERIFY;
		snprintf(out->message, sizeof(out->message),
			 "the answer has no contact id: it may have been created");
	}
	json_decref(root);
}

const struct provider provider_atom = {
	.name = "atom",
	.caps = PROVIDER_CAP_CUSTOM_SLOTS | PROVIDER_CAP_COMPANY | PROVIDER_CAP_SPLIT_NAME,
	.profile_keys = PROVIDER_KEY_SUPPRESS_BOOK,
	.default_base_url = NULL,
	.default_rate = "10/s",
	.default_concurrency = 4,
	.check_profile = atom_check_profile,
	.open = atom_open,
	.close = atom_close,
	.project = atom_project,
	.auth = atom_auth,
	.pull = atom_pull,
	.prepare = atom_prepare,
	.build_write = atom_build_write,
	.judge_write = atom_judge_write,
};
