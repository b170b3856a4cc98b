/* runlog: a record of each push, sync and migrate in the store's "runs" table. */
#include "runlog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TABLE STORE_RUNS
#define KEY_MAX 512

static size_t make_key(char *key, const char *profile, const char *id)
{
	size_t pl = strlen(profile), il = id ? strlen(id) : 0;

	if (pl + 1 + il > KEY_MAX)
		return 0;
	memcpy(key, profile, pl);
	key[pl] = '\0';
	memcpy(key + pl + 1, id ? id : "", il);
	return pl + 1 + il;
}

time_t runlog_id(char *out, size_t cap)
{
	struct timespec ts;
	struct tm tm;
	char stamp[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%S", &tm);
	snprintf(out, cap, "%s.%03ldZ-%ld", stamp, ts.tv_nsec / 1000000, (long)getpid());
	return ts.tv_sec;
}

void runlog_time(char *out, size_t cap, time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static json_t *borrowed(json_t *j)
{
	return j ? json_incref(j) : json_null();
}

json_t *runlog_path(const char *path)
{
	char *abs;
	json_t *j;

	if (!path)
		return json_null();
	abs = realpath(path, NULL);
	j = json_string(abs ? abs : path);
	free(abs);
	return j;
}

json_t *runlog_record(const struct runlog_run *r)
{
	json_t *o = json_object();
	char start[32], end[32];

	if (!o)
		return NULL;
	runlog_time(start, sizeof(start), r->start);
	runlog_time(end, sizeof(end), r->end);
	json_object_set_new(o, "id", json_string(r->id));
	json_object_set_new(o, "command", json_string(r->command));
	json_object_set_new(o, "profile", json_string(r->profile));
	json_object_set_new(o, "provider", json_string(r->provider));
	json_object_set_new(o, "start", json_string(start));
	json_object_set_new(o, "end", json_string(end));
	json_object_set_new(o, "duration_s", json_integer((json_int_t)(r->end - r->start)));
	json_object_set_new(o, "exit_status", json_integer(r->exit_status));
	json_object_set_new(o, "import", borrowed(r->import));
	json_object_set_new(o, "pull", borrowed(r->pull));
	json_object_set_new(o, "push", borrowed(r->push));
	if (r->migrate)
		json_object_set_new(o, "migrate", borrowed(r->migrate));
	json_object_set_new(o, "results", runlog_path(r->results));
	return o;
}

enum err runlog_put(struct store *st, const char *profile, const char *id, json_t *rec,
		    struct errinfo *info)
{
	char key[KEY_MAX];
	size_t kl = make_key(key, profile, id);
	struct store_tx *tx;
	char *text;
	enum err e;

	if (!kl)
		return err_set(info, ERR_LIMIT, "profile name too long for a run record");
	text = json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!text)
		return err_set(info, ERR_NOMEM, "out of memory");
	e = store_tx_begin(st, &tx, info);
	if (!e) {
		e = store_tx_put(tx, TABLE, key, kl, text, strlen(text), info);
		if (!e)
			e = store_tx_commit(tx, info);
		else
			store_tx_abort(tx);
	}
	free(text);
	return e;
}

/* The profile part of a key (up to its NUL); 0 when the key has none. */
static size_t profile_len(const void *k, size_t kl)
{
	const char *nul = memchr(k, '\0', kl);

	return nul ? (size_t)(nul - (const char *)k) : 0;
}

struct last {
	json_t *rec;
};

static int keep_last(void *ctx, const char *profile, json_t *rec)
{
	struct last *l = ctx;
	const char *a, *b;

	(void)profile;
	/* across profiles, the latest id wins (ids sort by start time) */
	a = json_string_value(json_object_get(rec, "id"));
	b = l->rec ? json_string_value(json_object_get(l->rec, "id")) : NULL;
	if (!b || (a && strcmp(a, b) >= 0)) {
		json_decref(l->rec);
		l->rec = json_incref(rec);
	}
	return 0;
}

enum err runlog_get(struct store *st, const char *profile, const char *id, json_t **out,
		    struct errinfo *info)
{
	struct store_read *rd;
	struct last l = { NULL };
	char key[KEY_MAX];
	const void *v;
	size_t vl, kl;
	enum err e;

	*out = NULL;
	if (!id) {
		e = runlog_each(st, profile, keep_last, &l, info);
		if (!e && !l.rec && profile)
			e = err_set(info, ERR_NOT_FOUND, "no run of '%s' recorded yet", profile);
		else if (!e && !l.rec)
			e = err_set(info, ERR_NOT_FOUND, "no run recorded yet");
		*out = l.rec;
		return e;
	}
	if (!profile || !(kl = make_key(key, profile, id)))
		return err_set(info, ERR_NOT_FOUND, "no run '%s'", id);
	e = store_read_begin(st, &rd, info);
	if (e)
		return e;
	e = store_table_get(rd, TABLE, key, kl, &v, &vl, NULL);
	if (!e) {
		*out = json_loadb(v, vl, 0, NULL);
		if (!*out)
			e = err_set(info, ERR_STORE_CORRUPT, "the record of run '%s' is not JSON", id);
	} else {
		e = err_set(info, ERR_NOT_FOUND, "no run '%s' of '%s'", id, profile);
	}
	store_read_end(rd);
	return e;
}

enum err runlog_each(struct store *st, const char *profile,
		     int (*fn)(void *ctx, const char *profile, json_t *rec), void *ctx,
		     struct errinfo *info)
{
	struct store_read *rd;
	struct store_cursor *cur = NULL;
	char from[KEY_MAX], name[KEY_MAX];
	size_t fl = 0, pl;
	const void *k, *v;
	size_t kl, vl;
	enum err e;

	if (profile && !(fl = make_key(from, profile, NULL)))
		return ERR_OK;
	e = store_read_begin(st, &rd, info);
	if (e)
		return e;
	e = store_table_cursor(rd, TABLE, profile ? from : NULL, fl, &cur, info);
	while (!e && !(e = store_cursor_next(cur, &k, &kl, &v, &vl, info))) {
		json_t *rec;
		int stop;

		pl = profile_len(k, kl);
		if (profile && (kl < fl || memcmp(k, from, fl)))
			break;	/* past this profile's runs */
		if (!pl || pl >= sizeof(name))
			continue;
		memcpy(name, k, pl);
		name[pl] = '\0';
		rec = json_loadb(v, vl, 0, NULL);
		if (!rec)
			continue;
		stop = fn(ctx, name, rec);
		json_decref(rec);
		if (stop)
			break;
	}
	if (e == ERR_NOT_FOUND)
		e = ERR_OK;
	store_cursor_close(cur);
	store_read_end(rd);
	return e;
}

enum err runlog_save(struct store *st, const struct runlog_run *r, struct errinfo *info)
{
	json_t *rec = runlog_record(r);
	enum err e;

	if (!rec)
		return err_set(info, ERR_NOMEM, "out of memory");
	e = runlog_put(st, r->profile, r->id, rec, info);
	json_decref(rec);
	return e;
}
