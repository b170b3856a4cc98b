/*
 * Fuzz target: the CSV reader (csvin) with its encoding and delimiter
 * detection, through the reader harness (fuzz_reader.h). The input is the
 * file itself; its size modulo 8 picks the options (so the seeds stay
 * plain CSV files): detection mostly (with charset_guess when the input
 * is not UTF-8), sometimes an explicit encoding, sometimes tiny limits.
 */
#include <stddef.h>

#include "reader.h"

static void options(size_t size, struct reader_opts *o)
{
	static const char *const enc[] = { "utf-8", "utf-16", "windows-1252" };

	switch (size % 8) {
	case 3:
		/* multi-byte encodings decoded as a stream before libcsv */
		o->encoding = size % 16 == 3 ? "shift_jis" : "gb18030";
		break;
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

#define FUZZ_READER reader_csv
#define FUZZ_OPTIONS options
#include "fuzz_reader.h"
