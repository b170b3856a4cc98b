/* Unit tests of plan: plans per provider and mode, opt-out rules. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "provider/testing.h"
#include "snapshot.h"

#define S(x) ((struct str){ x, sizeof(x) - 1 })

struct spec {
	const char *phone, *name, *first, *last, *company, *tag, *ckey, *cval;
	enum tri out;
};

/* Desired set (sorted by phone) */
static const struct spec desired[] = {
	{ "+447911000001", "", "Ann", "New", "Acme", "vip", "Email", "ann@x", TRI_UNKNOWN },	/* create */
	{ "+447911000002", "", "Bob", "Jones", "Acme", "", "Email", "bob@new", TRI_UNKNOWN },	/* update */
	{ "+447911000003", "", "Cat", "Same", "", "", "", "", TRI_UNKNOWN },			/* unchanged */
	{ "+447911000005", "", "Eve", "Stop", "", "", "", "", TRI_TRUE },			/* opt-out */
	{ "+447911000006", "", "Fay", "Back", "", "", "", "", TRI_FALSE },			/* kept opted out */
	{ "+447911000007", "", "Gus", "Gone", "", "", "", "", TRI_TRUE },			/* new but opted out */
	{ "+447911000008", "", "", "", "", "", "", "", TRI_UNKNOWN },				/* empty: no opinion */
};

/* Remote snapshot, in each provider's shape */
static const struct spec remote[] = {
	{ "+447911000002", "Bob Jones", "Bob", "Jones", "Old Co", "", "Email", "bob@old", TRI_FALSE },
	{ "+447911000003", "Cat Same", "Cat", "Same", "", "", "", "", TRI_FALSE },
	{ "+447911000004", "Dan Remote", "Dan", "Remote", "", "", "", "", TRI_FALSE },	/* remote only */
	{ "+447911000005", "Eve Stop", "Eve", "Stop", "", "", "", "", TRI_FALSE },
	{ "+447911000006", "Fay Back", "Fay", "Back", "", "", "", "", TRI_TRUE },
	{ "+447911000008", "Hal Kept", "Hal", "Kept", "Co", "", "", "", TRI_FALSE },
	{ "+447911000009", "Ida Stop", "Ida", "Stop", "", "", "", "", TRI_TRUE },	/* remote only, opted out */
};

static void fill(struct contact *c, const struct spec *s, int as_altum)
{
	contact_reset(c);
	strcpy(c->phone, s->phone);
	if (as_altum) {
		c->name = (struct str){ s->name, strlen(s->name) };
	} else {
		c->first_name = (struct str){ s->first, strlen(s->first) };
		c->last_name = (struct str){ s->last, strlen(s->last) };
		c->company = (struct str){ s->company, strlen(s->company) };
	}
	if (*s->tag)
		contact_add_tag(c, s->tag, strlen(s->tag));
	if (*s->ckey)
		contact_add_custom(c, s->ckey, strlen(s->ckey), s->cval, strlen(s->cval));
	c->opted_out = s->out;
	contact_sort(c);
}

static char *make_store(struct store **st, int as_altum)
{
	char tmpl[] = "/tmp/cs-diff-XXXXXX";
	char *dir = strdup(mkdtemp(tmpl));
	struct errinfo info = { 0 };
	struct store_gen *g;
	struct contact c;
	struct remote_contact rc;
	struct buf b;
	size_t i;

	contact_init(&c);
	buf_init(&b, 0);
	assert_int_equal(store_open(st, dir, STORE_WRITE, &info), ERR_OK);
	assert_int_equal(store_gen_begin(*st, "desired", &g, &info), ERR_OK);
	for (i = 0; i < sizeof(desired) / sizeof(*desired); i++) {
		fill(&c, &desired[i], 0);
		buf_reset(&b);
		assert_int_equal(contact_encode(&c, &b), ERR_OK);
		assert_int_equal(store_gen_append(g, c.phone, strlen(c.phone), b.data, b.len, &info), ERR_OK);
	}
	assert_int_equal(store_gen_commit(g, &info), ERR_OK);
	assert_int_equal(store_gen_begin(*st, "remote:p", &g, &info), ERR_OK);
	memset(&rc, 0, sizeof(rc));
	contact_init(&rc.c);
	for (i = 0; i < sizeof(remote) / sizeof(*remote); i++) {
		fill(&rc.c, &remote[i], as_altum);
		snprintf(rc.id, sizeof(rc.id), "%zu", i + 100);
		buf_reset(&b);
		assert_int_equal(snapshot_encode(&rc, &b), ERR_OK);
		assert_int_equal(store_gen_append(g, rc.c.phone, strlen(rc.c.phone), b.data, b.len, &info), ERR_OK);
	}
	assert_int_equal(store_gen_commit(g, &info), ERR_OK);
	contact_free(&c);
	contact_free(&rc.c);
	buf_free(&b);
	return dir;
}

struct seen {
	char log[4096];
};

static enum err collect(void *ctx, const struct plan_entry *e, struct errinfo *info)
{
	struct seen *s = ctx;
	size_t n = strlen(s->log), i;

	(void)info;
	n += (size_t)snprintf(s->log + n, sizeof(s->log) - n, "%s %s", plan_op_name(e->op), e->phone + 10);
	for (i = 0; i < e->nchanges; i++)
		n += (size_t)snprintf(s->log + n, sizeof(s->log) - n, " %s:'%.*s'>'%.*s'",
				      e->changes[i].field, (int)e->changes[i].before.len,
				      e->changes[i].before.ptr, (int)e->changes[i].after.len,
				      e->changes[i].after.ptr);
	snprintf(s->log + n, sizeof(s->log) - n, "\n");
	return ERR_OK;
}

static void run_dp(const char *dir, const struct provider *drv, const struct profile *p,
		   const struct plan_params *dp, struct seen *s, struct plan_stats *st)
{
	struct errinfo info = { 0 };
	struct store *rst;
	struct store_read *rd;

	memset(s, 0, sizeof(*s));
	assert_int_equal(store_open(&rst, dir, 0, &info), ERR_OK);
	assert_int_equal(store_read_begin(rst, &rd, &info), ERR_OK);
	assert_int_equal(plan_run(rd, "remote:p", p, drv, dp, collect, s, st, &info), ERR_OK);
	store_read_end(rd);
	store_close(rst);
}

static void run(const char *dir, const struct provider *drv, const struct profile *p,
		enum plan_mode mode, struct seen *s, struct plan_stats *st)
{
	struct plan_params dp = { mode, 0, NULL, NULL, BLANK_DEFAULT };

	run_dp(dir, drv, p, &dp, s, st);
}

static void cleanup(struct store *st, char *dir)
{
	char cmd[128];

	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(dir);
}

static void test_sendblue_upsert_and_mirror(void **state)
{
	struct store *st;
	char *dir = make_store(&st, 0);
	struct seen s;
	struct plan_stats ds;
	struct profile p = { .name = "p" };

	(void)state;
	run(dir, &provider_sendblue, &p, PLAN_MODE_UPSERT, &s, &ds);
	assert_string_equal(s.log,
			    "create 001 first_name:''>'Ann' last_name:''>'New' company:''>'Acme' tags:''>'vip' custom:Email:''>'ann@x'\n"
			    "update 002 company:'Old Co'>'Acme' custom:Email:'bob@old'>'bob@new'\n"
			    "opt-out 005\n"
			    "create 007 first_name:''>'Gus' last_name:''>'Gone' opted_out:''>'true'\n");
	assert_int_equal(ds.ops[PLAN_UNCHANGED], 3);	/* 003, 006, 008 */
	assert_int_equal(ds.kept_opted_out, 1);		/* 006 is not re-subscribed */
	assert_int_equal(ds.remote_only, 2);		/* 004 and 009 kept */
	run(dir, &provider_sendblue, &p, PLAN_MODE_MIRROR, &s, &ds);
	assert_non_null(strstr(s.log, "delete 004\n"));
	assert_null(strstr(s.log, "009"));		/* an opt-out record is never deleted */
	assert_int_equal(ds.ops[PLAN_DELETE], 1);
	assert_int_equal(ds.optout_records_kept, 1);
	run(dir, &provider_sendblue, &p, PLAN_MODE_INSERT, &s, &ds);
	assert_null(strstr(s.log, "update"));
	assert_non_null(strstr(s.log, "opt-out 005"));	/* opt-outs in every mode */
	assert_int_equal(ds.skipped_by_mode, 1);
	run(dir, &provider_sendblue, &p, PLAN_MODE_UPDATE, &s, &ds);
	assert_null(strstr(s.log, "create"));
	assert_int_equal(ds.skipped_by_mode, 2);
	cleanup(st, dir);
}

static void test_altum_stores_less(void **state)
{
	struct store *st;
	char *dir = make_store(&st, 1);
	struct seen s;
	struct plan_stats ds;
	struct profile p = { .name = "p" };

	(void)state;
	run(dir, &provider_altum, &p, PLAN_MODE_UPSERT, &s, &ds);
	/* company and tags are not altum's: never a change; name is derived */
	assert_string_equal(s.log,
			    "create 001 name:''>'Ann New' custom:Email:''>'ann@x'\n"
			    "update 002 custom:Email:'bob@old'>'bob@new'\n");
	assert_int_equal(ds.optout_unsupported, 1);	/* 005: altum cannot opt out */
	assert_int_equal(ds.not_created_opted_out, 1);	/* 007: never subscribed */
	cleanup(st, dir);
}

static void test_atom_slots(void **state)
{
	struct store *st;
	char *dir = make_store(&st, 0);
	struct seen s;
	struct plan_stats ds;
	struct profile p = { .name = "p" };

	(void)state;
	run(dir, &provider_atom, &p, PLAN_MODE_UPSERT, &s, &ds);
	/* no slot named: Email has nowhere to go, and is counted, not planned */
	assert_null(strstr(s.log, "custom:Email"));
	assert_int_equal(ds.unmapped_custom, 2);
	p.custom_slots[0] = "Email";
	p.nslots = 1;
	run(dir, &provider_atom, &p, PLAN_MODE_UPSERT, &s, &ds);
	assert_non_null(strstr(s.log, "update 002 company:'Old Co'>'Acme' custom:Email:'bob@old'>'bob@new'\n"));
	assert_int_equal(ds.unmapped_custom, 0);
	cleanup(st, dir);
}

static void test_missing_optout_and_removed(void **state)
{
	struct store *st;
	char *dir = make_store(&st, 0);
	struct seen s;
	struct plan_stats ds;
	struct profile p = { .name = "p" };
	struct plan_params dp = { PLAN_MODE_UPSERT, 1, "optouts:p", NULL, BLANK_DEFAULT };
	struct store_tx *tx;
	struct errinfo info = { 0 };

	(void)state;
	/* remote contacts missing from the list are opted out, once */
	run_dp(dir, &provider_sendblue, &p, &dp, &s, &ds);
	assert_non_null(strstr(s.log, "opt-out 004\n"));
	assert_null(strstr(s.log, "009"));
	assert_int_equal(ds.ops[PLAN_OPT_OUT], 2);	/* 004 missing, 005 asked */
	assert_int_equal(ds.optout_records_kept, 1);
	assert_int_equal(ds.remote_only, 0);
	/* a number removed as opted out is never created again */
	assert_int_equal(store_tx_begin(st, &tx, &info), ERR_OK);
	assert_int_equal(store_tx_put(tx, "optouts:p", "+447911000001", 13, "", 0, &info), ERR_OK);
	assert_int_equal(store_tx_commit(tx, &info), ERR_OK);
	dp.missing_optout = 0;
	run_dp(dir, &provider_sendblue, &p, &dp, &s, &ds);
	assert_null(strstr(s.log, "create 001"));
	assert_int_equal(ds.removed_opted_out, 1);
	assert_int_equal(ds.ops[PLAN_CREATE], 1);	/* 007, created opted out */
	cleanup(st, dir);
}

static void test_optout_action(void **state)
{
	struct store *st;
	char *dir = make_store(&st, 1);
	struct seen s;
	struct plan_stats ds;
	struct profile p = { .name = "p" };
	struct plan_params dp = { PLAN_MODE_UPSERT, 1, NULL, NULL, BLANK_DEFAULT };

	(void)state;
	/* skip (the default): nothing planned, counted for the summary */
	run_dp(dir, &provider_altum, &p, &dp, &s, &ds);
	assert_null(strstr(s.log, "opt-out"));
	assert_int_equal(ds.optout_unsupported, 2);	/* 005 asked, 004 missing */
	/* delete: the opt-out is planned (the engine removes the contact) */
	p.optout_action = OPTOUT_ACTION_DELETE;
	run_dp(dir, &provider_altum, &p, &dp, &s, &ds);
	assert_non_null(strstr(s.log, "opt-out 004\n"));
	assert_non_null(strstr(s.log, "opt-out 005\n"));
	assert_int_equal(ds.optout_unsupported, 0);
	/* still never created opted out where it cannot be recorded */
	assert_null(strstr(s.log, "007"));
	cleanup(st, dir);
}

/*
 * The blank rule (plan.h). Desired contacts come from two files: file 0
 * had columns for the names, company, tags and Email; file 1 for the
 * names only. Remotes hold values the list leaves empty, and a custom
 * field (Extra) no file has a column for.
 */
static char *make_blank_store(struct store **st, int with_cols)
{
	char tmpl[] = "/tmp/cs-blank-XXXXXX";
	char *dir = strdup(mkdtemp(tmpl));
	struct errinfo info = { 0 };
	static const char *const files[] = { "a.csv", "b.csv" };
	static const char *const cols[] = {
		"\nname\nfirst_name\nlast_name\ncompany\ntags\ncustom:Email\n",
		"\nname\nfirst_name\nlast_name\n",
	};
	struct store_gen *g;
	struct contact c;
	struct remote_contact rc;
	struct buf b;

	contact_init(&c);
	buf_init(&b, 0);
	assert_int_equal(store_open(st, dir, STORE_WRITE, &info), ERR_OK);
	assert_int_equal(store_gen_begin(*st, "desired", &g, &info), ERR_OK);
	/* 001 (file 0): only the first name; 002 (file 1): the same */
	strcpy(c.phone, "+447911000001");
	c.first_name = S("Ann");
	c.source_file = 0;
	assert_int_equal(contact_encode(&c, &b), ERR_OK);
	assert_int_equal(store_gen_append(g, c.phone, 13, b.data, b.len, &info), ERR_OK);
	strcpy(c.phone, "+447911000002");
	c.first_name = S("Bob");
	c.source_file = 1;
	buf_reset(&b);
	assert_int_equal(contact_encode(&c, &b), ERR_OK);
	assert_int_equal(store_gen_append(g, c.phone, 13, b.data, b.len, &info), ERR_OK);
	assert_int_equal(store_gen_set_files(g, files, 2, &info), ERR_OK);
	if (with_cols)
		assert_int_equal(store_gen_set_columns(g, cols, 2, &info), ERR_OK);
	assert_int_equal(store_gen_commit(g, &info), ERR_OK);

	assert_int_equal(store_gen_begin(*st, "remote:p", &g, &info), ERR_OK);
	memset(&rc, 0, sizeof(rc));
	contact_init(&rc.c);
	strcpy(rc.c.phone, "+447911000001");
	rc.c.first_name = S("Ann");
	rc.c.last_name = S("Russo");
	rc.c.company = S("Acme");
	contact_add_tag(&rc.c, "vip", 3);
	contact_add_custom(&rc.c, "Email", 5, "a@x", 3);
	contact_add_custom(&rc.c, "Extra", 5, "keep", 4);
	contact_sort(&rc.c);
	strcpy(rc.id, "1");
	buf_reset(&b);
	assert_int_equal(snapshot_encode(&rc, &b), ERR_OK);
	assert_int_equal(store_gen_append(g, rc.c.phone, 13, b.data, b.len, &info), ERR_OK);
	contact_reset(&rc.c);
	strcpy(rc.c.phone, "+447911000002");
	rc.c.first_name = S("Bob");
	rc.c.last_name = S("Stone");
	rc.c.company = S("Co");
	contact_add_custom(&rc.c, "Email", 5, "b@x", 3);
	strcpy(rc.id, "2");
	buf_reset(&b);
	assert_int_equal(snapshot_encode(&rc, &b), ERR_OK);
	assert_int_equal(store_gen_append(g, rc.c.phone, 13, b.data, b.len, &info), ERR_OK);
	assert_int_equal(store_gen_commit(g, &info), ERR_OK);
	contact_free(&c);
	contact_free(&rc.c);
	buf_free(&b);
	return dir;
}

static const char blank_cleared[] =
	"update 001 last_name:'Russo'>'' company:'Acme'>'' tags:'vip'>'' custom:Email:'a@x'>''\n"
	"update 002 last_name:'Stone'>''\n";

static void test_blank_rule(void **state)
{
	struct store *st;
	char *dir = make_blank_store(&st, 1);
	struct seen s;
	struct plan_stats ds;
	struct profile p = { .name = "p" };
	struct plan_params dp = { PLAN_MODE_MIRROR, 0, NULL, NULL, BLANK_DEFAULT };

	(void)state;
	/* mirror clears by default, only what each file had a column for:
	 * Bob's company and Email stay (file 1 has no such columns), and
	 * Extra is nobody's column */
	run_dp(dir, &provider_sendblue, &p, &dp, &s, &ds);
	assert_string_equal(s.log, blank_cleared);
	assert_int_equal(ds.cleared, 5);
	assert_int_equal(ds.ops[PLAN_UPDATE], 2);
	/* --blank keep in mirror: an empty cell is no opinion */
	dp.blank = BLANK_KEEP;
	run_dp(dir, &provider_sendblue, &p, &dp, &s, &ds);
	assert_string_equal(s.log, "");
	assert_int_equal(ds.cleared, 0);
	assert_int_equal(ds.ops[PLAN_UNCHANGED], 2);
	/* upsert keeps by default */
	dp.mode = PLAN_MODE_UPSERT;
	dp.blank = BLANK_DEFAULT;
	run_dp(dir, &provider_sendblue, &p, &dp, &s, &ds);
	assert_string_equal(s.log, "");
	/* the profile's clear holds in upsert; --blank keep overrides it */
	p.blank = BLANK_CLEAR;
	run_dp(dir, &provider_sendblue, &p, &dp, &s, &ds);
	assert_string_equal(s.log, blank_cleared);
	dp.blank = BLANK_KEEP;
	run_dp(dir, &provider_sendblue, &p, &dp, &s, &ds);
	assert_string_equal(s.log, "");
	/* and the profile's keep holds in mirror, --blank clear overriding it */
	p.blank = BLANK_KEEP;
	dp.mode = PLAN_MODE_MIRROR;
	dp.blank = BLANK_DEFAULT;
	run_dp(dir, &provider_sendblue, &p, &dp, &s, &ds);
	assert_string_equal(s.log, "");
	dp.blank = BLANK_CLEAR;
	run_dp(dir, &provider_sendblue, &p, &dp, &s, &ds);
	assert_string_equal(s.log, blank_cleared);
	/* altum joins the name: Ann Russo's name becomes "Ann" (a change, not
	 * a clear), and the Email key is cleared */
	p.blank = BLANK_DEFAULT;
	run_dp(dir, &provider_altum, &p, &dp, &s, &ds);
	assert_null(strstr(s.log, "company"));	/* altum keeps no company */
	assert_non_null(strstr(s.log, "custom:Email:'a@x'>''"));
	assert_null(strstr(s.log, "Extra"));
	cleanup(st, dir);
}

/* A desired set without a column table (migrate's, or imported before the
 * table existed) clears nothing, even in mirror. */
static void test_blank_without_columns(void **state)
{
	struct store *st;
	char *dir = make_blank_store(&st, 0);
	struct seen s;
	struct plan_stats ds;
	struct profile p = { .name = "p" };
	struct plan_params dp = { PLAN_MODE_MIRROR, 0, NULL, NULL, BLANK_CLEAR };

	(void)state;
	run_dp(dir, &provider_sendblue, &p, &dp, &s, &ds);
	assert_string_equal(s.log, "");
	assert_int_equal(ds.cleared, 0);
	cleanup(st, dir);
}

/* The statistics table: every counter of struct plan_stats has one row,
 * keys unique, diff's text lines a permutation, and the words print. */
static void test_stats_table(void **state)
{
	struct plan_stats st;
	unsigned seen_line[PLAN_STAT__COUNT + 1] = { 0 };
	int id, other;
	char out[256];
	FILE *fp;

	(void)state;
	/* one row per counter besides ops[], each at its own offset */
	assert_int_equal(sizeof(st) - sizeof(st.ops), PLAN_STAT__COUNT * sizeof(uint64_t));
	memset(&st, 0, sizeof(st));
	for (id = 0; id < PLAN_STAT__COUNT; id++) {
		const struct plan_stat_row *r = plan_stat_row((enum plan_stat)id);

		assert_non_null(r);
		assert_true(r->line >= 1 && r->line <= PLAN_STAT__COUNT);
		assert_int_equal(seen_line[r->line]++, 0);
		assert_true(r->key[0] && r->words[0]);
		for (other = 0; other < id; other++) {
			const struct plan_stat_row *o = plan_stat_row((enum plan_stat)other);

			assert_string_not_equal(o->key, r->key);
			assert_int_not_equal(o->offset, r->offset);
		}
		assert_int_equal(plan_stat_value(&st, (enum plan_stat)id), 0);
	}
	assert_null(plan_stat_row(PLAN_STAT__COUNT));
	st.optout_unsupported = 7;
	st.remote_invalid = 3;
	assert_int_equal(plan_stat_value(&st, PLAN_STAT_OPTOUT_UNSUPPORTED), 7);
	assert_int_equal(plan_stat_value(&st, PLAN_STAT_REMOTE_INVALID), 3);
	/* the one published alias: push's summary's name for the counter */
	assert_string_equal(plan_stat_row(PLAN_STAT_OPTOUT_UNSUPPORTED)->key, "optout_unsupported");
	assert_string_equal(plan_stat_row(PLAN_STAT_OPTOUT_UNSUPPORTED)->push_key,
			    "optouts_not_recordable");
	fp = fmemopen(out, sizeof(out), "w");
	assert_non_null(fp);
	plan_stat_print(fp, &st, PLAN_STAT_OPTOUT_UNSUPPORTED, "altum");
	plan_stat_print(fp, &st, PLAN_STAT_REMOTE_INVALID, "altum");
	fclose(fp);
	assert_string_equal(out, "opted out in the list, but altum cannot record an opt-out: 7\n"
				 "remote numbers that are not valid E.164: 3\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sendblue_upsert_and_mirror),
		cmocka_unit_test(test_missing_optout_and_removed),
		cmocka_unit_test(test_optout_action),
		cmocka_unit_test(test_altum_stores_less),
		cmocka_unit_test(test_atom_slots),
		cmocka_unit_test(test_blank_rule),
		cmocka_unit_test(test_blank_without_columns),
		cmocka_unit_test(test_stats_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
