/*
 * Fuzz target: the xlsxin spreadsheet reader, the input being the whole
 * file (through an in-memory file, since the reader takes a path). Every
 * row of the first sheet is read; the zip caps are lowered so that one
 * input cannot inflate to more than a few MB.
 */
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "xlsxin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sheet_opts opts;
	struct errinfo info;
	struct xlsxin *r;
	struct row row;
	char path[64];
	int fd;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	fd = fuzz_memfile(data, size, path, sizeof(path));
	if (fd < 0)
		return 0;
	fuzz_sheet_opts(&opts);
	if (!xlsxin_open(&r, path, "fuzz", &opts, &info)) {
		const char *names[4];

		(void)strlen(xlsxin_sheet(r));
		(void)xlsxin_other_sheets(r, names, 4);
		while (!xlsxin_next(r, &row, &info))
			fuzz_check_row(&row);
		xlsxin_close(r);
	}
	close(fd);
	return 0;
}
