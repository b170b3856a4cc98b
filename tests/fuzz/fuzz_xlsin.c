/*
 * Fuzz target: the xlsin spreadsheet reader, the input being the whole
 * file (through an in-memory file, since the reader takes a path). Every
 * row of the first sheet is read; the zip caps are lowered so that one
 * input cannot inflate to more than a few MB.
 */
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "xlsin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sheet_opts opts;
	struct errinfo info;
	struct xlsin *r;
	struct row row;
	char path[64];
	int fd;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	fd = fuzz_memfile(data, size, path, sizeof(path));
	if (fd < 0)
		return 0;
	fuzz_sheet_opts(&opts);
	if (!xlsin_open(&r, path, "fuzz", &opts, &info)) {
		const char *names[4];

		(void)strlen(xlsin_sheet(r));
		(void)xlsin_other_sheets(r, names, 4);
		while (!xlsin_next(r, &row, &info))
			fuzz_check_row(&row);
		xlsin_close(r);
	}
#ifdef FUZZ_FREEXL
	/* make fuzz-freexl: FreeXL is instrumented, so the child that loads
	 * the workbook first dies of any memory error FreeXL makes */
	else if (strstr(info.msg, "FreeXL crashed"))
		fuzz_fail("FreeXL failed on a workbook the checks let through");
#endif
	close(fd);
	return 0;
}
