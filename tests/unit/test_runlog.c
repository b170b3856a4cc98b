/* Unit tests of runlog: records kept per profile, read back by id, last
 * run of a profile or of any, in the order the runs started. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runlog.h"

struct fixture {
	char dir[64];
	struct store *st;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct errinfo info = { 0 };

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/cs-runlog-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	assert_int_equal(store_open(&f->st, f->dir, STORE_WRITE | STORE_CREATE, &info), ERR_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	store_close(f->st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* Records a run of profile with this id and exit status. */
static void put(struct store *st, const char *profile, const char *id, int status)
{
	struct runlog_run r = { id, "sync", profile, "sendblue", 1800000000, 1800000004,
				status, NULL, NULL, NULL, NULL, NULL };
	struct errinfo info = { 0 };

	assert_int_equal(runlog_save(st, &r, &info), ERR_OK);
}

static const char *id_of(json_t *rec)
{
	return json_string_value(json_object_get(rec, "id"));
}

static void test_record_fields(void **state)
{
	struct fixture *f = *state;
	struct errinfo info = { 0 };
	json_t *rec;

	put(f->st, "shop", "20271231T235959.001Z-7", 6);
	assert_int_equal(runlog_get(f->st, "shop", "20271231T235959.001Z-7", &rec, &info), ERR_OK);
	assert_string_equal(id_of(rec), "20271231T235959.001Z-7");
	assert_string_equal(json_string_value(json_object_get(rec, "profile")), "shop");
	assert_string_equal(json_string_value(json_object_get(rec, "start")), "2027-01-15T08:00:00Z");
	assert_int_equal(json_integer_value(json_object_get(rec, "duration_s")), 4);
	assert_int_equal(json_integer_value(json_object_get(rec, "exit_status")), 6);
	assert_true(json_is_null(json_object_get(rec, "push")));
	assert_true(json_is_null(json_object_get(rec, "results")));
	json_decref(rec);
	assert_int_equal(runlog_get(f->st, "shop", "nope", &rec, &info), ERR_NOT_FOUND);
	assert_null(rec);
	assert_int_equal(runlog_get(f->st, "other", NULL, &rec, &info), ERR_NOT_FOUND);
	assert_non_null(strstr(info.msg, "no run of 'other' recorded yet"));
}

struct seen {
	char log[512];
};

static int note(void *ctx, const char *profile, json_t *rec)
{
	struct seen *s = ctx;
	size_t n = strlen(s->log);

	snprintf(s->log + n, sizeof(s->log) - n, "%s/%s ", profile, id_of(rec));
	return 0;
}

/* A profile's runs in the order they started; "shop" is not "shop2";
 * the last run of any profile is the latest id. */
static void test_order_and_last(void **state)
{
	struct fixture *f = *state;
	struct errinfo info = { 0 };
	struct seen s = { "" };
	json_t *rec;

	put(f->st, "shop2", "20261122T020000.000Z-9", 0);
	put(f->st, "shop", "20261122T020000.500Z-31000", 0);
	put(f->st, "shop", "20261122T020000.250Z-999999", 1);
	put(f->st, "a", "20261122T010000.000Z-1", 0);
	assert_int_equal(runlog_each(f->st, "shop", note, &s, &info), ERR_OK);
	assert_string_equal(s.log, "shop/20261122T020000.250Z-999999 shop/20261122T020000.500Z-31000 ");
	s.log[0] = '\0';
	assert_int_equal(runlog_each(f->st, NULL, note, &s, &info), ERR_OK);
	assert_string_equal(s.log, "a/20261122T010000.000Z-1 shop/20261122T020000.250Z-999999 "
			    "shop/20261122T020000.500Z-31000 shop2/20261122T020000.000Z-9 ");
	assert_int_equal(runlog_get(f->st, "shop", NULL, &rec, &info), ERR_OK);
	assert_string_equal(id_of(rec), "20261122T020000.500Z-31000");
	json_decref(rec);
	assert_int_equal(runlog_get(f->st, NULL, NULL, &rec, &info), ERR_OK);
	assert_string_equal(id_of(rec), "20261122T020000.500Z-31000");
	json_decref(rec);
}

/* Ids made now sort after older ones and name the process. */
static void test_new_id(void **state)
{
	char a[64], b[64], pid[24];
	time_t t;

	(void)state;
	t = runlog_id(a, sizeof(a));
	assert_true(t > 1700000000);
	runlog_id(b, sizeof(b));
	assert_true(strcmp(a, b) <= 0);
	assert_int_equal(strlen(a), strlen("20261122T020000.123Z-") + strlen(strrchr(a, '-') + 1));
	snprintf(pid, sizeof(pid), "-%ld", (long)getpid());
	assert_string_equal(strrchr(a, '-'), pid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_record_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_order_and_last, setup, teardown),
		cmocka_unit_test(test_new_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
