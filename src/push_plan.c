/* push_plan: what a push starts from, its plan written to the store, and
 * the facts the guards judge (see push_int.h). */
#include "push_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "guard.h"
#include "rec.h"
#include "snapshot.h"

#define PLAN_SORT_MEM ((size_t)32 << 20)

struct planner {
	struct push *ps;
	struct sorter *sorter;
	struct buf rec;
	uint64_t seq;
};

static enum err plan_emit(void *ctx, const struct plan_entry *e, struct errinfo *info)
{
	struct planner *pl = ctx;
	struct push *ps = pl->ps;
	enum write_kind kind;
	unsigned flags = 0;
	size_t keylen = strlen(e->phone);
	enum err err;

	switch (e->op) {
	case PLAN_CREATE:
		kind = WRITE_CREATE;
		if (e->desired && e->desired->opted_out == TRI_TRUE)
			flags |= JOURNAL_FOLLOW_OPTOUT;
		break;
	case PLAN_UPDATE:
		kind = WRITE_UPDATE;
		break;
	case PLAN_DELETE:
		kind = WRITE_DELETE;
		ps->guard_deletes++;
		break;
	default:	/* opt-out */
		kind = WRITE_OPT_OUT;
		if (!(ps->drv->caps & PROVIDER_CAP_OPT_OUT)) {
			/* the profile's optout_action: removal, or a move */
			flags |= JOURNAL_REMEMBER_OPTOUT;
			if (ps->prof.optout_action == OPTOUT_ACTION_DELETE) {
				kind = WRITE_DELETE;
				ps->guard_deletes++;
			}
		}
		break;
	}
	if (keylen > SORTER_KEY_MAX)
		return err_set(info, ERR_INTERNAL, "plan key too long");
	ps->planned[e->op]++;
	buf_reset(&pl->rec);
	err = journal_plan_encode(e, kind, flags, &pl->rec);
	if (err)
		return err_set(info, err, "cannot encode the plan");
	return sorter_add(pl->sorter, e->phone, keylen, ++pl->seq, pl->rec.data, pl->rec.len,
			  info);
}

static enum err write_plan(struct push *ps, struct sorter *sorter, struct errinfo *info)
{
	struct store_gen *gen;
	struct sorter_entry ent;
	enum err e;

	e = sorter_finish(sorter, info);
	if (!e)
		e = store_gen_begin(ps->st, ps->plan_ds, &gen, info);
	if (e)
		return e;
	while (!(e = sorter_next(sorter, &ent, info)))
		if ((e = store_gen_append(gen, ent.key, ent.keylen, ent.val, ent.vallen, info)))
			break;
	if (e != ERR_NOT_FOUND) {
		store_gen_abort(gen);
		return e;
	}
	return store_gen_commit(gen, info);
}

enum err push_put_state(struct push *ps, const char *what, uint64_t v, struct errinfo *info)
{
	char key[300];
	unsigned char num[8];
	struct store_tx *tx;
	enum err e;

	store_put_u64(num, v);
	snprintf(key, sizeof(key), "%s%s", what, ps->prof.name);
	e = store_tx_begin(ps->st, &tx, info);
	if (!e)
		e = store_tx_put(tx, STORE_STATE, key, strlen(key), num, 8, info);
	if (!e)
		return store_tx_commit(tx, info);
	store_tx_abort(tx);
	return e;
}

static uint64_t get_state(struct store_read *rd, const char *what, const char *profile)
{
	char key[300];
	const void *v;
	size_t vl;

	snprintf(key, sizeof(key), "%s%s", what, profile);
	if (store_table_get(rd, STORE_STATE, key, strlen(key), &v, &vl, NULL))
		return 0;
	return store_get_u64(v, vl);
}

/* Copies the desired set's source file names (results name a contact's
 * source by them). */
static enum err keep_file_names(struct push *ps, const char *const *names, size_t n,
				struct errinfo *info)
{
	if (!(ps->files = calloc(n, sizeof(*ps->files))))
		return err_set(info, ERR_NOMEM, "out of memory");
	for (ps->nfiles = 0; ps->nfiles < n; ps->nfiles++)
		if (!(ps->files[ps->nfiles] = strdup(names[ps->nfiles])))
			return err_set(info, ERR_NOMEM, "out of memory");
	return ERR_OK;
}

/*
 * A create journaled in flight or to verify against an older snapshot,
 * seen from the current one: it arrived when the listing shows its
 * number; it never did when a listing made long enough after it was sent
 * (the profile's create_settle) does not; otherwise it cannot be told yet,
 * and its number is not to be created again until it can.
 */
static int is_unsettled(const struct push *ps, struct store_read *rd,
			struct push_start *s, const void *key, size_t keylen,
			const struct journal_state_rec *js)
{
	long settle_ms = ps->prof.create_settle_ms ? ps->prof.create_settle_ms
						   : PROFILE_CREATE_SETTLE_MS;
	int64_t at = js->sent + (settle_ms + 999) / 1000;
	const void *v;
	size_t vl;

	if (!store_get(rd, ps->remote_ds, key, keylen, &v, &vl, NULL))
		return 0;
	if (js->sent && s->snap_time >= at)
		return 0;
	if (at > s->settle_at)
		s->settle_at = at;
	return 1;
}

enum err push_read_start(struct push *ps, struct push_start *s, struct errinfo *info)
{
	struct store_read *rd;
	struct store_cursor *cur = NULL;
	const char **names;
	const void *k, *v;
	size_t kl, vl, n;
	enum err e;

	memset(s, 0, sizeof(*s));
	e = store_read_begin(ps->st, &rd, info);
	if (e)
		return e;
	s->has_snapshot = store_has(rd, ps->remote_ds);
	s->snap_id = store_gen_id(rd, ps->remote_ds);
	s->snap_time = store_gen_time(rd, ps->remote_ds);
	s->has_desired = store_has(rd, ps->desired_ds);
	s->synced_count = ps->o->desired ? 0 : get_state(rd, STORE_SYNCED_PREFIX, ps->prof.name);
	s->journal_snap = get_state(rd, STORE_JOURNAL_SNAPSHOT_PREFIX, ps->prof.name);
	e = store_count(rd, ps->remote_ds, &s->remote_count, info);
	if (!e)
		e = store_count(rd, ps->desired_ds, &s->desired_count, info);
	/* the source file names, once (a relisted start reads them again) */
	if (!e && !ps->files) {
		e = store_files(rd, ps->desired_ds, &names, &n, info);
		if (!e && n)
			e = keep_file_names(ps, names, n, info);
	}
	/* creates left in flight by a run that stopped */
	buf_reset(&ps->kept);
	if (!e)
		e = store_table_cursor(rd, ps->journal, NULL, 0, &cur, info);
	while (!e && cur && !(e = store_cursor_next(cur, &k, &kl, &v, &vl, info))) {
		struct journal_state_rec js;
		enum write_kind kind;
		const void *pv;
		size_t pvl;

		if (journal_state_decode(&js, v, vl, NULL) || js.step ||
		    (js.state != JOURNAL_INFLIGHT && js.state != JOURNAL_VERIFY))
			continue;
		if (store_get(rd, ps->plan_ds, k, kl, &pv, &pvl, NULL) ||
		    journal_plan_kind(pv, pvl, &kind) || kind != WRITE_CREATE)
			continue;
		if (s->journal_snap != s->snap_id) {
			if (!is_unsettled(ps, rd, s, k, kl, &js))
				continue;
			if (rec_put_bytes(&ps->kept, k, kl) || rec_put_bytes(&ps->kept, v, vl)) {
				e = err_set(info, ERR_NOMEM, "out of memory");
				break;
			}
		}
		s->unsettled_creates++;
	}
	if (e == ERR_NOT_FOUND)
		e = ERR_OK;
	store_cursor_close(cur);
	store_read_end(rd);
	return e;
}

enum err push_plan_open(struct push_plan_in *in, struct store *st, const char *profile,
			const struct push_opts *o, struct errinfo *info)
{
	enum err e;

	memset(in, 0, sizeof(*in));
	snapshot_dataset(profile, in->remote, sizeof(in->remote));
	push_optouts_table(profile, in->optouts, sizeof(in->optouts));
	in->params.mode = o->on_missing == ON_MISSING_DELETE ? PLAN_MODE_MIRROR : o->mode;
	in->params.missing_optout = o->on_missing == ON_MISSING_OPTOUT;
	in->params.optouts = in->optouts;
	in->params.desired = o->desired;
	in->params.blank = o->blank;
	e = store_read_begin(st, &in->rd, info);
	if (e)
		return e;
	if (!store_has(in->rd, in->remote)) {
		push_plan_close(in);
		return err_set(info, ERR_USAGE,
			       "no remote snapshot of '%s' yet: run 'contactsync pull %s' first",
			       profile, profile);
	}
	return ERR_OK;
}

void push_plan_close(struct push_plan_in *in)
{
	store_read_end(in->rd);
	in->rd = NULL;
}

/* The guards' limits, from the push options. */
static void limits_of(const struct push_opts *o, struct guard_limits *l)
{
	guard_limits_init(l);
	l->mode = o->mode;
	l->on_missing = o->on_missing;
	l->max_delete = o->max_delete;
	l->max_delete_percent = o->max_delete_percent;
	l->max_snapshot_age_s = o->max_snapshot_age_s;
	l->force = o->force;
	l->snapshot_fresh = o->snapshot_fresh;
}

static enum err guard(struct push *ps, const struct push_start *s, struct errinfo *info)
{
	struct guard_facts f = {
		.profile = ps->prof.name,
		.deletes = ps->guard_deletes,
		.remote_count = s->remote_count,
		.desired_count = s->desired_count,
		.synced_count = s->synced_count,
		.snapshot_time = s->snap_time,
		.now = (int64_t)time(NULL),
	};
	struct guard_limits l;

	limits_of(ps->o, &l);
	return guard_check(&f, &l, info);
}

/* Plans the run into the plan dataset; evaluates the guards on it. */
enum err push_plan(struct push *ps, const struct push_start *s, struct errinfo *info)
{
	struct planner pl = { ps, NULL, { 0 }, 0 };
	struct push_plan_in in;
	enum err e;

	memset(ps->planned, 0, sizeof(ps->planned));
	memset(ps->settled, 0, sizeof(ps->settled));
	ps->guard_deletes = 0;
	buf_init(&pl.rec, 0);
	e = sorter_new(&pl.sorter, PLAN_SORT_MEM, store_dir(ps->st), info);
	if (!e)
		e = push_plan_open(&in, ps->st, ps->prof.name, ps->o, info);
	if (!e) {
		e = plan_run(in.rd, in.remote, &ps->prof, ps->drv, &in.params, plan_emit, &pl,
			     &ps->sum->plan, info);
		push_plan_close(&in);	/* before writing: the map may grow */
	}
	if (!e)
		e = guard(ps, s, info);
	if (!e)
		e = write_plan(ps, pl.sorter, info);
	sorter_free(pl.sorter);
	buf_free(&pl.rec);
	return e;
}
