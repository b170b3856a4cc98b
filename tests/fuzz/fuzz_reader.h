/*
 * The one fuzz harness of the reader family (reader.h): each reader's
 * target, tests/fuzz/fuzz_NAME.c, says which reader it fuzzes and
 * includes this file:
 *
 *     #define FUZZ_READER reader_xlsx
 *     #include "fuzz_reader.h"
 *
 * (and may define FUZZ_OPTIONS(size, opts), a function that sets the
 * reader's options from the input's size). The input is the whole file,
 * through an in-memory file since readers take paths; the detection
 * probes see it first, then FUZZ_READER reads it with every operation it
 * has (sheet, other sheets, every row of every sheet, opt-in columns, offset,
 * note) under the fuzz caps
 * (fuzz_sheet_opts: one input cannot inflate to more than a few MB).
 */
#ifndef CONTACTSYNC_FUZZ_READER_H
#define CONTACTSYNC_FUZZ_READER_H

#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "reader.h"

#ifndef FUZZ_READER
#error "define FUZZ_READER (the reader to fuzz) before including fuzz_reader.h"
#endif

/* The member, declared here: the core sees only reader_detect. */
extern const struct reader FUZZ_READER;

static void fuzz_read(const struct reader *rd, const char *path, const struct reader_opts *ro,
		      struct errinfo *info)
{
	const char *names[4];
	struct row row;
	char note[1024];
	void *priv;

	if (rd->open(&priv, path, "fuzz", ro, info))
		return;
	if (rd->sheet)
		(void)strlen(rd->sheet(priv));
	if (rd->other_sheets)
		(void)rd->other_sheets(priv, names, 4);
	while (!rd->next(priv, &row, info)) {
		fuzz_check_row(&row);
		if (rd->opt_in && row.rowno == 1)
			for (size_t i = 0; i <= row.ncells; i++)
				(void)rd->opt_in(priv, i);
	}
	/* --sheet all: every later sheet, read on where the first ended */
	while (rd->next_sheet && !rd->next_sheet(priv, info)) {
		(void)strlen(rd->sheet(priv));
		while (!rd->next(priv, &row, info))
			fuzz_check_row(&row);
	}
	if (rd->offset)
		(void)rd->offset(priv);
	if (rd->note && rd->note(priv, "fuzz", note, sizeof(note)))
		(void)strlen(note);
	rd->close(priv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct reader *detected;
	struct reader_opts ro;
	struct sheet_opts so;
	struct errinfo info;
	char path[64];
	int fd;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	fd = fuzz_memfile(data, size, path, sizeof(path));
	if (fd < 0)
		return 0;
	memset(&ro, 0, sizeof(ro));
	fuzz_sheet_opts(&so);
	ro.sheet = &so;
#ifdef FUZZ_OPTIONS
	FUZZ_OPTIONS(size, &ro);
#endif
	(void)reader_detect(path, "fuzz", &detected, &info);
	memset(&info, 0, sizeof(info));
	fuzz_read(&FUZZ_READER, path, &ro, &info);
#ifdef FUZZ_FREEXL
	/* make fuzz-freexl: FreeXL is instrumented, so the child that loads
	 * the workbook first dies of any memory error FreeXL makes */
	if (strstr(info.msg, "FreeXL crashed"))
		fuzz_fail("FreeXL failed on a workbook the checks let through");
#endif
	close(fd);
	return 0;
}

#endif
