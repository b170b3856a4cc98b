/* plan: desired set vs remote snapshot → plan (rules in plan.h). */
#include "plan.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"

static const char *const op_names[] = {
#define PLAN_NAME_(c, s) [c] = s,
	PLAN_OP_LIST(PLAN_NAME_)
#undef PLAN_NAME_
};

const char *plan_op_name(enum plan_op op)
{
	return (unsigned)op < PLAN__COUNT ? op_names[op] : "unknown";
}

static const struct plan_stat_row stat_rows[] = {
#define PLAN_STAT_ROW_(id, field, key, push_key, line, words) \
	[id] = { key, push_key, line, words, offsetof(struct plan_stats, field) },
	PLAN_STAT_LIST(PLAN_STAT_ROW_)
#undef PLAN_STAT_ROW_
};

const struct plan_stat_row *plan_stat_row(enum plan_stat id)
{
	return (unsigned)id < PLAN_STAT__COUNT ? &stat_rows[id] : NULL;
}

uint64_t plan_stat_value(const struct plan_stats *s, enum plan_stat id)
{
	uint64_t v;

	memcpy(&v, (const char *)s + stat_rows[id].offset, sizeof(v));
	return v;
}

void plan_stat_print(FILE *fp, const struct plan_stats *s, enum plan_stat id,
		     const char *provider)
{
	const char *words = stat_rows[id].words, *at = strstr(words, "%s");

	if (at) {
		fwrite(words, 1, (size_t)(at - words), fp);
		fputs(provider, fp);
		words = at + 2;
	}
	fprintf(fp, "%s: %llu\n", words, (unsigned long long)plan_stat_value(s, id));
}

int plan_parse_mode(const char *s, enum plan_mode *mode)
{
	static const char *const names[] = { "insert", "update", "upsert", "mirror" };
	int i;

	for (i = 0; i < 4; i++)
		if (!strcmp(s, names[i])) {
			*mode = (enum plan_mode)i;
			return 0;
		}
	return -1;
}

int plan_blank_clears(const struct profile *p, const struct plan_params *dp)
{
	enum blank_rule b = dp->blank != BLANK_DEFAULT ? dp->blank : p->blank;

	return b == BLANK_DEFAULT ? dp->mode == PLAN_MODE_MIRROR : b == BLANK_CLEAR;
}

/* One merge of the desired set with the remote snapshot (plan_run). */
struct merge {
	const struct profile *p;
	const struct provider *drv;
	enum plan_mode mode;
	const struct plan_params *dp;
	struct store_read *rd;
	enum err (*emit)(void *ctx, const struct plan_entry *e, struct errinfo *info);
	void *ctx;
	struct plan_stats *st;
	struct errinfo *info;
	int clear;		/* plan_blank_clears */
	const char **cols;	/* store_columns of the desired set */
	size_t ncols;

	struct contact raw, proj;
	struct remote_contact remote;
	struct buf scratch;
	struct buf joined_before, joined_after;
	struct plan_change *changes;
	size_t nchanges, cap;
};

static enum err add_change(struct merge *d, const char *field, const char *key,
			   size_t keylen, struct str before, struct str after)
{
	struct plan_change *c;

	if (d->nchanges == d->cap) {
		size_t ncap = d->cap ? d->cap * 2 : 16;
		struct plan_change *n = realloc(d->changes, ncap * sizeof(*n));

		if (!n)
			return ERR_NOMEM;
		d->changes = n;
		d->cap = ncap;
	}
	c = &d->changes[d->nchanges++];
	if (key)
		snprintf(c->field, sizeof(c->field), "custom:%.*s", (int)keylen, key);
	else
		snprintf(c->field, sizeof(c->field), "%s", field);
	c->before = before;
	c->after = after;
	return ERR_OK;
}

/* Whether an empty desired value of field (a change's name) clears the
 * remote one: the rule says clear and the contact's file had the column. */
static int clears(const struct merge *d, const char *field)
{
	const char *cols, *at;
	size_t len = strlen(field);

	if (!d->clear || d->raw.source_file >= d->ncols)
		return 0;
	cols = d->cols[d->raw.source_file];
	for (at = cols; (at = strstr(at, field)); at++)
		if (at > cols && at[-1] == '\n' && at[len] == '\n')
			return 1;
	return 0;
}

static enum err cmp_field(struct merge *d, const char *field, struct str before,
			  struct str after)
{
	if (str_eq(before, after))
		return ERR_OK;
	if (!after.len && !clears(d, field))
		return ERR_OK;	/* empty desired: no opinion */
	return add_change(d, field, NULL, 0, before, after);
}

/* Remote custom fields the desired contact has no value for, cleared
 * where its file had their column. */
static enum err clear_custom(struct merge *d, const struct contact *r, const struct contact *c)
{
	char field[sizeof(d->changes[0].field)];
	size_t i;
	enum err e = ERR_OK;

	for (i = 0; !e && d->clear && i < r->ncustom; i++) {
		const struct contact_kv *kv = &r->custom[i];
		const struct str *dv = contact_custom_n(c, kv->key.ptr, kv->key.len);

		if (!kv->val.len || (dv && dv->len))
			continue;
		snprintf(field, sizeof(field), "custom:%.*s", (int)kv->key.len, kv->key.ptr);
		if (clears(d, field))
			e = add_change(d, NULL, kv->key.ptr, kv->key.len, kv->val,
				       (struct str){ "", 0 });
	}
	return e;
}

/* Changes from remote (NULL: none, a create) to the projected contact. */
static enum err compare(struct merge *d, const struct contact *remote)
{
	static const struct contact none;
	const struct contact *r = remote ? remote : &none;
	const struct contact *c = &d->proj;
	unsigned caps = d->drv->caps;
	struct str tb, ta;
	size_t i;
	enum err e = ERR_OK;

	d->nchanges = 0;
	if (caps & PROVIDER_CAP_FULL_NAME)
		e = cmp_field(d, "name", r->name, c->name);
	if (!e && (caps & PROVIDER_CAP_SPLIT_NAME))
		e = cmp_field(d, "first_name", r->first_name, c->first_name);
	if (!e && (caps & PROVIDER_CAP_SPLIT_NAME))
		e = cmp_field(d, "last_name", r->last_name, c->last_name);
	/* a partial remote contact (names only) cannot be compared further */
	if (remote && d->remote.partial)
		return e;
	if (!e && (caps & PROVIDER_CAP_COMPANY))
		e = cmp_field(d, "company", r->company, c->company);
	if (!e && (caps & PROVIDER_CAP_TAGS) && (c->ntags || (remote && clears(d, "tags")))) {
		e = contact_join_tags(r, &d->joined_before, &tb);
		if (!e)
			e = contact_join_tags(c, &d->joined_after, &ta);
		if (!e)
			e = cmp_field(d, "tags", tb, ta);
	}
	for (i = 0; !e && i < c->ncustom; i++) {
		const struct contact_kv *kv = &c->custom[i];
		const struct str *rv = remote ? contact_custom_n(r, kv->key.ptr, kv->key.len) : NULL;
		struct str before = rv ? *rv : (struct str){ "", 0 };

		if (kv->val.len && !str_eq(before, kv->val))
			e = add_change(d, NULL, kv->key.ptr, kv->key.len, before, kv->val);
	}
	if (!e && remote)
		e = clear_custom(d, r, c);
	return e;
}

static enum err emit(struct merge *d, enum plan_op op, const char *phone,
		     const struct contact *desired, const struct remote_contact *remote)
{
	struct plan_entry ent = { op, phone, desired, remote, d->changes, d->nchanges };

	size_t i;

	d->st->ops[op]++;
	if (op == PLAN_UNCHANGED)
		return ERR_OK;
	if (op == PLAN_DELETE)
		ent.nchanges = 0;
	for (i = 0; i < ent.nchanges; i++)
		d->st->cleared += d->changes[i].before.len && !d->changes[i].after.len;
	return d->emit(d->ctx, &ent, d->info);
}

static enum err project(struct merge *d)
{
	enum err e;

	buf_reset(&d->scratch);
	e = d->drv->project(d->p, &d->raw, &d->proj, &d->scratch);
	if (e)
		return err_set(d->info, e, "cannot project '%s'", d->raw.phone);
	if (d->proj.ncustom < d->raw.ncustom)
		d->st->unmapped_custom++;
	return ERR_OK;
}

/* Whether an opt-out can be planned: the provider records it, or the
 * profile says what it means for one that cannot. */
static int has_opt_out(const struct merge *d)
{
	return (d->drv->caps & PROVIDER_CAP_OPT_OUT) ||
	       d->p->optout_action != OPTOUT_ACTION_SKIP;
}

static int is_removed_as_opted_out(struct merge *d)
{
	const void *v;
	size_t vl;

	return d->dp->optouts && !store_table_get(d->rd, d->dp->optouts, d->raw.phone,
						   strlen(d->raw.phone), &v, &vl, NULL);
}

static enum err desired_only(struct merge *d)
{
	enum err e = project(d);

	if (e)
		return e;
	if (d->raw.opted_out == TRI_TRUE && !(d->drv->caps & PROVIDER_CAP_OPT_OUT)) {
		d->st->not_created_opted_out++;
		return ERR_OK;
	}
	if (is_removed_as_opted_out(d)) {
		d->st->removed_opted_out++;
		return ERR_OK;
	}
	if (d->mode == PLAN_MODE_UPDATE) {
		d->st->skipped_by_mode++;
		return ERR_OK;
	}
	e = compare(d, NULL);
	if (!e && d->raw.opted_out == TRI_TRUE)
		e = add_change(d, "opted_out", NULL, 0, (struct str){ "", 0 },
			       (struct str){ "true", 4 });
	if (e)
		return err_set(d->info, e, "out of memory");
	return emit(d, PLAN_CREATE, d->raw.phone, &d->proj, NULL);
}

static enum err remote_only(struct merge *d, const char *key)
{
	int is_out = d->remote.c.opted_out == TRI_TRUE;

	if (d->remote.phone_invalid)
		d->st->remote_invalid++;
	d->nchanges = 0;
	if (d->mode == PLAN_MODE_MIRROR && !is_out)
		return emit(d, PLAN_DELETE, key, NULL, &d->remote);
	if (d->mode == PLAN_MODE_MIRROR || (d->dp->missing_optout && is_out)) {
		d->st->optout_records_kept++;	/* the provider's record of a STOP */
		return ERR_OK;
	}
	if (d->dp->missing_optout && has_opt_out(d))
		return emit(d, PLAN_OPT_OUT, key, NULL, &d->remote);
	if (d->dp->missing_optout)
		d->st->optout_unsupported++;
	else
		d->st->remote_only++;
	return ERR_OK;
}

static enum err both(struct merge *d)
{
	const struct contact *r = &d->remote.c;
	int wants_out = d->raw.opted_out == TRI_TRUE;
	int is_out = r->opted_out == TRI_TRUE;
	enum err e = project(d);

	if (e)
		return e;
	e = compare(d, r);
	if (e)
		return err_set(d->info, e, "out of memory");
	if (is_out && !wants_out)
		d->st->kept_opted_out++;	/* never re-subscribe */
	if (wants_out && !is_out) {
		if (has_opt_out(d))
			return emit(d, PLAN_OPT_OUT, d->raw.phone, &d->proj, &d->remote);
		d->st->optout_unsupported++;
	}
	if (!d->nchanges)
		return emit(d, PLAN_UNCHANGED, d->raw.phone, &d->proj, &d->remote);
	if (d->mode == PLAN_MODE_INSERT) {
		d->st->skipped_by_mode++;
		return ERR_OK;
	}
	return emit(d, PLAN_UPDATE, d->raw.phone, &d->proj, &d->remote);
}

static int key_cmp(const void *a, size_t al, const void *b, size_t bl)
{
	size_t n = al < bl ? al : bl;
	int r = memcmp(a, b, n);

	return r ? r : (al > bl) - (al < bl);
}

enum err plan_run(struct store_read *rd, const char *remote_dataset,
		  const struct profile *p, const struct provider *drv,
		  const struct plan_params *dp,
		  enum err (*emit_fn)(void *ctx, const struct plan_entry *e,
				      struct errinfo *info),
		  void *ctx, struct plan_stats *stats, struct errinfo *info)
{
	struct merge d;
	struct store_cursor *dc = NULL, *rc = NULL;
	const void *dk = NULL, *dv = NULL, *rk = NULL, *rv = NULL;
	size_t dkl = 0, dvl = 0, rkl = 0, rvl = 0;
	enum err e, de, re;

	memset(&d, 0, sizeof(d));
	memset(stats, 0, sizeof(*stats));
	d.p = p;
	d.drv = drv;
	d.mode = dp->mode;
	d.dp = dp;
	d.rd = rd;
	d.emit = emit_fn;
	d.ctx = ctx;
	d.st = stats;
	d.info = info;
	contact_init(&d.raw);
	contact_init(&d.proj);
	contact_init(&d.remote.c);
	buf_init(&d.scratch, 0);
	buf_init(&d.joined_before, 0);
	buf_init(&d.joined_after, 0);
	d.clear = plan_blank_clears(p, dp);
	e = store_columns(rd, dp->desired ? dp->desired : STORE_DESIRED, &d.cols, &d.ncols, info);
	if (!e)
		e = store_cursor_open(rd, dp->desired ? dp->desired : STORE_DESIRED, &dc, info);
	if (!e)
		e = store_cursor_open(rd, remote_dataset, &rc, info);
	if (e)
		goto out;
	de = store_cursor_next(dc, &dk, &dkl, &dv, &dvl, info);
	re = store_cursor_next(rc, &rk, &rkl, &rv, &rvl, info);
	while (!e && (de == ERR_OK || re == ERR_OK)) {
		int c = de ? 1 : re ? -1 : key_cmp(dk, dkl, rk, rkl);

		if (c <= 0 && (e = contact_decode(&d.raw, dv, dvl, dk, dkl, info)))
			break;
		if (c >= 0 && (e = snapshot_decode(&d.remote, rv, rvl, rk, rkl, info)))
			break;
		if (c < 0) {
			e = desired_only(&d);
		} else if (c > 0) {
			char key[256];

			snprintf(key, sizeof(key), "%.*s", (int)rkl, (const char *)rk);
			e = remote_only(&d, key);
		} else {
			e = both(&d);
		}
		if (e)
			break;
		if (c <= 0)
			de = store_cursor_next(dc, &dk, &dkl, &dv, &dvl, info);
		if (c >= 0)
			re = store_cursor_next(rc, &rk, &rkl, &rv, &rvl, info);
		if (de != ERR_OK && de != ERR_NOT_FOUND)
			e = de;
		else if (re != ERR_OK && re != ERR_NOT_FOUND)
			e = re;
	}
out:
	store_cursor_close(dc);
	store_cursor_close(rc);
	contact_free(&d.raw);
	contact_free(&d.proj);
	contact_free(&d.remote.c);
	buf_free(&d.scratch);
	buf_free(&d.joined_before);
	buf_free(&d.joined_after);
	free(d.changes);
	return e;
}
