/*
 * Unit tests of the three provider drivers (altum, atom, sendblue): their
 * projections (pure functions) and their listings, run against the unit
 * tests' fake HTTP server (fakehttp.h), which answers from a table of
 * canned responses chosen per test and records every request it receives
 * (method, raw URL with its query, headers, body). The tests
 * check what the server saw and what reached the sink, never how long
 * anything took. See shared/api/PROVIDERS.md for the quirks exercised here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <jansson.h>

#include "buf.h"
#include "config.h"
#include "contact.h"
#include "provider.h"
#include "provider/testing.h"

#include "fakehttp.h"

#define PROFILE "tprof"
#define KEY "KEY-s3cr3t-4ltum"
#define KEY_ID "kid-0123456789"
#define SECRET "sec-ABCDEFGHIJ"

/* ---- helpers ---------------------------------------------------------- */

static char *xstrdup(const char *s)
{
	char *p = strdup(s ? s : "");

	assert_non_null(p);
	return p;
}

static char *xstrndup(const char *s, size_t n)
{
	char *p = strndup(s ? s : "", s ? n : 0);

	assert_non_null(p);
	return p;
}

/* Requests whose method and raw URI prefix match. */
static size_t count_req(const struct fakehttp *s, const char *method, const char *prefix)
{
	size_t i, n = 0;

	for (i = 0; i < s->nrecs; i++)
		if ((!method || !strcmp(s->recs[i].method, method)) &&
		    !strncmp(s->recs[i].uri, prefix, strlen(prefix)))
			n++;
	return n;
}

/* The "id" of a JSON request body as text, number or string alike. */
static void body_id(const struct fakehttp_rec *r, char *out, size_t cap)
{
	json_error_t jerr;
	json_t *root = json_loads(r->body, 0, &jerr), *id;

	assert_non_null(root);
	assert_true(json_is_object(root));
	id = json_object_get(root, "id");
	if (json_is_integer(id))
		snprintf(out, cap, "%" JSON_INTEGER_FORMAT, json_integer_value(id));
	else if (json_is_string(id))
		snprintf(out, cap, "%s", json_string_value(id));
	else
		fail_msg("request body '%s' has no id", r->body);
	json_decref(root);
}

/* ---- the sink --------------------------------------------------------- */

/* A remote contact, copied (the sink's argument is borrowed for the call). */
struct got {
	char *id, *raw, *name, *first, *last, *company, *tags, *custom, *book;
	enum tri opt;
	int partial;
};

struct sink {
	struct got *v;
	size_t n, cap;
	unsigned long long pdone, ptotal;
	int pcalls;
	size_t fail_at;		/* 1-based contact that the sink refuses; 0: none */
};

static char *str_dup(struct str s)
{
	return xstrndup(s.ptr, s.len);
}

static enum err sink_contact(void *ctx, const struct remote_contact *rc, struct errinfo *info)
{
	struct sink *sk = ctx;
	struct got *g;
	struct buf b;
	size_t i;

	if (sk->fail_at && sk->n + 1 == sk->fail_at)
		return err_set(info, ERR_LIMIT, "the sink is full");
	if (sk->n == sk->cap) {
		sk->cap = sk->cap ? sk->cap * 2 : 64;
		sk->v = realloc(sk->v, sk->cap * sizeof(*sk->v));
		assert_non_null(sk->v);
	}
	g = &sk->v[sk->n++];
	g->id = xstrdup(rc->id);
	g->book = xstrdup(rc->book);
	g->raw = str_dup(rc->c.raw_phone);
	g->name = str_dup(rc->c.name);
	g->first = str_dup(rc->c.first_name);
	g->last = str_dup(rc->c.last_name);
	g->company = str_dup(rc->c.company);
	g->opt = rc->c.opted_out;
	g->partial = rc->partial;
	buf_init(&b, 0);
	for (i = 0; i < rc->c.ntags; i++)
		buf_printf(&b, "%s%.*s", i ? "," : "", (int)rc->c.tags[i].len, rc->c.tags[i].ptr);
	g->tags = xstrdup(buf_str(&b));
	buf_reset(&b);
	for (i = 0; i < rc->c.ncustom; i++)
		buf_printf(&b, "%s%.*s=%.*s", i ? ";" : "", (int)rc->c.custom[i].key.len,
			   rc->c.custom[i].key.ptr, (int)rc->c.custom[i].val.len,
			   rc->c.custom[i].val.ptr);
	g->custom = xstrdup(buf_str(&b));
	buf_free(&b);
	return ERR_OK;
}

static void sink_progress(void *ctx, unsigned long long done, unsigned long long total)
{
	struct sink *sk = ctx;

	sk->pdone = done;
	sk->ptotal = total;
	sk->pcalls++;
}

static void sink_free(struct sink *sk)
{
	size_t i;

	for (i = 0; i < sk->n; i++) {
		struct got *g = &sk->v[i];

		free(g->id);
		free(g->raw);
		free(g->name);
		free(g->first);
		free(g->last);
		free(g->company);
		free(g->tags);
		free(g->custom);
		free(g->book);
	}
	free(sk->v);
	memset(sk, 0, sizeof(*sk));
}

/* The one contact with that raw phone (fails when none or several). */
static const struct got *got_phone(const struct sink *sk, const char *raw)
{
	const struct got *found = NULL;
	size_t i, n = 0;

	for (i = 0; i < sk->n; i++)
		if (!strcmp(sk->v[i].raw, raw)) {
			found = &sk->v[i];
			n++;
		}
	if (n != 1)
		fail_msg("%zu contacts with phone '%s' (want 1)", n, raw);
	return found;
}

/* ---- sessions ---------------------------------------------------------- */

static void profile_init(struct profile *p, struct fakehttp *s, const char *provider)
{
	memset(p, 0, sizeof(*p));
	p->name = PROFILE;
	p->provider = (char *)provider;
	p->base_url = s->base;
	p->line = 1;
}

/* Opens a session, runs the driver's pull into sk, closes the session. */
static enum err pull_with(const struct provider *drv, const struct profile *p,
			  const struct secrets *sec, int deep,
			  const struct contact *(*desired)(void *, const char *), void *dctx,
			  struct sink *sk, struct errinfo *info)
{
	struct provider_session ss;
	struct pull_sink ps = { sink_contact, sink_progress, sk, NULL };
	enum err e;

	memset(info, 0, sizeof(*info));
	assert_int_equal(provider_session_open(&ss, drv, p, sec, NULL, NULL, info), ERR_OK);
	ss.deep = deep;
	ss.desired = desired;
	ss.desired_ctx = dctx;
	e = drv->pull(&ss, &ps, info);
	provider_session_close(&ss);
	return e;
}

/* An error message names the profile and shows no secret. */
static void assert_clean_msg(const struct errinfo *info)
{
	assert_non_null(strstr(info->msg, "'" PROFILE "'"));
	assert_null(strstr(info->msg, KEY));
	assert_null(strstr(info->msg, KEY_ID));
	assert_null(strstr(info->msg, SECRET));
	assert_null(strstr(info->msg, "s3cr3t"));
}

static struct str S(const char *s)
{
	struct str r = { s, strlen(s) };

	return r;
}

static int str_is(struct str s, const char *want)
{
	return s.len == strlen(want) && !memcmp(s.ptr, want, s.len);
}

static size_t utf8_chars(struct str s)
{
	size_t i, n = 0;

	for (i = 0; i < s.len; i++)
		if (((unsigned char)s.ptr[i] & 0xC0) != 0x80)
			n++;
	return n;
}

/* Not cut inside a character: the last lead byte has all its continuation bytes. */
static int utf8_whole(struct str s)
{
	size_t i = s.len, need;
	unsigned char c;

	if (!s.len)
		return 1;
	while (i > 0 && ((unsigned char)s.ptr[i - 1] & 0xC0) == 0x80)
		i--;
	if (i == 0)
		return 0;
	c = (unsigned char)s.ptr[i - 1];
	need = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
	return s.len - (i - 1) == need;
}

static char *repeat(const char *unit, size_t n)
{
	struct buf b;
	size_t i;
	char *out;

	buf_init(&b, 0);
	for (i = 0; i < n; i++)
		assert_int_equal(buf_adds(&b, unit), ERR_OK);
	out = buf_detach(&b);
	assert_non_null(out);
	return out;
}

/* ---- projections (no server) ------------------------------------------ */

static void test_altum_project(void **state)
{
	struct contact in, out;
	struct buf scratch;
	char *long_first, *name, *emoji, *key, *val;
	struct str cut;

	(void)state;
	contact_init(&in);
	contact_init(&out);
	buf_init(&scratch, 0);

	/* first + last become the one name; company and tags have no place */
	strcpy(in.phone, "+15550000001");
	in.first_name = S("Ann");
	in.last_name = S("Lee");
	in.company = S("Acme");
	in.opted_out = TRI_TRUE;
	assert_int_equal(contact_add_tag(&in, "vip", 3), ERR_OK);
	assert_int_equal(contact_add_custom(&in, "plan", 4, "gold", 4), ERR_OK);
	contact_sort(&in);
	assert_int_equal(provider_altum.project(NULL, &in, &out, &scratch), ERR_OK);
	assert_true(str_is(out.name, "Ann Lee"));
	assert_string_equal(out.phone, "+15550000001");
	assert_int_equal(out.first_name.len, 0);
	assert_int_equal(out.last_name.len, 0);
	assert_int_equal(out.company.len, 0);
	assert_int_equal(out.ntags, 0);
	assert_int_equal(out.ncustom, 1);
	assert_true(str_is(out.custom[0].key, "plan") && str_is(out.custom[0].val, "gold"));
	assert_int_equal(out.opted_out, TRI_TRUE);

	/* a name given as a whole wins over the parts */
	buf_reset(&scratch);
	in.name = S("Dr Ann Lee");
	assert_int_equal(provider_altum.project(NULL, &in, &out, &scratch), ERR_OK);
	assert_true(str_is(out.name, "Dr Ann Lee"));

	/* only a last name: no leading space */
	buf_reset(&scratch);
	in.name = S("");
	in.first_name = S("");
	assert_int_equal(provider_altum.project(NULL, &in, &out, &scratch), ERR_OK);
	assert_true(str_is(out.name, "Lee"));

	/* a derived name of 255 ASCII + "é" + more: cut after the é (256
	 * characters, 257 bytes), not in the middle of it */
	buf_reset(&scratch);
	long_first = repeat("a", 250);
	in.first_name = S(long_first);
	in.last_name = S("bcdeé-tail");	/* "a"*250 + " " + "bcde" = 255 chars, then é */
	assert_int_equal(provider_altum.project(NULL, &in, &out, &scratch), ERR_OK);
	assert_int_equal(utf8_chars(out.name), 256);
	assert_int_equal(out.name.len, 257);
	assert_true(utf8_whole(out.name));
	assert_memory_equal(out.name.ptr + 251, "bcde\xc3\xa9", 6);

	/* 300 two-byte characters: 256 of them, 512 bytes */
	buf_reset(&scratch);
	name = repeat("\xc3\xa9", 300);
	in.name = S(name);
	assert_int_equal(provider_altum.project(NULL, &in, &out, &scratch), ERR_OK);
	assert_int_equal(utf8_chars(out.name), 256);
	assert_int_equal(out.name.len, 512);
	assert_true(utf8_whole(out.name));

	/* 255 ASCII then 4-byte characters: the 256th is kept whole */
	buf_reset(&scratch);
	emoji = malloc(255 + 4 * 3 + 1);
	assert_non_null(emoji);
	memset(emoji, 'x', 255);
	strcpy(emoji + 255, "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80");
	in.name = S(emoji);
	assert_int_equal(provider_altum.project(NULL, &in, &out, &scratch), ERR_OK);
	assert_int_equal(out.name.len, 259);
	assert_true(utf8_whole(out.name));

	/* exactly 256 characters: untouched */
	buf_reset(&scratch);
	emoji[256 + 3] = '\0';	/* 255 x + one emoji */
	in.name = S(emoji);
	assert_int_equal(provider_altum.project(NULL, &in, &out, &scratch), ERR_OK);
	assert_int_equal(out.name.len, 259);

	/* custom keys cut at 64 characters, values at 512, UTF-8 aware */
	buf_reset(&scratch);
	contact_reset(&in);
	key = repeat("\xc3\xa9", 70);	/* 70 chars, 140 bytes */
	val = repeat("v\xe2\x82\xac", 600);	/* "v€" x600: 1200 chars */
	assert_int_equal(contact_add_custom(&in, key, strlen(key), val, strlen(val)), ERR_OK);
	assert_int_equal(contact_add_custom(&in, "short", 5, "ok", 2), ERR_OK);
	contact_sort(&in);
	assert_int_equal(provider_altum.project(NULL, &in, &out, &scratch), ERR_OK);
	assert_int_equal(out.ncustom, 2);
	assert_true(str_is(out.custom[0].key, "short"));
	cut = out.custom[1].key;
	assert_int_equal(utf8_chars(cut), 64);
	assert_int_equal(cut.len, 128);
	assert_true(utf8_whole(cut));
	cut = out.custom[1].val;
	assert_int_equal(utf8_chars(cut), 512);
	assert_int_equal(cut.len, 256 * 1 + 256 * 3);
	assert_true(utf8_whole(cut));

	free(long_first);
	free(name);
	free(emoji);
	free(key);
	free(val);
	buf_free(&scratch);
	contact_free(&in);
	contact_free(&out);
}

static void test_atom_project(void **state)
{
	struct profile p;
	struct contact in, out;
	struct buf scratch;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.name = PROFILE;
	p.custom_slots[0] = "plan";
	p.custom_slots[1] = "tier";
	p.nslots = 2;
	contact_init(&in);
	contact_init(&out);
	buf_init(&scratch, 0);

	strcpy(in.phone, "+61412345678");
	in.name = S("Mary Ann Smith");
	in.company = S("Acme");
	assert_int_equal(contact_add_tag(&in, "vip", 3), ERR_OK);
	assert_int_equal(contact_add_custom(&in, "plan", 4, "gold", 4), ERR_OK);
	assert_int_equal(contact_add_custom(&in, "city", 4, "Perth", 5), ERR_OK);
	assert_int_equal(contact_add_custom(&in, "tier", 4, "", 0), ERR_OK);
	contact_sort(&in);
	assert_int_equal(provider_atom.project(&p, &in, &out, &scratch), ERR_OK);
	assert_true(str_is(out.first_name, "Mary Ann"));
	assert_true(str_is(out.last_name, "Smith"));
	assert_int_equal(out.name.len, 0);
	assert_true(str_is(out.company, "Acme"));
	assert_int_equal(out.ntags, 0);
	/* only the profile's slots; an empty value is no value */
	assert_int_equal(out.ncustom, 1);
	assert_true(str_is(out.custom[0].key, "plan") && str_is(out.custom[0].val, "gold"));
	assert_string_equal(out.phone, "+61412345678");

	/* one word: all first name */
	buf_reset(&scratch);
	in.name = S("Cher");
	assert_int_equal(provider_atom.project(&p, &in, &out, &scratch), ERR_OK);
	assert_true(str_is(out.first_name, "Cher"));
	assert_int_equal(out.last_name.len, 0);

	/* parts given: kept as they are, the full name is not split */
	buf_reset(&scratch);
	in.name = S("Someone Else");
	in.first_name = S("Jo");
	in.last_name = S("Van Dyke");
	assert_int_equal(provider_atom.project(&p, &in, &out, &scratch), ERR_OK);
	assert_true(str_is(out.first_name, "Jo"));
	assert_true(str_is(out.last_name, "Van Dyke"));

	/* no slots configured: no custom field at all */
	buf_reset(&scratch);
	p.nslots = 0;
	assert_int_equal(provider_atom.project(&p, &in, &out, &scratch), ERR_OK);
	assert_int_equal(out.ncustom, 0);

	buf_free(&scratch);
	contact_free(&in);
	contact_free(&out);
}

static void test_sendblue_project(void **state)
{
	struct contact in, out;
	struct buf scratch;

	(void)state;
	contact_init(&in);
	contact_init(&out);
	buf_init(&scratch, 0);
	strcpy(in.phone, "+15550000001");
	in.name = S("Mary Ann Smith");
	in.company = S("Acme");
	in.opted_out = TRI_TRUE;
	assert_int_equal(contact_add_tag(&in, "vip", 3), ERR_OK);
	assert_int_equal(contact_add_tag(&in, "beta", 4), ERR_OK);
	assert_int_equal(contact_add_custom(&in, "plan", 4, "gold", 4), ERR_OK);
	assert_int_equal(contact_add_custom(&in, "city", 4, "Paris", 5), ERR_OK);
	contact_sort(&in);
	assert_int_equal(provider_sendblue.project(NULL, &in, &out, &scratch), ERR_OK);
	assert_string_equal(out.phone, "+15550000001");
	assert_true(str_is(out.first_name, "Mary Ann"));
	assert_true(str_is(out.last_name, "Smith"));
	assert_true(str_is(out.company, "Acme"));
	assert_int_equal(out.opted_out, TRI_TRUE);
	assert_int_equal(out.ntags, 2);
	assert_true(str_is(out.tags[0], "beta"));
	assert_true(str_is(out.tags[1], "vip"));
	assert_int_equal(out.ncustom, 2);
	assert_true(str_is(out.custom[0].key, "city") && str_is(out.custom[0].val, "Paris"));
	assert_true(str_is(out.custom[1].key, "plan") && str_is(out.custom[1].val, "gold"));

	buf_reset(&scratch);
	in.opted_out = TRI_FALSE;
	in.first_name = S("Jo");
	assert_int_equal(provider_sendblue.project(NULL, &in, &out, &scratch), ERR_OK);
	assert_int_equal(out.opted_out, TRI_FALSE);
	assert_true(str_is(out.first_name, "Jo"));
	assert_int_equal(out.last_name.len, 0);

	buf_free(&scratch);
	contact_free(&in);
	contact_free(&out);
}

/* ---- altum --------------------------------------------------------------- */

static const char altum_p1[] =
	"{\"data\":["
	"{\"id\":1,\"name\":\"Ann Lee\",\"phone_number\":\"+15550000001\",\"custom_parameters\":[],"
	"\"country_code\":\"US\",\"continent_code\":null,\"has_opted_out\":false,"
	"\"datetime\":\"2024-01-01 10:00:00\",\"last_datetime\":null},"
	"{\"id\":\"2\",\"name\":\"Bob\",\"phone_number\":\"+15550000002\","
	"\"custom_parameters\":{\"plan\":\"gold\",\"city\":\"Paris\"},\"has_opted_out\":true},"
	"{\"id\":3,\"name\":\"\",\"phone_number\":\"+15550000003\",\"custom_parameters\":{},"
	"\"has_opted_out\":false}],"
	"\"meta\":{\"page\":1,\"results_per_page\":3,\"total_pages\":3,\"total_results\":7},"
	"\"links\":{\"next\":\"http://x/api/contacts?&page=2\"}}";
static const char altum_p2[] =
	"{\"data\":["
	"{\"id\":4,\"name\":\"Dee\",\"phone_number\":\"+15550000004\",\"custom_parameters\":[],\"has_opted_out\":false},"
	"{\"id\":5,\"name\":\"Eve\",\"phone_number\":\"+15550000005\",\"custom_parameters\":{\"k\":\"v\"},\"has_opted_out\":\"true\"},"
	"{\"id\":7,\"name\":\"Gil\",\"phone_number\":\"+15550000007\",\"custom_parameters\":[],\"has_opted_out\":\"false\"}],"
	"\"meta\":{\"page\":\"2\",\"results_per_page\":\"3\",\"total_pages\":\"3\",\"total_results\":7},"
	"\"links\":{\"next\":\"http://x/api/contacts?&page=3\"}}";
static const char altum_p3[] =
	"{\"data\":["
	"{\"id\":6,\"name\":\"Fay\",\"phone_number\":\"+15550000006\",\"custom_parameters\":[],\"has_opted_out\":false}],"
	"\"meta\":{\"page\":\"3\",\"results_per_page\":3,\"total_pages\":3,\"total_results\":7},"
	"\"links\":{\"next\":null}}";

static void test_altum_pages_and_quirks(void **state)
{
	struct fakehttp *s = *state;
	const struct fakehttp_route routes[] = {
		{ "GET", "/api/contacts?page=1&", 0, 200, altum_p1, { "X-RateLimit-Limit", "60", "X-RateLimit-Remaining", "59", NULL }, NULL, 0 },
		{ "GET", "/api/contacts?page=2&", 0, 200, altum_p2, { NULL }, NULL, 0 },
		{ "GET", "/api/contacts?page=3&", 0, 200, altum_p3, { NULL }, NULL, 0 },
		{ NULL, NULL, 0, 0, NULL, { NULL }, NULL, 0 },
	};
	struct secrets sec = { .key = KEY };
	struct profile p;
	struct sink sk = { 0 };
	struct errinfo info;
	const struct got *g;
	size_t i;

	fakehttp_serve(s, routes);
	profile_init(&p, s, "altum");
	assert_int_equal(pull_with(&provider_altum, &p, &sec, 0, NULL, NULL, &sk, &info), ERR_OK);

	/* the requests: page 1 first, then 2 and 3, each once, with the key,
	 * and page 1 again at the end (a contact added meanwhile shifts it) */
	assert_int_equal(s->nrecs, 4);
	assert_int_equal(s->unmatched, 0);
	assert_string_equal(s->recs[0].method, "GET");
	assert_string_equal(s->recs[0].uri, "/api/contacts?page=1&results_per_page=1000");
	assert_int_equal(count_req(s, "GET", "/api/contacts?page=2&results_per_page=1000"), 1);
	assert_int_equal(count_req(s, "GET", "/api/contacts?page=3&results_per_page=1000"), 1);
	assert_string_equal(s->recs[3].uri, "/api/contacts?page=1&results_per_page=1000");
	for (i = 0; i < s->nrecs; i++) {
		size_t j = strlen("/api/contacts?page=N&results_per_page=1000");

		assert_int_equal(strlen(s->recs[i].uri), j);
		fakehttp_assert_header(&s->recs[i], "Authorization", "Bearer " KEY);
	}

	/* every contact once, with its quirks read */
	assert_int_equal(sk.n, 7);
	g = got_phone(&sk, "+15550000001");
	assert_string_equal(g->id, "1");
	assert_string_equal(g->name, "Ann Lee");
	assert_string_equal(g->custom, "");	/* [] */
	assert_int_equal(g->opt, TRI_FALSE);
	assert_int_equal(g->partial, 0);
	g = got_phone(&sk, "+15550000002");
	assert_string_equal(g->id, "2");	/* id as a string */
	assert_string_equal(g->custom, "city=Paris;plan=gold");
	assert_int_equal(g->opt, TRI_TRUE);
	g = got_phone(&sk, "+15550000003");
	assert_string_equal(g->id, "3");
	assert_string_equal(g->name, "");
	assert_string_equal(g->custom, "");
	g = got_phone(&sk, "+15550000005");
	assert_string_equal(g->custom, "k=v");
	assert_int_equal(g->opt, TRI_TRUE);	/* "true": a string for a boolean */
	got_phone(&sk, "+15550000004");
	got_phone(&sk, "+15550000006");
	assert_int_equal(got_phone(&sk, "+15550000007")->opt, TRI_FALSE);	/* "false" */
	assert_true(sk.pcalls > 0);
	assert_int_equal(sk.pdone, 7);
	assert_int_equal(sk.ptotal, 7);
	sink_free(&sk);
}

/* The docs' `meta.total`, `total_pages` and `page` as strings. */
static void test_altum_meta_total_and_strings(void **state)
{
	struct fakehttp *s = *state;
	const struct fakehttp_route routes[] = {
		{ "GET", "/api/contacts?page=1&", 0, 200,
		  "{\"data\":[{\"id\":10,\"name\":\"A\",\"phone_number\":\"+15550000010\",\"custom_parameters\":[],\"has_opted_out\":false}],"
		  "\"meta\":{\"page\":\"1\",\"results_per_page\":\"1\",\"total_pages\":\"2\",\"total\":2}}", { NULL }, NULL, 0 },
		{ "GET", "/api/contacts?page=2&", 0, 200,
		  "{\"data\":[{\"id\":11,\"name\":\"B\",\"phone_number\":\"+15550000011\",\"custom_parameters\":{\"x\":\"1\"},\"has_opted_out\":true}],"
		  "\"meta\":{\"page\":\"2\",\"results_per_page\":\"1\",\"total_pages\":\"2\",\"total\":2}}", { NULL }, NULL, 0 },
		{ NULL, NULL, 0, 0, NULL, { NULL }, NULL, 0 },
	};
	struct secrets sec = { .key = KEY };
	struct profile p;
	struct sink sk = { 0 };
	struct errinfo info;

	fakehttp_serve(s, routes);
	profile_init(&p, s, "altum");
	assert_int_equal(pull_with(&provider_altum, &p, &sec, 0, NULL, NULL, &sk, &info), ERR_OK);
	assert_int_equal(s->nrecs, 3);	/* "2" pages read as 2, and page 1 again */
	assert_int_equal(count_req(s, "GET", "/api/contacts?page=2&results_per_page=1000"), 1);
	assert_int_equal(sk.n, 2);
	assert_int_equal(got_phone(&sk, "+15550000011")->opt, TRI_TRUE);
	assert_string_equal(got_phone(&sk, "+15550000011")->custom, "x=1");
	assert_int_equal(sk.ptotal, 2);	/* from meta.total */
	sink_free(&sk);
}

/* A page past what exists, and an empty account: no extra request. */
static void test_altum_empty(void **state)
{
	struct fakehttp *s = *state;
	const struct fakehttp_route routes[] = {
		{ "GET", "/api/contacts?page=1&", 0, 200,
		  "{\"data\":[],\"meta\":{\"page\":1,\"results_per_page\":1000,\"total_pages\":0,\"total_results\":0},\"links\":{\"next\":null}}",
		  { NULL }, NULL, 0 },
		{ NULL, NULL, 0, 0, NULL, { NULL }, NULL, 0 },
	};
	struct secrets sec = { .key = KEY };
	struct profile p;
	struct sink sk = { 0 };
	struct errinfo info;

	fakehttp_serve(s, routes);
	profile_init(&p, s, "altum");
	assert_int_equal(pull_with(&provider_altum, &p, &sec, 0, NULL, NULL, &sk, &info), ERR_OK);
	assert_int_equal(s->nrecs, 1);
	assert_int_equal(sk.n, 0);
	sink_free(&sk);
}

static void test_altum_401(void **state)
{
	struct fakehttp *s = *state;
	/* the server echoes the key: it must not reach the message */
	const struct fakehttp_route routes[] = {
		{ "GET", "/api/contacts", 0, 401,
		  "{\"errors\":[{\"title\":\"The API key " KEY " is not valid.\",\"status\":\"401\"}]}",
		  { "X-RateLimit-Limit", "60", "X-RateLimit-Remaining", "58", NULL }, NULL, 0 },
		{ NULL, NULL, 0, 0, NULL, { NULL }, NULL, 0 },
	};
	struct secrets sec = { .key = KEY };
	struct profile p;
	struct sink sk = { 0 };
	struct errinfo info;

	fakehttp_serve(s, routes);
	profile_init(&p, s, "altum");
	assert_int_equal(pull_with(&provider_altum, &p, &sec, 0, NULL, NULL, &sk, &info), ERR_AUTH);
	assert_int_equal(info.code, ERR_AUTH);
	assert_clean_msg(&info);
	assert_non_null(strstr(info.msg, "401"));
	assert_int_equal(s->nrecs, 1);	/* a 401 is final */
	assert_int_equal(sk.n, 0);
	sink_free(&sk);
}

/* 500 on every attempt: the client tries PROVIDER_READ_ATTEMPTS times
 * (retry-after-ms keeps it quick), then a clear error. */
static void test_altum_500_every_attempt(void **state)
{
	struct fakehttp *s = *state;
	const struct fakehttp_route routes[] = {
		{ "GET", "/api/contacts", 0, 500, "{\"errors\":[{\"title\":\"Internal error\",\"status\":500}]}",
		  { "retry-after-ms", "1", NULL }, NULL, 0 },
		{ NULL, NULL, 0, 0, NULL, { NULL }, NULL, 0 },
	};
	struct secrets sec = { .key = KEY };
	struct profile p;
	struct sink sk = { 0 };
	struct errinfo info;

	fakehttp_serve(s, routes);
	profile_init(&p, s, "altum");
	assert_int_equal(pull_with(&provider_altum, &p, &sec, 0, NULL, NULL, &sk, &info), ERR_REMOTE);
	assert_clean_msg(&info);
	assert_non_null(strstr(info.msg, "500"));
	assert_int_equal(s->nrecs, PROVIDER_READ_ATTEMPTS);
	assert_int_equal(sk.n, 0);
	sink_free(&sk);
}

/* A 500 on page 2 that the server says not to retry: one request for it. */
static void test_altum_500_later_page_no_retry(void **state)
{
	struct fakehttp *s = *state;
	const struct fakehttp_route routes[] = {
		{ "GET", "/api/contacts?page=1&", 0, 200,
		  "{\"data\":[{\"id\":1,\"name\":\"A\",\"phone_number\":\"+15550000001\",\"custom_parameters\":[],\"has_opted_out\":false}],"
		  "\"meta\":{\"page\":1,\"results_per_page\":1,\"total_pages\":2,\"total_results\":2}}", { NULL }, NULL, 0 },
		{ "GET", "/api/contacts?page=2&", 0, 500, "{\"errors\":[{\"title\":\"boom\",\"status\":500}]}",
		  { "x-should-retry", "false", NULL }, NULL, 0 },
		{ NULL, NULL, 0, 0, NULL, { NULL }, NULL, 0 },
	};
	struct secrets sec = { .key = KEY };
	struct profile p;
	struct sink sk = { 0 };
	struct errinfo info;

	fakehttp_serve(s, routes);
	profile_init(&p, s, "altum");
	assert_int_equal(pull_with(&provider_altum, &p, &sec, 0, NULL, NULL, &sk, &info), ERR_REMOTE);
	assert_clean_msg(&info);
	assert_non_null(strstr(info.msg, "page 2"));
	assert_int_equal(count_req(s, "GET", "/api/contacts?page=2&"), 1);
	sink_free(&sk);
}

/* The account changed between pages (page 2 counts one contact less: a
 * deleted one moved the rest up, so one went unseen): ERR_CHANGED. And a
 * page 1 read again at the end that is not what it was. */
static void test_altum_changed_while_listed(void **state)
{
	struct fakehttp *s = *state;
	const char p1[] =
		"{\"data\":[{\"id\":3,\"name\":\"A\",\"phone_number\":\"+15550000003\",\"custom_parameters\":[],\"has_opted_out\":false}],"
		"\"meta\":{\"page\":1,\"results_per_page\":1,\"total_pages\":3,\"total_results\":3}}";
	const char p1_later[] =
		"{\"data\":[{\"id\":4,\"name\":\"N\",\"phone_number\":\"+15550000004\",\"custom_parameters\":[],\"has_opted_out\":false}],"
		"\"meta\":{\"page\":1,\"results_per_page\":1,\"total_pages\":3,\"total_results\":3}}";
	const char p2[] =
		"{\"data\":[{\"id\":1,\"name\":\"C\",\"phone_number\":\"+15550000001\",\"custom_parameters\":[],\"has_opted_out\":false}],"
		"\"meta\":{\"page\":2,\"results_per_page\":1,\"total_pages\":2,\"total_results\":2}}";
	const char p2_same[] =
		"{\"data\":[{\"id\":2,\"name\":\"B\",\"phone_number\":\"+15550000002\",\"custom_parameters\":[],\"has_opted_out\":false}],"
		"\"meta\":{\"page\":2,\"results_per_page\":1,\"total_pages\":3,\"total_results\":3}}";
	const char p3_same[] =
		"{\"data\":[{\"id\":1,\"name\":\"C\",\"phone_number\":\"+15550000001\",\"custom_parameters\":[],\"has_opted_out\":false}],"
		"\"meta\":{\"page\":3,\"results_per_page\":1,\"total_pages\":3,\"total_results\":3}}";
	const struct fakehttp_route shrunk[] = {
		{ "GET", "/api/contacts?page=1&", 0, 200, p1, { NULL }, NULL, 0 },
		{ "GET", "/api/contacts?page=2&", 0, 200, p2, { NULL }, NULL, 0 },
		{ "GET", "/api/contacts?page=3&", 0, 200,
		  "{\"data\":[],\"meta\":{\"page\":3,\"results_per_page\":1,\"total_pages\":2,\"total_results\":2}}", { NULL }, NULL, 0 },
		{ NULL, NULL, 0, 0, NULL, { NULL }, NULL, 0 },
	};
	const struct fakehttp_route shifted[] = {
		{ "GET", "/api/contacts?page=1&", 1, 200, p1, { NULL }, NULL, 0 },
		{ "GET", "/api/contacts?page=1&", 0, 200, p1_later, { NULL }, NULL, 0 },
		{ "GET", "/api/contacts?page=2&", 0, 200, p2_same, { NULL }, NULL, 0 },
		{ "GET", "/api/contacts?page=3&", 0, 200, p3_same, { NULL }, NULL, 0 },
		{ NULL, NULL, 0, 0, NULL, { NULL }, NULL, 0 },
	};
	struct secrets sec = { .key = KEY };
	struct profile p;
	struct sink sk = { 0 };
	struct errinfo info;

	fakehttp_serve(s, shrunk);
	profile_init(&p, s, "altum");
	assert_int_equal(pull_with(&provider_altum, &p, &sec, 0, NULL, NULL, &sk, &info), ERR_CHANGED);
	assert_clean_msg(&info);
	assert_non_null(strstr(info.msg, "changed while it was listed"));
	sink_free(&sk);

	memset(&sk, 0, sizeof(sk));
	fakehttp_serve(s, shifted);
	assert_int_equal(pull_with(&provider_altum, &p, &sec, 0, NULL, NULL, &sk, &info), ERR_CHANGED);
	assert_non_null(strstr(info.msg, "page 1 is not what it was"));
	assert_int_equal(count_req(s, "GET", "/api/contacts?page=1&"), 2);
	sink_free(&sk);
	fakehttp_serve(s, NULL);
}

/* A full page whose meta says nothing usable: how many follow is unknown,
 * so the listing is refused rather than taken as one page. */
static void test_altum_full_page_without_meta(void **state)
{
	struct fakehttp *s = *state;
	const struct fakehttp_route routes[] = {
		{ "GET", "/api/contacts?page=1&", 0, 200,
		  "{\"data\":[{\"id\":1,\"name\":\"A\",\"phone_number\":\"+15550000001\",\"custom_parameters\":[],\"has_opted_out\":false}],"
		  "\"meta\":{\"page\":null,\"results_per_page\":1,\"total_pages\":null,\"total_results\":null}}", { NULL }, NULL, 0 },
		{ NULL, NULL, 0, 0, NULL, { NULL }, NULL, 0 },
	};
	struct secrets sec = { .key = KEY };
	struct profile p;
	struct sink sk = { 0 };
	struct errinfo info;

	fakehttp_serve(s, routes);
	profile_init(&p, s, "altum");
	assert_int_equal(pull_with(&provider_altum, &p, &sec, 0, NULL, NULL, &sk, &info), ERR_REMOTE);
	assert_non_null(strstr(info.msg, "without a usable 'meta'"));
	sink_free(&sk);
	fakehttp_serve(s, NULL);
}

/* A 200 with a body cut short, once per page: fetched again, nothing lost
 * or repeated. */
static void test_altum_truncated_once(void **state)
{
	struct fakehttp *s = *state;
	const char p1[] =
		"{\"data\":[{\"id\":1,\"name\":\"A\",\"phone_number\":\"+15550000001\",\"custom_parameters\":[],\"has_opted_out\":false}],"
		"\"meta\":{\"page\":1,\"results_per_page\":1,\"total_pages\":2,\"total_results\":2}}";
	const char p2[] =
		"{\"data\":[{\"id\":2,\"name\":\"B\",\"phone_number\":\"+15550000002\",\"custom_parameters\":[],\"has_opted_out\":false}],"
		"\"meta\":{\"page\":2,\"results_per_page\":1,\"total_pages\":2,\"total_results\":2}}";
	const struct fakehttp_route routes[] = {
		{ "GET", "/api/contacts?page=1&", 1, 200, "{\"data\":[{\"id\":1,\"name\":\"A\",\"pho", { NULL }, NULL, 0 },
		{ "GET", "/api/contacts?page=1&", 0, 200, p1, { NULL }, NULL, 0 },
		{ "GET", "/api/contacts?page=2&", 1, 200, "{\"data\":[{\"id\":2,", { NULL }, NULL, 0 },
		{ "GET", "/api/contacts?page=2&", 0, 200, p2, { NULL }, NULL, 0 },
		{ NULL, NULL, 0, 0, NULL, { NULL }, NULL, 0 },
	};
	struct secrets sec = { .key = KEY };
	struct profile p;
	struct sink sk = { 0 };
	struct errinfo info;

	fakehttp_serve(s, routes);
	profile_init(&p, s, "altum");
	assert_int_equal(pull_with(&provider_altum, &p, &sec, 0, NULL, NULL, &sk, &info), ERR_OK);
	assert_int_equal(count_req(s, "GET", "/api/contacts?page=1&"), 3);	/* cut, whole, the check */
	assert_int_equal(count_req(s, "GET", "/api/contacts?page=2&"), 2);
	assert_int_equal(sk.n, 2);
	got_phone(&sk, "+15550000001");
	got_phone(&sk, "+15550000002");
	sink_free(&sk);
}

/* Valid JSON of the wrong shape: a clear ERR_REMOTE, no contact, no crash. */
static void test_altum_wrong_shape(void **state)
{
	struct fakehttp *s = *state;
	static const char *const bodies[] = {
		"{\"data\":\"nope\"}", "{\"data\":5}", "42", "[]", "{\"meta\":{\"total_pages\":2}}",
	};
	struct secrets sec = { .key = KEY };
	struct profile p;
	struct errinfo info;
	size_t i;

	profile_init(&p, s, "altum");
	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		struct fakehttp_route routes[] = {
			{ "GET", "/api/contacts", 0, 200, bodies[i], { NULL }, NULL, 0 },
			{ NULL, NULL, 0, 0, NULL, { NULL }, NULL, 0 },
		};
		struct sink sk = { 0 };

		fakehttp_serve(s, routes);
		assert_int_equal(pull_with(&provider_altum, &p, &sec, 0, NULL, NULL, &sk, &info),
				 ERR_REMOTE);
		assert_clean_msg(&info);
		/* jansson refuses a bare scalar as a document: "not valid JSON" */
		assert_true(strstr(info.msg, "no 'data' list") || strstr(info.msg, "not valid JSON"));
		assert_int_equal(sk.n, 0);
		assert_true(s->nrecs >= 1 && s->nrecs <= PROVIDER_READ_TRIES);
		sink_free(&sk);
	}
	fakehttp_serve(s, NULL);
}

/* The sink's error stops the listing and is what pull returns. */
static void test_altum_sink_error(void **state)
{
	struct fakehttp *s = *state;
	const struct fakehttp_route routes[] = {
		{ "GET", "/api/contacts?page=1&", 0, 200, altum_p1, { NULL }, NULL, 0 },
		{ "GET", "/api/contacts?page=2&", 0, 200, altum_p2, { NULL }, NULL, 0 },
		{ "GET", "/api/contacts?page=3&", 0, 200, altum_p3, { NULL }, NULL, 0 },
		{ NULL, NULL, 0, 0, NULL, { NULL }, NULL, 0 },
	};
	struct secrets sec = { .key = KEY };
	struct profile p;
	struct sink sk = { .fail_at = 5 };
	struct errinfo info;

	fakehttp_serve(s, routes);
	profile_init(&p, s, "altum");
	assert_int_equal(pull_with(&provider_altum, &p, &sec, 0, NULL, NULL, &sk, &info), ERR_LIMIT);
	assert_string_equal(info.msg, "the sink is full");
	assert_int_equal(sk.n, 4);
	sink_free(&sk);
}

/* ---- sendblue -------------------------------------------------------------- */

#define SB_LIST "/api/v2/contacts?limit=1000&order_by=created_at&order_direction=asc"

static void test_sendblue_request_and_quirks(void **state)
{
	struct fakehttp *s = *state;
	const struct fakehttp_route routes[] = {
		{ "GET", "/api/v2/contacts?", 0, 200,
		  "["
		  "{\"contact_id\":\"c-1\",\"phone\":\"+15550000001\",\"first_name\":\"Ann\",\"last_name\":\"Lee\","
		  "\"company_name\":\"Acme\",\"custom_variables\":{\"plan\":\"gold\",\"city\":\"Paris\"},"
		  "\"tags\":[\"vip\",\"beta\"],\"opt_out\":false,\"assigned_to_email\":null,\"verified\":true,"
		  "\"created_at\":\"2024-03-01T10:00:00.000Z\"},"
		  "{\"phone\":\"+15550000002\",\"firstName\":\"Bob\",\"lastName\":\"Ray\",\"companyName\":\"Old Co\","
		  "\"customVariables\":{\"k\":\"v\"},\"tags\":[],\"optOut\":true,\"createdAt\":\"2024-03-01T10:00:01.000Z\"},"
		  "{\"contact_id\":42,\"phone\":\"+15550000003\",\"first_name\":\"Cy\",\"opt_out\":true,"
		  "\"created_at\":\"2024-03-01T10:00:02.000Z\"},"
		  "{\"phone\":\"+15550000004\",\"first_name\":null,\"custom_variables\":{},\"tags\":null,"
		  "\"created_at\":\"2024-03-01T10:00:03.000Z\"}"
		  "]", { NULL }, NULL, 0 },
		{ NULL, NULL, 0, 0, NULL, { NULL }, NULL, 0 },
	};
	struct secrets sec = { .key_id = KEY_ID, .secret = SECRET };
	struct profile p;
	struct sink sk = { 0 };
	struct errinfo info;
	const struct got *g;

	fakehttp_serve(s, routes);
	profile_init(&p, s, "sendblue");
	assert_int_equal(pull_with(&provider_sendblue, &p, &sec, 0, NULL, NULL, &sk, &info), ERR_OK);
	assert_int_equal(s->nrecs, 1);	/* fewer than a page: done */
	assert_string_equal(s->recs[0].method, "GET");
	assert_string_equal(s->recs[0].uri, SB_LIST);
	fakehttp_assert_header(&s->recs[0], "sb-api-key-id", KEY_ID);
	fakehttp_assert_header(&s->recs[0], "sb-api-secret-key", SECRET);
	fakehttp_assert_header(&s->recs[0], "Authorization", NULL);

	assert_int_equal(sk.n, 4);
	g = got_phone(&sk, "+15550000001");
	assert_string_equal(g->id, "c-1");
	assert_string_equal(g->first, "Ann");
	assert_string_equal(g->last, "Lee");
	assert_string_equal(g->company, "Acme");
	assert_string_equal(g->custom, "city=Paris;plan=gold");
	assert_string_equal(g->tags, "beta,vip");
	assert_int_equal(g->opt, TRI_FALSE);
	assert_string_equal(g->book, "");
	g = got_phone(&sk, "+15550000002");	/* an old build's camelCase */
	assert_string_equal(g->id, "");	/* no contact_id */
	assert_string_equal(g->first, "Bob");
	assert_string_equal(g->last, "Ray");
	assert_string_equal(g->company, "Old Co");
	assert_string_equal(g->custom, "k=v");
	assert_string_equal(g->tags, "");
	assert_int_equal(g->opt, TRI_TRUE);
	g = got_phone(&sk, "+15550000003");
	assert_string_equal(g->id, "42");	/* a number */
	assert_int_equal(g->opt, TRI_TRUE);
	g = got_phone(&sk, "+15550000004");
	assert_string_equal(g->first, "");
	assert_string_equal(g->custom, "");
	assert_string_equal(g->tags, "");
	assert_int_equal(g->opt, TRI_FALSE);
	assert_int_equal(sk.pdone, 4);
	sink_free(&sk);
}

static void test_sendblue_bearer(void **state)
{
	struct fakehttp *s = *state;
	const struct fakehttp_route routes[] = {
		{ "GET", "/api/v2/contacts?", 0, 200, "[]", { NULL }, NULL, 0 },
		{ NULL, NULL, 0, 0, NULL, { NULL }, NULL, 0 },
	};
	struct secrets sec = { .key = KEY };
	struct profile p;
	struct sink sk = { 0 };
	struct errinfo info;

	fakehttp_serve(s, routes);
	profile_init(&p, s, "sendblue");
	assert_int_equal(pull_with(&provider_sendblue, &p, &sec, 0, NULL, NULL, &sk, &info), ERR_OK);
	assert_int_equal(s->nrecs, 1);
	assert_string_equal(s->recs[0].uri, SB_LIST);
	fakehttp_assert_header(&s->recs[0], "Authorization", "Bearer " KEY);
	fakehttp_assert_header(&s->recs[0], "sb-api-key-id", NULL);
	fakehttp_assert_header(&s->recs[0], "sb-api-secret-key", NULL);
	assert_int_equal(sk.n, 0);
	sink_free(&sk);
}

/*
 * A generated account that the handler pages as sendblue does: sorted by
 * created_at (then by creation), filtered by created_at_gte, offset, limit.
 */
struct sb_account {
	size_t n;
	size_t (*key)(size_t i);	/* the second at which contact i was created */
};

static void sb_stamp(size_t k, char *out, size_t cap)
{
	/* "+00:00" so that a '+' must be sent as %2B */
	snprintf(out, cap, "2024-03-01T%02zu:%02zu:%02zu+00:00", 10 + k / 3600, k / 60 % 60, k % 60);
}

static char *sb_gen(struct fakehttp *s, struct MHD_Connection *c, const struct fakehttp_rec *r,
		    unsigned *status)
{
	const struct sb_account *a = s->ctx;
	const char *gte = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "created_at_gte");
	const char *off = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "offset");
	const char *lim = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "limit");
	const char *ob = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "order_by");
	const char *od = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "order_direction");
	long offset = off ? atol(off) : 0, limit = lim ? atol(lim) : 100;
	json_t *arr;
	char *text;
	size_t i;

	(void)r;
	if (!ob || strcmp(ob, "created_at") || !od || strcmp(od, "asc") || offset > 10000 ||
	    limit < 1) {
		*status = 400;
		return strdup("{\"status\":\"ERROR\",\"message\":\"bad listing query\"}");
	}
	if (limit > 1000)
		limit = 1000;
	arr = json_array();
	for (i = 0; i < a->n && (long)json_array_size(arr) < limit; i++) {
		char stamp[64], phone[32];
		int camel = i % 7 == 3;	/* an old build's keys now and then */

		sb_stamp(a->key(i), stamp, sizeof(stamp));
		if (gte && strcmp(stamp, gte) < 0)
			continue;
		if (offset > 0) {
			offset--;
			continue;
		}
		snprintf(phone, sizeof(phone), "+1555%07zu", i);
		if (camel)
			json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:b}", "phone", phone,
							     "firstName", "Old", "createdAt", stamp,
							     "optOut", 0));
		else
			json_array_append_new(arr, json_pack("{s:I,s:s,s:s,s:s,s:[s]}", "contact_id",
							     (json_int_t)i, "phone", phone,
							     "first_name", "New", "created_at", stamp,
							     "tags", "t"));
	}
	text = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	return text;
}

/* 20 contacts share the second at index 990 (across the first page end),
 * 1200 share the one at index 1200 (across the second page end and more
 * than a page long). */
static size_t key_2500(size_t i)
{
	if (i >= 990 && i < 1010)
		return 990;
	if (i >= 1200 && i < 2400)
		return 1200;
	return i;
}

static size_t key_unique(size_t i)
{
	return i;
}

static void test_sendblue_keyset_shared_stamps(void **state)
{
	struct fakehttp *s = *state;
	struct sb_account acct = { 2500, key_2500 };
	const struct fakehttp_route routes[] = {
		{ "GET", "/api/v2/contacts?", 0, 200, NULL, { NULL }, sb_gen, 0 },
		{ NULL, NULL, 0, 0, NULL, { NULL }, NULL, 0 },
	};
	struct secrets sec = { .key_id = KEY_ID, .secret = SECRET };
	struct profile p;
	struct sink sk = { 0 };
	struct errinfo info;
	char *seen;
	size_t i;

	s->ctx = &acct;
	fakehttp_serve(s, routes);
	profile_init(&p, s, "sendblue");
	assert_int_equal(pull_with(&provider_sendblue, &p, &sec, 0, NULL, NULL, &sk, &info), ERR_OK);

	/* the requests: the first without a boundary, then from the last
	 * timestamp seen, skipping the ones already seen at it */
	assert_int_equal(s->nrecs, 3);
	assert_string_equal(s->recs[0].uri, SB_LIST);
	/* page 1 ends inside the group at second 990 (10 of 20 seen): the
	 * next starts with the last of those, to see that nothing moved */
	assert_string_equal(s->recs[1].uri,
			    SB_LIST "&created_at_gte=2024-03-01T10%3A16%3A30%2B00%3A00&offset=9");
	/* page 2 (999 new) ends inside the group at second 1200 (799 of
	 * 1200 seen) */
	assert_string_equal(s->recs[2].uri,
			    SB_LIST "&created_at_gte=2024-03-01T10%3A20%3A00%2B00%3A00&offset=798");

	/* every contact exactly once */
	assert_int_equal(sk.n, 2500);
	seen = calloc(2500, 1);
	assert_non_null(seen);
	for (i = 0; i < sk.n; i++) {
		unsigned long idx;

		assert_int_equal(sscanf(sk.v[i].raw, "+1555%7lu", &idx), 1);
		assert_true(idx < 2500);
		assert_int_equal(seen[idx], 0);
		seen[idx] = 1;
		if (idx % 7 == 3) {
			assert_string_equal(sk.v[i].first, "Old");
			assert_string_equal(sk.v[i].id, "");
		} else {
			char want[24];

			snprintf(want, sizeof(want), "%lu", idx);
			assert_string_equal(sk.v[i].id, want);
			assert_string_equal(sk.v[i].tags, "t");
		}
	}
	free(seen);
	assert_int_equal(sk.pdone, 2500);
	sink_free(&sk);
	s->ctx = NULL;
}

/* Exactly one full page: the next page is asked for, and holds only the
 * last contact seen. */
static void test_sendblue_full_page_then_empty(void **state)
{
	struct fakehttp *s = *state;
	struct sb_account acct = { 1000, key_unique };
	const struct fakehttp_route routes[] = {
		{ "GET", "/api/v2/contacts?", 0, 200, NULL, { NULL }, sb_gen, 0 },
		{ NULL, NULL, 0, 0, NULL, { NULL }, NULL, 0 },
	};
	struct secrets sec = { .key_id = KEY_ID, .secret = SECRET };
	struct profile p;
	struct sink sk = { 0 };
	struct errinfo info;

	s->ctx = &acct;
	fakehttp_serve(s, routes);
	profile_init(&p, s, "sendblue");
	assert_int_equal(pull_with(&provider_sendblue, &p, &sec, 0, NULL, NULL, &sk, &info), ERR_OK);
	assert_int_equal(s->nrecs, 2);
	assert_string_equal(s->recs[0].uri, SB_LIST);
	/* the last contact, 999, was created at 10:16:39 */
	assert_string_equal(s->recs[1].uri,
			    SB_LIST "&created_at_gte=2024-03-01T10%3A16%3A39%2B00%3A00");
	fakehttp_assert_header(&s->recs[1], "sb-api-key-id", KEY_ID);
	assert_int_equal(sk.n, 1000);
	got_phone(&sk, "+15550000000");
	got_phone(&sk, "+15550000999");
	sink_free(&sk);
	s->ctx = NULL;
}

static void test_sendblue_401(void **state)
{
	struct fakehttp *s = *state;
	const struct fakehttp_route routes[] = {
		{ "GET", "/api/v2/contacts", 0, 401,
		  "{\"status\":\"ERROR\",\"message\":\"bad credentials " KEY_ID "/" SECRET "\"}", { NULL }, NULL, 0 },
		{ NULL, NULL, 0, 0, NULL, { NULL }, NULL, 0 },
	};
	struct secrets sec = { .key_id = KEY_ID, .secret = SECRET };
	struct profile p;
	struct sink sk = { 0 };
	struct errinfo info;

	fakehttp_serve(s, routes);
	profile_init(&p, s, "sendblue");
	assert_int_equal(pull_with(&provider_sendblue, &p, &sec, 0, NULL, NULL, &sk, &info), ERR_AUTH);
	assert_clean_msg(&info);
	assert_non_null(strstr(info.msg, "401"));
	assert_int_equal(s->nrecs, 1);
	assert_int_equal(sk.n, 0);
	sink_free(&sk);
}

static void test_sendblue_500(void **state)
{
	struct fakehttp *s = *state;
	const struct fakehttp_route routes[] = {
		{ "GET", "/api/v2/contacts", 0, 500, "{\"status\":\"ERROR\",\"message\":\"down\"}",
		  { "x-should-retry", "false", NULL }, NULL, 0 },
		{ NULL, NULL, 0, 0, NULL, { NULL }, NULL, 0 },
	};
	const struct fakehttp_route retried[] = {
		{ "GET", "/api/v2/contacts", 0, 503, "{\"status\":\"ERROR\",\"message\":\"down\"}",
		  { "retry-after-ms", "1", NULL }, NULL, 0 },
		{ NULL, NULL, 0, 0, NULL, { NULL }, NULL, 0 },
	};
	struct secrets sec = { .key_id = KEY_ID, .secret = SECRET };
	struct profile p;
	struct sink sk = { 0 };
	struct errinfo info;

	fakehttp_serve(s, routes);
	profile_init(&p, s, "sendblue");
	assert_int_equal(pull_with(&provider_sendblue, &p, &sec, 0, NULL, NULL, &sk, &info), ERR_REMOTE);
	assert_clean_msg(&info);
	assert_non_null(strstr(info.msg, "500"));
	assert_int_equal(s->nrecs, 1);	/* x-should-retry: false */

	fakehttp_serve(s, retried);
	assert_int_equal(pull_with(&provider_sendblue, &p, &sec, 0, NULL, NULL, &sk, &info), ERR_REMOTE);
	assert_clean_msg(&info);
	assert_non_null(strstr(info.msg, "503"));
	assert_int_equal(s->nrecs, PROVIDER_READ_ATTEMPTS);
	assert_int_equal(sk.n, 0);
	sink_free(&sk);
}

static void test_sendblue_truncated_once(void **state)
{
	struct fakehttp *s = *state;
	const struct fakehttp_route routes[] = {
		{ "GET", "/api/v2/contacts?", 1, 200, "[{\"phone\":\"+15550000001\",\"created_", { NULL }, NULL, 0 },
		{ "GET", "/api/v2/contacts?", 0, 200,
		  "[{\"phone\":\"+15550000001\",\"created_at\":\"2024-03-01T10:00:00Z\"},"
		  "{\"phone\":\"+15550000002\",\"created_at\":\"2024-03-01T10:00:00Z\"}]", { NULL }, NULL, 0 },
		{ NULL, NULL, 0, 0, NULL, { NULL }, NULL, 0 },
	};
	struct secrets sec = { .key_id = KEY_ID, .secret = SECRET };
	struct profile p;
	struct sink sk = { 0 };
	struct errinfo info;

	fakehttp_serve(s, routes);
	profile_init(&p, s, "sendblue");
	assert_int_equal(pull_with(&provider_sendblue, &p, &sec, 0, NULL, NULL, &sk, &info), ERR_OK);
	assert_int_equal(s->nrecs, 2);
	assert_string_equal(s->recs[1].uri, SB_LIST);	/* the same page again */
	assert_int_equal(sk.n, 2);
	got_phone(&sk, "+15550000001");
	got_phone(&sk, "+15550000002");
	sink_free(&sk);
}

static void test_sendblue_wrong_shape(void **state)
{
	struct fakehttp *s = *state;
	static const char *const bodies[] = {
		"{\"data\":\"nope\"}", "42", "{\"contacts\":[],\"status\":\"OK\"}", "\"[]\"", "null",
	};
	struct secrets sec = { .key_id = KEY_ID, .secret = SECRET };
	struct profile p;
	struct errinfo info;
	size_t i;

	profile_init(&p, s, "sendblue");
	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		struct fakehttp_route routes[] = {
			{ "GET", "/api/v2/contacts", 0, 200, bodies[i], { NULL }, NULL, 0 },
			{ NULL, NULL, 0, 0, NULL, { NULL }, NULL, 0 },
		};
		struct sink sk = { 0 };

		fakehttp_serve(s, routes);
		assert_int_equal(pull_with(&provider_sendblue, &p, &sec, 0, NULL, NULL, &sk, &info),
				 ERR_REMOTE);
		assert_clean_msg(&info);
		assert_true(strstr(info.msg, "not a list") || strstr(info.msg, "not valid JSON"));
		assert_int_equal(sk.n, 0);
		sink_free(&sk);
	}
	fakehttp_serve(s, NULL);
}

/* ---- atom ------------------------------------------------------------------- */

/* The desired side of a sync, for needs-detail decisions. */
struct desired_set {
	struct contact c[4];
	size_t n;
	char asked[8][24];	/* the E.164 numbers the driver asked about */
	size_t nasked;
};

static const struct contact *desired_lookup(void *ctx, const char *e164)
{
	struct desired_set *d = ctx;
	size_t i;

	if (d->nasked < 8)
		snprintf(d->asked[d->nasked++], sizeof(d->asked[0]), "%s", e164);
	for (i = 0; i < d->n; i++)
		if (!strcmp(d->c[i].phone, e164))
			return &d->c[i];
	return NULL;
}

static int asked(const struct desired_set *d, const char *e164)
{
	size_t i;

	for (i = 0; i < d->nasked; i++)
		if (!strcmp(d->asked[i], e164))
			return 1;
	return 0;
}

static void desired_add(struct desired_set *d, const char *e164, const char *first,
			const char *last)
{
	struct contact *c = &d->c[d->n++];

	contact_init(c);
	snprintf(c->phone, sizeof(c->phone), "%s", e164);
	c->first_name = S(first);
	c->last_name = S(last);
}

/* /api/contact/detail for the ids 501..505, id as number or string. */
static char *atom_contact_gen(struct fakehttp *s, struct MHD_Connection *c, const struct fakehttp_rec *r,
			      unsigned *status)
{
	static const struct {
		const char *id, *first, *last, *company, *phone, *c1, *c2, *c3;
	} book[] = {
		{ "501", "Ann", "Lee", "Acme", "+61412345671", "gold", "", "ignored" },
		{ "502", "Bob", "Ray", "", "+61412345672", "", "t2", "" },
		{ "503", "Cat", "Kim", "Kim Pty", "0412345678", "silver", "t1", "" },
		{ "504", "Dan", "Ng", "", "61412345674", "", "", "" },
		{ "505", "Eve", "Oh", "", "+61412345675", "", "", "" },
	};
	char id[32];
	size_t i;

	(void)s;
	(void)c;
	body_id(r, id, sizeof(id));
	for (i = 0; i < sizeof(book) / sizeof(book[0]); i++) {
		json_t *o;
		char *text;

		if (strcmp(book[i].id, id))
			continue;
		/* ids come back as numbers for some, strings for others */
		o = json_pack("{s:s,s:{s:{s:o,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:n}}}", "status", "success",
			      "result", "contact", "id",
			      i % 2 ? json_string(book[i].id) : json_integer(atoi(book[i].id)),
			      "first_name", book[i].first, "last_name", book[i].last, "company",
			      book[i].company, "phone_number", book[i].phone, "custom_1", book[i].c1,
			      "custom_2", book[i].c2, "custom_3", book[i].c3, "custom_4");
		text = json_dumps(o, JSON_COMPACT);
		json_decref(o);
		return text;
	}
	*status = 404;
	return strdup("{\"status\":\"error\",\"message\":\"not found\",\"code\":\"not_found\"}");
}

static const char atom_books_bare[] =
	"{\"status\":\"success\",\"result\":[{\"id\":11,\"name\":\"Other\"},"
	"{\"id\":\"12\",\"name\":\"Customers\"},{\"id\":13,\"name\":\"Customers old\"}]}";
static const char atom_book12[] =
	"{\"status\":\"success\",\"result\":{\"id\":\"12\",\"name\":\"Customers\",\"contacts\":["
	"{\"id\":501,\"first_name\":\"Ann\",\"last_name\":\"Lee\",\"phone_number\":\"+61412345671\"},"
	"{\"id\":\"502\",\"first_name\":\"Bob\",\"last_name\":\"Ray\",\"phone_number\":\"+61412345672\"},"
	"{\"id\":503,\"first_name\":\"Cat\",\"last_name\":\"Kim\",\"phone_number\":\"0412345678\"},"
	"{\"id\":\"504\",\"first_name\":\"Dan\",\"last_name\":\"Ng\",\"phone_number\":\"61412345674\"}"
	"]}}";

/*
 * Book by name from a bare array; details only for contacts whose listed
 * names differ from the desired ones (a national number is looked up in
 * E.164 with the profile's region).
 */
static void test_atom_book_by_name_details_where_names_differ(void **state)
{
	struct fakehttp *s = *state;
	const struct fakehttp_route routes[] = {
		{ "POST", "/api/address-book/list", 0, 200, atom_books_bare, { NULL }, NULL, 0 },
		{ "POST", "/api/address-book/detail", 0, 200, atom_book12, { NULL }, NULL, 0 },
		{ "POST", "/api/contact/detail", 0, 200, NULL, { NULL }, atom_contact_gen, 0 },
		{ NULL, NULL, 0, 0, NULL, { NULL }, NULL, 0 },
	};
	struct secrets sec = { .key = KEY };
	struct desired_set want = { .n = 0 };
	struct profile p;
	struct sink sk = { 0 };
	struct errinfo info;
	const struct got *g;
	char id[32];
	size_t i;

	desired_add(&want, "+61412345671", "Ann", "Lee");	/* same: no detail */
	desired_add(&want, "+61412345672", "Bob", "Rae");	/* last differs */
	desired_add(&want, "+61412345678", "Kat", "");	/* first differs; listed nationally */
	/* 504 is not desired: nothing to compare */
	fakehttp_serve(s, routes);
	profile_init(&p, s, "atom");
	p.address_book = "Customers";
	strcpy(p.region, "AU");
	p.custom_slots[0] = "plan";
	p.custom_slots[1] = "tier";
	p.nslots = 2;
	assert_int_equal(pull_with(&provider_atom, &p, &sec, 0, desired_lookup, &want, &sk, &info),
			 ERR_OK);

	/* the requests: every one a POST with a JSON body and the token */
	assert_int_equal(s->unmatched, 0);
	assert_int_equal(s->nrecs, 4);
	for (i = 0; i < s->nrecs; i++) {
		char ct[64];

		assert_string_equal(s->recs[i].method, "POST");
		fakehttp_assert_header(&s->recs[i], "Authorization", "Bearer " KEY);
		assert_non_null(fakehttp_header(&s->recs[i], "Content-Type", ct, sizeof(ct)));
		assert_non_null(strstr(ct, "application/json"));
	}
	assert_string_equal(s->recs[0].uri, "/api/address-book/list");
	assert_string_equal(s->recs[0].body, "{}");
	assert_string_equal(s->recs[1].uri, "/api/address-book/detail");
	body_id(&s->recs[1], id, sizeof(id));
	assert_string_equal(id, "12");
	assert_int_equal(count_req(s, "POST", "/api/contact/detail"), 2);
	{
		char a[32], b[32];

		body_id(&s->recs[2], a, sizeof(a));
		body_id(&s->recs[3], b, sizeof(b));
		assert_true((!strcmp(a, "502") && !strcmp(b, "503")) ||
			    (!strcmp(a, "503") && !strcmp(b, "502")));
	}
	assert_true(asked(&want, "+61412345678"));	/* 0412345678 in AU */

	assert_int_equal(sk.n, 4);
	g = got_phone(&sk, "+61412345671");
	assert_int_equal(g->partial, 1);	/* names only */
	assert_string_equal(g->id, "501");
	assert_string_equal(g->book, "12");
	assert_string_equal(g->first, "Ann");
	assert_string_equal(g->last, "Lee");
	assert_int_equal(g->opt, TRI_FALSE);
	g = got_phone(&sk, "+61412345672");
	assert_int_equal(g->partial, 0);	/* from the detail */
	assert_string_equal(g->id, "502");
	assert_string_equal(g->book, "12");
	assert_string_equal(g->custom, "tier=t2");
	g = got_phone(&sk, "0412345678");
	assert_int_equal(g->partial, 0);
	assert_string_equal(g->id, "503");
	assert_string_equal(g->first, "Cat");
	assert_string_equal(g->company, "Kim Pty");
	assert_string_equal(g->custom, "plan=silver;tier=t1");	/* custom_3: no slot */
	assert_string_equal(g->book, "12");
	g = got_phone(&sk, "61412345674");
	assert_int_equal(g->partial, 1);
	assert_string_equal(g->id, "504");
	sink_free(&sk);
	for (i = 0; i < want.n; i++)
		contact_free(&want.c[i]);
}

/* Without a desired set, no detail at all. */
static void test_atom_no_desired_no_detail(void **state)
{
	struct fakehttp *s = *state;
	const struct fakehttp_route routes[] = {
		{ "POST", "/api/address-book/list", 0, 200, atom_books_bare, { NULL }, NULL, 0 },
		{ "POST", "/api/address-book/detail", 0, 200, atom_book12, { NULL }, NULL, 0 },
		{ "POST", "/api/contact/detail", 0, 200, NULL, { NULL }, atom_contact_gen, 0 },
		{ NULL, NULL, 0, 0, NULL, { NULL }, NULL, 0 },
	};
	struct secrets sec = { .key = KEY };
	struct profile p;
	struct sink sk = { 0 };
	struct errinfo info;
	size_t i;

	fakehttp_serve(s, routes);
	profile_init(&p, s, "atom");
	p.address_book = "Customers";
	strcpy(p.region, "AU");
	assert_int_equal(pull_with(&provider_atom, &p, &sec, 0, NULL, NULL, &sk, &info), ERR_OK);
	assert_int_equal(s->nrecs, 2);
	assert_int_equal(count_req(s, NULL, "/api/contact/detail"), 0);
	assert_int_equal(sk.n, 4);
	for (i = 0; i < sk.n; i++) {
		assert_int_equal(sk.v[i].partial, 1);
		assert_string_equal(sk.v[i].book, "12");
	}
	sink_free(&sk);
}

/* Books as an object holding the array, chosen by id; --deep reads every
 * contact's detail. */
/* A contact id holding '"' and '\' goes back in the detail request as
 * that id, in valid JSON (it was pasted into the body as it was). */
static void test_atom_detail_id_escaped(void **state)
{
	struct fakehttp *s = *state;
	const struct fakehttp_route routes[] = {
		{ "POST", "/api/address-book/list", 0, 200,
		  "{\"status\":\"success\",\"result\":[{\"id\":\"78\",\"name\":\"Customers\"}]}", { NULL },
		  NULL, 0 },
		{ "POST", "/api/address-book/detail", 0, 200,
		  "{\"status\":\"success\",\"result\":{\"id\":78,\"contacts\":["
		  "{\"id\":\"5\\\"0\\\\6\",\"first_name\":\"Cat\",\"phone_number\":\"+61412345678\"}]}}",
		  { NULL }, NULL, 0 },
		{ "POST", "/api/contact/detail", 0, 200,
		  "{\"status\":\"success\",\"result\":{\"contact\":{\"id\":\"5\\\"0\\\\6\","
		  "\"first_name\":\"Cat\",\"phone_number\":\"+61412345678\"}}}", { NULL }, NULL, 0 },
		{ NULL, NULL, 0, 0, NULL, { NULL }, NULL, 0 },
	};
	struct secrets sec = { .key = KEY };
	struct profile p;
	struct sink sk = { 0 };
	struct errinfo info;
	char id[32];

	fakehttp_serve(s, routes);
	profile_init(&p, s, "atom");
	p.address_book = "78";
	assert_int_equal(pull_with(&provider_atom, &p, &sec, 1, NULL, NULL, &sk, &info), ERR_OK);
	assert_int_equal(count_req(s, "POST", "/api/contact/detail"), 1);
	assert_string_equal(s->recs[2].uri, "/api/contact/detail");
	body_id(&s->recs[2], id, sizeof(id));
	assert_string_equal(id, "5\"0\\6");
	assert_int_equal(sk.n, 1);
	sink_free(&sk);
}

static void test_atom_book_by_id_object_deep(void **state)
{
	struct fakehttp *s = *state;
	const struct fakehttp_route routes[] = {
		{ "POST", "/api/address-book/list", 0, 200,
		  "{\"status\":\"success\",\"result\":{\"address_books\":[{\"id\":\"77\",\"name\":\"Staff\"},"
		  "{\"id\":78,\"name\":\"Customers\"}],\"total\":2}}", { NULL }, NULL, 0 },
		{ "POST", "/api/address-book/detail", 0, 200,
		  "{\"status\":\"success\",\"result\":{\"id\":78,\"name\":\"Customers\",\"contacts\":["
		  "{\"id\":\"503\",\"first_name\":\"Cat\",\"last_name\":\"Kim\",\"phone_number\":\"0412345678\"},"
		  "{\"id\":505,\"first_name\":\"Eve\",\"last_name\":\"Oh\",\"phone_number\":\"+61412345675\"},"
		  "{\"id\":501,\"first_name\":\"Ann\",\"last_name\":\"Lee\",\"phone_number\":\"+61412345671\"}"
		  "]}}", { NULL }, NULL, 0 },
		{ "POST", "/api/contact/detail", 0, 200, NULL, { NULL }, atom_contact_gen, 0 },
		{ NULL, NULL, 0, 0, NULL, { NULL }, NULL, 0 },
	};
	struct secrets sec = { .key = KEY };
	struct profile p;
	struct sink sk = { 0 };
	struct errinfo info;
	const struct got *g;
	char id[32];
	size_t i;
	int seen[3] = { 0, 0, 0 };

	fakehttp_serve(s, routes);
	profile_init(&p, s, "atom");
	p.address_book = "78";	/* the id, which the server sends as a number */
	strcpy(p.region, "AU");
	p.custom_slots[0] = "plan";
	p.nslots = 1;
	assert_int_equal(pull_with(&provider_atom, &p, &sec, 1, NULL, NULL, &sk, &info), ERR_OK);
	assert_int_equal(s->nrecs, 5);
	assert_string_equal(s->recs[1].uri, "/api/address-book/detail");
	body_id(&s->recs[1], id, sizeof(id));
	assert_string_equal(id, "78");
	assert_int_equal(count_req(s, "POST", "/api/contact/detail"), 3);
	for (i = 2; i < 5; i++) {
		body_id(&s->recs[i], id, sizeof(id));
		if (!strcmp(id, "503"))
			seen[0]++;
		else if (!strcmp(id, "505"))
			seen[1]++;
		else if (!strcmp(id, "501"))
			seen[2]++;
	}
	assert_true(seen[0] == 1 && seen[1] == 1 && seen[2] == 1);
	assert_int_equal(sk.n, 3);
	for (i = 0; i < sk.n; i++) {
		assert_int_equal(sk.v[i].partial, 0);
		assert_string_equal(sk.v[i].book, "78");
	}
	g = got_phone(&sk, "+61412345671");
	assert_string_equal(g->id, "501");
	assert_string_equal(g->company, "Acme");
	/* a slot the profile does not name keeps its own name */
	assert_string_equal(g->custom, "custom_3=ignored;plan=gold");
	g = got_phone(&sk, "0412345678");
	assert_string_equal(g->id, "503");
	assert_string_equal(g->custom, "custom_2=t1;plan=silver");
	sink_free(&sk);
}

static void test_atom_unknown_book(void **state)
{
	struct fakehttp *s = *state;
	const struct fakehttp_route routes[] = {
		{ "POST", "/api/address-book/list", 0, 200, atom_books_bare, { NULL }, NULL, 0 },
		{ NULL, NULL, 0, 0, NULL, { NULL }, NULL, 0 },
	};
	struct secrets sec = { .key = KEY };
	struct profile p;
	struct sink sk = { 0 };
	struct errinfo info;

	fakehttp_serve(s, routes);
	profile_init(&p, s, "atom");
	p.address_book = "Customerz";
	assert_int_equal(pull_with(&provider_atom, &p, &sec, 0, NULL, NULL, &sk, &info), ERR_CONFIG);
	assert_clean_msg(&info);
	assert_non_null(strstr(info.msg, "'Customerz'"));
	assert_int_equal(s->nrecs, 1);
	assert_int_equal(sk.n, 0);

	/* a prefix of a name is not that name, nor is a prefix of an id */
	p.address_book = "Custom";
	assert_int_equal(pull_with(&provider_atom, &p, &sec, 0, NULL, NULL, &sk, &info), ERR_CONFIG);
	assert_non_null(strstr(info.msg, "'Custom'"));
	p.address_book = "1";
	assert_int_equal(pull_with(&provider_atom, &p, &sec, 0, NULL, NULL, &sk, &info), ERR_CONFIG);
	sink_free(&sk);
}

static void test_atom_403(void **state)
{
	struct fakehttp *s = *state;
	const struct fakehttp_route routes[] = {
		{ "POST", "/api/address-book/list", 0, 403,
		  "{\"status\":\"error\",\"message\":\"token " KEY " is not allowed\",\"code\":\"forbidden\"}",
		  { NULL }, NULL, 0 },
		{ NULL, NULL, 0, 0, NULL, { NULL }, NULL, 0 },
	};
	const struct fakehttp_route plain[] = {
		{ "POST", "/api/address-book/list", 0, 403, "Forbidden", { NULL }, NULL, 0 },
		{ NULL, NULL, 0, 0, NULL, { NULL }, NULL, 0 },
	};
	struct secrets sec = { .key = KEY };
	struct profile p;
	struct sink sk = { 0 };
	struct errinfo info;

	fakehttp_serve(s, routes);
	profile_init(&p, s, "atom");
	p.address_book = "Customers";
	assert_int_equal(pull_with(&provider_atom, &p, &sec, 0, NULL, NULL, &sk, &info), ERR_AUTH);
	assert_clean_msg(&info);
	assert_non_null(strstr(info.msg, "403"));
	assert_int_equal(s->nrecs, 1);

	/* an error body that is not JSON (tolerated) */
	fakehttp_serve(s, plain);
	assert_int_equal(pull_with(&provider_atom, &p, &sec, 0, NULL, NULL, &sk, &info), ERR_AUTH);
	assert_clean_msg(&info);
	assert_int_equal(sk.n, 0);
	sink_free(&sk);
}

static void test_atom_500(void **state)
{
	struct fakehttp *s = *state;
	const struct fakehttp_route routes[] = {
		{ "POST", "/api/address-book/list", 0, 200, atom_books_bare, { NULL }, NULL, 0 },
		{ "POST", "/api/address-book/detail", 0, 500,
		  "{\"status\":\"error\",\"message\":\"oops\",\"code\":\"internal\"}",
		  { "x-should-retry", "false", NULL }, NULL, 0 },
		{ NULL, NULL, 0, 0, NULL, { NULL }, NULL, 0 },
	};
	const struct fakehttp_route detail500[] = {
		{ "POST", "/api/address-book/list", 0, 200, atom_books_bare, { NULL }, NULL, 0 },
		{ "POST", "/api/address-book/detail", 0, 200, atom_book12, { NULL }, NULL, 0 },
		{ "POST", "/api/contact/detail", 0, 500, "", { "retry-after-ms", "1", NULL }, NULL, 0 },
		{ NULL, NULL, 0, 0, NULL, { NULL }, NULL, 0 },
	};
	struct secrets sec = { .key = KEY };
	struct profile p;
	struct sink sk = { 0 };
	struct errinfo info;

	fakehttp_serve(s, routes);
	profile_init(&p, s, "atom");
	p.address_book = "Customers";
	p.rate = "0";	/* the retries below need more than atom's 10/s burst */
	assert_int_equal(pull_with(&provider_atom, &p, &sec, 0, NULL, NULL, &sk, &info), ERR_REMOTE);
	assert_clean_msg(&info);
	assert_non_null(strstr(info.msg, "500"));
	assert_int_equal(count_req(s, NULL, "/api/address-book/detail"), 1);
	assert_int_equal(sk.n, 0);

	/* a contact detail failing on every attempt fails the pull */
	fakehttp_serve(s, detail500);
	assert_int_equal(pull_with(&provider_atom, &p, &sec, 1, NULL, NULL, &sk, &info), ERR_REMOTE);
	assert_clean_msg(&info);
	assert_non_null(strstr(info.msg, "500"));
	assert_true(count_req(s, NULL, "/api/contact/detail") >= PROVIDER_READ_ATTEMPTS);
	sink_free(&sk);
}

/* A body cut short once on each kind of request: read again, all there. */
static void test_atom_truncated_once(void **state)
{
	struct fakehttp *s = *state;
	const struct fakehttp_route routes[] = {
		{ "POST", "/api/address-book/list", 1, 200, "{\"status\":\"success\",\"result\":[{\"id\":1", { NULL }, NULL, 0 },
		{ "POST", "/api/address-book/list", 0, 200, atom_books_bare, { NULL }, NULL, 0 },
		{ "POST", "/api/address-book/detail", 1, 200, "{\"status\":\"success\",\"result\":{\"id\":\"12\",\"con", { NULL }, NULL, 0 },
		{ "POST", "/api/address-book/detail", 0, 200, atom_book12, { NULL }, NULL, 0 },
		{ "POST", "/api/contact/detail", 1, 200, "{\"status\":\"success\",\"result\":{\"contact\":{\"id\":5", { NULL }, NULL, 0 },
		{ "POST", "/api/contact/detail", 0, 200, NULL, { NULL }, atom_contact_gen, 0 },
		{ NULL, NULL, 0, 0, NULL, { NULL }, NULL, 0 },
	};
	struct secrets sec = { .key = KEY };
	struct desired_set want = { .n = 0 };
	struct profile p;
	struct sink sk = { 0 };
	struct errinfo info;

	desired_add(&want, "+61412345672", "Robert", "Ray");
	fakehttp_serve(s, routes);
	profile_init(&p, s, "atom");
	p.address_book = "Customers";
	strcpy(p.region, "AU");
	assert_int_equal(pull_with(&provider_atom, &p, &sec, 0, desired_lookup, &want, &sk, &info),
			 ERR_OK);
	assert_int_equal(count_req(s, NULL, "/api/address-book/list"), 2);
	assert_int_equal(count_req(s, NULL, "/api/address-book/detail"), 2);
	assert_int_equal(count_req(s, NULL, "/api/contact/detail"), 2);
	assert_int_equal(sk.n, 4);
	assert_int_equal(got_phone(&sk, "+61412345672")->partial, 0);
	assert_int_equal(got_phone(&sk, "+61412345671")->partial, 1);
	sink_free(&sk);
	contact_free(&want.c[0]);
}

/* Valid JSON of the wrong shape where the driver notices it today. */
static void test_atom_wrong_shape(void **state)
{
	struct fakehttp *s = *state;
	const struct fakehttp_route no_result[] = {
		{ "POST", "/api/address-book/list", 0, 200, "{\"data\":\"nope\"}", { NULL }, NULL, 0 },
		{ NULL, NULL, 0, 0, NULL, { NULL }, NULL, 0 },
	};
	const struct fakehttp_route number[] = {
		{ "POST", "/api/address-book/list", 0, 200, "42", { NULL }, NULL, 0 },
		{ NULL, NULL, 0, 0, NULL, { NULL }, NULL, 0 },
	};
	struct desired_set want = { .n = 0 };
	const struct fakehttp_route no_contact[] = {
		{ "POST", "/api/address-book/list", 0, 200, atom_books_bare, { NULL }, NULL, 0 },
		{ "POST", "/api/address-book/detail", 0, 200, atom_book12, { NULL }, NULL, 0 },
		{ "POST", "/api/contact/detail", 0, 200, "{\"status\":\"success\",\"result\":{\"contact\":5}}", { NULL }, NULL, 0 },
		{ NULL, NULL, 0, 0, NULL, { NULL }, NULL, 0 },
	};
	struct secrets sec = { .key = KEY };
	struct profile p;
	struct sink sk = { 0 };
	struct errinfo info;

	profile_init(&p, s, "atom");
	p.address_book = "Customers";
	strcpy(p.region, "AU");
	p.rate = "0";

	fakehttp_serve(s, no_result);
	assert_int_equal(pull_with(&provider_atom, &p, &sec, 0, NULL, NULL, &sk, &info), ERR_REMOTE);
	assert_clean_msg(&info);
	assert_non_null(strstr(info.msg, "result"));

	fakehttp_serve(s, number);
	assert_int_equal(pull_with(&provider_atom, &p, &sec, 0, NULL, NULL, &sk, &info), ERR_REMOTE);
	assert_clean_msg(&info);

	/* one contact needs its detail (its desired last name differs); the
	 * answer has no contact: re-fetched PROVIDER_READ_TRIES times, then an error */
	desired_add(&want, "+61412345672", "Bob", "Rae");
	fakehttp_serve(s, no_contact);
	assert_int_equal(pull_with(&provider_atom, &p, &sec, 0, desired_lookup, &want, &sk, &info),
			 ERR_REMOTE);
	assert_clean_msg(&info);
	assert_non_null(strstr(info.msg, "no contact"));
	assert_int_equal(count_req(s, NULL, "/api/contact/detail"), PROVIDER_READ_TRIES);
	/* the others, partial, may have reached the sink before: never 502 */
	for (size_t i = 0; i < sk.n; i++)
		assert_string_not_equal(sk.v[i].id, "502");
	sink_free(&sk);
	contact_free(&want.c[0]);
	fakehttp_serve(s, NULL);
}

/*
 * A book detail whose `contacts` is not a list is ERR_REMOTE (atom.c,
 * book_contacts): guards against taking it as an empty book (ERR_OK, no
 * contact), after which a sync would plan to create every contact again.
 */
static void test_atom_book_contacts_not_a_list(void **state)
{
	struct fakehttp *s = *state;
	static const char *const bodies[] = {
		"{\"status\":\"success\",\"result\":{\"id\":\"12\",\"name\":\"Customers\",\"contacts\":5}}",
		"{\"status\":\"success\",\"result\":{\"id\":\"12\",\"name\":\"Customers\",\"contacts\":\"nope\"}}",
		"{\"status\":\"success\",\"result\":{\"id\":\"12\",\"name\":\"Customers\"}}",
		"{\"status\":\"success\",\"result\":42}",
	};
	struct secrets sec = { .key = KEY };
	struct profile p;
	struct errinfo info;
	size_t i;

	profile_init(&p, s, "atom");
	p.address_book = "Customers";
	p.rate = "0";
	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		struct fakehttp_route routes[] = {
			{ "POST", "/api/address-book/list", 0, 200, atom_books_bare, { NULL }, NULL, 0 },
			{ "POST", "/api/address-book/detail", 0, 200, bodies[i], { NULL }, NULL, 0 },
			{ NULL, NULL, 0, 0, NULL, { NULL }, NULL, 0 },
		};
		struct sink sk = { 0 };

		fakehttp_serve(s, routes);
		assert_int_equal(pull_with(&provider_atom, &p, &sec, 0, NULL, NULL, &sk, &info),
				 ERR_REMOTE);
		assert_clean_msg(&info);
		assert_int_equal(sk.n, 0);
		sink_free(&sk);
	}
	fakehttp_serve(s, NULL);
}

/*
 * A book list whose `result` holds no list at all (a number, a string) is
 * ERR_REMOTE (atom.c, books_find; an empty list stays ERR_CONFIG): guards
 * against reporting it as ERR_CONFIG "no address book 'X' in the
 * account", which would send the user to fix a configuration that is right.
 */
static void test_atom_book_list_not_a_list(void **state)
{
	struct fakehttp *s = *state;
	static const char *const bodies[] = {
		"{\"status\":\"success\",\"result\":42}",
		"{\"status\":\"success\",\"result\":\"nope\"}",
		"{\"status\":\"success\",\"result\":{\"books\":\"nope\"}}",
	};
	struct secrets sec = { .key = KEY };
	struct profile p;
	struct errinfo info;
	size_t i;

	profile_init(&p, s, "atom");
	p.address_book = "Customers";
	p.rate = "0";
	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		struct fakehttp_route routes[] = {
			{ "POST", "/api/address-book/list", 0, 200, bodies[i], { NULL }, NULL, 0 },
			{ NULL, NULL, 0, 0, NULL, { NULL }, NULL, 0 },
		};
		struct sink sk = { 0 };

		fakehttp_serve(s, routes);
		assert_int_equal(pull_with(&provider_atom, &p, &sec, 0, NULL, NULL, &sk, &info),
				 ERR_REMOTE);
		assert_clean_msg(&info);
		sink_free(&sk);
	}
	fakehttp_serve(s, NULL);
}

/*
 * The sink's error stops the listing, and the detail requests already
 * queued when it failed still run to be freed (atom.c, atom_pull). Guards,
 * under ASan/LeakSanitizer, against leaving them unrun: their `struct
 * detail_req` would leak (pointing at atom_pull's stack) when the session
 * is closed.
 */
static void test_atom_sink_error(void **state)
{
	struct fakehttp *s = *state;
	const struct fakehttp_route routes[] = {
		{ "POST", "/api/address-book/list", 0, 200, atom_books_bare, { NULL }, NULL, 0 },
		{ "POST", "/api/address-book/detail", 0, 200, atom_book12, { NULL }, NULL, 0 },
		{ "POST", "/api/contact/detail", 0, 200, NULL, { NULL }, atom_contact_gen, 0 },
		{ NULL, NULL, 0, 0, NULL, { NULL }, NULL, 0 },
	};
	struct secrets sec = { .key = KEY };
	struct desired_set want = { .n = 0 };
	struct profile p;
	struct sink sk = { .fail_at = 1 };
	struct errinfo info;

	desired_add(&want, "+61412345671", "Ann", "Other");	/* 501: queued for detail */
	fakehttp_serve(s, routes);
	profile_init(&p, s, "atom");
	p.address_book = "Customers";
	strcpy(p.region, "AU");
	/* 501 is queued, 502 (listed, not desired) reaches the sink, which refuses */
	assert_int_equal(pull_with(&provider_atom, &p, &sec, 0, desired_lookup, &want, &sk, &info),
			 ERR_LIMIT);
	assert_string_equal(info.msg, "the sink is full");
	assert_int_equal(sk.n, 0);
	sink_free(&sk);
	contact_free(&want.c[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_altum_project),
		cmocka_unit_test(test_atom_project),
		cmocka_unit_test(test_sendblue_project),
		cmocka_unit_test_setup_teardown(test_altum_pages_and_quirks, fakehttp_setup, fakehttp_teardown),
		cmocka_unit_test_setup_teardown(test_altum_meta_total_and_strings, fakehttp_setup, fakehttp_teardown),
		cmocka_unit_test_setup_teardown(test_altum_empty, fakehttp_setup, fakehttp_teardown),
		cmocka_unit_test_setup_teardown(test_altum_401, fakehttp_setup, fakehttp_teardown),
		cmocka_unit_test_setup_teardown(test_altum_500_every_attempt, fakehttp_setup, fakehttp_teardown),
		cmocka_unit_test_setup_teardown(test_altum_500_later_page_no_retry, fakehttp_setup, fakehttp_teardown),
		cmocka_unit_test_setup_teardown(test_altum_changed_while_listed, fakehttp_setup, fakehttp_teardown),
		cmocka_unit_test_setup_teardown(test_altum_full_page_without_meta, fakehttp_setup, fakehttp_teardown),
		cmocka_unit_test_setup_teardown(test_altum_truncated_once, fakehttp_setup, fakehttp_teardown),
		cmocka_unit_test_setup_teardown(test_altum_wrong_shape, fakehttp_setup, fakehttp_teardown),
		cmocka_unit_test_setup_teardown(test_altum_sink_error, fakehttp_setup, fakehttp_teardown),
		cmocka_unit_test_setup_teardown(test_sendblue_request_and_quirks, fakehttp_setup, fakehttp_teardown),
		cmocka_unit_test_setup_teardown(test_sendblue_bearer, fakehttp_setup, fakehttp_teardown),
		cmocka_unit_test_setup_teardown(test_sendblue_keyset_shared_stamps, fakehttp_setup, fakehttp_teardown),
		cmocka_unit_test_setup_teardown(test_sendblue_full_page_then_empty, fakehttp_setup, fakehttp_teardown),
		cmocka_unit_test_setup_teardown(test_sendblue_401, fakehttp_setup, fakehttp_teardown),
		cmocka_unit_test_setup_teardown(test_sendblue_500, fakehttp_setup, fakehttp_teardown),
		cmocka_unit_test_setup_teardown(test_sendblue_truncated_once, fakehttp_setup, fakehttp_teardown),
		cmocka_unit_test_setup_teardown(test_sendblue_wrong_shape, fakehttp_setup, fakehttp_teardown),
		cmocka_unit_test_setup_teardown(test_atom_book_by_name_details_where_names_differ, fakehttp_setup, fakehttp_teardown),
		cmocka_unit_test_setup_teardown(test_atom_no_desired_no_detail, fakehttp_setup, fakehttp_teardown),
		cmocka_unit_test_setup_teardown(test_atom_book_by_id_object_deep, fakehttp_setup, fakehttp_teardown),
		cmocka_unit_test_setup_teardown(test_atom_detail_id_escaped, fakehttp_setup, fakehttp_teardown),
		cmocka_unit_test_setup_teardown(test_atom_unknown_book, fakehttp_setup, fakehttp_teardown),
		cmocka_unit_test_setup_teardown(test_atom_403, fakehttp_setup, fakehttp_teardown),
		cmocka_unit_test_setup_teardown(test_atom_500, fakehttp_setup, fakehttp_teardown),
		cmocka_unit_test_setup_teardown(test_atom_truncated_once, fakehttp_setup, fakehttp_teardown),
		cmocka_unit_test_setup_teardown(test_atom_wrong_shape, fakehttp_setup, fakehttp_teardown),
		cmocka_unit_test_setup_teardown(test_atom_book_contacts_not_a_list, fakehttp_setup, fakehttp_teardown),
		cmocka_unit_test_setup_teardown(test_atom_book_list_not_a_list, fakehttp_setup, fakehttp_teardown),
		cmocka_unit_test_setup_teardown(test_atom_sink_error, fakehttp_setup, fakehttp_teardown),
	};
	int rc;

	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
