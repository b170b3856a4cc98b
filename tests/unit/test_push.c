/* Unit tests of push's parts that need no server: options, the summary. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "push.h"

/* push's defaults are the guards' defaults: one place says what they are. */
static void test_defaults_match_guard(void **state)
{
	struct push_opts o;
	struct guard_limits l;

	(void)state;
	push_opts_init(&o);
	guard_limits_init(&l);
	assert_int_equal(o.mode, l.mode);
	assert_int_equal(o.on_missing, l.on_missing);
	assert_true(o.max_delete == l.max_delete);
	assert_true(o.max_delete_percent == l.max_delete_percent);
	assert_true(o.max_snapshot_age_s == l.max_snapshot_age_s);
	assert_int_equal(o.force, l.force);
	assert_int_equal(o.snapshot_fresh, l.snapshot_fresh);
	assert_null(o.stop);
	assert_null(o.warn);
	assert_null(o.info);
}

static void test_on_missing(void **state)
{
	enum on_missing m = ON_MISSING_NONE;

	(void)state;
	assert_int_equal(push_parse_on_missing("optout", &m), 0);
	assert_int_equal(m, ON_MISSING_OPTOUT);
	assert_int_equal(push_parse_on_missing("delete", &m), 0);
	assert_int_equal(m, ON_MISSING_DELETE);
	assert_int_equal(push_parse_on_missing("none", &m), 0);
	assert_int_equal(m, ON_MISSING_NONE);
	assert_int_equal(push_parse_on_missing("mirror", &m), -1);
	assert_int_equal(m, ON_MISSING_NONE);
}

static void summary(struct push_summary *s)
{
	memset(s, 0, sizeof(*s));
	strcpy(s->profile, "shop");
	strcpy(s->provider, "altum");
	s->ops[PLAN_CREATE][PUSH_DONE] = 3;
	s->plan.ops[PLAN_UNCHANGED] = 5;
	s->plan.optout_unsupported = 2;
	s->plan.kept_opted_out = 1;
}

/* The published keys: the plan's counters under push's names. */
static void test_summary_json_keys(void **state)
{
	struct push_summary s;
	json_t *o;

	(void)state;
	summary(&s);
	o = push_summary_json(&s);
	assert_non_null(o);
	assert_int_equal(json_integer_value(json_object_get(o, "optouts_not_recordable")), 2);
	assert_int_equal(json_integer_value(json_object_get(o, "kept_opted_out")), 1);
	assert_int_equal(json_integer_value(json_object_get(o, "unchanged")), 5);
	assert_null(json_object_get(o, "optout_unsupported"));
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(json_object_get(o, "operations"), "create"), "done")),
			 3);
	assert_true(json_is_null(json_object_get(o, "stopped_by")));
	json_decref(o);
}

static void test_summary_text(void **state)
{
	struct push_summary s;
	char *text = NULL;
	size_t len = 0;
	FILE *fp;

	(void)state;
	summary(&s);
	fp = open_memstream(&text, &len);
	assert_non_null(fp);
	push_summary_print(fp, &s, 0);
	fclose(fp);
	assert_non_null(strstr(text, "push to 'shop' (altum):\n  create   3 done\n"));
	assert_non_null(strstr(text, "  opted out remotely, kept opted out: 1\n"));
	assert_non_null(strstr(text, "  warning: 2 opt-outs not carried out: altum cannot record an opt-out"));
	free(text);
}

static void test_partial(void **state)
{
	struct push_summary s;

	(void)state;
	summary(&s);
	assert_int_equal(push_summary_is_partial(&s), 0);
	s.ops[PLAN_DELETE][PUSH_PENDING] = 1;
	assert_int_equal(push_summary_is_partial(&s), 1);
	s.ops[PLAN_DELETE][PUSH_PENDING] = 0;
	s.ops[PLAN_UPDATE][PUSH_FAILED] = 1;
	assert_int_equal(push_summary_is_partial(&s), 1);
}

static void test_table_names(void **state)
{
	char t[64];

	(void)state;
	push_journal_table("shop", t, sizeof(t));
	assert_string_equal(t, "journal:shop");
	push_optouts_table("shop", t, sizeof(t));
	assert_string_equal(t, "optouts:shop");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_match_guard),
		cmocka_unit_test(test_on_missing),
		cmocka_unit_test(test_summary_json_keys),
		cmocka_unit_test(test_summary_text),
		cmocka_unit_test(test_partial),
		cmocka_unit_test(test_table_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
