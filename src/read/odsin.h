/*
 * odsin: streaming reader of OpenDocument spreadsheets (.ods).
 *
 * Same contract as csvin (row.h): csv-equivalent text cells, one row at a
 * time, errors naming the file, sheet and cell. See the module's source
 * for the details of the format.
 */
#ifndef CONTACTSYNC_ODSIN_H
#define CONTACTSYNC_ODSIN_H

#include "err.h"
#include "row.h"

struct odsin;

/*
 * Opens `path` and selects the sheet (opts->sheet, else the first visible
 * one). `name` is used in messages (NULL = path). ERR_IO unreadable,
 * ERR_FORMAT not this format / corrupt / encrypted, ERR_NOT_FOUND no such
 * sheet (the message lists the sheets), ERR_LIMIT a cap was hit.
 */
enum err odsin_open(struct odsin **out, const char *path, const char *name,
		   const struct sheet_opts *opts, struct errinfo *info);

/* Next non-empty row (borrowed until the next call); ERR_NOT_FOUND at the
 * end. After another error the reader can only be closed. */
enum err odsin_next(struct odsin *r, struct row *row, struct errinfo *info);

/* Name of the sheet being read (borrowed). */
const char *odsin_sheet(const struct odsin *r);

/* Moves on to the next visible sheet: ERR_NOT_FOUND when there is none,
 * else its rows follow (reader.h's next_sheet). */
enum err odsin_next_sheet(struct odsin *r, struct errinfo *info);

void odsin_close(struct odsin *r);

#endif
