/* migrate: A's snapshot as B's desired set (see migrate.h). */
#include "migrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvout.h"
#include "outfile.h"
#include "push.h"
#include "results.h"
#include "snapshot.h"
#include "sorter.h"

#define SORT_MEM ((size_t)64 << 20)
#define OPTOUT_BATCH 1000

void migrate_dataset(const char *from, char *out, size_t cap)
{
	snprintf(out, cap, STORE_MIGRATE_PREFIX "%s", from);
}

struct conv {
	const struct profile *to;
	const struct provider *drv;
	struct migrate_stats *s;
	struct remote_contact rc;
	struct contact proj;
	struct buf scratch, want, got, rec;
	struct outfile unmapped, missed;
	struct csvout uw, mw;
	struct sorter *sorter;
	struct errinfo *info;
};

static struct migrate_field *field(struct migrate_stats *s, const char *name, size_t len)
{
	struct migrate_field *f;
	size_t i;

	for (i = 0; i < s->nfields; i++)
		if (strlen(s->fields[i].name) == len && !memcmp(s->fields[i].name, name, len))
			return &s->fields[i];
	f = realloc(s->fields, (s->nfields + 1) * sizeof(*f));
	if (!f)
		return NULL;
	s->fields = f;
	f += s->nfields;
	if (!(f->name = strndup(name, len)))
		return NULL;
	f->dropped = f->cut = 0;
	s->nfields++;
	return f;
}

/*
 * Compares what A holds (want) with what B keeps of it (got): a value B
 * has no place for, or keeps shortened, is a row of unmapped.csv.
 */
static enum err check(struct conv *cv, const char *name, size_t namelen, struct str want,
		      struct str got)
{
	struct migrate_field *f;

	if (!want.len || str_eq(want, got))
		return ERR_OK;
	if (!(f = field(cv->s, name, namelen)))
		return err_set(cv->info, ERR_NOMEM, "out of memory");
	if (got.len)
		f->cut++;
	else
		f->dropped++;
	cv->s->values++;
	csvout_cellz(&cv->uw, cv->rc.c.phone);
	csvout_cell(&cv->uw, name, namelen);
	csvout_cell(&cv->uw, want.ptr, want.len);
	csvout_cell(&cv->uw, got.ptr, got.len);
	csvout_end_row(&cv->uw);
	return ERR_OK;
}

/* What of the contact B does not keep whole, into unmapped.csv. */
static enum err losses(struct conv *cv)
{
	const struct contact *c = &cv->rc.c, *p = &cv->proj;
	struct str first, last, full, a, b;
	char name[256];
	size_t i;
	enum err e;

	buf_reset(&cv->scratch);
	e = cv->drv->project(cv->to, c, &cv->proj, &cv->scratch);
	if (e)
		return err_set(cv->info, e, "cannot convert '%s' for '%s'", c->phone, cv->to->name);
	if (cv->drv->caps & PROVIDER_CAP_FULL_NAME) {
		buf_reset(&cv->want);
		if ((e = provider_full_name(c, &full, &cv->want)))
			return err_set(cv->info, e, "out of memory");
		e = check(cv, "name", 4, full, p->name);
	} else {
		provider_split_name(c, &first, &last);
		e = check(cv, "first_name", 10, first, p->first_name);
		if (!e)
			e = check(cv, "last_name", 9, last, p->last_name);
	}
	if (!e)
		e = check(cv, "company", 7, c->company, p->company);
	if (!e && c->ntags) {
		if (contact_join_tags(c, &cv->want, &a) || contact_join_tags(p, &cv->got, &b))
			return err_set(cv->info, ERR_NOMEM, "out of memory");
		e = check(cv, "tags", 4, a, b);
	}
	for (i = 0; !e && i < c->ncustom; i++) {
		const struct contact_kv *kv = &c->custom[i];
		const struct str *kept = contact_custom_n(p, kv->key.ptr, kv->key.len);
		int n = snprintf(name, sizeof(name), "custom:%.*s", (int)kv->key.len, kv->key.ptr);

		e = check(cv, name, (size_t)n < sizeof(name) ? (size_t)n : sizeof(name) - 1, kv->val,
			  kept ? *kept : (struct str){ "", 0 });
	}
	return e;
}

static void missed(struct conv *cv, const char *phone, size_t len, const char *reason)
{
	csvout_cell(&cv->mw, phone, len);
	csvout_cellz(&cv->mw, reason);
	csvout_end_row(&cv->mw);
}

/* One contact of A's snapshot: carried (queued for the dataset) or not. */
static enum err convert(struct conv *cv, const void *k, size_t kl, const void *v, size_t vl)
{
	enum err e;

	cv->s->contacts++;
	e = snapshot_decode(&cv->rc, v, vl, k, kl, cv->info);
	if (e)
		return e;
	if (cv->rc.phone_invalid) {
		cv->s->invalid++;
		missed(cv, k, kl, "not a valid phone number");
		return ERR_OK;
	}
	if (cv->rc.partial) {
		cv->s->partial++;
		missed(cv, k, kl, "only the name is known (the listing had no details)");
		return ERR_OK;
	}
	e = losses(cv);
	if (e)
		return e;
	cv->rc.c.source_file = 0;	/* the file table's only name: "remote:<A>" */
	cv->rc.c.source_row = 0;
	if (cv->rc.c.opted_out == TRI_TRUE)
		cv->s->opted_out++;
	buf_reset(&cv->rec);
	e = contact_encode(&cv->rc.c, &cv->rec);
	if (!e)
		e = sorter_add(cv->sorter, k, kl, cv->s->carried, cv->rec.data, cv->rec.len, cv->info);
	else
		err_set(cv->info, e, "out of memory");
	cv->s->carried++;
	return e;
}

/* Reads A's snapshot through convert, in one read transaction. */
static enum err read_snapshot(struct store *st, struct conv *cv, const char *from,
			      const char *remote, struct errinfo *info)
{
	struct store_read *rd;
	struct store_cursor *cur = NULL;
	const void *k, *v;
	size_t kl, vl;
	enum err e;

	e = store_read_begin(st, &rd, info);
	if (e)
		return e;
	if (!store_has(rd, remote)) {
		store_read_end(rd);
		return err_set(info, ERR_USAGE, "no snapshot of '%s' to migrate from: its pull failed", from);
	}
	e = store_cursor_open(rd, remote, &cur, info);
	while (!e && !(e = store_cursor_next(cur, &k, &kl, &v, &vl, info)))
		e = convert(cv, k, kl, v, vl);
	store_cursor_close(cur);
	store_read_end(rd);	/* before writing: the map may grow */
	return e == ERR_NOT_FOUND ? ERR_OK : e;
}

/* The sorted records as the dataset's new generation. */
static enum err write_dataset(struct store *st, struct sorter *so, const char *dataset,
			      const char *remote, struct errinfo *info)
{
	const char *files[1] = { remote };
	struct store_gen *gen;
	struct sorter_entry ent;
	enum err e;

	e = sorter_finish(so, info);
	if (!e)
		e = store_gen_begin(st, dataset, &gen, info);
	if (e)
		return e;
	e = store_gen_set_files(gen, files, 1, info);
	while (!e && !(e = sorter_next(so, &ent, info)))
		e = store_gen_append(gen, ent.key, ent.keylen, ent.val, ent.vallen, info);
	if (e != ERR_NOT_FOUND) {
		store_gen_abort(gen);
		return e;
	}
	return store_gen_commit(gen, info);
}

static enum err open_csv(struct outfile *f, struct csvout *w, const char *dir,
			 enum results_file which, struct errinfo *info)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/%s", dir, results_files[which].name);
	return results_open_csv(f, w, path, which, info);
}

enum err migrate_convert(struct store *st, const struct profile *from,
			 const struct profile *to, const struct provider *to_drv,
			 const char *dir, struct migrate_stats *s, struct errinfo *info)
{
	struct conv cv;
	char dataset[256], remote[256];
	enum err e;

	memset(s, 0, sizeof(*s));
	memset(&cv, 0, sizeof(cv));
	cv.to = to;
	cv.drv = to_drv;
	cv.s = s;
	cv.info = info;
	contact_init(&cv.rc.c);
	contact_init(&cv.proj);
	buf_init(&cv.scratch, 0);
	buf_init(&cv.want, 0);
	buf_init(&cv.got, 0);
	buf_init(&cv.rec, 0);
	migrate_dataset(from->name, dataset, sizeof(dataset));
	snapshot_dataset(from->name, remote, sizeof(remote));
	e = open_csv(&cv.unmapped, &cv.uw, dir, RESULTS_UNMAPPED, info);
	if (!e)
		e = open_csv(&cv.missed, &cv.mw, dir, RESULTS_NOT_MIGRATED, info);
	if (!e)
		e = sorter_new(&cv.sorter, SORT_MEM, store_dir(st), info);
	if (!e)
		e = read_snapshot(st, &cv, from->name, remote, info);
	if (!e)
		e = outfile_finish(&cv.unmapped, info);
	if (!e)
		e = outfile_finish(&cv.missed, info);
	if (!e)
		e = write_dataset(st, cv.sorter, dataset, remote, info);
	if (!e)
		e = outfile_publish(&cv.unmapped, info);
	if (!e)
		e = outfile_publish(&cv.missed, info);
	outfile_discard(&cv.unmapped);
	outfile_discard(&cv.missed);
	sorter_free(cv.sorter);
	contact_free(&cv.rc.c);
	contact_free(&cv.proj);
	buf_free(&cv.scratch);
	buf_free(&cv.want);
	buf_free(&cv.got);
	buf_free(&cv.rec);
	return e;
}

/* The opted-out numbers of the dataset not yet in the table, up to max,
 * from key `after` on (exclusive), into keys (NUL-separated). */
static enum err optouts_batch(struct store *st, const char *dataset, const char *table,
			      struct buf *after, struct buf *keys, size_t *n, struct errinfo *info)
{
	struct store_read *rd;
	struct store_cursor *cur = NULL;
	struct contact c;
	const void *k, *v, *tv;
	size_t kl, vl, tvl;
	enum err e;

	*n = 0;
	buf_reset(keys);
	contact_init(&c);
	e = store_read_begin(st, &rd, info);
	if (e)
		return e;
	e = store_cursor_open_at(rd, dataset, after->data, after->len, &cur, info);
	while (!e && *n < OPTOUT_BATCH && !(e = store_cursor_next(cur, &k, &kl, &v, &vl, info))) {
		if (kl == after->len && after->len && !memcmp(k, after->data, kl))
			continue;
		buf_reset(after);
		if ((e = buf_add(after, k, kl)))
			break;
		if ((e = contact_decode(&c, v, vl, k, kl, info)))
			break;
		if (c.opted_out != TRI_TRUE || !store_table_get(rd, table, k, kl, &tv, &tvl, NULL))
			continue;
		if ((e = buf_add(keys, k, kl)) || (e = buf_addc(keys, '\0')))
			break;
		++*n;
	}
	store_cursor_close(cur);
	store_read_end(rd);
	contact_free(&c);
	return e == ERR_NOT_FOUND ? ERR_OK : e;
}

enum err migrate_remember_optouts(struct store *st, const char *dataset,
				  const struct profile *to, const struct provider *to_drv,
				  uint64_t *added, struct errinfo *info)
{
	struct buf after, keys;
	char table[256];
	size_t n, i, off;
	enum err e = ERR_OK;

	*added = 0;
	if (to_drv->caps & PROVIDER_CAP_OPT_OUT)
		return ERR_OK;	/* B keeps the opt-out itself */
	push_optouts_table(to->name, table, sizeof(table));
	buf_init(&after, 0);
	buf_init(&keys, 0);
	do {
		struct store_tx *tx = NULL;

		e = optouts_batch(st, dataset, table, &after, &keys, &n, info);
		if (e || !n)
			break;
		e = store_tx_begin(st, &tx, info);
		for (i = 0, off = 0; !e && i < n; i++) {
			size_t kl = strlen(keys.data + off);

			e = store_tx_put(tx, table, keys.data + off, kl, "", 0, info);
			off += kl + 1;
		}
		if (!e)
			e = store_tx_commit(tx, info);
		else if (tx)
			store_tx_abort(tx);
		*added += n;
	} while (!e);
	buf_free(&after);
	buf_free(&keys);
	return e;
}

json_t *migrate_stats_json(const struct migrate_stats *s)
{
	json_t *o = json_object(), *f = json_object();
	size_t i;

	if (!o || !f) {
		json_decref(o);
		json_decref(f);
		return NULL;
	}
	json_object_set_new(o, "contacts", json_integer((json_int_t)s->contacts));
	json_object_set_new(o, "carried", json_integer((json_int_t)s->carried));
	json_object_set_new(o, "opted_out", json_integer((json_int_t)s->opted_out));
	json_object_set_new(o, "invalid", json_integer((json_int_t)s->invalid));
	json_object_set_new(o, "partial", json_integer((json_int_t)s->partial));
	json_object_set_new(o, "unmapped_values", json_integer((json_int_t)s->values));
	for (i = 0; i < s->nfields; i++)
		json_object_set_new(f, s->fields[i].name,
				    json_pack("{s:I,s:I}", "dropped", (json_int_t)s->fields[i].dropped,
					      "cut", (json_int_t)s->fields[i].cut));
	json_object_set_new(o, "unmapped", f);
	return o;
}

void migrate_stats_free(struct migrate_stats *s)
{
	size_t i;

	for (i = 0; i < s->nfields; i++)
		free(s->fields[i].name);
	free(s->fields);
	s->fields = NULL;
	s->nfields = 0;
}
