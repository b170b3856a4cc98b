/*
 * Fuzz target: the odsin spreadsheet reader, the input being the whole
 * file (through an in-memory file, since the reader takes a path). Every
 * row of the first sheet is read; the zip caps are lowered so that one
 * input cannot inflate to more than a few MB.
 */
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "odsin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sheet_opts opts;
	struct errinfo info;
	struct odsin *r;
	struct row row;
	char path[64];
	int fd;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	fd = fuzz_memfile(data, size, path, sizeof(path));
	if (fd < 0)
		return 0;
	fuzz_sheet_opts(&opts);
	if (!odsin_open(&r, path, "fuzz", &opts, &info)) {
		(void)strlen(odsin_sheet(r));
		while (!odsin_next(r, &row, &info))
			fuzz_check_row(&row);
		odsin_close(r);
	}
	close(fd);
	return 0;
}
