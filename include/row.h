/*
 * row: one record of an input (a CSV or spreadsheet row, a JSON line as
 * its one cell), as every reader of the family (reader.h) hands it over.
 *
 * Cells are UTF-8 (readers convert other encodings), NUL-terminated and also
 * carry their length. Everything is *borrowed*: valid until the next call to
 * the reader that produced the row, or until the reader is closed.
 */
#ifndef CONTACTSYNC_ROW_H
#define CONTACTSYNC_ROW_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

struct row {
	size_t ncells;
	char **cells;		/* ncells NUL-terminated UTF-8 strings */
	size_t *lens;		/* byte length of each cell */
	unsigned long rowno;	/* 1-based row as a spreadsheet shows it: the
				   header is row 1, blank lines count */
	unsigned long line;	/* 1-based physical line where the row starts */
	/*
	 * 0, or 1 + index of the first cell whose bytes were not valid in the
	 * file's encoding when the encoding was given explicitly or guessed
	 * as a multi-byte one. (A cell that is not UTF-8 in a file detected
	 * as UTF-8 is decoded as Windows-1252 instead and counted in the
	 * reader's statistics.)
	 */
	size_t bad_cell;
};

/*
 * Options shared by the spreadsheet readers (xlsxin, odsin, xlsin). Those
 * readers return only rows that hold something: rows that do not exist in
 * the file, and empty ones (formatting only, repeated blank rows, empty
 * trailing rows), are skipped; a returned row's rowno is its real row
 * number in the sheet and cells keep their column positions.
 */
struct sheet_opts {
	const char *sheet;	/* sheet name, or its 1-based number ("2");
				   NULL = the first visible sheet */
	uint64_t max_total;	/* zip: cap on inflated bytes, 0 = default */
	unsigned max_ratio;	/* zip: cap on the inflation ratio, 0 = default */
	size_t max_row_bytes;	/* 0 = 16 MiB */
	size_t max_cells;	/* 0 = 20000 columns */
	const char *tmp_dir;	/* large tables spill here (XLSX shared
				   strings); NULL: $TMPDIR, else /tmp */
};

/* 1 when every cell is empty (or the row has no cells). */
int row_is_blank(const struct row *r);

/*
 * rowbuf: how a reader builds the row it hands out. Cells are appended to
 * one buffer, each NUL-terminated, with their offsets and lengths; the
 * pointers are resolved only when the row is handed out, because the
 * buffer moves while it grows. Reused from row to row.
 */
struct rowbuf {
	struct buf cells;
	size_t *offs, *lens;
	char **ptrs;
	size_t ncells, cap, max_cells;
};

/* The most bytes a row's cells may take unless a reader is told otherwise
 * (CSV's default cap; whoever reads rows back sizes its buffers by it). */
#define ROW_MAX_BYTES ((size_t)16 << 20)

/* max_bytes caps the cells buffer (0 = buf's default). */
void rowbuf_init(struct rowbuf *rb, size_t max_cells, size_t max_bytes);
void rowbuf_free(struct rowbuf *rb);
/* Empties the row, keeping the allocations. */
void rowbuf_reset(struct rowbuf *rb);
/* Appends a cell: ERR_LIMIT past max_cells or the byte cap, ERR_NOMEM. */
enum err rowbuf_add(struct rowbuf *rb, const char *s, size_t n);

/*
 * For readers that write a cell's bytes into rb->cells themselves
 * (decoding as they go): rowbuf_reserve makes room for one more cell
 * (ERR_LIMIT at max_cells), then the caller appends the text and its NUL
 * at rb->cells from offset off, and rowbuf_commit records it.
 */
enum err rowbuf_reserve(struct rowbuf *rb);
void rowbuf_commit(struct rowbuf *rb, size_t off);
/* Points row's cells, lens and ncells at the cells (borrowed until the
 * rowbuf changes); the other fields of row are the caller's. */
void rowbuf_row(struct rowbuf *rb, struct row *row);

#endif
