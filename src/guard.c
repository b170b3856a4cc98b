/* guard: the safety rules a plan must pass before the first write. */
#include "guard.h"

#include <inttypes.h>
#include <string.h>

void guard_limits_init(struct guard_limits *l)
{
	memset(l, 0, sizeof(*l));
	l->mode = PLAN_MODE_UPSERT;
	l->on_missing = ON_MISSING_NONE;
	l->max_delete = -1;
	l->max_delete_percent = -1;
	l->max_snapshot_age_s = GUARD_DEFAULT_SNAPSHOT_AGE_S;
}

static enum err snapshot_age(const struct guard_facts *f, const struct guard_limits *o,
			     struct errinfo *info)
{
	long long age = (long long)(f->now - f->snapshot_time);

	if (!f->deletes || o->snapshot_fresh)
		return ERR_OK;
	if (f->snapshot_time && age <= o->max_snapshot_age_s)
		return ERR_OK;
	if (!f->snapshot_time)
		return err_set(info, ERR_GUARD,
			       "profile '%s': %" PRIu64 " deletes planned from a snapshot of unknown age: run 'contactsync pull %s' or sync first",
			       f->profile, f->deletes, f->profile);
	return err_set(info, ERR_GUARD,
		       "profile '%s': %" PRIu64 " deletes planned from a snapshot %lld min old (limit %lld min): run 'contactsync pull %s' or sync first",
		       f->profile, f->deletes, age / 60, o->max_snapshot_age_s / 60, f->profile);
}

static enum err shrink(const struct guard_facts *f, const struct guard_limits *o,
		       struct errinfo *info)
{
	int optout = o->on_missing == ON_MISSING_OPTOUT;

	if (o->on_missing == ON_MISSING_NONE && o->mode != PLAN_MODE_MIRROR)
		return ERR_OK;
	if (f->desired_count == 0)
		return err_set(info, ERR_GUARD,
			       "profile '%s': the desired set is empty; a %s run would %s every remote contact (--force to do it anyway)",
			       f->profile, optout ? "--on-missing optout" : "mirror",
			       optout ? "opt out" : "delete");
	if (f->synced_count && f->desired_count * 2 < f->synced_count)
		return err_set(info, ERR_GUARD,
			       "profile '%s': the desired set shrank from %" PRIu64 " to %" PRIu64 " contacts since the last successful sync (more than 50%%); --force to go on",
			       f->profile, f->synced_count, f->desired_count);
	return ERR_OK;
}

static enum err deletes(const struct guard_facts *f, const struct guard_limits *o,
			struct errinfo *info)
{
	double pct = o->max_delete_percent;

	if (o->max_delete >= 0 && f->deletes > (uint64_t)o->max_delete)
		return err_set(info, ERR_GUARD,
			       "profile '%s': %" PRIu64 " deletes planned, more than --max-delete %lld (--force to go on)",
			       f->profile, f->deletes, o->max_delete);
	if (pct < 0 && o->max_delete < 0)
		pct = GUARD_DEFAULT_MAX_DELETE_PERCENT;
	if (pct < 0 || !f->deletes || (double)f->deletes * 100.0 <= pct * (double)f->remote_count)
		return ERR_OK;
	return err_set(info, ERR_GUARD,
		       "profile '%s': %" PRIu64 " deletes planned of %" PRIu64 " remote contacts (%.1f%%), more than --max-delete-percent %g (--force to go on)",
		       f->profile, f->deletes, f->remote_count,
		       f->remote_count ? (double)f->deletes * 100.0 / (double)f->remote_count : 100.0,
		       pct);
}

enum err guard_check(const struct guard_facts *f, const struct guard_limits *o,
		     struct errinfo *info)
{
	enum err e = snapshot_age(f, o, info);

	if (e || o->force)
		return e;
	e = shrink(f, o, info);
	if (!e)
		e = deletes(f, o, info);
	return e;
}
