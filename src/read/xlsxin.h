/*
 * xlsxin: streaming reader of Office Open XML workbooks (.xlsx, .xlsm).
 *
 * Same contract as csvin (row.h): csv-equivalent text cells, one row at a
 * time, errors naming the file, sheet and cell. See the module's source
 * for the details of the format.
 */
#ifndef CONTACTSYNC_XLSXIN_H
#define CONTACTSYNC_XLSXIN_H

#include "err.h"
#include "row.h"

struct xlsxin;

/*
 * Opens `path` and selects the sheet (opts->sheet, else the first visible
 * one). `name` is used in messages (NULL = path). ERR_IO unreadable,
 * ERR_FORMAT not this format / corrupt / encrypted, ERR_NOT_FOUND no such
 * sheet (the message lists the sheets), ERR_LIMIT a cap was hit.
 */
enum err xlsxin_open(struct xlsxin **out, const char *path, const char *name,
		   const struct sheet_opts *opts, struct errinfo *info);

/* Next non-empty row (borrowed until the next call); ERR_NOT_FOUND at the
 * end. After another error the reader can only be closed. */
enum err xlsxin_next(struct xlsxin *r, struct row *row, struct errinfo *info);

/* Name of the sheet being read (borrowed). */
const char *xlsxin_sheet(const struct xlsxin *r);

/* Moves on to the next visible worksheet: ERR_NOT_FOUND when there is
 * none, else its rows follow (reader.h's next_sheet). */
enum err xlsxin_next_sheet(struct xlsxin *r, struct errinfo *info);

void xlsxin_close(struct xlsxin *r);

#endif
