/*
 * xlsin: streaming reader of legacy Excel workbooks (.xls, BIFF) through FreeXL.
 *
 * Same contract as csvin (row.h): csv-equivalent text cells, one row at a
 * time, errors naming the file, sheet and cell. See the module's source
 * for the details of the format.
 */
#ifndef CONTACTSYNC_XLSIN_H
#define CONTACTSYNC_XLSIN_H

#include "err.h"
#include "row.h"

struct xlsin;

/*
 * Opens `path` and selects the sheet (opts->sheet, else the first visible
 * one). `name` is used in messages (NULL = path). ERR_IO unreadable,
 * ERR_FORMAT not this format / corrupt / encrypted, ERR_NOT_FOUND no such
 * sheet (the message lists the sheets), ERR_LIMIT a cap was hit.
 */
enum err xlsin_open(struct xlsin **out, const char *path, const char *name,
		   const struct sheet_opts *opts, struct errinfo *info);

/* Next non-empty row (borrowed until the next call); ERR_NOT_FOUND at the
 * end. After another error the reader can only be closed. */
enum err xlsin_next(struct xlsin *r, struct row *row, struct errinfo *info);

/* Name of the sheet being read (borrowed). */
const char *xlsin_sheet(const struct xlsin *r);

/* Moves on to the next sheet: ERR_NOT_FOUND when there is none, else its
 * rows follow (reader.h's next_sheet). */
enum err xlsin_next_sheet(struct xlsin *r, struct errinfo *info);

void xlsin_close(struct xlsin *r);

#endif
