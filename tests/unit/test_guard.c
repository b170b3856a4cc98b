/* Unit tests of guard: each safety rule on its own, its bounds, --force. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "guard.h"

#define NOW 1800000000

/* A mirror run of 'shop' against a fresh snapshot of 1000 contacts. */
static void setup(struct guard_facts *f, struct guard_limits *o)
{
	memset(f, 0, sizeof(*f));
	f->profile = "shop";
	f->remote_count = 1000;
	f->desired_count = 950;
	f->synced_count = 1000;
	f->snapshot_time = NOW - 60;
	f->now = NOW;
	guard_limits_init(o);
	o->mode = PLAN_MODE_MIRROR;
	o->on_missing = ON_MISSING_DELETE;
}

/* Checks the verdict, and that the message holds each of the words. */
static void expect(const struct guard_facts *f, const struct guard_limits *o, enum err want, ...)
{
	struct errinfo info = { ERR_OK, "" };
	const char *word;
	va_list ap;

	assert_int_equal(guard_check(f, o, &info), want);
	va_start(ap, want);
	while ((word = va_arg(ap, const char *)))
		if (!strstr(info.msg, word))
			fail_msg("'%s' not in '%s'", word, info.msg);
	va_end(ap);
}

/* 10% of the remote contacts by default: 100 of 1000 go, 101 stop. */
static void test_default_percent(void **state)
{
	struct guard_facts f;
	struct guard_limits o;

	(void)state;
	setup(&f, &o);
	f.deletes = 100;
	expect(&f, &o, ERR_OK, NULL);
	f.deletes = 101;
	expect(&f, &o, ERR_GUARD, "'shop'", "101 deletes planned of 1000 remote contacts (10.1%)",
	       "--max-delete-percent 10", "--force", NULL);
	o.force = 1;
	expect(&f, &o, ERR_OK, NULL);
}

/* --max-delete alone replaces the default percentage; both apply when
 * both are given. */
static void test_max_delete(void **state)
{
	struct guard_facts f;
	struct guard_limits o;

	(void)state;
	setup(&f, &o);
	o.max_delete = 500;
	f.deletes = 500;
	expect(&f, &o, ERR_OK, NULL);	/* 50%, but no percentage was asked */
	f.deletes = 501;
	expect(&f, &o, ERR_GUARD, "501 deletes planned, more than --max-delete 500", NULL);
	o.max_delete_percent = 20;
	f.deletes = 300;
	expect(&f, &o, ERR_GUARD, "more than --max-delete-percent 20", NULL);
	o.max_delete = 0;
	f.deletes = 1;
	expect(&f, &o, ERR_GUARD, "1 deletes planned, more than --max-delete 0", NULL);
	f.deletes = 0;
	expect(&f, &o, ERR_OK, NULL);
}

/* Deletes of an empty snapshot are all of it. */
static void test_percent_of_nothing(void **state)
{
	struct guard_facts f;
	struct guard_limits o;

	(void)state;
	setup(&f, &o);
	f.remote_count = 0;
	f.deletes = 1;
	expect(&f, &o, ERR_GUARD, "(100.0%)", NULL);
}

/* An empty or halved desired set stops a run that removes what the list
 * lacks, not one that keeps it. */
static void test_shrink(void **state)
{
	struct guard_facts f;
	struct guard_limits o;

	(void)state;
	setup(&f, &o);
	f.desired_count = 0;
	expect(&f, &o, ERR_GUARD, "the desired set is empty; a mirror run would delete", NULL);
	o.mode = PLAN_MODE_UPSERT;
	o.on_missing = ON_MISSING_OPTOUT;
	expect(&f, &o, ERR_GUARD, "a --on-missing optout run would opt out", NULL);
	o.on_missing = ON_MISSING_NONE;
	expect(&f, &o, ERR_OK, NULL);

	setup(&f, &o);
	f.desired_count = 500;	/* exactly half: goes */
	expect(&f, &o, ERR_OK, NULL);
	f.desired_count = 499;
	expect(&f, &o, ERR_GUARD, "shrank from 1000 to 499 contacts", NULL);
	f.synced_count = 0;	/* never fully synced: nothing to compare */
	expect(&f, &o, ERR_OK, NULL);
	f.synced_count = 1000;
	o.force = 1;
	expect(&f, &o, ERR_OK, NULL);
}

/* Deletes need a young snapshot, or one from this run; --force does not
 * lift this rule. No deletes, no rule. */
static void test_snapshot_age(void **state)
{
	struct guard_facts f;
	struct guard_limits o;

	(void)state;
	setup(&f, &o);
	f.deletes = 5;
	f.snapshot_time = NOW - 3600;	/* exactly the limit: goes */
	expect(&f, &o, ERR_OK, NULL);
	f.snapshot_time = NOW - 3601;
	expect(&f, &o, ERR_GUARD, "5 deletes planned from a snapshot 60 min old (limit 60 min)",
	       "contactsync pull shop", NULL);
	o.force = 1;
	expect(&f, &o, ERR_GUARD, "snapshot", NULL);
	o.snapshot_fresh = 1;
	expect(&f, &o, ERR_OK, NULL);
	o.snapshot_fresh = 0;
	f.snapshot_time = 0;	/* unknown */
	expect(&f, &o, ERR_GUARD, "from a snapshot of unknown age", NULL);
	f.deletes = 0;
	expect(&f, &o, ERR_OK, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_percent),
		cmocka_unit_test(test_max_delete),
		cmocka_unit_test(test_percent_of_nothing),
		cmocka_unit_test(test_shrink),
		cmocka_unit_test(test_snapshot_age),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
