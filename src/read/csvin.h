/*
 * csvin: streaming CSV reader on top of libcsv.
 *
 * RFC 4180 quoting (embedded delimiters and newlines, doubled quotes); stray
 * quotes inside unquoted fields are kept literally; spaces between a closing
 * quote and the delimiter are dropped; other text after a closing quote
 * makes that quote literal and the field goes on (libcsv's reading of
 * `"5" screen"`); a quoted field still open at end of file is an error
 * (ERR_FORMAT naming the row where it started). Cells are otherwise kept
 * byte for byte: no trimming.
 * Delimiter auto-detected among ',' ';' TAB '|' from the first lines (outside
 * quotes) unless given. Encoding: UTF-8 with or without BOM, UTF-16 LE/BE
 * with BOM, and when the bytes are not valid UTF-8 (decided on the first
 * 64 KiB; later cells that are not valid UTF-8 are decoded as Windows-1252
 * one by one and counted) charset_guess's answer on those 64 KiB
 * (read/charset.h: libuchardet, then the single-byte readings scored),
 * with the reader's note naming the encoding when the guess is uncertain.
 * Invalid UTF-16 in a file detected as UTF-16 is ERR_ENCODING with its byte
 * offset. An explicit encoding (any name iconv knows) disables detection;
 * bytes invalid in it, or in a guessed multi-byte encoding, flag the cell
 * instead (row->bad_cell, content with U+FFFD); bytes a guessed single-byte
 * encoding leaves undefined become the control character of that value.
 * Conversion through iconv.
 *
 * Memory is bounded: a single row (all its bytes, quoted newlines and its
 * line end included, counted after stream decoding) may not exceed
 * opts.max_row_bytes and may not have more than opts.max_cells cells;
 * either gives ERR_LIMIT naming the row. The reader never holds more than
 * one row plus one 64 KiB input chunk.
 *
 * Rows are returned as they are, blank ones included (see row_is_blank);
 * the header is simply row 1.
 */
#ifndef CONTACTSYNC_CSVIN_H
#define CONTACTSYNC_CSVIN_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"
#include "row.h"

struct csvin_opts {
	char delimiter;		/* 0 = detect */
	const char *encoding;	/* NULL = detect; "utf-16" (the BOM says which
				   byte order, LE without one) or any name
				   iconv knows ("utf-8", "windows-1252",
				   "macintosh", "shift_jis" ...) */
	size_t max_row_bytes;	/* 0 = CSVIN_DEFAULT_MAX_ROW */
	size_t max_cells;	/* 0 = CSVIN_DEFAULT_MAX_CELLS */
};

#define CSVIN_DEFAULT_MAX_ROW ROW_MAX_BYTES
#define CSVIN_DEFAULT_MAX_CELLS 20000

struct csvin_stats {
	char delimiter;			/* the one in use */
	const char *encoding;		/* the one in use (valid until csvin_close),
					   lower case: "utf-8",
					   "windows-1252", "macintosh" ... */
	int had_bom;
	unsigned long cp1252_cells;	/* cells decoded as Windows-1252 by fallback */
};

struct csvin;

/*
 * Opens `path` ("-" = stdin). `name` is used in messages (NULL = path).
 * Reads the first chunk to detect encoding and delimiter, so it may block
 * on a pipe and may fail with ERR_IO. On error *out is NULL and info says
 * what failed; ERR_USAGE for an unknown encoding.
 */
enum err csvin_open(struct csvin **out, const char *path, const char *name,
		    const struct csvin_opts *opts, struct errinfo *info);

/* Same, reading from an open stream (not closed by csvin_close); a NULL
 * name is shown as '-'. */
enum err csvin_open_stream(struct csvin **out, FILE *fp, const char *name,
			   const struct csvin_opts *opts, struct errinfo *info);

/*
 * Next row into *row (borrowed, valid until the next call). Returns ERR_OK
 * with a row, ERR_NOT_FOUND at end of input, or an error (ERR_IO,
 * ERR_FORMAT, ERR_LIMIT, ERR_ENCODING, ERR_NOMEM) with info naming the file
 * and row. After an error the reader can only be closed.
 */
enum err csvin_next(struct csvin *r, struct row *row, struct errinfo *info);

const struct csvin_stats *csvin_stats(const struct csvin *r);

void csvin_close(struct csvin *r);

#endif
