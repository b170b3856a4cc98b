/*
 * provider: the driver table (the one list of providers), the questions
 * the configuration and the commands ask it, sessions, and the drivers'
 * shared helpers (provider.h, provider/driver.h).
 */
#include "provider.h"
#include "provider/driver.h"

#include "change.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The providers, one row each (and the driver's file, NAME.c). */
extern const struct provider provider_altum;
extern const struct provider provider_atom;
extern const struct provider provider_sendblue;

static const struct provider *const drivers[] = {
	&provider_altum,
	&provider_atom,
	&provider_sendblue,
	NULL,
};

const struct provider *provider_find(const char *name)
{
	size_t i;

	for (i = 0; name && drivers[i]; i++)
		if (!strcmp(drivers[i]->name, name))
			return drivers[i];
	return NULL;
}

const struct provider *provider_for(const struct profile *p, enum provider_need need,
				    struct errinfo *info)
{
	const struct provider *drv = provider_find(p->provider);

	if (need == PROVIDER_NEED_PULL && (!drv || !drv->pull)) {
		err_set(info, ERR_CONFIG, "profile '%s': provider '%s' cannot list contacts", p->name,
			p->provider);
		return NULL;
	}
	if (need == PROVIDER_NEED_WRITE && (!drv || !drv->build_write)) {
		err_set(info, ERR_CONFIG, "profile '%s': provider '%s' cannot be written to", p->name,
			p->provider);
		return NULL;
	}
	if (!drv)
		err_set(info, ERR_CONFIG, "profile '%s': unknown provider '%s'", p->name, p->provider);
	return drv;
}

/*
 * The names of the drivers whose caps hold all of caps_all and whose
 * profile_keys all of keys_all, as "a, b or c", into out; how many.
 */
static size_t names(unsigned caps_all, unsigned keys_all, char *out, size_t cap)
{
	size_t i, n = 0, total = 0, len = 0;

	for (i = 0; drivers[i]; i++)
		total += (drivers[i]->caps & caps_all) == caps_all &&
			 (drivers[i]->profile_keys & keys_all) == keys_all;
	out[0] = '\0';
	for (i = 0; drivers[i]; i++) {
		if ((drivers[i]->caps & caps_all) != caps_all ||
		    (drivers[i]->profile_keys & keys_all) != keys_all)
			continue;
		n++;
		len += (size_t)snprintf(out + len, len < cap ? cap - len : 0, "%s%s",
					n == 1 ? "" : n == total ? " or " : ", ", drivers[i]->name);
		if (len >= cap)
			len = cap - 1;
	}
	return n;
}

void provider_names(char *out, size_t cap)
{
	names(0, 0, out, cap);
}

void provider_slots_words(char *out, size_t cap)
{
	char who[256];
	size_t n = names(PROVIDER_CAP_CUSTOM_SLOTS, 0, who, sizeof(who));

	snprintf(out, cap, "%s %s only %d slots", who, n == 1 ? "has" : "have", PROFILE_MAX_SLOTS);
}

/* The credentials: a key, or for drivers that take them the key id and
 * secret pair. */
static enum err check_keys(const struct provider *drv, const struct profile *p,
			   struct errinfo *info)
{
	if (p->api_key_env || p->api_key_file)
		return ERR_OK;
	if (!(drv->profile_keys & PROVIDER_KEY_ID_SECRET))
		return err_set(info, ERR_CONFIG, "needs api_key_env (or api_key_file)");
	if (p->api_key_id_env && p->api_secret_env)
		return ERR_OK;
	return err_set(info, ERR_CONFIG,
		       "needs api_key_id_env and api_secret_env (or api_key_env, or api_key_file)");
}

/* The keys only some drivers take, in the order the configuration has
 * always checked them. */
static enum err check_keys_taken(const struct provider *drv, const struct profile *p,
				 struct errinfo *info)
{
	char who[256];

	if (p->nslots && !(drv->caps & PROVIDER_CAP_CUSTOM_SLOTS)) {
		names(PROVIDER_CAP_CUSTOM_SLOTS, 0, who, sizeof(who));
		return err_set(info, ERR_CONFIG, "has custom_slots, which only %s uses", who);
	}
	return check_keys(drv, p, info);
}

static enum err check_optout_keys(const struct provider *drv, const struct profile *p,
				  struct errinfo *info)
{
	char who[256];

	if (drv->profile_keys & PROVIDER_KEY_SUPPRESS_BOOK)
		return ERR_OK;
	names(0, PROVIDER_KEY_SUPPRESS_BOOK, who, sizeof(who));
	if (p->optout_action == OPTOUT_ACTION_SUPPRESS_BOOK)
		return err_set(info, ERR_CONFIG, "has optout_action = suppress_book, which only %s can do",
			       who);
	if (p->suppress_book)
		return err_set(info, ERR_CONFIG, "has suppress_book, which only %s uses", who);
	return ERR_OK;
}

enum err provider_check_profile(const struct profile *p, struct errinfo *info)
{
	const struct provider *drv = provider_find(p->provider);
	enum err e;

	if (!drv)	/* the configuration refuses those as it reads them */
		return err_set(info, ERR_CONFIG, "has an unknown provider '%s'", p->provider);
	if (!p->base_url && !drv->default_base_url)
		return err_set(info, ERR_CONFIG, "has no base_url");
	if (drv->check_profile && (e = drv->check_profile(p, info)))
		return e;
	if ((e = check_keys_taken(drv, p, info)))
		return e;
	return check_optout_keys(drv, p, info);
}

void provider_project_start(const struct contact *in, struct contact *out)
{
	contact_reset(out);
	memcpy(out->phone, in->phone, sizeof(out->phone));
	out->raw_phone = in->raw_phone;
	out->opted_out = in->opted_out;
	out->source_file = in->source_file;
	out->source_row = in->source_row;
}

enum err provider_full_name(const struct contact *in, struct str *out,
			    struct buf *scratch)
{
	size_t start = scratch->len;
	enum err e = ERR_OK;

	if (in->name.len) {
		*out = in->name;
		return ERR_OK;
	}
	out->ptr = "";
	out->len = 0;
	if (!in->first_name.len && !in->last_name.len)
		return ERR_OK;
	e = buf_add(scratch, in->first_name.ptr, in->first_name.len);
	if (!e && in->first_name.len && in->last_name.len)
		e = buf_addc(scratch, ' ');
	if (!e)
		e = buf_add(scratch, in->last_name.ptr, in->last_name.len);
	if (e)
		return e;
	/* scratch may have moved: point into it only now */
	out->ptr = scratch->data + start;
	out->len = scratch->len - start;
	return ERR_OK;
}

void provider_split_name(const struct contact *in, struct str *first,
			 struct str *last)
{
	const char *sp;
	size_t i;

	*first = in->first_name;
	*last = in->last_name;
	if (first->len || last->len || !in->name.len)
		return;
	for (sp = NULL, i = in->name.len; i > 0; i--)
		if (in->name.ptr[i - 1] == ' ') {
			sp = in->name.ptr + i - 1;
			break;
		}
	if (!sp) {
		*first = in->name;
		return;
	}
	first->ptr = in->name.ptr;
	first->len = (size_t)(sp - in->name.ptr);
	last->ptr = sp + 1;
	last->len = in->name.len - first->len - 1;
}

struct str provider_cut(struct str s, size_t max)
{
	size_t i, chars = 0;

	for (i = 0; i < s.len; i++) {
		if (((unsigned char)s.ptr[i] & 0xC0) == 0x80)
			continue;	/* continuation byte */
		if (chars++ == max) {
			s.len = i;
			break;
		}
	}
	return s;
}

enum err provider_session_open(struct provider_session *s, const struct provider *drv,
			       const struct profile *p, const struct secrets *sec,
			       void (*notify)(void *ctx, enum http_notice what, long ms,
					      const char *msg),
			       void *notify_ctx, struct errinfo *info)
{
	struct http_header headers[2];
	const char *secrets[4];
	char authbuf[8192];
	struct http_config cfg;
	size_t nh, ns = 0;
	enum err e;

	memset(s, 0, sizeof(*s));
	s->drv = drv;
	s->profile = p;
	memset(&cfg, 0, sizeof(cfg));
	cfg.base_url = p->base_url ? p->base_url : drv->default_base_url;
	if (!cfg.base_url)
		return err_set(info, ERR_CONFIG, "profile '%s' has no base_url", p->name);
	cfg.insecure = p->insecure;
	cfg.deadline_ms = p->timeout_ms;
	cfg.max_wait_ms = p->max_wait_ms;	/* 0: http's default, 15 min */
	cfg.rate = p->rate ? p->rate : drv->default_rate;
	cfg.concurrency = p->concurrency ? p->concurrency : drv->default_concurrency;
	nh = drv->auth(sec, headers, authbuf, sizeof(authbuf));
	cfg.headers = headers;
	cfg.nheaders = nh;
	if (sec->key)
		secrets[ns++] = sec->key;
	if (sec->key_id)
		secrets[ns++] = sec->key_id;
	if (sec->secret)
		secrets[ns++] = sec->secret;
	cfg.secrets = secrets;
	cfg.nsecrets = ns;
	cfg.user_agent = "contactsync";
	cfg.notify = notify;
	cfg.notify_ctx = notify_ctx;
	e = http_new(&s->http, &cfg, info);
	explicit_bzero(authbuf, sizeof(authbuf));
	if (!e && drv->open && (e = drv->open(s, info))) {
		http_free(s->http);
		s->http = NULL;
		return e;
	}
	if (e && info) {
		/* the message already names the URL problem; add the profile
		 * (from a copy: vsnprintf may not read the buffer it writes) */
		char why[sizeof(info->msg)];

		snprintf(why, sizeof(why), "%s", info->msg);
		err_set(info, e, "profile '%s': %s", p->name, why);
	}
	return e;
}

void provider_session_close(struct provider_session *s)
{
	if (s->drv && s->drv->close)
		s->drv->close(s);
	s->priv = NULL;
	http_free(s->http);
	s->http = NULL;
}

/* The server's own words, from the envelopes the three dialects use. */
static void server_message(const struct http_response *r, char *out, size_t cap)
{
	json_error_t jerr;
	json_t *root, *m = NULL;

	out[0] = '\0';
	root = r->body.len ? json_loadb(r->body.data, r->body.len, 0, &jerr) : NULL;
	if (root) {
		json_t *errors = json_object_get(root, "errors");

		if (json_is_array(errors) && json_array_size(errors))
			m = json_object_get(json_array_get(errors, 0), "title");
		if (!m)
			m = json_object_get(root, "message");
		if (json_is_string(m))
			snprintf(out, cap, "%s", json_string_value(m));
		json_decref(root);
	}
	if (!out[0] && r->message[0])
		snprintf(out, cap, "%s", r->message);
}

enum err provider_check(const struct provider_session *s, const char *what,
			const struct http_response *r, struct errinfo *info)
{
	char msg[256], clean[256];
	const char *pname = s->profile->name;

	if (r->err)
		return err_set(info, r->err == ERR_NETWORK || r->err == ERR_TIMEOUT ? r->err : ERR_REMOTE,
			       "profile '%s': %s failed: %s", pname, what,
			       r->message[0] ? r->message : err_str(r->err));
	if (r->status >= 200 && r->status < 300)
		return ERR_OK;
	server_message(r, msg, sizeof(msg));
	http_client_redact(s->http, msg, clean, sizeof(clean));
	if (r->status == 401 || r->status == 403)
		return err_set(info, ERR_AUTH,
			       "profile '%s': authentication failed (HTTP %ld%s%s): check the key in the profile's environment variables",
			       pname, r->status, clean[0] ? ": " : "", clean);
	return err_set(info, ERR_REMOTE, "profile '%s': %s answered HTTP %ld%s%s", pname, what,
		       r->status, clean[0] ? ": " : "", clean);
}

enum err provider_urlencode(const char *s, struct buf *out)
{
	return provider_urlencode_n(s, strlen(s), out);
}

struct str provider_json_str(json_t *o, const char *key, const char *alt)
{
	json_t *v = json_object_get(o, key);
	struct str s = { "", 0 };

	if (!v && alt)
		v = json_object_get(o, alt);
	if (json_is_string(v)) {
		s.ptr = json_string_value(v);
		s.len = json_string_length(v);
	}
	return s;
}

int provider_json_id(json_t *o, const char *key, char *out, size_t cap)
{
	json_t *v = json_object_get(o, key);

	if (json_is_integer(v))
		return snprintf(out, cap, "%" JSON_INTEGER_FORMAT, json_integer_value(v)) > 0;
	if (json_is_string(v) && json_string_length(v) && json_string_length(v) < cap) {
		snprintf(out, cap, "%s", json_string_value(v));
		return 1;
	}
	out[0] = '\0';
	return 0;
}

int provider_json_bool(json_t *o, const char *key, const char *alt)
{
	json_t *v = json_object_get(o, key);
	const char *t;

	if (!v && alt)
		v = json_object_get(o, alt);
	if (json_is_boolean(v))
		return json_is_true(v);
	if (json_is_integer(v))
		return json_integer_value(v) != 0;
	if (!json_is_string(v))
		return 0;
	t = json_string_value(v);
	return !strcasecmp(t, "true") || !strcmp(t, "1");
}

long long provider_json_count(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	char *end;
	long long n;

	if (json_is_integer(v))
		return json_integer_value(v);
	if (!json_is_string(v))
		return -1;
	n = strtoll(json_string_value(v), &end, 10);
	return *end || end == json_string_value(v) ? -1 : n;
}

enum err provider_json(const struct provider_session *s, const char *what,
		       const struct http_response *r, json_t **out,
		       struct errinfo *info)
{
	json_error_t jerr;

	*out = json_loadb(r->body.data ? r->body.data : "", r->body.len, 0, &jerr);
	if (!*out)
		return err_set(info, ERR_REMOTE,
			       "profile '%s': %s: the answer is not valid JSON (%s, byte %d)",
			       s->profile->name, what, jerr.text, jerr.position);
	return ERR_OK;
}

enum err provider_fetch_json(const struct provider_session *s,
			     struct http_request *req, const char *what,
			     json_t **out, struct errinfo *info)
{
	struct http_response r;
	enum err e = ERR_OK;
	int tries;

	*out = NULL;
	if (!req->max_attempts)
		req->max_attempts = PROVIDER_READ_ATTEMPTS;
	for (tries = 0; tries < PROVIDER_READ_TRIES; tries++) {
		long status;

		/* a transport failure too goes through provider_check, so the
		 * message names the profile and what was being read */
		http_do(s->http, req, &r, info);
		status = r.status;
		e = provider_check(s, what, &r, info);
		if (!e)
			e = provider_json(s, what, &r, out, info);
		http_response_free(&r);
		/* only a bad body is worth another try here: statuses and
		 * transport failures were retried by the HTTP client already */
		if (e != ERR_REMOTE || status < 200 || status >= 300)
			break;
	}
	return e;
}

/* ---- writes ------------------------------------------------------------- */

const char *provider_write_outcome_name(enum write_outcome o)
{
	switch (o) {
	case WRITE_OK:
		return "ok";
	case WRITE_FAILED:
		return "failed";
	case WRITE_EXISTS:
		return "exists";
	case WRITE_VERIFY:
		return "verify";
	case WRITE_RETRY:
		return "retry";
	}
	return "unknown";
}

/* A transport failure: the request may have reached the server unless it
 * was never sent (a bad request, no memory). */
static enum write_outcome transport_outcome(const struct http_response *r, int create)
{
	if (r->err == ERR_USAGE || r->err == ERR_NOMEM)
		return WRITE_FAILED;
	if (!r->attempts)	/* never left (the client halted): nothing to verify */
		return WRITE_RETRY;
	if (create)
		return WRITE_VERIFY;
	return r->err == ERR_NETWORK || r->err == ERR_TIMEOUT ? WRITE_RETRY : WRITE_FAILED;
}

void provider_judge_status(const struct provider_session *s, int create,
			   const struct http_response *r, struct write_result *out)
{
	char msg[256];
	long st = r->status;

	memset(out, 0, sizeof(*out));
	out->status = st;
	if (r->err) {
		/* a status with a broken body is still a broken answer: a cut
		 * create may have been applied */
		out->outcome = transport_outcome(r, create);
		http_client_redact(s->http, r->message[0] ? r->message : err_str(r->err),
				   out->message, sizeof(out->message));
		return;
	}
	if (st >= 200 && st < 300) {
		out->outcome = WRITE_OK;
		return;
	}
	if (st == 409)
		out->outcome = create ? WRITE_EXISTS : WRITE_FAILED;
	else if (st == 303 && create)
		/* never followed, but 303 See Other is how some servers
		 * answer a POST that did create the contact */
		out->outcome = WRITE_VERIFY;
	else if (st == 408 || st == 429)
		out->outcome = WRITE_RETRY;
	else if (st >= 500)
		out->outcome = create ? WRITE_VERIFY : WRITE_RETRY;
	else
		out->outcome = WRITE_FAILED;
	if (r->should_retry == 1 && out->outcome == WRITE_FAILED && st != 409)
		out->outcome = WRITE_RETRY;
	else if (r->should_retry == 0 && out->outcome == WRITE_RETRY)
		out->outcome = WRITE_FAILED;
	server_message(r, msg, sizeof(msg));
	if (!msg[0])
		snprintf(msg, sizeof(msg), "HTTP %ld", st);
	http_client_redact(s->http, msg, out->message, sizeof(out->message));
}

void provider_judge_body(const struct http_response *r, int empty_ok, struct write_result *out)
{
	json_t *root;
	int ok;

	if (out->outcome != WRITE_OK || (empty_ok && !r->body.len))
		return;
	root = r->body.len ? json_loadb(r->body.data, r->body.len, 0, NULL) : NULL;
	ok = json_is_object(root);
	json_decref(root);
	if (ok)
		return;
	out->outcome = WRITE_VERIFY;
	snprintf(out->message, sizeof(out->message),
		 "the answer (HTTP %ld) could not be read: it may not have been applied",
		 r->status);
}

enum err provider_urlencode_n(const char *s, size_t len, struct buf *out)
{
	static const char hex[] = "0123456789ABCDEF";
	enum err e = ERR_OK;
	size_t i;

	for (i = 0; i < len && !e; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~') {
			e = buf_addc(out, (char)c);
		} else {
			char enc[3] = { '%', hex[c >> 4], hex[c & 15] };

			e = buf_add(out, enc, 3);
		}
	}
	return e;
}

enum err provider_form_add(struct buf *body, const char *key, struct str val)
{
	enum err e = ERR_OK;

	if (body->len)
		e = buf_addc(body, '&');
	/* keys are ours ("name", "custom_parameter_key[0]"): sent as they are */
	if (!e)
		e = buf_adds(body, key);
	if (!e)
		e = buf_addc(body, '=');
	if (!e)
		e = provider_urlencode_n(val.ptr, val.len, body);
	return e;
}

enum err provider_json_body(json_t *o, struct buf *body)
{
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	enum err e;

	buf_reset(body);
	if (!text)
		return ERR_NOMEM;
	e = buf_adds(body, text);
	free(text);
	return e;
}

json_t *provider_json_strn(struct str s)
{
	return json_stringn(s.len ? s.ptr : "", s.len);
}

/* The key of a "custom:KEY" change field, or NULL for other fields. */
static const char *change_custom_key(const char *field)
{
	return strncmp(field, "custom:", 7) ? NULL : field + 7;
}

/* The field name diff gives a custom key (cut the same way). */
static void custom_field(struct str key, char *out, size_t cap)
{
	snprintf(out, cap, "custom:%.*s", (int)key.len, key.ptr);
}

int provider_has_change(const struct write_op *op, const char *field)
{
	size_t i;

	for (i = 0; i < op->nchanges; i++)
		if (!strcmp(op->changes[i].field, field))
			return 1;
	return 0;
}

int provider_has_custom_change(const struct write_op *op, struct str key)
{
	char field[sizeof(op->changes[0].field)];

	custom_field(key, field, sizeof(field));
	return provider_has_change(op, field);
}

int provider_has_any_custom_change(const struct write_op *op)
{
	size_t i;

	for (i = 0; i < op->nchanges; i++)
		if (change_custom_key(op->changes[i].field))
			return 1;
	return 0;
}
