/* provider: the driver table and helpers shared by drivers (see provider.h). */
#include "provider.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	if (e && info)
		/* the message already names the URL problem; add the profile */
		err_set(info, e, "profile '%s': %s", p->name, info->msg);
	return e;
}

void provider_session_close(struct provider_session *s)
{
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
	static const char hex[] = "0123456789ABCDEF";
	enum err e = ERR_OK;

	for (; *s && !e; s++) {
		unsigned char c = (unsigned char)*s;

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

		e = http_do(s->http, req, &r, info);
		if (e)
			return e;
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
