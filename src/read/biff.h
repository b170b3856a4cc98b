/*
 * biff: what the .xls reader (xlsin) reads from a workbook stream itself,
 * before FreeXL does, in one walk over its BIFF5/BIFF8 records:
 *
 *   - whether FreeXL 1.0.6 can be given the stream at all: every string
 *     it would read (FORMAT, LABEL, the shared strings) ends inside its
 *     record, and every sheet has exactly one DIMENSION record where
 *     FreeXL needs one (see biff.c);
 *   - the cells FreeXL reads wrong or plainly (struct biff_cell): BOOLERR
 *     booleans and error constants, formulas whose cached result is a
 *     boolean, and numbers (NUMBER, RK, MULRK) whose cell format numfmt
 *     renders, which FreeXL gives as bare numbers since it keeps no
 *     number formats.
 *
 * Family-internal (src/read/ only): xlsin is its one user.
 */
#ifndef CONTACTSYNC_BIFF_H
#define CONTACTSYNC_BIFF_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Noted cells at most (12 bytes each), beyond which a workbook is refused. */
#define BIFF_MAX_CELLS ((size_t)1 << 22)

enum biff_what {
	BIFF_FALSE,
	BIFF_TRUE,
	BIFF_ERROR,	/* an error constant: read as an empty cell */
	BIFF_NUMFMT,	/* a number to render through biff_format */
};

struct biff_cell {
	uint32_t row;		/* 0-based, as FreeXL counts */
	uint16_t col;
	uint16_t sheet;		/* BOUNDSHEET order, FreeXL's numbering */
	uint8_t what;		/* enum biff_what */
	uint8_t from_formula;	/* BIFF_TRUE/FALSE: else a BOOLERR record */
	uint16_t fmt;		/* BIFF_NUMFMT: the format's slot */
};

struct biff_notes;

/*
 * Walks the workbook stream s[0..len) (file `name` in messages). ERR_OK
 * with *out the notes (new: biff_notes_free; NULL when there is nothing
 * to note); ERR_FORMAT when FreeXL could not safely read it, ERR_LIMIT
 * past BIFF_MAX_CELLS, ERR_NOMEM; the message says which.
 */
enum err biff_check(struct biff_notes **out, const char *name, const unsigned char *s,
		    size_t len, struct errinfo *info);

/*
 * The noted cell at (sheet, row, col), or NULL; *next is a cursor that
 * only moves forward, so calls must come in sheet, row and column order
 * (a row's cells left to right, rows top down). biff_rewind sets it to
 * the first cell of a sheet (any sheet, in any order).
 */
const struct biff_cell *biff_cell_at(const struct biff_notes *bn, size_t *next,
				     unsigned sheet, unsigned row, unsigned col);
size_t biff_rewind(struct biff_notes *bn, unsigned sheet);

/* The format code of a BIFF_NUMFMT cell, UTF-8 (borrowed until
 * biff_notes_free). */
const char *biff_format(const struct biff_notes *bn, const struct biff_cell *c);

void biff_notes_free(struct biff_notes *bn);

/* The n-byte little-endian number at p. */
unsigned long long biff_le(const unsigned char *p, int n);

#endif
