/*
 * xlsxout: a table (one header row, then rows of text cells) written as an
 * XLSX workbook with libxlsxwriter, in memory that does not grow with the
 * number of rows.
 *
 * Invariants:
 * - libxlsxwriter runs in constant_memory mode: a row goes to a temporary
 *   file in opts->tmpdir as soon as the next one starts, so rows are
 *   written strictly in order, one cell after the other.
 * - Every cell is a text cell (an inline string), never a formula, and
 *   never a number unless written with xlsxout_number: +447400123456,
 *   0044..., 1.5E+3 and =1+1 read back as written.
 * - A workbook holds one table or several (xlsxout_table), each on its own
 *   sheets, with its own header, filter and widths.
 * - The header row is bold and frozen and repeated at the top of every
 *   sheet; an autofilter covers the header and the rows below it.
 * - Column widths follow the widest value written in each column (display
 *   width: code points, East Asian wide ones counting two), capped at
 *   XLSXOUT_WIDTH_MAX. They and the autofilter are handed to libxlsxwriter
 *   once known, at the end: it keeps both and writes <cols> and
 *   <autoFilter> when it assembles the sheet in xlsxout_close, constant
 *   memory or not (tests/e2e/t_xlsx_export.sh checks the output).
 * - Excel's limits are kept, never silently:
 *   a sheet has at most XLSXOUT_MAX_ROWS rows, so a longer table continues
 *   on "NAME (2)", "NAME (3)", ... each starting with the header row;
 *   a cell holds at most XLSXOUT_MAX_CELL characters (UTF-16 units, as
 *   Excel counts), so a longer value is cut at a code point boundary and
 *   counted in the stats for the caller to report.
 * - Text that Excel would decode as an escape ("_x0041_" reads as "A")
 *   is escaped itself ("_x005F_x0041_"), and NUL is written as "_x0000_";
 *   an escape counts as its seven characters against the cell limit, which
 *   keeps libxlsxwriter's own length check (code points) satisfied too.
 * - A full disk is an error, not a short workbook: libxlsxwriter 1.1.4
 *   ignores write errors on its temporary files, so xlsxout checks their
 *   streams as it goes, and after close that every sheet in the zip is at
 *   least as large as the XML of the cells it was given.
 * - xlsxout writes nothing at `path` before xlsxout_close, which writes
 *   the whole file; replacing an existing file atomically (write to a
 *   temporary name, rename) is the caller's job.
 */
#ifndef CONTACTSYNC_XLSXOUT_H
#define CONTACTSYNC_XLSXOUT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

#define XLSXOUT_MAX_ROWS 1048576u	/* rows per sheet, header included */
#define XLSXOUT_MAX_COLS 16384u
#define XLSXOUT_MAX_CELL 32767u		/* characters per cell */
#define XLSXOUT_WIDTH_MAX 60u		/* column width, in characters */

struct xlsxout;

struct xlsxout_opts {
	const char *sheet;	/* name of the first sheet (default "Sheet") */
	const char *tmpdir;	/* for libxlsxwriter's temporary files, which
				 * hold the whole sheet until close (NULL:
				 * the system's temporary directory) */
	uint32_t max_rows;	/* rows per sheet, header included, at least
				 * 2; 0 = XLSXOUT_MAX_ROWS (tests use less) */
	uint32_t max_cell;	/* characters per cell; 0 = XLSXOUT_MAX_CELL */
	int zip64;		/* ZIP64 container, needed past 4 GB (see
				 * xlsxout_needs_zip64); only then, as not
				 * every reader takes ZIP64 */
};

struct xlsxout_stats {
	uint64_t rows;		/* rows written below the headers */
	unsigned sheets;
	uint64_t truncated;	/* cells cut to max_cell characters */
	char first_truncated[160];	/* "'Contacts (2)'!J5", or "" */
	size_t first_truncated_col;	/* its column, 0-based */
};

/*
 * Starts a workbook at `path` with its first sheet. `name` is used in
 * messages (NULL = path). ERR_USAGE for bad options (sheet name, row
 * limit), ERR_IO when libxlsxwriter cannot start (temporary file).
 */
enum err xlsxout_open(struct xlsxout **out, const char *path, const char *name,
		      const struct xlsxout_opts *opts, struct errinfo *info);

/* Writes the header row (names copied); once, before any cell.
 * ERR_LIMIT past XLSXOUT_MAX_COLS columns. */
enum err xlsxout_header(struct xlsxout *w, const char *const *names, size_t n,
			struct errinfo *info);

/*
 * Appends a cell to the current row (starting one when needed, on a new
 * sheet when the current one is full). s need not be NUL-terminated; an
 * empty cell is left blank. At most as many cells as header columns.
 */
enum err xlsxout_cell(struct xlsxout *w, const char *s, size_t len,
		      struct errinfo *info);
enum err xlsxout_cellz(struct xlsxout *w, const char *s, struct errinfo *info);
enum err xlsxout_end_row(struct xlsxout *w, struct errinfo *info);

/* Appends a number cell (counts a chart reads), like xlsxout_cell. */
enum err xlsxout_number(struct xlsxout *w, double v, struct errinfo *info);

/*
 * Ends the current table (its last row, filter and widths) and starts the
 * next on a new sheet named `sheet`, with this header; it continues on
 * "SHEET (2)", ... as the first table does. ERR_USAGE for a sheet name
 * Excel refuses or one already used.
 */
enum err xlsxout_table(struct xlsxout *w, const char *sheet, const char *const *names,
		       size_t n, struct errinfo *info);

/*
 * A column chart of the current table, drawn on the sheet named on_sheet
 * (any sheet of the workbook) with its top left corner at (at_row,
 * at_col): categories are the table's first column, rows 1 to rows; one
 * series per column first_col..last_col, named by its header.
 */
struct xlsxout_chart {
	const char *title;
	const char *on_sheet;
	uint32_t rows;
	uint16_t first_col, last_col;
	uint32_t at_row;
	uint16_t at_col;
	int stacked;
};
enum err xlsxout_chart(struct xlsxout *w, const struct xlsxout_chart *c, struct errinfo *info);

/* Width the column gets at close, from what was written so far. */
unsigned xlsxout_width(const struct xlsxout *w, size_t col);

/*
 * Sets widths and autofilters, writes the file and frees w, whatever
 * happens. stats (may be NULL) is filled either way. Every libxlsxwriter
 * failure is ERR_IO with a message naming the file.
 */
enum err xlsxout_close(struct xlsxout *w, struct xlsxout_stats *stats,
		       struct errinfo *info);

/* Frees w without writing anything at path. */
void xlsxout_abort(struct xlsxout *w);

/*
 * 1 when a table of `cells` non-empty cells holding `text_bytes` bytes
 * may pass the 4 GB a plain ZIP container allows, so opts.zip64 must be
 * set. A rough upper estimate of the sheet XML, with a margin.
 */
int xlsxout_needs_zip64(uint64_t text_bytes, uint64_t cells);

/*
 * The text given to libxlsxwriter for a value: escapes added, cut at a
 * code point boundary to at most max characters as counted above.
 * Replaces out's content; *cut is 1 when the value was cut. Input is
 * UTF-8. Exposed for the unit tests.
 */
enum err xlsxout_text(const char *s, size_t len, size_t max, struct buf *out,
		      int *cut);

/* Display width of UTF-8 text, counting at most up to cap. */
unsigned xlsxout_display_width(const char *s, size_t len, unsigned cap);

#endif
