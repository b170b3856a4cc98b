/* Unit tests of migrate: what is carried, what is listed as lost, opt-outs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read/csvin.h"
#include "migrate.h"
#include "push.h"
#include "results.h"
#include "snapshot.h"

struct fixture {
	char dir[64];
	char results[96];
	struct store *st;
	struct profile to;
	char long_value[601];
};

/* A snapshot of profile "a" (altum's shape): two good contacts, a number
 * that is not valid, and one known by its name only. */
static void write_snapshot(struct fixture *f)
{
	struct errinfo info = { 0 };
	struct store_gen *g;
	struct remote_contact rc;
	struct buf b;

	buf_init(&b, 0);
	memset(&rc, 0, sizeof(rc));
	contact_init(&rc.c);
	assert_int_equal(store_gen_begin(f->st, "remote:a", &g, &info), ERR_OK);

	rc.phone_invalid = 1;
	strcpy(rc.c.phone, "+12");
	rc.c.name = (struct str){ "Broken", 6 };
	assert_int_equal(snapshot_encode(&rc, &b), ERR_OK);
	assert_int_equal(store_gen_append(g, "+12", 3, b.data, b.len, &info), ERR_OK);

	contact_reset(&rc.c);
	rc.phone_invalid = 0;
	strcpy(rc.c.phone, "+447911000001");
	strcpy(rc.id, "1");
	rc.c.name = (struct str){ "Ann Lee", 7 };
	rc.c.company = (struct str){ "Acme", 4 };
	rc.c.opted_out = TRI_FALSE;
	contact_add_tag(&rc.c, "vip", 3);
	contact_add_custom(&rc.c, "city", 4, "Leeds", 5);
	contact_add_custom(&rc.c, "plan", 4, "gold", 4);
	contact_add_custom(&rc.c, "zzz", 3, f->long_value, 600);
	contact_sort(&rc.c);
	buf_reset(&b);
	assert_int_equal(snapshot_encode(&rc, &b), ERR_OK);
	assert_int_equal(store_gen_append(g, rc.c.phone, 13, b.data, b.len, &info), ERR_OK);

	contact_reset(&rc.c);
	strcpy(rc.c.phone, "+447911000002");
	strcpy(rc.id, "2");
	rc.c.name = (struct str){ "Bob", 3 };
	rc.c.opted_out = TRI_TRUE;
	buf_reset(&b);
	assert_int_equal(snapshot_encode(&rc, &b), ERR_OK);
	assert_int_equal(store_gen_append(g, rc.c.phone, 13, b.data, b.len, &info), ERR_OK);

	contact_reset(&rc.c);
	strcpy(rc.c.phone, "+447911000004");
	strcpy(rc.id, "4");
	rc.partial = 1;
	rc.c.first_name = (struct str){ "Dee", 3 };
	buf_reset(&b);
	assert_int_equal(snapshot_encode(&rc, &b), ERR_OK);
	assert_int_equal(store_gen_append(g, rc.c.phone, 13, b.data, b.len, &info), ERR_OK);

	assert_int_equal(store_gen_commit(g, &info), ERR_OK);
	contact_free(&rc.c);
	buf_free(&b);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct errinfo info = { 0 };

	strcpy(f->dir, "/tmp/cs-migrate-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->results, sizeof(f->results), "%s/res", f->dir);
	assert_int_equal(results_mkdir(f->results, &info), ERR_OK);
	assert_int_equal(store_open(&f->st, f->dir, STORE_WRITE, &info), ERR_OK);
	memset(f->long_value, 'x', 600);
	write_snapshot(f);
	f->to.name = "b";
	f->to.custom_slots[0] = "city";
	f->to.custom_slots[1] = "plan";
	f->to.nslots = 2;
	f->to.optout_action = OPTOUT_ACTION_DELETE;
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

static char *slurp(const char *dir, const char *name)
{
	char path[256], *text;
	FILE *fp;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	text = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(text, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	return text;
}

static const struct migrate_field *field(const struct migrate_stats *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nfields; i++)
		if (!strcmp(s->fields[i].name, name))
			return &s->fields[i];
	return NULL;
}

/* To atom (slots city, plan): tags and the third custom field have no place. */
static void test_to_atom(void **state)
{
	struct fixture *f = *state;
	struct migrate_stats s;
	struct errinfo info = { 0 };
	struct store_read *rd;
	struct contact c;
	const char **files;
	const void *v;
	size_t vl, nfiles;
	uint64_t n;
	char *text, want[1024];

	assert_int_equal(migrate_convert(f->st, &(struct profile){ .name = "a" }, &f->to,
					 provider_find("atom"), f->results, &s, &info), ERR_OK);
	assert_int_equal(s.contacts, 4);
	assert_int_equal(s.carried, 2);
	assert_int_equal(s.opted_out, 1);
	assert_int_equal(s.invalid, 1);
	assert_int_equal(s.partial, 1);
	assert_int_equal(s.values, 2);
	assert_int_equal(s.nfields, 2);
	assert_int_equal(field(&s, "tags")->dropped, 1);
	assert_int_equal(field(&s, "custom:zzz")->dropped, 1);
	assert_int_equal(field(&s, "custom:zzz")->cut, 0);
	assert_null(field(&s, "custom:city"));
	assert_null(field(&s, "company"));	/* atom keeps a company */

	/* the dataset holds A's contacts whole, named after A's snapshot */
	assert_int_equal(store_read_begin(f->st, &rd, &info), ERR_OK);
	assert_int_equal(store_count(rd, "migrate:a", &n, &info), ERR_OK);
	assert_int_equal(n, 2);
	assert_int_equal(store_files(rd, "migrate:a", &files, &nfiles, &info), ERR_OK);
	assert_int_equal(nfiles, 1);
	assert_string_equal(files[0], "remote:a");
	assert_int_equal(store_get(rd, "migrate:a", "+447911000001", 13, &v, &vl, &info), ERR_OK);
	contact_init(&c);
	assert_int_equal(contact_decode(&c, v, vl, "+447911000001", 13, &info), ERR_OK);
	assert_int_equal(c.ncustom, 3);
	assert_int_equal(c.ntags, 1);
	assert_int_equal(c.name.len, 7);
	assert_int_equal(c.source_file, 0);
	assert_int_equal(c.source_row, 0);
	assert_int_equal(store_get(rd, "migrate:a", "+447911000002", 13, &v, &vl, &info), ERR_OK);
	assert_int_equal(contact_decode(&c, v, vl, "+447911000002", 13, &info), ERR_OK);
	assert_int_equal(c.opted_out, TRI_TRUE);
	assert_int_equal(store_get(rd, "migrate:a", "+12", 3, &v, &vl, &info), ERR_NOT_FOUND);
	contact_free(&c);
	store_read_end(rd);

	text = slurp(f->results, "unmapped.csv");
	snprintf(want, sizeof(want), "phone,field,value,kept\n+447911000001,tags,vip,\n"
		 "+447911000001,custom:zzz,%s,\n", f->long_value);
	assert_string_equal(text, want);
	free(text);
	text = slurp(f->results, "not_migrated.csv");
	assert_string_equal(text, "phone,reason\n+12,not a valid phone number\n"
				  "+447911000004,only the name is known (the listing had no details)\n");
	free(text);
	migrate_stats_free(&s);
}

/* To altum: a full name, no company, no tags, values cut to 512. */
static void test_to_altum_cuts(void **state)
{
	struct fixture *f = *state;
	struct migrate_stats s;
	struct errinfo info = { 0 };
	char *text, *row;

	assert_int_equal(migrate_convert(f->st, &(struct profile){ .name = "a" }, &f->to,
					 provider_find("altum"), f->results, &s, &info), ERR_OK);
	assert_int_equal(field(&s, "company")->dropped, 1);
	assert_int_equal(field(&s, "tags")->dropped, 1);
	assert_int_equal(field(&s, "custom:zzz")->cut, 1);
	assert_int_equal(field(&s, "custom:zzz")->dropped, 0);
	assert_null(field(&s, "name"));		/* "Ann Lee" fits */
	text = slurp(f->results, "unmapped.csv");
	row = strstr(text, "+447911000001,custom:zzz,");
	assert_non_null(row);
	row += strlen("+447911000001,custom:zzz,");
	assert_int_equal(strspn(row, "x"), 600);	/* the whole value */
	row += 601;
	assert_int_equal(strspn(row, "x"), 512);	/* and what altum keeps */
	assert_string_equal(row + 512, "\n");
	free(text);
	migrate_stats_free(&s);
}

/* To sendblue: everything has a place. */
static void test_to_sendblue_keeps_all(void **state)
{
	struct fixture *f = *state;
	struct migrate_stats s;
	struct errinfo info = { 0 };
	char *text;

	assert_int_equal(migrate_convert(f->st, &(struct profile){ .name = "a" }, &f->to,
					 provider_find("sendblue"), f->results, &s, &info), ERR_OK);
	assert_int_equal(s.values, 0);
	assert_int_equal(s.nfields, 0);
	text = slurp(f->results, "unmapped.csv");
	assert_string_equal(text, "phone,field,value,kept\n");
	free(text);
	migrate_stats_free(&s);
}

/* Opt-outs atom cannot record are remembered once; sendblue records its own. */
static void test_remember_optouts(void **state)
{
	struct fixture *f = *state;
	struct migrate_stats s;
	struct errinfo info = { 0 };
	struct store_read *rd;
	const void *v;
	size_t vl;
	uint64_t added, n;

	assert_int_equal(migrate_convert(f->st, &(struct profile){ .name = "a" }, &f->to,
					 provider_find("atom"), f->results, &s, &info), ERR_OK);
	migrate_stats_free(&s);
	assert_int_equal(migrate_remember_optouts(f->st, "migrate:a", &f->to, provider_find("sendblue"),
						  &added, &info), ERR_OK);
	assert_int_equal(added, 0);
	assert_int_equal(migrate_remember_optouts(f->st, "migrate:a", &f->to, provider_find("atom"),
						  &added, &info), ERR_OK);
	assert_int_equal(added, 1);
	assert_int_equal(migrate_remember_optouts(f->st, "migrate:a", &f->to, provider_find("atom"),
						  &added, &info), ERR_OK);
	assert_int_equal(added, 0);	/* already there */
	assert_int_equal(store_read_begin(f->st, &rd, &info), ERR_OK);
	assert_int_equal(store_table_count(rd, "optouts:b", &n, &info), ERR_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_table_get(rd, "optouts:b", "+447911000002", 13, &v, &vl, &info), ERR_OK);
	store_read_end(rd);
}

static void test_no_snapshot(void **state)
{
	struct fixture *f = *state;
	struct migrate_stats s;
	struct errinfo info = { 0 };

	assert_int_equal(migrate_convert(f->st, &(struct profile){ .name = "nobody" }, &f->to,
					 provider_find("atom"), f->results, &s, &info), ERR_USAGE);
	assert_non_null(strstr(info.msg, "no snapshot of 'nobody'"));
	migrate_stats_free(&s);
}

static void test_stats_json(void **state)
{
	struct fixture *f = *state;
	struct migrate_stats s;
	struct errinfo info = { 0 };
	json_t *j;

	assert_int_equal(migrate_convert(f->st, &(struct profile){ .name = "a" }, &f->to,
					 provider_find("atom"), f->results, &s, &info), ERR_OK);
	j = migrate_stats_json(&s);
	assert_int_equal(json_integer_value(json_object_get(j, "carried")), 2);
	assert_int_equal(json_integer_value(json_object_get(j, "invalid")), 1);
	assert_int_equal(json_integer_value(json_object_get(j, "unmapped_values")), 2);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(json_object_get(j, "unmapped"),
									   "custom:zzz"), "dropped")), 1);
	json_decref(j);
	migrate_stats_free(&s);
}

/* unmapped.csv and not_migrated.csv read back: the header and the row
 * width results.h declares for them. */
static void check_results_file(const char *dir, enum results_file which, unsigned rows)
{
	static const struct csvin_opts co = { ',', "utf-8", 0, 0 };
	const struct results_def *d = &results_files[which];
	struct errinfo info = { 0 };
	struct csvin *in;
	struct row row;
	char path[256];
	unsigned n = 0;
	size_t i;

	assert_int_equal(d->by, RESULTS_BY_MIGRATE);
	snprintf(path, sizeof(path), "%s/%s", dir, d->name);
	assert_int_equal(csvin_open(&in, path, NULL, &co, &info), ERR_OK);
	assert_int_equal(csvin_next(in, &row, &info), ERR_OK);
	assert_int_equal(row.ncells, d->ncolumns);
	for (i = 0; i < d->ncolumns; i++)
		assert_string_equal(row.cells[i], d->columns[i]);
	for (; !csvin_next(in, &row, &info); n++)
		assert_int_equal(row.ncells, d->ncolumns);
	csvin_close(in);
	assert_int_equal(n, rows);
}

static void test_results_files(void **state)
{
	struct fixture *f = *state;
	struct migrate_stats s;
	struct errinfo info = { 0 };

	assert_int_equal(migrate_convert(f->st, &(struct profile){ .name = "a" }, &f->to,
					 provider_find("atom"), f->results, &s, &info), ERR_OK);
	check_results_file(f->results, RESULTS_UNMAPPED, 2);
	check_results_file(f->results, RESULTS_NOT_MIGRATED, 2);
	migrate_stats_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_to_atom, setup, teardown),
		cmocka_unit_test_setup_teardown(test_to_altum_cuts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_to_sendblue_keeps_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remember_optouts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_snapshot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stats_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_results_files, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
