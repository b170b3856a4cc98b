/*
 * Fuzz target: the CSV reader (csvin) with its encoding and delimiter
 * detection, on an in-memory stream. The input is the file itself; its
 * size modulo 8 picks the options (so the seeds stay plain CSV files):
 * detection mostly, sometimes an explicit encoding, sometimes tiny limits.
 */
#include <string.h>

#include "csvin.h"
#include "fuzz.h"

static void options(size_t size, struct csvin_opts *o)
{
	static const char *const enc[] = { "utf-8", "utf-16", "windows-1252" };

	memset(o, 0, sizeof(*o));
	switch (size % 8) {
	case 4: case 5: case 6:
		o->encoding = enc[size % 8 - 4];
		break;
	case 7:
		o->max_row_bytes = 64;
		o->max_cells = 4;
		o->delimiter = ';';
		break;
	default:
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csvin_opts opts;
	struct errinfo info;
	struct csvin *r;
	struct row row;
	FILE *fp;

	if (!size || size > FUZZ_MAX_INPUT)
		return 0;
	fp = fmemopen((void *)data, size, "rb");
	if (!fp)
		return 0;
	options(size, &opts);
	if (!csvin_open_stream(&r, fp, "fuzz.csv", &opts, &info)) {
		while (!csvin_next(r, &row, &info))
			fuzz_check_row(&row);
		(void)csvin_stats(r);
		csvin_close(r);
	}
	fclose(fp);
	return 0;
}
