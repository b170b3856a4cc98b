/*
 * Unit tests for results' table of files: each file is declared once,
 * and what its writer writes, read back with csvin, has the declared
 * header row and rows of the declared width. The push's five are written
 * by results_open and friends, the import's two by ingest_files (the
 * migrate's two are read back in test_migrate.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "read/csvin.h"
#include "ingest.h"
#include "results.h"
#include "store.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/cs-results-XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

/*
 * The CSV file at path read back: its first row is the file's declared
 * header (ends with it for a trailing one), and each of its other rows
 * has as many cells. Returns the rows after the header.
 */
static unsigned check_csv(const char *path, enum results_file which)
{
	static const struct csvin_opts co = { ',', "utf-8", 0, 0 };
	const struct results_def *d = &results_files[which];
	struct errinfo info = { 0 };
	struct csvin *in;
	struct row row;
	unsigned rows = 0;
	size_t i;
	enum err e;

	assert_int_equal(csvin_open(&in, path, NULL, &co, &info), ERR_OK);
	size_t width, skip;

	assert_int_equal(csvin_next(in, &row, &info), ERR_OK);
	/* a trailing file's columns end a header that starts with the input's */
	if (d->trailing)
		assert_true(row.ncells >= d->ncolumns);
	else
		assert_int_equal(row.ncells, d->ncolumns);
	width = row.ncells;
	skip = width - d->ncolumns;
	for (i = 0; i < d->ncolumns; i++)
		assert_string_equal(row.cells[skip + i], d->columns[i]);
	while (!(e = csvin_next(in, &row, &info))) {
		assert_int_equal(row.ncells, width);
		rows++;
	}
	assert_int_equal(e, ERR_NOT_FOUND);
	csvin_close(in);
	return rows;
}

static void test_table(void **state)
{
	size_t i, j, sheets = 0;

	(void)state;
	for (i = 0; i < RESULTS__COUNT; i++) {
		const struct results_def *d = &results_files[i];

		assert_non_null(d->name);
		for (j = 0; j < i; j++)
			assert_string_not_equal(d->name, results_files[j].name);
		/* the report reads every file with a sheet as CSV */
		if (d->sheet) {
			assert_non_null(d->columns);
			sheets++;
		}
		assert_true(d->columns ? d->ncolumns > 0 : d->ncolumns == 0);
		for (j = 0; j < d->ncolumns; j++)
			assert_null(strpbrk(d->columns[j], ",\"\r\n "));
	}
	assert_int_equal(sheets, 7);
	assert_null(results_files[RESULTS_BEFORE].columns);
	assert_true(results_files[RESULTS_REJECTS].trailing);
}

static void test_header_line(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	(void)state;
	assert_non_null(fp);
	results_write_header(fp, RESULTS_ERRORS);
	results_write_header(fp, RESULTS_BEFORE);	/* nothing: not CSV */
	results_write_header(fp, RESULTS_NOT_MIGRATED);
	assert_int_equal(fclose(fp), 0);
	assert_string_equal(text, "operation,phone,source_file,source_row,http_status,message,"
				  "attempts\nphone,reason\n");
	free(text);
}

static void test_push_files(void **state)
{
	struct remote_contact rc;
	struct results_src src = { "a.csv", 3 };
	struct errinfo info = { 0 };
	struct results *r;
	char path[128], line[256];
	FILE *fp;

	(void)state;
	assert_int_equal(results_open(&r, dir, &info), ERR_OK);
	results_success(r, "create", "+447911000001", "42", src, 1, "ok, really");
	results_error(r, "update", "+447911000002", src, 422, "bad \"name\"", 2);
	results_skipped(r, "delete", "+447911000003", (struct results_src){ NULL, 0 }, "guard");
	results_change(r, "update", "+447911000004", "43", "name", (struct str){ "A", 1 },
		       (struct str){ "B,C", 3 });
	results_change(r, "delete", "+447911000005", NULL, NULL, (struct str){ "", 0 },
		       (struct str){ "", 0 });
	memset(&rc, 0, sizeof(rc));
	contact_init(&rc.c);
	strcpy(rc.c.phone, "+447911000004");
	strcpy(rc.id, "43");
	results_before(r, "update", &rc);
	contact_free(&rc.c);
	assert_int_equal(results_close(r, &info), ERR_OK);

	snprintf(path, sizeof(path), "%s/%s", dir, results_files[RESULTS_SUCCESS].name);
	assert_int_equal(check_csv(path, RESULTS_SUCCESS), 1);
	snprintf(path, sizeof(path), "%s/%s", dir, results_files[RESULTS_ERRORS].name);
	assert_int_equal(check_csv(path, RESULTS_ERRORS), 1);
	snprintf(path, sizeof(path), "%s/%s", dir, results_files[RESULTS_SKIPPED].name);
	assert_int_equal(check_csv(path, RESULTS_SKIPPED), 1);
	snprintf(path, sizeof(path), "%s/%s", dir, results_files[RESULTS_CHANGES].name);
	assert_int_equal(check_csv(path, RESULTS_CHANGES), 2);
	/* before.jsonl has no header: its first line is a record */
	snprintf(path, sizeof(path), "%s/%s", dir, results_files[RESULTS_BEFORE].name);
	fp = fopen(path, "r");
	assert_non_null(fp);
	assert_non_null(fgets(line, sizeof(line), fp));
	assert_int_equal(strncmp(line, "{\"op\":\"update\"", 14), 0);
	fclose(fp);
}

static void test_import_files(void **state)
{
	static const char list[] = "phone,name\n"
				   "+447911000001,Ann\n"
				   "not a number,Bob\n"
				   "+447911000001,Ann B\n";
	const char *files[1];
	char input[128], rejects[128], dups[128];
	struct ingest_opts o;
	struct ingest_stats st;
	struct errinfo info = { 0 };
	struct store *store;
	FILE *fp;

	(void)state;
	snprintf(input, sizeof(input), "%s/list.csv", dir);
	snprintf(rejects, sizeof(rejects), "%s/%s", dir, results_files[RESULTS_REJECTS].name);
	snprintf(dups, sizeof(dups), "%s/%s", dir, results_files[RESULTS_DUPLICATES].name);
	fp = fopen(input, "w");
	assert_non_null(fp);
	assert_int_equal(fputs(list, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
	memset(&o, 0, sizeof(o));
	o.rejects_path = rejects;
	o.duplicates_path = dups;
	o.jobs = 1;
	files[0] = input;
	assert_int_equal(store_open(&store, dir, STORE_WRITE | STORE_CREATE, &info), ERR_OK);
	assert_int_equal(ingest_files(store, files, 1, &o, &st, &info), ERR_OK);
	store_close(store);
	assert_int_equal(st.rejected, 1);
	assert_int_equal(st.merged, 1);
	assert_int_equal(check_csv(rejects, RESULTS_REJECTS), 1);
	assert_int_equal(check_csv(dups, RESULTS_DUPLICATES), 1);
	ingest_stats_free(&st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_header_line),
		cmocka_unit_test_setup_teardown(test_push_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_files, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
