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
#include "cmd/log.h"
#include "report.h"
#include "status.h"

static char dir[64];
static char results[96], rejects[128], dups[128], book[128];
static FILE *devnull;

/* The results folder: each file the report reads, valid and small. */
static const struct {
	const char *name, *text;
} files[] = {
	{ "changes.csv", "operation,phone,id,field,before,after\n"
			 "update,+447400123456,42,first_name,Al,Alan\n"
			 "delete,+447400123457,43,,,\n" },
	{ "errors.csv", "operation,phone,source_file,source_row,http_status,message,attempts\n"
			"create,+447400123458,a.csv,3,422,invalid,1\n" },
	{ "skipped.csv", "operation,phone,source_file,source_row,reason\n" },
	{ "rejects.csv", "file,row,reason,cells\na.csv,9,too_short,123\n" },
	{ "duplicates.csv", "phone,file,row,merged_into_file,merged_into_row\n" },
	{ "unmapped.csv", "phone,field,value,kept\n+447400123456,tags,vip,\n" },
	{ "not_migrated.csv", "phone,reason\n" },
};

#define NFILES (sizeof(files) / sizeof(files[0]))

static void cleanup(void)
{
	char path[192];
	size_t i;

	for (i = 0; i < NFILES; i++) {
		snprintf(path, sizeof(path), "%s/%s", results, files[i].name);
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
	snprintf(rejects, sizeof(rejects), "%s/rejects.csv", results);
	snprintf(dups, sizeof(dups), "%s/duplicates.csv", results);
	snprintf(book, sizeof(book), "%s/report.xlsx", dir);
	if (mkdir(results, 0700))
		fuzz_fail("cannot make the target's results folder");
	atexit(cleanup);
	/* the report's warnings (a missing file ...) are expected here */
	log_setup(LOG_TEXT, -1);
	for (i = 0; i < NFILES; i++) {
		snprintf(path, sizeof(path), "%s/%s", results, files[i].name);
		fp = fopen(path, "w");
		if (!fp || fputs(files[i].text, fp) < 0 || fclose(fp))
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
