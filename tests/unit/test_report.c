/*
 * Unit tests of report: the Changes pivot (one row per operation, field
 * pairs in a fixed order, a field changed to empty, a delete, a field seen
 * twice starting the next operation), number cells, reject reasons in
 * words, missing files and steps named on the Summary, malformed files
 * named with their row, and long tables continued on a second sheet.
 * Workbooks are read back with the project's unzip module.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exitcode.h"
#include "report.h"
#include "read/unzip.h"

struct fixture {
	char dir[64];
	char results[128];
	char xlsx[128];
	json_t *rec;
};

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static const char changes_csv[] =
	"operation,phone,id,field,before,after\n"
	/* a create: tags before first_name in the file, custom field last */
	"create,+447400000001,11,tags,,vip\n"
	"create,+447400000001,11,first_name,,Ann\n"
	"create,+447400000001,11,custom:Plan,,gold\n"
	/* an update changing a field to empty */
	"update,+447400000002,12,company,Acme,\n"
	"update,+447400000002,12,last_name,Smith,Smyth\n"
	/* a delete: one row without a field */
	"delete,+447400000003,13,,,\n"
	/* the same key twice in a row: a field seen again is the next operation */
	"update,+447400000004,14,first_name,A,B\n"
	"update,+447400000004,14,first_name,B,C\n"
	/* another kind of operation on the same contact: the next one */
	"opt-out,+447400000004,14,opted_out,false,true\n";

static const char errors_csv[] =
	"operation,phone,source_file,source_row,http_status,message,attempts\n"
	"create,+447400000005,list.csv,7,400,\"tags: too many, 300\",3\n"
	"update,+447400000006,list.csv,,,connection refused,2\n";

static const char skipped_csv[] =
	"operation,phone,source_file,source_row,reason\n"
	"delete,+447400000007,,,opted out remotely\n";

/* The input's own header and cells, then where and why (results.h). */
static const char rejects_csv[] =
	"phone,name,tags,_reason,_column,_value,_source,_row\n"
	"123,Bob,\"a,b\",too_short,phone,123,list.csv,4\n"
	"x,,,some_new_reason,,,list.csv,9\n";

static const char duplicates_csv[] =
	"phone,file,row,merged_into_file,merged_into_row,how\n"
	"+447400000001,list.csv,3,list.csv,8,merged: the same person\n";

/* A sync record whose results folder is f->results. */
static json_t *record(const struct fixture *f)
{
	char path[256];
	json_t *rec;

	rec = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:i}", "id", "20261122T020000.000Z-1",
			"command", "sync", "profile", "shop", "provider", "sendblue",
			"start", "2026-11-22T02:00:00Z", "end", "2026-11-22T02:00:04Z",
			"duration_s", 4, "exit_status", 1);
	assert_non_null(rec);
	snprintf(path, sizeof(path), "%s/rejects.csv", f->results);
	json_object_set_new(rec, "import",
			    json_pack("{s:i, s:i, s:i, s:i, s:i, s:s, s:s}", "rows_read", 12,
				      "staged", 9, "merged", 1, "rejected", 2, "blank", 0,
				      "rejects", path, "duplicates", ""));
	snprintf(path, sizeof(path), "%s/duplicates.csv", f->results);
	json_object_set_new(json_object_get(rec, "import"), "duplicates", json_string(path));
	json_object_set_new(rec, "pull", json_pack("{s:i}", "contacts", 40));
	json_object_set_new(rec, "push", json_pack(
		"{s:b, s:{s:{s:i,s:i,s:i,s:i}, s:{s:i,s:i,s:i,s:i}, s:{s:i,s:i,s:i,s:i},"
		" s:{s:i,s:i,s:i,s:i}}, s:i, s:i, s:i, s:i, s:f, s:f, s:n}",
		"dry_run", 0, "operations",
		"create", "done", 1, "failed", 1, "skipped", 0, "pending", 0,
		"update", "done", 3, "failed", 1, "skipped", 0, "pending", 0,
		"opt-out", "done", 0, "failed", 0, "skipped", 0, "pending", 0,
		"delete", "done", 1, "failed", 0, "skipped", 1, "pending", 0,
		"unchanged", 35, "requests", 9, "retries", 2, "status_429", 1,
		"rate_wait_s", 1.5, "retry_wait_s", 0.25, "stopped_by"));
	json_object_set_new(rec, "results", json_string(f->results));
	return rec;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	strcpy(f->dir, "/tmp/cs-report-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->results, sizeof(f->results), "%s/results", f->dir);
	snprintf(f->xlsx, sizeof(f->xlsx), "%s/r.xlsx", f->dir);
	assert_int_equal(mkdir(f->results, 0700), 0);
	write_file(f->results, "changes.csv", changes_csv);
	write_file(f->results, "errors.csv", errors_csv);
	write_file(f->results, "skipped.csv", skipped_csv);
	write_file(f->results, "rejects.csv", rejects_csv);
	write_file(f->results, "duplicates.csv", duplicates_csv);
	f->rec = record(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	json_decref(f->rec);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* What the missing hook was told: how often, and the last time. */
static struct {
	unsigned calls;
	char run[64], why[512], sheet[32];
} told;

static void missing(void *ctx, const char *run, const char *why, const char *sheet)
{
	assert_ptr_equal(ctx, &told);
	told.calls++;
	snprintf(told.run, sizeof(told.run), "%s", run);
	snprintf(told.why, sizeof(told.why), "%s", why);
	snprintf(told.sheet, sizeof(told.sheet), "%s", sheet);
}

static enum err write_report(struct fixture *f, uint32_t max_rows, struct report_stats *st,
			     struct errinfo *info)
{
	struct report_opts o = { .tmpdir = f->dir, .max_rows = max_rows, .missing = missing,
				 .ctx = &told };

	return report_write(f->rec, f->xlsx, NULL, &o, st, info);
}

/* Entry of the workbook as a string (a new buf: caller frees). */
static void read_entry(const char *path, const char *entry, struct buf *out)
{
	struct errinfo info = { 0 };
	struct unzip *z;

	buf_init(out, 0);
	assert_int_equal(unzip_open(&z, path, NULL, NULL, &info), ERR_OK);
	assert_int_equal(unzip_read_all(z, entry, out, &info), ERR_OK);
	unzip_close(z);
}

/* The text or number of cell `ref` ("B2") in a sheet's XML; "" when it is
 * not written. "n:" before a number cell's value. */
static const char *cell(const char *xml, const char *ref)
{
	static char out[256];
	char tag[32];
	const char *p, *end, *v;
	size_t n;

	snprintf(tag, sizeof(tag), "<c r=\"%s\"", ref);
	p = strstr(xml, tag);
	out[0] = '\0';
	if (!p)
		return out;
	end = strstr(p, "</c>");
	assert_non_null(end);
	if ((v = strstr(p, "<v>")) && v < end) {
		n = (size_t)(strstr(v, "</v>") - v - 3);
		snprintf(out, sizeof(out), "n:%.*s", (int)n, v + 3);
		return out;
	}
	v = strstr(p, "<t");
	assert_true(v && v < end);
	v = strchr(v, '>') + 1;
	n = (size_t)(strstr(v, "</t>") - v);
	snprintf(out, sizeof(out), "%.*s", (int)n, v);
	return out;
}

static void sheet(const struct fixture *f, int no, struct buf *x)
{
	char entry[64];

	snprintf(entry, sizeof(entry), "xl/worksheets/sheet%d.xml", no);
	read_entry(f->xlsx, entry, x);
}

/* The row of the Summary whose item is `item`: its value cell. */
static const char *summary_value(const char *xml, const char *item)
{
	char ref[16];
	int row;

	for (row = 2; row < 100; row++) {
		snprintf(ref, sizeof(ref), "A%d", row);
		if (!strcmp(cell(xml, ref), item)) {
			snprintf(ref, sizeof(ref), "B%d", row);
			return cell(xml, ref);
		}
	}
	fail_msg("no Summary row '%s'", item);
	return NULL;
}

static void test_full_report(void **state)
{
	struct fixture *f = *state;
	struct report_stats st;
	struct errinfo info = { 0 };
	struct buf x;

	assert_int_equal(write_report(f, 0, &st, &info), ERR_OK);
	assert_int_equal(st.changes, 6);
	assert_int_equal(st.failures, 2);
	assert_int_equal(st.skipped, 1);
	assert_int_equal(st.rejects, 2);
	assert_int_equal(st.duplicates, 1);
	assert_int_equal(st.missing, 0);

	read_entry(f->xlsx, "xl/workbook.xml", &x);
	assert_non_null(strstr(x.data, "<sheet name=\"Summary\" sheetId=\"1\""));
	assert_non_null(strstr(x.data, "<sheet name=\"Operations\" sheetId=\"2\""));
	assert_non_null(strstr(x.data, "<sheet name=\"Changes\" sheetId=\"3\""));
	assert_non_null(strstr(x.data, "<sheet name=\"Failures\" sheetId=\"4\""));
	assert_non_null(strstr(x.data, "<sheet name=\"Skipped\" sheetId=\"5\""));
	assert_non_null(strstr(x.data, "<sheet name=\"Rejects\" sheetId=\"6\""));
	assert_non_null(strstr(x.data, "<sheet name=\"Duplicates\" sheetId=\"7\""));
	buf_free(&x);

	sheet(f, 1, &x);
	assert_string_equal(summary_value(x.data, "profile"), "shop");
	assert_string_equal(summary_value(x.data, "exit status"), "1: some operations failed, or an output could not be written");
	assert_string_equal(summary_value(x.data, "duration (s)"), "n:4");
	assert_string_equal(summary_value(x.data, "dry run"), "no");
	assert_string_equal(summary_value(x.data, "rows read"), "n:12");
	assert_string_equal(summary_value(x.data, "rows rejected"), "n:2");
	assert_string_equal(summary_value(x.data, "contacts pulled"), "n:40");
	assert_string_equal(summary_value(x.data, "operations unchanged"), "n:35");
	assert_string_equal(summary_value(x.data, "push 429 answers"), "n:1");
	assert_string_equal(summary_value(x.data, "push rate-limit wait (s)"), "n:1.5");
	assert_string_equal(summary_value(x.data, "push retry wait (s)"), "n:0.25");
	assert_string_equal(summary_value(x.data, "stopped early"), "no");
	assert_string_equal(summary_value(x.data, "results folder"), f->results);
	assert_null(strstr(x.data, " sheet</t>"));	/* nothing missing */
	assert_non_null(strstr(x.data, "<drawing r:id="));
	buf_free(&x);

	sheet(f, 2, &x);
	assert_string_equal(cell(x.data, "A3"), "update");
	assert_string_equal(cell(x.data, "B3"), "n:3");
	assert_string_equal(cell(x.data, "C3"), "n:1");
	assert_string_equal(cell(x.data, "A5"), "delete");
	assert_string_equal(cell(x.data, "D5"), "n:1");
	buf_free(&x);
	read_entry(f->xlsx, "xl/charts/chart1.xml", &x);
	assert_non_null(strstr(x.data, "<c:grouping val=\"stacked\"/>"));
	assert_non_null(strstr(x.data, "<c:f>Operations!$E$2:$E$5</c:f>"));
	assert_non_null(strstr(x.data, "Operations by kind and outcome"));
	buf_free(&x);

	/* Changes: the fixed field order, whatever the file's */
	sheet(f, 3, &x);
	assert_string_equal(cell(x.data, "D1"), "fields");
	assert_string_equal(cell(x.data, "E1"), "first_name before");
	assert_string_equal(cell(x.data, "F1"), "first_name after");
	assert_string_equal(cell(x.data, "G1"), "last_name before");
	assert_string_equal(cell(x.data, "I1"), "company before");
	assert_string_equal(cell(x.data, "K1"), "tags before");
	assert_string_equal(cell(x.data, "M1"), "opted_out before");
	assert_string_equal(cell(x.data, "O1"), "custom:Plan before");
	assert_string_equal(cell(x.data, "P1"), "custom:Plan after");
	assert_string_equal(cell(x.data, "Q1"), "");
	/* the create: one row, three fields */
	assert_string_equal(cell(x.data, "A2"), "create");
	assert_string_equal(cell(x.data, "B2"), "+447400000001");
	assert_string_equal(cell(x.data, "C2"), "11");
	assert_string_equal(cell(x.data, "D2"), "first_name, tags, custom:Plan");
	assert_string_equal(cell(x.data, "F2"), "Ann");
	assert_string_equal(cell(x.data, "L2"), "vip");
	assert_string_equal(cell(x.data, "P2"), "gold");
	assert_string_equal(cell(x.data, "G2"), "");
	/* the update: company changed to empty, told by "fields" */
	assert_string_equal(cell(x.data, "A3"), "update");
	assert_string_equal(cell(x.data, "D3"), "last_name, company");
	assert_string_equal(cell(x.data, "G3"), "Smith");
	assert_string_equal(cell(x.data, "H3"), "Smyth");
	assert_string_equal(cell(x.data, "I3"), "Acme");
	assert_string_equal(cell(x.data, "J3"), "");
	/* the delete: no fields */
	assert_string_equal(cell(x.data, "A4"), "delete");
	assert_string_equal(cell(x.data, "C4"), "13");
	assert_string_equal(cell(x.data, "D4"), "");
	/* the same field twice: two operations */
	assert_string_equal(cell(x.data, "E5"), "A");
	assert_string_equal(cell(x.data, "F5"), "B");
	assert_string_equal(cell(x.data, "E6"), "B");
	assert_string_equal(cell(x.data, "F6"), "C");
	assert_string_equal(cell(x.data, "A6"), "update");
	assert_string_equal(cell(x.data, "M6"), "");
	assert_string_equal(cell(x.data, "A7"), "opt-out");
	assert_string_equal(cell(x.data, "D7"), "opted_out");
	assert_string_equal(cell(x.data, "M7"), "false");
	assert_string_equal(cell(x.data, "N7"), "true");
	assert_string_equal(cell(x.data, "F7"), "");
	assert_string_equal(cell(x.data, "A8"), "");
	assert_non_null(strstr(x.data, "<autoFilter ref=\"A1:P7\"/>"));
	buf_free(&x);

	/* Failures: numbers as numbers, an empty status left empty */
	sheet(f, 4, &x);
	assert_string_equal(cell(x.data, "B2"), "+447400000005");
	assert_string_equal(cell(x.data, "D2"), "n:7");
	assert_string_equal(cell(x.data, "E2"), "n:400");
	assert_string_equal(cell(x.data, "F2"), "tags: too many, 300");
	assert_string_equal(cell(x.data, "G2"), "n:3");
	assert_string_equal(cell(x.data, "D3"), "");
	assert_string_equal(cell(x.data, "E3"), "");
	assert_string_equal(cell(x.data, "F3"), "connection refused");
	buf_free(&x);

	sheet(f, 5, &x);
	assert_string_equal(cell(x.data, "E2"), "opted out remotely");
	buf_free(&x);

	/* Rejects: the reason in words, the code, the column and value, the
	 * cells as one CSV line */
	sheet(f, 6, &x);
	assert_string_equal(cell(x.data, "A2"), "list.csv");
	assert_string_equal(cell(x.data, "B2"), "n:4");
	assert_string_equal(cell(x.data, "C2"), "the number is too short");
	assert_string_equal(cell(x.data, "D2"), "too_short");
	assert_string_equal(cell(x.data, "E2"), "phone");
	assert_string_equal(cell(x.data, "F2"), "123");
	assert_string_equal(cell(x.data, "G2"), "123,Bob,\"a,b\"");
	assert_string_equal(cell(x.data, "C3"), "unknown reason");
	assert_string_equal(cell(x.data, "D3"), "some_new_reason");
	buf_free(&x);

	sheet(f, 7, &x);
	assert_string_equal(cell(x.data, "A2"), "+447400000001");
	assert_string_equal(cell(x.data, "C2"), "n:3");
	assert_string_equal(cell(x.data, "E2"), "n:8");
	buf_free(&x);
}

static void remove_file(const struct fixture *f, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", f->results, name);
	assert_int_equal(unlink(path), 0);
}

/* A file deleted, then the whole folder: empty sheets, named on the Summary. */
static void test_missing_files(void **state)
{
	struct fixture *f = *state;
	struct report_stats st;
	struct errinfo info = { 0 };
	char cmd[256];
	struct buf x;

	remove_file(f, "errors.csv");
	assert_int_equal(write_report(f, 0, &st, &info), ERR_OK);
	assert_int_equal(st.missing, 1);
	assert_int_equal(st.failures, 0);
	assert_int_equal(st.changes, 6);
	sheet(f, 1, &x);
	assert_non_null(strstr(summary_value(x.data, "Failures sheet"), "errors.csv' is missing"));
	buf_free(&x);
	sheet(f, 4, &x);
	assert_string_equal(cell(x.data, "A1"), "operation");
	assert_string_equal(cell(x.data, "A2"), "");
	buf_free(&x);

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->results);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(write_report(f, 0, &st, &info), ERR_OK);
	assert_int_equal(st.missing, 5);
	sheet(f, 1, &x);
	assert_non_null(strstr(summary_value(x.data, "Changes sheet"), "the results folder '"));
	assert_non_null(strstr(summary_value(x.data, "Rejects sheet"), "rejects.csv' is missing"));
	assert_string_equal(summary_value(x.data, "rows read"), "n:12");
	buf_free(&x);
}

/* Each missing file is told to the caller's hook, as it is counted. */
static void test_missing_hook(void **state)
{
	struct fixture *f = *state;
	struct report_stats st;
	struct errinfo info = { 0 };

	memset(&told, 0, sizeof(told));
	assert_int_equal(write_report(f, 0, &st, &info), ERR_OK);
	assert_int_equal(told.calls, 0);
	remove_file(f, "skipped.csv");
	assert_int_equal(write_report(f, 0, &st, &info), ERR_OK);
	assert_int_equal(st.missing, 1);
	assert_int_equal(told.calls, 1);
	assert_string_equal(told.run, json_string_value(json_object_get(f->rec, "id")));
	assert_string_equal(told.sheet, "Skipped");
	assert_non_null(strstr(told.why, "skipped.csv' is missing (deleted?)"));
}

/* Steps that did not run say so; a dry run is not a missing file. */
static void test_steps_not_run(void **state)
{
	struct fixture *f = *state;
	struct report_stats st;
	struct errinfo info = { 0 };
	struct buf x;

	json_object_set_new(json_object_get(f->rec, "push"), "dry_run", json_true());
	assert_int_equal(write_report(f, 0, &st, &info), ERR_OK);
	assert_int_equal(st.missing, 0);
	assert_int_equal(st.changes, 0);
	sheet(f, 1, &x);
	assert_string_equal(summary_value(x.data, "dry run"), "yes");
	assert_string_equal(summary_value(x.data, "Changes sheet"), "a dry run changes nothing");
	buf_free(&x);

	json_object_set_new(f->rec, "import", json_null());
	json_object_set_new(f->rec, "pull", json_null());
	json_object_set_new(f->rec, "push", json_null());
	assert_int_equal(write_report(f, 0, &st, &info), ERR_OK);
	assert_int_equal(st.missing, 3);	/* the push's three */
	sheet(f, 1, &x);
	assert_string_equal(summary_value(x.data, "rows read"), "the import did not complete");
	assert_string_equal(summary_value(x.data, "contacts pulled"), "the pull did not run");
	assert_string_equal(summary_value(x.data, "push requests"), "the push did not run");
	assert_string_equal(summary_value(x.data, "dry run"), "the push did not run");
	assert_string_equal(summary_value(x.data, "Failures sheet"), "the push did not run");
	assert_string_equal(summary_value(x.data, "Duplicates sheet"), "the import did not complete");
	buf_free(&x);
	sheet(f, 2, &x);
	assert_string_equal(cell(x.data, "A2"), "create");
	assert_string_equal(cell(x.data, "B2"), "");	/* not 0 */
	buf_free(&x);
}

/* A malformed file: an error naming it and its row, no workbook. */
static void malformed(struct fixture *f, const char *name, const char *text, const char *want)
{
	struct errinfo info = { 0 };

	write_file(f->results, name, text);
	unlink(f->xlsx);
	assert_int_equal(write_report(f, 0, NULL, &info), ERR_FORMAT);
	if (!strstr(info.msg, want))
		fail_msg("'%s' not in '%s'", want, info.msg);
	assert_non_null(strstr(info.msg, name));
	assert_int_equal(access(f->xlsx, F_OK), -1);
}

static void test_malformed(void **state)
{
	struct fixture *f = *state;

	malformed(f, "errors.csv", "operation,phone\n", "row 1: not the header of errors.csv");
	malformed(f, "errors.csv", "", "is empty");
	malformed(f, "errors.csv", "operation,phone,source_file,source_row,http_status,message,attempts\n"
		  "create,+447400000005,list.csv,7,400,bad\n", "row 2: 6 cells, 7 expected");
	malformed(f, "errors.csv", "operation,phone,source_file,source_row,http_status,message,attempts\n"
		  "create,+447400000005,list.csv,7,400,x,1\n"
		  "create,+447400000005,list.csv,7,four,x,1\n", "row 3: http_status 'four' is not a number");
	write_file(f->results, "errors.csv", errors_csv);
	malformed(f, "changes.csv", "operation,phone,id,field,before,after\ncreate,+44,1,x\n",
		  "row 2: 4 cells, 6 expected");
	write_file(f->results, "changes.csv", changes_csv);
	malformed(f, "rejects.csv", "phone,_reason,_column,_value,_source,_row\n"
		  "x,empty,phone,,list.csv,x1\n", "row 2: _row 'x1' is not a number");
	write_file(f->results, "rejects.csv", rejects_csv);
	malformed(f, "duplicates.csv", "phone,file,row\n", "not the header of duplicates.csv");
}

/* A table longer than a sheet goes on to "Failures (2)". */
static void test_long_table(void **state)
{
	struct fixture *f = *state;
	struct report_stats st;
	struct errinfo info = { 0 };
	struct buf x;

	assert_int_equal(write_report(f, 2, &st, &info), ERR_OK);
	assert_int_equal(st.failures, 2);
	read_entry(f->xlsx, "xl/workbook.xml", &x);
	assert_non_null(strstr(x.data, "name=\"Failures (2)\""));
	assert_non_null(strstr(x.data, "name=\"Changes (6)\""));
	buf_free(&x);
}

static void test_bad_record(void **state)
{
	struct fixture *f = *state;
	struct errinfo info = { 0 };
	json_t *rec = json_array();

	assert_int_equal(report_write(rec, f->xlsx, NULL, NULL, NULL, &info), ERR_FORMAT);
	json_decref(rec);
	assert_string_equal(exitcode_words(6), "stopped early: run again to continue");
	assert_string_equal(exitcode_words(42), "failed");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_full_report, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_hook, setup, teardown),
		cmocka_unit_test_setup_teardown(test_steps_not_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_record, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
