/*
 * Fuzz target: a run record (runlog.h) as `status` and `report` read it
 * back from the store: parsed as runlog_get parses it, listed by
 * status_print_run, and written as a report by report_write. A record
 * names its results folder and the import's side files; those names are
 * pointed into this target's own folder (made once, holding a small
 * results folder of valid files), so that what is fuzzed is the record
 * and not the files of the machine it runs on.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "report.h"
#include "results.h"
#include "status.h"

static char dir[64];
static char results[96], rejects[128], dups[128], book[128];
static FILE *devnull;

/* The results folder: each file the report reads (results.h's files with
 * a sheet), its header and these rows, valid and small. */
static const char *const rows[RESULTS__COUNT] = {
	[RESULTS_CHANGES] = "update,+447400123456,42,first_name,Al,Alan\n"
			    "delete,+447400123457,43,,,\n",
	[RESULTS_ERRORS] = "create,+447400123458,a.csv,3,422,invalid,1\n",
	[RESULTS_REJECTS] = "a.csv,9,too_short,123\n",
	[RESULTS_UNMAPPED] = "+447400123456,tags,vip,\n",
};

static int is_read(size_t f)
{
	return results_files[f].sheet != NULL;
}

static void cleanup(void)
{
	char path[192];
	size_t i;

	for (i = 0; i < RESULTS__COUNT; i++) {
		if (!is_read(i))
			continue;
		snprintf(path, sizeof(path), "%s/%s", results, results_files[i].name);
		unlink(path);
	}
	unlink(book);
	rmdir(results);
	rmdir(dir);
}

static void setup(void)
{
	char path[192];
	FILE *fp;
	size_t i;

	strcpy(dir, "/tmp/fuzz-runrec-XXXXXX");
	if (!mkdtemp(dir))
		fuzz_fail("cannot make the target's folder");
	snprintf(results, sizeof(results), "%s/results", dir);
	snprintf(rejects, sizeof(rejects), "%s/%s", results, results_files[RESULTS_REJECTS].name);
	snprintf(dups, sizeof(dups), "%s/%s", results, results_files[RESULTS_DUPLICATES].name);
	snprintf(book, sizeof(book), "%s/report.xlsx", dir);
	if (mkdir(results, 0700))
		fuzz_fail("cannot make the target's results folder");
	atexit(cleanup);
	for (i = 0; i < RESULTS__COUNT; i++) {
		if (!is_read(i))
			continue;
		snprintf(path, sizeof(path), "%s/%s", results, results_files[i].name);
		fp = fopen(path, "w");
		if (fp)
			results_write_header(fp, (enum results_file)i);
		if (!fp || fputs(rows[i] ? rows[i] : "", fp) < 0 || fclose(fp))
			fuzz_fail("cannot write the target's results folder");
	}
	devnull = fopen("/dev/null", "w");
	if (!devnull)
		fuzz_fail("cannot open /dev/null");
}

/* Points a path the record gives (when it is a string) at ours. */
static void repoint(json_t *o, const char *key, const char *path)
{
	if (json_is_string(json_object_get(o, key)))
		json_object_set_new(o, key, json_string(path));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct report_stats stats;
	struct errinfo info;
	json_t *rec;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	if (!devnull)
		setup();
	rec = json_loadb((const char *)data, size, 0, NULL);
	if (!rec)
		return 0;
	status_print_run(devnull, rec);
	if (json_is_object(rec)) {
		repoint(rec, "results", results);
		repoint(json_object_get(rec, "push"), "results", results);
		repoint(json_object_get(rec, "import"), "rejects", rejects);
		repoint(json_object_get(rec, "import"), "duplicates", dups);
		if (!report_write(rec, book, "report.xlsx", NULL, &stats, &info))
			unlink(book);
		else if (!info.msg[0])
			fuzz_fail("report_write failed without a message");
	}
	json_decref(rec);
	return 0;
}
