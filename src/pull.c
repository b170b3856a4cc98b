/* pull: a profile's remote contacts → its snapshot in the store (see pull.h). */
#include "pull.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hook.h"
#include "phone.h"
#include "ratestate.h"
#include "snapshot.h"
#include "sorter.h"

#define SORT_MEM ((size_t)32 << 20)
#define REPORT_INVALID 10	/* invalid numbers named one by one */
/* Listings of an account that changed under them (ERR_CHANGED) are
 * started over this many times in all before the pull gives up. */
#define PULL_TRIES 3

struct pull {
	struct store *st;
	const struct profile *p;
	const struct pull_opts *o;
	struct sorter *sorter;
	char snapshot[256];		/* the profile's snapshot dataset */
	uint64_t seq;
	unsigned long long listed, invalid, duplicates;
	struct buf rec;
	struct buf clean, tmp;	/* cleaned remote values */
	struct contact cleaned;

	/* the desired set, for drivers that read details only where needed */
	struct store_read *rd;
	struct contact desired;

	struct provider_session *s;	/* while the listing runs */

	/* the last snapshot's size, and the bounds drawn from it (and from
	   the desired set's: pushes may have created that many) */
	int had_snapshot;
	uint64_t prev, list;
	unsigned long long limit;	/* contacts a listing may hold; 0: no bound */
	uint64_t spill_cap;		/* bytes of sort spill; 0: no cap */
};

static enum err check_driver(const struct profile *p, const struct provider *drv,
			     struct errinfo *info)
{
	if (!drv || !drv->pull)
		return err_set(info, ERR_CONFIG, "profile '%s': provider '%s' cannot list contacts",
			       p->name, p->provider);
	return ERR_OK;
}

const struct provider *pull_driver(const struct profile *p, struct errinfo *info)
{
	return provider_for(p, PROVIDER_NEED_PULL, info);
}

static const struct contact *desired_lookup(void *ctx, const char *e164)
{
	struct pull *pl = ctx;
	const void *v;
	size_t vl;

	if (!pl->rd || store_get(pl->rd, pl->o->desired ? pl->o->desired : STORE_DESIRED, e164,
				 strlen(e164), &v, &vl, NULL))
		return NULL;
	if (contact_decode(&pl->desired, v, vl, e164, strlen(e164), NULL))
		return NULL;
	return &pl->desired;
}

/*
 * Remote values get the same cleaning as the list's (see pull.h). Spans
 * into pl->clean are resolved at the end, since the buffer may move while
 * it grows.
 */
struct span {
	size_t off, len;
};

static enum err clean_str(struct pull *pl, struct str s, struct span *sp)
{
	return contact_clean_value(&pl->clean, &pl->tmp, s.ptr, s.len, CONTACT_BAD_TEXT_KEPT,
				   &sp->off, &sp->len);
}

static struct str at(const struct pull *pl, struct span sp)
{
	return sp.len ? (struct str){ pl->clean.data + sp.off, sp.len } : (struct str){ "", 0 };
}

static enum err clean_contact(struct pull *pl, const struct contact *in, struct contact *out)
{
	struct span name, first, last, company, *tags = NULL, (*custom)[2] = NULL;
	size_t i;
	enum err e;

	buf_reset(&pl->clean);
	contact_reset(out);
	memcpy(out->phone, in->phone, sizeof(out->phone));
	out->raw_phone = in->raw_phone;
	out->opted_out = in->opted_out;
	tags = calloc(in->ntags + 1, sizeof(*tags));
	custom = calloc(in->ncustom + 1, sizeof(*custom));
	if (!tags || !custom) {
		e = ERR_NOMEM;
		goto out;
	}
	e = clean_str(pl, in->name, &name);
	if (!e)
		e = clean_str(pl, in->first_name, &first);
	if (!e)
		e = clean_str(pl, in->last_name, &last);
	if (!e)
		e = clean_str(pl, in->company, &company);
	for (i = 0; !e && i < in->ntags; i++)
		e = clean_str(pl, in->tags[i], &tags[i]);
	for (i = 0; !e && i < in->ncustom; i++) {
		e = clean_str(pl, in->custom[i].key, &custom[i][0]);
		if (!e)
			e = clean_str(pl, in->custom[i].val, &custom[i][1]);
	}
	if (e)
		goto out;
	out->name = at(pl, name);
	out->first_name = at(pl, first);
	out->last_name = at(pl, last);
	out->company = at(pl, company);
	for (i = 0; !e && i < in->ntags; i++)
		if (tags[i].len)
			e = contact_add_tag(out, at(pl, tags[i]).ptr, tags[i].len);
	for (i = 0; !e && i < in->ncustom; i++)
		if (custom[i][0].len && custom[i][1].len)
			e = contact_add_custom(out, at(pl, custom[i][0]).ptr, custom[i][0].len,
					       at(pl, custom[i][1]).ptr, custom[i][1].len);
	if (!e)
		contact_sort(out);
out:
	free(tags);
	free(custom);
	return e;
}

/*
 * Whether raw is a number the store already holds as valid E.164: a key
 * of the desired set, or of the profile's last snapshot not marked
 * invalid. Those keys are phone_parse's own output, and an E.164 number
 * with its '+' reads the same in every region, so libphonenumber would
 * only say again what it said then. A pull after the first, or a sync's
 * pull after its import, so skips most of its parsing.
 */
static int known_valid(struct pull *pl, const char *raw, size_t rawlen)
{
	const void *v;
	size_t vl;

	if (!pl->rd || rawlen < 2 || rawlen > PHONE_E164_MAX || raw[0] != '+')
		return 0;
	if (!store_get(pl->rd, pl->o->desired ? pl->o->desired : STORE_DESIRED, raw, rawlen, &v, &vl,
		       NULL))
		return 1;
	return !store_get(pl->rd, pl->snapshot, raw, rawlen, &v, &vl, NULL) && vl >= 2 &&
	       ((const unsigned char *)v)[0] == SNAPSHOT_VERSION &&
	       !(((const unsigned char *)v)[1] & 1);
}

/*
 * A listed contact's number in the snapshot's order: the record is queued
 * under the normalised number (the profile's region reads national ones);
 * an invalid one keeps its raw value. rec is the contact's snapshot record
 * as if the number were valid; its flag is set here when it is not.
 */
static enum err add_record(struct pull *pl, const char *id, const struct str *raw,
			   const struct phone_result *pr, char *rec, size_t reclen,
			   struct errinfo *info)
{
	char hashed[SNAPSHOT_KEY_MAX];
	const char *key;
	size_t keylen;
	enum err e;

	if (pr->reason == PHONE_OK) {
		key = pr->e164;
		keylen = strlen(key);
	} else {
		rec[1] |= 1;	/* snapshot.h: the phone is not valid E.164 */
		/* a value of any length is kept: a long one under a hash,
		 * whole in the record */
		key = hashed;
		keylen = snapshot_key(raw->ptr, raw->len, hashed);
		if (pl->invalid++ < REPORT_INVALID)
			hook_say(pl->o->warn, pl->o->ctx,
			    "profile '%s': remote contact %s has the number '%.*s%s', which is not valid (%s): kept as it is",
			    pl->p->name, id[0] ? id : "(no id)", (int)(raw->len > 64 ? 64 : raw->len),
			    raw->ptr, raw->len > 64 ? "…" : "", phone_reason_code(pr->reason));
	}
	pl->listed++;
	e = sorter_add(pl->sorter, key, keylen, ++pl->seq, rec, reclen, info);
	if (!e && pl->spill_cap && sorter_spilled(pl->sorter) > pl->spill_cap)
		return err_set(info, ERR_REMOTE,
			       "profile '%s': the listing's sort files passed %llu MB (for %llu contacts): the answers are far larger than contacts are; --force lifts the bound",
			       pl->p->name, (unsigned long long)(pl->spill_cap >> 20), pl->listed);
	return e;
}

/* The words shared by the bound's messages: what the count is compared with. */
static void bound_words(const struct pull *pl, char *out, size_t cap)
{
	if (pl->prev)
		snprintf(out, cap, "the last snapshot has %llu and the list %llu, so at most %llu are followed",
			 (unsigned long long)pl->prev, (unsigned long long)pl->list, pl->limit);
	else
		snprintf(out, cap, "a first pull follows at most %llu", pl->limit);
}

/* An announced count beyond the bound ends the listing before its pages
 * are asked for. */
static enum err on_announce(void *ctx, unsigned long long total, struct errinfo *info)
{
	struct pull *pl = ctx;
	char words[160];

	if (!pl->limit || total <= pl->limit)
		return ERR_OK;
	bound_words(pl, words, sizeof(words));
	return err_set(info, ERR_REMOTE,
		       "profile '%s': the account announces %llu contacts (%s): not listed; --force lifts the bound",
		       pl->p->name, total, words);
}

/* Without a count, the contacts listed so far are held to the bound. */
static enum err check_listed(struct pull *pl, struct errinfo *info)
{
	char words[160];

	if (!pl->limit || pl->listed < pl->limit)
		return ERR_OK;
	bound_words(pl, words, sizeof(words));
	return err_set(info, ERR_REMOTE,
		       "profile '%s': the listing goes on past %llu contacts (%s): stopped; --force lifts the bound",
		       pl->p->name, pl->listed, words);
}

/* A listed contact: cleaned, encoded, its number normalised (unless the
 * store holds it as valid already: known_valid). */
static enum err on_contact(void *ctx, const struct remote_contact *in,
			   struct errinfo *info)
{
	struct pull *pl = ctx;
	struct remote_contact rc = *in;
	struct phone_result pr;
	enum err e;

	/* every provider requires a number: a contact without one is a
	 * malformed answer, not a contact to keep */
	if (!in->c.raw_phone.len)
		return err_set(info, ERR_REMOTE,
			       "profile '%s': the listing has a contact without a phone number (id '%s'): the answer is malformed",
			       pl->p->name, in->id[0] ? in->id : "none");
	e = check_listed(pl, info);
	if (e)
		return e;
	rc.c = pl->cleaned;	/* its arrays, reused */
	e = clean_contact(pl, &in->c, &rc.c);
	pl->cleaned = rc.c;
	if (e)
		return err_set(info, e, "out of memory");
	rc.phone_invalid = 0;
	rc.c.phone[0] = '\0';
	buf_reset(&pl->rec);
	e = snapshot_encode(&rc, &pl->rec);
	if (e)
		return err_set(info, e, "remote contact too large");
	if (known_valid(pl, in->c.raw_phone.ptr, in->c.raw_phone.len)) {
		memset(&pr, 0, sizeof(pr));
		pr.reason = PHONE_OK;
		memcpy(pr.e164, in->c.raw_phone.ptr, in->c.raw_phone.len);
	} else {
		e = phone_parse(in->c.raw_phone.ptr, in->c.raw_phone.len,
				pl->p->region[0] ? pl->p->region : NULL, 0, &pr);
		if (e)
			return err_set(info, e, "cannot normalise a phone number");
	}
	return add_record(pl, in->id, &in->c.raw_phone, &pr, pl->rec.data, pl->rec.len, info);
}

static void on_progress(void *ctx, unsigned long long done, unsigned long long total)
{
	struct pull *pl = ctx;
	struct http_stats hs;
	struct pull_progress p;

	if (!pl->o->progress)
		return;
	hs = http_stats(pl->s->http);
	p.profile = pl->p->name;
	p.listed = done;
	p.total = total;
	p.requests = hs.requests;
	p.wait_ms = hs.wait_ms;
	pl->o->progress(pl->o->ctx, &p);
}

static void on_notice(void *ctx, enum http_notice what, long ms, const char *msg)
{
	struct pull *pl = ctx;

	(void)what;
	(void)ms;
	hook_say(pl->o->info, pl->o->ctx, "profile '%s': %s", pl->p->name, msg);
}

/*
 * A listing far smaller than the last snapshot is more likely a broken
 * answer than an account emptied: planned on, it would create everyone
 * again (or, mirrored back, delete nobody the list lost). It is not
 * published unless forced; the last snapshot stays live.
 */
static enum err check_shrink(const struct pull *pl, uint64_t now, struct errinfo *info)
{
	unsigned pct = pl->o->max_shrink_percent;

	if (pl->o->force || !pl->had_snapshot || now >= pl->prev ||
	    (pl->prev - now) * 100 <= pl->prev * pct)
		return ERR_OK;
	return err_set(info, ERR_GUARD,
		       "profile '%s': the listing has %llu contacts where the last snapshot has %llu (-%llu%%, more than --max-remote-shrink-percent %u): it is not used; --force accepts it",
		       pl->p->name, (unsigned long long)now, (unsigned long long)pl->prev,
		       (unsigned long long)((pl->prev - now) * 100 / pl->prev), pct);
}

/* Sorted records → the new snapshot; the first of equal numbers wins. */
static enum err write_snapshot(struct pull *pl, struct errinfo *info)
{
	char dataset[256], last[SORTER_KEY_MAX + 1];
	size_t lastlen = 0;
	int have_last = 0;
	struct store_gen *gen;
	struct sorter_entry ent;
	enum err e;

	snapshot_dataset(pl->p->name, dataset, sizeof(dataset));
	e = sorter_finish(pl->sorter, info);
	if (!e)
		e = store_gen_begin(pl->st, dataset, &gen, info);
	if (e)
		return e;
	while (!(e = sorter_next(pl->sorter, &ent, info))) {
		if (have_last && ent.keylen == lastlen && !memcmp(ent.key, last, lastlen)) {
			pl->duplicates++;
			continue;
		}
		memcpy(last, ent.key, ent.keylen);
		lastlen = ent.keylen;
		have_last = 1;
		e = store_gen_append(gen, ent.key, ent.keylen, ent.val, ent.vallen, info);
		if (e)
			break;
	}
	if (e == ERR_NOT_FOUND)
		e = check_shrink(pl, store_gen_count(gen), info);
	if (e != ERR_NOT_FOUND && e != ERR_OK) {
		store_gen_abort(gen);
		return e;
	}
	return store_gen_commit(gen, info);
}

/* A new, empty listing: the records of the one that changed are dropped. */
static enum err restart(struct pull *pl, struct errinfo *info)
{
	sorter_free(pl->sorter);
	pl->sorter = NULL;
	pl->seq = 0;
	pl->listed = pl->invalid = pl->duplicates = 0;
	return sorter_new(&pl->sorter, SORT_MEM, store_dir(pl->st), info);
}

static enum err run(struct pull *pl, const struct provider *drv, struct http_stats *st,
		    struct errinfo *info)
{
	struct secrets sec;
	struct provider_session s;
	struct pull_sink sink = { on_contact, on_progress, pl, on_announce };
	int tries;
	enum err e;

	e = config_secrets(pl->p, &sec, info);
	if (e)
		return e;
	e = provider_session_open(&s, drv, pl->p, &sec, on_notice, pl, info);
	config_secrets_free(&sec);
	if (e)
		return e;
	ratestate_resume(pl->st, &s);
	pl->s = &s;
	s.deep = pl->o->deep;
	s.desired = desired_lookup;
	s.desired_ctx = pl;
	for (tries = 1;; tries++) {
		e = store_read_begin(pl->st, &pl->rd, info);
		if (!e)
			e = drv->pull(&s, &sink, info);
		store_read_end(pl->rd);	/* before the snapshot is written: the map may grow */
		pl->rd = NULL;
		if (e != ERR_CHANGED || tries == PULL_TRIES)
			break;
		/* what was listed may have skipped someone: start over */
		hook_say(pl->o->warn, pl->o->ctx, "%s; listing it again (%d of %d)", info->msg, tries + 1,
		    PULL_TRIES);
		e = restart(pl, info);
		if (e)
			break;
	}
	if (e == ERR_CHANGED) {
		char msg[sizeof(info->msg)];

		snprintf(msg, sizeof(msg), "%s", info->msg);
		err_set(info, e, "%s; it changed during each of %d listings: try again when the account is quieter",
			msg, PULL_TRIES);
	}
	if (pl->o->progress)
		pl->o->progress(pl->o->ctx, NULL);	/* the listing is over */
	if (!e)
		e = write_snapshot(pl, info);
	*st = http_stats(s.http);
	ratestate_save(pl->st, &s, pl->o->warn, pl->o->ctx);
	provider_session_close(&s);
	pl->s = NULL;
	return e;
}

/*
 * The last snapshot's size, and the listing's bounds drawn from it (pull.h):
 * from it or the desired set's size, whichever is larger, since a push
 * since the last pull may have created the whole list; a first pull (no
 * snapshot, or an empty one: nothing known of the account's scale) is
 * allowed at least PULL_BOUND_FIRST.
 */
static enum err set_bounds(struct pull *pl, struct errinfo *info)
{
	const char *desired = pl->o->desired ? pl->o->desired : STORE_DESIRED;
	struct store_read *rd;
	uint64_t ref;
	enum err e = store_read_begin(pl->st, &rd, info);

	if (e)
		return e;
	pl->had_snapshot = store_has(rd, pl->snapshot);
	if (pl->had_snapshot)
		e = store_count(rd, pl->snapshot, &pl->prev, info);
	if (!e && store_has(rd, desired))
		e = store_count(rd, desired, &pl->list, info);
	store_read_end(rd);
	if (e || pl->o->force)
		return e;
	ref = pl->prev > pl->list ? pl->prev : pl->list;
	pl->limit = ref * PULL_BOUND_FACTOR + PULL_BOUND_SLACK;
	if (!pl->prev && pl->limit < PULL_BOUND_FIRST)
		pl->limit = PULL_BOUND_FIRST;
	pl->spill_cap = pl->limit * PULL_SPILL_PER_CONTACT;
	return ERR_OK;
}

enum err pull_profile(struct store *st, const struct profile *p, const struct provider *drv,
		      const struct pull_opts *o, struct pull_stats *stats,
		      struct errinfo *info)
{
	struct pull pl;
	enum err e;

	memset(stats, 0, sizeof(*stats));
	e = check_driver(p, drv, info);
	if (e)
		return e;
	memset(&pl, 0, sizeof(pl));
	pl.st = st;
	pl.p = p;
	pl.o = o;
	snapshot_dataset(p->name, pl.snapshot, sizeof(pl.snapshot));
	buf_init(&pl.rec, 0);
	buf_init(&pl.clean, 0);
	buf_init(&pl.tmp, 0);
	contact_init(&pl.cleaned);
	contact_init(&pl.desired);
	e = set_bounds(&pl, info);
	if (!e)
		e = sorter_new(&pl.sorter, SORT_MEM, store_dir(st), info);
	if (!e)
		e = run(&pl, drv, &stats->http, info);
	sorter_free(pl.sorter);
	buf_free(&pl.rec);
	buf_free(&pl.clean);
	buf_free(&pl.tmp);
	contact_free(&pl.cleaned);
	contact_free(&pl.desired);
	stats->pulled = pl.listed - pl.duplicates;
	stats->invalid = pl.invalid;
	stats->duplicates = pl.duplicates;
	if (e)
		return e;
	if (pl.invalid)
		hook_say(o->warn, o->ctx, "profile '%s': %llu remote numbers are not valid and were kept as they are",
		    p->name, pl.invalid);
	if (pl.duplicates)
		hook_say(o->warn, o->ctx, "profile '%s': %llu remote contacts repeat a number already listed; the first was kept",
		    p->name, pl.duplicates);
	return ERR_OK;
}

void pull_stats_print(FILE *fp, const struct profile *p, const struct provider *drv,
		      const struct pull_stats *stats)
{
	fprintf(fp, "pulled %llu contacts from '%s' (%s): %lu requests, %lu retries, %.1f s waiting for the rate limit\n",
		stats->pulled, p->name, drv->name, stats->http.requests, stats->http.retries,
		(double)stats->http.wait_ms / 1000.0);
}

json_t *pull_stats_json(const struct pull_stats *st)
{
	json_t *j = json_object();

	json_object_set_new(j, "contacts", json_integer((json_int_t)st->pulled));
	json_object_set_new(j, "invalid", json_integer((json_int_t)st->invalid));
	json_object_set_new(j, "duplicates", json_integer((json_int_t)st->duplicates));
	json_object_set_new(j, "requests", json_integer((json_int_t)st->http.requests));
	json_object_set_new(j, "retries", json_integer((json_int_t)st->http.retries));
	json_object_set_new(j, "status_429", json_integer((json_int_t)st->http.status_429));
	json_object_set_new(j, "rate_wait_s", json_real((double)st->http.wait_ms / 1000.0));
	return j;
}
